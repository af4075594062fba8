//! Drafting quote records from a source text (`kz draft`): quotations paired in every common
//! style, each attributed by rule to a speaker the base names, dated from the day words of its
//! sentence, and checked against the quotes the base already holds. No guessing: a quotation
//! whose speaker is not one record of the base says so, with its candidates. Pure functions
//! over the text and the base; `output` writes the result as YAML or JSON.

pub mod attribution;
pub mod dates;
pub mod mentions;
pub mod output;
pub mod quotation;
pub mod tokens;

use attribution::{Attribution, Reader, Side, Who, normalise_space};
use dates::{Day, DayWord};
use mentions::{Found, Guess, Mention, Names};
use quotation::Quotation;

use crate::date::Date;
use crate::model::{Base, EntityRef, QuoteKind};
use crate::names::normalise;
use crate::text::{fold_for_match, fold_for_match_mapped, found_in_order, quote_pieces};
use std::collections::BTreeSet;
use std::ops::Range;

/// What to draft from.
#[derive(Debug, Clone)]
pub struct Input<'a> {
    pub text: &'a str,
    /// The source of the base whose text this is, if one is declared.
    pub source: Option<u32>,
    /// The date the source was published, which day words are counted from.
    pub published: Option<Date>,
}

/// The drafts of one text.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    /// Every quotation kept, in text order.
    pub candidates: Vec<Candidate>,
    /// Names in the text that match no record, each with the first sentence that has it.
    pub unknown: Vec<Unknown>,
}

/// One quotation, ready to become a quote record.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The quoted words: white space folded, paragraphs joined by ` … `, a trailing comma
    /// (which belongs to the attribution) left out.
    pub text: String,
    /// Where the words are in the text, in bytes: the first word to the last.
    pub at: Range<usize>,
    /// The speaker, when the attribution names one record of the base.
    pub speaker: Option<EntityRef>,
    /// Who else might have said it (records and names the base lacks), best first.
    pub candidates: Vec<Who>,
    /// The cue, as the text writes it.
    pub cue: Option<String>,
    /// When it was said, as EDTF, and how that was worked out.
    pub said: Option<String>,
    pub when: Option<String>,
    /// How the speaker was found.
    pub how: String,
    /// The sentence it came from (with its attribution), in bytes.
    pub sentence: Range<usize>,
    pub status: Status,
}

/// Whether the base already holds a quotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    New,
    /// The index of the direct quote that holds it.
    Recorded(u32),
}

/// A name no record of the base has.
#[derive(Debug, Clone, PartialEq)]
pub struct Unknown {
    pub name: String,
    pub guess: Guess,
    /// The first sentence that has it, in bytes.
    pub sentence: Range<usize>,
}

/// Quotations of fewer words than this are kept only beside a cue: scare quotes ("historic")
/// are not statements.
const SHORT: usize = 4;

/// A text cut up, with its quotations paired and its names found: what the rules read.
pub(crate) struct Parsed {
    pub paragraphs: Vec<Range<usize>>,
    pub sentences: Vec<Range<usize>>,
    pub quotations: Vec<Quotation>,
    pub units: Vec<Range<usize>>,
    /// Each quotation's span, marks included.
    pub quoted: Vec<Range<usize>>,
    pub mentions: Vec<Mention>,
}

impl Parsed {
    pub fn new(names: &mut Names, text: &str) -> Parsed {
        let paragraphs = crate::sentences::paragraphs(text);
        let sentences = crate::sentences::sentences(text);
        let quotations = quotation::quotations(text, &paragraphs);
        let units = attribution::units(text, &paragraphs, &sentences, &quotations);
        let quoted: Vec<Range<usize>> = quotations.iter().map(|q| q.outer.clone()).collect();
        let mentions = mentions::mentions(names, text, &sentences, &quoted);
        Parsed {
            paragraphs,
            sentences,
            quotations,
            units,
            quoted,
            mentions,
        }
    }

