//! The relation picture of many records (`kz graph --to svg`): the records `kz graph` draws and
//! every edge between them, laid out in layers from left to right and drawn as SVG.
//!
//! The layout is the layered one Graphviz's `dot` uses, done plainly: cycles broken by turning
//! back edges round, each record put in the layer after everything pointing at it (records that
//! only point onwards pulled up to just before their nearest target), long edges led through
//! the layers between, the order within each layer swept by barycentres and neighbours swapped
//! to cut crossings (the order with fewest crossings found is kept), and the records of each layer placed level with
//! their neighbours as far as their order allows. Edges are coloured by their kind of relation,
//! which a legend names, and say the whole relation when pointed at; records are boxes coloured
//! by kind, as in `kz graph --to dot`. Records related to nothing drawn are set out at the foot.
//!
//! One record's own picture (one step from it) is an ego picture instead ([`super::ego`]).

use super::draw::{self, document, fit, num, wrap};
use super::{colours, ego, record_frame, relation_colour};
use crate::markup::shown;
use crate::model::{Base, EntityRef, Kind};
use crate::query::relations::{Edge, Relation};
use crate::text::shorten;
use std::collections::{BTreeMap, BTreeSet};
use svg::node::element::{Group, Line, Path, Polygon, Rectangle, Text, Title};

/// The most edges an SVG picture is laid out tidily for (more sweeps to cut crossings, more
/// passes to level records with their neighbours); past it the layout is quicker but rougher.
pub const TIDY_EDGES: usize = 400;

const MARGIN: f64 = 16.0;
const NAME: f64 = 13.0;
const SMALL: f64 = 11.0;
const LINE: f64 = 1.3;
const PAD: f64 = 7.0;
/// The widest a record's box is drawn.
const BOX_MAX: f64 = 230.0;
const BOX_MIN: f64 = 70.0;
/// Between layers: where the edges run.
const LAYER_GAP: f64 = 110.0;
/// Between records in a layer, and what an edge passing through a layer takes.
const NODE_GAP: f64 = 12.0;
const PASS_H: f64 = 6.0;
const LEGEND: f64 = 13.0;

/// The most records and relations a picture of many records is drawn with: past them the layout
/// costs seconds to minutes, and the picture is too large to read anyway.
pub const MAX_NODES: usize = 300;
pub const MAX_EDGES: usize = 900;

/// A picture refused for its size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooBig {
    pub nodes: usize,
    pub edges: usize,
}

impl std::fmt::Display for TooBig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "a picture of {} and {} is too big to lay out and read (kz draws at most {MAX_NODES} \
             records and {MAX_EDGES} relations)",
            crate::text::plural(self.nodes, "record"),
            crate::text::plural(self.edges, "relation"),
        )
    }
}

/// Draws `nodes` and the `edges` among them as an SVG document. `focus`, if given, is drawn
/// with a heavier outline; when every other record is one step from it, the picture is its ego
/// picture. `tidy` spends more passes on the layout, worth it for one picture, not thousands. A
/// picture of many records past [`MAX_NODES`] or [`MAX_EDGES`] is refused.
pub fn svg(
    base: &Base,
    nodes: &BTreeSet<EntityRef>,
    edges: &[&Edge],
    focus: Option<EntityRef>,
    tidy: bool,
) -> Result<String, TooBig> {
    let one_step = |f: EntityRef| -> BTreeSet<EntityRef> {
        let mut near: BTreeSet<EntityRef> = edges
            .iter()
            .filter_map(|e| match (e.from == f, e.to == f) {
                (true, false) => Some(e.to),
                (false, true) => Some(e.from),
                _ => None,
            })
            .collect();
        near.insert(f);
        near
    };
    if let Some(f) = focus
        && nodes.contains(&f)
        && nodes.is_subset(&one_step(f))
    {
        return Ok(ego::svg(base, f, edges, &ego::Links::default()));
    }
    if nodes.len() > MAX_NODES || edges.len() > MAX_EDGES {
        return Err(TooBig {
            nodes: nodes.len(),
            edges: edges.len(),
        });
    }
    Ok(Layered::new(base, nodes, edges, tidy).draw(base, edges, focus))
}

