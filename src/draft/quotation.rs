//! Pairing quotation marks: every common style (straight and curly double quotes, single quotes
//! where they open a quotation, « », » «, „ “, ‚ ‘, ‹ ›, 「」, 『』), including a quotation that runs
//! over several paragraphs and reopens at each.

use crate::sentences::trim;
use std::ops::Range;

/// One quotation as the text marks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quotation {
    /// The quoted words of each paragraph it runs over, without the marks or the white space
    /// just inside them.
    pub parts: Vec<Range<usize>>,
    /// From the opening mark to the closing mark, or to the end of the paragraph when no mark
    /// closes it.
    pub outer: Range<usize>,
    /// Whether a closing mark was found.
    pub closed: bool,
}

/// How a quotation opened by one mark is closed.
#[derive(Debug, Clone, Copy)]
struct Style {
    open: char,
    close: &'static [char],
    /// The opening mark may nest inside its own quotation (« « » »).
    nests: bool,
    /// A single quote, whose closing mark is also an apostrophe.
    single: bool,
}

/// The style an opening mark begins, if it can begin one.
fn style(c: char) -> Option<Style> {
    let s = |open, close, nests, single| {
        Some(Style {
            open,
            close,
            nests,
            single,
        })
    };
    match c {
        '“' => s(c, &['”'], false, false),
        '„' => s(c, &['“', '”'], false, false),
        '"' => s(c, &['"'], false, false),
        '”' => s(c, &['”'], false, false),
        '«' => s(c, &['»'], true, false),
        '»' => s(c, &['«'], false, false),
        '‹' => s(c, &['›'], true, false),
        '›' => s(c, &['‹'], false, false),
        '「' => s(c, &['」'], true, false),
        '『' => s(c, &['』'], true, false),
        '‘' => s(c, &['’'], false, true),
        '‚' => s(c, &['‘', '’'], false, true),
        '\'' => s(c, &['\'', '’'], false, true),
        _ => None,
    }
}

/// Every quotation of a text cut into `paragraphs` (as [`crate::sentences::paragraphs`] cuts
/// it), in order. Quotations nested in another are part of its words, not listed.
#[allow(clippy::single_range_in_vec_init)] // a list of parts that has one
pub fn quotations(text: &str, paragraphs: &[Range<usize>]) -> Vec<Quotation> {
    let mut out = Vec::new();
    let Some(first) = paragraphs.first() else {
        return out;
    };
    let (mut p, mut at) = (0, first.start);
    while p < paragraphs.len() {
        let Some((open_at, st)) = next_opener(text, at, paragraphs[p].end) else {
            p += 1;
            at = paragraphs.get(p).map_or(0, |r| r.start);
            continue;
        };
        let body = open_at + st.open.len_utf8();
        match find_close(text, st, body, paragraphs[p].end) {
            Close::At(close_at, len) => {
                out.extend(quotation(
                    text,
                    vec![body..close_at],
                    open_at..close_at + len,
                    true,
                ));
                at = close_at + len;
            }
            Close::Restart(next) => {
                // A new opening mark of the same kind: this one was never closed.
                out.extend(quotation(text, vec![body..next], open_at..next, false));
                at = next;
            }
            Close::None => {
                // Runs to the end of the paragraph: it goes on while the next paragraphs reopen
                // with the same mark.
                let mut parts = vec![body..paragraphs[p].end];
                let (mut end, mut end_p, mut closed) = (paragraphs[p].end, p, false);
                while let Some(next) = paragraphs.get(end_p + 1) {
                    if !text[next.clone()].starts_with(st.open) {
                        break;
                    }
                    end_p += 1;
                    let body = next.start + st.open.len_utf8();
                    match find_close(text, st, body, next.end) {
                        Close::At(close_at, len) => {
                            parts.push(body..close_at);
                            end = close_at + len;
                            closed = true;
                            break;
                        }
                        Close::Restart(at) => {
                            parts.push(body..at);
                            end = at;
                            break;
                        }
                        Close::None => {
                            parts.push(body..next.end);
                            end = next.end;
                        }
                    }
                }
                if parts.len() == 1 && st.single {
                    // An unclosed single quote was an apostrophe: read on after it.
                    at = body;
                    continue;
                }
                out.extend(quotation(text, parts, open_at..end, closed));
                p = end_p;
                at = end;
            }
        }
    }
    out
}

