//! The warm path: a snapshot of a checked base, mapped into memory and read in place, so a query
//! decodes only the records it touches and looks names and relations up in stored indexes.
//!
//! A snapshot is found by a key: kz's version and build, and the fact paths asked for. It records
//! every input file (fact files, then source texts) as git's index does: size, modification and
//! status-change times in nanoseconds, inode, device and a hash of the bytes. An input whose stat
//! fields all match, and whose times are safely older than the last time every input was
//! verified, is fresh without being read; any other is hashed, and a different hash makes the
//! snapshot stale. Nothing stale is ever answered.
//!
//! The file is written to a temporary file and renamed into place, so it is never read while
//! being written. Its header, directory and metadata are checksummed and verified on opening;
//! each record, and each 64 KiB block of an index section, carries its own checksum, verified
//! when first read. A snapshot that is truncated, foreign, of another version or damaged is ignored and rebuilt.

use super::cachedir::{Dir, Refused};
use super::mapped;
use super::pieces::Pieces;
use crate::model::index::Part;
use crate::model::table::{Bytes, Table};
use crate::model::{Base, CheckedText, Indexes, Input, KindDecl, Span};
use serde::{Deserialize, Serialize};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};
use xxhash_rust::xxh3::{Xxh3, xxh3_64};

const MAGIC: &[u8; 8] = b"KZSNAP\0\x08";
const VERSION: &str = env!("CARGO_PKG_VERSION");
/// Snapshots kept in the cache folder; older ones are removed.
const KEEP: usize = 16;
/// How much older than the last verification an input's times must be for its stat alone to
/// vouch for it: more than the coarsest file system time (FAT's two seconds).
const MARGIN_NS: i64 = 3_000_000_000;
/// The most fact files that may have changed since a snapshot for it still to be used, with
/// them checked against it; past that, the base is parsed again.
pub const MAX_EDITED: usize = 16;

/// What a snapshot is found by: kz's version, the build of kz, and the fact paths asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key(u128);

/// Which build of kz this is: the size, modification time and inode of its executable. Two
/// builds of one version may lay records out differently, and a snapshot holds records as one
/// build wrote them, so a new build never reads an older build's snapshot.
fn build_stamp() -> Vec<u8> {
    use std::os::unix::fs::MetadataExt;
    let Some(meta) = std::env::current_exe()
        .ok()
        .and_then(|exe| std::fs::metadata(exe).ok())
    else {
        return Vec::new();
    };
    [
        meta.len(),
        meta.mtime() as u64,
        meta.mtime_nsec() as u64,
        meta.ino(),
    ]
    .iter()
    .flat_map(|v| v.to_le_bytes())
    .collect()
}

impl Key {
    /// The key of a base read from these parts (each path as given and as resolved, or the
    /// built-in base's content), in order.
    pub fn of<I, P>(parts: I) -> Key
    where
        I: IntoIterator<Item = P>,
        P: AsRef<[u8]>,
    {
        static BUILD: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
        let mut h = Xxh3::new();
        h.update(VERSION.as_bytes());
        h.update(BUILD.get_or_init(build_stamp));
        for part in parts {
            let part = part.as_ref();
            h.update(&(part.len() as u64).to_le_bytes());
            h.update(part);
        }
        Key(h.digest128())
    }

    fn hex(self) -> String {
        format!("{:032x}", self.0)
    }
}

/// A hash of the base built into the binary, for its key.
pub fn builtin_hash(files: &[(&str, &str)]) -> [u8; 16] {
    let mut h = Xxh3::new();
    for (path, text) in files {
        h.update(&(path.len() as u64).to_le_bytes());
        h.update(path.as_bytes());
        h.update(&(text.len() as u64).to_le_bytes());
        h.update(text.as_bytes());
    }
    h.digest128().to_le_bytes()
}

/// What a snapshot holds besides its records and indexes.
#[derive(Serialize, Deserialize)]
struct Meta {
    files: Vec<String>,
    kinds: Vec<KindDecl>,
    lens: [u64; 6],
    /// The fact files, in order, and the source texts, as they were when read.
    inputs: Vec<Input>,
    texts: Vec<Input>,
    /// The records merged from several declarations.
    merged: Vec<crate::model::EntityRef>,
    notes: Vec<crate::diag::Diagnostic>,
    /// Where each source's text was found and the hash of what the check read, by source.
    checked_texts: Vec<Option<CheckedText>>,
    /// Where each fact file's records are, and which files declare kinds.
    spans: Vec<[Span; 6]>,
    kind_files: Vec<u32>,
}

