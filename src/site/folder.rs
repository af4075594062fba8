//! Where `kz site` writes, so that it never loses a file of yours: the site is built whole in a
//! private folder beside its target and renamed into place, and a marker in it lists every file
//! kz wrote with the hash of its bytes. Building again replaces or removes those files, unchanged,
//! and nothing else: every other file in the folder (one you added, one you changed, a link) is
//! kept in the new site, or, where the site needs its name, the build is refused before anything
//! is touched.
//!
//! - The target is looked at first ([`Target::open`]): a folder that is not empty must hold a
//!   marker as kz writes it (its header, `HASH PATH` lines naming only files kz writes, and a
//!   last line with the hash of all the lines before), or it is refused. An empty or planted
//!   marker, one edited by hand or cut short, is not trusted.
//! - Nothing is followed: the marker and the files are opened with `O_NOFOLLOW` and must be
//!   regular files; a link in the folder is one of your files, kept as a link.
//! - The build folder is made by `mkdtemp` (mode 0700, a random name, created exclusively), so
//!   nobody else can predict it, create it first or write into it. It gets the old folder's mode
//!   (or, for a new folder, the one your umask gives) just before it is renamed into place.
//! - Your files reach the new site as hard links, never copies: until the rename, the old folder
//!   is untouched; after it, both names hold the same file until the old folder is cleared. A
//!   `kill -9` at any point leaves the target either old or new, and a hidden build folder
//!   beside it that the next run removes (it takes an advisory lock while it lives).
//! - On Linux the rename is one `renameat2(RENAME_EXCHANGE)`; elsewhere, or on a file system
//!   without it, the old folder is moved aside first.

use crate::markup::MAX_FILE_NAME;
use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use xxhash_rust::xxh3::{Xxh3, xxh3_128};

/// The marker: the list of the files kz wrote.
pub const MARKER: &str = "kz-site.txt";

/// The first line of the marker.
const HEADER: &str = "kz site 1";

/// How the marker of an earlier kz began, before it listed its files.
const LEGACY: &str = "Written by `kz site`";

/// The most bytes a marker may hold: a site of 100,000 pages lists about 10 MB.
const MAX_MARKER: u64 = 64 << 20;

/// The files every site has at its top.
const FIXED: [&str; 5] = [
    "index.html",
    "style.css",
    "search.js",
    "search-index.js",
    "timeline.svg",
];

/// The folders every site has at its top.
const FOLDERS: [&str; 2] = ["records", "graphs"];

/// How many names a message lists before it says how many more there are.
const NAMED: usize = 8;

/// Whether `path` is one kz writes in a site, and so may stand in its marker.
fn is_site_path(path: &str) -> bool {
    let stem = |s: &str| {
        !s.is_empty()
            && s.len() <= MAX_FILE_NAME
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_~".contains(&b))
    };
    FIXED.contains(&path)
        || path
            .strip_prefix("records/")
            .and_then(|p| p.strip_suffix(".html"))
            .is_some_and(stem)
        || path
            .strip_prefix("graphs/")
            .and_then(|p| p.strip_suffix(".svg"))
            .is_some_and(stem)
}

/// The folder a site goes into, looked at before any work.
#[derive(Debug)]
pub struct Target {
    /// The folder as the user named it, for messages.
    shown: PathBuf,
    /// The folder that holds it (made by [`Target::build`] if missing), and its name there.
    parent: PathBuf,
    name: OsString,
    /// What is there now, if anything.
    old: Option<Old>,
}

/// A folder already at the target.
#[derive(Debug)]
struct Old {
    /// Open and locked while kz works, so two builds never interleave.
    _lock: File,
    mode: u32,
    /// Files kz wrote and nobody changed since, with their hashes: kz may replace or remove
    /// these.
    ours: BTreeMap<String, u128>,
    /// Everything else, by path within the folder: kept.
    theirs: Vec<(PathBuf, Theirs)>,
}

/// A file or folder kz did not write, and why kz holds it to be yours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Theirs {
    /// A folder, with its mode.
    Folder(u32),
    /// A file the marker does not list.
    Unlisted,
    /// A file the marker lists, changed since kz wrote it.
    Changed,
    /// A symbolic link.
    Link,
    /// A FIFO, socket or device.
    Special,
}

