//! `kz site DIR`: a static website of the base, with its pictures, written into DIR.

use super::graph::{Adjacency, TIDY_EDGES};
use super::{Cx, Run};
use crate::exit::Failure;
use crate::load;
use crate::model::{Base, EntityRef};
use crate::picture;
use crate::query::relations::edges;
use crate::query::timeline;
use crate::site;
use crate::text::plural;
use anyhow::Context as _;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;

/// Write a static website of the base into DIR: plain files that work from file:// and on any
/// static host, with no server and nothing fetched from elsewhere.
///
/// The index shows what the base holds (sources, counts, the timeline picture, the lists of
/// people, organisations, places and events) and a search box. Every person, organisation,
/// place, event and source has a page; quotes are shown, each with an anchor, on the pages of
/// their speakers and subjects. Each source's text is a page in which every sentence a fact
/// cites is marked and links back to those facts, and every fact's source link lands on its
/// sentence. People, organisations and places have a relation picture.
///
/// DIR must be missing, empty, or a site kz wrote before (which it then writes over).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  kz site site/ && xdg-open site/index.html\n  kz site --facts my-facts/ /var/www/kz")]
pub struct Args {
    /// The folder to write the site into
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

impl Run for Args {
    fn run(&self, cx: &mut Cx<'_>) -> anyhow::Result<()> {
        check_target(&self.dir)?;
        let base = cx.base()?;
        std::fs::create_dir_all(&self.dir)
            .with_context(|| format!("cannot create {}", self.dir.display()))?;
        let entries = timeline::entries(base);
        let link = |r: EntityRef| Some(format!("records/{}", site::href(base, r)));
        let timeline = picture::timeline::svg(
            &entries,
            &picture::timeline::Options {
                link: Some(&link),
                ..Default::default()
            },
        );
        let all = edges(base);
        let adjacency = Adjacency::new(&all);
        // Thousands of pictures are drawn quickly rather than tidily.
        let tidy = all.len() <= 2 * TIDY_EDGES;
        let graph = |r: EntityRef| {
            let nodes = adjacency.neighbourhood(&[r], 1);
            (nodes.len() > 1 && nodes.len() <= site::MAX_GRAPH_NODES).then(|| {
                picture::graph::svg(base, &nodes, &adjacency.among(&nodes), Some(r), tidy)
            })
        };
        let inputs = site::Inputs {
            timeline,
            graph: &graph,
            texts: source_texts(base)?,
        };
        let written = site::write(base, &self.dir, &inputs)
            .with_context(|| format!("cannot write the site into {}", self.dir.display()))?;
        writeln!(
            cx.out,
            "wrote {} and {}, with {} marked, to {}; open {}",
            plural(written.pages, "page"),
            plural(written.pictures, "picture"),
            plural(written.marked, "cited sentence"),
            self.dir.display(),
            self.dir.join("index.html").display()
        )?;
        Ok(())
    }
}

/// Refuses a folder that holds anything but a site kz wrote, before any work.
fn check_target(dir: &Path) -> Result<(), Failure> {
    match std::fs::read_dir(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Failure::Usage(format!(
            "cannot use {} for the site: {e}",
            dir.display()
        ))),
        Ok(mut entries) => {
            if entries.next().is_none() || dir.join(site::MARKER).is_file() {
                Ok(())
            } else {
                Err(Failure::Usage(format!(
                    "{} is not empty and holds no site kz wrote ({} is missing); give an empty \
                     or new folder",
                    dir.display(),
                    site::MARKER
                )))
            }
        }
    }
}

/// The full text of each source, exactly as `kz check` read it: held since the check, or, for a
/// base read from a snapshot, read again through the same confined reader and used only if its
/// bytes are the ones checked. A text that changed since marks the base damaged, so the command
/// is run again on a base checked anew. `None` where the base gives no text.
fn source_texts(base: &Base) -> anyhow::Result<Vec<Option<Arc<str>>>> {
    let read: Vec<Option<Result<Arc<str>, load::TextError>>> = base
        .checked_texts
        .par_iter()
        .map(|t| t.as_ref().map(load::checked_text))
        .collect();
    let mut texts = Vec::with_capacity(read.len());
    for (s, text) in read.into_iter().enumerate() {
        match text.transpose() {
            Ok(text) => texts.push(text),
            Err(err) => {
                base.damage_flag().store(true, Ordering::Relaxed);
                let id = &base.sources[s].id;
                anyhow::bail!("cannot read the text of source `{id}` again: {err}");
            }
        }
    }
    texts.resize(base.sources.len(), None);
    Ok(texts)
}
