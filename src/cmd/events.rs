//! `kz events`: dated events, oldest first.

use super::{Cx, Dates, Listing, Run, emit, labels, scopes, source_ids};
use crate::model::EntityRef;
use crate::query::{self, EventFilter, Miss, Wanted};
use crate::render::Rows;

/// List events, oldest first.
///
/// Columns: id, date, title, places, involving.
///
/// Events sort by their first day, then coarser dates first (2022 before 2022-01), then file
/// order. A date filter keeps events whose days overlap it. --involving keeps events that
/// involve a record or happened at a place; --place keeps events at a place. A place includes
/// the places within it, so `--place Kazakhstan` finds events in Almaty. Every filter narrows
/// when repeated: `--involving Tokayev --involving CSTO` keeps events that involve both. For
/// every dated fact, not only events, see `kz timeline`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kz events\n  kz events --since 2022-01-05 --until 2022-01-07\n  kz events --involving Tokayev --involving CSTO -f json\n  kz events --facet places"
)]
pub struct Args {
    #[command(flatten)]
    pub dates: Dates,
    /// Only events involving this record, or at this place or one within it (repeat: all)
    #[arg(add = crate::cmd::completions::names(&crate::model::Kind::ALL))]
    #[arg(long, value_name = "NAME")]
    pub involving: Vec<String>,
    /// Only events in this place or a place within it (repeat: in all)
    #[arg(add = crate::cmd::completions::names(&[crate::model::Kind::Place]))]
    #[arg(long, value_name = "PLACE")]
    pub place: Vec<String>,
    #[command(flatten)]
    pub listing: Listing,
}

impl Run for Args {
    fn run(&self, cx: &mut Cx<'_>) -> anyhow::Result<()> {
        let window = self.dates.window()?;
        let base = cx.base()?;
        let filter = EventFilter {
            involving: scopes(base, &self.involving, Wanted::ANY)?,
            places: scopes(base, &self.place, Wanted::PLACE)?,
            window,
        };
        let mut rows = Rows::new(&["id", "date", "title", "places", "involving"]);
        for i in query::events(base, &filter) {
            let e = &base.events[i as usize];
            rows.push(
                vec![
                    base.id(EntityRef::event(i)).into(),
                    e.date.to_string().into(),
                    e.title.as_str().into(),
                    labels(base, e.places.iter().map(|&p| EntityRef::place(p))),
                    labels(base, e.involving.iter().copied()),
                ],
                source_ids(base, &e.meta.sources),
            );
        }
        emit(cx, rows, &self.listing, || {
            Miss::Nothing("no event matches these filters".into())
        })
    }
}
