//! Cycles: no place is part of itself, and no kind is broader than itself, directly or through
//! others.

use super::convert::Parts;
use super::resolve::Ids;
use super::sink::Sink;
use crate::diag::Code;
use crate::load::{At, Seg};
use crate::model::EntityRef;

/// The first cycle through `start` in a graph where each node has at most one parent: the chain
/// of nodes from `start` back to itself. Each cycle is found once, from its first node.
fn cycle_from(start: usize, parent: impl Fn(usize) -> Option<usize>) -> Option<Vec<usize>> {
    let mut seen = vec![start];
    let mut next = parent(start);
    while let Some(p) = next {
        if p < start {
            return None;
        }
        if p == start {
            return Some(seen);
        }
        if seen.contains(&p) {
            return None;
        }
        seen.push(p);
        next = parent(p);
    }
    None
}

/// Reports every place that is part of itself.
pub(super) fn places(parts: &Parts, ids: &Ids, sink: &mut Sink) {
    let name = |i: usize| {
        ids.map
            .iter()
            .find(|(_, r)| **r == EntityRef::place(i as u32))
            .map_or("?", |(id, _)| id.as_str())
            .to_string()
    };
    for start in 0..parts.part_of.len() {
        let parent = |i: usize| parts.part_of.get(i).copied().flatten().map(|p| p as usize);
        if let Some(chain) = cycle_from(start, parent) {
            let chain: Vec<String> = chain.iter().chain([&start]).map(|&i| name(i)).collect();
            sink.report(
                Code::Cycle,
                ids.at(EntityRef::place(start as u32)),
                &[Seg::Key("part_of")],
                format!(
                    "place `{}` is part of itself: {}",
                    chain[0],
                    chain.join(" → ")
                ),
                None,
            );
        }
    }
}

/// Reports every kind that is broader than itself.
pub(super) fn kinds(parts: &Parts, sink: &mut Sink) {
    let name = |i: usize| {
        parts.kinds[i]
            .as_ref()
            .map_or("?".to_string(), |k| k.name.to_string())
    };
    for start in 0..parts.kinds.len() {
        let parent = |i: usize| parts.kinds.get(i)?.as_ref()?.broader.map(|b| b as usize);
        if let Some(chain) = cycle_from(start, parent) {
            let chain: Vec<String> = chain.iter().chain([&start]).map(|&i| name(i)).collect();
            let at: At = parts.kind_ats[start];
            sink.report(
                Code::Cycle,
                at,
                &[Seg::Key("broader")],
                format!(
                    "kind `{}` is broader than itself: {}",
                    chain[0],
                    chain.join(" → ")
                ),
                Some("a kind's `broader` must lead up to a kind with none".into()),
            );
        }
    }
}

#[cfg(test)]
#[allow(clippy::type_complexity)]
mod tests {
    use super::cycle_from;

    #[test]
    fn cycles_are_found_once_from_their_first_node() {
        let graph = |parents: &'static [Option<usize>]| move |i: usize| parents[i];
        let cases: &[(&[Option<usize>], usize, Option<Vec<usize>>)] = &[
            (&[None], 0, None),
            (&[Some(0)], 0, Some(vec![0])),
            (&[Some(1), Some(0)], 0, Some(vec![0, 1])),
            (&[Some(1), Some(0)], 1, None),
            (&[Some(1), Some(2), Some(1)], 0, None),
            (&[Some(1), Some(2), Some(1)], 1, Some(vec![1, 2])),
        ];
        for (parents, start, want) in cases {
            assert_eq!(
                cycle_from(*start, graph(parents)),
                *want,
                "{parents:?} from {start}"
            );
        }
    }
}
