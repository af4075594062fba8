//! `kz check`: every problem in the fact base, then a summary.

use super::{Cx, Needs, Run};
use crate::diag::Diagnostic;
use crate::Error;
use crate::model::{Base, Kind};
use crate::render::{self, Format, Rows, Value};
use crate::text::plural;

/// Check the fact base for problems.
///
/// Checks YAML, fields, ids, references, kinds and dates, and quotes and evidence against source
/// texts. A record with an unreadable field is still checked in its other fields, so one run
/// shows every problem.
///
/// Every problem is reported as `path:line:column: error[KZnnn]: message`, with the offending
/// line. A clean base prints only a summary. Exit status: 0 clean, 2 problems found.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kz check --facts my-facts/\n  kz check -f json | jq '.[] | select(.code == \"KZ030\")'"
)]
pub struct Args {}

impl Run for Args {
    fn needs(&self) -> Needs {
        Needs::Report
    }

    fn run(&self, cx: &mut Cx<'_>) -> Result<(), crate::Error> {
        let result = cx.checked();
        let notes = match &result {
            Ok(base) => base.notes.clone(),
            Err(_) => Vec::new(),
        };
        let diags: &[Diagnostic] = match &result {
            Ok(_) => &notes,
            Err(report) => &report.diagnostics,
        };
        let out = &mut *cx.out;
        match cx.ctx.style.format {
            Format::Json | Format::Jsonl => {
                let values: Vec<serde_json::Value> = diags
                    .iter()
                    .map(serde_json::to_value)
                    .collect::<Result<_, _>>()?;
                render::json(out, &values, cx.ctx.style.format == Format::Jsonl)?;
            }
            Format::Tsv | Format::Csv | Format::Markdown if cx.ctx.format_given => {
                let mut rows = Rows::new(&["path", "line", "column", "code", "message", "help"]);
                for d in diags {
                    rows.push(
                        vec![
                            d.path.as_str().into(),
                            Value::Count(d.line as u64),
                            Value::Count(d.column as u64),
                            d.code.to_string().into(),
                            d.message.as_str().into(),
                            Value::opt(d.help.as_deref()),
                        ],
                        vec![],
                    );
                }
                if !rows.is_empty() {
                    render::rows(out, &rows, &cx.ctx.style)?;
                }
            }
            _ => {
                for d in diags {
                    write!(out, "{d}")?;
                }
                let which = match cx.ctx.builtin_only() {
                    true => " (the built-in base; --facts DIR or KZ_FACTS=DIR checks your own)",
                    false => "",
                };
                match &result {
                    Ok(base) if !notes.is_empty() => writeln!(
                        out,
                        "ok: {}; {} between sources (notes above){which}",
                        summary(base),
                        plural(notes.len(), "dispute")
                    )?,
                    Ok(base) => writeln!(out, "ok: {}{which}", summary(base))?,
                    Err(report) => writeln!(out, "error: {}", report.summary())?,
                }
            }
        }
        if result.is_err() {
            return Err(Error::Reported);
        }
        Ok(())
    }
}

/// `1 source, 10 actors, ... in 6 files`, saying how many of the files are built in.
pub fn summary(base: &Base) -> String {
    let mut counts: Vec<String> = Kind::ALL
        .iter()
        .map(|&k| plural(base.len(k), k.name()))
        .collect();
    if !base.kinds.is_empty() {
        counts.push(plural(base.kinds.len(), "kind"));
    }
    let builtin = base
        .files
        .iter()
        .filter(|f| f.starts_with(crate::load::BUILTIN))
        .count();
    let files = match builtin {
        0 => plural(base.files.len(), "file"),
        n if n == base.files.len() => plural(n, "built-in file"),
        n => format!("{} ({n} built in)", plural(base.files.len(), "file")),
    };
    format!("{} in {files}", counts.join(", "))
}
