//! Opening the fact base: from a snapshot when no input changed, otherwise by reading, parsing
//! and checking the files. What it opened says whether a snapshot is still to be stored, which
//! the caller does once the answer is written.

use crate::check::{self, Verdicts};
use crate::diag::{Diagnostic, Report};
use crate::load::snapshot::{self, Cache, Found, Key};
use crate::load::{self, FactFile, Listed, ToParse};
use crate::model::Base;
use std::path::PathBuf;

/// One element of the fact base: the base built into kz, or a file or folder on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FactsPath {
    Builtin,
    Disk(PathBuf),
}

/// The opened base and the snapshot it still owes.
pub struct Opened {
    /// The checked base, or every problem in it. The base lives until the process exits, which
    /// frees it far faster than dropping a hundred thousand records one by one.
    pub base: Result<&'static Base, Report>,
    /// Whether the base is read in place from a snapshot, so that an answer from it must wait
    /// until it is known that nothing read was damaged.
    pub from_snapshot: bool,
    pending: Option<Pending>,
}

/// What a parsed base leaves to store once its answer is written.
struct Pending {
    cache: Cache,
    key: Key,
    /// When the inputs were first looked at.
    built: i64,
    /// Whether the base is a snapshot with edited files checked against it, which only needs
    /// storing whole again; else it was parsed, and its parses and verdicts are kept too.
    edited: bool,
    /// The pieces of the fact files, the ones worth keeping.
    names: Vec<String>,
    /// The pieces this run parsed, encoded, to write; none on a base's first run.
    parsed: Vec<(String, Vec<u8>)>,
    /// The verbatim verdicts this run was given and those it reached, to keep if they differ:
    /// compared by the store, once the answer is out.
    verdicts: Verdicts,
}

/// The name of the piece that keeps a base's verbatim verdicts, found and not found.
const VERDICTS: &str = "verdicts2";

impl Opened {
    /// What is left to store of a base this run parsed, once its answer is written: nothing
    /// for a base read from a snapshot, or run without a cache.
    pub fn later(self) -> Option<Store> {
        let pending = self.pending?;
        Some(Store {
            base: self.base.ok(),
            pending,
        })
    }
}

/// The snapshot, kept parses and verdicts of a base this run parsed, to store once the answer
/// is out (see `store`, which decides in which process).
pub struct Store {
    /// The base, if it checked clean: only a clean base is stored.
    base: Option<&'static Base>,
    pending: Pending,
}

impl Store {
    /// Takes the lock that keeps two processes from storing the same base at once; `wait`
    /// blocks until another store of it ends, else `None` while one runs.
    pub fn lock(&self, wait: bool) -> Option<std::fs::File> {
        self.pending.cache.lock(self.pending.key, wait)
    }

    /// The descriptors the store writes through (the cache folder's): a detached child keeps
    /// these and closes every other it inherited.
    pub fn descriptors(&self) -> Vec<i32> {
        vec![self.pending.cache.raw_fd()]
    }

    /// Stores the snapshot of a base this run parsed and found clean, keeps the parses of the
    /// files parsed now, and drops the parses of files that are no longer in the base. Failing
    /// to store only means the next run parses again.
    pub fn run(self) {
        let p = self.pending;
        if p.edited {
            // A snapshot with the edit folded in; the kept parses stay as they are.
            if let Some(base) = self.base {
                p.cache.store(p.key, base, p.built);
            }
            return;
        }
        match self.base {
            Some(base) => p.cache.store(p.key, base, p.built),
            // A broken base keeps its pieces but no snapshot; old keys still age out.
            None => p.cache.prune(),
        }
        let pieces = p.cache.pieces(p.key);
        for (name, bytes) in &p.parsed {
            pieces.put_encoded(name, bytes);
        }
        let Verdicts { known, mut reached } = p.verdicts;
        reached.sort_unstable_by_key(|v| v.0);
        reached.dedup_by_key(|v| v.0);
        if reached.len() != known.len() || reached.iter().any(|(k, _)| !known.contains_key(k)) {
            pieces.put(VERDICTS, &reached);
        }
        let mut keep = p.names;
        keep.push(VERDICTS.to_string());
        pieces.keep_only(&keep);
    }
}

/// How to open a base.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// From a fresh snapshot if there is one; a parsed base is stored for next time.
    Cached,
    /// Parse, and store the result for next time (a snapshot turned out damaged).
    Rebuild,
    /// Parse, and store nothing (`--no-cache`).
    NoCache,
}

/// Opens the base made of `facts`, in order.
pub fn open(facts: &[FactsPath], mode: Mode) -> Opened {
    // Before any input is looked at: a file changed after this is caught by its stat or hash.
    let built = snapshot::now_ns();
    open_with(facts, mode, Cache::open(mode == Mode::NoCache), built)
}

