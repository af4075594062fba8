//! The subcommands, one module each, and the steps they share. Each command reads as a short
//! pipeline: resolve its arguments, ask `query`, build rows, and hand them to [`emit`].

use crate::Error;
use crate::context::{Ctx, Global};
use crate::date::Date;
use crate::diag::Report;
use crate::model::{Base, EntityRef};
use crate::open::{self, Mode, Opened, Store};
use crate::query::{self, Miss, TextQuery, Wanted, Window};
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

            /// The command's name as typed.
            fn name(&self) -> &'static str {
                match self {
                    $(Command::$variant(_) => stringify!($module),)*
                }
            }
        }
    };
}

mod kinds;
pub mod rows;

pub use rows::{date_cell, source_ids};

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
    Disputes => disputes,
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

    /// The `-f` formats it writes in, when it does not take them all: `None` when `-f` does
    /// not apply, with what to use instead (`graph` draws with `--to`).
    fn formats(&self) -> Formats {
        Formats::All
    }

    fn run(&self, cx: &mut Cx<'_>) -> Result<(), crate::Error>;
}

/// Which `-f` formats a command writes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Formats {
    All,
    /// None: `-f` is refused, with this hint of what to use instead.
    None(&'static str),
    /// Only these; another is refused with the hint.
    Only(&'static [render::Format], &'static str),
}

/// What a command runs with: the run's context, where to write, and the opened base.
pub struct Cx<'a> {
    pub ctx: &'a Ctx,
    pub out: &'a mut dyn Write,
    opened: Option<&'a Result<&'static Base, Report>>,
}

impl<'a> Cx<'a> {
    /// The checked base, or the failure that lists every problem in it.
    pub fn base(&self) -> Result<&'static Base, Error> {
        match self.opened {
            Some(Ok(base)) => Ok(base),
            Some(Err(report)) => Err(Error::Broken(report.clone())),
            None => Err(Error::Usage("this command reads no fact base".into())),
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

/// Runs the chosen command, writing its results to `out`. Returns what is left to store of a
/// base this run parsed: the caller stores it once the answer is out (see `store`).
///
/// An answer from a snapshot streams out as it is made, but no byte is written once anything it
/// read turned out damaged (see [`Guarded`]). If damage is found before the first byte, the
/// answer is given again from the fact files, and the snapshot is rebuilt; if after, the answer
/// stops there with an error, and the snapshot is rebuilt for the next run.
pub fn dispatch(
    global: &Global,
    command: &Command,
    app: fn() -> clap::Command,
    out: &mut dyn Write,
) -> (Result<(), crate::Error>, Option<Store>) {
    let mut later = None;
    let result = answer(global, command, app, out, &mut later);
    (result, later)
}

fn answer(
    global: &Global,
    command: &Command,
    app: fn() -> clap::Command,
    out: &mut dyn Write,
    later: &mut Option<Store>,
) -> Result<(), crate::Error> {
    let ctx = Ctx::new(global, app);
    let name = command.name();
    let command = command.run();
    match (ctx.format_given, command.formats()) {
        (true, Formats::None(instead)) => {
            return Err(Error::Usage(format!(
                "-f does not apply to `kz {name}`: {instead}"
            )));
        }
        (true, Formats::Only(formats, instead)) if !formats.contains(&ctx.style.format) => {
            return Err(Error::Usage(format!(
                "`kz {name}` does not write -f {}: {instead}",
                ctx.style.format.name()
            )));
        }
        _ => {}
    }
    if command.needs() == Needs::Nothing {
        return run_with(command, &ctx, None, out);
    }
    let mode = if ctx.no_cache {
        Mode::NoCache
    } else {
        Mode::Cached
    };
    let opened = open::open(&ctx.facts, mode);
    // A miss on the built-in base alone says so: a user in a folder of their own facts, without
    // `--facts` or `KZ_FACTS`, is not asking what they think.
    let which = |result: Result<(), Error>| match result {
        Err(Error::NoMatch(m)) if ctx.builtin_only() => Err(Error::NoMatch(format!(
            "{m}\n(that is the built-in base; --facts DIR or KZ_FACTS=DIR reads your own)"
        ))),
        other => other,
    };
    if let (true, Ok(base)) = (opened.from_snapshot, &opened.base) {
        let mut guarded = Guarded {
            out,
            base,
            written: false,
        };
        let result = run_with(command, &ctx, Some(&opened), &mut guarded);
        if !base.is_damaged() {
            // A snapshot with edited files checked against it is stored again whole.
            *later = opened.later();
            return which(result);
        }
        let rebuilt = open::open(&ctx.facts, Mode::Rebuild);
        if guarded.written {
            *later = rebuilt.later();
            return Err(Error::Damaged(
                "the cached snapshot of the base turned out damaged part way through the \
                 answer, which stops here; kz has rebuilt it from the fact files: run the \
                 command again"
                    .into(),
            ));
        }
        return which(finish(command, &ctx, rebuilt, out, later));
    }
    which(finish(command, &ctx, opened, out, later))
}

/// The output of an answer from a snapshot: bytes pass straight through until anything read
/// from the snapshot turns out damaged; from then on every write fails, so no byte of an answer
/// made from damaged records reaches the user.
struct Guarded<'a> {
    out: &'a mut dyn Write,
    base: &'a Base,
    /// Whether any byte went out.
    written: bool,
}

impl Write for Guarded<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.base.is_damaged() {
            return Err(std::io::Error::other("the snapshot is damaged"));
        }
        let n = self.out.write(buf)?;
        self.written |= n > 0;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.base.is_damaged() {
            return Err(std::io::Error::other("the snapshot is damaged"));
        }
        self.out.flush()
    }
}