/// The tags of a snapshot's sections.
const META: u32 = 0;
const ENTRIES: u32 = 100;
const DATA: u32 = 200;
const INDEX: u32 = 300;

/// One section of a snapshot: its tag, where it is, and its checksum.
#[derive(Debug, Clone)]
struct SectionAt {
    tag: u32,
    range: Range<usize>,
    sum: u64,
}

/// Bytes per directory entry: tag, offset, length, checksum.
const DIR_ENTRY: usize = 4 + 8 + 8 + 8;

/// The cache folder: `$XDG_CACHE_HOME/kz` or `~/.cache/kz`, held open once it passed the check
/// of [`Dir`]: the user's own, and writable by nobody else.
#[derive(Debug)]
pub struct Cache {
    dir: Dir,
}

/// What the cache had for a key.
pub enum Found {
    /// A snapshot whose every input is unchanged: the base, read in place.
    Fresh(Box<Base>),
    /// A snapshot whose source texts are unchanged but some of whose fact files changed (at most
    /// [`MAX_EDITED`]): the base as stored, read in place, and the changed files by index.
    Edited(Box<Base>, Vec<usize>),
    /// No snapshot, or one that is stale, damaged, foreign or of another version.
    Nothing,
}

impl Cache {
    /// The cache, unless turned off (`--no-cache`, `KZ_NO_CACHE`), without a home for it, or
    /// in a folder kz must not trust: one of another user's, one others may write to, or a
    /// symbolic link. Then kz runs without a cache and says why, once a run.
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
        let path = base.join("kz");
        match Dir::open(&path) {
            Ok(dir) => Some(Cache { dir }),
            Err(Refused::Io(_)) => None,
            Err(why) => {
                warn_once(&path, &why);
                None
            }
        }
    }

    /// A cache in the given folder, if it passes the same check.
    pub fn at(dir: &Path) -> Option<Cache> {
        Dir::open(dir).ok().map(|dir| Cache { dir })
    }

    fn name(key: Key) -> String {
        format!("{}.snap", key.hex())
    }

    /// Whether anything is stored under `key`: a snapshot, whole or not, or kept parses. A base
    /// with none is on its first run.
    pub fn holds(&self, key: Key) -> bool {
        self.dir.open_file(&Cache::name(key)).is_some() || self.kept_pieces(key).is_some()
    }

    /// The parsed files of the base stored under `key`, kept for its next rebuild.
    pub fn pieces(&self, key: Key) -> Pieces {
        Pieces::in_dir(self.dir.sub(&format!("{}.pieces", key.hex()), true))
    }

    /// The parses kept for `key`, if a run of that base has kept anything yet.
    pub fn kept_pieces(&self, key: Key) -> Option<Pieces> {
        let dir = self.dir.sub(&format!("{}.pieces", key.hex()), false)?;
        Some(Pieces::in_dir(Some(dir)))
    }

    /// The lock held while the base stored under `key` is being stored (see [`Dir::lock`]).
    pub fn lock(&self, key: Key, wait: bool) -> Option<std::fs::File> {
        self.dir.lock(&format!("{}.lock", key.hex()), wait)
    }

    /// The descriptor the cache folder is held by.
    pub fn raw_fd(&self) -> i32 {
        self.dir.raw_fd()
    }

    fn fresh_name(key: Key) -> String {
        format!("{}.fresh", key.hex())
    }

    /// The base stored under `key`, if the snapshot is whole and of this version, lists exactly
    /// the fact files `files` (in order), and no input changed since it was made.
    /// With [`Found::Edited`], the snapshot of a base some of whose fact files changed since.
    pub fn load(&self, key: Key, files: &[PathBuf]) -> Found {
        match self.try_load(key, files) {
            Some((base, edited)) if edited.is_empty() => Found::Fresh(Box::new(base)),
            Some((base, edited)) => Found::Edited(Box::new(base), edited),
            None => Found::Nothing,
        }
    }

    fn try_load(&self, key: Key, files: &[PathBuf]) -> Option<(Base, Vec<usize>)> {
        let file = self.dir.open_file(&Cache::name(key))?;
        let bytes = mapped::map(&file)?;
        let snapshot = Snapshot::read(bytes, key)?;
        let verified = self.verified(key, snapshot.built).max(snapshot.built);
        let meta = &snapshot.meta;
        if !meta.inputs.iter().map(|i| &i.path).eq(files.iter()) {
            return None;
        }
        let started = now_ns();
        let mut hashed = false;
        let mut stat = Stat::default();
        let mut edited = Vec::new();
        for (n, input) in meta.inputs.iter().enumerate() {
            match freshness(input, verified, &mut stat) {
                Fresh::ByStat => {}
                Fresh::ByHash => hashed = true,
                Fresh::No if edited.len() < MAX_EDITED => edited.push(n),
                Fresh::No => return None,
            }
        }
        for input in &meta.texts {
            match freshness(input, verified, &mut stat) {
                Fresh::ByStat => {}
                Fresh::ByHash => hashed = true,
                Fresh::No => return None,
            }
        }
        // With edited files, the caller checks them against the rest and a new snapshot
        // follows; else every input was just verified: once they are safely older than this,
        // their stat alone will do, which spares hashing them on every run.
        if hashed && edited.is_empty() {
            self.mark_verified(key, snapshot.built, started);
        }
        Some((snapshot.base()?, edited))
    }

    /// When every input of the snapshot built at `built` was last verified, if later.
    fn verified(&self, key: Key, built: i64) -> i64 {
        let read = || -> Option<i64> {
            let bytes = self.dir.read(&Cache::fresh_name(key))?;
            let (body, sum) = bytes.split_at_checked(bytes.len().checked_sub(8)?)?;
            if xxh3_64(body).to_le_bytes() != sum || body.len() != 24 || &body[..8] != MAGIC {
                return None;
            }
            let field =
                |at: usize| Some(i64::from_le_bytes(body.get(at..at + 8)?.try_into().ok()?));
            (field(8)? == built).then(|| field(16))?
        };
        read().unwrap_or(built)
    }

    fn mark_verified(&self, key: Key, built: i64, at: i64) {
        let mut body = MAGIC.to_vec();
        body.extend_from_slice(&built.to_le_bytes());
        body.extend_from_slice(&at.to_le_bytes());
        let sum = xxh3_64(&body);
        body.extend_from_slice(&sum.to_le_bytes());
        let _ = self.dir.write(&Cache::fresh_name(key), &[&body]);
    }

    /// Stores a clean base under `key`; `built` is when its inputs were first looked at, before
    /// any was read. Failing to store is not an error: the next run parses again.
    pub fn store(&self, key: Key, base: &Base, built: i64) {
        let _ = self.try_store(key, base, built);
    }

    fn try_store(&self, key: Key, base: &Base, built: i64) -> Option<()> {
        let meta = Meta {
            files: base.files.clone(),
            kinds: base.kinds.clone(),
            lens: base.lens().map(|n| n as u64),
            inputs: base.inputs.clone(),
            texts: base.texts.clone(),
            merged: base.merged.clone(),
            notes: base.notes.clone(),
            checked_texts: base.checked_texts.clone(),
            spans: base.spans.clone(),
            kind_files: base.kind_files.clone(),
        };
        let mut sections: Vec<(u32, Vec<u8>)> = vec![(META, postcard::to_stdvec(&meta).ok()?)];
        let tables = [
            base.sources.encoded()?,
            base.actors.encoded()?,
            base.organisations.encoded()?,
            base.places.encoded()?,
            base.quotes.encoded()?,
            base.events.encoded()?,
        ];
        for (k, (entries, data)) in tables.into_iter().enumerate() {
            sections.push((ENTRIES + k as u32, entries));
            sections.push((DATA + k as u32, data));
        }
        // The indexes this run already built to answer, or builds now; those of a snapshot
        // read through an edit's splice are built again from the records.
        let index = base.index();
        let rebuilt = index.is_spliced().then(|| base.built_index());
        let parts = match &rebuilt {
            Some(rebuilt) => rebuilt.parts.iter().map(Vec::as_slice).collect(),
            None => index.stored_parts()?,
        };
        for (p, part) in parts.into_iter().enumerate() {
            sections.push((INDEX + p as u32, crate::model::index::sealed(part)));
        }
        let mut header = Vec::with_capacity(64 + sections.len() * DIR_ENTRY);
        header.extend_from_slice(MAGIC);
        header.extend_from_slice(&(VERSION.len() as u16).to_le_bytes());
        header.extend_from_slice(VERSION.as_bytes());
        header.extend_from_slice(&key.0.to_le_bytes());
        header.extend_from_slice(&built.to_le_bytes());
        header.extend_from_slice(&(sections.len() as u32).to_le_bytes());
        let mut offset = (header.len() + sections.len() * DIR_ENTRY + 8) as u64;
        for (tag, bytes) in &sections {
            header.extend_from_slice(&tag.to_le_bytes());
            header.extend_from_slice(&offset.to_le_bytes());
            header.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
            header.extend_from_slice(&xxh3_64(bytes).to_le_bytes());
            offset += bytes.len() as u64;
        }
        let sum = xxh3_64(&header);
        header.extend_from_slice(&sum.to_le_bytes());
        let mut parts: Vec<&[u8]> = vec![&header];
        parts.extend(sections.iter().map(|(_, b)| b.as_slice()));
        self.dir.write(&Cache::name(key), &parts)?;
        self.dir.remove(&Cache::fresh_name(key));
        self.prune();
        Some(())
    }

    /// Removes the files of all but the newest [`KEEP`] keys (snapshots, their sidecars and the
    /// kept parses), and the temporary files of runs killed while writing. Only names kz gives
    /// are removed, and only through the folder's descriptor.
    pub fn prune(&self) {
        // Each key's files (`.snap`, `.fresh`, `.pieces/`), by when the key was last written:
        // a base that never checks clean has pieces and no snapshot, and ages out the same way.
        let mut keys: std::collections::HashMap<String, SystemTime> = Default::default();
        for e in self.dir.entries() {
            let Some((key, ext)) = e.name.split_once('.') else {
                continue;
            };
            let ours = match ext {
                "snap" => e.kind == rustix::fs::FileType::RegularFile,
                "pieces" => e.kind == rustix::fs::FileType::Directory,
                "lock" => e.kind == rustix::fs::FileType::RegularFile,
                _ => false,
            };
            if !ours || key.len() != 32 || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
                continue;
            }
            let at = keys.entry(key.to_string()).or_insert(e.modified);
            *at = (*at).max(e.modified);
        }
        self.dir.prune_temporaries();
        if keys.len() <= KEEP {
            return;
        }
        let mut keys: Vec<(SystemTime, String)> = keys.into_iter().map(|(k, t)| (t, k)).collect();
        keys.sort();
        for (_, key) in &keys[..keys.len() - KEEP] {
            self.dir.remove(&format!("{key}.snap"));
            self.dir.remove(&format!("{key}.fresh"));
            self.dir.remove(&format!("{key}.lock"));
            Pieces::remove_all(&self.dir, &format!("{key}.pieces"));
        }
    }
}

