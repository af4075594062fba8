//! The relation picture of one record: the record in the middle and the records one step from
//! it around it, grouped by relation (took part in, member of, role in, spoke about...), in a
//! picture that fits a page: at most [`MAX_WIDTH`] pixels wide, at a font size a person reads.
//!
//! Each group is a column of boxes under its relation's name, joined to the record by curves in
//! the relation's colour, with an arrowhead at the record each relation points to. The name of a
//! relation is written once, as its group's heading, so no two labels meet. A group of more than
//! [`SHOWN`] + 1 records shows its first [`SHOWN`] and a box saying how many more, linked to where
//! they are listed. Groups come in a fixed order of relations and are split between the left
//! and the right column so that the columns come out as close in height as can be.
//!
//! Relations among the records around the middle are left out (the picture would be the poster
//! it replaces); a note says how many. `kz graph ID --depth 2` draws them.

use super::draw::{document, finish, fit, num, wrap};
use super::{Linker, colours, record_frame, relation_colour};
use crate::markup::shown;
use crate::model::{Base, EntityRef, Kind};
use crate::query::relations::{Edge, Relation};
use crate::text::shorten;
use svg::node::element::{Anchor, Group, Path, Polygon, Rectangle, Text, Title};

/// The widest an ego picture may be: it fits a page at a font size a person reads.
pub const MAX_WIDTH: f64 = 1_200.0;

/// How many records a group draws before it counts the rest.
pub const SHOWN: usize = 6;

const MARGIN: f64 = 16.0;
const BOX_W: f64 = 290.0;
const FOCUS_W: f64 = 230.0;
/// Between a column and the record in the middle: where the curves run.
const GAP: f64 = 134.0;
const PAD: f64 = 9.0;
const NAME: f64 = 14.0;
const SMALL: f64 = 12.0;
const HEAD: f64 = 13.0;
const FOCUS_FONT: f64 = 16.0;
/// A line's height, as a share of its font size.
const LINE: f64 = 1.3;
/// Bold text is reckoned this much wider than regular.
const BOLD: f64 = 1.1;
/// Above and below the columns: the title, and the note.
const BAND: f64 = 40.0;
const BOX_GAP: f64 = 8.0;
const GROUP_GAP: f64 = 18.0;
/// Up to this many groups, every way of splitting them between the columns is tried.
const SPLIT_ALL: usize = 14;
/// How wide every ego picture is drawn.
const WIDTH: f64 = 2.0 * MARGIN + 2.0 * BOX_W + FOCUS_W + 2.0 * GAP;
const _: () = assert!(WIDTH <= MAX_WIDTH);

/// Where the marks of an ego picture link to.
#[derive(Clone, Copy, Default)]
pub struct Links<'a> {
    /// A record's page.
    pub record: Option<Linker<'a>>,
    /// Where the records a group leaves out are listed: given the record in the middle, the kind
    /// of relation and whether it points away from the record.
    pub more: Option<&'a (dyn Fn(EntityRef, Relation, bool) -> Option<String> + Sync)>,
}

/// One group, or the part of one that a column draws: a kind of relation, which way it points,
/// every record at its other end, and which of them this part draws.
#[derive(Clone)]
struct Bunch<'e> {
    relation: Relation,
    /// Whether the relation points from the record in the middle to the others.
    outward: bool,
    members: Vec<(EntityRef, &'e Edge)>,
    /// The members this part draws.
    drawn: std::ops::Range<usize>,
    /// Whether this part ends with the box counting the members left out.
    counts: bool,
}

