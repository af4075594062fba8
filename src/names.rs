//! Names: normalise across case, accents and script, match a query to records, suggest on a miss.

use crate::model::{Base, EntityRef, Kind};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Folds Kazakh-only Cyrillic letters to the Russian letters that stand for them in Russian
/// spellings, so `Тоқаев` and `Токаев` meet before transliteration.
fn fold_kazakh(c: char) -> char {
    match c {
        'қ' | 'Қ' => 'к',
        'ғ' | 'Ғ' => 'г',
        'ң' | 'Ң' => 'н',
        'ү' | 'Ү' | 'ұ' | 'Ұ' => 'у',
        'ә' | 'Ә' => 'а',
        'ө' | 'Ө' => 'о',
        'і' | 'І' => 'и',
        'һ' | 'Һ' => 'х',
        'ё' | 'Ё' => 'е',
        other => other,
    }
}

/// The comparable form of a name: lowercase ASCII words separated by single spaces.
/// Case, accents, punctuation and script (by transliteration) are gone.
pub fn normalise(text: &str) -> String {
    // ASCII needs no folding or transliteration: the common case, and the fast one.
    let ascii = if text.is_ascii() {
        text.replace('\'', "")
    } else {
        let folded: String = text
            .chars()
            .map(fold_kazakh)
            .nfkd()
            .filter(|c| !is_combining_mark(*c))
            .collect();
        // Apostrophes mark sounds in romanisations (Armenian P'ashinyan), not word breaks.
        any_ascii::any_ascii(&folded).replace('\'', "")
    };
    let mut out = String::with_capacity(ascii.len());
    for word in ascii
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().map(|c| c.to_ascii_lowercase()));
    }
    out
}

/// [`normalise`] done char by char, so a match in the folded text can be mapped back: the
/// folded string, and for each of its bytes the index of the char of `text` it came from.
pub fn fold_with_offsets(text: &str) -> (String, Vec<usize>) {
    let mut folded = String::with_capacity(text.len());
    let mut owner = Vec::with_capacity(text.len());
    let mut buf = [0u8; 4];
    for (i, c) in text.chars().enumerate() {
        let one = normalise(fold_kazakh(c).encode_utf8(&mut buf));
        if one.is_empty() {
            if !folded.is_empty() && !folded.ends_with(' ') {
                folded.push(' ');
                owner.push(i);
            }
            continue;
        }
        owner.extend(std::iter::repeat_n(i, one.len()));
        folded.push_str(&one);
    }
    (folded, owner)
}

/// A looser form that also forgets the usual differences between romanisations of the same
/// Russian or Kazakh name: `Tokayev`/`Tokaev`, `Andrei`/`Andrey`, `Kassym`/`Kasym`.
pub fn loose(normalised: &str) -> String {
    let bytes = normalised.as_bytes();
    let vowel = |b: u8| matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y');
    let mut out = String::with_capacity(normalised.len());
    let mut prev: Option<u8> = None;
    for (i, &b) in bytes.iter().enumerate() {
        let next = bytes.get(i + 1).copied();
        let c = match b {
            // "ayev" → "aev": the y between vowels is a romanisation choice.
            b'y' if prev.is_some_and(vowel) && next.is_some_and(vowel) => continue,
            // "Andrei" / "Andrey" at the end of a word.
            b'y' if prev.is_some_and(vowel) && next.is_none_or(|n| n == b' ') => b'i',
            b'j' => b'y',
            other => other,
        };
        // Doubled letters: "Kassym"/"Kasym", "Nazarbayev"/"Nazarbaev" after the y drop.
        if Some(c) == prev && c != b' ' {
            continue;
        }
        out.push(c as char);
        prev = Some(c);
    }
    out
}

/// Whether `id` is kebab-case: lowercase ASCII letters and digits in words joined by single hyphens.
pub fn is_kebab(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// The kebab-case form of any text (`Andrey Serdyukov` → `andrey-serdyukov`).
pub fn kebab(text: &str) -> String {
    normalise(text).replace(' ', "-")
}

/// The candidate most like `query`, if any is close enough to suggest.
pub fn closest<'a>(query: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let q = normalise(query);
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(&q, &normalise(c));
        if score >= 0.8 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

/// How well a record matched; lower is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Tier {
    Id,
    Exact,
    Loose,
    Words,
}

/// What a name query found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// Every record that matched at the best tier, in base order.
    Matches(Vec<EntityRef>),
    /// Nothing matched; maybe a close name to suggest.
    Miss { suggestion: Option<String> },
}

/// Finds the records of `kinds` that `query` names: by id, name or alias, ignoring case, accents
/// and script; exact matches beat romanisation variants, which beat single-word matches.
pub fn find(base: &Base, query: &str, kinds: &[Kind]) -> Found {
    let q_id = query.trim().to_lowercase();
    let q_norm = normalise(query);
    let q_loose = loose(&q_norm);
    let q_words: Vec<&str> = q_loose.split(' ').filter(|w| !w.is_empty()).collect();
    let mut best: Option<Tier> = None;
    let mut hits: Vec<EntityRef> = Vec::new();
    let candidates = base.all().filter(|r| kinds.contains(&r.kind));
    for r in candidates {
        let Some(tier) = match_tier(base, r, &q_id, &q_norm, &q_loose, &q_words) else {
            continue;
        };
        match best {
            Some(b) if tier > b => {}
            Some(b) if tier == b => hits.push(r),
            _ => {
                best = Some(tier);
                hits.clear();
                hits.push(r);
            }
        }
    }
    if hits.is_empty() {
        Found::Miss {
            suggestion: suggest(base, query, kinds),
        }
    } else {
        Found::Matches(hits)
    }
}

