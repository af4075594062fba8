//! Ids and references: every record's id is unique and kebab-case, and every reference names a
//! record of the right kind, with a did-you-mean when it names none.

use super::sink::Sink;
use crate::diag::Code;
use crate::load::{At, Cited, Located, Records, Seg};
use crate::model::{EntityRef, Ids as SourceIds, Kind, Refs, Text};
use crate::names::{self, NameQuery};
use crate::text::article;
use rustc_hash::FxHashMap;

pub(super) use super::want::Want;

/// Every record's id and where it is written. A record may be declared several times (the same
/// id in several files, or ids `same_as` joins): each declaration is converted on its own, and
/// [`Ids::decl`] says which merged record it declares.
pub(super) struct Ids<'o> {
    /// Every id, the merged record's and those `same_as` joins to it, to the merged record.
    pub(super) map: FxHashMap<Text, EntityRef>,
    /// Where each merged record is first declared, per kind in [`Kind::ALL`] order, by index.
    ats: [Vec<At>; 6],
    /// For each declaration of each kind (in file order), the merged record it declares; `None`
    /// for one whose id is missing or taken by another kind.
    pub(super) decl: [Vec<Option<u32>>; 6],
    /// Where each declaration is written, per kind, in file order.
    pub(super) decl_at: [Vec<At>; 6],
    /// Each merged record's other ids (joined by `same_as`), per kind, by index.
    pub(super) aka: [Vec<Vec<Text>>; 6],
    /// Ids of records that failed to parse, so that references to them do not cascade.
    broken: Vec<String>,
    /// A checked base that resolves the ids not in [`Ids::map`]: the rest of the base, when one
    /// edited file is checked on its own (see `check::edit`).
    outside: Option<&'o crate::model::Base>,
    /// What [`Ids::outside`] answered for each id asked so far: an edited file names the same
    /// few speakers and sources thousands of times, and each look-up in a snapshot's id index is
    /// a checked binary search.
    seen: std::sync::Mutex<FxHashMap<String, Option<EntityRef>>>,
}

/// One declaration as the id pass sees it: where it is, its id, and the ids it is `same_as`.
struct Entry<'r> {
    kind: Kind,
    at: At,
    id: Option<&'r Text>,
    same_as: &'r [Text],
}

/// A reference that cannot be resolved: its code, message and help.
type Problem = (Code, String, Option<String>);

/// What an event's relation holds, for a reference of the wrong kind in it: a topic filed as a
/// place or a participant belongs in `about`.
fn relation_help(field: &str) -> Option<&'static str> {
    match field {
        "involving" => Some(
            "`involving` is who acted in the event: people, organisations and countries; what \
             it concerned goes in `about`",
        ),
        "places" => Some(
            "`places` is where the event happened, as its source states it; what it concerned \
             goes in `about`",
        ),
        _ => None,
    }
}

/// Every declaration of every kind, sources first, each kind in file order.
fn entries(records: &Records) -> Vec<Entry<'_>> {
    fn of<'r, T: Cited>(kind: Kind, list: &'r [Located<T>]) -> Vec<Entry<'r>> {
        list.iter()
            .map(|r| Entry {
                kind,
                at: r.at,
                id: r.raw.id(),
                same_as: r.raw.same_as(),
            })
            .collect()
    }
    let sources = records.sources.iter().map(|r| Entry {
        kind: Kind::Source,
        at: r.at,
        id: r.raw.id.as_ref(),
        same_as: &[],
    });
    sources
        .chain(of(Kind::Actor, &records.actors))
        .chain(of(Kind::Organisation, &records.organisations))
        .chain(of(Kind::Place, &records.places))
        .chain(of(Kind::Quote, &records.quotes))
        .chain(of(Kind::Event, &records.events))
        .collect()
}

/// The distinct ids of a base and the records they make: each id in order of first
/// declaration (the id, its kind, where it is first declared and its place among the
/// declarations of its kind), and the groups `same_as` joins them into (a union-find).
#[derive(Default)]
struct Groups<'r> {
    /// Each id, to its place in [`Groups::order`] (as the index of the ref, of the kind it is
    /// first declared as) until the groups are numbered; then to its record, and it becomes
    /// [`Ids::map`]. One table for both: at 100k ids, a second one cost as much again.
    first: FxHashMap<Text, EntityRef>,
    order: Vec<(&'r str, Kind, At, usize)>,
    parent: Vec<usize>,
    /// Declarations seen so far of each kind.
    within: [usize; 6],
}

