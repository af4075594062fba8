//! `kz graph`: the web of relations as Graphviz DOT, Mermaid, or an SVG picture drawn in-process.

use super::{Cx, Run};
use crate::exit::Failure;
use crate::model::{Base, EntityRef, Kind};
use crate::picture;
use crate::query::relations::{Edge, drawn, edges};
use crate::query::{self, Wanted};
use crate::text::escape_control;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt::Write as _;

/// A picture language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    /// Graphviz: `kz graph | dot -Tsvg > graph.svg`
    Dot,
    /// Mermaid, which GitHub renders in Markdown
    Mermaid,
    /// An SVG picture, laid out and drawn by kz itself: no Graphviz needed
    Svg,
}

/// Draw the relations between people, organisations, places and events.
///
/// Edges are memberships, roles (to their organisation and their place), nationality, where
/// organisations are based, what places are part of, who spoke about whom (with how many
/// quotes), and who and what events involved and where they happened.
/// With ID, only the records within --depth steps of it are drawn.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kz graph csto | dot -Tsvg > csto.svg\n  kz graph Tokayev --depth 2 --to mermaid\n  kz graph | dot -Tpng > base.png\n  kz graph Serdyukov --to svg > serdyukov.svg"
)]
pub struct Args {
    /// Draw only the neighbourhood of this record (an id, name or alias)
    #[arg(add = crate::cmd::completions::names(&Kind::ALL))]
    pub id: Option<String>,
    /// How many steps from ID to include
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=10))]
    pub depth: u32,
    /// The picture language
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    pub to: GraphFormat,
}

impl Run for Args {
    fn run(&self, cx: &mut Cx<'_>) -> anyhow::Result<()> {
        let base = cx.base()?;
        let all = edges(base);
        let start = match &self.id {
            None => None,
            Some(q) => {
                let start = query::resolve(base, q, Wanted::ANY)?;
                if start.iter().any(|r| !drawn(r.kind)) {
                    return Err(Failure::Usage(format!(
                        "'{q}' is a source or a quote: graph draws people, organisations, places and events"
                    ))
                    .into());
                }
                Some(start)
            }
        };
        let adjacency = Adjacency::new(&all);
        let nodes: BTreeSet<EntityRef> = match &start {
            None => base.all().filter(|r| drawn(r.kind)).collect(),
            Some(start) => adjacency.neighbourhood(start, self.depth),
        };
        let shown = adjacency.among(&nodes);
        let text = match self.to {
            GraphFormat::Dot => dot(base, &nodes, &shown),
            GraphFormat::Mermaid => mermaid(base, &nodes, &shown),
            GraphFormat::Svg => {
                let focus = start.filter(|s| s.len() == 1).map(|s| s[0]);
                let tidy = shown.len() <= TIDY_EDGES;
                picture::graph::svg(base, &nodes, &shown, focus, tidy)
                    .map_err(|big| Failure::Usage(too_big(big, self.id.as_deref(), self.depth)))?
                    + "\n"
            }
        };
        cx.out.write_all(text.as_bytes())?;
        Ok(())
    }
}

/// Why an SVG picture was refused, and how to draw a smaller one.
fn too_big(big: picture::graph::TooBig, id: Option<&str>, depth: u32) -> String {
    let narrow = match id {
        None => "give an ID to draw its neighbourhood (`kz graph ID --depth 1 --to svg`)".to_string(),
        Some(id) if depth > 1 => format!(
            "draw fewer steps around it (`kz graph {id} --depth {} --to svg`)",
            depth - 1
        ),
        Some(_) => "draw a record with fewer relations".to_string(),
    };
    format!(
        "{big}; {narrow}, or draw it with Graphviz, which has no such limit (`kz graph{} --to dot | \
         dot -Tsvg > graph.svg`)",
        id.map(|id| format!(" {id} --depth {depth}")).unwrap_or_default()
    )
}

/// The most edges an SVG picture is laid out tidily for (crossings minimised); past it the
/// layout is quick but rougher.
pub const TIDY_EDGES: usize = 400;

/// The edges of a picture, indexed by the records at their ends, so a neighbourhood costs what
/// it holds rather than a pass over every edge.
pub struct Adjacency<'e> {
    edges: &'e [Edge],
    by_record: BTreeMap<EntityRef, Vec<usize>>,
}

impl<'e> Adjacency<'e> {
    pub fn new(edges: &'e [Edge]) -> Adjacency<'e> {
        let mut by_record: BTreeMap<EntityRef, Vec<usize>> = BTreeMap::new();
        for (i, e) in edges.iter().enumerate() {
            by_record.entry(e.from).or_default().push(i);
            if e.to != e.from {
                by_record.entry(e.to).or_default().push(i);
            }
        }
        Adjacency { edges, by_record }
    }

    fn of(&self, r: EntityRef) -> impl Iterator<Item = &'e Edge> + '_ {
        self.by_record
            .get(&r)
            .into_iter()
            .flatten()
            .map(|&i| &self.edges[i])
    }

    /// The records within `depth` steps of `start`, following edges either way.
    pub fn neighbourhood(&self, start: &[EntityRef], depth: u32) -> BTreeSet<EntityRef> {
        let mut seen: BTreeSet<EntityRef> = start.iter().copied().collect();
        let mut queue: VecDeque<(EntityRef, u32)> = start.iter().map(|&r| (r, 0)).collect();
        while let Some((r, d)) = queue.pop_front() {
            if d == depth {
                continue;
            }
            for e in self.of(r) {
                let next = if e.from == r { e.to } else { e.from };
                if seen.insert(next) {
                    queue.push_back((next, d + 1));
                }
            }
        }
        seen
    }

    /// The edges between records of `nodes`, in the order of [`edges`].
    pub fn among(&self, nodes: &BTreeSet<EntityRef>) -> Vec<&'e Edge> {
        let mut picked: Vec<usize> = nodes
            .iter()
            .flat_map(|r| self.by_record.get(r).into_iter().flatten().copied())
            .filter(|&i| nodes.contains(&self.edges[i].from) && nodes.contains(&self.edges[i].to))
            .collect();
        picked.sort_unstable();
        picked.dedup();
        picked.into_iter().map(|i| &self.edges[i]).collect()
    }
}

