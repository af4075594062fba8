//! The warm path: a snapshot of the checked base, so an unchanged base is never parsed twice.
//!
//! A snapshot is keyed by kz's version and the path and content of every fact file, so it cannot
//! be stale; the source texts it was checked against are re-hashed on every load. It is written
//! to a temporary file and renamed into place, so a reader never sees half of one. A snapshot
//! that is truncated, corrupt, from another version or unreadable is ignored and rebuilt.
//! Only a clean base is ever stored.
//!
//! The records are stored in independent, checksummed parts of a few thousand records each, so
//! a load verifies and decodes them in parallel.

use crate::model::{Actor, Base, Event, KindDecl, Organisation, Place, Quote, Source};
use rayon::prelude::*;
use serde::de::{self, DeserializeSeed, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use xxhash_rust::xxh3::{Xxh3, xxh3_128};

const MAGIC: &[u8; 8] = b"KZSNAP\0\x04";
const VERSION: &str = env!("CARGO_PKG_VERSION");
/// Snapshots kept in the cache folder; older ones are removed.
const KEEP: usize = 16;
/// Records per part of a snapshot: small enough to spread over cores, big enough to be cheap.
const PART: usize = 4096;

/// A content hash of every input of a base.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key(u128);

impl Key {
    fn hex(self) -> String {
        format!("{:032x}", self.0)
    }
}

/// Hashes kz's version and each file's path and bytes. Files are hashed in parallel, then
/// combined in order. `None` when a file cannot be read: the normal path will report it.
pub fn key_for_files(paths: &[PathBuf]) -> Option<Key> {
    let hashes: Vec<Option<(u128, u64)>> = paths.par_iter().map(|p| hash_file(p)).collect();
    let mut h = Xxh3::new();
    h.update(VERSION.as_bytes());
    for (path, hash) in paths.iter().zip(hashes) {
        let (hash, len) = hash?;
        let display = path.display().to_string();
        h.update(&(display.len() as u64).to_le_bytes());
        h.update(display.as_bytes());
        h.update(&len.to_le_bytes());
        h.update(&hash.to_le_bytes());
    }
    Some(Key(h.digest128()))
}

/// One key for a base read from several inputs, in order.
pub fn combine(keys: &[Key]) -> Key {
    let mut h = Xxh3::new();
    for k in keys {
        h.update(&k.0.to_le_bytes());
    }
    Key(h.digest128())
}

/// The key of the base built into the binary.
pub fn key_for_builtin(files: &[(&str, &str)]) -> Key {
    let mut h = Xxh3::new();
    h.update(VERSION.as_bytes());
    h.update(b"builtin");
    for (path, text) in files {
        h.update(&(path.len() as u64).to_le_bytes());
        h.update(path.as_bytes());
        h.update(&(text.len() as u64).to_le_bytes());
        h.update(text.as_bytes());
    }
    Key(h.digest128())
}

/// A file's content hash and length, read in blocks. `None` for anything but a regular file
/// within the size limit, which the normal path reports.
fn hash_file(path: &Path) -> Option<(u128, u64)> {
    let mut h = Xxh3::new();
    let file = std::fs::File::open(path).ok()?;
    let meta = file.metadata().ok()?;
    if !meta.is_file() || meta.len() > crate::load::MAX_FILE_BYTES {
        return None;
    }
    let mut file = file.take(crate::load::MAX_FILE_BYTES + 1);
    // On the stack: a thousand small source texts must not cost a thousand allocations.
    let mut buf = [0u8; 64 * 1024];
    let mut len = 0u64;
    loop {
        let n = file.read(&mut buf).ok()?;
        if n == 0 {
            return Some((h.digest128(), len));
        }
        len += n as u64;
        h.update(&buf[..n]);
    }
}

/// The small records of a base, and the source texts it was checked against with their hashes.
#[derive(Serialize, Deserialize)]
struct Head {
    texts: Vec<(PathBuf, u128)>,
    files: Vec<String>,
    source_texts: Vec<PathBuf>,
    sources: Vec<Source>,
    organisations: Vec<Organisation>,
    places: Vec<Place>,
    kinds: Vec<KindDecl>,
}

/// What a part of a snapshot holds: the head, or a slice of one of the large kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Head = 0,
    Actors = 1,
    Quotes = 2,
    Events = 3,
}

