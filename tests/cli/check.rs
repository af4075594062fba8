//! `kz check`: the shipped base is clean; every broken fixture gives its exact diagnostic.

use crate::support::{Kz, Run, fixture, root};

#[test]
fn shipped_base_is_clean() {
    let run = Kz::new().args(["check"]).run().success().stderr_empty();
    assert!(run.stdout.starts_with("ok: 1 source, "), "{}", run.stdout);
    assert_eq!(
        run.stdout.lines().count(),
        1,
        "a clean base prints only the summary"
    );
}

#[test]
fn shipped_folder_on_disk_is_clean_too() {
    // The folder on disk is the base compiled in: the same counts, whatever they are.
    let facts = root().join("facts").display().to_string();
    let built_in = Kz::new().args(["check"]).run().success().stdout;
    let counts = built_in.split(" in ").next().expect("a summary");
    Kz::new()
        .args(["check", "--facts", &facts])
        .run()
        .success()
        .stdout_has(&format!("{counts} in 7 files"));
}

#[test]
fn clean_fixture_is_clean() {
    Kz::new()
        .fixture("clean")
        .args(["check"])
        .run()
        .success()
        .stdout_has(
            "ok: 1 source, 1 actor, 2 organisations, 2 places, 2 quotes, 2 events in 1 file",
        );
}

