//! `kz sources`: the sources of the base and how much rests on each.

use crate::config::Ctx;
use crate::exit::Failure;
use crate::query::date_cell;
use crate::render::{self, Rows, Value};
use std::io::Write;

/// List the sources and how many facts rest on each.
///
/// Columns: id, title, publisher, published, facts (how many records cite it).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  kz sources\n  kz sources -f json | jq '.[] | {id, facts}'")]
pub struct Args {}

pub fn run(_args: &Args, ctx: &Ctx, out: &mut dyn Write) -> anyhow::Result<()> {
    let base = ctx.base()?;
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
        rows.push(
            vec![
                s.id.as_str().into(),
                s.title.as_str().into(),
                Value::opt(s.publisher.clone()),
                date_cell(s.published.as_ref()),
                Value::Count(count),
            ],
            vec![s.id.to_string()],
        );
    }
    if rows.is_empty() {
        return Err(Failure::NoMatch("the base has no sources".into()).into());
    }
    render::rows(out, &rows, &ctx.style)?;
    Ok(())
}
