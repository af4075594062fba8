//! Who said a quotation: the cue that attributes it (a speech verb before or after it, a colon,
//! `according to`), the speaker the cue names (a name, `the union`, `she`), and that speaker
//! matched to the base. A quotation with no cue of its own continues the one before it.

use super::mentions::{self, Found, Mention, Names};
use super::quotation::Quotation;
use super::tokens::{self, Pronoun, Sex, Token};
use crate::model::{EntityRef, Kind};
use crate::names::normalise;
use std::ops::Range;

/// The stretches of text a quotation is attributed within: sentences, joined where a
/// quotation runs across them or where its attribution follows it as a sentence of its own
/// (`“Did he?” Ruiz asked.`).
pub fn units(
    text: &str,
    paragraphs: &[Range<usize>],
    sentences: &[Range<usize>],
    quotations: &[Quotation],
) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    let para = |at: usize| paragraphs.partition_point(|p| p.end <= at);
    for s in sentences {
        let joins = out.last().is_some_and(|prev| {
            if para(prev.start) != para(s.start) {
                return false;
            }
            let across = quotations.iter().any(|q| {
                q.parts
                    .iter()
                    .any(|p| p.start < prev.end && p.end > s.start)
            });
            across || attributes_back(text, prev, s, quotations)
        });
        match out.last_mut() {
            Some(prev) if joins => prev.end = s.end,
            _ => out.push(s.clone()),
        }
    }
    out
}

/// Whether sentence `s` is the attribution of a quotation that ends sentence `prev` with a
/// question or exclamation mark, a dash or an ellipsis: it names its speaker in its first words
/// (`“Did he?” Ruiz asked.`, `said Ruiz.`, `she asked.`). After a full stop a new sentence
/// starts.
fn attributes_back(
    text: &str,
    prev: &Range<usize>,
    s: &Range<usize>,
    quotations: &[Quotation],
) -> bool {
    let ends_quote = quotations.iter().any(|q| {
        q.outer.end <= prev.end
            && q.outer.end >= prev.start
            && text[q.outer.end..prev.end]
                .chars()
                .all(|c| !c.is_alphanumeric())
            && q.parts.last().is_some_and(|p| {
                text[p.clone()]
                    .trim_end()
                    .ends_with(['?', '!', '…', '—', '–'])
            })
    });
    if !ends_quote {
        return false;
    }
    let toks = tokens::tokens(text, s.clone());
    let words: Vec<usize> = (0..toks.len()).filter(|&i| toks[i].word).collect();
    words
        .iter()
        .take(5)
        .position(|&i| tokens::cue_at(text, &toks, i).is_some())
        .is_some_and(|k| {
            k == 0
                || words[..k].iter().all(|&i| {
                    let w = toks[i].text(text);
                    tokens::is_capitalised(w)
                        || tokens::pronoun(w).is_some()
                        || tokens::is_filler(w)
                        || matches!(tokens::lower(w).as_str(), "the" | "a" | "an")
                })
        })
}

/// Who a quotation's attribution names.
#[derive(Debug, Clone, PartialEq)]
pub enum Who {
    /// One record of the base.
    Record(EntityRef),
    /// Several records the name matches equally, none singled out by the text.
    Ambiguous(Vec<EntityRef>),
    /// A name the base does not know, and records that match part of it.
    Named(String, Vec<EntityRef>),
    /// No one: no cue, or a cue whose speaker could not be read.
    Nobody,
}

/// Which side of the quotation its cue is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Before,
    After,
}

/// A quotation's attribution, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribution {
    pub who: Who,
    /// The cue, if one was found.
    pub cue: Option<(Range<usize>, Side)>,
    /// Words that say how the speaker was found, for the record's `notes`.
    pub how: String,
    /// Records and names that might have said it, when `who` is not one record.
    pub candidates: Vec<Who>,
}

