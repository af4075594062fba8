//! Questions over a [`Base`]: records found by name, by date, by relation and by text. Answers are
//! records, or a typed [`Miss`] that says why there are none; nothing here knows exit codes,
//! cells or formats.

pub mod cite;
pub mod disputes;
pub mod find;
mod miss;
pub mod relations;
pub mod text;
pub mod time;
pub mod timeline;

pub use find::{Wanted, resolve, resolve_one};
pub use miss::{Candidate, Miss};
pub use relations::scope;
pub use text::TextQuery;
pub use time::{Held, Window, by_date, held};

use crate::model::{Base, EntityRef, Kind, Rank, Role, Term, Text, provenance};
use crate::names;
use std::collections::BTreeSet;

/// Every record that counts as one of `found` (a place with the places within it).
pub fn scope_of(base: &Base, found: &[EntityRef]) -> BTreeSet<EntityRef> {
    found.iter().flat_map(|&r| scope(base, r)).collect()
}

/// What `kz quotes` keeps. Each `about` and `contains` must hold; `speakers` is any of them.
#[derive(Debug, Default)]
pub struct QuoteFilter {
    pub speakers: Option<BTreeSet<EntityRef>>,
    pub about: Vec<BTreeSet<EntityRef>>,
    pub contains: Vec<TextQuery>,
    pub window: Window,
    /// Only quotes at least this many distinct sources state (`--min-sources`).
    pub min_sources: usize,
}

/// Whether a record answers queries: it is not only deprecated declarations, and at least
/// `min_sources` distinct sources state it.
pub fn counts(base: &Base, r: EntityRef, min_sources: usize) -> bool {
    let rec = base.get(r);
    rec.rank() != Rank::Deprecated && rec.sources().len() >= min_sources
}

/// Whether a window admits a record through any date its field is given (the one shown, or
/// another that a source gives it in a dispute). An open window admits an undated record.
pub fn admits_any(base: &Base, window: &Window, r: EntityRef, field: &str) -> bool {
    if window.is_open() {
        return true;
    }
    provenance::dates(base.get(r), field)
        .into_iter()
        .any(|d| window.admits(Some(d)))
}

/// The quotes that pass the filter, oldest first, undated last. Candidates come from the
/// indexes when the base has them (the speakers' quotes, or the quotes about the first subject);
/// each is then checked against every filter.
pub fn quotes(base: &Base, f: &QuoteFilter) -> Vec<u32> {
    let candidates: Vec<u32> = match (base.index_ready(), &f.speakers, f.about.first()) {
        (Some(index), Some(speakers), _) => {
            let all: BTreeSet<u32> = speakers.iter().flat_map(|&s| index.quotes_by(s)).collect();
            all.into_iter().collect()
        }
        (Some(index), None, Some(scope)) => {
            let all: BTreeSet<u32> = scope.iter().flat_map(|&x| index.quotes_about(x)).collect();
            all.into_iter().collect()
        }
        _ => (0..base.quotes.len() as u32).collect(),
    };
    let mut picked: Vec<u32> = candidates
        .into_iter()
        .filter(|&i| {
            let q = &base.quotes[i as usize];
            f.speakers.as_ref().is_none_or(|s| s.contains(&q.speaker))
                && f.about
                    .iter()
                    .all(|a| q.about.iter().any(|r| a.contains(r)))
                && f.contains.iter().all(|t| t.matches(&q.text))
                && admits_any(base, &f.window, EntityRef::quote(i), "said")
                && counts(base, EntityRef::quote(i), f.min_sources)
        })
        .collect();
    by_date(&mut picked, |&i| base.quotes[i as usize].said.as_ref());
    picked
}

/// What `kz events` keeps. Each `involving`, `about` and `places` scope must be met.
#[derive(Debug, Default)]
pub struct EventFilter {
    pub involving: Vec<BTreeSet<EntityRef>>,
    pub about: Vec<BTreeSet<EntityRef>>,
    pub places: Vec<BTreeSet<EntityRef>>,
    pub window: Window,
    pub min_sources: usize,
}

