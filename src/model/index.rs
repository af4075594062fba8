//! The indexes of a base: what queries look up instead of reading every record. Ids and the
//! normalised names and aliases (so a name is found without normalising every record again),
//! and who said, what is about, what involves, where, who holds a role in and who is a member
//! of what.
//!
//! An index is a set of flat byte sections, read in place with bounds checks: built in memory
//! from the records on first use, or mapped from a snapshot, where each section is checked in
//! blocks of 64 KiB, each block's checksum verified the first time it is read. A block that fails
//! marks the base as damaged (see [`super::table`]) and answers nothing.

use super::records::{EntityRef, Kind, Renumber, Span};
use super::table::Bytes;
use crate::names::{self, NameQuery, Tier};
use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use xxhash_rust::xxh3::xxh3_64;

/// The sections of an index, in the order they are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// id → record.
    Ids,
    /// Normalised name or alias → (record, which label).
    Exact,
    /// The same, romanisation variants folded (`names::loose`).
    Loose,
    /// Each word of a loose name → (record, which label).
    Words,
    /// Speaker → quotes.
    By,
    /// Any record → quotes about it.
    About,
    /// Any record → events that involve it.
    Involving,
    /// Place → events there.
    At,
    /// Organisation → people with a role in it.
    RolesIn,
    /// Place → people with a role there.
    RolesAt,
    /// Any record → organisations it is a member of.
    MemberOf,
    /// Place → places directly within it.
    Parts,
    /// Any record → events about it.
    Concern,
    /// Place → organisations based there.
    Based,
}

impl Part {
    pub const ALL: [Part; 14] = [
        Part::Ids,
        Part::Exact,
        Part::Loose,
        Part::Words,
        Part::By,
        Part::About,
        Part::Involving,
        Part::At,
        Part::RolesIn,
        Part::RolesAt,
        Part::MemberOf,
        Part::Parts,
        Part::Concern,
        Part::Based,
    ];
}

/// Bytes per checked block of an index section read in place: a lookup verifies only the
/// blocks it reads, so a query on a large base never hashes a whole index.
const BLOCK: usize = 64 * 1024;

/// One section of an index: where its data lies, and for one read in place the checksum of each
/// [`BLOCK`] of it, each verified the first time it is read. One built here has none.
struct Section {
    bytes: Bytes,
    range: Range<usize>,
    sums: Option<Box<[Block]>>,
}

/// A block's checksum, and whether the block was found whole, once it has been read.
type Block = (u64, OnceLock<bool>);

impl Section {
    /// Bytes `at` (relative to the section), if inside it and every block they touch is whole.
    fn get(&self, at: Range<usize>) -> Option<&[u8]> {
        if at.start > at.end || at.end > self.range.len() {
            return None;
        }
        let all = (*self.bytes).as_ref();
        if let Some(sums) = &self.sums
            && !at.is_empty()
        {
            for block in at.start / BLOCK..=(at.end - 1) / BLOCK {
                let (sum, ok) = sums.get(block)?;
                let whole = ok.get_or_init(|| {
                    let start = self.range.start + block * BLOCK;
                    let end = (start + BLOCK).min(self.range.end);
                    all.get(start..end).is_some_and(|b| xxh3_64(b) == *sum)
                });
                if !whole {
                    return None;
                }
            }
        }
        all.get(self.range.start + at.start..self.range.start + at.end)
    }

    /// The `i`th little-endian u32 of the section.
    fn u32_at(&self, i: usize) -> Option<u32> {
        let at = i.checked_mul(4)?;
        Some(u32::from_le_bytes(
            self.get(at..at.checked_add(4)?)?.try_into().ok()?,
        ))
    }

    fn len(&self) -> usize {
        self.range.len()
    }
}

/// A section as stored in a snapshot: `[blocks: u32][blocks × xxh3 of each BLOCK: u64][data]`.
pub fn sealed(data: &[u8]) -> Vec<u8> {
    let blocks = data.len().div_ceil(BLOCK);
    let mut out = Vec::with_capacity(4 + 8 * blocks + data.len());
    out.extend_from_slice(&(blocks as u32).to_le_bytes());
    for block in data.chunks(BLOCK) {
        out.extend_from_slice(&xxh3_64(block).to_le_bytes());
    }
    out.extend_from_slice(data);
    out
}

