//! Integration tests: the real `kz` binary against the shipped base and small fixture bases.

mod support;

mod cache;
mod check;
mod ecosystem;
mod equivalence;
mod fastpath;
mod formats;
mod hostile;
mod pipes;
mod property;
mod query;
mod readme;
mod who;
