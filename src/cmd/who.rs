//! `kz who NAME`: a profile of every record NAME names.

use super::{Cx, Run, date_cell, source_ids};
use crate::model::view::{self, kind_label, main_text};
use crate::model::{Base, EntityRef, Kind};
use crate::query::relations::{self, Relations};
use crate::query::{self, Wanted};
use crate::render::{self, Format, Profile, Rows, Value};
use serde_json::{Value as Json, json};

/// Show a profile of a person, organisation, place, event, quote or source.
///
/// A profile gives name, kind, aliases, description, roles, memberships, members, the people who
/// hold a role in it, quotes said and quotes about it, events, and sources. For a place, the
/// places within it count as it.
///
/// NAME is an id, a name, an alias or one word of a name, in any case, with or without accents,
/// in Latin or Cyrillic (Russian or Kazakh) script. Exact matches beat partial ones; when several
/// records match equally, each gets a profile.
///
/// -f json gives an array of profile objects: the record's own JSON object (as `kz export --to
/// jsonl` writes it) with member_of, people, places_within, quotes, quoted_about and events
/// added, each related record in its own JSON shape. -f tsv or -f csv gives one row per match:
/// id, kind, name, description.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  kz who Serdyukov\n  kz who Токаев -f json | jq '.[0].roles'")]
pub struct Args {
    #[arg(add = crate::cmd::completions::names(&crate::model::Kind::ALL))]
    /// Who or what to describe
    pub name: String,
}

impl Run for Args {
    fn run(&self, cx: &mut Cx<'_>) -> anyhow::Result<()> {
        let base = cx.base()?;
        let found = query::resolve(base, &self.name, Wanted::ANY)?;
        match cx.ctx.style.format {
            Format::Json | Format::Jsonl => {
                let values: Vec<Json> = found.iter().map(|&r| profile_json(base, r)).collect();
                render::json(cx.out, &values, cx.ctx.style.format == Format::Jsonl)?;
            }
            Format::Tsv | Format::Csv => {
                let mut rows = Rows::new(&["id", "kind", "name", "description"]);
                for &r in &found {
                    let sources = base
                        .meta(r)
                        .map(|m| source_ids(base, &m.sources))
                        .unwrap_or_default();
                    rows.push(
                        vec![
                            base.id(r).into(),
                            kind_label(base, r).into(),
                            base.label(r).into(),
                            Value::opt(main_text(base, r)),
                        ],
                        sources,
                    );
                }
                render::rows(cx.out, &rows, &cx.ctx.style)?;
            }
            Format::Table | Format::Markdown => {
                let profiles: Vec<Profile> = found.iter().map(|&r| profile(base, r)).collect();
                render::profiles(cx.out, &profiles, &cx.ctx.style)?;
            }
        }
        Ok(())
    }
}

/// A record as a profile object: its own JSON view, then what the base relates to it, each
/// related record or role in its own one JSON shape.
pub fn profile_json(base: &Base, r: EntityRef) -> Json {
    let rel = relations::of(base, r);
    let mut obj = view::json(base, r);
    let Some(map) = obj.as_object_mut() else {
        return obj;
    };
    let records = |kind: fn(u32) -> EntityRef, list: &[u32]| -> Json {
        list.iter().map(|&i| view::json(base, kind(i))).collect()
    };
    map.insert(
        "member_of".into(),
        rel.member_of
            .iter()
            .map(|(o, m)| view::membership_json(base, *o, m))
            .collect(),
    );
    if r.kind == Kind::Organisation || r.kind == Kind::Place {
        map.insert(
            "people".into(),
            rel.people
                .iter()
                .map(|(a, role)| view::role_json(base, *a, role))
                .collect(),
        );
    }
    if r.kind == Kind::Place {
        map.insert(
            "places_within".into(),
            rel.parts
                .iter()
                .map(|&p| json!(base.id(EntityRef::place(p))))
                .collect(),
        );
    }
    map.insert("quotes".into(), records(EntityRef::quote, &rel.quotes_by));
    map.insert(
        "quoted_about".into(),
        records(EntityRef::quote, &rel.quotes_about),
    );
    map.insert("events".into(), records(EntityRef::event, &rel.events));
    obj
}

/// A record as a readable page: its fields, then a table per relation.
fn profile(base: &Base, r: EntityRef) -> Profile {
    let rel = relations::of(base, r);
    Profile {
        title: base.label(r).to_string(),
        subtitle: format!("({})", kind_label(base, r)),
        fields: fields(base, r),
        sections: sections(base, &rel),
    }
}

