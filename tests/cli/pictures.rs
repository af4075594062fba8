//! The pictures read at a glance, checked by their geometry: the timeline's rows run in date
//! order top to bottom; every label's box is inside its picture (its width reckoned from its
//! font size and how many characters it has, as the layout reckons it); a record's picture is at
//! most 1,200 px wide with the record in the middle, counts what it leaves out, and no two of its
//! relation labels overlap; the whole-base picture draws every edge `kz graph` lists, with a
//! legend; the site draws the pictures into its pages, scaled to the page.

use crate::support::{Kz, fixture};
use roxmltree::{Document, Node};
use std::collections::BTreeMap;

/// How wide a character is reckoned, as a share of the font size (the layout's own figure).
const EM: f64 = 0.6;

/// A box: left, top, right, bottom.
type Rect = (f64, f64, f64, f64);

fn num(n: Node, attr: &str) -> f64 {
    n.attribute(attr)
        .unwrap_or_else(|| panic!("<{}> lacks {attr}", n.tag_name().name()))
        .parse()
        .unwrap_or_else(|e| panic!("{attr} of <{}>: {e}", n.tag_name().name()))
}

/// An attribute of a node or, failing that, of the nearest ancestor that sets it.
fn inherited<'a>(n: Node<'a, '_>, attr: &str) -> Option<&'a str> {
    n.ancestors().find_map(|a| a.attribute(attr))
}

fn view_box(doc: &Document) -> Rect {
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    let v: Vec<f64> = root
        .attribute("viewBox")
        .expect("a viewBox")
        .split([' ', ','])
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect();
    assert_eq!(v.len(), 4);
    let (w, h) = (num(root, "width"), num(root, "height"));
    assert_eq!((w, h), (v[2], v[3]), "the picture is drawn at its own size");
    (v[0], v[1], v[0] + v[2], v[1] + v[3])
}

/// The box a `<text>` is reckoned to take: its characters at [`EM`] of its font size, placed by
/// its anchor; from an ascent of its font size above the baseline to a third of it below.
fn text_box(t: Node) -> Rect {
    let size: f64 = inherited(t, "font-size")
        .map(|s| s.parse().unwrap())
        .unwrap_or(16.0);
    let chars = t
        .descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect::<String>()
        .chars()
        .count() as f64;
    let w = chars * EM * size;
    let (x, y) = (num(t, "x"), num(t, "y"));
    let left = match inherited(t, "text-anchor").unwrap_or("start") {
        "middle" => x - w / 2.0,
        "end" => x - w,
        _ => x,
    };
    (left, y - size, left + w, y + size / 3.0)
}

fn rect_of(r: Node) -> Rect {
    let (x, y) = (num(r, "x"), num(r, "y"));
    (x, y, x + num(r, "width"), y + num(r, "height"))
}

fn inside(inner: Rect, outer: Rect) -> bool {
    inner.0 >= outer.0 - 0.5
        && inner.1 >= outer.1 - 0.5
        && inner.2 <= outer.2 + 0.5
        && inner.3 <= outer.3 + 0.5
}

fn overlap(a: Rect, b: Rect) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

fn class_has(n: Node, class: &str) -> bool {
    n.attribute("class")
        .is_some_and(|c| c.split(' ').any(|x| x == class))
}

fn texts<'a, 'i>(n: Node<'a, 'i>) -> impl Iterator<Item = Node<'a, 'i>> {
    n.descendants().filter(|d| d.has_tag_name("text"))
}

