//! `kz export`: the whole base for other engines, as JSON lines or RDF N-Triples.

use super::{Cx, Run};
use crate::date::{Date, Precision};
use crate::model::view;
use crate::model::{Base, EntityRef, Kind, QuoteKind, Term, Text};
use std::io::Write;

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
    fn run(&self, cx: &mut Cx<'_>) -> anyhow::Result<()> {
        if self.to == ExportFormat::Ntriples && !is_iri(&self.base) {
            return Err(crate::exit::Failure::Usage(format!(
                "--base '{}' is not an absolute IRI (like urn:kz: or https://example.org/kz/)",
                self.base
            ))
            .into());
        }
        let base = cx.base()?;
        match self.to {
            ExportFormat::Jsonl => {
                for r in base.all() {
                    crate::render::json_line(cx.out, &view::json(base, r))?;
                }
            }
            ExportFormat::Ntriples => {
                let mut nt = Triples {
                    out: &mut *cx.out,
                    base: &self.base,
                    blank: 0,
                };
                for r in base.all() {
                    nt.record(base, r)?;
                }
            }
        }
        Ok(())
    }
}

const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
const XSD: &str = "http://www.w3.org/2001/XMLSchema#";
const SCHEMA: &str = "http://schema.org/";
const FOAF: &str = "http://xmlns.com/foaf/0.1/";
const PROV: &str = "http://www.w3.org/ns/prov#";
const EDTF: &str = "http://id.loc.gov/datatypes/edtf/EDTF";
/// Wikidata's qualifier properties: P580 start time, P582 end time.
const PQ: &str = "http://www.wikidata.org/prop/qualifier/";
/// kz's own terms, for what the other vocabularies lack.
pub const KZ: &str = "urn:kz:vocab:";

/// `rdf:type`.
fn rdf_type() -> String {
    format!("{RDF}type")
}

/// `schema:name`.
fn name() -> String {
    format!("{SCHEMA}name")
}

/// A schema.org type as an object.
fn ty(t: &str) -> Object<'static> {
    Object::Node(format!("<{SCHEMA}{t}>"))
}

/// Whether `s` is an absolute IRI kz can write between `<>`.
fn is_iri(s: &str) -> bool {
    let scheme = s.split_once(':').map(|(scheme, _)| scheme);
    scheme.is_some_and(|sc| {
        !sc.is_empty()
            && sc.starts_with(|c: char| c.is_ascii_alphabetic())
            && sc
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    }) && !s
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || "<>\"{}|^`\\".contains(c))
}

/// An N-Triples string literal's body: `\`, `"`, line breaks and other controls escaped.
fn literal(text: &str) -> String {
    let escaped = crate::text::replace_chars(text, |c| {
        Some(std::borrow::Cow::Borrowed(match c {
            '\\' => "\\\\",
            '"' => "\\\"",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            c if crate::text::is_unsafe_control(c) => {
                return Some(format!("\\u{:04X}", c as u32).into());
            }
            _ => return None,
        }))
    });
    escaped.into_owned()
}

/// An object of a triple.
enum Object<'a> {
    Node(String),
    Literal(&'a str),
    Typed(&'a str, &'a str),
}

struct Triples<'a> {
    out: &'a mut dyn Write,
    base: &'a str,
    blank: usize,
}

