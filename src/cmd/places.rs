//! `kz places`: places, optionally of one kind.

use crate::config::Ctx;
use crate::names;
use crate::query::{self, source_ids};
use crate::render::{self, Rows, Value};
use std::io::Write;

/// List places.
///
/// Columns: id, name, kind, part_of.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  kz places\n  kz places --kind country | cut -f2")]
pub struct Args {
    /// Only places whose kind contains KIND (e.g. country, city, region)
    #[arg(long, value_name = "KIND")]
    pub kind: Option<String>,
}

pub fn run(args: &Args, ctx: &Ctx, out: &mut dyn Write) -> anyhow::Result<()> {
    let base = ctx.base()?;
    let kind = args.kind.as_deref().map(names::normalise);
    let mut rows = Rows::new(&["id", "name", "kind", "part_of"]);
    for place in &base.places {
        if let Some(k) = &kind
            && !query::contains_text(&place.kind, k)
        {
            continue;
        }
        rows.push(
            vec![
                place.meta.id.as_str().into(),
                place.name.as_str().into(),
                place.kind.as_str().into(),
                Value::opt(place.part_of.map(|p| base.places[p as usize].name.clone())),
            ],
            source_ids(base, &place.meta.sources),
        );
    }
    if rows.is_empty() {
        let asked = args.kind.as_deref().unwrap_or_default();
        return Err(
            query::no_kind("place", asked, base.places.iter().map(|p| p.kind.as_str())).into(),
        );
    }
    render::rows(out, &rows, &ctx.style)?;
    Ok(())
}