impl Theirs {
    fn why(self) -> &'static str {
        match self {
            Theirs::Folder(_) => "a folder kz did not make",
            Theirs::Unlisted => "not written by kz",
            Theirs::Changed => "changed since kz wrote it",
            Theirs::Link => "a symbolic link",
            Theirs::Special => "not a regular file",
        }
    }
}

fn refused(message: String) -> io::Error {
    io::Error::other(message)
}

/// `a, b, c and 4 more`.
fn some_of<T: AsRef<str>>(names: &[T]) -> String {
    let shown: Vec<&str> = names.iter().take(NAMED).map(AsRef::as_ref).collect();
    let mut out = shown.join(", ");
    if names.len() > NAMED {
        out.push_str(&format!(" and {} more", names.len() - NAMED));
    }
    out
}

/// Opens a file without following a link and without blocking on a FIFO, and checks it is a
/// regular file.
fn open_regular(path: &Path) -> io::Result<(File, fs::Metadata)> {
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc_flags::NOFOLLOW | libc_flags::NONBLOCK)
        .open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    Ok((file, meta))
}

/// The open flags kz needs, from rustix's constants (so no libc dependency).
mod libc_flags {
    use rustix::fs::OFlags;
    pub const NOFOLLOW: i32 = OFlags::NOFOLLOW.bits() as i32;
    pub const NONBLOCK: i32 = OFlags::NONBLOCK.bits() as i32;
    pub const DIRECTORY: i32 = OFlags::DIRECTORY.bits() as i32;
}

