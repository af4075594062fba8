//! Where each fact of a record comes from: its statements (a field's value, or one item of a
//! list field), the declarations that make each one and their sources and ranks, and the
//! disputes, where declarations give one fact different values. All of it is read from the
//! declarations a merged record keeps (see [`super::Merged`]); a record declared once makes every
//! statement with its own sources.

use super::fields::{Info, Item, Merge, RecordRef, Value};
use super::{Base, EntityRef, Rank};
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

/// One statement of a record: a field, one item of its value, and the declarations (indices
/// into [`RecordRef::declarations`]) that make it.
#[derive(Debug, Clone)]
pub struct Statement<'b> {
    pub field: &'static Info,
    pub item: Item<'b>,
    pub decls: Vec<usize>,
    /// The distinct sources behind it, in the order first cited.
    pub sources: Vec<u32>,
    /// The best rank among its declarations.
    pub rank: Rank,
    /// Whether another declaration gives this single-valued field another value.
    pub disputed: bool,
}

/// A fact on which the declarations of a record disagree: every value given, each with the
/// declarations and sources behind it. The first value is the one shown.
#[derive(Debug, Clone)]
pub struct Dispute<'b> {
    pub field: &'static Info,
    pub values: Vec<Statement<'b>>,
}

impl Dispute<'_> {
    /// Whether ranks settle it: one value is preferred, or every other value is deprecated.
    pub fn settled(&self) -> bool {
        let live = self
            .values
            .iter()
            .filter(|v| v.rank != Rank::Deprecated)
            .count();
        live <= 1 || self.values.iter().any(|v| v.rank == Rank::Preferred)
    }
}

/// The sources of a declaration for one item of its field `value`: a role's or membership's
/// own, else the declaration's.
fn sources_of(d: RecordRef, value: Value, item: &Item) -> Vec<u32> {
    let own = match (value, item) {
        (Value::Roles(rs), Item::Role(role)) => rs.iter().find(|r| r.same(role)).map(|r| &r.term),
        (Value::Members(ms), Item::Member(m)) => ms.iter().find(|x| x.same(m)).map(|x| &x.term),
        _ => None,
    };
    own.map_or_else(|| d.sources().to_vec(), |t| t.sources.to_vec())
}

/// Every statement of a record, field by field: each item the record shows, then the items
/// only other declarations give (a dispute's other values, an item only a deprecated
/// declaration states). Each item is traced to its declarations by its key, so a record of many
/// declarations costs what they hold.
pub fn statements(r: RecordRef<'_>) -> Vec<Statement<'_>> {
    let decls = r.declarations();
    if decls.len() == 1 {
        return r
            .fields()
            .into_iter()
            .flat_map(|(info, value)| {
                value.items().into_iter().map(move |item| Statement {
                    field: info,
                    item,
                    decls: vec![0],
                    sources: sources_of(r, value, &item),
                    rank: r.rank(),
                    disputed: false,
                })
            })
            .collect();
    }
    // Each declaration's fields, read once; every declaration of a kind has the same fields.
    let per_decl: Vec<Vec<(&'static Info, Value)>> = decls.iter().map(|d| d.fields()).collect();
    // A name another declaration gives differently is an alias the record gained from it.
    let name_at = per_decl[0].iter().position(|(i, _)| i.merge == Merge::Name);
    let mut out: Vec<Statement> = Vec::new();
    for (fi, (info, shown)) in r.fields().into_iter().enumerate() {
        let start = out.len();
        out.extend(traced(info, shown, fi, &decls, &per_decl, name_at));
        if info.merge == Merge::Single && out.len() - start > 1 {
            for st in &mut out[start..] {
                st.disputed = true;
            }
        }
    }
    out
}

/// The statements of one field (the `fi`th) of a record of several declarations: each item
/// shown, then each item only other declarations give, each traced by its key to the
/// declarations that state it, with their sources and best rank.
fn traced<'b>(
    info: &'static Info,
    shown: Value<'b>,
    fi: usize,
    decls: &[RecordRef<'b>],
    per_decl: &[Vec<(&'static Info, Value<'b>)>],
    name_at: Option<usize>,
) -> Vec<Statement<'b>> {
    let mut out: Vec<Statement> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    let mut cited: Vec<HashSet<u32>> = Vec::new();
    let fresh = |item| Statement {
        field: info,
        item,
        decls: Vec::new(),
        sources: Vec::new(),
        rank: Rank::Deprecated,
        disputed: false,
    };
    for item in shown.items() {
        if let Entry::Vacant(e) = at.entry(item.key()) {
            e.insert(out.len());
            cited.push(HashSet::new());
            out.push(fresh(item));
        }
    }
    for (n, (d, fields)) in decls.iter().zip(per_decl).enumerate() {
        let value = fields[fi].1;
        let mut items: Vec<(Item, bool)> = value.items().into_iter().map(|i| (i, false)).collect();
        if info.name == "aliases"
            && let Some(name) = name_at
        {
            items.extend(fields[name].1.items().into_iter().map(|i| (i, true)));
        }
        for (item, only_known) in items {
            let k = match at.entry(item.key()) {
                Entry::Occupied(e) => *e.get(),
                Entry::Vacant(_) if only_known => continue,
                Entry::Vacant(e) => {
                    e.insert(out.len());
                    cited.push(HashSet::new());
                    out.push(fresh(item));
                    out.len() - 1
                }
            };
            let st = &mut out[k];
            if st.decls.last() != Some(&n) {
                st.decls.push(n);
            }
            st.rank = st.rank.max(d.rank());
            for src in sources_of(*d, value, &item) {
                if cited[k].insert(src) {
                    st.sources.push(src);
                }
            }
        }
    }
    out
}

/// The disputes of a record: each single-valued field its declarations give more than one
/// value, with every value.
pub fn disputes(r: RecordRef<'_>) -> Vec<Dispute<'_>> {
    if !r.is_merged() {
        return Vec::new();
    }
    let mut out: Vec<Dispute> = Vec::new();
    for st in statements(r).into_iter().filter(|s| s.disputed) {
        match out.last_mut() {
            Some(d) if d.field.name == st.field.name => d.values.push(st),
            _ => out.push(Dispute {
                field: st.field,
                values: vec![st],
            }),
        }
    }
    out
}

/// Whether no query may answer from the record: every declaration of it is deprecated.
pub fn is_deprecated(base: &Base, r: EntityRef) -> bool {
    base.get(r).rank() == Rank::Deprecated
}

/// The dates a record's date field is given: the one shown first, then any other value a
/// declaration that counts gives it (a dispute). Date filters match a record through any of
/// them.
pub fn dates<'b>(r: RecordRef<'b>, field: &str) -> Vec<&'b crate::date::Date> {
    let shown = match r.field(field) {
        Some(Value::Date(d)) => vec![d],
        _ => Vec::new(),
    };
    if !r.is_merged() {
        return shown;
    }
    let mut out = shown;
    for d in r.declarations() {
        if d.rank() == Rank::Deprecated && r.rank() != Rank::Deprecated {
            continue;
        }
        if let Some(Value::Date(date)) = d.field(field)
            && !out.iter().any(|x| x.same(date))
        {
            out.push(date);
        }
    }
    out
}