/// Reads a [`sealed`] section at `range` of `bytes`; `None` if its block list does not fit it.
fn unseal(bytes: &Bytes, range: Range<usize>) -> Option<Section> {
    let all: &[u8] = (**bytes).as_ref();
    let head = all.get(range.clone())?;
    let blocks = u32::from_le_bytes(head.get(..4)?.try_into().ok()?) as usize;
    let data_at = 4usize.checked_add(blocks.checked_mul(8)?)?;
    let data_len = head.len().checked_sub(data_at)?;
    if data_len.div_ceil(BLOCK) != blocks {
        return None;
    }
    let sums = (0..blocks)
        .map(|b| {
            let at = 4 + b * 8;
            let sum = u64::from_le_bytes(head[at..at + 8].try_into().ok()?);
            Some((sum, OnceLock::new()))
        })
        .collect::<Option<Box<[_]>>>()?;
    Some(Section {
        bytes: bytes.clone(),
        range: range.start + data_at..range.end,
        sums: Some(sums),
    })
}

/// The indexes of one base.
pub struct Indexes {
    sections: Vec<Section>,
    /// Where each kind starts in the single numbering of records (kinds in [`Kind::ALL`] order).
    starts: [u32; 7],
    damaged: Arc<AtomicBool>,
    /// An edited file's run of records of one kind, put in place of its old run with another
    /// number of records: the sections above are the snapshot's, read through this.
    splice: Option<Box<Splice>>,
}

/// The indexes of a snapshot whose table of one kind had an edited file's run of records
/// replaced by a run of another number of records (see `Table::splice`), as `renumber` says,
/// read as the indexes of the base after the edit: the snapshot's entries made by the old run
/// are left out, those of the records after it move by the difference, a list under a record
/// of the new run is the one under the old record with its id, and `overlay` (the indexes of
/// the new run's records alone, numbered as the base is now) adds what the new run makes.
///
/// Sound only while no record outside the edited file refers to a record of the old run that
/// is gone (see [`Indexes::spliced`]).
struct Splice {
    renumber: Arc<Renumber>,
    /// Where each kind starts in the numbering after the edit.
    starts: [u32; 7],
    overlay: Indexes,
}

impl Splice {
    /// Where a record of the spliced kind at `idx` in the snapshot is now; `None` for one of
    /// the old run, whose entries the overlay gives instead.
    fn moved(&self, idx: u32) -> Option<u32> {
        let r = &self.renumber;
        match idx.checked_sub(r.at) {
            None => Some(idx),
            Some(i) if i < r.gone => None,
            Some(_) => Some(idx - r.gone + r.came),
        }
    }

    /// Where a record of the spliced kind at `idx` now was in the snapshot: for one of the new
    /// run, the old record with its id, if there was one.
    fn was(&self, idx: u32) -> Option<u32> {
        self.renumber.was(idx)
    }
}

/// The kind of record a relation lists.
fn listed_kind(part: Part) -> Option<Kind> {
    Some(match part {
        Part::By | Part::About => Kind::Quote,
        Part::Involving | Part::At | Part::Concern => Kind::Event,
        Part::RolesIn | Part::RolesAt => Kind::Actor,
        Part::MemberOf | Part::Based => Kind::Organisation,
        Part::Parts => Kind::Place,
        Part::Ids | Part::Exact | Part::Loose | Part::Words => return None,
    })
}

/// The kind of record a relation is keyed by, for a relation keyed by one kind's own
/// numbering; `None` for one keyed by the single numbering of every record.
fn keyed_kind(part: Part) -> Option<Kind> {
    match part {
        Part::At | Part::RolesAt | Part::Parts | Part::Based => Some(Kind::Place),
        Part::RolesIn => Some(Kind::Organisation),
        _ => None,
    }
}

/// The relations keyed by the single numbering of every record, each with the kind of record
/// it lists: those that list what refers to a record of any kind.
fn global_lists() -> impl Iterator<Item = (Part, Kind)> {
    Part::ALL
        .into_iter()
        .filter(|&part| keyed_kind(part).is_none())
        .filter_map(|part| Some((part, listed_kind(part)?)))
}