/// The xxh3-128 hash of a file's bytes, read through `file`.
fn hash_file(mut file: File) -> io::Result<u128> {
    let mut hasher = Xxh3::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match file.read(&mut buf) {
            Ok(0) => return Ok(hasher.digest128()),
            Ok(n) => hasher.update(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// Whether the file at `path` is a regular file whose bytes hash to `sum`.
fn unchanged(path: &Path, sum: u128) -> bool {
    open_regular(path)
        .and_then(|(f, _)| hash_file(f))
        .is_ok_and(|h| h == sum)
}

/// Opens a folder without following a link and takes its advisory lock, or says it is taken.
fn lock_folder(path: &Path) -> io::Result<Option<File>> {
    let dir = OpenOptions::new()
        .read(true)
        .custom_flags(libc_flags::DIRECTORY | libc_flags::NOFOLLOW)
        .open(path)?;
    match rustix::fs::flock(&dir, rustix::fs::FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => Ok(Some(dir)),
        Err(e) if e == rustix::io::Errno::WOULDBLOCK => Ok(None),
        Err(e) => Err(e.into()),
    }
}

impl Target {
    /// Looks at `dir` before any work. It may be missing, an empty folder, or a site kz wrote
    /// (its marker intact); anything else is refused, with what is wrong and what to do.
    pub fn open(dir: &Path) -> io::Result<Target> {
        let shown = dir.to_path_buf();
        let cannot =
            |e: io::Error| refused(format!("cannot use {} for the site: {e}", dir.display()));
        let (parent, name) = match fs::symlink_metadata(dir) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let name = dir
                    .file_name()
                    .ok_or_else(|| refused(format!("{} does not name a folder", dir.display())))?;
                let parent = match dir.parent() {
                    Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                    _ => PathBuf::from("."),
                };
                // A missing parent is made when the site is built.
                let parent = fs::canonicalize(&parent).unwrap_or(parent);
                (parent, name.to_os_string())
            }
            Err(e) => return Err(cannot(e)),
            // The folder the user names, through a link if they named a link.
            Ok(_) => {
                let real = fs::canonicalize(dir).map_err(cannot)?;
                match (real.parent(), real.file_name()) {
                    (Some(p), Some(n)) => (p.to_path_buf(), n.to_os_string()),
                    _ => {
                        return Err(refused(format!(
                            "cannot build a site in place of {}: give a folder inside it",
                            dir.display()
                        )));
                    }
                }
            }
        };
        let me = rustix::process::geteuid().as_raw();
        if let Ok(link) = fs::symlink_metadata(dir)
            && link.is_symlink()
            && link.uid() != me
        {
            return Err(refused(format!(
                "{} is a symbolic link that another user (uid {}) made; kz follows no link of \
                 another user's: give the folder it points to, if it is yours",
                dir.display(),
                link.uid()
            )));
        }
        // Anyone could rename the site away, or put theirs in its place, in a folder that
        // anyone may write to and that is not sticky (as /tmp is).
        if let Ok(meta) = fs::metadata(&parent)
            && meta.mode() & 0o002 != 0
            && meta.mode() & 0o1000 == 0
        {
            return Err(refused(format!(
                "{} may be written by anyone and is not sticky, so another user could swap \
                 the site for theirs; build it in a folder of yours",
                parent.display()
            )));
        }
        let path = parent.join(&name);
        let old = match fs::symlink_metadata(&path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(cannot(e)),
            Ok(meta) if meta.uid() != me => {
                return Err(refused(format!(
                    "{} belongs to another user (uid {}); kz builds a site only in place of a \
                     folder of yours: give a new folder",
                    dir.display(),
                    meta.uid()
                )));
            }
            Ok(meta) if !meta.is_dir() => {
                return Err(refused(format!(
                    "{} is a file, not a folder; give a new or empty folder for the site",
                    dir.display()
                )));
            }
            Ok(meta) => {
                let lock = lock_folder(&path).map_err(cannot)?.ok_or_else(|| {
                    refused(format!(
                        "another `kz site` is writing into {} now; wait for it to finish",
                        dir.display()
                    ))
                })?;
                Some(Old::inspect(&path, dir, lock, meta.mode())?)
            }
        };
        Ok(Target {
            shown,
            parent,
            name,
            old,
        })
    }

    /// The files a user keeps in the target, by path (for the summary).
    fn kept(&self) -> Vec<String> {
        self.old
            .iter()
            .flat_map(|o| &o.theirs)
            .filter(|(_, t)| !matches!(t, Theirs::Folder(_)))
            .map(|(p, _)| p.display().to_string())
            .collect()
    }

    /// Refuses, before anything is built, when a file or folder of yours has a name the site
    /// needs: one of `wanted` (paths within the site), or a folder the site makes.
    pub fn refuse_conflicts(&self, wanted: &BTreeSet<String>) -> io::Result<()> {
        let Some(old) = &self.old else {
            return Ok(());
        };
        let clashes: Vec<String> = old
            .theirs
            .iter()
            .filter(|(rel, kind)| {
                let rel = rel.to_string_lossy();
                wanted.contains(rel.as_ref())
                    || FIXED.contains(&rel.as_ref())
                    || rel == MARKER
                    || (FOLDERS.contains(&rel.as_ref()) && !matches!(kind, Theirs::Folder(_)))
            })
            .map(|(rel, kind)| format!("{} ({})", rel.display(), kind.why()))
            .collect();
        if clashes.is_empty() {
            return Ok(());
        }
        Err(self.clash(&clashes))
    }

    fn clash(&self, clashes: &[String]) -> io::Error {
        refused(format!(
            "{} holds {} kz did not write where the new site goes: {}; kz replaces only files \
             it wrote, so move {} out of {} (or delete {}) and run again",
            self.shown.display(),
            if clashes.len() == 1 {
                "a file"
            } else {
                "files"
            },
            some_of(clashes),
            if clashes.len() == 1 { "it" } else { "them" },
            self.shown.display(),
            if clashes.len() == 1 { "it" } else { "them" },
        ))
    }

    /// Makes the private folder to build the site in, beside the target, after clearing away
    /// any a killed build left there.
    pub fn build(&self) -> io::Result<Build<'_>> {
        fs::create_dir_all(&self.parent)?;
        let prefix = self.build_prefix();
        let dir = tempfile::Builder::new()
            .prefix(&prefix)
            .rand_bytes(12)
            .permissions(fs::Permissions::from_mode(0o700))
            .tempdir_in(&self.parent)
            .map_err(|e| {
                refused(format!(
                    "cannot make a folder to build the site in, in {}: {e}; kz builds a site \
                     beside its folder and renames it into place, so it needs to write there",
                    self.parent.display()
                ))
            })?;
        let lock = lock_folder(dir.path())?
            .ok_or_else(|| io::Error::other("the new build folder is locked"))?;
        self.prune(&prefix, rustix::process::geteuid().as_raw(), dir.path());
        let mut folders = fs::DirBuilder::new();
        folders.mode(0o777);
        for f in FOLDERS {
            folders.create(dir.path().join(f))?;
        }
        Ok(Build {
            target: self,
            dir,
            _lock: lock,
            written: Mutex::new(Vec::new()),
        })
    }

    /// The start of a build folder's name: hidden, and naming the target.
    fn build_prefix(&self) -> String {
        format!(".{}.kz-build-", self.short_name())
    }

    /// The target's name, cut so that the names made from it fit.
    fn short_name(&self) -> String {
        self.name.to_string_lossy().chars().take(64).collect()
    }

    /// A folder beside the target for what a build leaves (`[.]NAME.kz-WHAT-RANDOM`), RANDOM
    /// being the end of the build folder's name `from`.
    fn beside(&self, dot: &str, what: &str, from: &Path) -> PathBuf {
        let random = from
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.rsplit('-').next())
            .unwrap_or("0");
        self.parent
            .join(format!("{dot}{}.kz-{what}-{random}", self.short_name()))
    }

    /// Removes the build folders that killed runs left beside the target: yours, and no longer
    /// locked by a live `kz site`.
    fn prune(&self, prefix: &str, uid: u32, own: &Path) {
        let Ok(entries) = fs::read_dir(&self.parent) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let ours = entry
                .file_name()
                .to_str()
                .is_some_and(|n| n.starts_with(prefix));
            if !ours || path == own {
                continue;
            }
            let Ok(meta) = fs::symlink_metadata(&path) else {
                continue;
            };
            if !meta.is_dir() || meta.uid() != uid {
                continue;
            }
            if let Ok(Some(_lock)) = lock_folder(&path) {
                let _ = fs::remove_dir_all(&path);
            }
        }
    }
}