impl<'e> Bunch<'e> {
    fn new(relation: Relation, outward: bool, first: (EntityRef, &'e Edge)) -> Bunch<'e> {
        Bunch {
            relation,
            outward,
            members: vec![first],
            drawn: 0..0,
            counts: false,
        }
    }

    /// How many members a group draws: all, or [`SHOWN`] and a count of the rest.
    fn shown(&self) -> usize {
        match self.members.len() {
            n if n <= SHOWN + 1 => n,
            _ => SHOWN,
        }
    }

    /// The members no part draws.
    fn hidden(&self) -> &[(EntityRef, &'e Edge)] {
        &self.members[self.shown()..]
    }

    /// The heading: the relation's name (said of the record in the middle when the relation
    /// points at it) and how many records the group holds.
    fn heading(&self) -> String {
        let name = self.relation.name();
        let name = match self.outward {
            true => name.to_string(),
            false => format!("{name} this"),
        };
        match self.members.len() {
            1 => name,
            n => format!("{name} · {n}"),
        }
    }
}

/// A line of text in a box.
struct Line {
    text: String,
    size: f64,
    muted: bool,
}

/// The lines of a neighbour's box: an event's date, the name, and what the relation says of it
/// (a role's title, how many quotes).
fn box_lines(base: &Base, r: EntityRef, edge: &Edge) -> Vec<Line> {
    let mut lines = Vec::new();
    let inner = BOX_W - 2.0 * PAD;
    if r.kind == Kind::Event {
        let date = shown(&base.events[r.idx as usize].date.human());
        lines.push(Line {
            text: shorten(&date, fit(inner, SMALL)),
            size: SMALL,
            muted: true,
        });
    }
    for text in wrap(&shown(base.label(r)), fit(inner, NAME), 3) {
        lines.push(Line {
            text,
            size: NAME,
            muted: false,
        });
    }
    let detail = match edge.relation {
        Relation::Role => Some(shown(&edge.label)),
        Relation::Spoke(n) if n > 1 => Some(format!("{n} quotes")),
        _ => None,
    };
    for text in detail.iter().flat_map(|d| wrap(d, fit(inner, SMALL), 2)) {
        lines.push(Line {
            text,
            size: SMALL,
            muted: true,
        });
    }
    lines
}

fn lines_height(lines: &[Line]) -> f64 {
    2.0 * PAD + lines.iter().map(|l| l.size * LINE).sum::<f64>()
}

/// What a column holds, top to bottom.
enum Item<'b, 'e> {
    Heading(&'b Bunch<'e>),
    Box(&'b Bunch<'e>, EntityRef, &'e Edge, Vec<Line>),
    More(&'b Bunch<'e>),
}

impl Item<'_, '_> {
    fn height(&self) -> f64 {
        match self {
            Item::Heading(_) => HEAD * LINE + 4.0,
            Item::Box(_, _, _, lines) => lines_height(lines),
            Item::More(_) => 2.0 * PAD + NAME * LINE,
        }
    }
}

/// The groups around `focus` from the edges that touch it, in the fixed order of relations
/// (those pointing away first), each group's records in date order (events) or by name.
fn bunches<'e>(base: &Base, focus: EntityRef, edges: &[&'e Edge]) -> Vec<Bunch<'e>> {
    let mut out: Vec<Bunch<'e>> = Vec::new();
    for &e in edges {
        if e.from == e.to || (e.from != focus && e.to != focus) {
            continue;
        }
        let outward = e.from == focus;
        let other = if outward { e.to } else { e.from };
        let relation = e.relation.kind();
        match out
            .iter_mut()
            .find(|b| b.relation == relation && b.outward == outward)
        {
            Some(b) => b.members.push((other, e)),
            None => out.push(Bunch::new(relation, outward, (other, e))),
        }
    }
    out.sort_by_key(|b| (!b.outward, b.relation.slot(), b.relation));
    for b in &mut out {
        b.members.sort_by(|(x, _), (y, _)| {
            let date =
                |r: &EntityRef| (r.kind == Kind::Event).then(|| &base.events[r.idx as usize].date);
            match (date(x), date(y)) {
                (Some(a), Some(b)) => a.chronological(b),
                _ => std::cmp::Ordering::Equal,
            }
            .then_with(|| base.label(*x).cmp(base.label(*y)))
            .then_with(|| x.cmp(y))
        });
        b.drawn = 0..b.shown();
        b.counts = !b.hidden().is_empty();
    }
    out
}

/// The items of a run of groups, as one column.
fn column<'b, 'e>(base: &Base, groups: &[&'b Bunch<'e>]) -> Vec<Item<'b, 'e>> {
    let mut items = Vec::new();
    for &b in groups {
        items.push(Item::Heading(b));
        for &(r, e) in &b.members[b.drawn.clone()] {
            items.push(Item::Box(b, r, e, box_lines(base, r, e)));
        }
        if b.counts {
            items.push(Item::More(b));
        }
    }
    items
}

/// How tall a column is drawn.
fn column_height(items: &[Item]) -> f64 {
    let mut h = 0.0;
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            h += match item {
                Item::Heading(_) => GROUP_GAP,
                _ => BOX_GAP,
            };
        }
        h += item.height();
    }
    h
}

