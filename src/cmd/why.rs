//! `kz why ID`: a record, the sources behind it and the sentences that support it.

use super::{Cx, Run, rows, source_cells, source_ids};
use crate::model::view::{self, main_text};
use crate::model::{Base, EntityRef, Kind, QuoteKind, RecordRef, provenance};
use crate::query::cite::Cited;
use crate::names;
use crate::query::{self, Miss, Wanted};
use crate::render::{self, Format, Profile, Rows, Value};
use serde_json::{Value as Json, json};

/// Show the sources and evidence behind a record.
///
/// Where the record is written, its main text, its sources, and the evidence quoted from them,
/// including the evidence for each of its roles and memberships.
///
/// ID is a record's id; a name or alias works too when it names one record.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kz why andrey-serdyukov\n  kz why kassenova-not-all-protesters -f json"
)]
pub struct Args {
    #[arg(add = crate::cmd::completions::names(&crate::model::Kind::ALL))]
    /// The record's id (or a name that names one record)
    pub id: String,
}

/// A claim made inside a record (a role, a membership) with its own evidence.
struct Claim {
    claim: String,
    evidence: Option<String>,
    sources: Vec<String>,
}

/// What `why` says of one record, gathered once for every format.
struct Why<'b> {
    base: &'b Base,
    r: EntityRef,
    /// `file:line` where the record is written.
    location: String,
    evidence: Option<&'b str>,
    notes: Option<&'b str>,
    sources: Vec<u32>,
    claims: Vec<Claim>,
    /// For a direct quote: the sentence of each source's text its words are found in, as
    /// `kz check` finds them, with where it is (characters).
    found: Vec<Found>,
}

/// Where a direct quote's words are in one source's text.
struct Found {
    source: u32,
    sentence: String,
    chars: std::ops::Range<usize>,
}

impl Run for Args {
    fn run(&self, cx: &mut Cx<'_>) -> Result<(), crate::Error> {
        let base = cx.base()?;
        let r = find_one(base, &self.id)?;
        let (evidence, notes, sources) = match base.meta(r) {
            Some(m) => (m.evidence.as_deref(), m.notes.as_deref(), m.sources.to_vec()),
            None => (None, base.sources[r.idx as usize].notes.as_deref(), vec![r.idx]),
        };
        let why = Why {
            base,
            r,
            location: location(base, base.origin(r)),
            evidence,
            notes,
            found: found(base, r, &sources)?,
            sources,
            claims: claims(base, r),
        };
        let style = &cx.ctx.style;
        match style.format {
            Format::Json | Format::Jsonl => {
                render::json(cx.out, &[why.json()], style.format == Format::Jsonl)?
            }
            Format::Tsv | Format::Csv => render::rows(cx.out, &why.rows(), style)?,
            Format::Table | Format::Markdown => render::profiles(cx.out, &[why.profile()], style)?,
        }
        Ok(())
    }
}

impl Why<'_> {
    /// The record's JSON object, with its sources and its claims.
    fn json(&self) -> Json {
        let mut value = view::json(self.base, self.r);
        if let Some(map) = value.as_object_mut() {
            let sources = self.sources.iter();
            map.insert(
                "sources".into(),
                sources.map(|&s| view::json(self.base, EntityRef::source(s))).collect(),
            );
            map.insert(
                "found".into(),
                self.found
                    .iter()
                    .map(|f| {
                        json!({
                            "source": self.base.sources[f.source as usize].id,
                            "sentence": f.sentence,
                            "start": f.chars.start,
                            "end": f.chars.end,
                        })
                    })
                    .collect(),
            );
            map.insert(
                "claims".into(),
                self.claims
                    .iter()
                    .map(|c| json!({"claim": c.claim, "evidence": c.evidence, "source": c.sources}))
                    .collect(),
            );
        }
        value
    }

    /// One `field  value` row per fact, for TSV and CSV.
    fn rows(&self) -> Rows {
        let (base, r) = (self.base, self.r);
        let ids = source_ids(base, &self.sources);
        let mut rows = Rows::new(&["field", "value"]);
        let mut push = |k: &str, v: Option<String>| {
            if let Some(v) = v {
                rows.push(vec![k.into(), v.into()], ids.clone());
            }
        };
        push("id", Some(base.id(r).to_string()));
        push("kind", Some(r.kind.name().to_string()));
        push(title_field(r), Some(base.label(r).to_string()));
        push(text_field(r), main_text(base, r).map(str::to_string));
        push("file", Some(self.location.clone()));
        push("evidence", self.evidence.map(str::to_string));
        for f in &self.found {
            push("found", Some(self.found_in(f)));
        }
        push("notes", self.notes.map(str::to_string));
        push("source", Some(ids.join(", ")));
        for c in &self.claims {
            let evidence = c.evidence.as_deref().unwrap_or("(no evidence given)");
            push("claim", Some(format!("{}: {evidence}", c.claim)));
        }
        rows
    }

    /// A readable page: the record's fields, its sources, and its claims.
    fn profile(&self) -> Profile {
        let (base, r) = (self.base, self.r);
        let mut fields: Vec<(&'static str, String)> =
            vec![("id", base.id(r).to_string()), ("file", self.location.clone())];
        if r.kind != Kind::Quote {
            fields.push((title_field(r), base.label(r).to_string()));
        }
        if let Some(text) = main_text(base, r) {
            fields.push((text_field(r), text.to_string()));
        }
        match (self.evidence, self.found.is_empty()) {
            (Some(e), _) => fields.push(("evidence", e.to_string())),
            (None, true) => fields.push(("evidence", "(none given)".to_string())),
            (None, false) => {}
        }
        for f in &self.found {
            fields.push(("found in", self.found_in(f)));
        }
        if let Some(n) = self.notes {
            fields.push(("notes", n.to_string()));
        }
        let mut table = Rows::new(&["id", "title", "publisher", "published", "url"]);
        for &s in &self.sources {
            let mut cells = source_cells(base, s);
            cells.push(Value::opt(base.sources[s as usize].url.as_deref()));
            table.push(cells, vec![]);
        }
        let mut sections = vec![("Sources".to_string(), table)];
        let rec = base.get(r);
        if rec.is_merged() {
            let mut decls = Rows::new(&["file", "rank", "source", "evidence", "notes"]);
            for d in rec.declarations() {
                let meta = d.meta();
                decls.push(
                    vec![
                        location(base, meta.map(|m| m.origin).unwrap_or_default()).into(),
                        d.rank().name().into(),
                        Value::List(source_ids(base, d.sources())),
                        Value::opt(meta.and_then(|m| m.evidence.as_deref())),
                        Value::opt(meta.and_then(|m| m.notes.as_deref())),
                    ],
                    vec![],
                );
            }
            sections.push(("Declarations".to_string(), decls));
            let mut disputes = Rows::new(&["field", "value", "source", "rank"]);
            for d in provenance::disputes(rec) {
                for v in &d.values {
                    disputes.push(
                        vec![
                            d.field.name.into(),
                            rows::item_text(base, v.item).into(),
                            Value::List(source_ids(base, &v.sources)),
                            v.rank.name().into(),
                        ],
                        vec![],
                    );
                }
            }
            if !disputes.is_empty() {
                sections.push(("Disputes".to_string(), disputes));
            }
        }
        if !self.claims.is_empty() {
            let mut rows = Rows::new(&["claim", "evidence", "source"]);
            for c in &self.claims {
                rows.push(
                    vec![
                        c.claim.as_str().into(),
                        Value::opt(c.evidence.as_deref()),
                        Value::List(c.sources.clone()),
                    ],
                    vec![],
                );
            }
            sections.push(("Claims".to_string(), rows));
        }
        Profile {
            title: base.label(r).to_string(),
            subtitle: format!("({})", r.kind.name()),
            fields,
            sections,
        }
    }
}

