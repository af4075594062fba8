//! Broken and hostile input: bounded time and memory, clear errors, valid-but-odd files accepted,
//! and fact files never touched.

use crate::support::{Kz, fixture, root};
use std::time::{Duration, Instant};

/// Runs `kz check` on one generated file and returns the run, asserting it ended promptly.
/// Wall time is only a guard against hangs here; benches/bounds measures the real figures.
fn check_file(name: &str, text: &[u8]) -> crate::support::Run {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    let start = Instant::now();
    let run = Kz::new()
        .args(["check", "--facts", &path.display().to_string()])
        .run();
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{name} took {:?}",
        start.elapsed()
    );
    run
}

#[test]
fn deeply_nested_flow_collections_are_refused_quickly() {
    let n = 40_000;
    let text = format!(
        "actors:\n  - id: a\n    name: {}x{}\n",
        "{a: ".repeat(n),
        "}".repeat(n)
    );
    assert!(text.len() > 160_000);
    check_file("flow.yaml", text.as_bytes())
        .code(2)
        .stdout_has("flow.yaml:3:267: error[KZ015]: flow collections nest deeper than 64 levels");
}

#[test]
fn alias_bombs_are_refused() {
    let mut bomb = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    let mut prev = 'a';
    for c in "bcdefghi".chars() {
        bomb.push_str(&format!(
            "{c}: &{c} [{}]\n",
            vec![format!("*{prev}"); 9].join(", ")
        ));
        prev = c;
    }
    // At the top level, inside a record, and where any value is accepted.
    let cases = [
        format!("{bomb}actors:\n  - id: x\n    name: *i\n"),
        format!(
            "actors:\n  - id: x\n    name: X\n    aliases: &z [{}]\n    description: *z\n",
            ["lol"; 9].join(", ")
        ),
        format!(
            "actors:\n  - id: x\n    notes: &a [lol, lol]\n    {}\n",
            (0..200)
                .map(|i| format!("k{i}: *a"))
                .collect::<Vec<_>>()
                .join("\n    ")
        ),
    ];
    for text in cases {
        check_file("bomb.yaml", text.as_bytes())
            .code(2)
            .stdout_has("bomb.yaml:");
    }
}

#[test]
fn deep_block_nesting_and_huge_scalars_are_bounded() {
    let mut deep = String::from("actors:\n  - id: a\n    description:\n");
    for i in 0..2000 {
        deep.push_str(&format!("{}k:\n", "  ".repeat(i + 3)));
    }
    check_file("deep.yaml", deep.as_bytes())
        .code(2)
        .stdout_has("error[KZ0");
    let huge = format!(
        "actors:\n  - id: a\n    name: A\n    description: \"{}\"\n    source: s\n",
        "x".repeat(1_000_000)
    );
    check_file("huge.yaml", huge.as_bytes())
        .code(2)
        .stdout_has("huge.yaml:5:13: error[KZ032]: unknown source `s`");
    // Sixty thousand declarations of one id, each broken: reported up to the cap, counted past
    // it.
    let many = "quotes:\n".to_string() + &"  - id: q\n".repeat(60_000);
    check_file("many.yaml", many.as_bytes())
        .code(2)
        .stdout_has("error[KZ020]")
        .stdout_has("problems (1000 shown)");
}

#[test]
fn files_over_the_size_limit_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.yaml");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(kz::load::MAX_FILE_BYTES + 1).unwrap();
    Kz::new()
        .args(["check", "--facts", &path.display().to_string()])
        .run()
        .code(2)
        .stdout_has(
            "big.yaml:1:1: error[KZ003]: file is 67108865 bytes, over the limit of 67108864 bytes",
        );
    // A device that never ends is cut off at the limit, not read forever.
    Kz::new()
        .args(["check", "--facts", "/dev/zero"])
        .run()
        .code(2)
        .stdout_has("error[KZ003]");
    // So is a source text: at most the same size, and never read past it.
    let facts = dir.path().join("base.yaml");
    std::fs::write(
        &facts,
        "sources:\n  - id: big\n    title: Big\n    text: big.txt\n",
    )
    .unwrap();
    let text = std::fs::File::create(dir.path().join("big.txt")).unwrap();
    text.set_len(kz::load::MAX_FILE_BYTES + 1).unwrap();
    Kz::new()
        .args(["check", "--facts", &facts.display().to_string()])
        .run()
        .code(2)
        .stdout_has(
            "cannot read the text of source `big` at `big.txt`: over the limit of 67108864 bytes",
        );
}

