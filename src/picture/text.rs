//! The relation graph as text for other tools: Graphviz DOT and Mermaid (which GitHub renders
//! in Markdown). Every label is escaped for its language.

use crate::model::{Base, EntityRef, Kind};
use crate::query::relations::Edge;
use crate::text::escape_control;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// A DOT double-quoted string: quotes and backslashes escaped, control characters shown.
fn dot_str(text: &str) -> String {
    let safe = escape_control(text);
    format!("\"{}\"", safe.replace('\\', "\\\\").replace('"', "\\\""))
}

pub fn dot(base: &Base, nodes: &BTreeSet<EntityRef>, edges: &[&Edge]) -> String {
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

pub fn mermaid(base: &Base, nodes: &BTreeSet<EntityRef>, edges: &[&Edge]) -> String {
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
