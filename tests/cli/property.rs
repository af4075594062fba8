//! Property tests: generated and mutated fact files never make the loader or checker panic, and
//! every diagnostic points inside its file; every output format round-trips any string.

use crate::support::root;
use kz::load::FactFile;
use kz::render::{self, Format, Rows, Style, Value};
use proptest::prelude::*;

/// The text of every fixture, to mutate.
fn seeds() -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root().join("tests/fixtures"), root().join("facts")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml")
                && let Ok(text) = std::fs::read_to_string(&path)
                && text.len() < 64 * 1024
            {
                out.push(text);
            }
        }
    }
    out.sort();
    out
}

/// Loads and checks one file's bytes; panics only if kz does. Returns the diagnostics' positions
/// that fall outside the file.
fn misplaced(bytes: &[u8]) -> Vec<String> {
    let (files, mut diags) = match FactFile::from_bytes("fuzzed.yaml", bytes) {
        Ok(file) => (vec![file], Vec::new()),
        Err(d) => (Vec::new(), vec![*d]),
    };
    let lines = bytes.split(|&b| b == b'\n').count();
    if let Err(more) = kz::check::build(kz::load::parse(files)) {
        diags.extend(more.diagnostics);
    }
    diags
        .iter()
        .filter(|d| {
            let _ = d.to_string();
            d.path != "fuzzed.yaml" || d.line == 0 || d.line > lines || d.column == 0
        })
        .map(|d| format!("{}:{}:{} {}", d.path, d.line, d.column, d.message))
        .collect()
}

/// A small fact file built from pieces that are mostly valid.
fn generated_file() -> impl Strategy<Value = String> {
    let key = prop::sample::select(vec![
        "id",
        "name",
        "title",
        "text",
        "speaker",
        "source",
        "date",
        "said",
        "kind",
        "aliases",
        "about",
        "involving",
        "places",
        "roles",
        "members",
        "part_of",
        "since",
        "until",
        "evidence",
        "bogus",
    ]);
    let scalar = prop::sample::select(vec![
        "a",
        "ada",
        "note",
        "2022-01-05",
        "2022-02-30",
        "199X",
        "..",
        "~",
        "''",
        "\"x\"",
        "[a, b]",
        "{a: 1}",
        "- x",
        "&anchor v",
        "*anchor",
        "!!int 5",
        "|",
        ">-",
        "'unterminated",
        "1992",
        "Тоқаев",
        "\"\\e[31m\"",
        "# comment",
        "?",
        ": :",
        "\t",
    ]);
    let field = (key, scalar, 0usize..3)
        .prop_map(|(k, v, extra)| format!("{}{k}: {v}\n", " ".repeat(4 + extra)));
    let record = prop::collection::vec(field, 1..6).prop_map(|fields| {
        let body: String = fields.concat();
        format!("  - {}", body.trim_start())
    });
    let section = (
        prop::sample::select(vec![
            "sources",
            "actors",
            "organisations",
            "places",
            "quotes",
            "events",
            "nonsense",
        ]),
        prop::collection::vec(record, 0..4),
    )
        .prop_map(|(name, records)| format!("{name}:\n{}", records.concat()));
    prop::collection::vec(section, 0..4).prop_map(|s| s.concat())
}

/// A fixture with a few bytes flipped, inserted or removed.
/// Any string, or one that starts like a formula, a number or a quoted formula.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "'{0,2}[=+@\t\r\0-]{1,2}[0-9.eE+-]{0,4}.{0,3}",
        "[+-]?[0-9]{1,3}(\\.[0-9]{0,2})?([eE][+-]?[0-9]{1,2})?",
    ]
}

