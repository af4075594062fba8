//! The page of a person, organisation, place or event: what `kz who` shows for it. Its own
//! fields come from its one JSON view ([`view::json`]), its relations from
//! [`relations::of`], and each fact carries links to the sentences of its sources.

use super::evidence::{Citations, FactAt};
use super::page::{self, SHOWN, date, link, list, section};
use crate::date::Date;
use crate::markup::{escape, file_name};
use crate::model::view::{self, kind_label, main_text, quote_verb};
use crate::model::{Base, EntityRef, Kind};
use crate::query::relations;
use crate::text::shorten;
use serde_json::Value as Json;
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// Keys of a JSON view that hold record ids.
const REFS: [&str; 10] = [
    "nationality",
    "based_in",
    "part_of",
    "speaker",
    "about",
    "involving",
    "places",
    "org",
    "place",
    "member",
];

/// Keys of a JSON view that hold dates.
const DATES: [&str; 6] = ["date", "founded", "published", "said", "since", "until"];

/// Keys shown elsewhere on the page than the field list.
const SHOWN_APART: [&str; 14] = [
    "record",
    "id",
    "name",
    "title",
    "description",
    "text",
    "aliases",
    "roles",
    "members",
    "source",
    "evidence",
    "notes",
    "file",
    "line",
];

pub fn page(base: &Base, r: EntityRef, cit: &Citations, has_graph: bool) -> String {
    let rel = relations::of(base, r);
    let json = view::json(base, r);
    let mut body = String::new();
    let _ = write!(
        body,
        "<h1>{}</h1>\n<p class=\"kind\">{}</p>\n",
        escape(base.label(r)),
        escape(&kind_label(base, r))
    );
    if let Some(text) = main_text(base, r) {
        let _ = writeln!(body, "<p class=\"lead\">{}</p>", escape(text));
    }
    body.push_str(&fields(base, &json, &SHOWN_APART));
    body.push_str(&own_evidence(base, r, cit));
    if has_graph {
        let _ = writeln!(
            body,
            "<figure class=\"graph\"><img src=\"../graphs/{}.svg\" alt=\"Relations of {}\" \
             loading=\"lazy\"><figcaption class=\"muted\">Relations of {} within one step \
             (scroll sideways for the rest).</figcaption></figure>",
            file_name(base.id(r)),
            escape(base.label(r)),
            escape(base.label(r))
        );
    }
    let mut anchors: BTreeSet<String> = BTreeSet::new();
    let roles: Vec<String> = rel
        .roles
        .iter()
        .enumerate()
        .map(|(n, (a, role))| {
            let at = FactAt {
                page: r,
                anchor: super::shared::role_anchor(n),
            };
            let obj = view::role_json(base, *a, role);
            term(base, cit, &at, &escape(&role.title), &obj)
        })
        .collect();
    body.push_str(&section("roles", "Roles", list_or_empty("facts", &roles)));
    let members: Vec<String> = rel
        .members
        .iter()
        .enumerate()
        .map(|(n, (o, m))| {
            let at = FactAt {
                page: r,
                anchor: super::shared::member_anchor(n),
            };
            let obj = view::membership_json(base, *o, m);
            term(base, cit, &at, &link(base, m.member), &obj)
        })
        .collect();
    body.push_str(&section(
        "members",
        "Members",
        list_or_empty("facts", &members),
    ));
    let people: Vec<String> = rel
        .people
        .iter()
        .map(|(a, role)| {
            let actor = EntityRef::actor(*a);
            let n = base.actors[*a as usize]
                .roles
                .iter()
                .position(|x| std::ptr::eq(x, *role))
                .unwrap_or(0);
            format!(
                "{}: <a href=\"{}.html#{}\">{}</a>{}",
                link(base, actor),
                file_name(base.id(actor)),
                super::shared::role_anchor(n),
                escape(&role.title),
                held(role.term.since.as_ref(), role.term.until.as_ref())
            )
        })
        .collect();
    body.push_str(&section(
        "people",
        "People with a role here",
        list_or_empty("plain", &people),
    ));
    let member_of: Vec<String> = rel
        .member_of
        .iter()
        .map(|(o, m)| {
            let org = EntityRef::org(*o);
            let n = base.organisations[*o as usize]
                .members
                .iter()
                .position(|x| std::ptr::eq(x, *m))
                .unwrap_or(0);
            format!(
                "<a href=\"{}.html#{}\">{}</a>{}",
                file_name(base.id(org)),
                super::shared::member_anchor(n),
                escape(base.label(org)),
                held(m.term.since.as_ref(), m.term.until.as_ref())
            )
        })
        .collect();
    body.push_str(&section(
        "member-of",
        "Member of",
        list_or_empty("plain", &member_of),
    ));
    let parts: Vec<String> = rel
        .parts
        .iter()
        .map(|&p| link(base, EntityRef::place(p)))
        .collect();
    body.push_str(&section(
        "places-within",
        "Places within",
        list_or_empty("plain", &parts),
    ));
    let said: Vec<String> = rel
        .quotes_by
        .iter()
        .enumerate()
        .map(|(n, &q)| quote(base, cit, EntityRef::quote(q), r, &mut anchors, n < SHOWN))
        .collect();
    body.push_str(&section("quotes", "Quotes", list_or_empty("quotes", &said)));
    let about: Vec<String> = rel
        .quotes_about
        .iter()
        .enumerate()
        .map(|(n, &q)| quote(base, cit, EntityRef::quote(q), r, &mut anchors, n < SHOWN))
        .collect();
    body.push_str(&section(
        "quoted-about",
        "Quoted about",
        list_or_empty("quotes", &about),
    ));
    let events: Vec<String> = rel
        .events
        .iter()
        .filter(|&&e| EntityRef::event(e) != r)
        .map(|&e| {
            let ev = &base.events[e as usize];
            format!("{} {}", date(&ev.date), link(base, EntityRef::event(e)))
        })
        .collect();
    body.push_str(&section(
        "events",
        "Events",
        list_or_empty("plain", &events),
    ));
    page::frame(
        "../",
        &format!("{} ({})", base.label(r), kind_label(base, r)),
        &body,
    )
}