/// Which of a record's kind, in a single numbering that starts each kind at `starts`.
fn entity_in(starts: &[u32; 7], key: u32) -> Option<EntityRef> {
    let slot = (0..6)
        .rev()
        .find(|&k| starts[k] <= key && key < starts[k + 1])?;
    Some(EntityRef::new(Kind::ALL[slot], key - starts[slot]))
}

/// Every entry of every name table and every list of every relation, in [`Part`] order.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Contents {
    pub names: Vec<Vec<(String, u32, u32)>>,
    pub lists: Vec<Vec<Vec<u32>>>,
}

/// What to store for an index: its sections' bytes.
pub struct Built {
    pub parts: Vec<Vec<u8>>,
}

impl Indexes {
    /// The indexes read in place: the range of one [`sealed`] section per [`Part`], in order.
    /// `None` unless every section lies inside the bytes and its block list fits it.
    pub fn mapped(
        bytes: Bytes,
        parts: &[Range<usize>],
        lens: [usize; 6],
        damaged: Arc<AtomicBool>,
    ) -> Option<Indexes> {
        if parts.len() != Part::ALL.len() {
            return None;
        }
        let sections = parts
            .iter()
            .map(|range| unseal(&bytes, range.clone()))
            .collect::<Option<Vec<Section>>>()?;
        Some(Indexes {
            sections,
            starts: starts(lens)?,
            damaged,
            splice: None,
        })
    }

    /// The indexes built in memory from a base's records (see [`Builder`]).
    pub fn held(built: Built, lens: [usize; 6], damaged: Arc<AtomicBool>) -> Indexes {
        let mut all = Vec::new();
        let mut ranges = Vec::new();
        for part in built.parts {
            ranges.push(all.len()..all.len() + part.len());
            all.extend_from_slice(&part);
        }
        let bytes: Bytes = Arc::new(all);
        let sections = ranges
            .into_iter()
            .map(|range| Section {
                bytes: bytes.clone(),
                range,
                sums: None,
            })
            .collect();
        Indexes {
            sections,
            starts: starts(lens).unwrap_or_default(),
            damaged,
            splice: None,
        }
    }

    /// These indexes, read as those of the base after an edit replaced a run of records of one
    /// kind as `renumber` says, with the base's tables now of `lens` records, and the new run's
    /// own indexes in `overlay` (built for a base of `lens`, from those records alone).
    /// `edited` is where the edited file's records were in the snapshot. `None` if a record
    /// outside the edited file refers to a record of the old run that is gone (the full check
    /// reports it), or these indexes are spliced already.
    pub fn spliced(
        self,
        renumber: Arc<Renumber>,
        edited: &[Span; 6],
        lens: [usize; 6],
        overlay: Built,
    ) -> Option<Indexes> {
        let slot = renumber.kind.slot();
        let was = self.starts[slot + 1] - self.starts[slot];
        let (gone, came) = (renumber.gone, renumber.came);
        let fits = renumber.at.checked_add(gone)? <= was
            && lens[slot] as u32 == (was - gone).checked_add(came)?;
        if self.splice.is_some() || !fits {
            return None;
        }
        let in_edited = |kind: Kind, idx: u32| {
            edited[kind.slot()].is_some_and(|(from, to)| (from..to).contains(&idx))
        };
        for (i, now) in renumber.old_to_new.iter().enumerate() {
            if now.is_some() {
                continue;
            }
            let key = self.starts[slot] + renumber.at + i as u32;
            for (part, listed) in global_lists() {
                if self
                    .listed(part, key)
                    .iter()
                    .any(|&v| !in_edited(listed, v))
                {
                    return None;
                }
            }
        }
        let starts = starts(lens)?;
        let overlay = Indexes::held(overlay, lens, self.damaged.clone());
        Some(Indexes {
            splice: Some(Box::new(Splice {
                renumber,
                starts,
                overlay,
            })),
            ..self
        })
    }

