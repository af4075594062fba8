//! The page of a person, organisation, place or event: what `kz who` shows for it. Its own
//! fields come from its one JSON view ([`view::json`]), its relations from
//! [`relations::of`], and each fact carries links to the sentences of its sources.

use super::evidence::{Citations, FactAt};
use super::page::{self, SHOWN, date, link, list, section};
use crate::date::Date;
use crate::markup::{escape, file_name};
use crate::model::fields::{Item, Show, Value};
use crate::model::view::{self, kind_label, main_text, quote_verb};
use crate::model::{Base, EntityRef, Kind, provenance};
use crate::query::relations::{self, Relation};
use crate::text::shorten;
use serde_json::Value as Json;
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// The page; `graph` is the record's relation picture, drawn into the page (so its links and
/// tooltips work) and linked to alone at full size.
pub fn page(base: &Base, r: EntityRef, cit: &Citations, graph: Option<&str>) -> String {
    let rel = relations::of(base, r);
    let mut body = String::new();
    let _ = write!(
        body,
        "<h1>{}</h1>\n<p class=\"kind\">{}</p>\n",
        escape(base.label(r)),
        escape(&kind_label(base, r))
    );
    body.push_str(&lead(base, r));
    body.push_str(&fields(base, r, &[]));
    body.push_str(&own_evidence(base, r, cit));
    if let Some(svg) = graph {
        let _ = writeln!(
            body,
            "<figure class=\"picture graph\" id=\"relations\">\n{svg}\n<figcaption \
             class=\"muted\">What {} is related to, one step out, grouped by relation. \
             <a href=\"../graphs/{}.svg\">The picture alone, at full size</a>.</figcaption>\n\
             </figure>",
            escape(base.label(r)),
            file_name(base.id(r)),
        );
    }
    body.push_str(&terms(base, r, &rel, cit));
    body.push_str(&related(base, r, &rel, cit));
    page::frame(
        "../",
        &format!("{} ({})", base.label(r), kind_label(base, r)),
        &body,
    )
}

/// The record's main text; where declarations give it differently, each one with its sources.
fn lead(base: &Base, r: EntityRef) -> String {
    let rec = base.get(r);
    let Some(field) = rec.fields().into_iter().find(|(i, _)| i.show == Show::Main) else {
        return String::new();
    };
    let mut texts: Vec<(&str, Vec<u32>)> = Vec::new();
    for d in rec.declarations() {
        if let Some(Value::Text(t)) = d.field(field.0.name) {
            match texts.iter_mut().find(|(x, _)| *x == t) {
                Some((_, sources)) => sources.extend(d.sources()),
                None => texts.push((t, d.sources().to_vec())),
            }
        }
    }
    let many = texts.len() > 1;
    texts
        .iter()
        .map(|(t, sources)| {
            let by = match many {
                true => format!(
                    " <span class=\"muted\">({})</span>",
                    escape(&base.source_ids(sources).join(", "))
                ),
                false => String::new(),
            };
            format!("<p class=\"lead\">{}{by}</p>\n", escape(t))
        })
        .collect()
}

/// The section of a record's page that lists the records a relation joins it to, for a
/// relation picture's "N more" (`outward`: the relation points from the record to them).
/// `None` where the page lists them in its fields, or not at all.
pub fn section_listing(relation: Relation, outward: bool) -> Option<&'static str> {
    Some(match (relation, outward) {
        (Relation::Role, true) => "roles",
        (Relation::Role, false) => "people",
        (Relation::Spoke(_), true) => "quotes",
        (Relation::Spoke(_), false) => "quoted-about",
        (Relation::Field(label), outward) => match (label, outward) {
            ("member of", true) => "member-of",
            ("member of", false) => "members",
            ("part of", false) => "places-within",
            ("based in", false) => "based-here",
            ("took part in", true) | ("in", false) => "events",
            ("about", false) => "events-about",
            _ => return None,
        },
    })
}

