//! Where a claim is in a source's text, found as `kz check` finds it (white space folded, curly
//! and straight quotes alike, an elided quote by its pieces, placed close together), and the
//! sentences it lies in, cut as a reader would cut them ([`crate::sentences`]). The site marks
//! those sentences, `why` shows them, and the statement export gives their offsets.

use crate::text::{fold_for_match, fold_for_match_mapped, found_in_order, quote_pieces};
use std::ops::Range;

/// A source's text, folded once for finding claims and cut into sentences.
#[derive(Debug)]
pub struct Cited<'a> {
    pub text: &'a str,
    folded: String,
    /// For each byte of `folded`, the byte of `text` it came from.
    from: Vec<u32>,
    /// The sentences, as byte ranges of `text`, in order.
    pub sentences: Vec<Range<usize>>,
}

impl<'a> Cited<'a> {
    pub fn new(text: &'a str) -> Cited<'a> {
        let (folded, from) = fold_for_match_mapped(text);
        Cited {
            text,
            folded,
            from,
            sentences: crate::sentences::sentences(text),
        }
    }

    /// Where a claim is: the bytes from the start of its first piece to the end of its last. An
    /// `elided` claim (a direct quote) may leave words out with `…` and put words in `[ ]`.
    pub fn find(&self, claim: &str, elided: bool) -> Option<Range<usize>> {
        let needle = fold_for_match(claim);
        let pieces = if elided {
            quote_pieces(&needle)
        } else {
            vec![needle.trim()]
        };
        let span = found_in_order(&self.folded, &pieces).ok()?;
        if span.is_empty() {
            return None;
        }
        let last = self.from[span.end - 1] as usize;
        let end = last + self.text[last..].chars().next().map_or(1, char::len_utf8);
        Some(self.from[span.start] as usize..end)
    }

    /// The sentences a span of bytes touches, as indices into [`Cited::sentences`].
    pub fn sentences_over(&self, span: &Range<usize>) -> Range<usize> {
        let first = self.sentences.partition_point(|s| s.end <= span.start);
        let last = self.sentences.partition_point(|s| s.start < span.end);
        first..last.max(first)
    }

    /// The sentence or sentences a claim is found in, as bytes of the text: from the start of
    /// the first to the end of the last.
    pub fn sentence_of(&self, claim: &str, elided: bool) -> Option<Range<usize>> {
        let span = self.find(claim, elided)?;
        let over = self.sentences_over(&span);
        match (
            self.sentences.get(over.start),
            over.end.checked_sub(1).and_then(|e| self.sentences.get(e)),
        ) {
            (Some(a), Some(b)) if !over.is_empty() => Some(a.start..b.end),
            _ => Some(span),
        }
    }

    /// A byte range as a range of characters, for readers that count characters.
    pub fn chars(&self, bytes: &Range<usize>) -> Range<usize> {
        let start = self.text[..bytes.start].chars().count();
        start..start + self.text[bytes.clone()].chars().count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_are_found_as_kz_check_finds_them() {
        let text = "First one.  “We shouldn’t  call them,” said K. Then more.\nLast line";
        let c = Cited::new(text);
        let find = |t: &str, elided| c.find(t, elided).map(|r| &text[r]);
        assert_eq!(
            find("We shouldn't call them", true),
            Some("We shouldn’t  call them")
        );
        assert_eq!(
            find("We … call [the protesters] them", true),
            Some("We shouldn’t  call them")
        );
        assert_eq!(find("Then more. Last", false), Some("Then more.\nLast"));
        assert_eq!(find("absent", false), None);
        // An elided quote is placed where kz check places it: its pieces close together.
        let far = format!(
            "We began. {} We shall not call them. Done.",
            "Filler words. ".repeat(40)
        );
        let c = Cited::new(&far);
        assert_eq!(
            c.find("We … call them", true).map(|r| &far[r]),
            Some("We shall not call them")
        );
        // The sentence a quote is in, and its place in characters.
        let text = "Supt. Ruiz spoke. “We stay,” Ruiz said of the L.A. plan. Then nothing.";
        let c = Cited::new(text);
        let s = c.sentence_of("We stay", true).unwrap();
        assert_eq!(&text[s.clone()], "“We stay,” Ruiz said of the L.A. plan.");
        assert_eq!(c.chars(&s), 18..56);
    }
}
