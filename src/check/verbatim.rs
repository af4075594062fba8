//! The verbatim check: every direct quote and every `evidence` appears in the text of each
//! source it cites. A direct quote may elide words (`...`, `…`) and insert its own in
//! `[brackets]`, as journalists do: its pieces must then appear in order and close together.

use super::resolve::{Ids, Want};
use super::sink::Sink;
use crate::diag::Code;
use crate::load::{At, Cited, Index, Located, Records, Seg, TextError};
use crate::model::Input;
use crate::model::{Kind, QuoteKind, Text};
use crate::text::{Miss, found_in_order, quote_pieces as pieces};
use rayon::prelude::*;

pub use crate::text::fold_for_match;

pub use crate::text::MAX_GAP;

/// A text that a record says is verbatim in its sources.
struct Claim<'r> {
    at: At,
    path: Vec<Seg<'static>>,
    code: Code,
    what: &'static str,
    text: &'r str,
    sources: Vec<u32>,
    /// Whether the text may elide and insert words (a direct quote).
    elided: bool,
}

/// Passed verdicts of the verbatim check, from earlier runs and this one. A verdict is found by
/// a 128-bit hash of everything it depends on: the rules below, the claim's text, whether it may
/// elide, and the bytes of the source text. So a claim already found in an unchanged text is not
/// searched for again, and any change to either means a new search.
#[derive(Debug, Default)]
pub struct Verdicts {
    /// What earlier runs found verbatim.
    pub known: rustc_hash::FxHashSet<u128>,
    /// What this run found verbatim, whether it searched or knew.
    pub passed: Vec<u128>,
}

/// Bump when the verbatim rules change (folding, elision, [`MAX_GAP`]), so that no verdict
/// reached under the old rules is trusted.
const RULES: u32 = 2;

fn verdict_key(claim: &Claim, text_hash: u128) -> u128 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(&RULES.to_le_bytes());
    h.update(&(MAX_GAP as u64).to_le_bytes());
    h.update(&[claim.elided as u8]);
    h.update(&text_hash.to_le_bytes());
    h.update(claim.text.as_bytes());
    h.digest128()
}

/// A source text as read: its bytes' hash and, folded on first need, its text; and for a file
/// on disk, what a snapshot watches.
struct SourceText {
    raw: String,
    hash: u128,
    folded: std::sync::OnceLock<String>,
}

impl SourceText {
    fn folded(&self) -> &str {
        self.folded.get_or_init(|| fold_for_match(&self.raw))
    }
}

type Read = Result<(SourceText, Option<Input>), TextError>;

/// Reads the source texts, then checks every claim against them in parallel, but for those
/// `verdicts` already knows. Returns the texts read from disk, as they were when read, which a
/// snapshot of the base must watch.
pub(super) fn check(
    records: &Records,
    ids: &Ids,
    index: &Index,
    sink: &mut Sink,
    verdicts: &mut Verdicts,
) -> Vec<Input> {
    let read_texts: Vec<Option<Read>> = records
        .sources
        .par_iter()
        .map(|s| {
            let rel = s.raw.text.as_ref()?;
            let file = &index.files[s.at.file as usize];
            Some(file.read_relative(rel).map(|(raw, input)| {
                let hash = input
                    .as_ref()
                    .map_or_else(|| xxhash_rust::xxh3::xxh3_128(raw.as_bytes()), |i| i.hash);
                let text = SourceText {
                    raw,
                    hash,
                    folded: std::sync::OnceLock::new(),
                };
                (text, input)
            }))
        })
        .collect();
    let mut read = Vec::new();
    let mut texts: Vec<Option<Result<SourceText, TextError>>> =
        Vec::with_capacity(read_texts.len());
    for text in read_texts {
        texts.push(text.map(|t| {
            t.map(|(text, input)| {
                read.extend(input);
                text
            })
        }));
    }
    for (s, text) in records.sources.iter().zip(&texts) {
        let rel = s.raw.text.as_deref().unwrap_or_default();
        match text {
            Some(Ok(_)) => {}
            Some(Err(err)) => {
                let id = s.raw.id.as_deref().unwrap_or_default();
                let help = match err {
                    TextError::Outside => {
                        "a source's text must be inside the fact base: in the folder of the YAML \
                         file that declares the source, or in the folder given to --facts"
                    }
                    TextError::Io(_) => {
                        "`text` is a path relative to the YAML file that declares the source"
                    }
                };
                sink.report(
                    Code::SourceText,
                    s.at,
                    &[Seg::Key("text")],
                    format!("cannot read the text of source `{id}` at `{rel}`: {err}"),
                    Some(help.into()),
                );
            }
            None => {}
        }
    }
    if !texts.iter().any(|t| matches!(t, Some(Ok(_)))) {
        return read;
    }
    let claims = claims(records, ids);
    let known = &verdicts.known;
    let outcomes: Vec<(usize, u32, Result<u128, String>)> = claims
        .par_iter()
        .enumerate()
        .flat_map_iter(|(n, claim)| {
            let texts = &texts;
            let mut needle: Option<String> = None;
            claim.sources.iter().filter_map(move |&s| {
                let Some(Some(Ok(text))) = texts.get(s as usize) else {
                    return None;
                };
                let key = verdict_key(claim, text.hash);
                if known.contains(&key) {
                    return Some((n, s, Ok(key)));
                }
                let needle = needle.get_or_insert_with(|| fold_for_match(claim.text));
                let pieces = if claim.elided {
                    pieces(needle)
                } else {
                    vec![needle.as_str()]
                };
                let hay = text.folded();
                let outcome = match found_in_order(hay, &pieces) {
                    Ok(_) => Ok(key),
                    Err(miss) => Err(explain(hay, &pieces, miss)),
                };
                Some((n, s, outcome))
            })
        })
        .collect();
    verdicts.passed.clear();
    for (n, s, outcome) in outcomes {
        let help = match outcome {
            Ok(key) => {
                verdicts.passed.push(key);
                continue;
            }
            Err(help) => help,
        };
        let claim = &claims[n];
        let source_id = records.sources[s as usize]
            .raw
            .id
            .as_deref()
            .unwrap_or_default();
        let message = format!(
            "{} is not found verbatim in the text of source `{source_id}`",
            claim.what
        );
        sink.report(claim.code, claim.at, &claim.path, message, Some(help));
    }
    read
}