    /// The reader of attributions over this text.
    pub fn reader<'a, 'b>(&'a self, text: &'a str, names: &'a mut Names<'b>) -> Reader<'a, 'b> {
        Reader {
            text,
            units: &self.units,
            paragraphs: &self.paragraphs,
            quotations: &self.quotations,
            mentions: &self.mentions,
            names,
        }
    }
}

/// Drafts quote records from a text.
pub fn draft(base: &Base, input: &Input) -> Draft {
    let text = input.text;
    // Names are looked up many times: the index answers each in a few steps.
    base.index();
    let mut names = Names::new(base);
    let parsed = Parsed::new(&mut names, text);
    let days: Vec<Vec<DayWord>> = parsed
        .units
        .iter()
        .map(|u| {
            let toks: Vec<tokens::Token> = tokens::tokens(text, u.clone())
                .into_iter()
                .filter(|t| !mentions::inside(&parsed.quoted, &t.at))
                .collect();
            dates::day_words(text, &toks)
        })
        .collect();
    let unknown = unknown_names(&parsed.sentences, &parsed.mentions);
    let quotations = &parsed.quotations;
    let mut reader = parsed.reader(text, &mut names);
    let dating = Dating {
        text,
        paragraphs: &parsed.paragraphs,
        units: &parsed.units,
        days: &days,
        mentions: &parsed.mentions,
        published: input.published.as_ref(),
    };
    let mut candidates: Vec<Candidate> = Vec::new();
    // The quotation each kept candidate came from.
    let mut from: Vec<usize> = Vec::new();
    for (n, q) in quotations.iter().enumerate() {
        let Some(words) = quoted_words(text, q) else {
            continue;
        };
        let count = words.split_whitespace().count();
        let attribution = reader.attribute(n);
        let short = count < SHORT;
        let mut candidate = match &attribution.cue {
            Some((cue, side)) => {
                let gap = match side {
                    Side::Before => tokens::tokens(text, cue.end..q.outer.start)
                        .iter()
                        .filter(|t| t.word)
                        .count(),
                    Side::After => 0,
                };
                if short && gap > 3 && attribution.who == Who::Nobody {
                    continue;
                }
                attributed(&reader, &dating, q, words, attribution)
            }
            None => {
                let previous = from.last().zip(candidates.last());
                let continues = previous.filter(|&(&p, _)| continues(&reader, &quotations[p], q));
                // A short sentence goes on from the quotation before it (`“Give us time.”`).
                let sentence = words.ends_with(['.', '?', '!'])
                    && words.chars().next().is_some_and(char::is_uppercase);
                match continues {
                    Some((_, prev)) if !short || sentence => continued(&reader, q, words, prev),
                    _ if short || is_title(&words) => continue,
                    _ => unattributed(&reader, q, words),
                }
            }
        };
        if quote_pieces(&candidate.text).is_empty() {
            continue;
        }
        candidate.status = recorded(base, input, &candidate);
        candidates.push(candidate);
        from.push(n);
    }
    Draft {
        candidates,
        unknown,
    }
}

/// The words of a quotation as a record gives them; `None` when they hold no letter.
fn quoted_words(text: &str, q: &Quotation) -> Option<String> {
    let parts: Vec<String> = q
        .parts
        .iter()
        .map(|p| normalise_space(&text[p.clone()]))
        .collect();
    let mut words = parts.join(" … ");
    // The comma before `she said` belongs to the attribution.
    while words.ends_with([',', ';', ':']) {
        words.pop();
        words.truncate(words.trim_end().len());
    }
    words.chars().any(char::is_alphanumeric).then_some(words)
}

/// Whether quotation `q` goes on from `prev`: in the same paragraph, or opening the paragraph
/// after the one `prev` ended in.
fn continues(reader: &Reader, prev: &Quotation, q: &Quotation) -> bool {
    let (a, b) = (
        reader.paragraph_of(prev.outer.end.saturating_sub(1)),
        reader.paragraph_of(q.outer.start),
    );
    a == b || (b == a + 1 && reader.paragraphs[b].start == q.outer.start)
}

