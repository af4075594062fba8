//! The timeline picture: the entries of `kz timeline` on a time axis, each as exact as its date.
//!
//! A day is a dot; a month, year or decade is a pale span with end ticks; an interval is a solid
//! bar; an uncertain or approximate date has a dashed outline and says so in its label.
//!
//! Rows run in date order, the order of `kz timeline`, top to bottom, as a chronology is read.
//! A fact shares the row of the one before it only when it fits after it, so the picture read
//! row by row, left to right, is still the chronology. A label goes right of its mark, or left
//! where the right has no room, and wraps (up to [`LABEL_LINES`] lines) rather than run off the
//! picture; the picture is never wider than [`MAX_WIDTH`] unless a label needs it.
//!
//! The axis is piecewise: every date's start and end is a break, each stretch between breaks gets
//! a width that grows with the logarithm of its length, and a stretch that no date covers is cut
//! down to a short dashed gap. So a week in January 2022 and the thirty years before it both stay
//! readable. The legend says so. A base with more entries than `max_marks` is drawn as shaded
//! counts per kind of fact instead of one labelled mark each.

use super::Linker;
use super::draw::{self, fit, num, wrap_even};
use crate::date::{Date, Precision};
use crate::markup::shown;
use crate::query::timeline::{Entry, What};
use std::collections::BTreeMap;
use svg::Document;
use svg::node::element::{Anchor, Circle, Group, Line, Rectangle, Text, Title};

/// How a timeline is drawn.
pub struct Options<'a> {
    /// Where each mark links to; `None` draws no links.
    pub link: Option<Linker<'a>>,
    /// Past this many entries, draw counts per kind instead of one mark each.
    pub max_marks: usize,
}

impl Default for Options<'_> {
    fn default() -> Self {
        Options {
            link: None,
            max_marks: 1_500,
        }
    }
}

/// The widest a timeline is drawn, unless a label needs more.
pub const MAX_WIDTH: f64 = 1_100.0;
/// The most lines a label wraps to; past them it is cut, and its tooltip has it whole.
pub const LABEL_LINES: usize = 3;

const LANE: f64 = 20.0;
const MARGIN: f64 = 16.0;
const AXIS_Y: f64 = 58.0;
const FIRST_LANE: f64 = 86.0;
/// The labels' font size, and the height of each line of a label.
const SIZE: f64 = 12.0;
const LINE_H: f64 = 15.0;
/// The most character widths on a line of a label, and the fewest a label is wrapped to.
const LABEL_CHARS: usize = 96;
const MIN_CHARS: usize = 24;
/// Between a mark and its label, and between two facts on one row.
const LABEL_GAP: f64 = 6.0;
const ROW_GAP: f64 = 14.0;
const GAP_W: f64 = 26.0;
const SMALL: f64 = 10.0;

/// The colour a kind of fact is drawn in.
fn colour(what: What) -> &'static str {
    match what {
        What::Event => "#b91c1c",
        What::Quote => "#4338ca",
        What::RoleStart | What::RoleEnd => "#15803d",
        What::MembershipStart | What::MembershipEnd => "#b45309",
        What::Founded => "#7e22ce",
        What::Published => "#4b5563",
    }
}

/// The days a date covers as `[start, end)` in days of the common era; open ends are `None`.
fn days(d: &Date) -> (Option<i64>, Option<i64>) {
    use chrono::Datelike;
    (
        d.start().map(|s| i64::from(s.num_days_from_ce())),
        d.end().map(|e| i64::from(e.num_days_from_ce()) + 1),
    )
}

/// The piecewise time axis: breaks in days, and the x of each break.
struct Scale {
    breaks: Vec<i64>,
    xs: Vec<f64>,
    /// Whether the stretch after each break is covered by no date (drawn as a cut gap).
    gap: Vec<bool>,
}

