//! Reading fact files: from the paths the user gave, or from the base built into the binary.

use crate::diag::{Code, Diagnostic};
use crate::model::Input;
use std::io::Read;
use std::path::{Path, PathBuf};
use xxhash_rust::xxh3::xxh3_128;

/// No single fact file may be larger than this; split bigger bases into several files.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Where a fact file's text came from, so paths inside it (a source's `text`) can be resolved.
#[derive(Debug, Clone)]
pub enum FileOrigin {
    /// A file on disk, and the folder of the fact base it was found in (the folder given to
    /// `--facts` or `KZ_FACTS`, or the file's own folder when a file was given).
    Disk { path: PathBuf, root: PathBuf },
    /// Compiled into the binary; the string is its path below the repository root.
    Builtin(&'static str),
}

/// One fact file, read and decoded.
#[derive(Debug, Clone)]
pub struct FactFile {
    /// The path as the user should see it in diagnostics.
    pub display: String,
    pub origin: FileOrigin,
    /// The text, without a byte-order mark; empty once [`FactFile::release`]d.
    pub(super) text: String,
    /// The text read again, on first need, once released (see [`FactFile::text`]).
    again: Option<std::sync::OnceLock<String>>,
    /// The file as it was on disk when read; `None` for one not read from disk.
    pub input: Option<Input>,
    /// Where each line starts, found on first use: diagnostics look lines up by number.
    lines: std::sync::OnceLock<Vec<usize>>,
}

pub(super) mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin.rs"));
}

/// Every file under `facts/` compiled into the binary: its path and text.
pub fn builtin_sources() -> &'static [(&'static str, &'static str)] {
    builtin::FILES
}

/// The base compiled into the binary: every `*.yaml`/`*.yml` under `facts/`, in path order.
pub use crate::model::BUILTIN;

pub fn builtin_files() -> Vec<FactFile> {
    builtin::FILES
        .iter()
        .filter(|(path, _)| is_fact_file(Path::new(path)))
        .map(|(path, text)| {
            FactFile::new(
                format!("{BUILTIN}{path}"),
                FileOrigin::Builtin(path),
                strip_bom(text).to_string(),
            )
        })
        .collect()
}

fn is_fact_file(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

pub(super) fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Reads the fact files named by `paths`: files as given, folders walked for `*.yaml`/`*.yml`.
/// Problems (missing paths, loops, unreadable or oversized files, bad UTF-8) become diagnostics,
/// so one run reports them all.
pub fn read_paths(paths: &[PathBuf]) -> (Vec<FactFile>, Vec<Diagnostic>) {
    let (files, mut diags) = list_paths(paths);
    let (files, read_problems) = read_files(files);
    diags.extend(read_problems);
    (files, diags)
}

/// A fact file to read, and the folder of the fact base it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub path: PathBuf,
    pub root: PathBuf,
}

/// The fact files named by `paths`, in order: files as given, folders walked for `*.yaml` and
/// `*.yml` in sorted path order.
pub fn list_paths(paths: &[PathBuf]) -> (Vec<Listed>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut diags = Vec::new();
    for root in paths {
        let display_root = root.display().to_string();
        let meta = match std::fs::metadata(root) {
            Ok(meta) => meta,
            Err(err) => {
                diags.push(
                    Diagnostic::file(
                        Code::Io,
                        &display_root,
                        format!("cannot read facts path: {err}"),
                    )
                    .with_help("--facts and KZ_FACTS take files or folders of *.yaml files"),
                );
                continue;
            }
        };
        if !meta.is_dir() {
            let folder = root.parent().filter(|p| !p.as_os_str().is_empty());
            files.push(Listed {
                path: root.clone(),
                root: folder.unwrap_or(Path::new(".")).to_path_buf(),
            });
            continue;
        }
        let mut found = Vec::new();
        for entry in walkdir::WalkDir::new(root).follow_links(true) {
            match entry {
                Ok(entry) if entry.file_type().is_file() && is_fact_file(entry.path()) => {
                    found.push(entry.into_path());
                }
                Ok(_) => {}
                Err(err) => {
                    let at = err
                        .path()
                        .map(|p| p.display().to_string())
                        .unwrap_or_else(|| display_root.clone());
                    let message = if err.loop_ancestor().is_some() {
                        "symbolic link loop: this folder links back to one of its ancestors"
                            .to_string()
                    } else {
                        format!(
                            "cannot read folder: {}",
                            err.io_error()
                                .map(|e| e.to_string())
                                .unwrap_or_else(|| err.to_string())
                        )
                    };
                    diags.push(Diagnostic::file(Code::Io, &at, message));
                }
            }
        }
        found.sort();
        files.extend(found.into_iter().map(|path| Listed {
            path,
            root: root.clone(),
        }));
    }
    (files, diags)
}