    /// The records of kind `listed` that the relations list under any record of `kind` from
    /// `at` on, sorted and each once: every quote or event that refers to one of those records
    /// (a reference is listed under what it names), which a renumbering of them may change.
    /// `None` if the indexes are damaged or spliced already.
    pub fn referring(&self, kind: Kind, at: u32, listed: Kind) -> Option<Vec<u32>> {
        if self.splice.is_some() {
            return None;
        }
        let slot = kind.slot();
        let (from, to) = (
            (self.starts[slot] + at) as usize,
            self.starts[slot + 1] as usize,
        );
        let mut out = Vec::new();
        for (part, _) in global_lists().filter(|&(_, kind)| kind == listed) {
            // The lists of keys `from..to` are one run of the CSR's values.
            let data = self.part(part)?;
            let n = data.u32_at(0)? as usize;
            let offset = |k: usize| data.u32_at(1 + k.min(n)).map(|v| v as usize);
            for i in offset(from)?..offset(to)? {
                out.push(data.u32_at(2 + n + i)?);
            }
        }
        out.sort_unstable();
        out.dedup();
        Some(out)
    }

    /// Whether these are a snapshot's indexes read through an edit's splice: then they are not
    /// stored as they are, but built again from the records.
    pub fn is_spliced(&self) -> bool {
        self.splice.is_some()
    }

    /// The data of every section, in [`Part`] order, to store: `None` if any is damaged, or
    /// the indexes are spliced (their sections are the snapshot's).
    pub fn stored_parts(&self) -> Option<Vec<&[u8]>> {
        if self.splice.is_some() {
            return None;
        }
        self.sections.iter().map(|s| s.get(0..s.len())).collect()
    }

    fn part(&self, part: Part) -> Option<&Section> {
        self.sections.get(part as usize)
    }

    /// A record's place in the single numbering, as the base is now.
    fn key(&self, r: EntityRef) -> u32 {
        self.now()[r.kind.slot()] + r.idx
    }

    /// The record at `key` of the snapshot's single numbering, as the base is now; `None` for
    /// one an edit took out.
    fn entity(&self, key: u32) -> Option<EntityRef> {
        let r = entity_in(&self.starts, key)?;
        match &self.splice {
            Some(s) if s.renumber.kind == r.kind => Some(EntityRef::new(r.kind, s.moved(r.idx)?)),
            _ => Some(r),
        }
    }

    /// The values a relation lists under `key` (in the numbering as the base is now), in
    /// order.
    fn list(&self, part: Part, key: u32) -> Vec<u32> {
        let Some(s) = &self.splice else {
            return self.listed(part, key);
        };
        let was = match keyed_kind(part) {
            Some(_) => Some(key),
            None => entity_in(&s.starts, key).and_then(|r| {
                let idx = match r.kind == s.renumber.kind {
                    true => s.was(r.idx)?,
                    false => r.idx,
                };
                Some(self.starts[r.kind.slot()] + idx)
            }),
        };
        let mut out = was.map(|k| self.listed(part, k)).unwrap_or_default();
        if listed_kind(part) == Some(s.renumber.kind) {
            out = out.into_iter().filter_map(|v| s.moved(v)).collect();
        }
        let mut more = s.overlay.listed(part, key);
        if !more.is_empty() {
            out.append(&mut more);
            out.sort_unstable();
            out.dedup();
        }
        out
    }

    /// The values a CSR section lists under `key`.
    fn listed(&self, part: Part, key: u32) -> Vec<u32> {
        let read = || -> Option<Vec<u32>> {
            let data = self.part(part)?;
            let n = data.u32_at(0)? as usize;
            let k = key as usize;
            if k >= n {
                return Some(Vec::new());
            }
            let (from, to) = (data.u32_at(1 + k)? as usize, data.u32_at(2 + k)? as usize);
            let values = 2 + n;
            (from..to).map(|i| data.u32_at(values + i)).collect()
        };
        read().unwrap_or_else(|| {
            self.damaged.store(true, Ordering::Relaxed);
            Vec::new()
        })
    }

    /// Quotes said by a person or organisation, in file order.
    pub fn quotes_by(&self, r: EntityRef) -> Vec<u32> {
        self.list(Part::By, self.key(r))
    }

    /// Quotes about a record, in file order.
    pub fn quotes_about(&self, r: EntityRef) -> Vec<u32> {
        self.list(Part::About, self.key(r))
    }

    /// Events that involve a record, in file order.
    pub fn events_involving(&self, r: EntityRef) -> Vec<u32> {
        self.list(Part::Involving, self.key(r))
    }

