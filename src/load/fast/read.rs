//! The fast reader: one list item of kz's plain YAML subset → the events libyaml would report.
//!
//! It reads only what it can read with certainty and gives up (`None`) on anything else, so
//! that serde_yaml reads that item instead. The subset, line by line:
//!
//! - the item is `- key: ...`, a block mapping, and every line of it is printable text that
//!   libyaml accepts: no tab, no carriage return, no control or byte-order character, no line
//!   or paragraph separator, no trailing space;
//! - keys are plain words (`[A-Za-z_][A-Za-z0-9_-]*`) followed by `:` and a space or the line's
//!   end;
//! - a value is, on the key's line: a plain scalar that cannot start or end anything else
//!   (no leading indicator, no `: `, no ` #`, no trailing `:`), a single- or double-quoted
//!   scalar closed on the same line, a flow list of plain words (`[a, b c]`), or the header of
//!   a literal or folded block scalar (`|`, `|-`, `>`, `>-`) followed by its lines;
//! - or, below the key: a block list (`- ...`) of such values or of mappings, or a nested
//!   mapping, each at one consistent indentation;
//! - whole-line comments and empty lines between entries.
//!
//! Anything else (anchors, aliases, tags, flow mappings, multi-line plain or quoted scalars,
//! explicit keys, indentation indicators, `+` chomping, tabs, comments after values) is left
//! to serde_yaml. How a scalar then resolves (null, bool, number or string) is not decided
//! here but by [`super::resolve`], which is serde_yaml's own code.

use super::de::{Event, Scalar};
use super::resolve::Style;
use std::borrow::Cow;

/// Mappings and lists may nest this deep in an item; a fact record needs three at most.
const MAX_DEPTH: usize = 16;
/// libyaml limits a simple key to 1024 characters; kz's keys are short words.
const MAX_KEY: usize = 64;

/// One line of an item: where its text is, how far it is indented, and whether a line break
/// ends it (the last line of a file may lack one).
#[derive(Debug, Clone, Copy)]
pub(super) struct Line {
    start: usize,
    end: usize,
    indent: usize,
    newline: bool,
}

impl Line {
    fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

/// Reads one item (`text` from its `- ` line to the next item) into `events`, using `lines` as
/// scratch space. `None`: the item is outside the subset; `events` is then unspecified.
pub(super) fn read_item<'a>(
    text: &'a str,
    lines: &mut Vec<Line>,
    events: &mut Vec<Event<'a>>,
) -> Option<()> {
    lines.clear();
    events.clear();
    split_lines(text, lines)?;
    let mut r = Reader {
        text,
        lines,
        i: 0,
        events,
        depth: 0,
    };
    let first = *r.lines.first()?;
    let col = first.indent + 2;
    let body = r.text.get(first.start + first.indent..first.end)?;
    if !body.starts_with("- ") || body.as_bytes().get(2) == Some(&b' ') {
        return None;
    }
    key_len(r.text.get(first.start + col..first.end)?)?;
    r.mapping(col, first.start + col)?;
    r.skip_insignificant();
    (r.i == r.lines.len()).then_some(())
}

/// Cuts `text` into lines and checks every character: libyaml rejects control characters, and
/// the subset leaves tabs, carriage returns, line separators, byte-order marks and trailing
/// spaces to serde_yaml.
fn split_lines(text: &str, lines: &mut Vec<Line>) -> Option<()> {
    let bytes = text.as_bytes();
    let mut start = 0;
    while start < bytes.len() {
        let (end, newline) = match memchr::memchr(b'\n', &bytes[start..]) {
            Some(n) => (start + n, true),
            None => (bytes.len(), false),
        };
        let line = &bytes[start..end];
        if !printable(line) || line.last() == Some(&b' ') {
            return None;
        }
        let indent = line.iter().take_while(|&&b| b == b' ').count();
        lines.push(Line {
            start,
            end,
            indent,
            newline,
        });
        start = end + 1;
    }
    Some(())
}

