//! `kz sources`: the sources of the base and how much rests on each.

use super::{Cx, Listing, Run, emit, source_cells};
use crate::query::Miss;
use crate::render::{Rows, Value};

/// List the sources and how many facts rest on each.
///
/// Columns: id, title, publisher, published, facts (how many records cite it).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  kz sources\n  kz sources -f json | jq '.[] | {id, facts}'")]
pub struct Args {
    #[command(flatten)]
    pub listing: Listing,
}

impl Run for Args {
    fn run(&self, cx: &mut Cx<'_>) -> Result<(), crate::Error> {
        let base = cx.base()?;
        let mut counts = vec![0u64; base.sources.len()];
        for r in base.all() {
            if let Some(meta) = base.meta(r) {
                for &s in &meta.sources {
                    counts[s as usize] += 1;
                }
            }
        }
        let mut rows = Rows::new(&["id", "title", "publisher", "published", "facts"]);
        for (s, count) in base.sources.iter().zip(counts) {
            let mut cells = source_cells(s);
            cells.push(Value::Count(count));
            rows.push(
                cells,
                vec![s.id.to_string()],
            );
        }
        emit(cx, rows, &self.listing, || {
            Miss::Nothing("the base has no sources".into())
        })
    }
}
