//! The page of a source: its fields, its full text with every cited sentence marked (each with
//! an anchor and links back to the facts that cite it), and the records that cite it.

use super::evidence::{Citations, Of};
use super::page::{self, link, list, section};
use super::record::fields;
use super::shared::{Inputs, member_anchor, role_anchor};
use crate::markup::{escape, file_name, safe_url};
use crate::model::view::main_text;
use crate::model::{Base, EntityRef};
use std::fmt::Write as _;

pub fn page(base: &Base, s: u32, cit: &Citations, inputs: &Inputs) -> String {
    let r = EntityRef::source(s);
    let source = &base.sources[s as usize];
    let mut body = format!(
        "<h1>{}</h1>\n<p class=\"kind\">source</p>\n",
        escape(&source.title)
    );
    body.push_str(&fields(base, r, &["url", "text"]));
    if let Some(url) = &source.url {
        match safe_url(url) {
            Some(u) => {
                let _ = writeln!(
                    body,
                    "<p>Online: <a href=\"{}\" rel=\"noopener noreferrer\">{}</a></p>",
                    escape(u),
                    escape(u)
                );
            }
            None => {
                let _ = writeln!(
                    body,
                    "<p>Address given: <code>{}</code> (not a web link, so not linked)</p>",
                    escape(url)
                );
            }
        }
    }
    if let Some(notes) = main_text(base, r) {
        let _ = writeln!(body, "<p class=\"muted\">Notes: {}</p>", escape(notes));
    }
    match inputs.texts.get(s as usize).and_then(Option::as_ref) {
        Some(text) => body.push_str(&section("text", "Text", marked_text(base, text, s, cit))),
        None => body.push_str(
            "<p class=\"muted\">The base gives no text of this source, so no sentence is \
             marked.</p>\n",
        ),
    }
    // Every record citing it (a quote's link lands on it on its speaker's page), then every role
    // and membership that cites it on its own.
    let term = |page: EntityRef, anchor: String, label: String, what: &str| {
        format!(
            "<a href=\"{}.html#{anchor}\">{}</a> <span class=\"muted\">({what})</span>",
            file_name(base.id(page)),
            escape(&label)
        )
    };
    let citing: Vec<String> = cit
        .citing(s)
        .map(|fact| match fact.of {
            Of::Record(x) => format!(
                "{} <span class=\"muted\">({})</span>",
                link(base, x),
                x.kind.name()
            ),
            Of::Role(a, n) => {
                let actor = &base.actors[a as usize];
                let label = format!("{}, {}", actor.name, actor.roles[n].title);
                term(EntityRef::actor(a), role_anchor(n), label, "role")
            }
            Of::Member(o, n) => {
                let org = &base.organisations[o as usize];
                let label = format!("{} in {}", base.label(org.members[n].member), org.name);
                term(EntityRef::org(o), member_anchor(n), label, "membership")
            }
        })
        .collect();
    body.push_str(&section(
        "cited-by",
        "Records citing this source",
        if citing.is_empty() {
            String::new()
        } else {
            list("plain", &citing)
        },
    ));
    page::frame("../", &source.title, &body)
}

/// The text, paragraph by paragraph: each sentence that a fact cites is a `<mark>` with the
/// anchor `s-N` and links back to the facts.
fn marked_text(base: &Base, text: &str, s: u32, cit: &Citations) -> String {
    let marks = &cit.sources[s as usize];
    let mut out = String::from("<article class=\"text\">\n<p>");
    let mut at = 0;
    for (n, range) in marks.sentences.iter().enumerate() {
        // The white space between sentences; a line break starts a new paragraph (a source
        // text is kept one paragraph per line, or with blank lines between paragraphs).
        let between = &text[at..range.start];
        if between.contains("\n\n") || (at > 0 && between.contains('\n')) {
            out.push_str("</p>\n<p>");
        } else if !between.is_empty() {
            out.push(' ');
        }
        let sentence = escape(&text[range.clone()]);
        match marks.cited.get(&n) {
            Some(facts) => {
                let _ = write!(out, "<mark id=\"s-{n}\">{sentence}</mark>");
                out.push_str("<span class=\"backlinks\">");
                for (k, &f) in facts.iter().enumerate() {
                    let fact = &cit.facts[f];
                    let _ = write!(
                        out,
                        "<a href=\"{}.html#{}\" title=\"{}\">[{}]</a>",
                        file_name(base.id(fact.at.page)),
                        escape(&fact.at.anchor),
                        escape(&fact.what),
                        k + 1
                    );
                }
                out.push_str("</span>");
            }
            None => out.push_str(&sentence),
        }
        at = range.end;
    }
    out.push_str("</p>\n</article>\n");
    out
}