impl Old {
    /// Sorts what is in the folder at `path` into the files kz wrote (by its marker) and yours.
    fn inspect(path: &Path, shown: &Path, lock: File, mode: u32) -> io::Result<Old> {
        let cannot =
            |e: io::Error| refused(format!("cannot use {} for the site: {e}", shown.display()));
        let mut top: Vec<String> = fs::read_dir(path)
            .map_err(cannot)?
            .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect::<io::Result<_>>()
            .map_err(cannot)?;
        if top.is_empty() {
            return Ok(Old {
                _lock: lock,
                mode,
                ours: BTreeMap::new(),
                theirs: Vec::new(),
            });
        }
        top.sort();
        let marker = path.join(MARKER);
        let shown_marker = shown.join(MARKER);
        let (file, meta) = match open_regular(&marker) {
            Ok(found) => found,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(refused(format!(
                    "{} is not empty and holds no site kz wrote ({MARKER} is missing): it holds \
                     {}; give a new or empty folder",
                    shown.display(),
                    some_of(&top)
                )));
            }
            Err(e) => {
                let what = if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) {
                    "a symbolic link".to_string()
                } else {
                    e.to_string()
                };
                return Err(refused(format!(
                    "{}: {what}, not the list of files kz writes; kz will not write over {}: \
                     give a new or empty folder",
                    shown_marker.display(),
                    shown.display()
                )));
            }
        };
        if meta.len() > MAX_MARKER {
            return Err(refused(format!(
                "{}: {} bytes, more than the {MAX_MARKER} of any list kz writes; kz will not \
                 write over {}: give a new or empty folder",
                shown_marker.display(),
                meta.len(),
                shown.display()
            )));
        }
        let mut bytes = Vec::new();
        file.take(MAX_MARKER + 1)
            .read_to_end(&mut bytes)
            .map_err(cannot)?;
        let listed = parse_marker(&bytes).map_err(|(line, column, what)| {
            refused(format!(
                "{}:{line}:{column}: {what}; kz trusts only a list exactly as it wrote it, so \
                 it will not write over {}: move the files you want out of it and delete it, \
                 or give a new folder",
                shown_marker.display(),
                shown.display()
            ))
        })?;
        let mut ours = BTreeMap::new();
        let mut theirs = Vec::new();
        let walk = walkdir::WalkDir::new(path)
            .min_depth(1)
            .follow_links(false)
            .sort_by_file_name();
        for entry in walk {
            let entry = entry.map_err(|e| cannot(e.into()))?;
            let rel = entry
                .path()
                .strip_prefix(path)
                .map_err(io::Error::other)?
                .to_path_buf();
            let name = rel.to_str();
            let kind = entry.file_type();
            if kind.is_dir() {
                let kz = entry.depth() == 1 && name.is_some_and(|n| FOLDERS.contains(&n));
                if !kz {
                    let mode = entry.metadata().map_err(|e| cannot(e.into()))?.mode();
                    theirs.push((rel, Theirs::Folder(mode)));
                }
                continue;
            }
            if name == Some(MARKER) && kind.is_file() {
                continue;
            }
            let verdict = if kind.is_symlink() {
                Theirs::Link
            } else if !kind.is_file() {
                Theirs::Special
            } else {
                match name.and_then(|n| listed.get(n)) {
                    None => Theirs::Unlisted,
                    Some(&sum) => {
                        if unchanged(entry.path(), sum) {
                            ours.insert(name.unwrap_or_default().to_string(), sum);
                            continue;
                        }
                        Theirs::Changed
                    }
                }
            };
            theirs.push((rel, verdict));
        }
        Ok(Old {
            _lock: lock,
            mode,
            ours,
            theirs,
        })
    }
}

