//! The command line: global options and the subcommands, with clap derive. Doc comments are the help.

use crate::cmd;
use crate::render::Format;
use clap::builder::TypedValueParser as _;
use clap::{Args, CommandFactory, Parser, ValueEnum};
use std::path::PathBuf;

/// Query facts about the January 2022 unrest in Kazakhstan and the CSTO deployment.
///
/// kz loads YAML fact files (people, organisations, places, quotes, events, each citing its
/// source) and answers questions about them: as a table at a terminal, and as TSV, CSV or JSON
/// in a pipeline.
#[derive(Debug, Parser)]
#[command(
    name = "kz",
    version,
    arg_required_else_help = true,
    after_help = "Examples:\n  kz who Serdyukov\n  kz quotes --by Murtazashvili\n  kz members CSTO\n  kz timeline Tokayev\n  kz events --since 2022-01-05 -f json\n\nFacts come from --facts, else $KZ_FACTS, else the base built into kz.\nKZ_FACTS=:~/my-facts reads the built-in base and yours."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: cmd::Command,
}

/// Options every command takes.
#[derive(Debug, Default, Args)]
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

    /// Parse the fact files even if a snapshot of them is cached [env: KZ_NO_CACHE]
    #[arg(long, global = true)]
    pub no_cache: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// Parses the process's arguments; clap exits on `--help`, `--version` and usage errors.
/// Run with `COMPLETE=<shell>` set (by the script of `kz completions`), it answers a shell's
/// completion request instead, and exits.
pub fn parse() -> Cli {
    clap_complete::CompleteEnv::with_factory(Cli::command).complete();
    Cli::parse()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }
}
