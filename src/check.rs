//! The checks that guard a fact base, the `Diagnostic` they produce, and the step that turns raw
//! records into the checked [`Base`].

use crate::date::{Date, DateError};
use crate::load::{At, Located, Raw, RawDate, Seg};
use crate::model::{
    Actor, Base, EntityRef, Event, Kind, Membership, Meta, Organisation, Origin, Place, Quote,
    Role, Source,
};
use crate::names;
use serde::Serialize;
use std::collections::HashMap;
use std::fmt;

/// Every kind of problem, with the stable number shown as `KZnnn`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    Io,
    Encoding,
    TooLarge,
    Syntax,
    UnknownSection,
    UnknownField,
    WrongType,
    DuplicateKey,
    TooComplex,
    Missing,
    BadId,
    DuplicateId,
    Dangling,
    WrongKind,
    UnknownSource,
    Cycle,
    BadDate,
    ImpossibleDate,
    Backwards,
    QuoteNotInSource,
    EvidenceNotInSource,
    SourceText,
}

impl Code {
    pub const ALL: [Code; 22] = [
        Code::Io,
        Code::Encoding,
        Code::TooLarge,
        Code::Syntax,
        Code::UnknownSection,
        Code::UnknownField,
        Code::WrongType,
        Code::DuplicateKey,
        Code::TooComplex,
        Code::Missing,
        Code::BadId,
        Code::DuplicateId,
        Code::Dangling,
        Code::WrongKind,
        Code::UnknownSource,
        Code::Cycle,
        Code::BadDate,
        Code::ImpossibleDate,
        Code::Backwards,
        Code::QuoteNotInSource,
        Code::EvidenceNotInSource,
        Code::SourceText,
    ];

    pub fn number(self) -> u16 {
        match self {
            Code::Io => 1,
            Code::Encoding => 2,
            Code::TooLarge => 3,
            Code::Syntax => 10,
            Code::UnknownSection => 11,
            Code::UnknownField => 12,
            Code::WrongType => 13,
            Code::DuplicateKey => 14,
            Code::TooComplex => 15,
            Code::Missing => 20,
            Code::BadId => 21,
            Code::DuplicateId => 22,
            Code::Dangling => 30,
            Code::WrongKind => 31,
            Code::UnknownSource => 32,
            Code::Cycle => 33,
            Code::BadDate => 40,
            Code::ImpossibleDate => 41,
            Code::Backwards => 42,
            Code::QuoteNotInSource => 50,
            Code::EvidenceNotInSource => 51,
            Code::SourceText => 52,
        }
    }

    /// One line for the README's table of codes.
    pub fn summary(self) -> &'static str {
        match self {
            Code::Io => "a path cannot be read: missing, unreadable, or a symlink loop",
            Code::Encoding => "a file is not UTF-8",
            Code::TooLarge => "a file is over the size limit for one fact file",
            Code::Syntax => "YAML syntax error",
            Code::UnknownSection => "a top-level section kz does not know",
            Code::UnknownField => "a field the record kind does not have",
            Code::WrongType => "a value of the wrong type (a list where text belongs, ...)",
            Code::DuplicateKey => "the same key twice in one mapping",
            Code::TooComplex => "nesting or alias expansion beyond kz's limits",
            Code::Missing => "a required field is missing, null or empty",
            Code::BadId => "an id that is not kebab-case",
            Code::DuplicateId => "two records share an id",
            Code::Dangling => "a reference to an id that does not exist",
            Code::WrongKind => "a reference to a record of the wrong kind",
            Code::UnknownSource => "a `source` that names no source",
            Code::Cycle => "a place that is part of itself",
            Code::BadDate => "a date that is not EDTF",
            Code::ImpossibleDate => "a date that does not exist (2022-02-30)",
            Code::Backwards => "`until` before `since`, or an interval that ends before it starts",
            Code::QuoteNotInSource => "a direct quote not found verbatim in its source's text",
            Code::EvidenceNotInSource => "evidence not found verbatim in its source's text",
            Code::SourceText => "a source's `text` file cannot be read",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KZ{:03}", self.number())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One problem in a fact base, located in a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: &'static str,
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The offending line of the file, as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line_text: Option<String>,
}

impl Diagnostic {
    pub fn at(code: Code, path: &str, line: usize, column: usize, message: String) -> Diagnostic {
        Diagnostic {
            code,
            severity: "error",
            path: path.to_string(),
            line,
            column,
            message,
            help: None,
            line_text: None,
        }
    }

