//! Cycles: no place is part of itself, and no kind is broader than itself, directly or through
//! others.

use super::convert::Parts;
use super::resolve::Ids;
use super::sink::Sink;
use crate::diag::Code;
use crate::load::{At, Seg};
use crate::model::EntityRef;

/// Every cycle in a graph of `n` nodes where each node has at most one parent, each once, as
/// the chain of nodes from its lowest-numbered node round to the one whose parent it is. Each node
/// is walked once, so a long chain costs its length, not its square.
fn cycles(n: usize, parent: impl Fn(usize) -> Option<usize>) -> Vec<Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        OnPath,
        Done,
    }
    let mut state = vec![State::New; n];
    let mut out = Vec::new();
    for start in 0..n {
        let mut path = Vec::new();
        let mut node = Some(start);
        while let Some(i) = node.filter(|&i| i < n) {
            match state[i] {
                State::New => {
                    state[i] = State::OnPath;
                    path.push(i);
                    node = parent(i);
                }
                State::OnPath => {
                    let at = path.iter().position(|&p| p == i).unwrap_or(0);
                    let mut cycle = path[at..].to_vec();
                    let low = (0..cycle.len()).min_by_key(|&k| cycle[k]).unwrap_or(0);
                    cycle.rotate_left(low);
                    out.push(cycle);
                    break;
                }
                State::Done => break,
            }
        }
        for &i in &path {
            state[i] = State::Done;
        }
    }
    out.sort_by_key(|c| c[0]);
    out
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
    let parent = |i: usize| parts.part_of.get(i).copied().flatten().map(|p| p as usize);
    for cycle in cycles(parts.part_of.len(), parent) {
        let start = cycle[0];
        let chain: Vec<String> = cycle.iter().chain([&start]).map(|&i| name(i)).collect();
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

/// Reports every kind that is broader than itself.
pub(super) fn kinds(parts: &Parts, sink: &mut Sink) {
    let name = |i: usize| {
        parts.kinds[i]
            .as_ref()
            .map_or("?".to_string(), |k| k.name.to_string())
    };
    let parent = |i: usize| parts.kinds.get(i)?.as_ref()?.broader.map(|b| b as usize);
    for cycle in cycles(parts.kinds.len(), parent) {
        let start = cycle[0];
        let chain: Vec<String> = cycle.iter().chain([&start]).map(|&i| name(i)).collect();
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

#[cfg(test)]
#[allow(clippy::type_complexity)]
mod tests {
    use super::cycles;

    #[test]
    fn cycles_are_found_once_from_their_lowest_node() {
        let cases: &[(&[Option<usize>], &[&[usize]])] = &[
            (&[None], &[]),
            (&[Some(0)], &[&[0]]),
            (&[Some(1), Some(0)], &[&[0, 1]]),
            (&[Some(1), Some(2), Some(1)], &[&[1, 2]]),
            (&[Some(2), Some(0), Some(1)], &[&[0, 2, 1]]),
            (&[Some(1), Some(1), None, Some(2), Some(3)], &[&[1]]),
            (
                &[Some(1), Some(2), Some(0), Some(4), Some(3)],
                &[&[0, 1, 2], &[3, 4]],
            ),
        ];
        for (parents, want) in cases {
            let want: Vec<Vec<usize>> = want.iter().map(|c| c.to_vec()).collect();
            assert_eq!(cycles(parents.len(), |i| parents[i]), want, "{parents:?}");
        }
        // A chain of a million places, each part of the next, is walked once.
        let n = 1_000_000;
        assert!(cycles(n, |i| (i + 1 < n).then_some(i + 1)).is_empty());
    }
}