/// A quotation of these parts, trimmed; `None` when no part holds a letter or digit.
fn quotation(
    text: &str,
    parts: Vec<Range<usize>>,
    outer: Range<usize>,
    closed: bool,
) -> Option<Quotation> {
    let parts: Vec<Range<usize>> = parts
        .into_iter()
        .map(|r| trim(text, r))
        .filter(|r| text[r.clone()].chars().any(char::is_alphanumeric))
        .collect();
    (!parts.is_empty()).then_some(Quotation {
        parts,
        outer,
        closed,
    })
}

/// The next mark in `text[from..to]` that opens a quotation where it stands.
fn next_opener(text: &str, from: usize, to: usize) -> Option<(usize, Style)> {
    let s = &text[from..to];
    for (i, c) in s.char_indices() {
        let Some(st) = style(c) else { continue };
        let at = from + i;
        if opens_here(text, at, c, to) {
            return Some((at, st));
        }
    }
    None
}

/// Whether the mark `c` at `at` stands where a quotation opens: after the start, white space, an
/// opening bracket, a dash or another mark, and before a word (guillemets may have a space
/// inside).
fn opens_here(text: &str, at: usize, c: char, to: usize) -> bool {
    let before = text[..at].chars().next_back();
    let after = text[at + c.len_utf8()..to].chars().next();
    let before_ok = before.is_none_or(|b| {
        b.is_whitespace()
            || matches!(b, '(' | '[' | '{' | '—' | '–' | '-' | '/' | ':' | ';')
            || style(b).is_some()
    });
    let spaced = matches!(c, '«' | '»' | '‹' | '›' | '「' | '『');
    let after_ok = after.is_some_and(|a| {
        if a.is_whitespace() {
            spaced
        } else {
            a.is_alphanumeric() || !matches!(a, ',' | '.' | ';' | ':' | ')' | ']')
        }
    });
    // A straight single quote before a digit is an elision (`'90s`).
    let elision = c == '\'' && after.is_some_and(|a| a.is_ascii_digit());
    before_ok && after_ok && !elision
}

/// Where a quotation opened with `st` closes.
enum Close {
    /// The closing mark at this offset, and its length.
    At(usize, usize),
    /// Not closed: a new quotation opens at this offset with the same mark.
    Restart(usize),
    /// Not closed before `to`.
    None,
}

