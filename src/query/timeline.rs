//! Every dated fact of the base as one chronology: events, quotes, the starts and ends of roles
//! and memberships, foundings and publications. `kz timeline` and `kz on` read it.

use crate::date::Date;
use crate::model::view::summary;
use crate::model::{Base, EntityRef, Ids, Refs, Term};
use std::collections::BTreeSet;

/// What kind of dated fact an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum What {
    Event,
    Quote,
    RoleStart,
    RoleEnd,
    MembershipStart,
    MembershipEnd,
    Founded,
    Published,
}

impl What {
    pub const ALL: [What; 8] = [
        What::Event,
        What::Quote,
        What::RoleStart,
        What::RoleEnd,
        What::MembershipStart,
        What::MembershipEnd,
        What::Founded,
        What::Published,
    ];

    pub fn name(self) -> &'static str {
        match self {
            What::Event => "event",
            What::Quote => "quote",
            What::RoleStart => "role start",
            What::RoleEnd => "role end",
            What::MembershipStart => "membership start",
            What::MembershipEnd => "membership end",
            What::Founded => "founded",
            What::Published => "published",
        }
    }
}

/// One dated fact.
#[derive(Debug, Clone)]
pub struct Entry<'b> {
    pub what: What,
    /// The record that states the fact (a role is in its person's record, a membership in its
    /// organisation's), for `kz why`.
    pub record: EntityRef,
    pub date: &'b Date,
    pub summary: String,
    pub sources: Ids,
    /// The records the fact is about, for `kz timeline NAME`.
    pub about: Refs,
}

impl<'b> Entry<'b> {
    /// A fact about its own record alone (a founding, a publication).
    fn of(what: What, record: EntityRef, date: &'b Date, summary: String, sources: &[u32]) -> Self {
        Entry {
            what,
            record,
            date,
            summary,
            sources: Ids::from_slice(sources),
            about: Refs::from_slice(&[record]),
        }
    }
}

/// Every dated fact, oldest first (start day, coarser first, then the order of [`What`] and file
/// order).
pub fn entries(base: &Base) -> Vec<Entry<'_>> {
    let mut out = Vec::new();
    for (i, e) in base.events.iter().enumerate() {
        let me = EntityRef::event(i as u32);
        let mut about: Refs = e.involving.clone();
        about.extend(e.places.iter().map(|&p| EntityRef::place(p)));
        about.push(me);
        out.push(Entry {
            what: What::Event,
            record: me,
            date: &e.date,
            summary: summary(base, me),
            sources: e.meta.sources.clone(),
            about,
        });
    }
    for (i, q) in base.quotes.iter().enumerate() {
        let me = EntityRef::quote(i as u32);
        if let Some(d) = &q.said {
            let mut about: Refs = q.about.clone();
            about.push(q.speaker);
            about.push(me);
            out.push(Entry {
                what: What::Quote,
                record: me,
                date: d,
                summary: summary(base, me),
                sources: q.meta.sources.clone(),
                about,
            });
        }
    }
    for (i, a) in base.actors.iter().enumerate() {
        let me = EntityRef::actor(i as u32);
        for r in &a.roles {
            let at = r.org.map(EntityRef::org).or(r.place.map(EntityRef::place));
            let mut about: Refs = Refs::from_slice(&[me]);
            about.extend(r.org.map(EntityRef::org));
            about.extend(r.place.map(EntityRef::place));
            // The organisation or place, unless the title already names it.
            let label = |verb: &str| match at.map(|x| base.label(x)) {
                Some(x) if !r.title.contains(x) => {
                    format!("{} {verb} {} ({x})", a.name, r.title)
                }
                _ => format!("{} {verb} {}", a.name, r.title),
            };
            push_span(
                &mut out,
                me,
                &r.term,
                (What::RoleStart, What::RoleEnd),
                (label("becomes"), label("ends as")),
                &about,
            );
        }
    }
    for (i, o) in base.organisations.iter().enumerate() {
        let me = EntityRef::org(i as u32);
        if let Some(d) = &o.founded {
            out.push(Entry::of(
                What::Founded,
                me,
                d,
                format!("{} founded", o.name),
                &o.meta.sources,
            ));
        }
        for m in &o.members {
            let who = base.label(m.member);
            push_span(
                &mut out,
                me,
                &m.term,
                (What::MembershipStart, What::MembershipEnd),
                (
                    format!("{who} joins {}", o.name),
                    format!("{who} leaves {}", o.name),
                ),
                &Refs::from_slice(&[m.member, me]),
            );
        }
    }
    for (i, s) in base.sources.iter().enumerate() {
        let me = EntityRef::source(i as u32);
        if let Some(d) = &s.published {
            let summary = format!("{} published", s.title);
            out.push(Entry::of(What::Published, me, d, summary, &[i as u32]));
        }
    }
    out.sort_by(|a, b| a.date.chronological(b.date).then(a.what.cmp(&b.what)));
    out
}

/// The dated start and end of a role or membership, as entries.
fn push_span<'b>(
    out: &mut Vec<Entry<'b>>,
    record: EntityRef,
    term: &'b Term,
    (start, end): (What, What),
    (starts, ends): (String, String),
    about: &Refs,
) {
    for (date, what, summary) in [(&term.since, start, starts), (&term.until, end, ends)] {
        if let Some(date) = date {
            out.push(Entry {
                what,
                record,
                date,
                summary,
                sources: term.sources.clone(),
                about: about.clone(),
            });
        }
    }
}

/// Whether an entry is about anything in `scope` (see [`super::relations::scope`]).
pub fn is_about(entry: &Entry, scope: &BTreeSet<EntityRef>) -> bool {
    entry.about.iter().any(|r| scope.contains(r))
}