/// A list, or nothing for no items.
fn list_or_empty(class: &str, items: &[String]) -> String {
    if items.is_empty() {
        String::new()
    } else {
        list(class, items)
    }
}

/// ` (from X until Y)` for a role or membership, or nothing.
fn held(since: Option<&Date>, until: Option<&Date>) -> String {
    match (since, until) {
        (None, None) => String::new(),
        (Some(s), None) => format!(" <span class=\"muted\">from</span> {}", date(s)),
        (None, Some(u)) => format!(" <span class=\"muted\">until</span> {}", date(u)),
        (Some(s), Some(u)) => format!(
            " <span class=\"muted\">from</span> {} <span class=\"muted\">until</span> {}",
            date(s),
            date(u)
        ),
    }
}

/// The fields of a JSON view as a definition list, leaving out `skip`: references become links,
/// dates read as people write them.
pub fn fields(base: &Base, json: &Json, skip: &[&str]) -> String {
    let Json::Object(map) = json else {
        return String::new();
    };
    let mut out = String::new();
    if let Some(Json::Array(aliases)) = map.get("aliases")
        && !aliases.is_empty()
    {
        let names: Vec<String> = aliases
            .iter()
            .filter_map(Json::as_str)
            .map(escape)
            .collect();
        let _ = writeln!(out, "<dt>also called</dt><dd>{}</dd>", names.join(", "));
    }
    for (key, value) in map {
        if skip.contains(&key.as_str()) {
            continue;
        }
        let shown = value_html(base, key, value);
        if !shown.is_empty() {
            let _ = writeln!(
                out,
                "<dt>{}</dt><dd>{shown}</dd>",
                escape(&key.replace('_', " "))
            );
        }
    }
    if let Some(id) = map.get("id").and_then(Json::as_str) {
        let _ = writeln!(out, "<dt>id</dt><dd><code>{}</code></dd>", escape(id));
    }
    if let (Some(file), Some(line)) = (map.get("file").and_then(Json::as_str), map.get("line")) {
        let _ = writeln!(
            out,
            "<dt>written in</dt><dd><code>{}:{}</code></dd>",
            escape(file),
            escape(&line.to_string())
        );
    }
    if out.is_empty() {
        return out;
    }
    format!("<dl class=\"fields\">\n{out}</dl>\n")
}

/// One value of a JSON view as markup.
fn value_html(base: &Base, key: &str, value: &Json) -> String {
    match value {
        Json::Null => String::new(),
        Json::Array(items) => items
            .iter()
            .map(|v| value_html(base, key, v))
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
        Json::String(s) if REFS.contains(&key) => match base.lookup(s) {
            Some(r) => link(base, r),
            None => escape(s),
        },
        Json::String(s) if DATES.contains(&key) => match Date::parse(s) {
            Ok(d) => date(&d),
            Err(_) => escape(s),
        },
        Json::String(s) => escape(s),
        other => escape(&other.to_string()),
    }
}

/// The sources a fact cites, each linked to the first sentence of it the fact cites (or to the
/// source's page when no sentence was found).
pub fn source_links(base: &Base, cit: &Citations, at: &FactAt, sources: &[u32]) -> String {
    if sources.is_empty() {
        return String::new();
    }
    let links: Vec<String> = sources
        .iter()
        .map(|&s| {
            let page = file_name(&base.sources[s as usize].id);
            let title = escape(&base.sources[s as usize].title);
            match cit.sentence(at, s) {
                Some(n) => format!(
                    "<a class=\"cite\" href=\"{page}.html#s-{n}\" title=\"the sentence of the \
                     source this cites\">{title}</a>"
                ),
                None => format!("<a href=\"{page}.html\">{title}</a>"),
            }
        })
        .collect();
    format!("<span class=\"src\">source: {}</span>", links.join(", "))
}