/// A title rather than a statement: every word capitalised (`“Gone With the Wind”`).
fn is_title(words: &str) -> bool {
    let ws: Vec<&str> = words.split_whitespace().collect();
    ws.len() <= 8
        && !words.ends_with(['.', '?', '!'])
        && ws
            .iter()
            .all(|w| tokens::is_capitalised(w) || tokens::is_connector(w) || w.len() <= 2)
}

fn candidate(reader: &Reader, q: &Quotation, words: String) -> Candidate {
    let first = q.parts.first().map_or(q.outer.start, |p| p.start);
    let mut end = q.parts.last().map_or(q.outer.end, |p| p.end);
    // The words end where the record's text ends: without the trailing comma.
    let tail = reader.text[first..end]
        .trim_end_matches([',', ';', ':'])
        .trim_end();
    end = first + tail.len();
    Candidate {
        text: words,
        at: first..end,
        speaker: None,
        candidates: Vec::new(),
        cue: None,
        said: None,
        when: None,
        how: String::new(),
        sentence: balanced(
            reader.text,
            reader.units[reader.unit_of(q.outer.start)].clone(),
        ),
        status: Status::New,
    }
}

fn attributed(
    reader: &Reader,
    dating: &Dating,
    q: &Quotation,
    words: String,
    a: Attribution,
) -> Candidate {
    let mut c = candidate(reader, q, words);
    let Some((cue, side)) = a.cue.clone() else {
        return c;
    };
    c.cue = Some(normalise_space(&reader.text[cue.clone()]));
    let (uo, uc) = (reader.unit_of(q.outer.start), reader.unit_of(cue.start));
    let (po, pc) = (
        reader.paragraph_of(q.outer.start),
        reader.paragraph_of(cue.start),
    );
    c.sentence = if po == pc || (side == Side::Before && po == pc + 1) {
        let (a, b) = (&reader.units[uo.min(uc)], &reader.units[uo.max(uc)]);
        a.start..b.end
    } else {
        reader.units[uc].clone()
    };
    c.speaker = match a.who {
        Who::Record(r) => Some(r),
        _ => None,
    };
    c.candidates = if a.candidates.is_empty() {
        reader.nearby(q.outer.start)
    } else {
        a.candidates.clone()
    };
    c.how = a.how.clone();
    (c.said, c.when) = dating.date(q, &cue, side, &a.who).unzip();
    c.sentence = balanced(reader.text, c.sentence);
    c
}

/// A sentence without a bracket at either end that it does not open or close: `(It … said
/// Kassenova.)` cut into sentences leaves `“We …” said Kassenova.)`.
fn balanced(text: &str, r: Range<usize>) -> Range<usize> {
    let s = &text[r.clone()];
    let mut r = r;
    if s.ends_with(')') && !s.contains('(') {
        r.end -= 1;
    }
    if s.starts_with('(') && !s.contains(')') {
        r.start += 1;
    }
    crate::sentences::trim(text, r)
}

fn continued(reader: &Reader, q: &Quotation, words: String, prev: &Candidate) -> Candidate {
    let mut c = candidate(reader, q, words);
    c.speaker = prev.speaker;
    c.candidates = prev.candidates.clone();
    c.said = prev.said.clone();
    c.when = prev.when.clone();
    let who = prev
        .speaker
        .map(|r| reader.names.base().id(r).to_string())
        .or_else(|| match prev.candidates.first() {
            Some(Who::Named(n, _)) => Some(n.clone()),
            _ => None,
        });
    c.how = match who {
        Some(who) => format!("no cue of its own; it continues the quotation before it, by {who}"),
        None => "no cue of its own; it continues the quotation before it".into(),
    };
    c
}

