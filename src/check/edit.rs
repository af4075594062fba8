//! An edited fact file, checked against the snapshot of the base as it was before the edit, so
//! that an answer after an edit need not wait for the whole base to be parsed and checked again.
//!
//! The edited file is parsed on its own and its records converted by the same code as in a full
//! check, with every reference resolved against the snapshot's ids. Its records may then replace
//! the ones the snapshot holds for the file, in place, only when the edit changed nothing that
//! another record, an index or a check across records depends on:
//!
//! - the file holds as many records of each kind as before, with the same ids in the same
//!   order, none merged with a declaration in another file and none `same_as` another record;
//! - their names, aliases and titles, every reference and every cited source are as they were;
//! - every direct quote and every piece of evidence is found verbatim in the text of each
//!   source it cites, read again exactly as the base's check read it;
//! - the file declares no kinds, and neither did it before;
//! - the file parses and converts without a single problem.
//!
//! What may differ is checked record by record, and the conversion or the verbatim search has
//! just checked it: dates, contexts, descriptions, notes, a role's title, a quote's words,
//! evidence, a source's url, publisher and date, and the lines records are written on. So the
//! list of what may differ is closed: a field not named in it must be equal, and a new field is
//! safe until named. Anything else sends the base to a full parse and check, which reports any
//! problem.
//!
//! But the file's quotes, or its events, may change more, when it is the only file edited:
//! records added, removed, given new ids, speakers, titles or references. Its run of records of
//! that kind is then spliced into the snapshot's table, and the snapshot's indexes are read
//! through the change with the run's own indexes added (see `Base::splice`). The run's leading
//! records that are the old ones but for their [`Local`] fields are put in place and keep their
//! places; the splice starts after them. A reference is held by place, and the records of the
//! kind from the splice on move: every record that may refer to them (quotes and events, those
//! of the snapshot as they are decoded, those of the edited file at once) is read through the
//! [`Renumber`], which maps a record of the old run to the new record with its id. It may be
//! spliced when:
//!
//! - each of the run's ids is declared once in it, and nowhere else in the base but in the
//!   file's old run of that kind;
//! - no reference names a record of the old run whose id the new run lacks: the snapshot's
//!   indexes tell it for the records outside the file (see `Indexes::spliced`), and the
//!   renumbering of the file's own records tells it for them;
//! - none of the kind from the splice on was merged from several declarations.

use super::convert;
use super::resolve::Ids;
use super::sink::{Broken, Sink};
use super::verbatim;
use crate::load::{Cited, Located, Raw, Records};
use crate::model::table::{Record, Table};
use crate::model::{
    Actor, Base, Event, Kind, Meta, Organisation, Origin, Place, Quote, Refers, Renumber, Source,
    Span, Term,
};
use std::sync::Arc;

/// The records that replace an edited file's records in the base, by kind, each with where its
/// run of records starts.
pub struct Patch {
    file: usize,
    starts: [usize; 6],
    sources: Vec<Source>,
    actors: Vec<Actor>,
    organisations: Vec<Organisation>,
    places: Vec<Place>,
    quotes: Vec<Quote>,
    events: Vec<Event>,
    /// The kind whose run the edit changed in number or in what indexes hold, and how: the
    /// run from its first changed record on is spliced in, not put in place.
    splice: Option<(Kind, Splice)>,
}

impl Patch {
    /// Whether the patch splices a run of records in (see the module's documentation): it may
    /// then be the only patch of a run.
    pub fn splices(&self) -> bool {
        self.splice.is_some()
    }