/// The record's own fields, as `name  value` lines.
fn fields(base: &Base, r: EntityRef) -> Vec<(&'static str, String)> {
    let i = r.idx as usize;
    let place = |p: u32| base.places[p as usize].name.to_string();
    let list = |refs: &mut dyn Iterator<Item = EntityRef>| {
        refs.map(|x| base.label(x).to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out: Vec<(&'static str, Option<String>)> = vec![("id", Some(base.id(r).to_string()))];
    let aliases = base.aliases(r);
    if !aliases.is_empty() {
        out.push(("aliases", Some(aliases.join(", "))));
    }
    match r.kind {
        Kind::Actor => {
            let a = &base.actors[i];
            out.push(("description", Some(a.description.to_string())));
            out.push(("nationality", a.nationality.map(place)));
        }
        Kind::Organisation => {
            let o = &base.organisations[i];
            out.push(("kind", Some(o.kind.to_string())));
            out.push(("description", o.description.as_ref().map(|d| d.to_string())));
            out.push(("founded", o.founded.as_ref().map(|d| d.to_string())));
            out.push(("based in", o.based_in.map(place)));
        }
        Kind::Place => {
            let p = &base.places[i];
            out.push(("kind", Some(p.kind.to_string())));
            out.push(("part of", p.part_of.map(place)));
            out.push(("description", p.description.as_ref().map(|d| d.to_string())));
        }
        Kind::Source => {
            let s = &base.sources[i];
            out.push(("publisher", s.publisher.as_ref().map(|t| t.to_string())));
            out.push(("url", s.url.as_ref().map(|t| t.to_string())));
            out.push(("text", s.text.as_ref().map(|t| t.to_string())));
            out.push(("notes", s.notes.as_ref().map(|t| t.to_string())));
            out.push(("published", s.published.as_ref().map(|d| d.to_string())));
        }
        Kind::Quote => {
            let q = &base.quotes[i];
            out.push(("speaker", Some(base.label(q.speaker).to_string())));
            out.push(("kind", Some(q.kind.name().to_string())));
            out.push(("said", q.said.as_ref().map(|d| d.to_string())));
            out.push(("context", q.context.as_ref().map(|c| c.to_string())));
            out.push(("text", Some(q.text.to_string())));
            if !q.about.is_empty() {
                out.push(("about", Some(list(&mut q.about.iter().copied()))));
            }
        }
        Kind::Event => {
            let e = &base.events[i];
            out.push(("date", Some(e.date.to_string())));
            out.push(("description", e.description.as_ref().map(|d| d.to_string())));
            if !e.places.is_empty() {
                out.push(("places", Some(list(&mut e.places.iter().map(|&p| EntityRef::place(p))))));
            }
            if !e.involving.is_empty() {
                out.push(("involving", Some(list(&mut e.involving.iter().copied()))));
            }
        }
    }
    if let Some(meta) = base.meta(r)
        && !meta.sources.is_empty()
    {
        out.push(("source", Some(base.source_ids(&meta.sources).join(", "))));
    }
    out.into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect()
}

/// One titled table per kind of relation the record has.
fn sections(base: &Base, rel: &Relations) -> Vec<(String, Rows)> {
    let mut out = Vec::new();
    let mut section = |title: &str, rows: Rows| {
        if !rows.is_empty() {
            out.push((title.to_string(), rows));
        }
    };
    let name = |r: EntityRef| -> Value { base.label(r).into() };
    let mut roles = Rows::new(&["title", "org", "place", "since", "until", "source"]);
    for (_, role) in &rel.roles {
        roles.push(
            vec![
                role.title.as_str().into(),
                Value::opt(role.org.map(|o| base.label(EntityRef::org(o)))),
                Value::opt(role.place.map(|p| base.label(EntityRef::place(p)))),
                date_cell(role.term.since.as_ref()),
                date_cell(role.term.until.as_ref()),
                Value::List(source_ids(base, &role.term.sources)),
            ],
            vec![],
        );
    }
    section("Roles", roles);
    let mut members = Rows::new(&["id", "name", "kind", "since", "until"]);
    for (_, m) in &rel.members {
        members.push(
            vec![
                base.id(m.member).into(),
                name(m.member),
                m.member.kind.name().into(),
                date_cell(m.term.since.as_ref()),
                date_cell(m.term.until.as_ref()),
            ],
            vec![],
        );
    }
    section("Members", members);
    let mut people = Rows::new(&["id", "name", "title", "since", "until"]);
    for (a, role) in &rel.people {
        let me = EntityRef::actor(*a);
        people.push(
            vec![
                base.id(me).into(),
                name(me),
                role.title.as_str().into(),
                date_cell(role.term.since.as_ref()),
                date_cell(role.term.until.as_ref()),
            ],
            vec![],
        );
    }
    section("People", people);
    let mut member_of = Rows::new(&["organisation", "since", "until"]);
    for (o, m) in &rel.member_of {
        member_of.push(
            vec![
                name(EntityRef::org(*o)),
                date_cell(m.term.since.as_ref()),
                date_cell(m.term.until.as_ref()),
            ],
            vec![],
        );
    }
    section("Member of", member_of);
    let mut parts = Rows::new(&["id", "name", "kind"]);
    for &p in &rel.parts {
        let place = &base.places[p as usize];
        parts.push(
            vec![
                place.meta.id.as_str().into(),
                place.name.as_str().into(),
                place.kind.as_str().into(),
            ],
            vec![],
        );
    }
    section("Places within", parts);
    let mut quotes = Rows::new(&["id", "date", "kind", "text", "context"]);
    for &q in &rel.quotes_by {
        let quote = &base.quotes[q as usize];
        quotes.push(
            vec![
                quote.meta.id.as_str().into(),
                date_cell(quote.said.as_ref()),
                quote.kind.name().into(),
                quote.text.as_str().into(),
                Value::opt(quote.context.as_deref()),
            ],
            vec![],
        );
    }
    section("Quotes", quotes);
    let mut about = Rows::new(&["id", "date", "speaker", "kind", "text"]);
    for &q in &rel.quotes_about {
        let quote = &base.quotes[q as usize];
        about.push(
            vec![
                quote.meta.id.as_str().into(),
                date_cell(quote.said.as_ref()),
                name(quote.speaker),
                quote.kind.name().into(),
                quote.text.as_str().into(),
            ],
            vec![],
        );
    }
    section("Quoted about", about);
    let mut events = Rows::new(&["id", "date", "title"]);
    for &e in &rel.events {
        let ev = &base.events[e as usize];
        events.push(
            vec![
                ev.meta.id.as_str().into(),
                ev.date.to_string().into(),
                ev.title.as_str().into(),
            ],
            vec![],
        );
    }
    section("Events", events);
    out
}
