//! `kz who NAME`: a profile of every record NAME names.

use crate::config::Ctx;
use crate::model::{Base, EntityRef, Kind, Membership, Role};
use crate::query::{self, date_cell, source_ids};
use crate::render::{self, Format, Profile, Rows, Value};
use serde_json::{Value as Json, json};
use std::io::Write;

/// Show a profile of a person, organisation, place, event, quote or source.
///
/// A profile gives name, kind, aliases, description, roles, memberships, members, quotes said,
/// events involved in, and sources.
///
/// NAME is an id, a name, an alias or one word of a name, in any case, with or without accents,
/// in Latin or Cyrillic (Russian or Kazakh) script. Exact matches beat partial ones; when several
/// records match equally, each gets a profile.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  kz who Serdyukov\n  kz who Токаев -f json | jq '.[0].roles'")]
pub struct Args {
    #[arg(add = crate::cmd::completions::names(&crate::model::Kind::ALL))]
    /// Who or what to describe
    pub name: String,
}

pub fn run(args: &Args, ctx: &Ctx, out: &mut dyn Write) -> anyhow::Result<()> {
    let base = ctx.base()?;
    let kinds = [
        Kind::Actor,
        Kind::Organisation,
        Kind::Place,
        Kind::Source,
        Kind::Event,
        Kind::Quote,
    ];
    let found = query::resolve(base, &args.name, &kinds, "record")?;
    match ctx.style.format {
        Format::Json | Format::Jsonl => {
            let values: Vec<Json> = found.iter().map(|&r| profile_json(base, r)).collect();
            render::json(out, &values, ctx.style.format == Format::Jsonl)?;
        }
        Format::Tsv | Format::Csv => {
            let mut rows = Rows::new(&["id", "kind", "name", "description"]);
            for &r in &found {
                let meta_sources = base
                    .meta(r)
                    .map(|m| source_ids(base, &m.sources))
                    .unwrap_or_default();
                rows.push(
                    vec![
                        base.id(r).into(),
                        kind_label(base, r).into(),
                        base.label(r).into(),
                        Value::opt(description(base, r)),
                    ],
                    meta_sources,
                );
            }
            render::rows(out, &rows, &ctx.style)?;
        }
        Format::Table | Format::Markdown => {
            let profiles: Vec<Profile> = found.iter().map(|&r| profile(base, r)).collect();
            render::profiles(out, &profiles, &ctx.style)?;
        }
    }
    Ok(())
}

/// `actor`, or an organisation's or place's own kind (`organisation: military alliance`).
fn kind_label(base: &Base, r: EntityRef) -> String {
    match r.kind {
        Kind::Organisation => format!("organisation: {}", base.organisations[r.idx as usize].kind),
        Kind::Place => format!("place: {}", base.places[r.idx as usize].kind),
        other => other.name().to_string(),
    }
}

fn description(base: &Base, r: EntityRef) -> Option<String> {
    let i = r.idx as usize;
    match r.kind {
        Kind::Actor => Some(base.actors[i].description.to_string()),
        Kind::Organisation => base.organisations[i]
            .description
            .as_ref()
            .map(|d| d.to_string()),
        Kind::Place => base.places[i].description.as_ref().map(|d| d.to_string()),
        Kind::Event => base.events[i].description.as_ref().map(|d| d.to_string()),
        Kind::Quote => Some(base.quotes[i].text.to_string()),
        Kind::Source => base.sources[i].notes.as_ref().map(|d| d.to_string()),
    }
}

