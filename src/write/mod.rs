//! Writers of the whole base for other engines: RDF ([`rdf`]) and the statement table
//! ([`statements`]). They read records through their
//! field tables and write to any `impl Write`, streaming record by record.

pub mod rdf;
pub mod statements;
