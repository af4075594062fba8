//! What `kz orgs` and `kz places` share: records listed by their own `kind`, where a kind
//! stands for itself and every kind declared beneath it.

use super::{Cx, Listing, emit, rows};
use crate::model::{EntityRef, Kind, Text};
use crate::names;
use crate::query::{self, Miss};
use crate::render::Value;
use std::collections::BTreeSet;

/// `--kind` and the listing options of `kz orgs` and `kz places`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct KindFilter {
    /// Only records of this kind or a kind declared beneath it (repeated: any of them)
    #[arg(long, value_name = "KIND")]
    pub kind: Vec<String>,
    #[command(flatten)]
    pub listing: Listing,
}

/// Lists organisations (id, name, kind, members: how many) or places (id, name, kind,
/// part_of), keeping those of the kinds `--kind` asks for, any of them, and those each of
/// `within` holds (an organisation based in the place or a place within it).
pub fn list(
    cx: &mut Cx<'_>,
    kind: Kind,
    filter: &KindFilter,
    within: &[BTreeSet<EntityRef>],
) -> Result<(), crate::Error> {
    let base = cx.base()?;
    let refs: Vec<EntityRef> = (0..base.len(kind) as u32)
        .map(|i| EntityRef::new(kind, i))
        .filter(|&r| query::counts(base, r, 0))
        .collect();
    let kind_of = |r: EntityRef| match base.get(r).field("kind") {
        Some(crate::model::fields::Value::Text(t)) => t,
        _ => "",
    };
    let used: Vec<Text> = refs.iter().map(|&r| kind_of(r).into()).collect();
    let used: Vec<&Text> = used.iter().collect();
    let what = kind.name();
    let mut wanted: Option<BTreeSet<String>> = None;
    for asked in &filter.kind {
        let Some(beneath) = query::kinds_beneath(base, asked, &used) else {
            let kinds: BTreeSet<&str> = used.iter().map(|k| k.as_str()).collect();
            let kinds: Vec<&str> = kinds.into_iter().collect();
            return Err(Miss::Nothing(format!(
                "no {what} is of kind '{asked}'; kinds in the base: {}",
                kinds.join(", ")
            ))
            .into());
        };
        wanted.get_or_insert_default().extend(beneath);
    }
    let based = |r: EntityRef| match r.kind {
        Kind::Organisation => base.organisations[r.idx as usize].based_in,
        _ => None,
    };
    let picked: Vec<EntityRef> = refs
        .into_iter()
        .filter(|&r| {
            wanted
                .as_ref()
                .is_none_or(|w| w.contains(&names::normalise(kind_of(r))))
                && within
                    .iter()
                    .all(|scope| based(r).is_some_and(|p| scope.contains(&p)))
        })
        .collect();
    let rows = match kind {
        Kind::Organisation => {
            let cols = [("id", "id"), ("name", "name"), ("kind", "kind")];
            let mut rows = rows::table(base, picked.iter().copied(), &cols);
            rows.columns.push("members");
            for (row, o) in rows.rows.iter_mut().zip(&picked) {
                let members = base.organisations[o.idx as usize].members.len();
                row.cells.push(Value::Count(members as u64));
            }
            rows
        }
        _ => rows::table(
            base,
            picked,
            &[
                ("id", "id"),
                ("name", "name"),
                ("kind", "kind"),
                ("part_of", "part_of"),
            ],
        ),
    };
    emit(cx, rows, &filter.listing, || {
        Miss::Nothing(format!("no {what} matches these filters"))
    })
}
