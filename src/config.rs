//! The resolved context of a run: where facts come from and how output is drawn, built once
//! from flags, environment and terminal before any work starts.

use crate::cache::{self, Cache};
use crate::check;
use crate::cli::{ColorChoice, Global};
use crate::diag::{Diagnostic, Report};
use crate::exit::Failure;
use crate::load::{self, FactFile};
use crate::model::Base;
use crate::render::{Format, Style};
use std::io::IsTerminal;
use std::path::PathBuf;

/// Where the fact files come from, in SPEC.md's order of precedence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FactsFrom {
    /// `--facts`, repeated.
    Flags(Vec<PathBuf>),
    /// `KZ_FACTS`, split like `PATH`.
    Env(Vec<PathBuf>),
    /// `facts/` compiled into the binary.
    Builtin,
}

#[derive(Debug, Clone)]
pub struct Ctx {
    pub style: Style,
    /// Whether `-f` was given, for commands whose default is not a data format.
    pub format_given: bool,
    /// `--no-cache`: always parse, never read or write a snapshot.
    pub no_cache: bool,
    pub facts: FactsFrom,
    /// A freshly checked base to snapshot once the command's output is written.
    pending: std::cell::RefCell<Option<(Cache, cache::Key, &'static Base)>>,
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
            FactsFrom::Flags(global.facts.clone())
        } else if let Some(paths) = env("KZ_FACTS") {
            FactsFrom::Env(
                std::env::split_paths(&paths)
                    .filter(|p| !p.as_os_str().is_empty())
                    .collect(),
            )
        } else {
            FactsFrom::Builtin
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
            pending: std::cell::RefCell::new(None),
        }
    }

    /// Loads and checks the base, or returns every problem in it. An unchanged clean base is
    /// read from the snapshot cache instead of being parsed again.
    ///
    /// The base lives until the process exits, which frees it far faster than dropping a
    /// hundred thousand records one by one.
    pub fn load(&self) -> Result<&'static Base, Report> {
        let cache = Cache::open(self.no_cache);
        let (key, files) = match &self.facts {
            FactsFrom::Flags(paths) | FactsFrom::Env(paths) => {
                let (list, problems) = load::list_paths(paths);
                let key = cache
                    .as_ref()
                    .filter(|_| problems.is_empty())
                    .and_then(|_| cache::key_for_files(&list));
                (key, Inputs::Disk(list, problems))
            }
            FactsFrom::Builtin => {
                let key = cache
                    .as_ref()
                    .map(|_| cache::key_for_builtin(load::builtin_sources()));
                (key, Inputs::Builtin)
            }
        };
        if let (Some(cache), Some(key)) = (&cache, key)
            && let Some(base) = cache.load(key)
        {
            return Ok(Box::leak(Box::new(base)));
        }
        let read = match files {
            Inputs::Disk(list, mut problems) => {
                let (files, read_problems) = load::read_files(list);
                problems.extend(read_problems);
                (files, problems)
            }
            Inputs::Builtin => (load::builtin_files(), Vec::new()),
        };
        let base: &'static Base = Box::leak(Box::new(load_base(read)?));
        if let (Some(cache), Some(key)) = (cache, key) {
            *self.pending.borrow_mut() = Some((cache, key, base));
        }
        Ok(base)
    }

    /// Loads the base for a query: any problem in it fails the query.
    pub fn base(&self) -> Result<&'static Base, Failure> {
        self.load().map_err(Failure::Broken)
    }

    /// Stores the snapshot of a base this run parsed. It runs after the command's output is
    /// written, so the first run's answer does not wait for it.
    pub fn finish(&self) {
        if let Some((cache, key, base)) = self.pending.borrow_mut().take() {
            cache.store(key, base);
        }
    }
}

/// The fact files to read: listed on disk (with any problem listing them), or built in.
enum Inputs {
    Disk(Vec<std::path::PathBuf>, Vec<Diagnostic>),
    Builtin,
}

/// Parses and checks files read with their read problems; every problem is reported, sorted.
pub fn load_base((files, read_problems): (Vec<FactFile>, Vec<Diagnostic>)) -> Result<Base, Report> {
    let raw = load::parse(files);
    match check::build(raw) {
        Ok(base) if read_problems.is_empty() => Ok(base),
        Ok(_) => Err(Report::new(read_problems, 0)),
        Err(report) => Err(report.merge(read_problems)),
    }
}
