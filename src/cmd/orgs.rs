//! `kz orgs`: organisations, optionally of some kinds.

use super::kinds::{KindFilter, Listed, list};
use super::{Cx, Run};

/// List organisations.
///
/// Columns: id, name, kind, members (how many members the base lists).
///
/// --kind KIND keeps organisations of that kind or of any kind the base declares beneath it (a
/// television channel is a news outlet). Repeated, any of the kinds will do.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  kz orgs\n  kz orgs --kind 'news outlet'\n  kz orgs --facet kind")]
pub struct Args {
    #[command(flatten)]
    pub filter: KindFilter,
}

impl Run for Args {
    fn run(&self, cx: &mut Cx<'_>) -> Result<(), crate::Error> {
        list(cx, Listed::Organisations, &self.filter)
    }
}
