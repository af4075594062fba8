//! What kz keeps of each fact file between runs (its parse), so that when some files of a base
//! change only those are parsed again. The checks that span files (ids, references, cycles,
//! quotes against their sources) always run again over the whole base.
//!
//! A piece is found by the xxh3-128 hash of its file's bytes, so it can never be stale: an
//! edited file has another hash. Each piece is a file of its own, written to a temporary file
//! and renamed into place, and carries a checksum: a damaged or foreign piece is ignored and the
//! file parsed again.

use serde::Serialize;
use serde::de::DeserializeOwned;
use std::io::Write;
use std::path::{Path, PathBuf};
use xxhash_rust::xxh3::xxh3_64;

/// The first bytes of a piece; bump the digit whenever the layout of raw records changes.
const MAGIC: &[u8; 8] = b"KZPIECE1";

/// The folder of pieces of one base.
#[derive(Debug, Clone)]
pub struct Pieces {
    dir: PathBuf,
}

impl Pieces {
    /// The pieces kept in `dir`.
    pub fn at(dir: PathBuf) -> Pieces {
        Pieces { dir }
    }

    /// The name of the piece of a file with these bytes.
    pub fn name_of(hash: u128) -> String {
        format!("{hash:032x}")
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// What was kept under `name` (a file's [`Pieces::name_of`], or another part of the base's
    /// memory), if it is there and whole.
    pub fn get<T: DeserializeOwned>(&self, name: &str) -> Option<T> {
        let bytes = std::fs::read(self.path(name)).ok()?;
        let body = bytes.strip_prefix(MAGIC)?;
        let (sum, body) = body.split_first_chunk::<8>()?;
        if xxh3_64(body) != u64::from_le_bytes(*sum) {
            return None;
        }
        postcard::from_bytes(body).ok()
    }

    /// Keeps something under `name`. Failing to keep it only means it is worked out again next
    /// time.
    pub fn put<T: Serialize>(&self, name: &str, piece: &T) {
        let Ok(body) = postcard::to_stdvec(piece) else {
            return;
        };
        let sum = xxh3_64(&body).to_le_bytes();
        let _ = write_atomically(&self.dir, &self.path(name), &[MAGIC, &sum, &body]);
    }

    /// Removes every piece but those named.
    pub fn keep_only(&self, names: &[String]) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let keep: rustc_hash::FxHashSet<&str> = names.iter().map(String::as_str).collect();
        for entry in entries.flatten() {
            let name = entry.file_name();
            if !name.to_str().is_some_and(|n| keep.contains(n)) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// Writes a file in `dir` by a temporary file renamed into place, so no reader sees half of it.
/// No fsync: a file torn by a crash fails its checksums and is rebuilt.
pub(super) fn write_atomically(dir: &Path, path: &Path, parts: &[&[u8]]) -> Option<()> {
    std::fs::create_dir_all(dir).ok()?;
    let tmp = tempfile::NamedTempFile::new_in(dir).ok()?;
    let mut out = std::io::BufWriter::new(tmp);
    for part in parts {
        out.write_all(part).ok()?;
    }
    let tmp = out.into_inner().ok()?;
    tmp.persist(path).ok()?;
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_piece_reads_back_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let pieces = Pieces::at(dir.path().join("p"));
        let piece = (String::from("records"), vec![1u32, 2, 3]);
        pieces.put("7", &piece);
        pieces.put("8", &piece);
        assert_eq!(pieces.get::<(String, Vec<u32>)>("7"), Some(piece));
        let path = pieces.path("7");
        let good = std::fs::read(&path).unwrap();
        for at in 0..good.len() {
            let mut bytes = good.clone();
            bytes[at] ^= 1;
            std::fs::write(&path, &bytes).unwrap();
            assert_eq!(pieces.get::<(String, Vec<u32>)>("7"), None, "byte {at}");
        }
        std::fs::write(&path, &good[..good.len() - 1]).unwrap();
        assert_eq!(pieces.get::<(String, Vec<u32>)>("7"), None, "cut short");
        pieces.keep_only(&["8".to_string()]);
        assert_eq!(std::fs::read_dir(dir.path().join("p")).unwrap().count(), 1);
        assert!(pieces.get::<(String, Vec<u32>)>("8").is_some());
    }
}
