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
    // Runs of plain ASCII, most of any text, are copied as they are: every source text and
    // claim is folded on a first check. A run may hold single spaces; one at either end is
    // taken off and counts as white space next to it.
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut space, mut any) = (false, false);
    let mut i = 0;
    while i < bytes.len() {
        let end = plain_run_end(bytes, i);
        if end > i {
            let mut run = &text[i..end];
            i = end;
            if let Some(rest) = run.strip_prefix(' ') {
                space = true;
                run = rest;
            }
            let trailing = run.ends_with(' ');
            run = run.strip_suffix(' ').unwrap_or(run);
            if run.is_empty() {
                space |= trailing;
                continue;
            }
            if std::mem::take(&mut space) && any {
                out.push(' ');
            }
            out.push_str(run);
            (any, space) = (true, trailing);
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        i += c.len_utf8();
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if std::mem::take(&mut space) && any {
            out.push(' ');
        }
        any = true;
        out.push(straight(c));
    }
    out
}

/// Where the run of plain bytes that starts at `i` ends: bytes of ASCII but its control chars,
/// and spaces, but not two in a row. Eight bytes at a time, as bit masks over a `u64`.
fn plain_run_end(bytes: &[u8], mut i: usize) -> usize {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const SPACES: u64 = 0x2020_2020_2020_2020;
    const TO_SPACE: u64 = 0x6060_6060_6060_6060;
    // The high bit of each byte that is a space.
    let spaces = |w: u64| {
        let x = w ^ SPACES;
        !(((x & LOW7) + LOW7) | x) & HIGH
    };
    while let Some(window) = bytes.get(i..i + 9) {
        let (Ok(this), Ok(next)) = (<[u8; 8]>::try_from(&window[..8]), window[1..].try_into())
        else {
            break;
        };
        let (w, next) = (u64::from_le_bytes(this), u64::from_le_bytes(next));
        // Beyond ASCII, a control char (below a space), or a space before a space.
        let control = !((w & LOW7) + TO_SPACE) & !w & HIGH;
        let stop = (w & HIGH) | control | (spaces(w) & spaces(next));
        if stop != 0 {
            return i + (stop.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&b) = bytes.get(i) {
        if !(b' '..0x80).contains(&b) || (b == b' ' && bytes.get(i + 1) == Some(&b' ')) {
            return i;
        }
        i += 1;
    }
    i
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
        emit(straight(c), i);
    }
}

/// A curly quotation mark as the straight one it folds to; any other char as it is.
fn straight(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' => '"',
        other => other,
    }
}

/// `text` in lower case, char for char where lowering keeps a char's length in UTF-8 (and the
/// char as it is where it does not), so that a byte offset in the result is one in `text`: the
/// verbatim check uses it to tell a text that differs from its source only in case.
pub fn fold_case(text: &str) -> Cow<'_, str> {
    replace_chars(text, |c| {
        let mut lower = c.to_lowercase();
        match (lower.next(), lower.next()) {
            (Some(l), None) if l != c && l.len_utf8() == c.len_utf8() => Some(l.to_string().into()),
            _ => None,
        }
    })
}

