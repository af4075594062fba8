//! Integration tests: the real `kz` binary against the shipped base and small fixture bases.

mod support;

mod check;
mod formats;
mod pipes;
mod query;
mod readme;
mod who;
