//! The checks that guard a fact base, and the step that turns raw records into the checked
//! [`Base`].

use crate::date::{Date, DateError};
use crate::diag::{Code, Diagnostic, Report, SHOWN};
use crate::load::{At, Index, Located, Raw, RawDate, Records, Seg};
use crate::model::{
    Actor, Base, EntityRef, Event, Ids, Kind, Membership, Meta, Organisation, Origin, Place, Quote,
    Refs, Role, Source, Text,
};
use crate::names;
use crate::text::article;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

/// Checks every raw record and resolves it into a [`Base`], or returns every problem found.
pub fn build(raw: Raw) -> Result<Base, Report> {
    let Raw {
        index,
        records,
        diagnostics,
        broken_ids,
    } = raw;
    let mut b = Builder::new(&index, &broken_ids);
    b.assign_ids(&records);
    let mut base = b.convert(records);
    b.check_sources_text(&mut base);
    b.check_cycles(&base);
    b.suggest(&base);
    base.set_ids(std::mem::take(&mut b.ids));
    let mut diags = b.diags;
    diags.extend(diagnostics);
    if diags.is_empty() && b.unshown == 0 {
        Ok(base)
    } else {
        Err(Report::new(diags, b.unshown))
    }
}

/// Which kinds a reference may name.
#[derive(Clone, Copy)]
enum Want {
    One(Kind),
    /// People, organisations and places: anything that can be a member.
    Party,
    Any,
}

impl Want {
    fn accepts(self, kind: Kind) -> bool {
        match self {
            Want::One(k) => k == kind,
            Want::Party => matches!(kind, Kind::Actor | Kind::Organisation | Kind::Place),
            Want::Any => true,
        }
    }

    fn describe(self) -> String {
        match self {
            Want::One(k) => article(k.name()),
            Want::Party => "an actor, organisation or place".into(),
            Want::Any => "a record".into(),
        }
    }
}

struct Builder<'r> {
    index: &'r Index,
    broken_ids: &'r [String],
    ids: FxHashMap<String, EntityRef>,
    /// Where each record is, per kind in [`Kind::ALL`] order, by index.
    ats: [Vec<At>; 6],
    /// For each organisation, the position in its `members` list of each membership kept.
    member_raw: Vec<Vec<u32>>,
    /// Diagnostics about unknown ids, whose did-you-mean is found once the base is built:
    /// the diagnostic's index, the id, and what it should have named.
    pending: Vec<(usize, String, Want)>,
    diags: Vec<Diagnostic>,
    /// Problems found after [`SHOWN`] were: counted, not located.
    unshown: usize,
}

/// The shared fields of a raw record, taken from it.
struct Common {
    id: Option<Text>,
    source: Vec<Text>,
    evidence: Option<Text>,
    notes: Option<Text>,
}

/// The position of a kind in [`Kind::ALL`].
fn slot(kind: Kind) -> usize {
    Kind::ALL.iter().position(|&k| k == kind).unwrap_or(0)
}

