//! Names in a text: runs of capitalised words (`Armenian Prime Minister Nikol Pashinyan`), each
//! matched against the base's names and aliases as `kz who` matches a name, or kept as a name
//! the base does not know, with a guess at what it names.

use super::tokens::{self, Sex, Token};
use crate::model::{Base, EntityRef, Kind};
use crate::names::{NameQuery, Tier, normalise};
use crate::query::find::best;
use std::collections::HashMap;
use std::ops::Range;

/// The kinds of record a name in running text may name.
pub const NAMED: [Kind; 3] = [Kind::Actor, Kind::Organisation, Kind::Place];

/// One name in the text.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    /// The words that name it, without titles before them.
    pub at: Range<usize>,
    /// The whole run of capitalised words it was found in (`Mayor Ana Ruiz`).
    pub run: Range<usize>,
    pub found: Found,
    /// The sex a title in the run implies (`Mrs`), or the base's description of the person.
    pub sex: Sex,
    /// The titles in the run, lower-cased (`mayor`), for `the mayor said`.
    pub titles: Vec<String>,
    /// Whether it stands inside a quotation (a name the speaker says, not the narrator).
    pub quoted: bool,
    /// Whether it is one word at the start of a sentence, where any word is capitalised.
    pub initial: bool,
}

/// What a name names.
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    /// Records of the base, matched as `kz who` matches (several when it matches them equally).
    Known { refs: Vec<EntityRef>, tier: Tier },
    /// No record of the base; `partial` are records that match part of the name.
    Unknown {
        name: String,
        guess: Guess,
        partial: Vec<EntityRef>,
    },
}

/// What a name the base does not know seems to name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Guess {
    Person,
    Organisation,
    Place,
    Other,
}

impl Mention {
    /// Whether it can be a speaker: a person or an organisation, known or not.
    pub fn can_speak(&self) -> bool {
        match &self.found {
            Found::Known { refs, .. } => refs
                .iter()
                .any(|r| matches!(r.kind, Kind::Actor | Kind::Organisation)),
            Found::Unknown { guess, .. } => matches!(guess, Guess::Person | Guess::Organisation),
        }
    }

    /// Whether it names a person (for `he` and `she`) or else an organisation (for `it`).
    pub fn is_person(&self) -> bool {
        match &self.found {
            Found::Known { refs, .. } => refs.iter().any(|r| r.kind == Kind::Actor),
            Found::Unknown { guess, .. } => *guess == Guess::Person,
        }
    }

    pub fn is_org(&self) -> bool {
        match &self.found {
            Found::Known { refs, .. } => refs.iter().any(|r| r.kind == Kind::Organisation),
            Found::Unknown { guess, .. } => *guess == Guess::Organisation,
        }
    }

    /// The records it names that can speak.
    pub fn speakers(&self) -> Vec<EntityRef> {
        match &self.found {
            Found::Known { refs, .. } => refs
                .iter()
                .copied()
                .filter(|r| matches!(r.kind, Kind::Actor | Kind::Organisation))
                .collect(),
            Found::Unknown { .. } => Vec::new(),
        }
    }
}

/// Matches names against the base, remembering each answer.
pub struct Names<'b> {
    base: &'b Base,
    cache: HashMap<String, Option<(Tier, Vec<EntityRef>)>>,
    /// The words of the base's place names, for telling `Kazakh` and `Russians` from names.
    place_words: Vec<String>,
}

impl<'b> Names<'b> {
    pub fn new(base: &'b Base) -> Names<'b> {
        let mut place_words: Vec<String> = (0..base.places.len() as u32)
            .flat_map(|i| {
                let r = EntityRef::place(i);
                std::iter::once(base.label(r).to_string())
                    .chain(base.aliases(r).iter().map(|a| a.to_string()))
                    .collect::<Vec<_>>()
            })
            .flat_map(|n| {
                normalise(&n)
                    .split(' ')
                    .map(String::from)
                    .collect::<Vec<_>>()
            })
            .filter(|w| w.len() >= 4)
            .collect();
        place_words.sort();
        place_words.dedup();
        Names {
            base,
            cache: HashMap::new(),
            place_words,
        }
    }

    /// The records a name matches best among people, organisations and places, as `kz who`
    /// finds them.
    pub fn best(&mut self, name: &str) -> Option<(Tier, Vec<EntityRef>)> {
        let key = normalise(name);
        if key.is_empty() {
            return None;
        }
        let base = self.base;
        self.cache
            .entry(key)
            .or_insert_with(|| best(base, &NameQuery::new(name), &NAMED))
            .clone()
    }

    /// Whether a capitalised word is an adjective or plural of a place the base knows
    /// (`Kazakh`, `Kazakhs`, `Russians`), or a compound adjective (`Russian-led`).
    pub fn is_demonym(&self, word: &str) -> bool {
        if is_adjective_compound(word) {
            return true;
        }
        let w = normalise(tokens::bare(word));
        if w.contains(' ') || w.len() < 4 {
            return false;
        }
        let stem = w.trim_end_matches('s');
        self.place_words
            .iter()
            .any(|p| p.len() > stem.len() && p.starts_with(stem))
    }

    pub fn base(&self) -> &'b Base {
        self.base
    }
}

