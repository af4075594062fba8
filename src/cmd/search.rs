//! `kz search TEXT`: every record with a text field that contains TEXT.

use crate::config::Ctx;
use crate::exit::Failure;
use crate::model::{Base, EntityRef, Kind, Text};
use crate::names;
use crate::query::source_ids;
use crate::render::{self, Rows};
use std::io::Write;

/// Find every record whose text contains TEXT.
///
/// Searches names, aliases, descriptions, titles, quote texts, contexts, evidence, notes and role
/// titles, ignoring case, accents and script. One row per matching field: kind, id, field,
/// snippet.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  kz search peacekeep\n  kz search 'Atlantic Council' -f csv")]
pub struct Args {
    /// The text to look for
    pub text: String,
}

pub fn run(args: &Args, ctx: &Ctx, out: &mut dyn Write) -> anyhow::Result<()> {
    let needle = names::normalise(&args.text);
    if needle.is_empty() {
        return Err(Failure::Usage(format!(
            "'{}' has no letters or digits to search for",
            args.text
        ))
        .into());
    }
    let base = ctx.base()?;
    let mut rows = Rows::new(&["kind", "id", "field", "snippet"]);
    for r in base.all() {
        for (field, text) in text_fields(base, r) {
            if names::normalise(text).contains(&needle) {
                let sources = base
                    .meta(r)
                    .map(|m| source_ids(base, &m.sources))
                    .unwrap_or_else(|| vec![base.id(r).to_string()]);
                rows.push(
                    vec![
                        r.kind.name().into(),
                        base.id(r).into(),
                        field.into(),
                        snippet(text, &args.text).into(),
                    ],
                    sources,
                );
            }
        }
    }
    if rows.is_empty() {
        return Err(Failure::NoMatch(format!("no record contains '{}'", args.text)).into());
    }
    render::rows(out, &rows, &ctx.style)?;
    Ok(())
}

/// The searchable text of a record, each with the name of its field.
fn text_fields(base: &Base, r: EntityRef) -> Vec<(String, &str)> {
    let i = r.idx as usize;
    let mut out: Vec<(String, &str)> = Vec::new();
    match r.kind {
        Kind::Source => {
            let s = &base.sources[i];
            push(&mut out, "title", Some(&s.title));
            push(&mut out, "publisher", s.publisher.as_ref());
            push(&mut out, "notes", s.notes.as_ref());
        }
        Kind::Actor => {
            let a = &base.actors[i];
            push(&mut out, "name", Some(&a.name));
            for alias in &a.aliases {
                push(&mut out, "aliases", Some(alias));
            }
            push(&mut out, "description", Some(&a.description));
            for (n, role) in a.roles.iter().enumerate() {
                push(&mut out, &format!("roles[{n}].title"), Some(&role.title));
                push(
                    &mut out,
                    &format!("roles[{n}].evidence"),
                    role.evidence.as_ref(),
                );
                push(&mut out, &format!("roles[{n}].notes"), role.notes.as_ref());
            }
        }
        Kind::Organisation => {
            let o = &base.organisations[i];
            push(&mut out, "name", Some(&o.name));
            for alias in &o.aliases {
                push(&mut out, "aliases", Some(alias));
            }
            push(&mut out, "kind", Some(&o.kind));
            push(&mut out, "description", o.description.as_ref());
            for (n, m) in o.members.iter().enumerate() {
                push(
                    &mut out,
                    &format!("members[{n}].evidence"),
                    m.evidence.as_ref(),
                );
                push(&mut out, &format!("members[{n}].notes"), m.notes.as_ref());
            }
        }
        Kind::Place => {
            let p = &base.places[i];
            push(&mut out, "name", Some(&p.name));
            for alias in &p.aliases {
                push(&mut out, "aliases", Some(alias));
            }
            push(&mut out, "kind", Some(&p.kind));
            push(&mut out, "description", p.description.as_ref());
        }
        Kind::Quote => {
            let q = &base.quotes[i];
            push(&mut out, "text", Some(&q.text));
            push(&mut out, "context", q.context.as_ref());
        }
        Kind::Event => {
            let e = &base.events[i];
            push(&mut out, "title", Some(&e.title));
            push(&mut out, "description", e.description.as_ref());
        }
    }
    if let Some(meta) = base.meta(r) {
        push(&mut out, "evidence", meta.evidence.as_ref());
        push(&mut out, "notes", meta.notes.as_ref());
    }
    out
}

fn push<'b>(out: &mut Vec<(String, &'b str)>, name: &str, text: Option<&'b Text>) {
    if let Some(t) = text {
        out.push((name.to_string(), t.as_str()));
    }
}

/// Up to about 80 characters of `text` around the first match of `needle` (compared as
/// [`names::normalise`] compares), on one line, with `…` where it was cut.
fn snippet(text: &str, needle: &str) -> String {
    let flat: Vec<char> = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .collect();
    let line: String = flat.iter().collect();
    let (folded, owner) = names::fold_with_offsets(&line);
    let want = names::normalise(needle);
    let found = (!want.is_empty()).then(|| folded.find(&want)).flatten();
    let (at, len) = match found {
        Some(byte) => {
            let first = owner[byte];
            let last = owner[byte + want.len() - 1];
            (first, last + 1 - first)
        }
        None => (0, 0),
    };
    let (before, after) = (30, 50);
    let start = at.saturating_sub(before);
    let end = (at + len + after)
        .max(start + before + after)
        .min(flat.len());
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

    #[test]
    fn snippets() {
        let cases = [
            ("short text", "short", "short text"),
            (
                "line\nbreaks   and  spaces",
                "breaks",
                "line breaks and spaces",
            ),
            (
                "Thousands of troops from a Russian-led security alliance arrived in Kazakhstan on January 6 at the request",
                "kazakhstan",
                "… security alliance arrived in Kazakhstan on January 6 at the request",
            ),
            ("Ёлка and more", "ёлка", "Ёлка and more"),
            (
                "Телеканал Хабар 24 сообщил",
                "khabar",
                "Телеканал Хабар 24 сообщил",
            ),
            ("no match here", "zzz", "no match here"),
        ];
        for (text, needle, want) in cases {
            assert_eq!(snippet(text, needle), want, "{text:?}");
        }
    }
}