/// Says once a run, on stderr, why the cache folder is not used.
fn warn_once(path: &Path, why: &Refused) {
    use std::io::Write as _;
    static SAID: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if SAID.swap(true, std::sync::atomic::Ordering::Relaxed) {
        return;
    }
    let shown = crate::text::escape_control(&path.to_string_lossy()).into_owned();
    let help = match why {
        Refused::Writable(_) => format!(
            "remove it, and kz makes it again for you alone (`rm -r {shown}`), or set \
             XDG_CACHE_HOME to a folder of your own"
        ),
        _ => "set XDG_CACHE_HOME to a folder of your own, or pass --no-cache".to_string(),
    };
    let _ = writeln!(
        std::io::stderr().lock(),
        "kz: not using the cache folder {shown}: {why}; running without a cache. To fix this, \
         {help}."
    );
}

/// The time now, in nanoseconds since the Unix epoch.
pub fn now_ns() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// How an input was found unchanged, if it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fresh {
    /// Its stat fields match and its times are safely older than the last verification.
    ByStat,
    /// Its bytes hash as recorded.
    ByHash,
    No,
}

/// Looks files up by name in their folder, keeping the last folder open: a base's inputs come
/// folder by folder, and a lookup in an open folder skips walking the whole path each time.
#[derive(Default)]
struct Stat {
    dir: Option<(PathBuf, rustix::fd::OwnedFd)>,
}

