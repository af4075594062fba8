//! The index page (what the base holds: counts, sources, the timeline, the lists of records and
//! a search box) and the search data written beside it.

use super::evidence::Citations;
use super::page::{self, date, list, section};
use super::shared::Inputs;
use crate::markup::{escape, script_json};
use crate::model::view::kind_label;
use crate::model::{Base, EntityRef, Kind, Publisher};
use crate::names;
use crate::text::plural;
use serde_json::json;
use std::fmt::Write as _;

/// The lists of the index: the kinds with a page, how each is titled.
const LISTS: [(Kind, &str, &str); 4] = [
    (Kind::Actor, "people", "People"),
    (Kind::Organisation, "organisations", "Organisations"),
    (Kind::Place, "places", "Places"),
    (Kind::Event, "events", "Events"),
];

/// A link from the index to a record's page.
fn link(base: &Base, r: EntityRef) -> String {
    format!(
        "<a href=\"records/{}\">{}</a>",
        escape(&super::shared::href(base, r)),
        escape(base.label(r))
    )
}

pub fn page(base: &Base, cit: &Citations, inputs: &Inputs) -> String {
    let mut body = String::from("<h1>What the base holds</h1>\n<ul class=\"counts\">\n");
    let words = [
        (Kind::Source, "source"),
        (Kind::Actor, "person"),
        (Kind::Organisation, "organisation"),
        (Kind::Place, "place"),
        (Kind::Quote, "quote"),
        (Kind::Event, "event"),
    ];
    for (kind, word) in words {
        let n = base.len(kind);
        let text = if kind == Kind::Actor && n != 1 {
            format!("{n} people")
        } else {
            plural(n, word)
        };
        let _ = writeln!(body, "<li>{text}</li>");
    }
    let _ = writeln!(
        body,
        "<li>{} marked in the sources</li>\n</ul>",
        plural(cit.marked(), "cited sentence")
    );
    body.push_str(
        "<form id=\"search\" role=\"search\" hidden>\n<label for=\"q\">Find a person, \
         organisation, place or event</label><br>\n<input id=\"q\" type=\"search\" \
         autocomplete=\"off\" placeholder=\"a name, an alias, a title\">\n\
         <ul id=\"results\" aria-live=\"polite\"></ul>\n</form>\n",
    );
    let sources: Vec<String> = (0..base.sources.len() as u32)
        .map(|s| {
            let src = &base.sources[s as usize];
            let mut item = link(base, EntityRef::source(s));
            match &src.publisher {
                Some(Publisher::Org(o)) => {
                    let _ = write!(item, " · {}", link(base, *o));
                }
                Some(Publisher::Named(p)) => {
                    let _ = write!(item, " · {}", escape(p));
                }
                None => {}
            }
            if let Some(d) = &src.published {
                let _ = write!(item, " · {}", date(d));
            }
            let marked = cit.sources.get(s as usize).map_or(0, |m| m.cited.len());
            if marked > 0 {
                let _ = write!(
                    item,
                    " <span class=\"muted\">({} marked)</span>",
                    plural(marked, "sentence")
                );
            }
            item
        })
        .collect();
    body.push_str(&section("sources", "Sources", list("plain", &sources)));
    body.push_str(&section(
        "timeline",
        "Timeline",
        format!(
            "<figure class=\"picture\">\n{}\n<figcaption class=\"muted\">Every dated fact, \
             in the order <code>kz timeline</code> lists them, top to bottom. \
             <a href=\"timeline.svg\">The picture alone, at full size</a>.</figcaption>\n\
             </figure>\n",
            inputs.timeline
        ),
    ));
    for (kind, id, title) in LISTS {
        let items: Vec<String> = (0..base.len(kind) as u32)
            .map(|i| {
                let r = EntityRef::new(kind, i);
                match kind {
                    Kind::Event => {
                        format!("{} {}", date(&base.events[i as usize].date), link(base, r))
                    }
                    Kind::Actor => link(base, r),
                    _ => format!(
                        "{} <span class=\"muted\">({})</span>",
                        link(base, r),
                        escape(&kind_label(base, r))
                    ),
                }
            })
            .collect();
        if !items.is_empty() {
            body.push_str(&section(id, title, list("columns", &items)));
        }
    }
    body.push_str(
        "<script src=\"search-index.js\"></script>\n<script src=\"search.js\"></script>\n",
    );
    page::frame("", "What the base holds", &body)
}

/// What the search box's `fold` makes of a text (`page::SEARCH_JS`): decomposed, without
/// combining diacritical marks, in lower case. So `Андрей` is found as typed, though kz's own
/// folding spells it `andrei`.
fn box_fold(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    text.nfd()
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .collect::<String>()
        .to_lowercase()
}

/// The search data: a script that sets `window.KZ_SEARCH` to one entry per record with a page:
/// its name, kind, URL and the folded keys it is found by (name, aliases and id, folded as kz
/// folds names, as written in lower case, and as the search box folds what is typed).
pub fn search_data(base: &Base) -> String {
    let entries: Vec<serde_json::Value> = base
        .all()
        .filter(|r| super::shared::has_page(r.kind))
        .map(|r| {
            let mut keys: Vec<String> = Vec::new();
            let mut add = |s: &str| {
                for k in [names::normalise(s), s.to_lowercase(), box_fold(s)] {
                    if !k.is_empty() && !keys.contains(&k) {
                        keys.push(k);
                    }
                }
            };
            add(base.label(r));
            add(base.id(r));
            for a in base.aliases(r) {
                add(a);
            }
            json!({
                "n": crate::markup::shown(base.label(r)),
                "t": kind_label(base, r),
                "u": format!("records/{}", super::shared::href(base, r)),
                "k": keys,
            })
        })
        .collect();
    let data = serde_json::to_string(&entries).unwrap_or_else(|_| "[]".into());
    format!(
        "// kz site: what the search box looks in.\nwindow.KZ_SEARCH = {};\n",
        script_json(&data)
    )
}
