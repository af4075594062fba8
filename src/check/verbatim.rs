//! The verbatim check: every direct quote and every `evidence` appears in the text of each
//! source it cites. A direct quote may elide words (`...`, `…`) and insert its own in
//! `[brackets]`, as journalists do: its pieces must then appear in order and close together.

use super::resolve::{Ids, Want};
use super::sink::{Broken, Sink};
use super::suffixes::Suffixes;
use crate::diag::Code;
use crate::load::{At, Cited, Index, Located, Records, Seg, TextError};
use crate::model::{CheckedText, Input, TextAt};
use crate::model::{Kind, QuoteKind, Text};
use crate::text::{
    MAX_PIECES, MAX_PLACEMENTS, Miss, fold_case, found_in_order, quote_pieces as pieces,
};
use rayon::prelude::*;
use std::sync::{Arc, OnceLock};

pub use crate::text::fold_for_match;

pub use crate::text::MAX_GAP;

/// A text that a record says is verbatim in its sources.
pub(super) struct Claim<'r> {
    at: At,
    /// Where the text is in its record: one key for most, so borrowed.
    path: std::borrow::Cow<'static, [Seg<'static>]>,
    code: Code,
    what: &'static str,
    text: &'r str,
    sources: crate::model::Ids,
    /// Whether the text may elide and insert words (a direct quote).
    elided: bool,
}

/// Verdicts of the verbatim check, from earlier runs and this one. A verdict is found by a
/// 128-bit hash of everything it depends on: the rules below, the claim's text, whether it may
/// elide, and the bytes of the source text. So a claim already searched for in an unchanged text
/// is not searched for again, whether it was found or not, and any change to either means a new
/// search.
#[derive(Debug, Default)]
pub struct Verdicts {
    /// What earlier runs found: nothing for a claim found verbatim, or the help that explains
    /// why it is not.
    pub known: rustc_hash::FxHashMap<u128, Option<String>>,
    /// What this run found, whether it searched or knew.
    pub reached: Vec<(u128, Option<String>)>,
}

/// Bump when the verbatim rules change (folding, elision, [`MAX_GAP`], the limits, the wording
/// of a failed verdict's help), so that no verdict reached under the old rules is trusted.
const RULES: u32 = 4;

fn verdict_key(claim: &Claim, text_hash: u128) -> u128 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(&RULES.to_le_bytes());
    h.update(&(MAX_GAP as u64).to_le_bytes());
    h.update(&(MAX_PIECES as u64).to_le_bytes());
    h.update(&(MAX_PLACEMENTS as u64).to_le_bytes());
    h.update(&[claim.elided as u8]);
    h.update(&text_hash.to_le_bytes());
    h.update(claim.text.as_bytes());
    h.digest128()
}

/// A text longer than this that this many claims still have to be searched for in is indexed
/// (a suffix array) rather than scanned once per claim. Building the array costs about as much
/// as 700 to 800 scans of the text, whatever its size (benches/README.md, "The verbatim
/// search"); below 64 KiB either way takes a few milliseconds.
const INDEX_BYTES: usize = 64 * 1024;
const INDEX_CLAIMS: usize = 768;

/// Whether to index a text of `bytes` bytes that `claims` claims are to be searched for in.
/// `KZ_VERBATIM_INDEX=always` or `never` overrides the rule, for benchmarks.
fn indexed(claims: usize, bytes: usize) -> bool {
    static CHOICE: OnceLock<Option<bool>> = OnceLock::new();
    let choice = CHOICE.get_or_init(|| match std::env::var_os("KZ_VERBATIM_INDEX")?.to_str()? {
        "always" => Some(true),
        "never" => Some(false),
        _ => None,
    });
    choice.unwrap_or(claims >= INDEX_CLAIMS && bytes >= INDEX_BYTES)
}

/// A source text as read: its text and its bytes' hash, and, made on first need, its folded
/// form and its index.
struct SourceText {
    raw: Arc<str>,
    hash: u128,
    at: TextAt,
    folded: OnceLock<String>,
    index: OnceLock<Option<Suffixes>>,
    lower: Lowered,
}