impl Scale {
    fn new(spans: &[(i64, i64)], left: f64) -> Scale {
        let mut breaks: Vec<i64> = spans.iter().flat_map(|&(a, b)| [a, b]).collect();
        breaks.sort_unstable();
        breaks.dedup();
        // How many spans cover the stretch after each break.
        let mut delta: BTreeMap<i64, i64> = BTreeMap::new();
        for &(a, b) in spans {
            *delta.entry(a).or_default() += 1;
            *delta.entry(b).or_default() -= 1;
        }
        let mut depth = 0;
        let mut gap = Vec::with_capacity(breaks.len());
        for b in &breaks {
            depth += delta.get(b).copied().unwrap_or(0);
            gap.push(depth == 0);
        }
        let mut xs = Vec::with_capacity(breaks.len());
        let mut x = left;
        for (i, b) in breaks.iter().enumerate() {
            xs.push(x);
            if let Some(next) = breaks.get(i + 1) {
                x += if gap[i] {
                    GAP_W
                } else {
                    10.0 + 16.0 * ((next - b) as f64).ln_1p()
                };
            }
        }
        Scale { breaks, xs, gap }
    }

    /// The x of a day (a start or an exclusive end).
    fn x(&self, day: i64) -> f64 {
        match self.breaks.binary_search(&day) {
            Ok(i) => self.xs[i],
            Err(0) => self.xs.first().copied().unwrap_or(0.0),
            Err(i) if i >= self.breaks.len() => self.xs.last().copied().unwrap_or(0.0),
            Err(i) => {
                let (a, b) = (self.breaks[i - 1], self.breaks[i]);
                let f = (day - a) as f64 / (b - a) as f64;
                self.xs[i - 1] + f * (self.xs[i] - self.xs[i - 1])
            }
        }
    }

    fn last(&self) -> f64 {
        self.xs.last().copied().unwrap_or(MARGIN)
    }

    /// Squeezes the axis, evenly, to end at `right` at the furthest.
    fn squeeze(&mut self, left: f64, right: f64) {
        let width = self.last() - left;
        if width > right - left && width > 0.0 {
            for x in &mut self.xs {
                *x = left + (*x - left) * (right - left) / width;
            }
        }
    }
}

/// One entry placed on the axis.
struct Mark<'e, 'b> {
    entry: &'e Entry<'b>,
    x0: f64,
    x1: f64,
    /// The top of its row.
    y: f64,
    lines: Vec<String>,
    /// Whether the label is drawn left of the mark (where the right has no room).
    left: bool,
}

impl Mark<'_, '_> {
    fn label_width(&self) -> f64 {
        self.lines
            .iter()
            .map(|l| draw::width(l, SIZE))
            .fold(0.0, f64::max)
    }

    /// Where the mark and its label begin and end.
    fn extent(&self) -> (f64, f64) {
        match self.left {
            true => (self.x0 - LABEL_GAP - self.label_width(), self.x1),
            false => (self.x0, self.x1 + LABEL_GAP + self.label_width()),
        }
    }

    fn height(&self) -> f64 {
        (self.lines.len() as f64 * LINE_H + 5.0).max(LANE)
    }
}

/// Draws the entries (in the order `kz timeline` lists them) as an SVG document.
pub fn svg(entries: &[Entry], opts: &Options) -> String {
    // Every known start and end; an open end reaches the edge of the known days.
    let known: Vec<(Option<i64>, Option<i64>)> = entries.iter().map(|e| days(e.date)).collect();
    let lo = known
        .iter()
        .flat_map(|&(a, b)| a.or(b.map(|b| b - 1)))
        .min();
    let hi = known
        .iter()
        .flat_map(|&(a, b)| b.or(a.map(|a| a + 1)))
        .max();
    let (Some(lo), Some(hi)) = (lo, hi) else {
        return empty();
    };
    let spans: Vec<(i64, i64)> = known
        .iter()
        .map(|&(a, b)| (a.unwrap_or(lo), b.unwrap_or(hi).max(a.unwrap_or(lo) + 1)))
        .collect();
    if entries.len() > opts.max_marks {
        return density(entries, &spans);
    }
    let left = MARGIN + 4.0;
    let mut scale = Scale::new(&spans, left);
    scale.squeeze(left, MAX_WIDTH - MARGIN - 40.0);
    let limit = MAX_WIDTH - MARGIN;
    let mut marks: Vec<Mark> = entries
        .iter()
        .zip(&spans)
        .map(|(entry, &(a, b))| {
            let x0 = scale.x(a);
            let x1 = scale.x(b).max(x0 + 3.0);
            let (lines, left) = label(entry, x0, x1, limit);
            Mark {
                entry,
                x0,
                x1,
                y: 0.0,
                lines,
                left,
            }
        })
        .collect();
    let bottom = rows(&mut marks);
    let right = marks
        .iter()
        .map(|m| m.extent().1)
        .fold(scale.last() + 30.0, f64::max)
        .max(legend_width(entries))
        + MARGIN;
    let height = bottom + 70.0;
    let mut doc = frame(right, height, entries.len());
    doc = doc.add(axis(&scale, bottom, right));
    for m in &marks {
        doc = doc.add(mark(m, opts));
    }
    draw::finish(doc.add(legend(entries, height - 52.0)))
}