    /// Puts the edited file's records in place of the old ones. `None` if a spliced run
    /// leaves a reference naming a record that is gone: the base must then be parsed again.
    pub fn apply(self, base: &mut Base) -> Option<()> {
        let s = self.starts;
        let (mut quotes, mut events) = (self.quotes, self.events);
        if let Some((_, at)) = &self.splice {
            // The edited file's references were resolved against the snapshot, and the
            // snapshot's records refer as it numbered them: both are read through the
            // renumbering from now on.
            let r = &at.renumber;
            let quotes_refer = quotes.iter_mut().all(|q| q.renumber(r));
            if !quotes_refer || !events.iter_mut().all(|e| e.renumber(r)) {
                return None;
            }
            // Only the records the snapshot's indexes list under a record that moves refer
            // to one.
            let index = base.index_ready()?;
            let mut only_quotes = index.referring(r.kind, r.at, Kind::Quote)?;
            let mut only_events = index.referring(r.kind, r.at, Kind::Event)?;
            // The indexes list what a merged record says as a whole, which a declaration it
            // was merged from (a deprecated one) may not: those are read here, all of them.
            for m in &base.merged {
                let refer = match m.kind {
                    Kind::Quote => {
                        only_quotes.push(m.idx);
                        base.quotes.decoded(m.idx as usize)?.renumber(r)
                    }
                    Kind::Event => {
                        only_events.push(m.idx);
                        base.events.decoded(m.idx as usize)?.renumber(r)
                    }
                    _ => continue,
                };
                if !refer {
                    return None;
                }
            }
            for only in [&mut only_quotes, &mut only_events] {
                only.sort_unstable();
                only.dedup();
            }
            let (rq, re) = (Arc::clone(&at.renumber), Arc::clone(&at.renumber));
            let read_quote = Arc::new(move |q: &mut Quote| {
                q.renumber(&rq);
            });
            base.quotes.renumber(read_quote, only_quotes)?;
            let read_event = Arc::new(move |e: &mut Event| {
                e.renumber(&re);
            });
            base.events.renumber(read_event, only_events)?;
        }
        base.sources.put(s[0], self.sources)?;
        base.actors.put(s[1], self.actors)?;
        base.organisations.put(s[2], self.organisations)?;
        base.places.put(s[3], self.places)?;
        match &self.splice {
            Some((Kind::Quote, at)) => at.apply(&mut base.quotes, s[4], quotes)?,
            _ => base.quotes.put(s[4], quotes)?,
        }
        match &self.splice {
            Some((Kind::Event, at)) => at.apply(&mut base.events, s[5], events)?,
            _ => base.events.put(s[5], events)?,
        }
        match self.splice {
            Some((kind, at)) => base.splice(self.file, s[kind.slot()], at.renumber),
            None => Some(()),
        }
    }
}

/// How an edited file's run of one kind goes into its table: the first `keep` of the new run
/// are the old records but for their [`Local`] fields, and `renumber` says what replaced the
/// rest, and where every record of the kind is now.
struct Splice {
    keep: usize,
    renumber: Arc<Renumber>,
}

impl Splice {
    /// Puts the kept records in place and splices the rest of the run in after them.
    fn apply<T: Record>(&self, table: &mut Table<T>, start: usize, mut run: Vec<T>) -> Option<()> {
        let rest = run.split_off(self.keep);
        table.put(start, run)?;
        table.splice(start + self.keep, self.renumber.gone as usize, rest)
    }
}

/// The records of fact file `file` as `raw` (that file alone, parsed) gives them, if they may
/// replace the file's records in `base` (see the module's documentation); `None` if the base
/// must be parsed and checked again.
pub fn patch(base: &Base, file: u32, raw: Raw) -> Option<Patch> {
    let Raw {
        index,
        records,
        diagnostics,
        broken_ids,
        broken_fields,
    } = raw;
    if !diagnostics.is_empty()
        || !broken_ids.is_empty()
        || !broken_fields.is_empty()
        || !records.kinds.is_empty()
        || base.kind_files.contains(&file)
        || joins_any(&records)
        || declares_merged(base, file)
    {
        return None;
    }
    let spans = base.spans.get(file as usize)?;
    let none = Broken::default();
    let mut sink = Sink::new(&index, &none);
    let ids = Ids::within(base);
    if !verbatim::all_found(&records, &ids, &sink, base)? {
        return None;
    }
    let parts = convert::convert(records, &ids, &mut sink);
    if !sink.diags.is_empty() || sink.unshown > 0 {
        return None;
    }
    let mut starts = spans.map(|s| s.map_or(0, |(start, _)| start as usize));
    let quotes = run(&base.quotes, spans[4], parts.quotes, file)?;
    let events = run(&base.events, spans[5], parts.events, file)?;
    let splice = match (&quotes, &events) {
        (Run::Same(_), Run::Same(_)) => None,
        (Run::Changed(new), Run::Same(_)) => {
            Some((Kind::Quote, spliceable(base, &base.quotes, file, new)?))
        }
        (Run::Same(_), Run::Changed(new)) => {
            Some((Kind::Event, spliceable(base, &base.events, file, new)?))
        }
        (Run::Changed(_), Run::Changed(_)) => return None,
    };
    if let Some((kind, (start, _))) = splice {
        starts[kind.slot()] = start;
    }
    let splice = splice.map(|(kind, (_, at))| (kind, at));
    Some(Patch {
        file: file as usize,
        starts,
        sources: same(&base.sources, spans[0], parts.sources, file)?,
        actors: same(&base.actors, spans[1], parts.actors, file)?,
        organisations: same(&base.organisations, spans[2], parts.organisations, file)?,
        places: same(&base.places, spans[3], parts.places, file)?,
        quotes: quotes.into(),
        events: events.into(),
        splice,
    })
}