/// What the labels of an element say (not its tooltips).
fn text_of(n: Node) -> String {
    n.descendants()
        .filter(|d| d.is_text() && d.parent().is_some_and(|p| p.has_tag_name("text")))
        .filter_map(|d| d.text())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every label of a picture is inside it, and every label of a record's box inside the box.
#[track_caller]
fn labels_inside(what: &str, svg: &str) {
    let doc = Document::parse(svg).unwrap_or_else(|e| panic!("{what}: not XML: {e}"));
    let frame = view_box(&doc);
    let mut n = 0;
    for t in texts(doc.root_element()) {
        let b = text_box(t);
        assert!(
            inside(b, frame),
            "{what}: the label {:?} at {b:?} runs off the picture {frame:?}",
            text_of(t)
        );
        n += 1;
    }
    assert!(n > 0, "{what}: no labels at all");
    for node in doc
        .descendants()
        .filter(|d| class_has(*d, "node") || class_has(*d, "more"))
    {
        let rect = node
            .descendants()
            .find(|d| d.has_tag_name("rect"))
            .map(rect_of)
            .unwrap();
        for t in texts(node) {
            let b = text_box(t);
            let (l, r) = (b.0, b.2);
            assert!(
                l >= rect.0 && r <= rect.2 && num(t, "y") <= rect.3 && num(t, "y") >= rect.1,
                "{what}: {:?} ({b:?}) runs out of its box {rect:?}",
                text_of(t)
            );
        }
    }
}

fn run(args: &[&str]) -> String {
    Kz::new().args(args).run().success().stdout
}

/// A base written for these tests: a country with thirty events over seventy years, titles long
/// enough to wrap, a place named in wide characters, a person in all thirty events and an
/// organisation of twelve members.
fn crowded() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut y = String::from(
        "sources:\n  - id: src\n    title: A long report\nplaces:\n  - id: hubland\n    \
         name: Hubland\n    kind: country\n    source: src\n  - id: tokyo\n    \
         name: 東京都庁舎の長い名前のある場所です本当に長い\n    kind: city\n    \
         part_of: hubland\n    source: src\norganisations:\n  - id: club\n    \
         name: The Club of Remarkably Long Organisation Names and Other Things\n    \
         kind: club\n    source: src\n    members:\n",
    );
    for i in 0..12 {
        y.push_str(&format!("      - member: person-{i}\n"));
    }
    y.push_str("actors:\n");
    for i in 0..12 {
        y.push_str(&format!(
            "  - id: person-{i}\n    name: Person Number {i} With A Rather Long Name\n    \
             description: x\n    source: src\n"
        ));
    }
    y.push_str("events:\n");
    for i in 0..30 {
        let title = format!(
            "Event {i} where a great many things happened at once and the title goes on and on "
        )
        .repeat(1 + i % 3);
        y.push_str(&format!(
            "  - id: ev-{i}\n    date: {}-0{}-1{}\n    title: {}\n    involving: [person-0]\n    \
             places: [hubland]\n    source: src\n",
            1950 + 2 * i,
            1 + i % 9,
            i % 9,
            title.trim()
        ));
    }
    std::fs::write(dir.path().join("base.yaml"), y).unwrap();
    dir
}

/// The marks of a timeline in document order: (their shape's centre y, left x, label boxes).
fn marks(svg: &str) -> Vec<(f64, f64, Vec<Rect>)> {
    let doc = Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.attribute("class").is_some_and(|c| c.starts_with("mark ")))
        .map(|m| {
            let shape = m
                .descendants()
                .find(|c| matches!(c.tag_name().name(), "circle" | "rect"))
                .unwrap();
            let (y, x) = match shape.tag_name().name() {
                "circle" => (num(shape, "cy"), num(shape, "cx") - num(shape, "r")),
                _ => (
                    num(shape, "y") + num(shape, "height") / 2.0,
                    num(shape, "x"),
                ),
            };
            (y, x, texts(m).map(text_box).collect())
        })
        .collect()
}

#[test]
fn timeline_rows_run_in_date_order_top_to_bottom() {
    let crowd = crowded();
    let crowd = crowd.path().display().to_string();
    let cases: Vec<Vec<&str>> = vec![
        vec![],
        vec!["Tokayev"],
        vec!["CSTO", "--since", "2022"],
        vec!["--until", "2000"],
        vec!["--facts", &crowd],
    ];
    for args in &cases {
        let json = Kz::new()
            .args(["timeline", "-f", "json"])
            .args(args)
            .run()
            .success()
            .json();
        let rows = json.as_array().unwrap();
        let svg = run(&[&["timeline", "--to", "svg"][..], args].concat());
        let marks = marks(&svg);
        assert_eq!(marks.len(), rows.len(), "{args:?}");
        // Read row by row, left to right, the marks are the chronology: each is below the one
        // before, or on its row and to its right.
        for (i, w) in marks.windows(2).enumerate() {
            let ((y0, x0, _), (y1, x1, _)) = (&w[0], &w[1]);
            assert!(
                y1 > y0 || (y1 == y0 && x1 > x0),
                "{args:?}: fact {} ({:?}) is drawn above or left of the fact before it",
                i + 1,
                rows[i + 1]["id"]
            );
        }
        // The first and the last are the oldest and the newest: on the top row and the bottom.
        let ys: Vec<f64> = marks.iter().map(|m| m.0).collect();
        assert!(ys.first() <= ys.last());
        // No label meets another, and every label is inside the picture.
        let boxes: Vec<(usize, Rect)> = marks
            .iter()
            .enumerate()
            .flat_map(|(i, m)| m.2.iter().map(move |&b| (i, b)))
            .collect();
        for (n, &(i, a)) in boxes.iter().enumerate() {
            for &(j, b) in &boxes[n + 1..] {
                assert!(
                    i == j || !overlap(a, b),
                    "{args:?}: the labels of facts {i} and {j} overlap"
                );
            }
        }
        labels_inside(&format!("timeline {args:?}"), &svg);
    }
}

