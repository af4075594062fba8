//! Rows and profiles → table, TSV, CSV, JSON, JSONL or Markdown on any `impl Write`.
//! This layer knows cells and formats, not the fact model.

use crate::text::{escape_cell, escape_control, is_unsafe_control, replace_chars};
use comfy_table::{
    Attribute, Cell, Color, ColumnConstraint, ContentArrangement, Table as Comfy, presets,
};
use serde::Serialize as _;
use std::borrow::Cow;
use std::io::{self, Write};
use unicode_width::UnicodeWidthStr;

/// An output format of `-f/--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Tsv,
    Csv,
    Json,
    Jsonl,
    Markdown,
}

impl Format {
    /// The format as `-f` spells it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Tsv => "tsv",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Markdown => "markdown",
        }
    }
}

/// How to draw: resolved once from flags, environment and the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub format: Format,
    pub color: bool,
    /// Table width in columns; `None` draws at natural width.
    pub width: Option<u16>,
    pub header: bool,
    /// Whether output goes to a terminal, so control characters must be shown escaped.
    pub terminal: bool,
    /// Whether a CSV cell that a spreadsheet would run as a formula gets a `'` in front
    /// ([`spreadsheet_safe`]); `--raw-csv` turns it off.
    pub spreadsheet_safe: bool,
}

/// One cell of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    List(Vec<String>),
    Count(u64),
    Null,
}

impl Value {
    pub fn opt(text: Option<impl Into<String>>) -> Value {
        text.map_or(Value::Null, |t| Value::Text(t.into()))
    }

    /// The cell as one line of text (lists joined with `, `).
    pub fn flat(&self) -> Cow<'_, str> {
        match self {
            Value::Text(t) => Cow::Borrowed(t),
            Value::List(items) => Cow::Owned(items.join(", ")),
            Value::Count(n) => Cow::Owned(n.to_string()),
            Value::Null => Cow::Borrowed(""),
        }
    }

    fn json(&self) -> serde_json::Value {
        match self {
            Value::Text(t) => serde_json::Value::String(t.clone()),
            Value::List(items) => items
                .iter()
                .cloned()
                .map(serde_json::Value::String)
                .collect(),
            Value::Count(n) => serde_json::Value::from(*n),
            Value::Null => serde_json::Value::Null,
        }
    }
}

impl From<String> for Value {
    fn from(t: String) -> Value {
        Value::Text(t)
    }
}

impl From<&str> for Value {
    fn from(t: &str) -> Value {
        Value::Text(t.to_string())
    }
}

/// A row and the ids of the sources behind it (shown in JSON as `source`).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub cells: Vec<Value>,
    pub source: Vec<String>,
}

/// Rows under named columns. Column names are the snake_case JSON keys.
#[derive(Debug, Clone, PartialEq)]
pub struct Rows {
    pub columns: Vec<&'static str>,
    pub rows: Vec<Row>,
}

