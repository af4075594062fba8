//! `kz places`: places, optionally of some kinds.

use super::kinds::{KindFilter, Kinded, list};
use super::{Cx, Run};
use crate::render::Value;

/// List places.
///
/// Columns: id, name, kind, part_of.
///
/// --kind KIND keeps places of that kind or of any kind the base declares beneath it (a
/// breakaway region is a region). Repeated, any of the kinds will do.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  kz places\n  kz places --kind country | cut -f2")]
pub struct Args {
    #[command(flatten)]
    pub filter: KindFilter,
}

impl Run for Args {
    fn run(&self, cx: &mut Cx<'_>) -> anyhow::Result<()> {
        let base = cx.base()?;
        let records = base
            .places
            .iter()
            .map(|p| Kinded {
                meta: &p.meta,
                name: &p.name,
                kind: &p.kind,
                cells: vec![Value::opt(p.part_of.map(|x| base.places[x as usize].name.as_str()))],
            })
            .collect();
        let columns = ["id", "name", "kind", "part_of"];
        list(cx, base, &columns, "place", &self.filter, records)
    }
}
