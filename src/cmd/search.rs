//! `kz search TEXT`: every record with a text field that contains TEXT.

use super::{Cx, Listing, Run, emit, no_letters, source_ids, text_queries};
use crate::model::view::text_fields;
use crate::query::{self, Miss};
use crate::render::Rows;

/// Find every record whose text contains TEXT.
///
/// Searches names, aliases, descriptions, titles, quote texts, contexts, evidence, notes and role
/// titles, ignoring case, accents, script and the usual romanisation variants. When TEXT is a
/// name, alias or id of a record, every other name of that record is looked for too, so
/// `Токаев` finds what `Tokayev` finds. A TEXT or name of fewer than four letters matches whole words only.
/// One row per matching field: kind, id, field, snippet.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kz search peacekeep\n  kz search 'Atlantic Council' -f csv\n  kz search Токаев --facet kind"
)]
pub struct Args {
    /// The text to look for
    pub text: String,
    #[command(flatten)]
    pub listing: Listing,
}

impl Run for Args {
    fn run(&self, cx: &mut Cx<'_>) -> Result<(), crate::Error> {
        if crate::names::normalise(&self.text).is_empty() {
            return Err(no_letters(&self.text));
        }
        let base = cx.base()?;
        let query = text_queries(base, std::slice::from_ref(&self.text))?.remove(0);
        let mut rows = Rows::new(&["kind", "id", "field", "snippet"]);
        for r in base.all().filter(|&r| query::counts(base, r, 0)) {
            for (field, text) in text_fields(base, r) {
                let Some(found) = query.find(text) else {
                    continue;
                };
                let sources = base
                    .meta(r)
                    .map(|m| source_ids(base, &m.sources))
                    .unwrap_or_else(|| vec![base.id(r).to_string()]);
                rows.push(
                    vec![
                        r.kind.name().into(),
                        base.id(r).into(),
                        field.into_owned().into(),
                        snippet(text, found).into(),
                    ],
                    sources,
                );
            }
        }
        emit(cx, rows, &self.listing, || {
            Miss::Nothing(format!("no record contains '{}'", self.text))
        })
    }
}

/// Up to about 80 characters of `text` around a match (its first char and length in chars),
/// on one line, with `…` where it was cut.
fn snippet(text: &str, (at, len): (usize, usize)) -> String {
    // Whitespace runs become one space; a match's char positions move with them.
    let mut flat: Vec<char> = Vec::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            map.push(flat.len());
            space = true;
            continue;
        }
        if space && !flat.is_empty() {
            flat.push(' ');
        }
        space = false;
        map.push(flat.len());
        flat.push(c);
    }
    map.push(flat.len());
    let first = map[at.min(map.len() - 1)];
    let last = map[(at + len).min(map.len() - 1)];
    let (before, after) = (30, 50);
    let start = first.saturating_sub(before);
    let end = (last + after).max(start + before + after).min(flat.len());
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.extend(&flat[start..end]);
    if end < flat.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::snippet;
    use crate::model::Base;
    use crate::query::TextQuery;

    #[test]
    fn snippets() {
        let base = Base::default();
        let cases = [
            ("short text", "short", "short text"),
            ("line\nbreaks   and  spaces", "breaks", "line breaks and spaces"),
            (
                "Thousands of troops from a Russian-led security alliance arrived in Kazakhstan on January 6 at the request",
                "kazakhstan",
                "… security alliance arrived in Kazakhstan on January 6 at the request",
            ),
            ("Ёлка and more", "ёлка", "Ёлка and more"),
            ("Телеканал Хабар 24 сообщил", "khabar", "Телеканал Хабар 24 сообщил"),
        ];
        for (text, needle, want) in cases {
            let found = TextQuery::new(&base, needle).unwrap().find(text).unwrap();
            assert_eq!(snippet(text, found), want, "{text:?}");
        }
    }
}