/// A record's box, or a point where an edge passes through a layer.
struct Slot {
    record: Option<EntityRef>,
    lines: Vec<(String, f64)>,
    w: f64,
    h: f64,
    layer: usize,
    x: f64,
    y: f64,
}

impl Slot {
    fn centre(&self) -> f64 {
        self.y + self.h / 2.0
    }
}

/// One edge of the layout, from a layer to the next.
type Link = (usize, usize);

/// The layout: slots in layers, the links between consecutive layers, and for each pair of
/// records that edges join, the chain of slots the edges run through.
struct Layered {
    slots: Vec<Slot>,
    layers: Vec<Vec<usize>>,
    links: Vec<Link>,
    /// For each (from, to) pair of records: the chain of slots, first to last layer, and whether
    /// it runs against the edges' direction.
    chains: BTreeMap<(EntityRef, EntityRef), (Vec<usize>, bool)>,
    /// Records joined to nothing drawn.
    alone: Vec<usize>,
}

impl Layered {
    fn new(base: &Base, nodes: &BTreeSet<EntityRef>, edges: &[&Edge], tidy: bool) -> Layered {
        match tidy {
            true => Layered::build(base, nodes, edges, 24, 12),
            false => Layered::build(base, nodes, edges, 4, 3),
        }
    }

    /// The layout, with `sweeps` sweeps to order the layers and `passes` to place them.
    fn build(
        base: &Base,
        nodes: &BTreeSet<EntityRef>,
        edges: &[&Edge],
        sweeps: usize,
        passes: usize,
    ) -> Layered {
        let refs: Vec<EntityRef> = nodes.iter().copied().collect();
        let index: BTreeMap<EntityRef, usize> =
            refs.iter().enumerate().map(|(i, &r)| (r, i)).collect();
        let n = refs.len();
        // The pairs the edges join, each once, as indices.
        let mut pairs: BTreeSet<(usize, usize)> = BTreeSet::new();
        for e in edges {
            if let (Some(&a), Some(&b)) = (index.get(&e.from), index.get(&e.to))
                && a != b
            {
                pairs.insert((a, b));
            }
        }
        let dag = acyclic(n, &pairs);
        let layer_of = layers(n, &dag);
        let mut slots: Vec<Slot> = refs
            .iter()
            .zip(&layer_of)
            .map(|(&r, &layer)| record_slot(base, r, layer))
            .collect();
        let linked: BTreeSet<usize> = dag.iter().flat_map(|&(a, b)| [a, b]).collect();
        let alone: Vec<usize> = (0..n).filter(|i| !linked.contains(i)).collect();
        // Long edges pass through the layers between their ends.
        let mut links: Vec<Link> = Vec::new();
        let mut chains = BTreeMap::new();
        for &(a, b) in &pairs {
            let reversed = !dag.contains(&(a, b));
            let (u, v) = if reversed { (b, a) } else { (a, b) };
            let mut chain = vec![u];
            for layer in layer_of[u] + 1..layer_of[v] {
                slots.push(Slot {
                    record: None,
                    lines: Vec::new(),
                    w: 0.0,
                    h: PASS_H,
                    layer,
                    x: 0.0,
                    y: 0.0,
                });
                chain.push(slots.len() - 1);
            }
            chain.push(v);
            links.extend(chain.windows(2).map(|w| (w[0], w[1])));
            chains.insert((refs[a], refs[b]), (chain, reversed));
        }
        links.sort_unstable();
        links.dedup();
        let depth = layer_of.iter().max().map_or(0, |d| d + 1);
        let mut layers: Vec<Vec<usize>> = vec![Vec::new(); depth];
        for (i, s) in slots.iter().enumerate() {
            if s.record.is_none() || linked.contains(&i) {
                layers[s.layer].push(i);
            }
        }
        let mut out = Layered {
            slots,
            layers,
            links,
            chains,
            alone,
        };
        out.order(sweeps);
        out.place(passes);
        out
    }

