//! A folder of kz's cache, held by its descriptor. It is opened once, without following a
//! symbolic link, and used only if it belongs to the user running kz and nobody else may write
//! to it, as ssh treats `~/.ssh` and git a repository's owner (`safe.directory`). Every later
//! read, write and removal inside it is made relative to that descriptor (`openat`, `renameat`,
//! `unlinkat`), never by path, and opens nothing through a symbolic link: so a folder or link
//! swapped in by another user can neither feed kz a forged snapshot nor lead it to write into, or
//! remove from, a folder that is not its own.

use rustix::fd::{AsFd, OwnedFd};
use rustix::fs::{AtFlags, FileType, Mode, OFlags};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// A folder of the cache that passed the check: the user's own, writable by nobody else.
#[derive(Debug)]
pub struct Dir {
    fd: OwnedFd,
    path: PathBuf,
}

/// Why a folder is not used as a cache.
#[derive(Debug)]
pub enum Refused {
    /// It belongs to another user.
    Owner(u32),
    /// Others may write to it (its mode, e.g. 0o777).
    Writable(u32),
    /// It is a symbolic link, or not a folder.
    NotFolder,
    Io(std::io::Error),
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::Owner(uid) => write!(
                f,
                "it belongs to another user (uid {uid}), who could change what kz reads there"
            ),
            Refused::Writable(mode) => write!(
                f,
                "others may write to it (mode {:o}), and could change what kz reads there",
                mode & 0o7777
            ),
            Refused::NotFolder => f.write_str("it is a symbolic link or not a folder"),
            Refused::Io(e) => e.fmt(f),
        }
    }
}

impl From<rustix::io::Errno> for Refused {
    fn from(e: rustix::io::Errno) -> Refused {
        Refused::Io(e.into())
    }
}

/// A temporary file kz writes before renaming it into place: `.tmp` and 6 to 16 letters or
/// digits (kz's own are 16 hex digits; builds before them left tempfile's 6 letters).
pub fn is_temporary(name: &str) -> bool {
    name.strip_prefix(".tmp").is_some_and(|rest| {
        (6..=16).contains(&rest.len()) && rest.bytes().all(|b| b.is_ascii_alphanumeric())
    })
}

/// A temporary file older than this is left by a run that was killed: a run still writing one
/// changes it far more often.
pub const STALE_TEMPORARY: Duration = Duration::from_secs(60 * 60);

const DIR_FLAGS: OFlags = OFlags::RDONLY
    .union(OFlags::DIRECTORY)
    .union(OFlags::NOFOLLOW)
    .union(OFlags::CLOEXEC);

