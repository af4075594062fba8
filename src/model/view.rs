//! One view of each record, used wherever the record is shown: its kind label, its main text,
//! the text fields that search looks in, and its JSON object. `who`, `why`, `search`, `export`,
//! `timeline` and the site all go through these, so a record reads the same everywhere.

use super::{Base, EntityRef, Kind, Membership, Meta, QuoteKind, Role, Term};
use crate::date::Date;
use serde_json::{Map, Value as Json, json};
use std::borrow::Cow;

/// `actor`, or an organisation's or place's own kind (`organisation: military alliance`).
pub fn kind_label(base: &Base, r: EntityRef) -> String {
    match r.kind {
        Kind::Organisation => format!("organisation: {}", base.organisations[r.idx as usize].kind),
        Kind::Place => format!("place: {}", base.places[r.idx as usize].kind),
        other => other.name().to_string(),
    }
}

/// The record's main text: what a person, organisation, place or event is, what a quote says,
/// or a source's notes. The title or name is not repeated in it.
pub fn main_text(base: &Base, r: EntityRef) -> Option<&str> {
    let i = r.idx as usize;
    match r.kind {
        Kind::Actor => Some(&base.actors[i].description),
        Kind::Organisation => base.organisations[i].description.as_deref(),
        Kind::Place => base.places[i].description.as_deref(),
        Kind::Event => base.events[i].description.as_deref(),
        Kind::Quote => Some(&base.quotes[i].text),
        Kind::Source => base.sources[i].notes.as_deref(),
    }
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
    match r.kind {
        Kind::Quote => {
            let q = &base.quotes[r.idx as usize];
            format!(
                "{} {}: {}",
                base.label(q.speaker),
                quote_verb(q.kind),
                q.text
            )
        }
        _ => base.label(r).to_string(),
    }
}

/// Every text field of a record that search looks in, each with its name as the fact file
/// writes it (`roles[1].title`).
pub fn text_fields(base: &Base, r: EntityRef) -> Vec<(Cow<'static, str>, &str)> {
    let i = r.idx as usize;
    let mut out = Vec::new();
    let push = |out: &mut Vec<_>, name: Cow<'static, str>, text| {
        if let Some(t) = text {
            out.push((name, t));
        }
    };
    match r.kind {
        Kind::Source => {
            let s = &base.sources[i];
            push(&mut out, "title".into(), Some(s.title.as_str()));
            push(&mut out, "publisher".into(), s.publisher.as_deref());
            push(&mut out, "notes".into(), s.notes.as_deref());
        }
        Kind::Actor => {
            let a = &base.actors[i];
            push(&mut out, "name".into(), Some(a.name.as_str()));
            for alias in &a.aliases {
                push(&mut out, "aliases".into(), Some(alias.as_str()));
            }
            push(&mut out, "description".into(), Some(a.description.as_str()));
            for (n, role) in a.roles.iter().enumerate() {
                push(
                    &mut out,
                    format!("roles[{n}].title").into(),
                    Some(role.title.as_str()),
                );
                push(
                    &mut out,
                    format!("roles[{n}].evidence").into(),
                    role.term.evidence.as_deref(),
                );
                push(
                    &mut out,
                    format!("roles[{n}].notes").into(),
                    role.term.notes.as_deref(),
                );
            }
        }
        Kind::Organisation => {
            let o = &base.organisations[i];
            push(&mut out, "name".into(), Some(o.name.as_str()));
            for alias in &o.aliases {
                push(&mut out, "aliases".into(), Some(alias.as_str()));
            }
            push(&mut out, "kind".into(), Some(o.kind.as_str()));
            push(&mut out, "description".into(), o.description.as_deref());
            for (n, m) in o.members.iter().enumerate() {
                push(
                    &mut out,
                    format!("members[{n}].evidence").into(),
                    m.term.evidence.as_deref(),
                );
                push(
                    &mut out,
                    format!("members[{n}].notes").into(),
                    m.term.notes.as_deref(),
                );
            }
        }
        Kind::Place => {
            let p = &base.places[i];
            push(&mut out, "name".into(), Some(p.name.as_str()));
            for alias in &p.aliases {
                push(&mut out, "aliases".into(), Some(alias.as_str()));
            }
            push(&mut out, "kind".into(), Some(p.kind.as_str()));
            push(&mut out, "description".into(), p.description.as_deref());
        }
        Kind::Quote => {
            let q = &base.quotes[i];
            push(&mut out, "text".into(), Some(q.text.as_str()));
            push(&mut out, "context".into(), q.context.as_deref());
        }
        Kind::Event => {
            let e = &base.events[i];
            push(&mut out, "title".into(), Some(e.title.as_str()));
            push(&mut out, "description".into(), e.description.as_deref());
        }
    }
    if let Some(meta) = base.meta(r) {
        push(&mut out, "evidence".into(), meta.evidence.as_deref());
        push(&mut out, "notes".into(), meta.notes.as_deref());
    }
    out
}