/// A fact's label, wrapped to the room on the side it goes: right of the mark where it fits on
/// one line, else left where it fits there, else on the roomier side, wrapped.
fn label(entry: &Entry, x0: f64, x1: f64, limit: f64) -> (Vec<String>, bool) {
    let text = shown(&format!("{} · {}", entry.date.human(), entry.summary));
    let right_room = limit - (x1 + LABEL_GAP);
    let left_room = x0 - LABEL_GAP - MARGIN;
    let chars = |room: f64| fit(room, SIZE).clamp(MIN_CHARS, LABEL_CHARS);
    let whole = draw::units(&text);
    let left = if whole <= LABEL_CHARS && draw::width(&text, SIZE) <= right_room {
        false
    } else if whole <= LABEL_CHARS && draw::width(&text, SIZE) <= left_room {
        true
    } else {
        // The roomier side; the left only if a line of the fewest characters fits there.
        left_room > right_room && left_room >= draw::width(&"x".repeat(MIN_CHARS), SIZE)
    };
    let room = if left { left_room } else { right_room };
    (wrap_even(&text, chars(room), LABEL_LINES), left)
}

/// Sets each mark's row, top to bottom in the order given: a mark shares the row of the one
/// before when it begins after that one's label ends, else opens the next row. Returns the
/// bottom of the last row.
fn rows(marks: &mut [Mark]) -> f64 {
    let mut top = FIRST_LANE - LANE / 2.0;
    let mut row_h = 0.0;
    let mut row_end = f64::INFINITY;
    for m in marks.iter_mut() {
        let (start, end) = m.extent();
        if start < row_end + ROW_GAP {
            top += row_h;
            row_h = 0.0;
        }
        m.y = top;
        row_h = f64::max(row_h, m.height());
        row_end = end;
    }
    top + row_h
}

/// The document, its white ground, and its accessible title, also drawn as its heading.
fn frame(width: f64, height: f64, n: usize) -> Document {
    let about = format!(
        "Timeline of {n} dated fact{}",
        if n == 1 { "" } else { "s" }
    );
    let width = width.max(MARGIN * 2.0 + draw::width(&about, 15.0 * 1.1));
    draw::document(width, height, &about, SIZE).add(
        Text::new(about)
            .set("x", MARGIN)
            .set("y", 24)
            .set("font-size", 15)
            .set("font-weight", "bold")
            .set("fill", "#111827"),
    )
}

/// The axis line, a tick and a label at each break (labels that would collide are left out),
/// the cut gaps, and a faint guide down through the lanes.
fn axis(scale: &Scale, bottom: f64, width: f64) -> Group {
    let mut g = Group::new().set("class", "axis");
    let mut last_label_end = f64::MIN;
    let mut last_year = None;
    for (i, (&day, &x)) in scale.breaks.iter().zip(&scale.xs).enumerate() {
        if let Some(&next_x) = scale.xs.get(i + 1) {
            let mut line = Line::new()
                .set("x1", x)
                .set("y1", AXIS_Y)
                .set("x2", next_x)
                .set("y2", AXIS_Y)
                .set("stroke", "#374151")
                .set("stroke-width", 1.5);
            if scale.gap[i] {
                line = line.set("stroke-dasharray", "2,3");
            }
            g = g.add(line);
        }
        g = g.add(
            Line::new()
                .set("x1", x)
                .set("y1", AXIS_Y - 4.0)
                .set("x2", x)
                .set("y2", bottom)
                .set("stroke", "#e5e7eb")
                .set("stroke-width", 1),
        );
        let label = tick_label(day, last_year);
        let label_w = draw::width(&label, SMALL);
        // Centred on its tick, but kept inside the picture.
        let centre = x.min(width - label_w / 2.0 - 2.0).max(label_w / 2.0 + 2.0);
        if centre - label_w / 2.0 > last_label_end + 4.0 {
            last_year = year(day);
            g = g.add(
                Text::new(label)
                    .set("x", num(centre))
                    .set("y", AXIS_Y - 8.0)
                    .set("text-anchor", "middle")
                    .set("font-size", SMALL)
                    .set("fill", "#374151"),
            );
            last_label_end = centre + label_w / 2.0;
        }
    }
    g
}

