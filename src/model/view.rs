//! One view of each record, used wherever the record is shown: its kind label, its main text,
//! the text fields that search looks in, and its JSON object. `who`, `why`, `search`, `export`,
//! `timeline` and the site all go through these, so a record reads the same everywhere. Each is
//! a loop over the record's field table ([`super::fields`]).

use super::fields::{self, Info, Item, Merge, RecordRef, Value};
use super::provenance::{self, Statement};
use super::{Base, EntityRef, Kind, Membership, QuoteKind, Role, Term};
use crate::date::Date;
use serde_json::{Map, Value as Json, json};
use std::borrow::Cow;

/// `actor`, or an organisation's or place's own kind (`organisation: military alliance`).
pub fn kind_label(base: &Base, r: EntityRef) -> String {
    match base.get(r) {
        RecordRef::Organisation(o) => format!("organisation: {}", o.kind),
        RecordRef::Place(p) => format!("place: {}", p.kind),
        other => other.kind().name().to_string(),
    }
}

/// The record's main text: what a person, organisation, place or event is, what a quote says,
/// or a source's notes. The title or name is not repeated in it.
pub fn main_text(base: &Base, r: EntityRef) -> Option<&str> {
    base.get(r).main_text()
}

/// How a quote is introduced: `said` for the speaker's own words, `reportedly said` for a
/// paraphrase.
pub fn quote_verb(kind: QuoteKind) -> &'static str {
    match kind {
        QuoteKind::Direct => "said",
        QuoteKind::Reported => "reportedly said",
    }
}

/// One line about a record, for timelines and lists that mix kinds: an event's title, who said
/// a quote and what, a person's or organisation's name.
pub fn summary(base: &Base, r: EntityRef) -> String {
    match base.get(r) {
        RecordRef::Quote(q) => format!(
            "{} {}: {}",
            base.label(q.speaker),
            quote_verb(q.kind),
            q.text
        ),
        other => other.label().to_string(),
    }
}

/// Every text field of a record that search looks in, each with its name as the fact file
/// writes it (`roles[1].title`), the prose of every declaration included.
pub fn text_fields(base: &Base, r: EntityRef) -> Vec<(Cow<'static, str>, &str)> {
    let rec = base.get(r);
    let mut out: Vec<(Cow<'static, str>, &str)> = Vec::new();
    for (info, value) in rec.fields() {
        match value {
            Value::Text(t) if info.search => out.push((info.name.into(), t)),
            Value::Texts(ts) if info.search => {
                out.extend(ts.iter().map(|t| (Cow::from(info.name), t.as_str())));
            }
            Value::Roles(roles) => {
                for (n, role) in roles.iter().enumerate() {
                    out.push((format!("roles[{n}].title").into(), &role.title));
                    term_texts(&mut out, &format!("roles[{n}]"), &role.term);
                }
            }
            Value::Members(members) => {
                for (n, m) in members.iter().enumerate() {
                    term_texts(&mut out, &format!("members[{n}]"), &m.term);
                }
            }
            _ => {}
        }
    }
    for (n, decl) in rec.declarations().into_iter().enumerate() {
        let prefix = |name: &str| match rec.is_merged() {
            true => Cow::Owned(format!("declarations[{n}].{name}")),
            false => Cow::Owned(name.to_string()),
        };
        if rec.is_merged() {
            for (info, value) in decl.fields() {
                if let (Merge::Prose, Value::Text(t)) = (info.merge, value)
                    && Some(t) != rec.field(info.name).and_then(text_of)
                {
                    out.push((prefix(info.name), t));
                }
            }
        }
        if let Some(meta) = decl.meta() {
            for (name, text) in [("evidence", &meta.evidence), ("notes", &meta.notes)] {
                if let Some(t) = text {
                    out.push((prefix(name), t));
                }
            }
        }
    }
    out
}

fn text_of(v: Value<'_>) -> Option<&str> {
    match v {
        Value::Text(t) => Some(t),
        _ => None,
    }
}

/// The evidence and notes of a role or membership, for search.
fn term_texts<'b>(out: &mut Vec<(Cow<'static, str>, &'b str)>, at: &str, term: &'b Term) {
    for (name, text) in [("evidence", &term.evidence), ("notes", &term.notes)] {
        if let Some(t) = text {
            out.push((format!("{at}.{name}").into(), t));
        }
    }
}

/// A date as JSON: the text as written, or null.
pub fn date_json(d: Option<&Date>) -> Json {
    d.map_or(Json::Null, |d| json!(d.as_str()))
}

fn sources_json(base: &Base, sources: &[u32]) -> Json {
    json!(base.source_ids(sources))
}

/// One field's value as JSON: text as written, dates as written, references as ids, roles and
/// memberships as their own objects. `owner` is the id of the record the value belongs to.
pub fn value_json(base: &Base, owner: &str, value: Value) -> Json {
    match value {
        Value::Text(t) => json!(t),
        Value::Date(d) => json!(d.as_str()),
        Value::Ref(r) => json!(base.id(r)),
        Value::Refs(rs) => rs.iter().map(|&r| json!(base.id(r))).collect(),
        Value::Texts(ts) => json!(ts),
        Value::Roles(roles) => roles
            .iter()
            .map(|role| role_json(base, owner, role))
            .collect(),
        Value::Members(ms) => ms.iter().map(|m| membership_json(base, owner, m)).collect(),
        Value::Absent => Json::Null,
    }
}