/// What the words before or after a cue say of its speaker.
#[derive(Debug, Clone)]
enum Subject {
    /// A name; the index of its mention.
    Name(usize),
    /// A pronoun at this offset.
    Pronoun(Pronoun, usize, String),
    /// A description (`the union`, `police`): its words, its last word and where it stands.
    Phrase(String, String, usize),
}

/// Reads attributions over one text.
pub struct Reader<'a, 'b> {
    pub text: &'a str,
    pub units: &'a [Range<usize>],
    pub paragraphs: &'a [Range<usize>],
    pub quotations: &'a [Quotation],
    pub mentions: &'a [Mention],
    pub names: &'a mut Names<'b>,
}

impl Reader<'_, '_> {
    /// The unit that holds offset `at`.
    pub fn unit_of(&self, at: usize) -> usize {
        self.units
            .partition_point(|u| u.end <= at)
            .min(self.units.len().saturating_sub(1))
    }

    /// The paragraph that holds offset `at`.
    pub fn paragraph_of(&self, at: usize) -> usize {
        self.paragraphs
            .partition_point(|p| p.end <= at)
            .min(self.paragraphs.len().saturating_sub(1))
    }

    /// The narration before quotation `n` within its unit, and after it.
    pub fn regions(&self, n: usize) -> (Range<usize>, Range<usize>) {
        let q = &self.quotations[n];
        let open_unit = &self.units[self.unit_of(q.outer.start)];
        let close_unit = &self.units[self.unit_of(q.outer.end.saturating_sub(1))];
        let mut left = open_unit.start..q.outer.start;
        if let Some(prev) = n.checked_sub(1).map(|p| &self.quotations[p])
            && prev.outer.end > left.start
            && prev.outer.end <= left.end
        {
            left.start = prev.outer.end;
        }
        let mut right = q.outer.end.min(close_unit.end)..close_unit.end;
        if let Some(next) = self.quotations.get(n + 1)
            && next.outer.start < right.end
            && next.outer.start >= right.start
        {
            right.end = next.outer.start;
        }
        // A quotation that opens its paragraph after one ending in a colon (`Ruiz said:`)
        // is introduced by that paragraph's last sentence.
        if text_is_blank(self.text, &left) {
            let p = self.paragraph_of(q.outer.start);
            if p > 0 && self.paragraphs[p].start == q.outer.start {
                let prev = &self.paragraphs[p - 1];
                if self.text[prev.clone()].trim_end().ends_with(':') {
                    let u = &self.units[self.unit_of(prev.end.saturating_sub(1))];
                    left = u.start.max(prev.start)..prev.end;
                }
            }
        }
        (left, right)
    }

    /// The attribution of quotation `n`, without looking at the quotations before it.
    pub fn attribute(&mut self, n: usize) -> Attribution {
        let (left, right) = self.regions(n);
        if let Some(found) = self.cue_after(right) {
            return found;
        }
        if let Some(found) = self.cue_before(left) {
            return found;
        }
        Attribution {
            who: Who::Nobody,
            cue: None,
            how: String::new(),
            candidates: Vec::new(),
        }
    }

    /// `“…,” said Ruiz`, `“…,” Ruiz, the mayor, said`, `“…,” according to Ruiz`.
    fn cue_after(&mut self, region: Range<usize>) -> Option<Attribution> {
        let toks = tokens::tokens(self.text, region);
        let words: Vec<usize> = (0..toks.len()).filter(|&i| toks[i].word).collect();
        let (k, &i) = words.iter().enumerate().take(25).find(|(_, i)| {
            // `“…,” adding that …` goes on from an attribution; it is not one.
            match tokens::cue_at(self.text, &toks, **i) {
                Some(1) => !tokens::lower(toks[**i].text(self.text)).ends_with("ing"),
                found => found.is_some(),
            }
        })?;
        let len = tokens::cue_at(self.text, &toks, i)?;
        let cue = toks[i].at.start..toks[i + len - 1].at.end;
        let subject = if k == 0 || tokens::cue_names_after(self.text, &toks, i) {
            if k != 0 {
                return None;
            }
            self.subject_after(&toks, i + len)
        } else {
            // Everything between the quotation and the cue must be its subject: a name,
            // pronoun or description first (`, adding that Baker agreed` is not one).
            let first = toks[..i].iter().find(|t| t.word)?.text(self.text);
            let starts_subject = tokens::is_capitalised(first)
                || tokens::pronoun(first).is_some()
                || matches!(tokens::lower(first).as_str(), "the" | "a" | "an" | "one");
            if !starts_subject {
                return None;
            }
            self.subject_before(&toks, 0, i)
        }?;
        Some(self.attribution(subject, cue, Side::After))
    }