/// The pieces of a quote between its elisions (`...`, `…`) and bracketed insertions, trimmed,
/// without the ones that hold no letters or digits.
pub fn quote_pieces(quote: &str) -> Vec<&str> {
    // Most quotes have no elision or insertion: one piece, found without walking each char.
    let b = quote.as_bytes();
    let cut = memchr::memchr(b'[', b).is_some()
        || memchr::memchr2_iter(b'.', 0xE2, b)
            .any(|i| b[i..].starts_with(b"...") || b[i..].starts_with("…".as_bytes()));
    if !cut {
        let one = quote.trim();
        return match one.chars().any(char::is_alphanumeric) {
            true => vec![one],
            false => Vec::new(),
        };
    }
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
            (
                "\u{a0}nb\u{a0}\u{2028}sp\u{85}x\u{b}\u{c}\r\ty\u{3000}",
                "nb sp x y",
            ),
            ("\u{201A}low\u{201B} \u{201E}low\u{201F}", "'low' \"low\""),
            ("Тоқаев  \u{2014} «да»", "Тоқаев \u{2014} «да»"),
        ];
        crate::testing::table(&cases, fold_for_match);
        // The fold that copies runs of ASCII is the char-by-char one, on every text of up to
        // five of these chars.
        let chars = ['a', ' ', '\n', '\u{b}', '\u{a0}', '\u{201C}', 'é'];
        for text in crate::testing::every_text(&chars, 5) {
            assert_eq!(
                fold_for_match(&text),
                fold_for_match_mapped(&text).0,
                "{text:?}"
            );
        }
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
            (
                "  a sentence. And \u{2014} another.  ",
                &["a sentence. And \u{2014} another."],
            ),
            ("a stray ] bracket", &["a stray ] bracket"]),
            ("two.. dots", &["two.. dots"]),
            (" -- ", &[]),
        ];
        crate::testing::table(cases, |quote| quote_pieces(quote));
    }

    #[test]
    fn case_folds_keep_every_byte_offset() {
        let cases = [
            ("Teachers ARE", "teachers are"),
            ("already lower", "already lower"),
            ("ТОҚАЕВ Сказал", "тоқаев сказал"),
            // Lowering İ takes two chars, and K (Kelvin) one of another length: kept as they are.
            ("İstanbul \u{212A}", "İstanbul \u{212A}"),
        ];
        crate::testing::table(&cases, |s| {
            let folded = fold_case(s).into_owned();
            assert_eq!(folded.len(), s.len(), "{s:?}");
            folded
        });
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

/// The most pieces an elided quote may have: a journalist's quote elides a few times, and each
/// piece costs a pass over the source.
pub const MAX_PIECES: usize = 32;

/// The most placements of its pieces the matcher looks at for one quote, so that pieces found
/// everywhere in a huge repetitive text cost a bounded time.
pub const MAX_PLACEMENTS: usize = 1 << 24;

/// Which piece of a quote could not be placed in its source, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Miss {
    /// Piece `n` is nowhere in the source.
    Absent(usize),
    /// Piece `n` is in the source, but not in order within [`MAX_GAP`] after piece `n - 1`.
    Apart(usize),
    /// There are no words to look for: the text is blank, or only elisions and insertions.
    Nothing,
    /// The quote has this many pieces, more than [`MAX_PIECES`].
    TooManyPieces(usize),
    /// Its pieces appear more than [`MAX_PLACEMENTS`] times before a placement in order was
    /// found or ruled out.
    Crowded,
}

/// Where the pieces appear in `hay` in order, each starting within [`MAX_GAP`] characters of
/// the end of the one before: the bytes from the start of the first piece to the end of the last,
/// for the placement that ends first. Every placement of every piece is considered, overlapping
/// ones too, so an early false start cannot hide a true match: each piece follows the closest
/// placement of the one before it that ends before it starts. `kz check` accepts a quote by this
/// rule, and the site marks the sentences it spans. Pieces with no words in them are never
/// found.
///
/// The placements of all pieces are read in one sweep through the text, in order, and the
/// sweep stops at the first placement of the last piece that completes the order. Each piece
/// keeps only the placements that end within its own length of the sweep, so memory stays
/// linear in the quote, not in the text; a quote of more than [`MAX_PIECES`] pieces is refused,
/// and one whose pieces appear more than [`MAX_PLACEMENTS`] times stops there.
pub fn found_in_order(hay: &str, pieces: &[&str]) -> Result<Range<usize>, Miss> {
    place(hay, pieces, MAX_PLACEMENTS)
}

/// [`found_in_order`], looking at no more than `budget` placements.
fn place(hay: &str, pieces: &[&str], budget: usize) -> Result<Range<usize>, Miss> {
    if pieces.iter().all(|p| p.trim().is_empty()) {
        return Err(Miss::Nothing);
    }
    if let [one] = pieces {
        return match find(hay.as_bytes(), one.as_bytes()) {
            Some(start) => Ok(start..start + one.len()),
            None => Err(Miss::Absent(0)),
        };
    }
    if pieces.len() > MAX_PIECES {
        return Err(Miss::TooManyPieces(pieces.len()));
    }
    // A piece that is nowhere in the text ends the search for those after it.
    let absent = pieces
        .iter()
        .position(|p| find(hay.as_bytes(), p.as_bytes()).is_none());
    let swept = &pieces[..absent.unwrap_or(pieces.len())];
    if swept.is_empty() {
        return Err(Miss::Absent(0));
    }
    match Sweep::new(hay, swept).run(absent.is_none(), budget) {
        Swept::Found(span) => Ok(span),
        Swept::Unreached(n) => Err(Miss::Apart(n)),
        Swept::AllReached => Err(Miss::Absent(absent.unwrap_or(swept.len()))),
        Swept::Crowded => Err(Miss::Crowded),
    }
}

