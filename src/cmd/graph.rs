//! `kz graph`: the web of relations as Graphviz DOT, Mermaid, or an SVG picture drawn in-process.

use super::{Cx, Run};
use crate::Error;
use crate::model::{EntityRef, Kind};
use crate::picture;
use crate::query::relations::{Adjacency, drawn, edges};
use crate::query::{self, Wanted};
use std::collections::BTreeSet;

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
/// quotes), and who and what events involved and where they happened. Records are grouped and
/// shaped by kind. With ID, only the records within --depth steps of it (default 1) are drawn.
///
/// The default is Graphviz DOT; --to mermaid writes Mermaid, which GitHub renders in Markdown;
/// --to svg writes a picture that kz lays out and draws itself (with the layout-rs crate), so
/// no Graphviz is needed.
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
    fn formats(&self) -> super::Formats {
        super::Formats::None("it draws with --to dot, mermaid or svg")
    }

    fn run(&self, cx: &mut Cx<'_>) -> Result<(), crate::Error> {
        let base = cx.base()?;
        let all = edges(base);
        let start = match &self.id {
            None => None,
            Some(q) => {
                let start = query::resolve(base, q, Wanted::ANY)?;
                if start.iter().any(|r| !drawn(r.kind)) {
                    return Err(Error::Usage(format!(
                        "'{q}' is a source or a quote: graph draws people, organisations, places and events"
                    )));
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
            GraphFormat::Dot => picture::text::dot(base, &nodes, &shown),
            GraphFormat::Mermaid => picture::text::mermaid(base, &nodes, &shown),
            GraphFormat::Svg => {
                let focus = start.filter(|s| s.len() == 1).map(|s| s[0]);
                let tidy = shown.len() <= picture::graph::TIDY_EDGES;
                picture::graph::svg(base, &nodes, &shown, focus, tidy).map_err(|big| {
                    crate::Error::Usage(too_big(big, self.id.as_deref(), self.depth))
                })? + "\n"
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
