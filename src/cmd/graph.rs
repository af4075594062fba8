//! `kz graph`: the web of relations as Graphviz DOT or Mermaid.

use crate::config::Ctx;
use crate::exit::Failure;
use crate::model::{Base, EntityRef, Kind};
use crate::query::{self, org_ref, place_ref};
use crate::text::escape_control;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt::Write as _;
use std::io::Write;

/// A picture language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    /// Graphviz: `kz graph | dot -Tsvg > graph.svg`
    Dot,
    /// Mermaid, which GitHub renders in Markdown
    Mermaid,
}

/// Draw the relations between people, organisations, places and events.
///
/// Edges are memberships, roles, nationality, where organisations are based, what places are
/// part of, who spoke about whom (with how many quotes), and who and where events involved.
/// With ID, only the records within --depth steps of it are drawn.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kz graph csto | dot -Tsvg > csto.svg\n  kz graph Tokayev --depth 2 --to mermaid\n  kz graph | dot -Tpng > base.png"
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

/// One relation: from, to, and what it is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Edge {
    pub from: EntityRef,
    pub to: EntityRef,
    pub label: String,
}

pub fn run(args: &Args, ctx: &Ctx, out: &mut dyn Write) -> anyhow::Result<()> {
    let base = ctx.base()?;
    let all = edges(base);
    let nodes: BTreeSet<EntityRef> = match &args.id {
        None => base
            .all()
            .filter(|r| {
                matches!(
                    r.kind,
                    Kind::Actor | Kind::Organisation | Kind::Place | Kind::Event
                )
            })
            .collect(),
        Some(q) => {
            let start = query::resolve(base, q, &Kind::ALL, "record")?;
            if start
                .iter()
                .any(|r| matches!(r.kind, Kind::Source | Kind::Quote))
            {
                return Err(Failure::Usage(format!("'{q}' is a source or a quote: graph draws people, organisations, places and events")).into());
            }
            neighbourhood(&start, &all, args.depth)
        }
    };
    let shown: Vec<&Edge> = all
        .iter()
        .filter(|e| nodes.contains(&e.from) && nodes.contains(&e.to))
        .collect();
    let text = match args.to {
        GraphFormat::Dot => dot(base, &nodes, &shown),
        GraphFormat::Mermaid => mermaid(base, &nodes, &shown),
    };
    out.write_all(text.as_bytes())?;
    Ok(())
}

/// Every relation in the base between people, organisations, places and events.
pub fn edges(base: &Base) -> Vec<Edge> {
    let mut out = Vec::new();
    let mut push = |from, to, label: String| out.push(Edge { from, to, label });
    for (i, a) in base.actors.iter().enumerate() {
        let me = query::actor_ref(i as u32);
        if let Some(n) = a.nationality {
            push(me, place_ref(n), "national of".into());
        }
        for role in &a.roles {
            if let Some(o) = role.org {
                push(me, org_ref(o), role.title.to_string());
            } else if let Some(p) = role.place {
                push(me, place_ref(p), role.title.to_string());
            }
        }
    }
    for (i, o) in base.organisations.iter().enumerate() {
        let org = org_ref(i as u32);
        for m in &o.members {
            push(m.member, org, "member of".into());
        }
        if let Some(p) = o.based_in {
            push(org, place_ref(p), "based in".into());
        }
    }
    for (i, p) in base.places.iter().enumerate() {
        if let Some(parent) = p.part_of {
            push(place_ref(i as u32), place_ref(parent), "part of".into());
        }
    }
    let mut spoke: BTreeMap<(EntityRef, EntityRef), usize> = BTreeMap::new();
    for q in &base.quotes {
        for &about in &q.about {
            *spoke
                .entry((query::actor_ref(q.speaker), about))
                .or_default() += 1;
        }
    }
    for ((from, to), n) in spoke {
        if matches!(
            to.kind,
            Kind::Actor | Kind::Organisation | Kind::Place | Kind::Event
        ) {
            push(
                from,
                to,
                if n == 1 {
                    "spoke about".into()
                } else {
                    format!("spoke about ({n})")
                },
            );
        }
    }
    for (i, e) in base.events.iter().enumerate() {
        let ev = EntityRef {
            kind: Kind::Event,
            idx: i as u32,
        };
        for &who in &e.involving {
            if matches!(who.kind, Kind::Actor | Kind::Organisation) {
                push(who, ev, "involved in".into());
            }
        }
        for &p in &e.places {
            push(ev, place_ref(p), "in".into());
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The records within `depth` steps of `start`, following edges either way.
fn neighbourhood(start: &[EntityRef], edges: &[Edge], depth: u32) -> BTreeSet<EntityRef> {
    let mut seen: BTreeSet<EntityRef> = start.iter().copied().collect();
    let mut queue: VecDeque<(EntityRef, u32)> = start.iter().map(|&r| (r, 0)).collect();
    while let Some((r, d)) = queue.pop_front() {
        if d == depth {
            continue;
        }
        for e in edges {
            let next = if e.from == r {
                e.to
            } else if e.to == r {
                e.from
            } else {
                continue;
            };
            if seen.insert(next) {
                queue.push_back((next, d + 1));
            }
        }
    }
    seen
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

/// Mermaid text inside `"..."`: quotes become `#quot;`, control characters are shown.
fn mermaid_str(text: &str) -> String {
    escape_control(text).replace('"', "#quot;")
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
        assert_eq!(mermaid_str("say \"hi\""), "say #quot;hi#quot;");
    }
}
