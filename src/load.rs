//! Fact files → raw serde records, each with where it came from. The only module that touches YAML.
//!
//! A file is first cut into its sections and list items by [`outline`], a line scanner, and each
//! batch of items is deserialised on its own. That way one bad record costs one diagnostic, not
//! the rest of the file, and no whole-document event stream is ever held in memory. Whenever the
//! cut might not be faithful (flow style, anchors used across items, directives, a chunk that does
//! not parse on its own), the whole file is parsed in one piece instead, which is authoritative.

use crate::check::{Code, Diagnostic};
use serde::Deserialize;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess,
    Visitor,
};
use std::fmt;
use std::path::{Path, PathBuf};

/// No single fact file may be larger than this; split bigger bases into several files.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Items per batch and bytes per batch when deserialising a section piecewise.
const BATCH_ITEMS: usize = 256;
const BATCH_BYTES: usize = 64 * 1024;

/// Where a fact file's text came from, so paths inside it (a source's `text`) can be resolved.
#[derive(Debug, Clone)]
pub enum FileOrigin {
    Disk(PathBuf),
    /// Compiled into the binary; the string is its path below the repository root.
    Builtin(&'static str),
}

/// One fact file, read and decoded.
#[derive(Debug, Clone)]
pub struct FactFile {
    /// The path as the user should see it in diagnostics.
    pub display: String,
    pub origin: FileOrigin,
    /// The text, without a byte-order mark.
    pub text: String,
}

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin.rs"));
}

/// The base compiled into the binary: every `*.yaml`/`*.yml` under `facts/`, in path order.
pub fn builtin_files() -> Vec<FactFile> {
    builtin::FILES
        .iter()
        .filter(|(path, _)| is_fact_file(Path::new(path)))
        .map(|(path, text)| FactFile {
            display: (*path).to_string(),
            origin: FileOrigin::Builtin(path),
            text: strip_bom(text).to_string(),
        })
        .collect()
}

fn is_fact_file(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Reads the fact files named by `paths`: files as given, folders walked for `*.yaml`/`*.yml`.
/// Problems (missing paths, loops, unreadable or oversized files, bad UTF-8) become diagnostics,
/// so one run reports them all.
pub fn read_paths(paths: &[PathBuf]) -> (Vec<FactFile>, Vec<Diagnostic>) {
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
            files.push(root.clone());
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
        files.extend(found);
    }
    let mut out = Vec::with_capacity(files.len());
    for path in files {
        match read_one(&path) {
            Ok(file) => out.push(file),
            Err(diag) => diags.push(*diag),
        }
    }
    (out, diags)
}

fn read_one(path: &Path) -> Result<FactFile, Box<Diagnostic>> {
    let display = path.display().to_string();
    let io = |err: std::io::Error| {
        Box::new(Diagnostic::file(
            Code::Io,
            &display,
            format!("cannot read file: {err}"),
        ))
    };
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > MAX_FILE_BYTES {
        return Err(Box::new(
            Diagnostic::file(
                Code::TooLarge,
                &display,
                format!("file is {size} bytes, over the limit of {MAX_FILE_BYTES} bytes for one fact file"),
            )
            .with_help("split the base into several files: kz reads every *.yaml file in a folder"),
        ));
    }
    let bytes = std::fs::read(path).map_err(io)?;
    let text = decode(&display, bytes)?;
    Ok(FactFile {
        display,
        origin: FileOrigin::Disk(path.to_path_buf()),
        text,
    })
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
    /// Reads a file named relative to this one (a source's `text`).
    pub fn read_relative(&self, rel: &str) -> std::io::Result<String> {
        match &self.origin {
            FileOrigin::Disk(path) => {
                let full = path.parent().unwrap_or(Path::new(".")).join(rel);
                let bytes = std::fs::read(&full)?;
                String::from_utf8(bytes)
                    .map(|t| strip_bom(&t).to_string())
                    .map_err(|e| {
                        std::io::Error::new(std::io::ErrorKind::InvalidData, e.utf8_error())
                    })
            }
            FileOrigin::Builtin(path) => {
                let dir = Path::new(path).parent().unwrap_or(Path::new(""));
                let want = normalise_path(&dir.join(rel));
                builtin::FILES
                    .iter()
                    .find(|(p, _)| normalise_path(Path::new(p)) == want)
                    .map(|(_, text)| strip_bom(text).to_string())
                    .ok_or_else(|| {
                        std::io::Error::new(
                            std::io::ErrorKind::NotFound,
                            "not in the built-in base",
                        )
                    })
            }
        }
    }

    /// The text of 1-based line `line`, without its line ending.
    pub fn line_text(&self, line: usize) -> Option<&str> {
        self.text
            .split('\n')
            .nth(line.checked_sub(1)?)
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
    }
}

