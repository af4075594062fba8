//! YAML pitfalls in text: a comment that cuts a text short (`text: missing out #on the
//! education` is the text `missing out` and a comment), and the help for a text that needs
//! quotes (`text: He said: no`).
//!
//! YAML reads ` #` after a plain value as the start of a comment, so whatever follows is lost
//! without a word. In a prose field that is data lost, and a `#` is at home in prose (a hashtag,
//! `No. #1`), so kz cannot tell a comment meant as one from a text cut short: after the plain
//! value of a prose field, a comment is an error. After a quoted value, a block scalar's header,
//! or any other field (an id, a date, a reference), a comment loses nothing and stays a comment.

use super::files::FactFile;
use super::locate::Located;
use super::outline::SectionOutline;
use super::raw::{RawActor, RawEvent, RawKind, RawOrganisation, RawPlace, RawQuote, RawSource};
use super::{ParsedFile, message};
use crate::diag::{Code, Diagnostic};

/// The fields whose plain value may not be followed by a comment: the prose of records, roles
/// and memberships.
pub(super) const PROSE: [&str; 6] = [
    "text",
    "evidence",
    "description",
    "title",
    "notes",
    "context",
];

/// A line written `key: value` (after its indentation and any `- `): the key, and the byte
/// offsets in the line where the key and its value start. The value is what follows the colon
/// and its spaces, possibly nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct KeyLine<'a> {
    pub(super) key: &'a str,
    pub(super) key_at: usize,
    pub(super) value_at: usize,
}

/// Reads `line` as `key: value`, if it is one: a plain key of letters, digits, `_` and `-`.
pub(super) fn key_line(line: &str) -> Option<KeyLine<'_>> {
    let mut at = line.len() - line.trim_start_matches(' ').len();
    while let Some(rest) = line[at..].strip_prefix("- ") {
        at = line.len() - rest.trim_start_matches(' ').len();
    }
    let rest = &line[at..];
    let first = *rest.as_bytes().first()?;
    if !(first.is_ascii_alphabetic() || first == b'_') {
        return None;
    }
    let n = rest
        .bytes()
        .take_while(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        .count();
    let after = rest[n..].strip_prefix(':')?;
    if !(after.is_empty() || after.starts_with([' ', '\t'])) {
        return None;
    }
    let value = after.trim_start_matches([' ', '\t']);
    Some(KeyLine {
        key: &rest[..n],
        key_at: at,
        value_at: line.len() - value.len(),
    })
}

/// `text` as a YAML scalar that reads back as exactly `text`, on one line: in double quotes, or
/// in single quotes when it holds a double quote or a backslash.
pub(super) fn quoted(text: &str) -> String {
    if !text.contains(['"', '\\']) {
        format!("\"{text}\"")
    } else {
        format!("'{}'", text.replace('\'', "''"))
    }
}

/// The help for a syntax error at 1-based char `column` of `line`, when the line is `key:
/// value` and the error lies in the value: quote the value, and why.
pub(super) fn quote_help(message: &str, line: &str, column: usize) -> Option<String> {
    let kv = key_line(line)?;
    let value = line[kv.value_at..].trim_end();
    let at = line
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(line.len(), |(i, _)| i);
    if value.is_empty() || at < kv.value_at {
        return None;
    }
    let first = value.chars().next()?;
    let why = if message.starts_with("mapping values are not allowed") {
        "unquoted, `: ` in a text starts a mapping".to_string()
    } else if matches!(first, '"' | '\'') {
        "a text that starts with a quotation mark ends where the quotation does".to_string()
    } else if "[]{}*&!|>%@`,?:-#".contains(first) {
        format!("unquoted, a text cannot start with `{first}`")
    } else {
        "unquoted, `: ` and ` #` in a text are YAML".to_string()
    };
    Some(format!(
        "quote the whole text: `{}: {}`; {why}",
        kv.key,
        quoted(value)
    ))
}

/// A prose field as read: its key, its value, and the list and place of the role or membership
/// it is in, if it is not the record's own.
pub(super) struct Prose<'r> {
    key: &'static str,
    value: Option<&'r str>,
    within: Option<(&'static str, usize)>,
}

/// A record's prose fields.
pub(super) trait HasProse {
    fn prose<'r>(&'r self, out: &mut Vec<Prose<'r>>);
}

type Fields<'r> = [(&'static str, &'r Option<crate::model::Text>)];

