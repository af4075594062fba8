//! Text matching (`search`, `--contains`, `--role`): text is folded the way names are (case,
//! accents, script and romanisation variants), and a query that names a record also looks for
//! every other name of it, so `Токаев` finds exactly what `Tokayev` finds.

use super::find;
use crate::model::{Base, EntityRef, Kind};
use crate::names::{self, NameQuery, Tier};

/// What to look for in text: the query itself, or every name and alias of the records it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextQuery {
    terms: Vec<Term>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Term {
    /// The folded text to find.
    text: String,
    /// Short terms (`US`, `KZ`) match whole words only, so they do not turn up inside others.
    whole_word: bool,
}

/// Terms with fewer letters and digits than this match whole words only.
const SHORT: usize = 4;

impl Term {
    fn new(text: &str) -> Option<Term> {
        let (folded, _) = names::fold(text);
        if folded.is_empty() {
            return None;
        }
        let letters = folded.bytes().filter(|b| *b != b' ').count();
        Some(Term {
            text: folded,
            whole_word: letters < SHORT,
        })
    }

    /// The byte offset of the first match in folded text.
    fn find_in(&self, folded: &str) -> Option<usize> {
        if !self.whole_word {
            return folded.find(&self.text);
        }
        let bytes = folded.as_bytes();
        let mut from = 0;
        while let Some(at) = folded[from..].find(&self.text).map(|i| i + from) {
            let end = at + self.text.len();
            let starts = at == 0 || bytes[at - 1] == b' ';
            let ends = end == bytes.len() || bytes[end] == b' ';
            if starts && ends {
                return Some(at);
            }
            from = at + 1;
        }
        None
    }
}

impl TextQuery {
    /// The query for `text`, or `None` when it has no letters or digits to look for. A text
    /// that is a name, alias or id of records (not merely a word of one) stands for all their
    /// names.
    pub fn new(base: &Base, text: &str) -> Option<TextQuery> {
        let own = Term::new(text)?;
        let q = NameQuery::new(text);
        let named: Vec<EntityRef> = match find::best(base, &q, &Kind::ALL) {
            Some((tier, found)) if tier <= Tier::Loose => found,
            _ => Vec::new(),
        };
        let mut terms: Vec<Term> = Vec::new();
        if named.is_empty() {
            terms.push(own);
        }
        for r in named {
            let all =
                std::iter::once(base.label(r)).chain(base.aliases(r).iter().map(|a| a.as_str()));
            for name in all {
                if let Some(t) = Term::new(name)
                    && !terms.contains(&t)
                {
                    terms.push(t);
                }
            }
        }
        Some(TextQuery { terms })
    }

    /// Where the first match in `text` is: its first char and how many chars it spans.
    pub fn find(&self, text: &str) -> Option<(usize, usize)> {
        let (folded, owner) = names::fold(text);
        let (at, term) = self
            .terms
            .iter()
            .filter_map(|t| t.find_in(&folded).map(|at| (at, t)))
            .min_by_key(|(at, _)| *at)?;
        let first = owner[at];
        let last = owner[at + term.text.len() - 1];
        Some((first, last + 1 - first))
    }

    pub fn matches(&self, text: &str) -> bool {
        let (folded, _) = names::fold(text);
        self.terms.iter().any(|t| t.find_in(&folded).is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_fold_and_short_ones_match_whole_words() {
        let base = Base::default();
        let cases = [
            (("Tokayev", "President Tokayev’s request"), true),
            (("Токаев", "President Tokayev’s request"), true),
            (("tokaev", "Tokayev said"), true),
            (("PEACEKEEP", "2500 “peacekeeping troops”"), true),
            (("US", "the US, and the EU"), true),
            (("US", "thus it was"), false),
            (("Хабар", "Kazakhstan’s Khabar 24 television"), true),
            (("!!!", "anything"), false),
        ];
        crate::testing::table(&cases, |(query, text)| {
            TextQuery::new(&base, query).is_some_and(|q| q.matches(text))
        });
        let q = TextQuery::new(&base, "khabar").unwrap();
        assert_eq!(q.find("Телеканал Хабар 24"), Some((10, 5)));
    }
}
