//! Pictures of the base: as SVG, drawn in-process, the timeline (with the `svg` crate) and the
//! relation graph (laid out and drawn by `layout-rs`); and the relation graph as DOT and
//! Mermaid text for other tools ([`text`]). No outside program is run.
//!
//! Every string from a fact file reaches a picture as escaped XML text, with control characters
//! and bidirectional overrides shown as escapes (see [`crate::markup`]).

pub mod draw;
pub mod graph;
pub mod text;
pub mod timeline;

use crate::model::{EntityRef, Kind};

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
