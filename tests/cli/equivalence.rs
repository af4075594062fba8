//! The piecewise, parallel parse must give exactly what parsing each file in one piece gives:
//! the same model, or the same diagnostics at the same lines, on every fixture.

use crate::support::root;
use kz::load;
use std::path::PathBuf;

fn both(paths: &[PathBuf]) -> (String, String) {
    let (files, problems) = load::read_paths(paths);
    if !problems.is_empty() {
        // A file that cannot be read is never parsed, whichever way.
        return (String::new(), String::new());
    }
    let outcome = |raw| match kz::check::build(raw) {
        Ok(base) => format!("{base:#?}"),
        Err(report) => report
            .diagnostics
            .iter()
            .map(|d| d.to_string())
            .collect::<String>(),
    };
    (
        outcome(load::parse(files.clone())),
        outcome(load::parse_plain(files)),
    )
}

#[test]
fn piecewise_and_plain_parses_agree_on_every_fixture() {
    let fixtures = root().join("tests/fixtures");
    let mut cases: Vec<PathBuf> = vec![root().join("facts")];
    for name in ["clean", "hostile", "anchors", "flow"] {
        cases.push(fixtures.join(name));
    }
    let mut bad: Vec<PathBuf> = std::fs::read_dir(fixtures.join("bad"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    bad.sort();
    cases.extend(bad);
    let mut differ = Vec::new();
    for case in &cases {
        let (piecewise, plain) = both(std::slice::from_ref(case));
        if piecewise != plain {
            differ.push(format!(
                "{}\n--- piecewise\n{piecewise}\n--- plain\n{plain}",
                case.display()
            ));
        }
    }
    assert!(
        differ.is_empty(),
        "{} of {} fixtures differ:\n{}",
        differ.len(),
        cases.len(),
        differ.join("\n\n")
    );
}

#[test]
fn piecewise_and_plain_parses_agree_on_a_large_base() {
    // Enough items for many batches, in parallel.
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("sources:\n  - id: s\n    title: Source\nactors:\n");
    for a in 0..700 {
        text.push_str(&format!("  - id: a{a}\n    name: Person {a}\n    description: \"line one\\nline two: {a}\"\n    aliases: [P{a}, Персона {a}]\n    source: s\n    roles:\n      - title: Role {a}\n        since: {}\n", 1900 + a % 100));
    }
    text.push_str("quotes:\n");
    for q in 0..3000 {
        text.push_str(&format!("- id: q{q}\n  speaker: a{}\n  text: |\n    Quote {q}\n    continues here\n  kind: reported\n  said: 2022-01-{:02}\n  source: s\n", q % 700, q % 28 + 1));
    }
    let path = dir.path().join("big.yaml");
    std::fs::write(&path, text).unwrap();
    let (piecewise, plain) = both(&[path]);
    assert!(
        piecewise.contains("quotes: ["),
        "{}",
        &piecewise[..piecewise.len().min(500)]
    );
    assert_eq!(piecewise, plain);
}

/// The diagnostics of `text` read piecewise, and read in one piece, one string each.
fn diagnostics_of(text: &str) -> (Vec<String>, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("facts.yaml");
    std::fs::write(&path, text).unwrap();
    let (files, problems) = load::read_paths(&[path]);
    assert!(problems.is_empty());
    let shown = |raw| match kz::check::build(raw) {
        Ok(_) => Vec::new(),
        Err(report) => report
            .diagnostics
            .iter()
            .map(|d| d.to_string().replace(&dir.path().display().to_string(), ""))
            .collect(),
    };
    (
        shown(load::parse(files.clone())),
        shown(load::parse_plain(files)),
    )
}

#[test]
fn a_syntax_error_in_one_item_is_the_whole_file_s_and_hides_no_other_problem() {
    let head = "sources:\n  - id: s\n    title: S\nactors:\n";
    let ada = |id: &str| {
        format!("  - id: {id}\n    name: Ada\n    description: A person\n    source: s\n")
    };
    // A syntax error in one item, and a missing source in another: both are reported, the
    // first as the whole file reports it.
    let cases = [
        format!(
            "{head}{}  - id: b\n    name: B: the second\n    description: x\n    source: s\n{}  - id: c\n    name: C\n    description: x\n    source: nowhere\n",
            ada("a"),
            ada("d")
        ),
        format!(
            "{head}  - id: b\n    name: \"B\" the second\n    description: x\n    source: s\n  - id: c\n    name: C\n    description: x\n    source: nowhere\n"
        ),
        format!(
            "{head}{}  - id: b\n    name: B\n   description: x\n    source: s\n  - id: c\n    name: C\n    description: x\n    source: nowhere\n",
            ada("a")
        ),
        format!(
            "{head}  - id: c\n    name: C\n    description: x\n    source: nowhere\n{}  - id: b\n    name: B: the last\n",
            ada("a")
        ),
    ];
    for text in &cases {
        let (piecewise, plain) = diagnostics_of(text);
        assert_eq!(plain.len(), 1, "{text}\n{plain:?}");
        assert!(plain[0].contains("error[KZ010]"), "{}", plain[0]);
        assert!(
            piecewise.contains(&plain[0]),
            "{text}\n{piecewise:#?}\n{plain:#?}"
        );
        assert!(
            piecewise
                .iter()
                .any(|d| d.contains("unknown source `nowhere`")),
            "{text}\n{piecewise:#?}"
        );
    }
    // Where the cut between items may not be sound, the whole file is read in one piece, as
    // before: a quotation that runs on into the next item, one left open to the end, a list
    // that runs on, an alias of an anchor of another item.
    let whole = [
        format!(
            "{head}  - id: a\n    name: \"Ada\n  - id: b\n    name: B\"\n    description: x\n    source: s\n"
        ),
        format!(
            "{head}  - id: a\n    name: A: b\n    notes: \"open\n  - id: b\n    name: B\"\n    description: x\n    source: nowhere\n"
        ),
        format!(
            "{head}  - id: a\n    name: \"Ada\n    description: x\n  - id: c\n    name: C\n    description: x\n    source: nowhere\n"
        ),
        format!("{head}  - id: a\n    name: A\n    aliases: [x,\n  - y]\n    source: nowhere\n"),
        format!(
            "{head}  - id: a\n    name: &n A\n    description: x\n    source: s\n  - id: b\n    name: *n\n    description: x\n    source: nowhere\n"
        ),
    ];
    for text in &whole {
        let (piecewise, plain) = diagnostics_of(text);
        assert_eq!(piecewise, plain, "{text}");
    }
}
