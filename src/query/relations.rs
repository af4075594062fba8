//! Relations between records: what the base relates to one record (for `who`), and every
//! relation as an edge (for `graph`). A place stands for itself and the places within it.

use super::time::by_date;
use crate::model::fields::{Item, Value};
use crate::model::{Base, EntityRef, Kind, Membership, Rank, Role};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// A record and, for a place, every place within it at any depth: what a filter or a profile
/// about the record counts as "about it".
pub fn scope(base: &Base, r: EntityRef) -> BTreeSet<EntityRef> {
    let mut inside = BTreeSet::from([r]);
    if r.kind != Kind::Place {
        return inside;
    }
    let mut todo = vec![r.idx];
    while let Some(p) = todo.pop() {
        for child in base.index().parts_of(p) {
            if inside.insert(EntityRef::place(child)) {
                todo.push(child);
            }
        }
    }
    inside
}

/// Everything the base relates to one record.
#[derive(Debug, Default)]
pub struct Relations<'b> {
    /// The record's own roles (a person's).
    pub roles: Vec<(u32, &'b Role)>,
    /// Organisations the record is a member of.
    pub member_of: Vec<(u32, &'b Membership)>,
    /// An organisation's members.
    pub members: Vec<(u32, &'b Membership)>,
    /// Roles held in an organisation, or in a place or a place within it.
    pub people: Vec<(u32, &'b Role)>,
    /// Places directly part of a place.
    pub parts: Vec<u32>,
    /// Organisations based at a place or a place within it.
    pub based_here: Vec<u32>,
    /// Quotes the record said (a person, or an organisation's statements), oldest first.
    pub quotes_by: Vec<u32>,
    /// Quotes about the record, oldest first.
    pub quotes_about: Vec<u32>,
    /// Events the record took part in or that happened there, oldest first.
    pub events: Vec<u32>,
    /// Events about the record, oldest first.
    pub events_about: Vec<u32>,
}

pub fn of(base: &Base, r: EntityRef) -> Relations<'_> {
    let index = base.index();
    let scope = scope(base, r);
    let mut rel = Relations::default();
    if r.kind == Kind::Actor {
        rel.roles = base.actors[r.idx as usize]
            .roles
            .iter()
            .map(|role| (r.idx, role))
            .collect();
    }
    for o in index.member_of(r) {
        let org = &base.organisations[o as usize];
        rel.member_of
            .extend(org.members.iter().filter(|m| m.member == r).map(|m| (o, m)));
    }
    if r.kind == Kind::Place {
        rel.based_here = within(&scope, |x| index.based_at(x.idx));
    }
    if r.kind == Kind::Organisation {
        let org = &base.organisations[r.idx as usize];
        rel.members = org.members.iter().map(|m| (r.idx, m)).collect();
    }
    let holders: BTreeSet<u32> = match r.kind {
        Kind::Organisation => index.roles_in(r.idx).into_iter().collect(),
        Kind::Place => scope.iter().flat_map(|p| index.roles_at(p.idx)).collect(),
        _ => BTreeSet::new(),
    };
    for a in holders {
        for role in &base.actors[a as usize].roles {
            let held_here = match r.kind {
                Kind::Organisation => role.org == Some(r),
                _ => role.place.is_some_and(|p| scope.contains(&p)),
            };
            if held_here {
                rel.people.push((a, role));
            }
        }
    }
    if r.kind == Kind::Place {
        rel.parts = index.parts_of(r.idx);
    }
    rel.quotes_by = index.quotes_by(r);
    rel.quotes_about = within(&scope, |x| index.quotes_about(x));
    rel.events = events_touching(base, &scope);
    rel.events_about = within(&scope, |x| index.events_about(x));
    by_date(&mut rel.quotes_by, |&q| {
        base.quotes[q as usize].said.as_ref()
    });
    by_date(&mut rel.quotes_about, |&q| {
        base.quotes[q as usize].said.as_ref()
    });
    by_date(&mut rel.events, |&e| Some(&base.events[e as usize].date));
    by_date(&mut rel.events_about, |&e| {
        Some(&base.events[e as usize].date)
    });
    rel
}

/// Every index entry listed under any record of `scope`, once each, in file order.
fn within(scope: &BTreeSet<EntityRef>, listed: impl Fn(EntityRef) -> Vec<u32>) -> Vec<u32> {
    let all: BTreeSet<u32> = scope.iter().flat_map(|&x| listed(x)).collect();
    all.into_iter().collect()
}

/// The events that involve anything in `scope` or happened at a place in it, in file order.
pub fn events_touching(base: &Base, scope: &BTreeSet<EntityRef>) -> Vec<u32> {
    let index = base.index();
    let mut all: BTreeSet<u32> = scope
        .iter()
        .flat_map(|&x| index.events_involving(x))
        .collect();
    for x in scope.iter().filter(|x| x.kind == Kind::Place) {
        all.extend(index.events_at(x.idx));
    }
    all.into_iter().collect()
}

/// Whether an event involves anything in `scope` or happened at a place in it.
pub fn touches_event(base: &Base, e: u32, scope: &BTreeSet<EntityRef>) -> bool {
    let ev = &base.events[e as usize];
    ev.involving
        .iter()
        .chain(&ev.places)
        .any(|x| scope.contains(x))
}

/// One relation between two records: from, to, what it says, and what kind of relation it is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Edge {
    pub from: EntityRef,
    pub to: EntityRef,
    /// What DOT and Mermaid write on the edge: the field's relation, a role's title, or
    /// `spoke about (3)`.
    pub label: String,
    pub relation: Relation,
}

/// The kind of relation an edge is, which pictures group and colour edges by: a reference
/// field's (named by its table line), a role, or quotes (with how many).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Relation {
    Field(&'static str),
    Role,
    Spoke(usize),
}

impl Relation {
    /// What the relation is called, the same for every edge of its kind: `took part in`,
    /// `role in`, `spoke about`.
    pub fn name(self) -> &'static str {
        match self {
            Relation::Field(label) => label,
            Relation::Role => "role in",
            Relation::Spoke(_) => "spoke about",
        }
    }

    /// The kind of relation without its count, to group edges by.
    pub fn kind(self) -> Relation {
        match self {
            Relation::Spoke(_) => Relation::Spoke(0),
            other => other,
        }
    }

    /// Where the kind of relation is in [`Relation::all`], so pictures give each kind the same
    /// place and colour everywhere.
    pub fn slot(self) -> usize {
        let kind = self.kind();
        Relation::all()
            .iter()
            .position(|&r| r == kind)
            .unwrap_or(usize::MAX)
    }

    /// Every kind of relation an edge can be, in a fixed order: roles, then each reference
    /// field's in the order of the field tables, then quotes.
    pub fn all() -> &'static [Relation] {
        static ALL: std::sync::OnceLock<Vec<Relation>> = std::sync::OnceLock::new();
        ALL.get_or_init(|| {
            let mut out = vec![Relation::Role];
            for kind in Kind::ALL {
                for info in crate::model::fields::infos(kind) {
                    if let Some(edge) = info.edge
                        && !out.contains(&Relation::Field(edge.label))
                    {
                        out.push(Relation::Field(edge.label));
                    }
                }
            }
            out.push(Relation::Spoke(0));
            out
        })
    }
}