/// Everything the base relates to one record, gathered once for both renderings.
struct Relations<'b> {
    roles: Vec<&'b Role>,
    /// Organisations this record is a member of.
    memberships: Vec<(u32, &'b Membership)>,
    /// An organisation's members.
    members: Vec<&'b Membership>,
    /// People holding a role in an organisation or place.
    people: Vec<(u32, &'b Role)>,
    /// Places that are part of a place.
    parts: Vec<u32>,
    quotes_by: Vec<u32>,
    quotes_about: Vec<u32>,
    events: Vec<u32>,
    sources: crate::model::Ids,
}

fn relations(base: &Base, r: EntityRef) -> Relations<'_> {
    let i = r.idx as usize;
    let roles = match r.kind {
        Kind::Actor => base.actors[i].roles.iter().collect(),
        _ => Vec::new(),
    };
    let memberships = base
        .organisations
        .iter()
        .enumerate()
        .flat_map(|(o, org)| {
            org.members
                .iter()
                .filter(|m| m.member == r)
                .map(move |m| (o as u32, m))
        })
        .collect();
    let members = match r.kind {
        Kind::Organisation => base.organisations[i].members.iter().collect(),
        _ => Vec::new(),
    };
    let people = base
        .actors
        .iter()
        .enumerate()
        .flat_map(|(a, actor)| {
            actor
                .roles
                .iter()
                .filter(|role| match r.kind {
                    Kind::Organisation => role.org == Some(r.idx),
                    Kind::Place => role.place == Some(r.idx),
                    _ => false,
                })
                .map(move |role| (a as u32, role))
        })
        .collect();
    let parts = match r.kind {
        Kind::Place => base
            .places
            .iter()
            .enumerate()
            .filter(|(_, p)| p.part_of == Some(r.idx))
            .map(|(p, _)| p as u32)
            .collect(),
        _ => Vec::new(),
    };
    let mut quotes_by: Vec<u32> = match r.kind {
        Kind::Actor => (0..base.quotes.len() as u32)
            .filter(|&q| base.quotes[q as usize].speaker == r.idx)
            .collect(),
        _ => Vec::new(),
    };
    let mut quotes_about: Vec<u32> = (0..base.quotes.len() as u32)
        .filter(|&q| base.quotes[q as usize].about.contains(&r))
        .collect();
    let mut events: Vec<u32> = (0..base.events.len() as u32)
        .filter(|&e| {
            let ev = &base.events[e as usize];
            ev.involving.contains(&r) || (r.kind == Kind::Place && ev.places.contains(&r.idx))
        })
        .collect();
    query::by_date(&mut quotes_by, |&q| base.quotes[q as usize].said.as_ref());
    query::by_date(&mut quotes_about, |&q| {
        base.quotes[q as usize].said.as_ref()
    });
    query::by_date(&mut events, |&e| Some(&base.events[e as usize].date));
    let sources = base.meta(r).map(|m| m.sources.clone()).unwrap_or_default();
    Relations {
        roles,
        memberships,
        members,
        people,
        parts,
        quotes_by,
        quotes_about,
        events,
        sources,
    }
}