/// The source indices a list of source ids names; unknown ids are reported by the conversion.
fn source_indices(ids: &Ids, list: &[Text]) -> Vec<u32> {
    list.iter()
        .filter_map(|id| {
            ids.lookup("source", id, Want::One(Kind::Source))
                .ok()
                .flatten()
        })
        .map(|r| r.idx)
        .collect()
}

/// Every text the base claims is verbatim: direct quotes, and evidence at every level.
fn claims<'r>(records: &'r Records, ids: &Ids) -> Vec<Claim<'r>> {
    let mut out = Vec::new();
    evidence_of(&mut out, ids, &records.actors);
    evidence_of(&mut out, ids, &records.organisations);
    evidence_of(&mut out, ids, &records.places);
    evidence_of(&mut out, ids, &records.quotes);
    evidence_of(&mut out, ids, &records.events);
    for r in &records.actors {
        let parts = r
            .raw
            .roles
            .iter()
            .map(|x| (&x.source.0, x.evidence.as_ref()));
        nested(&mut out, ids, r, "roles", "this role's `evidence`", parts);
    }
    for r in &records.organisations {
        let parts = r
            .raw
            .members
            .iter()
            .map(|x| (&x.source.0, x.evidence.as_ref()));
        nested(
            &mut out,
            ids,
            r,
            "members",
            "this membership's `evidence`",
            parts,
        );
    }
    for q in &records.quotes {
        if q.raw.kind.unwrap_or_default() == QuoteKind::Direct
            && let Some(text) = q.raw.text.as_ref().filter(|t| !t.trim().is_empty())
        {
            out.push(Claim {
                at: q.at,
                path: vec![Seg::Key("text")],
                code: Code::QuoteNotInSource,
                what: "this direct quote",
                text,
                sources: source_indices(ids, q.raw.sources()),
                elided: true,
            });
        }
    }
    out
}

/// The `evidence` of each record of a kind.
fn evidence_of<'r, T: Cited>(out: &mut Vec<Claim<'r>>, ids: &Ids, records: &'r [Located<T>]) {
    for r in records {
        if let Some(text) = r.raw.evidence() {
            out.push(Claim {
                at: r.at,
                path: vec![Seg::Key("evidence")],
                code: Code::EvidenceNotInSource,
                what: "`evidence`",
                text,
                sources: source_indices(ids, r.raw.sources()),
                elided: false,
            });
        }
    }
}