impl SourceText {
    /// A text as read, with nothing folded or indexed yet.
    fn new(raw: Arc<str>, hash: u128, at: TextAt) -> SourceText {
        SourceText {
            raw,
            hash,
            at,
            folded: OnceLock::new(),
            index: OnceLock::new(),
            lower: Lowered::default(),
        }
    }
}

/// A folded source text in lower case ([`fold_case`]), and its index, made only to explain a
/// miss: whether the claim differs from the source only in case.
#[derive(Default)]
struct Lowered {
    text: OnceLock<String>,
    index: OnceLock<Option<Suffixes>>,
}

impl SourceText {
    /// Lets go of what was made to search the text: its folded form and the indexes. The raw
    /// text stays, for the base.
    fn let_go(&mut self) {
        self.folded = OnceLock::new();
        self.index = OnceLock::new();
        self.lower = Lowered::default();
    }

    fn folded(&self) -> &str {
        self.folded.get_or_init(|| fold_for_match(&self.raw))
    }

    /// How to search the folded text for the `claims` claims still to be searched for in it.
    fn search(&self, claims: usize) -> Search<'_> {
        let hay = self.folded();
        let index = indexed(claims, hay.len())
            .then(|| {
                self.index
                    .get_or_init(|| Suffixes::new(hay.as_bytes()))
                    .as_ref()
            })
            .flatten();
        Search {
            hay,
            index,
            lower: &self.lower,
        }
    }
}

/// A folded source text, and its index if it has one.
struct Search<'t> {
    hay: &'t str,
    index: Option<&'t Suffixes>,
    lower: &'t Lowered,
}

impl<'t> Search<'t> {
    /// Whether the pieces are in the text, in order and close together.
    fn find(&self, pieces: &[&str]) -> Result<(), Miss> {
        match (pieces, self.index) {
            ([one], Some(ix)) if !one.trim().is_empty() => {
                match ix.contains(self.hay.as_bytes(), one.as_bytes()) {
                    true => Ok(()),
                    false => Err(Miss::Absent(0)),
                }
            }
            _ => found_in_order(self.hay, pieces).map(drop),
        }
    }

    /// The first passage of the text that is `needle` but for case, as the text writes it. An
    /// indexed text is searched through an index of its lower case, made on the first need.
    fn in_other_case(&self, needle: &str) -> Option<&'t str> {
        let want = fold_case(needle);
        let hay = self
            .lower
            .text
            .get_or_init(|| fold_case(self.hay).into_owned());
        let at = match self.index {
            Some(_) => self
                .lower
                .index
                .get_or_init(|| Suffixes::new(hay.as_bytes()))
                .as_ref()?
                .first(hay.as_bytes(), want.as_bytes())?,
            None => memchr::memmem::find(hay.as_bytes(), want.as_bytes())?,
        };
        self.hay.get(at..at + needle.len())
    }

    /// How many bytes of `needle`'s start appear somewhere in the text (at a char boundary).
    fn longest_prefix(&self, needle: &str) -> usize {
        let Some(ix) = self.index else {
            return longest_matching_prefix(self.hay, needle);
        };
        let mut n = ix.longest_prefix(self.hay.as_bytes(), needle.as_bytes());
        while !needle.is_char_boundary(n) {
            n -= 1;
        }
        n
    }
}

/// Each source's text as read, or why it could not be, by source; `None` where it gives none.
type Texts = Vec<Option<Result<SourceText, TextError>>>;

/// What the verbatim check leaves for the base.
pub(super) struct Checked {
    /// The source texts read from disk, as they were when read: what a snapshot watches.
    pub(super) inputs: Vec<Input>,
    /// Each source's text as checked, by source.
    pub(super) texts: Vec<Option<CheckedText>>,
}

/// The claims of a base, each with the sources it cites, by their place among the sources: a
/// source is declared once, so its id resolves without the other ids (see [`SourceIndex`]).
/// A quote whose `kind` could not be read (reported by the parse, in `broken`) is not checked.
pub(super) fn claims_of<'r>(records: &'r Records, broken: &Broken) -> Vec<Claim<'r>> {
    let sources = SourceIndex::of(records);
    let unread = |at: At| broken.contains(at, &[Seg::Key("kind")]);
    claims(records, &|id| sources.get(id), &unread)
}

