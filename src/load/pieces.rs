//! The parsed records of each fact file, kept between runs so that when some files of a base
//! change only those are parsed again. The checks that span files (ids, references, cycles,
//! quotes against their sources) always run again over the whole base.
//!
//! A piece is found by the xxh3-128 hash of its file's bytes, so it can never be stale: an
//! edited file has another hash. Only files that parsed without a problem are kept; a file with
//! problems is parsed, and its problems reported, every time. Each piece is a file of its own,
//! written to a temporary file and renamed into place, and carries a checksum: a damaged or
//! foreign piece is ignored and the file parsed again.

use super::locate::Unit;
use super::{ParsedFile, Records, SECTIONS};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use xxhash_rust::xxh3::xxh3_64;

/// The first bytes of a piece; bump the digit whenever the layout of raw records changes.
const MAGIC: &[u8; 8] = b"KZPIECE1";

/// The folder of pieces of one base.
#[derive(Debug, Clone)]
pub struct Pieces {
    dir: PathBuf,
}

/// How a unit is stored: a chunk as it is, a whole-file parse by its section's place in
/// [`SECTIONS`].
#[derive(Serialize, Deserialize)]
enum StoredUnit {
    Chunk {
        end: usize,
        items: Vec<(usize, u32)>,
    },
    Whole(u8),
}

/// What a piece holds: a clean file's parse units and records, with file number 0.
#[derive(Serialize, Deserialize)]
struct Stored {
    units: Vec<StoredUnit>,
    records: Records,
}

impl Pieces {
    /// The pieces kept in `dir`.
    pub fn at(dir: PathBuf) -> Pieces {
        Pieces { dir }
    }

    fn path(&self, hash: u128) -> PathBuf {
        self.dir.join(format!("{hash:032x}"))
    }

    /// The parse of a file with these bytes, as file number `file` of the base, if kept.
    pub(super) fn get(&self, hash: u128, file: u32) -> Option<ParsedFile> {
        let bytes = std::fs::read(self.path(hash)).ok()?;
        let body = bytes.strip_prefix(MAGIC)?;
        let (sum, body) = body.split_first_chunk::<8>()?;
        if xxh3_64(body) != u64::from_le_bytes(*sum) {
            return None;
        }
        let stored: Stored = postcard::from_bytes(body).ok()?;
        let units = stored
            .units
            .into_iter()
            .map(|u| match u {
                StoredUnit::Chunk { end, items } => Some(Unit::Chunk { end, items }),
                StoredUnit::Whole(s) => Some(Unit::Whole {
                    section: SECTIONS.get(s as usize)?,
                }),
            })
            .collect::<Option<Vec<Unit>>>()?;
        let mut records = stored.records;
        records.set_file(file);
        Some(ParsedFile {
            units,
            records,
            ..ParsedFile::default()
        })
    }

    /// Keeps the parse of a file with these bytes, if it found no problem. Failing to keep it
    /// only means the file is parsed again next time.
    pub(super) fn put(&self, hash: u128, parsed: &ParsedFile) {
        if !parsed.diagnostics.is_empty()
            || !parsed.broken_ids.is_empty()
            || !parsed.broken_fields.is_empty()
        {
            return;
        }
        let units = parsed
            .units
            .iter()
            .map(|u| match u {
                Unit::Chunk { end, items } => Some(StoredUnit::Chunk {
                    end: *end,
                    items: items.clone(),
                }),
                Unit::Whole { section } => SECTIONS
                    .iter()
                    .position(|s| s == section)
                    .map(|s| StoredUnit::Whole(s as u8)),
            })
            .collect::<Option<Vec<_>>>();
        let Some(units) = units else {
            return;
        };
        let mut records = parsed.records.clone();
        records.set_file(0);
        let Ok(body) = postcard::to_stdvec(&Stored { units, records }) else {
            return;
        };
        let sum = xxh3_64(&body).to_le_bytes();
        let _ =
            super::snapshot::write_atomically(&self.dir, &self.path(hash), &[MAGIC, &sum, &body]);
    }

    /// Removes every piece but those of files with these hashes.
    pub fn keep_only(&self, hashes: &[u128]) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let keep: rustc_hash::FxHashSet<String> =
            hashes.iter().map(|h| format!("{h:032x}")).collect();
        for entry in entries.flatten() {
            let name = entry.file_name();
            if !name.to_str().is_some_and(|n| keep.contains(n)) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{builtin_files, parse_file};

    #[test]
    fn a_kept_piece_reads_back_as_its_parse() {
        let dir = tempfile::tempdir().unwrap();
        let pieces = Pieces::at(dir.path().join("p"));
        for (i, file) in builtin_files().iter().enumerate() {
            let parsed = parse_file(i as u32, file);
            assert!(parsed.diagnostics.is_empty());
            pieces.put(i as u128, &parsed);
            let back = pieces.get(i as u128, i as u32).expect("kept");
            assert_eq!(
                format!("{:?}", back.records),
                format!("{:?}", parsed.records)
            );
            assert_eq!(back.units, parsed.units);
            // Any damage: ignored, never misread.
            let path = pieces.path(i as u128);
            let mut bytes = std::fs::read(&path).unwrap();
            let at = bytes.len() / 2;
            bytes[at] ^= 1;
            std::fs::write(&path, &bytes).unwrap();
            assert!(pieces.get(i as u128, 0).is_none());
        }
        pieces.keep_only(&[]);
        assert_eq!(std::fs::read_dir(dir.path().join("p")).unwrap().count(), 0);
    }
}