/// The events that pass the filter, oldest first. Candidates come from the indexes when a
/// record or place is asked about.
pub fn events(base: &Base, f: &EventFilter) -> Vec<u32> {
    let index = base.index();
    let candidates: Vec<u32> = match (f.involving.first(), f.about.first(), f.places.first()) {
        (Some(scope), _, _) => relations::events_touching(base, scope),
        (None, Some(scope), _) => {
            let all: BTreeSet<u32> = scope.iter().flat_map(|&x| index.events_about(x)).collect();
            all.into_iter().collect()
        }
        (None, None, Some(scope)) => {
            let all: BTreeSet<u32> = scope.iter().flat_map(|x| index.events_at(x.idx)).collect();
            all.into_iter().collect()
        }
        (None, None, None) => (0..base.events.len() as u32).collect(),
    };
    let mut picked: Vec<u32> = candidates
        .into_iter()
        .filter(|&i| {
            let e = &base.events[i as usize];
            let me = EntityRef::event(i);
            let any_in = |refs: &[EntityRef], scope: &BTreeSet<EntityRef>| {
                refs.iter().any(|r| scope.contains(r))
            };
            admits_any(base, &f.window, me, "date")
                && counts(base, me, f.min_sources)
                && f.involving
                    .iter()
                    .all(|scope| relations::touches_event(base, i, scope))
                && f.about.iter().all(|scope| any_in(&e.about, scope))
                && f.places.iter().all(|scope| any_in(&e.places, scope))
        })
        .collect();
    by_date(&mut picked, |&i| Some(&base.events[i as usize].date));
    picked
}

/// What `kz actors` keeps; every value of every filter must hold.
#[derive(Debug, Default)]
pub struct ActorFilter {
    /// For each `--org`: the organisations it names, any of which will do.
    pub orgs: Vec<BTreeSet<EntityRef>>,
    /// For each `--place`: the place and the places within it.
    pub places: Vec<BTreeSet<EntityRef>>,
    pub roles: Vec<TextQuery>,
    pub min_sources: usize,
}

/// The people that pass the filter, in file order. A person is at a place when they are its
/// national, hold a role there, or hold a role in an organisation based there (places within it
/// count as it).
pub fn actors(base: &Base, f: &ActorFilter) -> Vec<u32> {
    (0..base.actors.len() as u32)
        .filter(|&i| {
            let actor = &base.actors[i as usize];
            let me = EntityRef::actor(i);
            let in_org = |orgs: &BTreeSet<EntityRef>| {
                actor
                    .roles
                    .iter()
                    .any(|r| r.org.is_some_and(|o| orgs.contains(&o)))
                    || orgs.iter().any(|&o| {
                        base.organisations[o.idx as usize]
                            .members
                            .iter()
                            .any(|m| m.member == me)
                    })
            };
            let at_place = |scope: &BTreeSet<EntityRef>| {
                let here = |p: Option<EntityRef>| p.is_some_and(|p| scope.contains(&p));
                here(actor.nationality)
                    || actor.roles.iter().any(|r| {
                        here(r.place)
                            || r.org
                                .is_some_and(|o| here(base.organisations[o.idx as usize].based_in))
                    })
            };
            counts(base, me, f.min_sources)
                && f.orgs.iter().all(in_org)
                && f.places.iter().all(at_place)
                && f.roles
                    .iter()
                    .all(|t| actor.roles.iter().any(|r| t.matches(&r.title)))
        })
        .collect()
}

/// Which members `kz members` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// Those whose membership has no end (the default).
    Current,
    /// Former members too (`--all`).
    All,
    /// Those known to belong during these days (`--on`); see [`held`].
    On(Window),
}

/// One member of an organisation, or with `--roles` one role held in it.
#[derive(Debug, Clone)]
pub struct Member<'b> {
    pub who: EntityRef,
    /// The role, for a person who holds one in the organisation; `None` for a member.
    pub role: Option<&'b Role>,
    pub term: &'b Term,
}

