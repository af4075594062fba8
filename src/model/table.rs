//! A table of records of one kind: held in memory, or read in place from bytes (a mapped
//! snapshot) and decoded one record at a time, on first use.
//!
//! In place, each record is its own postcard blob with its own checksum, so a query decodes only
//! the records it touches, and a damaged record is noticed when it is read. A record that fails
//! its checksum or its decoding marks the table's base as damaged and reads as a default record;
//! the caller then answers again from the fact files (see `cmd::dispatch`), so nothing read from
//! a damaged snapshot is ever shown.

use serde::Serialize;
use serde::de::DeserializeOwned;
use std::ops::{Index, Range};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use xxhash_rust::xxh3::xxh3_64;

/// Bytes that tables and indexes read in place: a snapshot file mapped into memory, or a buffer.
pub type Bytes = Arc<dyn AsRef<[u8]> + Send + Sync>;

/// What a record must be to live in a table read in place.
pub trait Record: DeserializeOwned + Serialize + Default + Send + Sync {}

impl<T: DeserializeOwned + Serialize + Default + Send + Sync> Record for T {}

/// Bytes per entry of a table in place: where its record ends, and the record's checksum.
pub const ENTRY: usize = 16;

/// Records per chunk of decoded records: chunks are made only where records are read.
const CHUNK: usize = 256;

/// The records of one kind, in file order.
pub struct Table<T> {
    inner: Inner<T>,
}

enum Inner<T> {
    Owned(Vec<T>),
    Mapped(Mapped<T>),
}

/// A chunk of decoded records, made on first touch; each record decoded on first use.
type Chunk<T> = OnceLock<Box<[OnceLock<T>]>>;

/// A table read in place: `entries` holds, for each record, the end of its bytes in `data`
/// (u64, little-endian) and their xxh3 checksum (u64); record `i` starts where `i - 1` ends.
struct Mapped<T> {
    bytes: Bytes,
    entries: Range<usize>,
    data: Range<usize>,
    len: usize,
    chunks: Box<[Chunk<T>]>,
    damaged: Arc<AtomicBool>,
    /// What a read past the end gives (an index that names a record the table does not have):
    /// a default record, with the base marked damaged.
    past_end: OnceLock<T>,
    /// The records of one edited file put in place of its run of records, when it holds a
    /// different number of them than before (see [`Table::splice`]).
    window: Option<Window<T>>,
    /// What the records read from the snapshot that may refer to records an edit moved are
    /// read through, and which records those are, sorted (see [`Table::renumber`]).
    renumber: Option<(Renumbering<T>, Vec<u32>)>,
}

/// A change made to each record read in place, as it is decoded.
pub type Renumbering<T> = Arc<dyn Fn(&mut T) + Send + Sync>;

/// An edited file's records in place of its old run of `old` records from `start` on: the
/// table's records from `start + records.len()` on are the snapshot's from `start + old` on.
struct Window<T> {
    start: usize,
    old: usize,
    records: Vec<T>,
}

/// Where a record of a table read in place is: in the snapshot, by its place there, or among
/// the records of an edited file's window, by its place there.
enum At {
    Mapped(usize),
    Window(usize),
}

/// Appends one record's bytes to a table's data, and its entry: where it ends, and its checksum.
fn append(entries: &mut Vec<u8>, data: &mut Vec<u8>, blob: &[u8]) {
    data.extend_from_slice(blob);
    entries.extend_from_slice(&(data.len() as u64).to_le_bytes());
    entries.extend_from_slice(&xxh3_64(blob).to_le_bytes());
}

/// A chunk with no record decoded yet.
fn empty_chunk<T>() -> Box<[OnceLock<T>]> {
    (0..CHUNK).map(|_| OnceLock::new()).collect()
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table {
            inner: Inner::Owned(Vec::new()),
        }
    }
}

impl<T> From<Vec<T>> for Table<T> {
    fn from(records: Vec<T>) -> Self {
        Table {
            inner: Inner::Owned(records),
        }
    }
}

