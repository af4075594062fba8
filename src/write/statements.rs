//! The base as a statement table, in the spirit of FollowTheMoney's: one row per statement (a
//! field's value, or one item of a list) and per source that makes it, with its rank, whether
//! sources dispute it, and the sentence that supports it. What SQL engines (DuckDB, Spark) read
//! best, with the provenance intact. Rows are written record by record, so memory stays flat.

use crate::model::fields::{Item, RecordRef, Value};
use crate::model::provenance::{self, Statement};
use crate::model::{Base, EntityRef, Rank};
use serde::Serialize;

/// The columns of a statement row, in order.
pub const COLUMNS: [&str; 13] = [
    "entity", "schema", "prop", "value", "item", "source", "rank", "disputed", "sentence", "start",
    "end", "since", "until",
];

/// One statement as one source makes it.
#[derive(Debug, Clone, Serialize)]
pub struct Row<'b> {
    /// The record's id.
    pub entity: &'b str,
    /// Its kind: `actor`, `quote`...
    pub schema: &'static str,
    /// The field, or for a role's or membership's own parts `roles.org`, `roles.place`.
    pub prop: String,
    /// The value as the fact file writes it: text, a date as written, an id for a reference.
    pub value: String,
    /// For a role or membership, its place in the record's list, which its parts share.
    pub item: Option<usize>,
    pub source: &'b str,
    /// The best rank of the declarations of this source that make the statement.
    pub rank: &'static str,
    /// Whether another declaration gives this single-valued field another value.
    pub disputed: bool,
    /// The sentence of the source that supports it: the evidence its declaration gives, or
    /// for a direct quote's words with no evidence, the sentence of the text they are found in.
    pub sentence: Option<std::borrow::Cow<'b, str>>,
    /// Where the sentence is in the source's text, in characters, when kz found it there.
    pub start: Option<usize>,
    pub end: Option<usize>,
    /// For a role or membership: when it was held.
    pub since: Option<&'b str>,
    pub until: Option<&'b str>,
}

impl Row<'_> {
    /// The row's cells as text, in [`COLUMNS`] order, for CSV and TSV.
    pub fn cells(&self) -> [String; 13] {
        let opt = |v: Option<&str>| v.unwrap_or_default().to_string();
        let num = |v: Option<usize>| v.map(|n| n.to_string()).unwrap_or_default();
        [
            self.entity.to_string(),
            self.schema.to_string(),
            self.prop.clone(),
            self.value.clone(),
            num(self.item),
            self.source.to_string(),
            self.rank.to_string(),
            self.disputed.to_string(),
            opt(self.sentence.as_deref()),
            num(self.start),
            num(self.end),
            opt(self.since),
            opt(self.until),
        ]
    }
}

/// A claim found in a source's text: the sentence it lies in, where that sentence is, and where
/// the claim is, in characters.
pub type Found = (String, std::ops::Range<usize>, std::ops::Range<usize>);

/// Finds a claim in a source's text, given the source, the claim and whether it may elide (a
/// direct quote).
pub type Locate<'l> = &'l dyn Fn(u32, &str, bool) -> Option<Found>;

