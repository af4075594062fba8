//! Conversion: each raw record becomes a checked record, with its required fields present, its
//! dates parsed and its references resolved. A record with a problem is reported and becomes
//! `None`, never a placeholder; the base is only assembled when no record has one.

use super::resolve::{Ids, Want};
use super::sink::Sink;
use crate::date::{Date, DateError};
use crate::diag::Code;
use crate::load::{
    At, Cited, Common, Located, RawActor, RawDate, RawEvent, RawKind, RawOrganisation, RawPlace,
    RawQuote, RawSource, Records, Seg,
};
use crate::model::{
    Actor, Event, Ids as SourceIds, Kind, KindDecl, Membership, Meta, Organisation, Origin, Place,
    Publisher, Quote, Role, Source, Term, Text,
};
use rayon::prelude::*;

/// The converted records of every kind, by index; `None` where a record had a problem.
#[derive(Debug, Default)]
pub(super) struct Parts {
    pub(super) sources: Vec<Option<Source>>,
    pub(super) actors: Vec<Option<Actor>>,
    pub(super) organisations: Vec<Option<Organisation>>,
    pub(super) places: Vec<Option<Place>>,
    pub(super) quotes: Vec<Option<Quote>>,
    pub(super) events: Vec<Option<Event>>,
    pub(super) kinds: Vec<Option<KindDecl>>,
    /// Each place's `part_of`, resolved even when the place itself has another problem, for the
    /// cycle check.
    pub(super) part_of: Vec<Option<u32>>,
    /// Where each kind's `broader` is written (or the kind, when it has none).
    pub(super) kind_ats: Vec<At>,
}

/// Converts every record; the kind vocabulary first, so organisations and places can be checked
/// against it. The records of the other kinds are converted beside the quotes, each side
/// reporting into a sink of its own, taken back in order (the other kinds, the quotes, the
/// events), so the report is the one a conversion in one piece makes.
pub(super) fn convert(records: Records, ids: &Ids, sink: &mut Sink) -> Parts {
    let Records {
        sources,
        actors,
        organisations,
        places,
        quotes: raw_quotes,
        events,
        kinds,
    } = records;
    let ((kinds, kind_ats), named, quotes, events) =
        if raw_quotes.len() <= QUOTES_PART || ids.has_outside() {
            let mut c = Convert { ids, sink };
            let kinds = c.kinds(kinds);
            let named = c.named(sources, actors, organisations, places);
            let quotes = raw_quotes.into_iter().map(|r| c.quote(r)).collect();
            let events = events.into_iter().map(|r| c.event(r)).collect();
            (kinds, named, quotes, events)
        } else {
            let (mut before, mut quoted, mut after) = (sink.fork(), sink.fork(), sink.fork());
            let ((kinds, named, events), quotes) = rayon::join(
                || {
                    let mut c = Convert {
                        ids,
                        sink: &mut before,
                    };
                    let kinds = c.kinds(kinds);
                    let named = c.named(sources, actors, organisations, places);
                    c.sink = &mut after;
                    let events: Vec<_> = events.into_iter().map(|r| c.event(r)).collect();
                    (kinds, named, events)
                },
                || quotes(raw_quotes, ids, &mut quoted),
            );
            for fork in [before, quoted, after] {
                sink.absorb(fork);
            }
            (kinds, named, quotes, events)
        };
    let (sources, actors, organisations, places, part_of) = named;
    Parts {
        sources,
        actors,
        organisations,
        places,
        quotes,
        events,
        kinds,
        part_of,
        kind_ats,
    }
}

/// The named records and sources, converted: each place's `part_of` beside the places.
type Named = (
    Vec<Option<Source>>,
    Vec<Option<Actor>>,
    Vec<Option<Organisation>>,
    Vec<Option<Place>>,
    Vec<Option<u32>>,
);

/// Quotes converted in parallel, this many to a part, once there are more than this.
const QUOTES_PART: usize = 4096;

/// Converts the quotes, the bulk of a large base: in parts on every core, each reporting into a
/// sink of its own, taken back in order, so the report is the one a conversion in one piece
/// makes. An edited file checked against a snapshot converts in one piece: its look-ups share
/// one memo (measured at 1M quotes: no faster in parts, and a third more CPU).
fn quotes(mut raw: Vec<Located<RawQuote>>, ids: &Ids, sink: &mut Sink) -> Vec<Option<Quote>> {
    let mut out: Vec<Option<Quote>> = Vec::with_capacity(raw.len());
    out.par_extend((0..raw.len()).into_par_iter().map(|_| None));
    let shared: &Sink = sink;
    let forks: Vec<Sink> = out
        .par_chunks_mut(QUOTES_PART)
        .zip(raw.par_chunks_mut(QUOTES_PART))
        .map(|(out, raw)| {
            let mut fork = shared.fork();
            let mut c = Convert {
                ids,
                sink: &mut fork,
            };
            for (slot, r) in out.iter_mut().zip(raw) {
                let at = r.at;
                *slot = c.quote(Located {
                    raw: std::mem::take(&mut r.raw),
                    at,
                });
            }
            fork
        })
        .collect();
    drop(raw);
    for fork in forks {
        sink.absorb(fork);
    }
    out
}