/// Each source id to its place among the sources, as the id pass numbers them: the first
/// declaration of an id is the source (a second is reported by the id pass).
struct SourceIndex<'r>(rustc_hash::FxHashMap<&'r str, u32>);

impl<'r> SourceIndex<'r> {
    fn of(records: &'r Records) -> SourceIndex<'r> {
        let mut map = rustc_hash::FxHashMap::default();
        for (n, s) in records.sources.iter().enumerate() {
            if let Some(id) = s
                .raw
                .id
                .as_deref()
                .map(str::trim)
                .filter(|id| !id.is_empty())
            {
                map.entry(id).or_insert(n as u32);
            }
        }
        SourceIndex(map)
    }

    fn get(&self, id: &str) -> Option<u32> {
        self.0.get(id.trim()).copied()
    }
}

/// What the search of a base's claims found, to report once the other passes have.
pub(super) struct Searched {
    texts: Texts,
    inputs: Vec<Input>,
    outcomes: Vec<Outcome>,
}

/// Reads every source's text and searches each claim in each text it cites, in parallel, using
/// the verdicts already `known`. It needs no other pass, so it runs beside the id pass.
pub(super) fn search_texts(
    records: &Records,
    index: &Index,
    claims: &[Claim],
    verdicts: &Verdicts,
) -> Searched {
    let (mut texts, inputs) = read_texts(records, index);
    let mut outcomes = Vec::new();
    if texts.iter().any(|t| matches!(t, Some(Ok(_)))) {
        let found = search(claims, &mut texts, verdicts);
        if std::env::var_os("KZ_VERBATIM_STATS").is_some_and(|v| v == "1") {
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "kz: verbatim: {} verdicts, {} searched, {} texts indexed",
                found.outcomes.len(),
                found.searched,
                found.indexed
            );
        }
        outcomes = found.outcomes;
    }
    Searched {
        texts,
        inputs,
        outcomes,
    }
}

/// Reports each source whose text could not be read and each claim not found verbatim, notes
/// every verdict reached, and returns the texts as checked.
pub(super) fn report(
    records: &Records,
    claims: &[Claim],
    searched: Searched,
    sink: &mut Sink,
    verdicts: &mut Verdicts,
) -> Checked {
    let Searched {
        texts,
        inputs,
        outcomes,
    } = searched;
    report_unreadable(records, &texts, sink);
    verdicts.reached.clear();
    report_misses(records, claims, outcomes, sink, verdicts);
    let texts = texts
        .into_iter()
        .map(|t| {
            let t = t?.ok()?;
            Some(CheckedText::read(t.at, t.hash, t.raw))
        })
        .collect();
    Checked { inputs, texts }
}

/// Whether every direct quote and piece of evidence of `records` (an edited file, its sources
/// resolved by `ids`) is found in the text of each source it cites, as the check of `base` read
/// those texts. `None` if a text cannot be read again exactly as it was checked.
pub(super) fn all_found(
    records: &Records,
    ids: &Ids,
    sink: &Sink,
    base: &crate::model::Base,
) -> Option<bool> {
    let source = |id: &str| {
        let found = ids.lookup("source", id, Want::One(Kind::Source));
        found.ok().flatten().map(|r| r.idx)
    };
    let claims = claims(records, &source, &|at| {
        sink.is_broken(at, &[Seg::Key("kind")])
    });
    let mut texts: Texts = Vec::new();
    texts.resize_with(base.sources.len(), || None);
    for &s in claims.iter().flat_map(|c| &c.sources) {
        // A source without a text has nothing to search, as in a full check.
        let (Some(slot), Some(Some(checked))) = (
            texts.get_mut(s as usize),
            base.checked_texts.get(s as usize),
        ) else {
            continue;
        };
        if slot.is_none() {
            let raw = crate::load::checked_text(checked).ok()?;
            *slot = Some(Ok(SourceText::new(raw, checked.hash, checked.at.clone())));
        }
    }
    let found = search(&claims, &mut texts, &Verdicts::default());
    Some(found.outcomes.iter().all(|(_, _, _, miss)| miss.is_none()))
}