/// Whether every character of a line is one libyaml reads as plain content: printable, and
/// neither a line break of its own (NEL, LS, PS) nor a byte-order mark. `line` is valid UTF-8.
fn printable(line: &[u8]) -> bool {
    // Most lines are printable ASCII: a branch-free pass decides them.
    if line
        .iter()
        .fold(true, |ok, b| ok & (0x20..0x7f).contains(b))
    {
        return true;
    }
    let mut i = 0;
    while i < line.len() {
        let b = line[i];
        if b < 0x80 {
            if b < 0x20 || b == 0x7f {
                return false;
            }
            i += 1;
            continue;
        }
        let rest = &line[i..];
        let bad = match rest {
            // U+0080..U+009F: C1 controls, NEL among them.
            [0xc2, 0x80..=0x9f, ..] => true,
            // U+2028, U+2029: line and paragraph separators.
            [0xe2, 0x80, 0xa8 | 0xa9, ..] => true,
            // U+FEFF, U+FFFE, U+FFFF.
            [0xef, 0xbb, 0xbf, ..] | [0xef, 0xbf, 0xbe | 0xbf, ..] => true,
            _ => false,
        };
        if bad {
            return false;
        }
        i += match b {
            0xc0..=0xdf => 2,
            0xe0..=0xef => 3,
            _ => 4,
        };
    }
    true
}

/// The length of the plain key at the start of `s` when `s` is `key:` followed by a space or
/// nothing.
fn key_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let first = *b.first()?;
    if !(first.is_ascii_alphabetic() || first == b'_') {
        return None;
    }
    let n = b
        .iter()
        .take_while(|&&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
        .count();
    (n <= MAX_KEY && b.get(n) == Some(&b':') && matches!(b.get(n + 1), None | Some(b' ')))
        .then_some(n)
}

/// Whether a line's text, from its indentation on, is a block list entry with content.
fn is_entry(body: &str) -> bool {
    let b = body.as_bytes();
    b.len() > 2 && b[0] == b'-' && b[1] == b' ' && b[2] != b' '
}

struct Reader<'a, 'r> {
    text: &'a str,
    lines: &'r [Line],
    /// The line being read.
    i: usize,
    events: &'r mut Vec<Event<'a>>,
    depth: usize,
}