/// [`open`], with this cache (if any), for inputs first looked at at `built`.
fn open_with(facts: &[FactsPath], mode: Mode, cache: Option<Cache>, built: i64) -> Opened {
    let mut listed: Vec<Vec<Listed>> = Vec::new();
    let mut problems = Vec::new();
    let mut key_parts: Vec<Vec<u8>> = Vec::new();
    let mut keyable = true;
    for path in facts {
        match path {
            FactsPath::Builtin => {
                key_parts.push(b"builtin".to_vec());
                key_parts.push(snapshot::builtin_hash(load::builtin_sources()).to_vec());
            }
            FactsPath::Disk(p) => {
                let (found, trouble) = load::list_paths(std::slice::from_ref(p));
                keyable &= trouble.is_empty();
                problems.extend(trouble);
                key_parts.push(p.as_os_str().as_encoded_bytes().to_vec());
                match p.canonicalize() {
                    Ok(c) => key_parts.push(c.as_os_str().as_encoded_bytes().to_vec()),
                    Err(_) => keyable = false,
                }
                listed.push(found);
            }
        }
    }
    let key = (cache.is_some() && keyable).then(|| Key::of(&key_parts));
    if mode == Mode::Cached
        && let (Some(c), Some(k)) = (&cache, key)
    {
        // A base's first run forks before the work, while this process is small (`handoff`):
        // here, before any thread starts.
        if !c.holds(k) {
            crate::handoff::fork_for_first_run();
        }
        let files: Vec<PathBuf> = listed.iter().flatten().map(|l| l.path.clone()).collect();
        match c.load(k, &files) {
            Found::Fresh(base) => {
                stats(format_args!("snapshot"));
                return Opened {
                    base: Ok(Box::leak(base)),
                    from_snapshot: true,
                    pending: None,
                };
            }
            // Only files on disk are numbered as inputs: with the built-in base among the
            // facts, a file's input and its place in the base would not be the same number.
            Found::Edited(base, edited) if !facts.contains(&FactsPath::Builtin) => {
                let all: Vec<&Listed> = listed.iter().flatten().collect();
                if let Some(base) = with_edits(base, &edited, &all) {
                    let files = if edited.len() == 1 { "file" } else { "files" };
                    stats(format_args!(
                        "snapshot, {} edited {files} checked",
                        edited.len()
                    ));
                    return Opened {
                        base: Ok(Box::leak(base)),
                        from_snapshot: true,
                        pending: cache.map(|cache| Pending {
                            cache,
                            key: k,
                            built,
                            edited: true,
                            names: Vec::new(),
                            parsed: Vec::new(),
                            verdicts: Verdicts::default(),
                        }),
                    };
                }
            }
            _ => {}
        }
    }
    let mut files = Vec::new();
    let mut listed = listed.into_iter();
    for path in facts {
        match path {
            FactsPath::Builtin => files.extend(
                load::builtin_files()
                    .into_iter()
                    .map(|f| ToParse::Read(Box::new(f))),
            ),
            FactsPath::Disk(_) => {
                let found = listed.next().unwrap_or_default();
                files.extend(found.into_iter().map(ToParse::OnDisk));
            }
        }
    }
    let Some((cache, key)) = cache.zip(key) else {
        let (raw, _, _, unread) = load::parse_cached(files, &load::Pieces::in_dir(None), false);
        problems.extend(unread);
        let base = check_raw(raw, problems, &mut Verdicts::default());
        return Opened {
            base: base.map(|b| &*Box::leak(Box::new(b))),
            from_snapshot: false,
            pending: None,
        };
    };
    // A base's first run keeps no parses: they pay only once a file changes, and the first
    // run is the one a user waits for. From the first rebuild on (the folder of kept parses is
    // there), the files parsed are kept.
    stats(format_args!("parsed {} files", files.len()));
    let kept = cache.kept_pieces(key);
    let keep = kept.is_some();
    let pieces = kept.unwrap_or_else(|| load::Pieces::in_dir(None));
    let (raw, names, parsed, unread) = load::parse_cached(files, &pieces, keep);
    problems.extend(unread);
    let known: Vec<(u128, Option<String>)> = pieces.get(VERDICTS).unwrap_or_default();
    let mut verdicts = Verdicts {
        known: known.into_iter().collect(),
        reached: Vec::new(),
    };
    let base = check_raw(raw, problems, &mut verdicts).map(|b| &*Box::leak(Box::new(b)));
    Opened {
        base,
        from_snapshot: false,
        pending: Some(Pending {
            cache,
            key,
            built,
            edited: false,
            names,
            parsed,
            verdicts,
        }),
    }
}

/// The base of a snapshot with its `edited` files (by index among `listed`) read again and put
/// in place, if each of them may be (see [`check::edit`]); `None` if the base must be parsed
/// and checked again.
fn with_edits(mut base: Box<Base>, edited: &[usize], listed: &[&Listed]) -> Option<Box<Base>> {
    if base.inputs.len() != listed.len() || base.files.len() != listed.len() {
        return None;
    }
    let mut patches = Vec::with_capacity(edited.len());
    for &n in edited {
        let (mut read, problems) = load::read_files(vec![(*listed.get(n)?).clone()]);
        let file = read
            .pop()
            .filter(|_| problems.is_empty() && read.is_empty())?;
        if file.display != base.files[n] {
            return None;
        }
        let input = file.input.clone()?;
        patches.push((
            n,
            input,
            check::edit::patch(&base, n as u32, load::parse(vec![file]))?,
        ));
    }
    // A patch that splices a run in moves the records after it: it goes alone.
    if patches.len() > 1 && patches.iter().any(|(_, _, p)| p.splices()) {
        return None;
    }
    for (n, input, patch) in patches {
        patch.apply(&mut base)?;
        base.inputs[n] = input;
    }
    Some(base)
}

