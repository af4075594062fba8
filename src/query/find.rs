//! Finding records by name: the best matches, the rule for a name that names several records or
//! a record of another kind, and the suggestion after a miss.

use super::miss::{Candidate, Miss};
use crate::model::{Base, EntityRef, Kind};
use crate::names::{NameQuery, SUGGEST_AT, Tier};

/// What a name argument may name: some kinds of record, and the word for them in messages.
#[derive(Debug, Clone, Copy)]
pub struct Wanted {
    pub kinds: &'static [Kind],
    pub what: &'static str,
    /// `what` of several: `organisations`, `actors or organisations`.
    pub whats: &'static str,
}

impl Wanted {
    pub const ANY: Wanted = Wanted::new(&Kind::ALL, "record", "records");
    pub const ORG: Wanted = Wanted::new(&[Kind::Organisation], "organisation", "organisations");
    pub const PLACE: Wanted = Wanted::new(&[Kind::Place], "place", "places");
    /// Who can say something: a person, or an organisation in a statement.
    pub const SPEAKER: Wanted = Wanted::new(
        &[Kind::Actor, Kind::Organisation],
        "actor or organisation",
        "actors or organisations",
    );

    const fn new(kinds: &'static [Kind], what: &'static str, whats: &'static str) -> Wanted {
        Wanted { kinds, what, whats }
    }

    fn wants(&self, kind: Kind) -> bool {
        self.kinds.contains(&kind)
    }
}

/// The records of `kinds` that `query` names best, in base order, with how well they match,
/// looked up in the base's name index.
pub fn best(base: &Base, query: &NameQuery, kinds: &[Kind]) -> Option<(Tier, Vec<EntityRef>)> {
    match base.index_ready() {
        Some(index) => index.best(query, kinds),
        // A freshly parsed base: one scan costs less than building every index.
        None => best_by_scan(base, query, kinds),
    }
}

/// How well a query names a record with these ids and names. A quote has no name: it is named by
/// its id, or by its id written as words (`Quote 17` for `quote-17`).
fn tier<'a>(
    query: &NameQuery,
    kind: Kind,
    ids: impl Iterator<Item = &'a str>,
    names: impl Iterator<Item = &'a str> + Clone,
) -> Option<Tier> {
    if kind != Kind::Quote {
        return ids.filter_map(|id| query.tier(id, names.clone())).min();
    }
    let norm = query.normalised();
    ids.filter_map(|id| {
        if id == query.id() {
            Some(Tier::Id)
        } else if !norm.is_empty() && id_as_words(id, norm) {
            Some(Tier::Exact)
        } else {
            None
        }
    })
    .min()
}

/// Whether the normalised form of `id` is `norm`: for a kebab-case id, the id with its hyphens
/// for spaces.
fn id_as_words(id: &str, norm: &str) -> bool {
    if crate::names::is_kebab(id) {
        id.len() == norm.len()
            && id
                .bytes()
                .zip(norm.bytes())
                .all(|(a, b)| a == b || (a == b'-' && b == b' '))
    } else {
        crate::names::normalise(id) == norm
    }
}

