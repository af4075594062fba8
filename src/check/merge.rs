//! Merging: the declarations of one record, in several files or joined by `same_as`, become one
//! record, by the rules each field's table line gives ([`crate::model::fields`]). Every
//! declaration is kept in the record, so what each one says, and which sources say it, can be
//! told apart later: disputes are found from them, not here.
//!
//! The declaration whose values are shown first is the first preferred one, else the first
//! that is not deprecated. Deprecated declarations add nothing to the merged values (unless every
//! declaration is deprecated). Two preferred declarations that give one fact different values
//! are an error: nothing says which to show.

use super::convert::Parts;
use super::resolve::Ids;
use super::sink::Sink;
use crate::diag::Code;
use crate::load::{At, Seg};
use crate::model::fields::{self, Field, Merge, Seen};
use crate::model::{Actor, Event, Kind, Merged, Meta, Organisation, Place, Quote, Rank, Text};

/// A record that can be declared more than once.
pub(super) trait Declared: Clone + 'static {
    const FIELDS: &'static [Field<Self>];
    const KIND: Kind;
    fn meta(&self) -> &Meta;
    fn meta_mut(&mut self) -> &mut Meta;
    fn merged_mut(&mut self) -> &mut Option<Box<Merged<Self>>>;
}

macro_rules! declared {
    ($($t:ty => $kind:ident, $fields:ident;)*) => {$(
        impl Declared for $t {
            const FIELDS: &'static [Field<Self>] = fields::$fields;
            const KIND: Kind = Kind::$kind;
            fn meta(&self) -> &Meta {
                &self.meta
            }
            fn meta_mut(&mut self) -> &mut Meta {
                &mut self.meta
            }
            fn merged_mut(&mut self) -> &mut Option<Box<Merged<Self>>> {
                &mut self.merged
            }
        }
    )*};
}

declared! {
    Actor => Actor, ACTOR;
    Organisation => Organisation, ORGANISATION;
    Place => Place, PLACE;
    Quote => Quote, QUOTE;
    Event => Event, EVENT;
}

/// The converted declarations grouped into records, by the record each declares.
pub(super) fn merge(decls: Parts, ids: &Ids, sink: &mut Sink) -> Parts {
    let mut part_of = vec![None; ids.aka[Kind::Place.slot()].len()];
    for (p, idx) in decls.part_of.iter().zip(&ids.decl[Kind::Place.slot()]) {
        if let (Some(p), Some(idx)) = (p, idx) {
            part_of[*idx as usize].get_or_insert(*p);
        }
    }
    let places = group(decls.places, ids, sink);
    // The parent a merged place shows, for the cycle check, where the place merged.
    for (i, place) in places.iter().enumerate() {
        if let Some(p) = place.as_ref().and_then(|p| p.part_of) {
            part_of[i] = Some(p.idx);
        }
    }
    Parts {
        sources: decls.sources,
        actors: group(decls.actors, ids, sink),
        organisations: group(decls.organisations, ids, sink),
        places,
        quotes: group(decls.quotes, ids, sink),
        events: group(decls.events, ids, sink),
        kinds: decls.kinds,
        part_of,
        kind_ats: decls.kind_ats,
    }
}

/// Each record of kind `T` from its declarations: `None` where a declaration had a problem
/// (already reported).
fn group<T: Declared>(decls: Vec<Option<T>>, ids: &Ids, sink: &mut Sink) -> Vec<Option<T>> {
    let slot = T::KIND.slot();
    let aka = &ids.aka[slot];
    // Each declaration its own record, in order (no id declared twice, none joined): the
    // declarations are the records, with nothing to merge and no two to disagree.
    let alone = decls.len() == aka.len()
        && aka.iter().all(|a| a.is_empty())
        && (ids.decl[slot].iter().enumerate()).all(|(i, idx)| *idx == Some(i as u32));
    if alone {
        return decls;
    }
    let mut by: Vec<Vec<(T, At)>> = (0..aka.len()).map(|_| Vec::new()).collect();
    let mut failed = vec![false; aka.len()];
    for ((decl, idx), at) in decls
        .into_iter()
        .zip(&ids.decl[slot])
        .zip(&ids.decl_at[slot])
    {
        let Some(idx) = idx.map(|i| i as usize) else {
            continue;
        };
        match decl {
            Some(d) => by[idx].push((d, *at)),
            None => failed[idx] = true,
        }
    }
    by.into_iter()
        .zip(aka)
        .zip(failed)
        .map(|((decls, aka), failed)| {
            if failed || decls.is_empty() {
                return None;
            }
            preferred_agree(&decls, sink);
            Some(record(decls.into_iter().map(|(d, _)| d).collect(), aka))
        })
        .collect()
}

