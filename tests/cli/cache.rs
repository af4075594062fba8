//! The snapshot cache: it answers only for unchanged inputs, survives damage and races, never
//! stores a broken base, and stays out of the way when it cannot work.

use crate::support::{Kz, root};
use std::path::{Path, PathBuf};

/// A copy of the clean fixture, and a private cache folder for it.
struct Setup {
    _dir: tempfile::TempDir,
    facts: PathBuf,
    cache: PathBuf,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let facts = dir.path().join("facts");
    std::fs::create_dir_all(facts.join("sources")).unwrap();
    let clean = root().join("tests/fixtures/clean");
    std::fs::copy(clean.join("base.yaml"), facts.join("base.yaml")).unwrap();
    std::fs::copy(
        clean.join("sources/report.txt"),
        facts.join("sources/report.txt"),
    )
    .unwrap();
    let cache = dir.path().join("cache");
    Setup {
        _dir: dir,
        facts,
        cache,
    }
}

impl Setup {
    fn kz(&self) -> Kz {
        Kz::new()
            .env("XDG_CACHE_HOME", &self.cache.display().to_string())
            .args(["--facts", &self.facts.display().to_string()])
    }

    fn snapshots(&self) -> Vec<PathBuf> {
        let Ok(entries) = std::fs::read_dir(self.cache.join("kz")) else {
            return Vec::new();
        };
        entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "snap"))
            .collect()
    }

    fn edit(&self, from: &str, to: &str) {
        replace_in(&self.facts.join("base.yaml"), from, to);
    }

    /// Edits the source text; returns it as it was.
    fn edit_source(&self, from: &str, to: &str) -> String {
        replace_in(&self.facts.join("sources/report.txt"), from, to)
    }
}

/// Replaces the first `from` in a file with `to`; returns the file as it was.
fn replace_in(path: &Path, from: &str, to: &str) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} lacks {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
    text
}

fn name_of_ada(s: &Setup) -> String {
    let run = s
        .kz()
        .args(["who", "ada-example", "-f", "json"])
        .run()
        .success();
    run.json()[0]["name"].as_str().unwrap().to_string()
}

#[test]
fn a_warm_run_is_answered_from_the_snapshot() {
    let s = setup();
    assert!(s.snapshots().is_empty());
    assert_eq!(name_of_ada(&s), "Ada Example");
    assert_eq!(s.snapshots().len(), 1, "the first run stores a snapshot");
    assert_eq!(name_of_ada(&s), "Ada Example");
    assert_eq!(s.snapshots().len(), 1, "an unchanged base reuses it");
}

#[test]
fn a_fact_file_named_bare_is_answered_warm() {
    // `kz --facts base.yaml` in the file's folder: the path has no folder part.
    let s = setup();
    let run = || {
        Kz::new()
            .env("XDG_CACHE_HOME", &s.cache.display().to_string())
            .current_dir(&s.facts)
            .args(["--facts", "base.yaml", "who", "ada-example", "-f", "json"])
            .run()
            .success()
    };
    run();
    let inode = |p: &Path| std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(p).unwrap());
    let [snap] = s.snapshots().try_into().expect("one snapshot");
    let first = inode(&snap);
    assert_eq!(run().json()[0]["name"], "Ada Example");
    assert_eq!(
        inode(&snap),
        first,
        "the second run parsed the YAML again and rewrote the snapshot"
    );
}

#[test]
fn a_source_text_link_pointed_elsewhere_is_checked_again() {
    // The source text is a link; pointing it at another file, which itself is older than the
    // snapshot and never changes, must still be seen.
    let s = setup();
    let sources = s.facts.join("sources");
    std::fs::rename(sources.join("report.txt"), sources.join("first.txt")).unwrap();
    let text = std::fs::read_to_string(sources.join("first.txt")).unwrap();
    std::fs::write(
        sources.join("second.txt"),
        text.replace("We built it to last", "We built it to lost"),
    )
    .unwrap();
    std::os::unix::fs::symlink("first.txt", sources.join("report.txt")).unwrap();
    s.kz().args(["check"]).run().success();
    assert_eq!(s.snapshots().len(), 1);
    std::fs::remove_file(sources.join("report.txt")).unwrap();
    std::os::unix::fs::symlink("second.txt", sources.join("report.txt")).unwrap();
    let run = s.kz().args(["check"]).run();
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stdout.contains("KZ050"), "{}", run.stdout);
}

#[test]
fn old_keys_age_out_broken_bases_too() {
    // Twenty bases that never check clean (a dangling speaker), each in its own folder: each
    // leaves kept parses and no snapshot, and only the newest sixteen keys stay.
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    for n in 0..20 {
        let facts = dir.path().join(format!("base{n}"));
        std::fs::create_dir_all(&facts).unwrap();
        std::fs::write(
            facts.join("base.yaml"),
            "quotes:\n  - id: q\n    speaker: nobody\n    kind: reported\n    text: hi\n",
        )
        .unwrap();
        Kz::new()
            .env("XDG_CACHE_HOME", &cache.display().to_string())
            .args(["check", "--facts", &facts.display().to_string()])
            .run()
            .code(2);
    }
    let kept: Vec<_> = std::fs::read_dir(cache.join("kz"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "pieces"))
        .collect();
    assert!(
        (1..=16).contains(&kept.len()),
        "{} kept parses in the cache",
        kept.len()
    );
}

