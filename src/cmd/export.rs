//! `kz export`: the whole base for other engines: records as JSON lines, statements (a table of
//! every statement with its source), RDF N-Triples, or N-Quads with a named graph per source.

use super::{Cx, Run};
use crate::model::{Base, view};
use crate::render::{Format, Rows, Value};
use crate::write::rdf::{Triples, is_iri};
use crate::query::cite::Cited;
use crate::write::statements;
use std::sync::{Arc, OnceLock};

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
/// --to jsonl writes one self-contained object per record: record (its kind), its fields as the
/// fact file names them, references as ids, source, and the file and line it came from. This is
/// the one JSON shape of a record, which who, why and the site use too. It loads straight into
/// DuckDB (read_json_auto), SQLite or jq.
///
/// --to ntriples writes RDF N-Triples, which any triple store (Oxigraph, Jena, GraphDB) loads and
/// SPARQL queries. Records are named <urn:kz:ID>, or --base followed by the id. The vocabulary
/// reuses standard terms. Below, schema: is http://schema.org/, foaf: is
/// http://xmlns.com/foaf/0.1/, prov: is http://www.w3.org/ns/prov#, pq: is
/// http://www.wikidata.org/prop/qualifier/, and kz: is urn:kz:vocab:.
///
/// Types: schema:Person and foaf:Person, schema:Organization and foaf:Organization, schema:Place
/// (and schema:Country), schema:Quotation, schema:Event, schema:CreativeWork (a source).
///
/// Fields: schema:identifier, schema:name (and foaf:name), schema:alternateName,
/// schema:description; nationality schema:nationality, based_in and an event's places
/// schema:location, part_of schema:containedInPlace.
///
/// A role: schema:memberOf (with an organisation) or schema:hasOccupation, to a
/// schema:OrganizationRole or schema:Role node with schema:roleName, schema:memberOf,
/// schema:location, schema:startDate and schema:endDate. A membership: member schema:memberOf
/// org, and a kz:Membership node with kz:member, kz:organisation and its dates. since and until
/// are also given with Wikidata's qualifiers pq:P580 (start time) and pq:P582 (end time).
///
/// A quote: schema:text, schema:spokenByCharacter (and schema:creator), schema:about,
/// schema:dateCreated, kz:quoteKind, kz:context. An event: schema:name, kz:date,
/// schema:startDate and schema:endDate (the days it covers), kz:involves.
///
/// Every fact: prov:wasDerivedFrom its source, kz:evidence, kz:notes. Dates are xsd:date,
/// xsd:gYearMonth or xsd:gYear when exact, and otherwise the Library of Congress EDTF datatype
/// <http://id.loc.gov/datatypes/edtf/EDTF>.
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
            ExportFormat::Jsonl => base.each(|_, rec| {
                crate::render::json_line(cx.out, &view::json_of(base, rec))
            })?,
            ExportFormat::Ntriples => {
                let mut nt = Triples::new(&mut *cx.out, &self.base);
                base.each(|_, rec| nt.record(base, rec))?
            }
            ExportFormat::Nquads => {
                let mut nq = Triples::new(&mut *cx.out, &self.base);
                base.each(|r, rec| nq.quads(base, r, rec))?
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
    // Each source's text as the check read it, folded and cut into sentences on first use.
    let texts: Vec<Option<Arc<str>>> = (0..base.sources.len() as u32)
        .map(|s| super::site::source_text(base, s))
        .collect::<Result<_, _>>()?;
    let cited: Vec<OnceLock<Option<Cited>>> = texts.iter().map(|_| OnceLock::new()).collect();
    let locate = |s: u32, claim: &str, elided: bool| {
        let c = cited[s as usize]
            .get_or_init(|| texts[s as usize].as_deref().map(Cited::new))
            .as_ref()?;
        let span = c.find(claim, elided)?;
        let sentence = c.sentence_of(claim, elided).unwrap_or(span.clone());
        Some((c.text[sentence.clone()].to_string(), c.chars(&sentence), c.chars(&span)))
    };
    base.each(|r, rec| {
        let rows = statements::rows(base, r, rec, &locate);
        statement_rows(cx.out, &mut style, table, rows)
    })
}

/// Writes one record's statement rows: JSON lines, or CSV/TSV with the header once.
fn statement_rows(
    out: &mut dyn std::io::Write,
    style: &mut crate::render::Style,
    table: bool,
    rows: Vec<statements::Row>,
) -> Result<(), crate::Error> {
    if !table {
        for row in rows {
            crate::render::json_line(out, &row)?;
        }
        return Ok(());
    }
    let mut cells = Rows::new(&statements::COLUMNS);
    for row in rows {
        let row = row.cells().map(|c| match c.is_empty() {
            true => Value::Null,
            false => Value::Text(c),
        });
        cells.push(row.to_vec(), Vec::new());
    }
    if !cells.is_empty() {
        crate::render::rows(out, &cells, style)?;
        style.header = false;
    }
    Ok(())
}
