//! The typed, checked, in-memory fact base: records with every reference resolved to an index,
//! and (in [`view`]) the one way each record is shown.

pub mod index;
pub mod table;
pub mod view;

pub use index::Indexes;
pub use table::Table;

use crate::date::Date;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

/// The six kinds of record. They share one id namespace.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub enum Kind {
    #[default]
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

/// The sections of a fact file: one per kind of record, in the order kinds are listed, then the
/// vocabulary of organisation and place kinds.
pub const SECTIONS: [&str; 7] = [
    Kind::Source.section(),
    Kind::Actor.section(),
    Kind::Organisation.section(),
    Kind::Place.section(),
    Kind::Quote.section(),
    Kind::Event.section(),
    KINDS_SECTION,
];

/// The section that declares organisation and place kinds and their broader kinds.
pub const KINDS_SECTION: &str = "kinds";

/// Text in a record. Ids, names, dates and contexts are short, so they are stored inline
/// without an allocation, which keeps a base compact and fast to load from a snapshot.
pub type Text = compact_str::CompactString;

/// A short list of record indices (a record's sources, an event's places): almost always one or
/// two, so they live inline without an allocation.
pub type Ids = smallvec::SmallVec<[u32; 2]>;

/// A short list of references (what a quote is about, who an event involved).
pub type Refs = smallvec::SmallVec<[EntityRef; 2]>;

/// A resolved reference to any record.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub struct EntityRef {
    pub kind: Kind,
    pub idx: u32,
}

impl EntityRef {
    pub fn new(kind: Kind, idx: u32) -> EntityRef {
        EntityRef { kind, idx }
    }

    pub fn actor(idx: u32) -> EntityRef {
        EntityRef::new(Kind::Actor, idx)
    }

    pub fn org(idx: u32) -> EntityRef {
        EntityRef::new(Kind::Organisation, idx)
    }

    pub fn place(idx: u32) -> EntityRef {
        EntityRef::new(Kind::Place, idx)
    }

    pub fn quote(idx: u32) -> EntityRef {
        EntityRef::new(Kind::Quote, idx)
    }

    pub fn event(idx: u32) -> EntityRef {
        EntityRef::new(Kind::Event, idx)
    }

    pub fn source(idx: u32) -> EntityRef {
        EntityRef::new(Kind::Source, idx)
    }
}

/// Where a record was read: a file of [`Base::files`] and the 1-based line of its first field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Origin {
    pub file: u32,
    pub line: u32,
}

/// What every cited record carries: its id, its sources, the sentence that supports it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    pub id: Text,
    /// Indices into [`Base::sources`], in the order the file lists them.
    pub sources: Ids,
    pub evidence: Option<Text>,
    pub notes: Option<Text>,
    pub origin: Origin,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub id: Text,
    pub title: Text,
    pub publisher: Option<Text>,
    pub published: Option<Date>,
    pub url: Option<Text>,
    /// The path to the full text, as the file wrote it (relative to that file).
    pub text: Option<Text>,
    pub notes: Option<Text>,
    pub origin: Origin,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub meta: Meta,
    pub name: Text,
    pub aliases: Vec<Text>,
    pub description: Text,
    pub nationality: Option<u32>,
    pub roles: Vec<Role>,
}

/// A position a person holds or held, optionally in an organisation or a place.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    pub title: Text,
    pub org: Option<u32>,
    pub place: Option<u32>,
    pub term: Term,
}

/// What a role and a membership share: when it was held, and what says so.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Term {
    pub since: Option<Date>,
    pub until: Option<Date>,
    /// Its own sources, or its record's when the file gives none.
    pub sources: Ids,
    pub evidence: Option<Text>,
    pub notes: Option<Text>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub meta: Meta,
    pub name: Text,
    pub aliases: Vec<Text>,
    pub kind: Text,
    pub description: Option<Text>,
    pub founded: Option<Date>,
    pub based_in: Option<u32>,
    pub members: Vec<Membership>,
}

/// One member of an organisation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub member: EntityRef,
    pub term: Term,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    pub meta: Meta,
    pub name: Text,
    pub aliases: Vec<Text>,
    pub kind: Text,
    pub part_of: Option<u32>,
    pub description: Option<Text>,
}

/// Whether a quote's text is the speaker's own words or a paraphrase of them.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
#[schemars(rename = "QuoteKind")]
pub enum QuoteKind {
    /// The speaker's own words, verbatim.
    #[default]
    Direct,
    /// A paraphrase of what the speaker said.
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

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    pub meta: Meta,
    /// Who said it: a person, or an organisation speaking as one (a ministry's statement).
    pub speaker: EntityRef,
    pub text: Text,
    pub kind: QuoteKind,
    pub said: Option<Date>,
    pub context: Option<Text>,
    pub about: Refs,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub meta: Meta,
    pub date: Date,
    pub title: Text,
    pub description: Option<Text>,
    pub involving: Refs,
    /// Indices into [`Base::places`].
    pub places: Ids,
}