#[test]
fn an_edited_file_is_never_answered_from_the_old_snapshot() {
    let s = setup();
    assert_eq!(name_of_ada(&s), "Ada Example");
    // Same length, same second: only the content tells the difference.
    s.edit("name: Ada Example", "name: Ada Exampla");
    assert_eq!(name_of_ada(&s), "Ada Exampla");
    s.edit("name: Ada Exampla", "name: Ada Example");
    assert_eq!(name_of_ada(&s), "Ada Example");
}

#[test]
fn an_edited_source_text_is_checked_again() {
    let s = setup();
    s.kz().args(["check"]).run().success();
    s.edit_source("We built it to last", "We built it to stay");
    s.kz()
        .args(["check"])
        .run()
        .code(2)
        .stdout_has("error[KZ050]");
    s.kz()
        .args(["who", "ada-example"])
        .run()
        .code(2)
        .stderr_has("error[KZ050]");
}

#[test]
fn a_remembered_verbatim_verdict_covers_only_the_same_words_in_the_same_text() {
    let s = setup();
    s.kz().args(["check"]).run().success();
    let kept = std::fs::read_dir(s.cache.join("kz"))
        .unwrap()
        .flatten()
        .any(|e| e.path().join("verdicts2").is_file());
    assert!(kept, "the verdicts of the first check are kept");
    // Other words in the same text: searched again, and not found.
    s.edit("text: We built it to last", "text: We built it to stay");
    s.kz()
        .args(["check"])
        .run()
        .code(2)
        .stdout_has("error[KZ050]");
    s.edit("text: We built it to stay", "text: We built it to last");
    s.kz().args(["check"]).run().success();
    // The same words in another text: searched again, and not found.
    let body = s.edit_source("We built it to last", "We built it to stay");
    s.kz()
        .args(["check"])
        .run()
        .code(2)
        .stdout_has("error[KZ050]");
    std::fs::write(s.facts.join("sources/report.txt"), body).unwrap();
    s.kz().args(["check"]).run().success();
}

/// What a query answers with no snapshot at all: the truth a snapshot must match.
fn fresh(s: &Setup, args: &[&str]) -> (i32, String) {
    let run = s.kz().arg_list(&["--no-cache"]).args(args).run();
    (run.code, run.stdout)
}

#[test]
fn a_damaged_snapshot_still_gives_the_right_answer() {
    let s = setup();
    assert_eq!(name_of_ada(&s), "Ada Example");
    let snap = s.snapshots().pop().unwrap();
    let good = std::fs::read(&snap).unwrap();
    let key = kz::load::snapshot::key_of_bytes(&good).unwrap();
    assert!(kz::load::snapshot::verify_bytes(&good, key));
    // Queries that between them read every record and every index.
    let queries: &[&[&str]] = &[
        &["who", "Example", "-f", "json"],
        &["who", "Testland", "-f", "json"],
        &["who", "ministry-of-examples", "-f", "json"],
        &["quotes", "--by", "ada-example", "-f", "json"],
        &["search", "bridge", "-f", "json"],
        &["export", "--to", "jsonl"],
        &["graph"],
    ];
    let truth: Vec<(i32, String)> = queries.iter().map(|q| fresh(&s, q)).collect();
    let mut damages: Vec<Vec<u8>> = vec![
        good[..good.len() / 2].to_vec(),
        Vec::new(),
        good.iter().map(|b| b ^ 0x55).collect(),
        [good.as_slice(), b"tail"].concat(),
    ];
    // A flipped byte in each part of the file: header, metadata, records, indexes.
    for at in (0..good.len()).step_by(good.len() / 23 + 1) {
        let mut b = good.clone();
        b[at] ^= 0x21;
        damages.push(b);
    }
    for bytes in damages {
        std::fs::write(&snap, &bytes).unwrap();
        for (q, want) in queries.iter().zip(&truth) {
            let run = s.kz().args(*q).run();
            assert_eq!((run.code, &run.stdout), (want.0, &want.1), "kz {q:?}");
        }
        let now = std::fs::read(&snap).unwrap();
        assert!(
            kz::load::snapshot::verify_bytes(&now, key),
            "a damaged snapshot that was read is rebuilt whole"
        );
    }
}

#[test]
fn an_edit_that_keeps_size_and_time_is_still_seen() {
    use std::fs::{File, FileTimes};
    use std::time::{Duration, SystemTime};
    let s = setup();
    let path = s.facts.join("base.yaml");
    let set_mtime = |t: SystemTime| {
        File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_times(FileTimes::new().set_modified(t))
            .unwrap();
    };
    // An edit in the same second as the snapshot, same size, modification time put back.
    assert_eq!(name_of_ada(&s), "Ada Example");
    let mtime = std::fs::metadata(&path).unwrap().modified().unwrap();
    s.edit("name: Ada Example", "name: Ada Exampla");
    set_mtime(mtime);
    assert_eq!(name_of_ada(&s), "Ada Exampla");
    // The same long after: the file is old, its stat alone vouches for it, until it changes.
    let old = SystemTime::now() - Duration::from_secs(3600);
    set_mtime(old);
    assert_eq!(name_of_ada(&s), "Ada Exampla");
    assert_eq!(name_of_ada(&s), "Ada Exampla");
    s.edit("name: Ada Exampla", "name: Ada Examplo");
    set_mtime(old);
    assert_eq!(
        name_of_ada(&s),
        "Ada Examplo",
        "the status-change time gives the edit away"
    );
}