/// A DOT double-quoted string: quotes and backslashes escaped, control characters shown.
fn dot_str(text: &str) -> String {
    let safe = escape_control(text);
    format!("\"{}\"", safe.replace('\\', "\\\\").replace('"', "\\\""))
}

fn dot(base: &Base, nodes: &BTreeSet<EntityRef>, edges: &[&Edge]) -> String {
    let mut s = String::from(
        "digraph kz {\n  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=11];\n  node [fontname=\"Helvetica\", fontsize=10, style=filled];\n  edge [fontname=\"Helvetica\", fontsize=8, color=\"#666666\"];\n",
    );
    let kinds = [
        (Kind::Actor, "People", "ellipse", "#dbeafe"),
        (Kind::Organisation, "Organisations", "box", "#fde68a"),
        (Kind::Place, "Places", "house", "#bbf7d0"),
        (Kind::Event, "Events", "note", "#fecaca"),
    ];
    for (kind, title, shape, fill) in kinds {
        let members: Vec<&EntityRef> = nodes.iter().filter(|r| r.kind == kind).collect();
        if members.is_empty() {
            continue;
        }
        let _ = writeln!(
            s,
            "  subgraph cluster_{} {{\n    label={}; color=\"#bbbbbb\";",
            kind.section(),
            dot_str(title)
        );
        for r in members {
            let label = match kind {
                // Two lines: DOT's own `\n` joins the escaped parts.
                Kind::Event => {
                    let date = dot_str(base.events[r.idx as usize].date.as_str());
                    let title = dot_str(base.label(*r));
                    format!("{}\\n{}", &date[..date.len() - 1], &title[1..])
                }
                _ => dot_str(base.label(*r)),
            };
            let _ = writeln!(
                s,
                "    {} [label={label}, shape={shape}, fillcolor=\"{fill}\"];",
                dot_str(base.id(*r))
            );
        }
        s.push_str("  }\n");
    }
    for e in edges {
        let _ = writeln!(
            s,
            "  {} -> {} [label={}];",
            dot_str(base.id(e.from)),
            dot_str(base.id(e.to)),
            dot_str(&e.label)
        );
    }
    s.push_str("}\n");
    s
}

/// Mermaid text inside `"..."`, inert: Mermaid reads a label as HTML (and a backquoted one as
/// Markdown), so `< > &`, quotes, backquotes and `|` become its entity codes (`#60;`), as does
/// `#` itself so that no text is read as a code; control characters are shown escaped.
fn mermaid_str(text: &str) -> String {
    let shown = escape_control(text);
    let inert = crate::text::replace_chars(&shown, |c| {
        Some(std::borrow::Cow::Borrowed(match c {
            '#' => "#35;",
            '"' => "#quot;",
            '<' => "#60;",
            '>' => "#62;",
            '&' => "#38;",
            '`' => "#96;",
            '|' => "#124;",
            _ => return None,
        }))
    });
    inert.into_owned()
}

fn mermaid(base: &Base, nodes: &BTreeSet<EntityRef>, edges: &[&Edge]) -> String {
    let mut s = String::from("flowchart LR\n");
    let ids: BTreeMap<EntityRef, String> = nodes
        .iter()
        .enumerate()
        .map(|(i, r)| (*r, format!("n{i}")))
        .collect();
    for (r, id) in &ids {
        let label = mermaid_str(base.label(*r));
        let shape = match r.kind {
            Kind::Actor => format!("{id}([\"{label}\"])"),
            Kind::Organisation => format!("{id}[\"{label}\"]"),
            Kind::Place => format!("{id}{{{{\"{label}\"}}}}"),
            _ => format!(
                "{id}[/\"{} {label}\"/]",
                mermaid_str(base.events[r.idx as usize].date.as_str())
            ),
        };
        let _ = writeln!(s, "  {shape}:::{}", r.kind.name());
    }
    for e in edges {
        let _ = writeln!(
            s,
            "  {} -->|\"{}\"| {}",
            ids[&e.from],
            mermaid_str(&e.label),
            ids[&e.to]
        );
    }
    s.push_str("  classDef actor fill:#dbeafe,stroke:#1e3a8a;\n  classDef organisation fill:#fde68a,stroke:#92400e;\n  classDef place fill:#bbf7d0,stroke:#166534;\n  classDef event fill:#fecaca,stroke:#991b1b;\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(dot_str("a \"b\" \\ c"), "\"a \\\"b\\\" \\\\ c\"");
        assert_eq!(dot_str("bell\u{7}"), "\"bell\\\\u{7}\"");
        let cases = [
            ("say \"hi\"", "say #quot;hi#quot;"),
            (
                "<img src=x onerror=alert(1)>",
                "#60;img src=x onerror=alert(1)#62;",
            ),
            ("a & b", "a #38; b"),
            ("#quot; stays text", "#35;quot; stays text"),
            ("`**md**`", "#96;**md**#96;"),
            ("a|b", "a#124;b"),
            ("two\nlines", "two\\nlines"),
            ("alm\u{61c}", "alm\\u{61c}"),
        ];
        crate::testing::table(&cases, mermaid_str);
    }
}