    /// `Ruiz said: “…”`, `Ruiz said that “…”`, `According to Ruiz, “…”`, `Ruiz: “…”`.
    fn cue_before(&mut self, region: Range<usize>) -> Option<Attribution> {
        let toks = tokens::tokens(self.text, region);
        // The cue nearest the quotation.
        let found = (0..toks.len())
            .rev()
            .find_map(|i| tokens::cue_at(self.text, &toks, i).map(|len| (i, len)));
        if let Some((i, len)) = found {
            let cue = toks[i].at.start..toks[i + len - 1].at.end;
            let subject = if tokens::cue_names_after(self.text, &toks, i) {
                self.subject_after(&toks, i + len)
            } else {
                self.subject_before(&toks, 0, i)
            };
            if let Some(subject) = subject {
                return Some(self.attribution(subject, cue, Side::Before));
            }
        }
        // `Ruiz: “…”`, `Lopez, a Democrat, shot back: “…”`: a colon just before the
        // quotation, after a name or a pronoun.
        let last = toks.last()?;
        if last.text(self.text) == ":" {
            let n = toks.len() - 1;
            let subject = self.subject_before_as(&toks, 0, n, false)?;
            return Some(self.attribution(subject, last.at.clone(), Side::Before));
        }
        None
    }

    /// The speaker a cue names after it, up to the next comma or stop.
    fn subject_after(&self, toks: &[Token], from: usize) -> Option<Subject> {
        let end = (from..toks.len())
            .find(|&j| !toks[j].word)
            .unwrap_or(toks.len());
        if end == from {
            return None;
        }
        let range = toks[from].at.start..toks[end - 1].at.end;
        if let Some(m) = self.mention_in(&range, true) {
            return Some(Subject::Name(m));
        }
        let first = toks[from].text(self.text);
        if let Some(p) = tokens::pronoun(first) {
            return Some(Subject::Pronoun(p, toks[from].at.start, first.to_string()));
        }
        self.phrase(&toks[from..end])
    }

    /// The speaker named before a cue at token `cue`: in the words just before it, or, past
    /// appositives between commas (`Ruiz, the mayor, said`), in the words before those.
    fn subject_before(&self, toks: &[Token], from: usize, cue: usize) -> Option<Subject> {
        self.subject_before_as(toks, from, cue, true)
    }