/// Texts and needles whose lengths multiply to at most this are searched by [`find`] without
/// building a full searcher: checking every candidate in full then costs at most a few
/// milliseconds, even on a text made to match everywhere but in full.
const SMALL_SEARCH: usize = 1 << 22;

/// Where `needle` first appears in `hay`, as `memchr::memmem::find` says. Building memmem's
/// searcher costs more than searching a source text of a few kilobytes, and a first check
/// searches every direct quote once; in a small enough text, the places where a pair of the
/// needle's rarer bytes stand, found with SIMD, are compared in full instead.
pub fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    if hay.len().saturating_mul(needle.len()) <= SMALL_SEARCH
        && let Some(pair) = rare_pair(needle)
        && let Some(pair) = memchr::arch::x86_64::avx2::packedpair::Finder::with_pair(needle, pair)
        && hay.len() >= pair.min_haystack_len()
    {
        return pair.find(hay, needle);
    }
    memchr::memmem::find(hay, needle)
}

/// The two rarest bytes among the first few of `needle`, by memchr's table of how common each
/// byte is: ranking every byte of a long quote costs more than the search it speeds up.
#[cfg(target_arch = "x86_64")]
fn rare_pair(needle: &[u8]) -> Option<memchr::arch::all::packedpair::Pair> {
    memchr::arch::all::packedpair::Pair::new(&needle[..needle.len().min(32)])
}

/// How a sweep ended.
enum Swept {
    /// Every piece in order: the span of the placement that ends first.
    Found(Range<usize>),
    /// Piece `n` was reached in order nowhere.
    Unreached(usize),
    /// Every piece swept was reached somewhere (the sweep was of a first part of the quote).
    AllReached,
    /// The budget of placements ran out first.
    Crowded,
}

/// The state of one sweep of [`found_in_order`] through a text.
struct Sweep<'h> {
    hay: &'h [u8],
    lens: Vec<usize>,
    /// Each piece's next start, ascending, overlapping ones included.
    starts: Vec<Box<dyn Iterator<Item = usize> + 'h>>,
    next: Vec<Option<usize>>,
    /// For each piece, its placements reached in order that end past the sweep, as (end, where
    /// the first piece starts), ascending; and the latest that ends at or before the sweep.
    ahead: Vec<std::collections::VecDeque<(usize, usize)>>,
    behind: Vec<Option<(usize, usize)>>,
    /// Whether any placement of each piece was reached in order.
    reached: Vec<bool>,
}

impl<'h> Sweep<'h> {
    fn new(hay: &'h str, pieces: &[&'h str]) -> Sweep<'h> {
        let hay = hay.as_bytes();
        let mut starts: Vec<Box<dyn Iterator<Item = usize> + 'h>> = pieces
            .iter()
            .map(|p| Box::new(starts_of(hay, p.as_bytes())) as Box<dyn Iterator<Item = usize>>)
            .collect();
        let next = starts.iter_mut().map(|s| s.next()).collect();
        Sweep {
            hay,
            lens: pieces.iter().map(|p| p.len()).collect(),
            starts,
            next,
            ahead: vec![Default::default(); pieces.len()],
            behind: vec![None; pieces.len()],
            reached: vec![false; pieces.len()],
        }
    }

    /// The span of the first placement of every piece in order, if `complete`; else the pieces
    /// are only a first part of the quote, swept to see how far they reach.
    fn run(mut self, complete: bool, budget: usize) -> Swept {
        let last = self.lens.len() - 1;
        for _ in 0..budget {
            // The piece whose next placement starts first.
            let Some((n, start)) = self
                .next
                .iter()
                .enumerate()
                .filter_map(|(n, s)| Some((n, (*s)?)))
                .min_by_key(|&(n, s)| (s, n))
            else {
                return match self.reached.iter().position(|r| !r) {
                    Some(n) => Swept::Unreached(n),
                    None => Swept::AllReached,
                };
            };
            self.next[n] = self.starts[n].next();
            let Some(first) = self.reach(n, start) else {
                continue;
            };
            self.reached[n] = true;
            let end = start + self.lens[n];
            if n == last && complete {
                return Swept::Found(first..end);
            }
            if n < last {
                // Only the latest placement that ends behind the sweep can serve the next
                // piece: the others are dropped, so each piece keeps at most its own length
                // of placements.
                self.settle(n, start);
                self.ahead[n].push_back((end, first));
            } else if self.reached.iter().all(|&r| r) {
                // Every piece of the part swept is reached: nothing more to learn.
                return Swept::AllReached;
            }
        }
        Swept::Crowded
    }

    /// Moves the placements of piece `n` that end at or before `at` behind the sweep, keeping
    /// the latest.
    fn settle(&mut self, n: usize, at: usize) {
        while let Some(&(end, first)) = self.ahead[n].front() {
            if end > at {
                break;
            }
            self.behind[n] = Some((end, first));
            self.ahead[n].pop_front();
        }
    }

    /// Where the first piece starts for a placement of piece `n` at `start`, if one of piece
    /// `n - 1` ends at or before it and close enough.
    fn reach(&mut self, n: usize, start: usize) -> Option<usize> {
        let Some(before) = n.checked_sub(1) else {
            return Some(start);
        };
        self.settle(before, start);
        let (end, first) = self.behind[before]?;
        (chars_between(self.hay, end, start) <= MAX_GAP).then_some(first)
    }
}

