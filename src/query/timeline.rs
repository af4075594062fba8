//! Every dated fact of the base as one chronology: events, quotes, the starts and ends of roles
//! and memberships, foundings and publications. `kz timeline` and `kz on` read it.

use crate::date::Date;
use crate::model::view::summary;
use crate::model::{Base, EntityRef, Ids, Rank, Refs, Term, provenance};
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
    /// Other dates the sources give the fact, where they disagree: a date filter matches the
    /// entry through any of them.
    pub also: Vec<&'b Date>,
}

impl<'b> Entry<'b> {
    /// Whether a window admits the fact through any date its sources give it.
    pub fn within(&self, window: &super::Window) -> bool {
        std::iter::once(self.date)
            .chain(self.also.iter().copied())
            .any(|d| window.admits(Some(d)))
    }

    /// The date as written, and any other dates sources give the fact: `2022-01-07 [disputed:
    /// also 2022-01-08]`.
    pub fn date_text(&self) -> String {
        match self.also.as_slice() {
            [] => self.date.to_string(),
            also => {
                let also: Vec<String> = also.iter().map(|d| d.to_string()).collect();
                format!("{} [disputed: also {}]", self.date, also.join(", "))
            }
        }
    }

    /// A fact about its own record alone (a founding, a publication).
    fn of(what: What, record: EntityRef, date: &'b Date, summary: String, sources: &[u32]) -> Self {
        Entry {
            what,
            record,
            date,
            summary,
            sources: Ids::from_slice(sources),
            about: Refs::from_slice(&[record]),
            also: Vec::new(),
        }
    }
}

/// Every dated fact, oldest first (start day, coarser first, then the order of [`What`] and file
/// order). Records that only deprecated declarations state are left out.
pub fn entries(base: &Base) -> Vec<Entry<'_>> {
    let mut out = Vec::new();
    events(base, &mut out);
    quotes(base, &mut out);
    roles(base, &mut out);
    organisations(base, &mut out);
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

/// Whether queries answer from a record: it is not only deprecated declarations.
fn counts(base: &Base, r: EntityRef) -> bool {
    base.get(r).rank() != Rank::Deprecated
}

/// A dated record's other dates, where its sources disagree.
fn also<'b>(base: &'b Base, r: EntityRef, field: &str) -> Vec<&'b Date> {
    provenance::dates(base.get(r), field)
        .into_iter()
        .skip(1)
        .collect()
}

/// Each event, about what it involved, concerned and where it happened, and about itself.
fn events<'b>(base: &'b Base, out: &mut Vec<Entry<'b>>) {
    for (i, e) in base.events.iter().enumerate() {
        let me = EntityRef::event(i as u32);
        if !counts(base, me) {
            continue;
        }
        let mut about: Refs = e.involving.clone();
        about.extend(e.about.iter().chain(&e.places).copied());
        about.push(me);
        out.push(Entry {
            what: What::Event,
            record: me,
            date: &e.date,
            summary: summary(base, me),
            sources: e.meta.sources.clone(),
            about,
            also: also(base, me, "date"),
        });
    }
}

/// Each dated quote, about its subjects, its speaker and itself.
fn quotes<'b>(base: &'b Base, out: &mut Vec<Entry<'b>>) {
    for (i, q) in base.quotes.iter().enumerate() {
        let me = EntityRef::quote(i as u32);
        let Some(d) = q.said.as_ref().filter(|_| counts(base, me)) else {
            continue;
        };
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
            also: also(base, me, "said"),
        });
    }
}

/// The dated starts and ends of people's roles, about the person, the organisation and the
/// place.
fn roles<'b>(base: &'b Base, out: &mut Vec<Entry<'b>>) {
    for (i, a) in base.actors.iter().enumerate() {
        let me = EntityRef::actor(i as u32);
        if !counts(base, me) {
            continue;
        }
        for r in &a.roles {
            let at = r.org.or(r.place);
            let mut about: Refs = Refs::from_slice(&[me]);
            about.extend(r.org);
            about.extend(r.place);
            // The organisation or place, unless the title already names it.
            let label = |verb: &str| match at.map(|x| base.label(x)) {
                Some(x) if !r.title.contains(x) => {
                    format!("{} {verb} {} ({x})", a.name, r.title)
                }
                _ => format!("{} {verb} {}", a.name, r.title),
            };
            push_span(
                out,
                me,
                &r.term,
                (What::RoleStart, What::RoleEnd),
                (label("becomes"), label("ends as")),
                &about,
            );
        }
    }
}

/// Foundings, and the dated starts and ends of memberships.
fn organisations<'b>(base: &'b Base, out: &mut Vec<Entry<'b>>) {
    for (i, o) in base.organisations.iter().enumerate() {
        let me = EntityRef::org(i as u32);
        if !counts(base, me) {
            continue;
        }
        if let Some(d) = &o.founded {
            let mut entry = Entry::of(
                What::Founded,
                me,
                d,
                format!("{} founded", o.name),
                &o.meta.sources,
            );
            entry.also = also(base, me, "founded");
            out.push(entry);
        }
        for m in &o.members {
            let who = base.label(m.member);
            push_span(
                out,
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
                also: Vec::new(),
            });
        }
    }
}

/// Whether an entry is about anything in `scope` (see [`super::relations::scope`]).
pub fn is_about(entry: &Entry, scope: &BTreeSet<EntityRef>) -> bool {
    entry.about.iter().any(|r| scope.contains(r))
}
