//! Which sentence of which source text each fact cites. A fact's claims are the texts `kz check`
//! holds to be verbatim in its sources (a record's `evidence`, a role's or membership's
//! `evidence`, a direct quote's words), found here the same way: whitespace folded, curly and
//! straight quotes alike, an elided quote by its pieces in order. Each sentence a claim touches
//! is marked; the fact's source link lands on the first of them.

use crate::model::view::summary;
use crate::model::{Base, EntityRef, Kind, QuoteKind};
use crate::query::cite::Cited;
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
                       sources: &'b [u32],
                       more: Vec<(&'b str, &'b [u32])>| {
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
            for (text, sources) in more {
                claims.push(Claim {
                    fact,
                    text,
                    sources,
                    elided: false,
                });
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
            // Each other declaration's evidence, in the sources that declaration cites: the
            // record's source links land on the sentence each of its sources gives.
            let rec = base.get(r);
            let more: Vec<(&str, &[u32])> = match rec.is_merged() {
                false => Vec::new(),
                true => rec
                    .declarations()
                    .into_iter()
                    .filter_map(|d| d.meta())
                    .filter_map(|m| Some((m.evidence.as_deref()?, &m.sources[..])))
                    .filter(|(e, _)| Some(*e) != meta.evidence.as_deref())
                    .collect(),
            };
            add(
                Of::Record(r),
                at,
                what,
                meta.evidence.as_deref(),
                quoted,
                &meta.sources[..],
                more,
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
                    Vec::new(),
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
                    Vec::new(),
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
    let c = Cited::new(text);
    let mut cited: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut links = Vec::new();
    for claim in claims {
        let Some(span) = c.find(claim.text, claim.elided) else {
            continue;
        };
        let over = c.sentences_over(&span);
        for i in over.clone() {
            let list = cited.entry(i).or_default();
            if list.last() != Some(&claim.fact) {
                list.push(claim.fact);
            }
        }
        if !over.is_empty() {
            links.push((claim.fact, over.start));
        }
    }
    let sentences = c.sentences;
    (Marks { sentences, cited }, links)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_claim_marks_the_sentences_it_lies_in() {
        let text = "First one. “We shouldn’t call them,” said Kassenova. Then more.\nLast line";
        let claim = |t, elided| Claim {
            fact: 0,
            text: t,
            sources: &[],
            elided,
        };
        let c = claim("Then more. Last", false);
        let (marks, links) = mark(text, &[&c]);
        assert_eq!(marks.cited.keys().copied().collect::<Vec<_>>(), [2, 3]);
        assert_eq!(links, [(0, 2)]);
        // Abbreviations do not end sentences, so a mark does not land mid-sentence.
        let text = "Supt. Ana Ruiz spoke. “We stay,” said Ruiz of the L.A. Unified plan. More.";
        let c = claim("We stay", true);
        let (marks, links) = mark(text, &[&c]);
        let sentence = marks.sentences[links[0].1].clone();
        assert_eq!(
            &text[sentence],
            "“We stay,” said Ruiz of the L.A. Unified plan."
        );
    }
}
