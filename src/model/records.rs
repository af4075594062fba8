//! The records of a checked base and what they are made of: kinds, references, dates' owners,
//! and the inputs a base was read from. Plain data, shared by every other part of the model.

use crate::date::Date;
use serde::{Deserialize, Serialize};

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

    /// Where this kind is in [`Kind::ALL`]: an index for tables kept per kind.
    pub fn slot(self) -> usize {
        Kind::ALL.iter().position(|&k| k == self).unwrap_or(0)
    }

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

/// How much a declaration counts, as Wikidata ranks statements: a preferred declaration's
/// values are shown first; a deprecated one (a retracted or corrected report) is kept for `why`
/// and `disputes`, but no query answers from it alone.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Rank {
    Deprecated,
    #[default]
    Normal,
    Preferred,
}

impl Rank {
    pub const ALL: [Rank; 3] = [Rank::Preferred, Rank::Normal, Rank::Deprecated];

    pub fn name(self) -> &'static str {
        match self {
            Rank::Deprecated => "deprecated",
            Rank::Normal => "normal",
            Rank::Preferred => "preferred",
        }
    }
}

/// The declarations one record is merged from, when there are several: the same id declared in
/// several files (each report saying what it says of one entity), or records `same_as` joins.
/// Each declaration is kept as a record of its own kind, exactly as it was declared, so every
/// statement can be traced to the declarations that make it. `None` on a record declared once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Merged<T> {
    /// Every declaration, in load order.
    pub decls: Vec<T>,
    /// The other ids that name the record (merged into it by `same_as`).
    pub aka: Vec<Text>,
}

/// Where a record was read: a file of [`Base::files`] and the 1-based line of its first field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Origin {
    pub file: u32,
    pub line: u32,
}

/// Where one fact file's records of one kind are in that kind's table: the positions from the
/// first to just past the last, or `None` when they are not one run (a declaration in this file
/// of a record first declared in another).
pub type Span = Option<(u32, u32)>;

/// What every cited record carries: its id, its sources, the sentence that supports it. On a
/// record merged from several declarations: the sources of every declaration that counts, and
/// the first declaration's evidence, notes and place; each declaration keeps its own.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    pub id: Text,
    /// Indices into [`Base::sources`], in the order the file lists them.
    pub sources: Ids,
    pub evidence: Option<Text>,
    pub notes: Option<Text>,
    pub origin: Origin,
    /// The declaration's rank; a merged record's is its best declaration's.
    pub rank: Rank,
}

/// Who published a source: an organisation of the base, or a name as free text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Publisher {
    Org(EntityRef),
    Named(Text),
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub id: Text,
    pub title: Text,
    pub publisher: Option<Publisher>,
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
    pub nationality: Option<EntityRef>,
    pub roles: Vec<Role>,
    pub merged: Option<Box<Merged<Actor>>>,
}

/// A position a person holds or held, optionally in an organisation or a place.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    pub title: Text,
    pub org: Option<EntityRef>,
    pub place: Option<EntityRef>,
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
    pub based_in: Option<EntityRef>,
    pub members: Vec<Membership>,
    pub merged: Option<Box<Merged<Organisation>>>,
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
    pub part_of: Option<EntityRef>,
    pub description: Option<Text>,
    pub merged: Option<Box<Merged<Place>>>,
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
    pub merged: Option<Box<Merged<Quote>>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub meta: Meta,
    pub date: Date,
    pub title: Text,
    pub description: Option<Text>,
    /// Who took part in it.
    pub involving: Refs,
    /// What it concerned.
    pub about: Refs,
    /// Where it happened.
    pub places: Refs,
    pub merged: Option<Box<Merged<Event>>>,
}

