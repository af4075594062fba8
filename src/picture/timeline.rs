//! The timeline picture: the entries of `kz timeline` on a time axis, each as exact as its date.
//!
//! A day is a dot; a month, year or decade is a pale span with end ticks; an interval is a solid
//! bar; an uncertain or approximate date has a dashed outline and says so in its label. Labels
//! never collide: each mark and its label take a lane, first fit in order of start.
//!
//! The axis is piecewise: every date's start and end is a break, each stretch between breaks gets
//! a width that grows with the logarithm of its length, and a stretch that no date covers is cut
//! down to a short dashed gap. So a week in January 2022 and the thirty years before it both stay
//! readable. The legend says so. A base with more entries than `max_marks` is drawn as shaded
//! counts per kind of fact instead of one labelled mark each.

use super::Linker;
use crate::date::{Date, Precision};
use crate::markup::shown;
use crate::query::timeline::{Entry, What};
use crate::text::shorten;
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

const LANE: f64 = 20.0;
const MARGIN: f64 = 16.0;
const AXIS_Y: f64 = 58.0;
const FIRST_LANE: f64 = 86.0;
const CHAR_W: f64 = 6.3;
const LABEL_CHARS: usize = 72;
const GAP_W: f64 = 26.0;
const FONT: &str = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif";

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
}

/// One entry placed on the axis.
struct Mark<'e, 'b> {
    entry: &'e Entry<'b>,
    x0: f64,
    x1: f64,
    lane: usize,
    label: String,
    /// Whether the label is drawn left of the mark (near the end of the axis).
    left: bool,
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
    let scale = Scale::new(&spans, MARGIN + 4.0);
    let mut marks: Vec<Mark> = entries
        .iter()
        .zip(&spans)
        .map(|(entry, &(a, b))| {
            let label = shorten(
                &shown(&format!("{} · {}", entry.date.human(), entry.summary)),
                LABEL_CHARS,
            );
            Mark {
                entry,
                x0: scale.x(a),
                x1: scale.x(b).max(scale.x(a) + 3.0),
                lane: 0,
                label,
                left: false,
            }
        })
        .collect();
    // A label that would run past the end of the axis goes left of its mark, if it fits there.
    let axis_end = scale.last();
    for m in &mut marks {
        let width = m.label.chars().count() as f64 * CHAR_W;
        m.left = m.x1 + 6.0 + width > axis_end + 40.0 && m.x0 - 6.0 - width >= MARGIN;
    }
    let lanes = assign_lanes(&mut marks);
    let right = marks
        .iter()
        .map(|m| label_end(m))
        .fold(scale.last(), f64::max)
        + MARGIN;
    let height = FIRST_LANE + lanes as f64 * LANE + 70.0;
    let mut doc = frame(right, height, entries.len());
    doc = doc.add(axis(&scale, height - 70.0));
    for m in &marks {
        doc = doc.add(mark(m, opts));
    }
    doc.add(legend(entries, height - 52.0)).to_string()
}

/// How wide a mark's label is drawn.
fn label_width(m: &Mark) -> f64 {
    m.label.chars().count() as f64 * CHAR_W
}

/// Where a mark and its label end on the right.
fn label_end(m: &Mark) -> f64 {
    if m.left {
        m.x1
    } else {
        m.x1 + 6.0 + label_width(m)
    }
}

/// Where a mark and its label begin on the left.
fn label_start(m: &Mark) -> f64 {
    if m.left {
        m.x0 - 6.0 - label_width(m)
    } else {
        m.x0
    }
}

/// Gives each mark the first lane free at its start, in order of start; returns how many lanes.
fn assign_lanes(marks: &mut [Mark]) -> usize {
    let mut order: Vec<usize> = (0..marks.len()).collect();
    order.sort_by(|&a, &b| label_start(&marks[a]).total_cmp(&label_start(&marks[b])));
    let mut ends: Vec<f64> = Vec::new();
    for i in order {
        let start = label_start(&marks[i]);
        let end = label_end(&marks[i]) + 10.0;
        match ends.iter().position(|&e| e <= start) {
            Some(lane) => {
                ends[lane] = end;
                marks[i].lane = lane;
            }
            None => {
                marks[i].lane = ends.len();
                ends.push(end);
            }
        }
    }
    ends.len()
}