/// Splits the groups between the left and the right column, each keeping their order, so that
/// the taller column is as short as it can be (trying every split of up to [`SPLIT_ALL`] groups;
/// past that, each group in turn goes to the shorter column). A lone group of several records is
/// split in two parts under the same heading, so the record stays in the middle of something.
fn split<'e>(base: &Base, groups: Vec<Bunch<'e>>) -> (Vec<Bunch<'e>>, Vec<Bunch<'e>>) {
    if let [lone] = groups.as_slice()
        && lone.shown() > 1
    {
        let half = lone.shown().div_ceil(2);
        let mut first = lone.clone();
        first.drawn = 0..half;
        first.counts = false;
        let mut rest = lone.clone();
        rest.drawn = half..lone.shown();
        return (vec![first], vec![rest]);
    }
    let heights: Vec<f64> = groups
        .iter()
        .map(|g| column_height(&column(base, &[g])) + GROUP_GAP)
        .collect();
    let total: f64 = heights.iter().sum();
    let on_left: Vec<bool> = if groups.len() <= SPLIT_ALL {
        // The first split found with the shortest taller column; ties keep more on the left.
        let mut best = (f64::MAX, 0u32);
        for mask in (0..1u32 << groups.len()).rev() {
            let left: f64 = (0..groups.len())
                .filter(|i| mask & (1 << i) != 0)
                .map(|i| heights[i])
                .sum();
            let taller = left.max(total - left);
            if taller < best.0 - 0.5 {
                best = (taller, mask);
            }
        }
        (0..groups.len()).map(|i| best.1 & (1 << i) != 0).collect()
    } else {
        let (mut left, mut right) = (0.0, 0.0);
        heights
            .iter()
            .map(|&h| {
                let goes_left = left <= right;
                if goes_left {
                    left += h
                } else {
                    right += h
                }
                goes_left
            })
            .collect()
    };
    let (mut left, mut right) = (Vec::new(), Vec::new());
    for (g, l) in groups.into_iter().zip(on_left) {
        if l { left.push(g) } else { right.push(g) }
    }
    (left, right)
}