fn profile(base: &Base, r: EntityRef) -> Profile {
    let i = r.idx as usize;
    let rel = relations(base, r);
    let mut fields: Vec<(&'static str, String)> = vec![("id", base.id(r).to_string())];
    let aliases = base.aliases(r);
    if !aliases.is_empty() {
        fields.push(("aliases", aliases.join(", ")));
    }
    match r.kind {
        Kind::Actor => {
            let a = &base.actors[i];
            fields.push(("description", a.description.to_string()));
            if let Some(n) = a.nationality {
                fields.push(("nationality", base.places[n as usize].name.to_string()));
            }
        }
        Kind::Organisation => {
            let o = &base.organisations[i];
            fields.push(("kind", o.kind.to_string()));
            if let Some(d) = &o.description {
                fields.push(("description", d.to_string()));
            }
            if let Some(f) = &o.founded {
                fields.push(("founded", f.to_string()));
            }
            if let Some(p) = o.based_in {
                fields.push(("based in", base.places[p as usize].name.to_string()));
            }
        }
        Kind::Place => {
            let p = &base.places[i];
            fields.push(("kind", p.kind.to_string()));
            if let Some(parent) = p.part_of {
                fields.push(("part of", base.places[parent as usize].name.to_string()));
            }
            if let Some(d) = &p.description {
                fields.push(("description", d.to_string()));
            }
        }
        Kind::Source => {
            let s = &base.sources[i];
            for (k, v) in [
                ("publisher", &s.publisher),
                ("url", &s.url),
                ("text", &s.text),
                ("notes", &s.notes),
            ] {
                if let Some(v) = v {
                    fields.push((k, v.to_string()));
                }
            }
            if let Some(p) = &s.published {
                fields.push(("published", p.to_string()));
            }
        }
        Kind::Quote => {
            let q = &base.quotes[i];
            fields.push(("speaker", base.actors[q.speaker as usize].name.to_string()));
            fields.push(("kind", q.kind.name().to_string()));
            if let Some(d) = &q.said {
                fields.push(("said", d.to_string()));
            }
            if let Some(c) = &q.context {
                fields.push(("context", c.to_string()));
            }
            fields.push(("text", q.text.to_string()));
            if !q.about.is_empty() {
                fields.push((
                    "about",
                    q.about
                        .iter()
                        .map(|&a| base.label(a))
                        .collect::<Vec<_>>()
                        .join(", "),
                ));
            }
        }
        Kind::Event => {
            let e = &base.events[i];
            fields.push(("date", e.date.to_string()));
            if let Some(d) = &e.description {
                fields.push(("description", d.to_string()));
            }
            if !e.places.is_empty() {
                fields.push((
                    "places",
                    e.places
                        .iter()
                        .map(|&p| base.places[p as usize].name.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                ));
            }
            if !e.involving.is_empty() {
                fields.push((
                    "involving",
                    e.involving
                        .iter()
                        .map(|&a| base.label(a))
                        .collect::<Vec<_>>()
                        .join(", "),
                ));
            }
        }
    }
    if !rel.sources.is_empty() {
        fields.push(("source", base.source_ids(&rel.sources).join(", ")));
    }
    let mut sections = Vec::new();
    if !rel.roles.is_empty() {
        let mut rows = Rows::new(&["title", "org", "place", "since", "until", "source"]);
        for role in &rel.roles {
            rows.push(
                vec![
                    role.title.as_str().into(),
                    Value::opt(
                        role.org
                            .map(|o| base.organisations[o as usize].name.clone()),
                    ),
                    Value::opt(role.place.map(|p| base.places[p as usize].name.clone())),
                    date_cell(role.since.as_ref()),
                    date_cell(role.until.as_ref()),
                    Value::List(source_ids(base, &role.sources)),
                ],
                vec![],
            );
        }
        sections.push(("Roles".to_string(), rows));
    }
    if !rel.members.is_empty() {
        let mut rows = Rows::new(&["id", "name", "kind", "since", "until"]);
        for m in &rel.members {
            rows.push(
                vec![
                    base.id(m.member).into(),
                    base.label(m.member).into(),
                    m.member.kind.name().into(),
                    date_cell(m.since.as_ref()),
                    date_cell(m.until.as_ref()),
                ],
                vec![],
            );
        }
        sections.push(("Members".to_string(), rows));
    }
    if !rel.people.is_empty() {
        let mut rows = Rows::new(&["id", "name", "title", "since", "until"]);
        for (a, role) in &rel.people {
            let actor = &base.actors[*a as usize];
            rows.push(
                vec![
                    actor.meta.id.as_str().into(),
                    actor.name.as_str().into(),
                    role.title.as_str().into(),
                    date_cell(role.since.as_ref()),
                    date_cell(role.until.as_ref()),
                ],
                vec![],
            );
        }
        sections.push(("People".to_string(), rows));
    }
    if !rel.memberships.is_empty() {
        let mut rows = Rows::new(&["organisation", "since", "until"]);
        for (o, m) in &rel.memberships {
            rows.push(
                vec![
                    base.organisations[*o as usize].name.as_str().into(),
                    date_cell(m.since.as_ref()),
                    date_cell(m.until.as_ref()),
                ],
                vec![],
            );
        }
        sections.push(("Member of".to_string(), rows));
    }
    if !rel.parts.is_empty() {
        let mut rows = Rows::new(&["id", "name", "kind"]);
        for p in &rel.parts {
            let place = &base.places[*p as usize];
            rows.push(
                vec![
                    place.meta.id.as_str().into(),
                    place.name.as_str().into(),
                    place.kind.as_str().into(),
                ],
                vec![],
            );
        }
        sections.push(("Places within".to_string(), rows));
    }
    if !rel.quotes_by.is_empty() {
        let mut rows = Rows::new(&["id", "date", "kind", "text", "context"]);
        for &q in &rel.quotes_by {
            let quote = &base.quotes[q as usize];
            rows.push(
                vec![
                    quote.meta.id.as_str().into(),
                    date_cell(quote.said.as_ref()),
                    quote.kind.name().into(),
                    quote.text.as_str().into(),
                    Value::opt(quote.context.clone()),
                ],
                vec![],
            );
        }
        sections.push(("Quotes".to_string(), rows));
    }
    if !rel.quotes_about.is_empty() {
        let mut rows = Rows::new(&["id", "date", "speaker", "kind", "text"]);
        for &q in &rel.quotes_about {
            let quote = &base.quotes[q as usize];
            rows.push(
                vec![
                    quote.meta.id.as_str().into(),
                    date_cell(quote.said.as_ref()),
                    base.actors[quote.speaker as usize].name.as_str().into(),
                    quote.kind.name().into(),
                    quote.text.as_str().into(),
                ],
                vec![],
            );
        }
        sections.push(("Quoted about".to_string(), rows));
    }
    if !rel.events.is_empty() {
        let mut rows = Rows::new(&["id", "date", "title"]);
        for &e in &rel.events {
            let ev = &base.events[e as usize];
            rows.push(
                vec![
                    ev.meta.id.as_str().into(),
                    ev.date.to_string().into(),
                    ev.title.as_str().into(),
                ],
                vec![],
            );
        }
        sections.push(("Events".to_string(), rows));
    }
    Profile {
        title: base.label(r).to_string(),
        subtitle: format!("({})", kind_label(base, r)),
        fields,
        sections,
    }
}

fn date_json(d: Option<&crate::date::Date>) -> Json {
    d.map_or(Json::Null, |d| Json::String(d.to_string()))
}

fn profile_json(base: &Base, r: EntityRef) -> Json {
    let i = r.idx as usize;
    let rel = relations(base, r);
    let quote = |q: &u32| {
        let quote = &base.quotes[*q as usize];
        json!({
            "id": quote.meta.id,
            "date": date_json(quote.said.as_ref()),
            "speaker": base.actors[quote.speaker as usize].meta.id,
            "kind": quote.kind.name(),
            "text": quote.text,
            "context": quote.context,
            "source": source_ids(base, &quote.meta.sources),
        })
    };
    let mut obj = json!({
        "id": base.id(r),
        "kind": r.kind.name(),
        "name": base.label(r),
        "aliases": base.aliases(r),
        "description": description(base, r),
    });
    let map = obj.as_object_mut().expect("an object");
    match r.kind {
        Kind::Actor => {
            let a = &base.actors[i];
            map.insert(
                "nationality".into(),
                a.nationality
                    .map_or(Json::Null, |p| json!(base.places[p as usize].meta.id)),
            );
            map.insert(
                "roles".into(),
                rel.roles
                    .iter()
                    .map(|role| {
                        json!({
                            "title": role.title,
                            "org": role.org.map(|o| &base.organisations[o as usize].meta.id),
                            "place": role.place.map(|p| &base.places[p as usize].meta.id),
                            "since": date_json(role.since.as_ref()),
                            "until": date_json(role.until.as_ref()),
                            "evidence": role.evidence,
                            "source": source_ids(base, &role.sources),
                        })
                    })
                    .collect(),
            );
        }
        Kind::Organisation => {
            let o = &base.organisations[i];
            map.insert("type".into(), json!(o.kind));
            map.insert("founded".into(), date_json(o.founded.as_ref()));
            map.insert(
                "based_in".into(),
                o.based_in
                    .map_or(Json::Null, |p| json!(base.places[p as usize].meta.id)),
            );
            map.insert(
                "members".into(),
                rel.members
                    .iter()
                    .map(|m| {
                        json!({
                            "id": base.id(m.member),
                            "name": base.label(m.member),
                            "kind": m.member.kind.name(),
                            "since": date_json(m.since.as_ref()),
                            "until": date_json(m.until.as_ref()),
                            "source": source_ids(base, &m.sources),
                        })
                    })
                    .collect(),
            );
        }
        Kind::Place => {
            let p = &base.places[i];
            map.insert("type".into(), json!(p.kind));
            map.insert(
                "part_of".into(),
                p.part_of
                    .map_or(Json::Null, |x| json!(base.places[x as usize].meta.id)),
            );
            map.insert(
                "places_within".into(),
                rel.parts
                    .iter()
                    .map(|&x| json!(base.places[x as usize].meta.id))
                    .collect(),
            );
        }
        Kind::Source => {
            let s = &base.sources[i];
            map.insert("publisher".into(), json!(s.publisher));
            map.insert("published".into(), date_json(s.published.as_ref()));
            map.insert("url".into(), json!(s.url));
        }
        Kind::Quote => {
            return quote(&r.idx);
        }
        Kind::Event => {
            let e = &base.events[i];
            map.insert("date".into(), json!(e.date.to_string()));
            map.insert(
                "places".into(),
                e.places
                    .iter()
                    .map(|&p| json!(base.places[p as usize].meta.id))
                    .collect(),
            );
            map.insert(
                "involving".into(),
                e.involving.iter().map(|&x| json!(base.id(x))).collect(),
            );
        }
    }
    if matches!(r.kind, Kind::Actor | Kind::Organisation | Kind::Place) {
        map.insert(
            "memberships".into(),
            rel.memberships
                .iter()
                .map(|(o, m)| {
                    json!({
                        "org": base.organisations[*o as usize].meta.id,
                        "since": date_json(m.since.as_ref()),
                        "until": date_json(m.until.as_ref()),
                        "source": source_ids(base, &m.sources),
                    })
                })
                .collect(),
        );
        map.insert(
            "people".into(),
            rel.people
                .iter()
                .map(|(a, role)| {
                    json!({
                        "id": base.actors[*a as usize].meta.id,
                        "title": role.title,
                        "since": date_json(role.since.as_ref()),
                        "until": date_json(role.until.as_ref()),
                    })
                })
                .collect(),
        );
        map.insert("quotes".into(), rel.quotes_by.iter().map(quote).collect());
        map.insert(
            "quoted_about".into(),
            rel.quotes_about.iter().map(quote).collect(),
        );
        map.insert(
            "events".into(),
            rel.events
                .iter()
                .map(|&e| {
                    let ev = &base.events[e as usize];
                    json!({"id": ev.meta.id, "date": ev.date.to_string(), "title": ev.title})
                })
                .collect(),
        );
    }
    map.insert("source".into(), json!(source_ids(base, &rel.sources)));
    obj
}