struct Convert<'a, 'i, 'o> {
    ids: &'a Ids<'o>,
    sink: &'a mut Sink<'i>,
}

/// `Some` of all its parts when every one is present.
macro_rules! all {
    ($($x:ident),*) => { (|| Some(($($x?,)*)))() };
}

impl Convert<'_, '_, '_> {
    /// The sources, people, organisations and places, in that order.
    fn named(
        &mut self,
        sources: Vec<Located<RawSource>>,
        actors: Vec<Located<RawActor>>,
        organisations: Vec<Located<RawOrganisation>>,
        places: Vec<Located<RawPlace>>,
    ) -> Named {
        let sources = sources.into_iter().map(|r| self.source(r)).collect();
        let actors = actors.into_iter().map(|r| self.actor(r)).collect();
        let organisations = organisations
            .into_iter()
            .map(|r| self.organisation(r))
            .collect();
        let (places, part_of) = places.into_iter().map(|r| self.place(r)).unzip();
        (sources, actors, organisations, places, part_of)
    }

    fn meta(&mut self, at: At, c: Common) -> Meta {
        let sources = self.ids.sources(self.sink, at, &[], &c.source, true);
        Meta {
            id: trimmed(c.id),
            sources,
            evidence: c.evidence,
            notes: c.notes,
            origin: Origin {
                file: at.file,
                line: at.line,
            },
            rank: c.rank.unwrap_or_default(),
        }
    }

    /// A required text field, or a report that it is missing, null or empty.
    fn required(&mut self, at: At, path: &[Seg], what: &str, value: Option<Text>) -> Option<Text> {
        match value {
            Some(v) if !v.trim().is_empty() => Some(v),
            _ => {
                self.sink.missing(at, path, what, None);
                None
            }
        }
    }

    /// An optional date: `Ok(None)` when absent, `Err` when present and wrong (reported).
    fn date(&mut self, at: At, path: &[Seg], raw: Option<&RawDate>) -> Result<Option<Date>, ()> {
        let Some(raw) = raw else { return Ok(None) };
        let result = match raw {
            RawDate::Text(t) => Date::parse(t),
            RawDate::Year(y) => Date::from_year(*y),
        };
        result.map(Some).map_err(|err| {
            let code = match err {
                DateError::Malformed(_) => Code::BadDate,
                DateError::Impossible(_) => Code::ImpossibleDate,
                DateError::Backwards(_) => Code::Backwards,
            };
            self.sink.report(code, at, path, err.to_string(), None);
        })
    }

    /// A role's or membership's `since` and `until`; `until` must not end before `since` starts.
    fn span(
        &mut self,
        at: At,
        path: &[Seg],
        since: Option<&RawDate>,
        until: Option<&RawDate>,
    ) -> Option<(Option<Date>, Option<Date>)> {
        let field = |f| [path[0], path[1], Seg::Key(f)];
        let since = self.date(at, &field("since"), since);
        let until = self.date(at, &field("until"), until);
        let (since, until) = (since.ok()?, until.ok()?);
        if let (Some(s), Some(u)) = (&since, &until)
            && let (Some(s0), Some(u1)) = (s.start(), u.end())
            && u1 < s0
        {
            self.sink.report(
                Code::Backwards,
                at,
                &field("until"),
                format!("`until` {u} is before `since` {s}"),
                Some("swap them, or fix the year".into()),
            );
            return None;
        }
        Some((since, until))
    }

    /// The kind vocabulary, one entry per kind however often it is declared: a base that adds
    /// its own files to another may declare the same kinds again, as long as they agree on the
    /// broader kind. Also returns where each kind's `broader` is written, for the cycle check.
    fn kinds(&mut self, raw: Vec<Located<RawKind>>) -> (Vec<Option<KindDecl>>, Vec<At>) {
        // Each kind: its declaration so far, its broader kind by name and where that is written,
        // and where the kind is first declared.
        type Merged = (KindDecl, Option<(Text, At)>, At);
        let mut merged: Vec<Merged> = Vec::new();
        // Each kind by its folded name, so a long vocabulary costs its length, not its square.
        let mut by_name: rustc_hash::FxHashMap<String, usize> = Default::default();
        let fold = |t: &str| crate::names::normalise(t);
        for Located { raw: k, at } in raw {
            let Some(name) = self.required(at, &[Seg::Key("name")], "kind", k.name) else {
                continue;
            };
            let broader = k.broader.filter(|b| !b.trim().is_empty());
            let entry = match by_name.entry(fold(&name)) {
                std::collections::hash_map::Entry::Occupied(e) => merged.get_mut(*e.get()),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(merged.len());
                    None
                }
            };
            let Some(entry) = entry else {
                let decl = KindDecl {
                    name,
                    broader: None,
                    description: k.description,
                    notes: k.notes,
                };
                merged.push((decl, broader.map(|b| (b, at)), at));
                continue;
            };
            entry.0.description = entry.0.description.take().or(k.description);
            entry.0.notes = entry.0.notes.take().or(k.notes);
            match (&entry.1, broader) {
                (Some((first, first_at)), Some(b)) if fold(first) != fold(&b) => {
                    let first_at = self.sink.where_is(*first_at);
                    self.sink.report(
                        Code::DuplicateId,
                        at,
                        &[Seg::Key("broader")],
                        format!(
                            "kind `{name}` is declared again with another broader kind: `{b}` here, `{first}` at {first_at}"
                        ),
                        Some("a kind falls under one broader kind; make the declarations agree".into()),
                    );
                }
                (None, Some(b)) => entry.1 = Some((b, at)),
                _ => {}
            }
        }
        let shown: Vec<Text> = merged.iter().map(|(d, _, _)| d.name.clone()).collect();
        let mut out = Vec::with_capacity(merged.len());
        let mut ats = Vec::with_capacity(merged.len());
        for (mut decl, broader, at) in merged {
            let Some((b, b_at)) = broader else {
                out.push(Some(decl));
                ats.push(at);
                continue;
            };
            ats.push(b_at);
            match by_name.get(&fold(&b)) {
                Some(&i) => {
                    decl.broader = Some(i as u32);
                    out.push(Some(decl));
                }
                None => {
                    // A suggestion compares with every kind: only for a problem to be shown.
                    let shown_now = self.sink.diags.len() < crate::diag::SHOWN;
                    let help = shown_now
                        .then(|| crate::names::closest(&b, shown.iter().map(|n| n.as_str())))
                        .flatten()
                        .map(|s| format!("did you mean `{s}`?"))
                        .unwrap_or_else(|| {
                            "declare it in `kinds:` too, with its own broader kind if any".into()
                        });
                    self.sink.report(
                        Code::Dangling,
                        b_at,
                        &[Seg::Key("broader")],
                        format!(
                            "`broader` names the kind `{b}`, but no kind of that name is declared"
                        ),
                        Some(help),
                    );
                    out.push(None);
                }
            }
        }
        (out, ats)
    }

    fn source(&mut self, Located { raw: r, at }: Located<RawSource>) -> Option<Source> {
        let title = self.required(at, &[Seg::Key("title")], "source", r.title);
        let published = self.date(at, &[Seg::Key("published")], r.published.as_ref());
        let publisher = self.publisher(at, r.publisher);
        let (title, published, publisher) = (title?, published.ok()?, publisher?);
        Some(Source {
            id: trimmed(r.id),
            title,
            publisher,
            published,
            url: r.url,
            text: r.text,
            notes: r.notes,
            origin: Origin {
                file: at.file,
                line: at.line,
            },
        })
    }

    /// A source's publisher: an organisation's id (a kebab-case value), checked like any
    /// reference, or a name as free text. `None` when it names no organisation (reported).
    fn publisher(&mut self, at: At, raw: Option<Text>) -> Option<Option<Publisher>> {
        let Some(p) = raw.filter(|p| !p.trim().is_empty()) else {
            return Some(None);
        };
        if !crate::names::is_kebab(p.trim()) {
            return Some(Some(Publisher::Named(p)));
        }
        let path = [Seg::Key("publisher")];
        let reported = self.sink.diags.len();
        let found = self.ids.resolve(
            self.sink,
            at,
            &path,
            "publisher",
            &p,
            Want::One(Kind::Organisation),
        );
        // The help goes on the diagnostic just reported, if one was (not past the cap).
        if found.is_none()
            && self.sink.diags.len() > reported
            && let Some(d) = self.sink.diags.last_mut()
        {
            d.help.get_or_insert_with(|| {
                format!(
                    "a kebab-case publisher is the id of an organisation: declare `{p}` under \
                     `organisations:`, or write the publisher's name as it is spelled \
                     (`The Guardian`)"
                )
            });
        }
        Some(Some(Publisher::Org(found?)))
    }

    fn actor(&mut self, Located { raw: mut r, at }: Located<RawActor>) -> Option<Actor> {
        let meta = self.meta(at, r.take_common());
        let name = self.required(at, &[Seg::Key("name")], "actor", r.name);
        let description = self.required(at, &[Seg::Key("description")], "actor", r.description);
        let nationality = self.ids.optional(
            self.sink,
            at,
            &[Seg::Key("nationality")],
            r.nationality.as_ref(),
            Want::One(Kind::Place),
        );
        let nationality_ok = r.nationality.is_none() || nationality.is_some();
        let mut roles = Some(Vec::with_capacity(r.roles.len()));
        for (i, role) in r.roles.into_iter().enumerate() {
            let role = self.role(at, i, role, &meta.sources);
            match (&mut roles, role) {
                (Some(list), Some(role)) => list.push(role),
                _ => roles = None,
            }
        }
        let nationality_ok = nationality_ok.then_some(());
        let (name, description, roles, ()) = all!(name, description, roles, nationality_ok)?;
        Some(Actor {
            meta,
            name,
            aliases: r.aliases.0,
            description,
            nationality,
            roles,
            merged: None,
        })
    }

    fn role(
        &mut self,
        at: At,
        i: usize,
        role: crate::load::RawRole,
        inherited: &SourceIds,
    ) -> Option<Role> {
        let path = [Seg::Key("roles"), Seg::Index(i)];
        let field = |f| [path[0], path[1], Seg::Key(f)];
        let title = self.required(at, &field("title"), "role", role.title);
        let org = self.ids.optional(
            self.sink,
            at,
            &field("org"),
            role.org.as_ref(),
            Want::One(Kind::Organisation),
        );
        let place = self.ids.optional(
            self.sink,
            at,
            &field("place"),
            role.place.as_ref(),
            Want::One(Kind::Place),
        );
        let refs_ok =
            (role.org.is_none() || org.is_some()) && (role.place.is_none() || place.is_some());
        let parts = TermParts {
            since: role.since.as_ref(),
            until: role.until.as_ref(),
            source: &role.source.0,
            evidence: role.evidence,
            notes: role.notes,
        };
        let term = self.term(at, &path, parts, inherited);
        let refs_ok = refs_ok.then_some(());
        let (title, term, ()) = all!(title, term, refs_ok)?;
        Some(Role {
            title,
            org,
            place,
            term,
        })
    }

    /// A role's or membership's dates and sources: `until` must not end before `since`
    /// starts, and with no `source` of its own it cites its record's.
    fn term(
        &mut self,
        at: At,
        path: &[Seg; 2],
        parts: TermParts,
        inherited: &SourceIds,
    ) -> Option<Term> {
        let span = self.span(at, path, parts.since, parts.until);
        let own = self.ids.sources(self.sink, at, path, parts.source, false);
        let (since, until) = span?;
        Some(Term {
            since,
            until,
            sources: if own.is_empty() {
                inherited.clone()
            } else {
                own
            },
            evidence: parts.evidence,
            notes: parts.notes,
        })
    }

    fn organisation(
        &mut self,
        Located { raw: mut r, at }: Located<RawOrganisation>,
    ) -> Option<Organisation> {
        let meta = self.meta(at, r.take_common());
        let name = self.required(at, &[Seg::Key("name")], "organisation", r.name);
        let kind = self.required(at, &[Seg::Key("kind")], "organisation", r.kind);
        let founded = self
            .date(at, &[Seg::Key("founded")], r.founded.as_ref())
            .ok();
        let based_in = self.ids.optional(
            self.sink,
            at,
            &[Seg::Key("based_in")],
            r.based_in.as_ref(),
            Want::One(Kind::Place),
        );
        let based_ok = (r.based_in.is_none() || based_in.is_some()).then_some(());
        let mut members = Some(Vec::with_capacity(r.members.len()));
        for (i, m) in r.members.into_iter().enumerate() {
            let path = [Seg::Key("members"), Seg::Index(i)];
            let field = |f| [path[0], path[1], Seg::Key(f)];
            let member = match &m.member {
                Some(id) if !id.trim().is_empty() => {
                    self.ids
                        .resolve(self.sink, at, &field("member"), "member", id, Want::Party)
                }
                _ => {
                    let help = "write the id of the member: `member: kazakhstan`";
                    self.sink
                        .missing(at, &field("member"), "membership", Some(help.into()));
                    None
                }
            };
            let parts = TermParts {
                since: m.since.as_ref(),
                until: m.until.as_ref(),
                source: &m.source.0,
                evidence: m.evidence,
                notes: m.notes,
            };
            let term = self.term(at, &path, parts, &meta.sources);
            let membership = all!(member, term).map(|(member, term)| Membership { member, term });
            match (&mut members, membership) {
                (Some(list), Some(m)) => list.push(m),
                _ => members = None,
            }
        }
        let (name, kind, founded, members, ()) = all!(name, kind, founded, members, based_ok)?;
        Some(Organisation {
            meta,
            name,
            aliases: r.aliases.0,
            kind,
            description: r.description,
            founded,
            based_in,
            members,
            merged: None,
        })
    }

    fn place(
        &mut self,
        Located { raw: mut r, at }: Located<RawPlace>,
    ) -> (Option<Place>, Option<u32>) {
        let meta = self.meta(at, r.take_common());
        let name = self.required(at, &[Seg::Key("name")], "place", r.name);
        let kind = self.required(at, &[Seg::Key("kind")], "place", r.kind);
        let part_of = self.ids.optional(
            self.sink,
            at,
            &[Seg::Key("part_of")],
            r.part_of.as_ref(),
            Want::One(Kind::Place),
        );
        let part_ok = (r.part_of.is_none() || part_of.is_some()).then_some(());
        let place = all!(name, kind, part_ok).map(|(name, kind, ())| Place {
            meta,
            name,
            aliases: r.aliases.0,
            kind,
            part_of,
            description: r.description,
            merged: None,
        });
        (place, part_of.map(|p| p.idx))
    }

    fn quote(&mut self, Located { raw: mut r, at }: Located<RawQuote>) -> Option<Quote> {
        let meta = self.meta(at, r.take_common());
        let speaker = match r.speaker.as_ref().filter(|s| !s.trim().is_empty()) {
            Some(id) => self.ids.resolve(
                self.sink,
                at,
                &[Seg::Key("speaker")],
                "speaker",
                id,
                Want::Speaker,
            ),
            None => {
                self.sink.missing(at, &[Seg::Key("speaker")], "quote", None);
                None
            }
        };
        let text = self.required(at, &[Seg::Key("text")], "quote", r.text);
        let said = self.date(at, &[Seg::Key("said")], r.said.as_ref()).ok();
        let about = self
            .ids
            .list(self.sink, at, &[], "about", &r.about.0, Want::Any);
        let about_ok = (about.len() == r.about.0.len()).then_some(());
        let (speaker, text, said, ()) = all!(speaker, text, said, about_ok)?;
        Some(Quote {
            meta,
            speaker,
            text,
            kind: r.kind.unwrap_or_default(),
            said,
            context: r.context,
            about,
            merged: None,
        })
    }

    fn event(&mut self, Located { raw: mut r, at }: Located<RawEvent>) -> Option<Event> {
        let meta = self.meta(at, r.take_common());
        let date = match r.date.as_ref() {
            Some(raw) => self.date(at, &[Seg::Key("date")], Some(raw)).ok().flatten(),
            None => {
                let help = "if the source gives no exact date, write what it does give: 2022-01, \
                            2022, 199X, or an interval";
                self.sink
                    .missing(at, &[Seg::Key("date")], "event", Some(help.into()));
                None
            }
        };
        let title = self.required(at, &[Seg::Key("title")], "event", r.title);
        let involving = self
            .ids
            .list(self.sink, at, &[], "involving", &r.involving.0, Want::Party);
        let places = self.ids.list(
            self.sink,
            at,
            &[],
            "places",
            &r.places.0,
            Want::One(Kind::Place),
        );
        let about = self
            .ids
            .list(self.sink, at, &[], "about", &r.about.0, Want::Any);
        let refs_ok = (involving.len() == r.involving.0.len()
            && about.len() == r.about.0.len()
            && places.len() == r.places.0.len())
        .then_some(());
        let (date, title, ()) = all!(date, title, refs_ok)?;
        Some(Event {
            meta,
            date,
            title,
            description: r.description,
            involving,
            about,
            places,
            merged: None,
        })
    }
}

/// The raw fields of a role's or membership's term.
struct TermParts<'r> {
    since: Option<&'r RawDate>,
    until: Option<&'r RawDate>,
    source: &'r [Text],
    evidence: Option<Text>,
    notes: Option<Text>,
}

/// An id as written, without surrounding spaces (an absent id is empty and already reported).
fn trimmed(id: Option<Text>) -> Text {
    match id {
        Some(id) if id.trim().len() == id.len() => id,
        Some(id) => id.trim().into(),
        None => Text::default(),
    }
}
