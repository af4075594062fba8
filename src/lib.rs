//! kz: a command-line knowledge query tool over YAML fact files about the January 2022 unrest in
//! Kazakhstan and the CSTO deployment.

pub mod check;
pub mod cli;
pub mod cmd;
pub mod context;
pub mod date;
pub mod diag;
pub mod draft;
pub mod error;
pub mod handoff;
pub mod load;
pub mod markup;
pub mod model;
pub mod names;
pub mod open;
pub mod picture;
pub mod query;
pub mod render;
pub mod sentences;
pub mod site;
pub mod store;
#[cfg(test)]
mod testing;
pub mod text;
pub mod write;

pub use error::Error;

use error::ExitCode;
use std::io::{BufWriter, Write};

/// Runs a parsed command line to completion and returns the process's exit status. The answer,
/// or the error, is written first; a snapshot still to store is stored after (see [`store`]).
pub fn run(cli: cli::Cli) -> u8 {
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(64 * 1024, stdout.lock());
    // Fact files are read into diagnostics, so a bare I/O error here is a failed write.
    let (result, later) = cmd::dispatch(&cli.global, &cli.command, cli::app, &mut out);
    let result = result.and_then(|()| out.flush().map_err(Error::from));
    drop(out);
    if std::env::var_os("KZ_MEMORY_STATS").is_some_and(|v| v == "1") {
        memory_stats();
    }
    let code = match result {
        Ok(()) => ExitCode::Success.code(),
        Err(err) => {
            report(&err);
            err.code().code()
        }
    };
    if let Some(later) = later {
        store::after_answer(later, code);
    }
    if handoff::is_worker() {
        // A first run's child with nothing (left) to store: a failed write, or another process
        // storing. It hands its status back, and the process the user waits for exits.
        handoff::answered(code);
        store::exit_now();
    }
    code
}

/// With `KZ_MEMORY_STATS=1`, for the benchmarks: the process's memory as it ends, on stderr.
/// Anonymous memory is what kz holds allocated at the end; file-backed memory is the snapshot
/// and the binary, mapped and shared with the page cache; the peak resident size (`VmHWM`) is
/// the most the process held at once.
fn memory_stats() {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return;
    };
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(':'))
            .map_or("?".to_string(), |v| v.trim().to_string())
    };
    eprintln!(
        "kz: memory: anonymous {}, file-backed {}, peak resident {}",
        field("RssAnon"),
        field("RssFile"),
        field("VmHWM")
    );
}

/// Writes an error to stderr as `kz: ...`, after any diagnostics it carries. A message of
/// several lines (a list of candidates) keeps its lines, each escaped.
fn report(err: &Error) {
    let mut stderr = std::io::stderr().lock();
    match err {
        Error::Reported => return,
        Error::Io(_) if err.is_broken_pipe() => return,
        Error::Broken(report) => {
            for d in &report.diagnostics {
                let _ = write!(stderr, "{d}");
            }
        }
        _ => {}
    }
    let message = err.to_string();
    for (n, line) in message.split('\n').enumerate() {
        let prefix = if n == 0 { "kz: " } else { "" };
        let _ = writeln!(stderr, "{prefix}{}", text::escape_control(line));
    }
}
