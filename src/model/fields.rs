//! Each record type's fields, declared once: its name as the fact file writes it, its shape, how
//! it merges across sources, whether search looks in it, where a profile shows it, its RDF
//! predicates and the relation a picture draws for it, and how to read it from a record.
//!
//! The JSON view, search, `who`'s profile, the site's pages, the graph's edges, the exports, the
//! statements of a record and the merge of its declarations are loops over these tables, so a
//! field is added in one line here (and in its raw and model types, which the compiler holds to
//! their conversion). A test holds every table to the fact file's schema.

use super::records::{
    Actor, EntityRef, Event, Kind, Membership, Merged, Meta, Organisation, Place, Publisher, Quote,
    Rank, Refs, Role, Source, Term, Text,
};
use crate::date::Date;

/// One field's value in a record, borrowed.
#[derive(Debug, Clone, Copy)]
pub enum Value<'a> {
    Text(&'a str),
    Date(&'a Date),
    Ref(EntityRef),
    Refs(&'a [EntityRef]),
    Texts(&'a [Text]),
    Roles(&'a [Role]),
    Members(&'a [Membership]),
    /// An optional field the record leaves out.
    Absent,
}

/// One item of a value: the value itself for a single-valued field, each element of a list.
/// What a statement states, and what merging and disputes compare.
#[derive(Debug, Clone, Copy)]
pub enum Item<'a> {
    Text(&'a str),
    Date(&'a Date),
    Ref(EntityRef),
    Role(&'a Role),
    Member(&'a Membership),
}

impl<'a> Value<'a> {
    /// The items of the value: none, one, or each of a list's.
    pub fn items(self) -> Vec<Item<'a>> {
        match self {
            Value::Text(t) => vec![Item::Text(t)],
            Value::Date(d) => vec![Item::Date(d)],
            Value::Ref(r) => vec![Item::Ref(r)],
            Value::Refs(rs) => rs.iter().map(|&r| Item::Ref(r)).collect(),
            Value::Texts(ts) => ts.iter().map(|t| Item::Text(t)).collect(),
            Value::Roles(rs) => rs.iter().map(Item::Role).collect(),
            Value::Members(ms) => ms.iter().map(Item::Member).collect(),
            Value::Absent => Vec::new(),
        }
    }

    pub fn is_absent(&self) -> bool {
        match self {
            Value::Absent => true,
            Value::Refs(r) => r.is_empty(),
            Value::Texts(t) => t.is_empty(),
            Value::Roles(r) => r.is_empty(),
            Value::Members(m) => m.is_empty(),
            _ => false,
        }
    }

    /// Whether the value holds an item that states the same as `item`.
    pub fn holds(self, item: Item) -> bool {
        self.items().iter().any(|i| i.same(&item))
    }
}

impl Item<'_> {
    /// A key that two items share when they may state the same ([`Item::same`]: a role or
    /// membership by what it is, whatever its dates), for hashing: merging and tracing many
    /// declarations costs their number, not its square.
    pub fn key(&self) -> String {
        let opt_ref = |r: Option<EntityRef>| r.map_or(String::new(), |r| format!("{r:?}"));
        match self {
            Item::Text(t) => format!("t\u{0}{t}"),
            Item::Date(d) => format!("d\u{0}{}", d.key()),
            Item::Ref(r) => format!("r\u{0}{r:?}"),
            Item::Role(r) => format!(
                "o\u{0}{}\u{0}{}\u{0}{}",
                r.title,
                opt_ref(r.org),
                opt_ref(r.place)
            ),
            Item::Member(m) => format!("m\u{0}{:?}", m.member),
        }
    }

    /// Whether two items state the same fact: text as written, dates as the days and
    /// qualifiers they mean (`1992` and `"1992"` agree), roles and memberships by what they
    /// hold and when (a date one leaves out does not tell them apart), whatever their evidence
    /// and sources.
    pub fn same(&self, other: &Item) -> bool {
        match (self, other) {
            (Item::Text(a), Item::Text(b)) => a == b,
            (Item::Date(a), Item::Date(b)) => a.same(b),
            (Item::Ref(a), Item::Ref(b)) => a == b,
            (Item::Role(a), Item::Role(b)) => a.same(b),
            (Item::Member(a), Item::Member(b)) => a.same(b),
            _ => false,
        }
    }
}

impl Role {
    /// Whether two roles state the same: title, organisation and place, and dates that agree
    /// where both give one.
    pub fn same(&self, other: &Role) -> bool {
        self.title == other.title
            && self.org == other.org
            && self.place == other.place
            && same_dates(&self.term, &other.term)
    }
}

impl Membership {
    /// Whether two memberships state the same: the member, and dates that agree where both give
    /// one.
    pub fn same(&self, other: &Membership) -> bool {
        self.member == other.member && same_dates(&self.term, &other.term)
    }
}

impl Term {
    /// Adds the sources of another statement of the same role or membership, and its dates,
    /// evidence and notes where this one has none.
    pub fn cite(&mut self, other: &Term) {
        fill(&mut self.since, &other.since);
        fill(&mut self.until, &other.until);
        for &s in &other.sources {
            if !self.sources.contains(&s) {
                self.sources.push(s);
            }
        }
        fill(&mut self.evidence, &other.evidence);
        fill(&mut self.notes, &other.notes);
    }
}

fn same_dates(a: &Term, b: &Term) -> bool {
    let same = |x: &Option<Date>, y: &Option<Date>| match (x, y) {
        (Some(x), Some(y)) => x.same(y),
        _ => true,
    };
    same(&a.since, &b.since) && same(&a.until, &b.until)
}

/// What a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Text,
    /// A web address: an IRI where it is one.
    Url,
    Date,
    /// One reference to a record.
    Ref,
    /// A list of references.
    Refs,
    /// A list of texts.
    Texts,
    Roles,
    Members,
}

/// How a field merges when several declarations of one record give it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Merge {
    /// The record's name or title: the first declaration's; another name becomes an alias.
    Name,
    /// One fact: equal values merge, different ones are a dispute and every one is kept.
    Single,
    /// A list: the union, each item with the declarations that state it.
    List,
    /// Prose: kept per declaration, each with its sources.
    Prose,
}

/// Where a profile or page shows a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Show {
    /// The record's name or title, its heading.
    Title,
    /// The record's main text: what it is, what a quote says.
    Main,
    /// A line of the record's fields.
    Line,
    /// A section of its own (roles, members).
    Section,
}

/// A relation a picture draws for a reference field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    pub label: &'static str,
    /// Drawn from the referenced record to this one (a member to its organisation), not from
    /// this record to the referenced one.
    pub inward: bool,
}

/// What a field is, apart from how to read it.
#[derive(Debug, Clone, Copy)]
pub struct Info {
    /// The key in the fact file and in JSON.
    pub name: &'static str,
    /// How a profile labels it.
    pub label: &'static str,
    pub shape: Shape,
    pub merge: Merge,
    /// Whether `search` and `--contains` look in it.
    pub search: bool,
    pub show: Show,
    /// The RDF predicates that state it (full IRIs).
    pub rdf: &'static [&'static str],
    pub edge: Option<Edge>,
}

impl Info {
    const fn new(name: &'static str, shape: Shape, merge: Merge) -> Info {
        Info {
            name,
            label: name,
            shape,
            merge,
            search: false,
            show: Show::Line,
            rdf: &[],
            edge: None,
        }
    }

    const fn label(mut self, label: &'static str) -> Info {
        self.label = label;
        self
    }

    const fn searched(mut self) -> Info {
        self.search = true;
        self
    }

    const fn show(mut self, show: Show) -> Info {
        self.show = show;
        self
    }

    const fn rdf(mut self, rdf: &'static [&'static str]) -> Info {
        self.rdf = rdf;
        self
    }

    const fn edge(mut self, label: &'static str, inward: bool) -> Info {
        self.edge = Some(Edge { label, inward });
        self
    }

    /// A record's name: searched, its title.
    const fn name(rdf: &'static [&'static str]) -> Info {
        Info::new("name", Shape::Text, Merge::Name)
            .searched()
            .show(Show::Title)
            .rdf(rdf)
    }

    const fn aliases() -> Info {
        Info::new("aliases", Shape::Texts, Merge::List)
            .searched()
            .rdf(&[rdf::ALTERNATE_NAME])
    }

    const fn description() -> Info {
        Info::new("description", Shape::Text, Merge::Prose)
            .searched()
            .show(Show::Main)
            .rdf(&[rdf::DESCRIPTION])
    }

    const fn kind() -> Info {
        Info::new("kind", Shape::Text, Merge::Single)
            .searched()
            .rdf(&[rdf::KIND])
    }
}

