//! Comments that cut a text short: `text: missing out #on the education` is the text
//! `missing out` and a comment.
//!
//! YAML reads ` #` after a plain value as the start of a comment, so whatever follows is lost
//! without a word. In a prose field that is data lost, and a `#` is at home in prose (a hashtag,
//! `No. #1`), so kz cannot tell a comment meant as one from a text cut short: after the plain
//! value of a prose field, a comment is an error. After a quoted value, a block scalar's header,
//! or any other field (an id, a date, a reference), a comment loses nothing and stays a comment.

use super::files::FactFile;
use super::locate::{At, Located};
use super::message;
use super::outline::SectionOutline;
use super::quoting::{key_line, quoted};
use super::raw::{RawActor, RawEvent, RawKind, RawOrganisation, RawPlace, RawQuote, RawSource};
use crate::diag::{Code, Diagnostic};

/// The fields whose plain value may not be followed by a comment: the prose of records, roles
/// and memberships.
const PROSE: [&str; 6] = [
    "text",
    "evidence",
    "description",
    "title",
    "notes",
    "context",
];

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

/// The comments that cut prose short in a file read in one piece, without an outline (flow
/// style): a line the scan takes for one must be confirmed by a record of the file with that
/// field and the value YAML read.
pub(super) fn in_whole(file: &FactFile, prose: &[Prose]) -> Vec<Diagnostic> {
    cuts(file.text(), 1, None)
        .into_iter()
        .filter(|cut| {
            !cut.value.is_empty()
                && prose
                    .iter()
                    .any(|p| p.key == cut.key && p.value == Some(cut.value.as_str()))
        })
        .map(|cut| cut_diag(file, &cut))
        .collect()
}

/// The prose fields of every record of a kind.
pub(super) fn prose_of<'r, T: HasProse>(records: &'r [Located<T>], out: &mut Vec<Prose<'r>>) {
    for r in records {
        r.raw.prose(out);
    }
}

/// The comments that cut prose short in the items of one section. A line the scan takes for one
/// must be confirmed by the record of its item: the field is there with the value YAML read,
/// or, when the comment took all of it, the field is empty. Also returns the fields a comment
/// emptied, not to be reported again as missing.
pub(super) fn in_section<T: HasProse>(
    file: &FactFile,
    section: &SectionOutline,
    records: &[Located<T>],
) -> (Vec<Diagnostic>, Vec<(At, String)>) {
    let mut diags = Vec::new();
    let mut broken = Vec::new();
    let mut prose = Vec::new();
    for item in &section.items {
        let text = &file.text()[item.start..item.end];
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
}
