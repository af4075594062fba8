//! `kz places`: places, optionally of some kinds.

use super::kinds::{KindFilter, list};
use super::{Cx, Run};

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
    fn run(&self, cx: &mut Cx<'_>) -> Result<(), crate::Error> {
        list(cx, crate::model::Kind::Place, &self.filter, &[])
    }
}