#[test]
fn racing_processes_both_answer_correctly() {
    let s = setup();
    let mut children: Vec<_> = (0..4)
        .map(|_| {
            s.kz()
                .args(["quotes", "-f", "json"])
                .command()
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outputs: Vec<String> = children
        .drain(..)
        .map(|c| {
            let out = c.wait_with_output().unwrap();
            assert_eq!(out.status.code(), Some(0));
            String::from_utf8(out.stdout).unwrap()
        })
        .collect();
    let want = s
        .kz()
        .args(["--no-cache", "quotes", "-f", "json"])
        .run()
        .success()
        .stdout;
    for out in outputs {
        assert_eq!(out, want);
    }
    assert_eq!(s.snapshots().len(), 1);
    let leftovers: Vec<_> = std::fs::read_dir(s.cache.join("kz"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension()
                .is_none_or(|x| !["snap", "fresh", "pieces", "lock"].contains(&x.to_str().unwrap()))
        })
        .collect();
    assert!(
        leftovers.is_empty(),
        "no temporary files are left behind: {leftovers:?}"
    );
}

/// A base of `n` files: file `i` holds person `p{i}`, who quotes and cites file 0's source, and
/// every person after the first names the one before as their nationality's stand-in, so
/// references span files.
fn spread_base(dir: &Path, n: usize) {
    std::fs::create_dir_all(dir.join("texts")).unwrap();
    std::fs::write(
        dir.join("texts/s.txt"),
        "Words of p0. Words of p1. Words of p2. Words of p3.",
    )
    .unwrap();
    for i in 0..n {
        let mut text = String::new();
        if i == 0 {
            text.push_str("sources:\n  - id: s\n    title: Source\n    text: texts/s.txt\n");
        }
        text.push_str(&format!(
            "actors:\n  - id: p{i}\n    name: Person {i}\n    description: Person number {i}\n    source: s\n"
        ));
        text.push_str(&format!(
            "quotes:\n  - id: q{i}\n    speaker: p{i}\n    text: Words of p{i}\n    about: [p{}]\n    source: s\n",
            i.saturating_sub(1)
        ));
        std::fs::write(dir.join(format!("f{i}.yaml")), text).unwrap();
    }
}

/// `kz` on the base in `facts`, with its cache in `cache`.
fn kz_on(facts: &Path, cache: &Path) -> Kz {
    Kz::new()
        .env("XDG_CACHE_HOME", &cache.display().to_string())
        .args(["--facts", &facts.display().to_string()])
}

/// The kept parses of the files of a base, by name, with their inodes.
fn pieces(cache: &Path) -> Vec<(String, u64)> {
    use std::os::unix::fs::MetadataExt;
    let mut out = Vec::new();
    for dir in std::fs::read_dir(cache.join("kz")).unwrap().flatten() {
        if dir.path().extension().is_some_and(|x| x == "pieces") {
            // A file's piece is named by the 32 hex digits of its hash.
            for e in std::fs::read_dir(dir.path()).unwrap().flatten() {
                if e.file_name().len() != 32 {
                    continue;
                }
                out.push((
                    e.file_name().into_string().unwrap(),
                    e.metadata().unwrap().ino(),
                ));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn an_edit_reparses_only_its_file_and_answers_as_a_fresh_parse() {
    let dir = tempfile::tempdir().unwrap();
    let facts = dir.path().join("facts");
    let cache = dir.path().join("cache");
    spread_base(&facts, 4);
    let kz = |args: &[&str]| kz_on(&facts, &cache).args(args).run();
    let same_as_fresh = |args: &[&str]| {
        let warm = kz(args);
        let mut fresh_args = vec!["--no-cache"];
        fresh_args.extend_from_slice(args);
        let fresh = kz(&fresh_args);
        assert_eq!(
            (warm.code, &warm.stdout, &warm.stderr),
            (fresh.code, &fresh.stdout, &fresh.stderr),
            "kz {args:?}"
        );
        warm
    };
    let edit = |file: &str, from: &str, to: &str| {
        let path = facts.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from));
        std::fs::write(&path, text.replace(from, to)).unwrap();
    };
    // The first run keeps no parse: only a rebuild pays for keeping them.
    same_as_fresh(&["quotes", "-f", "tsv"]).success();
    assert_eq!(pieces(&cache), [], "the first run keeps no parse");
    edit("f0.yaml", "Person 0", "Person Zero");
    same_as_fresh(&["who", "p0", "-f", "tsv"]).success();
    let before = pieces(&cache);
    assert_eq!(
        before.len(),
        4,
        "the first rebuild keeps one parse per file"
    );
    // A change in one file: its parse is replaced, the others are kept as they were.
    edit("f2.yaml", "Person 2", "Person Two");
    let run = same_as_fresh(&["who", "p2", "-f", "tsv"]).success();
    assert!(run.stdout.contains("Person Two"));
    let after = pieces(&cache);
    assert_eq!(
        after.len(),
        4,
        "the old parse of the edited file is dropped"
    );
    let kept: Vec<_> = after.iter().filter(|p| before.contains(p)).collect();
    assert_eq!(kept.len(), 3, "the three other files were not parsed again");
    // A change in one file breaks a reference from a file read from its kept parse: the checks
    // that span files still run over every file.
    edit("f1.yaml", "id: p1", "id: p-one");
    let run = same_as_fresh(&["check"]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.contains("f2.yaml"), "{}", run.stdout);
    assert!(run.stdout.contains("`p1`"), "{}", run.stdout);
    edit("f1.yaml", "id: p-one", "id: p1");
    // A file with a problem of its own is never kept, and is reported on every run.
    edit(
        "f3.yaml",
        "source: s\nquotes",
        "source: s\n    age: 40\nquotes",
    );
    for _ in 0..2 {
        let run = same_as_fresh(&["check"]);
        assert_eq!(run.code, 2);
        assert!(run.stdout.contains("f3.yaml:6"), "{}", run.stdout);
    }
    assert_eq!(pieces(&cache).len(), 3);
    // A file removed from the base takes its kept parse with it.
    edit("f3.yaml", "    age: 40\n", "");
    std::fs::remove_file(facts.join("f3.yaml")).unwrap();
    same_as_fresh(&["quotes", "-f", "json"]).success();
    assert_eq!(pieces(&cache).len(), 3);
}

#[test]
fn quotes_added_renamed_and_taken_away_are_answered_from_the_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let facts = dir.path().join("facts");
    let cache = dir.path().join("cache");
    spread_base(&facts, 4);
    let kz = |args: &[&str]| {
        let kz = kz_on(&facts, &cache).env("KZ_OPEN_STATS", "1");
        kz.args(args).run()
    };
    let edit = |from: &str, to: &str| replace_in(&facts.join("f1.yaml"), from, to);
    kz(&["quotes", "-f", "tsv"]).success();
    let added = "quotes:\n  - id: q1-new\n    speaker: p2\n    text: Words of p2\n    about: [p3]\n    source: s\n";
    let steps = [
        ("quotes:\n", added),
        ("id: q1-new", "id: q1-renamed"),
        (
            "  - id: q1-renamed\n    speaker: p2\n    text: Words of p2\n    about: [p3]\n    source: s\n",
            "",
        ),
    ];
    for (from, to) in steps {
        edit(from, to);
        for (n, args) in [&["quotes", "-f", "tsv"][..], &["who", "p2", "-f", "json"]]
            .into_iter()
            .enumerate()
        {
            let warm = kz(args).success();
            if n == 0 {
                let spliced = "kz: open: snapshot, 1 edited file checked";
                assert!(warm.stderr.contains(spliced), "{}", warm.stderr);
            }
            let mut fresh_args = vec!["--no-cache"];
            fresh_args.extend_from_slice(args);
            let fresh = kz(&fresh_args).success();
            assert_eq!(warm.stdout, fresh.stdout, "kz {args:?} after {to:?}");
        }
        // The first question after the edit spliced it into the snapshot; the next ones are
        // answered from the snapshot its store wrote.
        let stats = kz(&["quotes", "-f", "tsv"]).stderr;
        assert!(stats.contains("kz: open: snapshot\n"), "{stats}");
    }
}

#[test]
fn a_broken_base_is_never_cached() {
    let s = setup();
    s.edit("speaker: ada-example", "speaker: ada-exampel");
    s.kz().args(["check"]).run().code(2);
    s.kz().args(["quotes"]).run().code(2);
    assert!(s.snapshots().is_empty());
    // A base that breaks after it was cached fails, rather than answering from the snapshot.
    s.edit("speaker: ada-exampel", "speaker: ada-example");
    s.kz().args(["quotes"]).run().success();
    assert_eq!(s.snapshots().len(), 1);
    s.edit("speaker: ada-example", "speaker: ada-exampel");
    s.kz()
        .args(["quotes"])
        .run()
        .code(2)
        .stderr_has("error[KZ030]");
}

#[test]
fn no_cache_turns_it_off() {
    let s = setup();
    s.kz().args(["--no-cache", "who", "Ada"]).run().success();
    assert!(s.snapshots().is_empty());
    s.kz()
        .env("KZ_NO_CACHE", "1")
        .args(["who", "Ada"])
        .run()
        .success();
    assert!(s.snapshots().is_empty());
    s.kz()
        .env("KZ_NO_CACHE", "0")
        .args(["who", "Ada"])
        .run()
        .success();
    assert_eq!(s.snapshots().len(), 1, "KZ_NO_CACHE=0 leaves the cache on");
}

#[test]
fn an_unusable_cache_folder_means_no_cache() {
    let s = setup();
    // The cache "folder" is a file: nothing can be created there.
    std::fs::create_dir_all(&s.cache).unwrap();
    std::fs::write(s.cache.join("kz"), "not a folder").unwrap();
    assert_eq!(name_of_ada(&s), "Ada Example");
    assert_eq!(name_of_ada(&s), "Ada Example");
    // No home for a cache at all.
    s.kz()
        .env("XDG_CACHE_HOME", "")
        .env("HOME", "")
        .args(["who", "Ada"])
        .run()
        .success();
}

#[test]
fn the_built_in_base_is_cached_too() {
    let dir = tempfile::tempdir().unwrap();
    let run = |_: ()| {
        Kz::new()
            .env("XDG_CACHE_HOME", &dir.path().display().to_string())
            .args(["who", "Serdyukov", "-f", "tsv"])
            .run()
            .success()
            .stdout
    };
    let first = run(());
    let snapshots = || {
        Path::new(&dir.path().join("kz"))
            .read_dir()
            .unwrap()
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "snap"))
            .count()
    };
    assert_eq!(snapshots(), 1);
    assert_eq!(run(()), first);
    assert_eq!(snapshots(), 1);
}

/// A warm answer streams: a long export from a snapshot is not held back whole. If a damaged
/// record is met after output began, the answer stops there with an error (never a wrong row),
/// and the next run answers whole from a rebuilt snapshot.
#[test]
fn a_streamed_answer_stops_at_damage_and_is_right_next_time() {
    let dir = tempfile::tempdir().unwrap();
    let facts = dir.path().join("facts");
    std::fs::create_dir_all(&facts).unwrap();
    let mut y = String::from(
        "sources:\n  - id: s\n    title: S\nactors:\n  - id: a\n    name: A\n    description: a\n    source: s\nquotes:\n",
    );
    for q in 0..6_000 {
        y.push_str(&format!("  - id: q-{q}\n    speaker: a\n    kind: reported\n    text: Quote number {q} of many\n    source: s\n"));
    }
    std::fs::write(facts.join("base.yaml"), y).unwrap();
    let s = Setup {
        _dir: dir,
        cache: facts.parent().unwrap().join("cache"),
        facts,
    };
    let export = ["export", "--to", "jsonl"];
    let truth = fresh(&s, &export);
    s.kz().args(["check"]).run().success();
    let snap = s.snapshots().pop().unwrap();
    let good = std::fs::read(&snap).unwrap();
    let mut stopped = 0;
    for at in (good.len() / 4..good.len() * 3 / 4).step_by(good.len() / 7) {
        let mut bytes = good.clone();
        bytes[at] ^= 0x21;
        std::fs::write(&snap, &bytes).unwrap();
        let run = s.kz().args(export).run();
        match run.code {
            0 => assert_eq!(run.stdout, truth.1, "a byte at {at}"),
            2 => {
                stopped += 1;
                assert!(
                    run.stderr.contains("damaged part way through the answer"),
                    "{}",
                    run.stderr
                );
                assert!(
                    truth.1.starts_with(&run.stdout) && run.stdout.len() < truth.1.len(),
                    "what was written before the damage is right"
                );
            }
            code => panic!("exit {code}: {}", run.stderr),
        }
        let again = s.kz().args(export).run().success();
        assert_eq!(again.stdout, truth.1, "the next run is whole");
    }
    assert!(stopped > 0, "some damage was met after output began");
}

/// Another user on the same machine (issue #20): a cache folder kz did not make for the user
/// alone is not used, and nothing in one is followed out of it.
mod another_user {
    use super::*;
    use std::os::unix::fs::PermissionsExt;
    use xxhash_rust::xxh3::xxh3_64;

    /// Where each section of a snapshot lies: (tag, start, end), and where the header's
    /// checksum is.
    fn sections(b: &[u8]) -> (Vec<(u32, usize, usize)>, usize) {
        let u32_at = |at: usize| u32::from_le_bytes(b[at..at + 4].try_into().unwrap());
        let u64_at = |at: usize| u64::from_le_bytes(b[at..at + 8].try_into().unwrap()) as usize;
        let vlen = u16::from_le_bytes(b[8..10].try_into().unwrap()) as usize;
        let mut at = 10 + vlen + 16 + 8;
        let count = u32_at(at) as usize;
        at += 4;
        let mut out = Vec::new();
        for _ in 0..count {
            let (tag, off, len) = (u32_at(at), u64_at(at + 4), u64_at(at + 12));
            out.push((tag, off, off + len));
            at += 28;
        }
        (out, at)
    }

    /// Recomputes every checksum of a snapshot whose bytes were changed, as someone forging
    /// one would: each record's, each index block's, each section's and the header's.
    fn reseal(b: &mut [u8]) {
        let (sections, header_end) = sections(b);
        let find = |tag: u32| sections.iter().find(|s| s.0 == tag).copied().unwrap();
        for k in 0..6 {
            let (_, e0, e1) = find(100 + k);
            let (_, d0, _) = find(200 + k);
            let mut start = 0;
            for entry in (e0..e1).step_by(16) {
                let end = u64::from_le_bytes(b[entry..entry + 8].try_into().unwrap()) as usize;
                let sum = xxh3_64(&b[d0 + start..d0 + end]);
                b[entry + 8..entry + 16].copy_from_slice(&sum.to_le_bytes());
                start = end;
            }
        }
        for &(tag, s0, s1) in &sections {
            if tag >= 300 {
                let blocks = u32::from_le_bytes(b[s0..s0 + 4].try_into().unwrap()) as usize;
                let data = s0 + 4 + 8 * blocks;
                for k in 0..blocks {
                    let block = data + k * 65536..(data + (k + 1) * 65536).min(s1);
                    let sum = xxh3_64(&b[block]);
                    b[s0 + 4 + 8 * k..s0 + 12 + 8 * k].copy_from_slice(&sum.to_le_bytes());
                }
            }
        }
        let vlen = u16::from_le_bytes(b[8..10].try_into().unwrap()) as usize;
        for (n, &(_, s0, s1)) in sections.iter().enumerate() {
            let sum = xxh3_64(&b[s0..s1]);
            let at = 10 + vlen + 16 + 8 + 4 + n * 28 + 20;
            b[at..at + 8].copy_from_slice(&sum.to_le_bytes());
        }
        let sum = xxh3_64(&b[..header_end]);
        b[header_end..header_end + 8].copy_from_slice(&sum.to_le_bytes());
    }

    /// A snapshot of the clean fixture in which Ada's quote reads otherwise, every checksum
    /// made to fit: what another user could leave in a cache folder they can write to.
    fn forged(s: &Setup) -> (Vec<u8>, String) {
        s.kz().args(["quotes"]).run().success();
        let snap = s.snapshots().pop().unwrap();
        let mut bytes = std::fs::read(&snap).unwrap();
        let (from, to) = (b"We built it to last", b"We burnt it to dust");
        let at = bytes.windows(from.len()).position(|w| w == from).unwrap();
        bytes[at..at + to.len()].copy_from_slice(to);
        reseal(&mut bytes);
        let key = kz::load::snapshot::key_of_bytes(&bytes).unwrap();
        assert!(
            kz::load::snapshot::verify_bytes(&bytes, key),
            "a whole forgery"
        );
        let name = snap.file_name().unwrap().to_string_lossy().into_owned();
        (bytes, name)
    }

    /// The forgery of [`forged`] put in a cache folder of mode `mode` (owned by `owner` if
    /// given): kz must answer from the fact files, and say once why it ignores the folder.
    fn refused(mode: u32, owner: Option<u32>, why: &str) {
        let s = setup();
        let (bytes, name) = forged(&s);
        let kz_dir = s.cache.join("kz");
        std::fs::remove_dir_all(&kz_dir).unwrap();
        std::fs::create_dir(&kz_dir).unwrap();
        std::fs::write(kz_dir.join(&name), &bytes).unwrap();
        if let Some(uid) = owner {
            std::os::unix::fs::chown(&kz_dir, Some(uid), Some(uid)).unwrap();
        }
        std::fs::set_permissions(&kz_dir, std::fs::Permissions::from_mode(mode)).unwrap();
        // The quote is the one the fact file gives, on every run, however kz reads it.
        for args in [&["quotes", "-f", "tsv"][..], &["check"][..]] {
            for _ in 0..2 {
                let run = s.kz().args(args).run().success();
                assert!(!run.stdout.contains("burnt"), "{}", run.stdout);
                let said: Vec<&str> = run.stderr.lines().collect();
                assert_eq!(said.len(), 1, "said once: {}", run.stderr);
                assert!(
                    said[0].starts_with("kz: not using the cache folder "),
                    "{}",
                    said[0]
                );
                assert!(said[0].contains(why), "{}", said[0]);
                assert!(
                    said[0].contains("XDG_CACHE_HOME"),
                    "how to fix: {}",
                    said[0]
                );
            }
        }
        let quotes = s.kz().args(["quotes", "-f", "tsv"]).run().stdout;
        assert!(quotes.contains("We built it to last"), "{quotes}");
        // kz wrote nothing into the folder.
        let left: Vec<_> = std::fs::read_dir(&kz_dir).unwrap().flatten().collect();
        assert_eq!(left.len(), 1);
    }

    #[test]
    fn a_forged_snapshot_in_a_folder_others_may_write_to_is_not_read() {
        refused(0o777, None, "others may write to it (mode 777)");
    }

    /// Needs root, to give the folder to another user; skipped (visibly) otherwise, except
    /// under CI, where the skip would hide the check of the owner.
    #[test]
    fn a_forged_snapshot_in_another_users_folder_is_not_read() {
        if !rustix::process::geteuid().is_root()
            && !crate::support::skip("it needs root, to give a folder to another user (chown)")
        {
            return;
        }
        // nobody's folder, writable by nobody but them.
        refused(0o755, Some(65534), "belongs to another user (uid 65534)");
    }

    #[test]
    fn a_pieces_folder_swapped_for_a_link_is_neither_written_nor_emptied() {
        let s = setup();
        s.kz().args(["quotes"]).run().success();
        let kz_dir = s.cache.join("kz");
        let pieces = std::fs::read_dir(&kz_dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == "pieces"))
            .unwrap();
        // The user's documents, and the pieces folder made a link to them.
        let docs = s.cache.parent().unwrap().join("Documents");
        std::fs::create_dir(&docs).unwrap();
        std::fs::write(docs.join("thesis.txt"), "years of work").unwrap();
        std::fs::write(
            docs.join("0123456789abcdef0123456789abcdef"),
            "a piece's name",
        )
        .unwrap();
        std::fs::remove_dir_all(&pieces).unwrap();
        std::os::unix::fs::symlink(&docs, &pieces).unwrap();
        for snap in s.snapshots() {
            std::fs::remove_file(snap).unwrap();
        }
        // Parses again (no snapshot), keeps nothing through the link, stores a snapshot.
        s.edit("We built it to last", "We built it to last");
        s.kz().args(["quotes"]).run().success();
        s.edit("name: Ada Example", "name: Ada Exemple");
        s.kz().args(["who", "Ada"]).run().success();
        let mut left: Vec<String> = std::fs::read_dir(&docs)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["0123456789abcdef0123456789abcdef", "thesis.txt"]);
    }

    #[test]
    fn an_index_naming_a_record_past_the_end_is_damage_not_a_panic() {
        let s = setup();
        let want = fresh(&s, &["quotes", "--by", "ada-example", "-f", "json"]);
        assert_eq!(want.0, 0);
        let snap = s.snapshots().pop().unwrap_or_else(|| {
            s.kz().args(["quotes"]).run().success();
            s.snapshots().pop().unwrap()
        });
        let mut bytes = std::fs::read(&snap).unwrap();
        // Every quote the speaker → quotes index lists becomes quote 999 of 1.
        let (sections, _) = sections(&bytes);
        let (_, s0, _) = sections.iter().find(|s| s.0 == 304).copied().unwrap();
        let blocks = u32::from_le_bytes(bytes[s0..s0 + 4].try_into().unwrap()) as usize;
        let data = s0 + 4 + 8 * blocks;
        let keys = u32::from_le_bytes(bytes[data..data + 4].try_into().unwrap()) as usize;
        let off = |k: usize| {
            let at = data + 4 + 4 * k;
            u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as usize
        };
        let values = off(keys);
        assert!(values > 0, "the index lists the quote");
        for v in 0..values {
            let at = data + 4 * (2 + keys + v);
            bytes[at..at + 4].copy_from_slice(&999u32.to_le_bytes());
        }
        reseal(&mut bytes);
        std::fs::write(&snap, &bytes).unwrap();
        for _ in 0..2 {
            let run = s
                .kz()
                .args(["quotes", "--by", "ada-example", "-f", "json"])
                .run();
            assert_eq!((run.code, &run.stdout), (want.0, &want.1), "{}", run.stderr);
        }
    }

    #[test]
    fn temporary_files_of_killed_runs_are_pruned_once_stale() {
        use std::time::{Duration, SystemTime};
        let s = setup();
        s.kz().args(["quotes"]).run().success();
        let kz_dir = s.cache.join("kz");
        let pieces = std::fs::read_dir(&kz_dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == "pieces"))
            .unwrap();
        let old = SystemTime::now() - Duration::from_secs(2 * 3600);
        let plant = |dir: &Path, name: &str, stale: bool| {
            let path = dir.join(name);
            std::fs::write(&path, vec![0u8; 4096]).unwrap();
            if stale {
                std::fs::File::options()
                    .write(true)
                    .open(&path)
                    .unwrap()
                    .set_modified(old)
                    .unwrap();
            }
        };
        for dir in [&kz_dir, &pieces] {
            plant(dir, ".tmpAbC123", true); // a killed run's, long ago
            plant(dir, ".tmp0123456789abcdef", true);
            plant(dir, ".tmpXyZ789", false); // a run still writing
            plant(dir, ".tmp-notes", true); // not a name kz gives
        }
        // A run that stores a snapshot.
        s.edit("name: Ada Example", "name: Ada Exemple");
        s.kz().args(["who", "Ada"]).run().success();
        for dir in [&kz_dir, &pieces] {
            let names: Vec<String> = std::fs::read_dir(dir)
                .unwrap()
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with(".tmp"))
                .collect();
            let mut names = names;
            names.sort();
            assert_eq!(names, [".tmp-notes", ".tmpXyZ789"], "in {}", dir.display());
        }
    }
}