    /// Orders each layer to cut crossings: sweeps down and up by barycentre, keeping the best.
    fn order(&mut self, sweeps: usize) {
        let n = self.slots.len();
        let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut succs: Vec<Vec<usize>> = vec![Vec::new(); n];
        for &(a, b) in &self.links {
            succs[a].push(b);
            preds[b].push(a);
        }
        // A first order: each layer by the barycentre of the one before.
        let mut pos = vec![0.0; n];
        for layer in 0..self.layers.len() {
            sort_by_barycentre(&mut self.layers[layer], &preds, &mut pos);
        }
        let mut best = (self.crossings(), self.layers.clone());
        for sweep in 0..sweeps {
            if sweep % 2 == 0 {
                for layer in 1..self.layers.len() {
                    sort_by_barycentre(&mut self.layers[layer], &preds, &mut pos);
                }
            } else {
                for layer in (0..self.layers.len().saturating_sub(1)).rev() {
                    sort_by_barycentre(&mut self.layers[layer], &succs, &mut pos);
                }
            }
            self.transpose(&preds, &succs, &mut pos);
            let c = self.crossings();
            if c < best.0 {
                best = (c, self.layers.clone());
            }
            if best.0 == 0 {
                break;
            }
        }
        self.layers = best.1;
    }

    /// Swaps neighbours in a layer wherever that cuts the crossings of their links, until no
    /// swap does (or for a few rounds at most).
    fn transpose(&mut self, preds: &[Vec<usize>], succs: &[Vec<usize>], pos: &mut [f64]) {
        // How many of u's links cross v's when u is just left of v.
        let cross = |u: usize, v: usize, pos: &[f64]| -> usize {
            [preds, succs]
                .iter()
                .map(|near| {
                    near[u]
                        .iter()
                        .map(|&a| near[v].iter().filter(|&&b| pos[a] > pos[b]).count())
                        .sum::<usize>()
                })
                .sum()
        };
        for _ in 0..8 {
            let mut swapped = false;
            for layer in &mut self.layers {
                for i in 0..layer.len().saturating_sub(1) {
                    let (u, v) = (layer[i], layer[i + 1]);
                    if cross(v, u, pos) < cross(u, v, pos) {
                        layer.swap(i, i + 1);
                        pos[u] = (i + 1) as f64;
                        pos[v] = i as f64;
                        swapped = true;
                    }
                }
            }
            if !swapped {
                break;
            }
        }
    }

    /// How many pairs of links cross, over every two consecutive layers.
    fn crossings(&self) -> usize {
        let mut at = vec![0usize; self.slots.len()];
        for layer in &self.layers {
            for (i, &s) in layer.iter().enumerate() {
                at[s] = i;
            }
        }
        let mut by_layer: BTreeMap<usize, Vec<(usize, usize)>> = BTreeMap::new();
        for &(a, b) in &self.links {
            by_layer
                .entry(self.slots[a].layer)
                .or_default()
                .push((at[a], at[b]));
        }
        by_layer
            .into_values()
            .map(|mut pairs| {
                pairs.sort_unstable();
                let mut ends: Vec<usize> = pairs.into_iter().map(|(_, b)| b).collect();
                inversions(&mut ends)
            })
            .sum()
    }