    /// A problem with a whole file or path, reported at its start.
    pub fn file(code: Code, path: &str, message: String) -> Diagnostic {
        Diagnostic::at(code, path, 1, 1, message)
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn with_line(mut self, text: String) -> Diagnostic {
        self.line_text = Some(text);
        self
    }

    /// Sort order for reports: by file, then position.
    fn key(&self) -> (&str, usize, usize, Code) {
        (&self.path, self.line, self.column, self.code)
    }
}

impl fmt::Display for Diagnostic {
    /// `path:line:column: error[KZnnn]: message`, the line with a caret, then any help.
    /// Text from fact files is escaped so it cannot drive the terminal.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::render::escape_control as esc;
        writeln!(
            f,
            "{}:{}:{}: {}[{}]: {}",
            esc(&self.path),
            self.line,
            self.column,
            self.severity,
            self.code,
            esc(&self.message)
        )?;
        if let Some(text) = &self.line_text {
            let number = self.line.to_string();
            let pad = " ".repeat(number.len());
            let shown = esc(text);
            let caret_at: String = text
                .chars()
                .take(self.column.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            writeln!(f, "{pad} |")?;
            writeln!(f, "{number} | {shown}")?;
            writeln!(f, "{pad} | {caret_at}^")?;
        }
        if let Some(help) = &self.help {
            writeln!(f, "  = help: {}", esc(help))?;
        }
        Ok(())
    }
}

/// Sorts diagnostics by file and position, dropping exact repeats.
pub fn sort(diags: &mut Vec<Diagnostic>) {
    diags.sort_by(|a, b| a.key().cmp(&b.key()));
    diags.dedup();
}

// ---------------------------------------------------------------------------------------------
// Building the checked base.

/// Checks every raw record and resolves it into a [`Base`], or returns every problem found.
pub fn build(raw: Raw) -> Result<Base, Vec<Diagnostic>> {
    let mut b = Builder::new(&raw);
    b.assign_ids();
    let base = b.convert();
    b.check_sources_text(&base);
    b.check_cycles(&base);
    let mut diags = b.diags;
    diags.extend(raw.diagnostics.iter().cloned());
    if diags.is_empty() {
        Ok(base)
    } else {
        sort(&mut diags);
        Err(diags)
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
    raw: &'r Raw,
    ids: HashMap<String, EntityRef>,
    /// Where each kept id was defined, for duplicate reports.
    defined_at: HashMap<String, (Kind, At)>,
    /// Normalised names and aliases → ids, for did-you-mean on references.
    names: Vec<(String, String, Kind)>,
    diags: Vec<Diagnostic>,
}

/// The shared fields of a raw record, borrowed.
struct Common<'a> {
    id: Option<&'a str>,
    source: &'a [String],
    evidence: Option<&'a String>,
    notes: Option<&'a String>,
}

impl<'r> Builder<'r> {
    fn new(raw: &'r Raw) -> Builder<'r> {
        Builder {
            raw,
            ids: HashMap::new(),
            defined_at: HashMap::new(),
            names: Vec::new(),
            diags: Vec::new(),
        }
    }

    fn diag(&mut self, code: Code, at: At, path: &[Seg], message: String, help: Option<String>) {
        let pos = self.raw.locate(at, path);
        let file = &self.raw.files[at.file as usize];
        let mut d = Diagnostic::at(code, &file.display, pos.line, pos.column, message)
            .with_line(file.line_text(pos.line).unwrap_or_default().to_string());
        if let Some(help) = help {
            d = d.with_help(help);
        }
        self.diags.push(d);
    }

    fn where_is(&self, at: At) -> String {
        format!(
            "{}:{}",
            self.raw.files[at.file as usize].display,
            self.raw.record_line(at)
        )
    }

    // -- ids ---------------------------------------------------------------------------------

    fn assign_ids(&mut self) {
        let raw = self.raw;
        let add = |b: &mut Self,
                   kind: Kind,
                   idx: usize,
                   at: At,
                   id: Option<&String>,
                   name: Option<&String>,
                   aliases: &[String]| {
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
            if let Some((other_kind, other_at)) = b.defined_at.get(id).copied() {
                let other = b.where_is(other_at);
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
            b.defined_at.insert(id.to_string(), (kind, at));
            b.ids.insert(
                id.to_string(),
                EntityRef {
                    kind,
                    idx: idx as u32,
                },
            );
            for n in name.into_iter().chain(aliases) {
                b.names.push((names::normalise(n), id.to_string(), kind));
            }
        };
        for (i, r) in raw.sources.iter().enumerate() {
            add(
                self,
                Kind::Source,
                i,
                r.at,
                r.raw.id.as_ref(),
                r.raw.title.as_ref(),
                &[],
            );
        }
        for (i, r) in raw.actors.iter().enumerate() {
            add(
                self,
                Kind::Actor,
                i,
                r.at,
                r.raw.id.as_ref(),
                r.raw.name.as_ref(),
                &r.raw.aliases.0,
            );
        }
        for (i, r) in raw.organisations.iter().enumerate() {
            add(
                self,
                Kind::Organisation,
                i,
                r.at,
                r.raw.id.as_ref(),
                r.raw.name.as_ref(),
                &r.raw.aliases.0,
            );
        }
        for (i, r) in raw.places.iter().enumerate() {
            add(
                self,
                Kind::Place,
                i,
                r.at,
                r.raw.id.as_ref(),
                r.raw.name.as_ref(),
                &r.raw.aliases.0,
            );
        }
        for (i, r) in raw.quotes.iter().enumerate() {
            add(self, Kind::Quote, i, r.at, r.raw.id.as_ref(), None, &[]);
        }
        for (i, r) in raw.events.iter().enumerate() {
            add(
                self,
                Kind::Event,
                i,
                r.at,
                r.raw.id.as_ref(),
                r.raw.title.as_ref(),
                &[],
            );
        }
    }

    // -- field helpers -----------------------------------------------------------------------

    /// Reports a required field that is absent, null or empty, saying which it is.
    fn missing(&mut self, at: At, path: &[Seg], what: &str, help: Option<String>) {
        let field = match path.last() {
            Some(Seg::Key(k)) => *k,
            _ => "value",
        };
        let message = if self.raw.locate(at, path).found {
            format!("`{field}` is empty: {} needs one", article(what))
        } else {
            format!("this {what} has no `{field}`, which is required")
        };
        self.diag(Code::Missing, at, path, message, help);
    }

    fn required(
        &mut self,
        at: At,
        kind: Kind,
        field: &'static str,
        value: Option<&String>,
    ) -> String {
        match value {
            Some(v) if !v.trim().is_empty() => v.clone(),
            _ => {
                self.missing(at, &[Seg::Key(field)], kind.name(), None);
                String::new()
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
        if self.raw.broken_ids.iter().any(|b| b == id) {
            return Ok(None);
        }
        let help = self
            .suggest_id(id, want)
            .map(|s| format!("did you mean `{s}`?"));
        Err(match want {
            Want::One(Kind::Source) => (
                Code::UnknownSource,
                format!("unknown source `{id}`"),
                help.or_else(|| {
                    Some(
                        "add it under `sources:` with an id, a title and, ideally, its text".into(),
                    )
                }),
            ),
            Want::One(k) => (
                Code::Dangling,
                format!("`{field}` names `{id}`, but no {} has that id", k.name()),
                help,
            ),
            _ => (
                Code::Dangling,
                format!("`{field}` names `{id}`, but no record has that id"),
                help,
            ),
        })
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
            Err((code, message, help)) => {
                self.diag(code, at, path, message, help);
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
        ids: &[String],
        want: Want,
    ) -> Vec<EntityRef> {
        let mut out = Vec::new();
        for (i, id) in ids.iter().enumerate() {
            match self.lookup(field, id, want) {
                Ok(Some(r)) => out.push(r),
                Ok(None) => {}
                Err((code, message, help)) => {
                    let mut path = base.to_vec();
                    path.push(Seg::Key(field));
                    let mut item = path.clone();
                    item.push(Seg::Index(i));
                    let path = if self.raw.locate(at, &item).found {
                        item
                    } else {
                        path
                    };
                    self.diag(code, at, &path, message, help);
                }
            }
        }
        out
    }

    fn suggest_id(&self, id: &str, want: Want) -> Option<String> {
        let norm = names::normalise(id);
        if let Some((_, target, _)) = self
            .names
            .iter()
            .find(|(n, _, k)| *n == norm && want.accepts(*k))
        {
            return Some(target.clone());
        }
        let candidates = self
            .ids
            .iter()
            .filter(|(_, r)| want.accepts(r.kind))
            .map(|(k, _)| k.as_str());
        names::closest(id, candidates).map(str::to_string)
    }

    fn sources(&mut self, at: At, path: &[Seg], list: &[String], required: bool) -> Vec<u32> {
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
        let sources = self.sources(at, &[], c.source, true);
        Meta {
            id: c.id.unwrap_or_default().trim().to_string(),
            sources,
            evidence: c.evidence.cloned(),
            notes: c.notes.cloned(),
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
        id: Option<&String>,
        want: Want,
    ) -> Option<u32> {
        let id = id?;
        if id.trim().is_empty() {
            return None;
        }
        self.resolve(at, path, field, id, want).map(|r| r.idx)
    }

    // -- conversion --------------------------------------------------------------------------

    fn convert(&mut self) -> Base {
        let raw = self.raw;
        let mut base = Base {
            files: raw.files.iter().map(|f| f.display.clone()).collect(),
            ..Base::default()
        };
        for Located { raw: r, at } in &raw.sources {
            let at = *at;
            let title = self.required(at, Kind::Source, "title", r.title.as_ref());
            let published = self.date(at, &[Seg::Key("published")], r.published.as_ref());
            base.sources.push(Source {
                id: r.id.clone().unwrap_or_default().trim().to_string(),
                title,
                publisher: r.publisher.clone(),
                published,
                url: r.url.clone(),
                text: r.text.clone(),
                notes: r.notes.clone(),
                origin: Origin {
                    file: at.file,
                    line: at.line,
                },
            });
        }
        for Located { raw: r, at } in &raw.actors {
            let at = *at;
            let meta = self.meta(
                at,
                Common {
                    id: r.id.as_deref(),
                    source: &r.source.0,
                    evidence: r.evidence.as_ref(),
                    notes: r.notes.as_ref(),
                },
            );
            let name = self.required(at, Kind::Actor, "name", r.name.as_ref());
            let description = self.required(at, Kind::Actor, "description", r.description.as_ref());
            let nationality = self.opt_ref(
                at,
                &[Seg::Key("nationality")],
                "nationality",
                r.nationality.as_ref(),
                Want::One(Kind::Place),
            );
            let mut roles = Vec::new();
            for (i, role) in r.roles.iter().enumerate() {
                let path = [Seg::Key("roles"), Seg::Index(i)];
                let title = match &role.title {
                    Some(t) if !t.trim().is_empty() => t.clone(),
                    _ => {
                        self.missing(at, &[path[0], path[1], Seg::Key("title")], "role", None);
                        String::new()
                    }
                };
                let org = self.opt_ref(
                    at,
                    &[path[0], path[1], Seg::Key("org")],
                    "org",
                    role.org.as_ref(),
                    Want::One(Kind::Organisation),
                );
                let place = self.opt_ref(
                    at,
                    &[path[0], path[1], Seg::Key("place")],
                    "place",
                    role.place.as_ref(),
                    Want::One(Kind::Place),
                );
                let since = self.date(
                    at,
                    &[path[0], path[1], Seg::Key("since")],
                    role.since.as_ref(),
                );
                let until = self.date(
                    at,
                    &[path[0], path[1], Seg::Key("until")],
                    role.until.as_ref(),
                );
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
                    evidence: role.evidence.clone(),
                    notes: role.notes.clone(),
                });
            }
            base.actors.push(Actor {
                meta,
                name,
                aliases: r.aliases.0.clone(),
                description,
                nationality,
                roles,
            });
        }
        for Located { raw: r, at } in &raw.organisations {
            let at = *at;
            let meta = self.meta(
                at,
                Common {
                    id: r.id.as_deref(),
                    source: &r.source.0,
                    evidence: r.evidence.as_ref(),
                    notes: r.notes.as_ref(),
                },
            );
            let name = self.required(at, Kind::Organisation, "name", r.name.as_ref());
            let kind = self.required(at, Kind::Organisation, "kind", r.kind.as_ref());
            let founded = self.date(at, &[Seg::Key("founded")], r.founded.as_ref());
            let based_in = self.opt_ref(
                at,
                &[Seg::Key("based_in")],
                "based_in",
                r.based_in.as_ref(),
                Want::One(Kind::Place),
            );
            let mut members = Vec::new();
            for (i, m) in r.members.iter().enumerate() {
                let path = [Seg::Key("members"), Seg::Index(i)];
                let member = match &m.member {
                    Some(id) if !id.trim().is_empty() => self.resolve(
                        at,
                        &[path[0], path[1], Seg::Key("member")],
                        "member",
                        id,
                        Want::Party,
                    ),
                    _ => {
                        self.missing(
                            at,
                            &[path[0], path[1], Seg::Key("member")],
                            "membership",
                            Some("write the id of the member: `member: kazakhstan`".into()),
                        );
                        None
                    }
                };
                let since = self.date(at, &[path[0], path[1], Seg::Key("since")], m.since.as_ref());
                let until = self.date(at, &[path[0], path[1], Seg::Key("until")], m.until.as_ref());
                self.since_until(at, &path, &since, &until);
                let own = self.sources(at, &path, &m.source.0, false);
                if let Some(member) = member {
                    members.push(Membership {
                        member,
                        since,
                        until,
                        sources: if own.is_empty() {
                            meta.sources.clone()
                        } else {
                            own
                        },
                        evidence: m.evidence.clone(),
                        notes: m.notes.clone(),
                    });
                }
            }
            base.organisations.push(Organisation {
                meta,
                name,
                aliases: r.aliases.0.clone(),
                kind,
                description: r.description.clone(),
                founded,
                based_in,
                members,
            });
        }
        for Located { raw: r, at } in &raw.places {
            let at = *at;
            let meta = self.meta(
                at,
                Common {
                    id: r.id.as_deref(),
                    source: &r.source.0,
                    evidence: r.evidence.as_ref(),
                    notes: r.notes.as_ref(),
                },
            );
            let name = self.required(at, Kind::Place, "name", r.name.as_ref());
            let kind = self.required(at, Kind::Place, "kind", r.kind.as_ref());
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
                aliases: r.aliases.0.clone(),
                kind,
                part_of,
                description: r.description.clone(),
            });
        }
        for Located { raw: r, at } in &raw.quotes {
            let at = *at;
            let meta = self.meta(
                at,
                Common {
                    id: r.id.as_deref(),
                    source: &r.source.0,
                    evidence: r.evidence.as_ref(),
                    notes: r.notes.as_ref(),
                },
            );
            let speaker_id = self.required(at, Kind::Quote, "speaker", r.speaker.as_ref());
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
            let text = self.required(at, Kind::Quote, "text", r.text.as_ref());
            let said = self.date(at, &[Seg::Key("said")], r.said.as_ref());
            let about = self.resolve_list(at, &[], "about", &r.about.0, Want::Any);
            base.quotes.push(Quote {
                meta,
                speaker: speaker.map_or(u32::MAX, |s| s.idx),
                text,
                kind: r.kind.unwrap_or_default(),
                said,
                context: r.context.clone(),
                about,
            });
        }
        for Located { raw: r, at } in &raw.events {
            let at = *at;
            let meta = self.meta(
                at,
                Common {
                    id: r.id.as_deref(),
                    source: &r.source.0,
                    evidence: r.evidence.as_ref(),
                    notes: r.notes.as_ref(),
                },
            );
            let date = self.required_date(at, Kind::Event, "date", r.date.as_ref());
            let title = self.required(at, Kind::Event, "title", r.title.as_ref());
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
                description: r.description.clone(),
                involving,
                places,
            });
        }
        base.ids = self.ids.clone();
        base
    }