/// Draws the record `focus` and the records its `edges` join it to. Edges that do not touch
/// `focus` are counted in the note, not drawn.
pub fn svg(base: &Base, focus: EntityRef, edges: &[&Edge], links: &Links) -> String {
    let groups = bunches(base, focus, edges);
    let among = edges
        .iter()
        .filter(|e| e.from != focus && e.to != focus)
        .count();
    let no_groups = groups.is_empty();
    let (left_groups, right_groups) = split(base, groups);
    let left_refs: Vec<&Bunch> = left_groups.iter().collect();
    let right_refs: Vec<&Bunch> = right_groups.iter().collect();
    let left = column(base, &left_refs);
    let right = column(base, &right_refs);

    let width = WIDTH;
    let left_x = MARGIN;
    let focus_x = MARGIN + BOX_W + GAP;
    let right_x = focus_x + FOCUS_W + GAP;

    // The record in the middle: its name, what it is, and room for every group's curves.
    let focus_lines = focus_lines(base, focus);
    let most_groups = left_groups.len().max(right_groups.len()) as f64;
    let focus_h = lines_height(&focus_lines).max(20.0 * most_groups + 16.0);
    let content = column_height(&left).max(column_height(&right)).max(focus_h);
    let height = 2.0 * BAND + content;
    let mid_y = BAND + content / 2.0;
    let focus_y = mid_y - focus_h / 2.0;

    let name = shown(base.label(focus));
    let title = format!("Relations of {name}");
    let mut doc = document(width, height, &title, NAME);
    doc = doc.add(
        Text::new(shorten(&title, fit(width - 2.0 * MARGIN, 15.0 * BOLD)))
            .set("x", MARGIN)
            .set("y", 26)
            .set("font-size", 15)
            .set("font-weight", "bold")
            .set("fill", "#111827"),
    );

    // Each group (or part of one) as one element: its heading, curves and boxes, and what it
    // holds, so a reader of the picture's markup can tell the groups apart.
    let mut parts: Vec<Group> = Vec::new();
    for (items, x, side, count) in [
        (&left, left_x, -1.0, left_groups.len()),
        (&right, right_x, 1.0, right_groups.len()),
    ] {
        let top = BAND + (content - column_height(items)) / 2.0;
        let anchor_x = if side < 0.0 {
            focus_x
        } else {
            focus_x + FOCUS_W
        };
        let inner_x = if side < 0.0 { x + BOX_W } else { x };
        let mut y = top;
        let mut group_no = 0;
        let mut anchor_y = mid_y;
        let mut part: Option<(Group, Group, Group)> = None;
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                y += match item {
                    Item::Heading(_) => GROUP_GAP,
                    _ => BOX_GAP,
                };
            }
            let h = item.height();
            match item {
                Item::Heading(b) => {
                    parts.extend(part.take().map(join));
                    group_no += 1;
                    anchor_y = focus_y + focus_h * group_no as f64 / (count as f64 + 1.0);
                    let (colour, _) = relation_colour(b.relation);
                    let (tx, anchor) = if side < 0.0 {
                        (x + BOX_W, "end")
                    } else {
                        (x, "start")
                    };
                    let heading = Text::new(b.heading())
                        .set("class", "relation")
                        .set("x", num(tx))
                        .set("y", num(y + HEAD))
                        .set("text-anchor", anchor)
                        .set("font-size", HEAD)
                        .set("font-weight", "bold")
                        .set("fill", colour);
                    let mut curves = Group::new().set("fill", "none");
                    if !b.outward {
                        // One arrowhead where the whole group points at the record.
                        curves = curves.add(arrowhead(anchor_x, anchor_y, -side, colour));
                    }
                    let frame = Group::new()
                        .set("class", "group")
                        .set("data-relation", b.relation.name())
                        .set("data-direction", if b.outward { "out" } else { "in" })
                        .set("data-total", b.members.len())
                        .add(heading);
                    part = Some((frame, curves, Group::new()));
                }
                Item::Box(b, r, e, lines) => {
                    let (colour, dash) = relation_colour(b.relation);
                    let by = y + h / 2.0;
                    if let Some((_, curves, marks)) = &mut part {
                        let mut c = std::mem::take(curves).add(curve(
                            (anchor_x, anchor_y),
                            (inner_x, by),
                            colour,
                            dash,
                            &connector_title(base, e),
                        ));
                        if b.outward {
                            c = c.add(arrowhead(inner_x, by, side, colour));
                        }
                        *curves = c;
                        *marks =
                            std::mem::take(marks).add(record_box(*r, x, y, lines, links, base));
                    }
                }
                Item::More(b) => {
                    let (colour, _) = relation_colour(b.relation);
                    let by = y + h / 2.0;
                    if let Some((_, curves, marks)) = &mut part {
                        *curves = std::mem::take(curves).add(curve(
                            (anchor_x, anchor_y),
                            (inner_x, by),
                            colour,
                            Some("4,3"),
                            &format!("{} more", b.hidden().len()),
                        ));
                        *marks = std::mem::take(marks).add(more_box(base, focus, b, x, y, links));
                    }
                }
            }
            y += h;
        }
        parts.extend(part.take().map(join));
    }
    for part in parts {
        doc = doc.add(part);
    }
    doc = doc.add(focus_box(
        base,
        focus,
        focus_x,
        focus_y,
        focus_h,
        &focus_lines,
        links,
    ));
    let mut note = match (no_groups, among) {
        (true, _) => "No relations to draw.".to_string(),
        (false, 0) => String::new(),
        (false, n) => format!(
            "{} among these records {} not drawn here.",
            crate::text::plural(n, "relation"),
            if n == 1 { "is" } else { "are" }
        ),
    };
    if links.record.is_some() && !no_groups {
        note.insert_str(0, "Each box links to its record. ");
    }
    finish(
        doc.add(
            Text::new(shorten(&note, fit(width - 2.0 * MARGIN, SMALL)))
                .set("class", "note")
                .set("x", MARGIN)
                .set("y", num(height - 14.0))
                .set("font-size", SMALL)
                .set("fill", "#4b5563"),
        ),
    )
}

/// A group's element: its heading, then its curves under its boxes.
fn join((frame, curves, marks): (Group, Group, Group)) -> Group {
    frame.add(curves).add(marks)
}