impl Dir {
    /// The folder at `path`, made (mode 0700, with its parents) if missing, if it passes the
    /// check.
    pub fn open(path: &Path) -> Result<Dir, Refused> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(Refused::Io)?;
        }
        match rustix::fs::mkdir(path, Mode::from_raw_mode(0o700)) {
            Ok(()) | Err(rustix::io::Errno::EXIST) => {}
            Err(e) => return Err(e.into()),
        }
        let fd = match rustix::fs::open(path, DIR_FLAGS, Mode::empty()) {
            Err(rustix::io::Errno::LOOP | rustix::io::Errno::NOTDIR) => {
                return Err(Refused::NotFolder);
            }
            fd => fd?,
        };
        checked(fd, path.to_path_buf())
    }

    /// The folder `name` inside this one, made if `create`, if it passes the same check.
    pub fn sub(&self, name: &str, create: bool) -> Option<Dir> {
        if create {
            match rustix::fs::mkdirat(&self.fd, name, Mode::from_raw_mode(0o700)) {
                Ok(()) | Err(rustix::io::Errno::EXIST) => {}
                Err(_) => return None,
            }
        }
        let fd = rustix::fs::openat(&self.fd, name, DIR_FLAGS, Mode::empty()).ok()?;
        checked(fd, self.path.join(name)).ok()
    }

    /// Where the folder was when opened, for messages.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The descriptor the folder is held by: a process that hands work to a detached child
    /// keeps it open there and closes the rest.
    pub fn raw_fd(&self) -> i32 {
        use rustix::fd::AsRawFd;
        self.fd.as_raw_fd()
    }

    /// An exclusive lock on the regular file `name` (made if missing), held until the returned
    /// file is closed, by this process or a child it forked; `wait` blocks until it is free,
    /// else `None` while another holds it. The file's bytes are the holder's process id, for
    /// tests and for anyone wondering which process is storing.
    pub fn lock(&self, name: &str, wait: bool) -> Option<std::fs::File> {
        use rustix::fs::FlockOperation;
        let flags = OFlags::RDWR | OFlags::CREATE | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let fd = rustix::fs::openat(&self.fd, name, flags, Mode::from_raw_mode(0o600)).ok()?;
        let file = regular(fd)?;
        let op = match wait {
            true => FlockOperation::LockExclusive,
            false => FlockOperation::NonBlockingLockExclusive,
        };
        rustix::fs::flock(&file, op).ok()?;
        Some(file)
    }

    /// The regular file `name`, opened for reading without following a link and without
    /// waiting (a FIFO or a device is refused, not read).
    pub fn open_file(&self, name: &str) -> Option<std::fs::File> {
        let flags =
            OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC | OFlags::NOCTTY;
        let fd = rustix::fs::openat(&self.fd, name, flags, Mode::empty()).ok()?;
        regular(fd)
    }

    /// The bytes of the regular file `name`.
    pub fn read(&self, name: &str) -> Option<Vec<u8>> {
        let file = self.open_file(name)?;
        let size = file.metadata().ok()?.len();
        let mut bytes = Vec::with_capacity(usize::try_from(size).ok()?);
        // A regular file ends; reading at most its size plus one guards against one growing.
        file.take(size + 1).read_to_end(&mut bytes).ok()?;
        Some(bytes)
    }

    /// Writes `name` as a temporary file renamed into place, so no reader sees half of it. No
    /// fsync: a file torn by a crash fails its checksums and is made again.
    pub fn write(&self, name: &str, parts: &[&[u8]]) -> Option<()> {
        let tmp = temporary_name();
        let flags =
            OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let fd = rustix::fs::openat(&self.fd, &tmp, flags, Mode::from_raw_mode(0o600)).ok()?;
        let written = (|| {
            let mut out = std::io::BufWriter::new(std::fs::File::from(fd));
            for part in parts {
                out.write_all(part).ok()?;
            }
            out.into_inner().ok()?;
            stall_before_rename();
            rustix::fs::renameat(&self.fd, &tmp, &self.fd, name).ok()
        })();
        if written.is_none() {
            let _ = rustix::fs::unlinkat(&self.fd, &tmp, AtFlags::empty());
        }
        written
    }

    /// Every entry of the folder: its name (if UTF-8), its type and its modification time, as
    /// the entry itself says (a link is a link, not what it leads to).
    pub fn entries(&self) -> Vec<Entry> {
        let Ok(dir) = rustix::fs::Dir::read_from(&self.fd) else {
            return Vec::new();
        };
        dir.flatten()
            .filter_map(|e| {
                let name = e.file_name().to_str().ok()?.to_string();
                if name == "." || name == ".." {
                    return None;
                }
                let st = rustix::fs::statat(&self.fd, &name, AtFlags::SYMLINK_NOFOLLOW).ok()?;
                let modified = SystemTime::UNIX_EPOCH
                    + Duration::new(
                        u64::try_from(st.st_mtime).unwrap_or(0),
                        u32::try_from(st.st_mtime_nsec).unwrap_or(0),
                    );
                Some(Entry {
                    name,
                    kind: FileType::from_raw_mode(st.st_mode),
                    modified,
                })
            })
            .collect()
    }

    /// Removes the file (or link) `name`; a link is removed itself, never what it leads to.
    pub fn remove(&self, name: &str) {
        let _ = rustix::fs::unlinkat(&self.fd, name, AtFlags::empty());
    }

    /// Removes the folder `name`, which must be empty by then.
    pub fn remove_dir(&self, name: &str) {
        let _ = rustix::fs::unlinkat(&self.fd, name, AtFlags::REMOVEDIR);
    }

    /// Removes the temporary files that runs killed while writing left here, once stale.
    pub fn prune_temporaries(&self) {
        let now = SystemTime::now();
        for e in self.entries() {
            let stale = now
                .duration_since(e.modified)
                .is_ok_and(|age| age > STALE_TEMPORARY);
            if e.kind == FileType::RegularFile && is_temporary(&e.name) && stale {
                self.remove(&e.name);
            }
        }
    }
}