impl Rows {
    pub fn new(columns: &[&'static str]) -> Rows {
        Rows {
            columns: columns.to_vec(),
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, cells: Vec<Value>, source: Vec<String>) {
        debug_assert_eq!(cells.len(), self.columns.len());
        self.rows.push(Row { cells, source });
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// Writes rows in the chosen format.
pub fn rows(out: &mut dyn Write, rows: &Rows, style: &Style) -> io::Result<()> {
    match style.format {
        Format::Table => table(out, rows, style),
        Format::Tsv => tsv(out, rows, style),
        Format::Csv => csv_rows(out, rows, style),
        Format::Json | Format::Jsonl => {
            let objects: Vec<serde_json::Value> = rows
                .rows
                .iter()
                .map(|r| row_object(&rows.columns, r))
                .collect();
            json(out, &objects, style.format == Format::Jsonl)
        }
        Format::Markdown => markdown(out, rows),
    }
}

fn row_object(columns: &[&str], row: &Row) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    for (col, cell) in columns.iter().zip(&row.cells) {
        map.insert((*col).to_string(), cell.json());
    }
    map.insert(
        "source".to_string(),
        row.source
            .iter()
            .cloned()
            .map(serde_json::Value::String)
            .collect(),
    );
    serde_json::Value::Object(map)
}

/// Writes JSON values as one array (`json`) or one per line (`jsonl`).
pub fn json(out: &mut dyn Write, values: &[serde_json::Value], lines: bool) -> io::Result<()> {
    if lines {
        for v in values {
            json_line(out, v)?;
        }
        Ok(())
    } else {
        let pretty = Escaping(serde_json::ser::PrettyFormatter::new());
        values.serialize(&mut serde_json::Serializer::with_formatter(
            &mut *out, pretty,
        ))?;
        out.write_all(b"\n")
    }
}

/// Writes one JSON value on a line of its own (a line of JSON Lines).
pub fn json_line(out: &mut dyn Write, value: &impl serde::Serialize) -> io::Result<()> {
    let compact = Escaping(serde_json::ser::CompactFormatter);
    value.serialize(&mut serde_json::Serializer::with_formatter(
        &mut *out, compact,
    ))?;
    out.write_all(b"\n")
}

/// A serde_json formatter that also writes DEL, the C1 controls and the bidirectional controls
/// as `\uXXXX` escapes, which serde_json leaves raw. JSON reads them back unchanged, and no raw
/// 8-bit CSI or override reaches a terminal or a pager, whether kz writes to one or the JSON is
/// shown later.
struct Escaping<F>(F);

impl<F: serde_json::ser::Formatter> serde_json::ser::Formatter for Escaping<F> {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if is_unsafe_control(c) {
                w.write_all(&fragment.as_bytes()[start..i])?;
                // Every such char is in the Basic Multilingual Plane: one escape.
                write!(w, "\\u{:04x}", u32::from(c))?;
                start = i + c.len_utf8();
            }
        }
        w.write_all(&fragment.as_bytes()[start..])
    }

    // The layout is the inner formatter's.
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn end_object_key<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_key(w)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// Draws rows as a grid when it fits the width, else as one block of `column  value` lines per
/// row, which stays readable in a narrow terminal.
fn table(out: &mut dyn Write, rows: &Rows, style: &Style) -> io::Result<()> {
    if fits(rows, style.width) {
        return writeln!(out, "{}", comfy(rows, style));
    }
    let rule = "─".repeat(usize::from(style.width.unwrap_or(60)).min(60));
    let key_width = rows.columns.iter().map(|c| c.len()).max().unwrap_or(0);
    for (n, row) in rows.rows.iter().enumerate() {
        if n > 0 {
            if style.color {
                writeln!(out, "\x1b[2m{rule}\x1b[0m")?;
            } else {
                writeln!(out, "{rule}")?;
            }
        }
        let pairs = rows
            .columns
            .iter()
            .zip(&row.cells)
            .filter(|(_, v)| !v.flat().is_empty());
        write_pairs(
            out,
            pairs.map(|(k, v)| (*k, v.flat().into_owned())),
            key_width,
            style,
        )?;
    }
    Ok(())
}

/// Columns that are read whole or not at all: never wrapped.
fn is_whole(column: &str) -> bool {
    matches!(
        column,
        "id" | "date" | "since" | "until" | "published" | "kind"
    )
}

/// The natural width of each column: its widest line, header included.
fn natural_widths(rows: &Rows) -> Vec<usize> {
    (0..rows.columns.len())
        .map(|i| {
            let cells = rows.rows.iter().map(|r| r.cells[i].flat());
            std::iter::once(Cow::Borrowed(rows.columns[i]))
                .chain(cells)
                .flat_map(|c| {
                    escape_cell(&c)
                        .lines()
                        .map(UnicodeWidthStr::width)
                        .collect::<Vec<_>>()
                })
                .max()
                .unwrap_or(0)
        })
        .collect()
}

/// The widest column that may wrap: the one a grid must keep readable.
fn main_text_column(rows: &Rows, natural: &[usize]) -> Option<usize> {
    (0..rows.columns.len())
        .filter(|&i| !is_whole(rows.columns[i]))
        .max_by_key(|&i| natural[i])
}

/// The least width the main text column gets in a grid: paragraphs (quotes, descriptions) need
/// more room than short phrases (titles of roles) to stay readable.
fn main_text_min(natural: usize) -> usize {
    if natural > 60 { 30 } else { natural.min(20) }
}

/// Whether a grid of `rows` fits in `width`: ids and dates at their natural width, the main text
/// column at [`main_text_min`], other columns wrapped down to 10.
fn fits(rows: &Rows, width: Option<u16>) -> bool {
    let Some(width) = width else { return true };
    let natural = natural_widths(rows);
    let main = main_text_column(rows, &natural);
    let needed: usize = (0..rows.columns.len())
        .map(|i| {
            if is_whole(rows.columns[i]) {
                natural[i]
            } else if Some(i) == main {
                main_text_min(natural[i])
            } else {
                natural[i].min(10)
            }
        })
        .sum::<usize>()
        + 3 * rows.columns.len()
        + 1;
    needed <= usize::from(width)
}

/// `key  value` lines without borders, values wrapped to the width.
fn write_pairs(
    out: &mut dyn Write,
    pairs: impl Iterator<Item = (&'static str, String)>,
    key_width: usize,
    style: &Style,
) -> io::Result<()> {
    let mut t = Comfy::new();
    t.load_style(presets::NOTHING);
    if style.color {
        t.enforce_styling();
    } else {
        t.force_no_tty();
    }
    if let Some(w) = style.width {
        t.set_width(w);
        t.set_content_arrangement(ContentArrangement::Dynamic);
    }
    for (k, v) in pairs {
        let k = format!("{k:<key_width$}");
        let key = if style.color {
            Cell::new(k).add_attribute(Attribute::Bold)
        } else {
            Cell::new(k)
        };
        t.add_row(vec![key, Cell::new(escape_cell(&v))]);
    }
    if let Some(col) = t.column_mut(0) {
        col.set_constraint(ColumnConstraint::ContentWidth);
    }
    for line in t.lines() {
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

fn comfy(rows: &Rows, style: &Style) -> Comfy {
    let mut table = Comfy::new();
    table.load_style(presets::UTF8_FULL_CONDENSED.with_rounded_corners());
    if style.color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    match style.width {
        Some(w) => {
            table.set_width(w);
            table.set_content_arrangement(ContentArrangement::Dynamic);
        }
        None => {
            table.set_content_arrangement(ContentArrangement::Disabled);
        }
    }
    if style.header {
        table.set_header(rows.columns.iter().map(|c| head_cell(c, style.color)));
    }
    for row in &rows.rows {
        table.add_row(row.cells.iter().map(|v| Cell::new(escape_cell(&v.flat()))));
    }
    for (i, name) in rows.columns.iter().enumerate() {
        if is_whole(name)
            && let Some(col) = table.column_mut(i)
        {
            col.set_constraint(ColumnConstraint::ContentWidth);
        }
    }
    let natural = natural_widths(rows);
    if style.width.is_some()
        && let Some(main) = main_text_column(rows, &natural)
        && let Some(col) = table.column_mut(main)
    {
        let least = main_text_min(natural[main]) as u16;
        col.set_constraint(ColumnConstraint::LowerBoundary(comfy_table::Width::Fixed(
            least,
        )));
    }
    table
}

fn head_cell(name: &str, color: bool) -> Cell {
    let cell = Cell::new(name);
    if color {
        cell.add_attribute(Attribute::Bold).fg(Color::Cyan)
    } else {
        cell
    }
}

/// A field of TSV: tab, newline, carriage return and backslash become `\t`, `\n`, `\r`, `\\`.
pub fn tsv_field(text: &str) -> Cow<'_, str> {
    replace_chars(text, |c| {
        Some(Cow::Borrowed(match c {
            '\t' => "\\t",
            '\n' => "\\n",
            '\r' => "\\r",
            '\\' => "\\\\",
            _ => return None,
        }))
    })
}

fn tsv(out: &mut dyn Write, rows: &Rows, style: &Style) -> io::Result<()> {
    let safe = |s: &str| -> String {
        let field = tsv_field(s);
        if style.terminal {
            escape_control(&field).into_owned()
        } else {
            field.into_owned()
        }
    };
    if style.header {
        writeln!(out, "{}", rows.columns.join("\t"))?;
    }
    let mut line = String::new();
    for row in &rows.rows {
        line.clear();
        for (i, cell) in row.cells.iter().enumerate() {
            if i > 0 {
                line.push('\t');
            }
            line.push_str(&safe(&cell.flat()));
        }
        line.push('\n');
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

fn csv_rows(out: &mut dyn Write, rows: &Rows, style: &Style) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let io = |e: csv::Error| match e.into_kind() {
        csv::ErrorKind::Io(err) => err,
        other => io::Error::other(format!("{other:?}")),
    };
    if style.header {
        w.write_record(&rows.columns).map_err(io)?;
    }
    for row in &rows.rows {
        let cells = row.cells.iter().map(|c| {
            let mut flat = c.flat();
            if style.spreadsheet_safe {
                flat = spreadsheet_safe(flat);
            }
            if style.terminal {
                escape_control(&flat).into_owned()
            } else {
                flat.into_owned()
            }
        });
        w.write_record(cells).map_err(io)?;
    }
    w.flush()
}

/// A CSV cell that a spreadsheet would read as a formula, made text by a `'` in front, as
/// OWASP's guidance on CSV injection advises: one that starts with `=`, `+`, `-`, `@`, a tab, a
/// carriage return or NUL. A plain number (`-5`, `+0.5`, `-0500`, `1e-3`) is left alone: a
/// spreadsheet reads it as a number, never as a formula, and a script reading the CSV gets it
/// unchanged.
///
/// A cell that already starts with `'`s before such text gets one more, so the change can be
/// undone exactly: from a cell whose text after its leading `'`s is a formula, drop one `'`.
pub fn spreadsheet_safe(cell: Cow<'_, str>) -> Cow<'_, str> {
    if is_formula(cell.trim_start_matches('\'')) {
        Cow::Owned(format!("'{cell}"))
    } else {
        cell
    }
}

/// Whether a spreadsheet would run `text` as a formula, by OWASP's list of first characters.
fn is_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r', '\0']) && !is_plain_number(text)
}

/// `[+-]digits[.digits][e[+-]digits]`, or with the digits after the point only.
fn is_plain_number(text: &str) -> bool {
    let digits = |s: &str| s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let rest = text.strip_prefix(['+', '-']).unwrap_or(text);
    let whole = digits(rest);
    let rest = &rest[whole..];
    let (fraction, rest) = match rest.strip_prefix('.') {
        Some(r) => (digits(r), &r[digits(r)..]),
        None => (0, rest),
    };
    if whole + fraction == 0 {
        return false;
    }
    match rest.strip_prefix(['e', 'E']) {
        None => rest.is_empty(),
        Some(exp) => {
            let exp = exp.strip_prefix(['+', '-']).unwrap_or(exp);
            digits(exp) > 0 && digits(exp) == exp.len()
        }
    }
}

/// A field of a GitHub Markdown table. `\\` and `|` are escaped with a backslash, a newline
/// becomes `<br>`, `<` and `&` become entities so that no text is read as HTML, `[` and `]` are
/// escaped so that no text is read as a link or an image (`[x](javascript:…)`), and control
/// characters are shown escaped. Every string can be read back exactly.
pub fn markdown_field(text: &str) -> String {
    let escaped = replace_chars(text, |c| {
        Some(Cow::Borrowed(match c {
            '\\' => "\\\\",
            '|' => "\\|",
            '[' => "\\[",
            ']' => "\\]",
            '\n' => "<br>",
            '<' => "&lt;",
            '&' => "&amp;",
            c if is_unsafe_control(c) => return Some(c.escape_unicode().to_string().into()),
            _ => return None,
        }))
    });
    escaped.into_owned()
}

fn markdown(out: &mut dyn Write, rows: &Rows) -> io::Result<()> {
    writeln!(out, "| {} |", rows.columns.join(" | "))?;
    writeln!(
        out,
        "|{}",
        rows.columns.iter().map(|_| "---|").collect::<String>()
    )?;
    for row in &rows.rows {
        let cells: Vec<String> = row
            .cells
            .iter()
            .map(|c| markdown_field(&c.flat()))
            .collect();
        writeln!(out, "| {} |", cells.join(" | "))?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Profiles: a title, a block of fields, then titled tables.

/// A readable page about one record, drawn for a terminal or as Markdown.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub title: String,
    pub subtitle: String,
    pub fields: Vec<(&'static str, String)>,
    pub sections: Vec<(String, Rows)>,
}

/// Writes profiles one after the other as tables (`table`) or Markdown (any other format).
pub fn profiles(out: &mut dyn Write, profiles: &[Profile], style: &Style) -> io::Result<()> {
    for (i, p) in profiles.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        if style.format == Format::Markdown {
            writeln!(
                out,
                "## {} ({})\n",
                markdown_field(&p.title),
                markdown_field(&p.subtitle)
            )?;
            let mut fields = Rows::new(&["field", "value"]);
            for (k, v) in &p.fields {
                fields.push(vec![Value::from(*k), Value::from(v.as_str())], vec![]);
            }
            markdown(out, &fields)?;
            for (title, rows) in &p.sections {
                writeln!(out, "\n### {}\n", markdown_field(title))?;
                markdown(out, rows)?;
            }
            continue;
        }
        let title = escape_control(&p.title);
        let subtitle = escape_control(&p.subtitle);
        if style.color {
            writeln!(out, "\x1b[1m{title}\x1b[0m \x1b[2m{subtitle}\x1b[0m")?;
        } else {
            writeln!(out, "{title} {subtitle}")?;
        }
        write_pairs(out, p.fields.iter().map(|(k, v)| (*k, v.clone())), 0, style)?;
        for (title, rows) in &p.sections {
            if style.color {
                writeln!(out, "\n\x1b[1m{}\x1b[0m", escape_control(title))?;
            } else {
                writeln!(out, "\n{}", escape_control(title))?;
            }
            table(out, rows, style)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsv_escapes() {
        let cases = [
            ("plain", "plain"),
            ("a\tb", "a\\tb"),
            ("line\nbreak", "line\\nbreak"),
            ("back\\slash", "back\\\\slash"),
            ("cr\r\n", "cr\\r\\n"),
            ("", ""),
        ];
        crate::testing::table(&cases, tsv_field);
    }

    #[test]
    fn markdown_escapes() {
        let cases = [
            ("a|b", "a\\|b"),
            ("a\\b", "a\\\\b"),
            ("two\nlines", "two<br>lines"),
            ("\u{1b}", "\\u{1b}"),
            ("cr\r", "cr\\u{d}"),
            ("<br> & co", "&lt;br> &amp; co"),
            ("[x](javascript:alert(1))", "\\[x\\](javascript:alert(1))"),
            (
                "![](http://t.example/p.png)",
                "!\\[\\](http://t.example/p.png)",
            ),
            ("alm\u{61c}", "alm\\u{61c}"),
        ];
        crate::testing::table(&cases, markdown_field);
    }

    #[test]
    fn no_format_writes_a_raw_control_to_a_terminal() {
        let nasty = "csi\u{9b}2J rlo\u{202e} rli\u{2067} alm\u{61c} del\u{7f} esc\u{1b}[1m";
        let mut table = Rows::new(&["id", "name"]);
        table.push(
            vec![
                Value::from(nasty),
                Value::List(vec![nasty.into(), "b".into()]),
            ],
            vec![nasty.into()],
        );
        for format in [
            Format::Table,
            Format::Tsv,
            Format::Csv,
            Format::Json,
            Format::Jsonl,
            Format::Markdown,
        ] {
            let style = Style {
                format,
                color: false,
                width: Some(80),
                header: true,
                terminal: true,
                spreadsheet_safe: true,
            };
            let mut out = Vec::new();
            super::rows(&mut out, &table, &style).unwrap();
            let text = String::from_utf8(out).unwrap();
            assert!(
                !text
                    .chars()
                    .any(|c| is_unsafe_control(c) && !matches!(c, '\n' | '\t')),
                "{format:?} writes a raw control:\n{text:?}"
            );
        }
    }

    #[test]
    fn formulas_are_made_text_for_spreadsheets() {
        let cases = [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
            ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("\0x", "'\0x"),
            ("-", "'-"),
            ("--", "'--"),
            ("-e5", "'-e5"),
            ("-1-1", "'-1-1"),
            ("- a list item", "'- a list item"),
            // Plain numbers stay numbers.
            ("-0500", "-0500"),
            ("-5", "-5"),
            ("+7", "+7"),
            ("-1.5", "-1.5"),
            ("-.5", "-.5"),
            ("+1e-3", "+1e-3"),
            ("-2E10", "-2E10"),
            // Anything else is left alone.
            ("a=b", "a=b"),
            (" =1", " =1"),
            ("'Tis", "'Tis"),
            ("'", "'"),
            ("'-5", "'-5"),
            // A `'` before a formula gets another, so that dropping one gives the cell back.
            ("'=1", "''=1"),
            ("''-x", "'''-x"),
            ("", ""),
            ("2022-01-05", "2022-01-05"),
        ];
        crate::testing::table(&cases, |c| spreadsheet_safe(Cow::Borrowed(c)));
    }
}