/// Reads a marker: the files it lists, with their hashes, or the line and column of the first
/// thing wrong with it and what.
fn parse_marker(bytes: &[u8]) -> Result<BTreeMap<String, u128>, (usize, usize, String)> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let before = &bytes[..e.valid_up_to()];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = before.len()
            - before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |p| p + 1);
        (line, column + 1, "not UTF-8".to_string())
    })?;
    let mut listed = BTreeMap::new();
    let mut offset = 0;
    let mut ended = false;
    let mut last = 0;
    for (i, raw) in text.split_inclusive('\n').enumerate() {
        let n = i + 1;
        last = n;
        let at = offset;
        offset += raw.len();
        if ended {
            return Err((n, 1, "a line after the `end` line".into()));
        }
        let Some(line) = raw.strip_suffix('\n') else {
            return Err((
                n,
                raw.chars().count() + 1,
                "the last line has no line break".into(),
            ));
        };
        if n == 1 {
            if line.starts_with(LEGACY) {
                return Err((
                    1,
                    1,
                    "written by an earlier kz, which did not list the files it wrote, so kz \
                     cannot tell them from yours"
                        .into(),
                ));
            }
            if line != HEADER {
                return Err((1, 1, format!("the first line is not `{HEADER}`")));
            }
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        if let Some(sum) = line.strip_prefix("end ") {
            if parse_hash(sum) != Some(xxh3_128(&bytes[..at])) {
                return Err((
                    n,
                    5,
                    "the list does not match its hash: it was edited or damaged".into(),
                ));
            }
            ended = true;
            continue;
        }
        let (sum, path) = line.split_once(' ').unwrap_or((line, ""));
        let Some(sum) = parse_hash(sum) else {
            return Err((n, 1, "not a hash (32 hexadecimal digits) and a path".into()));
        };
        if !is_site_path(path) {
            return Err((n, 34, format!("`{path}` is not a file kz writes in a site")));
        }
        if listed.insert(path.to_string(), sum).is_some() {
            return Err((n, 34, format!("`{path}` is listed twice")));
        }
    }
    if !ended {
        return Err((
            last.max(1),
            1,
            "the list has no `end` line: it was cut short, or is not one kz wrote".into(),
        ));
    }
    Ok(listed)
}

fn parse_hash(hex: &str) -> Option<u128> {
    let lower = hex
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    (hex.len() == 32 && lower)
        .then(|| u128::from_str_radix(hex, 16).ok())
        .flatten()
}

/// The text of a marker listing `files` (path and hash).
fn marker_text(files: &[(String, u128)]) -> String {
    let mut text = format!(
        "{HEADER}\n\
         # Written by `kz site`: every file it wrote in this folder, with the xxh3-128 hash of\n\
         # its bytes. Building the site again replaces or removes these files, as long as they\n\
         # are unchanged, and keeps every other file. Do not edit this list: kz trusts it only\n\
         # as it wrote it, and refuses to write over a folder whose list was changed.\n"
    );
    for (path, sum) in files {
        text.push_str(&format!("{sum:032x} {path}\n"));
    }
    let sum = xxh3_128(text.as_bytes());
    text.push_str(&format!("end {sum:032x}\n"));
    text
}

/// A site being built in its private folder.
pub struct Build<'t> {
    target: &'t Target,
    /// Removed, with everything in it, if the build stops before it is renamed into place.
    dir: tempfile::TempDir,
    _lock: File,
    written: Mutex<Vec<(String, u128)>>,
}

