//! Small text helpers every layer shares: terminal-safe escaping, plurals and articles, and the
//! folding and cutting that match a quoted claim against its source.

use std::borrow::Cow;
use std::ops::Range;

/// Control characters (C0, DEL, C1) and the bidirectional controls that can disguise text:
/// every character of Unicode's `Bidi_Control` property (the embeddings, overrides and isolates,
/// LRM, RLM and the Arabic letter mark).
pub fn is_unsafe_control(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{061C}'
        )
}

fn escape_char(c: char) -> String {
    match c {
        '\n' => "\\n".into(),
        '\t' => "\\t".into(),
        '\r' => "\\r".into(),
        c => c.escape_unicode().to_string(),
    }
}

/// Text made safe for a terminal: every control character is shown as an escape (`\u{1b}`).
pub fn escape_control(text: &str) -> Cow<'_, str> {
    escape_except(text, None)
}

/// Like [`escape_control`], but keeps newlines, which a table cell draws as line breaks.
pub fn escape_cell(text: &str) -> Cow<'_, str> {
    escape_except(text, Some('\n'))
}

fn escape_except(text: &str, keep: Option<char>) -> Cow<'_, str> {
    replace_chars(text, |c| {
        (is_unsafe_control(c) && Some(c) != keep).then(|| escape_char(c).into())
    })
}

/// `text` with every char that `swap` has a replacement for replaced by it; borrowed when no
/// char is. The one loop behind every escaping kz does (terminal, HTML, TSV, Markdown,
/// N-Triples), each with its own table.
pub fn replace_chars(text: &str, swap: impl Fn(char) -> Option<Cow<'static, str>>) -> Cow<'_, str> {
    let Some(first) = text.find(|c| swap(c).is_some()) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 8);
    out.push_str(&text[..first]);
    for c in text[first..].chars() {
        match swap(c) {
            Some(with) => out.push_str(&with),
            None => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// `1 problem`, `3 problems`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// `a place`, `an actor`.
pub fn article(word: &str) -> String {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {word}")
    } else {
        format!("a {word}")
    }
}

/// How a claim is compared with its source (the guide's "Quotes and evidence"):
/// whitespace runs are one space; curly quotes
/// are straight ones. `kz check` matches quotes and evidence this way, and the site finds the
/// sentences they cite the same way.
pub fn fold_for_match(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_each(text, |c, _| out.push(c));
    out
}

/// [`fold_for_match`], with the byte offset in `text` that each byte of the folded text comes
/// from, so a match in the folded text can be found again in the original.
pub fn fold_for_match_mapped(text: &str) -> (String, Vec<u32>) {
    let mut out = String::with_capacity(text.len());
    let mut from = Vec::with_capacity(text.len());
    fold_each(text, |c, at| {
        out.push(c);
        from.extend(std::iter::repeat_n(at as u32, c.len_utf8()));
    });
    (out, from)
}

/// Calls `emit` with each char of the folded text and where in `text` it starts.
fn fold_each(text: &str, mut emit: impl FnMut(char, usize)) {
    let mut space: Option<usize> = None;
    let mut any = false;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            space.get_or_insert(i);
            continue;
        }
        if let Some(at) = space.take()
            && any
        {
            emit(' ', at);
        }
        any = true;
        emit(
            match c {
                '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' => '\'',
                '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' => '"',
                other => other,
            },
            i,
        );
    }
}