fn mutated_fixture() -> impl Strategy<Value = Vec<u8>> {
    let seeds = seeds();
    (
        0..seeds.len(),
        prop::collection::vec((any::<u16>(), any::<u8>(), 0u8..3), 1..8),
    )
        .prop_map(move |(i, edits)| {
            let mut bytes = seeds[i].clone().into_bytes();
            for (at, byte, op) in edits {
                if bytes.is_empty() {
                    bytes.push(byte);
                    continue;
                }
                let at = at as usize % bytes.len();
                match op {
                    0 => bytes[at] = byte,
                    1 => bytes.insert(at, byte),
                    _ => {
                        bytes.remove(at);
                    }
                }
            }
            bytes
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn generated_files_never_panic_and_diagnostics_stay_inside(text in generated_file()) {
        let bad = misplaced(text.as_bytes());
        prop_assert!(bad.is_empty(), "diagnostics outside the file: {bad:?}\n{text}");
    }

    #[test]
    fn mutated_fixtures_never_panic_and_diagnostics_stay_inside(bytes in mutated_fixture()) {
        let bad = misplaced(&bytes);
        prop_assert!(bad.is_empty(), "diagnostics outside the file: {bad:?}\n{}", String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn every_format_round_trips_any_string(cells in prop::collection::vec(cell(), 1..4)) {
        let columns: Vec<&'static str> = ["a", "b", "c", "d"][..cells.len()].to_vec();
        let mut rows = Rows::new(&columns);
        rows.push(cells.iter().cloned().map(Value::Text).collect(), vec!["src".into()]);
        for format in [Format::Tsv, Format::Csv, Format::Json, Format::Jsonl, Format::Markdown] {
            // Exactly as they are: `--raw-csv`.
            let style = Style { format, color: false, width: None, header: true, terminal: false, spreadsheet_safe: false };
            let mut out = Vec::new();
            render::rows(&mut out, &rows, &style).unwrap();
            let text = String::from_utf8(out).unwrap();
            let back = read_back(format, &text, cells.len());
            prop_assert_eq!(&back, &cells, "{:?} output:\n{}", format, text);
        }
        // By default a cell a spreadsheet would run gets a `'`, and dropping it gives the cell
        // back.
        let style = Style { format: Format::Csv, color: false, width: None, header: true, terminal: false, spreadsheet_safe: true };
        let mut out = Vec::new();
        render::rows(&mut out, &rows, &style).unwrap();
        let text = String::from_utf8(out).unwrap();
        let back: Vec<String> = read_back(Format::Csv, &text, cells.len()).into_iter().map(formula_back).collect();
        prop_assert_eq!(&back, &cells, "CSV output:\n{}", text);
    }
}

/// Parses one data row of each format back into its cells.
fn read_back(format: Format, text: &str, n: usize) -> Vec<String> {
    match format {
        Format::Tsv => {
            let line = text.lines().nth(1).unwrap_or_default();
            line.split('\t').map(unescape_tsv).collect()
        }
        Format::Csv => {
            let mut r = csv::Reader::from_reader(text.as_bytes());
            r.records()
                .next()
                .unwrap()
                .unwrap()
                .iter()
                .map(str::to_string)
                .collect()
        }
        Format::Json | Format::Jsonl => {
            let v: serde_json::Value = serde_json::from_str(text.trim()).unwrap();
            let row = if format == Format::Json {
                v[0].clone()
            } else {
                v
            };
            ["a", "b", "c", "d"][..n]
                .iter()
                .map(|k| row[k].as_str().unwrap().to_string())
                .collect()
        }
        Format::Markdown => {
            let line = text.lines().nth(2).unwrap();
            let inner = &line[2..line.len() - 2];
            split_markdown(inner)
                .iter()
                .map(|c| unescape_markdown(c))
                .collect()
        }
        Format::Table => unreachable!(),
    }
}

/// Undoes `render::spreadsheet_safe`: drops one `'` from a cell whose text after its leading
/// `'`s a spreadsheet would run as a formula.
fn formula_back(cell: String) -> String {
    let body = cell.trim_start_matches('\'');
    let formula = render::spreadsheet_safe(body.into()).len() > body.len();
    if formula && body.len() < cell.len() {
        cell[1..].to_string()
    } else {
        cell
    }
}

fn unescape_tsv(field: &str) -> String {
    let mut out = String::new();
    let mut chars = field.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('\\') => out.push('\\'),
            other => panic!("unknown TSV escape \\{other:?}"),
        }
    }
    out
}

/// Splits a Markdown row's inside on ` | ` that is not escaped.
fn split_markdown(inner: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                cells.last_mut().unwrap().push(c);
                if let Some(n) = chars.next() {
                    cells.last_mut().unwrap().push(n);
                }
            }
            ' ' if chars.peek() == Some(&'|') => {
                chars.next();
                chars.next();
                cells.push(String::new());
            }
            c => cells.last_mut().unwrap().push(c),
        }
    }
    cells
}

fn unescape_markdown(cell: &str) -> String {
    let mut out = String::new();
    let mut rest = cell;
    while let Some(c) = rest.chars().next() {
        if let Some(r) = rest.strip_prefix("<br>") {
            out.push('\n');
            rest = r;
        } else if let Some(r) = rest.strip_prefix("&lt;") {
            out.push('<');
            rest = r;
        } else if let Some(r) = rest.strip_prefix("&amp;") {
            out.push('&');
            rest = r;
        } else if let Some(r) = rest.strip_prefix("\\u{") {
            let end = r.find('}').unwrap();
            out.push(char::from_u32(u32::from_str_radix(&r[..end], 16).unwrap()).unwrap());
            rest = &r[end + 1..];
        } else if let Some(r) = rest.strip_prefix('\\') {
            let n = r.chars().next().unwrap();
            out.push(n);
            rest = &r[n.len_utf8()..];
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

#[test]
fn the_mutation_seeds_are_the_fixtures() {
    let seeds = seeds();
    assert!(seeds.len() >= 40, "{} seed files", seeds.len());
    // The corpus holds broken files too: mutations start from every kind of defect.
    assert!(seeds.iter().any(|s| s.contains("2022-02-30")));
}
