//! `kz quotes`: what people said, oldest first.

use crate::config::Ctx;
use crate::exit::Failure;
use crate::model::{EntityRef, Kind};
use crate::names;
use crate::query::{self, Window, date_cell, source_ids};
use crate::render::{self, Rows, Value};
use std::collections::BTreeSet;
use std::io::Write;

/// List what people said, oldest first.
///
/// Columns: id, date, speaker, kind (direct or reported), text, context.
///
/// Undated quotes come last. A date filter keeps only quotes whose date overlaps it.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kz quotes --by Murtazashvili\n  kz quotes --about CSTO --since 2022-01-05\n  kz quotes --contains troops -f json | jq -r '.[].text'"
)]
pub struct Args {
    /// Only quotes said by this person
    #[arg(add = crate::cmd::completions::names(&[crate::model::Kind::Actor]))]
    #[arg(long, value_name = "NAME")]
    pub by: Option<String>,
    /// Only quotes about this person, organisation or place (places within it count)
    #[arg(add = crate::cmd::completions::names(&crate::model::Kind::ALL))]
    #[arg(long, value_name = "NAME")]
    pub about: Option<String>,
    /// Only quotes whose text contains TEXT (ignoring case, accents and script)
    #[arg(long, value_name = "TEXT")]
    pub contains: Option<String>,
    /// Only quotes said on or after DATE
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only quotes said on or before DATE
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
}

pub fn run(args: &Args, ctx: &Ctx, out: &mut dyn Write) -> anyhow::Result<()> {
    let window = Window::from_flags(args.since.as_deref(), args.until.as_deref())?;
    let base = ctx.base()?;
    let speakers: Option<BTreeSet<u32>> = match &args.by {
        Some(q) => Some(
            query::resolve(base, q, &[Kind::Actor], "actor")?
                .iter()
                .map(|r| r.idx)
                .collect(),
        ),
        None => None,
    };
    let about: Option<BTreeSet<EntityRef>> = match &args.about {
        Some(q) => Some(query::with_places_within(
            base,
            query::resolve(base, q, &Kind::ALL, "record")?,
        )),
        None => None,
    };
    let contains = args.contains.as_deref().map(names::normalise);
    let mut picked: Vec<usize> = (0..base.quotes.len())
        .filter(|&i| {
            let q = &base.quotes[i];
            speakers.as_ref().is_none_or(|s| s.contains(&q.speaker))
                && about
                    .as_ref()
                    .is_none_or(|a| q.about.iter().any(|r| a.contains(r)))
                && contains
                    .as_ref()
                    .is_none_or(|c| query::contains_text(&q.text, c))
                && window.admits(q.said.as_ref())
        })
        .collect();
    query::by_date(&mut picked, |&i| base.quotes[i].said.as_ref());
    let mut rows = Rows::new(&["id", "date", "speaker", "kind", "text", "context"]);
    for i in picked {
        let q = &base.quotes[i];
        rows.push(
            vec![
                q.meta.id.as_str().into(),
                date_cell(q.said.as_ref()),
                base.actors[q.speaker as usize].name.as_str().into(),
                q.kind.name().into(),
                q.text.as_str().into(),
                Value::opt(q.context.clone()),
            ],
            source_ids(base, &q.meta.sources),
        );
    }
    if rows.is_empty() {
        return Err(Failure::NoMatch("no quote matches these filters".into()).into());
    }
    render::rows(out, &rows, &ctx.style)?;
    Ok(())
}