/// The pieces of a quote between its elisions (`...`, `…`) and bracketed insertions, trimmed,
/// without the ones that hold no letters or digits.
pub fn quote_pieces(quote: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    // Where the current piece starts; meaningful outside brackets.
    let mut start = 0;
    let mut i = 0;
    while let Some(c) = quote[i..].chars().next() {
        let rest = &quote[i..];
        if c == '[' {
            if depth == 0 {
                out.push(&quote[start..i]);
            }
            depth += 1;
        } else if c == ']' && depth > 0 {
            depth -= 1;
            if depth == 0 {
                start = i + 1;
            }
        } else if depth == 0 && (c == '…' || rest.starts_with("...")) {
            out.push(&quote[start..i]);
            let len = if c == '…' { c.len_utf8() } else { 3 };
            i += len;
            start = i;
            continue;
        }
        i += c.len_utf8();
    }
    if depth == 0 {
        out.push(&quote[start..]);
    }
    out.into_iter()
        .map(str::trim)
        .filter(|p| p.chars().any(char::is_alphanumeric))
        .collect()
}

/// Cuts a text to `max` characters, with an ellipsis when cut (for labels and one-line lists).
pub fn shorten(text: &str, max: usize) -> String {
    let mut out: String = text.chars().take(max).collect();
    if text.chars().nth(max).is_some() {
        out.pop();
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_escapes() {
        let cases = [
            ("plain", "plain"),
            ("\u{1b}]0;pwned\u{7}", "\\u{1b}]0;pwned\\u{7}"),
            ("\u{1b}[31mred", "\\u{1b}[31mred"),
            ("tab\there", "tab\\there"),
            ("new\nline", "new\\nline"),
            ("\u{9b}csi", "\\u{9b}csi"),
            ("rtl\u{202e}txt", "rtl\\u{202e}txt"),
            ("isolate\u{2067}d", "isolate\\u{2067}d"),
            ("alm\u{61c}", "alm\\u{61c}"),
            ("del\u{7f}", "del\\u{7f}"),
            ("Тоқаев", "Тоқаев"),
            ("عربي", "عربي"),
        ];
        crate::testing::table(&cases, escape_control);
        assert_eq!(escape_cell("a\nb\u{1b}"), "a\nb\\u{1b}");
    }

    #[test]
    fn plurals_and_articles() {
        let cases = [
            (plural(1, "file"), "1 file"),
            (plural(0, "file"), "0 files"),
            (plural(2, "problem"), "2 problems"),
            (article("actor"), "an actor"),
            (article("place"), "a place"),
            (article("organisation"), "an organisation"),
        ];
        for (got, want) in cases {
            assert_eq!(got, want);
        }
    }

    #[test]
    fn folding_keeps_where_each_byte_came_from() {
        let text = "a  \u{201C}b\u{201D}\n c";
        let (folded, from) = fold_for_match_mapped(text);
        assert_eq!(folded, fold_for_match(text));
        assert_eq!(folded, "a \"b\" c");
        assert_eq!(from.len(), folded.len());
        let at = folded.find('b').unwrap();
        assert_eq!(&text[from[at] as usize..from[at] as usize + 1], "b");
        assert_eq!(&text[from[folded.len() - 1] as usize..], "c");
    }

    #[test]
    fn folding() {
        let cases = [
            ("a  b\n c", "a b c"),
            ("\u{201C}We shouldn\u{2019}t\u{201D}", "\"We shouldn't\""),
            ("  lead and trail  ", "lead and trail"),
            ("", ""),
        ];
        crate::testing::table(&cases, fold_for_match);
    }

    #[test]
    fn elisions_and_insertions_cut_a_quote_into_pieces() {
        let cases: &[(&str, &[&str])] = &[
            ("plain words", &["plain words"]),
            ("one ... two", &["one", "two"]),
            ("one … two…three", &["one", "two", "three"]),
            (
                "[He] said it would … [the CSTO] leave",
                &["said it would", "leave"],
            ),
            ("...leading and trailing...", &["leading and trailing"]),
            ("[T]he alliance", &["he alliance"]),
            ("nested [a [b] c] end", &["nested", "end"]),
            ("unclosed [bracket", &["unclosed"]),
        ];
        crate::testing::table(cases, |quote| quote_pieces(quote));
    }

    #[test]
    fn shortening() {
        let cases = [
            ("short", "short"),
            ("exactly10!", "exactly10!"),
            ("eleven char", "eleven ch…"),
            ("Тоқаев сказал", "Тоқаев ск…"),
        ];
        crate::testing::table(&cases, |s| shorten(s, 10));
    }
}

/// How far apart, in characters of the source, two pieces of an elided quote may be.
pub const MAX_GAP: usize = 250;

/// Which piece of a quote could not be placed in its source, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Miss {
    /// Piece `n` is nowhere in the source.
    Absent(usize),
    /// Piece `n` is in the source, but not in order within [`MAX_GAP`] after piece `n - 1`.
    Apart(usize),
    /// There are no words to look for: the text is blank, or only elisions and insertions.
    Nothing,
}