/// A date as JSON: the text as written, or null.
pub fn date_json(d: Option<&Date>) -> Json {
    d.map_or(Json::Null, |d| json!(d.as_str()))
}

fn sources_json(base: &Base, sources: &[u32]) -> Json {
    json!(base.source_ids(sources))
}

fn place_id(base: &Base, p: Option<u32>) -> Json {
    p.map_or(Json::Null, |p| json!(base.id(EntityRef::place(p))))
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

/// A role as JSON, the same wherever it appears: in its person's record, and in the people of an
/// organisation or place.
pub fn role_json(base: &Base, actor: u32, role: &Role) -> Json {
    let mut obj = Map::new();
    obj.insert("actor".into(), json!(base.id(EntityRef::actor(actor))));
    obj.insert("title".into(), json!(role.title));
    obj.insert(
        "org".into(),
        json!(role.org.map(|o| base.id(EntityRef::org(o)))),
    );
    obj.insert("place".into(), place_id(base, role.place));
    with_term(base, obj, &role.term)
}

/// A membership as JSON, the same in its organisation's record and in its member's profile.
pub fn membership_json(base: &Base, org: u32, m: &Membership) -> Json {
    let mut obj = Map::new();
    obj.insert("org".into(), json!(base.id(EntityRef::org(org))));
    obj.insert("member".into(), json!(base.id(m.member)));
    with_term(base, obj, &m.term)
}

/// A record as one JSON object: `record` says which kind it is, the other keys are the fact
/// file's own fields with references as ids, then its sources, evidence, notes, and where it is
/// written. This is the record's only JSON shape.
pub fn json(base: &Base, r: EntityRef) -> Json {
    let i = r.idx as usize;
    let ids = |refs: &mut dyn Iterator<Item = EntityRef>| -> Json {
        refs.map(|x| json!(base.id(x))).collect()
    };
    let mut obj = Map::new();
    obj.insert("record".into(), json!(r.kind.name()));
    obj.insert("id".into(), json!(base.id(r)));
    let fields = match r.kind {
        Kind::Source => {
            let s = &base.sources[i];
            json!({
                "title": s.title,
                "publisher": s.publisher,
                "published": date_json(s.published.as_ref()),
                "url": s.url,
                "text": s.text,
                "notes": s.notes,
            })
        }
        Kind::Actor => {
            let a = &base.actors[i];
            json!({
                "name": a.name,
                "aliases": a.aliases,
                "description": a.description,
                "nationality": place_id(base, a.nationality),
                "roles": a.roles.iter().map(|role| role_json(base, r.idx, role)).collect::<Vec<_>>(),
            })
        }
        Kind::Organisation => {
            let o = &base.organisations[i];
            json!({
                "name": o.name,
                "aliases": o.aliases,
                "kind": o.kind,
                "description": o.description,
                "founded": date_json(o.founded.as_ref()),
                "based_in": place_id(base, o.based_in),
                "members": o.members.iter().map(|m| membership_json(base, r.idx, m)).collect::<Vec<_>>(),
            })
        }
        Kind::Place => {
            let p = &base.places[i];
            json!({
                "name": p.name,
                "aliases": p.aliases,
                "kind": p.kind,
                "part_of": place_id(base, p.part_of),
                "description": p.description,
            })
        }
        Kind::Quote => {
            let q = &base.quotes[i];
            json!({
                "speaker": base.id(q.speaker),
                "text": q.text,
                "kind": q.kind.name(),
                "said": date_json(q.said.as_ref()),
                "context": q.context,
                "about": ids(&mut q.about.iter().copied()),
            })
        }
        Kind::Event => {
            let e = &base.events[i];
            json!({
                "date": e.date.as_str(),
                "title": e.title,
                "description": e.description,
                "involving": ids(&mut e.involving.iter().copied()),
                "places": ids(&mut e.places.iter().map(|&p| EntityRef::place(p))),
            })
        }
    };
    if let Json::Object(fields) = fields {
        obj.extend(fields);
    }
    if let Some(Meta {
        sources,
        evidence,
        notes,
        ..
    }) = base.meta(r)
    {
        obj.insert("source".into(), sources_json(base, sources));
        obj.insert("evidence".into(), json!(evidence));
        obj.insert("notes".into(), json!(notes));
    }
    let origin = base.origin(r);
    obj.insert("file".into(), json!(base.files.get(origin.file as usize)));
    obj.insert("line".into(), json!(origin.line));
    Json::Object(obj)
}