impl Section {
    fn from_byte(b: u8) -> Option<Section> {
        [
            Section::Head,
            Section::Actors,
            Section::Quotes,
            Section::Events,
        ]
        .get(b as usize)
        .copied()
    }
}

/// The cache folder: `$XDG_CACHE_HOME/kz` or `~/.cache/kz`.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    /// The cache, unless turned off (`--no-cache`, `KZ_NO_CACHE`) or without a home for it.
    pub fn open(disabled: bool) -> Option<Cache> {
        let off = std::env::var_os("KZ_NO_CACHE").is_some_and(|v| !v.is_empty() && v != "0");
        if disabled || off {
            return None;
        }
        let base = std::env::var_os("XDG_CACHE_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .or_else(|| {
                std::env::var_os("HOME")
                    .filter(|v| !v.is_empty())
                    .map(|h| PathBuf::from(h).join(".cache"))
            })?;
        Some(Cache {
            dir: base.join("kz"),
        })
    }

    /// A cache in the given folder.
    pub fn at(dir: PathBuf) -> Cache {
        Cache { dir }
    }

    fn path(&self, key: Key) -> PathBuf {
        self.dir.join(format!("{}.snap", key.hex()))
    }

    /// The base stored under `key`, if a whole, valid snapshot of this version is there and the
    /// source texts it was checked against are unchanged.
    ///
    /// Its parts are read, verified and decoded in parallel, a part at a time per core, while
    /// the source texts are re-hashed; the snapshot is never held in memory whole.
    pub fn load(&self, key: Key) -> Option<Base> {
        let file = std::fs::File::open(self.path(key)).ok()?;
        let parts = directory(&file, key)?;
        let (first, rest) = parts.split_first()?;
        if first.section != Section::Head {
            return None;
        }
        let head: Head = postcard::from_bytes(&read_part(&file, first)?).ok()?;
        let total = |section| {
            rest.iter()
                .filter(|p| p.section == section)
                .map(|p| p.count)
                .sum::<usize>()
        };
        let mut actors = empty_slots(total(Section::Actors));
        let mut quotes = empty_slots(total(Section::Quotes));
        let mut events = empty_slots(total(Section::Events));
        let (filled, texts_ok) = rayon::join(
            || {
                let mut tasks = Vec::with_capacity(rest.len());
                let (mut a, mut q, mut e) = (&mut actors[..], &mut quotes[..], &mut events[..]);
                for part in rest {
                    let task = match part.section {
                        Section::Actors => Slots::Actors(carve(&mut a, part.count)?),
                        Section::Quotes => Slots::Quotes(carve(&mut q, part.count)?),
                        Section::Events => Slots::Events(carve(&mut e, part.count)?),
                        Section::Head => return None,
                    };
                    tasks.push((part, task));
                }
                tasks
                    .into_par_iter()
                    .all(|(part, slots)| fill(&file, part, slots).is_some())
                    .then_some(())
            },
            || {
                head.texts
                    .par_iter()
                    .all(|(path, hash)| hash_file(path).map(|h| h.0) == Some(*hash))
            },
        );
        filled?;
        if !texts_ok {
            return None;
        }
        let mut base = Base::default();
        base.files = head.files;
        base.source_texts = head.source_texts;
        base.sources = head.sources;
        base.organisations = head.organisations;
        base.places = head.places;
        base.kinds = head.kinds;
        base.actors = filled_slots(actors)?;
        base.quotes = filled_slots(quotes)?;
        base.events = filled_slots(events)?;
        Some(base)
    }

    /// Stores a clean base under `key`. Failing to store is not an error: it only means the
    /// next run parses again.
    pub fn store(&self, key: Key, base: &Base) {
        let _ = self.try_store(key, base);
    }

    fn try_store(&self, key: Key, base: &Base) -> Option<()> {
        let texts = base
            .source_texts
            .par_iter()
            .map(|p| Some((p.clone(), hash_file(p)?.0)))
            .collect::<Option<Vec<_>>>()?;
        let head = Head {
            texts,
            files: base.files.clone(),
            source_texts: base.source_texts.clone(),
            sources: base.sources.clone(),
            organisations: base.organisations.clone(),
            places: base.places.clone(),
            kinds: base.kinds.clone(),
        };
        let mut parts: Vec<(Section, usize, Option<Vec<u8>>)> =
            vec![(Section::Head, 1, postcard::to_stdvec(&head).ok())];
        let encoded = |section, chunks: Vec<Option<Vec<u8>>>, lens: Vec<usize>| {
            chunks
                .into_iter()
                .zip(lens)
                .map(move |(bytes, n)| (section, n, bytes))
        };
        let actors = base
            .actors
            .par_chunks(PART)
            .map(|c| postcard::to_stdvec(c).ok())
            .collect();
        parts.extend(encoded(
            Section::Actors,
            actors,
            base.actors.chunks(PART).map(<[_]>::len).collect(),
        ));
        let quotes = base
            .quotes
            .par_chunks(PART)
            .map(|c| postcard::to_stdvec(c).ok())
            .collect();
        parts.extend(encoded(
            Section::Quotes,
            quotes,
            base.quotes.chunks(PART).map(<[_]>::len).collect(),
        ));
        let events = base
            .events
            .par_chunks(PART)
            .map(|c| postcard::to_stdvec(c).ok())
            .collect();
        parts.extend(encoded(
            Section::Events,
            events,
            base.events.chunks(PART).map(<[_]>::len).collect(),
        ));
        let mut blobs = Vec::with_capacity(parts.len());
        let mut directory = Vec::with_capacity(parts.len() * ENTRY);
        for (section, count, bytes) in parts {
            let bytes = bytes?;
            directory.push(section as u8);
            directory.extend_from_slice(&(count as u32).to_le_bytes());
            directory.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
            directory.extend_from_slice(&xxh3_128(&bytes).to_le_bytes());
            blobs.push(bytes);
        }
        let mut header = Vec::with_capacity(64);
        header.extend_from_slice(MAGIC);
        header.extend_from_slice(&(VERSION.len() as u16).to_le_bytes());
        header.extend_from_slice(VERSION.as_bytes());
        header.extend_from_slice(&key.0.to_le_bytes());
        header.extend_from_slice(&(blobs.len() as u32).to_le_bytes());
        header.extend_from_slice(&xxh3_128(&directory).to_le_bytes());
        std::fs::create_dir_all(&self.dir).ok()?;
        let tmp = tempfile::NamedTempFile::new_in(&self.dir).ok()?;
        let mut out = std::io::BufWriter::new(tmp);
        out.write_all(&header).ok()?;
        out.write_all(&directory).ok()?;
        for blob in &blobs {
            out.write_all(blob).ok()?;
        }
        // No fsync: a snapshot torn by a crash fails its checksums and is rebuilt.
        let tmp = out.into_inner().ok()?;
        tmp.persist(self.path(key)).ok()?;
        self.prune();
        Some(())
    }

    /// Removes all but the newest [`KEEP`] snapshots.
    fn prune(&self) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let mut snaps: Vec<(std::time::SystemTime, PathBuf)> = entries
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "snap"))
            .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
            .collect();
        if snaps.len() <= KEEP {
            return;
        }
        snaps.sort();
        for (_, path) in &snaps[..snaps.len() - KEEP] {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Bytes per directory entry: section, record count, length, checksum.
const ENTRY: usize = 1 + 4 + 8 + 16;

/// Where a part is in a snapshot file, what it holds, and the checksum its bytes must have.
struct Part {
    section: Section,
    count: usize,
    offset: u64,
    len: usize,
    checksum: u128,
}

/// The parts of a snapshot file, if its header is ours, of this version, for `key`, its
/// directory is intact and the parts fill the file exactly.
fn directory(file: &std::fs::File, key: Key) -> Option<Vec<Part>> {
    let mut r = std::io::BufReader::new(file);
    fn take<const N: usize>(r: &mut impl Read) -> Option<[u8; N]> {
        let mut b = [0u8; N];
        r.read_exact(&mut b).ok()?;
        Some(b)
    }
    if &take::<8>(&mut r)? != MAGIC {
        return None;
    }
    let len = u16::from_le_bytes(take::<2>(&mut r)?) as usize;
    let mut version = vec![0u8; len];
    r.read_exact(&mut version).ok()?;
    if version != VERSION.as_bytes() || u128::from_le_bytes(take::<16>(&mut r)?) != key.0 {
        return None;
    }
    let count = u32::from_le_bytes(take::<4>(&mut r)?) as usize;
    let dir_sum = u128::from_le_bytes(take::<16>(&mut r)?);
    let mut directory = vec![0u8; count.checked_mul(ENTRY)?];
    r.read_exact(&mut directory).ok()?;
    if xxh3_128(&directory) != dir_sum {
        return None;
    }
    let mut offset = (MAGIC.len() + 2 + len + 16 + 4 + 16 + directory.len()) as u64;
    let mut parts = Vec::with_capacity(count);
    for entry in directory.chunks_exact(ENTRY) {
        let (section, entry) = entry.split_first()?;
        let (records, entry) = entry.split_first_chunk::<4>()?;
        let (part_len, sum) = entry.split_first_chunk::<8>()?;
        let part_len = u64::from_le_bytes(*part_len);
        parts.push(Part {
            section: Section::from_byte(*section)?,
            count: u32::from_le_bytes(*records) as usize,
            offset,
            len: usize::try_from(part_len).ok()?,
            checksum: u128::from_le_bytes(sum.try_into().ok()?),
        });
        offset = offset.checked_add(part_len)?;
    }
    (file.metadata().ok()?.len() == offset).then_some(parts)
}

/// A part's bytes, if they can be read and their checksum holds.
fn read_part(file: &std::fs::File, part: &Part) -> Option<Vec<u8>> {
    use std::os::unix::fs::FileExt;
    let mut bytes = vec![0u8; part.len];
    file.read_exact_at(&mut bytes, part.offset).ok()?;
    (xxh3_128(&bytes) == part.checksum).then_some(bytes)
}

/// The slots a part of each large kind decodes into.
enum Slots<'a> {
    Actors(&'a mut [Option<Actor>]),
    Quotes(&'a mut [Option<Quote>]),
    Events(&'a mut [Option<Event>]),
}

/// `n` empty slots, written in parallel: touching fresh memory is a large part of a load.
fn empty_slots<T: Send>(n: usize) -> Vec<Option<T>> {
    (0..n).into_par_iter().map(|_| None).collect()
}

/// The first `n` slots of `rest`, which keeps the others.
fn carve<'a, T>(rest: &mut &'a mut [Option<T>], n: usize) -> Option<&'a mut [Option<T>]> {
    let (head, tail) = std::mem::take(rest).split_at_mut_checked(n)?;
    *rest = tail;
    Some(head)
}

/// All records, once every slot is filled; `None` if any is not. `Option<T>` is as big as `T`
/// for every record type, and `filter_map` collects in place, reusing the slots' memory.
#[allow(clippy::filter_map_identity)]
fn filled_slots<T>(slots: Vec<Option<T>>) -> Option<Vec<T>> {
    let n = slots.len();
    let records: Vec<T> = slots.into_iter().filter_map(|r| r).collect();
    (records.len() == n).then_some(records)
}

/// Reads, verifies and decodes one part straight into its slots.
fn fill(file: &std::fs::File, part: &Part, slots: Slots) -> Option<()> {
    let bytes = read_part(file, part)?;
    let mut de = postcard::Deserializer::from_bytes(&bytes);
    let done = match slots {
        Slots::Actors(s) => Fill(s).deserialize(&mut de),
        Slots::Quotes(s) => Fill(s).deserialize(&mut de),
        Slots::Events(s) => Fill(s).deserialize(&mut de),
    };
    done.ok()?;
    de.finalize().ok()?.is_empty().then_some(())
}

/// Decodes a sequence into exactly the slots given, each in place.
struct Fill<'a, T>(&'a mut [Option<T>]);

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Fill<'_, T> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for Fill<'_, T> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "{} records", self.0.len())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let want = self.0.len();
        for slot in self.0.iter_mut() {
            *slot = Some(
                seq.next_element()?
                    .ok_or_else(|| de::Error::invalid_length(0, &"more records"))?,
            );
        }
        if seq.next_element::<de::IgnoredAny>()?.is_some() {
            return Err(de::Error::invalid_length(want + 1, &"no more records"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Base {
        let files = crate::load::builtin_files();
        crate::open::check_files(files, Vec::new()).expect("the shipped base is clean")
    }

    #[test]
    fn round_trip_and_every_kind_of_damage() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache {
            dir: dir.path().join("kz"),
        };
        let base = sample();
        let key = Key(42);
        assert!(cache.load(key).is_none(), "empty cache");
        cache.store(key, &base);
        assert_eq!(cache.load(key).as_ref(), Some(&base));
        assert!(cache.load(Key(43)).is_none(), "another key");
        let path = cache.path(key);
        let good = std::fs::read(&path).unwrap();
        let damaged: Vec<(&str, Vec<u8>)> = vec![
            ("truncated", good[..good.len() - 10].to_vec()),
            ("empty", Vec::new()),
            ("flipped byte", {
                let mut b = good.clone();
                let i = b.len() / 2;
                b[i] ^= 0x40;
                b
            }),
            ("foreign version", {
                let mut b = good.clone();
                b[MAGIC.len() + 2] ^= 0x01;
                b
            }),
            ("foreign magic", {
                let mut b = good.clone();
                b[0] = b'X';
                b
            }),
            ("trailing garbage", {
                let mut b = good.clone();
                b.extend_from_slice(b"junk");
                b
            }),
        ];
        for (what, bytes) in damaged {
            std::fs::write(&path, &bytes).unwrap();
            assert!(cache.load(key).is_none(), "{what} snapshot must not load");
        }
    }

    #[test]
    fn changed_source_text_invalidates() {
        let dir = tempfile::tempdir().unwrap();
        let text = dir.path().join("source.txt");
        std::fs::write(&text, "original words").unwrap();
        let cache = Cache {
            dir: dir.path().join("kz"),
        };
        let mut base = sample();
        base.source_texts = vec![text.clone()];
        cache.store(Key(7), &base);
        assert!(cache.load(Key(7)).is_some());
        std::fs::write(&text, "edited words").unwrap();
        assert!(
            cache.load(Key(7)).is_none(),
            "an edited source text is never answered from the snapshot"
        );
        std::fs::remove_file(&text).unwrap();
        assert!(cache.load(Key(7)).is_none());
    }

    #[test]
    fn keys_follow_content_and_paths() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.yaml");
        let b = dir.path().join("b.yaml");
        std::fs::write(&a, "actors:\n").unwrap();
        std::fs::write(&b, "actors:\n").unwrap();
        let ka = key_for_files(std::slice::from_ref(&a)).unwrap();
        assert_eq!(Some(ka), key_for_files(std::slice::from_ref(&a)));
        assert_ne!(
            Some(ka),
            key_for_files(std::slice::from_ref(&b)),
            "the path is part of the key"
        );
        std::fs::write(&a, "actors: \n").unwrap();
        assert_ne!(
            Some(ka),
            key_for_files(std::slice::from_ref(&a)),
            "one byte changes the key"
        );
        assert!(key_for_files(&[dir.path().join("missing.yaml")]).is_none());
    }

    #[test]
    fn unwritable_folder_means_no_cache() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("not-a-folder");
        std::fs::write(&file, "").unwrap();
        let cache = Cache {
            dir: file.join("kz"),
        };
        cache.store(Key(1), &sample());
        assert!(cache.load(Key(1)).is_none());
    }
}