impl<'a> Reader<'a, '_> {
    /// The text of line `i` from its indentation on.
    fn body(&self, i: usize) -> &'a str {
        let line = self.lines[i];
        &self.text[line.start + line.indent..line.end]
    }

    /// Moves past empty lines and whole-line comments.
    fn skip_insignificant(&mut self) {
        while self.i < self.lines.len()
            && (self.lines[self.i].is_empty() || self.body(self.i).starts_with('#'))
        {
            self.i += 1;
        }
    }

    fn scalar(&mut self, value: Cow<'a, str>, repr: Option<&'a str>, style: Style) {
        self.events
            .push(Event::Scalar(Scalar { value, repr, style }));
    }

    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    /// A block mapping whose keys are at column `col`; its first key starts at byte `at` of the
    /// current line.
    fn mapping(&mut self, col: usize, mut at: usize) -> Option<()> {
        self.enter()?;
        self.events.push(Event::MapStart);
        loop {
            let line = self.lines[self.i];
            let rest = &self.text[at..line.end];
            let n = key_len(rest)?;
            let key = &rest[..n];
            self.scalar(Cow::Borrowed(key), Some(key), Style::Plain);
            let after = &rest[n + 1..];
            if after.is_empty() {
                self.i += 1;
                self.block_value(col)?;
            } else {
                let value = after.trim_start_matches(' ');
                self.inline_value(col, line.end - value.len())?;
            }
            self.skip_insignificant();
            let Some(next) = self.lines.get(self.i) else {
                break;
            };
            match next.indent {
                i if i == col => at = next.start + col,
                i if i < col => break,
                _ => return None,
            }
        }
        self.events.push(Event::MapEnd);
        self.depth -= 1;
        Some(())
    }

    /// The value of a key that ends its line (`owner` is the key's column): a block list, a
    /// nested mapping, or nothing at all (an empty plain scalar, which serde reads as null).
    fn block_value(&mut self, owner: usize) -> Option<()> {
        self.skip_insignificant();
        let Some(&line) = self.lines.get(self.i) else {
            self.scalar(Cow::Borrowed(""), Some(""), Style::Plain);
            return Some(());
        };
        let body = self.body(self.i);
        if line.indent >= owner && body.starts_with('-') {
            self.sequence(line.indent)
        } else if line.indent > owner {
            self.mapping(line.indent, line.start + line.indent)
        } else {
            self.scalar(Cow::Borrowed(""), Some(""), Style::Plain);
            Some(())
        }
    }

    /// A block list whose dashes are at column `col`, starting on the current line.
    fn sequence(&mut self, col: usize) -> Option<()> {
        self.enter()?;
        self.events.push(Event::SeqStart);
        loop {
            let line = self.lines[self.i];
            if !is_entry(self.body(self.i)) {
                return None;
            }
            let at = line.start + col + 2;
            if key_len(&self.text[at..line.end]).is_some() {
                self.mapping(col + 2, at)?;
            } else {
                self.inline_value(col, at)?;
            }
            self.skip_insignificant();
            let Some(next) = self.lines.get(self.i) else {
                break;
            };
            if next.indent > col {
                return None;
            }
            if next.indent < col || !self.body(self.i).starts_with('-') {
                break;
            }
        }
        self.events.push(Event::SeqEnd);
        self.depth -= 1;
        Some(())
    }

    /// A value that starts at byte `at` of the current line. `owner` is the indentation that
    /// libyaml holds while reading it: the column of its key, or of its dash.
    fn inline_value(&mut self, owner: usize, at: usize) -> Option<()> {
        let line = self.lines[self.i];
        let value = &self.text[at..line.end];
        match *value.as_bytes().first()? {
            b'"' => self.double_quoted(value)?,
            b'\'' => self.single_quoted(value)?,
            b'[' => self.flow_list(value)?,
            b'|' | b'>' => return self.block_scalar(owner, value),
            b'-' | b'?' | b':' | b',' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'%'
            | b'@' | b'`' => return None,
            _ => {
                if !plain_in_block(value.as_bytes()) {
                    return None;
                }
                self.scalar(Cow::Borrowed(value), Some(value), Style::Plain);
            }
        }
        self.i += 1;
        Some(())
    }

    /// `'...'` on one line; `''` is a quote.
    fn single_quoted(&mut self, value: &'a str) -> Option<()> {
        let inner = &value[1..];
        let mut out: Option<String> = None;
        let mut i = 0;
        let b = inner.as_bytes();
        loop {
            let q = i + memchr::memchr(b'\'', &b[i..])?;
            if b.get(q + 1) == Some(&b'\'') {
                out.get_or_insert_with(String::new).push_str(&inner[i..=q]);
                i = q + 2;
                continue;
            }
            if q + 1 != inner.len() {
                return None;
            }
            let text = match out {
                Some(mut s) => {
                    s.push_str(&inner[i..q]);
                    Cow::Owned(s)
                }
                None => Cow::Borrowed(&inner[..q]),
            };
            self.scalar(text, Some(value), Style::Quoted);
            return Some(());
        }
    }

    /// `"..."` on one line, with libyaml's escapes.
    fn double_quoted(&mut self, value: &'a str) -> Option<()> {
        let inner = &value[1..];
        let b = inner.as_bytes();
        let mut out: Option<String> = None;
        let mut i = 0;
        loop {
            let j = i + memchr::memchr2(b'"', b'\\', &b[i..])?;
            if b[j] == b'"' {
                if j + 1 != inner.len() {
                    return None;
                }
                let text = match out {
                    Some(mut s) => {
                        s.push_str(&inner[i..j]);
                        Cow::Owned(s)
                    }
                    None => Cow::Borrowed(&inner[..j]),
                };
                self.scalar(text, Some(value), Style::Quoted);
                return Some(());
            }
            let s = out.get_or_insert_with(String::new);
            s.push_str(&inner[i..j]);
            let (c, used) = escape(&inner[j + 1..])?;
            s.push(c);
            i = j + 1 + used;
        }
    }

    /// `[a, b c]` on one line: plain words only.
    fn flow_list(&mut self, value: &'a str) -> Option<()> {
        let inner = value.strip_prefix('[')?.strip_suffix(']')?;
        self.enter()?;
        self.events.push(Event::SeqStart);
        if !inner.bytes().all(|b| b == b' ') {
            let mut rest = inner;
            loop {
                let (element, more) = match memchr::memchr(b',', rest.as_bytes()) {
                    Some(comma) => (&rest[..comma], Some(&rest[comma + 1..])),
                    None => (rest, None),
                };
                let word = element.trim_matches(' ');
                if !flow_word(word) {
                    return None;
                }
                self.scalar(Cow::Borrowed(word), Some(word), Style::Plain);
                match more {
                    Some(more) => rest = more,
                    None => break,
                }
            }
        }
        self.events.push(Event::SeqEnd);
        self.depth -= 1;
        Some(())
    }

    /// `|`, `|-`, `>` or `>-` (in `header`) and the lines below it, as libyaml's
    /// `yaml_parser_scan_block_scalar` reads them: the indentation is the first content line's,
    /// which must be deeper than `owner`.
    fn block_scalar(&mut self, owner: usize, header: &str) -> Option<()> {
        let literal = header.starts_with('|');
        let strip = match &header[1..] {
            "" => false,
            "-" => true,
            _ => return None,
        };
        self.i += 1;
        let mut j = self.i;
        let mut trailing_breaks = 0usize;
        while j < self.lines.len() && self.lines[j].is_empty() {
            trailing_breaks += 1;
            j += 1;
        }
        let indent = self.lines.get(j)?.indent;
        if indent <= owner {
            return None;
        }
        let mut out = String::new();
        let mut leading_break = false;
        let mut leading_blank = false;
        while let Some(&line) = self.lines.get(j) {
            if line.is_empty() {
                trailing_breaks += 1;
                j += 1;
                continue;
            }
            if line.indent < indent {
                break;
            }
            let trailing_blank = line.indent > indent;
            if !literal && leading_break && !leading_blank && !trailing_blank {
                if trailing_breaks == 0 {
                    out.push(' ');
                }
            } else if leading_break {
                out.push('\n');
            }
            for _ in 0..trailing_breaks {
                out.push('\n');
            }
            trailing_breaks = 0;
            leading_blank = trailing_blank;
            out.push_str(&self.text[line.start + indent..line.end]);
            leading_break = line.newline;
            j += 1;
        }
        if !strip && leading_break {
            out.push('\n');
        }
        self.scalar(Cow::Owned(out), None, Style::Block);
        self.i = j;
        Some(())
    }
}