    /// [`Reader::subject_before`]; with `phrases` false, only a name or a pronoun will do.
    fn subject_before_as(
        &self,
        toks: &[Token],
        from: usize,
        cue: usize,
        phrases: bool,
    ) -> Option<Subject> {
        let mut chunks: Vec<Range<usize>> = Vec::new();
        let mut start = from;
        for (j, tok) in toks.iter().enumerate().take(cue).skip(from) {
            let t = tok.text(self.text);
            if !tok.word && matches!(t, "," | "—" | "–" | "(" | ")" | ";" | ":") {
                chunks.push(start..j);
                start = j + 1;
            }
        }
        chunks.push(start..cue);
        for (n, chunk) in chunks.iter().rev().enumerate().take(4) {
            let words: Vec<&Token> = toks[chunk.clone()].iter().filter(|t| t.word).collect();
            let Some(first) = words.first() else {
                continue;
            };
            let first_text = first.text(self.text);
            let next_to_cue = n == 0;
            if !next_to_cue && !first_text.chars().next().is_some_and(char::is_uppercase) {
                // An appositive (`the CSTO’s current chair`, `54`, `who …`).
                continue;
            }
            let range = first.at.start..words[words.len() - 1].at.end;
            if let Some(m) = self.mention_in(&range, false) {
                return Some(Subject::Name(m));
            }
            if let Some(t) = words
                .iter()
                .rev()
                .find(|t| tokens::pronoun(t.text(self.text)).is_some())
            {
                let w = t.text(self.text);
                return tokens::pronoun(w).map(|p| Subject::Pronoun(p, t.at.start, w.to_string()));
            }
            // A description next to the cue (`the union said`), or one past an appositive
            // that begins as descriptions do (`One cafe owner, who …, said`).
            let determiner = matches!(
                tokens::lower(first_text).as_str(),
                "the" | "a" | "an" | "one" | "another" | "two" | "three" | "some" | "several"
            );
            if (next_to_cue || determiner) && phrases {
                let owned: Vec<Token> = words.iter().map(|t| (*t).clone()).collect();
                if let Some(p) = self.phrase(&owned) {
                    return Some(p);
                }
            }
        }
        None
    }

    /// A description as a subject: `the union`, `police`, `a spokesperson for the ministry`,
    /// at most six words, its last word not a filler.
    fn phrase(&self, words: &[Token]) -> Option<Subject> {
        let words: Vec<&Token> = words
            .iter()
            .filter(|t| t.word && !tokens::is_filler(t.text(self.text)))
            .collect();
        let (first, last) = (words.first()?, words.last()?);
        if words.len() > 6 {
            return None;
        }
        let head = tokens::lower(tokens::bare(last.text(self.text)));
        if tokens::is_function_word(&head) || head.chars().any(|c| c.is_ascii_digit()) {
            return None;
        }
        let phrase = self.text[first.at.start..last.at.end].to_string();
        Some(Subject::Phrase(phrase, head, first.at.start))
    }

    /// The speaker-kind mention inside `range`: the first (after a cue) or the last (before
    /// one), narration only.
    fn mention_in(&self, range: &Range<usize>, first: bool) -> Option<usize> {
        let offset = self.mentions.len()
            - mentions::within(self.mentions, &(range.start..self.text.len())).len();
        let mut found = mentions::within(self.mentions, range)
            .iter()
            .enumerate()
            .filter(|(_, m)| !m.quoted && m.at.end <= range.end && m.can_speak())
            .map(|(i, _)| offset + i);
        if first {
            found.next()
        } else {
            found.next_back()
        }
    }

    /// The mentions before offset `at` that a pronoun or description may refer back to: those
    /// of its paragraph and the `back` before it, latest first, with their indices.
    fn looking_back(&self, at: usize, back: usize) -> impl Iterator<Item = (usize, &Mention)> {
        let p = self.paragraph_of(at);
        let from = self.paragraphs[p.saturating_sub(back)].start;
        let end = self.mentions.partition_point(|m| m.at.start < at);
        let start = self.mentions.partition_point(|m| m.at.start < from);
        (start..end.max(start))
            .rev()
            .map(|i| (i, &self.mentions[i]))
            .filter(move |(_, m)| m.at.end <= at && !m.quoted)
    }

