//! The base as RDF N-Triples: records named `<BASE + id>`, schema.org for types and properties,
//! FOAF for names, PROV for the source of every fact, the Library of Congress EDTF datatype for
//! dates that xsd cannot say, and Wikidata's qualifier properties for the start and end of roles
//! and memberships. Each field's predicates come from its table line.

use crate::date::{Date, Precision};
use crate::model::fields::{self, Item, RecordRef, Shape, Value};
use crate::model::provenance;
use crate::model::{Base, EntityRef, Term};
use std::io::{self, Write};

const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const XSD: &str = "http://www.w3.org/2001/XMLSchema#";
const SCHEMA: &str = "http://schema.org/";
const PROV: &str = "http://www.w3.org/ns/prov#";
const OWL_SAME_AS: &str = "http://www.w3.org/2002/07/owl#sameAs";
const EDTF: &str = "http://id.loc.gov/datatypes/edtf/EDTF";
/// Wikidata's qualifier properties: P580 start time, P582 end time.
const PQ: &str = "http://www.wikidata.org/prop/qualifier/";
/// kz's own terms, for what the other vocabularies lack.
pub const KZ: &str = fields::rdf::KZ;

/// Whether `s` is an absolute IRI kz can write between `<>`.
pub fn is_iri(s: &str) -> bool {
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

/// Writes triples for records, each record's triples together: as N-Triples, or as N-Quads
/// with each statement in the named graph of each source that makes it ([`Triples::quads`]).
pub struct Triples<'a> {
    out: &'a mut dyn Write,
    base: &'a str,
    blank: usize,
    /// The graph the triples being written go in (N-Quads), as written between `<>`.
    graph: Option<String>,
}

