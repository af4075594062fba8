//! Records as rows and profile lines, read through their field tables: one shape of quote row
//! wherever quotes are listed, one of event row, and a profile's field lines. A value that
//! sources dispute says so in its cell.

use crate::model::fields::{Info, Item, Merge, RecordRef, Show, Value};
use crate::model::provenance::{self, Statement};
use crate::model::{Base, EntityRef, Rank};
use crate::query::relations::Relations;
use crate::render::{self, Rows, Value as Cell};

/// A column of a listing: its name, and the field of the record it shows (`id` for the id).
pub type Col = (&'static str, &'static str);

/// The columns of a quote, wherever quotes are listed.
pub const QUOTE: &[Col] = &[
    ("id", "id"),
    ("date", "said"),
    ("speaker", "speaker"),
    ("kind", "kind"),
    ("text", "text"),
    ("context", "context"),
];

/// The columns of a person in `kz actors`.
pub const ACTOR: &[Col] = &[
    ("id", "id"),
    ("name", "name"),
    ("description", "description"),
    ("roles", "roles"),
];

/// The columns of an event in `kz events`.
pub const EVENT: &[Col] = &[
    ("id", "id"),
    ("date", "date"),
    ("title", "title"),
    ("places", "places"),
    ("involving", "involving"),
];

/// The columns of an event in a profile.
pub const EVENT_BRIEF: &[Col] = &[("id", "id"), ("date", "date"), ("title", "title")];

/// A value as a cell: text and dates as written, references as their records' labels.
pub fn cell(base: &Base, value: Value) -> render::Value {
    match value {
        Value::Text(t) => t.into(),
        Value::Date(d) => d.as_str().into(),
        Value::Ref(r) => base.label(r).into(),
        Value::Refs(rs) => render::Value::List(rs.iter().map(|&r| label(base, r)).collect()),
        Value::Texts(ts) => render::Value::List(ts.iter().map(|t| t.to_string()).collect()),
        Value::Roles(rs) => render::Value::List(rs.iter().map(|r| r.title.to_string()).collect()),
        Value::Members(ms) => {
            render::Value::List(ms.iter().map(|m| label(base, m.member)).collect())
        }
        Value::Absent => render::Value::Null,
    }
}

fn label(base: &Base, r: EntityRef) -> String {
    base.label(r).to_string()
}

/// One item as a person reads it: text and dates as written, a reference as its record's label,
/// a role as its title.
pub fn item_text(base: &Base, item: Item) -> String {
    match item {
        Item::Text(t) => t.to_string(),
        Item::Date(d) => d.to_string(),
        Item::Ref(r) => label(base, r),
        Item::Role(r) => r.title.to_string(),
        Item::Member(m) => label(base, m.member),
    }
}

/// A statement's value as text, with its sources (and its rank where it is not normal):
/// `2022-01-08 (strike-report-2)`.
fn attributed(base: &Base, st: &Statement) -> String {
    let value = item_text(base, st.item);
    let mut by = base.source_ids(&st.sources).join(", ");
    if st.rank != Rank::Normal {
        by = format!("{by}; {}", st.rank.name());
    }
    format!("{value} ({by})")
}

/// What a cell adds for a disputed field: ` [disputed: 2022-01-08 (report-b)]`, naming each other
/// value a source gives; empty when no source disagrees.
pub fn dispute_note(base: &Base, rec: RecordRef, field: &str) -> String {
    if !rec.is_merged() {
        return String::new();
    }
    let others: Vec<String> = provenance::disputes(rec)
        .iter()
        .filter(|d| d.field.name == field)
        .flat_map(|d| d.values.iter().skip(1).map(|st| attributed(base, st)))
        .collect();
    match others.is_empty() {
        true => String::new(),
        false => format!(" [disputed: {}]", others.join("; ")),
    }
}

/// A field's cell, marked where sources dispute it.
pub fn shown(base: &Base, rec: RecordRef, name: &str) -> render::Value {
    let value = rec
        .field(name)
        .map_or(render::Value::Null, |v| cell(base, v));
    let note = dispute_note(base, rec, name);
    match (value, note.is_empty()) {
        (value, true) => value,
        (render::Value::Text(t), false) => render::Value::Text(t + &note),
        (render::Value::Null, false) => render::Value::Text(note.trim_start().to_string()),
        (other, false) => other,
    }
}

/// One record's cells for `cols`, and the ids of its sources.
pub fn record(base: &Base, r: EntityRef, cols: &[Col]) -> (Vec<render::Value>, Vec<String>) {
    let rec = base.get(r);
    let cells = cols
        .iter()
        .map(|&(_, field)| match field {
            "id" => rec.id().into(),
            field => shown(base, rec, field),
        })
        .collect();
    (cells, source_ids(base, rec.sources()))
}

