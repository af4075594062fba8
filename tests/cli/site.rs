//! `kz site`, `kz timeline --to svg` and `kz graph --to svg`: every link of every page finds its
//! file and anchor, every evidence link lands on a marked sentence, every picture is well-formed
//! XML, hostile text stays text, and a real Chromium loads, searches and screenshots the site.

use crate::support::{Kz, fixture, needs_tool, root};
use scraper::{Html, Selector};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Builds the site of a base (`None`: the built-in one) into a fresh folder.
fn build(facts: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let mut kz = Kz::new();
    if let Some(f) = facts {
        kz = kz.args(["--facts", f]);
    }
    kz.args(["site", &out.display().to_string()])
        .run()
        .success()
        .stdout_has("pages");
    dir
}

/// Every file under `dir`, by its path relative to `dir`.
fn files(dir: &Path) -> BTreeMap<String, PathBuf> {
    walkdir(dir)
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, p)
        })
        .collect()
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walkdir(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// A parsed page: its ids (with the element each names) and the URLs it refers to.
struct Page {
    ids: BTreeMap<String, String>,
    refs: Vec<(String, String)>,
    cites: Vec<String>,
    doc: Html,
}

fn parse(text: &str) -> Page {
    let doc = Html::parse_document(text);
    let any = Selector::parse("[id]").unwrap();
    let ids = doc
        .select(&any)
        .map(|e| {
            (
                e.value().attr("id").unwrap().to_string(),
                e.value().name().to_string(),
            )
        })
        .collect();
    let mut refs = Vec::new();
    for (sel, attr) in [
        ("a[href]", "href"),
        ("link[href]", "href"),
        ("img[src]", "src"),
        ("script[src]", "src"),
    ] {
        for e in doc.select(&Selector::parse(sel).unwrap()) {
            refs.push((
                e.value().name().to_string(),
                e.value().attr(attr).unwrap().to_string(),
            ));
        }
    }
    let cites = doc
        .select(&Selector::parse("a.cite").unwrap())
        .map(|e| e.value().attr("href").unwrap().to_string())
        .collect();
    Page {
        ids,
        refs,
        cites,
        doc,
    }
}

/// `a/b/../c.html` → `a/c.html`.
fn join(from: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for seg in rel.split('/') {
        match seg {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// Follows every link of every page of a site: each names a file of the site, and each anchor
/// an id in it. Returns the pages, parsed, and how many links were followed.
fn check_links(dir: &Path) -> (BTreeMap<String, Page>, usize) {
    let all = files(dir);
    let pages: BTreeMap<String, Page> = all
        .iter()
        .filter(|(rel, _)| rel.ends_with(".html"))
        .map(|(rel, path)| (rel.clone(), parse(&std::fs::read_to_string(path).unwrap())))
        .collect();
    let mut followed = 0;
    let mut broken = Vec::new();
    for (rel, page) in &pages {
        for (tag, url) in &page.refs {
            if url == "data:," {
                continue;
            }
            assert!(
                !url.contains(':'),
                "{rel}: <{tag}> refers outside the site: {url}"
            );
            let (file, anchor) = match url.split_once('#') {
                Some((f, a)) => (f, Some(a)),
                None => (url.as_str(), None),
            };
            let target = if file.is_empty() {
                rel.clone()
            } else {
                join(rel, file)
            };
            followed += 1;
            if !all.contains_key(&target) {
                broken.push(format!("{rel}: {url} (no file {target})"));
                continue;
            }
            if let Some(anchor) = anchor {
                let found = pages
                    .get(&target)
                    .is_some_and(|p| p.ids.contains_key(anchor));
                if !found {
                    broken.push(format!("{rel}: {url} (no #{anchor} in {target})"));
                }
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
    (pages, followed)
}

/// Parses an SVG with a real XML parser, returning its text content.
fn svg_text(svg: &str) -> String {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("not XML ({e}):\n{svg}"));
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    for n in doc.descendants() {
        assert_ne!(n.tag_name().name(), "script", "an SVG holds a script");
        for a in n.attributes() {
            assert!(
                !a.name().starts_with("on"),
                "an SVG element has an event handler {}",
                a.name()
            );
            assert!(
                !a.value().trim().to_lowercase().starts_with("javascript:"),
                "an SVG links to {}",
                a.value()
            );
        }
    }
    doc.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_link_of_the_shipped_site_finds_its_file_and_anchor() {
    let dir = build(None);
    let site = dir.path().join("site");
    let (pages, followed) = check_links(&site);
    assert!(followed > 500, "only {followed} links followed");
    // The links of the timeline drawn inline on the index are followed too: one per mark.
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert_eq!(
        pages["index.html"].refs.len(),
        index.matches(" href=\"").count() + index.matches(" src=\"").count(),
        "a link of the index was not seen"
    );
    // Each fact's evidence link lands on a marked sentence of the source's page.
    let mut cites = 0;
    for (rel, page) in &pages {
        for url in &page.cites {
            let (file, anchor) = url.split_once('#').expect("a cite link has an anchor");
            let target = &pages[&join(rel, file)];
            assert_eq!(
                target.ids.get(anchor).map(String::as_str),
                Some("mark"),
                "{rel}: {url} lands on no <mark>"
            );
            cites += 1;
        }
    }
    assert!(cites > 60, "only {cites} evidence links");
    // Every fact of the shipped base carries evidence or a direct quote, so each of its source
    // links is an evidence link.
    let src_links = Selector::parse(".src a").unwrap();
    for (rel, page) in &pages {
        for a in page.doc.select(&src_links) {
            assert!(
                a.value()
                    .has_class("cite", scraper::CaseSensitivity::CaseSensitive),
                "{rel}: a source link lands on no sentence: {}",
                a.html()
            );
        }
    }
    // Every marked sentence links back to facts, and every fact with evidence in the base is
    // linked from its sentence: the 39 sentences the shipped base cites.
    let article = &pages["records/article.html"];
    let marks: Vec<_> = article
        .doc
        .select(&Selector::parse("mark[id]").unwrap())
        .collect();
    assert!(marks.len() >= 30, "{} marks", marks.len());
    let back = Selector::parse("a").unwrap();
    for m in &marks {
        let links = m
            .next_siblings()
            .find_map(scraper::ElementRef::wrap)
            .filter(|e| {
                e.value()
                    .has_class("backlinks", scraper::CaseSensitivity::CaseSensitive)
            })
            .map(|e| e.select(&back).count())
            .unwrap_or(0);
        assert!(
            links > 0,
            "mark {:?} links back to no fact",
            m.value().attr("id")
        );
        // Each fact once, though both its evidence and its quoted words may lie in the sentence.
        let hrefs: Vec<&str> = m
            .next_siblings()
            .find_map(scraper::ElementRef::wrap)
            .into_iter()
            .flat_map(|e| e.select(&back))
            .filter_map(|a| a.value().attr("href"))
            .collect();
        let distinct: BTreeSet<&str> = hrefs.iter().copied().collect();
        assert_eq!(
            distinct.len(),
            hrefs.len(),
            "{:?}: {hrefs:?}",
            m.value().attr("id")
        );
    }
    // A page per person, organisation, place, event and source; none per quote.
    let shipped = Kz::new().args(["export", "--to", "jsonl"]).run().success();
    let mut want = BTreeSet::new();
    for line in shipped.stdout.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        if v["record"] != "quote" {
            want.insert(format!("records/{}.html", v["id"].as_str().unwrap()));
        }
    }
    let have: BTreeSet<String> = pages
        .keys()
        .filter(|k| k.starts_with("records/"))
        .cloned()
        .collect();
    assert_eq!(have, want);
    // Quotes have an anchor on their speakers' pages, which their source links come back to.
    let tokayev = &pages["records/kassym-jomart-tokayev.html"];
    assert!(tokayev.ids.contains_key("q-tokayev-open-doors"));
    // A source's page lists everything that cites it: records, each quote (on its speaker's
    // page), and roles and memberships.
    let cited_by = Selector::parse("#cited-by a").unwrap();
    let hrefs: Vec<&str> = article
        .doc
        .select(&cited_by)
        .filter_map(|a| a.value().attr("href"))
        .collect();
    let quotes = Kz::new().args(["quotes", "-f", "json"]).run().success();
    let quotes: serde_json::Value = serde_json::from_str(&quotes.stdout).unwrap();
    let citing = quotes
        .as_array()
        .unwrap()
        .iter()
        .filter(|q| {
            q["source"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s == "article")
        })
        .count();
    assert!(citing > 5, "{citing} quotes cite the article");
    assert_eq!(
        hrefs.iter().filter(|h| h.contains("#q-")).count(),
        citing,
        "{hrefs:?}"
    );
    assert!(hrefs.iter().any(|h| h.contains("#role-")), "{hrefs:?}");
    assert!(hrefs.iter().any(|h| h.contains("#member-")), "{hrefs:?}");
    // Every picture is well-formed SVG.
    for (rel, path) in files(&site) {
        if rel.ends_with(".svg") {
            svg_text(&std::fs::read_to_string(path).unwrap());
        }
    }
}

#[test]
fn every_sound_fixture_builds_a_site_whose_links_hold() {
    for name in ["analyst", "anchors", "clean", "flow", "odd", "hostile"] {
        let dir = build(Some(&fixture(name)));
        let site = dir.path().join("site");
        check_links(&site);
        for (rel, path) in files(&site) {
            if rel.ends_with(".svg") {
                svg_text(&std::fs::read_to_string(path).unwrap());
            }
        }
    }
}

#[test]
fn hostile_text_stays_text_in_every_page_and_picture() {
    let dir = build(Some(&fixture("hostile-site")));
    let site = dir.path().join("site");
    let (pages, _) = check_links(&site);
    let scripts = Selector::parse("script").unwrap();
    let everything = Selector::parse("*").unwrap();
    for (rel, page) in &pages {
        for s in page.doc.select(&scripts) {
            let src = s.value().attr("src").unwrap_or_default();
            assert!(
                ["search.js", "search-index.js"].contains(&src),
                "{rel}: a script that kz did not write: {}",
                s.html()
            );
        }
        for e in page.doc.select(&everything) {
            let name = e.value().name();
            assert!(
                !["iframe", "style", "b", "textarea", "object", "embed"].contains(&name),
                "{rel}: markup from a fact file became an element: <{name}>"
            );
            if name == "img" {
                let src = e.value().attr("src").unwrap_or_default();
                assert!(src.starts_with("../graphs/"), "{rel}: <img src={src}>");
            }
            for (attr, value) in e.value().attrs() {
                assert!(!attr.starts_with("on"), "{rel}: <{name} {attr}>");
                assert!(
                    !value.trim().to_lowercase().starts_with("javascript:"),
                    "{rel}: <{name} {attr}={value}>"
                );
            }
        }
    }
    let text = |rel: &str| pages[rel].doc.root_element().text().collect::<String>();
    let mallory = text("records/mallory-markup.html");
    for shown in [
        "Mallory <script>alert(1)</script>",
        "</script><script>alert('quote')</script>",
        "Chief <iframe src=javascript:alert(1)>",
        "Writes <b>bold</b> & 'quotes' \\u{202e}esrever\\u{202c}",
        "\" onmouseover=\"alert(1)",
    ] {
        assert!(
            mallory.contains(shown),
            "{shown:?} is not shown as text:\n{mallory}"
        );
    }
    let source = text("records/hostile-source.html");
    assert!(source.contains("javascript:alert(document.cookie)"));
    assert!(source.contains("</script><script>alert(2)</script> <!-- comment"));
    assert!(
        text("records/evil-org.html").contains("Evil \"Org\" <style>body{display:none}</style>")
    );
    // No raw bidirectional override anywhere, and the pictures hold the same text as text.
    for (rel, path) in files(&site) {
        let body = std::fs::read_to_string(&path).unwrap();
        assert!(!body.contains('\u{202e}'), "{rel} holds a raw U+202E");
        if rel.ends_with(".svg") {
            let t = svg_text(&body);
            if rel.contains("mallory") || rel == "timeline.svg" {
                assert!(t.contains("<script>"), "{rel}: {t}");
            }
        }
    }
    // The search data reads back as the same names, with nothing that could close a script.
    let data = std::fs::read_to_string(site.join("search-index.js")).unwrap();
    assert!(!data.contains('<'));
    let json = data
        .split_once("window.KZ_SEARCH = ")
        .unwrap()
        .1
        .trim_end()
        .trim_end_matches(';');
    let entries: Vec<serde_json::Value> = serde_json::from_str(json).unwrap();
    assert!(
        entries
            .iter()
            .any(|e| e["n"] == "Mallory <script>alert(1)</script>")
    );
    // The pictures on the command line too.
    for args in [
        &["timeline", "--to", "svg"][..],
        &["graph", "--to", "svg"],
        &["graph", "mallory-markup", "--to", "svg"],
    ] {
        let run = Kz::new().fixture("hostile-site").args(args).run().success();
        let t = svg_text(&run.stdout);
        assert!(t.contains("Mallory <script>"), "{args:?}: {t}");
        assert!(!run.stdout.contains('\u{202e}'));
    }
}

#[test]
fn the_timeline_picture_draws_what_kz_timeline_lists() {
    for args in [
        &[][..],
        &["Tokayev"],
        &["CSTO", "--since", "2022"],
        &["--until", "2000"],
    ] {
        let rows = Kz::new()
            .args(["timeline", "-f", "json"])
            .args(args)
            .run()
            .success()
            .json();
        let svg = Kz::new()
            .args(["timeline", "--to", "svg"])
            .args(args)
            .run()
            .success()
            .stdout;
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let marks: Vec<_> = doc
            .descendants()
            .filter(|n| n.attribute("class").is_some_and(|c| c.starts_with("mark ")))
            .collect();
        assert_eq!(marks.len(), rows.as_array().unwrap().len(), "{args:?}");
        // Each mark says its date as people write it, and its EDTF in its tooltip.
        for (mark, row) in marks.iter().zip(rows.as_array().unwrap()) {
            let title = mark
                .descendants()
                .find(|n| n.tag_name().name() == "title")
                .and_then(|n| n.text())
                .unwrap();
            let date = row["date"].as_str().unwrap();
            assert!(title.contains(&format!("({date})")), "{title} lacks {date}");
        }
    }
    // Precision is visible: a day is a dot, an interval a bar, an uncertain date dashed.
    let svg = Kz::new().args(["timeline", "--to", "svg"]).run().stdout;
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let mark_of = |text: &str| {
        doc.descendants()
            .find(|n| {
                n.attribute("class").is_some_and(|c| c.starts_with("mark "))
                    && n.descendants()
                        .any(|t| t.text().is_some_and(|t| t.contains(text)))
            })
            .unwrap_or_else(|| panic!("no mark for {text}"))
    };
    fn shape<'a, 'i>(n: roxmltree::Node<'a, 'i>) -> roxmltree::Node<'a, 'i> {
        n.descendants()
            .find(|c| matches!(c.tag_name().name(), "circle" | "rect"))
            .unwrap()
    }
    let arrive = shape(mark_of("CSTO troops arrive"));
    assert_eq!(arrive.tag_name().name(), "circle");
    let clashes = shape(mark_of("2–8 January 2022 · Demonstrators clash"));
    assert_eq!(clashes.tag_name().name(), "rect");
    let post = shape(mark_of("5 January 2022 (uncertain) · Pashinyan refers"));
    assert!(post.attribute("stroke-dasharray").is_some());
    // A label gives the date as people write it, not as EDTF.
    let rows = Kz::new()
        .args(["timeline", "-f", "json"])
        .run()
        .success()
        .json();
    let row = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["date"].as_str().unwrap().contains(['X', '/', '~']))
        .expect("a date that is not a plain day");
    let human = kz::date::Date::parse(row["date"].as_str().unwrap())
        .unwrap()
        .human();
    let summary: String = row["summary"].as_str().unwrap().chars().take(12).collect();
    assert!(
        svg_text(&svg).contains(&format!("{human} · {summary}")),
        "no label {human} · {summary}"
    );
    Kz::new()
        .args(["timeline", "--to", "svg", "--since", "2030"])
        .run()
        .code(1)
        .stdout_empty();
}

#[test]
fn the_graph_picture_needs_no_graphviz() {
    let whole = Kz::new().args(["graph", "--to", "svg"]).run().success();
    let t = svg_text(&whole.stdout);
    assert!(t.contains("Andrey Serdyukov") && t.contains("member of"));
    let one = Kz::new()
        .args(["graph", "Serdyukov", "--to", "svg"])
        .run()
        .success();
    let t = svg_text(&one.stdout);
    assert!(t.contains("Crimea") && !t.contains("Murtazashvili"));
    Kz::new()
        .args(["graph", "kassenova-not-all-protesters", "--to", "svg"])
        .run()
        .code(2);
}

#[test]
fn a_site_is_written_only_where_kz_may() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("thesis.tex"), "mine").unwrap();
    Kz::new()
        .args(["site", &dir.path().display().to_string()])
        .run()
        .code(2)
        .stderr_has("is not empty and holds no site kz wrote");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("thesis.tex")).unwrap(),
        "mine"
    );
    // A site kz wrote may be written again, and the pages of the old one do not linger: the
    // fixture's pages go when the site is rebuilt from the built-in base.
    let site = build(Some(&fixture("clean")));
    let stale = site.path().join("site/records/ada-example.html");
    assert!(stale.is_file());
    Kz::new()
        .args(["site", &site.path().join("site").display().to_string()])
        .run()
        .success();
    assert!(!stale.exists());
    assert!(
        site.path()
            .join("site/records/andrey-serdyukov.html")
            .is_file()
    );
}

#[test]
fn ids_of_any_length_get_file_names_that_fit_and_links_that_hold() {
    // Two ids of 301 bytes, the same for their first 300: each gets its own short name.
    let a = format!("{}-{}", "a".repeat(150), "b".repeat(150));
    let b = format!("{}-{}c", "a".repeat(150), "b".repeat(149));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("base.yaml"),
        format!(
            "sources:\n  - id: src\n    title: S\nactors:\n  - id: {a}\n    name: Long A\n    \
             description: d\n    source: src\n  - id: {b}\n    name: Long B\n    description: \
             d\n    source: src\n  - id: con\n    name: Con\n    description: d\n    source: \
             src\norganisations:\n  - id: o\n    name: O\n    kind: body\n    members:\n      \
             - member: {a}\n      - member: {b}\n      - member: con\n    source: src\n"
        ),
    )
    .unwrap();
    let facts = dir.path().display().to_string();
    Kz::new().args(["--facts", &facts, "check"]).run().success();
    let built = build(Some(&facts));
    let site = built.path().join("site");
    let (pages, _) = check_links(&site);
    for rel in files(&site).keys() {
        let name = rel.rsplit('/').next().unwrap();
        assert!(name.len() <= 130, "{rel}: {} bytes", name.len());
        let stem = name.split('.').next().unwrap();
        assert_ne!(
            stem.to_ascii_lowercase(),
            "con",
            "{rel}: a Windows device name"
        );
    }
    // Each long id has its page, under a different name, and the organisation links to both.
    let text = |rel: &str| pages[rel].doc.root_element().text().collect::<String>();
    let long: Vec<&String> = pages.keys().filter(|p| p.contains("~~")).collect();
    assert_eq!(long.len(), 2, "{:?}", pages.keys());
    let both: BTreeSet<String> = long.iter().map(|p| text(p)).collect();
    assert!(both.iter().any(|t| t.contains("Long A")) && both.iter().any(|t| t.contains("Long B")));
    let org = &pages["records/o.html"];
    for page in &long {
        let href = page.trim_start_matches("records/");
        assert!(
            org.refs.iter().any(|(_, url)| url == href),
            "o.html lacks {href}"
        );
    }
}