/// An edited file's run of records of one kind: the old records but for their [`Local`]
/// fields, or changed in more than those.
enum Run<T> {
    Same(Vec<T>),
    Changed(Vec<T>),
}

impl<T> From<Run<T>> for Vec<T> {
    fn from(run: Run<T>) -> Vec<T> {
        match run {
            Run::Same(v) | Run::Changed(v) => v,
        }
    }
}

/// The edited file's records of one kind, converted, and whether each is its old record (at
/// the same place of the file's run `span` in `table`) but for its [`Local`] fields; `None` if
/// a record did not convert.
fn run<T: Local>(table: &Table<T>, span: Span, new: Vec<Option<T>>, file: u32) -> Option<Run<T>> {
    let mut new: Vec<T> = new.into_iter().collect::<Option<_>>()?;
    // Converted as the only file of its parse: numbered as the base numbers it.
    for record in &mut new {
        record.origin().file = file;
    }
    Some(match is_same(table, span, &new) {
        true => Run::Same(new),
        false => Run::Changed(new),
    })
}

/// Where an edited file's changed run of records of one kind (in `table`) starts in the base's
/// table, and how it is spliced in, if it may be (see the module's documentation).
fn spliceable<T: Spliced + Local>(
    base: &Base,
    table: &Table<T>,
    file: u32,
    new: &[T],
) -> Option<(usize, Splice)> {
    let spans = base.spans.get(file as usize)?;
    let slot = T::KIND.slot();
    let (start, end) = spans[slot]?;
    // A file that held none of the kind holds the empty run after the runs of the files
    // before it.
    let (start, end) = match start < end {
        true => (start, end),
        false => {
            let at = base.spans[..file as usize]
                .iter()
                .map(|s| s[slot].map(|(a, b)| if a < b { b } else { 0 }))
                .try_fold(0, |most, end| Some(most.max(end?)))?;
            (at, at)
        }
    };
    let keep = (start as usize..end as usize)
        .zip(new)
        .take_while(|&(i, record)| same_at(table, i, record))
        .count();
    let at = start + keep as u32;
    let (gone, came) = (end - at, (new.len() - keep) as u32);
    let mut renumber = Renumber {
        kind: T::KIND,
        at,
        gone,
        came,
        old_to_new: vec![None; gone as usize],
        new_to_old: vec![None; came as usize],
    };
    let mut ids = rustc_hash::FxHashSet::default();
    for (j, record) in new.iter().enumerate() {
        let id = record.id();
        if !ids.insert(id) {
            return None;
        }
        match base.lookup(id) {
            None => {}
            Some(r) if r.kind == T::KIND && (start..end).contains(&r.idx) => {
                // A record of the old run, kept or moved within the run.
                if let (Some(now), Some(was)) =
                    ((j as u32).checked_sub(keep as u32), r.idx.checked_sub(at))
                {
                    renumber.old_to_new[was as usize] = Some(at + now);
                    renumber.new_to_old[now as usize] = Some(r.idx);
                }
            }
            Some(_) => return None,
        }
    }
    let renumber = Arc::new(renumber);
    Some((start as usize, Splice { keep, renumber }))
}

/// A kind whose run of records an edit may splice in.
trait Spliced {
    const KIND: Kind;
    fn id(&self) -> &str;
}

impl Spliced for Quote {
    const KIND: Kind = Kind::Quote;
    fn id(&self) -> &str {
        &self.meta.id
    }
}

impl Spliced for Event {
    const KIND: Kind = Kind::Event;
    fn id(&self) -> &str {
        &self.meta.id
    }
}

