//! The subcommands, one module each, and the steps they share. Each command reads as a short
//! pipeline: resolve its arguments, ask `query`, build rows, and hand them to [`emit`].

use crate::context::{Ctx, Global};
use crate::date::Date;
use crate::diag::Report;
use crate::exit::Failure;
use crate::model::{Base, EntityRef};
use crate::open::{self, Mode, Opened};
use crate::query::{self, Miss, Wanted, Window};
use crate::render::{self, Row, Rows, Value};
use std::collections::BTreeMap;
use std::io::Write;

/// Declares every subcommand once: its module, its variant of [`Command`] (whose doc comment and
/// attributes are the help), and its place in the dispatch.
macro_rules! commands {
    ($($(#[$attr:meta])* $variant:ident => $module:ident,)*) => {
        $(pub mod $module;)*

        #[derive(Debug, clap::Subcommand)]
        pub enum Command {
            $($(#[$attr])* $variant($module::Args),)*
        }

        impl Command {
            fn run(&self) -> &dyn Run {
                match self {
                    $(Command::$variant(args) => args,)*
                }
            }
        }
    };
}

mod kinds;

commands! {
    Who => who,
    Actors => actors,
    Orgs => orgs,
    Members => members,
    Places => places,
    Quotes => quotes,
    Events => events,
    Timeline => timeline,
    On => on,
    Search => search,
    Sources => sources,
    Why => why,
    Check => check,
    Graph => graph,
    Site => site,
    Export => export,
    Draft => draft,
    Schema => schema,
    Completions => completions,
    Man => man,
}

/// What a command needs before it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// Nothing from the fact base (`schema`, `man`).
    Nothing,
    /// The checked base: a broken one fails the command with its diagnostics.
    Base,
    /// The base or its report of problems (`check`).
    Report,
}

/// A subcommand: what it needs, and how it runs.
pub trait Run {
    fn needs(&self) -> Needs {
        Needs::Base
    }

    fn run(&self, cx: &mut Cx<'_>) -> anyhow::Result<()>;
}

/// What a command runs with: the run's context, where to write, and the opened base.
pub struct Cx<'a> {
    pub ctx: &'a Ctx,
    pub out: &'a mut dyn Write,
    opened: Option<&'a Result<&'static Base, Report>>,
}

impl<'a> Cx<'a> {
    /// The checked base, or the failure that lists every problem in it.
    pub fn base(&self) -> Result<&'static Base, Failure> {
        match self.opened {
            Some(Ok(base)) => Ok(base),
            Some(Err(report)) => Err(Failure::Broken(report.clone())),
            None => Err(Failure::Usage("this command reads no fact base".into())),
        }
    }

    /// The base, or its report of problems, for `kz check`.
    pub fn checked(&self) -> Result<&'static Base, &'a Report> {
        match self.opened {
            Some(Ok(base)) => Ok(base),
            Some(Err(report)) => Err(report),
            None => Err(&EMPTY),
        }
    }
}

static EMPTY: Report = Report {
    diagnostics: Vec::new(),
    total: 0,
};

/// Runs the chosen command, writing its results to `out`.
///
/// An answer from a snapshot is held back until it is known that nothing it read was damaged;
/// if something was, the answer is thrown away and given again from the fact files, and the
/// snapshot is rebuilt.
pub fn dispatch(
    global: &Global,
    command: &Command,
    app: fn() -> clap::Command,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let ctx = Ctx::new(global, app);
    let command = command.run();
    if command.needs() == Needs::Nothing {
        return run_with(command, &ctx, None, out);
    }
    let mode = if ctx.no_cache {
        Mode::NoCache
    } else {
        Mode::Cached
    };
    let opened = open::open(&ctx.facts, mode);
    if opened.from_snapshot {
        let mut held = Vec::new();
        let result = run_with(command, &ctx, Some(&opened), &mut held);
        let damaged = opened.base.as_ref().is_ok_and(|b| b.is_damaged());
        if !damaged {
            out.write_all(&held)?;
            return result;
        }
        return finish(command, &ctx, open::open(&ctx.facts, Mode::Rebuild), out);
    }
    finish(command, &ctx, opened, out)
}

/// Runs a command on a base this run parsed, then stores its snapshot when the base is sound.
fn finish(command: &dyn Run, ctx: &Ctx, opened: Opened, out: &mut dyn Write) -> anyhow::Result<()> {
    let result = run_with(command, ctx, Some(&opened), out);
    // Even a query that matched nothing (exit 1) has a sound base worth keeping.
    if result
        .as_ref()
        .err()
        .is_none_or(|e| e.downcast_ref::<Failure>().is_some() || e.downcast_ref::<Miss>().is_some())
    {
        opened.store_snapshot();
    }
    result
}

fn run_with(
    command: &dyn Run,
    ctx: &Ctx,
    opened: Option<&Opened>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let mut cx = Cx {
        ctx,
        out,
        opened: opened.map(|o| &o.base),
    };
    command.run(&mut cx).and_then(|()| Ok(cx.out.flush()?))
}

/// `--since` and `--until`, for commands that list dated things.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Dates {
    /// Only what is dated on or after DATE (repeated: the latest counts)
    #[arg(long, value_name = "DATE")]
    pub since: Vec<String>,
    /// Only what is dated on or before DATE (repeated: the earliest counts)
    #[arg(long, value_name = "DATE")]
    pub until: Vec<String>,
}

impl Dates {
    /// The days both bounds allow, or the failure naming a bound that is not a date.
    pub fn window(&self) -> Result<Window, Failure> {
        Ok(Window::between(
            &dates("--since date", &self.since)?,
            &dates("--until date", &self.until)?,
        ))
    }
}

/// Options every listing command takes.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Listing {
    /// Instead of the rows, print each value of COLUMN with how many rows have it, most
    /// frequent first; in a list column each item counts
    #[arg(long, value_name = "COLUMN")]
    pub facet: Option<String>,
}

