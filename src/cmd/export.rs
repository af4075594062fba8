//! `kz export`: the whole base for other engines, as JSON lines or RDF N-Triples.

use super::{Cx, Run};
use crate::model::view;
use crate::write::rdf::{Triples, is_iri};

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// One JSON object per record, with its kind: for DuckDB, SQLite, jq
    Jsonl,
    /// RDF N-Triples with schema.org, FOAF, PROV and Wikidata-style qualifiers: for Oxigraph,
    /// Jena or any triple store
    Ntriples,
}

/// Export the whole base, every record and relation, for another engine.
///
/// N-Triples name records `<BASE + id>` and use schema.org for types and properties, FOAF for
/// names, PROV for the source of every fact, the Library of Congress EDTF datatype for dates
/// that xsd cannot say, and Wikidata's qualifier properties for the start and end of roles and
/// memberships. The README documents the vocabulary and a SPARQL example.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kz export --to jsonl > base.jsonl\n  kz export --to ntriples > base.nt\n  kz export --to ntriples --base https://example.org/kz/"
)]
pub struct Args {
    /// The format
    #[arg(long, value_enum)]
    pub to: ExportFormat,
    /// The IRI that record ids are appended to, in N-Triples
    #[arg(long, value_name = "IRI", default_value = "urn:kz:")]
    pub base: String,
}

impl Run for Args {
    fn formats(&self) -> super::Formats {
        super::Formats::None("it writes with --to")
    }

    fn run(&self, cx: &mut Cx<'_>) -> Result<(), crate::Error> {
        if self.to == ExportFormat::Ntriples && !is_iri(&self.base) {
            return Err(crate::Error::Usage(format!(
                "--base '{}' is not an absolute IRI (like urn:kz: or https://example.org/kz/)",
                self.base
            )));
        }
        let base = cx.base()?;
        match self.to {
            ExportFormat::Jsonl => {
                for r in base.all() {
                    serde_json::to_writer(&mut *cx.out, &view::json(base, r))?;
                    cx.out.write_all(b"\n")?;
                }
            }
            ExportFormat::Ntriples => {
                let mut nt = Triples::new(&mut *cx.out, &self.base);
                for r in base.all() {
                    nt.record(base, r)?;
                }
            }
        }
        Ok(())
    }
}

