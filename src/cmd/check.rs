//! `kz check`: every problem in the fact base, then a summary.

use crate::config::Ctx;
use crate::diag::Diagnostic;
use crate::exit::Failure;
use crate::model::{Base, Kind};
use crate::render::{self, Format, Rows, Value};
use crate::text::plural;
use std::io::Write;

/// Check the fact base for problems.
///
/// Checks YAML, fields, ids, references and dates, and quotes and evidence against source texts.
///
/// Every problem is reported in one run as `path:line:column: error[KZnnn]: message`, with the
/// offending line. A clean base prints only a summary. Exit status: 0 clean, 2 problems found.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kz check --facts my-facts/\n  kz check -f json | jq '.[] | select(.code == \"KZ030\")'"
)]
pub struct Args {}

pub fn run(_args: &Args, ctx: &Ctx, out: &mut dyn Write) -> anyhow::Result<()> {
    let result = ctx.load();
    let diags: &[Diagnostic] = match &result {
        Ok(_) => &[],
        Err(report) => &report.diagnostics,
    };
    match ctx.style.format {
        Format::Json | Format::Jsonl => {
            let values: Vec<serde_json::Value> = diags
                .iter()
                .map(|d| serde_json::to_value(d).expect("diagnostics serialise"))
                .collect();
            render::json(out, &values, ctx.style.format == Format::Jsonl)?;
        }
        Format::Tsv | Format::Csv | Format::Markdown if ctx.format_given => {
            let mut rows = Rows::new(&["path", "line", "column", "code", "message", "help"]);
            for d in diags {
                rows.push(
                    vec![
                        d.path.as_str().into(),
                        Value::Count(d.line as u64),
                        Value::Count(d.column as u64),
                        d.code.to_string().into(),
                        d.message.as_str().into(),
                        Value::opt(d.help.clone()),
                    ],
                    vec![],
                );
            }
            if !rows.is_empty() {
                render::rows(out, &rows, &ctx.style)?;
            }
        }
        _ => {
            for d in diags {
                write!(out, "{d}")?;
            }
            match &result {
                Ok(base) => writeln!(out, "ok: {}", summary(base))?,
                Err(report) => writeln!(out, "error: {}", report.summary())?,
            }
        }
    }
    if result.is_err() {
        return Err(Failure::Reported.into());
    }
    Ok(())
}

/// `1 source, 10 actors, ... in 6 files`.
pub fn summary(base: &Base) -> String {
    let counts: Vec<String> = Kind::ALL
        .iter()
        .map(|&k| plural(base.len(k), k.name()))
        .collect();
    format!(
        "{} in {}",
        counts.join(", "),
        plural(base.files.len(), "file")
    )
}