impl<T: Record> Table<T> {
    /// A table read in place from `bytes`: `len` entries at `entries`, their records in `data`.
    /// `None` unless the ranges are inside the bytes and the entries fit exactly. A damaged
    /// record found later sets `damaged`.
    pub fn mapped(
        bytes: Bytes,
        entries: Range<usize>,
        data: Range<usize>,
        len: usize,
        damaged: Arc<AtomicBool>,
    ) -> Option<Table<T>> {
        let size = (*bytes).as_ref().len();
        let fits = |r: &Range<usize>| r.start <= r.end && r.end <= size;
        if !fits(&entries) || !fits(&data) || entries.len() != len.checked_mul(ENTRY)? {
            return None;
        }
        let chunks = (0..len.div_ceil(CHUNK)).map(|_| OnceLock::new()).collect();
        Some(Table {
            inner: Inner::Mapped(Mapped {
                bytes,
                entries,
                data,
                len,
                chunks,
                damaged,
                past_end: OnceLock::new(),
                window: None,
                renumber: None,
            }),
        })
    }

    /// The entries and data of a table in place for `records`: what [`Table::mapped`] reads.
    /// `None` if a record cannot be encoded, so that no snapshot holds a record it would read
    /// back as damaged.
    pub fn encode(records: &[T]) -> Option<(Vec<u8>, Vec<u8>)> {
        use rayon::prelude::*;
        let blobs: Vec<Vec<u8>> = records
            .par_iter()
            .map(|r| postcard::to_stdvec(r).ok())
            .collect::<Option<_>>()?;
        let mut entries = Vec::with_capacity(records.len() * ENTRY);
        let mut data = Vec::with_capacity(blobs.iter().map(Vec::len).sum());
        for blob in blobs {
            append(&mut entries, &mut data, &blob);
        }
        Some((entries, data))
    }

    /// The entries and data of this table as [`Table::mapped`] reads them. A table read in
    /// place gives its records' bytes as they are, but for records put since (an edit's),
    /// which are encoded. `None` if a record cannot be encoded or a record read in place is
    /// damaged.
    pub fn encoded(&self) -> Option<(Vec<u8>, Vec<u8>)> {
        match &self.inner {
            Inner::Owned(v) => Table::encode(v),
            Inner::Mapped(m) => m.encoded(),
        }
    }
}

