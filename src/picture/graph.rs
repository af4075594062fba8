//! The relation picture: the records `kz graph` draws and the edges between them, laid out and
//! rendered as SVG by `layout-rs`, a Rust implementation of Graphviz's layered layout.
//!
//! Records are boxes coloured by kind (people rounded, events with their date); edges carry
//! their relation. Labels pass through [`crate::markup::shown`] before `layout-rs` escapes them
//! as XML, so control characters and bidirectional overrides show as escapes.

use super::colours;
use crate::markup::shown;
use crate::model::{Base, EntityRef, Kind};
use crate::query::relations::Edge;
use crate::text::shorten;
use layout::backends::svg::SVGWriter;
use layout::core::base::Orientation;
use layout::core::color::Color;
use layout::core::style::StyleAttr;
use layout::std_shapes::render::get_shape_size;
use layout::std_shapes::shapes::{Arrow, Element, LineEndKind, ShapeKind};
use layout::topo::layout::VisualGraph;
use std::collections::{BTreeMap, BTreeSet};

/// The most edges an SVG picture is laid out tidily for (crossings minimised); past it the
/// layout is quick but rougher.
pub const TIDY_EDGES: usize = 400;

/// Font sizes of node and edge labels. The site shows a picture at its own size, scrolled.
const NODE_FONT: usize = 14;
const EDGE_FONT: usize = 12;

/// How long a node's or an edge's label may be before it is cut.
const NODE_CHARS: usize = 34;
const EDGE_CHARS: usize = 28;

fn colour(hex: &str) -> Color {
    Color::from_name(hex).unwrap_or_else(|| Color::fast("black"))
}

/// A node's label: its name (an event's with its date on a line before), shown safely and cut.
fn node_label(base: &Base, r: EntityRef) -> String {
    let name = shorten(&shown(base.label(r)).replace('\n', " "), NODE_CHARS);
    match r.kind {
        Kind::Event => format!(
            "{}\n{name}",
            shown(&base.events[r.idx as usize].date.human())
        ),
        _ => name,
    }
}

/// Past this many records or relations a picture is refused at once: the layout would take
/// minutes, and even measuring its size (below) takes a second.
pub const MAX_NODES: usize = 150;
pub const MAX_EDGES: usize = 500;

/// The most boxes layout-rs may have to place: records, edge labels and the bends of edges
/// that cross ranks. Its placement costs about the square of that number, and more in a deep
/// picture than in a wide one: 2,300 took 0.3 s, 3,500 took 1.2 s, 11,500 between 4 and 18 s.
pub const MAX_ELEMENTS: usize = 3_000;

/// The most boxes a picture is laid out tidily for (ranks and crossings optimised), whose cost
/// grows faster still: a picture of 2,800 took 2.7 s tidily and 0.2 s roughly.
const TIDY_ELEMENTS: usize = 1_000;

/// A picture too big to lay out in good time: what it would hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooBig {
    pub nodes: usize,
    pub edges: usize,
    /// The boxes its layout would place, where they were counted.
    pub elements: Option<usize>,
}

impl std::fmt::Display for TooBig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "a picture of {} and {} is too big to lay out in good time",
            crate::text::plural(self.nodes, "record"),
            crate::text::plural(self.edges, "relation"),
        )?;
        match self.elements {
            Some(n) => write!(
                f,
                " (its layout has {n} boxes and bends to place; kz places at most {MAX_ELEMENTS})"
            ),
            None => write!(
                f,
                " (kz draws at most {MAX_NODES} records and {MAX_EDGES} relations)"
            ),
        }
    }
}

/// Draws `nodes` and the `edges` among them as an SVG document, or says it is too big to. `focus`,
/// if given, is drawn with a heavier outline. `tidy` asks for `layout-rs`'s rank and crossing
/// optimisation, which a picture gets only while it is small (see [`TIDY_ELEMENTS`]).
pub fn svg(
    base: &Base,
    nodes: &BTreeSet<EntityRef>,
    edges: &[&Edge],
    focus: Option<EntityRef>,
    tidy: bool,
) -> Result<String, TooBig> {
    if nodes.is_empty() {
        return Ok(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"200\" height=\"40\" \
             viewBox=\"0 0 200 40\"><text x=\"10\" y=\"24\">No relations.</text></svg>"
                .to_string(),
        );
    }
    let mut too_big = TooBig {
        nodes: nodes.len(),
        edges: edges.len(),
        elements: None,
    };
    if nodes.len() > MAX_NODES || edges.len() > MAX_EDGES {
        return Err(too_big);
    }
    // What the layout will place, counted by lowering a copy as the layout does (without its
    // optimisations, which cost as much as the layout).
    let mut probe = visual(base, nodes, edges, focus);
    probe.to_valid_dag();
    probe.split_text_edges();
    probe.split_long_edges(true);
    let elements = probe.num_nodes();
    if elements > MAX_ELEMENTS {
        too_big.elements = Some(elements);
        return Err(too_big);
    }
    let tidy = tidy && elements <= TIDY_ELEMENTS;
    let mut graph = visual(base, nodes, edges, focus);
    let mut writer = SVGWriter::new();
    graph.do_it(false, !tidy, false, &mut writer);
    Ok(stable_styles(writer.finalize()))
}

