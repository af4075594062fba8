//! Paragraphs and sentences of a source text, as byte ranges: Unicode's sentence boundaries
//! (UAX #29, from unicode-segmentation) with the repairs news prose needs, such as not ending a
//! sentence at `Mr.`, `U.S.` or `Jan. 6`. Pure functions over strings.

use std::ops::Range;
use unicode_segmentation::UnicodeSegmentation;

/// The paragraphs of a text, without surrounding white space. A text that separates paragraphs
/// with blank lines is cut only there, so a paragraph may be wrapped over several lines; a text
/// with no blank line has one paragraph per line.
pub fn paragraphs(text: &str) -> Vec<Range<usize>> {
    let lines = lines(text);
    let blank = |r: &Range<usize>| text[r.clone()].trim().is_empty();
    let has_blank = lines.iter().enumerate().any(|(i, l)| {
        blank(l) && lines[..i].iter().any(|l| !blank(l)) && lines[i + 1..].iter().any(|l| !blank(l))
    });
    let mut out = Vec::new();
    let mut current: Option<Range<usize>> = None;
    for line in lines {
        if blank(&line) {
            out.extend(current.take());
            continue;
        }
        let trimmed = trim(text, line);
        match &mut current {
            Some(p) if has_blank => p.end = trimmed.end,
            _ => {
                out.extend(current.take());
                current = Some(trimmed);
            }
        }
    }
    out.extend(current);
    out
}

/// The sentences of a text, without surrounding white space, each within one paragraph (see
/// [`paragraphs`]). A line break inside a paragraph is a space.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    paragraphs(text)
        .into_iter()
        .flat_map(|p| sentences_of_paragraph(text, p))
        .collect()
}

/// The sentences of one paragraph, as ranges of the whole text.
fn sentences_of_paragraph(text: &str, para: Range<usize>) -> Vec<Range<usize>> {
    // Line breaks become spaces (one byte for one byte), so offsets stay those of the text.
    let flat: String = text[para.clone()]
        .chars()
        .map(|c| if matches!(c, '\n' | '\r') { ' ' } else { c })
        .collect();
    let mut out: Vec<Range<usize>> = Vec::new();
    for (at, piece) in flat.split_sentence_bound_indices() {
        let range = trim(&flat, at..at + piece.len());
        if range.is_empty() {
            continue;
        }
        let joins = out
            .last()
            .is_some_and(|prev| continues(&flat, prev.clone(), range.clone()));
        match out.last_mut() {
            Some(prev) if joins => prev.end = range.end,
            _ => out.push(range),
        }
    }
    out.into_iter()
        .map(|r| r.start + para.start..r.end + para.start)
        .collect()
}

/// Whether the sentence at `next` goes on from the one at `prev` rather than starting anew:
/// it starts in lower case or has no letters, or `prev` ends with an abbreviation that does
/// not end a sentence before it.
fn continues(text: &str, prev: Range<usize>, next: Range<usize>) -> bool {
    let next_text = &text[next];
    let Some(first) = next_text.chars().next() else {
        return true;
    };
    if first.is_lowercase() || !next_text.chars().any(char::is_alphanumeric) {
        return true;
    }
    let before = &text[prev];
    let Some(last_word) = before.split_whitespace().next_back() else {
        return false;
    };
    let Some(word) = last_word.strip_suffix('.') else {
        return false;
    };
    let word = word.trim_start_matches(|c: char| !c.is_alphanumeric());
    let next_word: String = next_text
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect();
    abbreviation_continues(word, first, &next_word)
}

/// Whether `word.` (the word before a full stop, without the stop) is an abbreviation that the
/// sentence goes on after, given the first char and word of what follows.
pub fn abbreviation_continues(word: &str, next_char: char, next_word: &str) -> bool {
    let lower = word.to_lowercase();
    if TITLES.contains(&lower.as_str()) {
        return true;
    }
    if MONTHS.contains(&lower.as_str()) || lower == "no" || lower == "nos" {
        return next_char.is_ascii_digit();
    }
    let letters: Vec<&str> = word.split('.').collect();
    // A single capital (a middle initial, `John F. Kennedy`) goes on before a name.
    if let [one] = letters.as_slice()
        && one.chars().count() == 1
        && one.chars().all(char::is_uppercase)
    {
        return next_char.is_uppercase();
    }
    // Initialisms (`U.S.`, `L.A.`, `a.m.`) end a sentence only before a word that usually
    // starts one.
    let initialism = letters.len() >= 2
        && letters
            .iter()
            .all(|l| l.chars().count() == 1 && l.chars().all(char::is_alphabetic));
    if initialism {
        return !STARTERS.contains(&next_word.to_lowercase().as_str());
    }
    false
}

/// Whether `word` (without its full stop) is an abbreviated title such as `Dr` or `Supt`, which
/// always precedes a name, so the stop after it ends no sentence.
pub fn is_title_abbreviation(word: &str) -> bool {
    TITLES.contains(&word.to_lowercase().as_str())
}