fn own<'r>(out: &mut Vec<Prose<'r>>, fields: &Fields<'r>) {
    nested(out, None, fields);
}

fn nested<'r>(
    out: &mut Vec<Prose<'r>>,
    within: Option<(&'static str, usize)>,
    fields: &Fields<'r>,
) {
    for &(key, value) in fields {
        out.push(Prose {
            key,
            value: value.as_deref(),
            within,
        });
    }
}

impl HasProse for RawSource {
    fn prose<'r>(&'r self, out: &mut Vec<Prose<'r>>) {
        own(out, &[("title", &self.title), ("notes", &self.notes)]);
    }
}

impl HasProse for RawActor {
    fn prose<'r>(&'r self, out: &mut Vec<Prose<'r>>) {
        let fields = [
            ("description", &self.description),
            ("evidence", &self.evidence),
            ("notes", &self.notes),
        ];
        own(out, &fields);
        for (n, r) in self.roles.iter().enumerate() {
            let fields = [
                ("title", &r.title),
                ("evidence", &r.evidence),
                ("notes", &r.notes),
            ];
            nested(out, Some(("roles", n)), &fields);
        }
    }
}

impl HasProse for RawOrganisation {
    fn prose<'r>(&'r self, out: &mut Vec<Prose<'r>>) {
        let fields = [
            ("description", &self.description),
            ("evidence", &self.evidence),
            ("notes", &self.notes),
        ];
        own(out, &fields);
        for (n, m) in self.members.iter().enumerate() {
            let fields = [("evidence", &m.evidence), ("notes", &m.notes)];
            nested(out, Some(("members", n)), &fields);
        }
    }
}

impl HasProse for RawPlace {
    fn prose<'r>(&'r self, out: &mut Vec<Prose<'r>>) {
        let fields = [
            ("description", &self.description),
            ("evidence", &self.evidence),
            ("notes", &self.notes),
        ];
        own(out, &fields);
    }
}

impl HasProse for RawQuote {
    fn prose<'r>(&'r self, out: &mut Vec<Prose<'r>>) {
        let fields = [
            ("text", &self.text),
            ("context", &self.context),
            ("evidence", &self.evidence),
            ("notes", &self.notes),
        ];
        own(out, &fields);
    }
}

impl HasProse for RawEvent {
    fn prose<'r>(&'r self, out: &mut Vec<Prose<'r>>) {
        let fields = [
            ("title", &self.title),
            ("description", &self.description),
            ("evidence", &self.evidence),
            ("notes", &self.notes),
        ];
        own(out, &fields);
    }
}

impl HasProse for RawKind {
    fn prose<'r>(&'r self, out: &mut Vec<Prose<'r>>) {
        own(
            out,
            &[("description", &self.description), ("notes", &self.notes)],
        );
    }
}

/// A comment after the plain value of a prose key, as the line scan found it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Cut<'t> {
    /// The 1-based line of the file, and its text.
    line: usize,
    text: &'t str,
    key: &'t str,
    /// Whether the key is a role's or membership's rather than the record's own; `None` when
    /// the scan does not know where records begin.
    nested: Option<bool>,
    /// The value YAML reads, and where in the line the comment starts.
    value: String,
    hash: usize,
    /// Whether the value is all on the key's line.
    one_line: bool,
}

/// Where a comment starts in `line`, from byte `from` on: a `#` at `from` or after a space or
/// tab.
fn comment_at(line: &str, from: usize) -> Option<usize> {
    let b = line.as_bytes();
    memchr::memchr_iter(b'#', &b[from..])
        .map(|i| from + i)
        .find(|&i| i == from || matches!(b[i - 1], b' ' | b'\t'))
}

/// Whether a quoted scalar whose opening quote `q` came before `rest` closes in `rest`.
fn closes(rest: &str, q: char) -> bool {
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if q == '"' => {
                chars.next();
            }
            '\'' if q == '\'' && chars.peek() == Some(&'\'') => {
                chars.next();
            }
            c if c == q => return true,
            _ => {}
        }
    }
    false
}

