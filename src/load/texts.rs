//! Reading a source's full text: confined to the fact base, bounded in size, and only from a
//! regular file. The check reads each text once through here, and so does `kz site` when it has
//! to read a text again for a base read from a snapshot, which it then uses only if the bytes
//! are the ones the check read.
//!
//! A text must lie beneath the folder of the fact file that names it, or beneath the folder the
//! base was given as, after symbolic links are followed. The file is opened with `openat2` and
//! `RESOLVE_BENEATH` relative to that folder, so the kernel resolves the path and its links in
//! one step and refuses any that would leave the folder: a link flipped between a check and the
//! open cannot lead outside. A path with an absolute link in it is resolved first, checked, and
//! opened by the resolved path with `RESOLVE_NO_SYMLINKS`, so a link that appears in between
//! fails the open. Where the kernel has no `openat2` (Linux before 5.6, or a sandbox that
//! forbids it), the resolved path is opened without following a last link, which leaves a race
//! on the folders along the way.

use super::cachedir::regular;
use super::files::{FactFile, FileOrigin, MAX_FILE_BYTES, builtin, normalise_path, strip_bom};
use crate::model::{CheckedText, Input, TextAt};
use rustix::fd::OwnedFd;
use rustix::fs::{Mode, OFlags, ResolveFlags};
use rustix::io::Errno;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use xxhash_rust::xxh3::xxh3_128;

/// A source's text as read.
#[derive(Debug)]
pub struct ReadText {
    /// The text, without a byte-order mark.
    pub text: String,
    /// xxh3-128 of the bytes read.
    pub hash: u128,
    /// The file as it was when read, for a snapshot to watch; `None` for a built-in text.
    pub input: Option<Input>,
    /// Where it was found, to read it again.
    pub at: TextAt,
}

/// Why a source's text could not be read.
#[derive(Debug)]
pub enum TextError {
    /// The path leads outside the fact base; the file was not read.
    Outside,
    /// Read again, its bytes are not the ones `kz check` read.
    Changed,
    Io(std::io::Error),
}

impl From<std::io::Error> for TextError {
    fn from(e: std::io::Error) -> TextError {
        TextError::Io(e)
    }
}

impl From<Errno> for TextError {
    fn from(e: Errno) -> TextError {
        TextError::Io(e.into())
    }
}

impl std::fmt::Display for TextError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TextError::Outside => f.write_str("it is outside the fact base, so kz did not read it"),
            TextError::Changed => f.write_str("it changed since `kz check` read it"),
            TextError::Io(e) => e.fmt(f),
        }
    }
}

/// What the texts read by one run share, found once rather than once per text: each folder's
/// canonical path, and the working folder. A base of a thousand texts in one folder otherwise
/// made five thousand system calls to find the same two paths again.
#[derive(Default)]
pub struct Folders {
    canonical: std::sync::Mutex<rustc_hash::FxHashMap<PathBuf, PathBuf>>,
    cwd: std::sync::OnceLock<Option<PathBuf>>,
}

impl Folders {
    /// `dir` with every link resolved, as [`Path::canonicalize`] gives it.
    fn canonical(&self, dir: &Path) -> std::io::Result<PathBuf> {
        let known = self.canonical.lock().ok().and_then(|m| m.get(dir).cloned());
        if let Some(known) = known {
            return Ok(known);
        }
        let found = dir.canonicalize()?;
        if let Ok(mut m) = self.canonical.lock() {
            m.insert(dir.to_path_buf(), found.clone());
        }
        Ok(found)
    }

    /// `path` made absolute, as [`std::path::absolute`] makes it.
    fn absolute(&self, path: &Path) -> PathBuf {
        let cwd = self.cwd.get_or_init(|| std::env::current_dir().ok());
        let full = match (path.is_absolute(), cwd) {
            (false, Some(cwd)) => cwd.join(path),
            _ => path.to_path_buf(),
        };
        std::path::absolute(&full).unwrap_or(full)
    }
}

/// Reads the file `rel` names relative to the fact file `file` (a source's `text`).
pub fn read_relative(file: &FactFile, rel: &str) -> Result<ReadText, TextError> {
    read_relative_in(file, rel, &Folders::default())
}

