//! What kz keeps of each fact file between runs (its parse), so that when some files of a base
//! change only those are parsed again. The checks that span files (ids, references, cycles,
//! quotes against their sources) always run again over the whole base.
//!
//! A piece is found by the xxh3-128 hash of its file's bytes, so it can never be stale: an
//! edited file has another hash. Each piece is a file of its own, written to a temporary file
//! and renamed into place, and carries a checksum: a damaged or foreign piece is ignored and the
//! file parsed again.

use super::cachedir::{Dir, is_temporary};
use rustix::fs::FileType;
use serde::Serialize;
use serde::de::DeserializeOwned;
use xxhash_rust::xxh3::xxh3_64;

/// The first bytes of a piece; bump the digit whenever the layout of raw records changes, or
/// what makes a parse clean (a piece is only kept of a file with no problem).
const MAGIC: &[u8; 8] = b"KZPIECE2";

/// The folder of pieces of one base, in a cache folder of the user's own; none when it could not
/// be made or is not the user's, and then nothing is kept.
#[derive(Debug)]
pub struct Pieces {
    dir: Option<Dir>,
}

impl Pieces {
    /// The pieces kept in `dir`.
    pub fn in_dir(dir: Option<Dir>) -> Pieces {
        Pieces { dir }
    }

    /// The name of the piece of a file with these bytes.
    pub fn name_of(hash: u128) -> String {
        format!("{hash:032x}")
    }

    /// What was kept under `name` (a file's [`Pieces::name_of`], or another part of the base's
    /// memory), if it is there and whole.
    pub fn get<T: DeserializeOwned>(&self, name: &str) -> Option<T> {
        let bytes = self.dir.as_ref()?.read(name)?;
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
        if let Some(bytes) = Pieces::encode(piece) {
            self.put_encoded(name, &bytes);
        }
    }

    /// A piece as [`Pieces::put`] writes it, to write later with [`Pieces::put_encoded`].
    pub fn encode<T: Serialize>(piece: &T) -> Option<Vec<u8>> {
        let body = postcard::to_stdvec(piece).ok()?;
        let sum = xxh3_64(&body).to_le_bytes();
        Some([MAGIC.as_slice(), &sum, &body].concat())
    }

    /// Keeps a piece encoded by [`Pieces::encode`].
    pub fn put_encoded(&self, name: &str, bytes: &[u8]) {
        let Some(dir) = &self.dir else { return };
        let _ = dir.write(name, &[bytes]);
    }

    /// Removes every piece but those named, and the temporary files of runs killed while
    /// writing one. Only what kz made goes: a regular file that starts as a piece does, or a
    /// stale temporary file of kz's naming; anything else in the folder is left alone.
    pub fn keep_only(&self, names: &[String]) {
        let Some(dir) = &self.dir else { return };
        let keep: rustc_hash::FxHashSet<&str> = names.iter().map(String::as_str).collect();
        for e in dir.entries() {
            if e.kind == FileType::RegularFile
                && !keep.contains(e.name.as_str())
                && made(dir, &e.name)
            {
                dir.remove(&e.name);
            }
        }
        dir.prune_temporaries();
    }

    /// Removes every piece, and the folder once nothing else is in it.
    pub(super) fn remove_all(parent: &Dir, name: &str) {
        if let Some(dir) = parent.sub(name, false) {
            Pieces { dir: Some(dir) }.keep_only(&[]);
        }
        parent.remove_dir(name);
    }
}

/// Whether the file `name` is a piece kz made: it starts with the pieces' magic bytes.
fn made(dir: &Dir, name: &str) -> bool {
    use std::io::Read;
    if is_temporary(name) {
        return false;
    }
    let mut head = [0u8; 8];
    dir.open_file(name)
        .is_some_and(|mut f| f.read_exact(&mut head).is_ok() && &head == MAGIC)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_piece_reads_back_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let pieces = Pieces::in_dir(Dir::open(&dir.path().join("p")).ok());
        let piece = (String::from("records"), vec![1u32, 2, 3]);
        pieces.put("7", &piece);
        pieces.put("8", &piece);
        assert_eq!(pieces.get::<(String, Vec<u32>)>("7"), Some(piece));
        let path = dir.path().join("p/7");
        let good = std::fs::read(&path).unwrap();
        for at in 0..good.len() {
            let mut bytes = good.clone();
            bytes[at] ^= 1;
            std::fs::write(&path, &bytes).unwrap();
            assert_eq!(pieces.get::<(String, Vec<u32>)>("7"), None, "byte {at}");
        }
        std::fs::write(&path, &good[..good.len() - 1]).unwrap();
        assert_eq!(pieces.get::<(String, Vec<u32>)>("7"), None, "cut short");
        std::fs::write(dir.path().join("p/notes.txt"), "a user's file").unwrap();
        pieces.keep_only(&["8".to_string()]);
        assert_eq!(std::fs::read_dir(dir.path().join("p")).unwrap().count(), 2);
        assert!(pieces.get::<(String, Vec<u32>)>("8").is_some());
        assert!(
            dir.path().join("p/notes.txt").exists(),
            "not kz's: left alone"
        );
    }
}
