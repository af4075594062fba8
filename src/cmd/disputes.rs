//! `kz disputes`: the facts on which sources disagree, one row per value.

use super::{Cx, Listing, Run, emit, rows, source_ids};
use crate::query::{self, Miss, Wanted};
use crate::render::{Rows, Value};
use std::collections::BTreeSet;

/// List the facts on which the declarations of one record disagree, one row per value.
///
/// Columns: id, field, value, source, rank.
///
/// A record may be declared in several files, each declaration citing its own sources. Where
/// they give one single-valued fact (a date, a speaker, a quote's text, a nationality, a
/// kind...) different values, every value is kept: this lists them, the value shown first, each
/// with the sources that give it and the best rank of the declarations behind it (a
/// `preferred` value is the one shown; a `deprecated` one, from a retracted or corrected report,
/// answers no query). Disputes are reporting, not errors: `kz check` notes them and succeeds.
/// With NAMEs, only the disputes of the records they name.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kz disputes\n  kz disputes strike-began -f json\n  kz disputes --facet field"
)]
pub struct Args {
    /// Only the disputes of these records (ids, names or aliases)
    #[arg(add = crate::cmd::completions::names(&crate::model::Kind::ALL))]
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,
    #[command(flatten)]
    pub listing: Listing,
}

impl Run for Args {
    fn run(&self, cx: &mut Cx<'_>) -> Result<(), crate::Error> {
        let base = cx.base()?;
        let only = self
            .names
            .iter()
            .map(|n| query::resolve(base, n, Wanted::ANY))
            .collect::<Result<Vec<_>, Miss>>()?
            .into_iter()
            .flatten()
            .collect::<BTreeSet<_>>();
        let mut out = Rows::new(&["id", "field", "value", "source", "rank"]);
        for found in query::disputes::all(base) {
            if !only.is_empty() && !only.contains(&found.record) {
                continue;
            }
            for value in &found.dispute.values {
                let sources = source_ids(base, &value.sources);
                out.push(
                    vec![
                        base.id(found.record).into(),
                        found.dispute.field.name.into(),
                        rows::item_text(base, value.item).into(),
                        Value::List(sources.clone()),
                        value.rank.name().into(),
                    ],
                    sources,
                );
            }
        }
        emit(cx, out, &self.listing, || {
            Miss::Nothing(match self.names.is_empty() {
                true => "no sources disagree: every fact has one value".into(),
                false => format!("no sources disagree about {}", self.names.join(", ")),
            })
        })
    }
}