    /// Events at a place, in file order.
    pub fn events_at(&self, place: u32) -> Vec<u32> {
        self.list(Part::At, place)
    }

    /// People with a role in an organisation.
    pub fn roles_in(&self, org: u32) -> Vec<u32> {
        self.list(Part::RolesIn, org)
    }

    /// People with a role at a place.
    pub fn roles_at(&self, place: u32) -> Vec<u32> {
        self.list(Part::RolesAt, place)
    }

    /// Organisations a record is a member of.
    pub fn member_of(&self, r: EntityRef) -> Vec<u32> {
        self.list(Part::MemberOf, self.key(r))
    }

    /// Places directly within a place.
    pub fn parts_of(&self, place: u32) -> Vec<u32> {
        self.list(Part::Parts, place)
    }

    /// Events about a record, in file order.
    pub fn events_about(&self, r: EntityRef) -> Vec<u32> {
        self.list(Part::Concern, self.key(r))
    }

    /// Organisations based at a place, in file order.
    pub fn based_at(&self, place: u32) -> Vec<u32> {
        self.list(Part::Based, place)
    }

    /// The entries of a name table whose key is `key`: (record, label) pairs, in the order of
    /// the records.
    fn named(&self, part: Part, key: &str) -> Vec<(EntityRef, u32)> {
        let found = self
            .part(part)
            .and_then(|data| NameTable(data).find(key.as_bytes()));
        let found = found.unwrap_or_else(|| {
            self.damaged.store(true, Ordering::Relaxed);
            Vec::new()
        });
        let mut out: Vec<(EntityRef, u32)> = found
            .into_iter()
            .filter_map(|(k, b)| Some((self.entity(k)?, b)))
            .collect();
        if let Some(s) = &self.splice {
            out.extend(s.overlay.named(part, key));
            out.sort_unstable();
        }
        out
    }

    /// The record with this exact id.
    pub fn lookup(&self, id: &str) -> Option<EntityRef> {
        self.named(Part::Ids, id).first().map(|&(r, _)| r)
    }

    /// Every id, with its record, in id order.
    pub fn ids(&self) -> Vec<(String, EntityRef)> {
        self.entries(Part::Ids)
            .into_iter()
            .filter_map(|(id, k, _)| Some((id, entity_in(self.now(), k)?)))
            .collect()
    }

    /// Where each kind starts in the single numbering as the base is now.
    fn now(&self) -> &[u32; 7] {
        self.splice.as_ref().map_or(&self.starts, |s| &s.starts)
    }

    /// Every entry of a name table, keyed by the single numbering as the base is now.
    fn entries(&self, part: Part) -> Vec<(String, u32, u32)> {
        let found = self.part(part).and_then(|data| NameTable(data).all());
        let found = found.unwrap_or_else(|| {
            self.damaged.store(true, Ordering::Relaxed);
            Vec::new()
        });
        let Some(s) = &self.splice else {
            return found;
        };
        let mut out: Vec<(String, u32, u32)> = found
            .into_iter()
            .filter_map(|(name, k, b)| Some((name, self.key(self.entity(k)?), b)))
            .collect();
        out.extend(s.overlay.entries(part));
        out.sort_unstable_by(|x, y| (x.0.as_bytes(), x.1, x.2).cmp(&(y.0.as_bytes(), y.1, y.2)));
        out
    }

