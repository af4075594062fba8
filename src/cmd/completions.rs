//! `kz completions SHELL`: shell completion, with people, organisations and places completed
//! by name from the base.

use super::{Cx, Needs, Run};
use crate::model::Kind;
use crate::names;
use crate::text::escape_control;
use clap_complete::engine::{ArgValueCompleter, CompletionCandidate};
use clap_complete::env::Shells;
use std::ffi::OsStr;

/// The shells kz can complete in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Elvish,
    Powershell,
}

/// Print the script that registers kz's completion with a shell.
///
/// Commands and flags complete, and so do names: `kz who Serd<TAB>` offers Serdyukov. Names come
/// from the base in KZ_FACTS, or the built-in one.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  echo 'source <(kz completions bash)' >> ~/.bashrc\n  kz completions fish > ~/.config/fish/completions/kz.fish\n  echo 'source <(kz completions zsh)' >> ~/.zshrc"
)]
pub struct Args {
    /// The shell
    #[arg(value_enum)]
    pub shell: Shell,
}

impl Run for Args {
    fn formats(&self) -> super::Formats {
        super::Formats::None("it writes a shell script")
    }

    fn needs(&self) -> Needs {
        Needs::Nothing
    }

    fn run(&self, cx: &mut Cx<'_>) -> Result<(), crate::Error> {
        registration(self.shell, cx.out)
    }
}

fn registration(shell: Shell, out: &mut dyn std::io::Write) -> Result<(), crate::Error> {
    let name = match shell {
        Shell::Bash => "bash",
        Shell::Zsh => "zsh",
        Shell::Fish => "fish",
        Shell::Elvish => "elvish",
        Shell::Powershell => "powershell",
    };
    let shells = Shells::builtins();
    let shell = shells
        .completer(name)
        .ok_or_else(|| crate::Error::Usage(format!("no completer for {name}")))?;
    // The script calls `COMPLETE=<shell> kz -- <words>`, which `main` answers.
    shell.write_registration("COMPLETE", "kz", "kz", "kz", out)?;
    Ok(())
}

/// The completer for a name argument naming records of `kinds`.
pub fn names(kinds: &'static [Kind]) -> ArgValueCompleter {
    ArgValueCompleter::new(names_of(kinds))
}

/// Completes a name argument with the names, aliases and ids of records of `kinds` that start
/// like what was typed, ignoring case, accents and script.
pub fn names_of(
    kinds: &'static [Kind],
) -> impl Fn(&OsStr) -> Vec<CompletionCandidate> + Send + Sync + 'static {
    move |current: &OsStr| {
        let Some(current) = current.to_str() else {
            return Vec::new();
        };
        let facts = crate::context::facts(&crate::context::Global::default());
        let Ok(base) = crate::open::open(&facts, crate::open::Mode::Cached).base else {
            return Vec::new();
        };
        let typed = names::normalise(current);
        let mut out: Vec<CompletionCandidate> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for r in base.all().filter(|r| kinds.contains(&r.kind)) {
            let labels = std::iter::once(base.label(r))
                .chain(base.aliases(r).iter().map(|a| a.as_str()))
                .chain(std::iter::once(base.id(r)));
            for label in labels {
                if !names::normalise(label).starts_with(&typed) {
                    continue;
                }
                // A name with spaces would need quoting on the command line; its id does not.
                let word = if label.contains(char::is_whitespace) {
                    base.id(r)
                } else {
                    label
                };
                if seen.insert(word.to_string()) {
                    let help = format!("{} ({})", escape_control(base.label(r)), r.kind.name());
                    out.push(
                        CompletionCandidate::new(escape_control(word).into_owned())
                            .help(Some(help.into())),
                    );
                }
            }
            if out.len() >= 200 {
                break;
            }
        }
        out
    }
}
