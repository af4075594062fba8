//! What every page of the site shares: what the caller supplies, which records get a page, and
//! where each record is found.

use crate::markup::file_name;
use crate::model::{Base, EntityRef, Kind};

/// What the caller supplies: the pictures, and the text of each source.
pub struct Inputs<'a> {
    /// The timeline of the whole base as SVG markup, linked with [`href`] from the index.
    pub timeline: String,
    /// The relation picture of a person, organisation or place as an SVG document, or `None`.
    pub graph: &'a (dyn Fn(EntityRef) -> Option<String> + Sync),
    /// The full text of each source, by index; `None` where the base gives none or it is not
    /// readable.
    pub texts: Vec<Option<std::sync::Arc<str>>>,
}

/// Whether a record gets a page of its own: every kind but quotes, which are shown (with an
/// anchor each) on their speakers' and subjects' pages.
pub fn has_page(kind: Kind) -> bool {
    kind != Kind::Quote
}

/// The URL of a record's page (or, for a quote, of its place on its speaker's page), relative to
/// the folder of record pages. From the index, prefix `records/`.
pub fn href(base: &Base, r: EntityRef) -> String {
    match r.kind {
        Kind::Quote => {
            let speaker = base.quotes[r.idx as usize].speaker;
            format!(
                "{}.html#{}",
                file_name(base.id(speaker)),
                quote_anchor(base, r)
            )
        }
        _ => format!("{}.html", file_name(base.id(r))),
    }
}

/// The anchor of an actor's `n`th role, on the actor's page.
pub fn role_anchor(n: usize) -> String {
    format!("role-{n}")
}

/// The anchor of an organisation's `n`th member, on the organisation's page.
pub fn member_anchor(n: usize) -> String {
    format!("member-{n}")
}

/// The anchor of a quote on every page that shows it.
pub fn quote_anchor(base: &Base, q: EntityRef) -> String {
    format!("q-{}", file_name(base.id(q)))
}

/// A fact file's path as a page shows it: relative to the folder the base's files share, so no
/// page gives away where the base sits on the machine that built the site (`/home/ana/...`);
/// a built-in file as `built-in:facts/...`.
pub fn shown_path(base: &Base, file: &str) -> String {
    if file.starts_with(crate::model::BUILTIN) {
        return file.to_string();
    }
    let common = base
        .files
        .iter()
        .filter(|f| !f.starts_with(crate::model::BUILTIN))
        .map(|f| {
            std::path::Path::new(f)
                .parent()
                .unwrap_or(std::path::Path::new(""))
        })
        .reduce(|a, b| {
            let mut a = a;
            while !b.starts_with(a) {
                a = a.parent().unwrap_or(std::path::Path::new(""));
            }
            a
        })
        .unwrap_or(std::path::Path::new(""));
    let rel = std::path::Path::new(file)
        .strip_prefix(common)
        .unwrap_or(std::path::Path::new(file));
    rel.display().to_string()
}
