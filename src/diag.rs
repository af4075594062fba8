//! Diagnostics: the error codes, one located problem, a report of many, and how they print.
//! A leaf: it knows nothing of fact files beyond paths, lines and columns.

use crate::text::{escape_control as esc, plural};
use serde::Serialize;
use std::fmt;

/// Every kind of problem, with the stable number shown as `KZnnn`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    Io,
    Encoding,
    TooLarge,
    Syntax,
    UnknownSection,
    UnknownField,
    WrongType,
    DuplicateKey,
    TooComplex,
    Missing,
    BadId,
    DuplicateId,
    Dangling,
    WrongKind,
    UnknownSource,
    Cycle,
    BadDate,
    ImpossibleDate,
    Backwards,
    QuoteNotInSource,
    EvidenceNotInSource,
    SourceText,
    Disputed,
    Conflict,
}

impl Code {
    pub const ALL: [Code; 24] = [
        Code::Io,
        Code::Encoding,
        Code::TooLarge,
        Code::Syntax,
        Code::UnknownSection,
        Code::UnknownField,
        Code::WrongType,
        Code::DuplicateKey,
        Code::TooComplex,
        Code::Missing,
        Code::BadId,
        Code::DuplicateId,
        Code::Dangling,
        Code::WrongKind,
        Code::UnknownSource,
        Code::Cycle,
        Code::BadDate,
        Code::ImpossibleDate,
        Code::Backwards,
        Code::QuoteNotInSource,
        Code::EvidenceNotInSource,
        Code::SourceText,
        Code::Disputed,
        Code::Conflict,
    ];

    pub fn number(self) -> u16 {
        match self {
            Code::Io => 1,
            Code::Encoding => 2,
            Code::TooLarge => 3,
            Code::Syntax => 10,
            Code::UnknownSection => 11,
            Code::UnknownField => 12,
            Code::WrongType => 13,
            Code::DuplicateKey => 14,
            Code::TooComplex => 15,
            Code::Missing => 20,
            Code::BadId => 21,
            Code::DuplicateId => 22,
            Code::Dangling => 30,
            Code::WrongKind => 31,
            Code::UnknownSource => 32,
            Code::Cycle => 33,
            Code::BadDate => 40,
            Code::ImpossibleDate => 41,
            Code::Backwards => 42,
            Code::QuoteNotInSource => 50,
            Code::EvidenceNotInSource => 51,
            Code::SourceText => 52,
            Code::Disputed => 60,
            Code::Conflict => 61,
        }
    }

    /// One line for the README's table of codes.
    pub fn summary(self) -> &'static str {
        match self {
            Code::Io => "a path cannot be read: missing, unreadable, or a symlink loop",
            Code::Encoding => "a file is not UTF-8",
            Code::TooLarge => "a file is over the size limit for one fact file",
            Code::Syntax => "YAML syntax error",
            Code::UnknownSection => "a top-level section kz does not know",
            Code::UnknownField => "a field the record kind does not have",
            Code::WrongType => "a value of the wrong type (a list where text belongs, ...)",
            Code::DuplicateKey => "the same key twice in one mapping",
            Code::TooComplex => "nesting or alias expansion beyond kz's limits",
            Code::Missing => "a required field is missing, null or empty",
            Code::BadId => "an id that is not kebab-case",
            Code::DuplicateId => {
                "one id declared as two kinds of record, a source declared twice, or a kind \
                 declared twice with different broader kinds"
            }
            Code::Dangling => "a reference to an id that does not exist",
            Code::WrongKind => {
                "a reference to a record of the wrong kind, or `same_as` between two kinds"
            }
            Code::UnknownSource => "a `source` that names no source",
            Code::Cycle => "a place that is part of itself, or a kind that is broader than itself",
            Code::BadDate => "a date that is not EDTF",
            Code::ImpossibleDate => "a date that does not exist (2022-02-30)",
            Code::Backwards => "`until` before `since`, or an interval that ends before it starts",
            Code::QuoteNotInSource => "a direct quote not found verbatim in its source's text",
            Code::EvidenceNotInSource => "evidence not found verbatim in its source's text",
            Code::SourceText => "a source's `text` file cannot be read",
            Code::Disputed => {
                "a note, not an error: declarations of one record give one fact different values"
            }
            Code::Conflict => {
                "two preferred declarations of one record give one fact different values"
            }
        }
    }
}