/// Whether a word has the ending of a nationality adjective (`Armenian`, `Chinese`, `English`).
/// First names share some endings (`Brian`), so this counts only where no name follows.
fn adjective_ending(word: &str) -> bool {
    let w = normalise(tokens::bare(word));
    w.len() >= 5
        && ["ian", "ians", "ean", "eans", "ese", "ish", "ans"]
            .iter()
            .any(|s| w.ends_with(s))
}

/// `Russian-led`, `Cold War-era`: a capitalised word with a lower-case tail after a hyphen.
fn is_adjective_compound(word: &str) -> bool {
    word.split(['-', '‐'])
        .skip(1)
        .any(|part| part.chars().next().is_some_and(char::is_lowercase))
}

/// Whether `r` lies within one of `spans` (sorted, not overlapping).
pub fn inside(spans: &[Range<usize>], r: &Range<usize>) -> bool {
    let i = spans.partition_point(|s| s.start <= r.start);
    i > 0 && spans[i - 1].end >= r.end
}

/// The mentions (in text order) that start within `range`.
pub fn within<'m>(mentions: &'m [Mention], range: &Range<usize>) -> &'m [Mention] {
    let a = mentions.partition_point(|m| m.at.start < range.start);
    let b = mentions.partition_point(|m| m.at.start < range.end);
    &mentions[a..b.max(a)]
}

/// Every name in the text's sentences, in order. `quoted` are the spans inside quotations.
pub fn mentions(
    names: &mut Names,
    text: &str,
    sentences: &[Range<usize>],
    quoted: &[Range<usize>],
) -> Vec<Mention> {
    let mut out = Vec::new();
    for s in sentences {
        let toks = tokens::tokens(text, s.clone());
        let mut i = 0;
        while i < toks.len() {
            let Some(run) = run_at(text, &toks, i) else {
                i += 1;
                continue;
            };
            let next = run.end;
            let initial = is_initial(text, &toks, run.start);
            let mut run = run;
            if initial && tokens::is_function_word(toks[run.start].text(text)) {
                run.start += 1;
            }
            // A run may begin with a connector once its first word is dropped (`In the ...`).
            while run.start < run.end && !tokens::is_capitalised(toks[run.start].text(text)) {
                run.start += 1;
            }
            if !run.is_empty() {
                let words = &toks[run.clone()];
                let found = resolve_run(names, text, words, initial && run.len() == 1);
                for mut m in found {
                    m.quoted = inside(quoted, &m.at);
                    out.push(m);
                }
            }
            i = next;
        }
    }
    out
}

/// Whether the token at `i` starts its sentence (or a quotation or bracket within it), where
/// any word is capitalised.
fn is_initial(text: &str, toks: &[Token], i: usize) -> bool {
    match i.checked_sub(1).map(|p| &toks[p]) {
        None => true,
        // After an opening mark or bracket, or a colon, a word is capitalised as at the start.
        Some(t) if !t.word => matches!(
            t.text(text),
            "“" | "\"" | "‘" | "'" | "«" | "„" | "‚" | "(" | "[" | ":" | "»" | "「"
        ),
        Some(_) => false,
    }
}

/// The run of capitalised words starting at token `i`: capitalised words, numbers after them
/// (`Khabar 24`) and connectors between them (`University of Pittsburgh`), ended by a
/// possessive (`Harvard University’s`), a day or month name, or anything else.
fn run_at(text: &str, toks: &[Token], i: usize) -> Option<Range<usize>> {
    let is_name_word = |t: &Token| {
        let w = t.text(text);
        t.word
            && tokens::is_capitalised(w)
            && tokens::weekday(w).is_none()
            && tokens::month(w).is_none()
            && w != "I"
    };
    if !is_name_word(&toks[i]) {
        return None;
    }
    let mut end = i + 1;
    while end < toks.len() && end - i < 10 {
        if tokens::is_possessive(toks[end - 1].text(text)) {
            break;
        }
        let t = &toks[end];
        let w = t.text(text);
        let number =
            t.word && w.chars().all(|c| c.is_ascii_digit()) && is_name_word(&toks[end - 1]);
        let joins =
            t.word && tokens::is_connector(w) && toks.get(end + 1).is_some_and(&is_name_word);
        if is_name_word(t) || number || joins {
            end += 1;
        } else {
            break;
        }
    }
    Some(i..end)
}

