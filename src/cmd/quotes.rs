//! `kz quotes`: what people and organisations said, oldest first.

use super::{Corroboration, Cx, Dates, Listing, Run, emit, rows, scopes, text_queries};
use crate::model::EntityRef;
use crate::query::{self, Miss, QuoteFilter, Wanted};

/// List what people and organisations said, oldest first.
///
/// Columns: id, date, speaker, kind (direct or reported), text, context.
///
/// Undated quotes come last. A date filter keeps only quotes whose date overlaps it, through any
/// date a source gives a quote whose sources disagree (the date cell then names the others). --about,
/// --contains, --since and --until narrow when repeated (a quote about both, containing both);
/// --by repeated means any of the speakers, since a quote has one.
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
    pub corroboration: Corroboration,
    #[command(flatten)]
    pub listing: Listing,
}

impl Run for Args {
    fn run(&self, cx: &mut Cx<'_>) -> Result<(), crate::Error> {
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
            contains: text_queries(base, &self.contains)?,
            window,
            min_sources: self.corroboration.min_sources,
        };
        let found = query::quotes(base, &filter).into_iter().map(EntityRef::quote);
        let rows = rows::table(base, found, rows::QUOTE);
        emit(cx, rows, &self.listing, || {
            Miss::Nothing("no quote matches these filters".into())
        })
    }
}