    /// Places the layers side by side and the slots of each layer top to bottom in their order,
    /// each as level with its neighbours as the order and the gaps allow.
    fn place(&mut self, passes: usize) {
        let mut x = MARGIN;
        for layer in &self.layers {
            let w = layer.iter().map(|&s| self.slots[s].w).fold(0.0, f64::max);
            for &s in layer {
                let slot = &mut self.slots[s];
                match slot.record {
                    Some(_) => slot.x = x + (w - slot.w) / 2.0,
                    // An edge passing through runs straight across the whole layer.
                    None => (slot.x, slot.w) = (x, w),
                }
            }
            x += w + LAYER_GAP;
        }
        let n = self.slots.len();
        let mut neighbours: Vec<Vec<usize>> = vec![Vec::new(); n];
        for &(a, b) in &self.links {
            neighbours[a].push(b);
            neighbours[b].push(a);
        }
        for layer in 0..self.layers.len() {
            let order = self.layers[layer].clone();
            let want: Vec<f64> = vec![0.0; order.len()];
            self.stack(&order, &want, &vec![0.0; order.len()]);
        }
        for pass in 0..passes {
            let range: Vec<usize> = if pass % 2 == 0 {
                (0..self.layers.len()).collect()
            } else {
                (0..self.layers.len()).rev().collect()
            };
            for layer in range {
                let order = self.layers[layer].clone();
                let mut want = Vec::with_capacity(order.len());
                let mut weight = Vec::with_capacity(order.len());
                for &s in &order {
                    let ns = &neighbours[s];
                    if ns.is_empty() {
                        want.push(self.slots[s].y);
                        weight.push(0.01);
                    } else {
                        let mean = ns.iter().map(|&m| self.slots[m].centre()).sum::<f64>()
                            / ns.len() as f64;
                        want.push(mean - self.slots[s].h / 2.0);
                        weight.push(ns.len() as f64);
                    }
                }
                self.stack(&order, &want, &weight);
            }
        }
        let top = self
            .slots
            .iter()
            .enumerate()
            .filter(|(i, s)| s.record.is_none() || !self.alone.contains(i))
            .map(|(_, s)| s.y)
            .fold(f64::INFINITY, f64::min);
        if top.is_finite() {
            for s in &mut self.slots {
                s.y -= top;
            }
        }
    }