impl<'r> Groups<'r> {
    fn with_capacity(n: usize) -> Groups<'r> {
        let mut first = FxHashMap::default();
        first.reserve(n);
        Groups {
            first,
            order: Vec::with_capacity(n),
            parent: Vec::with_capacity(n),
            within: [0; 6],
        }
    }

    /// Takes one declaration: its id's place in [`Groups::order`], or `None` when it has no
    /// sound id or may not be declared again (another kind's id, a source's).
    fn declare(&mut self, ids: &Ids, sink: &mut Sink, e: &Entry<'r>) -> Option<usize> {
        let raw = self.within[e.kind.slot()];
        self.within[e.kind.slot()] += 1;
        let id = ids.valid_id(sink, e)?;
        match self.first.get(id).map(|r| r.idx as usize) {
            None => {
                let n = EntityRef::new(e.kind, self.order.len() as u32);
                self.first.insert(id.into(), n);
                self.order.push((id, e.kind, e.at, raw));
                self.parent.push(self.parent.len());
                Some(self.order.len() - 1)
            }
            Some(n) => {
                let (_, kind, at, _) = self.order[n];
                again(sink, id, e, kind, at);
                (kind == e.kind && kind != Kind::Source).then_some(n)
            }
        }
    }

    /// The group a node is in, with the path to it shortened.
    fn root(&mut self, mut n: usize) -> usize {
        while self.parent[n] != n {
            self.parent[n] = self.parent[self.parent[n]];
            n = self.parent[n];
        }
        n
    }

    /// Joins the declaration's id to each id its `same_as` names, reporting one that names
    /// nothing or a record of another kind.
    fn join(&mut self, ids: &mut Ids, sink: &mut Sink, e: &Entry, me: usize) {
        for (i, other) in e.same_as.iter().enumerate() {
            let other = other.trim();
            let path = [Seg::Key("same_as"), Seg::Index(i)];
            match self.first.get(other).map(|r| r.idx as usize) {
                Some(n) if self.order[n].1 == e.kind => {
                    let (a, b) = (self.root(me), self.root(n));
                    self.parent[a.max(b)] = a.min(b);
                }
                Some(n) => {
                    let message = format!(
                        "`same_as` joins records of one kind, but `{other}` is {} and `{}` is {}",
                        article(self.order[n].1.name()),
                        self.order[me].0,
                        article(e.kind.name())
                    );
                    sink.report(Code::WrongKind, e.at, &path, message, None);
                }
                None => {
                    let message = format!("`same_as` names `{other}`, but no record has that id");
                    if let Some(d) = sink.report(Code::Dangling, e.at, &path, message, None)
                        && !ids.broken.iter().any(|b| b == other)
                    {
                        sink.unknown.push((d, other.to_string(), Want::One(e.kind)));
                    }
                }
            }
        }
    }

    /// Numbers the groups kind by kind in order of first declaration, and maps every id to its
    /// group's record. A source, declared once, keeps its place in the file order, where the
    /// verbatim check finds its text. Returns each group's record index, by its root.
    fn number(&mut self, ids: &mut Ids, all: &[Entry]) -> Vec<Option<u32>> {
        ids.ats[Kind::Source.slot()] = all
            .iter()
            .filter(|e| e.kind == Kind::Source)
            .map(|e| e.at)
            .collect();
        let mut merged: Vec<Option<u32>> = vec![None; self.order.len()];
        let mut records = Vec::with_capacity(self.order.len());
        for kind in Kind::ALL {
            let n = self.order.iter().filter(|o| o.1 == kind).count();
            ids.ats[kind.slot()].reserve_exact(n);
            ids.aka[kind.slot()].reserve_exact(n);
        }
        for n in 0..self.order.len() {
            let (id, kind, at, raw) = self.order[n];
            let r = self.root(n);
            let idx = match merged[r] {
                _ if kind == Kind::Source => raw as u32,
                Some(idx) => {
                    ids.aka[kind.slot()][idx as usize].push(id.into());
                    idx
                }
                None => {
                    let idx = ids.ats[kind.slot()].len() as u32;
                    ids.ats[kind.slot()].push(at);
                    ids.aka[kind.slot()].push(Vec::new());
                    merged[r] = Some(idx);
                    idx
                }
            };
            records.push(EntityRef::new(kind, idx));
        }
        for r in self.first.values_mut() {
            *r = records[r.idx as usize];
        }
        ids.map = std::mem::take(&mut self.first);
        merged
    }
}