/// How the files of the built-in base are named wherever a path is shown: `built-in:` and the
/// path in kz's own repository, which the user does not have on disk.
pub const BUILTIN: &str = "built-in:";

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
    /// A stat time as kept: nanoseconds since the Unix epoch. Every reader of stat fields goes
    /// through this, so that a file recorded and a file looked at again compare equal.
    pub fn nanos(secs: i64, nsec: i64) -> i64 {
        secs.saturating_mul(1_000_000_000).saturating_add(nsec)
    }

    /// The stat fields of a file's metadata, with the hash of its bytes.
    pub fn of(path: std::path::PathBuf, meta: &std::fs::Metadata, hash: u128) -> Input {
        use std::os::unix::fs::MetadataExt;
        Input {
            path,
            size: meta.len(),
            mtime_ns: Input::nanos(meta.mtime(), meta.mtime_nsec()),
            ctime_ns: Input::nanos(meta.ctime(), meta.ctime_nsec()),
            ino: meta.ino(),
            dev: meta.dev(),
            hash,
        }
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

/// How an edit renumbered the records of one kind (see `Base::splice`): the run of `gone`
/// records from `at` on was replaced by a run of `came` records, some of which have the ids
/// of old ones; every record after the run moved by the difference. A reference is held by
/// place, so every reference to a record of the kind is read through this.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renumber {
    pub kind: Kind,
    pub at: u32,
    pub gone: u32,
    pub came: u32,
    /// For each record of the old run, where the record with its id is now, if one is.
    pub old_to_new: Vec<Option<u32>>,
    /// For each record of the new run, where the record with its id was, if one was.
    pub new_to_old: Vec<Option<u32>>,
}

impl Renumber {
    /// Where the record of the kind at `idx` before the edit is now; `None` for one of the old
    /// run whose id the new run does not have.
    pub fn now(&self, idx: u32) -> Option<u32> {
        match idx.checked_sub(self.at) {
            None => Some(idx),
            Some(i) if i < self.gone => *self.old_to_new.get(i as usize)?,
            Some(_) => Some(idx - self.gone + self.came),
        }
    }

    /// Where the record of the kind at `idx` now was before the edit; `None` for one of the
    /// new run whose id the old run did not have.
    pub fn was(&self, idx: u32) -> Option<u32> {
        match idx.checked_sub(self.at) {
            None => Some(idx),
            Some(i) if i < self.came => *self.new_to_old.get(i as usize)?,
            Some(_) => Some(idx - self.came + self.gone),
        }
    }

    /// Reads every reference of `refs` through the renumbering; `false` if one names a
    /// record that is gone (its references are then left as they were).
    pub fn apply(&self, refs: &mut [EntityRef]) -> bool {
        let mut all = true;
        for r in refs.iter_mut().filter(|r| r.kind == self.kind) {
            match self.now(r.idx) {
                Some(idx) => r.idx = idx,
                None => all = false,
            }
        }
        all
    }
}

/// A record that may refer to quotes and events: every such reference, to renumber.
pub trait Refers {
    /// Reads every reference through `renumber` (see [`Renumber::apply`]), those of each
    /// declaration it was merged from too; `false` if one names a record that is gone.
    fn renumber(&mut self, renumber: &Renumber) -> bool;
}

/// Renumbers every declaration a record was merged from, each whatever the others gave;
/// `false` if any named a record that is gone.
fn renumber_merged<T: Refers>(merged: &mut Option<Box<Merged<T>>>, r: &Renumber) -> bool {
    let mut all = true;
    for decl in merged.iter_mut().flat_map(|m| m.decls.iter_mut()) {
        all &= decl.renumber(r);
    }
    all
}

impl Refers for Quote {
    fn renumber(&mut self, r: &Renumber) -> bool {
        let decls = renumber_merged(&mut self.merged, r);
        let speaker = r.apply(std::slice::from_mut(&mut self.speaker));
        r.apply(&mut self.about) && speaker && decls
    }
}

impl Refers for Event {
    fn renumber(&mut self, r: &Renumber) -> bool {
        let decls = renumber_merged(&mut self.merged, r);
        let involving = r.apply(&mut self.involving);
        let places = r.apply(&mut self.places);
        r.apply(&mut self.about) && involving && places && decls
    }
}