impl Stat {
    /// What a file's metadata holds now, as an [`Input`] with no hash.
    fn of(&mut self, path: &Path) -> Option<Input> {
        let (parent, name) = (path.parent()?, path.file_name()?);
        // A bare file name (`--facts mine.yaml`) is in the working folder.
        let parent = if parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            parent
        };
        if self.dir.as_ref().is_none_or(|(d, _)| d != parent) {
            use rustix::fs::{Mode, OFlags};
            let fd = rustix::fs::open(parent, OFlags::PATH | OFlags::DIRECTORY, Mode::empty());
            self.dir = Some((parent.to_path_buf(), fd.ok()?));
        }
        let (_, fd) = self.dir.as_ref()?;
        let st = rustix::fs::statat(fd, name, rustix::fs::AtFlags::empty()).ok()?;
        let ns = Input::nanos;
        Some(Input {
            path: path.to_path_buf(),
            size: st.st_size as u64,
            mtime_ns: ns(st.st_mtime as i64, st.st_mtime_nsec as i64),
            ctime_ns: ns(st.st_ctime as i64, st.st_ctime_nsec as i64),
            ino: st.st_ino as u64,
            dev: st.st_dev as u64,
            hash: 0,
        })
    }
}

fn freshness(input: &Input, verified: i64, stat: &mut Stat) -> Fresh {
    let Some(now) = stat.of(&input.path) else {
        return Fresh::No;
    };
    let same = Input {
        hash: input.hash,
        ..now
    } == *input;
    if same && input.mtime_ns.max(input.ctime_ns) < verified - MARGIN_NS {
        return Fresh::ByStat;
    }
    // A file changed within the same tick as the verification could keep its size and times:
    // git's "racily clean" case. Only its bytes can tell.
    if now.size != input.size {
        return Fresh::No;
    }
    match hash_file(&input.path) {
        Some(hash) if hash == input.hash => Fresh::ByHash,
        _ => Fresh::No,
    }
}