/// One record from its declarations, in load order; the first names it.
pub(super) fn record<T: Declared>(decls: Vec<T>, aka: &[Text]) -> T {
    if decls.len() == 1 && aka.is_empty() {
        return decls.into_iter().next().unwrap_or_else(|| unreachable!());
    }
    let counting: Vec<usize> = {
        let live: Vec<usize> = (0..decls.len())
            .filter(|&i| decls[i].meta().rank != Rank::Deprecated)
            .collect();
        if live.is_empty() {
            (0..decls.len()).collect()
        } else {
            live
        }
    };
    let head = counting
        .iter()
        .copied()
        .find(|&i| decls[i].meta().rank == Rank::Preferred)
        .unwrap_or(counting[0]);
    let mut m = decls[head].clone();
    // What each list field holds already, by item, so that many declarations merge in time
    // linear in what they hold.
    let mut seen = Seen::new();
    for f in T::FIELDS.iter().filter(|f| f.info.merge == Merge::List) {
        for (n, item) in (f.get)(&m).items().iter().enumerate() {
            seen.insert((f.info.name, item.key()), n);
        }
    }
    for &i in counting.iter().filter(|&&i| i != head) {
        for f in T::FIELDS {
            (f.put)(&mut m, &decls[i], &mut seen);
        }
        let meta = m.meta_mut();
        for &s in &decls[i].meta().sources {
            if !meta.sources.contains(&s) {
                meta.sources.push(s);
            }
        }
    }
    let first = decls[0].meta();
    let meta = m.meta_mut();
    meta.id = first.id.clone();
    meta.origin = first.origin;
    meta.rank = decls
        .iter()
        .map(|d| d.meta().rank)
        .max()
        .unwrap_or_default();
    *m.merged_mut() = Some(Box::new(Merged {
        decls,
        aka: aka.to_vec(),
    }));
    m
}