fn match_tier(
    base: &Base,
    r: EntityRef,
    q_id: &str,
    q_norm: &str,
    q_loose: &str,
    q_words: &[&str],
) -> Option<Tier> {
    if base.id(r) == q_id {
        return Some(Tier::Id);
    }
    if q_norm.is_empty() {
        return None;
    }
    let labels = std::iter::once(base.label(r)).chain(base.aliases(r).iter().map(|a| a.as_str()));
    let mut best: Option<Tier> = None;
    for label in labels {
        let norm = normalise(label);
        let tier = if norm == q_norm {
            Tier::Exact
        } else {
            let l = loose(&norm);
            if l == q_loose {
                Tier::Loose
            } else if !q_words.is_empty() && q_words.iter().all(|w| l.split(' ').any(|x| x == *w)) {
                Tier::Words
            } else {
                continue;
            }
        };
        best = Some(best.map_or(tier, |b| b.min(tier)));
        if tier == Tier::Exact {
            break;
        }
    }
    best
}

/// A name to offer after a miss: the record whose id, name, alias or word is most like the query.
fn suggest(base: &Base, query: &str, kinds: &[Kind]) -> Option<String> {
    let q = normalise(query);
    if q.is_empty() {
        return None;
    }
    let mut best: Option<(f64, EntityRef)> = None;
    for r in base.all().filter(|r| kinds.contains(&r.kind)) {
        let labels = std::iter::once(base.label(r))
            .chain(base.aliases(r).iter().map(|a| a.as_str()))
            .chain(std::iter::once(base.id(r)));
        for label in labels {
            let norm = normalise(label);
            let score = std::iter::once(norm.as_str())
                .chain(norm.split(' '))
                .map(|w| strsim::jaro_winkler(&q, w))
                .fold(0.0, f64::max);
            if score >= 0.8 && best.is_none_or(|(s, _)| score > s) {
                best = Some((score, r));
            }
        }
    }
    best.map(|(_, r)| base.label(r).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_cases() {
        let cases = [
            ("Kassym-Jomart Tokayev", "kassym jomart tokayev"),
            ("TOKAYEV", "tokayev"),
            ("Токаев", "tokaev"),
            ("Тоқаев", "tokaev"),
            ("Қасым-Жомарт Тоқаев", "kasym zhomart tokaev"),
            ("Нұрсұлтан Назарбаев", "nursultan nazarbaev"),
            ("Нур-Султан", "nur sultan"),
            ("Нұр-Сұлтан", "nur sultan"),
            ("ОДКБ", "odkb"),
            ("Ümit Çelik", "umit celik"),
            ("Nikol Pashinyan", "nikol pashinyan"),
            ("Նիկոլ Փաշինյան", "nikol pashinyan"),
            ("  spaced   out ", "spaced out"),
            ("Ёлка", "elka"),
            ("ｆｕｌｌｗｉｄｔｈ", "fullwidth"),
            ("", ""),
            ("!!!", ""),
        ];
        for (input, want) in cases {
            assert_eq!(normalise(input), want, "{input}");
        }
    }

    #[test]
    fn folding_keeps_offsets() {
        let (folded, owner) = fold_with_offsets("Хабар 24, ok");
        assert_eq!(folded, "khabar 24 ok");
        assert_eq!(owner.len(), folded.len());
        assert_eq!(owner[0], 0, "kh comes from Х");
        assert_eq!(owner[1], 0);
        assert_eq!(owner[2], 1);
        assert_eq!(owner[folded.find("24").unwrap()], 6);
        assert_eq!(owner[folded.find("ok").unwrap()], 10);
    }

    #[test]
    fn loose_cases() {
        let cases = [
            ("tokayev", "tokaev"),
            ("tokaev", "tokaev"),
            ("nazarbayev", "nazarbaev"),
            ("andrei serdyukov", "andrei serdyukov"),
            ("andrey serdyukov", "andrei serdyukov"),
            ("kassym jomart", "kasym yomart"),
            ("kasym zhomart", "kasym zhomart"),
            ("abayev", "abaev"),
        ];
        for (input, want) in cases {
            assert_eq!(loose(input), want, "{input}");
        }
    }

    #[test]
    fn kebab_cases() {
        let good = ["andrey-serdyukov", "csto", "event-2022-01-05", "a1"];
        let bad = [
            "",
            "Andrey",
            "andrey_serdyukov",
            "andrey--s",
            "-a",
            "a-",
            "a b",
            "é",
        ];
        for id in good {
            assert!(is_kebab(id), "{id}");
        }
        for id in bad {
            assert!(!is_kebab(id), "{id}");
        }
        assert_eq!(kebab("Andrey Serdyukov"), "andrey-serdyukov");
        assert_eq!(kebab("Тоқаев"), "tokaev");
    }

    #[test]
    fn closest_cases() {
        let names = crate::model::SECTIONS;
        assert_eq!(closest("quote", names), Some("quotes"));
        assert_eq!(closest("organizations", names), Some("organisations"));
        assert_eq!(closest("zzz", names), None);
    }
}
