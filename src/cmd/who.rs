//! `kz who NAME`: a profile of every record NAME names.

use super::{Cx, Run, date_cell, rows, source_ids};
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
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  kz who Serdyukov\n  kz who Токаев -f json | jq '.[0].roles'")]
pub struct Args {
    #[arg(add = crate::cmd::completions::names(&crate::model::Kind::ALL))]
    /// Who or what to describe
    pub name: String,
}

impl Run for Args {
    fn run(&self, cx: &mut Cx<'_>) -> Result<(), crate::Error> {
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
            .map(|(o, m)| view::membership_json(base, base.id(EntityRef::org(*o)), m))
            .collect(),
    );
    if r.kind == Kind::Organisation || r.kind == Kind::Place {
        map.insert(
            "people".into(),
            rel.people
                .iter()
                .map(|(a, role)| view::role_json(base, base.id(EntityRef::actor(*a)), role))
                .collect(),
        );
    }
    if r.kind == Kind::Place {
        let ids = |list: &[u32], kind: fn(u32) -> EntityRef| -> Json {
            list.iter().map(|&p| json!(base.id(kind(p)))).collect()
        };
        map.insert("places_within".into(), ids(&rel.parts, EntityRef::place));
        map.insert("based_here".into(), ids(&rel.based_here, EntityRef::org));
    }
    map.insert("quotes".into(), records(EntityRef::quote, &rel.quotes_by));
    map.insert(
        "quoted_about".into(),
        records(EntityRef::quote, &rel.quotes_about),
    );
    map.insert("events".into(), records(EntityRef::event, &rel.events));
    map.insert(
        "events_about".into(),
        records(EntityRef::event, &rel.events_about),
    );
    obj
}

/// A record as a readable page: its fields, then a table per relation.
fn profile(base: &Base, r: EntityRef) -> Profile {
    let rel = relations::of(base, r);
    Profile {
        title: base.label(r).to_string(),
        subtitle: format!("({})", kind_label(base, r)),
        fields: rows::profile_fields(base, r),
        sections: sections(base, &rel),
    }
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
                Value::opt(role.org.map(|o| base.label(o))),
                Value::opt(role.place.map(|p| base.label(p))),
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
    let kinded = |refs: Vec<EntityRef>| {
        let mut rows = Rows::new(&["id", "name", "kind"]);
        for r in refs {
            rows.push(
                vec![base.id(r).into(), name(r), rows::shown(base, base.get(r), "kind")],
                vec![],
            );
        }
        rows
    };
    section(
        "Places within",
        kinded(rel.parts.iter().map(|&p| EntityRef::place(p)).collect()),
    );
    section(
        "Organisations based here",
        kinded(rel.based_here.iter().map(|&o| EntityRef::org(o)).collect()),
    );
    let quotes = |list: &[u32]| rows::table(base, list.iter().map(|&q| EntityRef::quote(q)), rows::QUOTE);
    section("Quotes", quotes(&rel.quotes_by));
    section("Quoted about", quotes(&rel.quotes_about));
    let events = |list: &[u32]| {
        rows::table(base, list.iter().map(|&e| EntityRef::event(e)), rows::EVENT_BRIEF)
    };
    section("Events", events(&rel.events));
    section("Events about", events(&rel.events_about));
    out
}
