//! `kz actors`: people, filtered by organisation, place or role.

use super::{Corroboration, Cx, Listing, Run, emit, rows, scopes, text_queries};
use crate::model::EntityRef;
use crate::query::{self, ActorFilter, Miss, Wanted};

/// List people, with their roles.
///
/// Columns: id, name, description, roles.
///
/// --org keeps people who hold a role in, or are members of, an organisation. --place keeps
/// people of that nationality, with a role there, or with a role in an organisation based there
/// (places within it count). --role keeps people
/// with a role whose title contains the text. Every filter can be repeated, and each repetition
/// narrows: `--org CSTO --place Kazakhstan` keeps people who meet both.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kz actors --org CSTO\n  kz actors --place Kazakhstan -f csv\n  kz actors --role president\n  kz actors --facet roles"
)]
pub struct Args {
    /// Only people with a role in, or a membership of, this organisation (repeat: all of them)
    #[arg(add = crate::cmd::completions::names(&[crate::model::Kind::Organisation]))]
    #[arg(long, value_name = "ORG")]
    pub org: Vec<String>,
    /// Only people from, with a role in, or with a role in an organisation based in this place or
    /// a place within it (repeat: all)
    #[arg(add = crate::cmd::completions::names(&[crate::model::Kind::Place]))]
    #[arg(long, value_name = "PLACE")]
    pub place: Vec<String>,
    /// Only people with a role whose title contains TEXT (repeat: a role for each)
    #[arg(long, value_name = "TEXT")]
    pub role: Vec<String>,
    #[command(flatten)]
    pub corroboration: Corroboration,
    #[command(flatten)]
    pub listing: Listing,
}

impl Run for Args {
    fn run(&self, cx: &mut Cx<'_>) -> Result<(), crate::Error> {
        let base = cx.base()?;
        let filter = ActorFilter {
            orgs: self
                .org
                .iter()
                .map(|o| Ok(query::resolve(base, o, Wanted::ORG)?.into_iter().collect()))
                .collect::<Result<_, Miss>>()?,
            places: scopes(base, &self.place, Wanted::PLACE)?,
            roles: text_queries(base, &self.role)?,
            min_sources: self.corroboration.min_sources,
        };
        let found = query::actors(base, &filter).into_iter().map(EntityRef::actor);
        let rows = rows::table(base, found, rows::ACTOR);
        emit(cx, rows, &self.listing, || {
            Miss::Nothing("no actor matches these filters".into())
        })
    }
}