/// The kinds a relation picture draws: quotes are drawn as who spoke about whom, sources not at
/// all.
pub fn drawn(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Actor | Kind::Organisation | Kind::Place | Kind::Event
    )
}

/// Every relation between the records a picture draws, from each reference field's table line
/// ([`crate::model::fields`]): a role is drawn to its organisation and its place, labelled with
/// its title. Quotes become one `spoke about` edge per speaker and subject, with how many quotes;
/// relations to quotes and sources are not drawn. Records no query answers from (deprecated)
/// are left out.
pub fn edges(base: &Base) -> Vec<Edge> {
    let mut out = Vec::new();
    let mut push = |from: EntityRef, to: EntityRef, label: String, relation: Relation| {
        if drawn(from.kind) && drawn(to.kind) {
            out.push(Edge {
                from,
                to,
                label,
                relation,
            });
        }
    };
    for me in base.all().filter(|r| drawn(r.kind)) {
        let rec = base.get(me);
        if rec.rank() == Rank::Deprecated {
            continue;
        }
        for (info, value) in rec.fields() {
            if let Value::Roles(roles) = value {
                for role in roles {
                    for at in role.org.into_iter().chain(role.place) {
                        push(me, at, role.title.to_string(), Relation::Role);
                    }
                }
            }
            let Some(edge) = info.edge else { continue };
            for item in value.items() {
                let other = match item {
                    Item::Ref(x) => x,
                    Item::Member(m) => m.member,
                    _ => continue,
                };
                let relation = Relation::Field(edge.label);
                match edge.inward {
                    true => push(other, me, edge.label.into(), relation),
                    false => push(me, other, edge.label.into(), relation),
                }
            }
        }
    }
    let mut spoke: BTreeMap<(EntityRef, EntityRef), usize> = BTreeMap::new();
    for (i, q) in base.quotes.iter().enumerate() {
        if base.get(EntityRef::quote(i as u32)).rank() == Rank::Deprecated {
            continue;
        }
        for &about in &q.about {
            *spoke.entry((q.speaker, about)).or_default() += 1;
        }
    }
    for ((from, to), n) in spoke {
        let label = if n == 1 {
            "spoke about".to_string()
        } else {
            format!("spoke about ({n})")
        };
        push(from, to, label, Relation::Spoke(n));
    }
    out.sort();
    out.dedup();
    out
}

