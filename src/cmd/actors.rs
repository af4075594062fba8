//! `kz actors`: people, filtered by organisation, place or role.

use super::{Cx, Listing, Run, emit, scopes, source_ids};
use crate::model::EntityRef;
use crate::query::{self, ActorFilter, Miss, TextQuery, Wanted};
use crate::render::{Rows, Value};

/// List people, with their roles.
///
/// Columns: id, name, description, roles.
///
/// --org keeps people who hold a role in, or are members of, an organisation. --place keeps
/// people of that nationality or with a role there (places within it count). --role keeps people
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
    /// Only people from, or with a role in, this place or a place within it (repeat: all)
    #[arg(add = crate::cmd::completions::names(&[crate::model::Kind::Place]))]
    #[arg(long, value_name = "PLACE")]
    pub place: Vec<String>,
    /// Only people with a role whose title contains TEXT (repeat: a role for each)
    #[arg(long, value_name = "TEXT")]
    pub role: Vec<String>,
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
                .map(|o| Ok(query::resolve(base, o, Wanted::ORG)?.iter().map(|r| r.idx).collect()))
                .collect::<Result<_, Miss>>()?,
            places: scopes(base, &self.place, Wanted::PLACE)?,
            roles: self
                .role
                .iter()
                .map(|t| TextQuery::new(base, t).ok_or_else(|| no_letters(t)))
                .collect::<Result<_, _>>()?,
        };
        let mut rows = Rows::new(&["id", "name", "description", "roles"]);
        for i in query::actors(base, &filter) {
            let actor = &base.actors[i as usize];
            rows.push(
                vec![
                    base.id(EntityRef::actor(i)).into(),
                    actor.name.as_str().into(),
                    actor.description.as_str().into(),
                    Value::List(actor.roles.iter().map(|r| r.title.to_string()).collect()),
                ],
                source_ids(base, &actor.meta.sources),
            );
        }
        emit(cx, rows, &self.listing, || {
            Miss::Nothing("no actor matches these filters".into())
        })
    }
}

/// The failure for a text argument with nothing to look for.
pub fn no_letters(text: &str) -> crate::Error {
    crate::Error::Usage(format!("'{text}' has no letters or digits to look for"))
}