/// Each folder under `tests/fixtures/bad/` is a base with one defect; `expected.txt` is the exact
/// report. `KZ_BLESS=1` rewrites the snapshots.
#[test]
fn every_bad_fixture_gives_its_snapshot() {
    let dir = root().join("tests/fixtures/bad");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .expect("bad fixtures")
        .map(|e| e.expect("entry").path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 30, "the corpus has {} cases", cases.len());
    let mut failures = Vec::new();
    for case in cases {
        let name = case
            .file_name()
            .expect("name")
            .to_string_lossy()
            .to_string();
        let rel = format!("tests/fixtures/bad/{name}");
        let run = Kz::new()
            .current_dir(root())
            .args(["check", "--facts", &rel])
            .run();
        let expected_path = case.join("expected.txt");
        if std::env::var_os("KZ_BLESS").is_some() {
            std::fs::write(&expected_path, &run.stdout).expect("bless");
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if run.code != 2 {
            failures.push(format!("{name}: exit {} (want 2)", run.code));
        }
        if run.stdout != expected {
            failures.push(format!(
                "{name}: report differs\n--- want\n{expected}--- got\n{}",
                run.stdout
            ));
        }
        // Every diagnostic says how to fix it.
        if run.stdout.matches("error[KZ").count() != run.stdout.matches("  = help: ").count() {
            failures.push(format!(
                "{name}: a diagnostic without help:\n{}",
                run.stdout
            ));
        }
        // One defect per case; an id declared as two kinds is reported at both declarations.
        let want = if name == "id-two-kinds-across-files" {
            2
        } else {
            1
        };
        let errors = run.stdout.matches("error[KZ").count();
        if errors != want {
            failures.push(format!(
                "{name}: {errors} diagnostics, want exactly {want} (one defect per case)"
            ));
        }
        if !run.stdout.starts_with(&format!("{rel}/")) {
            failures.push(format!(
                "{name}: the diagnostic does not start with the file path:\n{}",
                run.stdout
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn diagnostics_are_json_with_positions() {
    let run = Kz::new()
        .fixture("bad/dangling-speaker")
        .args(["check", "-f", "json"])
        .run()
        .code(2);
    let diags = run.json();
    let diags = diags.as_array().expect("an array");
    assert_eq!(diags.len(), 1);
    let d = &diags[0];
    assert_eq!(d["code"], "KZ030");
    assert_eq!(d["line"], 12);
    assert_eq!(d["column"], 14);
    assert_eq!(d["severity"], "error");
    assert!(d["help"].is_string(), "every diagnostic has help: {d}");
    assert!(
        d["path"]
            .as_str()
            .unwrap()
            .ends_with("dangling-speaker/facts.yaml")
    );
    assert_eq!(d["help"], "did you mean `ada`?");
    assert_eq!(d["line_text"], "    speaker: adaa");
}

/// Each file is read as it comes to be parsed, so a file that cannot be read drops out of the
/// base after the files after it were numbered: they move up, and their problems are still
/// reported at their own file and line, with the cache and without it.
#[test]
fn a_file_that_cannot_be_read_leaves_the_others_problems_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let facts = dir.path().join("facts");
    std::fs::create_dir(&facts).unwrap();
    let bad = |name: &str| std::path::PathBuf::from(fixture("bad")).join(name);
    let copy = |from: std::path::PathBuf, to: &str| std::fs::copy(from, facts.join(to)).unwrap();
    copy(bad("invalid-utf8/facts.yaml"), "1.yaml");
    copy(bad("dangling-speaker/facts.yaml"), "2.yaml");
    copy(bad("dangling-speaker/note.txt"), "note.txt");
    for cache in [&[][..], &["--no-cache"][..]] {
        let run = Kz::new()
            .arg_list(cache)
            .args([
                "check",
                "-f",
                "json",
                "--facts",
                &facts.display().to_string(),
            ])
            .run()
            .code(2);
        let diags = run.json();
        let found: Vec<(String, String, u64)> = diags
            .as_array()
            .expect("an array")
            .iter()
            .map(|d| {
                let path = d["path"].as_str().unwrap();
                let file = path.rsplit('/').next().unwrap().to_string();
                (
                    file,
                    d["code"].as_str().unwrap().to_string(),
                    d["line"].as_u64().unwrap(),
                )
            })
            .collect();
        let want = [("1.yaml", "KZ002", 10), ("2.yaml", "KZ030", 12)]
            .map(|(f, c, l)| (f.to_string(), c.to_string(), l));
        assert_eq!(found, want, "{cache:?}");
        assert_eq!(diags[1]["help"], "did you mean `ada`?");
    }
}

#[test]
fn clean_base_gives_an_empty_json_array() {
    let run = Kz::new().args(["check", "-f", "json"]).run().success();
    assert_eq!(run.json(), serde_json::json!([]));
}

#[test]
fn every_problem_in_one_run() {
    // Two fixtures with different defects, read together: both are reported, in path order,
    // and so is the source `note` that both declare. The actor `ada` both declare is one
    // record, and its declaration with an unknown field is still read.
    let run = Kz::new()
        .args([
            "check",
            "--facts",
            &fixture("bad/impossible-date/facts.yaml"),
            "--facts",
            &fixture("bad/unknown-field"),
        ])
        .run()
        .code(2);
    let codes = error_codes(&run.stdout);
    assert_eq!(codes, ["KZ041", "KZ022", "KZ012"], "{}", run.stdout);
    assert!(
        run.stdout.ends_with("error: 3 problems in 2 files\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn queries_on_a_broken_base_fail_with_the_diagnostics() {
    Kz::new()
        .fixture("bad/dangling-speaker")
        .args(["who", "ada"])
        .run()
        .code(2)
        .stdout_empty()
        .stderr_has("facts.yaml:12:14: error[KZ030]")
        .stderr_has("kz: the fact base has 1 problem in 1 file");
}

#[test]
fn missing_path_is_an_error() {
    Kz::new()
        .args(["check", "--facts", "/nonexistent/kz-facts"])
        .run()
        .code(2)
        .stdout_has("/nonexistent/kz-facts:1:1: error[KZ001]: cannot read facts path");
}

#[test]
fn kz_facts_environment_variable_is_read() {
    let paths = format!("{}:{}", fixture("clean"), fixture("bad/unknown-field"));
    Kz::new()
        .env("KZ_FACTS", &paths)
        .args(["check"])
        .run()
        .code(2)
        .stdout_has("error[KZ012]");
    // --facts wins over KZ_FACTS.
    Kz::new()
        .env("KZ_FACTS", &paths)
        .fixture("clean")
        .args(["check"])
        .run()
        .success();
}

/// A base with a YAML syntax error in one record, a text cut short by a comment in another, and
/// other problems in others.
fn pitfalls_base() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("strike.txt"),
        "Teachers are missing out on the education budget, said Mara Velt. He said: no more talks.",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("facts.yaml"),
        "sources:\n  - id: strike\n    title: The strike\n    text: strike.txt\nactors:\n  - id: mara-velt\n    name: Mara Velt\n    description: A teacher\n    source: strike\nquotes:\n  - id: no-more-talks\n    speaker: mara-velt\n    text: He said: no more talks\n    source: strike\n  - id: missing-out\n    speaker: mara-velt\n    text: Teachers are missing out #on the education\n    source: strik\nevents:\n  - id: strike-began\n    date: 2024-02-30\n    title: The strike began\n    involving: [mara-velt, no-more-talks]\n    source: strike\n",
    )
    .unwrap();
    dir
}

#[test]
fn yaml_pitfalls_in_text_are_errors_and_hide_no_problem_of_other_records() {
    let dir = pitfalls_base();
    let run = Kz::new()
        .args(["check", "--facts", &dir.path().display().to_string()])
        .run()
        .code(2);
    let codes = error_codes(&run.stdout);
    // The reference to the record that could not be read is not reported as dangling.
    assert_eq!(
        codes,
        ["KZ010", "KZ010", "KZ032", "KZ041"],
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "facts.yaml:13:18: error[KZ010]: mapping values are not allowed in this context"
        ) && run.stdout.contains(
            "= help: quote the whole text: `text: \"He said: no more talks\"`; unquoted, `: ` in a text starts a mapping"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("facts.yaml:17:36: error[KZ010]: YAML reads `#on the education` as a comment, so `text` is cut to \"Teachers are missing out\"")
            && run.stdout.contains("= help: quote the whole text if the `#` belongs to it: `text: \"Teachers are missing out #on the education\"`; a comment goes on a line of its own"),
        "{}",
        run.stdout
    );
}

/// The codes of a report's errors, in the order it gives them.
fn error_codes(report: &str) -> Vec<&str> {
    report
        .lines()
        .filter_map(|l| l.split("error[").nth(1))
        .map(|s| &s[..5])
        .collect()
}

/// `kz check` of a base of one file, `facts.yaml` in `dir`, holding `yaml`: it must fail.
fn check_fails(dir: &tempfile::TempDir, yaml: &str) -> Run {
    std::fs::write(dir.path().join("facts.yaml"), yaml).unwrap();
    Kz::new()
        .args(["check", "--facts", &dir.path().display().to_string()])
        .run()
        .code(2)
}

/// Past the cap on diagnostics shown, a problem that is only counted leaves the shown ones as
/// they are: a dangling publisher's help does not land on another record's diagnostic.
#[test]
fn a_problem_past_the_cap_changes_no_shown_diagnostic() {
    let dir = tempfile::tempdir().unwrap();
    let mut yaml =
        String::from("sources:\n  - id: s\n    title: S\n    publisher: no-such-org\nactors:\n");
    for i in 0..1000 {
        yaml.push_str(&format!(
            "  - id: a{i}\n    name: A {i}\n    description: D\n    same_as: [zz-nobody-{i}]\n    source: s\n"
        ));
    }
    let run = check_fails(&dir, &yaml);
    assert!(
        run.stdout
            .ends_with("error: 1001 problems (1000 shown) in 1 file\n"),
        "{}",
        &run.stdout[run.stdout.len().saturating_sub(300)..]
    );
    assert_eq!(run.stdout.matches("error[KZ030]").count(), 1000);
    assert!(
        !run.stdout.contains("a kebab-case publisher"),
        "the publisher's help landed on a shown diagnostic"
    );
}

/// A section of many batches with one bad item: the batches around it are read at once and the
/// one holding it item by item, and a problem in a record after it still points at that
/// record's own line, and one before it at its own.
#[test]
fn a_bad_item_among_many_batches_leaves_every_line_right() {
    let dir = tempfile::tempdir().unwrap();
    let mut yaml = String::from(
        "sources:\n  - id: s\n    title: S\nactors:\n  - id: a\n    name: A\n    description: D\n    source: s\nquotes:\n",
    );
    let mut line_of = std::collections::HashMap::new();
    for i in 0..1500 {
        line_of.insert(i, yaml.lines().count() + 1);
        let speaker = match i {
            100 | 1400 => "nobody",
            _ => "a",
        };
        let said = if i == 700 { "[1, 2]" } else { "2022-01-05" };
        yaml.push_str(&format!(
            "  - id: q{i}\n    speaker: {speaker}\n    kind: reported\n    text: T {i}\n    said: {said}\n    source: s\n"
        ));
    }
    let run = check_fails(&dir, &yaml);
    for i in [100, 1400] {
        let want = format!("facts.yaml:{}:14: error[KZ030]", line_of[&i] + 1);
        assert!(run.stdout.contains(&want), "no `{want}` in\n{}", run.stdout);
    }
    let want = format!("facts.yaml:{}:", line_of[&700] + 4);
    assert!(run.stdout.contains(&want), "no `{want}` in\n{}", run.stdout);
    assert!(
        run.stdout.ends_with("error: 3 problems in 1 file\n"),
        "{}",
        run.stdout
    );
}

/// `n` quotes by actor `a` citing source `s`, but every `nth` (from the first) by `nobody-{i}`,
/// an id no record has.
fn quotes_by_a(n: usize, nth: usize) -> String {
    (0..n)
        .map(|i| {
            let speaker = match i % nth {
                0 => format!("nobody-{i}"),
                _ => "a".to_string(),
            };
            format!(
                "  - id: q{i}\n    speaker: {speaker}\n    kind: reported\n    text: T {i}\n    source: s\n"
            )
        })
        .collect()
}

/// The other kinds are converted beside thousands of quotes, each side reporting on its own:
/// the report is still the one a conversion in one piece makes. Past the cap, what is shown
/// is what comes first: the people and places before the quotes, the events after them.
#[test]
fn kinds_converted_beside_the_quotes_report_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut yaml = String::from(
        "sources:\n  - id: s\n    title: S\nactors:\n  - id: a\n    name: A\n    source: s\n\
         places:\n  - id: p\n    name: P\n    part_of: nowhere\n    source: s\nquotes:\n",
    );
    yaml.push_str(&quotes_by_a(5000, 4));
    yaml.push_str(
        "events:\n  - id: e\n    title: E\n    date: 2022-01-05\n    involving: [nobody-e]\n    source: s\n",
    );
    let run = check_fails(&dir, &yaml);
    assert!(
        run.stdout
            .ends_with("error: 1254 problems (1000 shown) in 1 file\n"),
        "{}",
        &run.stdout[run.stdout.len().saturating_sub(300)..]
    );
    assert!(run.stdout.contains("this actor has no `description`"));
    assert!(
        run.stdout.contains("`nowhere`"),
        "the place's problem is shown"
    );
    assert!(
        run.stdout.contains("`nobody-3984`"),
        "the 997th quote's problem is shown"
    );
    assert!(
        !run.stdout.contains("`nobody-3988`"),
        "the 998th quote's problem is not"
    );
    assert!(
        !run.stdout.contains("nobody-e"),
        "the event's problem comes last"
    );
}

/// Thousands of quotes are converted in parts on every core: the report is the one a
/// conversion in one piece makes. A problem before the quotes comes first; then the first
/// problems of the quotes are shown in file order across the parts, each with the help for its
/// own unknown id, and the rest are counted.
#[test]
fn quotes_converted_in_parts_report_as_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut yaml = String::from(
        "sources:\n  - id: s\n    title: S\nactors:\n  - id: a\n    name: A\n    source: s\nquotes:\n",
    );
    yaml.push_str(&quotes_by_a(12000, 10));
    let run = check_fails(&dir, &yaml);
    assert!(
        run.stdout
            .ends_with("error: 1201 problems (1000 shown) in 1 file\n"),
        "{}",
        &run.stdout[run.stdout.len().saturating_sub(300)..]
    );
    let (first, quotes) = run.stdout.split_once("error[KZ030]").unwrap();
    assert!(first.contains("this actor has no `description`"), "{first}");
    let mut shown = 0;
    for (n, block) in std::iter::once(quotes)
        .chain(run.stdout.split("error[KZ030]").skip(2))
        .enumerate()
    {
        let id = format!("nobody-{}", 10 * n);
        assert!(
            block.starts_with(&format!(": `speaker` names `{id}`")),
            "{block}"
        );
        let help = format!("help: add an actor or organisation with id `{id}`, or fix the id");
        assert!(block.contains(&help), "{block}");
        shown += 1;
    }
    assert_eq!(shown, 999);
}