/// The xxh3-128 of a file's bytes, read in blocks, within the size limit of a fact file.
fn hash_file(path: &Path) -> Option<u128> {
    use std::io::Read;
    let file = super::files::open_regular(path).ok()?;
    let mut file = file.take(super::MAX_FILE_BYTES + 1);
    let mut h = Xxh3::new();
    let mut buf = [0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buf).ok()?;
        if n == 0 {
            return Some(h.digest128());
        }
        h.update(&buf[..n]);
    }
}

/// A snapshot file, its header verified.
struct Snapshot {
    bytes: Bytes,
    built: i64,
    sections: Vec<SectionAt>,
    meta: Meta,
}

impl Snapshot {
    /// Reads and verifies a snapshot's header, directory and metadata; `None` if it is not a
    /// whole snapshot of this version for `key`.
    fn read(bytes: Bytes, key: Key) -> Option<Snapshot> {
        let b = (*bytes).as_ref();
        let mut c = Cursor { bytes: b, at: 0 };
        if c.take(8)? != MAGIC {
            return None;
        }
        let vlen = u16::from_le_bytes(c.array()?) as usize;
        if c.take(vlen)? != VERSION.as_bytes() || u128::from_le_bytes(c.array()?) != key.0 {
            return None;
        }
        let built = i64::from_le_bytes(c.array()?);
        let count = u32::from_le_bytes(c.array()?) as usize;
        let mut sections = Vec::with_capacity(count.min(64));
        for _ in 0..count {
            let tag = u32::from_le_bytes(c.array()?);
            let offset = usize::try_from(u64::from_le_bytes(c.array()?)).ok()?;
            let len = usize::try_from(u64::from_le_bytes(c.array()?)).ok()?;
            let sum = u64::from_le_bytes(c.array()?);
            sections.push(SectionAt {
                tag,
                range: offset..offset.checked_add(len)?,
                sum,
            });
        }
        let header_end = c.at;
        if xxh3_64(b.get(..header_end)?) != u64::from_le_bytes(c.array()?) {
            return None;
        }
        // The sections must fill the rest of the file exactly, in order.
        let mut expect = c.at;
        for s in &sections {
            if s.range.start != expect {
                return None;
            }
            expect = s.range.end;
        }
        if expect != b.len() {
            return None;
        }
        let meta_at = sections.iter().find(|s| s.tag == META)?;
        let meta_bytes = b.get(meta_at.range.clone())?;
        if xxh3_64(meta_bytes) != meta_at.sum {
            return None;
        }
        let meta: Meta = postcard::from_bytes(meta_bytes).ok()?;
        // A broader kind is a place in the list of kinds: one past its end is damage.
        let kinds = meta.kinds.len();
        if meta
            .kinds
            .iter()
            .any(|k| k.broader.is_some_and(|b| b as usize >= kinds))
        {
            return None;
        }
        Some(Snapshot {
            bytes,
            built,
            sections,
            meta,
        })
    }