    /// Sets the tops of a layer's slots, in order and apart, as near the tops wanted as the
    /// weights say (least squares: pool adjacent violators).
    fn stack(&mut self, order: &[usize], want: &[f64], weight: &[f64]) {
        // With each slot's place past the gaps before it taken off, the tops must not decrease.
        let mut offset = Vec::with_capacity(order.len());
        let mut sum = 0.0;
        for &s in order {
            offset.push(sum);
            sum += self.slots[s].h + NODE_GAP;
        }
        let mut blocks: Vec<(f64, f64, usize)> = Vec::new(); // (mean, weight, count)
        for i in 0..order.len() {
            let w = weight[i].max(1e-6);
            blocks.push((want[i] - offset[i], w, 1));
            while blocks.len() > 1 {
                let (m2, w2, c2) = blocks[blocks.len() - 1];
                let (m1, w1, c1) = blocks[blocks.len() - 2];
                if m1 <= m2 {
                    break;
                }
                blocks.truncate(blocks.len() - 2);
                blocks.push(((m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2, c1 + c2));
            }
        }
        let mut i = 0;
        for (mean, _, count) in blocks {
            for _ in 0..count {
                self.slots[order[i]].y = mean + offset[i];
                i += 1;
            }
        }
    }

    fn draw(&self, base: &Base, edges: &[&Edge], focus: Option<EntityRef>) -> String {
        let layers_right = self
            .layers
            .iter()
            .flat_map(|l| l.iter())
            .map(|&s| self.slots[s].x + self.slots[s].w)
            .fold(MARGIN, f64::max);
        let layers_bottom = self
            .layers
            .iter()
            .flat_map(|l| l.iter())
            .map(|&s| self.slots[s].y + self.slots[s].h)
            .fold(0.0, f64::max);
        let relations: BTreeSet<(usize, Relation)> = edges
            .iter()
            .filter(|e| self.chains.contains_key(&(e.from, e.to)))
            .map(|e| (e.relation.slot(), e.relation.kind()))
            .collect();
        let kinds: BTreeSet<(usize, Kind)> = self
            .slots
            .iter()
            .filter_map(|s| s.record)
            .map(|r| (r.kind.slot(), r.kind))
            .collect();
        let width = (layers_right + MARGIN).max(2.0 * MARGIN + draw::width(ARROWS, LEGEND));
        let (legend, legend_h) = legend(&kinds, &relations, width);
        let top = 40.0 + legend_h + 16.0;
        let alone_top = top + layers_bottom + if self.layers.is_empty() { 0.0 } else { 28.0 };
        let (alone, alone_h) = self.alone(base, alone_top, width);
        let height = alone_top + alone_h + MARGIN;
        let records = self.slots.iter().filter(|s| s.record.is_some()).count();
        let title = format!(
            "Relations between {}",
            crate::text::plural(records, "record")
        );
        let mut doc = document(width, height, &title, NAME).add(
            Text::new(title)
                .set("x", MARGIN)
                .set("y", 26)
                .set("font-size", 15)
                .set("font-weight", "bold")
                .set("fill", "#111827"),
        );
        doc = doc.add(legend);
        // Edges first, under the boxes; each pair's edges side by side.
        let mut lines = Group::new().set("class", "edges").set("fill", "none");
        let mut by_pair: BTreeMap<(EntityRef, EntityRef), Vec<&Edge>> = BTreeMap::new();
        for e in edges {
            if self.chains.contains_key(&(e.from, e.to)) {
                by_pair.entry((e.from, e.to)).or_default().push(e);
            }
        }
        for (pair, list) in &by_pair {
            let (chain, reversed) = &self.chains[pair];
            let (chain, reversed) = (chain.as_slice(), *reversed);
            let k = list.len() as f64;
            for (i, e) in list.iter().enumerate() {
                let shift = (i as f64 - (k - 1.0) / 2.0) * 4.0;
                lines = lines.add(self.edge(base, e, chain, reversed, top, shift));
            }
        }
        doc = doc.add(lines);
        let mut boxes = Group::new();
        for layer in &self.layers {
            for &s in layer {
                let slot = &self.slots[s];
                if let Some(r) = slot.record {
                    boxes = boxes.add(record_box(base, r, slot, slot.x, top + slot.y, focus));
                }
            }
        }
        draw::finish(doc.add(boxes).add(alone))
    }

    /// One edge along its chain of slots: level curves between layers, straight through the
    /// layers between, an arrowhead at the record it points to.
    fn edge(
        &self,
        base: &Base,
        e: &Edge,
        chain: &[usize],
        reversed: bool,
        top: f64,
        shift: f64,
    ) -> Group {
        let mut points: Vec<(f64, f64, f64)> = Vec::new(); // (x in, x out, y)
        for &s in chain {
            let slot = &self.slots[s];
            let y = top + slot.centre() + shift;
            points.push((slot.x, slot.x + slot.w, y));
        }
        let mut d = String::new();
        for (i, w) in points.windows(2).enumerate() {
            let (from, to) = ((w[0].1, w[0].2), (w[1].0, w[1].2));
            if i == 0 {
                d.push_str(&format!("M{} {}", num(from.0), num(from.1)));
            } else {
                d.push_str(&format!("L{} {}", num(from.0), num(from.1)));
            }
            let bend = (to.0 - from.0) / 2.0;
            d.push_str(&format!(
                "C{} {} {} {} {} {}",
                num(from.0 + bend),
                num(from.1),
                num(to.0 - bend),
                num(to.1),
                num(to.0),
                num(to.1)
            ));
        }
        let (colour, dash) = relation_colour(e.relation);
        let mut path = Path::new()
            .set("d", d)
            .set("stroke", colour)
            .set("stroke-width", 1.3)
            .set("stroke-opacity", 0.85);
        if let Some(dash) = dash {
            path = path.set("stroke-dasharray", dash);
        }
        // The arrowhead: at the last slot's left side, or, for a chain run backwards, at the
        // first slot's right side.
        let (tip, dir) = match reversed {
            false => {
                let last = points[points.len() - 1];
                ((last.0, last.2), 1.0)
            }
            true => ((points[0].1, points[0].2), -1.0),
        };
        let back = tip.0 - dir * 8.0;
        let head = Polygon::new()
            .set(
                "points",
                format!(
                    "{},{} {},{} {},{}",
                    num(tip.0),
                    num(tip.1),
                    num(back),
                    num(tip.1 - 4.0),
                    num(back),
                    num(tip.1 + 4.0)
                ),
            )
            .set("fill", colour);
        Group::new()
            .set("class", "edge")
            .add(Title::new(format!(
                "{} — {} → {}",
                shown(base.label(e.from)),
                shown(&e.label),
                shown(base.label(e.to))
            )))
            .add(path)
            .add(head)
    }

    /// The records joined to nothing drawn, set out in rows under a heading.
    fn alone(&self, base: &Base, top: f64, width: f64) -> (Group, f64) {
        let mut g = Group::new().set("class", "alone");
        if self.alone.is_empty() {
            return (g, 0.0);
        }
        g = g.add(
            Text::new("Related to nothing drawn here:")
                .set("x", MARGIN)
                .set("y", num(top + NAME))
                .set("font-size", NAME)
                .set("fill", "#4b5563"),
        );
        let (mut x, mut y, mut row_h) = (MARGIN, top + NAME * LINE + 8.0, 0.0f64);
        for &s in &self.alone {
            let slot = &self.slots[s];
            if x > MARGIN && x + slot.w > width - MARGIN {
                x = MARGIN;
                y += row_h + NODE_GAP;
                row_h = 0.0;
            }
            if let Some(r) = slot.record {
                g = g.add(record_box(base, r, slot, x, y, None));
            }
            x += slot.w + NODE_GAP;
            row_h = row_h.max(slot.h);
        }
        (g, y + row_h - top)
    }
}

/// A record's slot: its box's lines (an event's date, then its name) and size.
fn record_slot(base: &Base, r: EntityRef, layer: usize) -> Slot {
    let inner = BOX_MAX - 2.0 * PAD;
    let mut lines = Vec::new();
    if r.kind == Kind::Event {
        let date = shown(&base.events[r.idx as usize].date.human());
        lines.push((shorten(&date, fit(inner, SMALL)), SMALL));
    }
    for line in wrap(&shown(base.label(r)), fit(inner, NAME), 3) {
        lines.push((line, NAME));
    }
    let w = lines
        .iter()
        .map(|(t, size)| draw::width(t, *size))
        .fold(0.0, f64::max)
        + 2.0 * PAD;
    let h = 2.0 * PAD + lines.iter().map(|(_, size)| size * LINE).sum::<f64>();
    Slot {
        record: Some(r),
        lines,
        w: w.clamp(BOX_MIN, BOX_MAX),
        h,
        layer,
        x: 0.0,
        y: 0.0,
    }
}

/// A record's box at `(x, y)`, its lines centred, with its full name when pointed at.
fn record_box(
    base: &Base,
    r: EntityRef,
    slot: &Slot,
    x: f64,
    y: f64,
    focus: Option<EntityRef>,
) -> Group {
    let stroke = if Some(r) == focus { 3.0 } else { 1.0 };
    let mut g = record_frame(base, r, (x, y, slot.w, slot.h), stroke)
        .set("class", format!("node {}", r.kind.name()));
    let mut line_y = y + PAD;
    for (text, size) in &slot.lines {
        g = g.add(
            Text::new(text.clone())
                .set("x", num(x + slot.w / 2.0))
                .set("y", num(line_y + size))
                .set("text-anchor", "middle")
                .set("font-size", *size)
                .set("fill", if *size == SMALL { "#374151" } else { "#111827" }),
        );
        line_y += size * LINE;
    }
    g
}

/// What the legend says of the lines.
const ARROWS: &str =
    "An arrow points from a record to what it relates to; point at a line for its relation.";

/// The legend: a swatch for each kind of record and each kind of relation drawn, in rows that
/// fit `width`. Returns it and its height.
fn legend(
    kinds: &BTreeSet<(usize, Kind)>,
    relations: &BTreeSet<(usize, Relation)>,
    width: f64,
) -> (Group, f64) {
    let mut g = Group::new().set("class", "legend").set("font-size", LEGEND);
    let row = LEGEND * LINE + 8.0;
    let (mut x, mut y) = (MARGIN, 40.0);
    let place = |w: f64, x: &mut f64, y: &mut f64| {
        if *x > MARGIN && *x + w > width - MARGIN {
            *x = MARGIN;
            *y += row;
        }
        let at = (*x, *y);
        *x += w + 18.0;
        at
    };
    for &(_, kind) in kinds {
        let name = match kind {
            Kind::Actor => "person",
            other => other.name(),
        };
        let (fill, stroke) = colours(kind);
        let (bx, by) = place(22.0 + draw::width(name, LEGEND), &mut x, &mut y);
        g = g
            .add(
                Rectangle::new()
                    .set("x", num(bx))
                    .set("y", num(by))
                    .set("width", 16)
                    .set("height", 12)
                    .set("rx", if kind == Kind::Actor { 6 } else { 2 })
                    .set("fill", fill)
                    .set("stroke", stroke),
            )
            .add(
                Text::new(name)
                    .set("x", num(bx + 22.0))
                    .set("y", num(by + 11.0))
                    .set("fill", "#111827"),
            );
    }
    if !relations.is_empty() {
        x = MARGIN;
        y += row;
    }
    for &(_, relation) in relations {
        let name = relation.name();
        let (colour, dash) = relation_colour(relation);
        let (bx, by) = place(34.0 + draw::width(name, LEGEND), &mut x, &mut y);
        let mut line = Line::new()
            .set("x1", num(bx))
            .set("y1", num(by + 6.0))
            .set("x2", num(bx + 22.0))
            .set("y2", num(by + 6.0))
            .set("stroke", colour)
            .set("stroke-width", 2.5);
        if let Some(dash) = dash {
            line = line.set("stroke-dasharray", dash);
        }
        g = g.add(line).add(
            Text::new(name)
                .set("x", num(bx + 28.0))
                .set("y", num(by + 11.0))
                .set("fill", colour),
        );
    }
    if !relations.is_empty() {
        y += row;
        g = g.add(
            Text::new(ARROWS)
                .set("x", MARGIN)
                .set("y", num(y + 11.0))
                .set("fill", "#4b5563"),
        );
    }
    (g, y + row - 40.0)
}

/// The pairs turned into a graph without cycles: a depth-first walk, in order, turns round each
/// edge that leads back to a record still being walked.
fn acyclic(n: usize, pairs: &BTreeSet<(usize, usize)>) -> BTreeSet<(usize, usize)> {
    let mut out_of: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in pairs {
        out_of[a].push(b);
    }
    // 0: not seen, 1: being walked, 2: done.
    let mut state = vec![0u8; n];
    let mut dag = BTreeSet::new();
    for start in 0..n {
        if state[start] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        state[start] = 1;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&to) = out_of[node].get(*next) {
                *next += 1;
                match state[to] {
                    1 => {
                        dag.insert((to, node));
                    }
                    0 => {
                        dag.insert((node, to));
                        state[to] = 1;
                        stack.push((to, 0));
                    }
                    _ => {
                        dag.insert((node, to));
                    }
                }
            } else {
                state[node] = 2;
                stack.pop();
            }
        }
    }
    // An edge and its turned-round twin are one.
    let twins: Vec<(usize, usize)> = dag
        .iter()
        .copied()
        .filter(|&(a, b)| a > b && dag.contains(&(b, a)))
        .collect();
    for t in twins {
        dag.remove(&t);
    }
    dag
}