impl Triples<'_> {
    fn iri(&self, r_id: &str) -> String {
        format!("<{}{}>", self.base, r_id)
    }

    fn triple(&mut self, s: &str, p: &str, o: Object) -> std::io::Result<()> {
        match o {
            Object::Node(n) => writeln!(self.out, "{s} <{p}> {n} ."),
            Object::Literal(l) => writeln!(self.out, "{s} <{p}> \"{}\" .", literal(l)),
            Object::Typed(l, t) => writeln!(self.out, "{s} <{p}> \"{}\"^^<{t}> .", literal(l)),
        }
    }

    fn text(&mut self, s: &str, p: &str, t: Option<&Text>) -> std::io::Result<()> {
        match t {
            Some(t) => self.triple(s, p, Object::Literal(t)),
            None => Ok(()),
        }
    }

    /// A date as the most precise xsd type that says it exactly, else as EDTF.
    fn date(&mut self, s: &str, p: &str, d: Option<&Date>) -> std::io::Result<()> {
        let Some(d) = d else { return Ok(()) };
        let plain = !d.is_uncertain() && !d.is_approximate() && !d.as_str().contains('/');
        let datatype = match d.precision() {
            Precision::Day if plain => format!("{XSD}date"),
            Precision::Month if plain => format!("{XSD}gYearMonth"),
            Precision::Year if plain => format!("{XSD}gYear"),
            _ => EDTF.to_string(),
        };
        self.triple(s, p, Object::Typed(d.as_str(), &datatype))
    }

    fn node(&mut self) -> String {
        self.blank += 1;
        format!("_:b{}", self.blank)
    }

    /// The provenance of a record or a qualified statement: its sources and evidence.
    fn cited(
        &mut self,
        s: &str,
        sources: &[u32],
        evidence: Option<&Text>,
        base: &Base,
    ) -> std::io::Result<()> {
        for id in base.source_ids(sources) {
            let o = self.iri(id);
            self.triple(s, &format!("{PROV}wasDerivedFrom"), Object::Node(o))?;
        }
        self.text(s, &format!("{KZ}evidence"), evidence)
    }

    /// A role's or membership's term on its statement node: Wikidata's start and end time
    /// qualifiers, and its provenance.
    fn term(&mut self, node: &str, term: &Term, base: &Base) -> std::io::Result<()> {
        self.date(node, &format!("{PQ}P580"), term.since.as_ref())?;
        self.date(node, &format!("{PQ}P582"), term.until.as_ref())?;
        self.cited(node, &term.sources, term.evidence.as_ref(), base)
    }

    fn record(&mut self, base: &Base, r: EntityRef) -> std::io::Result<()> {
        let s = &self.iri(base.id(r));
        let i = r.idx as usize;
        self.triple(
            s,
            &format!("{SCHEMA}identifier"),
            Object::Literal(base.id(r)),
        )?;
        match r.kind {
            Kind::Source => self.source(base, s, i)?,
            Kind::Actor => self.actor(base, s, i)?,
            Kind::Organisation => self.organisation(base, s, i)?,
            Kind::Place => self.place(base, s, i)?,
            Kind::Quote => self.quote(base, s, i)?,
            Kind::Event => self.event(base, s, i)?,
        }
        if let Some(meta) = base.meta(r) {
            self.cited(s, &meta.sources, meta.evidence.as_ref(), base)?;
            self.text(s, &format!("{KZ}notes"), meta.notes.as_ref())?;
        }
        Ok(())
    }

    /// A source: a schema.org creative work.
    fn source(&mut self, base: &Base, s: &str, i: usize) -> std::io::Result<()> {
        let src = &base.sources[i];
        self.triple(s, &rdf_type(), ty("CreativeWork"))?;
        self.triple(s, &name(), Object::Literal(&src.title))?;
        self.text(s, &format!("{SCHEMA}publisher"), src.publisher.as_ref())?;
        self.date(
            s,
            &format!("{SCHEMA}datePublished"),
            src.published.as_ref(),
        )?;
        if let Some(url) = &src.url {
            if is_iri(url) {
                self.triple(
                    s,
                    &format!("{SCHEMA}url"),
                    Object::Node(format!("<{url}>")),
                )?;
            } else {
                self.triple(s, &format!("{SCHEMA}url"), Object::Literal(url))?;
            }
        }
        self.text(s, &format!("{KZ}notes"), src.notes.as_ref())?;
        Ok(())
    }

    /// A person, with each role as a schema.org Role node.
    fn actor(&mut self, base: &Base, s: &str, i: usize) -> std::io::Result<()> {
        let a = &base.actors[i];
        self.triple(s, &rdf_type(), ty("Person"))?;
        self.triple(s, &rdf_type(), Object::Node(format!("<{FOAF}Person>")))?;
        self.triple(s, &name(), Object::Literal(&a.name))?;
        self.triple(s, &format!("{FOAF}name"), Object::Literal(&a.name))?;
        for alias in &a.aliases {
            self.triple(
                s,
                &format!("{SCHEMA}alternateName"),
                Object::Literal(alias),
            )?;
        }
        self.triple(
            s,
            &format!("{SCHEMA}description"),
            Object::Literal(&a.description),
        )?;
        if let Some(n) = a.nationality {
            let o = self.iri(base.id(EntityRef::place(n)));
            self.triple(s, &format!("{SCHEMA}nationality"), Object::Node(o))?;
        }
        for role in &a.roles {
            // schema.org's Role pattern: person → role → organisation or place.
            let node = self.node();
            let (link, kind) = if role.org.is_some() {
                ("memberOf", "OrganizationRole")
            } else {
                ("hasOccupation", "Role")
            };
            self.triple(s, &format!("{SCHEMA}{link}"), Object::Node(node.clone()))?;
            self.triple(&node, &rdf_type(), ty(kind))?;
            self.triple(
                &node,
                &format!("{SCHEMA}roleName"),
                Object::Literal(&role.title),
            )?;
            if let Some(o) = role.org {
                let o = self.iri(base.id(EntityRef::org(o)));
                self.triple(&node, &format!("{SCHEMA}memberOf"), Object::Node(o))?;
            }
            if let Some(p) = role.place {
                let p = self.iri(base.id(EntityRef::place(p)));
                self.triple(&node, &format!("{SCHEMA}location"), Object::Node(p))?;
            }
            self.date(&node, &format!("{SCHEMA}startDate"), role.term.since.as_ref())?;
            self.date(&node, &format!("{SCHEMA}endDate"), role.term.until.as_ref())?;
            self.term(&node, &role.term, base)?;
        }
        Ok(())
    }

    /// An organisation, with each membership as a plain fact and a qualified statement.
    fn organisation(&mut self, base: &Base, s: &str, i: usize) -> std::io::Result<()> {
        let o = &base.organisations[i];
        self.triple(s, &rdf_type(), ty("Organization"))?;
        self.triple(s, &rdf_type(), Object::Node(format!("<{FOAF}Organization>")))?;
        self.triple(s, &name(), Object::Literal(&o.name))?;
        self.triple(s, &format!("{FOAF}name"), Object::Literal(&o.name))?;
        for alias in &o.aliases {
            self.triple(
                s,
                &format!("{SCHEMA}alternateName"),
                Object::Literal(alias),
            )?;
        }
        self.triple(s, &format!("{KZ}kind"), Object::Literal(&o.kind))?;
        self.text(s, &format!("{SCHEMA}description"), o.description.as_ref())?;
        self.date(s, &format!("{SCHEMA}foundingDate"), o.founded.as_ref())?;
        if let Some(p) = o.based_in {
            let p = self.iri(base.id(EntityRef::place(p)));
            self.triple(s, &format!("{SCHEMA}location"), Object::Node(p))?;
        }
        for m in &o.members {
            let member = self.iri(base.id(m.member));
            // The plain fact, then a statement that qualifies it, as Wikidata does.
            self.triple(
                &member,
                &format!("{SCHEMA}memberOf"),
                Object::Node(s.to_string()),
            )?;
            let node = self.node();
            self.triple(&node, &rdf_type(), Object::Node(format!("<{KZ}Membership>")))?;
            self.triple(&node, &format!("{KZ}member"), Object::Node(member))?;
            self.triple(&node, &format!("{KZ}organisation"), Object::Node(s.to_string()))?;
            self.term(&node, &m.term, base)?;
        }
        Ok(())
    }

    /// A place.
    fn place(&mut self, base: &Base, s: &str, i: usize) -> std::io::Result<()> {
        let p = &base.places[i];
        self.triple(s, &rdf_type(), ty("Place"))?;
        if p.kind.as_str() == "country" {
            self.triple(s, &rdf_type(), ty("Country"))?;
        }
        self.triple(s, &name(), Object::Literal(&p.name))?;
        for alias in &p.aliases {
            self.triple(
                s,
                &format!("{SCHEMA}alternateName"),
                Object::Literal(alias),
            )?;
        }
        self.triple(s, &format!("{KZ}kind"), Object::Literal(&p.kind))?;
        self.text(s, &format!("{SCHEMA}description"), p.description.as_ref())?;
        if let Some(parent) = p.part_of {
            let o = self.iri(base.id(EntityRef::place(parent)));
            self.triple(s, &format!("{SCHEMA}containedInPlace"), Object::Node(o))?;
        }
        Ok(())
    }

    /// A quote: a schema.org quotation.
    fn quote(&mut self, base: &Base, s: &str, i: usize) -> std::io::Result<()> {
        let q = &base.quotes[i];
        self.triple(s, &rdf_type(), ty("Quotation"))?;
        self.triple(s, &format!("{SCHEMA}text"), Object::Literal(&q.text))?;
        let speaker = self.iri(base.id(q.speaker));
        self.triple(
            s,
            &format!("{SCHEMA}spokenByCharacter"),
            Object::Node(speaker.clone()),
        )?;
        self.triple(s, &format!("{SCHEMA}creator"), Object::Node(speaker))?;
        let kind = if q.kind == QuoteKind::Direct {
            "direct"
        } else {
            "reported"
        };
        self.triple(s, &format!("{KZ}quoteKind"), Object::Literal(kind))?;
        self.date(s, &format!("{SCHEMA}dateCreated"), q.said.as_ref())?;
        self.text(s, &format!("{KZ}context"), q.context.as_ref())?;
        for &about in &q.about {
            let o = self.iri(base.id(about));
            self.triple(s, &format!("{SCHEMA}about"), Object::Node(o))?;
        }
        Ok(())
    }

    /// An event, with its date as written and as its first and last day.
    fn event(&mut self, base: &Base, s: &str, i: usize) -> std::io::Result<()> {
        let e = &base.events[i];
        self.triple(s, &rdf_type(), ty("Event"))?;
        self.triple(s, &name(), Object::Literal(&e.title))?;
        self.text(s, &format!("{SCHEMA}description"), e.description.as_ref())?;
        self.date(s, &format!("{KZ}date"), Some(&e.date))?;
        if let (Some(start), Some(end)) = (e.date.start(), e.date.end()) {
            let (start, end) = (start.to_string(), end.to_string());
            self.triple(
                s,
                &format!("{SCHEMA}startDate"),
                Object::Typed(&start, &format!("{XSD}date")),
            )?;
            self.triple(
                s,
                &format!("{SCHEMA}endDate"),
                Object::Typed(&end, &format!("{XSD}date")),
            )?;
        }
        for &p in &e.places {
            let o = self.iri(base.id(EntityRef::place(p)));
            self.triple(s, &format!("{SCHEMA}location"), Object::Node(o))?;
        }
        for &who in &e.involving {
            let o = self.iri(base.id(who));
            self.triple(s, &format!("{KZ}involves"), Object::Node(o))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_and_iris() {
        let cases = [
            ("plain", "plain"),
            ("say \"hi\"", "say \\\"hi\\\""),
            ("back\\slash", "back\\\\slash"),
            ("two\nlines\r", "two\\nlines\\r"),
            ("bell\u{7}", "bell\\u0007"),
            ("Тоқаев", "Тоқаев"),
        ];
        crate::testing::table(&cases, literal);
        for good in ["urn:kz:", "https://example.org/kz/", "http://x.y/a#"] {
            assert!(is_iri(good), "{good}");
        }
        for bad in [
            "",
            "kz",
            "no scheme",
            "https://x y",
            "https://x/<a>",
            ":x",
            "1http://x",
        ] {
            assert!(!is_iri(bad), "{bad}");
        }
    }
}