/// The names a run of words holds: its longest parts that match records, or else the whole
/// run as a name the base does not know.
fn resolve_run(names: &mut Names, text: &str, words: &[Token], initial: bool) -> Vec<Mention> {
    let n = words.len();
    let word = |k: usize| tokens::bare(words[k].text(text));
    let span_text = |a: usize, b: usize| -> String {
        let start = words[a].at.start;
        let end = words[b - 1].at.start + tokens::bare(words[b - 1].text(text)).len();
        text[start..end].to_string()
    };
    let run_range = words[0].at.start..words[n - 1].at.start + word(n - 1).len();
    let is_title = |k: usize| tokens::title(word(k)).is_some();
    let connector = |k: usize| tokens::is_connector(word(k));
    // A place adjective: of a place the base knows, or with a nationality ending where no name
    // follows it in the run (`Armenian Prime Minister`, `Russian forces`; not `Brian Smith`).
    let demonyms: Vec<bool> = (0..n)
        .map(|k| {
            names.is_demonym(word(k))
                || (adjective_ending(word(k)) && (k + 1 == n || is_title(k + 1)))
        })
        .collect();
    let demonym = |k: usize| demonyms[k];
    // The name proper: the words after the last title or connector (`Mayor Ana Ruiz` → `Ana
    // Ruiz`), without place adjectives before it (`Kazakh`).
    let core_start = (0..n)
        .rev()
        .find(|&k| is_title(k) || connector(k))
        .map_or(0, |k| k + 1);
    let mut core_start = core_start.min(n);
    while core_start + 1 < n && demonym(core_start) {
        core_start += 1;
    }
    let titles: Vec<String> = (0..n)
        .filter(|&k| is_title(k))
        .map(|k| tokens::lower(word(k).trim_end_matches('.')))
        .collect();
    let sex = (0..n)
        .filter_map(|k| tokens::title(word(k)))
        .find(|s| *s != Sex::Unknown)
        .unwrap_or(Sex::Unknown);
    let mut covered = vec![false; n];
    let mut out = Vec::new();
    let mut partial: Vec<EntityRef> = Vec::new();
    for len in (1..=n).rev() {
        for a in 0..=n - len {
            let b = a + len;
            if covered[a..b].iter().any(|&c| c) || connector(a) || connector(b - 1) {
                continue;
            }
            if len == 1 && (is_title(a) || demonym(a)) {
                continue;
            }
            let Some((tier, refs)) = names.best(&span_text(a, b)) else {
                continue;
            };
            let is_core = a == core_start && b == n;
            let ok = match tier {
                Tier::Id | Tier::Exact | Tier::Loose => {
                    // One word that names a person only where nothing but titles and places
                    // come before it: `Michel` in `Michel Barnier` is not Casey Michel.
                    len > 1
                        || is_core
                        || !refs.iter().all(|r| r.kind == Kind::Actor)
                        || (b == n && (0..a).all(|k| is_title(k) || connector(k) || demonym(k)))
                }
                Tier::Words => is_core,
            };
            if !ok {
                // A surname the base knows under another first name (`Ana María Ruiz`).
                if b == n {
                    partial.extend(refs.iter().copied().filter(|r| r.kind == Kind::Actor));
                }
                continue;
            }
            covered[a..b].iter_mut().for_each(|c| *c = true);
            let at = words[a].at.start..words[b - 1].at.start + word(b - 1).len();
            let sex = if sex == Sex::Unknown {
                described_sex(names.base(), &refs)
            } else {
                sex
            };
            out.push(Mention {
                at,
                run: run_range.clone(),
                found: Found::Known { refs, tier },
                sex,
                titles: titles.clone(),
                quoted: false,
                initial,
            });
        }
    }
    out.sort_by_key(|m| m.at.start);
    // The rest of the run: a name the base does not know, if nothing in it matched (without
    // the titles and place adjectives before it), or if two or more words of a person's name
    // are left over (`Kazakhstan William Courtney`).
    let plain = |k: usize| !is_title(k) && !connector(k) && !demonym(k);
    let unknown = if out.is_empty() {
        let start = (0..n).find(|&k| plain(k)).unwrap_or(n - 1);
        Some(start..n)
    } else {
        let rest: Vec<usize> = (core_start..n)
            .filter(|&k| !covered[k] && plain(k))
            .collect();
        let contiguous = rest.windows(2).all(|w| w[1] == w[0] + 1);
        (rest.len() >= 2 && contiguous).then(|| rest[0]..rest[rest.len() - 1] + 1)
    };
    if let Some(r) = unknown {
        let (mut a, b) = (r.start, r.end);
        // `The Associated Press` is filed under its name.
        while a + 1 < b && tokens::is_function_word(word(a)) {
            a += 1;
        }
        let name = span_text(a, b);
        let guess = guess(names, text, &words[a..b], !titles.is_empty());
        if !(name.is_empty() || b - a == 1 && demonym(a)) {
            partial.sort();
            partial.dedup();
            out.push(Mention {
                at: words[a].at.start..words[b - 1].at.start + word(b - 1).len(),
                run: run_range,
                found: Found::Unknown {
                    name,
                    guess,
                    partial,
                },
                sex,
                titles,
                quoted: false,
                initial,
            });
        }
    }
    out.sort_by_key(|m| m.at.start);
    out
}