/// The lines of the record in the middle: its name, and what it is (an event's date).
fn focus_lines(base: &Base, focus: EntityRef) -> Vec<Line> {
    let inner = FOCUS_W - 2.0 * PAD;
    let mut lines: Vec<Line> = wrap(&shown(base.label(focus)), fit(inner, FOCUS_FONT * BOLD), 3)
        .into_iter()
        .map(|text| Line {
            text,
            size: FOCUS_FONT,
            muted: false,
        })
        .collect();
    let what = match focus.kind {
        Kind::Event => base.events[focus.idx as usize].date.human(),
        Kind::Actor => "person".to_string(),
        _ => crate::model::view::kind_label(base, focus),
    };
    for text in wrap(&shown(&what), fit(inner, SMALL), 2) {
        lines.push(Line {
            text,
            size: SMALL,
            muted: true,
        });
    }
    lines
}

/// The box of the record in the middle, its lines centred in it.
fn focus_box(
    base: &Base,
    focus: EntityRef,
    x: f64,
    y: f64,
    h: f64,
    lines: &[Line],
    links: &Links,
) -> Group {
    let (fill, stroke) = colours(focus.kind);
    let mut g = Group::new().add(Title::new(shown(base.label(focus)))).add(
        Rectangle::new()
            .set("x", num(x))
            .set("y", num(y))
            .set("width", FOCUS_W)
            .set("height", num(h))
            .set("rx", if focus.kind == Kind::Actor { 14 } else { 4 })
            .set("fill", fill)
            .set("stroke", stroke)
            .set("stroke-width", 3),
    );
    let text_h = lines.iter().map(|l| l.size * LINE).sum::<f64>();
    let mut line_y = y + (h - text_h) / 2.0;
    for line in lines {
        let mut t = Text::new(line.text.clone())
            .set("x", num(x + FOCUS_W / 2.0))
            .set("y", num(line_y + line.size))
            .set("text-anchor", "middle")
            .set("font-size", line.size)
            .set("fill", if line.muted { "#374151" } else { "#111827" });
        if !line.muted {
            t = t.set("font-weight", "bold");
        }
        g = g.add(t);
        line_y += line.size * LINE;
    }
    let g = linked(g, links.record.and_then(|l| l(focus)));
    Group::new().set("class", "focus").add(g)
}

/// A neighbour's box, linked to its page.
fn record_box(r: EntityRef, x: f64, y: f64, lines: &[Line], links: &Links, base: &Base) -> Group {
    let mut g = record_frame(base, r, (x, y, BOX_W, lines_height(lines)), 1.2);
    let mut line_y = y + PAD;
    for line in lines {
        let mut t = Text::new(line.text.clone())
            .set("x", num(x + PAD))
            .set("y", num(line_y + line.size))
            .set("font-size", line.size)
            .set("fill", if line.muted { "#374151" } else { "#111827" });
        if line.muted && line.size == SMALL && r.kind != Kind::Event {
            t = t.set("font-style", "italic");
        }
        g = g.add(t);
        line_y += line.size * LINE;
    }
    let g = linked(g, links.record.and_then(|l| l(r)));
    Group::new()
        .set("class", format!("node {}", r.kind.name()))
        .add(g)
}

/// The box that counts a group's records left out, linked to where they are listed.
fn more_box(base: &Base, focus: EntityRef, b: &Bunch, x: f64, y: f64, links: &Links) -> Group {
    let hidden = b.hidden();
    let kind = hidden[0].0.kind;
    let noun = match hidden.iter().all(|(r, _)| r.kind == kind) {
        true => match kind {
            Kind::Actor if hidden.len() == 1 => "person",
            Kind::Actor => "people",
            Kind::Organisation if hidden.len() == 1 => "organisation",
            Kind::Organisation => "organisations",
            Kind::Place if hidden.len() == 1 => "place",
            Kind::Place => "places",
            Kind::Event if hidden.len() == 1 => "event",
            Kind::Event => "events",
            _ if hidden.len() == 1 => "record",
            _ => "records",
        },
        false => "records",
    };
    let text = format!("{} more {noun}", hidden.len());
    let (colour, _) = relation_colour(b.relation);
    let tip: Vec<String> = hidden
        .iter()
        .take(40)
        .map(|(r, _)| shown(base.label(*r)))
        .collect();
    let g = Group::new()
        .add(Title::new(tip.join("\n")))
        .add(
            Rectangle::new()
                .set("x", num(x))
                .set("y", num(y))
                .set("width", BOX_W)
                .set("height", num(2.0 * PAD + NAME * LINE))
                .set("rx", 3)
                .set("fill", "#f9fafb")
                .set("stroke", colour)
                .set("stroke-dasharray", "4,3"),
        )
        .add(
            Text::new(text)
                .set("x", num(x + PAD))
                .set("y", num(y + PAD + NAME))
                .set("font-size", NAME)
                .set("fill", "#1d4ed8"),
        );
    let href = links.more.and_then(|m| m(focus, b.relation, b.outward));
    Group::new()
        .set("class", "more")
        .set("data-hidden", hidden.len())
        .add(linked(g, href))
}