/// Asserts that the snapshot at `snap` is whole: its checksums hold.
fn assert_whole(snap: &Path) {
    let bytes = std::fs::read(snap).unwrap();
    let key = kz::load::snapshot::key_of_bytes(&bytes).unwrap();
    assert!(kz::load::snapshot::verify_bytes(&bytes, key), "{snap:?}");
}

/// The lock file of the one base stored in `cache`, once a run made it.
fn lock_file(cache: &Path) -> PathBuf {
    let found = std::fs::read_dir(cache.join("kz")).ok().and_then(|d| {
        d.flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == "lock"))
    });
    found.expect("a run that stores takes the base's lock")
}

/// Waits until no process is storing the base: its lock is free.
fn wait_for_store(cache: &Path) {
    let file = std::fs::File::open(lock_file(cache)).unwrap();
    rustix::fs::flock(&file, rustix::fs::FlockOperation::LockShared).unwrap();
}

/// Polls `what` for up to `secs` seconds.
fn eventually<T>(secs: u64, mut what: impl FnMut() -> Option<T>) -> Option<T> {
    let until = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    loop {
        if let Some(v) = what() {
            return Some(v);
        }
        if std::time::Instant::now() > until {
            return None;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// The temporary files in the cache folder: what a store killed before its rename leaves.
fn temporaries(cache: &Path) -> Vec<String> {
    std::fs::read_dir(cache.join("kz"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".tmp"))
        .collect()
}

#[test]
fn a_detached_store_answers_first_and_leaves_a_whole_snapshot() {
    let s = setup();
    let want = fresh(&s, &["quotes", "-f", "json"]);
    let run = s
        .kz()
        .env("KZ_STORE", "detached")
        .args(["quotes", "-f", "json"])
        .run()
        .success();
    assert_eq!(run.stdout, want.1);
    wait_for_store(&s.cache);
    let [snap] = s
        .snapshots()
        .try_into()
        .expect("the child stored one snapshot");
    assert_whole(&snap);
    // What the child wrote keeps the cache's rules: the folder and the files the user's alone.
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::symlink_metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&s.cache.join("kz")), 0o700);
    for entry in std::fs::read_dir(s.cache.join("kz")).unwrap().flatten() {
        let kind = entry.file_type().unwrap();
        assert!(kind.is_file() || kind.is_dir(), "{:?}", entry.path());
        let want = if kind.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(mode(&entry.path()), want, "{:?}", entry.path());
    }
    let inode = |p: &Path| std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(p).unwrap());
    let first = inode(&snap);
    let warm = s
        .kz()
        .env("KZ_STORE", "detached")
        .args(["quotes", "-f", "json"]);
    assert_eq!(warm.run().success().stdout, want.1);
    assert_eq!(inode(&snap), first, "the warm run answered from it");
}