/// What [`best`] finds, by reading every record's id, name and aliases: the definition the
/// name index must agree with (`tests/cli/snapshot.rs` holds them together). An exact id is
/// looked up first, in the check's map of ids when the base has it.
pub fn best_by_scan(
    base: &Base,
    query: &NameQuery,
    kinds: &[Kind],
) -> Option<(Tier, Vec<EntityRef>)> {
    if let Some(r) = base.ids_held().and_then(|ids| ids.get(query.id()))
        && kinds.contains(&r.kind)
    {
        // Ids are unique: no other record is named at this tier.
        return Some((Tier::Id, vec![*r]));
    }
    use rayon::prelude::*;
    // A quote is named only by an id, as words or not. Every id of a checked base is kebab-case,
    // so the one quote the query can name by its id as words is the one whose id is the query,
    // normalised, with hyphens for spaces: looked up, not scanned for among a hundred thousand.
    let quote = base.ids_held().map(|ids| {
        let id = query.normalised().replace(' ', "-");
        let found = ids.get(id.as_str()).filter(|r| r.kind == Kind::Quote);
        found.map(|r| r.idx)
    });
    let scanned =
        move |kind: Kind, idx: u32| kind != Kind::Quote || quote.is_none_or(|q| q == Some(idx));
    // Every record that the query names, in base order, on every core; then the best of them.
    let named: Vec<(Tier, EntityRef)> = Kind::ALL
        .into_par_iter()
        .filter(|kind| kinds.contains(kind))
        .flat_map(|kind| {
            (0..base.len(kind) as u32)
                .into_par_iter()
                .filter(move |&idx| scanned(kind, idx))
                .map(move |idx| EntityRef { kind, idx })
        })
        .filter_map(|r| {
            let rec = base.get(r);
            let names =
                std::iter::once(rec.label()).chain(rec.aliases().iter().map(|a| a.as_str()));
            // Its id, and any other ids `same_as` gave it.
            let ids = std::iter::once(rec.id()).chain(rec.aka().iter().map(|a| a.as_str()));
            Some((tier(query, r.kind, ids, names)?, r))
        })
        .collect();
    let best = named.iter().map(|(t, _)| *t).min()?;
    let hits = named.into_iter().filter(|(t, _)| *t == best);
    Some((best, hits.map(|(_, r)| r).collect()))
}

/// Every record of the wanted kinds that `query` names, for filters and `who`: the best matches
/// among all records, if any is of a wanted kind. A name whose best match is only of another kind
/// is a [`Miss::WrongKind`], so `--by Kazakhstan` says Kazakhstan is a place rather than using
/// people whose names merely contain the word.
pub fn resolve(base: &Base, query: &str, wanted: Wanted) -> Result<Vec<EntityRef>, Miss> {
    let q = NameQuery::new(query);
    let Some((_, hits)) = best(base, &q, &Kind::ALL) else {
        return Err(Miss::NoMatch {
            what: wanted.what,
            query: query.to_string(),
            suggestion: suggest(base, &q, wanted),
        });
    };
    let mine: Vec<EntityRef> = hits
        .iter()
        .copied()
        .filter(|r| wanted.wants(r.kind))
        .collect();
    if !mine.is_empty() {
        return Ok(mine);
    }
    let weaker = best(base, &q, wanted.kinds)
        .map(|(_, found)| found)
        .unwrap_or_default();
    Err(Miss::WrongKind {
        query: query.to_string(),
        what: wanted.what,
        whats: wanted.whats,
        found: hits.iter().map(|&r| describe(base, r)).collect(),
        weaker: weaker.iter().map(|&r| describe(base, r)).collect(),
    })
}

/// The one record of the wanted kinds that `query` names, for commands that need exactly one
/// (`members ORG`). Several equal matches are never merged: they are a [`Miss::Ambiguous`] that
/// lists them.
pub fn resolve_one(base: &Base, query: &str, wanted: Wanted) -> Result<EntityRef, Miss> {
    let found = resolve(base, query, wanted)?;
    match found.as_slice() {
        [one] => Ok(*one),
        _ => Err(Miss::Ambiguous {
            query: query.to_string(),
            whats: wanted.whats,
            candidates: found.iter().map(|&r| describe(base, r)).collect(),
        }),
    }
}

fn describe(base: &Base, r: EntityRef) -> Candidate {
    Candidate {
        id: base.id(r).to_string(),
        name: base.label(r).to_string(),
        kind: crate::model::view::kind_label(base, r),
    }
}

/// A name to offer after a miss: the record of the wanted kinds whose id, name, alias or word is
/// most like the query, if any is close enough.
pub fn suggest(base: &Base, query: &NameQuery, wanted: Wanted) -> Option<String> {
    if query.normalised().is_empty() {
        return None;
    }
    let mut best: Option<(f64, EntityRef)> = None;
    for (r, name) in base.index().names_of(wanted.kinds) {
        let score = query.similarity(&name);
        if score >= SUGGEST_AT && best.is_none_or(|(s, b)| score > s || (score == s && r < b)) {
            best = Some((score, r));
        }
    }
    best.map(|(_, r)| base.label(r).to_string())
}