/// [`read_relative`], with the folders found by earlier reads of the same run.
pub fn read_relative_in(
    file: &FactFile,
    rel: &str,
    folders: &Folders,
) -> Result<ReadText, TextError> {
    let (path, root) = match &file.origin {
        FileOrigin::Disk { path, root } => (path, root),
        FileOrigin::Builtin(path) => {
            let dir = Path::new(path).parent().unwrap_or(Path::new(""));
            let want = normalise_path(&dir.join(rel));
            let (found, _) = builtin::FILES
                .iter()
                .find(|(p, _)| normalise_path(Path::new(p)) == want)
                .ok_or_else(|| {
                    std::io::Error::new(std::io::ErrorKind::NotFound, "not in the built-in base")
                })?;
            return read_builtin(found);
        }
    };
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    // Beneath the fact file's folder, or else beneath the base's folder.
    let mut places = vec![(folder.to_path_buf(), PathBuf::from(rel))];
    if let Ok(sub) = folder.strip_prefix(root)
        && !sub.as_os_str().is_empty()
    {
        places.push((root.clone(), sub.join(rel)));
    }
    let mut outside = false;
    for (dir, beneath) in places {
        let file = match open_beneath(&dir, &beneath) {
            Err(TextError::Outside) => {
                outside = true;
                continue;
            }
            other => other?,
        };
        let (bytes, meta) = read_bounded(file)?;
        let hash = xxh3_128(&bytes);
        // Watched by the name the fact file gives, not where its links lead today, so a link
        // pointed at another file is seen as a change.
        let watched = folders.absolute(&folder.join(rel));
        let at = TextAt::Disk {
            dir: folders.canonical(&dir)?,
            path: beneath,
        };
        return Ok(ReadText {
            text: decode(bytes)?,
            hash,
            input: Some(Input::of(watched, &meta, hash)),
            at,
        });
    }
    Err(match outside {
        true => TextError::Outside,
        false => std::io::Error::from(std::io::ErrorKind::NotFound).into(),
    })
}

/// The text the check read, held or read again where the check found it: through the same
/// confined reader, and only if its bytes hash as they did then.
pub fn checked_text(checked: &CheckedText) -> Result<Arc<str>, TextError> {
    if let Some(text) = checked.text.get() {
        return Ok(text.clone());
    }
    let read = match &checked.at {
        TextAt::Builtin(path) => read_builtin(path)?,
        TextAt::Disk { dir, path } => {
            let (bytes, _) = read_bounded(open_beneath(dir, path)?)?;
            let hash = xxh3_128(&bytes);
            ReadText {
                text: decode(bytes)?,
                hash,
                input: None,
                at: checked.at.clone(),
            }
        }
    };
    if read.hash != checked.hash {
        return Err(TextError::Changed);
    }
    Ok(checked.text.get_or_init(|| Arc::from(read.text)).clone())
}

fn read_builtin(path: &str) -> Result<ReadText, TextError> {
    let (found, text) = builtin::FILES
        .iter()
        .find(|(p, _)| *p == path)
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "not built into kz"))?;
    Ok(ReadText {
        text: strip_bom(text).to_string(),
        hash: xxh3_128(text.as_bytes()),
        input: None,
        at: TextAt::Builtin(found.to_string()),
    })
}

/// The flags every source text is opened with: reading, without waiting (a FIFO is not waited
/// for) and without taking a terminal.
const TEXT_FLAGS: OFlags = OFlags::RDONLY
    .union(OFlags::NONBLOCK)
    .union(OFlags::CLOEXEC)
    .union(OFlags::NOCTTY);

/// Whether `openat2` is missing or refused here (an old kernel, a sandbox).
fn no_openat2(e: Errno) -> bool {
    matches!(e, Errno::NOSYS | Errno::PERM | Errno::INVAL | Errno::TOOBIG)
}

/// Opens `path` beneath the folder `dir`, following links only while they stay beneath it, and
/// only if it is a regular file.
fn open_beneath(dir: &Path, path: &Path) -> Result<std::fs::File, TextError> {
    let dir_fd = rustix::fs::open(
        dir,
        OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    let resolve = ResolveFlags::BENEATH | ResolveFlags::NO_MAGICLINKS;
    let fd = match rustix::fs::openat2(&dir_fd, path, TEXT_FLAGS, Mode::empty(), resolve) {
        Ok(fd) => fd,
        // An absolute link, or one that leaves the folder, or no openat2 at all.
        Err(e) if e == Errno::XDEV || no_openat2(e) => open_resolved(dir, path)?,
        Err(e) => return Err(e.into()),
    };
    regular(fd).ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file (a FIFO, a device or a socket); kz reads only regular files",
        )
        .into()
    })
}

/// Opens `path` beneath `dir` by the path its links lead to, if that is inside `dir`, following
/// no link on the way (so none flipped since can lead elsewhere).
fn open_resolved(dir: &Path, path: &Path) -> Result<OwnedFd, TextError> {
    let full = dir.join(path).canonicalize()?;
    if !full.starts_with(dir.canonicalize()?) {
        return Err(TextError::Outside);
    }
    let resolve = ResolveFlags::NO_SYMLINKS | ResolveFlags::NO_MAGICLINKS;
    match rustix::fs::openat2(rustix::fs::CWD, &full, TEXT_FLAGS, Mode::empty(), resolve) {
        // Without openat2, only the last step is kept from following a link.
        Err(e) if no_openat2(e) => Ok(rustix::fs::open(
            &full,
            TEXT_FLAGS | OFlags::NOFOLLOW,
            Mode::empty(),
        )?),
        fd => Ok(fd?),
    }
}