#[test]
fn paths_that_cannot_be_read() {
    let dir = tempfile::tempdir().unwrap();
    let facts = dir.path().join("facts");
    std::fs::create_dir_all(facts.join("inner")).unwrap();
    std::fs::write(facts.join("ok.yaml"), "actors:\n").unwrap();
    std::os::unix::fs::symlink(&facts, facts.join("inner/loop")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("nowhere.yaml"), facts.join("dangling.yaml"))
        .unwrap();
    std::fs::create_dir_all(facts.join("folder.yaml")).unwrap();
    let run = Kz::new()
        .args(["check", "--facts", &facts.display().to_string()])
        .run()
        .code(2);
    assert!(
        run.stdout
            .contains("inner/loop:1:1: error[KZ001]: symbolic link loop"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("dangling.yaml:1:1: error[KZ001]: cannot read folder"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.ends_with("error: 2 problems in 2 files\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn odd_but_valid_files_load() {
    let run = Kz::new().fixture("odd").args(["check"]).run().success();
    assert_eq!(
        run.stdout,
        "ok: 1 source, 1 actor, 25 organisations, 1 place, 1 quote, 14 events in 31 files\n"
    );
    // Every EDTF form, in SPEC.md's order: by start day, coarser first, then file order.
    let events = Kz::new()
        .fixture("odd")
        .args(["events", "-f", "json"])
        .run()
        .success()
        .json();
    let dates: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["date"].as_str().unwrap())
        .collect();
    assert_eq!(
        dates,
        [
            "../2022-01-05",
            "19XX",
            "199X",
            "1992",
            "2019/..",
            "2022",
            "2022?",
            "2022-01",
            "2022-01~",
            "2022-01-02/2022-01-05",
            "2022-01-02?/2022-01~",
            "2022-01-05",
            "2022-01-05%",
            "2024-02-29",
        ]
    );
    let who = Kz::new()
        .fixture("odd")
        .args(["who", "Токаев", "-f", "tsv", "--no-header"])
        .run()
        .success();
    assert!(
        who.stdout
            .starts_with("tokayev\tactor\tҚасым-Жомарт Тоқаев\t"),
        "{}",
        who.stdout
    );
    let long = Kz::new()
        .fixture("odd")
        .args(["quotes", "-f", "json"])
        .run()
        .success()
        .json();
    assert_eq!(long[0]["text"].as_str().unwrap().len(), 20_000 * 5 - 1);
}

#[test]
fn fact_files_are_never_written() {
    let snapshot = |dir: &std::path::Path| -> Vec<(String, Vec<u8>, std::time::SystemTime)> {
        let mut out = Vec::new();
        for entry in walk(dir) {
            let meta = std::fs::metadata(&entry).unwrap();
            out.push((
                entry.display().to_string(),
                std::fs::read(&entry).unwrap(),
                meta.modified().unwrap(),
            ));
        }
        out.sort();
        out
    };
    let facts = root().join("facts");
    let clean = root().join("tests/fixtures/clean");
    let before = (snapshot(&facts), snapshot(&clean));
    for args in [
        vec!["check"],
        vec!["who", "Tokayev"],
        vec!["quotes"],
        vec!["events", "-f", "json"],
        vec!["why", "csto"],
        vec!["search", "troops"],
        vec!["members", "CSTO", "--all"],
        vec!["on", "2022-01"],
        vec!["sources"],
    ] {
        Kz::new()
            .args(&args)
            .args(["--facts", &facts.display().to_string()])
            .run();
        Kz::new()
            .args(&args)
            .args(["--facts", &clean.display().to_string()])
            .run();
    }
    assert!(
        before == (snapshot(&facts), snapshot(&clean)),
        "a fact file was changed"
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn a_failed_write_leaves_a_sound_cache() {
    let cache = tempfile::tempdir().unwrap();
    let cache_env = cache.path().display().to_string();
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = Kz::new()
        .env("XDG_CACHE_HOME", &cache_env)
        .fixture("clean")
        .args(["quotes"])
        .command()
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    // Snapshots, and kept parses named by their file's hash: nothing half-written.
    let entries = walk(&cache.path().join("kz"));
    assert!(
        entries.iter().all(|p| {
            p.extension().is_some_and(|x| x == "snap")
                || p.parent()
                    .unwrap()
                    .extension()
                    .is_some_and(|x| x == "pieces")
                    && p.file_name().unwrap().len() == 32
        }),
        "no partial files: {entries:?}"
    );
    let again = Kz::new()
        .env("XDG_CACHE_HOME", &cache_env)
        .fixture("clean")
        .args(["quotes", "-f", "json"])
        .run()
        .success();
    assert_eq!(again.json().as_array().unwrap().len(), 2);
    let _ = fixture("clean");
}