fn unattributed(reader: &Reader, q: &Quotation, words: String) -> Candidate {
    let mut c = candidate(reader, q, words);
    c.candidates = reader.nearby(q.outer.start);
    c.how = "no cue (said, told, according to, ...) names who said it".into();
    c
}

/// Works out when a quotation was said from the day words near its cue.
struct Dating<'a> {
    text: &'a str,
    paragraphs: &'a [Range<usize>],
    units: &'a [Range<usize>],
    days: &'a [Vec<DayWord>],
    mentions: &'a [Mention],
    published: Option<&'a Date>,
}

impl Dating<'_> {
    /// The date, and words that say where it comes from.
    fn date(
        &self,
        q: &Quotation,
        cue: &Range<usize>,
        side: Side,
        who: &Who,
    ) -> Option<(String, String)> {
        let published = self.published?;
        let u = self.units.partition_point(|r| r.end <= cue.start);
        let words = self.days.get(u)?;
        let text = self.text;
        let between = |a: usize, b: usize| {
            tokens::tokens(text, a.min(b)..b.max(a))
                .iter()
                .filter(|t| t.word)
                .count()
        };
        // Day words of the attribution: before the cue or just after it (`said on Tuesday`),
        // not in what the speaker is reported to have said (`said the vote is on Friday`).
        let stated: Vec<&DayWord> = words
            .iter()
            .filter(|d| match side {
                Side::Before => {
                    d.at.end <= cue.start
                        || (d.at.start >= cue.end
                            && d.at.end <= q.outer.start
                            && between(cue.end, d.at.start) <= 1)
                }
                Side::After => d.at.start >= q.outer.end,
            })
            .collect();
        let nearest = |ds: &[&DayWord]| -> Option<DayWord> {
            ds.iter()
                .min_by_key(|d| d.at.start.abs_diff(cue.start))
                .map(|d| (*d).clone())
        };
        let (word, inferred) = match nearest(&stated) {
            Some(d) => (Some(d), false),
            None if side == Side::After => {
                let before: Vec<&DayWord> =
                    words.iter().filter(|d| d.at.end <= q.outer.start).collect();
                (nearest(&before), true)
            }
            None => (None, false),
        };
        let shown = |d: &DayWord| format!("\"{}\"", normalise_space(&text[d.at.clone()]));
        let against = format!("the source's published date {published}");
        if let Some(d) = word {
            if d.what == Day::SameDay {
                let (earlier, date) = self.earlier_date(u, |_| true, published)?;
                return Some((
                    date,
                    format!(
                        "{} refers to {} in an earlier sentence, against {against}",
                        shown(&d),
                        shown(&earlier)
                    ),
                ));
            }
            let date = dates::resolve(d.what, published, inferred)?;
            let place = if inferred {
                "in its sentence, before the quotation (inferred, so marked \"?\")"
            } else {
                "in its sentence"
            };
            return Some((date, format!("{} {place}, against {against}", shown(&d))));
        }
        // No day word of its own: one from an earlier sentence that names the same speaker,
        // marked as inferred.
        let named = |m: &Mention| match (who, &m.found) {
            (Who::Record(r), Found::Known { refs, .. }) => refs.contains(r),
            (Who::Named(n, _), Found::Unknown { name, .. }) => normalise(n) == normalise(name),
            _ => false,
        };
        let (earlier, _) = self.earlier_date(
            u,
            |range| {
                mentions::within(self.mentions, range)
                    .iter()
                    .any(|m| !m.quoted && m.at.end <= range.end && named(m))
            },
            published,
        )?;
        let date = dates::resolve(earlier.what, published, true)?;
        Some((
            date,
            format!(
                "{} in an earlier sentence that names the speaker (inferred, so marked \"?\"), against {against}",
                shown(&earlier)
            ),
        ))
    }

    /// The last day word before unit `u`, in its paragraph or the one before, in a unit that
    /// `fits`; and the date it resolves to as stated.
    fn earlier_date(
        &self,
        u: usize,
        fits: impl Fn(&Range<usize>) -> bool,
        published: &Date,
    ) -> Option<(DayWord, String)> {
        let para = |at: usize| self.paragraphs.partition_point(|p| p.end <= at);
        let here = para(self.units.get(u)?.start);
        for v in (0..u).rev() {
            if para(self.units[v].start) + 1 < here {
                break;
            }
            if !fits(&self.units[v]) {
                continue;
            }
            // The first day word of a sentence is the one its attribution most often has
            // (`said yesterday that they would return on Monday`).
            for d in &self.days[v] {
                if d.what == Day::SameDay {
                    continue;
                }
                if let Some(date) = dates::resolve(d.what, published, false) {
                    return Some((d.clone(), date));
                }
            }
        }
        None
    }
}

