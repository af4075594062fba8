//! `kz events` (alias `timeline`): dated events, oldest first.

use crate::config::Ctx;
use crate::exit::Failure;
use crate::model::{EntityRef, Kind};
use crate::query::{self, Window, labels, place_ref, source_ids};
use crate::render::{self, Rows};
use std::collections::BTreeSet;
use std::io::Write;

/// List events as a timeline, oldest first.
///
/// Columns: id, date, title, places, involving.
///
/// Events sort by their first day, then coarser dates first (2022 before 2022-01), then file
/// order. A date filter keeps events whose days overlap it.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kz events\n  kz timeline --since 2022-01-05 --until 2022-01-07\n  kz events --involving Tokayev --place Almaty -f json"
)]
pub struct Args {
    /// Only events on or after DATE
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only events on or before DATE
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Only events involving this person, organisation or place
    #[arg(add = crate::cmd::completions::names(&crate::model::Kind::ALL))]
    #[arg(long, value_name = "NAME")]
    pub involving: Option<String>,
    /// Only events in this place or a place within it
    #[arg(add = crate::cmd::completions::names(&[crate::model::Kind::Place]))]
    #[arg(long, value_name = "PLACE")]
    pub place: Option<String>,
}

pub fn run(args: &Args, ctx: &Ctx, out: &mut dyn Write) -> anyhow::Result<()> {
    let window = Window::from_flags(args.since.as_deref(), args.until.as_deref())?;
    let base = ctx.base()?;
    let involving: Option<BTreeSet<EntityRef>> = match &args.involving {
        Some(q) => Some(
            query::resolve(base, q, &Kind::ALL, "record")?
                .into_iter()
                .collect(),
        ),
        None => None,
    };
    let places = args
        .place
        .as_deref()
        .map(|q| query::resolve_places_within(base, q))
        .transpose()?;
    let mut picked: Vec<usize> = (0..base.events.len())
        .filter(|&i| {
            let e = &base.events[i];
            window.admits(Some(&e.date))
                && involving.as_ref().is_none_or(|inv| {
                    e.involving.iter().any(|r| inv.contains(r))
                        || e.places.iter().any(|&p| inv.contains(&place_ref(p)))
                })
                && places
                    .as_ref()
                    .is_none_or(|ps| e.places.iter().any(|p| ps.contains(p)))
        })
        .collect();
    query::by_date(&mut picked, |&i| Some(&base.events[i].date));
    let mut rows = Rows::new(&["id", "date", "title", "places", "involving"]);
    for i in picked {
        let e = &base.events[i];
        rows.push(
            vec![
                e.meta.id.as_str().into(),
                e.date.to_string().into(),
                e.title.as_str().into(),
                labels(base, e.places.iter().map(|&p| place_ref(p))),
                labels(base, e.involving.iter().copied()),
            ],
            source_ids(base, &e.meta.sources),
        );
    }
    if rows.is_empty() {
        return Err(Failure::NoMatch("no event matches these filters".into()).into());
    }
    render::rows(out, &rows, &ctx.style)?;
    Ok(())
}
