//! The command line: global options and the subcommands, with clap derive. Doc comments are the help.

use crate::cmd;
pub use crate::context::{ColorChoice, Global};
use clap::{CommandFactory, Parser};

/// Ask questions of news reporting turned into facts, each citing its source.
///
/// kz loads YAML fact files (people, organisations, places, quotes and dated events, each
/// citing the source it comes from, with the sentence that supports it) and answers questions
/// about them: as a table at a terminal, and as TSV, CSV or JSON in a pipeline. `kz check`
/// verifies every direct quote and every cited sentence against the source's own text.
///
/// Facts come from --facts, else from KZ_FACTS, else from the base built into kz. As in MANPATH,
/// an empty element of KZ_FACTS stands for the built-in base, so KZ_FACTS=:~/my-facts reads the
/// built-in base and yours. `man 5 kz-facts` describes the file format.
///
/// NAME, ORG and PLACE arguments match an id, a name or an alias, ignoring case, accents and
/// script (Cyrillic, Kazakh letters included), and any single word of a name. Dates are EDTF:
/// 2022, 2022-01, 2022-01-05, 199X, 2022-01-05?, or an interval A/B. Exit status: 0 with
/// results, 1 when nothing matched, 2 on an error.
#[derive(Debug, Parser)]
#[command(
    name = "kz",
    version,
    arg_required_else_help = true,
    after_help = "Examples:\n  kz who Serdyukov\n  kz quotes --by Murtazashvili\n  kz members CSTO --on 2022-01-07\n  kz timeline Tokayev --since 2022\n  kz events -f json | jq -r '.[].title'\n  KZ_FACTS=:~/my-facts kz check\n\nEach command's reference is `kz COMMAND --help` or `man kz-COMMAND`."
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
