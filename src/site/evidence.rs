//! Which sentence of which source text each fact cites. A fact's claims are the texts `kz check`
//! holds to be verbatim in its sources (a record's `evidence`, a role's or membership's
//! `evidence`, a direct quote's words), found here the same way: whitespace folded, curly and
//! straight quotes alike, an elided quote by its pieces in order. Each sentence a claim touches
//! is marked; the fact's source link lands on the first of them.

use crate::model::view::summary;
use crate::model::{Base, EntityRef, Kind, QuoteKind};
use crate::text::{fold_for_match, fold_for_match_mapped, found_in_order, quote_pieces};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use std::ops::Range;

/// Where a fact is shown: a record's page and an anchor on it (`role-0`, `q-…`, `evidence`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FactAt {
    pub page: EntityRef,
    pub anchor: String,
}

/// What a fact is the fact of: a record, an actor's `n`th role, or an organisation's `n`th
/// member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Of {
    Record(EntityRef),
    Role(u32, usize),
    Member(u32, usize),
}

/// A fact that cites a source: where it is shown and what it is, for the back links.
#[derive(Debug, Clone)]
pub struct Fact {
    pub at: FactAt,
    pub what: String,
    pub of: Of,
}

/// A source text cut into sentences, with the facts citing each cited one.
#[derive(Debug, Default)]
pub struct Marks {
    pub sentences: Vec<Range<usize>>,
    /// Sentence index → the facts citing it (indices into [`Citations::facts`]), in base order.
    pub cited: BTreeMap<usize, Vec<usize>>,
}

/// Every fact that cites a source with a text, and the sentences it cites.
#[derive(Debug, Default)]
pub struct Citations {
    pub facts: Vec<Fact>,
    /// By source index; empty marks for a source without text.
    pub sources: Vec<Marks>,
    /// (fact, source) → the first sentence the fact cites in that source.
    first: FxHashMap<(FactAt, u32), usize>,
    /// By source index: the facts citing it, in base order, each once.
    cited_by: Vec<Vec<usize>>,
}

/// One text a fact claims is in its sources.
struct Claim<'b> {
    fact: usize,
    text: &'b str,
    sources: &'b [u32],
    elided: bool,
}