/// Reports an id declared again where that is not allowed: as another kind of record (at both
/// declarations), or a source declared twice. Declaring a record of the same kind again is
/// allowed: the declarations are one record.
fn again(sink: &mut Sink, id: &str, e: &Entry, first_kind: Kind, first_at: At) {
    if first_kind == e.kind && e.kind != Kind::Source {
        return;
    }
    let here = sink.where_is(e.at);
    let there = sink.where_is(first_at);
    if first_kind == Kind::Source && e.kind == Kind::Source {
        sink.report(
            Code::DuplicateId,
            e.at,
            &[Seg::Key("id")],
            format!("source `{id}` is already declared at {there}"),
            Some("a source is declared once; records in any file cite it by its id".into()),
        );
        return;
    }
    let help = "one id names one entity: rename one of them";
    sink.report(
        Code::DuplicateId,
        e.at,
        &[Seg::Key("id")],
        format!(
            "`{id}` is declared here as {} and at {there} as {}",
            article(e.kind.name()),
            article(first_kind.name())
        ),
        Some(help.into()),
    );
    sink.report(
        Code::DuplicateId,
        first_at,
        &[Seg::Key("id")],
        format!(
            "`{id}` is declared here as {} and at {here} as {}",
            article(first_kind.name()),
            article(e.kind.name())
        ),
        Some(help.into()),
    );
}