impl<'r> Builder<'r> {
    fn new(index: &'r Index, broken_ids: &'r [String]) -> Builder<'r> {
        Builder {
            index,
            broken_ids,
            ids: FxHashMap::default(),
            ats: Default::default(),
            member_raw: Vec::new(),
            pending: Vec::new(),
            diags: Vec::new(),
            unshown: 0,
        }
    }

    /// Whether another diagnostic may still be located and listed; counts it if not.
    fn room(&mut self) -> bool {
        if self.diags.len() < SHOWN {
            true
        } else {
            self.unshown += 1;
            false
        }
    }

    fn diag(&mut self, code: Code, at: At, path: &[Seg], message: String, help: Option<String>) {
        if !self.room() {
            return;
        }
        let pos = self.index.locate(at, path);
        let file = &self.index.files[at.file as usize];
        let (line, column) = file.clamp(pos.line, pos.column);
        let mut d = Diagnostic::at(code, &file.display, line, column, message)
            .with_line(file.line_text(line).unwrap_or_default().to_string());
        if let Some(help) = help {
            d = d.with_help(help);
        }
        self.diags.push(d);
    }

    fn where_is(&self, at: At) -> String {
        format!(
            "{}:{}",
            self.index.files[at.file as usize].display,
            self.index.record_line(at)
        )
    }

    // -- ids ---------------------------------------------------------------------------------

    fn assign_ids(&mut self, raw: &Records) {
        let add = |b: &mut Self, kind: Kind, idx: usize, at: At, id: Option<&Text>| {
            b.ats[slot(kind)].push(at);
            let Some(id) = id.map(|s| s.trim()).filter(|s| !s.is_empty()) else {
                b.missing(
                    at,
                    &[Seg::Key("id")],
                    kind.name(),
                    Some("every record needs a kebab-case id, e.g. `id: andrey-serdyukov`".into()),
                );
                return;
            };
            if !names::is_kebab(id) {
                let suggestion = names::kebab(id);
                b.diag(
                    Code::BadId,
                    at,
                    &[Seg::Key("id")],
                    format!("id `{id}` is not kebab-case"),
                    Some(if suggestion.is_empty() {
                        "ids use lowercase ascii letters, digits and single hyphens".to_string()
                    } else {
                        format!("ids use lowercase ascii letters, digits and single hyphens: try `{suggestion}`")
                    }),
                );
            }
            if let Some(other) = b.ids.get(id).copied() {
                let other_kind = other.kind;
                let other = b.where_is(b.ats[slot(other.kind)][other.idx as usize]);
                b.diag(
                    Code::DuplicateId,
                    at,
                    &[Seg::Key("id")],
                    format!(
                        "duplicate id `{id}`: the {} at {other} already uses it",
                        other_kind.name()
                    ),
                    Some(
                        "ids are unique across the whole base, whatever their kind; rename one"
                            .into(),
                    ),
                );
                return;
            }
            b.ids.insert(
                id.to_string(),
                EntityRef {
                    kind,
                    idx: idx as u32,
                },
            );
        };
        for (i, r) in raw.sources.iter().enumerate() {
            add(self, Kind::Source, i, r.at, r.raw.id.as_ref());
        }
        for (i, r) in raw.actors.iter().enumerate() {
            add(self, Kind::Actor, i, r.at, r.raw.id.as_ref());
        }
        for (i, r) in raw.organisations.iter().enumerate() {
            add(self, Kind::Organisation, i, r.at, r.raw.id.as_ref());
        }
        for (i, r) in raw.places.iter().enumerate() {
            add(self, Kind::Place, i, r.at, r.raw.id.as_ref());
        }
        for (i, r) in raw.quotes.iter().enumerate() {
            add(self, Kind::Quote, i, r.at, r.raw.id.as_ref());
        }
        for (i, r) in raw.events.iter().enumerate() {
            add(self, Kind::Event, i, r.at, r.raw.id.as_ref());
        }
    }

    // -- field helpers -----------------------------------------------------------------------

    /// Reports a required field that is absent, null or empty, saying which it is.
    fn missing(&mut self, at: At, path: &[Seg], what: &str, help: Option<String>) {
        if self.diags.len() >= SHOWN {
            self.unshown += 1;
            return;
        }
        let field = match path.last() {
            Some(Seg::Key(k)) => *k,
            _ => "value",
        };
        let message = if self.index.locate(at, path).found {
            format!("`{field}` is empty: {} needs one", article(what))
        } else {
            format!("this {what} has no `{field}`, which is required")
        };
        self.diag(Code::Missing, at, path, message, help);
    }

    fn required(&mut self, at: At, kind: Kind, field: &'static str, value: Option<Text>) -> Text {
        match value {
            Some(v) if !v.trim().is_empty() => v,
            _ => {
                self.missing(at, &[Seg::Key(field)], kind.name(), None);
                Text::default()
            }
        }
    }

    fn date(&mut self, at: At, path: &[Seg], raw: Option<&RawDate>) -> Option<Date> {
        let result = match raw? {
            RawDate::Text(t) => Date::parse(t),
            RawDate::Year(y) => Date::from_year(*y),
        };
        match result {
            Ok(d) => Some(d),
            Err(err) => {
                let code = match err {
                    DateError::Malformed(_) => Code::BadDate,
                    DateError::Impossible(_) => Code::ImpossibleDate,
                    DateError::Backwards(_) => Code::Backwards,
                };
                self.diag(code, at, path, err.to_string(), None);
                None
            }
        }
    }

    fn required_date(
        &mut self,
        at: At,
        kind: Kind,
        field: &'static str,
        raw: Option<&RawDate>,
    ) -> Date {
        if raw.is_none() {
            let help = "if the source gives no exact date, write what it does give: 2022-01, 2022, \
                        199X, or an interval";
            self.missing(at, &[Seg::Key(field)], kind.name(), Some(help.into()));
        }
        self.date(at, &[Seg::Key(field)], raw)
            .unwrap_or_else(|| Date::parse("0000").expect("valid placeholder"))
    }

    /// `until` must not end before `since` starts.
    fn since_until(&mut self, at: At, path: &[Seg], since: &Option<Date>, until: &Option<Date>) {
        if let (Some(s), Some(u)) = (since, until)
            && let (Some(s0), Some(u1)) = (s.start(), u.end())
            && u1 < s0
        {
            let mut p = path.to_vec();
            p.push(Seg::Key("until"));
            self.diag(
                Code::Backwards,
                at,
                &p,
                format!("`until` {u} is before `since` {s}"),
                Some("swap them, or fix the year".into()),
            );
        }
    }

    /// Resolves a reference, or says what is wrong with it. `Ok(None)` means the target is a
    /// record that already failed to parse, which was reported there.
    fn lookup(
        &self,
        field: &str,
        id: &str,
        want: Want,
    ) -> Result<Option<EntityRef>, (Code, String, Option<String>)> {
        let id = id.trim();
        if let Some(r) = self.ids.get(id).copied() {
            if want.accepts(r.kind) {
                return Ok(Some(r));
            }
            let code = if matches!(want, Want::One(Kind::Source)) {
                Code::UnknownSource
            } else {
                Code::WrongKind
            };
            return Err((
                code,
                format!(
                    "`{field}` must name {}, but `{id}` is {}",
                    want.describe(),
                    article(r.kind.name())
                ),
                None,
            ));
        }
        if self.broken_ids.iter().any(|b| b == id) {
            return Ok(None);
        }
        // The did-you-mean is added by `suggest` once the base is built.
        Err(match want {
            Want::One(Kind::Source) => {
                (Code::UnknownSource, format!("unknown source `{id}`"), None)
            }
            Want::One(k) => (
                Code::Dangling,
                format!("`{field}` names `{id}`, but no {} has that id", k.name()),
                None,
            ),
            _ => (
                Code::Dangling,
                format!("`{field}` names `{id}`, but no record has that id"),
                None,
            ),
        })
    }

    /// Reports a failed reference, to be given a did-you-mean later when it names nothing.
    fn report_ref(
        &mut self,
        at: At,
        path: &[Seg],
        id: &str,
        want: Want,
        problem: (Code, String, Option<String>),
    ) {
        let (code, message, help) = problem;
        let before = self.diags.len();
        self.diag(code, at, path, message, help);
        if self.diags.len() > before && !self.ids.contains_key(id.trim()) {
            self.pending
                .push((self.diags.len() - 1, id.trim().to_string(), want));
        }
    }

    /// Resolves the reference at `path` (a scalar field), reporting any problem there.
    fn resolve(
        &mut self,
        at: At,
        path: &[Seg],
        field: &str,
        id: &str,
        want: Want,
    ) -> Option<EntityRef> {
        match self.lookup(field, id, want) {
            Ok(r) => r,
            Err(problem) => {
                self.report_ref(at, path, id, want, problem);
                None
            }
        }
    }

    /// Resolves each id of a list field (or a single value written in its place).
    fn resolve_list(
        &mut self,
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
                Err(_) if self.diags.len() >= SHOWN => self.unshown += 1,
                Err(problem) => {
                    let mut path = base.to_vec();
                    path.push(Seg::Key(field));
                    let mut item = path.clone();
                    item.push(Seg::Index(i));
                    let path = if self.index.locate(at, &item).found {
                        item
                    } else {
                        path
                    };
                    self.report_ref(at, &path, id, want, problem);
                }
            }
        }
        out
    }

    /// Gives each unknown-id diagnostic its did-you-mean: a record whose name or alias the id
    /// spells, else the most similar id of the right kind.
    fn suggest(&mut self, base: &Base) {
        for (d, id, want) in std::mem::take(&mut self.pending) {
            let kinds: Vec<Kind> = Kind::ALL.into_iter().filter(|&k| want.accepts(k)).collect();
            let by_name = match names::find(base, &id, &kinds) {
                names::Found::Matches(m) if m.len() == 1 => Some(base.id(m[0]).to_string()),
                _ => None,
            };
            let suggestion = by_name.or_else(|| {
                let candidates = self
                    .ids
                    .iter()
                    .filter(|(_, r)| want.accepts(r.kind))
                    .map(|(k, _)| k.as_str());
                names::closest(&id, candidates).map(str::to_string)
            });
            self.diags[d].help = match (suggestion, want) {
                (Some(s), _) => Some(format!("did you mean `{s}`?")),
                (None, Want::One(Kind::Source)) => Some(
                    "add it under `sources:` with an id, a title and, ideally, its text".into(),
                ),
                (None, _) => None,
            };
        }
    }

    fn sources(&mut self, at: At, path: &[Seg], list: &[Text], required: bool) -> Ids {
        if list.is_empty() && required {
            let mut p = path.to_vec();
            p.push(Seg::Key("source"));
            self.diag(
                Code::Missing,
                at,
                &p,
                "this record names no `source`".into(),
                Some("every fact cites the source that supports it: `source: <source id>`".into()),
            );
        }
        self.resolve_list(at, path, "source", list, Want::One(Kind::Source))
            .into_iter()
            .map(|r| r.idx)
            .collect()
    }

    fn meta(&mut self, at: At, c: Common) -> Meta {
        let sources = self.sources(at, &[], &c.source, true);
        Meta {
            id: trimmed(c.id),
            sources,
            evidence: c.evidence,
            notes: c.notes,
            origin: Origin {
                file: at.file,
                line: at.line,
            },
        }
    }

    fn opt_ref(
        &mut self,
        at: At,
        path: &[Seg],
        field: &str,
        id: Option<&Text>,
        want: Want,
    ) -> Option<u32> {
        let id = id?;
        if id.trim().is_empty() {
            return None;
        }
        self.resolve(at, path, field, id, want).map(|r| r.idx)
    }

    // -- conversion --------------------------------------------------------------------------

    fn convert(&mut self, records: Records) -> Base {
        let mut base = Base::default();
        base.files = self.index.files.iter().map(|f| f.display.clone()).collect();
        base.sources.reserve(records.sources.len());
        for Located { raw: r, at } in records.sources {
            let title = self.required(at, Kind::Source, "title", r.title);
            let published = self.date(at, &[Seg::Key("published")], r.published.as_ref());
            base.sources.push(Source {
                id: trimmed(r.id),
                title,
                publisher: r.publisher,
                published,
                url: r.url,
                text: r.text,
                notes: r.notes,
                origin: Origin {
                    file: at.file,
                    line: at.line,
                },
            });
        }
        base.actors.reserve(records.actors.len());
        for Located { raw: r, at } in records.actors {
            let common = Common {
                id: r.id,
                source: r.source.0,
                evidence: r.evidence,
                notes: r.notes,
            };
            let meta = self.meta(at, common);
            let name = self.required(at, Kind::Actor, "name", r.name);
            let description = self.required(at, Kind::Actor, "description", r.description);
            let nationality = self.opt_ref(
                at,
                &[Seg::Key("nationality")],
                "nationality",
                r.nationality.as_ref(),
                Want::One(Kind::Place),
            );
            let mut roles = Vec::with_capacity(r.roles.len());
            for (i, role) in r.roles.into_iter().enumerate() {
                let path = [Seg::Key("roles"), Seg::Index(i)];
                let at_field = |f: &'static str| [path[0], path[1], Seg::Key(f)];
                let title = match role.title {
                    Some(t) if !t.trim().is_empty() => t,
                    _ => {
                        self.missing(at, &at_field("title"), "role", None);
                        Text::default()
                    }
                };
                let org = self.opt_ref(
                    at,
                    &at_field("org"),
                    "org",
                    role.org.as_ref(),
                    Want::One(Kind::Organisation),
                );
                let place = self.opt_ref(
                    at,
                    &at_field("place"),
                    "place",
                    role.place.as_ref(),
                    Want::One(Kind::Place),
                );
                let since = self.date(at, &at_field("since"), role.since.as_ref());
                let until = self.date(at, &at_field("until"), role.until.as_ref());
                self.since_until(at, &path, &since, &until);
                let own = self.sources(at, &path, &role.source.0, false);
                roles.push(Role {
                    title,
                    org,
                    place,
                    since,
                    until,
                    sources: if own.is_empty() {
                        meta.sources.clone()
                    } else {
                        own
                    },
                    evidence: role.evidence,
                    notes: role.notes,
                });
            }
            base.actors.push(Actor {
                meta,
                name,
                aliases: r.aliases.0,
                description,
                nationality,
                roles,
            });
        }
        base.organisations.reserve(records.organisations.len());
        for Located { raw: r, at } in records.organisations {
            let common = Common {
                id: r.id,
                source: r.source.0,
                evidence: r.evidence,
                notes: r.notes,
            };
            let meta = self.meta(at, common);
            let name = self.required(at, Kind::Organisation, "name", r.name);
            let kind = self.required(at, Kind::Organisation, "kind", r.kind);
            let founded = self.date(at, &[Seg::Key("founded")], r.founded.as_ref());
            let based_in = self.opt_ref(
                at,
                &[Seg::Key("based_in")],
                "based_in",
                r.based_in.as_ref(),
                Want::One(Kind::Place),
            );
            let mut members = Vec::with_capacity(r.members.len());
            let mut kept = Vec::with_capacity(r.members.len());
            for (i, m) in r.members.into_iter().enumerate() {
                let path = [Seg::Key("members"), Seg::Index(i)];
                let at_field = |f: &'static str| [path[0], path[1], Seg::Key(f)];
                let member = match &m.member {
                    Some(id) if !id.trim().is_empty() => {
                        self.resolve(at, &at_field("member"), "member", id, Want::Party)
                    }
                    _ => {
                        let help = "write the id of the member: `member: kazakhstan`";
                        self.missing(at, &at_field("member"), "membership", Some(help.into()));
                        None
                    }
                };
                let since = self.date(at, &at_field("since"), m.since.as_ref());
                let until = self.date(at, &at_field("until"), m.until.as_ref());
                self.since_until(at, &path, &since, &until);
                let own = self.sources(at, &path, &m.source.0, false);
                if let Some(member) = member {
                    kept.push(i as u32);
                    members.push(Membership {
                        member,
                        since,
                        until,
                        sources: if own.is_empty() {
                            meta.sources.clone()
                        } else {
                            own
                        },
                        evidence: m.evidence,
                        notes: m.notes,
                    });
                }
            }
            self.member_raw.push(kept);
            base.organisations.push(Organisation {
                meta,
                name,
                aliases: r.aliases.0,
                kind,
                description: r.description,
                founded,
                based_in,
                members,
            });
        }
        base.places.reserve(records.places.len());
        for Located { raw: r, at } in records.places {
            let common = Common {
                id: r.id,
                source: r.source.0,
                evidence: r.evidence,
                notes: r.notes,
            };
            let meta = self.meta(at, common);
            let name = self.required(at, Kind::Place, "name", r.name);
            let kind = self.required(at, Kind::Place, "kind", r.kind);
            let part_of = self.opt_ref(
                at,
                &[Seg::Key("part_of")],
                "part_of",
                r.part_of.as_ref(),
                Want::One(Kind::Place),
            );
            base.places.push(Place {
                meta,
                name,
                aliases: r.aliases.0,
                kind,
                part_of,
                description: r.description,
            });
        }
        base.quotes.reserve(records.quotes.len());
        for Located { raw: r, at } in records.quotes {
            let common = Common {
                id: r.id,
                source: r.source.0,
                evidence: r.evidence,
                notes: r.notes,
            };
            let meta = self.meta(at, common);
            let speaker_id = self.required(at, Kind::Quote, "speaker", r.speaker);
            let speaker = if speaker_id.is_empty() {
                None
            } else {
                self.resolve(
                    at,
                    &[Seg::Key("speaker")],
                    "speaker",
                    &speaker_id,
                    Want::One(Kind::Actor),
                )
            };
            let text = self.required(at, Kind::Quote, "text", r.text);
            let said = self.date(at, &[Seg::Key("said")], r.said.as_ref());
            let about = self.resolve_list(at, &[], "about", &r.about.0, Want::Any);
            base.quotes.push(Quote {
                meta,
                speaker: speaker.map_or(u32::MAX, |s| s.idx),
                text,
                kind: r.kind.unwrap_or_default(),
                said,
                context: r.context,
                about,
            });
        }
        base.events.reserve(records.events.len());
        for Located { raw: r, at } in records.events {
            let common = Common {
                id: r.id,
                source: r.source.0,
                evidence: r.evidence,
                notes: r.notes,
            };
            let meta = self.meta(at, common);
            let date = self.required_date(at, Kind::Event, "date", r.date.as_ref());
            let title = self.required(at, Kind::Event, "title", r.title);
            let involving = self.resolve_list(at, &[], "involving", &r.involving.0, Want::Any);
            let places = self
                .resolve_list(at, &[], "places", &r.places.0, Want::One(Kind::Place))
                .into_iter()
                .map(|r| r.idx)
                .collect();
            base.events.push(Event {
                meta,
                date,
                title,
                description: r.description,
                involving,
                places,
            });
        }
        base
    }

    // -- whole-base checks -------------------------------------------------------------------

    /// Every direct quote and every `evidence` must appear in the text of each source it cites.
    /// Source texts are read and every claim is searched in parallel; problems are reported in
    /// base order.
    fn check_sources_text(&mut self, base: &mut Base) {
        let index = self.index;
        let texts: Vec<Option<Result<String, String>>> = base
            .sources
            .par_iter()
            .zip(&self.ats[slot(Kind::Source)])
            .map(|(s, at)| {
                let rel = s.text.as_ref()?;
                let file = &index.files[at.file as usize];
                Some(
                    file.read_relative(rel)
                        .map(|t| fold_for_match(&t))
                        .map_err(|e| e.to_string()),
                )
            })
            .collect();
        let mut base_texts: Vec<std::path::PathBuf> = Vec::new();
        for (i, text) in texts.iter().enumerate() {
            if let (Some(Ok(_)), Some(rel)) = (text, &base.sources[i].text) {
                let at = self.ats[slot(Kind::Source)][i];
                base_texts.extend(index.files[at.file as usize].relative_path(rel));
            }
            if let Some(Err(err)) = text {
                let s = &base.sources[i];
                let rel = s.text.as_deref().unwrap_or_default();
                let at = self.ats[slot(Kind::Source)][i];
                self.diag(
                    Code::SourceText,
                    at,
                    &[Seg::Key("text")],
                    format!(
                        "cannot read the text of source `{}` at `{rel}`: {err}",
                        s.id
                    ),
                    Some(
                        "`text` is a path relative to the YAML file that declares the source"
                            .into(),
                    ),
                );
            }
        }
        base.source_texts = base_texts;
        let base = &*base;
        if !texts.iter().any(|t| matches!(t, Some(Ok(_)))) {
            return;
        }
        let claims = self.claims(base);
        let texts = &texts;
        let failures: Vec<(usize, u32, String)> = claims
            .par_iter()
            .enumerate()
            .flat_map_iter(|(n, claim)| {
                let needle = fold_for_match(claim.text);
                let needle = needle.trim().to_string();
                claim
                    .sources
                    .iter()
                    .filter_map(move |&s| {
                        let Some(Some(Ok(hay))) = texts.get(s as usize) else {
                            return None;
                        };
                        if memchr::memmem::find(hay.as_bytes(), needle.as_bytes()).is_some() {
                            return None;
                        }
                        Some((n, s, mismatch_help(hay, &needle)))
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        for (n, s, help) in failures {
            let claim = &claims[n];
            let at = self.ats[slot(claim.record.kind)][claim.record.idx as usize];
            let source_id = &base.sources[s as usize].id;
            let message = format!(
                "{} is not found verbatim in the text of source `{source_id}`",
                claim.what
            );
            self.diag(claim.code, at, &claim.path(), message, Some(help));
        }
    }

    /// Every text the base claims is verbatim: direct quotes, and evidence at every level.
    fn claims<'b>(&self, base: &'b Base) -> Vec<Claim<'b>> {
        let mut out = Vec::new();
        for (i, q) in base.quotes.iter().enumerate() {
            let record = EntityRef {
                kind: Kind::Quote,
                idx: i as u32,
            };
            if q.kind == crate::model::QuoteKind::Direct && !q.text.is_empty() {
                out.push(Claim {
                    record,
                    at: ClaimAt::Text,
                    code: Code::QuoteNotInSource,
                    what: "this direct quote",
                    text: &q.text,
                    sources: &q.meta.sources,
                });
            }
        }
        for r in base.all().filter(|r| r.kind != Kind::Source) {
            let meta = base.meta(r).expect("not a source");
            if let Some(ev) = &meta.evidence {
                out.push(Claim {
                    record: r,
                    at: ClaimAt::Evidence,
                    code: Code::EvidenceNotInSource,
                    what: "`evidence`",
                    text: ev,
                    sources: &meta.sources,
                });
            }
            let i = r.idx as usize;
            match r.kind {
                Kind::Actor => {
                    for (n, role) in base.actors[i].roles.iter().enumerate() {
                        if let Some(ev) = &role.evidence {
                            out.push(Claim {
                                record: r,
                                at: ClaimAt::Role(n),
                                code: Code::EvidenceNotInSource,
                                what: "this role's `evidence`",
                                text: ev,
                                sources: &role.sources,
                            });
                        }
                    }
                }
                Kind::Organisation => {
                    for (m, &n) in base.organisations[i]
                        .members
                        .iter()
                        .zip(&self.member_raw[i])
                    {
                        if let Some(ev) = &m.evidence {
                            out.push(Claim {
                                record: r,
                                at: ClaimAt::Member(n as usize),
                                code: Code::EvidenceNotInSource,
                                what: "this membership's `evidence`",
                                text: ev,
                                sources: &m.sources,
                            });
                        }
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// A place may not be part of itself, directly or through others.
    fn check_cycles(&mut self, base: &Base) {
        for (start, place) in base.places.iter().enumerate() {
            let mut seen = vec![start as u32];
            let mut next = place.part_of;
            while let Some(p) = next {
                // Report each cycle once, at its first place in file order.
                if (p as usize) < start {
                    break;
                }
                if p as usize == start {
                    let chain: Vec<&str> = seen
                        .iter()
                        .map(|&i| base.places[i as usize].meta.id.as_str())
                        .chain([place.meta.id.as_str()])
                        .collect();
                    let at = self.ats[slot(Kind::Place)][start];
                    self.diag(
                        Code::Cycle,
                        at,
                        &[Seg::Key("part_of")],
                        format!(
                            "place `{}` is part of itself: {}",
                            place.meta.id,
                            chain.join(" → ")
                        ),
                        None,
                    );
                    break;
                }
                if seen.contains(&p) {
                    break;
                }
                seen.push(p);
                next = base.places[p as usize].part_of;
            }
        }
    }
}

/// An id as written, without surrounding spaces (an absent id is empty and already reported).
fn trimmed(id: Option<Text>) -> Text {
    match id {
        Some(id) if id.trim().len() == id.len() => id,
        Some(id) => id.trim().into(),
        None => Text::default(),
    }
}

/// A text the base says is verbatim in its sources.
struct Claim<'b> {
    record: EntityRef,
    at: ClaimAt,
    code: Code,
    what: &'static str,
    text: &'b str,
    sources: &'b [u32],
}

/// Which field of its record a claim is.
#[derive(Clone, Copy)]
enum ClaimAt {
    Text,
    Evidence,
    Role(usize),
    Member(usize),
}

impl Claim<'_> {
    fn path(&self) -> Vec<Seg> {
        match self.at {
            ClaimAt::Text => vec![Seg::Key("text")],
            ClaimAt::Evidence => vec![Seg::Key("evidence")],
            ClaimAt::Role(n) => vec![Seg::Key("roles"), Seg::Index(n), Seg::Key("evidence")],
            ClaimAt::Member(n) => vec![Seg::Key("members"), Seg::Index(n), Seg::Key("evidence")],
        }
    }
}

/// How a text that is not verbatim differs from its source: where the longest matching start ends.
fn mismatch_help(hay: &str, needle: &str) -> String {
    let matched = longest_matching_prefix(hay, needle);
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

/// SPEC.md's comparison: whitespace runs are one space; curly quotes are straight ones.
pub fn fold_for_match(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(match c {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' => '"',
            other => other,
        });
    }
    out
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
    fn folding() {
        let cases = [
            ("a  b\n c", "a b c"),
            ("\u{201C}We shouldn\u{2019}t\u{201D}", "\"We shouldn't\""),
            ("  lead and trail  ", "lead and trail"),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(fold_for_match(input), want, "{input:?}");
        }
    }

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
}