/// A mark wrapped in a link, or as it is.
fn linked(g: Group, href: Option<String>) -> Group {
    match href {
        Some(href) => Group::new().add(Anchor::new().set("href", href).add(g)),
        None => g,
    }
}

/// A curve from the record in the middle to a box, leaving and arriving level.
fn curve(from: (f64, f64), to: (f64, f64), colour: &str, dash: Option<&str>, tip: &str) -> Path {
    let bend = (to.0 - from.0) / 2.0;
    let d = format!(
        "M{} {}C{} {} {} {} {} {}",
        num(from.0),
        num(from.1),
        num(from.0 + bend),
        num(from.1),
        num(to.0 - bend),
        num(to.1),
        num(to.0),
        num(to.1)
    );
    let mut p = Path::new()
        .set("class", "edge")
        .set("d", d)
        .set("stroke", colour)
        .set("stroke-width", 1.4)
        .add(Title::new(tip.to_string()));
    if let Some(dash) = dash {
        p = p.set("stroke-dasharray", dash);
    }
    p
}

/// An arrowhead with its tip at `(x, y)`, pointing right (`dir` 1) or left (-1).
fn arrowhead(x: f64, y: f64, dir: f64, colour: &str) -> Polygon {
    let back = x - dir * 9.0;
    Polygon::new()
        .set(
            "points",
            format!(
                "{},{} {},{} {},{}",
                num(x),
                num(y),
                num(back),
                num(y - 4.5),
                num(back),
                num(y + 4.5)
            ),
        )
        .set("fill", colour)
}

/// What a curve says when pointed at: who, what relation, whom.
fn connector_title(base: &Base, e: &Edge) -> String {
    format!(
        "{} — {} → {}",
        shown(base.label(e.from)),
        shown(&e.label),
        shown(base.label(e.to))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Base {
        crate::open::check_files(crate::load::builtin_files(), Vec::new()).unwrap()
    }

    fn picture(base: &Base, id: &str) -> String {
        let r = base.lookup(id).unwrap();
        let all = crate::query::relations::edges(base);
        let adjacency = crate::query::relations::Adjacency::new(&all);
        let nodes = adjacency.neighbourhood(&[r], 1);
        svg(base, r, &adjacency.among(&nodes), &Links::default())
    }

    #[test]
    fn a_picture_fits_a_page_with_the_record_in_the_middle() {
        let base = base();
        for id in [
            "kassym-jomart-tokayev",
            "csto",
            "kazakhstan",
            "almaty-clashes",
        ] {
            let svg = picture(&base, id);
            let doc = roxmltree::Document::parse(&svg).unwrap();
            let root = doc.root_element();
            let w: f64 = root.attribute("width").unwrap().parse().unwrap();
            let h: f64 = root.attribute("height").unwrap().parse().unwrap();
            assert!(w <= MAX_WIDTH, "{id}: {w}");
            let focus = doc
                .descendants()
                .find(|n| n.attribute("class") == Some("focus"))
                .and_then(|g| g.descendants().find(|n| n.has_tag_name("rect")))
                .unwrap();
            let get = |a: &str| focus.attribute(a).unwrap().parse::<f64>().unwrap();
            assert!(
                (get("x") + get("width") / 2.0 - w / 2.0).abs() < 1.0,
                "{id}"
            );
            assert!(
                (get("y") + get("height") / 2.0 - h / 2.0).abs() < 1.0,
                "{id}"
            );
        }
    }

    #[test]
    fn the_same_record_gives_the_same_picture() {
        let base = base();
        let first = picture(&base, "csto");
        for _ in 0..5 {
            assert_eq!(picture(&base, "csto"), first);
        }
    }

    #[test]
    fn a_big_group_is_counted_not_drawn() {
        let base = base();
        let svg = picture(&base, "kazakhstan");
        assert!(svg.contains("class=\"more\""), "{svg}");
        assert!(svg.contains(" more events"), "{svg}");
    }
}
