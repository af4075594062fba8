//! `kz man`: the manual page.

use crate::cli::Cli;
use crate::config::Ctx;
use clap::CommandFactory;
use std::io::Write;

/// Print kz's manual page (roff), for `man`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  kz man | man -l -\n  kz man > ~/.local/share/man/man1/kz.1")]
pub struct Args {}

pub fn run(_args: &Args, _ctx: &Ctx, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut buf)?;
    for sub in Cli::command()
        .get_subcommands()
        .filter(|s| s.get_name() != "help")
    {
        let name = format!("kz-{}", sub.get_name());
        let page = sub
            .clone()
            .name(name.clone())
            .bin_name(format!("kz {}", sub.get_name()));
        buf.extend_from_slice(b".bp\n");
        clap_mangen::Man::new(page).title(name).render(&mut buf)?;
    }
    out.write_all(&buf)?;
    Ok(())
}