impl<'o> Ids<'o> {
    /// Gives every declaration its record: declarations of one id are one record, and so are
    /// ids joined by `same_as`. Reports ids that are missing or not kebab-case, an id declared
    /// as two kinds of record (at both declarations), a source declared twice, and a `same_as`
    /// that names nothing or a record of another kind.
    pub(super) fn assign(records: &Records, broken: Vec<String>, sink: &mut Sink) -> Ids<'o> {
        let all = entries(records);
        let mut ids = Ids::empty(broken, None);
        // Sized up front: at 100k records, growing these tables touched as much memory again.
        let mut groups = Groups::with_capacity(all.len());
        for kind in Kind::ALL {
            let n = all.iter().filter(|e| e.kind == kind).count();
            ids.decl[kind.slot()].reserve_exact(n);
            ids.decl_at[kind.slot()].reserve_exact(n);
        }
        let of_entry: Vec<Option<usize>> =
            all.iter().map(|e| groups.declare(&ids, sink, e)).collect();
        for (e, slot) in all.iter().zip(&of_entry) {
            if let Some(me) = *slot {
                groups.join(&mut ids, sink, e, me);
            }
        }
        let merged = groups.number(&mut ids, &all);
        for (e, slot) in all.iter().zip(of_entry) {
            let idx = slot.map(|n| match e.kind {
                Kind::Source => groups.order[n].3 as u32,
                _ => merged[groups.root(n)].unwrap_or_default(),
            });
            ids.decl[e.kind.slot()].push(idx);
            ids.decl_at[e.kind.slot()].push(e.at);
        }
        ids
    }

    /// Ids that resolve every reference against a checked base: the rest of the base, for the
    /// records of one edited file converted on their own (see `check::edit`).
    pub(super) fn within(base: &'o crate::model::Base) -> Ids<'o> {
        Ids::empty(Vec::new(), Some(base))
    }

    /// Whether the ids outside [`Ids::map`] are looked up in a checked base (an edited file
    /// checked on its own), through one memo that parallel passes would contend for.
    pub(super) fn has_outside(&self) -> bool {
        self.outside.is_some()
    }

    /// Ids with no declaration yet.
    fn empty(broken: Vec<String>, outside: Option<&'o crate::model::Base>) -> Ids<'o> {
        Ids {
            map: FxHashMap::default(),
            ats: Default::default(),
            decl: Default::default(),
            decl_at: Default::default(),
            aka: Default::default(),
            broken,
            outside,
            seen: Default::default(),
        }
    }

    /// The declaration's id if it has a sound one; a missing or malformed one is reported.
    fn valid_id<'r>(&self, sink: &mut Sink, e: &Entry<'r>) -> Option<&'r str> {
        let Some(id) = e.id.map(|s| s.trim()).filter(|s| !s.is_empty()) else {
            sink.missing(
                e.at,
                &[Seg::Key("id")],
                e.kind.name(),
                Some("every record needs a kebab-case id, e.g. `id: andrey-serdyukov`".into()),
            );
            return None;
        };
        if !names::is_kebab(id) {
            let suggestion = names::kebab(id);
            let help = if suggestion.is_empty() {
                "ids use lowercase ascii letters, digits and single hyphens".to_string()
            } else {
                format!(
                    "ids use lowercase ascii letters, digits and single hyphens: try `{suggestion}`"
                )
            };
            sink.report(
                Code::BadId,
                e.at,
                &[Seg::Key("id")],
                format!("id `{id}` is not kebab-case"),
                Some(help),
            );
        }
        Some(id)
    }

    /// Where a record is written.
    pub(super) fn at(&self, r: EntityRef) -> At {
        self.ats[r.kind.slot()][r.idx as usize]
    }

    /// The record `id` names in the base outside the edited files, if any.
    fn outside_lookup(&self, id: &str) -> Option<EntityRef> {
        let base = self.outside?;
        // A poisoned lock only means another look-up panicked; the map is still sound.
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(&r) = seen.get(id) {
            return r;
        }
        let r = base.lookup(id);
        seen.insert(id.to_string(), r);
        r
    }

    /// Resolves a reference, or says what is wrong with it. `Ok(None)` means the target is a
    /// record that failed to parse, which was reported there.
    pub(super) fn lookup(
        &self,
        field: &str,
        id: &str,
        want: Want,
    ) -> Result<Option<EntityRef>, Problem> {
        let id = id.trim();
        let found = self.map.get(id).copied();
        if let Some(r) = found.or_else(|| self.outside_lookup(id)) {
            if want.accepts(r.kind) {
                return Ok(Some(r));
            }
            let code = if want == Want::One(Kind::Source) {
                Code::UnknownSource
            } else {
                Code::WrongKind
            };
            return Err((
                code,
                format!(
                    "`{field}` must name {}, but `{id}` is {}",
                    article(want.noun()),
                    article(r.kind.name())
                ),
                relation_help(field).map(str::to_string),
            ));
        }
        if self.broken.iter().any(|b| b == id) {
            return Ok(None);
        }
        Err(match want {
            Want::One(Kind::Source) => {
                (Code::UnknownSource, format!("unknown source `{id}`"), None)
            }
            _ => (
                Code::Dangling,
                format!("`{field}` names `{id}`, but no {} has that id", want.noun()),
                None,
            ),
        })
    }

    /// Reports a failed reference; one to an unknown id gets its did-you-mean later.
    fn report(
        &self,
        sink: &mut Sink,
        at: At,
        path: &[Seg],
        id: &str,
        want: Want,
        problem: Problem,
    ) {
        let (code, message, help) = problem;
        if let Some(d) = sink.report(code, at, path, message, help)
            && !self.map.contains_key(id.trim())
        {
            sink.unknown.push((d, id.trim().to_string(), want));
        }
    }

    /// Resolves the reference at `path` (a field holding one id), reporting any problem there.
    pub(super) fn resolve(
        &self,
        sink: &mut Sink,
        at: At,
        path: &[Seg],
        field: &str,
        id: &str,
        want: Want,
    ) -> Option<EntityRef> {
        match self.lookup(field, id, want) {
            Ok(r) => r,
            Err(problem) => {
                self.report(sink, at, path, id, want, problem);
                None
            }
        }
    }

    /// Resolves an optional reference field; an empty one is no reference.
    pub(super) fn optional(
        &self,
        sink: &mut Sink,
        at: At,
        path: &[Seg],
        id: Option<&Text>,
        want: Want,
    ) -> Option<EntityRef> {
        let id = id.filter(|id| !id.trim().is_empty())?;
        let field = match path.last() {
            Some(Seg::Key(k)) => *k,
            _ => "value",
        };
        self.resolve(sink, at, path, field, id, want)
    }

    /// Resolves each id of a list field (`field` under `base`), reporting each problem at its
    /// item.
    pub(super) fn list(
        &self,
        sink: &mut Sink,
        at: At,
        base: &[Seg],
        field: &'static str,
        ids: &[Text],
        want: Want,
    ) -> Refs {
        let mut out = Refs::new();
        for (i, id) in ids.iter().enumerate() {
            match self.lookup(field, id, want) {
                Ok(Some(r)) => out.push(r),
                Ok(None) => {}
                Err(problem) => {
                    if !sink.room() {
                        continue;
                    }
                    // `room` counted nothing; the report below is the one made.
                    let mut path = base.to_vec();
                    path.push(Seg::Key(field));
                    let mut item = path.clone();
                    item.push(Seg::Index(i));
                    let path = if sink.index.locate(at, &item).found {
                        item
                    } else {
                        path
                    };
                    self.report(sink, at, &path, id, want, problem);
                }
            }
        }
        out
    }

    /// The sources a record or one of its roles or memberships cites. A record must cite one;
    /// a role or membership may inherit its record's.
    pub(super) fn sources(
        &self,
        sink: &mut Sink,
        at: At,
        path: &[Seg],
        list: &[Text],
        required: bool,
    ) -> SourceIds {
        if list.is_empty() && required {
            let mut p = path.to_vec();
            p.push(Seg::Key("source"));
            sink.report(
                Code::Missing,
                at,
                &p,
                "this record names no `source`".into(),
                Some("every fact cites the source that supports it: `source: <source id>`".into()),
            );
        }
        self.list(sink, at, path, "source", list, Want::One(Kind::Source))
            .into_iter()
            .map(|r| r.idx)
            .collect()
    }

    /// The ids of records of a wanted kind, for suggestions.
    pub(super) fn of_kind(&self, want: Want) -> impl Iterator<Item = &str> {
        self.map
            .iter()
            .filter(move |(_, r)| want.accepts(r.kind))
            .map(|(k, _)| k.as_str())
    }
}