/// One field of a record of type `T`: what it is, how to read it, and how a later declaration's
/// value joins an earlier one's.
pub struct Field<T> {
    pub info: Info,
    pub get: fn(&T) -> Value<'_>,
    /// Adds what a later declaration gives to the merged record: a missing single value or
    /// prose filled in, a list's new items appended (`seen` holds the [`Item::key`] of each
    /// item the list has, with its place). A name that differs becomes an alias (see
    /// [`merge_name`]).
    pub put: fn(&mut T, &T, &mut Seen),
}

/// The full IRIs of the RDF terms the tables name.
pub mod rdf {
    pub const SCHEMA: &str = "http://schema.org/";
    pub const FOAF: &str = "http://xmlns.com/foaf/0.1/";
    /// kz's own terms, for what the other vocabularies lack.
    pub const KZ: &str = "urn:kz:vocab:";
    pub const NAME: &str = "http://schema.org/name";
    pub const FOAF_NAME: &str = "http://xmlns.com/foaf/0.1/name";
    pub const ALTERNATE_NAME: &str = "http://schema.org/alternateName";
    pub const DESCRIPTION: &str = "http://schema.org/description";
    pub const KIND: &str = "urn:kz:vocab:kind";
    pub const NOTES: &str = "urn:kz:vocab:notes";
}