/// A file a base was read from, as it was when read: its size, times, inode and device, which
/// tell later without reading it whether it may have changed (as git's index does), and the hash
/// of its bytes, for when it may have.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Input {
    pub path: std::path::PathBuf,
    pub size: u64,
    /// Modification and status-change times, in nanoseconds since the Unix epoch.
    pub mtime_ns: i64,
    pub ctime_ns: i64,
    pub ino: u64,
    pub dev: u64,
    /// xxh3-128 of the file's bytes.
    pub hash: u128,
}

impl Input {
    /// The stat fields of a file's metadata, with the hash of its bytes.
    pub fn of(path: std::path::PathBuf, meta: &std::fs::Metadata, hash: u128) -> Input {
        use std::os::unix::fs::MetadataExt;
        Input {
            path,
            size: meta.len(),
            mtime_ns: meta
                .mtime()
                .saturating_mul(1_000_000_000)
                .saturating_add(meta.mtime_nsec()),
            ctime_ns: meta
                .ctime()
                .saturating_mul(1_000_000_000)
                .saturating_add(meta.ctime_nsec()),
            ino: meta.ino(),
            dev: meta.dev(),
            hash,
        }
    }

    /// Whether a file's metadata still shows what was recorded (the hash aside).
    pub fn same_stat(&self, meta: &std::fs::Metadata) -> bool {
        let now = Input::of(self.path.clone(), meta, self.hash);
        now == *self
    }
}

/// A declared organisation or place kind (`television channel`) and the broader kind it falls
/// under (`news outlet`), so that asking for the broader kind finds it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindDecl {
    pub name: Text,
    /// Index into [`Base::kinds`].
    pub broader: Option<u32>,
    pub description: Option<Text>,
    pub notes: Option<Text>,
}

/// The whole checked base. Records keep file order within each kind, each kind in a [`Table`]:
/// in memory after a parse, or read in place from a snapshot.
#[derive(Debug, Default)]
pub struct Base {
    /// Display paths of the files read, in the order read.
    pub files: Vec<String>,
    pub sources: Table<Source>,
    pub actors: Table<Actor>,
    pub organisations: Table<Organisation>,
    pub places: Table<Place>,
    pub quotes: Table<Quote>,
    pub events: Table<Event>,
    /// The vocabulary of organisation and place kinds.
    pub kinds: Vec<KindDecl>,
    /// The fact files on disk the base was read from, in order, and the source texts it was
    /// checked against, as they were when read: what tells a snapshot whether it is fresh.
    pub inputs: Vec<Input>,
    pub texts: Vec<Input>,
    /// The indexes: built from the records on first use, or read with them from a snapshot.
    index: Lazy,
    /// Set when a record or index read in place turns out damaged: nothing read from this base
    /// may then be shown.
    damaged: Arc<AtomicBool>,
}

/// The indexes of a base, made on first use. They are derived from the records, so two bases
/// with the same records are equal whether or not either has made them yet.
#[derive(Default)]
struct Lazy(OnceLock<Indexes>);

impl PartialEq for Base {
    /// Two bases are equal when they hold the same records read from the same files.
    fn eq(&self, other: &Base) -> bool {
        self.files == other.files
            && self.sources == other.sources
            && self.actors == other.actors
            && self.organisations == other.organisations
            && self.places == other.places
            && self.quotes == other.quotes
            && self.events == other.events
            && self.kinds == other.kinds
            && self.inputs == other.inputs
            && self.texts == other.texts
    }
}

impl PartialEq for Lazy {
    fn eq(&self, _: &Lazy) -> bool {
        true
    }
}

impl std::fmt::Debug for Lazy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Indexes")
    }
}

impl Base {
    /// The indexes, built from the records on first use.
    pub fn index(&self) -> &Indexes {
        self.index.0.get_or_init(|| Indexes::build(self))
    }

    /// Installs indexes read with the records (from a snapshot).
    pub fn set_index(&mut self, index: Indexes) {
        self.index = Lazy(OnceLock::from(index));
    }

    /// The flag every table and index read in place sets when it finds damage.
    pub fn damage_flag(&self) -> Arc<AtomicBool> {
        self.damaged.clone()
    }

    /// Whether anything read from this base was damaged: then no answer from it may be shown.
    pub fn is_damaged(&self) -> bool {
        self.damaged.load(Ordering::Relaxed)
    }

    /// The record with this exact id.
    pub fn lookup(&self, id: &str) -> Option<EntityRef> {
        self.index().lookup(id)
    }

    /// Every id in the base, in id order.
    pub fn all_ids(&self) -> Vec<String> {
        self.index().ids().into_iter().map(|(id, _)| id).collect()
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
    pub fn aliases(&self, r: EntityRef) -> &[Text] {
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
