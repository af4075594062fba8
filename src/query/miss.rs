//! Why a question has no answer: the typed miss every query returns, and how it reads.

use crate::text::article;
use std::collections::BTreeMap;
use std::fmt;

/// A record as a candidate is listed: id, name, kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: String,
    pub name: String,
    pub kind: String,
}

/// Why a question has no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Miss {
    /// No record of the kinds asked for has this name; maybe a close one to suggest.
    NoMatch {
        what: &'static str,
        query: String,
        suggestion: Option<String>,
    },
    /// The name is best matched by records of another kind (`Kazakhstan is a place, not an
    /// organisation`); `weaker` are the records of the wanted kind that match it less well.
    WrongKind {
        query: String,
        what: &'static str,
        whats: &'static str,
        found: Vec<Candidate>,
        weaker: Vec<Candidate>,
    },
    /// The name matches several records equally, and the question needs one.
    Ambiguous {
        query: String,
        whats: &'static str,
        candidates: Vec<Candidate>,
    },
    /// The filters are sound but no record passes them.
    Nothing(String),
}

impl fmt::Display for Miss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |f: &mut fmt::Formatter<'_>, cands: &[Candidate]| -> fmt::Result {
            let width = cands
                .iter()
                .map(|c| c.id.chars().count())
                .max()
                .unwrap_or(0);
            for c in cands {
                write!(f, "\n  {:<width$}  {} ({})", c.id, c.name, c.kind)?;
            }
            Ok(())
        };
        match self {
            Miss::NoMatch {
                what,
                query,
                suggestion: Some(s),
            } => write!(f, "no {what} matches '{query}'; did you mean '{s}'?"),
            Miss::NoMatch { what, query, .. } => write!(f, "no {what} matches '{query}'"),
            Miss::WrongKind {
                query,
                what,
                whats,
                found,
                weaker,
            } => {
                let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
                for c in found {
                    *kinds.entry(c.kind_word()).or_default() += 1;
                }
                let named: Vec<String> = kinds
                    .iter()
                    .map(|(kind, &n)| match n {
                        1 => article(kind),
                        n => format!("{n} {kind}s"),
                    })
                    .collect();
                let is = match found.as_slice() {
                    [one] => format!("'{query}' is {}", article(&one.kind_word())),
                    _ => format!("'{query}' names {}", named.join(" and ")),
                };
                write!(f, "{is}, not {}", article(what))?;
                if !weaker.is_empty() {
                    write!(f, "; {whats} whose names contain it:")?;
                    list(f, weaker)?;
                }
                Ok(())
            }
            Miss::Ambiguous {
                query,
                whats,
                candidates,
            } => {
                write!(
                    f,
                    "'{query}' matches {} {whats} equally; give one of these ids:",
                    candidates.len()
                )?;
                list(f, candidates)
            }
            Miss::Nothing(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for Miss {}

impl Candidate {
    /// The kind of record alone (`organisation`), without an organisation's own kind.
    fn kind_word(&self) -> String {
        self.kind
            .split(':')
            .next()
            .unwrap_or(&self.kind)
            .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misses_read_as_sentences() {
        let c = |id: &str, kind: &str| Candidate {
            id: id.into(),
            name: id.into(),
            kind: kind.into(),
        };
        let wrong = |found: Vec<Candidate>| {
            Miss::WrongKind {
                query: "Avel".into(),
                what: "organisation",
                whats: "organisations",
                found,
                weaker: vec![],
            }
            .to_string()
        };
        let cases = [
            (
                vec![c("a", "place: city")],
                "'Avel' is a place, not an organisation",
            ),
            (
                vec![c("a", "place: city"), c("b", "place: region")],
                "'Avel' names 2 places, not an organisation",
            ),
            (
                vec![c("a", "place: city"), c("b", "actor")],
                "'Avel' names an actor and a place, not an organisation",
            ),
        ];
        crate::testing::table(&cases, wrong);
    }
}
