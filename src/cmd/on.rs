//! `kz on DATE`: everything dated within a date.

use super::{Cx, Listing, Run, date, emit, source_ids};
use crate::query::timeline;
use crate::query::{Miss, Window};
use crate::render::Rows;

/// List everything dated within DATE.
///
/// Events, quotes, foundings, publications, and roles and memberships that start or end then,
/// oldest first. Columns: kind, id, date, what.
///
/// DATE is any EDTF date: a day, a month (2022-01), a year, a decade (199X) or an interval.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  kz on 2022-01-07\n  kz on 2022-01 -f json\n  kz on 199X")]
pub struct Args {
    /// The date or span to look at
    pub date: String,
    #[command(flatten)]
    pub listing: Listing,
}

impl Run for Args {
    fn run(&self, cx: &mut Cx<'_>) -> Result<(), crate::Error> {
        let day = date("date", &self.date)?;
        let base = cx.base()?;
        let window = Window::of(&day);
        let mut rows = Rows::new(&["kind", "id", "date", "what"]);
        for entry in timeline::entries(base) {
            if entry.within(&window) {
                rows.push(
                    vec![
                        entry.what.name().into(),
                        base.id(entry.record).into(),
                        entry.date_text().into(),
                        entry.summary.into(),
                    ],
                    source_ids(base, &entry.sources),
                );
            }
        }
        emit(cx, rows, &self.listing, || {
            Miss::Nothing(format!("nothing in the base is dated within {day}"))
        })
    }
}