/// Reports two preferred declarations that give one fact different values.
fn preferred_agree<T: Declared>(decls: &[(T, At)], sink: &mut Sink) {
    let preferred: Vec<&(T, At)> = decls
        .iter()
        .filter(|(d, _)| d.meta().rank == Rank::Preferred)
        .collect();
    let Some(((first, first_at), rest)) = preferred.split_first() else {
        return;
    };
    for (later, at) in rest {
        for f in T::FIELDS.iter().filter(|f| f.info.merge == Merge::Single) {
            let (a, b) = ((f.get)(first), (f.get)(later));
            if a.is_absent() || b.is_absent() {
                continue;
            }
            let agree = a.items().len() == b.items().len() && a.items().iter().all(|i| b.holds(*i));
            if !agree {
                let there = sink.where_is(*first_at);
                sink.report(
                    Code::Conflict,
                    *at,
                    &[Seg::Key(f.info.name)],
                    format!(
                        "two preferred declarations of `{}` give `{}` different values; the other \
                         is at {there}",
                        first.meta().id,
                        f.info.name
                    ),
                    Some(
                        "prefer one declaration: make the other `rank: normal`, or \
                         `rank: deprecated` if it was corrected"
                            .into(),
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::fields::Item;
    use crate::model::provenance;
    use crate::model::{EntityRef, Rank};
    use crate::testing::{SOURCE, base, checked};

    const A: &str = "actors:\n  - id: ada\n    name: Ada Lovelace\n    aliases: [Ada]\n    description: A mathematician.\n    nationality: uk\n    source: s\n    roles:\n      - title: Countess\n";
    const B: &str = "actors:\n  - id: ada\n    name: Augusta Ada King\n    aliases: [Ada, Lovelace]\n    description: Wrote the first program.\n    nationality: britain\n    source: t\n    roles:\n      - title: Countess\n        since: 1838\n";
    const PLACES: &str = "places:\n  - id: uk\n    name: United Kingdom\n    kind: country\n    source: s\n  - id: britain\n    name: Britain\n    kind: country\n    source: s\n";

    #[test]
    fn declarations_of_one_id_are_one_record() {
        let base = base(&[
            ("s.yaml", &format!("{SOURCE}{PLACES}")),
            ("a.yaml", A),
            ("b.yaml", B),
        ]);
        assert_eq!(base.actors.len(), 1);
        let ada = &base.actors[0];
        // The first declaration names it; the other name is an alias; aliases unite.
        assert_eq!(ada.name, "Ada Lovelace");
        assert_eq!(ada.aliases, ["Ada", "Augusta Ada King", "Lovelace"]);
        // One role, its date filled in by the second declaration, its sources both.
        assert_eq!(ada.roles.len(), 1);
        assert_eq!(ada.roles[0].term.since.as_ref().unwrap().as_str(), "1838");
        assert_eq!(ada.roles[0].term.sources.as_slice(), [0, 1]);
        assert_eq!(ada.meta.sources.as_slice(), [0, 1]);
        // The nationality is disputed: the first is shown, both are kept.
        let rec = base.get(EntityRef::actor(0));
        let disputes = provenance::disputes(rec);
        assert_eq!(disputes.len(), 1);
        assert_eq!(disputes[0].field.name, "nationality");
        let values: Vec<(String, Vec<u32>)> = disputes[0]
            .values
            .iter()
            .map(|v| match v.item {
                Item::Ref(r) => (base.id(r).to_string(), v.sources.clone()),
                _ => panic!("a place"),
            })
            .collect();
        assert_eq!(
            values,
            [
                ("uk".to_string(), vec![0]),
                ("britain".to_string(), vec![1])
            ]
        );
        assert_eq!(ada.nationality, base.lookup("uk"));
        // Prose is kept per declaration.
        let texts: Vec<&str> = rec
            .declarations()
            .iter()
            .filter_map(|d| d.main_text())
            .collect();
        assert_eq!(texts, ["A mathematician.", "Wrote the first program."]);
    }

    #[test]
    fn a_preferred_value_is_shown_and_a_deprecated_declaration_answers_nothing() {
        let preferred = B.replace("    source: t\n", "    source: t\n    rank: preferred\n");
        let base = base(&[
            ("s.yaml", &format!("{SOURCE}{PLACES}")),
            ("a.yaml", A),
            ("b.yaml", &preferred),
        ]);
        let ada = &base.actors[0];
        assert_eq!(ada.nationality, base.lookup("britain"));
        assert_eq!(ada.name, "Augusta Ada King");
        assert!(provenance::disputes(base.get(EntityRef::actor(0)))[0].settled());
        let deprecated = B.replace("    source: t\n", "    source: t\n    rank: deprecated\n");
        let base = crate::testing::base(&[
            ("s.yaml", &format!("{SOURCE}{PLACES}")),
            ("a.yaml", A),
            ("b.yaml", &deprecated),
        ]);
        let ada = &base.actors[0];
        assert_eq!(
            ada.aliases,
            ["Ada"],
            "a deprecated declaration adds nothing"
        );
        assert_eq!(ada.meta.sources.as_slice(), [0]);
        assert_eq!(ada.meta.rank, Rank::Normal);
        let only = A.replace("    source: s\n", "    source: s\n    rank: deprecated\n");
        let base =
            crate::testing::base(&[("s.yaml", &format!("{SOURCE}{PLACES}")), ("a.yaml", &only)]);
        assert_eq!(base.get(EntityRef::actor(0)).rank(), Rank::Deprecated);
    }

    #[test]
    fn same_as_joins_records_under_the_first_id() {
        let other = B
            .replace("id: ada", "id: augusta")
            .replace("    source: t\n", "    source: t\n    same_as: [ada]\n");
        let base = base(&[
            ("s.yaml", &format!("{SOURCE}{PLACES}")),
            ("a.yaml", A),
            ("b.yaml", &other),
        ]);
        assert_eq!(base.actors.len(), 1);
        assert_eq!(base.lookup("ada"), base.lookup("augusta"));
        let rec = base.get(EntityRef::actor(0));
        assert_eq!(rec.id(), "ada");
        assert_eq!(rec.aka(), ["augusta"]);
        // A chain and a cycle of same_as are one group, not a loop.
        let c = "actors:\n  - id: c\n    name: C\n    description: c\n    same_as: [d]\n    source: s\n  - id: d\n    name: D\n    description: d\n    same_as: [e]\n    source: s\n  - id: e\n    name: E\n    description: e\n    same_as: [c]\n    source: s\n";
        let base = crate::testing::base(&[("s.yaml", SOURCE), ("c.yaml", c)]);
        assert_eq!(base.actors.len(), 1);
        assert_eq!(base.get(EntityRef::actor(0)).aka(), ["d", "e"]);
    }

    #[test]
    fn two_preferred_declarations_that_disagree_are_an_error() {
        let p = |s: &str| s.replace("    description:", "    rank: preferred\n    description:");
        let report = checked(&[
            ("s.yaml", &format!("{SOURCE}{PLACES}")),
            ("a.yaml", &p(A)),
            ("b.yaml", &p(B)),
        ])
        .unwrap_err();
        let codes: Vec<String> = report
            .diagnostics
            .iter()
            .map(|d| d.code.to_string())
            .collect();
        assert_eq!(codes, ["KZ061"]);
        assert!(
            report.diagnostics[0].message.contains("`nationality`"),
            "{:?}",
            report.diagnostics
        );
    }

    #[test]
    fn many_declarations_of_one_id_merge_in_linear_time() {
        let mut many = String::from("places:\n");
        for i in 0..20_000 {
            many.push_str(&format!(
                "  - id: p\n    name: P\n    aliases: [P{i}]\n    kind: city\n    source: s\n"
            ));
        }
        let base = base(&[("s.yaml", SOURCE), ("p.yaml", &many)]);
        assert_eq!(base.places[0].aliases.len(), 20_000);
        let statements = provenance::statements(base.get(EntityRef::place(0)));
        assert_eq!(
            statements
                .iter()
                .filter(|s| s.field.name == "aliases")
                .count(),
            20_000
        );
    }
}