impl Code {
    /// How to fix a problem of this code, for a diagnostic that has no more exact help.
    pub fn help(self) -> &'static str {
        match self {
            Code::Io => {
                "check that the path exists and is readable; a folder is read for its *.yaml and *.yml files"
            }
            Code::Encoding => "save the file as UTF-8",
            Code::TooLarge => "split it into several fact files",
            Code::Syntax => {
                "fix the YAML at the caret; a text with `: ` or ` #` in it needs quotes"
            }
            Code::UnknownSection => {
                "the sections are sources, actors, organisations, places, quotes, events and kinds"
            }
            Code::UnknownField => "remove the field or fix its name; `kz schema` lists the fields",
            Code::WrongType => {
                "write the value as the field expects: text, a list or a mapping (`kz schema`)"
            }
            Code::DuplicateKey => "keep one of the two",
            Code::TooComplex => "write the value out plainly, without deep nesting or aliases",
            Code::Missing => "add the field with a value",
            Code::BadId => {
                "ids are kebab-case: lowercase ascii letters and digits joined by single hyphens"
            }
            Code::DuplicateId => "rename one of them",
            Code::Dangling => "add the record with that id, or fix the id",
            Code::WrongKind => "point the field at a record of the kind it names",
            Code::UnknownSource => "add the source under `sources:`, or fix the id",
            Code::Cycle => "break the cycle: the chain must lead up to one with none",
            Code::BadDate => {
                "write an EDTF date: 2022-01-05, 2022-01, 2022, 199X, or an interval A/B"
            }
            Code::ImpossibleDate => "fix the day or the month",
            Code::Backwards => "swap them, or fix the year",
            Code::QuoteNotInSource => {
                "copy the words exactly from the source's text, or mark the quote `kind: reported`"
            }
            Code::EvidenceNotInSource => "copy the sentence exactly from the source's text",
            Code::SourceText => {
                "`text` is a path relative to the YAML file that declares the source"
            }
            Code::Disputed => {
                "mark the declaration to show `rank: preferred`, or a corrected one `rank: deprecated`"
            }
            Code::Conflict => "prefer one declaration: make the other `rank: normal`",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KZ{:03}", self.number())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Code {
    /// A code as written, `KZ060`.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Code, D::Error> {
        let text = String::deserialize(d)?;
        Code::ALL
            .into_iter()
            .find(|c| c.to_string() == text)
            .ok_or_else(|| serde::de::Error::custom(format!("no diagnostic code {text}")))
    }
}

/// How much a diagnostic matters: an error fails the base; a note (a dispute between
/// sources) is shown by `kz check`, which still succeeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Note,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Note => "note",
        })
    }
}

/// One problem in a fact base, located in a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// How to fix it: always given (a code's own help where no more exact one is).
    pub help: Option<String>,
    /// The offending line of the file, as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line_text: Option<String>,
}

impl Diagnostic {
    pub fn at(code: Code, path: &str, line: usize, column: usize, message: String) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Error,
            path: path.to_string(),
            line,
            column,
            message,
            help: None,
            line_text: None,
        }
    }

    /// Something worth knowing that is not a problem (a dispute between sources): shown by
    /// `kz check`, which still succeeds.
    pub fn note(path: &str, line: usize, column: usize, message: String) -> Diagnostic {
        Diagnostic {
            severity: Severity::Note,
            ..Diagnostic::at(Code::Disputed, path, line, column, message)
        }
    }

    /// A problem with a whole file or path, reported at its start.
    pub fn file(code: Code, path: &str, message: String) -> Diagnostic {
        Diagnostic::at(code, path, 1, 1, message)
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn with_line(mut self, text: String) -> Diagnostic {
        self.line_text = Some(text);
        self
    }

    /// Sort order for reports: by file, then position.
    fn key(&self) -> (&str, usize, usize, Code) {
        (&self.path, self.line, self.column, self.code)
    }
}