/// Folds `a/./b/../c` to `a/c`, for finding built-in files by relative path.
fn normalise_path(path: &Path) -> PathBuf {
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

// ---------------------------------------------------------------------------------------------
// Raw records: the shape of the YAML, before references and dates are checked.

/// A date field: YAML gives a string, or an integer for a bare year.
#[derive(Debug, Clone, PartialEq)]
pub enum RawDate {
    Text(String),
    Year(i64),
}

impl<'de> Deserialize<'de> for RawDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = RawDate;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date such as 2022-01-05, 2022-01, 2022 or 199X")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawDate, E> {
                Ok(RawDate::Text(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawDate, E> {
                Ok(RawDate::Year(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawDate, E> {
                Ok(RawDate::Year(i64::try_from(v).unwrap_or(i64::MAX)))
            }
        }
        d.deserialize_any(V)
    }
}

/// A list field that also takes a single value (`source: article` or `source: [a, b]`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct List(pub Vec<String>);

impl<'de> Deserialize<'de> for List {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = List;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of strings, or one string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<List, E> {
                Ok(List(vec![v.to_string()]))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<List, E> {
                Ok(List(vec![v.to_string()]))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<List, E> {
                Ok(List(vec![v.to_string()]))
            }
            fn visit_unit<E: de::Error>(self) -> Result<List, E> {
                Ok(List(Vec::new()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<List, A::Error> {
                let mut out = Vec::new();
                while let Some(item) = seq.next_element::<String>()? {
                    out.push(item);
                }
                Ok(List(out))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    pub id: Option<String>,
    pub title: Option<String>,
    pub publisher: Option<String>,
    pub published: Option<RawDate>,
    pub url: Option<String>,
    pub text: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawActor {
    pub id: Option<String>,
    pub name: Option<String>,
    #[serde(default)]
    pub aliases: List,
    pub description: Option<String>,
    pub nationality: Option<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub roles: Vec<RawRole>,
    #[serde(default)]
    pub source: List,
    pub evidence: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRole {
    pub title: Option<String>,
    pub org: Option<String>,
    pub place: Option<String>,
    pub since: Option<RawDate>,
    pub until: Option<RawDate>,
    #[serde(default)]
    pub source: List,
    pub evidence: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOrganisation {
    pub id: Option<String>,
    pub name: Option<String>,
    #[serde(default)]
    pub aliases: List,
    pub kind: Option<String>,
    pub description: Option<String>,
    pub founded: Option<RawDate>,
    pub based_in: Option<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub members: Vec<RawMember>,
    #[serde(default)]
    pub source: List,
    pub evidence: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMember {
    pub member: Option<String>,
    pub since: Option<RawDate>,
    pub until: Option<RawDate>,
    #[serde(default)]
    pub source: List,
    pub evidence: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPlace {
    pub id: Option<String>,
    pub name: Option<String>,
    #[serde(default)]
    pub aliases: List,
    pub kind: Option<String>,
    pub part_of: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub source: List,
    pub evidence: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawQuote {
    pub id: Option<String>,
    pub speaker: Option<String>,
    pub text: Option<String>,
    pub kind: Option<crate::model::QuoteKind>,
    pub said: Option<RawDate>,
    pub context: Option<String>,
    #[serde(default)]
    pub about: List,
    #[serde(default)]
    pub source: List,
    pub evidence: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEvent {
    pub id: Option<String>,
    pub date: Option<RawDate>,
    pub title: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub involving: List,
    #[serde(default)]
    pub places: List,
    #[serde(default)]
    pub source: List,
    pub evidence: Option<String>,
    pub notes: Option<String>,
}

/// A whole file in one piece: the authoritative parse, used when a file cannot be cut up.
#[derive(Debug, Default, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a mapping of sections: sources, actors, organisations, places, quotes, events"
)]
struct RawFile {
    #[serde(default, deserialize_with = "null_as_empty")]
    sources: Vec<RawSource>,
    #[serde(default, deserialize_with = "null_as_empty")]
    actors: Vec<RawActor>,
    #[serde(default, deserialize_with = "null_as_empty")]
    organisations: Vec<RawOrganisation>,
    #[serde(default, deserialize_with = "null_as_empty")]
    places: Vec<RawPlace>,
    #[serde(default, deserialize_with = "null_as_empty")]
    quotes: Vec<RawQuote>,
    #[serde(default, deserialize_with = "null_as_empty")]
    events: Vec<RawEvent>,
}

/// An empty section (`quotes:` with nothing under it) is an empty list.
fn null_as_empty<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

pub use crate::model::SECTIONS;

// ---------------------------------------------------------------------------------------------
// Locations.

/// Where a raw record sits: its file, the parse unit (a chunk of items or the whole file) and its
/// index inside that unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct At {
    pub file: u32,
    pub unit: u32,
    pub item: u32,
    /// 1-based line of the record's start, 0 when only a lookup can tell.
    pub line: u32,
}

/// A unit of parsing inside a file.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Unit {
    /// Items of one section, `text[start..end]`, whose first line is line `first_line`.
    Chunk {
        start: usize,
        end: usize,
        first_line: u32,
    },
    /// The whole file, parsed in one piece; items are found under `section`.
    Whole { section: &'static str },
}

/// One step of a path into a record (`roles`, `2`, `org`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seg {
    Key(&'static str),
    Index(usize),
    /// The second occurrence of a key in a mapping.
    Repeated(&'static str),
}

/// A line and column in a file, 1-based, and whether the exact field was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    pub found: bool,
}

/// A raw record and where it came from.
#[derive(Debug, Clone)]
pub struct Located<T> {
    pub raw: T,
    pub at: At,
}

/// Every raw record of a set of files, with the problems found reading them.
#[derive(Debug, Default)]
pub struct Raw {
    pub files: Vec<FactFile>,
    units: Vec<Vec<Unit>>,
    pub sources: Vec<Located<RawSource>>,
    pub actors: Vec<Located<RawActor>>,
    pub organisations: Vec<Located<RawOrganisation>>,
    pub places: Vec<Located<RawPlace>>,
    pub quotes: Vec<Located<RawQuote>>,
    pub events: Vec<Located<RawEvent>>,
    pub diagnostics: Vec<Diagnostic>,
    /// Ids of records that failed to deserialise, so references to them do not cascade.
    pub broken_ids: Vec<String>,
}

impl Raw {
    /// The position of `path` inside the record at `at`, or of the record itself (`found:
    /// false`) when the path is absent. It re-reads only the record's own unit.
    pub fn locate(&self, at: At, path: &[Seg]) -> Position {
        let file = &self.files[at.file as usize];
        let unit = &self.units[at.file as usize][at.unit as usize];
        let (text, first_line, mut full) = match unit {
            Unit::Chunk {
                start,
                end,
                first_line,
            } => (
                &file.text[*start..*end],
                *first_line as usize,
                vec![Seg::Index(at.item as usize)],
            ),
            Unit::Whole { section } => (
                file.text.as_str(),
                1,
                vec![Seg::Key(section), Seg::Index(at.item as usize)],
            ),
        };
        full.extend_from_slice(path);
        locate_in(text, &full)
            .map(|(line, column, found)| Position {
                line: line + first_line - 1,
                column,
                found,
            })
            .unwrap_or(Position {
                line: at.line.max(1) as usize,
                column: 1,
                found: false,
            })
    }

    /// The 1-based line where a record starts, looking it up when the parse did not record it.
    pub fn record_line(&self, at: At) -> u32 {
        if at.line > 0 {
            at.line
        } else {
            self.locate(at, &[]).line as u32
        }
    }
}

const FOUND: &str = "\u{0}kz-located";
const MISSING: &str = "\u{0}kz-missing";

/// Walks `path` with serde_yaml and stops at its end by raising an error there: serde_yaml marks
/// every error with the position of the node being read, so the error's location is the answer.
fn locate_in(text: &str, path: &[Seg]) -> Option<(usize, usize, bool)> {
    let err = Locate(path)
        .deserialize(serde_yaml::Deserializer::from_str(text))
        .err()?;
    let loc = err.location()?;
    let msg = err.to_string();
    let found = msg.contains(FOUND);
    if !found && !msg.contains(MISSING) {
        return None;
    }
    Some((loc.line(), loc.column(), found))
}

struct Locate<'a>(&'a [Seg]);

impl<'de> DeserializeSeed<'de> for Locate<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

macro_rules! found_on_scalar {
    ($($method:ident: $ty:ty),*) => {
        $(fn $method<E: de::Error>(self, _: $ty) -> Result<(), E> {
            Err(E::custom(FOUND))
        })*
    };
}

impl<'de> Visitor<'de> for Locate<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML node")
    }
    found_on_scalar!(visit_bool: bool, visit_i64: i64, visit_u64: u64, visit_f64: f64, visit_str: &str);
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(E::custom(FOUND))
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Err(E::custom(FOUND))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        match self.0.first() {
            None => Err(de::Error::custom(FOUND)),
            Some(Seg::Index(i)) => {
                for _ in 0..*i {
                    if seq.next_element::<IgnoredAny>()?.is_none() {
                        return Err(de::Error::custom(MISSING));
                    }
                }
                seq.next_element_seed(Locate(&self.0[1..]))?;
                Err(de::Error::custom(MISSING))
            }
            Some(_) => Err(de::Error::custom(MISSING)),
        }
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let (want, nth) = match self.0.first() {
            None => return Err(de::Error::custom(FOUND)),
            Some(Seg::Key(k)) => (*k, 1),
            Some(Seg::Repeated(k)) => (*k, 2),
            Some(Seg::Index(_)) => return Err(de::Error::custom(MISSING)),
        };
        let mut seen = 0;
        while let Some(key) = map.next_key::<KeyText>()? {
            if key.0.as_deref() == Some(want) {
                seen += 1;
                if seen == nth {
                    return map.next_value_seed(Locate(&self.0[1..]));
                }
            }
            map.next_value::<IgnoredAny>()?;
        }
        Err(de::Error::custom(MISSING))
    }
}

/// A mapping key as text when it is a string; other keys are skipped.
struct KeyText(Option<String>);

impl<'de> Deserialize<'de> for KeyText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = KeyText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<KeyText, E> {
                Ok(KeyText(Some(v.to_string())))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<KeyText, E> {
                Ok(KeyText(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<KeyText, E> {
                Ok(KeyText(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<KeyText, E> {
                Ok(KeyText(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<KeyText, E> {
                Ok(KeyText(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<KeyText, E> {
                Ok(KeyText(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<KeyText, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(KeyText(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<KeyText, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(KeyText(None))
            }
        }
        d.deserialize_any(V)
    }
}

// ---------------------------------------------------------------------------------------------
// The outline: sections and items found by scanning lines.

/// A top-level section key and the byte spans of its list items.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SectionOutline<'a> {
    name: &'a str,
    line: u32,
    items: Vec<ItemSpan>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ItemSpan {
    start: usize,
    end: usize,
    line: u32,
}

/// Cuts a file into sections and block-list items by indentation alone, or gives up (`None`)
/// whenever the file uses anything the cut could misread: flow or inline section values,
/// directives and document markers, tabs in indentation, or content outside the block layout.
/// A cut that is accepted is later confirmed by each chunk parsing on its own.
fn outline(text: &str) -> Option<Vec<SectionOutline<'_>>> {
    let mut sections: Vec<SectionOutline> = Vec::new();
    let mut item_indent: Option<usize> = None;
    let mut offset = 0;
    for (n, raw_line) in text.split_inclusive('\n').enumerate() {
        let line_no = n as u32 + 1;
        let start = offset;
        offset += raw_line.len();
        let line = raw_line.trim_end_matches(['\n', '\r']);
        let body = line.trim_start_matches(' ');
        let indent = line.len() - body.len();
        if body.starts_with('\t') {
            return None;
        }
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let is_item = body == "-" || body.starts_with("- ");
        if indent == 0 && !is_item {
            if body.starts_with("---") || body.starts_with("...") || body.starts_with('%') {
                return None;
            }
            let (key, rest) = body.split_once(':')?;
            let rest = rest.trim_start_matches(' ');
            let plain_key = !key.is_empty()
                && key
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
            if !plain_key || !(rest.is_empty() || rest.starts_with('#')) {
                return None;
            }
            close_last(&mut sections, start);
            sections.push(SectionOutline {
                name: key,
                line: line_no,
                items: Vec::new(),
            });
            item_indent = None;
            continue;
        }
        let section = sections.last_mut()?;
        match item_indent {
            None if is_item => {
                item_indent = Some(indent);
                section.items.push(ItemSpan {
                    start,
                    end: offset,
                    line: line_no,
                });
            }
            None => return None,
            Some(at) if indent == at && is_item => {
                if let Some(last) = section.items.last_mut() {
                    last.end = start;
                }
                section.items.push(ItemSpan {
                    start,
                    end: offset,
                    line: line_no,
                });
            }
            Some(at) if indent > at => {}
            Some(_) => return None,
        }
    }
    close_last(&mut sections, offset);
    Some(sections)
}

fn close_last(sections: &mut [SectionOutline], end: usize) {
    if let Some(item) = sections.last_mut().and_then(|s| s.items.last_mut()) {
        item.end = end;
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing.

/// Reads every file into raw records, reporting every problem a parse can find.
pub fn parse(files: Vec<FactFile>) -> Raw {
    let mut raw = Raw::default();
    for (i, file) in files.iter().enumerate() {
        let parsed = parse_file(i as u32, file);
        raw.units.push(parsed.units);
        raw.sources.extend(parsed.sources);
        raw.actors.extend(parsed.actors);
        raw.organisations.extend(parsed.organisations);
        raw.places.extend(parsed.places);
        raw.quotes.extend(parsed.quotes);
        raw.events.extend(parsed.events);
        raw.diagnostics.extend(parsed.diagnostics);
        raw.broken_ids.extend(parsed.broken_ids);
    }
    raw.files = files;
    raw
}

#[derive(Debug, Default)]
struct ParsedFile {
    units: Vec<Unit>,
    sources: Vec<Located<RawSource>>,
    actors: Vec<Located<RawActor>>,
    organisations: Vec<Located<RawOrganisation>>,
    places: Vec<Located<RawPlace>>,
    quotes: Vec<Located<RawQuote>>,
    events: Vec<Located<RawEvent>>,
    diagnostics: Vec<Diagnostic>,
    broken_ids: Vec<String>,
}

/// A chunk failed in a way only the whole file can explain (syntax, anchors across items).
struct NeedsWhole;

fn parse_file(file_idx: u32, file: &FactFile) -> ParsedFile {
    if let Some(sections) = outline(&file.text)
        && let Ok(parsed) = parse_outlined(file_idx, file, &sections)
    {
        return parsed;
    }
    parse_whole(file_idx, file)
}

fn parse_outlined(
    file_idx: u32,
    file: &FactFile,
    sections: &[SectionOutline],
) -> Result<ParsedFile, NeedsWhole> {
    let mut out = ParsedFile::default();
    let mut seen: Vec<(&str, u32)> = Vec::new();
    for section in sections {
        if let Some((_, first)) = seen.iter().find(|(name, _)| *name == section.name) {
            out.diagnostics.push(
                file_diag(
                    file,
                    Code::DuplicateKey,
                    section.line as usize,
                    1,
                    format!(
                        "section `{}` appears twice in this file (first at line {first})",
                        section.name
                    ),
                )
                .with_help("merge the two lists under one key"),
            );
            continue;
        }
        seen.push((section.name, section.line));
        match section.name {
            "sources" => parse_items(file_idx, file, section, &mut out, |p| &mut p.sources)?,
            "actors" => parse_items(file_idx, file, section, &mut out, |p| &mut p.actors)?,
            "organisations" => {
                parse_items(file_idx, file, section, &mut out, |p| &mut p.organisations)?
            }
            "places" => parse_items(file_idx, file, section, &mut out, |p| &mut p.places)?,
            "quotes" => parse_items(file_idx, file, section, &mut out, |p| &mut p.quotes)?,
            "events" => parse_items(file_idx, file, section, &mut out, |p| &mut p.events)?,
            other => {
                let mut diag = file_diag(
                    file,
                    Code::UnknownSection,
                    section.line as usize,
                    1,
                    format!("unknown section `{other}`"),
                );
                diag = diag.with_help(match crate::names::closest(other, SECTIONS) {
                    Some(s) => format!("did you mean `{s}`? Sections are {}", SECTIONS.join(", ")),
                    None => format!("sections are {}", SECTIONS.join(", ")),
                });
                out.diagnostics.push(diag);
            }
        }
    }
    Ok(out)
}

fn parse_items<T: DeserializeOwned>(
    file_idx: u32,
    file: &FactFile,
    section: &SectionOutline,
    out: &mut ParsedFile,
    target: impl Fn(&mut ParsedFile) -> &mut Vec<Located<T>>,
) -> Result<(), NeedsWhole> {
    let mut batch_start = 0;
    while batch_start < section.items.len() {
        let mut batch_end = batch_start + 1;
        while batch_end < section.items.len()
            && batch_end - batch_start < BATCH_ITEMS
            && section.items[batch_end].end - section.items[batch_start].start <= BATCH_BYTES
        {
            batch_end += 1;
        }
        let items = &section.items[batch_start..batch_end];
        let (start, end) = (items[0].start, items[items.len() - 1].end);
        match serde_yaml::from_str::<Vec<T>>(&file.text[start..end]) {
            Ok(records) if records.len() == items.len() => {
                let unit = out.units.len() as u32;
                out.units.push(Unit::Chunk {
                    start,
                    end,
                    first_line: items[0].line,
                });
                let located = records
                    .into_iter()
                    .zip(items)
                    .enumerate()
                    .map(|(i, (raw, item))| Located {
                        raw,
                        at: At {
                            file: file_idx,
                            unit,
                            item: i as u32,
                            line: item.line,
                        },
                    });
                target(out).extend(located);
            }
            Ok(_) => return Err(NeedsWhole),
            Err(_) => {
                for item in items {
                    let text = &file.text[item.start..item.end];
                    match serde_yaml::from_str::<Vec<T>>(text) {
                        Ok(mut records) if records.len() == 1 => {
                            let unit = out.units.len() as u32;
                            out.units.push(Unit::Chunk {
                                start: item.start,
                                end: item.end,
                                first_line: item.line,
                            });
                            let raw = records.pop().ok_or(NeedsWhole)?;
                            target(out).push(Located {
                                raw,
                                at: At {
                                    file: file_idx,
                                    unit,
                                    item: 0,
                                    line: item.line,
                                },
                            });
                        }
                        Ok(_) => return Err(NeedsWhole),
                        Err(err) => {
                            // Well-formed YAML that does not fit the record: a record-level
                            // problem. Anything else needs the whole file to be understood.
                            serde_yaml::from_str::<IgnoredAny>(text).map_err(|_| NeedsWhole)?;
                            out.diagnostics.push(yaml_diag(
                                file,
                                &err,
                                item.line as usize,
                                Some(section.name),
                            ));
                            if let Some(id) = salvage_id(text) {
                                out.broken_ids.push(id);
                            }
                        }
                    }
                }
            }
        }
        batch_start = batch_end;
    }
    Ok(())
}

/// The `id` of an item that failed to deserialise, if it has a readable one.
fn salvage_id(text: &str) -> Option<String> {
    let value: Vec<serde_yaml::Value> = serde_yaml::from_str(text).ok()?;
    value.first()?.get("id")?.as_str().map(str::to_string)
}

fn parse_whole(file_idx: u32, file: &FactFile) -> ParsedFile {
    let mut out = ParsedFile {
        units: SECTIONS
            .iter()
            .map(|section| Unit::Whole { section })
            .collect(),
        ..ParsedFile::default()
    };
    if file.text.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#')
    }) {
        return out;
    }
    match serde_yaml::from_str::<Option<RawFile>>(&file.text) {
        Ok(None) => {}
        Ok(Some(parsed)) => {
            fn place<T>(file: u32, unit: usize, items: Vec<T>) -> impl Iterator<Item = Located<T>> {
                items.into_iter().enumerate().map(move |(i, raw)| Located {
                    raw,
                    at: At {
                        file,
                        unit: unit as u32,
                        item: i as u32,
                        line: 0,
                    },
                })
            }
            out.sources.extend(place(file_idx, 0, parsed.sources));
            out.actors.extend(place(file_idx, 1, parsed.actors));
            out.organisations
                .extend(place(file_idx, 2, parsed.organisations));
            out.places.extend(place(file_idx, 3, parsed.places));
            out.quotes.extend(place(file_idx, 4, parsed.quotes));
            out.events.extend(place(file_idx, 5, parsed.events));
        }
        Err(err) => out.diagnostics.push(yaml_diag(file, &err, 1, None)),
    }
    out
}

fn file_diag(
    file: &FactFile,
    code: Code,
    line: usize,
    column: usize,
    message: String,
) -> Diagnostic {
    let text = file.line_text(line).unwrap_or_default().to_string();
    Diagnostic::at(code, &file.display, line, column, message).with_line(text)
}

/// Turns a serde_yaml error from a unit starting at `first_line` into a diagnostic.
fn yaml_diag(
    file: &FactFile,
    err: &serde_yaml::Error,
    first_line: usize,
    section: Option<&str>,
) -> Diagnostic {
    let (line, column) = err
        .location()
        .map(|l| (l.line() + first_line - 1, l.column()))
        .unwrap_or((first_line, 1));
    let full = err.to_string();
    let cleaned = clean_message(&full);
    let mut message = cleaned.message;
    let code = classify(&full, &message);
    // An unterminated construct fails at the end of the file; where it began is more useful.
    let (line, column) = match cleaned.context {
        Some(at) if message.contains("end of stream") => (at.0 + first_line - 1, at.1),
        _ => (line, column),
    };
    let help = help_for(code, &message, section);
    if code == Code::UnknownField
        && let Some((head, _)) = message.split_once(", expected")
    {
        message = head.to_string();
    }
    let (line, column) = match code {
        Code::DuplicateKey => duplicate_position(file, line, &message).unwrap_or((line, column)),
        _ => (line, column),
    };
    let mut diag = file_diag(file, code, line, column, message);
    if let Some(help) = help {
        diag = diag.with_help(help);
    }
    diag
}

/// A serde_yaml message taken apart: what is wrong, the field it concerns, and where the construct
/// that failed began (libyaml's "while scanning ... at line N column M").
#[derive(Debug, PartialEq, Eq)]
struct Cleaned {
    message: String,
    field: Option<String>,
    context: Option<(usize, usize)>,
}

/// serde_yaml writes `path: message at line L column C[, while X at line L2 column C2]`. The
/// position is given separately; the path's last field and the context are kept.
fn clean_message(full: &str) -> Cleaned {
    let mut msg = full;
    let mut field = None;
    let has_path =
        msg.starts_with('.') || SECTIONS.iter().any(|s| msg.starts_with(&format!("{s}[")));
    if has_path && let Some((path, rest)) = msg.split_once(": ") {
        let last = path.rsplit('.').next().unwrap_or(path);
        let name = last.split('[').next().unwrap_or(last);
        if !name.is_empty() {
            field = Some(name.to_string());
        }
        msg = rest;
    }
    let mut out = String::with_capacity(msg.len());
    let mut rest = msg;
    let mut context = None;
    let mut first = true;
    while let Some(pos) = rest.find(" at line ") {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + " at line ".len()..];
        let parsed = after.split_once(" column ").and_then(|(l, c)| {
            let digits = c.bytes().take_while(u8::is_ascii_digit).count();
            let line: usize = l.parse().ok()?;
            let column: usize = c[..digits].parse().ok()?;
            Some((line, column, l.len() + " column ".len() + digits))
        });
        match parsed {
            Some((line, column, skip)) => {
                if !first {
                    out.push_str(&format!(" (line {line}, column {column})"));
                    context.get_or_insert((line, column));
                }
                first = false;
                rest = &after[skip..];
            }
            None => {
                out.push_str(" at line ");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    let message = match (out.strip_prefix("invalid type: "), &field) {
        (Some(detail), _) => {
            let (found, expected) = detail
                .split_once(", expected ")
                .unwrap_or((detail, "something else"));
            let found = match found {
                "sequence" => "a list",
                "map" => "a mapping",
                "unit value" => "empty",
                other => other,
            };
            let expected = if expected.starts_with("struct ") {
                "a mapping of fields"
            } else if expected.contains("YAML tag") {
                "`direct` or `reported`"
            } else {
                expected
            };
            match &field {
                Some(f) => format!("`{f}` should be {expected}, not {found}"),
                None => format!("expected {expected}, found {found}"),
            }
        }
        (None, Some(f))
            if !out.starts_with("unknown field") && !out.starts_with("duplicate field") =>
        {
            format!("`{f}`: {out}")
        }
        _ => out,
    };
    Cleaned {
        message,
        field,
        context,
    }
}

fn classify(full: &str, message: &str) -> Code {
    let starts =
        |p: &str| message.starts_with(p) || full.contains(&format!(": {p}")) || full.starts_with(p);
    if starts("unknown field") {
        Code::UnknownField
    } else if starts("duplicate field") {
        Code::DuplicateKey
    } else if starts("invalid type")
        || starts("invalid value")
        || starts("invalid length")
        || starts("unknown variant")
        || message.contains("` should be ")
    {
        Code::WrongType
    } else if starts("missing field") {
        Code::Missing
    } else if starts("recursion limit") || starts("repetition limit") {
        Code::TooComplex
    } else {
        Code::Syntax
    }
}

fn help_for(code: Code, message: &str, section: Option<&str>) -> Option<String> {
    match code {
        Code::UnknownField => {
            let field = message.split('`').nth(1)?;
            let expected: Vec<&str> = message.split('`').skip(3).step_by(2).collect();
            let whose = match section {
                Some(s) if message.contains("`id`") => format!("fields of {s}"),
                _ => "fields here".to_string(),
            };
            let list = format!("{whose} are {}", expected.join(", "));
            Some(
                match crate::names::closest(field, expected.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`? {list}"),
                    None => list,
                },
            )
        }
        Code::Syntax if message.contains("tab") => {
            Some("indent with spaces: YAML forbids tabs in indentation".into())
        }
        Code::Syntax if message.contains("end of stream") && message.contains("quoted") => {
            Some("this quoted text is never closed: add the closing quote".into())
        }
        Code::DuplicateKey => {
            Some("a key may appear once in a mapping: remove or merge one of them".into())
        }
        Code::TooComplex => {
            Some("fact files need no deep nesting or alias expansion; flatten this record".into())
        }
        _ => None,
    }
}

/// serde reports a duplicate field at its mapping; find the second occurrence of the key.
fn duplicate_position(file: &FactFile, map_line: usize, message: &str) -> Option<(usize, usize)> {
    let field = message.split('`').nth(1)?;
    let lines: Vec<&str> = file.text.lines().collect();
    let start = map_line.checked_sub(1)?;
    let mut hits = 0;
    for (i, line) in lines.iter().enumerate().skip(start) {
        let body = line.trim_start_matches([' ', '-']);
        if body
            .strip_prefix(field)
            .is_some_and(|r| r.trim_start().starts_with(':'))
        {
            hits += 1;
            if hits == 2 {
                return Some((i + 1, line.len() - body.len() + 1));
            }
        }
    }
    None
}

#[cfg(test)]
#[allow(clippy::type_complexity)]
mod tests {
    use super::*;

    fn spans(text: &str) -> Option<Vec<(String, Vec<u32>)>> {
        outline(text).map(|s| {
            s.into_iter()
                .map(|s| (s.name.to_string(), s.items.iter().map(|i| i.line).collect()))
                .collect()
        })
    }

    #[test]
    fn outline_cases() {
        let cases: &[(&str, Option<&[(&str, &[u32])]>)] = &[
            ("", Some(&[])),
            ("# only a comment\n", Some(&[])),
            (
                "quotes:\n  - id: a\n    text: x\n  - id: b\n",
                Some(&[("quotes", &[2, 4])]),
            ),
            (
                "quotes:\n- id: a\n  text: x\n- id: b\nevents:\n- id: c\n",
                Some(&[("quotes", &[2, 4]), ("events", &[6])]),
            ),
            ("quotes: # note\n  - id: a\n", Some(&[("quotes", &[2])])),
            ("quotes:\n", Some(&[("quotes", &[])])),
            (
                "quotes:\n  - id: a\n# comment\n  - id: b\n",
                Some(&[("quotes", &[2, 4])]),
            ),
            ("quotes:\r\n  - id: a\r\n", Some(&[("quotes", &[2])])),
            ("quotes: []\n", None),
            ("quotes: [{id: a}]\n", None),
            ("---\nquotes:\n", None),
            ("- id: a\n", None),
            ("hello\n", None),
            ("quotes:\n  id: a\n", None),
            ("quotes:\n  - id: a\n x: 1\n", None),
            ("quotes:\n\t- id: a\n", None),
            ("\"quotes\":\n  - id: a\n", None),
            ("quotes: &q\n  - id: a\n", None),
        ];
        for (text, want) in cases {
            let want = want.map(|w| {
                w.iter()
                    .map(|(n, l)| (n.to_string(), l.to_vec()))
                    .collect::<Vec<_>>()
            });
            assert_eq!(spans(text), want, "{text:?}");
        }
    }

    #[test]
    fn messages_lose_serde_positions() {
        let cases: &[(&str, &str, Option<&str>, Option<(usize, usize)>)] = &[
            (
                ".[0]: unknown field `x`, expected `id` at line 3 column 5",
                "unknown field `x`, expected `id`",
                None,
                None,
            ),
            (
                "quotes[2].id: invalid type: sequence, expected a string at line 1 column 9",
                "`id` should be a string, not a list",
                Some("id"),
                None,
            ),
            (
                ".[0].roles[1]: invalid type: string \"x\", expected struct RawRole at line 4 column 9",
                "`roles` should be a mapping of fields, not string \"x\"",
                Some("roles"),
                None,
            ),
            (
                "invalid type: sequence, expected a mapping of sections at line 1 column 1",
                "expected a mapping of sections, found a list",
                None,
                None,
            ),
            (
                ".[0].kind: unknown variant `x`, expected `direct` or `reported` at line 2 column 11",
                "`kind`: unknown variant `x`, expected `direct` or `reported`",
                Some("kind"),
                None,
            ),
            (
                "found unexpected end of stream at line 5 column 1, while scanning a quoted scalar at line 3 column 11",
                "found unexpected end of stream, while scanning a quoted scalar (line 3, column 11)",
                None,
                Some((3, 11)),
            ),
            (
                "did not find expected key",
                "did not find expected key",
                None,
                None,
            ),
        ];
        for (full, message, field, context) in cases {
            let got = clean_message(full);
            assert_eq!(got.message, *message, "{full}");
            assert_eq!(got.field.as_deref(), *field, "{full}");
            assert_eq!(got.context, *context, "{full}");
        }
    }

    #[test]
    fn locate_finds_fields_in_block_and_flow_style() {
        let text = "quotes:\n  - id: a\n    speaker: bob\n  - id: b\n    about: [x, y,\n      z]\n  - {id: c, speaker: dan}\n";
        let cases: &[(&[Seg], (usize, usize, bool))] = &[
            (&[Seg::Key("quotes"), Seg::Index(0)], (2, 5, true)),
            (
                &[Seg::Key("quotes"), Seg::Index(0), Seg::Key("speaker")],
                (3, 14, true),
            ),
            (
                &[
                    Seg::Key("quotes"),
                    Seg::Index(1),
                    Seg::Key("about"),
                    Seg::Index(2),
                ],
                (6, 7, true),
            ),
            (
                &[Seg::Key("quotes"), Seg::Index(2), Seg::Key("speaker")],
                (7, 22, true),
            ),
            (
                &[Seg::Key("quotes"), Seg::Index(1), Seg::Key("speaker")],
                (4, 5, false),
            ),
        ];
        for (path, want) in cases {
            assert_eq!(locate_in(text, path), Some(*want), "{path:?}");
        }
    }
}