/// Whether a plain scalar on one line of block context ends where the line does: it holds no
/// `: ` (a key) and no ` #` (a comment), and does not end with `:`.
fn plain_in_block(v: &[u8]) -> bool {
    memchr::memchr2_iter(b':', b'#', v).all(|i| match v[i] {
        b':' => v.get(i + 1).is_some_and(|&next| next != b' '),
        _ => i == 0 || v[i - 1] != b' ',
    })
}

/// A double-quoted escape after its backslash: the character and how many bytes it used.
fn escape(s: &str) -> Option<(char, usize)> {
    let b = *s.as_bytes().first()?;
    let simple = match b {
        b'0' => '\0',
        b'a' => '\x07',
        b'b' => '\x08',
        b't' => '\t',
        b'n' => '\n',
        b'v' => '\x0b',
        b'f' => '\x0c',
        b'r' => '\r',
        b'e' => '\x1b',
        b' ' => ' ',
        b'"' => '"',
        b'/' => '/',
        b'\\' => '\\',
        b'N' => '\u{85}',
        b'_' => '\u{a0}',
        b'L' => '\u{2028}',
        b'P' => '\u{2029}',
        b'x' | b'u' | b'U' => {
            let digits = match b {
                b'x' => 2,
                b'u' => 4,
                _ => 8,
            };
            let hex = s.get(1..1 + digits)?;
            if !hex.bytes().all(|h| h.is_ascii_hexdigit()) {
                return None;
            }
            let code = u32::from_str_radix(hex, 16).ok()?;
            return Some((char::from_u32(code)?, 1 + digits));
        }
        _ => return None,
    };
    Some((simple, 1))
}

