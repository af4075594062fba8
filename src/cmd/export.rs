//! `kz export`: the whole base for other engines: records as JSON lines, statements (a table of
//! every statement with its source), RDF N-Triples, or N-Quads with a named graph per source.

use super::{Cx, Run};
use crate::model::{Base, view};
use crate::render::{Format, Rows, Value};
use crate::write::rdf::{Triples, is_iri};
use crate::write::statements;

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// One JSON object per record, with its kind: for DuckDB, SQLite, jq
    Jsonl,
    /// One row per statement and source that makes it (entity, schema, prop, value, item,
    /// source, rank, disputed, sentence, start, end, since, until): for DuckDB and Spark; JSON
    /// lines, or `-f csv` or `-f tsv`
    Statements,
    /// RDF N-Triples with schema.org, FOAF, PROV and Wikidata-style qualifiers: for Oxigraph,
    /// Jena or any triple store
    Ntriples,
    /// RDF N-Quads: each statement in the named graph of its source (`<BASE + source id>`)
    Nquads,
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
        match self.to {
            ExportFormat::Statements => super::Formats::Only(
                &[Format::Jsonl, Format::Csv, Format::Tsv],
                "statements are JSON lines, or -f csv or -f tsv",
            ),
            _ => super::Formats::None("it writes with --to"),
        }
    }

    fn run(&self, cx: &mut Cx<'_>) -> Result<(), crate::Error> {
        let rdf = matches!(self.to, ExportFormat::Ntriples | ExportFormat::Nquads);
        if rdf && !is_iri(&self.base) {
            return Err(crate::Error::Usage(format!(
                "--base '{}' is not an absolute IRI (like urn:kz: or https://example.org/kz/)",
                self.base
            )));
        }
        let base = cx.base()?;
        match self.to {
            ExportFormat::Jsonl => {
                for r in base.all() {
                    crate::render::json_line(cx.out, &view::json(base, r))?;
                }
            }
            ExportFormat::Ntriples => {
                let mut nt = Triples::new(&mut *cx.out, &self.base);
                for r in base.all() {
                    nt.record(base, r)?;
                }
            }
            ExportFormat::Nquads => {
                let mut nq = Triples::new(&mut *cx.out, &self.base);
                for r in base.all() {
                    nq.quads(base, r)?;
                }
            }
            ExportFormat::Statements => statements(cx, base)?,
        }
        Ok(())
    }
}


/// Every statement row, record by record: JSON lines, or CSV or TSV (one header), written as
/// `kz`'s other rows are.
fn statements(cx: &mut Cx<'_>, base: &Base) -> Result<(), crate::Error> {
    let mut style = cx.ctx.style;
    let table = matches!(style.format, Format::Csv | Format::Tsv) && cx.ctx.format_given;
    for r in base.all() {
        let rows = statements::rows(base, r);
        if !table {
            for row in rows {
                crate::render::json_line(cx.out, &row)?;
            }
            continue;
        }
        let mut out = Rows::new(&statements::COLUMNS);
        for row in rows {
            let cells = row.cells().map(|c| match c.is_empty() {
                true => Value::Null,
                false => Value::Text(c),
            });
            out.push(cells.to_vec(), Vec::new());
        }
        if !out.is_empty() {
            crate::render::rows(cx.out, &out, &style)?;
            style.header = false;
        }
    }
    Ok(())
}