fn opt_text(v: &Option<Text>) -> Value<'_> {
    v.as_deref().map_or(Value::Absent, Value::Text)
}

fn opt_date(v: &Option<Date>) -> Value<'_> {
    v.as_ref().map_or(Value::Absent, Value::Date)
}

fn opt_ref(v: &Option<EntityRef>) -> Value<'_> {
    v.map_or(Value::Absent, Value::Ref)
}

/// The items the merged record's lists already hold, by field name and [`Item::key`], with their
/// places in the list; the name field's key is the record's name.
pub type Seen = std::collections::HashMap<(&'static str, String), usize>;

/// A single value or prose: the merged record keeps its own, or takes the later one.
fn fill<T: Clone>(mine: &mut Option<T>, later: &Option<T>) {
    if mine.is_none() {
        mine.clone_from(later);
    }
}

/// A list: each of the later declaration's items that is new, appended. An item with the key
/// of one already there joins it where `again` says they agree (a role's sources and dates join
/// the earlier one's), and is appended where they do not (the same role held at another time).
fn union<T: Clone>(
    field: &'static str,
    mine: &mut Vec<T>,
    later: &[T],
    seen: &mut Seen,
    key: impl Fn(&T) -> String,
    again: impl Fn(&mut T, &T) -> bool,
) {
    for x in later {
        match seen.get(&(field, key(x))) {
            Some(&at) if again(&mut mine[at], x) => {}
            Some(_) => mine.push(x.clone()),
            None => {
                seen.insert((field, key(x)), mine.len());
                mine.push(x.clone());
            }
        }
    }
}

fn union_texts(field: &'static str, mine: &mut Vec<Text>, later: &[Text], seen: &mut Seen) {
    union(
        field,
        mine,
        later,
        seen,
        |t| Item::Text(t).key(),
        |_, _| true,
    );
}

fn union_refs(field: &'static str, mine: &mut Refs, later: &[EntityRef], seen: &mut Seen) {
    let mut list = mine.to_vec();
    union(
        field,
        &mut list,
        later,
        seen,
        |&r| Item::Ref(r).key(),
        |_, _| true,
    );
    *mine = list.into();
}

/// Fields every declaration fills in itself, which a later one cannot change: required facts
/// whose other values are kept as the later declaration's and reported as disputes.
fn keep<T>(_: &mut T, _: &T, _: &mut Seen) {}

/// A name a later declaration gives differently: kept as an alias of the record.
pub fn merge_name(name: &Text, aliases: &mut Vec<Text>, later: &Text, seen: &mut Seen) {
    if later != name {
        union_texts("aliases", aliases, std::slice::from_ref(later), seen);
    }
}

pub static SOURCE: &[Field<Source>] = &[
    Field {
        info: Info::new("title", Shape::Text, Merge::Name)
            .searched()
            .show(Show::Title)
            .rdf(&[rdf::NAME]),
        get: |s| Value::Text(&s.title),
        put: keep,
    },
    Field {
        info: Info::new("publisher", Shape::Text, Merge::Single)
            .searched()
            .rdf(&["http://schema.org/publisher"]),
        get: |s| match &s.publisher {
            Some(Publisher::Org(r)) => Value::Ref(*r),
            Some(Publisher::Named(t)) => Value::Text(t),
            None => Value::Absent,
        },
        put: |m, d, _| fill(&mut m.publisher, &d.publisher),
    },
    Field {
        info: Info::new("published", Shape::Date, Merge::Single)
            .rdf(&["http://schema.org/datePublished"]),
        get: |s| opt_date(&s.published),
        put: |m, d, _| fill(&mut m.published, &d.published),
    },
    Field {
        info: Info::new("url", Shape::Url, Merge::Single).rdf(&["http://schema.org/url"]),
        get: |s| opt_text(&s.url),
        put: |m, d, _| fill(&mut m.url, &d.url),
    },
    Field {
        info: Info::new("text", Shape::Text, Merge::Single),
        get: |s| opt_text(&s.text),
        put: |m, d, _| fill(&mut m.text, &d.text),
    },
    Field {
        info: Info::new("notes", Shape::Text, Merge::Prose)
            .searched()
            .show(Show::Main)
            .rdf(&[rdf::NOTES]),
        get: |s| opt_text(&s.notes),
        put: |m, d, _| fill(&mut m.notes, &d.notes),
    },
];

pub static ACTOR: &[Field<Actor>] = &[
    Field {
        info: Info::name(&[rdf::NAME, rdf::FOAF_NAME]),
        get: |a| Value::Text(&a.name),
        put: |m, d, seen| merge_name(&m.name, &mut m.aliases, &d.name, seen),
    },
    Field {
        info: Info::aliases(),
        get: |a| Value::Texts(&a.aliases),
        put: |m, d, seen| union_texts("aliases", &mut m.aliases, &d.aliases, seen),
    },
    Field {
        info: Info::description(),
        get: |a| Value::Text(&a.description),
        put: keep,
    },
    Field {
        info: Info::new("nationality", Shape::Ref, Merge::Single)
            .rdf(&["http://schema.org/nationality"])
            .edge("national of", false),
        get: |a| opt_ref(&a.nationality),
        put: |m, d, _| fill(&mut m.nationality, &d.nationality),
    },
    Field {
        info: Info::new("roles", Shape::Roles, Merge::List).show(Show::Section),
        get: |a| Value::Roles(&a.roles),
        put: |m, d, seen| {
            let key = |r: &Role| Item::Role(r).key();
            union("roles", &mut m.roles, &d.roles, seen, key, |mine, r| {
                mine.same(r) && {
                    mine.term.cite(&r.term);
                    true
                }
            });
        },
    },
];

pub static ORGANISATION: &[Field<Organisation>] = &[
    Field {
        info: Info::name(&[rdf::NAME, rdf::FOAF_NAME]),
        get: |o| Value::Text(&o.name),
        put: |m, d, seen| merge_name(&m.name, &mut m.aliases, &d.name, seen),
    },
    Field {
        info: Info::aliases(),
        get: |o| Value::Texts(&o.aliases),
        put: |m, d, seen| union_texts("aliases", &mut m.aliases, &d.aliases, seen),
    },
    Field {
        info: Info::kind(),
        get: |o| Value::Text(&o.kind),
        put: keep,
    },
    Field {
        info: Info::description(),
        get: |o| opt_text(&o.description),
        put: |m, d, _| fill(&mut m.description, &d.description),
    },
    Field {
        info: Info::new("founded", Shape::Date, Merge::Single)
            .rdf(&["http://schema.org/foundingDate"]),
        get: |o| opt_date(&o.founded),
        put: |m, d, _| fill(&mut m.founded, &d.founded),
    },
    Field {
        info: Info::new("based_in", Shape::Ref, Merge::Single)
            .label("based in")
            .rdf(&["http://schema.org/location"])
            .edge("based in", false),
        get: |o| opt_ref(&o.based_in),
        put: |m, d, _| fill(&mut m.based_in, &d.based_in),
    },
    Field {
        info: Info::new("members", Shape::Members, Merge::List)
            .show(Show::Section)
            .edge("member of", true),
        get: |o| Value::Members(&o.members),
        put: |m, d, seen| {
            let key = |x: &Membership| Item::Member(x).key();
            union(
                "members",
                &mut m.members,
                &d.members,
                seen,
                key,
                |mine, x| {
                    mine.same(x) && {
                        mine.term.cite(&x.term);
                        true
                    }
                },
            );
        },
    },
];

pub static PLACE: &[Field<Place>] = &[
    Field {
        info: Info::name(&[rdf::NAME]),
        get: |p| Value::Text(&p.name),
        put: |m, d, seen| merge_name(&m.name, &mut m.aliases, &d.name, seen),
    },
    Field {
        info: Info::aliases(),
        get: |p| Value::Texts(&p.aliases),
        put: |m, d, seen| union_texts("aliases", &mut m.aliases, &d.aliases, seen),
    },
    Field {
        info: Info::kind(),
        get: |p| Value::Text(&p.kind),
        put: keep,
    },
    Field {
        info: Info::new("part_of", Shape::Ref, Merge::Single)
            .label("part of")
            .rdf(&["http://schema.org/containedInPlace"])
            .edge("part of", false),
        get: |p| opt_ref(&p.part_of),
        put: |m, d, _| fill(&mut m.part_of, &d.part_of),
    },
    Field {
        info: Info::description(),
        get: |p| opt_text(&p.description),
        put: |m, d, _| fill(&mut m.description, &d.description),
    },
];

pub static QUOTE: &[Field<Quote>] = &[
    Field {
        info: Info::new("speaker", Shape::Ref, Merge::Single).rdf(&[
            "http://schema.org/spokenByCharacter",
            "http://schema.org/creator",
        ]),
        get: |q| Value::Ref(q.speaker),
        put: keep,
    },
    Field {
        info: Info::new("text", Shape::Text, Merge::Single)
            .searched()
            .show(Show::Main)
            .rdf(&["http://schema.org/text"]),
        get: |q| Value::Text(&q.text),
        put: keep,
    },
    Field {
        info: Info::new("kind", Shape::Text, Merge::Single).rdf(&["urn:kz:vocab:quoteKind"]),
        get: |q| Value::Text(q.kind.name()),
        put: keep,
    },
    Field {
        info: Info::new("said", Shape::Date, Merge::Single).rdf(&["http://schema.org/dateCreated"]),
        get: |q| opt_date(&q.said),
        put: |m, d, _| fill(&mut m.said, &d.said),
    },
    Field {
        info: Info::new("context", Shape::Text, Merge::Single)
            .searched()
            .rdf(&["urn:kz:vocab:context"]),
        get: |q| opt_text(&q.context),
        put: |m, d, _| fill(&mut m.context, &d.context),
    },
    Field {
        info: Info::new("about", Shape::Refs, Merge::List).rdf(&["http://schema.org/about"]),
        get: |q| Value::Refs(&q.about),
        put: |m, d, seen| union_refs("about", &mut m.about, &d.about, seen),
    },
];

pub static EVENT: &[Field<Event>] = &[
    Field {
        info: Info::new("date", Shape::Date, Merge::Single).rdf(&["urn:kz:vocab:date"]),
        get: |e| Value::Date(&e.date),
        put: keep,
    },
    Field {
        info: Info::new("title", Shape::Text, Merge::Name)
            .searched()
            .show(Show::Title)
            .rdf(&[rdf::NAME]),
        get: |e| Value::Text(&e.title),
        put: keep,
    },
    Field {
        info: Info::description(),
        get: |e| opt_text(&e.description),
        put: |m, d, _| fill(&mut m.description, &d.description),
    },
    Field {
        info: Info::new("involving", Shape::Refs, Merge::List)
            .label("took part")
            .rdf(&["urn:kz:vocab:involves"])
            .edge("took part in", true),
        get: |e| Value::Refs(&e.involving),
        put: |m, d, seen| union_refs("involving", &mut m.involving, &d.involving, seen),
    },
    Field {
        info: Info::new("about", Shape::Refs, Merge::List)
            .rdf(&["http://schema.org/about"])
            .edge("about", false),
        get: |e| Value::Refs(&e.about),
        put: |m, d, seen| union_refs("about", &mut m.about, &d.about, seen),
    },
    Field {
        info: Info::new("places", Shape::Refs, Merge::List)
            .rdf(&["http://schema.org/location"])
            .edge("in", false),
        get: |e| Value::Refs(&e.places),
        put: |m, d, seen| union_refs("places", &mut m.places, &d.places, seen),
    },
];

pub static ROLE: &[Field<Role>] = &[
    Field {
        info: Info::new("title", Shape::Text, Merge::Single)
            .searched()
            .rdf(&["http://schema.org/roleName"]),
        get: |r| Value::Text(&r.title),
        put: keep,
    },
    Field {
        info: Info::new("org", Shape::Ref, Merge::Single).rdf(&["http://schema.org/memberOf"]),
        get: |r| opt_ref(&r.org),
        put: keep,
    },
    Field {
        info: Info::new("place", Shape::Ref, Merge::Single).rdf(&["http://schema.org/location"]),
        get: |r| opt_ref(&r.place),
        put: keep,
    },
];

pub static MEMBER: &[Field<Membership>] = &[Field {
    info: Info::new("member", Shape::Ref, Merge::Single).rdf(&["urn:kz:vocab:member"]),
    get: |m| Value::Ref(m.member),
    put: keep,
}];

/// The RDF classes of each kind of record (full IRIs), in [`Kind::ALL`] order.
pub fn rdf_types(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Source => &["http://schema.org/CreativeWork"],
        Kind::Actor => &[
            "http://schema.org/Person",
            "http://xmlns.com/foaf/0.1/Person",
        ],
        Kind::Organisation => &[
            "http://schema.org/Organization",
            "http://xmlns.com/foaf/0.1/Organization",
        ],
        Kind::Place => &["http://schema.org/Place"],
        Kind::Quote => &["http://schema.org/Quotation"],
        Kind::Event => &["http://schema.org/Event"],
    }
}

