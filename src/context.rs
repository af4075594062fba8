//! The options every command takes, and the context of a run resolved from them, the
//! environment and the terminal once before any work starts: how output is drawn and where the
//! facts come from. Plain data.

use crate::open::FactsPath;
use crate::render::{Format, Style};
use clap::builder::TypedValueParser as _;
use std::io::IsTerminal;
use std::path::PathBuf;

/// Options every command takes.
#[derive(Debug, Default, clap::Args)]
pub struct Global {
    /// Read facts from PATH, a YAML file or a folder of them; repeat for more. An empty PATH
    /// ('') is the built-in base, so `--facts '' --facts mine/` reads both [env: KZ_FACTS,
    /// separated by ':', where an empty element is the built-in base]
    #[arg(
        long = "facts",
        value_name = "PATH",
        global = true,
        value_parser = clap::builder::OsStringValueParser::new().map(PathBuf::from)
    )]
    pub facts: Vec<PathBuf>,

    /// Output format [default: table at a terminal, tsv otherwise]
    #[arg(short = 'f', long, value_enum, global = true)]
    pub format: Option<Format>,

    /// When to colour tables (NO_COLOR and CLICOLOR_FORCE are honoured under auto)
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,

    /// Fit tables to N columns [default: the terminal's width, or $COLUMNS when piped]
    #[arg(long, value_name = "N", global = true, value_parser = clap::value_parser!(u16).range(20..))]
    pub width: Option<u16>,

    /// Leave out the header row of TSV and CSV
    #[arg(long, global = true)]
    pub no_header: bool,

    /// Write CSV cells exactly. By default a cell a spreadsheet would run as a formula (one
    /// that starts with =, +, -, @, a tab or a carriage return, and is not a plain number) gets
    /// a ' in front
    #[arg(long, global = true)]
    pub raw_csv: bool,

    /// Parse the fact files even if a snapshot of them is cached [env: KZ_NO_CACHE]
    #[arg(long, global = true)]
    pub no_cache: bool,
}

/// When to colour tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone)]
pub struct Ctx {
    pub style: Style,
    /// Whether `-f` was given, for commands whose default is not a data format.
    pub format_given: bool,
    /// `--no-cache`: always parse, never read or write a snapshot.
    pub no_cache: bool,
    /// The fact files to read, in order.
    pub facts: Vec<FactsPath>,
    /// kz's whole command line, for the commands that describe it (`man`).
    pub app: fn() -> clap::Command,
}

impl Ctx {
    /// Whether the base is the built-in one alone: no `--facts` and no `KZ_FACTS` named another.
    pub fn builtin_only(&self) -> bool {
        self.facts == [FactsPath::Builtin]
    }

    pub fn new(global: &Global, app: fn() -> clap::Command) -> Ctx {
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
        Ctx {
            style: Style {
                format,
                color,
                width,
                header: !global.no_header,
                terminal,
                spreadsheet_safe: !global.raw_csv,
            },
            format_given: global.format.is_some(),
            no_cache: global.no_cache,
            facts: facts(global),
            app,
        }
    }
}

/// The fact paths of a run: `--facts`, else `KZ_FACTS`, else the built-in base.
pub fn facts(global: &Global) -> Vec<FactsPath> {
    if !global.facts.is_empty() {
        facts_from(global.facts.iter().cloned())
    } else if let Some(paths) = std::env::var_os("KZ_FACTS").filter(|v| !v.is_empty()) {
        facts_from(std::env::split_paths(&paths))
    } else {
        vec![FactsPath::Builtin]
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
