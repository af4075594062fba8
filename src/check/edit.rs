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

use super::convert;
use super::resolve::Ids;
use super::sink::{Broken, Sink};
use super::verbatim;
use crate::load::{Cited, Located, Raw, Records};
use crate::model::table::{Record, Table};
use crate::model::{
    Actor, Base, Event, Meta, Organisation, Origin, Place, Quote, Source, Span, Term,
};

/// The records that replace an edited file's records in the base, by kind, each with where its
/// run of records starts.
pub struct Patch {
    starts: [usize; 6],
    sources: Vec<Source>,
    actors: Vec<Actor>,
    organisations: Vec<Organisation>,
    places: Vec<Place>,
    quotes: Vec<Quote>,
    events: Vec<Event>,
}

impl Patch {
    /// Puts the edited file's records in place of the old ones.
    pub fn apply(self, base: &mut Base) -> Option<()> {
        let s = self.starts;
        base.sources.put(s[0], self.sources)?;
        base.actors.put(s[1], self.actors)?;
        base.organisations.put(s[2], self.organisations)?;
        base.places.put(s[3], self.places)?;
        base.quotes.put(s[4], self.quotes)?;
        base.events.put(s[5], self.events)
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
    Some(Patch {
        starts: spans.map(|s| s.map_or(0, |(start, _)| start as usize)),
        sources: same(&base.sources, spans[0], parts.sources, file)?,
        actors: same(&base.actors, spans[1], parts.actors, file)?,
        organisations: same(&base.organisations, spans[2], parts.organisations, file)?,
        places: same(&base.places, spans[3], parts.places, file)?,
        quotes: same(&base.quotes, spans[4], parts.quotes, file)?,
        events: same(&base.events, spans[5], parts.events, file)?,
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
    let (start, end) = span?;
    if new.len() != (end - start) as usize {
        return None;
    }
    let mut out = Vec::with_capacity(new.len());
    for (i, record) in (start as usize..).zip(new) {
        // Converted as the only file of its parse: numbered as the base numbers it.
        let mut record = record?;
        record.origin().file = file;
        let mut was = table.decoded(i)?;
        let mut now = record.clone();
        was.clear_local();
        now.clear_local();
        if was != now {
            return None;
        }
        out.push(record);
    }
    Some(out)
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