    /// The records of `kinds` a name query matches best, and how well: what a scan of every
    /// record's id, name and aliases would find (see [`NameQuery::tier`]), in base order.
    pub fn best(&self, q: &NameQuery, kinds: &[Kind]) -> Option<(Tier, Vec<EntityRef>)> {
        let wanted = |pairs: Vec<(EntityRef, u32)>| -> Vec<EntityRef> {
            let mut found: Vec<EntityRef> = pairs
                .into_iter()
                .map(|(r, _)| r)
                .filter(|r| kinds.contains(&r.kind))
                .collect();
            found.sort_unstable();
            found.dedup();
            found
        };
        let found = wanted(self.named(Part::Ids, q.id()));
        if !found.is_empty() {
            return Some((Tier::Id, found));
        }
        if q.normalised().is_empty() {
            return None;
        }
        // A quote has no name but its id: the query names it exactly when it is the id written
        // as words (`Quote 17` for `quote-17`), which is the id with its hyphens for spaces.
        let mut exact = self.named(Part::Exact, q.normalised());
        let as_id = q.normalised().replace(' ', "-");
        exact.extend(
            self.named(Part::Ids, &as_id)
                .into_iter()
                .filter(|&(r, _)| r.kind == Kind::Quote),
        );
        let found = wanted(exact);
        if !found.is_empty() {
            return Some((Tier::Exact, found));
        }
        let found = wanted(self.named(Part::Loose, q.loose()));
        if !found.is_empty() {
            return Some((Tier::Loose, found));
        }
        // Every word of the query in one label of a record.
        let mut labels: Option<Vec<(EntityRef, u32)>> = None;
        for word in q.loose().split(' ').filter(|w| !w.is_empty()) {
            let mut these = self.named(Part::Words, word);
            these.sort_unstable();
            these.dedup();
            labels = Some(match labels {
                None => these,
                Some(before) => before
                    .into_iter()
                    .filter(|p| these.binary_search(p).is_ok())
                    .collect(),
            });
        }
        let found = wanted(labels.unwrap_or_default());
        (!found.is_empty()).then_some((Tier::Words, found))
    }

    /// Everything the indexes hold, read through the same checked paths as a query: what a test
    /// or fuzzer compares between a snapshot and the base it was made from.
    pub fn contents(&self) -> Contents {
        let mut contents = Contents::default();
        for part in Part::ALL {
            if matches!(part, Part::Ids | Part::Exact | Part::Loose | Part::Words) {
                contents.names.push(self.entries(part));
            } else {
                let keys = match (&self.splice, keyed_kind(part)) {
                    (Some(s), Some(kind)) => {
                        Some(s.starts[kind.slot() + 1] - s.starts[kind.slot()])
                    }
                    (Some(s), None) => Some(s.starts[6]),
                    (None, _) => self.part(part).and_then(|d| d.u32_at(0)),
                };
                let keys = keys.unwrap_or_else(|| {
                    self.damaged.store(true, Ordering::Relaxed);
                    0
                });
                let lists = (0..keys).map(|k| self.list(part, k)).collect();
                contents.lists.push(lists);
            }
        }
        contents
    }

    /// Every record of `kinds` with each of its normalised names and its id: what suggestions
    /// after a miss compare with.
    pub fn names_of(&self, kinds: &[Kind]) -> Vec<(EntityRef, String)> {
        let mut out = Vec::new();
        for part in [Part::Exact, Part::Ids] {
            for (name, k, _) in self.entries(part) {
                if let Some(r) = entity_in(self.now(), k).filter(|r| kinds.contains(&r.kind)) {
                    out.push((r, name));
                }
            }
        }
        out
    }
}

fn starts(lens: [usize; 6]) -> Option<[u32; 7]> {
    let mut out = [0u32; 7];
    for (k, len) in lens.iter().enumerate() {
        out[k + 1] = out[k].checked_add(u32::try_from(*len).ok()?)?;
    }
    Some(out)
}

/// A sorted table of (key, a, b) entries: `[count][count × (key offset, key length, a, b)][keys]`,
/// all u32 little-endian, sorted by key bytes, then a, then b.
struct NameTable<'a>(&'a Section);

impl<'a> NameTable<'a> {
    fn count(&self) -> Option<usize> {
        Some(self.0.u32_at(0)? as usize)
    }

    fn entry(&self, i: usize) -> Option<(&'a [u8], u32, u32)> {
        let base = 1 + i.checked_mul(4)?;
        let (off, len) = (
            self.0.u32_at(base)? as usize,
            self.0.u32_at(base + 1)? as usize,
        );
        let keys = 4 + self.count()?.checked_mul(16)?;
        let key = self.0.get(keys + off..keys + off.checked_add(len)?)?;
        Some((key, self.0.u32_at(base + 2)?, self.0.u32_at(base + 3)?))
    }

