//! `kz actors`: people, filtered by organisation, place or role.

use crate::config::Ctx;
use crate::exit::Failure;
use crate::model::Kind;
use crate::names;
use crate::query::{self, actor_ref, source_ids};
use crate::render::{self, Rows, Value};
use std::collections::BTreeSet;
use std::io::Write;

/// List people, with their roles.
///
/// Columns: id, name, description, roles.
///
/// --org keeps people who hold a role in, or are members of, an organisation. --place keeps
/// people of that nationality or with a role there (places within it count). --role keeps people
/// with a role whose title contains the text.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kz actors --org CSTO\n  kz actors --place Kazakhstan -f csv\n  kz actors --role president"
)]
pub struct Args {
    /// Only people with a role in, or a membership of, this organisation
    #[arg(add = crate::cmd::completions::names(&[crate::model::Kind::Organisation]))]
    #[arg(long, value_name = "ORG")]
    pub org: Option<String>,
    /// Only people from, or with a role in, this place or a place within it
    #[arg(add = crate::cmd::completions::names(&[crate::model::Kind::Place]))]
    #[arg(long, value_name = "PLACE")]
    pub place: Option<String>,
    /// Only people with a role whose title contains TEXT
    #[arg(long, value_name = "TEXT")]
    pub role: Option<String>,
}

pub fn run(args: &Args, ctx: &Ctx, out: &mut dyn Write) -> anyhow::Result<()> {
    let base = ctx.base()?;
    let orgs: Option<BTreeSet<u32>> = match &args.org {
        Some(q) => Some(
            query::resolve(base, q, &[Kind::Organisation], "organisation")?
                .iter()
                .map(|r| r.idx)
                .collect(),
        ),
        None => None,
    };
    let places = args
        .place
        .as_deref()
        .map(|q| query::resolve_places_within(base, q))
        .transpose()?;
    let role = args.role.as_deref().map(names::normalise);
    let mut rows = Rows::new(&["id", "name", "description", "roles"]);
    for (i, actor) in base.actors.iter().enumerate() {
        let me = actor_ref(i as u32);
        if let Some(orgs) = &orgs {
            let by_role = actor
                .roles
                .iter()
                .any(|r| r.org.is_some_and(|o| orgs.contains(&o)));
            let by_membership = orgs.iter().any(|&o| {
                base.organisations[o as usize]
                    .members
                    .iter()
                    .any(|m| m.member == me)
            });
            if !by_role && !by_membership {
                continue;
            }
        }
        if let Some(places) = &places {
            let from = actor.nationality.is_some_and(|p| places.contains(&p));
            let there = actor
                .roles
                .iter()
                .any(|r| r.place.is_some_and(|p| places.contains(&p)));
            if !from && !there {
                continue;
            }
        }
        if let Some(text) = &role
            && !actor
                .roles
                .iter()
                .any(|r| query::contains_text(&r.title, text))
        {
            continue;
        }
        rows.push(
            vec![
                actor.meta.id.as_str().into(),
                actor.name.as_str().into(),
                actor.description.as_str().into(),
                Value::List(actor.roles.iter().map(|r| r.title.to_string()).collect()),
            ],
            source_ids(base, &actor.meta.sources),
        );
    }
    if rows.is_empty() {
        return Err(Failure::NoMatch("no actor matches these filters".into()).into());
    }
    render::rows(out, &rows, &ctx.style)?;
    Ok(())
}