/// Every statement row of one record, field by field, each statement once per source. `locate`
/// finds sentences in the sources' texts: where the evidence is, or a direct quote's words.
pub fn rows<'b>(base: &'b Base, r: EntityRef, rec: RecordRef<'b>, locate: Locate) -> Vec<Row<'b>> {
    let decls = rec.declarations();
    let mut out = Vec::new();
    let mut items = 0;
    for st in provenance::statements(rec) {
        let item = matches!(st.item, Item::Role(_) | Item::Member(_)).then(|| {
            items += 1;
            items - 1
        });
        // A source's own facts are its own statements.
        let sources = match r.kind {
            crate::model::Kind::Source => vec![(r.idx, Rank::Normal, None)],
            _ => by_source(&decls, &st),
        };
        // A direct quote's own words are found in its sources' texts as `kz check` finds them.
        let quoted = match (rec, st.item) {
            (RecordRef::Quote(q), Item::Text(t))
                if st.field.name == "text" && q.kind == crate::model::QuoteKind::Direct =>
            {
                Some(t)
            }
            _ => None,
        };
        for (source, rank, sentence) in sources {
            let (sentence, at) = match (sentence, quoted) {
                (Some(e), _) => (
                    Some(std::borrow::Cow::Borrowed(e)),
                    locate(source, e, false).map(|(_, _, at)| at),
                ),
                (None, Some(words)) => match locate(source, words, true) {
                    Some((sentence, at, _)) => (Some(std::borrow::Cow::Owned(sentence)), Some(at)),
                    None => (None, None),
                },
                (None, None) => (None, None),
            };
            for (prop, value) in parts(base, &st) {
                let (since, until) = match st.item {
                    Item::Role(role) => dates(&role.term),
                    Item::Member(m) => dates(&m.term),
                    _ => (None, None),
                };
                out.push(Row {
                    entity: rec.id(),
                    schema: r.kind.name(),
                    prop,
                    value,
                    item,
                    source: &base.sources[source as usize].id,
                    rank: rank.name(),
                    disputed: st.disputed,
                    sentence: sentence.clone(),
                    start: at.as_ref().map(|a| a.start),
                    end: at.as_ref().map(|a| a.end),
                    since,
                    until,
                });
            }
        }
    }
    out
}

fn dates(term: &crate::model::Term) -> (Option<&str>, Option<&str>) {
    (
        term.since.as_ref().map(|d| d.as_str()),
        term.until.as_ref().map(|d| d.as_str()),
    )
}

/// Each source that makes a statement, with the best rank of its declarations that do, and
/// their evidence: a role's or membership's own, else its declaration's.
fn by_source<'b>(decls: &[RecordRef<'b>], st: &Statement<'b>) -> Vec<(u32, Rank, Option<&'b str>)> {
    let mut out: Vec<(u32, Rank, Option<&'b str>)> = Vec::new();
    for &d in &st.decls {
        let decl = decls[d];
        // The declaration's own role or membership that states it, with its own sources.
        let own = match (st.item, decl.field(st.field.name)) {
            (Item::Role(role), Some(Value::Roles(rs))) => {
                rs.iter().find(|x| x.same(role)).map(|x| &x.term)
            }
            (Item::Member(m), Some(Value::Members(ms))) => {
                ms.iter().find(|x| x.same(m)).map(|x| &x.term)
            }
            _ => None,
        };
        let evidence = own
            .and_then(|t| t.evidence.as_deref())
            .or_else(|| decl.meta().and_then(|m| m.evidence.as_deref()));
        let sources = own.map_or(decl.sources(), |t| t.sources.as_slice());
        for &s in sources.iter().filter(|s| st.sources.contains(s)) {
            match out.iter_mut().find(|(x, _, _)| *x == s) {
                Some(entry) => entry.1 = entry.1.max(decl.rank()),
                None => out.push((s, decl.rank(), evidence)),
            }
        }
    }
    out
}

/// A statement as (prop, value) pairs: one for most, and for a role its title, organisation
/// and place, each apart.
fn parts(base: &Base, st: &Statement) -> Vec<(String, String)> {
    let name = st.field.name;
    match st.item {
        Item::Text(t) => vec![(name.into(), t.into())],
        Item::Date(d) => vec![(name.into(), d.as_str().into())],
        Item::Ref(r) => vec![(name.into(), base.id(r).into())],
        Item::Member(m) => vec![(name.into(), base.id(m.member).into())],
        Item::Role(role) => {
            let mut out = vec![(name.to_string(), role.title.to_string())];
            for (part, at) in [("org", role.org), ("place", role.place)] {
                if let Some(at) = at {
                    out.push((format!("{name}.{part}"), base.id(at).to_string()));
                }
            }
            out
        }
    }
}
