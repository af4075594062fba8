//! Questions over a [`Base`]: records found by name, by date, by relation and by text. Answers are
//! records, or a typed [`Miss`] that says why there are none; nothing here knows exit codes,
//! cells or formats.

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

use crate::model::{Base, EntityRef, Role, Term, Text};
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
                && f.window.admits(q.said.as_ref())
        })
        .collect();
    by_date(&mut picked, |&i| base.quotes[i as usize].said.as_ref());
    picked
}

/// What `kz events` keeps. Each `involving` and each `places` scope must be met.
#[derive(Debug, Default)]
pub struct EventFilter {
    pub involving: Vec<BTreeSet<EntityRef>>,
    pub places: Vec<BTreeSet<EntityRef>>,
    pub window: Window,
}

/// The events that pass the filter, oldest first. Candidates come from the indexes when a
/// record or place is asked about.
pub fn events(base: &Base, f: &EventFilter) -> Vec<u32> {
    let candidates: Vec<u32> = match (f.involving.first(), f.places.first()) {
        (Some(scope), _) => relations::events_touching(base, scope),
        (None, Some(scope)) => {
            let index = base.index();
            let all: BTreeSet<u32> = scope.iter().flat_map(|x| index.events_at(x.idx)).collect();
            all.into_iter().collect()
        }
        (None, None) => (0..base.events.len() as u32).collect(),
    };
    let mut picked: Vec<u32> = candidates
        .into_iter()
        .filter(|&i| {
            let e = &base.events[i as usize];
            f.window.admits(Some(&e.date))
                && f.involving
                    .iter()
                    .all(|scope| relations::touches_event(base, i, scope))
                && f.places.iter().all(|scope| {
                    e.places
                        .iter()
                        .any(|&p| scope.contains(&EntityRef::place(p)))
                })
        })
        .collect();
    by_date(&mut picked, |&i| Some(&base.events[i as usize].date));
    picked
}

/// What `kz actors` keeps; every value of every filter must hold.
#[derive(Debug, Default)]
pub struct ActorFilter {
    /// For each `--org`: the organisations it names, any of which will do.
    pub orgs: Vec<BTreeSet<u32>>,
    /// For each `--place`: the place and the places within it.
    pub places: Vec<BTreeSet<EntityRef>>,
    pub roles: Vec<TextQuery>,
}

/// The people that pass the filter, in file order.
pub fn actors(base: &Base, f: &ActorFilter) -> Vec<u32> {
    (0..base.actors.len() as u32)
        .filter(|&i| {
            let actor = &base.actors[i as usize];
            let me = EntityRef::actor(i);
            let in_org = |orgs: &BTreeSet<u32>| {
                actor
                    .roles
                    .iter()
                    .any(|r| r.org.is_some_and(|o| orgs.contains(&o)))
                    || orgs.iter().any(|&o| {
                        base.organisations[o as usize]
                            .members
                            .iter()
                            .any(|m| m.member == me)
                    })
            };
            let at_place = |scope: &BTreeSet<EntityRef>| {
                let here = |p: Option<u32>| p.is_some_and(|p| scope.contains(&EntityRef::place(p)));
                here(actor.nationality) || actor.roles.iter().any(|r| here(r.place))
            };
            f.orgs.iter().all(in_org)
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
pub fn members(base: &Base, org: u32, when: When, roles: bool) -> Vec<Member<'_>> {
    let keep = |term: &Term| match when {
        When::Current => term.until.is_none(),
        When::All => true,
        When::On(window) => window.admits_held(held(base, term)),
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
                .filter(|r| r.org == Some(org))
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