impl<T> Table<T> {
    pub fn len(&self) -> usize {
        match &self.inner {
            Inner::Owned(v) => v.len(),
            Inner::Mapped(m) => m.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The records, when the table is held in memory.
    pub fn as_slice(&self) -> Option<&[T]> {
        match &self.inner {
            Inner::Owned(v) => Some(v),
            Inner::Mapped(_) => None,
        }
    }
}

impl<T: Record> Table<T> {
    /// Puts `records` in place of the table's records from `start` on: the records of a file
    /// edited since the snapshot the table is read from. `None`, changing nothing, if they do
    /// not fit.
    pub fn put(&mut self, start: usize, records: Vec<T>) -> Option<()> {
        match &mut self.inner {
            Inner::Owned(v) => {
                let end = start.checked_add(records.len())?;
                v.get_mut(start..end)?
                    .iter_mut()
                    .zip(records)
                    .for_each(|(old, new)| *old = new);
                Some(())
            }
            Inner::Mapped(m) => m.put(start, records),
        }
    }

    /// Puts `records` in place of the `old` records from `start` on, however many they are:
    /// the records of a file edited since the snapshot the table is read from, when the edit
    /// added or removed some. Every record after them moves by the difference. `None`, changing
    /// nothing, if the old run is not in the table, or a table read in place has had a run
    /// replaced so already.
    pub fn splice(&mut self, start: usize, old: usize, records: Vec<T>) -> Option<()> {
        if start.checked_add(old)? > self.len() {
            return None;
        }
        match &mut self.inner {
            Inner::Owned(v) => {
                v.splice(start..start + old, records);
                Some(())
            }
            Inner::Mapped(m) if m.window.is_none() => {
                m.window = Some(Window {
                    start,
                    old,
                    records,
                });
                Some(())
            }
            Inner::Mapped(_) => None,
        }
    }

    /// Reads the records `only` names (sorted; in a table in memory, every record) through `f`
    /// from now on: those decoded already, and each decoded later; records put or spliced in
    /// afterwards are taken as they are. `f` must leave any other record as it is. `None`,
    /// changing nothing, if a table read in place has been renumbered or spliced already.
    pub fn renumber(&mut self, f: Renumbering<T>, only: Vec<u32>) -> Option<()> {
        match &mut self.inner {
            Inner::Owned(v) => v.iter_mut().for_each(|r| f(r)),
            Inner::Mapped(m) => {
                if m.renumber.is_some() || m.window.is_some() {
                    return None;
                }
                for &i in &only {
                    let i = i as usize;
                    let chunk = m.chunks.get_mut(i / CHUNK).and_then(OnceLock::get_mut);
                    let record = chunk.and_then(|c| c.get_mut(i % CHUNK)?.get_mut());
                    if let Some(record) = record {
                        f(record);
                    }
                }
                if !only.is_empty() {
                    m.renumber = Some((f, only));
                }
            }
        }
        Some(())
    }

    /// Record `i`, decoded afresh (or as put, or already decoded) without keeping it: `None` if
    /// there is none or it is damaged.
    pub fn decoded(&self, i: usize) -> Option<T>
    where
        T: Clone,
    {
        match &self.inner {
            Inner::Owned(v) => v.get(i).cloned(),
            Inner::Mapped(m) => match m.at(i)? {
                At::Window(w) => m.window.as_ref()?.records.get(w).cloned(),
                At::Mapped(i) => m.kept(i).cloned().or_else(|| m.decode(i)),
            },
        }
    }

    /// Every record, in order, each decoded as it is reached.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &T> + '_ {
        (0..self.len()).map(move |i| &self[i])
    }

    /// Calls `f` with every record, in order, without keeping what it decodes: a pass over a
    /// table read in place (an export) holds one record at a time, however large the table.
    /// Records already decoded are used as they are. The first error `f` returns ends the pass
    /// (a closed pipe decodes nothing more).
    pub fn each<E>(&self, mut f: impl FnMut(usize, &T) -> Result<(), E>) -> Result<(), E> {
        match &self.inner {
            Inner::Owned(v) => v.iter().enumerate().try_for_each(|(i, r)| f(i, r)),
            Inner::Mapped(m) => (0..m.len()).try_for_each(|n| {
                let i = match m.at(n) {
                    Some(At::Mapped(i)) => i,
                    Some(At::Window(_)) | None => return f(n, m.get(n)),
                };
                match m.kept(i) {
                    Some(record) => f(n, record),
                    None => match m.decode(i) {
                        Some(record) => f(n, &record),
                        None => {
                            m.damaged.store(true, Ordering::Relaxed);
                            f(n, &T::default())
                        }
                    },
                }
            }),
        }
    }

    /// The records as a vector, decoding every one.
    pub fn to_vec(&self) -> Vec<T>
    where
        T: Clone,
    {
        self.iter().cloned().collect()
    }
}

impl<T> Mapped<T> {
    /// How many records the table holds, an edited file's window counted as it is now.
    fn len(&self) -> usize {
        match &self.window {
            Some(w) => self.len - w.old + w.records.len(),
            None => self.len,
        }
    }

    /// Where record `i` of the table is; `None` past its end.
    fn at(&self, i: usize) -> Option<At> {
        if i >= self.len() {
            return None;
        }
        Some(match &self.window {
            Some(w) if i >= w.start + w.records.len() => At::Mapped(i - w.records.len() + w.old),
            Some(w) if i >= w.start => At::Window(i - w.start),
            _ => At::Mapped(i),
        })
    }
}

impl<T: Record> Mapped<T> {
    fn get(&self, i: usize) -> &T {
        let i = match (self.at(i), &self.window) {
            (Some(At::Window(w)), Some(window)) => return &window.records[w],
            (Some(At::Mapped(i)), _) => i,
            _ => usize::MAX,
        };
        let Some(chunk) = self.chunks.get(i / CHUNK).filter(|_| i < self.len) else {
            self.damaged.store(true, Ordering::Relaxed);
            return self.past_end.get_or_init(T::default);
        };
        let chunk = chunk.get_or_init(empty_chunk);
        chunk[i % CHUNK].get_or_init(|| {
            self.decode(i).unwrap_or_else(|| {
                self.damaged.store(true, Ordering::Relaxed);
                T::default()
            })
        })
    }