    fn section(&self, tag: u32) -> Option<&SectionAt> {
        self.sections.iter().find(|s| s.tag == tag)
    }

    /// The base, its records and indexes read in place.
    fn base(self) -> Option<Base> {
        let mut base = Base::default();
        let damaged = base.damage_flag();
        let lens: Vec<usize> = self
            .meta
            .lens
            .iter()
            .map(|&n| usize::try_from(n).ok())
            .collect::<Option<_>>()?;
        let table = |k: usize| -> Option<(Range<usize>, Range<usize>, usize)> {
            let entries = self.section(ENTRIES + k as u32)?.range.clone();
            let data = self.section(DATA + k as u32)?.range.clone();
            Some((entries, data, lens[k]))
        };
        macro_rules! mapped {
            ($k:expr) => {{
                let (entries, data, len) = table($k)?;
                Table::mapped(self.bytes.clone(), entries, data, len, damaged.clone())?
            }};
        }
        base.sources = mapped!(0);
        base.actors = mapped!(1);
        base.organisations = mapped!(2);
        base.places = mapped!(3);
        base.quotes = mapped!(4);
        base.events = mapped!(5);
        // Index sections are checked block by block as they are read, not by the directory's
        // checksum of the whole section.
        let parts: Vec<Range<usize>> = (0..Part::ALL.len())
            .map(|p| Some(self.section(INDEX + p as u32)?.range.clone()))
            .collect::<Option<_>>()?;
        let lens: [usize; 6] = lens.try_into().ok()?;
        base.set_index(Indexes::mapped(self.bytes.clone(), &parts, lens, damaged)?);
        base.files = self.meta.files;
        base.kinds = self.meta.kinds;
        base.inputs = self.meta.inputs;
        base.texts = self.meta.texts;
        base.merged = self.meta.merged;
        base.notes = self.meta.notes;
        base.checked_texts = self.meta.checked_texts;
        base.spans = self.meta.spans;
        base.kind_files = self.meta.kind_files;
        Some(base)
    }
}

/// Reads a header field by field, bounds-checked.
struct Cursor<'b> {
    bytes: &'b [u8],
    at: usize,
}

impl<'b> Cursor<'b> {
    fn take(&mut self, n: usize) -> Option<&'b [u8]> {
        let s = self.bytes.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(s)
    }

    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }
}

/// Opens a snapshot held in memory, as if it were the file for `key`: for tests and fuzzing of
/// the reader. Freshness is not checked.
pub fn read_bytes(bytes: Vec<u8>, key: Key) -> Option<Base> {
    Snapshot::read(Arc::new(bytes), key)?.base()
}

/// Whether a snapshot file is whole: its header, directory and every section pass their
/// checksums. Reading a snapshot never needs this (each part is verified when first read); tests
/// use it to see that a damaged snapshot was replaced.
pub fn verify_bytes(bytes: &[u8], key: Key) -> bool {
    let Some(snapshot) = Snapshot::read(Arc::new(bytes.to_vec()), key) else {
        return false;
    };
    snapshot.sections.iter().all(|s| {
        bytes
            .get(s.range.clone())
            .is_some_and(|b| xxh3_64(b) == s.sum)
    })
}

/// Whether a snapshot, perhaps damaged, is safe to answer from: it is rejected when opened, or
/// every record and index entry it holds reads back as in `base`, or reading it notices the
/// damage (so the answer is thrown away and the base rebuilt). For tests and fuzzing.
pub fn never_misleads(bytes: Vec<u8>, key: Key, base: &Base) -> bool {
    let Some(read) = read_bytes(bytes, key) else {
        return true;
    };
    let same = read == *base && read.index().contents() == base.index().contents();
    same || read.is_damaged()
}