/// Reads and decodes fact files, in parallel, keeping their order.
pub fn read_files(paths: Vec<Listed>) -> (Vec<FactFile>, Vec<Diagnostic>) {
    use rayon::prelude::*;
    let read: Vec<Result<FactFile, Box<Diagnostic>>> = paths.par_iter().map(read_one).collect();
    let mut out = Vec::with_capacity(read.len());
    let mut diags = Vec::new();
    for r in read {
        match r {
            Ok(file) => out.push(file),
            Err(diag) => diags.push(*diag),
        }
    }
    (out, diags)
}

pub(super) fn read_one(listed: &Listed) -> Result<FactFile, Box<Diagnostic>> {
    let path = &listed.path;
    let display = path.display().to_string();
    let io = |err: std::io::Error| {
        Box::new(Diagnostic::file(
            Code::Io,
            &display,
            format!("cannot read file: {err}"),
        ))
    };
    let (meta, bytes) = read_bytes(path, Reading::Parts)
        .map_err(io)?
        .map_err(|size| Box::new(too_large(&display, size)))?;
    let input = Input::of(path.to_path_buf(), &meta, xxh3_128(&bytes));
    let text = decode(&display, bytes)?;
    let mut file = FactFile::new(
        display,
        FileOrigin::Disk {
            path: path.to_path_buf(),
            root: listed.root.clone(),
        },
        text,
    );
    file.input = Some(input);
    Ok(file)
}

/// How a fact file is read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reading {
    /// A large file in parts on every core: the first read, from the parse.
    Parts,
    /// In one go on this thread: a file read again for a diagnostic, from inside a once-only
    /// initialiser that other threads of the pool may be waiting on (work of the pool's there
    /// could wait on them in turn, for ever).
    Alone,
}

/// A fact file's bytes, and its metadata as stat saw it just before they were read; `Err(size)`
/// inside when it is over [`MAX_FILE_BYTES`].
fn read_bytes(
    path: &Path,
    reading: Reading,
) -> std::io::Result<Result<(std::fs::Metadata, Vec<u8>), u64>> {
    // Stat before reading, the file opened: a change after this is seen later, by the stat or
    // by the hash.
    let file = open_regular(path)?;
    let meta = file.metadata()?;
    let size = meta.len();
    if size > MAX_FILE_BYTES {
        return Ok(Err(size));
    }
    if reading == Reading::Parts
        && size >= PARALLEL_READ
        && let Some(bytes) = read_in_parts(&file, size)
    {
        return Ok(Ok((meta, bytes)));
    }
    // Read at most one byte past the limit: a file that grows cannot make kz read without
    // bound.
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Ok(Err(bytes.len() as u64));
    }
    Ok(Ok((meta, bytes)))
}

/// A file this large is read in parts on every core: copying it and faulting in the pages it is
/// copied to took 8 ms of a first run at 100k quotes in one file, on one core.
const PARALLEL_READ: u64 = 4 * 1024 * 1024;
const READ_PART: usize = 2 * 1024 * 1024;

/// The `size` bytes of `file`, read in parts at once; `None` if the file is not that size any
/// more (it grew or shrank while read), or a read failed: the caller then reads it in one go.
fn read_in_parts(file: &std::fs::File, size: u64) -> Option<Vec<u8>> {
    use rayon::prelude::*;
    use std::os::unix::fs::FileExt;
    let mut bytes = vec![0; usize::try_from(size).ok()?];
    bytes
        .par_chunks_mut(READ_PART)
        .enumerate()
        .try_for_each(|(i, part)| file.read_exact_at(part, (i * READ_PART) as u64))
        .ok()?;
    // Nothing past the end: a file that grew is read again, within the limit.
    let grew = file.read_at(&mut [0], size).ok()? > 0;
    (!grew).then_some(bytes)
}

/// Opens an input file for reading without waiting, and only if it is a regular file: a FIFO
/// would make kz wait for ever, and a device may never end.
pub fn open_regular(path: &Path) -> std::io::Result<std::fs::File> {
    use rustix::fs::{Mode, OFlags};
    let flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC | OFlags::NOCTTY;
    let fd = rustix::fs::open(path, flags, Mode::empty())?;
    super::cachedir::regular(fd).ok_or_else(not_regular)
}

fn not_regular() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        "not a regular file (a FIFO, a device or a socket); kz reads only regular files",
    )
}

fn too_large(display: &str, size: u64) -> Diagnostic {
    Diagnostic::file(
        Code::TooLarge,
        display,
        format!("file is {size} bytes, over the limit of {MAX_FILE_BYTES} bytes for one fact file"),
    )
    .with_help("split the base into several files: kz reads every *.yaml file in a folder")
}

/// UTF-8 or a diagnostic at the first bad byte.
fn decode(display: &str, bytes: Vec<u8>) -> Result<String, Box<Diagnostic>> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_string(),
            None => text,
        }),
        Err(err) => {
            let bytes = err.as_bytes();
            let at = err.utf8_error().valid_up_to();
            let before = &bytes[..at];
            let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |p| p + 1);
            let column = String::from_utf8_lossy(&bytes[line_start..at])
                .chars()
                .count()
                + 1;
            let line_end = bytes[at..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(bytes.len(), |p| at + p);
            let shown = String::from_utf8_lossy(&bytes[line_start..line_end]).into_owned();
            Err(Box::new(
                Diagnostic::at(
                    Code::Encoding,
                    display,
                    line,
                    column,
                    format!(
                        "invalid UTF-8 (byte 0x{:02x}): fact files must be UTF-8",
                        bytes[at]
                    ),
                )
                .with_line(shown)
                .with_help("re-save the file as UTF-8, e.g. `iconv -f latin1 -t utf-8`"),
            ))
        }
    }
}

