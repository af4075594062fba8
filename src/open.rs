//! Opening the fact base: from a snapshot when no input changed, otherwise by reading, parsing
//! and checking the files. What it opened says whether a snapshot is still to be stored, which
//! the caller does once the answer is written.

use crate::check::{self, Verdicts};
use crate::diag::{Diagnostic, Report};
use crate::load::snapshot::{self, Cache, Found, Key};
use crate::load::{self, FactFile, Listed};
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
    /// The pieces of the fact files, the ones worth keeping.
    names: Vec<String>,
    /// The pieces this run parsed, encoded, to write; none on a base's first run.
    parsed: Vec<(String, Vec<u8>)>,
    /// The verbatim verdicts this run reached, and whether they differ from those it was given.
    verdicts: Vec<(u128, Option<String>)>,
    verdicts_changed: bool,
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
        match self.base {
            Some(base) => p.cache.store(p.key, base, p.built),
            // A broken base keeps its pieces but no snapshot; old keys still age out.
            None => p.cache.prune(),
        }
        let pieces = p.cache.pieces(p.key);
        for (name, bytes) in &p.parsed {
            pieces.put_encoded(name, bytes);
        }
        if p.verdicts_changed {
            pieces.put(VERDICTS, &p.verdicts);
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
    let cache = Cache::open(mode == Mode::NoCache);
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
        && let (Some(cache), Some(key)) = (&cache, key)
    {
        let files: Vec<PathBuf> = listed.iter().flatten().map(|l| l.path.clone()).collect();
        if let Found::Fresh(base) = cache.load(key, &files) {
            return Opened {
                base: Ok(Box::leak(base)),
                from_snapshot: true,
                pending: None,
            };
        }
    }
    let mut files = Vec::new();
    let mut listed = listed.into_iter();
    for path in facts {
        match path {
            FactsPath::Builtin => files.extend(load::builtin_files()),
            FactsPath::Disk(_) => {
                let (read, trouble) = load::read_files(listed.next().unwrap_or_default());
                files.extend(read);
                problems.extend(trouble);
            }
        }
    }
    let Some((cache, key)) = cache.zip(key) else {
        let base = check_files(files, problems).map(|b| &*Box::leak(Box::new(b)));
        return Opened {
            base,
            from_snapshot: false,
            pending: None,
        };
    };
    // A base's first run keeps no parses: they pay only once a file changes, and the first
    // run is the one a user waits for. From the first rebuild on (the folder of kept parses is
    // there), the files parsed are kept.
    let kept = cache.kept_pieces(key);
    let keep = kept.is_some();
    let pieces = kept.unwrap_or_else(|| load::Pieces::in_dir(None));
    let (raw, names, parsed) = load::parse_cached(files, &pieces, keep);
    let known: Vec<(u128, Option<String>)> = pieces.get(VERDICTS).unwrap_or_default();
    let mut verdicts = Verdicts {
        known: known.into_iter().collect(),
        reached: Vec::new(),
    };
    let base = check_raw(raw, problems, &mut verdicts).map(|b| &*Box::leak(Box::new(b)));
    verdicts.reached.sort_unstable_by_key(|v| v.0);
    verdicts.reached.dedup_by_key(|v| v.0);
    let verdicts_changed = verdicts.reached.len() != verdicts.known.len()
        || verdicts
            .reached
            .iter()
            .any(|(k, _)| !verdicts.known.contains_key(k));
    Opened {
        base,
        from_snapshot: false,
        pending: Some(Pending {
            cache,
            key,
            built,
            names,
            parsed,
            verdicts: verdicts.reached,
            verdicts_changed,
        }),
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