    /// The (a, b) of every entry with this key; `None` if the table is malformed.
    fn find(&self, key: &[u8]) -> Option<Vec<(u32, u32)>> {
        let n = self.count()?;
        let (mut lo, mut hi) = (0, n);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if self.entry(mid)?.0 < key {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        let mut out = Vec::new();
        for i in lo..n {
            let (k, a, b) = self.entry(i)?;
            if k != key {
                break;
            }
            out.push((a, b));
        }
        Some(out)
    }

    fn all(&self) -> Option<Vec<(String, u32, u32)>> {
        (0..self.count()?)
            .map(|i| {
                let (k, a, b) = self.entry(i)?;
                Some((String::from_utf8_lossy(k).into_owned(), a, b))
            })
            .collect()
    }
}

/// One entry of a name table being built: its key's first 8 bytes (big-endian, zero-padded, so
/// that comparing them compares the keys' starts), where the whole key lies in its builder's
/// arena, and the entry's two values. Sorting compares the inline prefix first and reads the
/// arena only for keys that share it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Key {
    prefix: u64,
    off: u32,
    len: u32,
    a: u32,
    b: u32,
}

impl Key {
    fn new(arena: &[u8], off: usize, len: usize, a: u32, b: u32) -> Key {
        let mut head = [0u8; 8];
        let n = len.min(8);
        head[..n].copy_from_slice(&arena[off..off + n]);
        Key {
            prefix: u64::from_be_bytes(head),
            off: off as u32,
            len: len as u32,
            a,
            b,
        }
    }

    fn bytes<'a>(&self, arena: &'a [u8]) -> &'a [u8] {
        &arena[self.off as usize..(self.off + self.len) as usize]
    }

    fn order(&self, other: &Key, arena: &[u8]) -> std::cmp::Ordering {
        self.prefix
            .cmp(&other.prefix)
            .then_with(|| {
                if self.len <= 8 && other.len <= 8 {
                    self.len.cmp(&other.len)
                } else {
                    self.bytes(arena).cmp(other.bytes(arena))
                }
            })
            .then((self.a, self.b).cmp(&(other.a, other.b)))
    }
}

/// The stored form of a name table (see [`NameTable`]) from its entries, their keys in `arena`.
fn name_table(arena: &[u8], mut entries: Vec<Key>) -> Vec<u8> {
    use rayon::slice::ParallelSliceMut;
    entries.par_sort_unstable_by(|x, y| x.order(y, arena));
    entries.dedup_by(|x, y| x.order(y, arena).is_eq());
    let key_bytes: usize = entries.iter().map(|k| k.len as usize).sum();
    let mut head = Vec::with_capacity(4 + entries.len() * 16 + key_bytes);
    head.extend_from_slice(&(entries.len() as u32).to_le_bytes());
    let mut at = 0u32;
    for k in &entries {
        for v in [at, k.len, k.a, k.b] {
            head.extend_from_slice(&v.to_le_bytes());
        }
        at += k.len;
    }
    for k in &entries {
        head.extend_from_slice(k.bytes(arena));
    }
    head
}

