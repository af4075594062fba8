//! Pictures of the base, drawn in-process as SVG with the `svg` crate: the timeline
//! ([`timeline`]), the relation picture of one record ([`ego`]) and of many ([`graph`]); and
//! the relation graph as DOT and Mermaid text for other tools ([`text`]). No outside program is
//! run.
//!
//! Every string from a fact file reaches a picture as escaped XML text, with control characters
//! and bidirectional overrides shown as escapes (see [`crate::markup`]), and never as an
//! attribute value (the `svg` crate escapes no quotes there).

pub mod draw;
pub mod ego;
pub mod graph;
pub mod text;
pub mod timeline;

use crate::markup::shown;
use crate::model::{Base, EntityRef, Kind};
use crate::query::relations::Relation;
use draw::num;
use svg::node::element::{Group, Rectangle, Title};

/// Where a picture's marks link to: a relative URL for a record, or none in a picture that
/// stands alone.
pub type Linker<'a> = &'a (dyn Fn(EntityRef) -> Option<String> + Sync);

/// The fill and stroke a kind of record is drawn with, the same as `kz graph --to dot|mermaid`.
pub fn colours(kind: Kind) -> (&'static str, &'static str) {
    match kind {
        Kind::Actor => ("#dbeafe", "#1e3a8a"),
        Kind::Organisation => ("#fde68a", "#92400e"),
        Kind::Place => ("#bbf7d0", "#166534"),
        Kind::Event => ("#fecaca", "#991b1b"),
        Kind::Quote => ("#e0e7ff", "#3730a3"),
        Kind::Source => ("#e5e7eb", "#374151"),
    }
}

/// Line colours for the kinds of relation, in the order of [`Relation::all`]: dark enough to
/// read as text on white, and apart from each other.
const RELATION_COLOURS: [&str; 10] = [
    "#7c3aed", "#0f766e", "#b45309", "#c2410c", "#15803d", "#b91c1c", "#be185d", "#4d7c0f",
    "#1d4ed8", "#475569",
];

/// The colour a kind of relation is drawn in, and its dash pattern past the colours there are.
pub fn relation_colour(r: Relation) -> (&'static str, Option<&'static str>) {
    let slot = r.slot();
    let colour = RELATION_COLOURS[slot % RELATION_COLOURS.len()];
    match slot / RELATION_COLOURS.len() {
        0 => (colour, None),
        _ => (colour, Some("6,3")),
    }
}

/// A record's box, labels to be added: a rectangle at `(x, y)`, `w` × `h`, filled and outlined
/// by kind (a person's rounded), that says the record's name and kind when pointed at.
fn record_frame(
    base: &Base,
    r: EntityRef,
    (x, y, w, h): (f64, f64, f64, f64),
    stroke: f64,
) -> Group {
    let (fill, line) = colours(r.kind);
    Group::new()
        .add(Title::new(format!(
            "{} ({})",
            shown(base.label(r)),
            r.kind.name()
        )))
        .add(
            Rectangle::new()
                .set("x", num(x))
                .set("y", num(y))
                .set("width", num(w))
                .set("height", num(h))
                .set("rx", if r.kind == Kind::Actor { 12 } else { 3 })
                .set("fill", fill)
                .set("stroke", line)
                .set("stroke-width", stroke),
        )
}