/// What a name the base does not know seems to name, from its words and its title.
fn guess(names: &Names, text: &str, words: &[Token], titled: bool) -> Guess {
    let all: Vec<&str> = words.iter().map(|t| tokens::bare(t.text(text))).collect();
    if all.iter().any(|w| tokens::is_org_word(w)) {
        return Guess::Organisation;
    }
    if all.iter().any(|w| tokens::is_place_word(w)) {
        return Guess::Place;
    }
    let name: Vec<&str> = all
        .iter()
        .copied()
        .filter(|w| !tokens::is_connector(w))
        .collect();
    if name.len() == 1 && tokens::is_acronym(name[0]) {
        return Guess::Organisation;
    }
    let wordlike = |w: &&str| {
        w.chars().next().is_some_and(char::is_uppercase)
            && !tokens::is_acronym(w)
            && w.chars()
                .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’' | '.'))
    };
    let person_like = name.iter().all(wordlike) && !name.iter().any(|w| names.is_demonym(w));
    if person_like && (titled || name.len() >= 2) {
        return Guess::Person;
    }
    Guess::Other
}

/// The sex an actor's description gives by its pronouns, when it uses only one kind.
fn described_sex(base: &Base, refs: &[EntityRef]) -> Sex {
    let [r] = refs else {
        return Sex::Unknown;
    };
    if r.kind != Kind::Actor {
        return Sex::Unknown;
    }
    let description = normalise(&base.actors[r.idx as usize].description);
    let count = |words: &[&str]| description.split(' ').filter(|w| words.contains(w)).count();
    match (count(&["he", "his", "him"]), count(&["she", "her", "hers"])) {
        (m, 0) if m > 0 => Sex::Male,
        (0, f) if f > 0 => Sex::Female,
        _ => Sex::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draft::base_of;

    fn names_in(base: &Base, text: &str) -> Vec<(String, String)> {
        let mut names = Names::new(base);
        let sentences = crate::sentences::sentences(text);
        mentions(&mut names, text, &sentences, &[])
            .into_iter()
            .map(|m| {
                let what = match &m.found {
                    Found::Known { refs, .. } => refs
                        .iter()
                        .map(|&r| base.id(r).to_string())
                        .collect::<Vec<_>>()
                        .join("|"),
                    Found::Unknown { guess, .. } => format!("?{guess:?}"),
                };
                (text[m.at].to_string(), what)
            })
            .collect()
    }

    #[test]
    fn names_are_found_as_who_finds_them() {
        let base = base_of(
            "actors:\n  - {id: ana-ruiz, name: Ana Ruiz, description: Mayor, source: s}\n  - {id: casey-michel, name: Casey Michel, aliases: [Michel], description: Writer, source: s}\norganisations:\n  - {id: twu, name: Transit Workers Union, kind: union, source: s}\nplaces:\n  - {id: springfield, name: Springfield, kind: city, source: s}\n  - {id: russia, name: Russia, kind: country, source: s}\n",
        );
        let cases: &[(&str, &[(&str, &str)])] = &[
            ("Mayor Ana Ruiz spoke.", &[("Ana Ruiz", "ana-ruiz")]),
            ("Then Ruiz spoke.", &[("Ruiz", "ana-ruiz")]),
            (
                "The Transit Workers Union of Springfield agreed.",
                &[
                    ("Transit Workers Union", "twu"),
                    ("Springfield", "springfield"),
                ],
            ),
            ("Michel Barnier spoke.", &[("Michel Barnier", "?Person")]),
            ("Casey Michel spoke.", &[("Casey Michel", "casey-michel")]),
            ("Then Michel spoke.", &[("Michel", "casey-michel")]),
            ("Governor Tom Baker spoke.", &[("Tom Baker", "?Person")]),
            ("The Russian forces left.", &[]),
            ("Troops left.", &[("Troops", "?Other")]),
            ("He met Ana María Ruiz.", &[("Ana María Ruiz", "?Person")]),
            ("On Friday, Ruiz’s aide spoke.", &[("Ruiz", "ana-ruiz")]),
            (
                "The Acme Corporation said so.",
                &[("Acme Corporation", "?Organisation")],
            ),
        ];
        for (text, want) in cases {
            let got = names_in(&base, text);
            let want: Vec<(String, String)> = want
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect();
            assert_eq!(got, want, "{text}");
        }
    }
}
