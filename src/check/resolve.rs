//! Ids and references: every record's id is unique and kebab-case, and every reference names a
//! record of the right kind, with a did-you-mean when it names none.

use super::sink::Sink;
use crate::diag::Code;
use crate::load::{At, Records, Seg};
use crate::model::{EntityRef, Ids as SourceIds, Kind, Refs, Text};
use crate::names::{self, NameQuery};
use crate::text::article;
use rustc_hash::FxHashMap;

/// Which kinds a reference may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Want {
    One(Kind),
    /// People, organisations and places: anything that can be a member.
    Party,
    /// People and organisations: anything that can say something.
    Speaker,
    Any,
}

impl Want {
    pub(super) fn accepts(self, kind: Kind) -> bool {
        match self {
            Want::One(k) => k == kind,
            Want::Party => matches!(kind, Kind::Actor | Kind::Organisation | Kind::Place),
            Want::Speaker => matches!(kind, Kind::Actor | Kind::Organisation),
            Want::Any => true,
        }
    }

    /// What the reference must name, without an article: `actor or organisation`.
    fn noun(self) -> &'static str {
        match self {
            Want::One(k) => k.name(),
            Want::Party => "actor, organisation or place",
            Want::Speaker => "actor or organisation",
            Want::Any => "record",
        }
    }
}

/// Every record's id and where it is written.
pub(super) struct Ids {
    pub(super) map: FxHashMap<String, EntityRef>,
    /// Where each record is, per kind in [`Kind::ALL`] order, by index.
    ats: [Vec<At>; 6],
    /// Ids of records that failed to parse, so that references to them do not cascade.
    broken: Vec<String>,
    /// References to unknown ids, given a did-you-mean once the base is converted: the
    /// diagnostic's index, the id, and what it should have named.
    pub(super) unknown: Vec<(usize, String, Want)>,
}

/// Where a record is and the id it was given, if any.
type IdAt<'r> = (At, Option<&'r Text>);

/// A reference that cannot be resolved: its code, message and help.
type Problem = (Code, String, Option<String>);

impl Ids {
    /// Gives every record its id, reporting ids that are missing, not kebab-case or taken.
    pub(super) fn assign(records: &Records, broken: Vec<String>, sink: &mut Sink) -> Ids {
        let mut ids = Ids {
            map: FxHashMap::default(),
            ats: Default::default(),
            broken,
            unknown: Vec::new(),
        };
        let kinds: [(Kind, Vec<IdAt>); 6] = [
            (
                Kind::Source,
                records
                    .sources
                    .iter()
                    .map(|r| (r.at, r.raw.id.as_ref()))
                    .collect(),
            ),
            (
                Kind::Actor,
                records
                    .actors
                    .iter()
                    .map(|r| (r.at, r.raw.id.as_ref()))
                    .collect(),
            ),
            (
                Kind::Organisation,
                records
                    .organisations
                    .iter()
                    .map(|r| (r.at, r.raw.id.as_ref()))
                    .collect(),
            ),
            (
                Kind::Place,
                records
                    .places
                    .iter()
                    .map(|r| (r.at, r.raw.id.as_ref()))
                    .collect(),
            ),
            (
                Kind::Quote,
                records
                    .quotes
                    .iter()
                    .map(|r| (r.at, r.raw.id.as_ref()))
                    .collect(),
            ),
            (
                Kind::Event,
                records
                    .events
                    .iter()
                    .map(|r| (r.at, r.raw.id.as_ref()))
                    .collect(),
            ),
        ];
        ids.map.reserve(kinds.iter().map(|(_, k)| k.len()).sum());
        for (kind, list) in kinds {
            for (idx, (at, id)) in list.into_iter().enumerate() {
                ids.add(sink, EntityRef::new(kind, idx as u32), at, id);
            }
        }
        ids
    }

    fn add(&mut self, sink: &mut Sink, r: EntityRef, at: At, id: Option<&Text>) {
        self.ats[r.kind.slot()].push(at);
        let Some(id) = id.map(|s| s.trim()).filter(|s| !s.is_empty()) else {
            sink.missing(
                at,
                &[Seg::Key("id")],
                r.kind.name(),
                Some("every record needs a kebab-case id, e.g. `id: andrey-serdyukov`".into()),
            );
            return;
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
                at,
                &[Seg::Key("id")],
                format!("id `{id}` is not kebab-case"),
                Some(help),
            );
        }
        if let Some(&other) = self.map.get(id) {
            let other_at = sink.where_is(self.at(other));
            sink.report(
                Code::DuplicateId,
                at,
                &[Seg::Key("id")],
                format!(
                    "duplicate id `{id}`: the {} at {other_at} already uses it",
                    other.kind.name()
                ),
                Some(
                    "ids are unique across the whole base, whatever their kind; rename one".into(),
                ),
            );
            return;
        }
        self.map.insert(id.to_string(), r);
    }

    /// Where a record is written.
    pub(super) fn at(&self, r: EntityRef) -> At {
        self.ats[r.kind.slot()][r.idx as usize]
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
        if let Some(&r) = self.map.get(id) {
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
                None,
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
        &mut self,
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
            self.unknown.push((d, id.trim().to_string(), want));
        }
    }

    /// Resolves the reference at `path` (a field holding one id), reporting any problem there.
    pub(super) fn resolve(
        &mut self,
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
        &mut self,
        sink: &mut Sink,
        at: At,
        path: &[Seg],
        id: Option<&Text>,
        want: Want,
    ) -> Option<u32> {
        let id = id.filter(|id| !id.trim().is_empty())?;
        let field = match path.last() {
            Some(Seg::Key(k)) => *k,
            _ => "value",
        };
        self.resolve(sink, at, path, field, id, want).map(|r| r.idx)
    }

    /// Resolves each id of a list field (`field` under `base`), reporting each problem at its
    /// item.
    pub(super) fn list(
        &mut self,
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
        &mut self,
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
    for (d, id, want) in &ids.unknown {
        let q = NameQuery::new(id);
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
            _ => names::closest(id, ids.of_kind(*want)).map(str::to_string),
        };
        sink.diags[*d].help = match (suggestion, want) {
            (Some(s), _) => Some(format!("did you mean `{s}`?")),
            (None, Want::One(Kind::Source)) => {
                Some("add it under `sources:` with an id, a title and, ideally, its text".into())
            }
            (None, _) => None,
        };
    }
}