/// A compressed-sparse-row list: `[keys][keys + 1 offsets][values]`, all u32 little-endian.
fn csr(keys: usize, mut pairs: Vec<(u32, u32)>) -> Vec<u8> {
    use rayon::slice::ParallelSliceMut;
    pairs.par_sort_unstable();
    pairs.dedup();
    let mut out = Vec::with_capacity(4 * (2 + keys + pairs.len()));
    out.extend_from_slice(&(keys as u32).to_le_bytes());
    let mut at = 0;
    for k in 0..=keys as u32 {
        while at < pairs.len() && pairs[at].0 < k {
            at += 1;
        }
        out.extend_from_slice(&(at as u32).to_le_bytes());
    }
    for (_, v) in pairs {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out
}

/// Gathers what the indexes hold, record by record, as the base walks its records: each
/// record's id and labels, and each relation between two records. Every key is written once
/// into one arena (a word of a loose name is found inside the loose name), and each table's
/// entries point into it.
pub struct Builder {
    starts: [u32; 7],
    lens: [usize; 6],
    arena: Vec<u8>,
    names: [Vec<Key>; 4],
    lists: [Vec<(u32, u32)>; 10],
}

impl Builder {
    /// A builder for a base with `lens` records of each kind, in [`Kind::ALL`] order.
    pub fn new(lens: [usize; 6]) -> Builder {
        Builder {
            starts: starts(lens).unwrap_or_default(),
            lens,
            arena: Vec::new(),
            names: Default::default(),
            lists: Default::default(),
        }
    }

    /// A record's place in the one numbering of every record.
    pub fn key(&self, r: EntityRef) -> u32 {
        self.starts[r.kind.slot()] + r.idx
    }

    /// Appends `bytes` to the arena; returns where they start.
    fn put(&mut self, bytes: &[u8]) -> usize {
        let at = self.arena.len();
        self.arena.extend_from_slice(bytes);
        at
    }

    /// A record, its id, and its labels (its name or title first, then its aliases), which are
    /// keyed normalised, loosely, and word by word.
    /// `ids` are the record's id, then any others `same_as` gave it. A record whose label is its
    /// id (a quote) gives no labels: its id names it (see [`Indexes::best`]).
    pub fn record<'a>(
        &mut self,
        r: EntityRef,
        ids: impl Iterator<Item = &'a str>,
        labels: impl Iterator<Item = &'a str>,
    ) {
        let k = self.key(r);
        for id in ids {
            let at = self.put(id.as_bytes());
            let key = Key::new(&self.arena, at, id.len(), k, 0);
            self.names[0].push(key);
        }
        for (n, label) in labels.enumerate() {
            let n = n as u32;
            let norm = names::normalise(label);
            if norm.is_empty() {
                continue;
            }
            let at = self.put(norm.as_bytes());
            let key = Key::new(&self.arena, at, norm.len(), k, n);
            self.names[1].push(key);
            let l = names::loose(&norm);
            let at = self.put(l.as_bytes());
            let key = Key::new(&self.arena, at, l.len(), k, n);
            self.names[2].push(key);
            let mut from = 0;
            for w in l.split(' ') {
                if !w.is_empty() {
                    let key = Key::new(&self.arena, at + from, w.len(), k, n);
                    self.names[3].push(key);
                }
                from += w.len() + 1;
            }
        }
    }

    /// Lists `to` under `from` in a relation: a record key for [`Part::By`], [`Part::About`],
    /// [`Part::Involving`], [`Part::Concern`] and [`Part::MemberOf`], an organisation's index
    /// for [`Part::RolesIn`], a place's for [`Part::At`], [`Part::RolesAt`], [`Part::Parts`] and
    /// [`Part::Based`].
    pub fn relate(&mut self, part: Part, from: u32, to: u32) {
        if let Some(slot) = (part as usize).checked_sub(self.names.len()) {
            self.lists[slot].push((from, to));
        }
    }

    /// Adds what other builders for the same base gathered, after what this one did.
    pub fn merge(&mut self, others: Vec<Builder>) {
        self.arena
            .reserve(others.iter().map(|o| o.arena.len()).sum());
        for (n, mine) in self.names.iter_mut().enumerate() {
            mine.reserve(others.iter().map(|o| o.names[n].len()).sum());
        }
        for (n, mine) in self.lists.iter_mut().enumerate() {
            mine.reserve(others.iter().map(|o| o.lists[n].len()).sum());
        }
        for other in others {
            let shift = self.arena.len() as u32;
            self.arena.extend_from_slice(&other.arena);
            for (mine, theirs) in self.names.iter_mut().zip(other.names) {
                mine.extend(theirs.into_iter().map(|k| Key {
                    off: k.off + shift,
                    ..k
                }));
            }
            for (mine, theirs) in self.lists.iter_mut().zip(other.lists) {
                mine.extend(theirs);
            }
        }
    }

    /// The stored form of every index.
    pub fn finish(self) -> Built {
        let total = self.starts[6] as usize;
        let (orgs, places) = (self.lens[2], self.lens[3]);
        use rayon::prelude::*;
        let (mut parts, lists): (Vec<Vec<u8>>, Vec<Vec<u8>>) = rayon::join(
            || {
                let arena = &self.arena;
                self.names
                    .into_par_iter()
                    .map(|entries| name_table(arena, entries))
                    .collect()
            },
            || {
                self.lists
                    .into_par_iter()
                    .zip(&Part::ALL[4..])
                    .map(|(list, part)| {
                        let keys = match part {
                            Part::At | Part::RolesAt | Part::Parts | Part::Based => places,
                            Part::RolesIn => orgs,
                            _ => total,
                        };
                        csr(keys, list)
                    })
                    .collect()
            },
        );
        parts.extend(lists);
        Built { parts }
    }
}
