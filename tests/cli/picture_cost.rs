//! `kz graph --to svg` costs what the picture is worth: a picture too big to lay out is refused
//! at once with a way to narrow it, and a small picture with very many paths through it is drawn
//! at once too. Bases are generated here; wall time only guards against hangs.

use crate::support::Kz;
use std::time::{Duration, Instant};

/// A base of organisations: `org-0` to `org-{n-1}`, each with the members `members(i)` gives.
fn organisations(n: usize, members: impl Fn(usize) -> Vec<usize>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut yaml = String::from("sources:\n  - id: s\n    title: S\norganisations:\n");
    for i in 0..n {
        yaml.push_str(&format!(
            "  - id: org-{i}\n    name: Org {i}\n    kind: body\n    source: s\n"
        ));
        let m = members(i);
        if !m.is_empty() {
            yaml.push_str("    members:\n");
            for j in m {
                yaml.push_str(&format!("      - member: org-{j}\n"));
            }
        }
    }
    std::fs::write(dir.path().join("base.yaml"), yaml).unwrap();
    dir
}

/// Runs `kz graph ARGS --to svg` on a base, guarding against a hang.
fn svg(base: &tempfile::TempDir, args: &[&str]) -> crate::support::Run {
    let start = Instant::now();
    let run = Kz::new()
        .args(["--facts", &base.path().display().to_string(), "graph"])
        .args(args)
        .args(["--to", "svg"])
        .run();
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "graph {args:?} took {:?}",
        start.elapsed()
    );
    run
}

#[test]
fn a_picture_too_big_to_lay_out_is_refused_with_a_way_to_narrow_it() {
    // 400 records and 1,200 relations: past the limits, refused before any layout.
    let base = organisations(400, |i| (1..=3).map(|k| (i * 37 + k * 101) % 400).collect());
    let run = svg(&base, &[]).code(2).stdout_empty();
    run.stderr_has("a picture of 400 records and 1200 relations is too big to lay out")
        .stderr_has("kz graph ID --depth 1 --to svg")
        .stderr_has("kz graph --to dot | dot -Tsvg");
    // Narrowed as the message says, the same base is drawn.
    let run = svg(&base, &["org-25", "--depth", "1"]).success();
    roxmltree::Document::parse(&run.stdout).unwrap();
    svg(&base, &["org-25", "--depth", "6"])
        .code(2)
        .stderr_has("(`kz graph org-25 --depth 5 --to svg`)");
    // Within the counts, long edges that cross many layers (every organisation has the next
    // ten as members) are drawn in good time.
    let base = organisations(50, |i| ((i + 1)..50).take(10).collect());
    let run = svg(&base, &[]).success();
    roxmltree::Document::parse(&run.stdout).unwrap();
    // dot and mermaid have no such limit: they only write text.
    for to in ["dot", "mermaid"] {
        Kz::new()
            .args(["--facts", &base.path().display().to_string(), "graph"])
            .args(["--to", to])
            .run()
            .success()
            .stdout_has("Org 49");
    }
}

#[test]
fn a_picture_with_very_many_paths_is_drawn_at_once() {
    // A chain of 30 diamonds: 2^30 paths from one end to the other, 91 records and 120
    // relations. layout-rs's cycle check walks every path unless edges come in order.
    let base = organisations(91, |i| match i % 3 {
        0 if i < 90 => vec![i + 1, i + 2],
        1 | 2 => vec![i + 3 - i % 3],
        _ => vec![],
    });
    let run = svg(&base, &[]).success();
    let doc = roxmltree::Document::parse(&run.stdout).unwrap();
    let texts: String = doc
        .descendants()
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(texts.contains("Org 0") && texts.contains("Org 90"));
}