    fn decode(&self, i: usize) -> Option<T> {
        let (mut record, rest) = postcard::take_from_bytes(self.blob(i)?).ok()?;
        if let Some((f, _)) = &self.renumber
            && self.renumbered(i)
        {
            f(&mut record);
        }
        rest.is_empty().then_some(record)
    }

    /// Whether record `i` of the snapshot is read through a renumbering.
    fn renumbered(&self, i: usize) -> bool {
        let only = self.renumber.as_ref().map(|(_, only)| only);
        only.is_some_and(|only| u32::try_from(i).is_ok_and(|i| only.binary_search(&i).is_ok()))
    }

    /// Record `i`'s bytes, if they pass their checksum.
    fn blob(&self, i: usize) -> Option<&[u8]> {
        let bytes = (*self.bytes).as_ref();
        let entry = |k: usize, half: usize| -> Option<usize> {
            let at = self.entries.start + k * ENTRY + half * 8;
            let raw = bytes.get(at..at + 8)?;
            usize::try_from(u64::from_le_bytes(raw.try_into().ok()?)).ok()
        };
        let end = entry(i, 0)?;
        let sum = entry(i, 1)? as u64;
        let start = if i == 0 { 0 } else { entry(i - 1, 0)? };
        if start > end || end > self.data.len() {
            return None;
        }
        let blob = bytes.get(self.data.start + start..self.data.start + end)?;
        (xxh3_64(blob) == sum).then_some(blob)
    }

    /// The record at `i` if it is decoded already (read, or put by an edit).
    fn kept(&self, i: usize) -> Option<&T> {
        self.chunks.get(i / CHUNK)?.get()?.get(i % CHUNK)?.get()
    }

    /// See [`Table::encoded`].
    fn encoded(&self) -> Option<(Vec<u8>, Vec<u8>)> {
        let mut entries = Vec::with_capacity(self.len() * ENTRY);
        let mut data = Vec::with_capacity(self.data.len());
        for n in 0..self.len() {
            let encoded;
            let (kept, i) = match (self.at(n)?, &self.window) {
                (At::Window(w), Some(window)) => (Some(window.records.get(w)?), None),
                (At::Mapped(i), _) => (self.kept(i), Some(i)),
                (At::Window(_), None) => return None,
            };
            let blob = match kept {
                Some(record) => {
                    encoded = postcard::to_stdvec(record).ok()?;
                    &encoded[..]
                }
                // A record read through a renumbering is stored as it reads.
                None if self.renumbered(i?) => {
                    encoded = postcard::to_stdvec(&self.decode(i?)?).ok()?;
                    &encoded[..]
                }
                None => self.blob(i?)?,
            };
            append(&mut entries, &mut data, blob);
        }
        // A record that failed its checksum when read is kept as a default one: none is stored.
        (!self.damaged.load(Ordering::Relaxed)).then_some((entries, data))
    }

    /// Puts `records` in place of those from `start` on, as if decoded already.
    fn put(&mut self, start: usize, records: Vec<T>) -> Option<()> {
        if start.checked_add(records.len())? > self.len || self.window.is_some() {
            return None;
        }
        for (i, record) in (start..).zip(records) {
            let chunk = self.chunks.get_mut(i / CHUNK)?;
            if chunk.get().is_none() {
                let _ = chunk.set(empty_chunk());
            }
            *chunk.get_mut()?.get_mut(i % CHUNK)? = OnceLock::from(record);
        }
        Some(())
    }
}

impl<'a, T: Record> IntoIterator for &'a Table<T> {
    type Item = &'a T;
    type IntoIter = Box<dyn ExactSizeIterator<Item = &'a T> + 'a>;

    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

impl<T: Record> Index<usize> for Table<T> {
    type Output = T;

