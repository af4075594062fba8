//! The typed, checked, in-memory fact base: records with every reference resolved to an index.

use crate::date::Date;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The six kinds of record. They share one id namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Kind {
    Source,
    Actor,
    Organisation,
    Place,
    Quote,
    Event,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Source,
        Kind::Actor,
        Kind::Organisation,
        Kind::Place,
        Kind::Quote,
        Kind::Event,
    ];

    /// The singular word users see (`actor`, `organisation`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Source => "source",
            Kind::Actor => "actor",
            Kind::Organisation => "organisation",
            Kind::Place => "place",
            Kind::Quote => "quote",
            Kind::Event => "event",
        }
    }

    /// The section of a fact file that holds this kind.
    pub const fn section(self) -> &'static str {
        match self {
            Kind::Source => "sources",
            Kind::Actor => "actors",
            Kind::Organisation => "organisations",
            Kind::Place => "places",
            Kind::Quote => "quotes",
            Kind::Event => "events",
        }
    }
}

/// The sections of a fact file, in the order kinds are listed.
pub const SECTIONS: [&str; 6] = [
    Kind::Source.section(),
    Kind::Actor.section(),
    Kind::Organisation.section(),
    Kind::Place.section(),
    Kind::Quote.section(),
    Kind::Event.section(),
];

/// A resolved reference to any record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct EntityRef {
    pub kind: Kind,
    pub idx: u32,
}

/// Where a record was read: a file of [`Base::files`] and the 1-based line of its first field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Origin {
    pub file: u32,
    pub line: u32,
}

/// What every cited record carries: its id, its sources, the sentence that supports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    pub id: String,
    /// Indices into [`Base::sources`], in the order the file lists them.
    pub sources: Vec<u32>,
    pub evidence: Option<String>,
    pub notes: Option<String>,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub id: String,
    pub title: String,
    pub publisher: Option<String>,
    pub published: Option<Date>,
    pub url: Option<String>,
    /// The path to the full text, as the file wrote it (relative to that file).
    pub text: Option<String>,
    pub notes: Option<String>,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub meta: Meta,
    pub name: String,
    pub aliases: Vec<String>,
    pub description: String,
    pub nationality: Option<u32>,
    pub roles: Vec<Role>,
}

/// A position a person holds or held, optionally in an organisation or a place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    pub title: String,
    pub org: Option<u32>,
    pub place: Option<u32>,
    pub since: Option<Date>,
    pub until: Option<Date>,
    /// The role's own sources, or the actor's when the file gives none.
    pub sources: Vec<u32>,
    pub evidence: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub meta: Meta,
    pub name: String,
    pub aliases: Vec<String>,
    pub kind: String,
    pub description: Option<String>,
    pub founded: Option<Date>,
    pub based_in: Option<u32>,
    pub members: Vec<Membership>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub member: EntityRef,
    pub since: Option<Date>,
    pub until: Option<Date>,
    /// The membership's own sources, or the organisation's when the file gives none.
    pub sources: Vec<u32>,
    pub evidence: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    pub meta: Meta,
    pub name: String,
    pub aliases: Vec<String>,
    pub kind: String,
    pub part_of: Option<u32>,
    pub description: Option<String>,
}

/// Whether a quote's text is the speaker's own words or a paraphrase of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuoteKind {
    #[default]
    Direct,
    Reported,
}

impl QuoteKind {
    pub fn name(self) -> &'static str {
        match self {
            QuoteKind::Direct => "direct",
            QuoteKind::Reported => "reported",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    pub meta: Meta,
    /// Index into [`Base::actors`].
    pub speaker: u32,
    pub text: String,
    pub kind: QuoteKind,
    pub said: Option<Date>,
    pub context: Option<String>,
    pub about: Vec<EntityRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub meta: Meta,
    pub date: Date,
    pub title: String,
    pub description: Option<String>,
    pub involving: Vec<EntityRef>,
    /// Indices into [`Base::places`].
    pub places: Vec<u32>,
}

/// The whole checked base. Records keep file order within each kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Base {
    /// Display paths of the files read, in the order read.
    pub files: Vec<String>,
    pub sources: Vec<Source>,
    pub actors: Vec<Actor>,
    pub organisations: Vec<Organisation>,
    pub places: Vec<Place>,
    pub quotes: Vec<Quote>,
    pub events: Vec<Event>,
    pub ids: HashMap<String, EntityRef>,
}

impl Base {
    pub fn lookup(&self, id: &str) -> Option<EntityRef> {
        self.ids.get(id).copied()
    }

    pub fn len(&self, kind: Kind) -> usize {
        match kind {
            Kind::Source => self.sources.len(),
            Kind::Actor => self.actors.len(),
            Kind::Organisation => self.organisations.len(),
            Kind::Place => self.places.len(),
            Kind::Quote => self.quotes.len(),
            Kind::Event => self.events.len(),
        }
    }

    /// Every record of the base, kind by kind, in file order.
    pub fn all(&self) -> impl Iterator<Item = EntityRef> + '_ {
        Kind::ALL.into_iter().flat_map(move |kind| {
            (0..self.len(kind) as u32).map(move |idx| EntityRef { kind, idx })
        })
    }

    pub fn id(&self, r: EntityRef) -> &str {
        let i = r.idx as usize;
        match r.kind {
            Kind::Source => &self.sources[i].id,
            Kind::Actor => &self.actors[i].meta.id,
            Kind::Organisation => &self.organisations[i].meta.id,
            Kind::Place => &self.places[i].meta.id,
            Kind::Quote => &self.quotes[i].meta.id,
            Kind::Event => &self.events[i].meta.id,
        }
    }

    /// A human label: the name of a person, organisation or place, a source's or event's
    /// title, or a quote's id.
    pub fn label(&self, r: EntityRef) -> &str {
        let i = r.idx as usize;
        match r.kind {
            Kind::Source => &self.sources[i].title,
            Kind::Actor => &self.actors[i].name,
            Kind::Organisation => &self.organisations[i].name,
            Kind::Place => &self.places[i].name,
            Kind::Quote => &self.quotes[i].meta.id,
            Kind::Event => &self.events[i].title,
        }
    }

    /// The aliases of a named record; empty for the other kinds.
    pub fn aliases(&self, r: EntityRef) -> &[String] {
        let i = r.idx as usize;
        match r.kind {
            Kind::Actor => &self.actors[i].aliases,
            Kind::Organisation => &self.organisations[i].aliases,
            Kind::Place => &self.places[i].aliases,
            _ => &[],
        }
    }

    /// The shared fields of a cited record; `None` for a source.
    pub fn meta(&self, r: EntityRef) -> Option<&Meta> {
        let i = r.idx as usize;
        match r.kind {
            Kind::Source => None,
            Kind::Actor => Some(&self.actors[i].meta),
            Kind::Organisation => Some(&self.organisations[i].meta),
            Kind::Place => Some(&self.places[i].meta),
            Kind::Quote => Some(&self.quotes[i].meta),
            Kind::Event => Some(&self.events[i].meta),
        }
    }

    pub fn origin(&self, r: EntityRef) -> Origin {
        match self.meta(r) {
            Some(meta) => meta.origin,
            None => self.sources[r.idx as usize].origin,
        }
    }

    /// The ids of the sources a record cites, joined for one cell.
    pub fn source_ids(&self, sources: &[u32]) -> Vec<&str> {
        sources
            .iter()
            .map(|&s| self.sources[s as usize].id.as_str())
            .collect()
    }
}