    /// The attribution a subject gives.
    fn attribution(&mut self, subject: Subject, cue: Range<usize>, side: Side) -> Attribution {
        let cue_text = normalise_space(&self.text[cue.clone()]);
        let (who, how) = match subject {
            Subject::Name(m) => {
                let said = &self.text[self.mentions[m].run.clone()];
                let (who, how) = self.who_of(m);
                (
                    who,
                    format!("\"{said}\" {} \"{cue_text}\"{how}", side.word()),
                )
            }
            Subject::Pronoun(p, at, word) => match self.antecedent(p, at) {
                Some(m) => {
                    let (who, how) = self.who_of(m);
                    let name = &self.text[self.mentions[m].at.clone()];
                    let kind = if p == Pronoun::It || p == Pronoun::They {
                        "organisation"
                    } else {
                        "person"
                    };
                    (
                        who,
                        format!(
                            "\"{word}\" {} \"{cue_text}\", taken as {name}, the last {kind} \
                             named before it{how}",
                            side.word()
                        ),
                    )
                }
                None => (
                    Who::Nobody,
                    format!(
                        "\"{word}\" {} \"{cue_text}\", with no one named before it",
                        side.word()
                    ),
                ),
            },
            Subject::Phrase(phrase, head, at) => match self.described(&head, at) {
                Some(m) => {
                    let (who, how) = self.who_of(m);
                    let name = &self.text[self.mentions[m].at.clone()];
                    (
                        who,
                        format!(
                            "\"{phrase}\" {} \"{cue_text}\", taken as {name}, named before it{how}",
                            side.word()
                        ),
                    )
                }
                None => {
                    let found = self.records_called(&head);
                    let how = format!(
                        "\"{phrase}\" {} \"{cue_text}\" names no one the text names",
                        side.word()
                    );
                    return Attribution {
                        who: Who::Nobody,
                        cue: Some((cue, side)),
                        how,
                        candidates: found.into_iter().map(Who::Record).collect(),
                    };
                }
            },
        };
        let candidates = match &who {
            Who::Ambiguous(refs) => refs.iter().map(|&r| Who::Record(r)).collect(),
            Who::Named(name, partial) => std::iter::once(Who::Named(name.clone(), Vec::new()))
                .chain(partial.iter().map(|&r| Who::Record(r)))
                .collect(),
            Who::Record(r) => vec![Who::Record(*r)],
            Who::Nobody => Vec::new(),
        };
        Attribution {
            who,
            cue: Some((cue, side)),
            how,
            candidates,
        }
    }

    /// The speaker a mention names, and how it was matched.
    fn who_of(&self, m: usize) -> (Who, String) {
        let base = self.names.base();
        match &self.mentions[m].found {
            Found::Known { tier, .. } => {
                let refs: Vec<EntityRef> = self.mentions[m].speakers();
                let how = match tier {
                    crate::names::Tier::Words => "by part of the name",
                    crate::names::Tier::Loose => "by a variant spelling of the name",
                    crate::names::Tier::Id => "by id",
                    crate::names::Tier::Exact => "by name",
                };
                match refs.as_slice() {
                    [one] => (Who::Record(*one), format!(" ({} {how})", base.id(*one))),
                    _ => {
                        // Several records match equally: the one the text named in full before.
                        let earlier: Vec<EntityRef> = refs
                            .iter()
                            .copied()
                            .filter(|r| {
                                self.mentions[..m].iter().any(|e| {
                                    matches!(&e.found, Found::Known { refs, .. } if refs == &[*r])
                                })
                            })
                            .collect();
                        match earlier.as_slice() {
                            [one] => (
                                Who::Record(*one),
                                format!(
                                    " ({}, the one of them the text names in full)",
                                    base.id(*one)
                                ),
                            ),
                            _ => (
                                Who::Ambiguous(refs),
                                " (matches several records equally)".into(),
                            ),
                        }
                    }
                }
            }
            Found::Unknown { name, partial, .. } => (
                Who::Named(name.clone(), partial.clone()),
                " (no record of the base has this name)".into(),
            ),
        }
    }