/// How many characters lie between byte offsets `from` and `to` of a text, counted only as far
/// as needed to compare with [`MAX_GAP`].
fn chars_between(hay: &[u8], from: usize, to: usize) -> usize {
    let bytes = to - from;
    if bytes <= MAX_GAP {
        return bytes;
    }
    if bytes > 4 * MAX_GAP {
        return MAX_GAP + 1;
    }
    // A char is counted at its first byte: not a UTF-8 continuation byte.
    hay[from..to].iter().filter(|&&b| b & 0xC0 != 0x80).count()
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

#[cfg(test)]
mod sweep_tests {
    use super::*;

    /// A text, a quote's pieces, and where they are placed.
    type Case<'a> = (&'a str, &'a [&'a str], Result<Range<usize>, Miss>);

    #[test]
    fn find_is_memmem_find() {
        let long = "ab".repeat(1500) + "abc";
        let big = "a".repeat(SMALL_SEARCH / 8) + "ab";
        let cases: &[(&str, &str)] = &[
            ("the protests began on January 2", "January"),
            ("the protests began", "protests began on"),
            ("aaaaab", "aab"),
            ("abababc", "ababc"),
            ("x", "xy"),
            ("xy", "xy"),
            ("", "ab"),
            ("ab", "b"),
            ("Тоқаев said", "қаев"),
            (&long, "ababc"),
            (&long, &long[2000..]),
            (&big, "aaaaaaab"),
            (&big, "aaaaaaac"),
        ];
        for (hay, needle) in cases {
            let want = memchr::memmem::find(hay.as_bytes(), needle.as_bytes());
            assert_eq!(find(hay.as_bytes(), needle.as_bytes()), want, "{needle:?}");
        }
        // Every place in a text, with needles that match there, partly, or not at all.
        let hay = "a man, a plan, a canal: panama; a man, a plan";
        for start in 0..hay.len() {
            for end in start..=hay.len() {
                for needle in [&hay[start..end], &format!("{}!", &hay[start..end])] {
                    let want = memchr::memmem::find(hay.as_bytes(), needle.as_bytes());
                    assert_eq!(find(hay.as_bytes(), needle.as_bytes()), want, "{needle:?}");
                }
            }
        }
    }

    #[test]
    fn pieces_in_order_and_close_as_before() {
        let hay = "the protests began on January 2 over a hike in fuel prices but quickly \
                   spread throughout the country";
        let far = format!("alpha {} omega", "x ".repeat(200));
        let cyrillic = format!("альфа {} омега", "ж".repeat(240));
        let cases: &[Case] = &[
            (hay, &["the protests began", "fuel prices"], Ok(0..58)),
            (
                hay,
                &["fuel prices", "the protests began"],
                Err(Miss::Apart(1)),
            ),
            (
                hay,
                &["the protests began", "oil prices"],
                Err(Miss::Absent(1)),
            ),
            (hay, &["riots", "fuel"], Err(Miss::Absent(0))),
            (&far, &["alpha", "omega"], Err(Miss::Apart(1))),
            // 240 characters apart, in twice as many bytes: close enough.
            (&cyrillic, &["альфа", "омега"], Ok(0..cyrillic.len())),
            ("a b a c", &["a", "c"], Ok(4..7)),
            ("baaa", &["ba", "aa"], Ok(0..4)),
            // The closest earlier placement starts the span; the first to end wins.
            ("x a x b y b", &["x", "b"], Ok(4..7)),
            ("a b c a b c", &["a", "b", "c"], Ok(0..5)),
            ("b c a", &["a", "b", "c"], Err(Miss::Apart(1))),
            ("a b", &["a", "b", "zz"], Err(Miss::Absent(2))),
            ("a c b", &["a", "c", "x", "b"], Err(Miss::Absent(2))),
        ];
        for (hay, pieces, want) in cases {
            assert_eq!(found_in_order(hay, pieces), *want, "{pieces:?} in {hay:?}");
        }
    }

    #[test]
    fn limits_bound_the_work() {
        // Thousands of pieces: refused before any search.
        let many = vec!["a"; 3000];
        assert_eq!(found_in_order("a a", &many), Err(Miss::TooManyPieces(3000)));
        // "a … a" against a long run of a's is found at once.
        let run = "a ".repeat(1 << 20);
        assert_eq!(found_in_order(&run, &["a", "a"]), Ok(0..3));
        // Every piece everywhere but the last far away: the budget ends the sweep.
        let crowded = format!("{}{} b", "a ".repeat(5000), "x".repeat(300));
        assert_eq!(place(&crowded, &["a", "a", "b"], 1000), Err(Miss::Crowded));
        assert_eq!(
            place(&crowded, &["a", "a", "b"], 1 << 20),
            Err(Miss::Apart(2))
        );
    }

    /// The matcher before its limits: every placement of every piece kept in memory.
    fn reference(hay: &str, pieces: &[&str]) -> Result<Range<usize>, Miss> {
        if pieces.iter().all(|p| p.trim().is_empty()) {
            return Err(Miss::Nothing);
        }
        let mut chars = vec![0usize];
        for b in hay.bytes() {
            chars.push(chars[chars.len() - 1] + usize::from(b & 0xC0 != 0x80));
        }
        let mut chains: Vec<(usize, usize)> = Vec::new();
        for (n, piece) in pieces.iter().enumerate() {
            let starts = starts_of(hay.as_bytes(), piece.as_bytes());
            if n == 0 {
                chains = starts.map(|s| (s, s + piece.len())).collect();
                if chains.is_empty() {
                    return Err(Miss::Absent(0));
                }
                continue;
            }
            let (mut next, mut any, mut k) = (Vec::new(), false, 0);
            for start in starts {
                any = true;
                while k < chains.len() && chains[k].1 <= start {
                    k += 1;
                }
                if k > 0 && chars[start] - chars[chains[k - 1].1] <= MAX_GAP {
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

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
        /// The sweep places every quote as the matcher before it did.
        #[test]
        fn the_sweep_agrees_with_keeping_every_placement(
            hay in "[abж ]{0,700}",
            pieces in proptest::collection::vec("[abж]{1,3}", 2..5),
        ) {
            let pieces: Vec<&str> = pieces.iter().map(String::as_str).collect();
            proptest::prop_assert_eq!(found_in_order(&hay, &pieces), reference(&hay, &pieces));
        }

        /// The fold that reads runs eight bytes at a time is the char-by-char one, on texts long
        /// enough for whole words of eight, with spaces, runs of them, control chars and chars
        /// beyond ASCII at every place in a word.
        #[test]
        fn the_fold_by_words_agrees_with_the_fold_by_chars(
            text in "(word|a|  | |\n|\t|\u{0}|\u{7f}|~|\u{a0}|\u{201C}|é|\u{3000}){0,40}",
        ) {
            proptest::prop_assert_eq!(fold_for_match(&text), fold_for_match_mapped(&text).0);
        }

        /// The same where pieces lie far apart (runs of 60 letters between them).
        #[test]
        fn the_sweep_agrees_on_gaps(
            hay in "(a|b|ж |жжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжж|xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx){0,40}",
            pieces in proptest::collection::vec("[abж]{1,2}", 2..4),
        ) {
            let pieces: Vec<&str> = pieces.iter().map(String::as_str).collect();
            proptest::prop_assert_eq!(found_in_order(&hay, &pieces), reference(&hay, &pieces));
        }
    }
}