/// The picture as layout-rs sees it, before its layout.
fn visual(
    base: &Base,
    nodes: &BTreeSet<EntityRef>,
    edges: &[&Edge],
    focus: Option<EntityRef>,
) -> VisualGraph {
    let mut graph = VisualGraph::new(Orientation::LeftToRight);
    let mut handles = BTreeMap::new();
    for &r in nodes {
        let (fill, stroke) = colours(r.kind);
        let width = if Some(r) == focus { 3 } else { 1 };
        let rounded = if r.kind == Kind::Actor { 14 } else { 2 };
        let look = StyleAttr::new(
            colour(stroke),
            width,
            Some(colour(fill)),
            rounded,
            NODE_FONT,
        );
        let shape = ShapeKind::new_box(&node_label(base, r));
        let size = get_shape_size(Orientation::LeftToRight, &shape, NODE_FONT, false);
        let element = Element::create_with_properties(
            shape,
            look,
            Orientation::LeftToRight,
            size,
            format!("class=\"node {}\"", r.kind.name()),
        );
        handles.insert(r, graph.add_node(element));
    }
    let order = depth_first_order(nodes, edges);
    let mut arrows = Vec::with_capacity(edges.len());
    for e in edges {
        let (Some(&from), Some(&to)) = (handles.get(&e.from), handles.get(&e.to)) else {
            continue;
        };
        if from == to {
            continue;
        }
        let look = StyleAttr::new(colour("#6b7280"), 1, None, 0, EDGE_FONT);
        let label = shorten(&shown(&e.label).replace('\n', " "), EDGE_CHARS);
        let arrow = Arrow::new(
            LineEndKind::None,
            LineEndKind::Arrow,
            layout::core::style::LineStyleKind::Normal,
            &label,
            &look,
            &None,
            &None,
        );
        // Every edge goes from the earlier of its ends to the later, its arrow head kept at
        // the record it points to.
        let (a, b) = (order[&e.from], order[&e.to]);
        if a < b {
            arrows.push(((a, b), arrow, from, to));
        } else {
            arrows.push(((b, a), arrow.reverse(), to, from));
        }
    }
    arrows.sort_by_key(|(ends, ..)| *ends);
    for (_, arrow, from, to) in arrows {
        graph.add_edge(arrow, from, to);
    }
    // The checks re-verify the whole graph after every edge: quadratic at best.
    graph.dag.set_validate(false);
    graph
}

/// Each record's place in a depth-first order of the picture (reverse postorder, following
/// edges the way they point, from records in their order): where the edges form no cycle,
/// every edge goes from an earlier record to a later one, and where they do, the fewest edges
/// a depth-first search finds turn back.
///
/// layout-rs looks for a cycle before adding each edge with a depth-first search that forgets
/// the records it has been through, so its cost grows with the number of paths, exponentially
/// (a picture of 144 records took over two minutes). Given edges from earlier to later records,
/// in the order of their earlier ends, that search ends at once: the later end has no edges
/// out yet.
fn depth_first_order(nodes: &BTreeSet<EntityRef>, edges: &[&Edge]) -> BTreeMap<EntityRef, usize> {
    let mut out: BTreeMap<EntityRef, Vec<EntityRef>> = BTreeMap::new();
    for e in edges {
        if e.from != e.to && nodes.contains(&e.from) && nodes.contains(&e.to) {
            out.entry(e.from).or_default().push(e.to);
        }
    }
    let mut seen: BTreeSet<EntityRef> = BTreeSet::new();
    let mut post: Vec<EntityRef> = Vec::with_capacity(nodes.len());
    for &root in nodes {
        if !seen.insert(root) {
            continue;
        }
        // (record, how many of its edges out have been followed)
        let mut stack = vec![(root, 0usize)];
        while let Some((r, next)) = stack.last_mut() {
            let succ = out.get(r).map_or(&[][..], Vec::as_slice);
            if let Some(&s) = succ.get(*next) {
                *next += 1;
                if seen.insert(s) {
                    stack.push((s, 0));
                }
            } else {
                post.push(*r);
                stack.pop();
            }
        }
    }
    let n = post.len();
    post.into_iter()
        .enumerate()
        .map(|(i, r)| (r, n - 1 - i))
        .collect()
}

/// The SVG with the rules of its first `<style>` sorted: layout-rs writes them from a hash map,
/// in an order that changes from run to run, and the same base must give the same picture.
fn stable_styles(svg: String) -> String {
    let Some(open) = svg.find("<style>\n").map(|at| at + "<style>\n".len()) else {
        return svg;
    };
    let Some(close) = svg[open..].find("</style>").map(|at| open + at) else {
        return svg;
    };
    let mut rules: Vec<&str> = svg[open..close].lines().collect();
    rules.sort_unstable();
    let mut out = String::with_capacity(svg.len());
    out.push_str(&svg[..open]);
    for rule in rules {
        out.push_str(rule);
        out.push('\n');
    }
    out.push_str(&svg[close..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_graph_gives_the_same_picture() {
        let base = crate::open::check_files(crate::load::builtin_files(), Vec::new()).unwrap();
        let csto = base.lookup("csto").unwrap();
        let all = crate::query::relations::edges(&base);
        let edges: Vec<&Edge> = all
            .iter()
            .filter(|e| e.from == csto || e.to == csto)
            .collect();
        assert!(edges.len() > 3);
        let nodes: BTreeSet<EntityRef> = edges.iter().flat_map(|e| [e.from, e.to]).collect();
        let first = svg(&base, &nodes, &edges, Some(csto), true).unwrap();
        assert!(first.contains("<style>"));
        for _ in 0..20 {
            assert_eq!(svg(&base, &nodes, &edges, Some(csto), true).unwrap(), first);
        }
    }
}
