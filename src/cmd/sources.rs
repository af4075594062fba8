//! `kz sources`: the sources of the base and how much rests on each.

use super::{Cx, Listing, Run, emit, source_cells};
use crate::query::{self, Miss};
use crate::render::{Rows, Value};

/// List the sources and how many facts rest on each.
///
/// Columns: id, title, publisher, published; facts (how many records cite it); statements (how
/// many statements it makes: each field's value, each item of a list); only_here (statements
/// no other source makes); disputed (its statements that another source gives a different
/// value).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  kz sources\n  kz sources -f json | jq '.[] | {id, facts}'")]
pub struct Args {
    #[command(flatten)]
    pub listing: Listing,
}

impl Run for Args {
    fn run(&self, cx: &mut Cx<'_>) -> Result<(), crate::Error> {
        let base = cx.base()?;
        let columns = [
            "id",
            "title",
            "publisher",
            "published",
            "facts",
            "statements",
            "only_here",
            "disputed",
        ];
        let mut rows = Rows::new(&columns);
        for (s, t) in query::tally(base).into_iter().enumerate() {
            let mut cells = source_cells(base, s as u32);
            cells.extend(
                [t.facts, t.statements, t.only_here, t.disputed].map(Value::Count),
            );
            rows.push(cells, vec![base.sources[s].id.to_string()]);
        }
        emit(cx, rows, &self.listing, || {
            Miss::Nothing("the base has no sources".into())
        })
    }
}
