//! Broken and hostile input: bounded time and memory, clear errors, valid-but-odd files accepted,
//! and fact files never touched.

use crate::support::{Kz, fixture, root};
use std::path::PathBuf;
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
    // A device that never ends is not read at all: only regular files are.
    Kz::new()
        .args(["check", "--facts", "/dev/zero"])
        .run()
        .code(2)
        .stdout_has("/dev/zero:1:1: error[KZ001]: cannot read file: not a regular file");
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

/// Runs `kz` and waits at most `secs` seconds for it: a run that hangs is killed and fails the
/// test, rather than hanging the suite.
fn within(kz: Kz, secs: u64) -> crate::support::Run {
    let mut child = kz
        .command()
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(secs) {
            child.kill().unwrap();
            panic!("kz still running after {secs} s: it waits on something");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    crate::support::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn mkfifo(path: &std::path::Path) {
    rustix::fs::mknodat(
        rustix::fs::CWD,
        path,
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o600),
        0,
    )
    .unwrap();
}

#[test]
fn a_fifo_is_refused_not_waited_for() {
    let dir = tempfile::tempdir().unwrap();
    let facts = dir.path().join("facts");
    std::fs::create_dir_all(&facts).unwrap();
    std::fs::write(
        facts.join("base.yaml"),
        "sources:\n  - id: s\n    title: S\n    text: pipe.txt\n",
    )
    .unwrap();
    // As a source text.
    mkfifo(&facts.join("pipe.txt"));
    within(
        Kz::new()
            .args(["--no-cache", "check", "--facts"])
            .args([facts.display().to_string()]),
        10,
    )
    .code(2)
    .stdout_has("cannot read the text of source `s` at `pipe.txt`: not a regular file");
    // As a fact file named on the command line.
    let yaml = dir.path().join("pipe.yaml");
    mkfifo(&yaml);
    within(
        Kz::new()
            .args(["--no-cache", "check", "--facts"])
            .args([yaml.display().to_string()]),
        10,
    )
    .code(2)
    .stdout_has("pipe.yaml:1:1: error[KZ001]: cannot read file: not a regular file");
    // As the snapshot in the cache: the base is parsed instead, every time.
    std::fs::write(facts.join("pipe.txt.yaml"), "").unwrap();
    std::fs::remove_file(facts.join("pipe.txt")).unwrap();
    std::fs::write(facts.join("pipe.txt"), "the text").unwrap();
    let cache = dir.path().join("cache");
    let kz = || {
        Kz::new()
            .env("XDG_CACHE_HOME", &cache.display().to_string())
            .args(["sources", "-f", "tsv", "--facts"])
            .args([facts.display().to_string()])
    };
    within(kz(), 10).success();
    for e in std::fs::read_dir(cache.join("kz")).unwrap().flatten() {
        if e.path().extension().is_some_and(|x| x == "snap") {
            std::fs::remove_file(e.path()).unwrap();
            mkfifo(&e.path());
        }
    }
    for _ in 0..2 {
        within(kz(), 10).success().stdout_has("s\tS");
    }
}

#[test]
fn a_long_chain_of_kinds_is_checked_and_asked_for_in_linear_time() {
    // 16,000 kinds, each broader than the next, the narrowest declared first: 26 s to check
    // when each kind was looked up by a scan of every other, and one scan of them all per
    // level for `--kind`.
    let n = 16_000;
    let mut text = String::from("kinds:\n");
    for i in (1..n).rev() {
        text.push_str(&format!(
            "  - name: Kind {i}\n    broader: kind {}\n",
            i - 1
        ));
    }
    text.push_str("  - name: kind 0\n");
    text.push_str("places:\n  - id: p\n    name: P\n    kind: kind 15999\n    source: s\n");
    text.push_str("sources:\n  - id: s\n    title: S\n");
    assert!(text.len() > 400_000);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kinds.yaml");
    std::fs::write(&path, &text).unwrap();
    let facts = path.display().to_string();
    // Generous bounds: about a tenth of a second each here, minutes if quadratic.
    let start = Instant::now();
    within(
        Kz::new().args(["--no-cache", "check", "--facts", &facts]),
        30,
    )
    .success()
    .stdout_has("16000 kinds");
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "check: {:?}",
        start.elapsed()
    );
    let start = Instant::now();
    within(
        Kz::new().args(["places", "--kind", "KIND 0", "-f", "tsv", "--facts", &facts]),
        30,
    )
    .success()
    .stdout_has("p\tP\tkind 15999");
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "--kind: {:?}",
        start.elapsed()
    );
}