impl Why<'_> {
    /// `article: “…”`, the sentence a quote's words are found in, and where.
    fn found_in(&self, f: &Found) -> String {
        format!(
            "{} (characters {}–{}): {}",
            self.base.sources[f.source as usize].id, f.chars.start, f.chars.end, f.sentence
        )
    }
}

/// For a direct quote, the sentence of each of its sources' texts its words are found in, as
/// `kz check` finds them (the sentence `evidence` would give). Nothing for other records.
fn found(base: &Base, r: EntityRef, sources: &[u32]) -> Result<Vec<Found>, crate::Error> {
    let RecordRef::Quote(q) = base.get(r) else {
        return Ok(Vec::new());
    };
    if q.kind != QuoteKind::Direct {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for &s in sources {
        let Some(text) = super::site::source_text(base, s)? else {
            continue;
        };
        let cited = Cited::new(&text);
        if let Some(at) = cited.sentence_of(&q.text, true) {
            out.push(Found {
                source: s,
                sentence: text[at.clone()].to_string(),
                chars: cited.chars(&at),
            });
        }
    }
    Ok(out)
}

/// The name of a record's title field: `title` for sources and events, `name` otherwise.
fn title_field(r: EntityRef) -> &'static str {
    match r.kind {
        Kind::Source | Kind::Event => "title",
        _ => "name",
    }
}

/// The name of a record's main text field.
fn text_field(r: EntityRef) -> &'static str {
    match r.kind {
        Kind::Quote => "text",
        Kind::Source => "notes",
        _ => "description",
    }
}

/// The record named by `query`: an exact id, else a name that names exactly one record.
fn find_one(base: &Base, query: &str) -> Result<EntityRef, Miss> {
    if let Some(r) = base.lookup(query.trim()) {
        return Ok(r);
    }
    match query::resolve_one(base, query, Wanted::ANY) {
        Err(Miss::NoMatch { .. }) => Err(Miss::NoMatch {
            what: "record",
            query: query.to_string(),
            suggestion: names::closest(query, base.all_ids().iter().map(String::as_str))
                .map(str::to_string),
        }),
        other => other,
    }
}

/// `file:line` where a declaration is written.
fn location(base: &Base, origin: crate::model::Origin) -> String {
    let file = base.files.get(origin.file as usize).cloned().unwrap_or_default();
    format!("{file}:{}", origin.line)
}

fn claims(base: &Base, r: EntityRef) -> Vec<Claim> {
    let i = r.idx as usize;
    match r.kind {
        Kind::Actor => base.actors[i]
            .roles
            .iter()
            .map(|role| {
                let at = role
                    .org
                    .or(role.place)
                    .map(|x| format!(", {}", base.label(x)))
                    .unwrap_or_default();
                Claim {
                    claim: format!("role: {}{at}", role.title),
                    evidence: role.term.evidence.as_deref().map(str::to_string),
                    sources: source_ids(base, &role.term.sources),
                }
            })
            .collect(),
        Kind::Organisation => base.organisations[i]
            .members
            .iter()
            .map(|m| Claim {
                claim: format!("member: {}", base.label(m.member)),
                evidence: m.term.evidence.as_deref().map(str::to_string),
                sources: source_ids(base, &m.term.sources),
            })
            .collect(),
        _ => Vec::new(),
    }
}
