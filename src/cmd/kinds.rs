//! What `kz orgs` and `kz places` share: records listed by their own `kind`, where a kind
//! stands for itself and every kind declared beneath it.

use super::{Cx, Listing, emit, source_ids};
use crate::model::{Meta, Text};
use crate::names;
use crate::query::{self, Miss};
use crate::render::{Rows, Value};
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

/// Which records a kind listing lists.
#[derive(Debug, Clone, Copy)]
pub enum Listed {
    Organisations,
    Places,
}

/// A record that has a kind: its shared fields, its kind, and its cells after id and name.
struct Kinded<'b> {
    meta: &'b Meta,
    name: &'b str,
    kind: &'b Text,
    cells: Vec<Value>,
}

/// Lists organisations (id, name, kind, members: how many) or places (id, name, kind,
/// part_of), keeping those of the kinds `--kind` asks for, any of them.
pub fn list(cx: &mut Cx<'_>, listed: Listed, filter: &KindFilter) -> Result<(), crate::Error> {
    let base = cx.base()?;
    let (what, columns, records): (_, &[&'static str], Vec<Kinded>) = match listed {
        Listed::Organisations => (
            "organisation",
            &["id", "name", "kind", "members"],
            base.organisations
                .iter()
                .map(|o| Kinded {
                    meta: &o.meta,
                    name: &o.name,
                    kind: &o.kind,
                    cells: vec![Value::Count(o.members.len() as u64)],
                })
                .collect(),
        ),
        Listed::Places => (
            "place",
            &["id", "name", "kind", "part_of"],
            base.places
                .iter()
                .map(|p| Kinded {
                    meta: &p.meta,
                    name: &p.name,
                    kind: &p.kind,
                    cells: vec![Value::opt(
                        p.part_of.map(|x| base.places[x as usize].name.as_str()),
                    )],
                })
                .collect(),
        ),
    };
    let (asked, listing) = (&filter.kind, &filter.listing);
    let used: Vec<&Text> = records.iter().map(|r| r.kind).collect();
    let mut wanted: Option<BTreeSet<String>> = None;
    for kind in asked {
        let Some(beneath) = query::kinds_beneath(base, kind, &used) else {
            let kinds: BTreeSet<&str> = used.iter().map(|k| k.as_str()).collect();
            let kinds: Vec<&str> = kinds.into_iter().collect();
            return Err(Miss::Nothing(format!(
                "no {what} is of kind '{kind}'; kinds in the base: {}",
                kinds.join(", ")
            ))
            .into());
        };
        wanted.get_or_insert_default().extend(beneath);
    }
    let mut rows = Rows::new(columns);
    for r in records {
        if wanted
            .as_ref()
            .is_some_and(|w| !w.contains(&names::normalise(r.kind)))
        {
            continue;
        }
        let mut cells = vec![
            r.meta.id.as_str().into(),
            r.name.into(),
            r.kind.as_str().into(),
        ];
        cells.extend(r.cells);
        rows.push(cells, source_ids(base, &r.meta.sources));
    }
    emit(cx, rows, listing, || {
        Miss::Nothing(format!("no {what} matches these filters"))
    })
}