/// The one way a listing ends: its rows (or, with `--facet`, their counts) in the chosen
/// format; or, when no row passed, the miss that says why (exit 1).
pub fn emit(
    cx: &mut Cx,
    rows: Rows,
    listing: &Listing,
    miss: impl FnOnce() -> Miss,
) -> anyhow::Result<()> {
    let rows = match &listing.facet {
        Some(column) => facet(rows, column)?,
        None => rows,
    };
    if rows.is_empty() {
        return Err(Failure::from(miss()).into());
    }
    render::rows(cx.out, &rows, &cx.ctx.style)?;
    Ok(())
}

/// Counts the rows by the values of one column: each distinct value with its count, most
/// frequent first, then by value. Every tie is listed. The sources of a count are those of the
/// rows it counts.
pub fn facet(rows: Rows, column: &str) -> Result<Rows, Failure> {
    let Some(i) = rows.columns.iter().position(|c| *c == column) else {
        return Err(Failure::Usage(format!(
            "no column '{column}' to count by; the columns are {}",
            rows.columns.join(", ")
        )));
    };
    // For each value (none for an empty cell): how many rows have it, and their sources.
    type Tally = (u64, Vec<String>);
    let mut counts: BTreeMap<Option<String>, Tally> = BTreeMap::new();
    for Row { cells, source } in rows.rows {
        let values: Vec<Option<String>> = match &cells[i] {
            Value::Text(t) => vec![Some(t.clone())],
            Value::List(items) => items.iter().cloned().map(Some).collect(),
            Value::Count(n) => vec![Some(n.to_string())],
            Value::Null => vec![None],
        };
        for v in values {
            let entry = counts.entry(v).or_default();
            entry.0 += 1;
            entry.1.extend(source.iter().cloned());
        }
    }
    let mut sorted: Vec<(Option<String>, Tally)> = counts.into_iter().collect();
    // Most frequent first; equal counts by value, empty last.
    sorted.sort_by(|(va, (a, _)), (vb, (b, _))| {
        b.cmp(a)
            .then_with(|| va.is_none().cmp(&vb.is_none()))
            .then_with(|| va.cmp(vb))
    });
    let name: &'static str = rows.columns[i];
    let mut out = Rows::new(&[name, "count"]);
    for (value, (count, mut sources)) in sorted {
        sources.sort();
        sources.dedup();
        out.push(vec![Value::opt(value), Value::Count(count)], sources);
    }
    Ok(out)
}

