//! The one error type every command returns, and the exit status each kind of error gives. Only
//! `main` turns a status into a process exit.
//!
//! The status is a `match` on the error's variant, never a search of a chain of causes: every
//! I/O failure, wrapped in a serialiser's or a CSV writer's error or not, becomes
//! [`Error::Io`] where it is converted, so the rule that a closed pipe is a success lives in one
//! place ([`Error::code`]).

use crate::diag::Report;
use std::fmt;
use std::io;

/// The three statuses of the command-line contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// Success, with at least one result.
    Success,
    /// The query matched nothing.
    NoMatch,
    /// Bad usage, a bad argument, a broken fact base, or an I/O error.
    Error,
}

impl ExitCode {
    pub fn code(self) -> u8 {
        match self {
            ExitCode::Success => 0,
            ExitCode::NoMatch => 1,
            ExitCode::Error => 2,
        }
    }
}

/// Why a command did not succeed.
#[derive(Debug)]
pub enum Error {
    /// Nothing matched; the message says what was asked and why nothing answers.
    NoMatch(String),
    /// An argument that cannot be used (a bad date, a flag that does not apply).
    Usage(String),
    /// The fact base has problems; every diagnostic is listed.
    Broken(Report),
    /// The command has already written its report (`kz check` found problems).
    Reported,
    /// A snapshot turned out damaged after part of the answer was written, so the answer cannot
    /// be finished from it.
    Damaged(String),
    /// Reading or writing failed.
    Io(IoError),
}

/// An I/O failure: what kz was doing, and the error with its kind kept for [`Error::code`].
#[derive(Debug)]
pub struct IoError {
    pub kind: io::ErrorKind,
    error: anyhow::Error,
}

impl Error {
    /// An I/O failure while doing `what` (`cannot write /tmp/site/index.html`).
    pub fn io(error: io::Error, what: impl fmt::Display) -> Error {
        Error::Io(IoError {
            kind: error.kind(),
            error: anyhow::Error::new(error).context(what.to_string()),
        })
    }

    /// The exit status: a write to a closed pipe (`kz quotes | head -1`) is a success.
    pub fn code(&self) -> ExitCode {
        match self {
            Error::Io(e) if e.kind == io::ErrorKind::BrokenPipe => ExitCode::Success,
            Error::NoMatch(_) => ExitCode::NoMatch,
            Error::Usage(_)
            | Error::Broken(_)
            | Error::Reported
            | Error::Damaged(_)
            | Error::Io(_) => ExitCode::Error,
        }
    }

    /// Whether the error is a write to a closed pipe, which ends kz quietly.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Io(e) if e.kind == io::ErrorKind::BrokenPipe)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NoMatch(m) | Error::Usage(m) | Error::Damaged(m) => f.write_str(m),
            Error::Broken(report) => write!(
                f,
                "the fact base has {}; fix {} (see `kz check`)",
                report.summary(),
                if report.total == 1 { "it" } else { "them" }
            ),
            Error::Reported => f.write_str("problems reported above"),
            Error::Io(e) => write!(f, "{:#}", e.error),
        }
    }
}

impl std::error::Error for Error {}

impl From<io::Error> for Error {
    /// A bare I/O error reaching a command is a failed write of its output: fact files are read
    /// into diagnostics, and other reads say what they read.
    fn from(error: io::Error) -> Error {
        Error::io(error, "cannot write output")
    }
}

impl From<serde_json::Error> for Error {
    /// A JSON writer's error is an I/O error when a write failed under it.
    fn from(error: serde_json::Error) -> Error {
        match error.io_error_kind() {
            Some(_) => io::Error::from(error).into(),
            None => Error::Usage(format!("cannot write JSON: {error}")),
        }
    }
}

impl From<csv::Error> for Error {
    /// A CSV writer's error is an I/O error when a write failed under it.
    fn from(error: csv::Error) -> Error {
        match error.into_kind() {
            csv::ErrorKind::Io(e) => e.into(),
            other => Error::Usage(format!("cannot write CSV: {other:?}")),
        }
    }
}

impl From<crate::query::Miss> for Error {
    /// A question with no answer exits 1, with the reason (and any candidates) on stderr.
    fn from(miss: crate::query::Miss) -> Error {
        Error::NoMatch(miss.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses() {
        let pipe = || io::Error::from(io::ErrorKind::BrokenPipe);
        let json_pipe = || -> serde_json::Error {
            struct Closed;
            impl io::Write for Closed {
                fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                    Err(io::Error::from(io::ErrorKind::BrokenPipe))
                }
                fn flush(&mut self) -> io::Result<()> {
                    Ok(())
                }
            }
            serde_json::to_writer(Closed, &[1, 2, 3]).unwrap_err()
        };
        let csv_pipe = || -> csv::Error { csv::Error::from(pipe()) };
        let cases: Vec<(Error, u8)> = vec![
            (Error::NoMatch("x".into()), 1),
            (Error::Usage("x".into()), 2),
            (Error::Broken(Report::new(vec![], 0)), 2),
            (Error::Reported, 2),
            (Error::Damaged("x".into()), 2),
            (pipe().into(), 0),
            (Error::io(pipe(), "writing"), 0),
            (json_pipe().into(), 0),
            (csv_pipe().into(), 0),
            (io::Error::from(io::ErrorKind::StorageFull).into(), 2),
        ];
        for (err, want) in cases {
            assert_eq!(err.code().code(), want, "{err}");
        }
    }

    #[test]
    fn io_errors_say_what_failed() {
        let err = Error::io(
            io::Error::from(io::ErrorKind::PermissionDenied),
            "cannot write /x",
        );
        assert_eq!(err.to_string(), "cannot write /x: permission denied");
    }
}
