//! Words and punctuation of a stretch of text, with their byte offsets, and the small word lists
//! the rules of drafting read: cue verbs, titles, function words, pronouns.

use std::ops::Range;

/// A word (letters and digits, with inner hyphens, apostrophes and the dots of `U.S.`) or one
/// punctuation mark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub at: Range<usize>,
    pub word: bool,
}

impl Token {
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        &text[self.at.clone()]
    }
}

/// The tokens of `text[range]`, with offsets into `text`. White space is dropped.
pub fn tokens(text: &str, range: Range<usize>) -> Vec<Token> {
    let s = &text[range.clone()];
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if !c.is_alphanumeric() {
            out.push(Token {
                at: range.start + at..range.start + at + c.len_utf8(),
                word: false,
            });
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < chars.len() {
            let c = chars[j].1;
            let joins = matches!(c, '\'' | '’' | '-' | '‐' | '.')
                && chars.get(j + 1).is_some_and(|n| n.1.is_alphanumeric());
            if c.is_alphanumeric() || is_mark(c) || joins {
                j += 1;
            } else {
                break;
            }
        }
        // `U.S.` keeps its last dot (single letters joined by dots), and so do titles
        // (`Dr.`, `Sen.`), which are never the end of a sentence.
        let word = &s[at..chars.get(j).map_or(s.len(), |c| c.0)];
        if chars.get(j).is_some_and(|c| c.1 == '.')
            && (is_initialism(word) || crate::sentences::is_title_abbreviation(word))
        {
            j += 1;
        }
        let end = chars.get(j).map_or(s.len(), |c| c.0);
        out.push(Token {
            at: range.start + at..range.start + end,
            word: true,
        });
        i = j;
    }
    out
}

fn is_mark(c: char) -> bool {
    unicode_normalization::char::is_combining_mark(c)
}

/// `U.S`, `L.A`, `a.m`: single letters joined by dots.
fn is_initialism(word: &str) -> bool {
    let parts: Vec<&str> = word.split('.').collect();
    parts.len() >= 2
        && parts
            .iter()
            .all(|p| p.chars().count() == 1 && p.chars().all(char::is_alphabetic))
}

/// A word without a possessive ending (`Tokayev’s` → `Tokayev`).
pub fn bare(word: &str) -> &str {
    for end in ["’s", "'s", "’S", "'S"] {
        if let Some(w) = word.strip_suffix(end) {
            return w;
        }
    }
    word
}

/// Whether a word ends in a possessive (`Tokayev’s`).
pub fn is_possessive(word: &str) -> bool {
    bare(word).len() != word.len()
}

/// Whether a word starts with a capital letter.
pub fn is_capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// Whether a word is written in capitals only (`NATO`, `AP`), with at least two letters.
pub fn is_acronym(word: &str) -> bool {
    let letters: Vec<char> = word.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase())
}

/// Whether `word` is one of the words of `list` (separated by white space).
fn listed(list: &str, word: &str) -> bool {
    list.split_whitespace().any(|w| w == word)
}

/// The word lower-cased, for looking up in the lists below.
pub fn lower(word: &str) -> String {
    word.to_lowercase().replace('’', "'")
}

/// Verbs (and verb phrases' first words) that attribute speech, in the forms news prose uses.
/// Forms that are more often nouns (`claims`, `states`, `calls`, `tweets`) are left out.
const CUE_VERBS: &str = "\
    say says said tell tells told add adds added ask asks asked write writes wrote warn warns \
    warned note notes noted explain explains explained stated declare declares declared announce \
    announces announced insist insists insisted argue argues argued claimed reply replies \
    replied respond responds responded continued remarked recall recalls recalled admit admits \
    admitted acknowledge acknowledges acknowledged concede concedes conceded observe observes \
    observed suggest suggests suggested caution cautions cautioned stress stresses stressed \
    emphasise emphasises emphasised emphasize emphasizes emphasized confirm confirms confirmed \
    deny denies denied tweeted posted shouted urge urges urged predict predicts predicted \
    testified promised vowed pledged boasted complained concluded described called dubbed termed \
    joked quipped exclaimed agreed recounted reiterated asserted maintained commented wondered \
    reported messaged texted captioned whispered muttered sighed countered retorted demanded \
    pleaded begged cried yelled screamed alleged charged contended objected protested reasoned \
    speculated summarised summarized surmised theorised theorized";

/// Participles that attribute what follows to the subject of the clause before them
/// (`…, saying the country had “not yet seen the peak”`).
const CUE_PARTICIPLES: &str = "\
    saying adding noting insisting arguing explaining stressing telling declaring warning";

/// Two-word cues whose second word is fixed: `according to`, `referred to`, `pointed out`.
const CUE_PAIRS: &[(&str, &str)] = &[
    ("according", "to"),
    ("referred", "to"),
    ("refers", "to"),
    ("referring", "to"),
    ("pointed", "out"),
    ("points", "out"),
    ("went", "on"),
    ("goes", "on"),
];