/// The direct quote of the base that already holds a candidate's words, found as `kz check`
/// finds a quote in its source: among the quotes that cite this source and those by the same
/// speaker, one whose words the check places over the candidate's.
fn recorded(base: &Base, input: &Input, c: &Candidate) -> Status {
    let mut quotes: BTreeSet<u32> = BTreeSet::new();
    if let Some(s) = input.source {
        quotes.extend(
            (0..base.quotes.len() as u32)
                .filter(|&i| base.quotes[i as usize].meta.sources.contains(&s)),
        );
    }
    for who in c.speaker.iter() {
        quotes.extend(base.index().quotes_by(*who));
    }
    let window = window_around(input.text, &c.at);
    let hay = &input.text[window.clone()];
    let (folded, from) = fold_for_match_mapped(hay);
    for i in quotes {
        let quote = &base.quotes[i as usize];
        if quote.kind != QuoteKind::Direct {
            continue;
        }
        let needle = fold_for_match(&quote.text);
        let pieces = quote_pieces(&needle);
        let Ok(span) = found_in_order(&folded, &pieces) else {
            continue;
        };
        if span.is_empty() {
            continue;
        }
        let start = window.start + from[span.start] as usize;
        let last = from[span.end - 1] as usize;
        let end = window.start + last + hay[last..].chars().next().map_or(1, char::len_utf8);
        let overlap = end.min(c.at.end).saturating_sub(start.max(c.at.start));
        let shorter = (end - start).min(c.at.len()).max(1);
        if overlap * 2 >= shorter {
            return Status::Recorded(i);
        }
    }
    Status::New
}