/// The roles and memberships a record states, each a fact with its evidence and sources.
fn terms(base: &Base, r: EntityRef, rel: &relations::Relations, cit: &Citations) -> String {
    let roles: Vec<String> = rel
        .roles
        .iter()
        .enumerate()
        .map(|(n, (_, role))| {
            let at = FactAt {
                page: r,
                anchor: super::shared::role_anchor(n),
            };
            let obj = view::role_json(base, base.id(r), role);
            term(base, cit, &at, &escape(&role.title), &obj)
        })
        .collect();
    let members: Vec<String> = rel
        .members
        .iter()
        .enumerate()
        .map(|(n, (_, m))| {
            let at = FactAt {
                page: r,
                anchor: super::shared::member_anchor(n),
            };
            let obj = view::membership_json(base, base.id(r), m);
            term(base, cit, &at, &link(base, m.member), &obj)
        })
        .collect();
    section("roles", "Roles", list_or_empty("facts", &roles))
        + &section("members", "Members", list_or_empty("facts", &members))
}

/// What the base relates to the record: people with a role in it, what it is a member of, the
/// places within it and organisations based there, quotes by and about it, and events.
fn related(base: &Base, r: EntityRef, rel: &relations::Relations, cit: &Citations) -> String {
    let people = people(base, rel);
    let member_of = member_of(base, rel);
    let links = |refs: &mut dyn Iterator<Item = EntityRef>| -> Vec<String> {
        refs.map(|x| link(base, x)).collect()
    };
    let parts = links(&mut rel.parts.iter().map(|&p| EntityRef::place(p)));
    let based = links(&mut rel.based_here.iter().map(|&o| EntityRef::org(o)));
    let mut anchors: BTreeSet<String> = BTreeSet::new();
    let mut quotes = |list: &[u32]| -> Vec<String> {
        list.iter()
            .enumerate()
            .map(|(n, &q)| quote(base, cit, EntityRef::quote(q), r, &mut anchors, n < SHOWN))
            .collect()
    };
    let said = quotes(&rel.quotes_by);
    let about = quotes(&rel.quotes_about);
    let events = |list: &[u32]| -> Vec<String> {
        list.iter()
            .filter(|&&e| EntityRef::event(e) != r)
            .map(|&e| {
                let ev = &base.events[e as usize];
                format!("{} {}", date(&ev.date), link(base, EntityRef::event(e)))
            })
            .collect()
    };
    [
        ("people", "People with a role here", "plain", people),
        ("member-of", "Member of", "plain", member_of),
        ("places-within", "Places within", "plain", parts),
        ("based-here", "Organisations based here", "plain", based),
        ("quotes", "Quotes", "quotes", said),
        ("quoted-about", "Quoted about", "quotes", about),
        ("events", "Events", "plain", events(&rel.events)),
        (
            "events-about",
            "Events about",
            "plain",
            events(&rel.events_about),
        ),
    ]
    .into_iter()
    .map(|(id, title, class, items)| section(id, title, list_or_empty(class, &items)))
    .collect()
}

/// The people with a role here, each linked to the role on their own page.
fn people(base: &Base, rel: &relations::Relations) -> Vec<String> {
    rel.people
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
        .collect()
}