#[test]
fn a_quote_elided_thousands_of_times_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "a ".repeat(500_000)).unwrap();
    let quote = vec!["a"; 3000].join(" … ");
    std::fs::write(
        dir.path().join("base.yaml"),
        format!(
            "sources:\n  - id: s\n    title: S\n    text: a.txt\nactors:\n  - id: x\n    \
             name: X\n    description: X.\n    source: s\nquotes:\n  - id: q\n    \
             speaker: x\n    text: \"{quote}\"\n    source: s\n"
        ),
    )
    .unwrap();
    let start = Instant::now();
    within(
        Kz::new()
            .args(["--no-cache", "check", "--facts"])
            .args([dir.path().display().to_string()]),
        30,
    )
    .code(2)
    .stdout_has("it is cut into 3000 pieces by its elisions and insertions, more than the 32");
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn a_verdict_of_not_found_is_kept_too() {
    // Claims missing from a text are searched for once; the next run knows.
    let dir = tempfile::tempdir().unwrap();
    let facts = dir.path().join("facts");
    std::fs::create_dir_all(&facts).unwrap();
    std::fs::write(facts.join("t.txt"), "words of the source. ".repeat(10_000)).unwrap();
    let mut yaml = String::from(
        "sources:\n  - id: s\n    title: S\n    text: t.txt\nactors:\n  - id: x\n    name: X\n    \
         description: X.\n    source: s\nquotes:\n",
    );
    for i in 0..300 {
        yaml.push_str(&format!(
            "  - id: q{i}\n    speaker: x\n    text: missing words {i}\n    source: s\n"
        ));
    }
    yaml.push_str("  - id: found\n    speaker: x\n    text: words of the source\n    source: s\n");
    std::fs::write(facts.join("base.yaml"), yaml).unwrap();
    let cache = dir.path().join("cache");
    let run = || {
        Kz::new()
            .env("XDG_CACHE_HOME", &cache.display().to_string())
            .env("KZ_VERBATIM_STATS", "1")
            .args(["check", "--facts"])
            .args([facts.display().to_string()])
            .run()
            .code(2)
    };
    let first = run();
    assert!(
        first
            .stderr
            .contains("kz: verbatim: 301 verdicts, 301 searched"),
        "{}",
        first.stderr
    );
    assert!(first.stdout.contains("300 problems"), "{}", first.stdout);
    let second = run();
    assert!(
        second
            .stderr
            .contains("kz: verbatim: 301 verdicts, 0 searched"),
        "{}",
        second.stderr
    );
    assert_eq!(
        second.stdout, first.stdout,
        "the same diagnostics, from the kept verdicts"
    );
}

#[test]
fn the_site_shows_the_text_check_read_however_a_link_flips() {
    // The source text is a link that another process keeps pointing at a secret outside the
    // base and back. A site either fails (the check saw the secret: outside the base) or shows
    // the text the check read; never the secret.
    use std::sync::atomic::{AtomicBool, Ordering};
    let dir = tempfile::tempdir().unwrap();
    let facts = dir.path().join("facts");
    std::fs::create_dir_all(&facts).unwrap();
    std::fs::write(
        dir.path().join("secret.txt"),
        "TOP SECRET words of the source.",
    )
    .unwrap();
    std::fs::write(facts.join("good.txt"), "The words of the source.").unwrap();
    std::os::unix::fs::symlink("good.txt", facts.join("text.txt")).unwrap();
    std::fs::write(
        facts.join("base.yaml"),
        "sources:\n  - id: s\n    title: S\n    text: text.txt\nactors:\n  - id: x\n    name: X\n    \
         description: X.\n    source: s\nquotes:\n  - id: q\n    speaker: x\n    \
         text: words of the source\n    source: s\n",
    )
    .unwrap();
    let stop = std::sync::Arc::new(AtomicBool::new(false));
    let flipper = {
        let (stop, facts, secret) = (stop.clone(), facts.clone(), dir.path().join("secret.txt"));
        std::thread::spawn(move || {
            let mut n = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let tmp = facts.join(".flip");
                let _ = std::fs::remove_file(&tmp);
                // Outside by an absolute link; inside by a relative one.
                let to = match n % 2 {
                    0 => secret.clone(),
                    _ => PathBuf::from("good.txt"),
                };
                std::os::unix::fs::symlink(&to, &tmp).unwrap();
                std::fs::rename(&tmp, facts.join("text.txt")).unwrap();
                n += 1;
                std::thread::sleep(Duration::from_micros(300));
            }
        })
    };
    let (mut built, mut refused) = (0, 0);
    for i in 0..30 {
        let site = dir.path().join(format!("site{i}"));
        let run = within(
            Kz::new()
                .args(["--no-cache", "site", "--facts"])
                .args([facts.display().to_string(), site.display().to_string()]),
            30,
        );
        if run.code == 0 {
            built += 1;
            let page = std::fs::read_to_string(site.join("records/s.html")).unwrap();
            assert!(!page.contains("SECRET"), "an outside file on the page");
            assert!(page.contains("The words of the source."));
        } else {
            refused += 1;
        }
    }
    stop.store(true, Ordering::Relaxed);
    flipper.join().unwrap();
    eprintln!("{built} sites built, {refused} refused");
    assert!(built > 0, "no site was built, so nothing was shown");
}