/// Whether `word` is an element of a flow list that is certainly one plain scalar: a letter,
/// digit, `_` or `.` first, then letters, digits, single spaces and `-_./()'+`.
fn flow_word(word: &str) -> bool {
    let b = word.as_bytes();
    let Some(&first) = b.first() else {
        return false;
    };
    let start_ok = first.is_ascii_alphanumeric() || first >= 0x80 || first == b'_' || first == b'.';
    start_ok
        && b.iter().all(|&c| {
            c.is_ascii_alphanumeric()
                || c >= 0x80
                || matches!(
                    c,
                    b' ' | b'-' | b'_' | b'.' | b'/' | b'(' | b')' | b'\'' | b'+'
                )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_scalars_that_end_with_their_line() {
        let cases: &[(&str, bool)] = &[
            ("word", true),
            ("two words", true),
            ("a:b", true),
            ("http://x.org/a?b#c", true),
            ("a#b", true),
            ("50% [sic] {x}, y", true),
            ("a: b", false),
            ("a:", false),
            ("a #b", false),
            ("a # b", false),
        ];
        for (value, want) in cases {
            assert_eq!(plain_in_block(value.as_bytes()), *want, "{value:?}");
        }
    }

    #[test]
    fn keys_are_plain_words_before_a_colon() {
        let cases: &[(&str, Option<usize>)] = &[
            ("id: a", Some(2)),
            ("id:", Some(2)),
            ("based_in: x", Some(8)),
            ("a-b: x", Some(3)),
            ("_x: y", Some(2)),
            ("id:a", None),
            ("id :a", None),
            ("1d: a", None),
            ("-id: a", None),
            ("\"id\": a", None),
            ("? id", None),
            ("", None),
        ];
        for (line, want) in cases {
            assert_eq!(key_len(line), *want, "{line:?}");
        }
    }

    #[test]
    fn flow_words_are_certainly_one_plain_scalar() {
        let cases: &[(&str, bool)] = &[
            ("csto", true),
            ("Персона 5", true),
            ("a-b_c.d/e", true),
            ("O'Brien (ed.)", true),
            (".5", true),
            ("", false),
            ("-a", false),
            ("a:b", false),
            ("a#b", false),
            ("'a'", false),
            ("a[b", false),
            ("*a", false),
        ];
        for (word, want) in cases {
            assert_eq!(flow_word(word), *want, "{word:?}");
        }
    }

    #[test]
    fn escapes_are_libyaml_s() {
        let cases: &[(&str, Option<(char, usize)>)] = &[
            ("n", Some(('\n', 1))),
            ("\\", Some(('\\', 1))),
            ("\"", Some(('"', 1))),
            ("/", Some(('/', 1))),
            ("0", Some(('\0', 1))),
            ("N", Some(('\u{85}', 1))),
            ("_", Some(('\u{a0}', 1))),
            ("x41", Some(('A', 3))),
            ("u00e9", Some(('é', 5))),
            ("U0001F600", Some(('😀', 9))),
            ("ud800", None),
            ("U00110000", None),
            ("x4", None),
            ("xg1", None),
            ("q", None),
            ("'", None),
            ("", None),
        ];
        for (after, want) in cases {
            assert_eq!(escape(after), *want, "{after:?}");
        }
    }

    #[test]
    fn lines_libyaml_reads_as_plain_content() {
        let cases: &[(&str, bool)] = &[
            ("plain ascii ~!@#$%^&*()", true),
            ("кириллица, “curly”, 😀", true),
            ("tab\there", false),
            ("nul\0", false),
            ("del\u{7f}", false),
            ("nel\u{85}", false),
            ("c1\u{9f}", false),
            ("ls\u{2028}", false),
            ("ps\u{2029}", false),
            ("bom\u{feff}", false),
            ("nonchar\u{fffe}", false),
            ("nbsp\u{a0} is content", true),
        ];
        for (line, want) in cases {
            assert_eq!(printable(line.as_bytes()), *want, "{line:?}");
        }
    }
}