/// The fields a record of `kind` has, without how to read them.
pub fn infos(kind: Kind) -> Vec<&'static Info> {
    fn of<T>(fields: &'static [Field<T>]) -> Vec<&'static Info> {
        fields.iter().map(|f| &f.info).collect()
    }
    match kind {
        Kind::Source => of(SOURCE),
        Kind::Actor => of(ACTOR),
        Kind::Organisation => of(ORGANISATION),
        Kind::Place => of(PLACE),
        Kind::Quote => of(QUOTE),
        Kind::Event => of(EVENT),
    }
}

/// A record of any kind, borrowed: what the matches on a record's kind go through.
#[derive(Debug, Clone, Copy)]
pub enum RecordRef<'b> {
    Source(&'b Source),
    Actor(&'b Actor),
    Organisation(&'b Organisation),
    Place(&'b Place),
    Quote(&'b Quote),
    Event(&'b Event),
}

impl<'b> RecordRef<'b> {
    pub fn kind(self) -> Kind {
        match self {
            RecordRef::Source(_) => Kind::Source,
            RecordRef::Actor(_) => Kind::Actor,
            RecordRef::Organisation(_) => Kind::Organisation,
            RecordRef::Place(_) => Kind::Place,
            RecordRef::Quote(_) => Kind::Quote,
            RecordRef::Event(_) => Kind::Event,
        }
    }

    /// Every field of the record with its value, in the order its table declares them.
    pub fn fields(self) -> Vec<(&'static Info, Value<'b>)> {
        fn of<'a, T>(fields: &'static [Field<T>], r: &'a T) -> Vec<(&'static Info, Value<'a>)> {
            fields.iter().map(|f| (&f.info, (f.get)(r))).collect()
        }
        match self {
            RecordRef::Source(s) => of(SOURCE, s),
            RecordRef::Actor(a) => of(ACTOR, a),
            RecordRef::Organisation(o) => of(ORGANISATION, o),
            RecordRef::Place(p) => of(PLACE, p),
            RecordRef::Quote(q) => of(QUOTE, q),
            RecordRef::Event(e) => of(EVENT, e),
        }
    }

    /// The value of the field called `name`, if the record has such a field.
    pub fn field(self, name: &str) -> Option<Value<'b>> {
        self.fields()
            .into_iter()
            .find(|(info, _)| info.name == name)
            .map(|(_, v)| v)
    }

    /// The shared fields of a cited record; `None` for a source.
    pub fn meta(self) -> Option<&'b Meta> {
        match self {
            RecordRef::Source(_) => None,
            RecordRef::Actor(a) => Some(&a.meta),
            RecordRef::Organisation(o) => Some(&o.meta),
            RecordRef::Place(p) => Some(&p.meta),
            RecordRef::Quote(q) => Some(&q.meta),
            RecordRef::Event(e) => Some(&e.meta),
        }
    }

    pub fn id(self) -> &'b str {
        match self {
            RecordRef::Source(s) => &s.id,
            other => other.meta().map_or("", |m| m.id.as_str()),
        }
    }

    /// The record's name or title (its [`Show::Title`] field), or a quote's id. Asked of
    /// every record a listing shows, so read directly rather than through the table; a test
    /// holds the two to each other.
    pub fn label(self) -> &'b str {
        match self {
            RecordRef::Source(s) => &s.title,
            RecordRef::Actor(a) => &a.name,
            RecordRef::Organisation(o) => &o.name,
            RecordRef::Place(p) => &p.name,
            RecordRef::Quote(q) => &q.meta.id,
            RecordRef::Event(e) => &e.title,
        }
    }

    /// The record's main text (its [`Show::Main`] field): what a person, organisation, place
    /// or event is, what a quote says, or a source's notes.
    pub fn main_text(self) -> Option<&'b str> {
        self.fields().into_iter().find_map(|(i, v)| match v {
            Value::Text(t) if i.show == Show::Main => Some(t),
            _ => None,
        })
    }

    pub fn aliases(self) -> &'b [Text] {
        match self {
            RecordRef::Actor(a) => &a.aliases,
            RecordRef::Organisation(o) => &o.aliases,
            RecordRef::Place(p) => &p.aliases,
            _ => &[],
        }
    }
}