#[test]
fn a_detached_store_holds_nothing_of_the_caller_and_killed_half_way_corrupts_nothing() {
    let s = setup();
    let want = fresh(&s, &["quotes", "-f", "json"]);
    // The child stops between writing the snapshot and renaming it into place.
    let stalled = || {
        s.kz()
            .env("KZ_STORE", "detached")
            .env("KZ_TEST_STALL_STORE", "1")
            .args(["quotes", "-f", "json"])
    };
    let started = std::time::Instant::now();
    let child = stalled()
        .command()
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let parent = child.id() as i32;
    // Reading to the end of its output returns once kz exits: the store holds neither stream.
    let out = child.wait_with_output().unwrap();
    assert!(
        started.elapsed() < std::time::Duration::from_secs(30),
        "the answer waited {:?} for the store",
        started.elapsed()
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), want.1);
    assert!(out.stderr.is_empty());
    // The storing child: its id in the lock file, its own session, no stream of the caller's.
    let lock = lock_file(&s.cache);
    let pid: i32 = eventually(10, || {
        let pid = std::fs::read_to_string(&lock).ok()?.parse().ok()?;
        (pid != parent).then_some(pid)
    })
    .expect("the child writes its id into the lock");
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let fields: Vec<&str> = stat.rsplit_once(") ").unwrap().1.split(' ').collect();
    assert_eq!(fields[3], pid.to_string(), "its own session: {stat}");
    for fd in 0..3 {
        let to = std::fs::read_link(format!("/proc/{pid}/fd/{fd}")).unwrap();
        assert_eq!(to, Path::new("/dev/null"), "fd {fd}");
    }
    eventually(10, || (!temporaries(&s.cache).is_empty()).then_some(()))
        .expect("the child writes the snapshot aside");
    // A run meanwhile answers from the YAML and, the lock being held, stores nothing.
    let other = stalled().run().success();
    assert_eq!(other.stdout, want.1);
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert_eq!(temporaries(&s.cache).len(), 1, "one store at a time");
    assert_eq!(std::fs::read_to_string(&lock).unwrap(), pid.to_string());
    // Killed half-way: no snapshot, only its temporary file, and the next run is right.
    let victim = rustix::process::Pid::from_raw(pid).unwrap();
    rustix::process::kill_process(victim, rustix::process::Signal::KILL).unwrap();
    wait_for_store(&s.cache);
    assert!(s.snapshots().is_empty(), "nothing renamed into place");
    let again = s.kz().args(["quotes", "-f", "json"]).run().success();
    assert_eq!(again.stdout, want.1);
    let [snap] = s
        .snapshots()
        .try_into()
        .expect("the next run stores a snapshot");
    assert_whole(&snap);
    let warm = s.kz().args(["quotes", "-f", "json"]).run().success();
    assert_eq!(warm.stdout, want.1);
}