/// The comments after plain prose values in `text`, whose first line is line `first_line` of
/// its file: an item, whose own keys are at byte column `own` of their lines, or a whole file.
/// The scan skips what a block scalar or a quoted scalar over several lines holds, and follows a
/// plain value over the lines it continues on.
fn cuts(text: &str, first_line: usize, own: Option<usize>) -> Vec<Cut<'_>> {
    enum State {
        Normal,
        /// In a block scalar whose key is at this column.
        Block(usize),
        /// In a quoted scalar opened by this quote.
        Quoted(char),
    }
    /// A plain prose value that may go on over the lines below its key's.
    struct Open<'t> {
        key: &'t str,
        key_at: usize,
        nested: Option<bool>,
        value: String,
        blanks: usize,
    }
    let mut out = Vec::new();
    let mut state = State::Normal;
    let mut open: Option<Open> = None;
    for (i, raw) in text.split('\n').enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let body = line.trim_start_matches(' ');
        let indent = line.len() - body.len();
        match state {
            State::Block(key_at) if body.is_empty() || indent > key_at => continue,
            State::Quoted(q) => {
                if closes(line, q) {
                    state = State::Normal;
                }
                continue;
            }
            _ => state = State::Normal,
        }
        if body.is_empty() {
            if let Some(o) = &mut open {
                o.blanks += 1;
            }
            continue;
        }
        if body.starts_with('#') {
            open = None;
            continue;
        }
        let kv = key_line(line);
        if let Some(o) = &mut open
            && indent > o.key_at
            && kv.is_none()
        {
            let (piece, hash) = match comment_at(line, indent) {
                Some(h) => (line[indent..h].trim_end(), Some(h)),
                None => (body.trim_end(), None),
            };
            let gap = if o.blanks == 0 {
                " ".to_string()
            } else {
                "\n".repeat(o.blanks)
            };
            o.value.push_str(&gap);
            o.value.push_str(piece);
            o.blanks = 0;
            if let Some(hash) = hash {
                out.push(Cut {
                    line: first_line + i,
                    text: line,
                    key: o.key,
                    nested: o.nested,
                    value: std::mem::take(&mut o.value),
                    hash,
                    one_line: false,
                });
                open = None;
            }
            continue;
        }
        open = None;
        // A value: after a key, or a list entry's.
        let value_at = match kv {
            Some(kv) => kv.value_at,
            None => line.len() - body.trim_start_matches(['-', ' ']).len(),
        };
        let value = &line[value_at..];
        let owner = kv.map_or(indent, |kv| kv.key_at);
        match value.chars().next() {
            Some('|' | '>') => {
                state = State::Block(owner);
                continue;
            }
            Some(q @ ('"' | '\'')) => {
                if !closes(&value[1..], q) {
                    state = State::Quoted(q);
                }
                continue;
            }
            _ => {}
        }
        let Some(kv) = kv.filter(|kv| PROSE.contains(&kv.key)) else {
            continue;
        };
        if value.starts_with(['[', '{', '&', '*', '!', '%', '@', '`']) {
            continue;
        }
        let nested = own.map(|own| kv.key_at > own);
        match comment_at(line, kv.value_at) {
            Some(hash) => out.push(Cut {
                line: first_line + i,
                text: line,
                key: kv.key,
                nested,
                value: line[kv.value_at..hash].trim_end().to_string(),
                hash,
                one_line: true,
            }),
            None if !value.trim_end().is_empty() => {
                open = Some(Open {
                    key: kv.key,
                    key_at: kv.key_at,
                    nested,
                    value: value.trim_end().to_string(),
                    blanks: 0,
                })
            }
            None => {}
        }
    }
    out
}

/// Reports every comment that cuts a prose value of the file's records short. A line the scan
/// takes for one must be confirmed by the record it is in: the field is there with the value
/// YAML read, or, when the comment took all of it, the field is empty, and then it is not
/// reported again as missing. A file cut into items is scanned item by item; a file read in one
/// piece (flow style, anchors), as a whole.
pub(super) fn check_cuts(
    file: &FactFile,
    sections: Option<&[SectionOutline]>,
    parsed: &mut ParsedFile,
) {
    if memchr::memchr(b'#', file.text.as_bytes()).is_none() {
        return;
    }
    let Some(sections) = sections else {
        let cuts = cuts(&file.text, 1, None);
        if !cuts.is_empty() {
            let r = &parsed.records;
            let mut prose = Vec::new();
            all_prose(&r.sources, &mut prose);
            all_prose(&r.actors, &mut prose);
            all_prose(&r.organisations, &mut prose);
            all_prose(&r.places, &mut prose);
            all_prose(&r.quotes, &mut prose);
            all_prose(&r.events, &mut prose);
            all_prose(&r.kinds, &mut prose);
            for cut in cuts {
                let found = !cut.value.is_empty()
                    && prose
                        .iter()
                        .any(|p| p.key == cut.key && p.value == Some(cut.value.as_str()));
                if found {
                    parsed.diagnostics.push(cut_diag(file, &cut));
                }
            }
        }
        return;
    };
    for section in sections {
        let r = &parsed.records;
        let (diags, broken) = match section.name {
            "sources" => in_section(file, section, &r.sources),
            "actors" => in_section(file, section, &r.actors),
            "organisations" => in_section(file, section, &r.organisations),
            "places" => in_section(file, section, &r.places),
            "quotes" => in_section(file, section, &r.quotes),
            "events" => in_section(file, section, &r.events),
            "kinds" => in_section(file, section, &r.kinds),
            _ => continue,
        };
        parsed.diagnostics.extend(diags);
        parsed.broken_fields.extend(broken);
    }
}

