//! `kz quotes`: what people and organisations said, oldest first.

use super::actors::no_letters;
use super::{Cx, Dates, Listing, Run, date_cell, emit, scopes, source_ids};
use crate::model::EntityRef;
use crate::query::{self, Miss, QuoteFilter, TextQuery, Wanted};
use crate::render::{Rows, Value};

/// List what people and organisations said, oldest first.
///
/// Columns: id, date, speaker, kind (direct or reported), text, context.
///
/// Undated quotes come last. A date filter keeps only quotes whose date overlaps it. --by takes
/// a person or an organisation (a ministry's statement). --about takes a record of any kind,
/// with the places within a place included. --contains folds case, accents, script and
/// romanisation variants, as names are folded.
///
/// --about, --contains, --since and --until narrow when repeated (a quote about both, containing
/// both); --by repeated means any of the speakers, since a quote has one.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kz quotes --by Murtazashvili\n  kz quotes --about CSTO --since 2022-01-05\n  kz quotes --contains troops -f json | jq -r '.[].text'\n  kz quotes --facet speaker"
)]
pub struct Args {
    /// Only quotes said by this person or organisation (repeat: any of them)
    #[arg(add = crate::cmd::completions::names(&[crate::model::Kind::Actor, crate::model::Kind::Organisation]))]
    #[arg(long, value_name = "NAME")]
    pub by: Vec<String>,
    /// Only quotes about this record; a place includes the places within it (repeat: about all)
    #[arg(add = crate::cmd::completions::names(&crate::model::Kind::ALL))]
    #[arg(long, value_name = "NAME")]
    pub about: Vec<String>,
    /// Only quotes whose text contains TEXT, ignoring case, accents and script (repeat: all)
    #[arg(long, value_name = "TEXT")]
    pub contains: Vec<String>,
    #[command(flatten)]
    pub dates: Dates,
    #[command(flatten)]
    pub listing: Listing,
}

impl Run for Args {
    fn run(&self, cx: &mut Cx<'_>) -> anyhow::Result<()> {
        let window = self.dates.window()?;
        let base = cx.base()?;
        let speakers = match self.by.as_slice() {
            [] => None,
            by => Some(
                by.iter()
                    .map(|b| query::resolve(base, b, Wanted::SPEAKER))
                    .collect::<Result<Vec<_>, Miss>>()?
                    .into_iter()
                    .flatten()
                    .collect(),
            ),
        };
        let filter = QuoteFilter {
            speakers,
            about: scopes(base, &self.about, Wanted::ANY)?,
            contains: self
                .contains
                .iter()
                .map(|t| TextQuery::new(base, t).ok_or_else(|| no_letters(t)))
                .collect::<Result<_, _>>()?,
            window,
        };
        let mut rows = Rows::new(&["id", "date", "speaker", "kind", "text", "context"]);
        for i in query::quotes(base, &filter) {
            let q = &base.quotes[i as usize];
            rows.push(
                vec![
                    base.id(EntityRef::quote(i)).into(),
                    date_cell(q.said.as_ref()),
                    base.label(q.speaker).into(),
                    q.kind.name().into(),
                    q.text.as_str().into(),
                    Value::opt(q.context.as_deref()),
                ],
                source_ids(base, &q.meta.sources),
            );
        }
        emit(cx, rows, &self.listing, || {
            Miss::Nothing("no quote matches these filters".into())
        })
    }
}
