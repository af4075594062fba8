//! The resolved context of a run, built once from flags, environment and terminal before any
//! work starts: how output is drawn and where the facts come from. Plain data.

use crate::cli::{ColorChoice, Global};
use crate::open::FactsPath;
use crate::render::{Format, Style};
use std::io::IsTerminal;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Ctx {
    pub style: Style,
    /// Whether `-f` was given, for commands whose default is not a data format.
    pub format_given: bool,
    /// `--no-cache`: always parse, never read or write a snapshot.
    pub no_cache: bool,
    /// The fact files to read, in order.
    pub facts: Vec<FactsPath>,
}

impl Ctx {
    pub fn new(global: &Global) -> Ctx {
        let terminal = std::io::stdout().is_terminal();
        let env = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
        let format = global
            .format
            .unwrap_or(if terminal { Format::Table } else { Format::Tsv });
        let color = match global.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                if env("NO_COLOR").is_some() {
                    false
                } else if env("CLICOLOR_FORCE").is_some_and(|v| v != "0") {
                    true
                } else {
                    terminal
                }
            }
        };
        let columns = || {
            std::env::var("COLUMNS")
                .ok()
                .and_then(|c| c.trim().parse::<u16>().ok())
                .filter(|&c| c > 0)
        };
        let width = global.width.or_else(|| {
            if terminal {
                terminal_size::terminal_size()
                    .map(|(w, _)| w.0)
                    .or_else(columns)
            } else {
                columns()
            }
        });
        let facts = if !global.facts.is_empty() {
            facts_from(global.facts.iter().cloned())
        } else if let Some(paths) = env("KZ_FACTS") {
            facts_from(std::env::split_paths(&paths))
        } else {
            vec![FactsPath::Builtin]
        };
        Ctx {
            style: Style {
                format,
                color,
                width,
                header: !global.no_header,
                terminal,
            },
            format_given: global.format.is_some(),
            no_cache: global.no_cache,
            facts,
        }
    }
}

/// The fact paths of `--facts` or `KZ_FACTS`, where an empty one stands for the built-in base,
/// as an empty element of `MANPATH` stands for the system's pages. The built-in base is read
/// once however often it is named.
fn facts_from(paths: impl Iterator<Item = PathBuf>) -> Vec<FactsPath> {
    let mut out = Vec::new();
    for p in paths {
        let path = if p.as_os_str().is_empty() {
            FactsPath::Builtin
        } else {
            FactsPath::Disk(p)
        };
        if !(path == FactsPath::Builtin && out.contains(&FactsPath::Builtin)) {
            out.push(path);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_elements_stand_for_the_builtin_base() {
        let split = |s: &str| facts_from(std::env::split_paths(s));
        let disk = |p: &str| FactsPath::Disk(PathBuf::from(p));
        let cases = [
            (":a", vec![FactsPath::Builtin, disk("a")]),
            ("a:", vec![disk("a"), FactsPath::Builtin]),
            ("a::b", vec![disk("a"), FactsPath::Builtin, disk("b")]),
            ("a:b", vec![disk("a"), disk("b")]),
            ("::", vec![FactsPath::Builtin]),
        ];
        crate::testing::table(&cases, split);
    }
}