/// Opens the site in Debian's Chromium, driven from Rust over the DevTools protocol (see
/// `browser.rs`). Skipped, loudly, where `chromium` is not on PATH; under CI=true it must be.
#[test]
fn a_real_browser_loads_searches_and_screenshots_the_site() {
    if !needs_tool("chromium", "the site is opened in a real browser") {
        return;
    }
    let chromium = crate::support::which("chromium").expect("found just now");
    let dir = build(None);
    let shots = dir.path().join("shots");
    let r = crate::browser::visit(&chromium, &dir.path().join("site"), &shots)
        .unwrap_or_else(|e| panic!("the browser could not visit the site: {e:#}"));
    for (name, h1) in [
        ("index", "What the base holds"),
        ("person", "Andrey Serdyukov"),
        ("event", "CSTO troops arrive in Kazakhstan"),
        ("article", "Article on the CSTO deployment"),
    ] {
        let page = &r["pages"][name];
        assert_eq!(page["problems"], serde_json::json!([]), "{name}: {page}");
        assert!(
            page["h1"].as_str().unwrap().starts_with(h1),
            "{name}: {page}"
        );
    }
    assert_eq!(r["outside"], serde_json::json!([]), "fetched from outside");
    let ev = &r["evidence"];
    assert_eq!(ev["target"], "mark", "{ev}");
    assert_eq!(ev["visible"], true, "{ev}");
    assert!(ev["text"].as_str().unwrap().contains("Serdyukov"), "{ev}");
    let search = &r["search"];
    assert_eq!(search["h1"], "Andrey Serdyukov", "{search}");
    assert!(
        search["url"]
            .as_str()
            .unwrap()
            .ends_with("records/andrey-serdyukov.html")
    );
    assert_eq!(search["problems"], serde_json::json!([]), "{search}");
    assert_eq!(
        search["cyrillic"],
        serde_json::json!(["Andrey Serdyukov"]),
        "typing the alias Андрей Сердюков finds Serdyukov: {search}"
    );
    let shots_taken = r["screenshots"].as_array().unwrap();
    // The index, a person, an organisation and a source, each at 1280 and 390 pixels.
    assert_eq!(shots_taken.len(), 8);
    for s in shots_taken {
        assert!(
            s["image"]["colours"].as_u64().unwrap() > 20,
            "a blank screenshot: {s}"
        );
        assert_eq!(s["image"]["width"], s["width"], "{s}");
        // What the page is wider than its window (a vertical scroll bar aside) scrolls sideways.
        assert!(
            s["scrollWidth"].as_u64() <= s["clientWidth"].as_u64(),
            "the page scrolls sideways: {s}"
        );
        for (check, found) in s["layout"].as_object().unwrap() {
            assert_eq!(
                found,
                &serde_json::json!([]),
                "{check} on {} at {}: {found}",
                s["name"],
                s["width"]
            );
        }
    }
    // KZ_BLESS=1 refreshes the README's screenshot and timeline picture.
    if std::env::var_os("KZ_BLESS").is_some() {
        std::fs::copy(shots.join("index-1280.png"), root().join("docs/site.png")).unwrap();
        let svg = Kz::new().args(["timeline", "--to", "svg"]).run().success();
        std::fs::write(root().join("docs/timeline.svg"), svg.stdout).unwrap();
    }
}