/// Parses every date given to a flag, naming the flag when one is not a date.
pub fn dates(flag: &str, values: &[String]) -> Result<Vec<Date>, Failure> {
    values.iter().map(|v| date(flag, v)).collect()
}

/// Parses a date argument, naming the argument when it is not a date.
pub fn date(what: &str, value: &str) -> Result<Date, Failure> {
    Date::parse(value).map_err(|e| Failure::Usage(format!("invalid {what} '{value}': {e}")))
}

/// Resolves every value of a name flag to the records it names (places with the places within
/// them), one set per value.
pub fn scopes(
    base: &Base,
    values: &[String],
    wanted: Wanted,
) -> Result<Vec<std::collections::BTreeSet<EntityRef>>, Miss> {
    values
        .iter()
        .map(|v| Ok(query::scope_of(base, &query::resolve(base, v, wanted)?)))
        .collect()
}

/// A date cell: the date as written, or empty.
pub fn date_cell(date: Option<&Date>) -> Value {
    Value::opt(date.map(|d| d.to_string()))
}

/// The cells every listing of sources begins with: id, title, publisher, published.
pub fn source_cells(s: &crate::model::Source) -> Vec<Value> {
    vec![
        s.id.as_str().into(),
        s.title.as_str().into(),
        Value::opt(s.publisher.as_deref()),
        date_cell(s.published.as_ref()),
    ]
}

/// The labels of some records, for a list cell.
pub fn labels(base: &Base, refs: impl IntoIterator<Item = EntityRef>) -> Value {
    Value::List(
        refs.into_iter()
            .map(|r| base.label(r).to_string())
            .collect(),
    )
}

/// The ids of the sources behind a row, for the `source` key of JSON rows.
pub fn source_ids(base: &Base, sources: &[u32]) -> Vec<String> {
    base.source_ids(sources)
        .into_iter()
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facets_count_every_value_and_hide_no_tie() {
        let mut rows = Rows::new(&["id", "speaker", "about"]);
        let list = |v: &[&str]| Value::List(v.iter().map(|s| s.to_string()).collect());
        rows.push(
            vec!["a".into(), "Ann".into(), list(&["x", "y"])],
            vec!["s1".into()],
        );
        rows.push(
            vec!["b".into(), "Bob".into(), list(&["x"])],
            vec!["s2".into()],
        );
        rows.push(vec!["c".into(), "Ann".into(), list(&[])], vec!["s1".into()]);
        rows.push(vec!["d".into(), Value::Null, list(&["y"])], vec![]);
        let speakers = facet(rows.clone(), "speaker").unwrap();
        let cells: Vec<(Value, Value)> = speakers
            .rows
            .iter()
            .map(|r| (r.cells[0].clone(), r.cells[1].clone()))
            .collect();
        assert_eq!(
            cells,
            [
                ("Ann".into(), Value::Count(2)),
                ("Bob".into(), Value::Count(1)),
                (Value::Null, Value::Count(1)),
            ]
        );
        assert_eq!(speakers.rows[0].source, ["s1"]);
        let about = facet(rows.clone(), "about").unwrap();
        let values: Vec<Value> = about.rows.iter().map(|r| r.cells[0].clone()).collect();
        assert_eq!(values, ["x".into(), "y".into()], "ties sort by value");
        let err = facet(rows, "colour").unwrap_err();
        assert!(
            err.to_string()
                .contains("the columns are id, speaker, about"),
            "{err}"
        );
    }
}