impl Citations {
    /// Finds every claim of the base in the texts of the sources it cites.
    pub fn find<'b>(base: &'b Base, texts: &[Option<std::sync::Arc<str>>]) -> Citations {
        let mut facts = Vec::new();
        let mut claims: Vec<Claim> = Vec::new();
        let mut cited_by: Vec<Vec<usize>> = vec![Vec::new(); base.sources.len()];
        // A fact, and what it claims is verbatim in its sources: its evidence, and a direct
        // quote's own words (which may elide). One fact, however many claims, so a sentence both
        // cite links back to it once.
        let mut add = |of: Of,
                       at: FactAt,
                       what: String,
                       evidence: Option<&'b str>,
                       quoted: Option<&'b str>,
                       sources: &'b [u32]| {
            facts.push(Fact { at, what, of });
            let fact = facts.len() - 1;
            for &s in sources {
                if let Some(list) = cited_by.get_mut(s as usize)
                    && list.last() != Some(&fact)
                {
                    list.push(fact);
                }
            }
            for (text, elided) in [(evidence, false), (quoted, true)] {
                if let Some(text) = text {
                    claims.push(Claim {
                        fact,
                        text,
                        sources,
                        elided,
                    });
                }
            }
        };
        for r in base.all() {
            let Some(meta) = base.meta(r) else { continue };
            let (at, what) = match r.kind {
                Kind::Quote => {
                    let q = &base.quotes[r.idx as usize];
                    (
                        FactAt {
                            page: q.speaker,
                            anchor: super::shared::quote_anchor(base, r),
                        },
                        format!("quote: {}", summary(base, r)),
                    )
                }
                _ => (
                    FactAt {
                        page: r,
                        anchor: "evidence".into(),
                    },
                    format!("{}: {}", r.kind.name(), base.label(r)),
                ),
            };
            let quoted = (r.kind == Kind::Quote)
                .then(|| &base.quotes[r.idx as usize])
                .filter(|q| q.kind == QuoteKind::Direct)
                .map(|q| q.text.as_str());
            add(
                Of::Record(r),
                at,
                what,
                meta.evidence.as_deref(),
                quoted,
                &meta.sources[..],
            );
        }
        for (a, actor) in base.actors.iter().enumerate() {
            for (n, role) in actor.roles.iter().enumerate() {
                add(
                    Of::Role(a as u32, n),
                    FactAt {
                        page: EntityRef::actor(a as u32),
                        anchor: super::shared::role_anchor(n),
                    },
                    format!("role: {}, {}", actor.name, role.title),
                    role.term.evidence.as_deref(),
                    None,
                    &role.term.sources[..],
                );
            }
        }
        for (o, org) in base.organisations.iter().enumerate() {
            for (n, m) in org.members.iter().enumerate() {
                add(
                    Of::Member(o as u32, n),
                    FactAt {
                        page: EntityRef::org(o as u32),
                        anchor: super::shared::member_anchor(n),
                    },
                    format!("membership: {} in {}", base.label(m.member), org.name),
                    m.term.evidence.as_deref(),
                    None,
                    &m.term.sources[..],
                );
            }
        }
        let mut by_source: Vec<Vec<&Claim>> = (0..base.sources.len()).map(|_| Vec::new()).collect();
        for c in &claims {
            for &s in c.sources {
                if let Some(list) = by_source.get_mut(s as usize) {
                    list.push(c);
                }
            }
        }
        let found: Vec<(Marks, Vec<(usize, usize)>)> = by_source
            .par_iter()
            .enumerate()
            .map(|(s, claims)| match texts.get(s).and_then(Option::as_ref) {
                Some(text) => mark(text, claims),
                None => (Marks::default(), Vec::new()),
            })
            .collect();
        let mut first = FxHashMap::default();
        let mut sources = Vec::with_capacity(found.len());
        for (s, (marks, links)) in found.into_iter().enumerate() {
            for (fact, sentence) in links {
                first
                    .entry((facts[fact].at.clone(), s as u32))
                    .or_insert(sentence);
            }
            sources.push(marks);
        }
        Citations {
            facts,
            sources,
            first,
            cited_by,
        }
    }

    /// The facts citing source `s`, in base order: records, then roles, then memberships.
    pub fn citing(&self, s: u32) -> impl Iterator<Item = &Fact> {
        let list = self.cited_by.get(s as usize).map_or(&[][..], Vec::as_slice);
        list.iter().map(|&f| &self.facts[f])
    }

    /// The sentence of source `s` that the fact shown at `at` cites first, if any.
    pub fn sentence(&self, at: &FactAt, s: u32) -> Option<usize> {
        self.first.get(&(at.clone(), s)).copied()
    }

    /// How many sentences are marked, over every source.
    pub fn marked(&self) -> usize {
        self.sources.iter().map(|m| m.cited.len()).sum()
    }
}

/// Cuts one source text into sentences and marks those its claims touch. Returns the marks and
/// each claim's (fact, first sentence).
fn mark(text: &str, claims: &[&Claim]) -> (Marks, Vec<(usize, usize)>) {
    let sentences = sentences(text);
    let (folded, from) = fold_for_match_mapped(text);
    let mut cited: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut links = Vec::new();
    for claim in claims {
        let Some(span) = locate(text, &folded, &from, claim) else {
            continue;
        };
        // The sentences that overlap the span, in order.
        let first = sentences.partition_point(|s| s.end <= span.start);
        let mut any = None;
        for (i, s) in sentences.iter().enumerate().skip(first) {
            if s.start >= span.end {
                break;
            }
            let list = cited.entry(i).or_default();
            if list.last() != Some(&claim.fact) {
                list.push(claim.fact);
            }
            any.get_or_insert(i);
        }
        if let Some(i) = any {
            links.push((claim.fact, i));
        }
    }
    (Marks { sentences, cited }, links)
}

/// Where in `text` a claim appears: the bytes from the start of its first piece to the end of
/// its last, placed by the rule `kz check` accepts it by ([`found_in_order`]).
fn locate(text: &str, folded: &str, from: &[u32], claim: &Claim) -> Option<Range<usize>> {
    let needle = fold_for_match(claim.text);
    let pieces = if claim.elided {
        quote_pieces(&needle)
    } else {
        vec![needle.trim()]
    };
    let span = found_in_order(folded, &pieces).ok()?;
    if span.is_empty() {
        return None;
    }
    let last = from[span.end - 1] as usize;
    let end = last + text[last..].chars().next().map_or(1, char::len_utf8);
    Some(from[span.start] as usize..end)
}