    /// The last person (for `he`, `she`) or organisation (for `it`, `they`) named before
    /// offset `at`, in narration, whose sex, when known, fits the pronoun.
    fn antecedent(&self, p: Pronoun, at: usize) -> Option<usize> {
        let fits = |m: &Mention| match p {
            Pronoun::He => m.is_person() && m.sex != Sex::Female,
            Pronoun::She => m.is_person() && m.sex != Sex::Male,
            Pronoun::It | Pronoun::They => m.is_org(),
        };
        // A pronoun refers to someone named in the last few paragraphs.
        self.looking_back(at, 3)
            .find(|(_, m)| fits(m))
            .map(|(i, _)| i)
    }

    /// The last record named before `at` that a description's last word fits: an
    /// organisation with the word in a name or its kind (`the union`), a person with it in a
    /// title the text gave or a role the base holds (`the mayor`).
    fn described(&self, head: &str, at: usize) -> Option<usize> {
        let base = self.names.base();
        let head = normalise(head);
        let singular = head.strip_suffix('s').unwrap_or(&head).to_string();
        let has = |text: &str| {
            normalise(text)
                .split(' ')
                .any(|w| w == head || w == singular)
        };
        // `the union` may refer to a name given much earlier.
        self.looking_back(at, 50)
            .filter(|(_, m)| m.can_speak())
            .find(|(_, m)| {
                if m.titles.iter().any(|t| has(t)) {
                    return true;
                }
                match &m.found {
                    Found::Known { refs, .. } => refs.iter().any(|&r| match r.kind {
                        Kind::Organisation => {
                            let o = &base.organisations[r.idx as usize];
                            has(&o.name) || has(&o.kind) || o.aliases.iter().any(|a| has(a))
                        }
                        Kind::Actor => base.actors[r.idx as usize]
                            .roles
                            .iter()
                            .any(|role| has(&role.title)),
                        _ => false,
                    }),
                    Found::Unknown { name, .. } => m.is_org() && has(name),
                }
            })
            .map(|(i, _)| i)
    }

    /// Organisations whose name has this word, as candidates for `the union said`.
    fn records_called(&mut self, head: &str) -> Vec<EntityRef> {
        match self.names.best(head) {
            Some((_, refs)) => refs
                .into_iter()
                .filter(|r| r.kind == Kind::Organisation)
                .take(5)
                .collect(),
            None => Vec::new(),
        }
    }

    /// The speakers named in narration before offset `at` in its paragraph, latest first:
    /// candidates for a quotation that names no one.
    pub fn nearby(&self, at: usize) -> Vec<Who> {
        let p = &self.paragraphs[self.paragraph_of(at)];
        let mut out: Vec<Who> = Vec::new();
        for (i, m) in self.looking_back(at, 0) {
            if m.at.start < p.start {
                break;
            }
            if !m.can_speak() {
                continue;
            }
            let (who, _) = self.who_of(i);
            let more = match who {
                Who::Ambiguous(refs) => refs.into_iter().map(Who::Record).collect(),
                Who::Named(n, _) => vec![Who::Named(n, Vec::new())],
                other => vec![other],
            };
            for w in more {
                if !out.contains(&w) {
                    out.push(w);
                }
            }
            if out.len() >= 3 {
                break;
            }
        }
        out
    }
}

impl Side {
    fn word(self) -> &'static str {
        match self {
            Side::Before => "before",
            Side::After => "after",
        }
    }
}

fn text_is_blank(text: &str, r: &Range<usize>) -> bool {
    !text[r.clone()].chars().any(char::is_alphanumeric)
}

