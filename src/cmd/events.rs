//! `kz events`: dated events, oldest first.

use super::{Corroboration, Cx, Dates, Listing, Run, emit, rows, scopes};
use crate::model::EntityRef;
use crate::query::{self, EventFilter, Miss, Wanted};

/// List events, oldest first.
///
/// Columns: id, date, title, places, involving.
///
/// Events sort by their first day, then coarser dates first (2022 before 2022-01), then file
/// order. A date filter keeps events whose days overlap it, through any date a source gives an
/// event whose sources disagree (the date cell then names the others). A place includes the
/// places within it. Every filter narrows when repeated: `--involving Tokayev --involving CSTO`
/// keeps events that involve both. --involving is who took part (or where it happened);
/// --about is what an event concerned. For every dated fact, not only events, see
/// `kz timeline`.
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
    /// Only events about this record; a place includes the places within it (repeat: all)
    #[arg(add = crate::cmd::completions::names(&crate::model::Kind::ALL))]
    #[arg(long, value_name = "NAME")]
    pub about: Vec<String>,
    /// Only events in this place or a place within it (repeat: in all)
    #[arg(add = crate::cmd::completions::names(&[crate::model::Kind::Place]))]
    #[arg(long, value_name = "PLACE")]
    pub place: Vec<String>,
    #[command(flatten)]
    pub corroboration: Corroboration,
    #[command(flatten)]
    pub listing: Listing,
}

impl Run for Args {
    fn run(&self, cx: &mut Cx<'_>) -> Result<(), crate::Error> {
        let window = self.dates.window()?;
        let base = cx.base()?;
        let filter = EventFilter {
            involving: scopes(base, &self.involving, Wanted::ANY)?,
            about: scopes(base, &self.about, Wanted::ANY)?,
            places: scopes(base, &self.place, Wanted::PLACE)?,
            window,
            min_sources: self.corroboration.min_sources,
        };
        let found = query::events(base, &filter).into_iter().map(EntityRef::event);
        let rows = rows::table(base, found, rows::EVENT);
        emit(cx, rows, &self.listing, || {
            Miss::Nothing("no event matches these filters".into())
        })
    }
}