    // -- whole-base checks -------------------------------------------------------------------

    /// Every direct quote and every `evidence` must appear in the text of each source it cites.
    fn check_sources_text(&mut self, base: &Base) {
        let raw = self.raw;
        let mut texts: Vec<Option<String>> = Vec::with_capacity(base.sources.len());
        for (s, located) in base.sources.iter().zip(&raw.sources) {
            let Some(rel) = &s.text else {
                texts.push(None);
                continue;
            };
            let file = &raw.files[located.at.file as usize];
            match file.read_relative(rel) {
                Ok(text) => texts.push(Some(fold_for_match(&text))),
                Err(err) => {
                    self.diag(
                        Code::SourceText,
                        located.at,
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
                    texts.push(None);
                }
            }
        }
        if texts.iter().all(Option::is_none) {
            return;
        }
        let check = |b: &mut Self,
                     at: At,
                     path: &[Seg],
                     code: Code,
                     what: &str,
                     needle: &str,
                     sources: &[u32]| {
            for &s in sources {
                let Some(Some(hay)) = texts.get(s as usize) else {
                    continue;
                };
                let folded = fold_for_match(needle);
                if memchr::memmem::find(hay.as_bytes(), folded.trim().as_bytes()).is_some() {
                    continue;
                }
                let matched = longest_matching_prefix(hay, folded.trim());
                let meaningful = folded.trim()[..matched].chars().count()
                    >= 12.min(folded.trim().chars().count() / 2).max(4);
                let help = if !meaningful {
                    "no part of it matches the start of any passage; copy it from the source text"
                        .to_string()
                } else {
                    let rest: String = folded.trim()[matched..].chars().take(30).collect();
                    format!(
                        "it matches the source up to \"{}\", then differs at \"{rest}\"",
                        tail_chars(&folded.trim()[..matched], 30)
                    )
                };
                let source_id = &base.sources[s as usize].id;
                b.diag(
                    code,
                    at,
                    path,
                    format!("{what} is not found verbatim in the text of source `{source_id}`"),
                    Some(help),
                );
            }
        };
        for (q, located) in base.quotes.iter().zip(&raw.quotes) {
            if q.kind == crate::model::QuoteKind::Direct && !q.text.is_empty() {
                check(
                    self,
                    located.at,
                    &[Seg::Key("text")],
                    Code::QuoteNotInSource,
                    "this direct quote",
                    &q.text,
                    &q.meta.sources,
                );
            }
        }
        let records = base
            .all()
            .filter(|r| r.kind != Kind::Source)
            .collect::<Vec<_>>();
        for r in records {
            let at = self.at_of(r);
            let meta = base.meta(r).expect("not a source");
            if let Some(ev) = &meta.evidence {
                check(
                    self,
                    at,
                    &[Seg::Key("evidence")],
                    Code::EvidenceNotInSource,
                    "`evidence`",
                    ev,
                    &meta.sources,
                );
            }
            match r.kind {
                Kind::Actor => {
                    for (i, role) in base.actors[r.idx as usize].roles.iter().enumerate() {
                        if let Some(ev) = &role.evidence {
                            check(
                                self,
                                at,
                                &[Seg::Key("roles"), Seg::Index(i), Seg::Key("evidence")],
                                Code::EvidenceNotInSource,
                                "this role's `evidence`",
                                ev,
                                &role.sources,
                            );
                        }
                    }
                }
                Kind::Organisation => {
                    let raw_members = &raw.organisations[r.idx as usize].raw.members;
                    let org = &base.organisations[r.idx as usize];
                    // Memberships whose member failed to resolve were dropped; match by order.
                    let mut kept = org.members.iter();
                    for (i, m) in raw_members.iter().enumerate() {
                        if m.member
                            .as_ref()
                            .is_none_or(|id| !self.ids.contains_key(id.trim()))
                        {
                            continue;
                        }
                        let Some(member) = kept.next() else { break };
                        if let Some(ev) = &member.evidence {
                            check(
                                self,
                                at,
                                &[Seg::Key("members"), Seg::Index(i), Seg::Key("evidence")],
                                Code::EvidenceNotInSource,
                                "this membership's `evidence`",
                                ev,
                                &member.sources,
                            );
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn at_of(&self, r: EntityRef) -> At {
        let i = r.idx as usize;
        match r.kind {
            Kind::Source => self.raw.sources[i].at,
            Kind::Actor => self.raw.actors[i].at,
            Kind::Organisation => self.raw.organisations[i].at,
            Kind::Place => self.raw.places[i].at,
            Kind::Quote => self.raw.quotes[i].at,
            Kind::Event => self.raw.events[i].at,
        }
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
                    let at = self.raw.places[start].at;
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

/// `a place`, `an actor`.
fn article(word: &str) -> String {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {word}")
    } else {
        format!("a {word}")
    }
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

    #[test]
    fn codes_are_unique_and_formatted() {
        let mut numbers: Vec<u16> = Code::ALL.iter().map(|c| c.number()).collect();
        numbers.sort();
        numbers.dedup();
        assert_eq!(numbers.len(), Code::ALL.len());
        assert_eq!(Code::Dangling.to_string(), "KZ030");
    }
}