impl FactFile {
    pub fn new(display: String, origin: FileOrigin, text: String) -> FactFile {
        FactFile {
            display,
            origin,
            text,
            again: None,
            input: None,
            lines: std::sync::OnceLock::new(),
        }
    }

    /// The file's text, without a byte-order mark. Once released, the file is read again on
    /// first need, and only taken if its bytes hash to what was parsed; if not (the file changed
    /// or went away since), the text is empty, and diagnostics in it say only the record's line.
    pub fn text(&self) -> &str {
        match &self.again {
            None => &self.text,
            Some(again) => again.get_or_init(|| self.read_again().unwrap_or_default()),
        }
    }

    /// Lets go of the text of a file read from disk, now that it is parsed: only a diagnostic
    /// needs it again, and [`FactFile::text`] then reads it again. A large base would otherwise
    /// hold every file's text through the check.
    pub fn release(&mut self) {
        if self.input.is_some() && self.again.is_none() {
            self.text = String::new();
            self.again = Some(std::sync::OnceLock::new());
            self.lines = std::sync::OnceLock::new();
        }
    }

    /// The text read again exactly as it was parsed, or `None`.
    fn read_again(&self) -> Option<String> {
        let input = self.input.as_ref()?;
        let (_, bytes) = read_bytes(&input.path, Reading::Alone).ok()?.ok()?;
        if xxh3_128(&bytes) != input.hash {
            return None;
        }
        decode(&self.display, bytes).ok()
    }

    /// The byte offset where each line starts.
    fn line_starts(&self) -> &[usize] {
        self.lines.get_or_init(|| {
            std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', self.text().as_bytes()).map(|i| i + 1))
                .collect()
        })
    }
    /// A fact file from bytes in memory (not from disk), decoded as files are: UTF-8, without a
    /// byte-order mark, or a diagnostic at the first bad byte.
    pub fn from_bytes(display: &str, bytes: &[u8]) -> Result<FactFile, Box<Diagnostic>> {
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(Box::new(too_large(display, bytes.len() as u64)));
        }
        let text = decode(display, bytes.to_vec())?;
        let path = PathBuf::from(display);
        let root = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        Ok(FactFile::new(
            display.to_string(),
            FileOrigin::Disk { path, root },
            text,
        ))
    }

    /// A position moved inside the file: a parser may report the end of input one line past
    /// the last, or a column past the end of a line.
    pub fn clamp(&self, line: usize, column: usize) -> (usize, usize) {
        let lines = self.line_starts().len();
        let width = |l| self.line_text(l).map_or(0, |t: &str| t.chars().count());
        if line > lines {
            // The end of input: just after the last character.
            return (lines, width(lines) + 1);
        }
        let line = line.max(1);
        (line, column.clamp(1, width(line) + 1))
    }

    /// The text of 1-based line `line`, without its line ending.
    pub fn line_text(&self, line: usize) -> Option<&str> {
        let starts = self.line_starts();
        let start = *starts.get(line.checked_sub(1)?)?;
        let end = starts.get(line).map_or(self.text().len(), |next| next - 1);
        let text = self.text().get(start..end)?;
        Some(text.strip_suffix('\r').unwrap_or(text))
    }
}

/// Folds `a/./b/../c` to `a/c`, for finding built-in files by relative path.
pub fn normalise_path(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file large enough to be read in parts is read byte for byte, its last part short; a
    /// file that is not the size its stat gave is left to the read in one go.
    #[test]
    fn a_large_file_is_read_in_parts_byte_for_byte() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.yaml");
        let size = PARALLEL_READ as usize + READ_PART / 3 + 7;
        // No two parts alike, so a part read into the wrong place shows.
        let bytes: Vec<u8> = (0..size).map(|i| (i % 251 + i / READ_PART) as u8).collect();
        std::fs::write(&path, &bytes).unwrap();
        let (meta, read) = read_bytes(&path, Reading::Parts).unwrap().unwrap();
        let (_, alone) = read_bytes(&path, Reading::Alone).unwrap().unwrap();
        assert!(
            alone == bytes,
            "the bytes read in one go are not the file's"
        );
        assert_eq!(meta.len(), size as u64);
        assert!(read == bytes, "the bytes read are not the file's");
        let file = std::fs::File::open(&path).unwrap();
        assert!(read_in_parts(&file, size as u64).is_some_and(|read| read == bytes));
        assert!(read_in_parts(&file, size as u64 - 1).is_none(), "grew");
        assert!(read_in_parts(&file, size as u64 + 1).is_none(), "shrank");
    }
}
