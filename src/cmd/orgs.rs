//! `kz orgs`: organisations, optionally of one kind.

use crate::config::Ctx;
use crate::names;
use crate::query::{self, source_ids};
use crate::render::{self, Rows, Value};
use std::io::Write;

/// List organisations.
///
/// Columns: id, name, kind, members (how many members the base lists).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  kz orgs\n  kz orgs --kind outlet")]
pub struct Args {
    /// Only organisations whose kind contains KIND (e.g. university, outlet)
    #[arg(long, value_name = "KIND")]
    pub kind: Option<String>,
}

pub fn run(args: &Args, ctx: &Ctx, out: &mut dyn Write) -> anyhow::Result<()> {
    let base = ctx.base()?;
    let kind = args.kind.as_deref().map(names::normalise);
    let mut rows = Rows::new(&["id", "name", "kind", "members"]);
    for org in &base.organisations {
        if let Some(k) = &kind
            && !query::contains_text(&org.kind, k)
        {
            continue;
        }
        rows.push(
            vec![
                org.meta.id.as_str().into(),
                org.name.as_str().into(),
                org.kind.as_str().into(),
                Value::Count(org.members.len() as u64),
            ],
            source_ids(base, &org.meta.sources),
        );
    }
    if rows.is_empty() {
        let asked = args.kind.as_deref().unwrap_or_default();
        return Err(query::no_kind(
            "organisation",
            asked,
            base.organisations.iter().map(|o| o.kind.as_str()),
        )
        .into());
    }
    render::rows(out, &rows, &ctx.style)?;
    Ok(())
}
