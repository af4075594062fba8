//! One module per subcommand, each holding its arguments and its `run`.

pub mod actors;
pub mod check;
pub mod completions;
pub mod events;
pub mod export;
pub mod graph;
pub mod man;
pub mod members;
pub mod on;
pub mod orgs;
pub mod places;
pub mod quotes;
pub mod schema;
pub mod search;
pub mod sources;
pub mod who;
pub mod why;

use crate::cli::{Cli, Command};
use crate::config::Ctx;
use std::io::Write;

/// Runs the chosen command, writing its results to `out`.
pub fn dispatch(cli: &Cli, out: &mut dyn Write) -> anyhow::Result<()> {
    let ctx = Ctx::new(&cli.global);
    let result = run(cli, &ctx, out).and_then(|()| Ok(out.flush()?));
    // Even a query that failed (exit 1) has a sound base worth keeping.
    if result
        .as_ref()
        .err()
        .is_none_or(|e| e.downcast_ref::<crate::exit::Failure>().is_some())
    {
        ctx.finish();
    }
    result
}

fn run(cli: &Cli, ctx: &Ctx, out: &mut dyn Write) -> anyhow::Result<()> {
    match &cli.command {
        Command::Who(args) => who::run(args, ctx, out),
        Command::Actors(args) => actors::run(args, ctx, out),
        Command::Orgs(args) => orgs::run(args, ctx, out),
        Command::Members(args) => members::run(args, ctx, out),
        Command::Places(args) => places::run(args, ctx, out),
        Command::Quotes(args) => quotes::run(args, ctx, out),
        Command::Events(args) => events::run(args, ctx, out),
        Command::On(args) => on::run(args, ctx, out),
        Command::Search(args) => search::run(args, ctx, out),
        Command::Sources(args) => sources::run(args, ctx, out),
        Command::Why(args) => why::run(args, ctx, out),
        Command::Check(args) => check::run(args, ctx, out),
        Command::Graph(args) => graph::run(args, ctx, out),
        Command::Export(args) => export::run(args, ctx, out),
        Command::Schema(args) => schema::run(args, ctx, out),
        Command::Completions(args) => completions::run(args, ctx, out),
        Command::Man(args) => man::run(args, ctx, out),
    }
}