/// What the end of a build did besides writing the site.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Finished {
    /// The files of yours the new site keeps, by path within it.
    pub kept: Vec<String>,
    /// Where the old folder was left, with what appeared in it during the build.
    pub left: Option<PathBuf>,
}

impl Build<'_> {
    /// Writes one file of the site, `rel` being its path within it (`records/x.html`).
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.dir.path().join(rel);
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .custom_flags(libc_flags::NOFOLLOW)
            .open(&path)
            .map_err(|e| {
                if e.kind() == io::ErrorKind::AlreadyExists {
                    io::Error::other(format!("two records give the file name {rel}"))
                } else {
                    e
                }
            })?;
        file.write_all(bytes)?;
        self.written
            .lock()
            .map_err(|_| io::Error::other("a writer failed"))?
            .push((rel.to_string(), xxh3_128(bytes)));
        Ok(())
    }

    /// Writes the marker, brings the files of yours over, and renames the site into place; then
    /// clears the old folder of what it held.
    pub fn finish(self) -> io::Result<Finished> {
        let root = self.dir.path().to_path_buf();
        let mut written = self
            .written
            .into_inner()
            .map_err(|_| io::Error::other("a writer failed"))?;
        written.sort();
        write_marker(&root, &written)?;
        let target = self.target;
        let place = target.parent.join(&target.name);
        let mode = match &target.old {
            Some(old) => old.mode & 0o7777,
            // What a folder made now gets: 0777 less the umask.
            None => fs::symlink_metadata(root.join(FOLDERS[0]))?.mode() & 0o7777,
        };
        if let Some(old) = &target.old {
            carry(&place, &root, old, target)?;
        }
        fs::set_permissions(&root, fs::Permissions::from_mode(mode))?;
        let build = self.dir.keep();
        let aside = match swap(&build, &place, target.old.is_some(), target) {
            Ok(aside) => aside,
            Err(e) => {
                let _ = fs::remove_dir_all(&build);
                return Err(e);
            }
        };
        let mut finished = Finished {
            kept: target.kept(),
            left: None,
        };
        if let (Some(aside), Some(old)) = (aside, &target.old) {
            finished.left = clear(&aside, &place, old, target)?;
        }
        Ok(finished)
    }
}

/// Writes the marker listing `written` into the build at `root`.
fn write_marker(root: &Path, written: &[(String, u128)]) -> io::Result<()> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .custom_flags(libc_flags::NOFOLLOW)
        .open(root.join(MARKER))?;
    file.write_all(marker_text(written).as_bytes())
}

/// Brings every file and folder of yours from the old folder `from` into the new site `to`,
/// as hard links (a link as a link), or refuses where the site already has the name.
fn carry(from: &Path, to: &Path, old: &Old, target: &Target) -> io::Result<()> {
    let mut clashes = Vec::new();
    for (rel, kind) in &old.theirs {
        let dest = to.join(rel);
        let outcome = match kind {
            Theirs::Folder(mode) => {
                let mut b = fs::DirBuilder::new();
                b.mode(mode & 0o7777);
                b.create(&dest)
            }
            _ => rustix::fs::linkat(
                rustix::fs::CWD,
                from.join(rel),
                rustix::fs::CWD,
                &dest,
                rustix::fs::AtFlags::empty(),
            )
            .map_err(io::Error::from),
        };
        match outcome {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                clashes.push(format!("{} ({})", rel.display(), kind.why()));
            }
            Err(e) => {
                return Err(refused(format!(
                    "cannot keep {} in the new site ({e}); move it out of {} and run again",
                    target.shown.join(rel).display(),
                    target.shown.display()
                )));
            }
        }
    }
    if clashes.is_empty() {
        Ok(())
    } else {
        Err(target.clash(&clashes))
    }
}

/// Puts the build at `build` in place of `place`: where there was a folder, returns where it
/// went.
fn swap(build: &Path, place: &Path, exists: bool, target: &Target) -> io::Result<Option<PathBuf>> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        use rustix::io::Errno;
        let flags = if exists {
            RenameFlags::EXCHANGE
        } else {
            RenameFlags::NOREPLACE
        };
        match renameat_with(CWD, build, CWD, place, flags) {
            Ok(()) => return Ok(exists.then(|| build.to_path_buf())),
            Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) => {}
            Err(Errno::EXIST) => {
                return Err(refused(format!(
                    "{} appeared while the site was built; run again",
                    target.shown.display()
                )));
            }
            Err(e) => return Err(replace_failed(target, e.into())),
        }
    }
    swap_by_renames(build, place, exists, target)
}