#[test]
fn a_long_label_wraps_rather_than_runs_off() {
    let crowd = crowded();
    let svg = run(&[
        "--facts",
        &crowd.path().display().to_string(),
        "timeline",
        "--to",
        "svg",
    ]);
    let doc = Document::parse(&svg).unwrap();
    let width = view_box(&doc).2;
    assert!(width <= 1_200.0, "{width}");
    let wrapped = marks(&svg).iter().filter(|m| m.2.len() > 1).count();
    assert!(wrapped > 10, "only {wrapped} labels wrapped");
    // The tooltip keeps the whole summary.
    assert!(svg.contains(
        "Event 29 where a great many things happened at once and the title goes on and on Event 29"
    ));
}

/// `kz graph ID` in DOT: the edges, as (from, to, label).
fn dot_edges(args: &[&str]) -> Vec<(String, String, String)> {
    run(&[&["graph"][..], args].concat())
        .lines()
        .filter_map(|l| {
            let (ends, label) = l.trim().split_once(" [label=")?;
            let (from, to) = ends.split_once(" -> ")?;
            let unquote = |s: &str| s.trim().trim_matches('"').to_string();
            Some((
                unquote(from),
                unquote(to),
                unquote(label.trim_end_matches("];")),
            ))
        })
        .collect()
}

/// The checks of a record's own picture, given its id and the edges `kz graph` gives it.
#[track_caller]
fn ego_reads(what: &str, svg: &str, id: &str, dot: &[(String, String, String)]) {
    labels_inside(what, svg);
    let doc = Document::parse(svg).unwrap();
    let frame = view_box(&doc);
    let (w, h) = (frame.2 - frame.0, frame.3 - frame.1);
    assert!(w <= 1_200.0, "{what}: {w} px wide");
    let focus = doc
        .descendants()
        .find(|n| class_has(*n, "focus"))
        .and_then(|g| g.descendants().find(|n| n.has_tag_name("rect")))
        .map(rect_of)
        .unwrap_or_else(|| panic!("{what}: no record in the middle"));
    let centre = ((focus.0 + focus.2) / 2.0, (focus.1 + focus.3) / 2.0);
    assert!(
        (centre.0 - w / 2.0).abs() < 1.0 && (centre.1 - h / 2.0).abs() < 1.0,
        "{what}: the record is at {centre:?}, not the centre of {w} × {h}"
    );
    // The groups hold every relation of the record that `kz graph` lists, drawn or counted.
    let touching = dot
        .iter()
        .filter(|(f, t, _)| (f == id) != (t == id))
        .count();
    let mut groups: BTreeMap<(String, String), (usize, usize, Vec<String>)> = BTreeMap::new();
    for g in doc.descendants().filter(|n| class_has(*n, "group")) {
        let key = (
            g.attribute("data-relation").unwrap().to_string(),
            g.attribute("data-direction").unwrap().to_string(),
        );
        let total: usize = g.attribute("data-total").unwrap().parse().unwrap();
        let entry = groups.entry(key).or_insert((total, 0, Vec::new()));
        assert_eq!(entry.0, total, "{what}: the parts of a group disagree");
        entry.1 += g.descendants().filter(|n| class_has(*n, "node")).count();
        entry.2.extend(
            g.descendants()
                .filter(|n| class_has(*n, "more"))
                .map(text_of),
        );
    }
    let total: usize = groups.values().map(|g| g.0).sum();
    assert_eq!(total, touching, "{what}: {groups:?}");
    for ((relation, dir), (total, drawn, more)) in &groups {
        // Each kind of relation the picture groups is one `kz graph` draws.
        let matching = dot
            .iter()
            .filter(|(f, t, label)| {
                let ends = match dir.as_str() {
                    "out" => f == id && t != id,
                    _ => t == id && f != id,
                };
                ends && (label == relation || label.starts_with(&format!("{relation} (")))
            })
            .count();
        if relation != "role in" {
            assert_eq!(matching, *total, "{what}: {relation} ({dir})");
        }
        assert!(drawn <= total, "{what}: {relation}");
        if drawn < total {
            assert_eq!(
                more.len(),
                1,
                "{what}: {relation} is capped but not counted"
            );
            let said = format!("{} more", total - drawn);
            assert!(
                more[0].starts_with(&said),
                "{what}: {relation}: {:?} is not {said:?}",
                more[0]
            );
            assert!(*drawn <= 7, "{what}: {relation} draws {drawn}");
        } else {
            assert!(
                more.is_empty(),
                "{what}: {relation} counts nothing left out"
            );
        }
    }
    // Relation labels meet neither each other nor any box.
    let labels: Vec<(String, Rect)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text") && class_has(*n, "relation"))
        .map(|t| (text_of(t), text_box(t)))
        .collect();
    let boxes: Vec<Rect> = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("x").is_some())
        .map(rect_of)
        .collect();
    for (i, (a, ra)) in labels.iter().enumerate() {
        for (b, rb) in &labels[i + 1..] {
            assert!(!overlap(*ra, *rb), "{what}: {a:?} overlaps {b:?}");
        }
        for rb in &boxes {
            assert!(!overlap(*ra, *rb), "{what}: {a:?} overlaps a box at {rb:?}");
        }
    }
}

