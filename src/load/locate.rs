//! Where records are: their file and parse unit, and finding a field in them again.
//!
//! Positions are looked up only when a diagnostic needs one: serde_yaml marks every error with
//! the position of the node being read, so raising an error at the end of a path gives its place.

use super::files::FactFile;
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// Where a raw record sits: its file, the parse unit (a chunk of items or the whole file) and its
/// index inside that unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct At {
    pub file: u32,
    pub unit: u32,
    pub item: u32,
    /// 1-based line of the record's start, 0 when only a lookup can tell.
    pub line: u32,
}

/// A unit of parsing inside a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Unit {
    /// Items of one section: where each starts (byte offset and 1-based line), and where the
    /// last ends.
    Chunk {
        end: usize,
        items: Vec<(usize, u32)>,
    },
    /// The whole file, parsed in one piece; items are found under `section`.
    Whole { section: &'static str },
}

/// One step of a path into a record (`roles`, `2`, `org`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seg<'a> {
    Key(&'a str),
    Index(usize),
    /// The second occurrence of a key in a mapping.
    Repeated(&'a str),
}

/// A line and column in a file, 1-based, and whether the exact field was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    pub found: bool,
}

/// A raw record and where it came from.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Located<T> {
    pub raw: T,
    pub at: At,
}

/// The files of a base and how each was cut for parsing: enough to find any record again.
#[derive(Debug, Default)]
pub struct Index {
    pub files: Vec<FactFile>,
    pub(super) units: Vec<Vec<Unit>>,
}

impl Index {
    /// The position of `path` inside the record at `at`, or of the record itself (`found:
    /// false`) when the path is absent. It re-reads only the record's own unit.
    pub fn locate(&self, at: At, path: &[Seg]) -> Position {
        let file = &self.files[at.file as usize];
        let unit = &self.units[at.file as usize][at.unit as usize];
        let item = at.item as usize;
        let found = match unit {
            Unit::Chunk { end, items } => {
                // The record's own lines are enough, unless it uses an anchor defined before
                // it in the same chunk; then the whole chunk is read.
                let (start, line) = items[item];
                let stop = items.get(item + 1).map_or(*end, |next| next.0);
                let mut own = vec![Seg::Index(0)];
                own.extend_from_slice(path);
                // A text read again that is not the one parsed is empty (see `FactFile::text`).
                let text = file.text();
                text.get(start..stop)
                    .and_then(|own_text| locate_in(own_text, &own))
                    .map(|p| (p, line))
                    .or_else(|| {
                        let (first, first_line) = items[0];
                        let mut full = vec![Seg::Index(item)];
                        full.extend_from_slice(path);
                        locate_in(text.get(first..*end)?, &full).map(|p| (p, first_line))
                    })
            }
            Unit::Whole { section } => {
                let mut full = vec![Seg::Key(section), Seg::Index(item)];
                full.extend_from_slice(path);
                locate_in(file.text(), &full).map(|p| (p, 1))
            }
        };
        match found {
            Some(((line, column, found), first_line)) => Position {
                line: line + first_line as usize - 1,
                column,
                found,
            },
            None => Position {
                line: at.line.max(1) as usize,
                column: 1,
                found: false,
            },
        }
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
pub(super) fn locate_in(text: &str, path: &[Seg]) -> Option<(usize, usize, bool)> {
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

struct Locate<'a, 'p>(&'a [Seg<'p>]);

impl<'de> DeserializeSeed<'de> for Locate<'_, '_> {
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

impl<'de> Visitor<'de> for Locate<'_, '_> {
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

#[cfg(test)]
#[allow(clippy::type_complexity)]
mod tests {
    use super::*;

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

    #[test]
    fn a_released_file_is_read_again_for_a_diagnostic_and_only_if_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("facts.yaml");
        let text =
            "actors:\n  - id: ada\n    name: Ada\n  - id: bob\n    name: Bob\n    country: x\n";
        std::fs::write(&path, text).unwrap();
        let listed = vec![crate::load::Listed {
            path: path.clone(),
            root: dir.path().to_path_buf(),
        }];
        let parse = || {
            let (files, problems) = crate::load::read_files(listed.clone());
            assert!(problems.is_empty());
            crate::load::parse(files)
        };
        let country = [Seg::Key("country")];

        // Parsed, the text is let go of; a diagnostic reads it again.
        let raw = parse();
        let at = raw.records.actors[1].at;
        let file = &raw.index.files[0];
        assert!(file.text.is_empty(), "the text is held after the parse");
        let pos = raw.index.locate(at, &country);
        assert_eq!((pos.line, pos.column, pos.found), (6, 14, true));
        assert_eq!(file.line_text(6), Some("    country: x"));
        assert_eq!(file.text(), text);

        // Changed since the parse: the text is not taken, and a diagnostic says only the line.
        let raw = parse();
        std::fs::write(&path, text.replace("Bob", "Robert")).unwrap();
        let pos = raw.index.locate(at, &country);
        assert_eq!((pos.line, pos.column, pos.found), (4, 1, false));
        let file = &raw.index.files[0];
        assert_eq!(file.line_text(6), None);
        assert_eq!(file.clamp(6, 5), (1, 1));

        // Gone: the same.
        let raw = parse();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(raw.index.locate(at, &country).line, 4);
    }
}
