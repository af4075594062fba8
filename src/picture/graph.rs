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

/// Draws `nodes` and the `edges` among them as an SVG document. `focus`, if given, is drawn
/// with a heavier outline. `tidy` runs `layout-rs`'s rank and crossing optimisation, whose cost
/// grows much faster than the graph: worth it for one picture, not for thousands.
pub fn svg(
    base: &Base,
    nodes: &BTreeSet<EntityRef>,
    edges: &[&Edge],
    focus: Option<EntityRef>,
    tidy: bool,
) -> String {
    if nodes.is_empty() {
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"200\" height=\"40\" \
                viewBox=\"0 0 200 40\"><text x=\"10\" y=\"24\">No relations.</text></svg>"
            .to_string();
    }
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
        graph.add_edge(arrow, from, to);
    }
    let mut writer = SVGWriter::new();
    graph.do_it(false, !tidy, false, &mut writer);
    stable_styles(writer.finalize())
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
        let first = svg(&base, &nodes, &edges, Some(csto), true);
        assert!(first.contains("<style>"));
        for _ in 0..20 {
            assert_eq!(svg(&base, &nodes, &edges, Some(csto), true), first);
        }
    }
}