#[test]
fn a_records_picture_fits_a_page_with_the_record_in_the_middle() {
    for (id, name) in [
        ("kassym-jomart-tokayev", "Tokayev"),
        ("csto", "csto"),
        ("kazakhstan", "kazakhstan"),
        ("almaty-clashes", "almaty-clashes"),
        ("andrey-serdyukov", "Serdyukov"),
    ] {
        let svg = run(&["graph", name, "--to", "svg"]);
        ego_reads(id, &svg, id, &dot_edges(&[name]));
    }
    // A group too big to draw is counted: Kazakhstan has more events than a group shows.
    let svg = run(&["graph", "kazakhstan", "--to", "svg"]);
    assert!(svg.contains(" more events"), "{svg}");
    // So is a much bigger one, and wide and long names stay in their boxes.
    let crowd = crowded();
    let facts = crowd.path().display().to_string();
    for id in ["hubland", "person-0", "club", "tokyo", "ev-3"] {
        let svg = run(&["--facts", &facts, "graph", id, "--to", "svg"]);
        let dot = dot_edges(&["--facts", &facts, id]);
        ego_reads(id, &svg, id, &dot);
    }
    let svg = run(&["--facts", &facts, "graph", "hubland", "--to", "svg"]);
    assert!(svg.contains("24 more events"), "{svg}");
}

/// The whole base, or a neighbourhood two steps out: every edge `kz graph` lists is drawn, the
/// legend names every kind of relation drawn, and every label is inside the picture.
#[test]
fn a_picture_of_many_records_draws_every_edge_with_a_legend() {
    let crowd = crowded();
    let facts = crowd.path().display().to_string();
    let hostile = fixture("hostile-site");
    for args in [
        vec![],
        vec!["Tokayev", "--depth", "2"],
        vec!["--facts", &facts],
        vec!["--facts", &hostile],
    ] {
        let dot = dot_edges(&args);
        let svg = run(&[&["graph"][..], &args, &["--to", "svg"]].concat());
        labels_inside(&format!("graph {args:?}"), &svg);
        let doc = Document::parse(&svg).unwrap();
        let drawn = doc.descendants().filter(|n| class_has(*n, "edge")).count();
        let wanted = dot.iter().filter(|(f, t, _)| f != t).count();
        assert_eq!(drawn, wanted, "{args:?}");
        let legend: Vec<String> = doc
            .descendants()
            .filter(|n| class_has(*n, "legend"))
            .flat_map(texts)
            .map(text_of)
            .collect();
        // A relation is named in the legend, or is a role (labelled with its title).
        for (_, _, label) in &dot {
            let kind = label.split(" (").next().unwrap();
            let named = legend.iter().any(|l| l == kind || l == "role in");
            assert!(named, "{args:?}: the legend lacks {label:?}: {legend:?}");
        }
        for (class, name) in [
            ("actor", "person"),
            ("organisation", "organisation"),
            ("place", "place"),
            ("event", "event"),
        ] {
            if svg.contains(&format!("class=\"node {class}\"")) {
                assert!(legend.iter().any(|l| l == name), "{args:?}: {legend:?}");
            }
        }
    }
    // The whole built-in base reads on a large screen or two, not a poster.
    let svg = run(&["graph", "--to", "svg"]);
    let doc = Document::parse(&svg).unwrap();
    let frame = view_box(&doc);
    // (Past 8 million square pixels, a picture of 140 records is a poster.)
    assert!(frame.2 * frame.3 < 8_000_000.0, "{frame:?}");
}