/// Runs a command on a base this run parsed, and leaves its snapshot to store.
fn finish(
    command: &dyn Run,
    ctx: &Ctx,
    opened: Opened,
    out: &mut dyn Write,
    later: &mut Option<Store>,
) -> Result<(), crate::Error> {
    let result = run_with(command, ctx, Some(&opened), out);
    // Even a query that matched nothing (exit 1) or a bad argument leaves a base worth keeping;
    // a failed write of the answer stores nothing.
    if !matches!(result, Err(Error::Io(_))) {
        *later = opened.later();
    }
    result
}

fn run_with(
    command: &dyn Run,
    ctx: &Ctx,
    opened: Option<&Opened>,
    out: &mut dyn Write,
) -> Result<(), crate::Error> {
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
    /// The days both bounds allow, or the failure naming a bound that is not a date, or bounds
    /// that leave no day between them.
    pub fn window(&self) -> Result<Window, Error> {
        let (since, until) = (
            dates("--since date", &self.since)?,
            dates("--until date", &self.until)?,
        );
        let window = Window::between(&since, &until);
        if let (Some(from), Some(to)) = (window.from, window.to)
            && from > to
        {
            let latest = since.iter().max_by_key(|d| d.start());
            let earliest = until.iter().min_by_key(|d| d.end());
            return Err(Error::Usage(format!(
                "--since {} is after --until {}: no day is in both; swap them",
                latest.map_or(String::new(), |d| d.to_string()),
                earliest.map_or(String::new(), |d| d.to_string()),
            )));
        }
        Ok(window)
    }
}

/// `--min-sources`, for listings of statements that several sources may make.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Corroboration {
    /// Only what at least N distinct sources state (a quote, an event, a person, a membership or
    /// role, a dated fact); deprecated declarations do not count
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub min_sources: usize,
}

/// The text queries of `--contains`, `--role` or `search`: each must have something to look for.
pub fn text_queries(base: &Base, texts: &[String]) -> Result<Vec<TextQuery>, Error> {
    texts
        .iter()
        .map(|t| TextQuery::new(base, t).ok_or_else(|| no_letters(t)))
        .collect()
}

/// The failure for a text argument with nothing to look for.
pub fn no_letters(text: &str) -> Error {
    Error::Usage(format!("'{text}' has no letters or digits to look for"))
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
) -> Result<(), crate::Error> {
    let rows = match &listing.facet {
        Some(column) => facet(rows, column)?,
        None => rows,
    };
    if rows.is_empty() {
        return Err(Error::from(miss()));
    }
    render::rows(cx.out, &rows, &cx.ctx.style)?;
    Ok(())
}

/// Counts the rows by the values of one column: each distinct value with its count, most
/// frequent first, then by value. Every tie is listed. The sources of a count are those of the
/// rows it counts.
pub fn facet(rows: Rows, column: &str) -> Result<Rows, Error> {
    let Some(i) = rows.columns.iter().position(|c| *c == column) else {
        return Err(Error::Usage(format!(
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
pub fn dates(flag: &str, values: &[String]) -> Result<Vec<Date>, Error> {
    values.iter().map(|v| date(flag, v)).collect()
}

/// Parses a date argument, naming the argument when it is not a date.
pub fn date(what: &str, value: &str) -> Result<Date, Error> {
    Date::parse(value).map_err(|e| Error::Usage(format!("invalid {what} '{value}': {e}")))
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

/// The cells every listing of sources begins with: id, title, publisher, published.
pub fn source_cells(base: &Base, s: u32) -> Vec<Value> {
    let cols = [
        ("id", "id"),
        ("title", "title"),
        ("publisher", "publisher"),
        ("published", "published"),
    ];
    rows::record(base, EntityRef::source(s), &cols).0
}

/// The labels of some records, for a list cell.
pub fn labels(base: &Base, refs: impl IntoIterator<Item = EntityRef>) -> Value {
    Value::List(
        refs.into_iter()
            .map(|r| base.label(r).to_string())
            .collect(),
    )
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