impl fmt::Display for Diagnostic {
    /// `path:line:column: error[KZnnn]: message`, the line with a caret, then any help.
    /// Text from fact files is escaped so it cannot drive the terminal.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}:{}:{}: {}[{}]: {}",
            esc(&self.path),
            self.line,
            self.column,
            self.severity,
            self.code,
            esc(&self.message)
        )?;
        if let Some(text) = &self.line_text {
            let number = self.line.to_string();
            let pad = " ".repeat(number.len());
            let (before, after) = line_window(text, self.column);
            let before = esc(&before);
            let caret = " ".repeat(unicode_width::UnicodeWidthStr::width(before.as_ref()));
            writeln!(f, "{pad} |")?;
            writeln!(f, "{number} | {before}{}", esc(&after))?;
            writeln!(f, "{pad} | {caret}^")?;
        }
        if let Some(help) = &self.help {
            writeln!(f, "  = help: {}", esc(help))?;
        }
        Ok(())
    }
}

/// The part of a line to show around a column, split at the column: at most 60 characters
/// either side, with `…` where the line was cut.
fn line_window(text: &str, column: usize) -> (String, String) {
    const SIDE: usize = 60;
    let chars: Vec<char> = text.chars().collect();
    let at = column.saturating_sub(1).min(chars.len());
    let start = at.saturating_sub(SIDE);
    let end = (at + SIDE).min(chars.len());
    let mut before: String = chars[start..at].iter().collect();
    let mut after: String = chars[at..end].iter().collect();
    if start > 0 {
        before.insert(0, '…');
    }
    if end < chars.len() {
        after.push('…');
    }
    (before, after)
}

/// Sorts diagnostics by file and position, dropping exact repeats.
pub fn sort(diags: &mut Vec<Diagnostic>) {
    diags.sort_by(|a, b| a.key().cmp(&b.key()));
    diags.dedup();
}

/// At most this many diagnostics are located and listed. Beyond it problems are only counted:
/// a file with a hundred thousand broken records is checked in bounded time.
pub const SHOWN: usize = 1000;

/// The problems in a base: the diagnostics to show, sorted, and how many there are in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    pub total: usize,
}

impl Report {
    /// A report of these diagnostics, sorted, keeping at most [`SHOWN`] of them; each has help,
    /// its code's where it has none more exact.
    pub fn new(mut diagnostics: Vec<Diagnostic>, more: usize) -> Report {
        for d in &mut diagnostics {
            d.help.get_or_insert_with(|| d.code.help().to_string());
        }
        sort(&mut diagnostics);
        let total = diagnostics.len() + more;
        diagnostics.truncate(SHOWN);
        Report { diagnostics, total }
    }

    /// Adds problems found elsewhere (reading the files).
    pub fn merge(self, other: Vec<Diagnostic>) -> Report {
        let more = self.total - self.diagnostics.len();
        let mut all = self.diagnostics;
        all.extend(other);
        Report::new(all, more)
    }

    /// `3 problems in 2 files`, saying when not all are shown.
    pub fn summary(&self) -> String {
        let files: std::collections::BTreeSet<&str> =
            self.diagnostics.iter().map(|d| d.path.as_str()).collect();
        let shown = if self.total > self.diagnostics.len() {
            format!(" ({} shown)", self.diagnostics.len())
        } else {
            String::new()
        };
        format!(
            "{}{shown} in {}",
            plural(self.total, "problem"),
            plural(files.len(), "file")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_shown_around_the_column() {
        let long = "x".repeat(300);
        let cases = [
            ("short line", 3, ("sh", "ort line")),
            ("", 1, ("", "")),
            ("tab\there", 5, ("tab\t", "here")),
        ];
        for (text, column, (before, after)) in cases {
            assert_eq!(
                line_window(text, column),
                (before.to_string(), after.to_string())
            );
        }
        let (before, after) = line_window(&long, 150);
        assert_eq!(before.chars().count(), 61);
        assert!(before.starts_with('…') && after.ends_with('…'));
        assert_eq!(after.chars().count(), 61);
    }

    #[test]
    fn codes_are_unique_and_formatted() {
        let mut numbers: Vec<u16> = Code::ALL.iter().map(|c| c.number()).collect();
        numbers.sort();
        numbers.dedup();
        assert_eq!(numbers.len(), Code::ALL.len());
        assert_eq!(Code::Dangling.to_string(), "KZ030");
    }
}
