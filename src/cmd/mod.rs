//! One module per subcommand, each holding its arguments and its `run`.

pub mod check;
pub mod who;

use crate::cli::{Cli, Command};
use crate::config::Ctx;
use std::io::Write;

/// Runs the chosen command, writing its results to `out`.
pub fn dispatch(cli: &Cli, out: &mut dyn Write) -> anyhow::Result<()> {
    let ctx = Ctx::new(&cli.global);
    match &cli.command {
        Command::Who(args) => who::run(args, &ctx, out),
        Command::Check(args) => check::run(args, &ctx, out),
    }
}
