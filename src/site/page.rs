//! What every page shares: the HTML frame, the style sheet, the search script, and small
//! builders for links, dates and long lists. Every string from a fact file goes through
//! [`crate::markup::escape`] here or in the builders that call these.

use crate::date::Date;
use crate::markup::escape;
use crate::model::{Base, EntityRef};
use std::fmt::Write as _;

/// Lists longer than this show their first items and fold the rest under a `<details>`.
pub const SHOWN: usize = 50;

/// A whole page. `root` is the way from the page to the site's folder (`""` or `"../"`);
/// `title` is plain text, `body` is markup.
pub fn frame(root: &str, title: &str, body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'self'; img-src 'self' data:; script-src 'self'\">\n\
         <meta name=\"generator\" content=\"kz site\">\n\
         <title>{}</title>\n<link rel=\"icon\" href=\"data:,\">\n\
         <link rel=\"stylesheet\" href=\"{root}style.css\">\n</head>\n<body>\n\
         <header class=\"top\"><a href=\"{root}index.html\">kz · what the base holds</a></header>\n\
         <main>\n{body}</main>\n\
         <footer>Written by <code>kz site</code> from the fact base. Every fact links to the \
         sentence of its source that supports it.</footer>\n</body>\n</html>\n",
        escape(title),
    );
    out
}

/// A link to a record's page (or a quote's place), from the folder of record pages.
pub fn link(base: &Base, r: EntityRef) -> String {
    format!(
        "<a href=\"{}\">{}</a>",
        escape(&super::shared::href(base, r)),
        escape(base.label(r))
    )
}

/// A date as people read it, with the EDTF as written in its `datetime`-free title.
pub fn date(d: &Date) -> String {
    format!(
        "<span class=\"date\" title=\"{}\">{}</span>",
        escape(d.as_str()),
        escape(&d.human())
    )
}

/// A list of items (markup each), folding all past the first [`SHOWN`] under a `<details>`.
pub fn list(class: &str, items: &[String]) -> String {
    let mut out = String::new();
    let ul = |items: &[String]| {
        let mut s = format!("<ul class=\"{class}\">\n");
        for item in items {
            let _ = writeln!(s, "<li>{item}</li>");
        }
        s.push_str("</ul>\n");
        s
    };
    if items.len() <= SHOWN {
        out.push_str(&ul(items));
    } else {
        out.push_str(&ul(&items[..SHOWN]));
        let _ = write!(
            out,
            "<details><summary>{} more</summary>\n{}</details>\n",
            items.len() - SHOWN,
            ul(&items[SHOWN..])
        );
    }
    out
}

/// A titled section, or nothing when it has no items.
pub fn section(id: &str, title: &str, body: String) -> String {
    if body.is_empty() {
        return String::new();
    }
    format!("<section id=\"{id}\">\n<h2>{title}</h2>\n{body}</section>\n")
}

pub const STYLE: &str = r#"/* kz site */
:root { color-scheme: light; --ink: #111827; --soft: #4b5563; --line: #e5e7eb; --accent: #1d4ed8; --mark: #fef08a; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink); background: #fff; }
header.top { background: #1e293b; padding: .6rem 1rem; }
header.top a { color: #fff; text-decoration: none; font-weight: 600; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem; overflow-wrap: anywhere; }
footer { max-width: 72rem; margin: 2rem auto; padding: 1rem; color: var(--soft); font-size: .85rem; border-top: 1px solid var(--line); }
h1 { font-size: 1.8rem; line-height: 1.2; margin: .5rem 0 .2rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid var(--line); padding-bottom: .2rem; }
a { color: var(--accent); }
.kind { color: var(--soft); margin: 0 0 1rem; }
.lead { font-size: 1.1rem; }
dl.fields { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dl.fields dt { color: var(--soft); }
dl.fields dd { margin: 0; }
@media (max-width: 600px) { dl.fields { grid-template-columns: 1fr; } dl.fields dd { margin-bottom: .4rem; } }
.evidence, .fact blockquote { border-left: 3px solid var(--mark); padding-left: .7rem; margin: .4rem 0; color: #1f2937; }
.src { font-size: .85rem; color: var(--soft); }
ul.facts > li, ul.quotes > li { margin-bottom: .8rem; }
ul.quotes blockquote { margin: .2rem 0; font-style: italic; }
:target { background: #eff6ff; outline: 2px solid #93c5fd; }
mark { background: var(--mark); padding: 0 .1rem; }
mark:target { background: #fde047; outline: 2px solid #ca8a04; }
.backlinks { font-size: .8rem; vertical-align: super; }
.backlinks a { margin-left: .2rem; }
article.text p { max-width: 42rem; }
figure { margin: 1rem 0; }
figure.picture { border: 1px solid var(--line); }
figure.picture svg { display: block; max-width: 100%; height: auto; }
figure.picture figcaption { padding: .3rem .6rem; border-top: 1px solid var(--line); }
.counts { display: flex; flex-wrap: wrap; gap: .5rem; padding: 0; list-style: none; }
.counts li { background: #f1f5f9; border-radius: .4rem; padding: .3rem .7rem; }
.columns { columns: 16rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
#search input { font: inherit; width: 100%; max-width: 30rem; padding: .4rem .6rem; border: 1px solid #94a3b8; border-radius: .3rem; }
#results { padding-left: 1.2rem; }
.muted { color: var(--soft); }
.disputed { background: #fff7ed; border: 1px solid #fdba74; border-radius: .3rem; padding: 0 .3rem; color: #9a3412; }
.rank { font-size: .8rem; border: 1px solid var(--line); border-radius: .3rem; padding: 0 .3rem; color: var(--soft); }
.declaration + .declaration { border-top: 1px dashed var(--line); margin-top: .4rem; padding-top: .4rem; }
"#;

pub const SEARCH_JS: &str = r#"// kz site: search over the index written beside this file (search-index.js).
(function () {
  "use strict";
  var data = window.KZ_SEARCH;
  var form = document.getElementById("search");
  var box = document.getElementById("q");
  var out = document.getElementById("results");
  if (!data || !form || !box || !out) return;
  form.hidden = false;
  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function show() {
    var q = fold(box.value.trim());
    out.textContent = "";
    if (!q) return;
    var shown = 0;
    for (var i = 0; i < data.length && shown < 50; i++) {
      var r = data[i];
      if (!r.k.some(function (k) { return k.indexOf(q) !== -1; })) continue;
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = r.u;
      a.textContent = r.n;
      var kind = document.createElement("span");
      kind.className = "muted";
      kind.textContent = " (" + r.t + ")";
      li.appendChild(a);
      li.appendChild(kind);
      out.appendChild(li);
      shown++;
    }
    if (!shown) {
      var none = document.createElement("li");
      none.textContent = "Nothing matches.";
      out.appendChild(none);
    }
  }
  box.addEventListener("input", show);
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var first = out.querySelector("a");
    if (first) window.location.href = first.href;
  });
  show();
})();
"#;