/// The sentences of a text, as byte ranges without surrounding white space. A sentence ends
/// at a line break, or after `.`, `?` or `!` (and any closing quotes or brackets) followed by
/// white space and then a capital, a digit or an opening quote or bracket.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        if c == '\n' || c == '\r' {
            if let Some(s) = start.take() {
                out.push(s..trim_end(text, at));
            }
            i += 1;
            continue;
        }
        if start.is_none() && !c.is_whitespace() {
            start = Some(at);
        }
        if matches!(c, '.' | '?' | '!') {
            let mut j = i + 1;
            while j < chars.len() && matches!(chars[j].1, '"' | '\'' | '”' | '’' | ')' | ']') {
                j += 1;
            }
            let mut k = j;
            while k < chars.len() && chars[k].1.is_whitespace() && chars[k].1 != '\n' {
                k += 1;
            }
            let next = chars.get(k).map(|&(_, c)| c);
            let opens = next.is_some_and(|n| {
                n.is_uppercase() || n.is_ascii_digit() || matches!(n, '"' | '“' | '‘' | '(' | '[')
            });
            if k > j && opens {
                let end = chars.get(j).map_or(text.len(), |&(p, _)| p);
                if let Some(s) = start.take() {
                    out.push(s..end);
                }
                i = k;
                continue;
            }
        }
        i += 1;
    }
    if let Some(s) = start {
        out.push(s..trim_end(text, text.len()));
    }
    out.retain(|r| !r.is_empty());
    out
}

/// `end` moved back over white space.
fn trim_end(text: &str, end: usize) -> usize {
    text[..end].trim_end().len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(text: &str) -> Vec<&str> {
        sentences(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn sentences_end_where_a_reader_would_end_them() {
        let cases: &[(&str, &[&str])] = &[
            ("One. Two.", &["One.", "Two."]),
            (
                "He said “go.” Then left. 2500 came!",
                &["He said “go.”", "Then left.", "2500 came!"],
            ),
            (
                "A title\n\nA paragraph. More",
                &["A title", "A paragraph.", "More"],
            ),
            (
                "(An aside. Inside.) After",
                &["(An aside.", "Inside.)", "After"],
            ),
            ("Pi is 3.14 and e. is not", &["Pi is 3.14 and e. is not"]),
            ("Did he? “Yes,” she said.", &["Did he?", "“Yes,” she said."]),
            ("  padded  \n", &["padded"]),
            ("", &[]),
        ];
        crate::testing::table(cases, cut);
    }

    #[test]
    fn claims_are_found_as_kz_check_finds_them() {
        let text = "First one.  “We shouldn’t  call them,” said K. Then more.\nLast line";
        let (folded, from) = fold_for_match_mapped(text);
        let claim = |t, elided| Claim {
            fact: 0,
            text: t,
            sources: &[],
            elided,
        };
        let find = |c: &Claim| locate(text, &folded, &from, c).map(|r| &text[r]);
        assert_eq!(
            find(&claim("We shouldn't call them", true)),
            Some("We shouldn’t  call them")
        );
        assert_eq!(
            find(&claim("We … call [the protesters] them", true)),
            Some("We shouldn’t  call them")
        );
        assert_eq!(
            find(&claim("Then more. Last", false)),
            Some("Then more.\nLast")
        );
        assert_eq!(find(&claim("absent", false)), None);
        // An elided quote is placed where kz check places it: its pieces close together, not the
        // first "We" of the text and the "call them" paragraphs later.
        let far = format!(
            "We began. {} We shall not call them. Done.",
            "Filler words. ".repeat(40)
        );
        let (far_folded, far_from) = fold_for_match_mapped(&far);
        let c = claim("We … call them", true);
        let got = locate(&far, &far_folded, &far_from, &c).map(|r| &far[r]);
        assert_eq!(got, Some("We shall not call them"));
        let c = claim("Then more. Last", false);
        let (marks, links) = mark(text, &[&c]);
        assert_eq!(marks.cited.keys().copied().collect::<Vec<_>>(), [2, 3]);
        assert_eq!(links, [(0, 2)]);
    }
}
