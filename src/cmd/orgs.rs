//! `kz orgs`: organisations, optionally of some kinds.

use super::kinds::{KindFilter, list};
use super::{Cx, Run, scopes};
use crate::model::Kind;
use crate::query::Wanted;

/// List organisations.
///
/// Columns: id, name, kind, members (how many members the base lists).
///
/// --kind KIND keeps organisations of that kind or of any kind the base declares beneath it (a
/// television channel is a news outlet). Repeated, any of the kinds will do. --place PLACE keeps
/// organisations based in the place or a place within it; repeated, each must hold.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  kz orgs\n  kz orgs --kind 'news outlet'\n  kz orgs --place Kazakhstan\n  kz orgs --facet kind")]
pub struct Args {
    /// Only organisations based in this place or a place within it (repeat: all)
    #[arg(add = crate::cmd::completions::names(&[Kind::Place]))]
    #[arg(long, value_name = "PLACE")]
    pub place: Vec<String>,
    #[command(flatten)]
    pub filter: KindFilter,
}

impl Run for Args {
    fn run(&self, cx: &mut Cx<'_>) -> Result<(), crate::Error> {
        let within = scopes(cx.base()?, &self.place, Wanted::PLACE)?;
        list(cx, Kind::Organisation, &self.filter, &within)
    }
}