/// Records as rows under `cols`.
pub fn table(base: &Base, refs: impl IntoIterator<Item = EntityRef>, cols: &[Col]) -> Rows {
    let names: Vec<&'static str> = cols.iter().map(|&(c, _)| c).collect();
    let mut rows = Rows::new(&names);
    for r in refs {
        let (cells, sources) = record(base, r, cols);
        rows.push(cells, sources);
    }
    rows
}

/// A record's own fields as profile lines (`label  value`): the id, then each field its table
/// shows as a line or as its main text, in table order, then where it came from. A disputed
/// value names the others; prose that declarations give differently is shown once per
/// declaration, with its source.
pub fn profile_fields(base: &Base, r: EntityRef) -> Vec<(&'static str, String)> {
    let rec = base.get(r);
    let mut out: Vec<(&'static str, String)> = vec![("id", rec.id().to_string())];
    if !rec.aka().is_empty() {
        out.push(("same as", rec.aka().join(", ")));
    }
    for (info, value) in rec.fields() {
        if matches!(info.show, Show::Title | Show::Section) || value.is_absent() {
            continue;
        }
        if info.merge == Merge::Prose && rec.is_merged() {
            out.extend(prose(base, rec, info));
            continue;
        }
        let text = cell(base, value).flat().into_owned();
        out.push((info.label, text + &dispute_note(base, rec, info.name)));
    }
    if rec.rank() != Rank::Normal {
        out.push(("rank", rec.rank().name().to_string()));
    }
    if !rec.sources().is_empty() {
        out.push(("source", base.source_ids(rec.sources()).join(", ")));
    }
    out
}

/// Each declaration's own prose for a field, with its sources.
fn prose(base: &Base, rec: RecordRef, info: &'static Info) -> Vec<(&'static str, String)> {
    let mut seen: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    for d in rec.declarations() {
        if let Some(Value::Text(t)) = d.field(info.name)
            && !seen.contains(&t)
        {
            seen.push(t);
            let by = base.source_ids(d.sources()).join(", ");
            out.push((info.label, format!("{t} ({by})")));
        }
    }
    out
}

/// The ids of the sources behind a row, for the `source` key of JSON rows.
pub fn source_ids(base: &Base, sources: &[u32]) -> Vec<String> {
    base.source_ids(sources)
        .into_iter()
        .map(str::to_string)
        .collect()
}

/// A person's own roles: title, organisation, place, dates and sources.
pub fn roles(base: &Base, rel: &Relations) -> Rows {
    let mut out = Rows::new(&["title", "org", "place", "since", "until", "source"]);
    for (_, role) in &rel.roles {
        out.push(
            vec![
                role.title.as_str().into(),
                Cell::opt(role.org.map(|o| base.label(o))),
                Cell::opt(role.place.map(|p| base.label(p))),
                date_cell(role.term.since.as_ref()),
                date_cell(role.term.until.as_ref()),
                Cell::List(source_ids(base, &role.term.sources)),
            ],
            vec![],
        );
    }
    out
}

/// An organisation's members, with their dates.
pub fn members(base: &Base, rel: &Relations) -> Rows {
    let mut out = Rows::new(&["id", "name", "kind", "since", "until"]);
    for (_, m) in &rel.members {
        out.push(
            vec![
                base.id(m.member).into(),
                base.label(m.member).into(),
                m.member.kind.name().into(),
                date_cell(m.term.since.as_ref()),
                date_cell(m.term.until.as_ref()),
            ],
            vec![],
        );
    }
    out
}

/// The people with a role in an organisation or at a place.
pub fn people(base: &Base, rel: &Relations) -> Rows {
    let mut out = Rows::new(&["id", "name", "title", "since", "until"]);
    for (a, role) in &rel.people {
        let me = EntityRef::actor(*a);
        out.push(
            vec![
                base.id(me).into(),
                base.label(me).into(),
                role.title.as_str().into(),
                date_cell(role.term.since.as_ref()),
                date_cell(role.term.until.as_ref()),
            ],
            vec![],
        );
    }
    out
}

/// The organisations a record is a member of.
pub fn member_of(base: &Base, rel: &Relations) -> Rows {
    let mut out = Rows::new(&["organisation", "since", "until"]);
    for (o, m) in &rel.member_of {
        out.push(
            vec![
                base.label(EntityRef::org(*o)).into(),
                date_cell(m.term.since.as_ref()),
                date_cell(m.term.until.as_ref()),
            ],
            vec![],
        );
    }
    out
}

/// Places or organisations with their own kind.
pub fn kinded(base: &Base, refs: Vec<EntityRef>) -> Rows {
    let mut out = Rows::new(&["id", "name", "kind"]);
    for r in refs {
        out.push(
            vec![
                base.id(r).into(),
                base.label(r).into(),
                shown(base, base.get(r), "kind"),
            ],
            vec![],
        );
    }
    out
}

/// A date cell: the date as written, or empty.
pub fn date_cell(date: Option<&crate::date::Date>) -> Cell {
    Cell::opt(date.map(|d| d.to_string()))
}