/// The source indices a JSON view's `source` key names.
fn sources_of(base: &Base, obj: &Json) -> Vec<u32> {
    obj.get("source")
        .and_then(Json::as_array)
        .map(|ids| {
            ids.iter()
                .filter_map(Json::as_str)
                .filter_map(|id| base.lookup(id))
                .filter(|r| r.kind == Kind::Source)
                .map(|r| r.idx)
                .collect()
        })
        .unwrap_or_default()
}

/// The record's own evidence and sources, under the `evidence` anchor its back links use.
fn own_evidence(base: &Base, r: EntityRef, cit: &Citations) -> String {
    let Some(meta) = base.meta(r) else {
        return String::new();
    };
    let at = FactAt {
        page: r,
        anchor: "evidence".into(),
    };
    let mut out = String::from("<div id=\"evidence\" class=\"fact\">\n");
    if let Some(e) = &meta.evidence {
        let _ = writeln!(
            out,
            "<blockquote class=\"evidence\">{}</blockquote>",
            escape(e)
        );
    }
    let _ = writeln!(out, "{}", source_links(base, cit, &at, &meta.sources));
    if let Some(n) = &meta.notes {
        let _ = writeln!(out, "<p class=\"muted\">Notes: {}</p>", escape(n));
    }
    out.push_str("</div>\n");
    out
}

/// A role or membership as a fact: its headline, the rest of its view's fields, its dates,
/// evidence, notes and source links, under its anchor.
fn term(base: &Base, cit: &Citations, at: &FactAt, headline: &str, obj: &Json) -> String {
    let mut out = format!(
        "<div class=\"fact\" id=\"{}\"><strong>{headline}</strong>",
        escape(&at.anchor)
    );
    for key in ["org", "place"] {
        if let Some(v) = obj.get(key) {
            let shown = value_html(base, key, v);
            if !shown.is_empty() {
                let _ = write!(out, " · {} {shown}", if key == "org" { "in" } else { "at" });
            }
        }
    }
    let date_of = |k: &str| {
        obj.get(k)
            .and_then(Json::as_str)
            .and_then(|s| Date::parse(s).ok())
    };
    out.push_str(&held(date_of("since").as_ref(), date_of("until").as_ref()));
    if let Some(e) = obj.get("evidence").and_then(Json::as_str) {
        let _ = write!(out, "<blockquote>{}</blockquote>", escape(e));
    }
    if let Some(n) = obj.get("notes").and_then(Json::as_str) {
        let _ = write!(out, "<p class=\"muted\">Notes: {}</p>", escape(n));
    }
    out.push(' ');
    out.push_str(&source_links(base, cit, at, &sources_of(base, obj)));
    out.push_str("</div>");
    out
}

/// A quote, with an anchor the first time a page shows it: its words, who said it and when,
/// what it is about, and its source links (to the sentence its speaker's page cites). Past the
/// first [`SHOWN`] of a list (folded away), a quote is one short line linking to its full form
/// on its speaker's page, so a page about a much-quoted place stays small.
fn quote(
    base: &Base,
    cit: &Citations,
    q: EntityRef,
    here: EntityRef,
    anchors: &mut BTreeSet<String>,
    full: bool,
) -> String {
    let quote = &base.quotes[q.idx as usize];
    let anchor = super::shared::quote_anchor(base, q);
    let id = if anchors.insert(anchor.clone()) {
        format!(" id=\"{anchor}\"")
    } else {
        String::new()
    };
    if !full && quote.speaker != here {
        let date = quote.said.as_ref().map(date).unwrap_or_default();
        return format!(
            "<div{id}>{date} {}: <a href=\"{}\">{}</a></div>",
            escape(base.label(quote.speaker)),
            escape(&super::shared::href(base, q)),
            escape(&shorten(main_text(base, q).unwrap_or_default(), 120))
        );
    }
    let mut out = format!("<div class=\"fact\"{id}>");
    if quote.speaker != here {
        let _ = write!(
            out,
            "{} {}:",
            link(base, quote.speaker),
            quote_verb(quote.kind)
        );
    }
    let _ = write!(
        out,
        "<blockquote>{}</blockquote>",
        escape(main_text(base, q).unwrap_or_default())
    );
    let mut about = Vec::new();
    if let Some(d) = &quote.said {
        about.push(date(d));
    }
    about.push(escape(quote.kind.name()));
    if let Some(c) = &quote.context {
        about.push(escape(c));
    }
    let subjects: Vec<String> = quote.about.iter().map(|&a| link(base, a)).collect();
    if !subjects.is_empty() {
        about.push(format!("about {}", subjects.join(", ")));
    }
    let _ = write!(out, "<span class=\"muted\">{}</span> ", about.join(" · "));
    let at = FactAt {
        page: quote.speaker,
        anchor,
    };
    out.push_str(&source_links(base, cit, &at, &quote.meta.sources));
    if quote.speaker != here {
        let _ = write!(
            out,
            " <a class=\"muted\" href=\"{}\">on {}’s page</a>",
            escape(&super::shared::href(base, q)),
            escape(base.label(quote.speaker))
        );
    }
    out.push_str("</div>");
    out
}