/// Each record's layer: one past the deepest record pointing at it; then a record nothing
/// points at moves up to just before the nearest record it points at.
fn layers(n: usize, dag: &BTreeSet<(usize, usize)>) -> Vec<usize> {
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut succs: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut waiting = vec![0usize; n];
    for &(a, b) in dag {
        preds[b].push(a);
        succs[a].push(b);
        waiting[b] += 1;
    }
    let mut ready: BTreeSet<usize> = (0..n).filter(|&i| waiting[i] == 0).collect();
    let mut layer = vec![0usize; n];
    let mut order = Vec::with_capacity(n);
    while let Some(i) = ready.pop_first() {
        order.push(i);
        for &j in &succs[i] {
            layer[j] = layer[j].max(layer[i] + 1);
            waiting[j] -= 1;
            if waiting[j] == 0 {
                ready.insert(j);
            }
        }
    }
    for &i in order.iter().rev() {
        if preds[i].is_empty()
            && let Some(nearest) = succs[i].iter().map(|&j| layer[j]).min()
        {
            layer[i] = nearest.saturating_sub(1);
        }
    }
    // Layers left empty by the moves close up.
    let used: BTreeSet<usize> = layer.iter().copied().collect();
    let rank: BTreeMap<usize, usize> = used.iter().enumerate().map(|(k, &l)| (l, k)).collect();
    layer.iter().map(|l| rank[l]).collect()
}

