//! Output formats, widths, colour and terminal safety, on small fixtures.

use crate::support::{Kz, golden};

#[test]
fn tsv_has_a_header_and_escapes() {
    let run = Kz::new()
        .fixture("hostile")
        .args(["actors", "-f", "tsv"])
        .run()
        .success();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[0], "id\tname\tdescription\troles");
    assert_eq!(
        lines.len(),
        2,
        "one row per record, newlines escaped: {lines:?}"
    );
    let cells: Vec<&str> = lines[1].split('\t').collect();
    assert_eq!(cells.len(), 4);
    assert!(
        cells[2].starts_with("tab\\there, newline\\nthere, back\\\\slash, pipe | bar"),
        "{}",
        cells[2]
    );
    let bare = Kz::new()
        .fixture("hostile")
        .args(["actors", "-f", "tsv", "--no-header"])
        .run()
        .success();
    assert_eq!(bare.stdout.lines().count(), 1);
    // Piped without -f, the default is TSV.
    let default = Kz::new()
        .fixture("hostile")
        .args(["actors"])
        .run()
        .success();
    assert_eq!(default.stdout, run.stdout);
}

#[test]
fn csv_round_trips_through_a_parser() {
    let run = Kz::new()
        .fixture("hostile")
        .args(["actors", "-f", "csv"])
        .run()
        .success();
    let mut reader = csv::Reader::from_reader(run.stdout.as_bytes());
    assert_eq!(
        reader.headers().unwrap(),
        vec!["id", "name", "description", "roles"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("valid CSV")).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        &rows[0][2],
        "tab\there, newline\nthere, back\\slash, pipe | bar, \"quoted\", comma, done \u{202e}reversed"
    );
    assert_eq!(&rows[0][1], "Mallory \u{1b}[31mRed\u{1b}[0m");
}

#[test]
fn json_and_jsonl_parse_with_snake_case_keys_and_source() {
    let run = Kz::new()
        .fixture("clean")
        .args(["quotes", "-f", "json"])
        .run()
        .success();
    let v = run.json();
    let rows = v.as_array().expect("an array");
    assert_eq!(rows.len(), 2);
    let keys: Vec<&str> = rows[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        ["id", "date", "speaker", "kind", "text", "context", "source"]
    );
    assert_eq!(rows[1]["source"], serde_json::json!(["report"]));
    assert_eq!(rows[0]["context"], serde_json::Value::Null);
    let lines = Kz::new()
        .fixture("clean")
        .args(["events", "-f", "jsonl"])
        .run()
        .success();
    let parsed: Vec<serde_json::Value> = lines
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(parsed.len(), 2);
    assert_eq!(parsed[0]["id"], "ministry-founded");
    assert_eq!(parsed[1]["places"], serde_json::json!(["Sampleton"]));
    // Hostile text survives JSON exactly.
    let hostile = Kz::new()
        .fixture("hostile")
        .args(["actors", "-f", "json"])
        .run()
        .success();
    assert_eq!(hostile.json()[0]["name"], "Mallory \u{1b}[31mRed\u{1b}[0m");
    assert!(
        !hostile.stdout.contains('\u{1b}'),
        "JSON escapes control characters itself"
    );
}

#[test]
fn markdown_escapes_pipes() {
    let run = Kz::new()
        .fixture("hostile")
        .args(["actors", "-f", "markdown"])
        .run()
        .success();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[0], "| id | name | description | roles |");
    assert_eq!(lines[1], "|---|---|---|---|");
    assert!(lines[2].contains("pipe \\| bar"), "{}", lines[2]);
    assert!(lines[2].contains("newline<br>there"), "{}", lines[2]);
    assert!(!run.stdout.contains('\u{1b}'));
}

#[test]
fn tables_fit_the_width() {
    for width in [80, 200] {
        let run = Kz::new()
            .fixture("clean")
            .args([
                "quotes",
                "-f",
                "table",
                "--color",
                "never",
                "--width",
                &width.to_string(),
            ])
            .run()
            .success();
        for line in run.stdout.lines() {
            assert!(
                line.chars().count() <= width,
                "line wider than {width}: {line}"
            );
        }
        golden(&format!("quotes-clean-{width}.txt"), &run.stdout);
    }
    // COLUMNS sets the width when piped.
    let run = Kz::new()
        .fixture("clean")
        .env("COLUMNS", "60")
        .args(["quotes", "-f", "table"])
        .run()
        .success();
    assert!(
        run.stdout.lines().all(|l| l.chars().count() <= 60),
        "{}",
        run.stdout
    );
}

#[test]
fn colour_follows_flags_and_environment() {
    let args = ["actors", "-f", "table"];
    let plain = Kz::new().fixture("clean").args(args).run().success();
    assert!(
        !plain.stdout.contains('\u{1b}'),
        "no colour in a pipe by default"
    );
    let always = Kz::new()
        .fixture("clean")
        .args(args)
        .args(["--color", "always"])
        .run()
        .success();
    assert!(always.stdout.contains("\u{1b}["), "--color always colours");
    let forced = Kz::new()
        .fixture("clean")
        .env("CLICOLOR_FORCE", "1")
        .args(args)
        .run()
        .success();
    assert!(forced.stdout.contains("\u{1b}["), "CLICOLOR_FORCE colours");
    let no_color = Kz::new()
        .fixture("clean")
        .env("CLICOLOR_FORCE", "1")
        .env("NO_COLOR", "1")
        .args(args)
        .run()
        .success();
    assert!(
        !no_color.stdout.contains('\u{1b}'),
        "NO_COLOR wins over CLICOLOR_FORCE"
    );
    let never = Kz::new()
        .fixture("clean")
        .env("CLICOLOR_FORCE", "1")
        .args(args)
        .args(["--color", "never"])
        .run()
        .success();
    assert!(!never.stdout.contains('\u{1b}'));
}

#[test]
fn control_characters_never_reach_a_terminal_raw() {
    for args in [
        vec!["actors", "-f", "table", "--color", "never"],
        vec!["who", "mallory", "-f", "table", "--color", "never"],
        vec!["who", "mallory", "-f", "markdown"],
        vec!["quotes", "-f", "table", "--color", "never"],
        vec!["why", "bell", "-f", "table", "--color", "never"],
        vec!["sources", "-f", "table", "--color", "never"],
    ] {
        let run = Kz::new().fixture("hostile").args(&args).run().success();
        assert!(
            !run.stdout.contains('\u{1b}') && !run.stdout.contains('\u{7}'),
            "raw control character in `kz {}`:\n{}",
            args.join(" "),
            run.stdout
        );
        assert!(
            run.stdout.contains("\\u{1b}"),
            "escaped form shown in `kz {}`",
            args.join(" ")
        );
    }
}

#[test]
fn control_characters_in_errors_are_escaped() {
    Kz::new()
        .args(["who", "evil\u{1b}]0;pwned\u{7}"])
        .run()
        .code(1)
        .stderr_has("kz: no record matches 'evil\\u{1b}]0;pwned\\u{7}'");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("x.yaml"),
        "actors:\n  - id: \"a\\e[31m\"\n    name: A\n    description: d\n    source: s\n",
    )
    .unwrap();
    let run = Kz::new()
        .args(["check", "--facts", &dir.path().display().to_string()])
        .run()
        .code(2);
    assert!(!run.stdout.contains('\u{1b}'), "{}", run.stdout);
    assert!(run.stdout.contains("a\\u{1b}[31m"), "{}", run.stdout);
}