/// The stretch of text around a candidate that a quote holding it must lie in: the candidate
/// and some context either side, at char boundaries.
fn window_around(text: &str, at: &Range<usize>) -> Range<usize> {
    let mut start = at.start.saturating_sub(400);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (at.end + 400).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

/// Names the base does not know, once each, with the first sentence that has them. A single
/// capitalised word at the start of a sentence counts only if it is capitalised elsewhere too.
fn unknown_names(sentences: &[Range<usize>], mentions: &[Mention]) -> Vec<Unknown> {
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut out = Vec::new();
    for m in mentions {
        let Found::Unknown { name, guess, .. } = &m.found else {
            continue;
        };
        if m.initial {
            continue;
        }
        let all_titles = name
            .split_whitespace()
            .all(|w| tokens::title(w).is_some() || tokens::is_function_word(w));
        let key = normalise(name);
        if all_titles || key.is_empty() || !seen.insert(key) {
            continue;
        }
        let s = sentences.partition_point(|s| s.end <= m.at.start);
        let sentence = sentences.get(s).cloned().unwrap_or(m.at.clone());
        out.push(Unknown {
            name: name.clone(),
            guess: *guess,
            sentence,
        });
    }
    out
}

/// A checked base made of one fact file's text, with a source `s` declared, for unit tests.
#[cfg(test)]
pub(crate) fn base_of(yaml: &str) -> crate::model::Base {
    let text = format!("sources:\n  - {{id: s, title: S, published: 2024-03-15}}\n{yaml}");
    let file = crate::load::FactFile::from_bytes("test.yaml", text.as_bytes()).expect("UTF-8");
    match crate::check::build(crate::load::parse(vec![file])) {
        Ok(base) => base,
        Err(report) => panic!("{:?}", report.diagnostics),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Texts made of the pieces the rules read: marks of every style, names, cues, day words,
    /// punctuation, line breaks, and any char at all.
    fn texts() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("“".to_string()),
            Just("”".to_string()),
            Just("\"".to_string()),
            Just("'".to_string()),
            Just("’".to_string()),
            Just("‘".to_string()),
            Just("«".to_string()),
            Just("»".to_string()),
            Just("„".to_string()),
            Just("「".to_string()),
            Just("」".to_string()),
            Just(" ".to_string()),
            Just("\n\n".to_string()),
            Just("\n".to_string()),
            Just(", ".to_string()),
            Just(". ".to_string()),
            Just(": ".to_string()),
            Just("? ".to_string()),
            Just("…".to_string()),
            Just("[".to_string()),
            Just(" said ".to_string()),
            Just(" according to ".to_string()),
            Just(" she ".to_string()),
            Just(" the union ".to_string()),
            Just("Ana Ruiz".to_string()),
            Just("Ruiz".to_string()),
            Just("Mayor ".to_string()),
            Just(" on Tuesday".to_string()),
            Just(" that same day".to_string()),
            Just(" January 6".to_string()),
            Just(" we will win".to_string()),
            any::<char>().prop_map(String::from),
        ];
        proptest::collection::vec(piece, 0..60).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn any_text_drafts_without_panicking_and_every_draft_is_verbatim(text in texts()) {
            let base = base_of(
                "actors:\n  - {id: ana-ruiz, name: Ana Ruiz, description: The mayor, source: s}\norganisations:\n  - {id: union, name: Transit Union, kind: union, source: s}\n",
            );
            let published = Date::parse("2024-03-15").ok();
            let input = Input { text: &text, source: Some(0), published };
            let draft = draft(&base, &input);
            let (folded, _) = fold_for_match_mapped(&text);
            for c in &draft.candidates {
                // The record's text is found in the source as `kz check` finds it.
                let needle = fold_for_match(&c.text);
                let pieces = quote_pieces(&needle);
                prop_assert!(found_in_order(&folded, &pieces).is_ok(), "{:?} in {:?}", c.text, text);
                // So is its sentence, and its offsets are char boundaries within the text.
                let sentence = fold_for_match(&text[c.sentence.clone()]);
                prop_assert!(!sentence.is_empty() && folded.contains(&sentence));
                prop_assert!(c.at.start < c.at.end && c.at.end <= text.len());
                if let Some(said) = &c.said {
                    prop_assert!(Date::parse(said).is_ok(), "{said}");
                }
            }
        }
    }

    #[test]
    fn scare_quotes_are_dropped_and_quotations_beside_a_cue_kept() {
        let base = base_of(
            "actors:\n  - {id: ana-ruiz, name: Ana Ruiz, description: The mayor, source: s}\n",
        );
        let cases: &[(&str, &[&str])] = &[
            ("The so-called “historic” deal passed.", &[]),
            (
                "Ana Ruiz called it “a disaster” on Monday.",
                &["a disaster"],
            ),
            ("“Never,” said Ana Ruiz.", &["Never"]),
            ("The film “Gone With the Wind” was shown.", &[]),
            (
                "“We will rebuild the whole line,” Ana Ruiz said. “Soon.”",
                &["We will rebuild the whole line", "Soon."],
            ),
        ];
        for (text, want) in cases {
            let input = Input {
                text,
                source: None,
                published: None,
            };
            let got: Vec<String> = draft(&base, &input)
                .candidates
                .into_iter()
                .map(|c| c.text)
                .collect();
            assert_eq!(got, *want, "{text}");
        }
    }
}