/// With `KZ_OPEN_STATS=1`, says on stderr how the base was opened: for tests and benchmarks.
fn stats(how: std::fmt::Arguments) {
    if std::env::var_os("KZ_OPEN_STATS").is_some_and(|v| v == "1") {
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), "kz: open: {how}");
    }
}

/// Parses and checks files read with their read problems; every problem is reported, sorted.
pub fn check_files(files: Vec<FactFile>, read_problems: Vec<Diagnostic>) -> Result<Base, Report> {
    check_raw(load::parse(files), read_problems, &mut Verdicts::default())
}

fn check_raw(
    raw: load::Raw,
    read_problems: Vec<Diagnostic>,
    verdicts: &mut Verdicts,
) -> Result<Base, Report> {
    match check::build_with(raw, verdicts) {
        Ok(base) if read_problems.is_empty() => Ok(base),
        Ok(_) => Err(Report::new(read_problems, 0)),
        Err(report) => Err(report.merge(read_problems)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// The shipped base, copied into a folder of its own, with a cache folder beside it.
    fn setup() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let facts = dir.path().join("facts");
        copy(&Path::new(env!("CARGO_MANIFEST_DIR")).join("facts"), &facts);
        let cache = dir.path().join("kz");
        (dir, facts, cache)
    }

    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap().flatten() {
            let path = e.path();
            match path.is_dir() {
                true => copy(&path, &to.join(e.file_name())),
                false => {
                    std::fs::copy(&path, to.join(e.file_name())).unwrap();
                }
            }
        }
    }

    /// How a base was opened: from a fresh snapshot, from one with edited files checked
    /// against it, or parsed.
    #[derive(Debug, PartialEq)]
    enum How {
        Fresh,
        Edited,
        Parsed,
    }

    /// Opens the base through the cache and stores what the run leaves, as kz does once its
    /// answer is out; gives how it was opened and the base or its report.
    fn open_cached(facts: &Path, cache: &Path) -> (How, Result<&'static Base, Report>) {
        let opened = open_with(
            &[FactsPath::Disk(facts.to_path_buf())],
            Mode::Cached,
            Cache::at(cache),
            snapshot::now_ns(),
        );
        let how = match (&opened.pending, opened.from_snapshot) {
            (None, true) => How::Fresh,
            (Some(p), true) if p.edited => How::Edited,
            _ => How::Parsed,
        };
        let base = opened.base.clone();
        if let Some(store) = opened.later() {
            store.run();
        }
        (how, base)
    }

    /// What a parse and check of every file gives: the truth an edited snapshot must match.
    fn truth(facts: &Path) -> Result<Base, Report> {
        let (files, problems) = load::read_paths(&[facts.to_path_buf()]);
        check_files(files, problems)
    }

    /// Whether two bases hold the same records from the same files. A file put back as it was
    /// is known by its hash, whatever its times now: those are left out.
    fn same(got: &Base, mut want: Base) -> bool {
        let known = |b: &Base| -> Vec<(PathBuf, u64, u128)> {
            b.inputs
                .iter()
                .map(|i| (i.path.clone(), i.size, i.hash))
                .collect()
        };
        if known(got) != known(&want) {
            return false;
        }
        want.inputs = got.inputs.clone();
        // The indexes too, and where each file's records are, which the next edit starts from.
        *got == want && got.spans == want.spans && got.index().contents() == want.index().contents()
    }

    /// Replaces the first `from` in a fact file with `to`.
    fn edit(facts: &Path, file: &str, from: &str, to: &str) {
        let path = facts.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file} lacks {from:?}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }

    /// A file and the words an edit changes in it.
    type Change = (&'static str, &'static str, &'static str);

    /// Makes each edit in turn, opens the base through the cache, and checks that it was opened
    /// as said and is the base a full parse and check gives, indexes and all; and that the
    /// snapshot stored after it is too.
    fn check_edits(facts: &Path, cache: &Path, edits: &[(&[Change], How)]) {
        for (changes, want) in edits {
            for (file, from, to) in changes.iter() {
                edit(facts, file, from, to);
            }
            let (how, got) = open_cached(facts, cache);
            assert_eq!(&how, want, "{changes:?}");
            // An edited file's input is as a parse reads it, times and all: the next run
            // knows it by its stat.
            if let (How::Edited, Ok(got)) = (&how, got.as_ref()) {
                let want = truth(facts).unwrap();
                for (file, _, _) in changes.iter() {
                    let input = |b: &Base| {
                        let n = b.files.iter().position(|f| f.ends_with(file)).unwrap();
                        b.inputs[n].clone()
                    };
                    assert_eq!(input(got), input(&want), "{changes:?}: the inputs differ");
                }
            }
            match (got, truth(facts)) {
                (Ok(got), Ok(want)) => assert!(same(got, want), "{changes:?}: the bases differ"),
                (Err(got), Err(want)) => assert_eq!(got.diagnostics, want.diagnostics),
                (got, want) => panic!("{changes:?}: {:?} against {:?}", got.is_ok(), want.is_ok()),
            }
            // The edit is folded into a new snapshot, which answers the next run.
            let (how, again) = open_cached(facts, cache);
            if let Ok(again) = again {
                assert_eq!(how, How::Fresh, "{changes:?}");
                assert!(same(again, truth(facts).unwrap()), "{changes:?}");
            }
        }
    }

    #[test]
    fn an_edit_checked_against_the_snapshot_gives_the_base_a_full_check_gives() {
        let (_dir, facts, cache) = setup();
        assert_eq!(open_cached(&facts, &cache).0, How::Parsed);
        assert_eq!(open_cached(&facts, &cache).0, How::Fresh);
        // Each edit, in turn: the files and the words it changes, and whether the edited
        // files may be checked against the snapshot.
        let q = "quotes.yaml";
        let edits: &[(&[Change], How)] = &[
            // A context, a description, a date, a comment: checked record by record.
            (
                &[(
                    q,
                    "context: announcement of the CSTO",
                    "context: announcing the CSTO",
                )],
                How::Edited,
            ),
            (
                &[("events.yaml", "date: ../2022-01-08", "date: 2022-01-08")],
                How::Edited,
            ),
            (
                &[("actors.yaml", "description: >-", "description: |-")],
                How::Edited,
            ),
            (&[(q, "\nquotes:", "\n# a comment\nquotes:")], How::Edited),
            // Lines move: every record after the new ones is written further down.
            (&[(q, "quotes:\n", "quotes:\n\n\n")], How::Edited),
            // A reported quote's words are not verified against the source.
            (
                &[(
                    q,
                    "The alliance would be dispatching",
                    "The alliance would dispatch",
                )],
                How::Edited,
            ),
            // Evidence and a direct quote's words are verified against the source: these are
            // in it, and then these are not.
            (
                &[(q, "On Wednesday, Armenian Prime", "Armenian Prime")],
                How::Edited,
            ),
            (
                &[(q, "text: peacekeeping troops\n", "text: peacekeeping\n")],
                How::Edited,
            ),
            (
                &[(q, "text: external interference", "text: external meddling")],
                How::Parsed,
            ),
            (
                &[(q, "text: external meddling", "text: external interference")],
                How::Fresh,
            ),
            (
                &[(q, "the alliance would be", "the alliance will be")],
                How::Parsed,
            ),
            (
                &[(q, "the alliance will be", "the alliance would be")],
                How::Fresh,
            ),
            // Two files at once.
            (
                &[
                    (q, "announcing the CSTO", "announcement of the CSTO"),
                    ("actors.yaml", "description: |-", "description: >-"),
                ],
                How::Edited,
            ),
            // A name, a speaker, a new record: what indexes and other records depend on.
            (
                &[(
                    "actors.yaml",
                    "name: Kassym-Jomart Tokayev",
                    "name: K. Tokayev",
                )],
                How::Parsed,
            ),
            // A quote's speaker, a new quote, one taken away, one given a new id: the file's run
            // of quotes is spliced into the snapshot, whose indexes are read through the
            // change.
            (
                &[(
                    q,
                    "speaker: nikol-pashinyan",
                    "speaker: kassym-jomart-tokayev",
                )],
                How::Edited,
            ),
            (
                &[(
                    q,
                    "quotes:\n",
                    "quotes:\n  - id: a-new-one\n    speaker: nikol-pashinyan\n    text: New.\n    kind: reported\n    source: article\n",
                )],
                How::Edited,
            ),
            (
                &[(q, "  - id: a-new-one\n", "  - id: a-newer-one\n")],
                How::Edited,
            ),
            (
                &[(
                    q,
                    "  - id: a-newer-one\n    speaker: nikol-pashinyan\n    text: New.\n    kind: reported\n    source: article\n",
                    "",
                )],
                How::Edited,
            ),
            // Its id taken by a record of another kind, or its speaker unknown: the full check
            // reports it. Declared twice, it is merged with a dispute, which the full check
            // notes, and the snapshot then holds a merged quote, which no splice moves.
            (
                &[(
                    q,
                    "quotes:\n",
                    "quotes:\n  - id: csto\n    speaker: nikol-pashinyan\n    text: New.\n    kind: reported\n    source: article\n",
                )],
                How::Parsed,
            ),
            (
                &[(
                    q,
                    "  - id: csto\n",
                    "  - id: pashinyan-announces-dispatch\n",
                )],
                How::Parsed,
            ),
            (
                &[(
                    q,
                    "  - id: pashinyan-announces-dispatch\n    speaker: nikol-pashinyan\n    text: New.",
                    "  - id: a-new-one\n    speaker: nobody-known\n    text: New.",
                )],
                How::Parsed,
            ),
            (
                &[(
                    q,
                    "  - id: a-new-one\n    speaker: nobody-known\n    text: New.\n    kind: reported\n    source: article\n",
                    "",
                )],
                How::Parsed,
            ),
            // A new event before the others, and taken away again: the quotes about the events
            // that move are read through the renumbering.
            (
                &[(
                    "events.yaml",
                    "events:\n",
                    "events:\n  - id: a-new-event\n    title: Something happened\n    date: 2022-01-09\n    source: article\n",
                )],
                How::Edited,
            ),
            (
                &[(
                    "events.yaml",
                    "  - id: a-new-event\n    title: Something happened\n    date: 2022-01-09\n    source: article\n",
                    "",
                )],
                How::Edited,
            ),
            // A new event after the others moves none, and a quote may be about it at once;
            // then both are as they were.
            (
                &[(
                    "events.yaml",
                    LAST_EVENT,
                    kept(format!("{LAST_EVENT}{NEW_EVENT}")),
                )],
                How::Edited,
            ),
            (
                &[(
                    q,
                    ABOUT,
                    kept(format!("{}, a-last-event]", &ABOUT[..ABOUT.len() - 1])),
                )],
                How::Edited,
            ),
            (
                &[(
                    q,
                    kept(format!("{}, a-last-event]", &ABOUT[..ABOUT.len() - 1])),
                    ABOUT,
                )],
                How::Edited,
            ),
            (&[("events.yaml", NEW_EVENT, "")], How::Edited),
            // A problem: found by the full check, never answered around.
            (
                &[(q, "said: 2022-01-05\n", "said: 2022-13-05\n")],
                How::Parsed,
            ),
            // Put right, the file is as the last snapshot has it.
            (
                &[(q, "said: 2022-13-05\n", "said: 2022-01-05\n")],
                How::Fresh,
            ),
        ];
        check_edits(&facts, &cache, edits);
    }

    /// The last words of the shipped base's events, an event to add after them, and the
    /// references of a quote.
    const LAST_EVENT: &str = "listed as what the tweets justified.\n";
    const NEW_EVENT: &str = "\n  - id: a-last-event\n    title: Something else happened\n    date: 2022-01-10\n    source: article\n";
    const ABOUT: &str = "about: [csto, kazakhstan, kassym-jomart-tokayev]";

    /// A text made at run time, kept for the rest of the test run, as the edits' words are.
    fn kept(text: String) -> &'static str {
        Box::leak(text.into_boxed_str())
    }

    /// A base of three files, each with a source, a person, two quotes and an event; the
    /// second quote of each is about the first file's event.
    fn three_files() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let facts = dir.path().join("facts");
        std::fs::create_dir_all(&facts).unwrap();
        for n in 1..=3 {
            let yaml = format!(
                "sources:\n  - id: s{n}\n    title: Report {n}\n    url: https://example.org/{n}\n\
                 actors:\n  - id: a{n}\n    name: Person Number{n}\n    description: Someone.\n    source: s{n}\n\
                 quotes:\n  - id: q{n}-1\n    speaker: a{n}\n    text: First words of {n}\n    kind: reported\n    source: s{n}\n\
                 \x20 - id: q{n}-2\n    speaker: a1\n    text: Second words of {n}\n    kind: reported\n    about: [e1-1]\n    source: s{n}\n\
                 events:\n  - id: e{n}-1\n    title: Happening {n}\n    date: 2022-01-0{n}\n    involving: [a{n}]\n    source: s{n}\n"
            );
            std::fs::write(facts.join(format!("f{n}.yaml")), yaml).unwrap();
        }
        let cache = dir.path().join("kz");
        (dir, facts, cache)
    }

    /// The second file's event, and one to add beside it.
    const E2_1: &str = "  - id: e2-1\n    title: Happening 2\n    date: 2022-01-02\n    involving: [a2]\n    source: s2\n";
    const E2_NEW: &str =
        "  - id: e2-new\n    title: A third happening\n    date: 2022-03-01\n    source: s2\n";

    #[test]
    fn quotes_or_events_added_or_taken_away_are_spliced_into_the_snapshot() {
        let (_dir, facts, cache) = three_files();
        assert_eq!(open_cached(&facts, &cache).0, How::Parsed);
        assert_eq!(open_cached(&facts, &cache).0, How::Fresh);
        let quote = |id: &str, speaker: &str| {
            format!(
                "  - id: {id}\n    speaker: {speaker}\n    text: More words\n    kind: reported\n    source: s2\n"
            )
        };
        let q2_2 = "  - id: q2-2\n    speaker: a1\n    text: Second words of 2\n    kind: reported\n    about: [e1-1]\n    source: s2\n";
        let before_q2 = kept(format!("{}  - id: q2-2\n", quote("q2-new", "a3")));
        let all_quotes = kept(format!("quotes:\n{}{q2_2}", quote("q2-new", "a2")));
        let one_back = kept(format!("quotes:\n{q2_2}events:\n"));
        let with_event = "events:\n  - id: e3-new\n    title: Another happening\n    date: 2022-02-01\n    source: s3\n";
        let edits: &[(&[Change], How)] = &[
            // A quote added in the middle file: the third file's quotes move up by one.
            (&[("f2.yaml", "  - id: q2-2\n", before_q2)], How::Edited),
            // Its speaker changed, and another of the file's quotes taken away.
            (
                &[(
                    "f2.yaml",
                    "speaker: a3\n    text: More",
                    "speaker: a2\n    text: More",
                )],
                How::Edited,
            ),
            (
                &[(
                    "f2.yaml",
                    "  - id: q2-1\n    speaker: a2\n    text: First words of 2\n    kind: reported\n    source: s2\n",
                    "",
                )],
                How::Edited,
            ),
            // Every quote of the file taken away, then one put back into its empty run.
            (&[("f2.yaml", all_quotes, "")], How::Edited),
            (&[("f2.yaml", "events:\n", one_back)], How::Edited),
            // An event added to the last file, and renamed: its title is a name the indexes
            // find it by.
            (&[("f3.yaml", "events:\n", with_event)], How::Edited),
            (
                &[(
                    "f3.yaml",
                    "title: Another happening",
                    "title: A renamed happening",
                )],
                How::Edited,
            ),
            // An event added where later events are referred to (each file's second quote is
            // about the first file's event, which is before it, but the third file's new quote
            // refers to the second's, which moves): the quote is read through the renumbering.
            (
                &[("f3.yaml", "about: [e1-1]", "about: [e2-1]")],
                How::Edited,
            ),
            (
                &[(
                    "f2.yaml",
                    "events:\n",
                    "events:\n  - id: e2-new\n    title: A third happening\n    date: 2022-03-01\n    source: s2\n",
                )],
                How::Edited,
            ),
            (&[("f2.yaml", E2_NEW, "")], How::Edited),
            (
                &[("f2.yaml", E2_1, kept(format!("{E2_1}{E2_NEW}")))],
                How::Edited,
            ),
            (&[("f2.yaml", E2_NEW, "")], How::Edited),
            // The event referred to taken away: the full check reports the dangling reference;
            // put back, the file is as the snapshot has it.
            (&[("f2.yaml", E2_1, "")], How::Parsed),
            (
                &[("f2.yaml", "events:\n", kept(format!("events:\n{E2_1}")))],
                How::Fresh,
            ),
            (
                &[("f2.yaml", "events:\n", kept(format!("events:\n{E2_NEW}")))],
                How::Edited,
            ),
            // A quote about a quote after it, and back; quotes and events changed at once; two
            // files, one of them spliced.
            (
                &[("f1.yaml", "about: [e1-1]", "about: [q3-1]")],
                How::Edited,
            ),
            (
                &[("f1.yaml", "about: [q3-1]", "about: [e1-1]")],
                How::Edited,
            ),
            (
                &[
                    ("f2.yaml", "  - id: q2-2\n", "  - id: q2-second\n"),
                    ("f2.yaml", "  - id: e2-new\n", "  - id: e2-newer\n"),
                ],
                How::Parsed,
            ),
            (
                &[
                    ("f2.yaml", "  - id: q2-second\n", "  - id: q2-2\n"),
                    (
                        "f1.yaml",
                        "text: First words of 1",
                        "text: First words of one",
                    ),
                ],
                How::Parsed,
            ),
            (
                &[("f3.yaml", "  - id: q3-1\n", "  - id: q3-first\n")],
                How::Edited,
            ),
        ];
        check_edits(&facts, &cache, edits);
    }

    /// A file that holds a second declaration of another file's record, or the record another
    /// file's `same_as` joins, changes that record when edited: it is parsed again in full.
    #[test]
    fn a_file_that_declares_part_of_a_merged_record_is_parsed_again() {
        let (_dir, facts, cache) = three_files();
        assert_eq!(open_cached(&facts, &cache).0, How::Parsed);
        let again = "  - id: q1-1\n    speaker: a1\n    text: First words of 1\n    kind: reported\n    source: s2\n";
        let before_q2_2 = kept(format!("{again}  - id: q2-2\n"));
        let joins = "    source: s1\n    same_as: [q2-1]\n";
        let edits: &[(&[Change], How)] = &[
            // A second declaration of the first file's quote, taken away again, alone or for
            // a new quote.
            (&[("f2.yaml", "  - id: q2-2\n", before_q2_2)], How::Parsed),
            (&[("f2.yaml", again, "")], How::Parsed),
            (&[("f2.yaml", "  - id: q2-2\n", before_q2_2)], How::Parsed),
            (
                &[(
                    "f2.yaml",
                    again,
                    "  - id: q2-new\n    speaker: a2\n    text: New\n    kind: reported\n    source: s2\n",
                )],
                How::Parsed,
            ),
            // The first file's quote joins the second's, which is then renamed (a dangling
            // `same_as`, which the full check reports) and named back, as the snapshot has it.
            (
                &[(
                    "f1.yaml",
                    "    source: s1\n  - id: q1-2\n",
                    kept(format!("{joins}  - id: q1-2\n")),
                )],
                How::Parsed,
            ),
            (
                &[("f2.yaml", "  - id: q2-1\n", "  - id: q2-first\n")],
                How::Parsed,
            ),
            (
                &[("f2.yaml", "  - id: q2-first\n", "  - id: q2-1\n")],
                How::Fresh,
            ),
        ];
        check_edits(&facts, &cache, edits);
    }

    /// A record taken away that another record of the same file refers to: the edit resolved
    /// the reference against the snapshot, which still has the record, so only the
    /// renumbering tells that it is gone, and the full check reports it.
    #[test]
    fn a_reference_to_a_record_taken_away_in_the_same_file_is_parsed_again() {
        let (_dir, facts, cache) = three_files();
        assert_eq!(open_cached(&facts, &cache).0, How::Parsed);
        let edits: &[(&[Change], How)] = &[
            (
                &[("f2.yaml", "about: [e1-1]", "about: [q2-1]")],
                How::Edited,
            ),
            (
                &[(
                    "f2.yaml",
                    "  - id: q2-1\n    speaker: a2\n    text: First words of 2\n    kind: reported\n    source: s2\n",
                    "",
                )],
                How::Parsed,
            ),
        ];
        check_edits(&facts, &cache, edits);
    }

    /// A merged quote one of whose declarations (a deprecated one, which the indexes do not
    /// list) is about an event that moves, or that is taken away.
    #[test]
    fn a_merged_declaration_that_refers_to_a_moved_record_is_renumbered() {
        let (_dir, facts, cache) = three_files();
        assert_eq!(open_cached(&facts, &cache).0, How::Parsed);
        let merged = "  - id: q-m\n    speaker: a1\n    text: Merged words\n    kind: reported\n";
        let first = kept(format!("quotes:\n{merged}    source: s1\n"));
        let deprecated = kept(format!(
            "quotes:\n{merged}    rank: deprecated\n    about: [e3-1]\n    source: s3\n"
        ));
        let e2_new = kept(format!("events:\n{E2_NEW}"));
        let edits: &[(&[Change], How)] = &[
            (&[("f1.yaml", "quotes:\n", first)], How::Edited),
            (&[("f3.yaml", "quotes:\n", deprecated)], How::Parsed),
            // The third file's event moves; the declaration in the third file follows it.
            (&[("f2.yaml", "events:\n", e2_new)], How::Edited),
            (&[("f2.yaml", E2_NEW, "")], How::Edited),
            // About the second file's event, which is then taken away: the full check
            // reports it; put back, the file is as the snapshot has it.
            (
                &[("f3.yaml", "about: [e3-1]", "about: [e2-1]")],
                How::Parsed,
            ),
            (&[("f2.yaml", E2_1, "")], How::Parsed),
            (
                &[("f2.yaml", "events:\n", kept(format!("events:\n{E2_1}")))],
                How::Fresh,
            ),
        ];
        check_edits(&facts, &cache, edits);
    }

    /// A quote of the model: its id, speaker, what it is about, and whether it is a deprecated
    /// second declaration of a quote another file declares.
    type ModelQuote = (String, String, Option<String>, bool);
    /// An event of the model: its id, title and who is involved.
    type ModelEvent = (String, String, String);

    /// A base of three files, written from a model that random edits change, for
    /// `random_edits_give_the_base_a_full_check_gives`.
    #[derive(Clone, Default)]
    struct Model {
        /// Per file: its quotes and events.
        files: [(Vec<ModelQuote>, Vec<ModelEvent>); 3],
    }

    impl Model {
        fn yaml(&self, n: usize) -> String {
            let f = n + 1;
            let mut y = format!(
                "sources:\n  - id: s{f}\n    title: Report {f}\n    url: https://example.org/{f}\n\
                 actors:\n  - id: a{f}\n    name: Person Number{f}\n    description: Someone.\n    source: s{f}\n"
            );
            let (quotes, events) = &self.files[n];
            y.push_str("quotes:\n");
            for (id, speaker, about, deprecated) in quotes {
                y.push_str(&format!(
                    "  - id: {id}\n    speaker: {speaker}\n    text: Words of {id}\n    kind: reported\n    source: s{f}\n"
                ));
                if *deprecated {
                    y.push_str("    rank: deprecated\n");
                }
                if let Some(about) = about {
                    y.push_str(&format!("    about: [{about}]\n"));
                }
            }
            y.push_str("events:\n");
            for (id, title, who) in events {
                y.push_str(&format!(
                    "  - id: {id}\n    title: {title}\n    date: 2022-01-0{f}\n    involving: [{who}]\n    source: s{f}\n"
                ));
            }
            y
        }

        /// Whether any quote is about `id`.
        fn referred(&self, id: &str) -> bool {
            self.files
                .iter()
                .flat_map(|(q, _)| q)
                .any(|(_, _, about, _)| about.as_deref() == Some(id))
        }

        /// Every quote and event id, in order.
        fn ids(&self) -> Vec<String> {
            let quotes = self.files.iter().flat_map(|(q, _)| q).map(|q| q.0.clone());
            let events = self.files.iter().flat_map(|(_, e)| e).map(|e| e.0.clone());
            quotes.chain(events).collect()
        }
    }

    /// Random edits of every kind the splice takes or refuses, one or two files at a time, each
    /// answered from the snapshot where it may be and checked against a full parse: the records,
    /// the indexes and each file's runs must be the ones a full check gives, whichever way the
    /// base was opened.
    #[test]
    fn random_edits_give_the_base_a_full_check_gives() {
        let dir = tempfile::tempdir().unwrap();
        let (facts, cache) = (dir.path().join("facts"), dir.path().join("kz"));
        std::fs::create_dir_all(&facts).unwrap();
        let mut model = Model::default();
        for (n, (quotes, events)) in model.files.iter_mut().enumerate() {
            let f = n + 1;
            quotes.push((format!("q{f}"), format!("a{f}"), None, false));
            events.push((format!("e{f}"), format!("Happening {f}"), format!("a{f}")));
        }
        let write = |model: &Model, n: usize| {
            std::fs::write(facts.join(format!("f{}.yaml", n + 1)), model.yaml(n)).unwrap();
        };
        (0..3).for_each(|n| write(&model, n));
        assert_eq!(open_cached(&facts, &cache).0, How::Parsed);
        // xorshift: the same edits on every run.
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = |below: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % below as u64) as usize
        };
        let mut counts = [0; 3];
        for step in 0..300 {
            let before = model.clone();
            let mut edited = vec![next(3)];
            if next(8) == 0 {
                edited.push((edited[0] + 1 + next(2)) % 3);
            }
            for &n in &edited {
                let ids = model.ids();
                let actor = format!("a{}", next(3) + 1);
                let about = match next(3) {
                    0 => Some(ids[next(ids.len())].clone()),
                    _ => None,
                };
                let (quotes, events) = &model.files[n];
                let (nq, ne) = (quotes.len(), events.len());
                let new = format!("x{step}-{n}");
                // Now and then a record something refers to is taken away or renamed: the
                // reference is then left dangling, which only the full check may report.
                let dangle = next(4) == 0;
                match next(10) {
                    0 | 1 => {
                        let at = next(nq + 1);
                        model.files[n].0.insert(at, (new, actor, about, false));
                    }
                    2 if nq > 0 => {
                        let at = next(nq);
                        if dangle || !model.referred(&model.files[n].0[at].0) {
                            model.files[n].0.remove(at);
                        }
                    }
                    3 if nq > 0 => {
                        let at = next(nq);
                        if dangle || !model.referred(&model.files[n].0[at].0) {
                            model.files[n].0[at].0 = new;
                        }
                    }
                    4 if nq > 0 => {
                        let at = next(nq);
                        let quote = &mut model.files[n].0[at];
                        // Not about itself.
                        if about.as_deref() != Some(&quote.0) {
                            (quote.1, quote.2) = (actor, about);
                        }
                    }
                    5 => {
                        let at = next(ne + 1);
                        model.files[n]
                            .1
                            .insert(at, (new, "A happening".into(), actor));
                    }
                    6 if ne > 0 => {
                        let at = next(ne);
                        if dangle || !model.referred(&model.files[n].1[at].0) {
                            model.files[n].1.remove(at);
                        }
                    }
                    7 if ne > 0 => {
                        let at = next(ne);
                        model.files[n].1[at].1 = format!("Retitled at {step}");
                    }
                    // A deprecated second declaration of another file's quote, which is
                    // merged into it, with references of its own that the indexes do not list.
                    8 if !model.files.iter().any(|(q, _)| q.iter().any(|q| q.3)) => {
                        let others: Vec<String> = (0..3)
                            .filter(|&m| m != n)
                            .flat_map(|m| model.files[m].0.iter())
                            .filter(|q| !q.3)
                            .map(|q| q.0.clone())
                            .collect();
                        if !others.is_empty() {
                            let id = others[next(others.len())].clone();
                            let at = next(nq + 1);
                            model.files[n].0.insert(at, (id, actor, about, true));
                        }
                    }
                    // One at a time, taken away again.
                    9 => {
                        for (quotes, _) in model.files.iter_mut() {
                            quotes.retain(|q| !q.3);
                        }
                        (0..3).filter(|&m| m != n).for_each(|m| write(&model, m));
                    }
                    _ => {}
                }
                write(&model, n);
            }
            let (how, got) = open_cached(&facts, &cache);
            counts[how as usize] += 1;
            match (got, truth(&facts)) {
                (Ok(got), Ok(want)) => assert!(same(got, want), "step {step}: the bases differ"),
                (Err(got), Err(want)) => {
                    assert_eq!(got.diagnostics, want.diagnostics, "step {step}");
                    // Put right: the files as the snapshot has them.
                    model = before;
                    (0..3).for_each(|n| write(&model, n));
                }
                (got, want) => panic!("step {step}: {:?} against {:?}", got.is_ok(), want.is_ok()),
            }
            let (how, again) = open_cached(&facts, &cache);
            assert_eq!(how, How::Fresh, "step {step}");
            assert!(same(again.unwrap(), truth(&facts).unwrap()), "step {step}");
        }
        // Both ways were taken, often.
        let [_, edited, parsed] = counts;
        assert!(edited >= 80 && parsed >= 40, "{counts:?}");
    }
}
