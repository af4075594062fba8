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
mod folder;
mod index;
mod page;
mod record;
mod shared;
mod source;

pub use folder::{MARKER, Target};
pub use record::section_listing;
pub use shared::{Inputs, has_page, href, quote_anchor};

use crate::markup::file_name;
use crate::model::{Base, EntityRef, Kind};
use evidence::Citations;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::io;
use std::path::PathBuf;

/// What a build wrote.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Written {
    pub pages: usize,
    pub pictures: usize,
    /// Sentences marked as cited, over every source text.
    pub marked: usize,
    /// The files in the folder that kz did not write, kept in the new site.
    pub kept: Vec<String>,
    /// Where the old folder was left, with files that appeared in it during the build.
    pub left: Option<PathBuf>,
}

/// Writes the whole site in place of the folder `target`. It is built in a folder of its own and
/// renamed into place, so a failed or stopped build leaves the old folder as it was; the files
/// of the old site go, and every other file in it is kept (see [`folder`]).
pub fn write(base: &Base, target: &Target, inputs: &Inputs) -> io::Result<Written> {
    let pages: Vec<EntityRef> = base.all().filter(|r| has_page(r.kind)).collect();
    let names: BTreeSet<String> = pages
        .iter()
        .map(|&r| format!("records/{}.html", file_name(base.id(r))))
        .collect();
    target.refuse_conflicts(&names)?;
    let build = target.build()?;
    let citations = Citations::find(base, &inputs.texts);
    build.write("style.css", page::STYLE.as_bytes())?;
    build.write("search.js", page::SEARCH_JS.as_bytes())?;
    build.write("search-index.js", index::search_data(base).as_bytes())?;
    build.write("timeline.svg", inputs.timeline.as_bytes())?;
    build.write(
        "index.html",
        index::page(base, &citations, inputs).as_bytes(),
    )?;
    let counts = pages
        .par_iter()
        .map(|&r| -> io::Result<(usize, usize)> {
            let name = file_name(base.id(r));
            let graph = match r.kind {
                Kind::Actor | Kind::Organisation | Kind::Place => (inputs.graph)(r),
                _ => None,
            };
            if let Some(svg) = &graph {
                build.write(&format!("graphs/{name}.svg"), svg.as_bytes())?;
            }
            let html = match r.kind {
                Kind::Source => source::page(base, r.idx, &citations, inputs),
                _ => record::page(base, r, &citations, graph.as_deref()),
            };
            build.write(&format!("records/{name}.html"), html.as_bytes())?;
            Ok((1, usize::from(graph.is_some())))
        })
        .try_reduce(|| (0, 0), |a, b| Ok((a.0 + b.0, a.1 + b.1)))?;
    let finished = build.finish()?;
    Ok(Written {
        pages: counts.0 + 1,
        pictures: counts.1 + 1,
        marked: citations.marked(),
        kept: finished.kept,
        left: finished.left,
    })
}