    fn index(&self, i: usize) -> &T {
        match &self.inner {
            Inner::Owned(v) => &v[i],
            Inner::Mapped(m) => m.get(i),
        }
    }
}

impl<T: Record + std::fmt::Debug> std::fmt::Debug for Table<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T: Record + PartialEq> PartialEq for Table<T> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().zip(other.iter()).all(|(a, b)| a == b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Rec {
        id: String,
        n: u32,
    }

    fn sample(n: usize) -> Vec<Rec> {
        (0..n)
            .map(|i| Rec {
                id: format!("rec-{i}"),
                n: i as u32 * 7,
            })
            .collect()
    }

    fn in_place(records: &[Rec], damage: impl Fn(&mut Vec<u8>)) -> (Table<Rec>, Arc<AtomicBool>) {
        let (entries, data) = Table::encode(records).unwrap();
        let mut bytes = b"head".to_vec();
        let e = bytes.len()..bytes.len() + entries.len();
        bytes.extend_from_slice(&entries);
        let d = bytes.len()..bytes.len() + data.len();
        bytes.extend_from_slice(&data);
        damage(&mut bytes);
        let damaged = Arc::new(AtomicBool::new(false));
        let table = Table::mapped(Arc::new(bytes), e, d, records.len(), damaged.clone()).unwrap();
        (table, damaged)
    }

    #[test]
    fn a_table_in_place_reads_as_the_records() {
        for n in [0, 1, 255, 256, 257, 1000] {
            let records = sample(n);
            let (table, damaged) = in_place(&records, |_| {});
            assert_eq!(table.len(), n);
            assert_eq!(table.to_vec(), records);
            assert_eq!(table, Table::from(records));
            assert!(!damaged.load(Ordering::Relaxed));
        }
    }

    #[test]
    fn a_run_spliced_into_a_table_in_place_reads_as_spliced_in_memory() {
        let records = sample(600);
        for (start, old, new) in [
            (0, 0, 3),
            (10, 5, 0),
            (250, 10, 30),
            (590, 10, 1),
            (600, 0, 2),
        ] {
            let (mut table, damaged) = in_place(&records, |_| {});
            // A record decoded before the splice is kept where it moves to.
            let _ = &table[599];
            let run: Vec<Rec> = (0..new)
                .map(|i| Rec {
                    id: format!("new-{i}"),
                    n: i,
                })
                .collect();
            let mut want = records.clone();
            want.splice(start..start + old, run.clone());
            table.splice(start, old, run.clone()).unwrap();
            assert_eq!(table.len(), want.len());
            assert_eq!(table.to_vec(), want);
            assert_eq!(
                (0..want.len())
                    .map(|i| table.decoded(i).unwrap())
                    .collect::<Vec<_>>(),
                want
            );
            let mut each = Vec::new();
            table
                .each(|_, r| {
                    each.push(r.clone());
                    Ok::<_, ()>(())
                })
                .unwrap();
            assert_eq!(each, want);
            let (entries, data) = table.encoded().unwrap();
            assert_eq!((entries, data), Table::encode(&want).unwrap());
            assert!(table.decoded(want.len()).is_none());
            assert!(!damaged.load(Ordering::Relaxed));
            // One window at a time, and no record put in place around it.
            assert!(table.splice(0, 0, run.clone()).is_none());
            assert!(table.put(0, vec![Rec::default()]).is_none());
            let mut owned = Table::from(records.clone());
            owned.splice(start, old, run).unwrap();
            assert_eq!(owned, Table::from(want));
        }
    }

    #[test]
    fn a_damaged_record_is_noticed_not_shown() {
        let records = sample(10);
        let (table, damaged) = in_place(&records, |b| {
            let last = b.len() - 2;
            b[last] ^= 0x55;
        });
        assert_eq!(table[0], records[0], "undamaged records read as written");
        assert!(!damaged.load(Ordering::Relaxed));
        assert_eq!(table[9], Rec::default());
        assert!(damaged.load(Ordering::Relaxed));
        let bytes: Bytes = Arc::new(vec![0u8; 40]);
        let flag = Arc::new(AtomicBool::new(false));
        assert!(Table::<Rec>::mapped(bytes.clone(), 0..32, 32..40, 3, flag.clone()).is_none());
        assert!(Table::<Rec>::mapped(bytes, 0..32, 32..41, 2, flag).is_none());
        // A record past the end (an index of a damaged snapshot may name one): damage, not a
        // panic.
        let (table, damaged) = in_place(&records, |_| {});
        for past in [10, 256, usize::MAX] {
            assert_eq!(table[past], Rec::default());
        }
        assert!(damaged.load(Ordering::Relaxed));
    }
}