impl<'b> RecordRef<'b> {
    /// Every declaration of the record, in load order: itself when declared once.
    pub fn declarations(self) -> Vec<RecordRef<'b>> {
        fn of<'b, T>(
            merged: &'b Option<Box<Merged<T>>>,
            wrap: fn(&'b T) -> RecordRef<'b>,
        ) -> Option<Vec<RecordRef<'b>>> {
            merged.as_ref().map(|m| m.decls.iter().map(wrap).collect())
        }
        let decls = match self {
            RecordRef::Source(_) => None,
            RecordRef::Actor(a) => of(&a.merged, RecordRef::Actor),
            RecordRef::Organisation(o) => of(&o.merged, RecordRef::Organisation),
            RecordRef::Place(p) => of(&p.merged, RecordRef::Place),
            RecordRef::Quote(q) => of(&q.merged, RecordRef::Quote),
            RecordRef::Event(e) => of(&e.merged, RecordRef::Event),
        };
        decls.unwrap_or_else(|| vec![self])
    }

    /// Whether the record is merged from several declarations (or joined by `same_as`).
    pub fn is_merged(self) -> bool {
        match self {
            RecordRef::Source(_) => false,
            RecordRef::Actor(a) => a.merged.is_some(),
            RecordRef::Organisation(o) => o.merged.is_some(),
            RecordRef::Place(p) => p.merged.is_some(),
            RecordRef::Quote(q) => q.merged.is_some(),
            RecordRef::Event(e) => e.merged.is_some(),
        }
    }

    /// The other ids of the record, joined to it by `same_as`.
    pub fn aka(self) -> &'b [Text] {
        fn of<T>(merged: &Option<Box<Merged<T>>>) -> &[Text] {
            merged.as_ref().map_or(&[], |m| &m.aka)
        }
        match self {
            RecordRef::Source(_) => &[],
            RecordRef::Actor(a) => of(&a.merged),
            RecordRef::Organisation(o) => of(&o.merged),
            RecordRef::Place(p) => of(&p.merged),
            RecordRef::Quote(q) => of(&q.merged),
            RecordRef::Event(e) => of(&e.merged),
        }
    }

    /// The record's rank: a merged record's is its best declaration's. A deprecated record
    /// (every declaration deprecated) answers no query.
    pub fn rank(self) -> Rank {
        self.meta().map_or(Rank::Normal, |m| m.rank)
    }

    /// The sources behind the record: those of every declaration that counts.
    pub fn sources(self) -> &'b [u32] {
        self.meta().map_or(&[], |m| &m.sources)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every field of a record's schema is in its table and nothing else is, but those every
    /// cited record shares (its id and provenance), which `Meta` holds.
    #[test]
    fn each_table_is_its_fact_file_schema() {
        let schema = serde_json::to_value(crate::load::schema()).unwrap();
        let shared = ["id", "source", "evidence", "notes", "rank", "same_as"];
        let fields = |def: &str| -> Vec<String> {
            let props = &schema["definitions"][def]["properties"];
            let mut names: Vec<String> = props
                .as_object()
                .unwrap_or_else(|| panic!("no schema for {def}"))
                .keys()
                .filter(|k| !shared.contains(&k.as_str()) || def == "Source" && *k == "notes")
                .cloned()
                .collect();
            names.sort();
            names
        };
        let names = |infos: Vec<&Info>| -> Vec<String> {
            let mut names: Vec<String> = infos.iter().map(|i| i.name.to_string()).collect();
            names.sort();
            names
        };
        for (kind, def) in [
            (Kind::Source, "Source"),
            (Kind::Actor, "Actor"),
            (Kind::Organisation, "Organisation"),
            (Kind::Place, "Place"),
            (Kind::Quote, "Quote"),
            (Kind::Event, "Event"),
        ] {
            assert_eq!(names(infos(kind)), fields(def), "{def}");
        }
        let role: Vec<&Info> = ROLE.iter().map(|f| &f.info).collect();
        let mut want = fields("Role");
        want.retain(|f| !["since", "until"].contains(&f.as_str()));
        assert_eq!(names(role), want, "Role");
    }

    /// The label read directly is the title field the table declares.
    #[test]
    fn labels_are_the_title_fields() {
        let actor = Actor {
            name: "Ada".into(),
            ..Default::default()
        };
        let rec = RecordRef::Actor(&actor);
        let title = rec
            .fields()
            .into_iter()
            .find(|(i, _)| i.show == Show::Title);
        assert!(matches!(title, Some((_, Value::Text("Ada")))));
        assert_eq!(rec.label(), "Ada");
    }
}