/// Whether fact file `file` holds a declaration of a record merged from several declarations
/// or joined by `same_as`: the record is in the run of the file of its first declaration, so
/// an edit of another of its declarations changes a record outside the file's runs.
fn declares_merged(base: &Base, file: u32) -> bool {
    base.merged.iter().any(|&r| {
        base.get(r)
            .declarations()
            .into_iter()
            .any(|d| d.meta().is_some_and(|m| m.origin.file == file))
    })
}

/// Whether any record of the file joins another with `same_as`.
fn joins_any(records: &Records) -> bool {
    fn any<T: Cited>(list: &[Located<T>]) -> bool {
        list.iter().any(|r| !r.raw.same_as().is_empty())
    }
    any(&records.actors)
        || any(&records.organisations)
        || any(&records.places)
        || any(&records.quotes)
        || any(&records.events)
}

/// The edited file's records of one kind, if each is its old record (at the same place of the
/// file's run `span` in `table`) but for its [`Local`] fields.
fn same<T: Local>(table: &Table<T>, span: Span, new: Vec<Option<T>>, file: u32) -> Option<Vec<T>> {
    match run(table, span, new, file)? {
        Run::Same(records) => Some(records),
        Run::Changed(_) => None,
    }
}

/// Whether each of `new` is the record at the same place of the run `span` in `table` but for
/// its [`Local`] fields.
fn is_same<T: Local>(table: &Table<T>, span: Span, new: &[T]) -> bool {
    let Some((start, end)) = span else {
        return false;
    };
    if new.len() != (end - start) as usize {
        return false;
    }
    (start as usize..)
        .zip(new)
        .all(|(i, record)| same_at(table, i, record))
}

/// Whether `record` is record `i` of `table` but for its [`Local`] fields.
fn same_at<T: Local>(table: &Table<T>, i: usize, record: &T) -> bool {
    let Some(mut was) = table.decoded(i) else {
        return false;
    };
    let mut now = record.clone();
    was.clear_local();
    now.clear_local();
    was == now
}

/// A record whose fields an edit may change without another record, an index or a check across
/// records noticing: the conversion, or the verbatim search, checks them record by record.
trait Local: Record + Clone + PartialEq {
    /// Where the record is written.
    fn origin(&mut self) -> &mut Origin;
    /// Clears the fields an edit may change, and the line the record is written on.
    fn clear_local(&mut self);
}

impl Local for Source {
    fn origin(&mut self) -> &mut Origin {
        &mut self.origin
    }
    fn clear_local(&mut self) {
        self.published = None;
        self.url = None;
        self.notes = None;
        self.publisher = None;
        self.origin.line = 0;
    }
}

impl Local for Actor {
    fn origin(&mut self) -> &mut Origin {
        &mut self.meta.origin
    }
    fn clear_local(&mut self) {
        self.description = Default::default();
        for role in &mut self.roles {
            role.title = Default::default();
            clear_term(&mut role.term);
        }
        clear_meta(&mut self.meta);
    }
}

impl Local for Organisation {
    fn origin(&mut self) -> &mut Origin {
        &mut self.meta.origin
    }
    fn clear_local(&mut self) {
        self.description = None;
        self.founded = None;
        for m in &mut self.members {
            clear_term(&mut m.term);
        }
        clear_meta(&mut self.meta);
    }
}

impl Local for Place {
    fn origin(&mut self) -> &mut Origin {
        &mut self.meta.origin
    }
    fn clear_local(&mut self) {
        self.description = None;
        clear_meta(&mut self.meta);
    }
}

impl Local for Quote {
    fn origin(&mut self) -> &mut Origin {
        &mut self.meta.origin
    }
    fn clear_local(&mut self) {
        self.said = None;
        self.context = None;
        // A direct quote's words were just verified against its sources; a reported one's are
        // not verified.
        self.text = Default::default();
        clear_meta(&mut self.meta);
    }
}

impl Local for Event {
    fn origin(&mut self) -> &mut Origin {
        &mut self.meta.origin
    }
    fn clear_local(&mut self) {
        self.date = Default::default();
        self.description = None;
        clear_meta(&mut self.meta);
    }
}

/// Clears what a record's shared fields may change: its notes, its evidence (verified), and its
/// line.
fn clear_meta(meta: &mut Meta) {
    meta.notes = None;
    meta.evidence = None;
    meta.origin.line = 0;
}

/// Clears what a role or membership may change: its dates, notes and evidence (verified).
fn clear_term(term: &mut Term) {
    term.since = None;
    term.until = None;
    term.notes = None;
    term.evidence = None;
}