/// The `evidence` of each role or membership of a record (its `source` and `evidence`), citing
/// the record's sources when it names none of its own.
fn nested<'r, T: Cited>(
    out: &mut Vec<Claim<'r>>,
    ids: &Ids,
    record: &Located<T>,
    field: &'static str,
    what: &'static str,
    parts: impl Iterator<Item = (&'r Vec<Text>, Option<&'r Text>)>,
) {
    for (n, (source, evidence)) in parts.enumerate() {
        let Some(text) = evidence else { continue };
        let own = if source.is_empty() {
            record.raw.sources()
        } else {
            source
        };
        out.push(Claim {
            at: record.at,
            path: vec![Seg::Key(field), Seg::Index(n), Seg::Key("evidence")],
            code: Code::EvidenceNotInSource,
            what,
            text,
            sources: source_indices(ids, own),
            elided: false,
        });
    }
}

/// How a text that is not verbatim differs from its source, for the diagnostic's help.
fn explain(hay: &str, pieces: &[&str], miss: Miss) -> String {
    let ordinal = |n: usize| match n + 1 {
        1 => "1st".to_string(),
        2 => "2nd".to_string(),
        3 => "3rd".to_string(),
        k => format!("{k}th"),
    };
    let show = |p: &str| {
        let short: String = p.chars().take(40).collect();
        if short.len() < p.len() {
            format!("{short}…")
        } else {
            short
        }
    };
    match miss {
        Miss::Nothing if pieces.is_empty() => "it has no words of the speaker's to look for, \
                                               only elisions, insertions or punctuation; give \
                                               the words the source quotes"
            .to_string(),
        Miss::Nothing => {
            "it is blank; give the words of the source that support the record".to_string()
        }
        Miss::Absent(n) if pieces.len() == 1 => mismatch_help(hay, pieces[n]),
        Miss::Absent(n) => format!(
            "its {} piece, \"{}\", is not in the source; {}",
            ordinal(n),
            show(pieces[n]),
            mismatch_help(hay, pieces[n])
        ),
        Miss::Apart(n) => format!(
            "its {} piece, \"{}\", is not found within {MAX_GAP} characters after the {} piece; \
             the pieces of an elided quote must appear in order and close together",
            ordinal(n),
            show(pieces[n]),
            ordinal(n - 1)
        ),
    }
}

/// How a text differs from its source: where the longest matching start ends.
fn mismatch_help(hay: &str, needle: &str) -> String {
    let matched = longest_matching_prefix(hay, needle);
    let meaningful = needle[..matched].chars().count() >= 12.min(needle.chars().count() / 2).max(4);
    if !meaningful {
        return "no part of it matches the start of any passage; copy it from the source text"
            .into();
    }
    let rest: String = needle[matched..].chars().take(30).collect();
    format!(
        "it matches the source up to \"{}\", then differs at \"{rest}\"",
        tail_chars(&needle[..matched], 30)
    )
}

/// How many bytes of `needle`'s start appear somewhere in `hay` (at a char boundary).
fn longest_matching_prefix(hay: &str, needle: &str) -> usize {
    let bounds: Vec<usize> = needle
        .char_indices()
        .map(|(i, _)| i)
        .chain([needle.len()])
        .collect();
    let (mut lo, mut hi) = (0, bounds.len() - 1);
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if memchr::memmem::find(hay.as_bytes(), &needle.as_bytes()[..bounds[mid]]).is_some() {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    bounds[lo]
}

fn tail_chars(s: &str, n: usize) -> String {
    let count = s.chars().count();
    s.chars().skip(count.saturating_sub(n)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_match() {
        assert_eq!(
            longest_matching_prefix("the quick brown fox", "the quick brawn"),
            "the quick br".len()
        );
        assert_eq!(longest_matching_prefix("abc", "xyz"), 0);
        assert_eq!(
            longest_matching_prefix("Токаев сказал", "Токаев скозал"),
            "Токаев ск".len()
        );
    }

    #[test]
    fn pieces_must_be_in_order_and_close() {
        let hay = "the protests began on January 2 over a hike in fuel prices but quickly \
                   spread throughout the country";
        let far = format!("alpha {} omega", "x ".repeat(200));
        let cases: &[(&str, &[&str], Result<(), Miss>)] = &[
            (hay, &["the protests began", "fuel prices"], Ok(())),
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
            (hay, &["riots"], Err(Miss::Absent(0))),
            (&far, &["alpha", "omega"], Err(Miss::Apart(1))),
            ("a b a c", &["a", "c"], Ok(())),
            // A placement that overlaps an earlier one of the same piece counts too.
            ("baaa", &["ba", "aa"], Ok(())),
            (hay, &[], Err(Miss::Nothing)),
            (hay, &[""], Err(Miss::Nothing)),
            (hay, &[" "], Err(Miss::Nothing)),
        ];
        for (hay, pieces, want) in cases {
            assert_eq!(found_in_order(hay, pieces).map(|_| ()), *want, "{pieces:?}");
        }
    }
}