/// Abbreviated titles, which always precede a name.
const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "mx", "dr", "prof", "gen", "lt", "col", "capt", "cpt", "maj", "sgt", "cpl",
    "pvt", "adm", "cmdr", "brig", "supt", "insp", "det", "gov", "sen", "rep", "rev", "fr", "sr",
    "jr", "st", "hon", "pres", "atty", "amb", "messrs", "mme", "mlle", "mt", "ft", "vs",
];

/// Abbreviated months, which precede a day.
const MONTHS: &[&str] = &[
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
];

/// Words that usually start a sentence, so that an initialism before them ends one.
const STARTERS: &[&str] = &[
    "the",
    "a",
    "an",
    "it",
    "its",
    "he",
    "she",
    "they",
    "we",
    "i",
    "you",
    "his",
    "her",
    "their",
    "our",
    "this",
    "that",
    "these",
    "those",
    "there",
    "but",
    "and",
    "or",
    "so",
    "yet",
    "in",
    "on",
    "at",
    "for",
    "as",
    "after",
    "before",
    "since",
    "when",
    "while",
    "if",
    "although",
    "though",
    "many",
    "some",
    "most",
    "one",
    "both",
    "each",
    "no",
    "not",
    "what",
    "who",
    "why",
    "how",
    "where",
    "officials",
    "meanwhile",
    "however",
    "still",
    "now",
    "then",
    "later",
    "earlier",
];

/// The lines of a text, without their line endings.
fn lines(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            out.push(start..i);
            start = i + 1;
        }
    }
    if start < text.len() {
        out.push(start..text.len());
    }
    out
}

/// A range moved in over the white space at both ends.
pub fn trim(text: &str, r: Range<usize>) -> Range<usize> {
    let s = &text[r.clone()];
    let start = r.start + (s.len() - s.trim_start().len());
    let end = r.start + s.trim_end().len();
    start..end.max(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(text: &str) -> Vec<&str> {
        sentences(text).into_iter().map(|r| &text[r]).collect()
    }

    fn paras(text: &str) -> Vec<&str> {
        paragraphs(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn sentences_end_where_a_reader_ends_them() {
        let cases: &[(&str, &[&str])] = &[
            ("One. Two.", &["One.", "Two."]),
            ("Mr. Smith came. He left.", &["Mr. Smith came.", "He left."]),
            ("Dr. Ana Ruiz spoke.", &["Dr. Ana Ruiz spoke."]),
            (
                "Supt. Lee of the L.A. police said so.",
                &["Supt. Lee of the L.A. police said so."],
            ),
            (
                "The U.S. Embassy shut. It reopened.",
                &["The U.S. Embassy shut.", "It reopened."],
            ),
            (
                "He flew to the U.S. The talks failed.",
                &["He flew to the U.S.", "The talks failed."],
            ),
            (
                "It began on Jan. 6 in town.",
                &["It began on Jan. 6 in town."],
            ),
            ("He said “go.” Then left.", &["He said “go.”", "Then left."]),
            (
                "“Why?” she asked. Nobody knew.",
                &["“Why?” she asked.", "Nobody knew."],
            ),
            ("John F. Kennedy spoke.", &["John F. Kennedy spoke."]),
            ("Pi is 3.14 today.", &["Pi is 3.14 today."]),
            (
                "It ended at 5 p.m. on Friday.",
                &["It ended at 5 p.m. on Friday."],
            ),
            ("", &[]),
        ];
        crate::testing::table(cases, cut);
    }

    #[test]
    fn paragraphs_are_cut_at_blank_lines_or_else_at_lines() {
        let cases: &[(&str, &[&str])] = &[
            ("One\ntwo\n\nThree", &["One\ntwo", "Three"]),
            ("One\ntwo\nthree", &["One", "two", "three"]),
            ("  padded  \n\n\n  next \n", &["padded", "next"]),
            ("\n\nonly\n\n", &["only"]),
            ("a\r\n\r\nb", &["a", "b"]),
            ("", &[]),
        ];
        crate::testing::table(cases, paras);
    }

    #[test]
    fn a_wrapped_sentence_is_one_sentence() {
        let text = "He said the\nplan would work. Then he\nleft.\n\nNext one.";
        assert_eq!(
            cut(text),
            [
                "He said the\nplan would work.",
                "Then he\nleft.",
                "Next one."
            ]
        );
    }

    #[test]
    fn abbreviations() {
        let cases = [
            (("Mr", 'S', "Smith"), true),
            (("Jan", '6', "6"), true),
            (("Jan", 'T', "The"), false),
            (("U.S", 'E', "Embassy"), true),
            (("U.S", 'T', "The"), false),
            (("F", 'K', "Kennedy"), true),
            (("end", 'T', "The"), false),
        ];
        crate::testing::table(&cases, |(w, c, n)| abbreviation_continues(w, c, n));
    }
}