/// A base's first run forks before the work, and the process the user waits for exits with its
/// child's status once the answer is out: a query that matches nothing exits 1 with its message,
/// a base with a problem exits 2 with its report, on the streams the user gave, and nothing is
/// stored of a broken base.
#[test]
fn a_first_run_hands_back_the_status_and_the_streams_of_its_answer() {
    let s = setup();
    let none = s
        .kz()
        .env("KZ_STORE", "detached")
        .args(["who", "nobody-at-all"])
        .run()
        .code(1);
    assert!(none.stdout.is_empty(), "{}", none.stdout);
    assert!(
        none.stderr.contains("no record matches 'nobody-at-all'"),
        "{}",
        none.stderr
    );
    wait_for_store(&s.cache);
    let [snap] = s
        .snapshots()
        .try_into()
        .expect("a miss still stores the base");
    assert_whole(&snap);
    let broken = Kz::new()
        .env("KZ_STORE", "detached")
        .fixture("bad/dangling-speaker")
        .args(["check"])
        .run()
        .code(2);
    assert!(
        broken.stdout.contains("error[KZ030]")
            && broken.stdout.ends_with("error: 1 problem in 1 file\n"),
        "{}",
        broken.stdout
    );
    let twice = Kz::new()
        .env("KZ_STORE", "detached")
        .fixture("bad/dangling-speaker")
        .args(["check"])
        .run()
        .code(2);
    assert_eq!(twice.stdout, broken.stdout);
}

#[test]
fn a_failed_hand_off_stores_in_the_foreground() {
    let s = setup();
    let want = fresh(&s, &["quotes", "-f", "json"]);
    let run = s
        .kz()
        .env("KZ_STORE", "detached")
        .env("KZ_TEST_FAIL_FORK", "1")
        .args(["quotes", "-f", "json"])
        .run()
        .success();
    assert_eq!(run.stdout, want.1);
    // No child was made, so the snapshot is in place as soon as kz returns.
    let [snap] = s.snapshots().try_into().expect("stored before kz returned");
    assert_whole(&snap);
    assert!(temporaries(&s.cache).is_empty());
}