impl<'a> Triples<'a> {
    /// A writer naming records under `base` (an absolute IRI: see [`is_iri`]).
    pub fn new(out: &'a mut dyn Write, base: &'a str) -> Triples<'a> {
        Triples {
            out,
            base,
            blank: 0,
            graph: None,
        }
    }

    fn iri(&self, id: &str) -> String {
        format!("<{}{}>", self.base, id)
    }

    fn triple(&mut self, s: &str, p: &str, o: Object) -> io::Result<()> {
        let g = match &self.graph {
            Some(g) => format!(" {g}"),
            None => String::new(),
        };
        match o {
            Object::Node(n) => writeln!(self.out, "{s} <{p}> {n}{g} ."),
            Object::Literal(l) => writeln!(self.out, "{s} <{p}> \"{}\"{g} .", literal(l)),
            Object::Typed(l, t) => {
                writeln!(self.out, "{s} <{p}> \"{}\"^^<{t}>{g} .", literal(l))
            }
        }
    }

    /// A date as the most precise xsd type that says it exactly, else as EDTF.
    fn date(&mut self, s: &str, p: &str, d: &Date) -> io::Result<()> {
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

    /// One item of a field under each of its predicates.
    fn item(
        &mut self,
        base: &Base,
        s: &str,
        shape: Shape,
        preds: &[&str],
        item: Item,
    ) -> io::Result<()> {
        for p in preds {
            match item {
                Item::Text(t) if shape == Shape::Url && is_iri(t) => {
                    self.triple(s, p, Object::Node(format!("<{t}>")))?
                }
                Item::Text(t) => self.triple(s, p, Object::Literal(t))?,
                Item::Date(d) => self.date(s, p, d)?,
                Item::Ref(r) => {
                    let o = self.iri(base.id(r));
                    self.triple(s, p, Object::Node(o))?
                }
                Item::Role(_) | Item::Member(_) => {}
            }
        }
        Ok(())
    }

    /// The provenance of a record or a qualified statement: its sources and evidence.
    fn cited(
        &mut self,
        s: &str,
        sources: &[u32],
        evidence: Option<&str>,
        base: &Base,
    ) -> io::Result<()> {
        for id in base.source_ids(sources) {
            let o = self.iri(id);
            self.triple(s, &format!("{PROV}wasDerivedFrom"), Object::Node(o))?;
        }
        match evidence {
            Some(e) => self.triple(s, &format!("{KZ}evidence"), Object::Literal(e)),
            None => Ok(()),
        }
    }

    /// A role's or membership's term on its statement node: Wikidata's start and end time
    /// qualifiers, and its provenance.
    fn term(&mut self, node: &str, term: &Term, base: &Base) -> io::Result<()> {
        if let Some(d) = &term.since {
            self.date(node, &format!("{PQ}P580"), d)?;
        }
        if let Some(d) = &term.until {
            self.date(node, &format!("{PQ}P582"), d)?;
        }
        self.cited(node, &term.sources, term.evidence.as_deref(), base)
    }

    /// What a record is, whatever says what of it: its identifier, its classes, and the other
    /// ids `same_as` gave it.
    fn identity(&mut self, rec: RecordRef, s: &str) -> io::Result<()> {
        self.triple(s, &format!("{SCHEMA}identifier"), Object::Literal(rec.id()))?;
        for ty in fields::rdf_types(rec.kind()) {
            self.triple(s, RDF_TYPE, Object::Node(format!("<{ty}>")))?;
        }
        if let RecordRef::Place(p) = rec
            && p.kind.as_str() == "country"
        {
            self.triple(s, RDF_TYPE, Object::Node(format!("<{SCHEMA}Country>")))?;
        }
        for other in rec.aka() {
            let o = self.iri(other);
            self.triple(s, OWL_SAME_AS, Object::Node(o))?;
        }
        Ok(())
    }

    /// Every triple of one record as N-Quads: what it is in the default graph, and each
    /// statement in the named graph of each source that makes it (`<BASE + source id>`), so a
    /// SPARQL store can ask what one report says. A role or membership is its node there, as
    /// in N-Triples, with its dates on it; an event's date brings its first and last day.
    /// Statements of deprecated declarations are in their sources' graphs too; `kz export --to
    /// statements` carries each one's rank.
    pub fn quads(&mut self, base: &Base, r: EntityRef, rec: RecordRef) -> io::Result<()> {
        let s = &self.iri(rec.id());
        self.graph = None;
        self.identity(rec, s)?;
        for st in provenance::statements(rec) {
            // A source's own facts are its own statements.
            let sources = match rec {
                RecordRef::Source(_) => vec![r.idx],
                _ => st.sources.clone(),
            };
            for source in sources {
                self.graph = Some(self.iri(&base.sources[source as usize].id));
                match st.item {
                    Item::Role(role) => self.role(base, s, role)?,
                    Item::Member(m) => self.membership(base, s, m)?,
                    item => self.item(base, s, st.field.shape, st.field.rdf, item)?,
                }
                if let (RecordRef::Event(_), Item::Date(d)) = (rec, st.item) {
                    self.days(s, d)?;
                }
            }
        }
        for d in rec.declarations() {
            let Some(evidence) = d.meta().and_then(|m| m.evidence.as_deref()) else {
                continue;
            };
            for &source in d.sources() {
                self.graph = Some(self.iri(&base.sources[source as usize].id));
                self.triple(s, &format!("{KZ}evidence"), Object::Literal(evidence))?;
            }
        }
        self.graph = None;
        Ok(())
    }

    /// An event's first and last day, as xsd dates.
    fn days(&mut self, s: &str, d: &Date) -> io::Result<()> {
        if let (Some(start), Some(end)) = (d.start(), d.end()) {
            let (start, end) = (start.to_string(), end.to_string());
            let date = format!("{XSD}date");
            self.triple(
                s,
                &format!("{SCHEMA}startDate"),
                Object::Typed(&start, &date),
            )?;
            self.triple(s, &format!("{SCHEMA}endDate"), Object::Typed(&end, &date))?;
        }
        Ok(())
    }

    /// Every triple of one record.
    pub fn record(&mut self, base: &Base, rec: RecordRef) -> io::Result<()> {
        let s = &self.iri(rec.id());
        self.identity(rec, s)?;
        for (info, value) in rec.fields() {
            match value {
                Value::Roles(roles) => {
                    for role in roles {
                        self.role(base, s, role)?;
                    }
                }
                Value::Members(ms) => {
                    for m in ms {
                        self.membership(base, s, m)?;
                    }
                }
                _ => {
                    for item in value.items() {
                        self.item(base, s, info.shape, info.rdf, item)?;
                    }
                }
            }
        }
        if let RecordRef::Event(e) = rec
            && let (Some(start), Some(end)) = (e.date.start(), e.date.end())
        {
            let (start, end) = (start.to_string(), end.to_string());
            let date = format!("{XSD}date");
            self.triple(
                s,
                &format!("{SCHEMA}startDate"),
                Object::Typed(&start, &date),
            )?;
            self.triple(s, &format!("{SCHEMA}endDate"), Object::Typed(&end, &date))?;
        }
        for other in rec.aka() {
            let o = self.iri(other);
            self.triple(s, OWL_SAME_AS, Object::Node(o))?;
        }
        if let Some(meta) = rec.meta() {
            self.cited(s, &meta.sources, meta.evidence.as_deref(), base)?;
            if let Some(n) = &meta.notes {
                self.triple(s, fields::rdf::NOTES, Object::Literal(n))?;
            }
        }
        Ok(())
    }

    /// A role as schema.org's Role pattern: person → role → organisation or place.
    fn role(&mut self, base: &Base, s: &str, role: &crate::model::Role) -> io::Result<()> {
        let node = self.node();
        let (link, kind) = match role.org {
            Some(_) => ("memberOf", "OrganizationRole"),
            None => ("hasOccupation", "Role"),
        };
        self.triple(s, &format!("{SCHEMA}{link}"), Object::Node(node.clone()))?;
        self.triple(&node, RDF_TYPE, Object::Node(format!("<{SCHEMA}{kind}>")))?;
        for f in fields::ROLE {
            for item in (f.get)(role).items() {
                self.item(base, &node, f.info.shape, f.info.rdf, item)?;
            }
        }
        if let Some(d) = &role.term.since {
            self.date(&node, &format!("{SCHEMA}startDate"), d)?;
        }
        if let Some(d) = &role.term.until {
            self.date(&node, &format!("{SCHEMA}endDate"), d)?;
        }
        self.term(&node, &role.term, base)
    }

    /// A membership as a plain fact and a statement that qualifies it, as Wikidata does.
    fn membership(&mut self, base: &Base, s: &str, m: &crate::model::Membership) -> io::Result<()> {
        let member = self.iri(base.id(m.member));
        self.triple(
            &member,
            &format!("{SCHEMA}memberOf"),
            Object::Node(s.to_string()),
        )?;
        let node = self.node();
        self.triple(&node, RDF_TYPE, Object::Node(format!("<{KZ}Membership>")))?;
        for f in fields::MEMBER {
            for item in (f.get)(m).items() {
                self.item(base, &node, f.info.shape, f.info.rdf, item)?;
            }
        }
        self.triple(
            &node,
            &format!("{KZ}organisation"),
            Object::Node(s.to_string()),
        )?;
        self.term(&node, &m.term, base)
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
