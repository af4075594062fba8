//! Raw records: the shape of the YAML, before references and dates are checked.

use crate::model::Text;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;

/// A date field: YAML gives a string, or an integer for a bare year.
#[derive(Debug, Clone, PartialEq)]
pub enum RawDate {
    Text(Text),
    Year(i64),
}

/// How a cached file stores a date: the same two cases, tagged, for a format that does not
/// describe itself (see `pieces`).
#[derive(Serialize, Deserialize)]
enum StoredDate {
    Text(Text),
    Year(i64),
}

impl Serialize for RawDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            RawDate::Text(t) if s.is_human_readable() => s.serialize_str(t),
            RawDate::Year(y) if s.is_human_readable() => s.serialize_i64(*y),
            RawDate::Text(t) => StoredDate::Text(t.clone()).serialize(s),
            RawDate::Year(y) => StoredDate::Year(*y).serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for RawDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if !d.is_human_readable() {
            return Ok(match StoredDate::deserialize(d)? {
                StoredDate::Text(t) => RawDate::Text(t),
                StoredDate::Year(y) => RawDate::Year(y),
            });
        }
        struct V;
        impl Visitor<'_> for V {
            type Value = RawDate;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date such as 2022-01-05, 2022-01, 2022 or 199X")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawDate, E> {
                Ok(RawDate::Text(v.into()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawDate, E> {
                Ok(RawDate::Year(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawDate, E> {
                Ok(RawDate::Year(i64::try_from(v).unwrap_or(i64::MAX)))
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for RawDate {
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "An EDTF date: 2022, 2022-01, 2022-01-05, 199X or 19XX, with one trailing ?, ~ or %, or an interval A/B with .. for an open end. A bare integer is a year.",
            "oneOf": [
                {"type": "integer", "minimum": 0, "maximum": 9999},
                {"type": "string", "pattern": DATE_PATTERN}
            ]
        })
    }
}

/// The shape of an EDTF date as fact files write it (see `man 5 kz-facts`), for editors; `kz check` also checks that the day exists.
const DATE_PATTERN: &str = r"^(\.\.|\d{4}|\d{3}X|\d{2}XX|\d{4}-\d{2}|\d{4}-\d{2}-\d{2})[?~%]?(/(\.\.|(\d{4}|\d{3}X|\d{2}XX|\d{4}-\d{2}|\d{4}-\d{2}-\d{2})[?~%]?))?$";

/// A reference to a record by its id, in the schema: a kebab-case string.
struct IdRef;

impl JsonSchema for IdRef {
    fn schema_name() -> Cow<'static, str> {
        "Id".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        id_schema(generator)
    }
}

/// Marks `source` required in a cited record's schema: serde gives it a default so that
/// `kz check` can say it is missing, but every fact must cite its source.
fn require_source(schema: &mut Schema) {
    if let Some(required) = schema
        .ensure_object()
        .entry("required")
        .or_insert_with(|| serde_json::Value::Array(Vec::new()))
        .as_array_mut()
    {
        required.push("source".into());
    }
}

/// The shape of an id: kebab-case.
const ID_PATTERN: &str = "^[a-z0-9]+(-[a-z0-9]+)*$";

fn id_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "string",
        "pattern": ID_PATTERN,
        "description": "A kebab-case id: lowercase ascii letters and digits in words joined by single hyphens."
    })
}

/// A required text: present, and not empty or blank.
fn required_text(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"type": "string", "pattern": "\\S"})
}

/// One id or a list of ids, each kebab-case.
fn ids_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "description": "One id, or a list of them.",
        "oneOf": [
            {"type": "string", "pattern": ID_PATTERN},
            {"type": "array", "items": {"type": "string", "pattern": ID_PATTERN}}
        ]
    })
}

/// The sources a fact cites: one source id or a non-empty list of them.
fn sources_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "description": "The id of the source that supports it, or a list of them.",
        "oneOf": [
            {"type": "string", "pattern": ID_PATTERN},
            {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": ID_PATTERN}}
        ]
    })
}

/// A list field that also takes a single value (`source: article` or `source: [a, b]`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct List(pub Vec<Text>);

impl JsonSchema for List {
    fn schema_name() -> Cow<'static, str> {
        "Ids".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "One value, or a list of them.",
            "oneOf": [
                {"type": "string"},
                {"type": "array", "items": {"type": "string"}}
            ]
        })
    }
}

