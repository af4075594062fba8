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
use rayon::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;

/// Write a static website of the base into DIR: plain files that work from file:// and on any
/// static host, with no server and nothing fetched from elsewhere.
///
/// The index shows what the base holds (how many records of each kind, the sources), the
/// timeline picture with each mark linked to its record, the lists of people, organisations,
/// places and events, and a search box that finds records by name, alias or id (a small script
/// over search-index.js, written with the site; everything else works with JavaScript off).
///
/// Every person, organisation, place, event and source has a page holding what `kz who` shows.
/// Quotes have no page each: each is shown, with an anchor (#q-ID), on its speaker's page and on
/// its subjects'. Dates read as their precision allows (2022-01-02/2022-01-08 is "2–8 January
/// 2022", 199X "1990s"); hovering shows the EDTF. People, organisations and places have a
/// relation picture of everything one step away, drawn as `kz graph --to svg` draws it.
///
/// Every fact links to its evidence. Each source with a text becomes a page of that text in
/// which every sentence some fact cites is marked (<mark id="s-N">) and followed by links back
/// to those facts; a fact's source link lands on the first sentence it cites. A fact's claims
/// are found as `kz check` finds them: white space folded, curly and straight quotes alike, an
/// elided quote by its pieces.
///
/// Safe with any text: every string from a fact file is escaped for HTML, SVG and script JSON;
/// control characters and bidirectional overrides are shown as escapes; a source url is a link
/// only if it is http: or https:. Pages carry a Content-Security-Policy that allows only the
/// site's own style sheet and scripts. Lists longer than 50 fold the rest under "N more".
///
/// DIR must be missing, empty, or a site kz wrote before. The site is built beside DIR and
/// renamed into place; over an old site, kz replaces or removes only the files it wrote there
/// (its list, kz-site.txt, names them with their hashes) and keeps every other file. A file of
/// yours where the site needs the name (a changed style.css, a link named index.html) stops the
/// build before anything is touched.
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
        let target = site::Target::open(&self.dir).map_err(|e| Error::Usage(e.to_string()))?;
        let base = cx.base()?;
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
            texts: source_texts(base)?,
        };
        let written = site::write(base, &target, &inputs).map_err(|e| {
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
        if !written.kept.is_empty() {
            let named = 8;
            let mut list = written.kept[..written.kept.len().min(named)].join(", ");
            if written.kept.len() > named {
                list.push_str(&format!(" and {} more", written.kept.len() - named));
            }
            writeln!(
                cx.out,
                "kept {} that kz did not write: {list}",
                plural(written.kept.len(), "file"),
            )?;
        }
        if let Some(left) = &written.left {
            writeln!(
                cx.out,
                "left the old folder at {}: files appeared in it while the site was built",
                left.display()
            )?;
        }
        Ok(())
    }
}

/// The full text of each source, exactly as `kz check` read it: held since the check, or, for a
/// base read from a snapshot, read again through the same confined reader and used only if its
/// bytes are the ones checked. A text that changed since marks the base damaged, so the command
/// is run again on a base checked anew. `None` where the base gives no text.
fn source_texts(base: &Base) -> Result<Vec<Option<Arc<str>>>, Error> {
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
                return Err(Error::Damaged(format!(
                    "cannot read the text of source `{id}` again: {err}"
                )));
            }
        }
    }
    texts.resize(base.sources.len(), None);
    Ok(texts)
}

/// The full text of one source, exactly as `kz check` read it (see [`source_texts`]).
pub(super) fn source_text(base: &Base, s: u32) -> Result<Option<Arc<str>>, Error> {
    let Some(Some(checked)) = base.checked_texts.get(s as usize) else {
        return Ok(None);
    };
    load::checked_text(checked).map(Some).map_err(|err| {
        base.damage_flag().store(true, Ordering::Relaxed);
        let id = &base.sources[s as usize].id;
        Error::Damaged(format!("cannot read the text of source `{id}` again: {err}"))
    })
}
