//! `kz who NAME`: a profile of every record NAME names.

use super::{Cx, Run, rows, source_ids};
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

/// One titled table per kind of relation the record has; empty ones are left out.
fn sections(base: &Base, rel: &Relations) -> Vec<(String, Rows)> {
    let refs = |list: &[u32], kind: fn(u32) -> EntityRef| -> Vec<EntityRef> {
        list.iter().map(|&i| kind(i)).collect()
    };
    let quotes = |list: &[u32]| rows::table(base, refs(list, EntityRef::quote), rows::QUOTE);
    let events = |list: &[u32]| rows::table(base, refs(list, EntityRef::event), rows::EVENT_BRIEF);
    [
        ("Roles", rows::roles(base, rel)),
        ("Members", rows::members(base, rel)),
        ("People", rows::people(base, rel)),
        ("Member of", rows::member_of(base, rel)),
        (
            "Places within",
            rows::kinded(base, refs(&rel.parts, EntityRef::place)),
        ),
        (
            "Organisations based here",
            rows::kinded(base, refs(&rel.based_here, EntityRef::org)),
        ),
        ("Quotes", quotes(&rel.quotes_by)),
        ("Quoted about", quotes(&rel.quotes_about)),
        ("Events", events(&rel.events)),
        ("Events about", events(&rel.events_about)),
    ]
    .into_iter()
    .filter(|(_, rows)| !rows.is_empty())
    .map(|(title, rows)| (title.to_string(), rows))
    .collect()
}