/// Sorts a layer by the mean place of each slot's neighbours in `near` (a slot with none keeps
/// its place), then records each slot's new place in `pos`.
fn sort_by_barycentre(layer: &mut [usize], near: &[Vec<usize>], pos: &mut [f64]) {
    let keys: BTreeMap<usize, f64> = layer
        .iter()
        .enumerate()
        .map(|(i, &s)| {
            let ns = &near[s];
            let key = match ns.is_empty() {
                true => i as f64,
                false => ns.iter().map(|&m| pos[m]).sum::<f64>() / ns.len() as f64,
            };
            (s, key)
        })
        .collect();
    layer.sort_by(|a, b| keys[a].total_cmp(&keys[b]));
    for (i, &s) in layer.iter().enumerate() {
        pos[s] = i as f64;
    }
}

/// How many pairs of a sequence are out of order (merge sort).
fn inversions(v: &mut [usize]) -> usize {
    if v.len() < 2 {
        return 0;
    }
    let mid = v.len() / 2;
    let mut count = inversions(&mut v[..mid]) + inversions(&mut v[mid..]);
    let mut merged = Vec::with_capacity(v.len());
    let (mut i, mut j) = (0, mid);
    while i < mid && j < v.len() {
        if v[i] <= v[j] {
            merged.push(v[i]);
            i += 1;
        } else {
            merged.push(v[j]);
            count += mid - i;
            j += 1;
        }
    }
    merged.extend_from_slice(&v[i..mid]);
    merged.extend_from_slice(&v[j..]);
    v.copy_from_slice(&merged);
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in base, its edges, and every record `kz graph` draws.
    fn whole() -> (Base, Vec<Edge>, BTreeSet<EntityRef>) {
        let base = crate::open::check_files(crate::load::builtin_files(), Vec::new()).unwrap();
        let all = crate::query::relations::edges(&base);
        let nodes = base
            .all()
            .filter(|r| crate::query::relations::drawn(r.kind))
            .collect();
        (base, all, nodes)
    }

    #[test]
    fn the_same_graph_gives_the_same_picture() {
        let (base, all, nodes) = whole();
        let edges: Vec<&Edge> = all.iter().collect();
        let first = svg(&base, &nodes, &edges, None, true);
        for _ in 0..5 {
            assert_eq!(svg(&base, &nodes, &edges, None, true), first);
        }
    }

    #[test]
    fn sweeping_cuts_crossings() {
        let (base, all, nodes) = whole();
        let edges: Vec<&Edge> = all.iter().collect();
        let rough = Layered::new(&base, &nodes, &edges, false).crossings();
        let tidy = Layered::new(&base, &nodes, &edges, true).crossings();
        let mut plain = Layered::build(&base, &nodes, &edges, 0, 0);
        let first = plain.crossings();
        // No minimising at all: each layer in the order of the records.
        for layer in &mut plain.layers {
            layer.sort_unstable();
        }
        let unordered = plain.crossings();
        assert!(tidy <= rough && rough <= first, "{tidy} {rough} {first}");
        assert!(tidy * 4 < unordered, "{tidy} crossings of {unordered}");
        assert!(
            tidy * 3 < first * 2,
            "sweeping barely helps: {tidy} of {first}"
        );
    }

    #[test]
    fn cycles_are_broken_and_layers_follow_edges() {
        let pairs: BTreeSet<(usize, usize)> = [(0, 1), (1, 2), (2, 0), (3, 2)].into();
        let dag = acyclic(4, &pairs);
        assert_eq!(dag, [(0, 1), (1, 2), (0, 2), (3, 2)].into());
        let layer = layers(4, &dag);
        assert!(dag.iter().all(|&(a, b)| layer[a] < layer[b]), "{layer:?}");
        assert_eq!(
            layer[3],
            layer[2] - 1,
            "a source sits just before its target"
        );
    }

    #[test]
    fn inversions_count_crossings() {
        let cases = [
            (vec![0, 1, 2], 0),
            (vec![2, 1, 0], 3),
            (vec![1, 0, 2, 2], 1),
        ];
        for (mut v, want) in cases {
            assert_eq!(inversions(&mut v), want);
        }
    }
}
