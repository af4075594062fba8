//! `kz site`: the base as a static website of plain files that work from `file://` and on any
//! static host. An index (what the base holds, the timeline, the lists, a search box), a page per
//! person, organisation, place, event and source, and each source's text with every sentence a
//! fact cites marked and linked back to the facts.
//!
//! Every page shows a record through its one view ([`crate::model::view`]) and its relations
//! through [`crate::query::relations::of`], as `kz who` does. Every string from a fact file goes
//! through [`crate::markup`]. Pictures come ready-made from the caller (the command layer draws
//! them with `picture`), so this module depends on nothing above the query layer.

mod evidence;
mod index;
mod page;
mod record;
mod shared;
mod source;

pub use record::section_listing;
pub use shared::{Inputs, has_page, href, quote_anchor};

use crate::markup::file_name;
use crate::model::{Base, EntityRef, Kind};
use evidence::Citations;
use rayon::prelude::*;
use std::io;
use std::path::Path;

/// The file that marks a folder as a site kz wrote, so `kz site` may write over it again.
pub const MARKER: &str = "kz-site.txt";

/// What a build wrote.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    pub pages: usize,
    pub pictures: usize,
    /// Sentences marked as cited, over every source text.
    pub marked: usize,
}

/// Writes the whole site into `dir`, which must exist. Over a site kz wrote before, the pages
/// and pictures of the old one go first, so no page of a record since removed lingers.
pub fn write(base: &Base, dir: &Path, inputs: &Inputs) -> io::Result<Written> {
    let records_dir = dir.join("records");
    let graphs_dir = dir.join("graphs");
    if dir.join(MARKER).is_file() {
        for old in [&records_dir, &graphs_dir] {
            if old.is_dir() {
                std::fs::remove_dir_all(old)?;
            }
        }
    }
    std::fs::create_dir_all(&records_dir)?;
    std::fs::create_dir_all(&graphs_dir)?;
    let citations = Citations::find(base, &inputs.texts);
    std::fs::write(dir.join("style.css"), page::STYLE)?;
    std::fs::write(dir.join("search.js"), page::SEARCH_JS)?;
    std::fs::write(dir.join("search-index.js"), index::search_data(base))?;
    std::fs::write(dir.join("timeline.svg"), &inputs.timeline)?;
    std::fs::write(
        dir.join("index.html"),
        index::page(base, &citations, inputs),
    )?;
    std::fs::write(
        dir.join(MARKER),
        "Written by `kz site`. kz writes over this folder when asked to build a site into it \
         again.\n",
    )?;
    let pages: Vec<EntityRef> = base.all().filter(|r| has_page(r.kind)).collect();
    let counts = pages
        .par_iter()
        .map(|&r| -> io::Result<(usize, usize)> {
            let name = file_name(base.id(r));
            let graph = match r.kind {
                Kind::Actor | Kind::Organisation | Kind::Place => (inputs.graph)(r),
                _ => None,
            };
            if let Some(svg) = &graph {
                std::fs::write(graphs_dir.join(format!("{name}.svg")), svg)?;
            }
            let html = match r.kind {
                Kind::Source => source::page(base, r.idx, &citations, inputs),
                _ => record::page(base, r, &citations, graph.as_deref()),
            };
            std::fs::write(records_dir.join(format!("{name}.html")), html)?;
            Ok((1, usize::from(graph.is_some())))
        })
        .try_reduce(|| (0, 0), |a, b| Ok((a.0 + b.0, a.1 + b.1)))?;
    Ok(Written {
        pages: counts.0 + 1,
        pictures: counts.1 + 1,
        marked: citations.marked(),
    })
}