/// The bytes of an open source text, at most [`MAX_FILE_BYTES`], and its metadata.
fn read_bounded(file: std::fs::File) -> Result<(Vec<u8>, std::fs::Metadata), TextError> {
    let meta = file.metadata()?;
    let too_large = || {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("over the limit of {MAX_FILE_BYTES} bytes for one source text"),
        )
    };
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_large().into());
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large().into());
    }
    Ok((bytes, meta))
}

/// The text of a file's bytes, without a byte-order mark; not copied.
fn decode(bytes: Vec<u8>) -> Result<String, TextError> {
    let mut text = String::from_utf8(bytes)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.utf8_error()))?;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fact file at `dir/sub/base.yaml` of a base given as `dir`.
    fn fact_file(dir: &Path) -> FactFile {
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        let mut f = FactFile::from_bytes("x", b"").unwrap();
        f.origin = FileOrigin::Disk {
            path: dir.join("sub/base.yaml"),
            root: dir.to_path_buf(),
        };
        f
    }

    #[test]
    fn texts_are_read_beneath_the_base_and_nowhere_else() {
        let t = tempfile::tempdir().unwrap();
        let base = t.path().join("base");
        let file = fact_file(&base);
        std::fs::write(base.join("sub/a.txt"), "in its folder").unwrap();
        std::fs::create_dir(base.join("texts")).unwrap();
        std::fs::write(base.join("texts/b.txt"), "\u{feff}in the base").unwrap();
        std::fs::write(t.path().join("secret.txt"), "outside").unwrap();
        std::os::unix::fs::symlink(t.path().join("secret.txt"), base.join("sub/abs.txt")).unwrap();
        std::os::unix::fs::symlink("../texts/b.txt", base.join("sub/rel.txt")).unwrap();
        std::os::unix::fs::symlink(base.join("texts/b.txt"), base.join("sub/inside.txt")).unwrap();
        let read = |rel: &str| read_relative(&file, rel).map(|r| r.text);
        assert_eq!(read("a.txt").unwrap(), "in its folder");
        assert_eq!(read("../texts/b.txt").unwrap(), "in the base");
        assert_eq!(
            read("rel.txt").unwrap(),
            "in the base",
            "a link that stays inside"
        );
        for outside in ["../../secret.txt", "abs.txt", "/etc/hostname"] {
            assert!(
                matches!(read(outside), Err(TextError::Outside)),
                "{outside}: {:?}",
                read(outside)
            );
        }
        assert!(matches!(read("missing.txt"), Err(TextError::Io(_))));
    }

    #[test]
    fn a_text_is_used_again_only_with_the_bytes_checked() {
        let t = tempfile::tempdir().unwrap();
        let base = t.path().join("base");
        let file = fact_file(&base);
        std::fs::write(base.join("sub/a.txt"), "the words").unwrap();
        let read = read_relative(&file, "a.txt").unwrap();
        let checked = CheckedText {
            at: read.at,
            hash: read.hash,
            text: Default::default(),
        };
        assert_eq!(&*checked_text(&checked).unwrap(), "the words");
        // Changed after the check, or made a link to a file outside: refused.
        let checked = CheckedText {
            text: Default::default(),
            ..checked
        };
        std::fs::write(base.join("sub/a.txt"), "other words").unwrap();
        assert!(matches!(checked_text(&checked), Err(TextError::Changed)));
        std::fs::remove_file(base.join("sub/a.txt")).unwrap();
        std::fs::write(t.path().join("secret.txt"), "the words").unwrap();
        std::os::unix::fs::symlink(t.path().join("secret.txt"), base.join("sub/a.txt")).unwrap();
        assert!(matches!(checked_text(&checked), Err(TextError::Outside)));
    }

    #[test]
    fn a_fifo_or_a_device_is_refused_without_waiting() {
        let t = tempfile::tempdir().unwrap();
        let base = t.path().join("base");
        let file = fact_file(&base);
        rustix::fs::mknodat(
            rustix::fs::CWD,
            base.join("sub/fifo.txt"),
            rustix::fs::FileType::Fifo,
            Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
        let err = read_relative(&file, "fifo.txt").unwrap_err().to_string();
        assert!(err.contains("not a regular file"), "{err}");
    }
}