/// With `KZ_TEST_STALL_STORE=1`, a process storing into the cache stops for a minute between
/// writing a file and renaming it into place: the moment a test kills it, to see that a store
/// killed half-way leaves nothing a later run would read.
fn stall_before_rename() {
    static STALL: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let stall =
        *STALL.get_or_init(|| std::env::var_os("KZ_TEST_STALL_STORE").is_some_and(|v| v == "1"));
    if stall {
        std::thread::sleep(Duration::from_secs(60));
    }
}

/// One entry of a [`Dir`].
#[derive(Debug, Clone)]
pub struct Entry {
    pub name: String,
    pub kind: FileType,
    pub modified: SystemTime,
}

/// The folder open at `fd`, if it is a folder of the user's, writable by nobody else.
fn checked(fd: OwnedFd, path: PathBuf) -> Result<Dir, Refused> {
    let st = rustix::fs::fstat(&fd)?;
    if FileType::from_raw_mode(st.st_mode) != FileType::Directory {
        return Err(Refused::NotFolder);
    }
    let me = rustix::process::geteuid().as_raw();
    if st.st_uid != me {
        return Err(Refused::Owner(st.st_uid));
    }
    if st.st_mode & 0o022 != 0 {
        return Err(Refused::Writable(st.st_mode));
    }
    Ok(Dir { fd, path })
}

/// The file open at `fd`, if it is a regular file.
pub fn regular(fd: OwnedFd) -> Option<std::fs::File> {
    let st = rustix::fs::fstat(fd.as_fd()).ok()?;
    (FileType::from_raw_mode(st.st_mode) == FileType::RegularFile).then(|| fd.into())
}

/// A name for a temporary file that no other writer picks: `.tmp` and 16 hex digits from the
/// process, the thread, the time and a counter.
fn temporary_name() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(&std::process::id().to_le_bytes());
    h.update(format!("{:?}", std::thread::current().id()).as_bytes());
    let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH);
    h.update(&now.map_or(0, |d| d.as_nanos()).to_le_bytes());
    h.update(&COUNTER.fetch_add(1, Ordering::Relaxed).to_le_bytes());
    format!(".tmp{:016x}", h.digest())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn temporary_names() {
        let cases = [
            (".tmpAbC123", true),
            (".tmp0123456789abcdef", true),
            (".tmp12345", false),
            (".tmp0123456789abcdef0", false),
            (".tmp-12345", false),
            ("tmp123456", false),
            ("0123456789abcdef0123456789abcdef", false),
        ];
        crate::testing::table(&cases, is_temporary);
        assert!(is_temporary(&temporary_name()));
    }

    #[test]
    fn a_folder_others_may_write_to_is_refused() {
        let t = tempfile::tempdir().unwrap();
        let made = Dir::open(&t.path().join("kz")).unwrap();
        let mode = std::fs::metadata(made.path()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700, "made private");
        std::fs::set_permissions(made.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        assert!(matches!(
            Dir::open(&t.path().join("kz")),
            Err(Refused::Writable(_))
        ));
        std::fs::set_permissions(made.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        assert!(Dir::open(&t.path().join("kz")).is_ok(), "readable is fine");
        std::os::unix::fs::symlink(t.path().join("kz"), t.path().join("link")).unwrap();
        assert!(matches!(
            Dir::open(&t.path().join("link")),
            Err(Refused::NotFolder)
        ));
    }

    #[test]
    fn reads_and_writes_stay_inside_and_follow_no_link() {
        let t = tempfile::tempdir().unwrap();
        let dir = Dir::open(&t.path().join("kz")).unwrap();
        dir.write("a", &[b"one", b"two"]).unwrap();
        assert_eq!(dir.read("a").unwrap(), b"onetwo");
        let outside = t.path().join("outside");
        std::fs::write(&outside, "secret").unwrap();
        std::os::unix::fs::symlink(&outside, dir.path().join("b")).unwrap();
        assert_eq!(dir.read("b"), None, "a link is not followed");
        std::fs::create_dir(t.path().join("elsewhere")).unwrap();
        std::os::unix::fs::symlink(t.path().join("elsewhere"), dir.path().join("sub")).unwrap();
        assert!(dir.sub("sub", true).is_none(), "a linked folder is refused");
        dir.remove("b");
        assert_eq!(std::fs::read(&outside).unwrap(), b"secret");
        let names: Vec<String> = dir.entries().into_iter().map(|e| e.name).collect();
        assert_eq!(names.len(), 2, "{names:?}: no temporary file is left");
    }
}
