//! The whole checked base: its tables of records, its indexes, and the questions every command
//! asks of any record (its id, label, aliases, sources).

use super::fields::RecordRef;
use super::index::{Builder, Built, Indexes, Part};
use super::records::{Actor, Event, Organisation, Place, Quote, Source};
use super::records::{EntityRef, Input, Kind, KindDecl, Meta, Origin, Renumber, Span, Text};
use super::source_text::CheckedText;
use super::table::Table;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

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
    /// The records merged from several declarations (or joined by `same_as`), in base order:
    /// where disputes may be.
    pub merged: Vec<EntityRef>,
    /// What `kz check` notes that is not a problem: each dispute between sources, located.
    pub notes: Vec<crate::diag::Diagnostic>,
    /// Each source's full text as the check read it, by source; `None` where it gives none.
    pub checked_texts: Vec<Option<CheckedText>>,
    /// Where each fact file's records are, per kind in [`Kind::ALL`] order: what lets an edit
    /// of one file replace that file's records alone (see `check::edit`).
    pub spans: Vec<[Span; 6]>,
    /// The fact files that declare kinds (a `kinds:` section), by index.
    pub kind_files: Vec<u32>,
    /// The indexes: built from the records on first use, or read with them from a snapshot.
    index: Lazy,
    /// Every id (those `same_as` joins too) to its record, as the check made it: a freshly
    /// parsed base finds an id here without building the indexes.
    by_id: Option<rustc_hash::FxHashMap<Text, EntityRef>>,
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
            && self.merged == other.merged
            && self.notes == other.notes
            && self.checked_texts == other.checked_texts
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
        self.index
            .0
            .get_or_init(|| Indexes::held(self.built_index(), self.lens(), self.damaged.clone()))
    }

    /// How many records of each kind the base has, in [`Kind::ALL`] order.
    pub fn lens(&self) -> [usize; 6] {
        Kind::ALL.map(|k| self.len(k))
    }

    /// The stored form of every index, from the records.
    pub fn built_index(&self) -> Built {
        use rayon::prelude::*;
        // Names are normalised in parallel, a chunk of records per task, in base order.
        let refs: Vec<EntityRef> = self.all().collect();
        let chunks: Vec<Builder> = refs
            .par_chunks(4096)
            .map(|chunk| {
                let mut b = Builder::new(self.lens());
                for &r in chunk {
                    self.index_names(&mut b, r);
                }
                b
            })
            .collect();
        let mut b = Builder::new(self.lens());
        b.merge(chunks);
        for r in self.all() {
            self.index_relations(&mut b, r);
        }
        b.finish()
    }

    /// The stored form of the indexes of the records of `kind` in `run` alone, numbered as in
    /// the whole base: what an edit that replaced that run adds to a snapshot's indexes (see
    /// [`Base::splice`]).
    fn built_index_of(&self, kind: Kind, run: std::ops::Range<u32>) -> Built {
        let mut b = Builder::new(self.lens());
        for idx in run {
            let r = EntityRef::new(kind, idx);
            self.index_names(&mut b, r);
            self.index_relations(&mut b, r);
        }
        b.finish()
    }

    /// Indexes a record's ids and labels: its id, then any others `same_as` gave it; its name
    /// or title, then its aliases.
    fn index_names(&self, b: &mut Builder, r: EntityRef) {
        let rec = self.get(r);
        // A quote is named by its id alone (see `Indexes::best`).
        let named = r.kind != Kind::Quote;
        let labels = std::iter::once(rec.label())
            .chain(rec.aliases().iter().map(|a| a.as_str()))
            .filter(|_| named);
        let ids = std::iter::once(rec.id()).chain(rec.aka().iter().map(|a| a.as_str()));
        b.record(r, ids, labels);
    }

    /// Indexes the relations that list record `r`: who said a quote and what it is about,
    /// who and what an event involves, where it was and what it is about, where people hold
    /// roles, what organisations have as members and where they are based, and what places are
    /// within.
    fn index_relations(&self, b: &mut Builder, r: EntityRef) {
        let i = r.idx;
        match self.get(r) {
            RecordRef::Quote(quote) => {
                b.relate(Part::By, b.key(quote.speaker), i);
                for &a in &quote.about {
                    b.relate(Part::About, b.key(a), i);
                }
            }
            RecordRef::Event(event) => {
                for &x in &event.involving {
                    b.relate(Part::Involving, b.key(x), i);
                }
                for &x in &event.about {
                    b.relate(Part::Concern, b.key(x), i);
                }
                for &p in &event.places {
                    b.relate(Part::At, p.idx, i);
                }
            }
            RecordRef::Actor(actor) => {
                for role in &actor.roles {
                    if let Some(o) = role.org {
                        b.relate(Part::RolesIn, o.idx, i);
                    }
                    if let Some(p) = role.place {
                        b.relate(Part::RolesAt, p.idx, i);
                    }
                }
            }
            RecordRef::Organisation(org) => {
                for m in &org.members {
                    b.relate(Part::MemberOf, b.key(m.member), i);
                }
                if let Some(p) = org.based_in {
                    b.relate(Part::Based, p.idx, i);
                }
            }
            RecordRef::Place(place) => {
                if let Some(parent) = place.part_of {
                    b.relate(Part::Parts, parent.idx, i);
                }
            }
            RecordRef::Source(_) => {}
        }
    }

    /// After an edit of fact file `file`, whose run of records of one kind (quotes or events)
    /// starts at `start`, kept its leading records in their places and spliced the rest in
    /// after them, however many, as `renumber` says (see `Table::splice`): reads the
    /// snapshot's indexes through the change, and moves the runs of the files after it. `None`
    /// if the indexes may not be read so (a record outside the file refers to a record that is
    /// gone, or one of the kind that moved was merged from several declarations), or are not a
    /// snapshot's; the base must then be parsed again.
    pub fn splice(&mut self, file: usize, start: usize, renumber: Arc<Renumber>) -> Option<()> {
        let kind = renumber.kind;
        let slot = kind.slot();
        let at = renumber.at as usize;
        let keep = at.checked_sub(start)?;
        let (old, new) = (keep + renumber.gone as usize, keep + renumber.came as usize);
        if self
            .merged
            .iter()
            .any(|m| m.kind == kind && m.idx as usize >= at)
        {
            return None;
        }
        let overlay = self.built_index_of(kind, renumber.at..renumber.at + renumber.came);
        let index = self.index.0.take()?;
        let edited = *self.spans.get(file)?;
        let index = index.spliced(renumber, &edited, self.lens(), overlay)?;
        self.index = Lazy(OnceLock::from(index));
        let moved = |to: u32| (to as usize + new - old) as u32;
        for (f, spans) in self.spans.iter_mut().enumerate() {
            spans[slot] = match spans[slot] {
                _ if f == file && new == 0 => Some((0, 0)),
                _ if f == file => Some((start as u32, (start + new) as u32)),
                Some((a, b)) if a < b && a as usize >= start + old => Some((moved(a), moved(b))),
                span => span,
            };
        }
        Some(())
    }

    /// The indexes if they are already there (read from a snapshot, or built by an earlier
    /// question), without building them: a question asked once of a freshly parsed base may be
    /// cheaper to answer by reading the records.
    pub fn index_ready(&self) -> Option<&Indexes> {
        self.index.0.get()
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
        match (&self.by_id, self.index.0.get()) {
            (Some(ids), None) => ids.get(id).copied(),
            _ => self.index().lookup(id),
        }
    }

    /// Keeps the check's map of ids, for [`Base::lookup`] before any index is built.
    pub fn set_ids(&mut self, ids: rustc_hash::FxHashMap<Text, EntityRef>) {
        self.by_id = Some(ids);
    }

    /// The check's map of ids, on a freshly parsed base.
    pub fn ids_held(&self) -> Option<&rustc_hash::FxHashMap<Text, EntityRef>> {
        self.by_id.as_ref()
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

    /// Calls `f` with every record of the base, kind by kind in file order, without keeping
    /// what it decodes from a snapshot (see [`Table::each`]): what a long export streams over.
    /// The first error `f` returns ends the pass and is returned.
    pub fn each<E>(
        &self,
        mut f: impl FnMut(EntityRef, RecordRef<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        self.sources
            .each(|i, r| f(EntityRef::source(i as u32), RecordRef::Source(r)))?;
        self.actors
            .each(|i, r| f(EntityRef::actor(i as u32), RecordRef::Actor(r)))?;
        self.organisations
            .each(|i, r| f(EntityRef::org(i as u32), RecordRef::Organisation(r)))?;
        self.places
            .each(|i, r| f(EntityRef::place(i as u32), RecordRef::Place(r)))?;
        self.quotes
            .each(|i, r| f(EntityRef::quote(i as u32), RecordRef::Quote(r)))?;
        self.events
            .each(|i, r| f(EntityRef::event(i as u32), RecordRef::Event(r)))
    }

    /// The record `r` points at.
    pub fn get(&self, r: EntityRef) -> RecordRef<'_> {
        let i = r.idx as usize;
        match r.kind {
            Kind::Source => RecordRef::Source(&self.sources[i]),
            Kind::Actor => RecordRef::Actor(&self.actors[i]),
            Kind::Organisation => RecordRef::Organisation(&self.organisations[i]),
            Kind::Place => RecordRef::Place(&self.places[i]),
            Kind::Quote => RecordRef::Quote(&self.quotes[i]),
            Kind::Event => RecordRef::Event(&self.events[i]),
        }
    }

    pub fn id(&self, r: EntityRef) -> &str {
        self.get(r).id()
    }

    /// A human label: the name of a person, organisation or place, a source's or event's
    /// title, or a quote's id.
    pub fn label(&self, r: EntityRef) -> &str {
        self.get(r).label()
    }

    /// The aliases of a named record; empty for the other kinds.
    pub fn aliases(&self, r: EntityRef) -> &[Text] {
        self.get(r).aliases()
    }

    /// The shared fields of a cited record; `None` for a source.
    pub fn meta(&self, r: EntityRef) -> Option<&Meta> {
        self.get(r).meta()
    }

    pub fn origin(&self, r: EntityRef) -> Origin {
        match self.meta(r) {
            Some(meta) => meta.origin,
            None => self.sources[r.idx as usize].origin,
        }
    }

    /// Where each of `files` fact files' records are, per kind, from the records' origins.
    pub fn find_spans(&self, files: usize) -> Vec<[Span; 6]> {
        let mut spans: Vec<[Span; 6]> = vec![[None; 6]; files];
        let mut seen = vec![[false; 6]; files];
        for r in self.all() {
            let (f, k) = (self.origin(r).file as usize, r.kind.slot());
            let (Some(span), Some(seen)) = (spans.get_mut(f), seen.get_mut(f)) else {
                continue;
            };
            span[k] = match (seen[k], span[k]) {
                (false, _) => Some((r.idx, r.idx + 1)),
                (true, Some((start, end))) if end == r.idx => Some((start, end + 1)),
                (true, _) => None,
            };
            seen[k] = true;
        }
        // A file with no record of a kind holds the empty run of it.
        for (span, seen) in spans.iter_mut().zip(&seen) {
            for (span, _) in span.iter_mut().zip(seen).filter(|(_, seen)| !**seen) {
                *span = Some((0, 0));
            }
        }
        spans
    }

    /// The ids of the sources a record cites, in order.
    pub fn source_ids(&self, sources: &[u32]) -> Vec<&str> {
        sources
            .iter()
            .map(|&s| self.sources[s as usize].id.as_str())
            .collect()
    }
}