fn all_prose<'r, T: HasProse>(records: &'r [Located<T>], out: &mut Vec<Prose<'r>>) {
    for r in records {
        r.raw.prose(out);
    }
}

/// The comments that cut prose short in the items of one section, each confirmed by its
/// record; and the fields a comment emptied, not to be reported again as missing.
fn in_section<T: HasProse>(
    file: &FactFile,
    section: &SectionOutline,
    records: &[Located<T>],
) -> (Vec<Diagnostic>, Vec<(super::At, String)>) {
    let mut diags = Vec::new();
    let mut broken = Vec::new();
    let mut prose = Vec::new();
    for item in &section.items {
        let text = &file.text[item.start..item.end];
        if memchr::memchr(b'#', text.as_bytes()).is_none() {
            continue;
        }
        let Ok(at) = records.binary_search_by_key(&item.line, |r| r.at.line) else {
            continue;
        };
        let record = &records[at];
        let dash = text.len() - text.trim_start_matches(' ').len();
        for cut in cuts(text, item.line as usize, Some(dash + 2)) {
            prose.clear();
            record.raw.prose(&mut prose);
            let nested = cut.nested == Some(true);
            let fields = prose
                .iter()
                .filter(|p| p.key == cut.key && p.within.is_some() == nested);
            let value = (!cut.value.is_empty()).then_some(cut.value.as_str());
            let matching: Vec<&Prose> = fields.filter(|p| p.value == value).collect();
            if matching.is_empty() {
                continue;
            }
            // A field the comment emptied is not reported again as missing, when it is known
            // which one it is.
            if let ([one], None) = (matching.as_slice(), value) {
                let path = match one.within {
                    Some((list, n)) => format!("{list}[{n}].{}", one.key),
                    None => one.key.to_string(),
                };
                broken.push((record.at, path));
            }
            diags.push(cut_diag(file, &cut));
        }
    }
    (diags, broken)
}

/// The diagnostic for a comment that cuts a prose value short.
fn cut_diag(file: &FactFile, cut: &Cut) -> Diagnostic {
    let comment = crate::text::shorten(&cut.text[cut.hash..], 40);
    let message = match cut.value.as_str() {
        "" => format!(
            "YAML reads `{comment}` as a comment, so `{}` is empty",
            cut.key
        ),
        value => format!(
            "YAML reads `{comment}` as a comment, so `{}` is cut to \"{}\"",
            cut.key,
            crate::text::shorten(value, 40)
        ),
    };
    let help = match cut.one_line {
        true => {
            let key = key_line(cut.text).map_or(0, |kv| kv.value_at);
            format!(
                "quote the whole text if the `#` belongs to it: `{}: {}`; a comment goes on a line \
                 of its own",
                cut.key,
                quoted(cut.text[key..].trim_end())
            )
        }
        false => "quote the whole text if the `#` belongs to it; a comment goes on a line of its \
                  own"
        .to_string(),
    };
    let column = cut.text[..cut.hash].chars().count() + 1;
    message::file_diag(file, Code::Syntax, cut.line, column, message).with_help(help)
}

#[cfg(test)]
#[allow(clippy::type_complexity)]
mod tests {
    use super::*;