/// Every source's text, read in parallel, with the files read as a snapshot watches them.
fn read_texts(records: &Records, index: &Index) -> (Texts, Vec<Input>) {
    let folders = crate::load::Folders::default();
    let read: Vec<Option<Result<crate::load::ReadText, TextError>>> = records
        .sources
        .par_iter()
        .map(|s| {
            let rel = s.raw.text.as_ref()?;
            let file = &index.files[s.at.file as usize];
            Some(crate::load::read_relative_in(file, rel, &folders))
        })
        .collect();
    let mut inputs = Vec::new();
    let texts = read
        .into_iter()
        .map(|t| {
            t.map(|t| {
                t.map(|t| {
                    inputs.extend(t.input);
                    SourceText::new(Arc::from(t.text), t.hash, t.at)
                })
            })
        })
        .collect();
    (texts, inputs)
}

/// Reports each source whose text could not be read.
fn report_unreadable(records: &Records, texts: &Texts, sink: &mut Sink) {
    for (s, text) in records.sources.iter().zip(texts) {
        let Some(Err(err)) = text else { continue };
        let rel = s.raw.text.as_deref().unwrap_or_default();
        let id = s.raw.id.as_deref().unwrap_or_default();
        let help = match err {
            TextError::Outside => {
                "a source's text must be inside the fact base: in the folder of the YAML file \
                 that declares the source, or in the folder given to --facts"
            }
            TextError::Io(_) | TextError::Changed => {
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
}

/// One claim's verdict in one source: its key, and the help of a miss.
type Outcome = (usize, u32, u128, Option<String>);

/// What [`search`] found: every verdict, how many claims it searched for, and in how many
/// texts through an index.
struct Found {
    outcomes: Vec<Outcome>,
    searched: usize,
    indexed: usize,
}

/// Every claim's verdict in every source it cites that has a text: known, or searched for. The
/// search goes text by text, in parallel (and claim by claim within a text), each text indexed
/// first where many claims are to be searched for in it; a text's folded form and index are let
/// go of once its claims are searched, so that the check holds only a few at a time.
fn search(claims: &[Claim], texts: &mut Texts, verdicts: &Verdicts) -> Found {
    let known = &verdicts.known;
    let mut outcomes = Vec::new();
    let mut pending: Vec<(usize, u32, u128)> = Vec::new();
    // For each text, the places in `pending` of the claims to search for in it.
    let mut by_text: Vec<Vec<usize>> = vec![Vec::new(); texts.len()];
    for (n, claim) in claims.iter().enumerate() {
        for &s in &claim.sources {
            let Some(Some(Ok(t))) = texts.get(s as usize) else {
                continue;
            };
            let key = verdict_key(claim, t.hash);
            match known.get(&key) {
                Some(help) => outcomes.push((n, s, key, help.clone())),
                None => {
                    by_text[s as usize].push(pending.len());
                    pending.push((n, s, key));
                }
            }
        }
    }
    // Per text: each claim's place in `pending` and the help of its miss; whether indexed.
    type OneText = (Vec<(usize, Option<String>)>, bool);
    let found: Vec<OneText> = texts
        .par_iter_mut()
        .zip(by_text.par_iter())
        .filter(|(_, mine)| !mine.is_empty())
        .map(|(t, mine)| {
            let Some(Ok(t)) = t else {
                return (Vec::new(), false);
            };
            let search = t.search(mine.len());
            let indexed = search.index.is_some();
            let helps = mine
                .par_iter()
                .map(|&i| {
                    let claim = &claims[pending[i].0];
                    let needle = fold_for_match(claim.text);
                    let pieces = match claim.elided {
                        true => pieces(&needle),
                        false => vec![needle.as_str()],
                    };
                    let help = search
                        .find(&pieces)
                        .err()
                        .map(|miss| explain(&search, &pieces, miss));
                    (i, help)
                })
                .collect();
            t.let_go();
            (helps, indexed)
        })
        .collect();
    let indexed = found.iter().filter(|(_, indexed)| *indexed).count();
    let mut helps: Vec<Option<String>> = vec![None; pending.len()];
    for (i, help) in found.into_iter().flat_map(|(helps, _)| helps) {
        helps[i] = help;
    }
    let searched = pending.len();
    outcomes.extend(
        pending
            .into_iter()
            .zip(helps)
            .map(|((n, s, key), help)| (n, s, key, help)),
    );
    Found {
        outcomes,
        searched,
        indexed,
    }
}

/// Notes every verdict, and reports each claim not found verbatim.
fn report_misses(
    records: &Records,
    claims: &[Claim],
    outcomes: Vec<Outcome>,
    sink: &mut Sink,
    verdicts: &mut Verdicts,
) {
    verdicts.reached.reserve(outcomes.len());
    for (n, s, key, help) in outcomes {
        verdicts.reached.push((key, help.clone()));
        let Some(help) = help else { continue };
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
}

/// The source indices a list of source ids names; unknown ids are reported by the conversion.
fn source_indices(ids: &dyn Fn(&str) -> Option<u32>, list: &[Text]) -> crate::model::Ids {
    list.iter().filter_map(|id| ids(id)).collect()
}

/// Every text the base claims is verbatim: direct quotes, and evidence at every level. A quote
/// whose `kind` could not be read (already reported) is not known to be direct, so it is not
/// checked as one.
fn claims<'r>(
    records: &'r Records,
    ids: &dyn Fn(&str) -> Option<u32>,
    unread: &dyn Fn(At) -> bool,
) -> Vec<Claim<'r>> {
    // At most one claim per record's evidence, per nested evidence and per quote's text: sized
    // up front, since at 100k quotes growing the list touched as much memory again.
    let nests: usize = (records.actors.iter().map(|r| r.raw.roles.len()))
        .chain(records.organisations.iter().map(|r| r.raw.members.len()))
        .sum();
    let mut out = Vec::with_capacity(
        records.actors.len()
            + records.organisations.len()
            + records.places.len()
            + 2 * records.quotes.len()
            + records.events.len()
            + nests,
    );
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
        let unread = q.raw.kind.is_none() && unread(q.at);
        if q.raw.kind.unwrap_or_default() == QuoteKind::Direct
            && !unread
            && let Some(text) = q.raw.text.as_ref().filter(|t| !t.trim().is_empty())
        {
            out.push(Claim {
                at: q.at,
                path: std::borrow::Cow::Borrowed(&[Seg::Key("text")]),
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
fn evidence_of<'r, T: Cited>(
    out: &mut Vec<Claim<'r>>,
    ids: &dyn Fn(&str) -> Option<u32>,
    records: &'r [Located<T>],
) {
    for r in records {
        if let Some(text) = r.raw.evidence() {
            out.push(Claim {
                at: r.at,
                path: std::borrow::Cow::Borrowed(&[Seg::Key("evidence")]),
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
    ids: &dyn Fn(&str) -> Option<u32>,
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
            path: vec![Seg::Key(field), Seg::Index(n), Seg::Key("evidence")].into(),
            code: Code::EvidenceNotInSource,
            what,
            text,
            sources: source_indices(ids, own),
            elided: false,
        });
    }
}

/// How a text that is not verbatim differs from its source, for the diagnostic's help.
fn explain(search: &Search, pieces: &[&str], miss: Miss) -> String {
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
        Miss::Absent(n) if pieces.len() == 1 => mismatch_help(search, pieces[n]),
        Miss::Absent(n) => match search.in_other_case(pieces[n]) {
            Some(theirs) => format!(
                "its {} piece, \"{}\", differs from the source only in case; the source writes \
                 \"{}\"",
                ordinal(n),
                show(pieces[n]),
                show(theirs)
            ),
            None => format!(
                "its {} piece, \"{}\", is not in the source; {}",
                ordinal(n),
                show(pieces[n]),
                mismatch_help(search, pieces[n])
            ),
        },
        Miss::Apart(n) if only_before(search.hay, pieces, n) => format!(
            "its {} piece, \"{}\", appears earlier in the source than the {} piece; the pieces \
             of an elided quote must appear in the order of the source",
            ordinal(n),
            show(pieces[n]),
            ordinal(n - 1)
        ),
        Miss::Apart(n) => format!(
            "its {} piece, \"{}\", is not found within {MAX_GAP} characters after the {} piece; \
             the pieces of an elided quote must appear in order and close together",
            ordinal(n),
            show(pieces[n]),
            ordinal(n - 1)
        ),
        Miss::TooManyPieces(n) => format!(
            "it is cut into {n} pieces by its elisions and insertions, more than the {MAX_PIECES} \
             kz places in a source; split it into several quotes"
        ),
        Miss::Crowded => format!(
            "its pieces appear more than {MAX_PLACEMENTS} times in the source before they could \
             be placed in order; quote more words around each elision"
        ),
    }
}

/// Whether piece `n` of a quote appears in the text only before the pieces ahead of it can end,
/// placed in order as early as they can be: it is out of order, not far away.
fn only_before(hay: &str, pieces: &[&str], n: usize) -> bool {
    let Ok(placed) = found_in_order(hay, &pieces[..n]) else {
        return false;
    };
    memchr::memmem::find(&hay.as_bytes()[placed.end..], pieces[n].as_bytes()).is_none()
}

/// How a text differs from its source: only in case, or where the longest matching start ends.
fn mismatch_help(search: &Search, needle: &str) -> String {
    if let Some(theirs) = search.in_other_case(needle) {
        let theirs = crate::text::shorten(theirs, 60);
        return format!("it differs from the source only in case; the source writes \"{theirs}\"");
    }
    let matched = search.longest_prefix(needle);
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

    #[test]
    fn a_miss_is_explained() {
        let hay = fold_for_match(
            "The minister said the bridge would reopen in spring. Traffic would then return to \
             the old road.",
        );
        let far = fold_for_match(&format!("alpha {} omega", "x ".repeat(200)));
        let cases: &[(&str, &str, bool, &str)] = &[
            (
                &hay,
                "the Minister said",
                false,
                "it differs from the source only in case; the source writes \"The minister said\"",
            ),
            (
                &hay,
                "the bridge … TRAFFIC WOULD",
                true,
                "its 2nd piece, \"TRAFFIC WOULD\", differs from the source only in case; the \
                 source writes \"Traffic would\"",
            ),
            (
                &hay,
                "Traffic would then return … the bridge would reopen",
                true,
                "its 2nd piece, \"the bridge would reopen\", appears earlier in the source than \
                 the 1st piece; the pieces of an elided quote must appear in the order of the \
                 source",
            ),
            (
                &far,
                "alpha … omega",
                true,
                "its 2nd piece, \"omega\", is not found within 250 characters after the 1st \
                 piece; the pieces of an elided quote must appear in order and close together",
            ),
            (
                &hay,
                "the bridge would close",
                false,
                "it matches the source up to \"the bridge would \", then differs at \"close\"",
            ),
        ];
        for (hay, claim, elided, want) in cases {
            let lower = Lowered::default();
            let search = Search {
                hay,
                index: None,
                lower: &lower,
            };
            let pieces = match elided {
                true => pieces(claim),
                false => vec![*claim],
            };
            let miss = search.find(&pieces).expect_err(claim);
            assert_eq!(explain(&search, &pieces, miss), *want, "{claim:?}");
        }
    }

    #[test]
    fn an_indexed_text_gives_the_verdicts_of_a_scan() {
        let hay = fold_for_match(
            &"Токаев said the protests began on January 2 over a hike in \
                   fuel prices. “We shouldn’t” — quickly spread. "
                .repeat(3),
        );
        let ix = Suffixes::new(hay.as_bytes()).unwrap();
        let (one, other) = (Lowered::default(), Lowered::default());
        let scan = Search {
            hay: &hay,
            index: None,
            lower: &one,
        };
        let indexed = Search {
            hay: &hay,
            index: Some(&ix),
            lower: &other,
        };
        let claims = [
            "the protests began",
            "Токаев said",
            "Токаев sad",
            "fuel prices. \"We shouldn't\"",
            "the protests began on January 3",
            "riots",
            "quickly spread … the protests",
            "spread throughout",
            "THE PROTESTS BEGAN",
            "токаев said",
            "the protests … FUEL PRICES",
        ];
        for claim in claims {
            for elided in [false, true] {
                let pieces = match elided {
                    true => pieces(claim),
                    false => vec![claim],
                };
                let verdict = |s: &Search| s.find(&pieces).map_err(|m| explain(s, &pieces, m));
                assert_eq!(verdict(&indexed), verdict(&scan), "{claim:?}");
            }
        }
    }
}
