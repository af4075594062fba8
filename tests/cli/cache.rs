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
        .any(|e| e.path().join("verdicts").is_file());
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
                .is_none_or(|x| x != "snap" && x != "fresh" && x != "pieces")
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
    let kz = |args: &[&str]| {
        Kz::new()
            .env("XDG_CACHE_HOME", &cache.display().to_string())
            .args(["--facts", &facts.display().to_string()])
            .args(args)
            .run()
    };
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
    same_as_fresh(&["quotes", "-f", "tsv"]).success();
    let before = pieces(&cache);
    assert_eq!(before.len(), 4, "one kept parse per file");
    let edit = |file: &str, from: &str, to: &str| {
        let path = facts.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from));
        std::fs::write(&path, text.replace(from, to)).unwrap();
    };
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