/// Whether tokens at `i` begin a cue, and how many tokens it takes.
pub fn cue_at(text: &str, toks: &[Token], i: usize) -> Option<usize> {
    let t = toks.get(i)?;
    if !t.word {
        return None;
    }
    let w = lower(t.text(text));
    let next = toks
        .get(i + 1)
        .filter(|t| t.word)
        .map(|t| lower(t.text(text)));
    if CUE_PAIRS
        .iter()
        .any(|(a, b)| *a == w && next.as_deref() == Some(*b))
    {
        return Some(2);
    }
    (listed(CUE_VERBS, &w) || listed(CUE_PARTICIPLES, &w)).then_some(1)
}

/// Whether a cue puts its speaker after it (`according to X`), not before.
pub fn cue_names_after(text: &str, toks: &[Token], i: usize) -> bool {
    toks.get(i)
        .is_some_and(|t| matches!(lower(t.text(text)).as_str(), "according"))
}

/// Subject pronouns, and the kind of speaker each stands for.
pub fn pronoun(word: &str) -> Option<Pronoun> {
    match lower(word).as_str() {
        "he" => Some(Pronoun::He),
        "she" => Some(Pronoun::She),
        "it" => Some(Pronoun::It),
        "they" => Some(Pronoun::They),
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pronoun {
    He,
    She,
    It,
    They,
}

/// Words between a subject and its verb that change nothing (`Ruiz later said`).
pub fn is_filler(word: &str) -> bool {
    let w = lower(word);
    (w.ends_with("ly") && w.len() > 4)
        || matches!(
            w.as_str(),
            "also"
                | "later"
                | "then"
                | "has"
                | "had"
                | "have"
                | "would"
                | "will"
                | "did"
                | "does"
                | "do"
                | "once"
                | "again"
                | "previously"
                | "recently"
                | "even"
                | "just"
                | "first"
                | "further"
                | "too"
                | "still"
                | "earlier"
                | "is"
                | "was"
                | "not"
                | "never"
                | "always"
                | "often"
        )
}

/// Titles and offices written before a name (`Mayor Ana Ruiz`), with the sex some imply.
pub fn title(word: &str) -> Option<Sex> {
    let w = lower(word.trim_end_matches('.'));
    let male = "\
        mr sir lord king prince father brother spokesman chairman councilman congressman \
        monsieur herr sultan emir sheikh";
    let female = "\
        mrs ms miss madam madame dame lady queen princess sister spokeswoman chairwoman \
        councilwoman congresswoman mme frau";
    if listed(male, &w) {
        return Some(Sex::Male);
    }
    if listed(female, &w) {
        return Some(Sex::Female);
    }
    const OTHER: &str = "\
        mx dr prof professor president vice prime minister mayor governor gov senator sen rep \
        representative secretary general gen colonel col captain capt lieutenant lt sergeant sgt \
        superintendent supt inspector insp chief deputy judge justice ambassador chancellor pope \
        reverend rev bishop archbishop cardinal officer detective det commissioner councillor \
        councilor chair director spokesperson speaker premier commander cmdr admiral adm marshal \
        major maj former acting interim executive senior coach manager head leader pastor rabbi \
        imam attorney dean rector principal sheriff constable corporal cpl private pvt foreign \
        defence defense interior finance health economy state mp mep ceo cfo coo chairperson \
        founder editor correspondent analyst economist researcher scholar expert lawyer activist \
        candidate nominee envoy diplomat delegate general-secretary secretary-general \
        deputy-mayor police fire";
    listed(OTHER, &w).then_some(Sex::Unknown)
}

/// What a title or a description says of a person's sex, for matching a pronoun.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sex {
    Male,
    Female,
    Unknown,
}

/// Lower-case words that may join the capitalised words of one name (`University of
/// Pittsburgh`, `Davis Center for Russian and Eurasian Studies`).
pub fn is_connector(word: &str) -> bool {
    matches!(
        word,
        "of" | "for"
            | "and"
            | "the"
            | "de"
            | "del"
            | "della"
            | "di"
            | "da"
            | "do"
            | "dos"
            | "das"
            | "van"
            | "von"
            | "der"
            | "den"
            | "la"
            | "le"
            | "du"
            | "al"
            | "el"
            | "bin"
            | "ibn"
            | "y"
            | "on"
            | "upon"
            | "in"
    )
}

/// Capitalised words that start sentences without being names (`The`, `In`, `While`).
pub fn is_function_word(word: &str) -> bool {
    const WORDS: &str = "\
        the a an in on at for of to from by with without like unlike while but and or yet so as \
        after before since when whenever if although though because it its he she they we i you \
        his her their our my your this that these those there here many some most another other \
        others what which who whom whose why how where less more once aside according speaking \
        writing asked still now then meanwhile however instead even also only just both each \
        every all no not none nor one two three several few much such than until unless whether \
        despite during under over about among between through across against toward towards \
        within amid amidst near inside outside beyond upon thus hence therefore indeed perhaps \
        maybe later earlier today yesterday tomorrow last next first finally yes oh well please \
        thanks thank dear do does did is are was were be been has have had can could will would \
        shall should may might must let let's it's there's that's we're i'm i've we've don't \
        isn't it'll";
    listed(WORDS, &lower(word))
}

/// Words that mark a name as an organisation's.
pub fn is_org_word(word: &str) -> bool {
    const WORDS: &str = "\
        university college school institute institution council committee commission ministry \
        department agency office bureau union party association federation foundation center \
        centre society league group company corporation corp inc ltd llc plc bank fund \
        organization organisation authority board court parliament assembly congress senate \
        government administration police army navy force forces guard service services news \
        times post press television radio channel network journal herald tribune gazette daily \
        media club church hospital alliance coalition movement front brigade command trust \
        partnership cooperative co-op airlines airways motors industries holdings systems \
        technologies labs laboratory studies academy museum library initiative project program \
        programme watch network cabinet secretariat directorate inspectorate prosecutor's \
        tribunal treaty pact fire";
    listed(WORDS, &lower(word))
}

/// Words that mark a name as a place's.
pub fn is_place_word(word: &str) -> bool {
    const WORDS: &str = "\
        city county province region republic island islands mountains mount river lake sea ocean \
        valley street avenue road square park bridge district oblast state kingdom emirates bay \
        gulf peninsula strait coast desert village town borough township prefecture canton \
        territory territories airport station harbour harbor port heights hills plaza boulevard \
        lane quarter";
    listed(WORDS, &lower(word))
}

/// Month names and their abbreviations, as month numbers.
pub fn month(word: &str) -> Option<u32> {
    let w = lower(word.trim_end_matches('.'));
    let months = [
        ("january", "jan"),
        ("february", "feb"),
        ("march", "mar"),
        ("april", "apr"),
        ("may", "may"),
        ("june", "jun"),
        ("july", "jul"),
        ("august", "aug"),
        ("september", "sep"),
        ("october", "oct"),
        ("november", "nov"),
        ("december", "dec"),
    ];
    months
        .iter()
        .position(|(full, short)| w == *full || w == *short || (w == "sept" && *short == "sep"))
        .map(|i| i as u32 + 1)
}

/// Day names, Monday first (0).
pub fn weekday(word: &str) -> Option<u32> {
    let w = lower(bare(word));
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ]
    .iter()
    .position(|d| *d == w)
    .map(|i| i as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        tokens(text, 0..text.len())
            .iter()
            .map(|t| t.text(text))
            .collect()
    }

    #[test]
    fn tokens_keep_names_whole() {
        let cases: &[(&str, &[&str])] = &[
            (
                "Kassym-Jomart Tokayev’s decision",
                &["Kassym-Jomart", "Tokayev’s", "decision"],
            ),
            (
                "“Yes,” she said.",
                &["“", "Yes", ",", "”", "she", "said", "."],
            ),
            ("the U.S. Embassy", &["the", "U.S.", "Embassy"]),
            ("in the U.S.", &["in", "the", "U.S."]),
            ("workers’ rights", &["workers", "’", "rights"]),
            ("Khabar 24,", &["Khabar", "24", ","]),
            ("don't", &["don't"]),
            ("said Dr. Lee.", &["said", "Dr.", "Lee", "."]),
            ("end.", &["end", "."]),
            ("", &[]),
        ];
        crate::testing::table(cases, words);
    }

    #[test]
    fn cues() {
        let cases = [
            ("said Ruiz", Some(1)),
            ("according to Ruiz", Some(2)),
            ("referred to it", Some(2)),
            ("according them", None),
            ("claims were", None),
            ("Ruiz", None),
        ];
        crate::testing::table(&cases, |s: &str| {
            let toks = tokens(s, 0..s.len());
            cue_at(s, &toks, 0)
        });
    }

    #[test]
    fn word_lists() {
        assert_eq!(bare("Tokayev’s"), "Tokayev");
        assert!(is_possessive("Ruiz's"));
        assert!(is_acronym("NATO") && !is_acronym("A") && !is_acronym("Nato"));
        assert_eq!(title("Mrs."), Some(Sex::Female));
        assert_eq!(title("Mayor"), Some(Sex::Unknown));
        assert_eq!(title("Ruiz"), None);
        assert_eq!(month("Sept."), Some(9));
        assert_eq!(month("may"), Some(5));
        assert_eq!(weekday("Tuesday’s"), Some(1));
        assert_eq!(pronoun("She"), Some(Pronoun::She));
    }
}
