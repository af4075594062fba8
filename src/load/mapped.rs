//! Mapping a snapshot file into memory: the one place kz uses `unsafe`.

use crate::model::table::Bytes;
use std::sync::Arc;

/// The bytes of a file, mapped read-only into memory, or `None` if it cannot be mapped.
pub fn map(file: &std::fs::File) -> Option<Bytes> {
    // SAFETY: a mapping is undefined behaviour if the file changes while mapped. kz maps only
    // snapshots in its own cache folder, and never changes a snapshot in place: each is written
    // to a temporary file and renamed over the old one, which leaves a mapping of the old file
    // intact. Every byte read from the mapping is bounds-checked and checksummed, so whatever
    // the file holds cannot make a read go wrong, only fail. What kz cannot rule out is another
    // program truncating the file in place while it is mapped (`> file`, a cache cleaner that
    // truncates rather than removes): a read past the new end then stops kz with SIGBUS. No
    // wrong answer is printed, but the run ends without one; run again and the snapshot is
    // rebuilt.
    let map = unsafe { memmap2::Mmap::map(file) }.ok()?;
    Some(Arc::new(map))
}
