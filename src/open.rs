//! Opening the fact base: from a snapshot when no input changed, otherwise by reading, parsing
//! and checking the files. What it opened says whether a snapshot is still to be stored, which
//! the caller does once the answer is written.

use crate::check;
use crate::diag::{Diagnostic, Report};
use crate::load::snapshot::{self, Cache, Key};
use crate::load::{self, FactFile};
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
    pending: Option<(Cache, Key)>,
}

impl Opened {
    /// Stores the snapshot of a base this run parsed and found clean. Failing to store only
    /// means the next run parses again.
    pub fn store_snapshot(self) {
        if let (Ok(base), Some((cache, key))) = (self.base, self.pending) {
            cache.store(key, base);
        }
    }
}

/// Opens the base made of `facts`, in order: answered from the snapshot cache when `cache` is
/// on and nothing changed, else parsed and checked.
pub fn open(facts: &[FactsPath], cache: bool) -> Opened {
    let cache = Cache::open(!cache);
    let mut listed = Vec::new();
    let mut problems = Vec::new();
    let mut keys = Vec::new();
    let mut keyable = true;
    for path in facts {
        match path {
            FactsPath::Builtin => keys.push(snapshot::key_for_builtin(load::builtin_sources())),
            FactsPath::Disk(p) => {
                let (found, trouble) = load::list_paths(std::slice::from_ref(p));
                keyable &= trouble.is_empty();
                problems.extend(trouble);
                if cache.is_some() && keyable {
                    let paths: Vec<PathBuf> = found.iter().map(|l| l.path.clone()).collect();
                    match snapshot::key_for_files(&paths) {
                        Some(k) => keys.push(k),
                        None => keyable = false,
                    }
                }
                listed.push(found);
            }
        }
    }
    let key = (cache.is_some() && keyable).then(|| snapshot::combine(&keys));
    if let (Some(cache), Some(key)) = (&cache, key)
        && let Some(base) = cache.load(key)
    {
        return Opened {
            base: Ok(Box::leak(Box::new(base))),
            pending: None,
        };
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
    let base = check_files(files, problems).map(|b| &*Box::leak(Box::new(b)));
    Opened {
        base,
        pending: cache.zip(key),
    }
}

/// Parses and checks files read with their read problems; every problem is reported, sorted.
pub fn check_files(files: Vec<FactFile>, read_problems: Vec<Diagnostic>) -> Result<Base, Report> {
    let raw = load::parse(files);
    match check::build(raw) {
        Ok(base) if read_problems.is_empty() => Ok(base),
        Ok(_) => Err(Report::new(read_problems, 0)),
        Err(report) => Err(report.merge(read_problems)),
    }
}