/// One item of a value as JSON, as [`value_json`] writes it.
pub fn item_json(base: &Base, owner: &str, item: Item) -> Json {
    match item {
        Item::Text(t) => json!(t),
        Item::Date(d) => json!(d.as_str()),
        Item::Ref(r) => json!(base.id(r)),
        Item::Role(role) => role_json(base, owner, role),
        Item::Member(m) => membership_json(base, owner, m),
    }
}

/// An object with a role's or membership's term added: since, until, source, evidence, notes.
fn with_term(base: &Base, mut obj: Map<String, Json>, term: &Term) -> Json {
    obj.insert("since".into(), date_json(term.since.as_ref()));
    obj.insert("until".into(), date_json(term.until.as_ref()));
    obj.insert("source".into(), sources_json(base, &term.sources));
    obj.insert("evidence".into(), json!(term.evidence));
    obj.insert("notes".into(), json!(term.notes));
    Json::Object(obj)
}

/// The fields of a role, membership or record from its table, as JSON keys.
fn table_json<T>(
    base: &Base,
    owner: &str,
    table: &[fields::Field<T>],
    of: &T,
) -> Map<String, Json> {
    table
        .iter()
        .map(|f| {
            (
                f.info.name.to_string(),
                value_json(base, owner, (f.get)(of)),
            )
        })
        .collect()
}

/// A role as JSON, the same wherever it appears: in its person's record, and in the people of an
/// organisation or place.
pub fn role_json(base: &Base, actor: &str, role: &Role) -> Json {
    let mut obj = Map::new();
    obj.insert("actor".into(), json!(actor));
    obj.extend(table_json(base, actor, fields::ROLE, role));
    with_term(base, obj, &role.term)
}

/// A membership as JSON, the same in its organisation's record and in its member's profile.
pub fn membership_json(base: &Base, org: &str, m: &Membership) -> Json {
    let mut obj = Map::new();
    obj.insert("org".into(), json!(org));
    obj.extend(table_json(base, org, fields::MEMBER, m));
    with_term(base, obj, &m.term)
}

/// A statement as JSON: its value, its sources and rank.
pub fn statement_json(base: &Base, owner: &str, st: &Statement) -> Json {
    json!({
        "value": item_json(base, owner, st.item),
        "source": base.source_ids(&st.sources),
        "rank": st.rank.name(),
    })
}

/// A record as one JSON object: `record` says which kind it is, the other keys are the fact
/// file's own fields with references as ids, then its sources, evidence, notes, rank, and where
/// it is written. A record merged from several declarations also has `same_as` (its other ids),
/// `disputes` (each fact the declarations disagree on, with every value and its sources) and
/// `declarations` (each declaration as its own object). This is the record's only JSON shape.
pub fn json(base: &Base, r: EntityRef) -> Json {
    record_json(base, base.get(r), true)
}

/// [`json`] of a record at hand (one a streaming pass decoded).
pub fn json_of(base: &Base, rec: RecordRef) -> Json {
    record_json(base, rec, true)
}

fn record_json(base: &Base, rec: RecordRef, merged: bool) -> Json {
    let mut obj = Map::new();
    obj.insert("record".into(), json!(rec.kind().name()));
    obj.insert("id".into(), json!(rec.id()));
    obj.extend(fields_json(base, rec));
    if let Some(meta) = rec.meta() {
        obj.insert("source".into(), sources_json(base, &meta.sources));
        obj.insert("evidence".into(), json!(meta.evidence));
        obj.insert("notes".into(), json!(meta.notes));
        obj.insert("rank".into(), json!(meta.rank.name()));
    }
    let origin = match rec.meta() {
        Some(meta) => meta.origin,
        None => match rec {
            RecordRef::Source(s) => s.origin,
            _ => super::Origin::default(),
        },
    };
    obj.insert("file".into(), json!(base.files.get(origin.file as usize)));
    obj.insert("line".into(), json!(origin.line));
    if merged && rec.is_merged() {
        obj.insert("same_as".into(), json!(rec.aka()));
        let disputes: Map<String, Json> = provenance::disputes(rec)
            .iter()
            .map(|d| {
                let values = d.values.iter().map(|v| statement_json(base, rec.id(), v));
                (d.field.name.to_string(), values.collect())
            })
            .collect();
        obj.insert("disputes".into(), Json::Object(disputes));
        obj.insert(
            "declarations".into(),
            rec.declarations()
                .into_iter()
                .map(|d| record_json(base, d, false))
                .collect(),
        );
    }
    Json::Object(obj)
}

fn fields_json(base: &Base, rec: RecordRef) -> Map<String, Json> {
    rec.fields()
        .into_iter()
        .map(|(info, value)| (info.name.to_string(), value_json(base, rec.id(), value)))
        .collect()
}

/// The fields of a kind, for callers that show them by their table (profiles, pages).
pub fn infos(kind: Kind) -> Vec<&'static Info> {
    fields::infos(kind)
}
