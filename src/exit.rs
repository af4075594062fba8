//! Exit statuses and the failures that choose them. Only `main` turns these into a process exit.

use crate::diag::Report;
use std::fmt;

/// The three statuses of SPEC.md.
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

/// A failure that is not a plain I/O error: each knows its exit status.
#[derive(Debug)]
pub enum Failure {
    /// Nothing matched; the message says what was asked.
    NoMatch(String),
    /// An argument that cannot be used (a bad date, an unknown id).
    Usage(String),
    /// The fact base has problems; every diagnostic is listed.
    Broken(Report),
    /// The command has already written its report (e.g. `kz check` found problems).
    Reported,
}

impl Failure {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Failure::NoMatch(_) => ExitCode::NoMatch,
            Failure::Usage(_) | Failure::Broken(_) | Failure::Reported => ExitCode::Error,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::NoMatch(m) | Failure::Usage(m) => f.write_str(m),
            Failure::Broken(report) => write!(
                f,
                "the fact base has {}; fix {} (see `kz check`)",
                report.summary(),
                if report.total == 1 { "it" } else { "them" }
            ),
            Failure::Reported => f.write_str("problems reported above"),
        }
    }
}

impl std::error::Error for Failure {}

impl From<crate::query::Miss> for Failure {
    /// A question with no answer exits 1, with the reason (and any candidates) on stderr.
    fn from(miss: crate::query::Miss) -> Failure {
        Failure::NoMatch(miss.to_string())
    }
}

/// The exit status for any error `run` returns. A closed pipe is a success.
pub fn classify(err: &anyhow::Error) -> ExitCode {
    if is_broken_pipe(err) {
        return ExitCode::Success;
    }
    match err.downcast_ref::<Failure>() {
        Some(f) => f.exit_code(),
        None if err.downcast_ref::<crate::query::Miss>().is_some() => ExitCode::NoMatch,
        None => ExitCode::Error,
    }
}

/// Whether the error is, at bottom, a write to a closed pipe.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses() {
        let cases: Vec<(anyhow::Error, u8)> = vec![
            (Failure::NoMatch("x".into()).into(), 1),
            (Failure::Usage("x".into()).into(), 2),
            (Failure::Broken(Report::new(vec![], 0)).into(), 2),
            (Failure::Reported.into(), 2),
            (anyhow::anyhow!("disk on fire"), 2),
            (
                std::io::Error::from(std::io::ErrorKind::BrokenPipe).into(),
                0,
            ),
            (
                anyhow::Error::from(std::io::Error::from(std::io::ErrorKind::BrokenPipe))
                    .context("writing"),
                0,
            ),
            (
                std::io::Error::from(std::io::ErrorKind::StorageFull).into(),
                2,
            ),
        ];
        for (err, want) in cases {
            assert_eq!(classify(&err).code(), want, "{err:#}");
        }
    }
}
