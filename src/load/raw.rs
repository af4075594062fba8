//! Raw records: the shape of the YAML, before references and dates are checked.

use crate::model::Text;
use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use std::fmt;

/// A date field: YAML gives a string, or an integer for a bare year.
#[derive(Debug, Clone, PartialEq)]
pub enum RawDate {
    Text(Text),
    Year(i64),
}

impl<'de> Deserialize<'de> for RawDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
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

/// A list field that also takes a single value (`source: article` or `source: [a, b]`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct List(pub Vec<Text>);

impl<'de> Deserialize<'de> for List {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
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

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    pub id: Option<Text>,
    pub title: Option<Text>,
    pub publisher: Option<Text>,
    pub published: Option<RawDate>,
    pub url: Option<Text>,
    pub text: Option<Text>,
    pub notes: Option<Text>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawActor {
    pub id: Option<Text>,
    pub name: Option<Text>,
    #[serde(default)]
    pub aliases: List,
    pub description: Option<Text>,
    pub nationality: Option<Text>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub roles: Vec<RawRole>,
    #[serde(default)]
    pub source: List,
    pub evidence: Option<Text>,
    pub notes: Option<Text>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRole {
    pub title: Option<Text>,
    pub org: Option<Text>,
    pub place: Option<Text>,
    pub since: Option<RawDate>,
    pub until: Option<RawDate>,
    #[serde(default)]
    pub source: List,
    pub evidence: Option<Text>,
    pub notes: Option<Text>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOrganisation {
    pub id: Option<Text>,
    pub name: Option<Text>,
    #[serde(default)]
    pub aliases: List,
    pub kind: Option<Text>,
    pub description: Option<Text>,
    pub founded: Option<RawDate>,
    pub based_in: Option<Text>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub members: Vec<RawMember>,
    #[serde(default)]
    pub source: List,
    pub evidence: Option<Text>,
    pub notes: Option<Text>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMember {
    pub member: Option<Text>,
    pub since: Option<RawDate>,
    pub until: Option<RawDate>,
    #[serde(default)]
    pub source: List,
    pub evidence: Option<Text>,
    pub notes: Option<Text>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPlace {
    pub id: Option<Text>,
    pub name: Option<Text>,
    #[serde(default)]
    pub aliases: List,
    pub kind: Option<Text>,
    pub part_of: Option<Text>,
    pub description: Option<Text>,
    #[serde(default)]
    pub source: List,
    pub evidence: Option<Text>,
    pub notes: Option<Text>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawQuote {
    pub id: Option<Text>,
    pub speaker: Option<Text>,
    pub text: Option<Text>,
    pub kind: Option<crate::model::QuoteKind>,
    pub said: Option<RawDate>,
    pub context: Option<Text>,
    #[serde(default)]
    pub about: List,
    #[serde(default)]
    pub source: List,
    pub evidence: Option<Text>,
    pub notes: Option<Text>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEvent {
    pub id: Option<Text>,
    pub date: Option<RawDate>,
    pub title: Option<Text>,
    pub description: Option<Text>,
    #[serde(default)]
    pub involving: List,
    #[serde(default)]
    pub places: List,
    #[serde(default)]
    pub source: List,
    pub evidence: Option<Text>,
    pub notes: Option<Text>,
}

/// A whole file in one piece: the authoritative parse, used when a file cannot be cut up.
#[derive(Debug, Default, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a mapping of sections: sources, actors, organisations, places, quotes, events"
)]
pub(super) struct RawFile {
    #[serde(default, deserialize_with = "null_as_empty")]
    pub(super) sources: Vec<RawSource>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub(super) actors: Vec<RawActor>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub(super) organisations: Vec<RawOrganisation>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub(super) places: Vec<RawPlace>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub(super) quotes: Vec<RawQuote>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub(super) events: Vec<RawEvent>,
}

/// An empty section (`quotes:` with nothing under it) is an empty list.
fn null_as_empty<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

pub use crate::model::SECTIONS;
