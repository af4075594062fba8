//! `kz timeline [NAME...]`: every dated fact of the base, or of some records, oldest first, as
//! rows or (`--to svg`) as a picture.

use super::{Corroboration, Cx, Dates, Listing, Run, emit, source_ids};
use crate::picture;
use crate::query::timeline::{self, is_about};
use crate::query::{self, Miss, Wanted};
use crate::render::{Rows, Value};
use std::collections::BTreeSet;

/// Show the chronology of every dated fact: events, quotes, the starts and ends of roles and
/// memberships, foundings and publications.
///
/// Columns: date, what, id, summary, source. `id` is the record that states the fact (a role is
/// in its person's record, a membership in its organisation's), so `kz why ID` shows its
/// evidence.
///
/// With NAMEs, only the facts about them: events that involve them or happened there, quotes by
/// or about them, their roles and memberships and those held in them. A place includes the
/// places within it. Several NAMEs keep the facts about any of them. Oldest first, exactly as
/// `kz events` orders; --since and --until keep the facts whose dates overlap them (through any
/// date a source gives a fact its sources dispute, which the date cell then names), and narrow
/// when repeated.
///
/// `--to svg` draws the same facts as an SVG picture on a time axis, with no outside program: a
/// day is a dot, a month, year or decade a span, an interval a bar, and an uncertain or
/// approximate date is dashed.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kz timeline Tokayev\n  kz timeline CSTO --since 2022\n  kz timeline --facet what\n  kz timeline Nazarbayev Tokayev -f json\n  kz timeline --to svg > timeline.svg"
)]
pub struct Args {
    /// Only the facts about these records (any of them)
    #[arg(add = crate::cmd::completions::names(&crate::model::Kind::ALL))]
    pub names: Vec<String>,
    #[command(flatten)]
    pub dates: Dates,
    #[command(flatten)]
    pub corroboration: Corroboration,
    #[command(flatten)]
    pub listing: Listing,
    /// Draw the facts as a picture instead of listing them
    #[arg(long, value_enum, value_name = "FORMAT", conflicts_with = "facet")]
    pub to: Option<Picture>,
}

/// A picture format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Picture {
    /// An SVG image, drawn by kz itself
    Svg,
}

impl Run for Args {
    fn run(&self, cx: &mut Cx<'_>) -> Result<(), crate::Error> {
        let window = self.dates.window()?;
        let base = cx.base()?;
        let mut scope = BTreeSet::new();
        for name in &self.names {
            scope.extend(query::scope_of(base, &query::resolve(base, name, Wanted::ANY)?));
        }
        let entries: Vec<_> = timeline::entries(base)
            .into_iter()
            .filter(|e| {
                e.within(&window)
                    && e.sources.len() >= self.corroboration.min_sources
                    && (scope.is_empty() || is_about(e, &scope))
            })
            .collect();
        let miss = || Miss::Nothing("no dated fact matches these filters".into());
        if self.to == Some(Picture::Svg) {
            if entries.is_empty() {
                return Err(crate::Error::from(miss()));
            }
            let svg = picture::timeline::svg(&entries, &picture::timeline::Options::default());
            cx.out.write_all(svg.as_bytes())?;
            cx.out.write_all(b"\n")?;
            return Ok(());
        }
        let mut rows = Rows::new(&["date", "what", "id", "summary", "source"]);
        for entry in entries {
            let sources = source_ids(base, &entry.sources);
            rows.push(
                vec![
                    entry.date_text().into(),
                    entry.what.name().into(),
                    base.id(entry.record).into(),
                    entry.summary.into(),
                    Value::List(sources.clone()),
                ],
                sources,
            );
        }
        emit(cx, rows, &self.listing, miss)
    }
}