impl Serialize for List {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de> Deserialize<'de> for List {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if !d.is_human_readable() {
            return Vec::deserialize(d).map(List);
        }
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = List;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of strings, or one string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<List, E> {
                Ok(List(vec![v.to_string().into()]))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<List, E> {
                Ok(List(vec![v.to_string().into()]))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<List, E> {
                Ok(List(vec![v.to_string().into()]))
            }
            fn visit_unit<E: de::Error>(self) -> Result<List, E> {
                Ok(List(Vec::new()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<List, A::Error> {
                let mut out = Vec::new();
                while let Some(item) = seq.next_element::<Text>()? {
                    out.push(item);
                }
                Ok(List(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// The fields every cited record shares: read by the verbatim check, taken out by the
/// conversion.
pub trait Cited {
    fn id(&self) -> Option<&Text>;
    fn same_as(&self) -> &[Text];
    fn sources(&self) -> &[Text];
    fn evidence(&self) -> Option<&Text>;
    /// Takes the shared fields out of the record.
    fn take_common(&mut self) -> Common;
}

/// The shared fields of a cited record, taken out of it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Common {
    pub id: Option<Text>,
    pub source: Vec<Text>,
    pub evidence: Option<Text>,
    pub notes: Option<Text>,
    pub rank: Option<crate::model::Rank>,
    pub same_as: Vec<Text>,
}

/// Declares a cited record: its own fields between an `id` first and the `source`, `evidence`
/// and `notes` every cited record ends with, in that order (the order of serde's and the
/// schema's lists of fields). `named,` first adds the `name` and `aliases` of a named record.
macro_rules! cited_record {
    ($(#[$meta:meta])* pub struct $name:ident { named, $($body:tt)* }) => {
        cited_record! {
            $(#[$meta])*
            pub struct $name {
                /// The name as the source gives it.
                #[schemars(schema_with = "required_text", required)]
                pub name: Option<Text>,
                /// Other spellings, scripts and abbreviations users may type (`Токаев`, `CSTO`).
                #[serde(default)]
                pub aliases: List,
                $($body)*
            }
        }
    };
    ($(#[$meta:meta])* pub struct $name:ident { $($body:tt)* }) => {
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        #[schemars(transform = require_source)]
        $(#[$meta])*
        pub struct $name {
            /// A kebab-case id (`andrey-serdyukov`). Declared again, in this file or another, the
            /// declarations are one record, each citing its own source.
            #[schemars(schema_with = "id_schema", required)]
            pub id: Option<Text>,
            $($body)*
            /// The id of the source that supports this record, or a list of them.
            #[serde(default)]
            #[schemars(schema_with = "sources_schema")]
            pub source: List,
            /// The sentence of the source that supports this record, copied verbatim. `kz check`
            /// verifies it against the source's text.
            #[schemars(with = "Option<String>")]
            pub evidence: Option<Text>,
            /// Free text: how a date was resolved, a judgment call, anything a reader should know.
            #[schemars(with = "Option<String>")]
            pub notes: Option<Text>,
            /// How much this declaration counts: `preferred` (its values are shown first),
            /// `normal` (the default) or `deprecated` (a retracted or corrected report: kept for
            /// `kz why` and `kz disputes`, but no query answers from it alone).
            pub rank: Option<crate::model::Rank>,
            /// The ids of other records that name the same entity: they merge into one record,
            /// which every one of the ids finds.
            #[serde(default)]
            #[schemars(schema_with = "ids_schema")]
            pub same_as: List,
        }

        impl Cited for $name {
            fn id(&self) -> Option<&Text> {
                self.id.as_ref()
            }

            fn same_as(&self) -> &[Text] {
                &self.same_as.0
            }

            fn sources(&self) -> &[Text] {
                &self.source.0
            }

            fn evidence(&self) -> Option<&Text> {
                self.evidence.as_ref()
            }

            fn take_common(&mut self) -> Common {
                Common {
                    id: self.id.take(),
                    source: std::mem::take(&mut self.source.0),
                    evidence: self.evidence.take(),
                    notes: self.notes.take(),
                    rank: self.rank.take(),
                    same_as: std::mem::take(&mut self.same_as.0),
                }
            }
        }
    };
}

/// A source: an article or report the facts come from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Source")]
pub struct RawSource {
    /// A kebab-case id (`the-guardian-2022-01-07`). A source is declared once: records in any
    /// file cite it.
    #[schemars(schema_with = "id_schema", required)]
    pub id: Option<Text>,
    /// The source's title.
    #[schemars(schema_with = "required_text", required)]
    pub title: Option<Text>,
    /// Who published it: the id of an organisation of the base (checked like any reference),
    /// or its name as free text. A kebab-case value is taken as an id.
    #[schemars(with = "Option<String>")]
    pub publisher: Option<Text>,
    /// When it was published (EDTF: `2022-01-07`, `2022-01`, `2022`).
    pub published: Option<RawDate>,
    /// Where it can be read.
    #[schemars(with = "Option<String>")]
    pub url: Option<Text>,
    /// The path of its full text, relative to this YAML file. With it, `kz check` verifies
    /// direct quotes and evidence.
    #[schemars(with = "Option<String>")]
    pub text: Option<Text>,
    /// Free text about the source.
    #[schemars(with = "Option<String>")]
    pub notes: Option<Text>,
}

cited_record! {
/// A person.
#[schemars(rename = "Actor")]
pub struct RawActor {
    named,
    /// Who they are, in a sentence.
    #[schemars(schema_with = "required_text", required)]
    pub description: Option<Text>,
    /// The id of their country, where the source states it.
    #[schemars(with = "Option<IdRef>")]
    pub nationality: Option<Text>,
    /// Positions they hold or held.
    #[serde(default, deserialize_with = "null_as_empty")]
    #[schemars(with = "Option<Vec<RawRole>>")]
    pub roles: Vec<RawRole>,
}
}

/// A position a person holds or held.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Role")]
pub struct RawRole {
    /// The title of the position (`Prime Minister of Armenia`).
    #[schemars(schema_with = "required_text", required)]
    pub title: Option<Text>,
    /// The id of the organisation the role is in.
    #[schemars(with = "Option<IdRef>")]
    pub org: Option<Text>,
    /// The id of the place the role is in.
    #[schemars(with = "Option<IdRef>")]
    pub place: Option<Text>,
    /// When the role began (EDTF).
    pub since: Option<RawDate>,
    /// When the role ended (EDTF); absent while it lasts.
    pub until: Option<RawDate>,
    /// The role's own source, if not the person's.
    #[serde(default)]
    #[schemars(schema_with = "sources_schema")]
    pub source: List,
    /// The sentence that supports the role, verbatim.
    #[schemars(with = "Option<String>")]
    pub evidence: Option<Text>,
    /// Free text about the role.
    #[schemars(with = "Option<String>")]
    pub notes: Option<Text>,
}

cited_record! {
/// An organisation: an alliance, government body, university, outlet...
#[schemars(rename = "Organisation")]
pub struct RawOrganisation {
    named,
    /// What sort of organisation (`military alliance`, `university`, `news outlet`).
    #[schemars(schema_with = "required_text", required)]
    pub kind: Option<Text>,
    /// What it is, in a sentence.
    #[schemars(with = "Option<String>")]
    pub description: Option<Text>,
    /// When it was founded (EDTF).
    pub founded: Option<RawDate>,
    /// The id of the place it is based in.
    #[schemars(with = "Option<IdRef>")]
    pub based_in: Option<Text>,
    /// Its members: countries, organisations or people.
    #[serde(default, deserialize_with = "null_as_empty")]
    #[schemars(with = "Option<Vec<RawMember>>")]
    pub members: Vec<RawMember>,
}
}

/// One member of an organisation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Member")]
pub struct RawMember {
    /// The id of the member: a person, organisation or place.
    #[schemars(schema_with = "id_schema", required)]
    pub member: Option<Text>,
    /// When the membership began (EDTF).
    pub since: Option<RawDate>,
    /// When it ended (EDTF); absent for a current member.
    pub until: Option<RawDate>,
    /// The membership's own source, if not the organisation's.
    #[serde(default)]
    #[schemars(schema_with = "sources_schema")]
    pub source: List,
    /// The sentence that supports the membership, verbatim.
    #[schemars(with = "Option<String>")]
    pub evidence: Option<Text>,
    /// Free text about the membership.
    #[schemars(with = "Option<String>")]
    pub notes: Option<Text>,
}

cited_record! {
/// A place: a country, city, region...
#[schemars(rename = "Place")]
pub struct RawPlace {
    named,
    /// What sort of place (`country`, `city`, `region`, `breakaway region`).
    #[schemars(schema_with = "required_text", required)]
    pub kind: Option<Text>,
    /// The id of the place it is part of.
    #[schemars(with = "Option<IdRef>")]
    pub part_of: Option<Text>,
    /// What it is, in a sentence.
    #[schemars(with = "Option<String>")]
    pub description: Option<Text>,
}
}

cited_record! {
/// Something a person said: their own words, or reported speech.
#[schemars(rename = "Quote")]
pub struct RawQuote {
    /// The id of who said it: a person, or an organisation (a ministry's statement, "the
    /// Kremlin said").
    #[schemars(schema_with = "id_schema", required)]
    pub speaker: Option<Text>,
    /// What was said. For a direct quote, verbatim.
    #[schemars(schema_with = "required_text", required)]
    pub text: Option<Text>,
    /// `direct` (the default): the speaker's own words, verbatim; `reported`: a paraphrase.
    pub kind: Option<crate::model::QuoteKind>,
    /// When it was said (EDTF).
    pub said: Option<RawDate>,
    /// Where it was said (`Atlantic Council event`, `Facebook post`, `tweet`).
    #[schemars(with = "Option<String>")]
    pub context: Option<Text>,
    /// The ids of who or what it is about.
    #[serde(default)]
    #[schemars(schema_with = "ids_schema")]
    pub about: List,
}
}

cited_record! {
/// Something that happened, with a date.
#[schemars(rename = "Event")]
pub struct RawEvent {
    /// When it happened (EDTF: a day, month, year, decade `199X`, or an interval `A/B`).
    #[schemars(required)]
    pub date: Option<RawDate>,
    /// What happened, in a line.
    #[schemars(schema_with = "required_text", required)]
    pub title: Option<Text>,
    /// More about it.
    #[schemars(with = "Option<String>")]
    pub description: Option<Text>,
    /// The ids of who took part in it: people, organisations, countries that acted.
    #[serde(default)]
    #[schemars(schema_with = "ids_schema")]
    pub involving: List,
    /// The ids of what it concerned, without taking part: its subjects.
    #[serde(default)]
    #[schemars(schema_with = "ids_schema")]
    pub about: List,
    /// The ids of the places where it happened, as the source states them.
    #[serde(default)]
    #[schemars(schema_with = "ids_schema")]
    pub places: List,
}
}

/// A kind of organisation or place (`television channel`), and the broader kind it falls under
/// (`news outlet`), so that `--kind 'news outlet'` finds it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Kind")]
pub struct RawKind {
    /// The kind, as records write it in their `kind`.
    #[schemars(schema_with = "required_text", required)]
    pub name: Option<Text>,
    /// The broader kind it falls under, itself declared in `kinds`.
    #[schemars(with = "Option<String>")]
    pub broader: Option<Text>,
    /// What the kind covers.
    #[schemars(with = "Option<String>")]
    pub description: Option<Text>,
    /// Free text about the kind.
    #[schemars(with = "Option<String>")]
    pub notes: Option<Text>,
}

/// A kz fact file: any of the six sections of records, each a list, and the kinds vocabulary. Every record cites its
/// source. See the kz README, "Fact files".
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    expecting = "a mapping of sections: sources, actors, organisations, places, quotes, events, kinds"
)]
#[schemars(title = "kz fact file")]
pub struct RawFile {
    /// The articles and reports the facts come from.
    #[serde(default, deserialize_with = "null_as_empty")]
    #[schemars(with = "Option<Vec<RawSource>>")]
    pub(super) sources: Vec<RawSource>,
    /// People.
    #[serde(default, deserialize_with = "null_as_empty")]
    #[schemars(with = "Option<Vec<RawActor>>")]
    pub(super) actors: Vec<RawActor>,
    /// Organisations and their members.
    #[serde(default, deserialize_with = "null_as_empty")]
    #[schemars(with = "Option<Vec<RawOrganisation>>")]
    pub(super) organisations: Vec<RawOrganisation>,
    /// Countries, cities, regions.
    #[serde(default, deserialize_with = "null_as_empty")]
    #[schemars(with = "Option<Vec<RawPlace>>")]
    pub(super) places: Vec<RawPlace>,
    /// What people said.
    #[serde(default, deserialize_with = "null_as_empty")]
    #[schemars(with = "Option<Vec<RawQuote>>")]
    pub(super) quotes: Vec<RawQuote>,
    /// What happened, and when.
    #[serde(default, deserialize_with = "null_as_empty")]
    #[schemars(with = "Option<Vec<RawEvent>>")]
    pub(super) events: Vec<RawEvent>,
    /// Organisation and place kinds, and the broader kinds they fall under.
    #[serde(default, deserialize_with = "null_as_empty")]
    #[schemars(with = "Option<Vec<RawKind>>")]
    pub(super) kinds: Vec<RawKind>,
}

/// An empty section (`quotes:` with nothing under it) is an empty list.
fn null_as_empty<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    if !d.is_human_readable() {
        return Vec::deserialize(d);
    }
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

pub use crate::model::SECTIONS;

/// The JSON Schema (draft-07) of a fact file, generated from these types, for editors'
/// YAML language servers.
pub fn schema() -> Schema {
    schemars::generate::SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<RawFile>()
}