fn find_close(text: &str, st: Style, from: usize, to: usize) -> Close {
    let s = &text[from..to];
    let mut depth = 0usize;
    let mut possessive: Option<usize> = None;
    for (i, c) in s.char_indices() {
        let at = from + i;
        if st.close.contains(&c) {
            let before = text[..at].chars().next_back();
            let after = text[at + c.len_utf8()..].chars().next();
            if st.open == c && st.close == [c] {
                // Straight or Swedish marks: a mark that clearly opens is a new quotation.
                let clearly_opens = before.is_some_and(char::is_whitespace)
                    && after.is_some_and(char::is_alphanumeric);
                if clearly_opens && c == '"' {
                    return Close::Restart(at);
                }
            }
            if st.single {
                // An apostrophe inside a word (`don’t`) or after a space closes nothing.
                if before.is_none_or(char::is_whitespace)
                    || after.is_some_and(char::is_alphanumeric)
                {
                    continue;
                }
                // `the workers’ rights`: a plural possessive, if a later mark can close instead.
                let plural = before.is_some_and(|b| b == 's' || b == 'S');
                let word_follows = text[at + c.len_utf8()..]
                    .trim_start()
                    .chars()
                    .next()
                    .is_some_and(char::is_lowercase)
                    && after.is_some_and(char::is_whitespace);
                if plural && word_follows {
                    possessive.get_or_insert(at);
                    continue;
                }
            }
            if depth == 0 {
                return Close::At(at, c.len_utf8());
            }
            depth -= 1;
            continue;
        }
        if c == st.open && opens_here(text, at, c, to) {
            if st.nests {
                depth += 1;
            } else if !st.single {
                return Close::Restart(at);
            }
        }
    }
    match possessive {
        Some(at) => Close::At(at, text[at..].chars().next().map_or(1, char::len_utf8)),
        None => Close::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sentences::paragraphs;

    fn found(text: &str) -> Vec<Vec<&str>> {
        quotations(text, &paragraphs(text))
            .into_iter()
            .map(|q| q.parts.into_iter().map(|r| &text[r]).collect())
            .collect()
    }

    #[test]
    fn every_style_pairs() {
        let cases: &[(&str, &[&[&str]])] = &[
            ("“We will win,” she said.", &[&["We will win,"]]),
            ("\"We will win,\" she said.", &[&["We will win,"]]),
            ("‘We will win,’ she said.", &[&["We will win,"]]),
            ("'We will win,' she said.", &[&["We will win,"]]),
            ("« Nous gagnerons », dit-elle.", &[&["Nous gagnerons"]]),
            ("»Wir siegen«, sagte sie.", &[&["Wir siegen"]]),
            ("„Wir siegen“, sagte sie.", &[&["Wir siegen"]]),
            ("„Wir siegen”, sagte sie.", &[&["Wir siegen"]]),
            ("‚Wir siegen‘, sagte sie.", &[&["Wir siegen"]]),
            ("「勝つ」と彼女は言った。", &[&["勝つ"]]),
            (
                "“He called it ‘madness’,” she said.",
                &[&["He called it ‘madness’,"]],
            ),
            (
                "‘He called it “madness”,’ she said.",
                &[&["He called it “madness”,"]],
            ),
            (
                "“One,” she said, “two.” Then “three.”",
                &[&["One,"], &["two."], &["three."]],
            ),
            ("« un « deux » trois »", &[&["un « deux » trois"]]),
        ];
        crate::testing::table(cases, found);
    }

    #[test]
    fn apostrophes_are_not_quotations() {
        let cases: &[(&str, &[&[&str]])] = &[
            ("It’s the workers’ day, isn’t it?", &[]),
            ("In the '90s it was Kazakhstan’s.", &[]),
            (
                "‘It is the workers’ turn,’ she said.",
                &[&["It is the workers’ turn,"]],
            ),
            ("A 5\" screen and rock 'n' roll", &[&["n"]]),
        ];
        crate::testing::table(cases, found);
    }

    #[test]
    fn a_quotation_reopens_at_each_paragraph() {
        let text =
            "“First paragraph.\n\n“Second paragraph.\n\n“Third,” she said. “Next.”\n\nAfter.";
        assert_eq!(
            found(text),
            [
                vec!["First paragraph.", "Second paragraph.", "Third,"],
                vec!["Next."]
            ]
        );
        let straight = "\"One.\n\n\"Two,\" he said.\n\n\"Three.\"";
        assert_eq!(found(straight), [vec!["One.", "Two,"], vec!["Three."]]);
        let guillemets = "« Un.\n\n« Deux. »";
        assert_eq!(found(guillemets), [vec!["Un.", "Deux."]]);
    }

    #[test]
    fn unclosed_quotations_end_with_their_paragraph() {
        let text = "“Never closed, she said.\n\nA new paragraph “here”.";
        assert_eq!(found(text), [vec!["Never closed, she said."], vec!["here"]]);
        let restart = "“one “two” three";
        assert_eq!(found(restart), [vec!["one"], vec!["two"]]);
        let q = &quotations(text, &paragraphs(text))[0];
        assert!(!q.closed);
    }
}