/// The document, its white ground, and its accessible title, also drawn as its heading.
fn frame(width: f64, height: f64, n: usize) -> Document {
    let about = format!(
        "Timeline of {n} dated fact{}",
        if n == 1 { "" } else { "s" }
    );
    Document::new()
        .set("viewBox", (0, 0, width.ceil() as i64, height.ceil() as i64))
        .set("width", width.ceil() as i64)
        .set("height", height.ceil() as i64)
        .set("role", "img")
        .set("font-family", FONT)
        .set("font-size", 11)
        .add(Title::new(about.clone()))
        .add(
            Rectangle::new()
                .set("width", "100%")
                .set("height", "100%")
                .set("fill", "#ffffff"),
        )
        .add(
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
fn axis(scale: &Scale, bottom: f64) -> Group {
    let mut g = Group::new().set("class", "axis");
    let mut last_label_end = f64::MIN;
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
        let label = tick_label(day);
        let width = label.chars().count() as f64 * CHAR_W * 0.9;
        if x - width / 2.0 > last_label_end + 4.0 {
            g = g.add(
                Text::new(label)
                    .set("x", x)
                    .set("y", AXIS_Y - 8.0)
                    .set("text-anchor", "middle")
                    .set("font-size", 10)
                    .set("fill", "#374151"),
            );
            last_label_end = x + width / 2.0;
        }
    }
    g
}

/// A break's label: a year for 1 January, a month for the first of a month, else a day.
fn tick_label(day: i64) -> String {
    use chrono::{Datelike, NaiveDate};
    let Some(d) = i32::try_from(day)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
    else {
        return String::new();
    };
    match (d.month(), d.day()) {
        (1, 1) => d.format("%Y").to_string(),
        (_, 1) => d.format("%b %Y").to_string(),
        _ => d.format("%-d %b").to_string(),
    }
}

/// One entry: its shape, its label and its full text as a tooltip, linked when links are drawn.
fn mark(m: &Mark, opts: &Options) -> Group {
    let e = m.entry;
    let c = colour(e.what);
    let y = FIRST_LANE + m.lane as f64 * LANE;
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
        (m.x0 - 6.0, "end")
    } else {
        (m.x1 + 6.0, "start")
    };
    let body = shape.add(Title::new(full)).add(
        Text::new(m.label.clone())
            .set("x", x)
            .set("y", y + 4.0)
            .set("text-anchor", anchor)
            .set("fill", "#111827"),
    );
    let href = opts.link.and_then(|link| link(e.record));
    let g = Group::new().set("class", format!("mark {}", e.what.name().replace(' ', "-")));
    match href {
        Some(href) => g.add(Anchor::new().set("href", href).add(body)),
        None => g.add(body),
    }
}

/// The colours of the kinds of fact drawn, what each shape means, and how the axis is spaced.
fn legend(entries: &[Entry], y: f64) -> Group {
    let mut g = Group::new().set("class", "legend").set("font-size", 10);
    let mut x = MARGIN;
    let mut seen: Vec<&str> = Vec::new();
    for e in entries {
        let name = match e.what {
            What::RoleStart | What::RoleEnd => "role",
            What::MembershipStart | What::MembershipEnd => "membership",
            other => other.name(),
        };
        if seen.contains(&name) {
            continue;
        }
        seen.push(name);
        g = g
            .add(
                Rectangle::new()
                    .set("x", x)
                    .set("y", y - 8.0)
                    .set("width", 10)
                    .set("height", 10)
                    .set("fill", colour(e.what)),
            )
            .add(
                Text::new(name)
                    .set("x", x + 14.0)
                    .set("y", y + 1.0)
                    .set("fill", "#374151"),
            );
        x += 24.0 + name.len() as f64 * CHAR_W;
    }
    g.add(
        Text::new(
            "dot: a day · pale span: a month, year or decade · bar: an interval · dashed: \
             uncertain or approximate",
        )
        .set("x", MARGIN)
        .set("y", y + 18.0)
        .set("fill", "#4b5563"),
    )
    .add(
        Text::new(
            "The axis is not to scale: long stretches are compressed, and dotted stretches \
             hold no dated fact.",
        )
        .set("x", MARGIN)
        .set("y", y + 34.0)
        .set("fill", "#4b5563"),
    )
}

/// A picture for no entries at all.
fn empty() -> String {
    frame(420.0, 70.0, 0)
        .add(
            Text::new("No dated facts.")
                .set("x", MARGIN)
                .set("y", 52)
                .set("fill", "#4b5563"),
        )
        .to_string()
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
    let width = scale.last() - left;
    if width > DENSITY_WIDTH {
        for x in &mut scale.xs {
            *x = left + (*x - left) * DENSITY_WIDTH / width;
        }
    }
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
    let right = scale.last() + 40.0;
    let height = FIRST_LANE + rows.len() as f64 * LANE * 1.5 + 70.0;
    let mut doc = frame(right, height, entries.len()).add(axis(&scale, height - 70.0));
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
    let note = format!(
        "{} dated facts are too many to label one by one: the shading shows how many start in \
         each stretch of time. The axis is not to scale.",
        entries.len()
    );
    doc.add(
        Text::new(note)
            .set("x", MARGIN)
            .set("y", height - 30.0)
            .set("fill", "#4b5563"),
    )
    .to_string()
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
            (day(1992, 1, 1), "1992"),
            (day(2022, 1, 1), "2022"),
            (day(2022, 2, 1), "Feb 2022"),
            (day(2022, 1, 5), "5 Jan"),
        ];
        crate::testing::table(&cases, tick_label);
    }
}
