//! The command line: global options and the subcommands, with clap derive. Doc comments are the help.

use crate::cmd;
pub use crate::context::{ColorChoice, Global};
use clap::{CommandFactory, Parser};

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

/// kz's whole command line, as clap describes it (for man pages and completion).
pub fn app() -> clap::Command {
    Cli::command()
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
