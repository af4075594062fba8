//! The one error of the fast path, shared by the deserialiser and the scalar rules.

use serde::de;
use std::fmt;

/// A failure on the fast path. It carries nothing: the item goes to serde_yaml, which says why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Error;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("not read by the fast path")
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Error
    }
}