    #[test]
    fn comments_after_prose_values() {
        let cut = |line: usize, key: &str, value: &str, one_line: bool| {
            Some((line, key.to_string(), value.to_string(), one_line))
        };
        let cases: &[(&str, Vec<Option<(usize, String, String, bool)>>)] = &[
            (
                "- id: q\n  text: missing out #on the education\n",
                vec![cut(2, "text", "missing out", true)],
            ),
            (
                "- id: q\n  text: #MeToo spread\n",
                vec![cut(2, "text", "", true)],
            ),
            (
                "- id: a\n  roles:\n    - title: Director # acting\n",
                vec![cut(3, "title", "Director", true)],
            ),
            (
                "- id: q\n  text: missing out on\n\n    the education # sad\n",
                vec![cut(4, "text", "missing out on\nthe education", false)],
            ),
            // No data lost: a quoted value, a block scalar's header, a field not of prose, a
            // comment on a line of its own, a `#` inside a word.
            ("- id: q\n  text: \"missing out\" # fine\n", vec![]),
            ("- id: q\n  text: | # fine\n    a\n", vec![]),
            ("- id: q # the id\n  date: 2022 # approx\n", vec![]),
            ("- id: q\n  text: a\n  # on its own\n", vec![]),
            (
                "- id: q\n  text: see #5\n  url: a#b\n",
                vec![cut(2, "text", "see", true)],
            ),
            ("- id: q\n  text: No.#5\n", vec![]),
            // What a block scalar or a quoted scalar over lines holds is text, not YAML.
            ("- id: q\n  text: |\n    notes: a # b\n  notes: x\n", vec![]),
            (
                "- id: q\n  text: \"a\n    notes: b # c\"\n  notes: d # e\n",
                vec![cut(4, "notes", "d", true)],
            ),
            (
                "- id: q\n  aliases:\n    - 'a\n      title: b # c'\n",
                vec![],
            ),
        ];
        for (text, want) in cases {
            let got: Vec<_> = cuts(text, 1, Some(2))
                .into_iter()
                .map(|c| Some((c.line, c.key.to_string(), c.value, c.one_line)))
                .collect();
            assert_eq!(&got, want, "{text:?}");
        }
        assert_eq!(
            cuts("- id: q\n  roles:\n  - title: a # b\n", 1, Some(2))[0].nested,
            Some(true)
        );
        assert_eq!(
            cuts("- id: q\n  text: a # b\n", 1, Some(2))[0].nested,
            Some(false)
        );
    }

    #[test]
    fn key_lines() {
        let cases: &[(&str, Option<(&str, usize, usize)>)] = &[
            ("    text: He said", Some(("text", 4, 10))),
            ("  - text: x", Some(("text", 4, 10))),
            ("- - id: a", Some(("id", 4, 8))),
            ("    notes:", Some(("notes", 4, 10))),
            ("    notes:  # c", Some(("notes", 4, 12))),
            ("    text:x", None),
            ("    \"text\": x", None),
            ("    just words", None),
            ("", None),
        ];
        crate::testing::table(cases, |line| {
            key_line(line).map(|k| (k.key, k.key_at, k.value_at))
        });
    }

    #[test]
    fn quoting_reads_back_as_written() {
        let cases = [
            ("He said: no", "\"He said: no\""),
            ("\"He said\" no", "'\"He said\" no'"),
            ("it's \"so\"", "'it''s \"so\"'"),
            ("a \\ b", "'a \\ b'"),
        ];
        crate::testing::table(&cases, quoted);
    }

    #[test]
    fn help_to_quote_a_text() {
        let cases: &[(&str, &str, usize, Option<&str>)] = &[
            (
                "mapping values are not allowed in this context",
                "    text: He said: no",
                18,
                Some(
                    "quote the whole text: `text: \"He said: no\"`; unquoted, `: ` in a text \
                     starts a mapping",
                ),
            ),
            (
                "did not find expected key",
                "  - text: \"He said\" no",
                21,
                Some(
                    "quote the whole text: `text: '\"He said\" no'`; a text that starts with a \
                     quotation mark ends where the quotation does",
                ),
            ),
            (
                "found character that cannot start any token",
                "    text: @foo",
                11,
                Some(
                    "quote the whole text: `text: \"@foo\"`; unquoted, a text cannot start with `@`",
                ),
            ),
            // The error is before the value: not a text to quote.
            (
                "did not find expected key",
                "   description: A person",
                4,
                None,
            ),
            ("did not find expected key", "    words only", 5, None),
        ];
        for (message, line, column, want) in cases {
            assert_eq!(
                quote_help(message, line, *column).as_deref(),
                *want,
                "{line}"
            );
        }
    }
}