#[test]
fn pictures_are_drawn_the_same_every_time() {
    for args in [
        &["graph", "--to", "svg"][..],
        &["graph", "kazakhstan", "--to", "svg"],
        &["timeline", "--to", "svg"],
    ] {
        assert_eq!(run(args), run(args), "{args:?}");
    }
}

/// Every picture of a site: the timeline on the index and each record's relation picture, drawn
/// into their pages (scaled to the page by the style sheet) and written alone beside them.
#[test]
fn the_site_draws_its_pictures_into_the_pages() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    Kz::new()
        .args(["site", &site.display().to_string()])
        .run()
        .success();
    let css = std::fs::read_to_string(site.join("style.css")).unwrap();
    assert!(
        css.contains("figure.picture svg { display: block; max-width: 100%; height: auto; }"),
        "{css}"
    );
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    let timeline = std::fs::read_to_string(site.join("timeline.svg")).unwrap();
    assert!(index.contains(&format!("<figure class=\"picture\">\n{timeline}")));
    assert!(index.contains("<a href=\"timeline.svg\">"));
    labels_inside("timeline.svg", &timeline);
    let mut pictures = 0;
    for entry in std::fs::read_dir(site.join("graphs")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_str().unwrap().to_string();
        let svg = std::fs::read_to_string(&path).unwrap();
        let page = std::fs::read_to_string(site.join("records").join(format!("{name}.html")))
            .unwrap_or_else(|_| panic!("{name} has a picture but no page"));
        assert!(
            page.contains(&svg),
            "{name}: the page does not draw its picture"
        );
        assert!(page.contains(&format!("href=\"../graphs/{name}.svg\"")));
        ego_reads(&name, &svg, &name, &dot_edges(&[&name]));
        // Its links work from the page and from the picture alone.
        for href in svg.split("href=\"").skip(1) {
            let href = href.split('"').next().unwrap();
            let file = href.split('#').next().unwrap();
            assert!(file.starts_with("../records/"), "{name}: {href}");
            assert!(
                site.join("graphs").join(file).is_file(),
                "{name}: {href} finds no page"
            );
        }
        pictures += 1;
    }
    assert!(pictures > 30, "{pictures} pictures");
    // A picture that counts what it leaves out links to the section of the page listing it.
    let kz = std::fs::read_to_string(site.join("graphs/kazakhstan.svg")).unwrap();
    assert!(kz.contains("href=\"../records/kazakhstan.html#events-about\""));
    let page = std::fs::read_to_string(site.join("records/kazakhstan.html")).unwrap();
    assert!(page.contains("<section id=\"events-about\">"));
}

/// The example pictures in `docs/` are what kz draws now. `KZ_BLESS=1` writes them again.
#[test]
fn the_example_pictures_in_docs_are_current() {
    for (file, args) in [
        ("docs/timeline.svg", &["timeline", "--to", "svg"][..]),
        ("docs/tokayev.svg", &["graph", "Tokayev", "--to", "svg"]),
        ("docs/graph.svg", &["graph", "--to", "svg"]),
    ] {
        let svg = run(args);
        let path = crate::support::root().join(file);
        if std::env::var_os("KZ_BLESS").is_some() {
            std::fs::write(&path, &svg).unwrap();
        }
        let kept = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            kept == svg,
            "{file} is not what `kz {}` draws: run the tests with KZ_BLESS=1",
            args.join(" ")
        );
    }
}