/// Where the pieces appear in `hay` in order, each starting within [`MAX_GAP`] characters of
/// the end of the one before: the bytes from the start of the first piece to the end of the last,
/// for the placement that ends first. Every placement of every piece is considered, overlapping
/// ones too, so an early false start cannot hide a true match, and the work stays linear in the
/// number of placements. `kz check` accepts a quote by this rule, and the site marks the
/// sentences it spans. Pieces with no words in them are never found.
pub fn found_in_order(hay: &str, pieces: &[&str]) -> Result<Range<usize>, Miss> {
    if pieces.iter().all(|p| p.trim().is_empty()) {
        return Err(Miss::Nothing);
    }
    if let [one] = pieces {
        return match memchr::memmem::find(hay.as_bytes(), one.as_bytes()) {
            Some(start) => Ok(start..start + one.len()),
            None => Err(Miss::Absent(0)),
        };
    }
    // Each placement of the pieces so far, as (where the first piece starts, where the last
    // ends), by ascending end.
    let mut chains: Vec<(usize, usize)> = Vec::new();
    let mut chars_before: Option<Vec<u32>> = None;
    for (n, piece) in pieces.iter().enumerate() {
        let starts = starts_of(hay.as_bytes(), piece.as_bytes());
        if n == 0 {
            chains = starts.map(|s| (s, s + piece.len())).collect();
            if chains.is_empty() {
                return Err(Miss::Absent(0));
            }
            continue;
        }
        let chars = chars_before.get_or_insert_with(|| char_positions(hay));
        let mut next = Vec::new();
        let mut any = false;
        // The latest previous end at or before each start is the closest one.
        let mut k = 0;
        for start in starts {
            any = true;
            while k < chains.len() && chains[k].1 <= start {
                k += 1;
            }
            if k > 0 && (chars[start] - chars[chains[k - 1].1]) as usize <= MAX_GAP {
                next.push((chains[k - 1].0, start + piece.len()));
            }
        }
        if next.is_empty() {
            return Err(if any { Miss::Apart(n) } else { Miss::Absent(n) });
        }
        chains = next;
    }
    Ok(chains.first().map_or(0..0, |&(start, end)| start..end))
}

/// Every start of `piece` in `hay`, ascending, overlapping ones included (`aa` starts twice in
/// `aaa`), which `memmem::find_iter` would skip.
fn starts_of<'h>(hay: &'h [u8], piece: &'h [u8]) -> impl Iterator<Item = usize> + 'h {
    let finder = memchr::memmem::Finder::new(piece);
    let mut from = 0;
    std::iter::from_fn(move || {
        let start = from + finder.find(hay.get(from..)?)?;
        from = start + 1;
        Some(start)
    })
}

/// For each byte offset of `text` (and its end), how many chars come before it.
fn char_positions(text: &str) -> Vec<u32> {
    let mut out = vec![0u32; text.len() + 1];
    let mut count = 0u32;
    for (i, b) in text.bytes().enumerate() {
        out[i] = count;
        // A char is counted at its first byte: not a UTF-8 continuation byte.
        if b & 0xC0 != 0x80 {
            count += 1;
        }
    }
    out[text.len()] = count;
    out
}