/// The key a snapshot file was written under, read from its header (for tests).
pub fn key_of_bytes(bytes: &[u8]) -> Option<Key> {
    let mut c = Cursor { bytes, at: 0 };
    c.take(8)?;
    let vlen = u16::from_le_bytes(c.array()?) as usize;
    c.take(vlen)?;
    Some(Key(u128::from_le_bytes(c.array()?)))
}

/// The snapshot `store` would write for a clean base, in memory: for tests and fuzzing.
pub fn encode_base(key: Key, base: &Base, built: i64) -> Option<Vec<u8>> {
    let dir = tempfile::tempdir().ok()?;
    let cache = Cache::at(&dir.path().join("kz"))?;
    cache.try_store(key, base, built)?;
    cache.dir.read(&Cache::name(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Base {
        crate::open::check_files(crate::load::builtin_files(), Vec::new())
            .expect("the shipped base is clean")
    }

    #[test]
    fn a_snapshot_reads_back_as_the_base() {
        let base = sample();
        let key = Key::of(["sample"]);
        let bytes = encode_base(key, &base, 7).unwrap();
        assert!(verify_bytes(&bytes, key));
        let read = read_bytes(bytes.clone(), key).unwrap();
        assert_eq!(read, base);
        assert!(!read.is_damaged());
        // The indexes read in place answer as the ones built in memory.
        let q = crate::names::NameQuery::new("Tokayev");
        assert_eq!(
            read.index().best(&q, &crate::model::Kind::ALL),
            base.index().best(&q, &crate::model::Kind::ALL)
        );
        assert!(
            read_bytes(bytes.clone(), Key::of(["another"])).is_none(),
            "another key"
        );
        assert_eq!(key_of_bytes(&bytes), Some(key));
    }

    #[test]
    fn damage_is_rejected_or_noticed() {
        let base = sample();
        let key = Key::of(["sample"]);
        let good = encode_base(key, &base, 7).unwrap();
        let cases: Vec<(&str, Vec<u8>)> = vec![
            ("truncated", good[..good.len() - 10].to_vec()),
            ("empty", Vec::new()),
            ("trailing", [good.as_slice(), b"junk"].concat()),
            ("magic", {
                let mut b = good.clone();
                b[0] = b'X';
                b
            }),
            ("version", {
                let mut b = good.clone();
                b[10] ^= 1;
                b
            }),
        ];
        for (what, bytes) in cases {
            assert!(read_bytes(bytes, key).is_none(), "{what} must be rejected");
        }
        // A flipped byte in any record or index: the snapshot opens, and reading everything
        // either matches the base or notices the damage.
        for at in (0..good.len()).step_by(499) {
            let mut bytes = good.clone();
            bytes[at] ^= 0x40;
            assert!(
                never_misleads(bytes, key, &base),
                "byte {at}: a wrong answer"
            );
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Any few bytes changed anywhere, or the file cut short: never a wrong answer.
        #[test]
        fn mutations_never_mislead(
            flips in proptest::collection::vec((0.0f64..1.0, 1u8..=255), 1..6),
            cut in proptest::option::of(0.0f64..1.0),
        ) {
            let (base, key, good) = good();
            let mut bytes = good.clone();
            for (at, xor) in flips {
                let at = (at * bytes.len() as f64) as usize;
                bytes[at] ^= xor;
            }
            if let Some(cut) = cut {
                bytes.truncate((cut * bytes.len() as f64) as usize);
            }
            proptest::prop_assert!(never_misleads(bytes, *key, base));
        }
    }

    /// The shipped base and its snapshot, made once for every case.
    fn good() -> &'static (Base, Key, Vec<u8>) {
        static GOOD: std::sync::OnceLock<(Base, Key, Vec<u8>)> = std::sync::OnceLock::new();
        GOOD.get_or_init(|| {
            let base = sample();
            let key = Key::of(["sample"]);
            let bytes = encode_base(key, &base, 7).unwrap();
            (base, key, bytes)
        })
    }

    #[test]
    fn keys_follow_the_parts() {
        assert_eq!(Key::of(["a", "b"]), Key::of(["a", "b"]));
        assert_ne!(Key::of(["a", "b"]), Key::of(["ab"]));
        assert_ne!(Key::of(["a"]), Key::of(["b"]));
    }
}