/// The members of an organisation (its `members` list, nothing else), then, with `roles`, the
/// people who hold a role in it.
pub fn members(
    base: &Base,
    org: u32,
    when: When,
    roles: bool,
    min_sources: usize,
) -> Vec<Member<'_>> {
    let keep = |term: &Term| {
        term.sources.len() >= min_sources
            && match when {
                When::Current => term.until.is_none(),
                When::All => true,
                When::On(window) => window.admits_held(held(base, term)),
            }
    };
    let o = &base.organisations[org as usize];
    let mut out: Vec<Member> = o
        .members
        .iter()
        .filter(|m| keep(&m.term))
        .map(|m| Member {
            who: m.member,
            role: None,
            term: &m.term,
        })
        .collect();
    if roles {
        for a in base.index().roles_in(org) {
            for role in base.actors[a as usize]
                .roles
                .iter()
                .filter(|r| r.org == Some(EntityRef::org(org)))
            {
                if keep(&role.term) {
                    out.push(Member {
                        who: EntityRef::actor(a),
                        role: Some(role),
                        term: &role.term,
                    });
                }
            }
        }
    }
    out
}

/// The kinds that `--kind asked` stands for: the kind itself and every kind declared beneath
/// it, at any depth, as folded names. `None` when no record and no declaration uses the kind.
/// Each kind is visited once, so a long chain of kinds costs its length.
pub fn kinds_beneath(base: &Base, asked: &str, used: &[&Text]) -> Option<BTreeSet<String>> {
    let asked = names::normalise(asked);
    let folded: Vec<String> = base
        .kinds
        .iter()
        .map(|k| names::normalise(&k.name))
        .collect();
    let known = folded.contains(&asked) || used.iter().any(|k| names::normalise(k) == asked);
    if !known {
        return None;
    }
    let mut narrower: Vec<Vec<usize>> = vec![Vec::new(); folded.len()];
    for (i, k) in base.kinds.iter().enumerate() {
        if let Some(list) = k.broader.and_then(|b| narrower.get_mut(b as usize)) {
            list.push(i);
        }
    }
    let mut out = BTreeSet::from([asked.clone()]);
    let mut todo: Vec<usize> = (0..folded.len()).filter(|&i| folded[i] == asked).collect();
    while let Some(i) = todo.pop() {
        for &n in &narrower[i] {
            if out.insert(folded[n].clone()) {
                todo.push(n);
            }
        }
    }
    Some(out)
}

/// How much of the base rests on one source.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Records that cite it.
    pub facts: u64,
    /// Statements it makes (a field's value, or one item of a list).
    pub statements: u64,
    /// Statements no other source makes.
    pub only_here: u64,
    /// Statements of it that another source disputes.
    pub disputed: u64,
}

