//! `kz man`: the manual pages, one for kz and one per command.

use super::{Cx, Needs, Run};
use crate::Error;
use std::path::PathBuf;

/// Print kz's manual pages (roff), or write one page per command into a folder.
///
/// Without --dir, every page is printed, one after another, for `man -l -`. With --dir, the
/// folder (created if missing) gets kz.1 and kz-COMMAND.1 for each command, so `man kz-members`
/// finds its page once the folder is on the manual path.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kz man | man -l -\n  kz man --dir ~/.local/share/man/man1"
)]
pub struct Args {
    /// Write kz.1 and one kz-COMMAND.1 per command into DIR instead of printing
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

impl Run for Args {
    fn formats(&self) -> super::Formats {
        super::Formats::None("it writes man pages")
    }

    fn needs(&self) -> Needs {
        Needs::Nothing
    }

    fn run(&self, cx: &mut Cx<'_>) -> Result<(), crate::Error> {
        let pages = pages(cx.ctx.app)?;
        match &self.dir {
            None => {
                for (i, (_, page)) in pages.iter().enumerate() {
                    if i > 0 {
                        cx.out.write_all(b".bp\n")?;
                    }
                    cx.out.write_all(page)?;
                }
            }
            Some(dir) => {
                std::fs::create_dir_all(dir)
                    .map_err(|e| Error::io(e, format!("cannot create {}", dir.display())))?;
                for (name, page) in &pages {
                    let path = dir.join(format!("{name}.1"));
                    std::fs::write(&path, page)
                        .map_err(|e| Error::io(e, format!("cannot write {}", path.display())))?;
                    writeln!(cx.out, "{}", path.display())?;
                }
            }
        }
        Ok(())
    }
}

/// Every page: `kz`, then `kz-COMMAND` for each command, each rendered on its own.
fn pages(app: fn() -> clap::Command) -> Result<Vec<(String, Vec<u8>)>, crate::Error> {
    let mut out = Vec::new();
    let mut buf = Vec::new();
    clap_mangen::Man::new(app()).render(&mut buf)?;
    out.push(("kz".to_string(), buf));
    for sub in app()
        .get_subcommands()
        .filter(|s| s.get_name() != "help")
    {
        let name = format!("kz-{}", sub.get_name());
        let page = sub
            .clone()
            .name(name.clone())
            .bin_name(format!("kz {}", sub.get_name()));
        let mut buf = Vec::new();
        clap_mangen::Man::new(page).title(name.clone()).render(&mut buf)?;
        out.push((name, buf));
    }
    Ok(out)
}