/// A named record for suggestions: its reference, and its name then aliases.
pub(super) struct Named<'a> {
    pub(super) r: EntityRef,
    pub(super) id: &'a str,
    pub(super) names: Vec<&'a str>,
}

/// Gives each unknown-id diagnostic its did-you-mean: the record whose name or alias the id
/// spells, else the most similar id of the right kind.
pub(super) fn suggest(ids: &Ids, sink: &mut Sink, named: &[Named]) {
    for (d, id, want) in std::mem::take(&mut sink.unknown) {
        let q = NameQuery::new(&id);
        let mut by_name: Vec<&Named> = Vec::new();
        let mut best_tier = None;
        for n in named.iter().filter(|n| want.accepts(n.r.kind)) {
            if let Some(t) = q.tier(n.id, n.names.iter().copied()) {
                match best_tier {
                    Some(b) if t > b => {}
                    Some(b) if t == b => by_name.push(n),
                    _ => {
                        best_tier = Some(t);
                        by_name = vec![n];
                    }
                }
            }
        }
        let suggestion = match by_name.as_slice() {
            [one] => Some(one.id.to_string()),
            _ => names::closest(&id, ids.of_kind(want)).map(str::to_string),
        };
        let help = &mut sink.diags[d].help;
        match (suggestion, want) {
            (Some(s), _) => *help = Some(format!("did you mean `{s}`?")),
            // Else a help written where the reference was checked knows more (a publisher's).
            (None, Want::One(Kind::Source)) => {
                help.get_or_insert_with(|| {
                    "add it under `sources:` with an id, a title and, ideally, its text".into()
                });
            }
            (None, want) => {
                help.get_or_insert_with(|| {
                    format!("add {} with id `{id}`, or fix the id", article(want.noun()))
                });
            }
        }
    }
}