/// The date of a day (in days of the common era).
fn date_of(day: i64) -> Option<chrono::NaiveDate> {
    i32::try_from(day)
        .ok()
        .and_then(chrono::NaiveDate::from_num_days_from_ce_opt)
}

fn year(day: i64) -> Option<i32> {
    use chrono::Datelike;
    date_of(day).map(|d| d.year())
}

/// A break's label: a year for 1 January, a month for the first of a month, else a day, with
/// its year unless the label before it (`last`) was in the same year.
fn tick_label(day: i64, last: Option<i32>) -> String {
    use chrono::Datelike;
    let Some(d) = date_of(day) else {
        return String::new();
    };
    match (d.month(), d.day()) {
        (1, 1) => d.format("%Y").to_string(),
        (_, 1) => d.format("%b %Y").to_string(),
        _ if last == Some(d.year()) => d.format("%-d %b").to_string(),
        _ => d.format("%-d %b %Y").to_string(),
    }
}

/// One entry: its shape, its label and its full text as a tooltip, linked when links are drawn.
fn mark(m: &Mark, opts: &Options) -> Group {
    let e = m.entry;
    let c = colour(e.what);
    let y = m.y + LANE / 2.0;
    let doubtful = e.date.is_uncertain() || e.date.is_approximate();
    let interval = e.date.as_str().contains('/');
    let point = !interval && e.date.precision() == Precision::Day;
    let mut shape = Group::new();
    if point {
        let mut dot = Circle::new()
            .set("cx", (m.x0 + m.x1) / 2.0)
            .set("cy", y)
            .set("r", 4.5)
            .set("stroke", c)
            .set("stroke-width", 1.5)
            .set("fill", if doubtful { "#ffffff" } else { c });
        if doubtful {
            dot = dot.set("stroke-dasharray", "2,1.5");
        }
        shape = shape.add(dot);
    } else {
        let (fill, opacity) = if interval { (c, 0.85) } else { (c, 0.22) };
        let mut bar = Rectangle::new()
            .set("x", m.x0)
            .set("y", y - 5.0)
            .set("width", m.x1 - m.x0)
            .set("height", 10)
            .set("rx", if interval { 3 } else { 0 })
            .set("fill", fill)
            .set("fill-opacity", opacity)
            .set("stroke", c)
            .set("stroke-width", 1.2);
        if doubtful {
            bar = bar.set("stroke-dasharray", "3,2");
        }
        shape = shape.add(bar);
        if !interval {
            for x in [m.x0, m.x1] {
                shape = shape.add(
                    Line::new()
                        .set("x1", x)
                        .set("y1", y - 8.0)
                        .set("x2", x)
                        .set("y2", y + 8.0)
                        .set("stroke", c)
                        .set("stroke-width", 1.5),
                );
            }
        }
    }
    let full = shown(&format!(
        "{} ({}) · {}: {}",
        e.date.human(),
        e.date.as_str(),
        e.what.name(),
        e.summary
    ));
    let (x, anchor) = if m.left {
        (m.x0 - LABEL_GAP, "end")
    } else {
        (m.x1 + LABEL_GAP, "start")
    };
    let mut body = shape.add(Title::new(full));
    for (i, line) in m.lines.iter().enumerate() {
        body = body.add(
            Text::new(line.clone())
                .set("x", num(x))
                .set("y", num(y + 4.0 + i as f64 * LINE_H))
                .set("text-anchor", anchor)
                .set("fill", "#111827"),
        );
    }
    let href = opts.link.and_then(|link| link(e.record));
    let g = Group::new().set("class", format!("mark {}", e.what.name().replace(' ', "-")));
    match href {
        Some(href) => g.add(Anchor::new().set("href", href).add(body)),
        None => g.add(body),
    }
}