/// Runs of white space as one space, trimmed.
pub fn normalise_space(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draft::base_of;

    /// Each quotation's speaker id (or `?name`, `-` for nobody) and cue.
    fn attributed(base: &crate::model::Base, text: &str) -> Vec<(String, String)> {
        let mut names = Names::new(base);
        let parsed = crate::draft::Parsed::new(&mut names, text);
        let mut reader = parsed.reader(text, &mut names);
        (0..parsed.quotations.len())
            .map(|n| {
                let a = reader.attribute(n);
                let who = match a.who {
                    Who::Record(r) => base.id(r).to_string(),
                    Who::Named(n, _) => format!("?{n}"),
                    Who::Ambiguous(refs) => refs
                        .iter()
                        .map(|&r| base.id(r))
                        .collect::<Vec<_>>()
                        .join("|"),
                    Who::Nobody => "-".into(),
                };
                let cue = a.cue.map_or(String::new(), |(r, _)| text[r].to_string());
                (who, cue)
            })
            .collect()
    }

    #[test]
    fn cues_name_their_speakers() {
        let base = base_of(
            "actors:\n  - {id: ana-ruiz, name: Ana Ruiz, description: The mayor. She leads, roles: [{title: Mayor of Springfield}], source: s}\n  - {id: tom-baker, name: Tom Baker, description: The governor. He rules, source: s}\n  - {id: carlos-ruiz, name: Carlos Ruiz, description: A clerk, source: s}\norganisations:\n  - {id: twu, name: Transit Workers Union, kind: union, source: s}\n",
        );
        let cases: &[(&str, &[(&str, &str)])] = &[
            (
                "“We will win,” said Mayor Ana Ruiz.",
                &[("ana-ruiz", "said")],
            ),
            ("“We will win,” Ana Ruiz said.", &[("ana-ruiz", "said")]),
            (
                "“We will win,” Ana Ruiz, the mayor of the city, said on Tuesday.",
                &[("ana-ruiz", "said")],
            ),
            ("Ana Ruiz said: “We will win.”", &[("ana-ruiz", "said")]),
            ("Ana Ruiz: “We will win.”", &[("ana-ruiz", ":")]),
            (
                "According to Tom Baker, “the plan will fail.”",
                &[("tom-baker", "According to")],
            ),
            (
                "“The plan will fail,” according to Tom Baker.",
                &[("tom-baker", "according to")],
            ),
            ("Tom Baker spoke. “It is over,” she said.", &[("-", "said")]),
            (
                "Ana Ruiz met Tom Baker. “It is over,” she said.",
                &[("ana-ruiz", "said")],
            ),
            (
                "The Transit Workers Union met. “We strike,” the union said in a statement.",
                &[("twu", "said")],
            ),
            (
                "Ana Ruiz arrived. “We will win,” the mayor said.",
                &[("ana-ruiz", "said")],
            ),
            ("“We strike,” the union said.", &[("-", "said")]),
            (
                "Ana Ruiz met Carlos Ruiz. “We will win,” Ruiz said.",
                &[("ana-ruiz|carlos-ruiz", "said")],
            ),
            (
                "“We will win,” said Ana María Ruiz.",
                &[("?Ana María Ruiz", "said")],
            ),
            (
                "“We will win,” Ana Ruiz said, “and soon.”",
                &[("ana-ruiz", "said"), ("ana-ruiz", "said")],
            ),
            (
                "Ana Ruiz said: “We will win,” adding that Tom Baker agreed.",
                &[("ana-ruiz", "said")],
            ),
            (
                "“Did they win?” Tom Baker asked.",
                &[("tom-baker", "asked")],
            ),
            ("Ana Ruiz said:\n\n“We will win.”", &[("ana-ruiz", "said")]),
            ("“We will win.”", &[("-", "")]),
            (
                "Ana Ruiz extended the lockdown, saying the city had “not yet seen the peak”.",
                &[("ana-ruiz", "saying")],
            ),
            (
                "“We need more staff,” said Dr. Tom Baker.",
                &[("tom-baker", "said")],
            ),
            (
                "Ana Ruiz, 54, who won in May, shot back: “Time is short.”",
                &[("ana-ruiz", ":")],
            ),
            (
                "One cafe owner, who asked not to be named, said: “We want to open.”",
                &[("-", "said")],
            ),
        ];
        for (text, want) in cases {
            let want: Vec<(String, String)> = want
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect();
            assert_eq!(attributed(&base, text), want, "{text}");
        }
    }
}