/// The tally of every source, by source index. Statements of deprecated declarations count
/// for their sources too: they are what those sources say; so do a source's own facts (its
/// title, its date), as in `kz export --to statements`.
pub fn tally(base: &Base) -> Vec<Tally> {
    use rayon::prelude::*;
    let refs: Vec<EntityRef> = base.all().collect();
    refs.par_chunks(4096)
        .map(|chunk| {
            let mut out = vec![Tally::default(); base.sources.len()];
            for &r in chunk {
                let rec = base.get(r);
                let mut cited: Vec<u32> = Vec::new();
                for d in rec.declarations() {
                    cited.extend(d.sources());
                }
                cited.sort_unstable();
                cited.dedup();
                for &s in &cited {
                    out[s as usize].facts += 1;
                }
                for st in provenance::statements(rec) {
                    // A source's own facts are its own statements.
                    let own = [r.idx];
                    let sources = match r.kind {
                        Kind::Source => &own[..],
                        _ => &st.sources,
                    };
                    for &s in sources {
                        let t = &mut out[s as usize];
                        t.statements += 1;
                        t.only_here += u64::from(sources.len() == 1);
                        t.disputed += u64::from(st.disputed);
                    }
                }
            }
            out
        })
        .reduce(
            || vec![Tally::default(); base.sources.len()],
            |mut a, b| {
                for (x, y) in a.iter_mut().zip(b) {
                    x.facts += y.facts;
                    x.statements += y.statements;
                    x.only_here += y.only_here;
                    x.disputed += y.disputed;
                }
                a
            },
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{SOURCE, base};

    /// A strike told by two sources that agree on a quote and disagree on the date, then
    /// corrected by a third.
    fn strike() -> Base {
        let people = "places:\n  - id: avel\n    name: Avel\n    kind: city\n    source: s\n  - id: north\n    name: North Avel\n    kind: district\n    part_of: avel\n    source: s\norganisations:\n  - id: union\n    name: Teachers Union\n    kind: trade union\n    based_in: north\n    source: s\n    members:\n      - member: mara\nactors:\n  - id: mara\n    name: Mara Velt\n    description: Union leader.\n    source: s\n    roles:\n      - title: Leader\n        org: union\n";
        let a = "quotes:\n  - id: q\n    speaker: mara\n    text: We stay out\n    said: 2024-03-07\n    source: s\nevents:\n  - id: strike\n    date: 2024-03-05\n    title: Strike\n    involving: [union]\n    about: [mara]\n    source: s\n";
        let b = "quotes:\n  - id: q\n    speaker: mara\n    text: We stay out\n    source: t\norganisations:\n  - id: union\n    name: Teachers Union\n    kind: trade union\n    source: t\n    members:\n      - member: mara\nevents:\n  - id: strike\n    date: 2024-03-04\n    title: Strike\n    source: t\n  - id: rumour\n    date: 2024-03-01\n    title: A rumour, retracted\n    rank: deprecated\n    source: t\n";
        base(&[
            ("s.yaml", &format!("{SOURCE}{people}")),
            ("a.yaml", a),
            ("b.yaml", b),
        ])
    }

    fn day(s: &str) -> Window {
        Window::of(&crate::date::Date::parse(s).unwrap())
    }

    #[test]
    fn corroboration_counts_distinct_sources() {
        let base = strike();
        let quotes_with = |n| {
            let f = QuoteFilter {
                min_sources: n,
                ..Default::default()
            };
            quotes(&base, &f).len()
        };
        assert_eq!((quotes_with(1), quotes_with(2), quotes_with(3)), (1, 1, 0));
        let members_with = |n| members(&base, 0, When::All, false, n).len();
        assert_eq!((members_with(2), members_with(3)), (1, 0));
        let f = ActorFilter {
            min_sources: 2,
            ..Default::default()
        };
        assert!(actors(&base, &f).is_empty(), "Mara is stated by one source");
    }

    #[test]
    fn a_date_filter_matches_through_every_value_that_counts() {
        let base = strike();
        let on = |d: &str| {
            let f = EventFilter {
                window: day(d),
                ..Default::default()
            };
            events(&base, &f)
        };
        // The shown date and the disputed one both find the strike; the deprecated rumour is
        // found by neither its date nor any other.
        assert_eq!(on("2024-03-05"), [0]);
        assert_eq!(on("2024-03-04"), [0]);
        assert!(on("2024-03-01").is_empty());
        assert!(on("2024-03").iter().all(|&e| e == 0));
    }

    #[test]
    fn events_about_a_record_are_apart_from_those_it_took_part_in() {
        let base = strike();
        let mara = BTreeSet::from([base.lookup("mara").unwrap()]);
        let about = EventFilter {
            about: vec![mara.clone()],
            ..Default::default()
        };
        assert_eq!(events(&base, &about), [0]);
        let involving = EventFilter {
            involving: vec![mara],
            ..Default::default()
        };
        assert!(events(&base, &involving).is_empty());
    }

    #[test]
    fn a_person_is_at_the_place_of_an_organisation_they_hold_a_role_in() {
        let base = strike();
        let avel = scope(&base, base.lookup("avel").unwrap());
        let f = ActorFilter {
            places: vec![avel],
            ..Default::default()
        };
        assert_eq!(
            actors(&base, &f),
            [0],
            "the union is based in North Avel, within Avel"
        );
    }
}