/// [`swap`] without `renameat2`: the old folder is renamed aside (`.NAME.kz-old-…`, never
/// removed by a later run: if kz is killed between the two renames, it holds the old site) and
/// the build renamed into its place.
fn swap_by_renames(
    build: &Path,
    place: &Path,
    exists: bool,
    target: &Target,
) -> io::Result<Option<PathBuf>> {
    if !exists {
        fs::rename(build, place).map_err(|e| replace_failed(target, e))?;
        return Ok(None);
    }
    let aside = target.beside(".", "old", build);
    fs::rename(place, &aside).map_err(|e| replace_failed(target, e))?;
    if let Err(e) = fs::rename(build, place) {
        let _ = fs::rename(&aside, place);
        return Err(replace_failed(target, e));
    }
    Ok(Some(aside))
}

fn replace_failed(target: &Target, e: io::Error) -> io::Error {
    refused(format!(
        "cannot put the new site in place of {} ({e}); kz renames the site it built into place, \
         so {} must be a folder of its own, not a mount point",
        target.shown.display(),
        target.shown.display()
    ))
}

/// Clears the old folder, now at `aside`, of the files kz wrote and of the names of your files
/// that the new site at `place` holds too, then removes it. Anything else (a file that appeared
/// in the old folder during the build) stays: the folder is then renamed to a visible name,
/// returned.
fn clear(aside: &Path, place: &Path, old: &Old, target: &Target) -> io::Result<Option<PathBuf>> {
    // Only as kz wrote them: a file changed during the build stays.
    for (rel, &sum) in &old.ours {
        let path = aside.join(rel);
        if unchanged(&path, sum) {
            let _ = fs::remove_file(path);
        }
    }
    let _ = fs::remove_file(aside.join(MARKER));
    for (rel, kind) in &old.theirs {
        if matches!(kind, Theirs::Folder(_)) {
            continue;
        }
        let same = match (
            fs::symlink_metadata(aside.join(rel)),
            fs::symlink_metadata(place.join(rel)),
        ) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        };
        if same {
            let _ = fs::remove_file(aside.join(rel));
        }
    }
    // Folders, deepest first; one that is not empty stays.
    let mut folders: Vec<PathBuf> = walkdir::WalkDir::new(aside)
        .min_depth(1)
        .follow_links(false)
        .contents_first(true)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_dir())
        .map(|e| e.path().to_path_buf())
        .collect();
    folders.push(aside.to_path_buf());
    for f in &folders {
        let _ = fs::remove_dir(f);
    }
    if fs::symlink_metadata(aside).is_err() {
        return Ok(None);
    }
    let kept = target.beside("", "kept", aside);
    fs::rename(aside, &kept)?;
    Ok(Some(kept))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_paths() {
        let cases = [
            ("index.html", true),
            ("style.css", true),
            ("records/andrey-serdyukov.html", true),
            ("graphs/csto.svg", true),
            ("records/a~2Eb.html", true),
            ("records/chapter1.txt", false),
            ("records/../x.html", false),
            ("records/.html", false),
            ("records/a/b.html", false),
            ("graphs/x.html", false),
            ("kz-site.txt", false),
            ("notes.txt", false),
            ("/etc/passwd", false),
            ("", false),
        ];
        crate::testing::table(&cases, is_site_path);
    }

    #[test]
    fn a_marker_reads_back_only_as_written() {
        let files = vec![
            ("index.html".to_string(), 7u128),
            ("records/a.html".to_string(), u128::MAX),
        ];
        let text = marker_text(&files);
        let listed = parse_marker(text.as_bytes()).unwrap();
        assert_eq!(listed.len(), 2);
        assert_eq!(listed["records/a.html"], u128::MAX);
        let err = |t: &str| parse_marker(t.as_bytes()).unwrap_err();
        // Empty, planted, an earlier kz's, cut short, edited, extended.
        assert_eq!(err("").0, 1);
        assert!(err("").2.contains("no `end` line"));
        assert!(
            err("Written by `kz site`. kz writes over it.\n")
                .2
                .contains("earlier kz")
        );
        assert!(err("hello\n").2.contains("first line"));
        let cut = &text[..text.find("end ").unwrap()];
        assert!(err(cut).2.contains("no `end` line"));
        let edited = text.replace("records/a.html", "records/b.html");
        let (line, column, what) = err(&edited);
        assert_eq!((line, column), (8, 5), "{what}");
        assert!(what.contains("does not match its hash"));
        let planted = text.replace("records/a.html", "records/chapter1.txt");
        assert!(err(&planted).2.contains("not a file kz writes"));
        let after = format!("{text}more\n");
        assert!(err(&after).2.contains("after the `end` line"));
        assert!(err(&text[..text.len() - 1]).2.contains("no line break"));
        let twice = {
            let body = format!(
                "{HEADER}\n{:032x} index.html\n{:032x} index.html\n",
                1u128, 2u128
            );
            format!("{body}end {:032x}\n", xxh3_128(body.as_bytes()))
        };
        assert!(err(&twice).2.contains("listed twice"));
        assert_eq!(
            err("kz site 1\n\u{ff}\n").2,
            "not a hash (32 hexadecimal digits) and a path"
        );
        assert_eq!(
            parse_marker(b"kz site 1\n\xff\n").unwrap_err(),
            (2, 1, "not UTF-8".into())
        );
    }

    /// A folder holding a site of one file, `index.html` with `text`, and its marker.
    fn one_page_site(dir: &Path, text: &str) {
        fs::create_dir(dir).unwrap();
        fs::write(dir.join("index.html"), text).unwrap();
        let marker = marker_text(&[("index.html".into(), xxh3_128(text.as_bytes()))]);
        fs::write(dir.join(MARKER), marker).unwrap();
    }

    #[test]
    fn a_file_that_appears_during_the_build_is_left_in_the_old_folder() {
        let top = tempfile::tempdir().unwrap();
        let place = top.path().join("site");
        one_page_site(&place, "old");
        fs::write(place.join("mine.txt"), "mine").unwrap();
        let target = Target::open(&place).unwrap();
        let build = target.build().unwrap();
        build.write("index.html", b"new").unwrap();
        fs::write(place.join("late.txt"), "late").unwrap();
        let finished = build.finish().unwrap();
        assert_eq!(finished.kept, ["mine.txt"]);
        assert_eq!(fs::read_to_string(place.join("index.html")).unwrap(), "new");
        assert_eq!(fs::read_to_string(place.join("mine.txt")).unwrap(), "mine");
        assert!(!place.join("late.txt").exists());
        let left = finished.left.unwrap();
        assert!(
            left.file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("site.kz-kept-")
        );
        let names: BTreeSet<String> = fs::read_dir(&left)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, BTreeSet::from(["late.txt".to_string()]));
    }

    #[test]
    fn without_renameat2_the_old_folder_is_moved_aside_then_cleared() {
        let top = tempfile::tempdir().unwrap();
        let place = top.path().join("site");
        one_page_site(&place, "old");
        fs::write(place.join("mine.txt"), "mine").unwrap();
        let target = Target::open(&place).unwrap();
        let old = target.old.as_ref().unwrap();
        let build = top.path().join(".site.kz-build-abc123");
        one_page_site(&build, "new");
        carry(&place, &build, old, &target).unwrap();
        let aside = swap_by_renames(&build, &place, true, &target)
            .unwrap()
            .unwrap();
        assert_eq!(aside, top.path().join(".site.kz-old-abc123"));
        assert_eq!(fs::read_to_string(place.join("index.html")).unwrap(), "new");
        assert_eq!(fs::read_to_string(aside.join("index.html")).unwrap(), "old");
        assert_eq!(clear(&aside, &place, old, &target).unwrap(), None);
        assert!(!aside.exists() && !build.exists());
        assert_eq!(fs::read_to_string(place.join("mine.txt")).unwrap(), "mine");
        // Into a missing folder, a plain rename.
        let fresh = top.path().join("fresh");
        let other = top.path().join(".fresh.kz-build-x");
        fs::create_dir(&other).unwrap();
        let target = Target::open(&fresh).unwrap();
        assert_eq!(
            swap_by_renames(&other, &fresh, false, &target).unwrap(),
            None
        );
        assert!(fresh.is_dir() && !other.exists());
    }
}
