//! `kz site DIR`: a static website of the base, with its pictures, written into DIR.

use super::{Cx, Run};
use crate::Error;
use crate::load;
use crate::model::{Base, EntityRef};
use crate::picture;
use crate::query::relations::{Adjacency, Relation, edges};
use crate::query::timeline;
use crate::site;
use crate::text::plural;
use std::path::{Path, PathBuf};

/// Write a static website of the base into DIR: plain files that work from file:// and on any
/// static host, with no server and nothing fetched from elsewhere.
///
/// The index shows what the base holds (sources, counts, the timeline picture, the lists of
/// people, organisations, places and events) and a search box. Every person, organisation,
/// place, event and source has a page; quotes are shown, each with an anchor, on the pages of
/// their speakers and subjects. Each source's text is a page in which every sentence a fact
/// cites is marked and links back to those facts, and every fact's source link lands on its
/// sentence. People, organisations and places have a relation picture: the record in the
/// middle, the records one step from it around it, grouped by relation.
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
    fn formats(&self) -> super::Formats {
        super::Formats::None("it writes a website")
    }

    fn run(&self, cx: &mut Cx<'_>) -> Result<(), crate::Error> {
        check_target(&self.dir)?;
        let base = cx.base()?;
        std::fs::create_dir_all(&self.dir)
            .map_err(|e| Error::io(e, format!("cannot create {}", self.dir.display())))?;
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
        // Links from a picture work both on the page that shows it and opened alone from
        // `graphs/`: both folders sit side by side.
        let record = |r: EntityRef| Some(format!("../records/{}", site::href(base, r)));
        let more = |r: EntityRef, relation: Relation, outward: bool| {
            let section = site::section_listing(relation, outward)
                .map(|s| format!("#{s}"))
                .unwrap_or_default();
            Some(format!("../records/{}{section}", site::href(base, r)))
        };
        let links = picture::ego::Links {
            record: Some(&record),
            more: Some(&more),
        };
        let graph = |r: EntityRef| {
            let touching = adjacency.touching(r);
            (!touching.is_empty()).then(|| picture::ego::svg(base, r, &touching, &links))
        };
        let inputs = site::Inputs {
            timeline,
            graph: &graph,
            texts: source_texts(base),
        };
        let written = site::write(base, &self.dir, &inputs).map_err(|e| {
            Error::io(e, format!("cannot write the site into {}", self.dir.display()))
        })?;
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
fn check_target(dir: &Path) -> Result<(), Error> {
    match std::fs::read_dir(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::Usage(format!(
            "cannot use {} for the site: {e}",
            dir.display()
        ))),
        Ok(mut entries) => {
            if entries.next().is_none() || dir.join(site::MARKER).is_file() {
                Ok(())
            } else {
                Err(Error::Usage(format!(
                    "{} is not empty and holds no site kz wrote ({} is missing); give an empty \
                     or new folder",
                    dir.display(),
                    site::MARKER
                )))
            }
        }
    }
}

/// The full text of each source: read from disk where `kz check` read it when it checked the
/// base (so only a file inside the base), or from the texts built into kz for the built-in
/// base. `None` where the base gives no text.
fn source_texts(base: &Base) -> Vec<Option<String>> {
    base.sources.iter().map(|s| source_text(base, s)).collect()
}

/// The full text of one source, as [`source_texts`] reads it.
pub(super) fn source_text(base: &Base, s: &crate::model::Source) -> Option<String> {
    let rel = s.text.as_deref()?;
    let file = base.files.get(s.origin.file as usize)?;
    let file = file.strip_prefix(load::BUILTIN).unwrap_or(file);
    let path = Path::new(file).parent().unwrap_or(Path::new("")).join(rel);
    if let Ok(full) = std::path::absolute(&path)
        && base.texts.iter().any(|t| t.path == full)
    {
        return std::fs::read_to_string(&full)
            .ok()
            .map(|t| t.trim_start_matches('\u{feff}').to_string());
    }
    let want = load::normalise_path(&path);
    load::builtin_sources()
        .iter()
        .find(|(p, _)| load::normalise_path(Path::new(p)) == want)
        .map(|(_, text)| text.trim_start_matches('\u{feff}').to_string())
}
