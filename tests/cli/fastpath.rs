//! The fast path must never disagree with serde_yaml: every fixture, the shipped base and
//! generated bases load to the same records and the same diagnostics with and without it, and
//! every tricky scalar it accepts reads as serde_yaml reads it.

use crate::support::{Kz, needs_tool, root};
use kz::load::{self, FactFile, RawActor, RawEvent, RawOrganisation, RawPlace, RawQuote};
use kz::load::{RawSource, fast};
use serde::de::DeserializeOwned;
use std::fmt::Debug;
use std::path::{Path, PathBuf};

/// What loading gives, with the fast path on or off: the raw records with where they are, the
/// loader's diagnostics, and then the checked base or the checker's diagnostics.
fn outcome(files: Vec<FactFile>, fast: bool) -> String {
    let raw = load::parse_with(files, fast);
    let mut out = format!("{:#?}\n", raw.records);
    for d in &raw.diagnostics {
        out.push_str(&d.to_string());
    }
    out.push_str(&format!("broken: {:?}\n", raw.broken_ids));
    match kz::check::build(raw) {
        Ok(base) => out.push_str(&format!("{base:#?}")),
        Err(report) => {
            for d in &report.diagnostics {
                out.push_str(&d.to_string());
            }
        }
    }
    out
}

/// The first line where the two loads differ, with its neighbours, or `None`.
fn differ(paths: &[PathBuf]) -> Option<String> {
    let (files, problems) = load::read_paths(paths);
    if !problems.is_empty() {
        // Unreadable files never reach either parse.
        return None;
    }
    let with = outcome(files.clone(), true);
    let without = outcome(files, false);
    if with == without {
        return None;
    }
    let (a, b): (Vec<&str>, Vec<&str>) = (with.lines().collect(), without.lines().collect());
    let at = a
        .iter()
        .zip(&b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    let from = at.saturating_sub(5);
    Some(format!(
        "{}: line {at}\n--- fast\n{}\n--- serde_yaml\n{}",
        paths[0].display(),
        a[from..(at + 5).min(a.len())].join("\n"),
        b[from..(at + 5).min(b.len())].join("\n")
    ))
}

#[test]
fn every_fixture_and_the_shipped_base_load_the_same_with_and_without_the_fast_path() {
    let fixtures = root().join("tests/fixtures");
    let mut cases = vec![root().join("facts")];
    for name in ["clean", "odd", "anchors", "flow", "hostile"] {
        cases.push(fixtures.join(name));
    }
    let mut bad: Vec<PathBuf> = std::fs::read_dir(fixtures.join("bad"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    bad.sort();
    assert!(bad.len() >= 44, "{} broken fixtures", bad.len());
    cases.extend(bad);
    let differ: Vec<String> = cases
        .iter()
        .filter_map(|case| differ(std::slice::from_ref(case)))
        .collect();
    assert!(differ.is_empty(), "{}", differ.join("\n\n"));
}

/// A small deterministic generator, so the generated bases need no crate and no Python.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }
}

/// Texts in every style the subset reads, and some it leaves to serde_yaml.
fn text_value(rng: &mut Rng, n: usize, indent: &str) -> String {
    let words = [
        "troops",
        "alliance",
        "protest",
        "it's",
        "«кавычки»",
        "Токаев",
        "2022",
        "yes",
        "null",
        "a:b",
        "50%",
        "x#y",
        "(note)",
        "—",
        "[sic]",
        "{x}",
        "1.5",
        "~",
    ];
    let sentence: Vec<&str> = (0..3 + rng.below(6)).map(|_| rng.pick(&words)).collect();
    let s = format!("{} {n}", sentence.join(" "));
    match rng.below(12) {
        0 => format!("'{}'", s.replace('\'', "''")),
        1 => format!("\"{}\\n\\u00e9\\\"\"", s.replace('"', "")),
        2 => format!(">-\n{indent}  {s}\n{indent}  and more {n}\n\n{indent}  after a gap"),
        3 => format!("|\n{indent}  {s}\n{indent}    indented\n{indent}  end"),
        4 => format!("|-\n{indent}  {s}"),
        5 => format!(">\n{indent}  {s}\n{indent}  folded"),
        6 if s.starts_with(char::is_alphanumeric) => format!("{s} # a comment"),
        7 => "2022".to_string(),
        _ if s.starts_with(char::is_alphanumeric) => s,
        _ => format!("Plain text {n}"),
    }
}

/// A base of `quotes` quotes with people, organisations and events, in the styles users write,
/// with a sprinkling of items only serde_yaml reads; with a few records serde_yaml cannot read
/// when `broken`, and with dangling speakers in items read alone when `dangling`.
fn generated(quotes: usize, broken: bool, dangling: bool) -> String {
    let mut rng =
        Rng(0x9e37_79b9_7f4a_7c15 ^ quotes as u64 ^ broken as u64 ^ (dangling as u64) << 1);
    let mut y = String::from(
        "# generated\nsources:\n  - id: s\n    title: Source\n    published: 2022-01-07\n",
    );
    y.push_str("actors:\n");
    let people = quotes / 10 + 1;
    for a in 0..people {
        y.push_str(&format!(
            "  - id: a{a}\n    name: {}\n    description: {}\n    aliases: [P{a}, Персона {a}]\n    source: s\n",
            if a % 7 == 0 { format!("\"Person {a}\"") } else { format!("Person {a}") },
            text_value(&mut rng, a, "    "),
        ));
        if a % 3 == 0 {
            y.push_str(&format!(
                "    roles:\n      - title: Role {a}\n        org: o{}\n        since: {}\n      - title: 'Other role'\n        until: 2022-01\n",
                a % 5,
                1990 + a % 30
            ));
        }
        if a % 11 == 0 {
            y.push_str("    nationality: p0\n\n    # a comment between fields\n    notes: |\n      # not a comment\n      line two\n");
        }
    }
    y.push_str("organisations:\n");
    for o in 0..5 {
        y.push_str(&format!(
            "- id: o{o}\n  name: Org {o}\n  kind: military alliance\n  founded: {}\n  members:\n  - member: p0\n    since: 199X\n  - member: a{o}\n  source: [s]\n",
            1990 + o
        ));
    }
    y.push_str("places:\n  - id: p0\n    name: Placeville\n    kind: country\n    source: s\n");
    y.push_str("quotes:\n");
    for q in 0..quotes {
        let speaker = q % people;
        match rng.below(40) {
            // Only serde_yaml reads these.
            // Read alone, so its diagnostic is placed through the batch's unit.
            0 => y.push_str(&format!(
                "  - {{id: q{q}, speaker: {}{speaker}, text: Flow style {q}, source: s}}\n",
                if dangling { "ghost" } else { "a" }
            )),
            1 => y.push_str(&format!(
                "  - id: q{q}\n    speaker: a{speaker}\n    text: &t{q} Anchored {q}\n    context: *t{q}\n    source: s\n"
            )),
            2 if broken => y.push_str(&format!(
                "  - id: q{q}\n    speaker: a{speaker}\n    text: Broken {q}\n    colour: red\n    source: s\n"
            )),
            _ => y.push_str(&format!(
                "  - id: q{q}\n    speaker: a{speaker}\n    text: {}\n    kind: {}\n    said: {}\n    about: [a{}, o{}]\n    source: s\n",
                text_value(&mut rng, q, "    "),
                rng.pick(&["direct", "reported", "'reported'"]),
                rng.pick(&["2022-01-05", "2022", "\"2021-12\"", "2022-01-02/2022-01-05", "199X", "2022?"]),
                rng.below(people),
                rng.below(5),
            )),
        }
        if q % 50 == 0 {
            y.push_str("\n  # a comment between items\n\n");
        }
    }
    y.push_str("events:\n");
    for e in 0..quotes / 20 {
        y.push_str(&format!(
            "  - id: e{e}\n    date: 2022-01-{:02}\n    title: Event {e}\n    involving:\n      - a{}\n      - o{}\n    places: [p0]\n    source: s\n",
            e % 28 + 1,
            e % people,
            e % 5
        ));
    }
    y
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn generated_bases_load_the_same_with_and_without_the_fast_path() {
    let dir = tempfile::tempdir().unwrap();
    let clean = write(dir.path(), "clean.yaml", &generated(3000, false, false));
    let broken = write(dir.path(), "broken.yaml", &generated(1500, true, false));
    let dangling = write(dir.path(), "dangling.yaml", &generated(1500, false, true));
    for path in [clean, broken, dangling] {
        if let Some(d) = differ(std::slice::from_ref(&path)) {
            panic!("{d}");
        }
    }
}

#[test]
fn the_benchmark_generator_s_base_loads_the_same_with_and_without_the_fast_path() {
    if !needs_tool(
        "python3",
        "it runs benches/gen.py, the benchmarks' generator",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let status = std::process::Command::new("python3")
        .arg(root().join("benches/gen.py"))
        .args(["2000", "--files", "7"])
        .arg(dir.path())
        .status()
        .unwrap();
    assert!(status.success());
    let facts = dir.path().join("facts");
    if let Some(d) = differ(&[facts]) {
        panic!("{d}");
    }
}

/// Every way a value might be read as something other than its text.
const SCALARS: &[&str] = &[
    "",
    "~",
    "null",
    "Null",
    "NULL",
    "nULL",
    "true",
    "True",
    "TRUE",
    "tRUE",
    "false",
    "FALSE",
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "Y",
    "N",
    "0",
    "00",
    "01",
    "0123",
    "08",
    "-0",
    "+0",
    "1",
    "-1",
    "+1",
    "++1",
    "+-1",
    "1_000",
    "1,000",
    "2022",
    "02022",
    "99999999999999999999",
    "-99999999999999999999",
    "340282366920938463463374607431768211456",
    "0x1F",
    "0x",
    "0xG",
    "0x-1",
    "-0x1F",
    "+0x1F",
    "0o17",
    "0o8",
    "0b101",
    "0b",
    "-0b1",
    "1.5",
    "1.",
    ".5",
    ".",
    "..",
    "...",
    "1e3",
    "1E3",
    "1e",
    "e3",
    "1.5e-3",
    "6.02e23",
    "1e1000",
    "-1e1000",
    ".inf",
    ".Inf",
    ".INF",
    "-.inf",
    "+.inf",
    ".nan",
    ".NaN",
    ".NAN",
    "nan",
    "NaN",
    "inf",
    "infinity",
    "Infinity",
    "-inf",
    "+inf",
    "0.",
    "-.5",
    "+.5",
    "00.5",
    "09.5",
    "3.14.15",
    "1__0",
    "0x_1",
    "2022-01-05",
    "2022-01-05T10:00:00Z",
    "2022-01-05 10:00",
    "2022-01",
    "199X",
    "19XX",
    "2022?",
    "2022~",
    "2022%",
    "2022-01-02/2022-01-05",
    "../2022",
    "2019/..",
    "12:30",
    "12:30:00",
    "1:2",
    "a:b",
    "a: b",
    "a:",
    ":a",
    "a #b",
    "a#b",
    "#a",
    "- a",
    "-a",
    "--",
    "---",
    "? a",
    "?a",
    "&a",
    "*a",
    "!a",
    "!!str a",
    "%a",
    "@a",
    "`a",
    "|",
    ">",
    "|-",
    ">-",
    "{a}",
    "[a]",
    "a]",
    "a}",
    "a,b",
    "a, b",
    "'a'",
    "\"a\"",
    "it's",
    "say \"hi\"",
    "a  b",
    "=",
    "<<",
    "a\\nb",
    "\\",
    "C:\\path",
    "http://x.org/a?b#c",
    "mailto:x@y",
    "100%",
    "$5",
    "1st",
    "+",
    "-",
    "direct",
    "reported",
    "Direct",
    "Персона",
    "Смысл — тире",
    "😀",
    "x\u{a0}y",
    "١٢",
    "１２",
    "x y z",
    "(a)",
    "a'b'c",
    "a\"b",
];

/// Items that put `s` in every place a record has a scalar, as each record type.
fn items(s: &str) -> Vec<(&'static str, String)> {
    let single = format!("'{}'", s.replace('\'', "''"));
    let double = format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let mut out = Vec::new();
    for v in [s.to_string(), single, double] {
        out.extend([
            ("quote", format!("- id: q\n  speaker: a\n  text: {v}\n")),
            (
                "quote",
                format!("  - id: q\n    said: {v}\n    source: s\n"),
            ),
            ("quote", format!("- id: q\n  kind: {v}\n")),
            ("quote", format!("- id: q\n  about: {v}\n")),
            ("quote", format!("- id: q\n  about:\n  - {v}\n  - b\n")),
            (
                "actor",
                format!("- id: a\n  roles:\n    - title: {v}\n      since: {v}\n"),
            ),
            (
                "organisation",
                format!("- id: o\n  founded: {v}\n  members:\n    - member: {v}\n"),
            ),
            ("event", format!("- id: e\n  date: {v}\n  places: {v}\n")),
            ("source", format!("- id: {v}\n  published: {v}\n")),
            ("place", format!("- id: p\n  {v}: x\n")),
            ("value", format!("- id: v\n  x: {v}\n  {v}: y\n")),
        ]);
    }
    out.extend([
        ("quote", format!("- id: q\n  about: [{s}]\n")),
        ("quote", format!("- id: q\n  about: [a, {s}, b]\n")),
        ("quote", format!("- id: q\n  text: |\n    {s}\n")),
        ("quote", format!("- id: q\n  text: >-\n    {s}\n    {s}\n")),
    ]);
    out
}

/// Whether the fast path took `item` as a `T`, after checking that it then agrees with
/// serde_yaml.
fn agrees<T: DeserializeOwned + PartialEq + Debug>(item: &str) -> bool {
    match fast::read_one::<T>(item) {
        Some(Ok(fast)) => {
            let slow = serde_yaml::from_str::<Vec<T>>(item);
            assert!(
                matches!(&slow, Ok(v) if v.len() == 1 && v[0] == fast),
                "{item:?}\nfast: {fast:?}\nserde_yaml: {slow:?}"
            );
            true
        }
        _ => false,
    }
}

#[test]
fn tricky_scalars_read_as_serde_yaml_reads_them_wherever_they_stand() {
    let mut taken = 0;
    let mut tried = 0;
    for s in SCALARS {
        for (kind, item) in items(s) {
            tried += 1;
            let took = match kind {
                "quote" => agrees::<RawQuote>(&item),
                "actor" => agrees::<RawActor>(&item),
                "organisation" => agrees::<RawOrganisation>(&item),
                "event" => agrees::<RawEvent>(&item),
                "source" => agrees::<RawSource>(&item),
                "place" => agrees::<RawPlace>(&item),
                _ => {
                    // Compared through Debug: `.nan` is not equal to itself.
                    let fast = fast::read_one::<serde_yaml::Value>(&item);
                    if let Some(Ok(v)) = fast {
                        let slow = serde_yaml::from_str::<Vec<serde_yaml::Value>>(&item);
                        assert_eq!(
                            format!("{:?}", Ok::<_, ()>(vec![v])),
                            format!("{:?}", slow.map_err(drop)),
                            "{item:?}"
                        );
                        true
                    } else {
                        false
                    }
                }
            };
            taken += took as usize;
        }
    }
    // Most of them are in the subset: the comparison is not vacuous.
    assert!(taken * 2 > tried, "{taken} of {tried} taken");
}

#[test]
fn the_switch_turns_the_fast_path_off_and_the_answer_is_the_same() {
    let on = Kz::new()
        .args(["--no-cache", "quotes", "--by", "Pashinyan"])
        .env("KZ_FAST_PATH_STATS", "1")
        .run()
        .code(0);
    let off = Kz::new()
        .args(["--no-cache", "quotes", "--by", "Pashinyan"])
        .env("KZ_FAST_PATH_STATS", "1")
        .env("KZ_NO_FAST_PATH", "1")
        .run()
        .code(0);
    assert_eq!(on.stdout, off.stdout);
    assert!(on.stderr.starts_with("kz: fast path: "), "{}", on.stderr);
    assert!(off.stderr.contains("fast path: off"), "{}", off.stderr);
    let quiet = Kz::new()
        .args(["--no-cache", "quotes", "--by", "Pashinyan"])
        .run();
    assert_eq!(quiet.stderr, "");
}