/// What the legend says each shape means, and how the axis is spaced.
const SHAPES: &str = "dot: a day · pale span: a month, year or decade · bar: an interval · dashed: uncertain or \
     approximate";
const SCALE: &str = "The axis is not to scale: long stretches are compressed, and dotted \
                     stretches hold no dated fact.";

/// The kinds of fact drawn, each once (a role's start and end as one), with their names.
fn kinds_drawn(entries: &[Entry]) -> Vec<(What, &'static str)> {
    let mut seen: Vec<(What, &'static str)> = Vec::new();
    for e in entries {
        let name = match e.what {
            What::RoleStart | What::RoleEnd => "role",
            What::MembershipStart | What::MembershipEnd => "membership",
            other => other.name(),
        };
        if !seen.iter().any(|&(_, n)| n == name) {
            seen.push((e.what, name));
        }
    }
    seen
}

/// How wide the legend is drawn.
fn legend_width(entries: &[Entry]) -> f64 {
    let swatches: f64 = kinds_drawn(entries)
        .iter()
        .map(|(_, name)| 24.0 + draw::width(name, SMALL))
        .sum();
    MARGIN
        + swatches
            .max(draw::width(SHAPES, SMALL))
            .max(draw::width(SCALE, SMALL))
}

/// The colours of the kinds of fact drawn, what each shape means, and how the axis is spaced.
fn legend(entries: &[Entry], y: f64) -> Group {
    let mut g = Group::new().set("class", "legend").set("font-size", SMALL);
    let mut x = MARGIN;
    for (what, name) in kinds_drawn(entries) {
        g = g
            .add(
                Rectangle::new()
                    .set("x", x)
                    .set("y", y - 8.0)
                    .set("width", 10)
                    .set("height", 10)
                    .set("fill", colour(what)),
            )
            .add(
                Text::new(name)
                    .set("x", x + 14.0)
                    .set("y", y + 1.0)
                    .set("fill", "#374151"),
            );
        x += 24.0 + draw::width(name, SMALL);
    }
    g.add(
        Text::new(SHAPES)
            .set("x", MARGIN)
            .set("y", y + 18.0)
            .set("fill", "#4b5563"),
    )
    .add(
        Text::new(SCALE)
            .set("x", MARGIN)
            .set("y", y + 34.0)
            .set("fill", "#4b5563"),
    )
}

/// A picture for no entries at all.
fn empty() -> String {
    draw::finish(
        frame(420.0, 70.0, 0).add(
            Text::new("No dated facts.")
                .set("x", MARGIN)
                .set("y", 52)
                .set("fill", "#4b5563"),
        ),
    )
}

/// How wide the axis of a summary picture may be.
const DENSITY_WIDTH: f64 = 1_000.0;

/// The first day of the month of a day (in days of the common era).
fn month_start(day: i64) -> i64 {
    use chrono::{Datelike, NaiveDate};
    i32::try_from(day)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
        .and_then(|d| d.with_day(1))
        .map_or(day, |d| i64::from(d.num_days_from_ce()))
}

/// Too many entries to label: one row per kind of fact, shaded by how many of its entries start
/// in each stretch of the axis.
fn density(entries: &[Entry], spans: &[(i64, i64)]) -> String {
    let left = MARGIN + 130.0;
    // Whole months, on an axis squeezed to a screen's width: a summary has no day to show.
    let months: Vec<(i64, i64)> = spans
        .iter()
        .map(|&(a, b)| (month_start(a), month_start(b - 1).max(month_start(a)) + 31))
        .map(|(a, b)| (a, month_start(b)))
        .collect();
    let mut scale = Scale::new(&months, left);
    scale.squeeze(left, left + DENSITY_WIDTH);
    let spans = &months;
    let mut rows: Vec<What> = entries.iter().map(|e| e.what).collect();
    rows.sort();
    rows.dedup();
    // (row, stretch) → how many entries, and the first and last dates among them.
    let mut buckets: BTreeMap<(usize, usize), (usize, &Date, &Date)> = BTreeMap::new();
    for (e, &(a, _)) in entries.iter().zip(spans) {
        let row = rows.iter().position(|&w| w == e.what).unwrap_or(0);
        let stretch = scale.breaks.partition_point(|&b| b <= a).saturating_sub(1);
        let slot = buckets.entry((row, stretch)).or_insert((0, e.date, e.date));
        slot.0 += 1;
        slot.2 = e.date;
    }
    let most = buckets.values().map(|b| b.0).max().unwrap_or(1) as f64;
    let note = format!(
        "{} dated facts are too many to label one by one: the shading shows how many start in \
         each stretch of time. The axis is not to scale.",
        entries.len()
    );
    let right = (scale.last() + 40.0).max(2.0 * MARGIN + draw::width(&note, SMALL));
    let height = FIRST_LANE + rows.len() as f64 * LANE * 1.5 + 70.0;
    let mut doc = frame(right, height, entries.len()).add(axis(&scale, height - 70.0, right));
    for (r, what) in rows.iter().enumerate() {
        doc = doc.add(
            Text::new(what.name())
                .set("x", MARGIN)
                .set("y", FIRST_LANE + r as f64 * LANE * 1.5 + 4.0)
                .set("fill", "#111827"),
        );
    }
    for (&(r, s), &(n, first, last)) in &buckets {
        let x0 = scale.xs[s];
        let x1 = scale
            .xs
            .get(s + 1)
            .copied()
            .unwrap_or(x0 + 4.0)
            .max(x0 + 2.0);
        let what = rows[r];
        let tip = format!(
            "{n} × {} from {} to {}",
            what.name(),
            first.human(),
            last.human()
        );
        doc = doc.add(
            Rectangle::new()
                .set("x", x0)
                .set("y", FIRST_LANE + r as f64 * LANE * 1.5 - 7.0)
                .set("width", x1 - x0)
                .set("height", 14)
                .set("fill", colour(what))
                .set(
                    "fill-opacity",
                    0.15 + 0.85 * (n as f64).ln_1p() / most.ln_1p(),
                )
                .add(Title::new(shown(&tip))),
        );
    }
    draw::finish(
        doc.add(
            Text::new(note)
                .set("x", MARGIN)
                .set("y", height - 30.0)
                .set("font-size", SMALL)
                .set("fill", "#4b5563"),
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axis_keeps_order_and_cuts_gaps() {
        // A decade, then a long empty stretch, then a week.
        let spans = [(0, 3650), (10_000, 10_007), (10_003, 10_004)];
        let s = Scale::new(&spans, 0.0);
        assert_eq!(s.breaks, [0, 3650, 10_000, 10_003, 10_004, 10_007]);
        assert_eq!(s.gap, [false, true, false, false, false, true]);
        assert!(s.xs.windows(2).all(|w| w[0] < w[1]), "{:?}", s.xs);
        assert_eq!(s.xs[2] - s.xs[1], GAP_W, "the empty stretch is cut short");
        assert!(s.x(10_001) > s.x(10_000) && s.x(10_001) < s.x(10_003));
        assert!(s.xs[1] - s.xs[0] < 200.0, "a decade stays narrow");
    }

    #[test]
    fn ticks_say_as_much_as_the_break_knows() {
        use chrono::{Datelike, NaiveDate};
        let day = |y, m, d| i64::from(NaiveDate::from_ymd_opt(y, m, d).unwrap().num_days_from_ce());
        let cases = [
            ((day(1992, 1, 1), None), "1992"),
            ((day(2022, 1, 1), Some(2021)), "2022"),
            ((day(2022, 2, 1), Some(2022)), "Feb 2022"),
            ((day(2022, 1, 5), Some(2022)), "5 Jan"),
            ((day(2022, 1, 5), Some(2021)), "5 Jan 2022"),
            ((day(2022, 1, 5), None), "5 Jan 2022"),
        ];
        crate::testing::table(&cases, |(d, last)| tick_label(d, last));
    }
}
