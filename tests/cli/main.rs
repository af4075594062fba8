//! Integration tests: the real `kz` binary against the shipped base and small fixture bases.

mod support;

mod analyst;
mod browser;
mod cache;
mod check;
mod consistency;
mod draft;
mod ecosystem;
mod engines;
mod equivalence;
mod facts;
mod fastpath;
mod formats;
mod generate;
mod hostile;
mod inert;
mod layers;
mod picture_cost;
mod pictures;
mod pins;
mod pipes;
mod property;
mod query;
mod readme;
mod round3;
mod schema;
mod site;
mod site_writes;
mod snapshot;
mod trust;
mod who;