/// The edges of a picture, indexed by the records at their ends, so a neighbourhood costs what
/// it holds rather than a pass over every edge.
pub struct Adjacency<'e> {
    edges: &'e [Edge],
    by_record: BTreeMap<EntityRef, Vec<usize>>,
}

impl<'e> Adjacency<'e> {
    pub fn new(edges: &'e [Edge]) -> Adjacency<'e> {
        let mut by_record: BTreeMap<EntityRef, Vec<usize>> = BTreeMap::new();
        for (i, e) in edges.iter().enumerate() {
            by_record.entry(e.from).or_default().push(i);
            if e.to != e.from {
                by_record.entry(e.to).or_default().push(i);
            }
        }
        Adjacency { edges, by_record }
    }

    fn of(&self, r: EntityRef) -> impl Iterator<Item = &'e Edge> + '_ {
        self.by_record
            .get(&r)
            .into_iter()
            .flatten()
            .map(|&i| &self.edges[i])
    }

    /// The edges with `r` at either end, in the order of [`edges`].
    pub fn touching(&self, r: EntityRef) -> Vec<&'e Edge> {
        self.of(r).collect()
    }

    /// The records within `depth` steps of `start`, following edges either way.
    pub fn neighbourhood(&self, start: &[EntityRef], depth: u32) -> BTreeSet<EntityRef> {
        let mut seen: BTreeSet<EntityRef> = start.iter().copied().collect();
        let mut queue: VecDeque<(EntityRef, u32)> = start.iter().map(|&r| (r, 0)).collect();
        while let Some((r, d)) = queue.pop_front() {
            if d == depth {
                continue;
            }
            for e in self.of(r) {
                let next = if e.from == r { e.to } else { e.from };
                if seen.insert(next) {
                    queue.push_back((next, d + 1));
                }
            }
        }
        seen
    }

    /// The edges between records of `nodes`, in the order of [`edges`].
    pub fn among(&self, nodes: &BTreeSet<EntityRef>) -> Vec<&'e Edge> {
        let mut picked: Vec<usize> = nodes
            .iter()
            .flat_map(|r| self.by_record.get(r).into_iter().flatten().copied())
            .filter(|&i| nodes.contains(&self.edges[i].from) && nodes.contains(&self.edges[i].to))
            .collect();
        picked.sort_unstable();
        picked.dedup();
        picked.into_iter().map(|i| &self.edges[i]).collect()
    }
}