/// The organisations the record is a member of, each linked to the membership on its page.
fn member_of(base: &Base, rel: &relations::Relations) -> Vec<String> {
    rel.member_of
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
        .collect()
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

/// A record's own fields as a definition list, by its field table: every field shown as a line
/// but those in `skip`, references as links, dates as people write them, a value the sources
/// dispute with the others and their sources; then its other ids, rank, and where it is written.
pub fn fields(base: &Base, r: EntityRef, skip: &[&str]) -> String {
    let rec = base.get(r);
    // On a record several sources tell, each line says which of them state it.
    let statements = match rec.is_merged() {
        true => provenance::statements(rec),
        false => Vec::new(),
    };
    let mut out = String::new();
    for (info, value) in rec.fields() {
        if matches!(info.show, Show::Title | Show::Main | Show::Section)
            || skip.contains(&info.name)
            || value.is_absent()
        {
            continue;
        }
        let label = match info.name {
            "aliases" => "also called",
            _ => info.label,
        };
        let mut shown = value
            .items()
            .into_iter()
            .map(|i| item_html(base, i))
            .collect::<Vec<_>>()
            .join(", ");
        shown.push_str(&stated_by(base, &statements, info.name));
        shown.push_str(&disputed(base, rec, info.name));
        let _ = writeln!(out, "<dt>{}</dt><dd>{shown}</dd>", escape(label));
    }
    let _ = writeln!(out, "<dt>id</dt><dd><code>{}</code></dd>", escape(rec.id()));
    if !rec.aka().is_empty() {
        let ids: Vec<String> = rec.aka().iter().map(|a| escape(a)).collect();
        let _ = writeln!(
            out,
            "<dt>same as</dt><dd><code>{}</code></dd>",
            ids.join(", ")
        );
    }
    if rec.rank() != crate::model::Rank::Normal {
        let _ = writeln!(out, "<dt>rank</dt><dd>{}</dd>", rec.rank().name());
    }
    for d in rec.declarations() {
        let origin = match (d.meta(), d) {
            (Some(m), _) => m.origin,
            (None, crate::model::RecordRef::Source(s)) => s.origin,
            _ => continue,
        };
        if let Some(file) = base.files.get(origin.file as usize) {
            let _ = writeln!(
                out,
                "<dt>written in</dt><dd><code>{}:{}</code></dd>",
                escape(&super::shared::shown_path(base, file)),
                origin.line
            );
        }
    }
    format!("<dl class=\"fields\">\n{out}</dl>\n")
}

/// Which sources state a field's values shown (on a record several sources tell): ` (a, b)`.
fn stated_by(base: &Base, statements: &[provenance::Statement], field: &str) -> String {
    let mut sources: Vec<u32> = Vec::new();
    for st in statements.iter().filter(|st| st.field.name == field) {
        if st.disputed && !sources.is_empty() {
            break;
        }
        for &s in &st.sources {
            if !sources.contains(&s) {
                sources.push(s);
            }
        }
    }
    match sources.is_empty() {
        true => String::new(),
        false => format!(
            " <span class=\"muted stated\">({})</span>",
            escape(&base.source_ids(&sources).join(", "))
        ),
    }
}

/// One item of a field as markup: a reference as a link, a date as people write it.
fn item_html(base: &Base, item: Item) -> String {
    match item {
        Item::Ref(x) => link(base, x),
        Item::Date(d) => date(d),
        Item::Text(t) => escape(t),
        Item::Role(role) => escape(&role.title),
        Item::Member(m) => link(base, m.member),
    }
}

/// The mark of a disputed field: every other value a source gives, with its sources.
fn disputed(base: &Base, rec: crate::model::RecordRef, field: &str) -> String {
    let others: Vec<String> = provenance::disputes(rec)
        .iter()
        .filter(|d| d.field.name == field)
        .flat_map(|d| d.values.iter().skip(1))
        .map(|st| {
            format!(
                "{} <span class=\"muted\">({}{})</span>",
                item_html(base, st.item),
                escape(&base.source_ids(&st.sources).join(", ")),
                match st.rank {
                    crate::model::Rank::Normal => String::new(),
                    rank => format!("; {}", rank.name()),
                }
            )
        })
        .collect();
    match others.is_empty() {
        true => String::new(),
        false => format!(
            " <span class=\"disputed\">disputed: also {}</span>",
            others.join("; ")
        ),
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
    if base.meta(r).is_none() {
        return String::new();
    }
    let at = FactAt {
        page: r,
        anchor: "evidence".into(),
    };
    let rec = base.get(r);
    let mut out = String::from("<div id=\"evidence\" class=\"fact\">\n");
    if rec.is_merged() {
        let _ = writeln!(
            out,
            "<p class=\"muted\">Told by {}; each says:</p>",
            crate::text::plural(rec.declarations().len(), "declaration")
        );
    }
    // Each declaration's evidence with the sources it cites, each linked to its sentence.
    for d in rec.declarations() {
        let Some(meta) = d.meta() else { continue };
        let _ = writeln!(out, "<div class=\"declaration\">");
        if let Some(e) = &meta.evidence {
            let _ = writeln!(
                out,
                "<blockquote class=\"evidence\">{}</blockquote>",
                escape(e)
            );
        }
        let _ = write!(out, "{}", source_links(base, cit, &at, &meta.sources));
        if meta.rank != crate::model::Rank::Normal {
            let _ = write!(out, " <span class=\"rank\">{}</span>", meta.rank.name());
        }
        out.push('\n');
        if let Some(n) = &meta.notes {
            let _ = writeln!(out, "<p class=\"muted\">Notes: {}</p>", escape(n));
        }
        out.push_str("</div>\n");
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
        if let Some(r) = obj
            .get(key)
            .and_then(Json::as_str)
            .and_then(|id| base.lookup(id))
        {
            let _ = write!(
                out,
                " · {} {}",
                if key == "org" { "in" } else { "at" },
                link(base, r)
            );
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
