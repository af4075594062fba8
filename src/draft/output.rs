//! A draft as a fact file (YAML that `kz check` accepts as it stands) or as candidates for a
//! program (JSON objects): record ids, scalars quoted where YAML needs it, comments for what
//! cannot yet be a record.

use super::attribution::{Who, normalise_space};
use super::mentions::Guess;
use super::{Candidate, Draft, Status};
use crate::model::{Base, EntityRef, Kind};
use crate::names::{kebab, normalise};
use std::collections::HashSet;
use std::fmt::Write as _;

/// The source the drafts cite.
#[derive(Debug, Clone)]
pub struct Cited {
    pub id: String,
    /// The path the text was read from, when given as one.
    pub path: Option<String>,
    /// The published date, as written, if known.
    pub published: Option<String>,
    /// A source record to declare with the drafts, when the base has none for this text.
    pub new: Option<NewSource>,
}

/// A source record the draft declares.
#[derive(Debug, Clone)]
pub struct NewSource {
    pub title: String,
    /// The path to the text, relative to where the draft is to be saved.
    pub text: String,
    /// The folder the draft must be saved in for `text` to be right.
    pub save_in: String,
}

/// How wide YAML lines may grow before a long scalar is folded.
const WIDTH: usize = 80;

/// The id of each candidate's record: kebab-case, from its speaker and first words, and unique
/// in the base and among the drafts (and the source the draft declares).
pub fn ids(base: &Base, draft: &Draft, cited: &Cited) -> Vec<String> {
    let mut taken: HashSet<String> = HashSet::new();
    if cited.new.is_some() {
        taken.insert(cited.id.clone());
    }
    draft
        .candidates
        .iter()
        .map(|c| {
            let who = match (c.speaker, c.candidates.first()) {
                (Some(r), _) => speaker_key(base, r),
                (None, Some(Who::Named(n, _))) => last_word(n),
                _ => "quote".to_string(),
            };
            let words: Vec<String> = normalise(&c.text)
                .split(' ')
                .filter(|w| !w.is_empty() && !STOP.contains(w))
                .take(4)
                .map(String::from)
                .collect();
            let mut id = if words.is_empty() {
                who
            } else {
                format!("{who}-{}", words.join("-"))
            };
            id = trim_id(&id, 60);
            unique(base, &mut taken, id)
        })
        .collect()
}

/// `nikol-pashinyan` → `pashinyan`; an organisation keeps its id's first three words.
fn speaker_key(base: &Base, r: EntityRef) -> String {
    match r.kind {
        Kind::Actor => last_word(base.label(r)),
        _ => base.id(r).split('-').take(3).collect::<Vec<_>>().join("-"),
    }
}

fn last_word(name: &str) -> String {
    let k = kebab(name);
    let w = k.rsplit('-').next().unwrap_or_default();
    if w.is_empty() {
        "quote".to_string()
    } else {
        w.to_string()
    }
}

/// An id cut to at most `max` bytes at a hyphen.
fn trim_id(id: &str, max: usize) -> String {
    if id.len() <= max {
        return id.to_string();
    }
    let cut = id[..max].rfind('-').unwrap_or(max);
    id[..cut].to_string()
}

fn unique(base: &Base, taken: &mut HashSet<String>, id: String) -> String {
    let id = if crate::names::is_kebab(&id) {
        id
    } else {
        "quote".to_string()
    };
    let free = |s: &str, taken: &HashSet<String>| !taken.contains(s) && base.lookup(s).is_none();
    let mut out = id.clone();
    let mut n = 2;
    while !free(&out, taken) {
        out = format!("{id}-{n}");
        n += 1;
    }
    taken.insert(out.clone());
    out
}

/// Words left out of ids.
const STOP: &[&str] = &[
    "a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "at", "for", "is", "are", "was",
    "were", "be", "been", "it", "its", "this", "that", "these", "those", "we", "i", "you", "he",
    "she", "they", "our", "my", "your", "his", "her", "their", "will", "would", "with", "as", "by",
    "from", "not", "have", "has", "had", "do", "does", "did", "so", "if", "what", "when", "there",
    "here", "all", "just", "very", "s", "t", "me", "us", "them", "can", "could", "about",
];

/// The draft as a fact file: a `quotes:` section of the records whose speaker is known, the
/// others and those the base already holds as comments, then the names the base lacks as
/// commented stubs.
pub fn yaml(base: &Base, draft: &Draft, text: &str, cited: &Cited) -> String {
    let ids = ids(base, draft, cited);
    let mut out = String::new();
    let (mut new, mut held, mut open) = (0, 0, 0);
    for c in &draft.candidates {
        match (c.status, c.speaker) {
            (Status::Recorded(_), _) => held += 1,
            (Status::New, Some(_)) => new += 1,
            (Status::New, None) => open += 1,
        }
    }
    let published = cited
        .published
        .as_deref()
        .map_or(String::from("no published date"), |p| {
            format!("published {p}")
        });
    let from = match (&cited.path, &cited.new) {
        (None, _) => format!("the text of source `{}`", cited.id),
        (Some(p), None) => format!("{}, the text of source `{}`", comment_safe(p), cited.id),
        (Some(p), Some(_)) => format!(
            "{}, declared below as source `{}`",
            comment_safe(p),
            cited.id
        ),
    };
    let _ = writeln!(
        out,
        "# Quote records drafted by `kz draft` from {from} ({published})."
    );
    let _ = writeln!(
        out,
        "# {}: {new} drafted, {held} already recorded, {open} with no speaker in the base \
         (commented out).",
        crate::text::plural(draft.candidates.len(), "quotation")
    );
    out.push_str("# Each record is a draft: read it against the text before you keep it.\n");
    if let Some(s) = &cited.new {
        let _ = writeln!(
            out,
            "# No source of the base has this text, so one is declared here; `text` is right \
             when this file is saved in {}.",
            comment_safe(&s.save_in)
        );
        out.push_str("sources:\n");
        let _ = writeln!(out, "  - id: {}", cited.id);
        field(&mut out, "    ", "title", &s.title);
        field(&mut out, "    ", "text", &s.text);
        field(
            &mut out,
            "    ",
            "notes",
            "Declared by kz draft; the title is the text's first line. Add publisher, \
             published and url.",
        );
    }
    out.push_str("quotes:\n");
    for (c, id) in draft.candidates.iter().zip(&ids) {
        out.push('\n');
        match (c.status, c.speaker) {
            (Status::Recorded(q), _) => {
                let _ = writeln!(
                    out,
                    "  # Already recorded as `{}`: {}",
                    base.id(EntityRef::quote(q)),
                    comment_safe(&crate::text::shorten(&c.text, 60))
                );
            }
            (Status::New, Some(speaker)) => {
                record(&mut out, "  ", c, id, base.id(speaker), text, cited);
            }
            (Status::New, None) => {
                let _ = writeln!(
                    out,
                    "  # No speaker in the base: {}.",
                    comment_safe(&how(c))
                );
                let listed = candidates(base, &c.candidates);
                if listed.is_empty() {
                    out.push_str("  # Candidates: none named nearby.\n");
                } else {
                    let _ = writeln!(out, "  # Candidates: {}.", comment_safe(&listed.join("; ")));
                }
                let mut stub = String::new();
                record(&mut stub, "", c, id, "SPEAKER", text, cited);
                for line in stub.lines() {
                    let _ = writeln!(out, "  # {line}");
                }
            }
        }
    }
    unknown(&mut out, draft, text, &cited.id);
    out
}

/// One quote record, indented by `pad`.
fn record(
    out: &mut String,
    pad: &str,
    c: &Candidate,
    id: &str,
    speaker: &str,
    text: &str,
    cited: &Cited,
) {
    let inner = format!("{pad}  ");
    let _ = writeln!(out, "{pad}- id: {id}");
    field(out, &inner, "speaker", speaker);
    field(out, &inner, "text", &c.text);
    field(out, &inner, "kind", "direct");
    if let Some(said) = &c.said {
        // An EDTF date reads back as itself, as the shipped files write dates.
        let _ = writeln!(out, "{inner}said: {said}");
    }
    field(out, &inner, "source", &cited.id);
    field(
        out,
        &inner,
        "evidence",
        &normalise_space(&text[c.sentence.clone()]),
    );
    field(out, &inner, "notes", &notes(c));
}

/// The notes of a drafted record: that it is a draft, and why its speaker and date.
fn notes(c: &Candidate) -> String {
    let mut out = format!("Drafted by kz draft. Speaker: {}.", how(c));
    if let Some(when) = &c.when {
        let _ = write!(out, " Said: {when}.");
    }
    out
}

fn how(c: &Candidate) -> String {
    if c.how.is_empty() {
        "no cue".to_string()
    } else {
        c.how.clone()
    }
}

/// Candidates as `id (Name)` for records and `Name (not in the base)` for names.
fn candidates(base: &Base, list: &[Who]) -> Vec<String> {
    list.iter()
        .filter_map(|w| match w {
            Who::Record(r) => Some(format!("{} ({})", base.id(*r), base.label(*r))),
            Who::Named(n, _) => Some(format!("{n} (not in the base)")),
            _ => None,
        })
        .collect()
}

/// The names the base lacks, as commented stubs of the section each seems to belong in.
fn unknown(out: &mut String, draft: &Draft, text: &str, source: &str) {
    if draft.unknown.is_empty() {
        return;
    }
    out.push_str(
        "\n# Names in the text that match no record of the base, each with the first sentence\n\
         # that has it (people, organisations and places as far as kz can tell).\n\
         # Uncomment and complete those worth keeping.\n",
    );
    let mut taken: HashSet<String> = HashSet::new();
    for (guess, section, extra) in [
        (Guess::Person, "actors", "description"),
        (Guess::Organisation, "organisations", "kind"),
        (Guess::Place, "places", "kind"),
    ] {
        let these: Vec<_> = draft.unknown.iter().filter(|u| u.guess == guess).collect();
        if these.is_empty() {
            continue;
        }
        let _ = writeln!(out, "#\n# {section}:");
        for u in these {
            let mut id = kebab(&u.name);
            if id.is_empty() {
                id = "name".into();
            }
            let base_id = id.clone();
            let mut n = 2;
            while !taken.insert(id.clone()) {
                id = format!("{base_id}-{n}");
                n += 1;
            }
            let mut stub = String::new();
            let _ = writeln!(stub, "  - id: {id}");
            field(&mut stub, "    ", "name", &u.name);
            field(&mut stub, "    ", extra, "TODO");
            field(&mut stub, "    ", "source", source);
            field(
                &mut stub,
                "    ",
                "evidence",
                &normalise_space(&text[u.sentence.clone()]),
            );
            for line in stub.lines() {
                let _ = writeln!(out, "# {line}");
            }
        }
    }
    let other: Vec<String> = draft
        .unknown
        .iter()
        .filter(|u| u.guess == Guess::Other)
        .map(|u| u.name.clone())
        .collect();
    if !other.is_empty() {
        let _ = writeln!(
            out,
            "#\n# Other names, of no kind kz can tell: {}.",
            comment_safe(&other.join(", "))
        );
    }
}

/// `key: value` on one line, or folded over several when long.
fn field(out: &mut String, pad: &str, key: &str, value: &str) {
    let _ = writeln!(
        out,
        "{pad}{key}: {}",
        scalar(value, pad.len() + key.len() + 2, pad)
    );
}

/// A YAML scalar that reads back as exactly `value`: plain where that is safe, folded (`>-`)
/// when long, single-quoted or, for control characters and line breaks, double-quoted.
pub fn scalar(value: &str, used: usize, pad: &str) -> String {
    let printable = value.chars().all(|c| {
        matches!(c, ' ' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
            || (' '..='~').contains(&c)
    }) && !value.contains(['\u{2028}', '\u{2029}', '\u{85}', '\u{feff}'])
        // Bidirectional overrides could disguise the text at a terminal: escaped, as kz shows
        // them everywhere.
        && !value.chars().any(crate::text::is_unsafe_control);
    let tidy = !value.is_empty() && value.trim() == value && !value.contains("  ") && printable;
    if !tidy {
        return double_quoted(value);
    }
    if used + value.chars().count() > WIDTH && value.contains(' ') {
        return folded(value, pad);
    }
    if is_plain_safe(value) {
        return value.to_string();
    }
    format!("'{}'", value.replace('\'', "''"))
}

/// Whether a string can be written plain and read back as the same string (not a number, a
/// boolean, null, a date, or anything with YAML syntax in it).
fn is_plain_safe(value: &str) -> bool {
    let first = value.chars().next().unwrap_or(' ');
    let indicator = "-?:,[]{}#&*!|>'\"%@`".contains(first);
    let lower = value.to_lowercase();
    let special = matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~" | "y" | "n"
    );
    let numeric = value
        .chars()
        .all(|c| c.is_ascii_digit() || "+-.:_eExXoObB".contains(c))
        || lower.starts_with(".inf")
        || lower.starts_with(".nan");
    !indicator
        && !special
        && !numeric
        && !value.contains(": ")
        && !value.contains(" #")
        && !value.ends_with(':')
}

/// A folded block scalar: lines broken at single spaces, which folding reads back as spaces.
fn folded(value: &str, pad: &str) -> String {
    let indent = format!("{pad}  ");
    let mut out = String::from(">-");
    let mut line = String::new();
    for word in value.split(' ') {
        if !line.is_empty()
            && indent.len() + line.chars().count() + 1 + word.chars().count() > WIDTH
        {
            out.push('\n');
            out.push_str(&indent);
            out.push_str(&line);
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push('\n');
    out.push_str(&indent);
    out.push_str(&line);
    out
}

/// A double-quoted scalar with every character YAML cannot hold raw escaped.
fn double_quoted(value: &str) -> String {
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20
                || (0x7f..0xa0).contains(&(c as u32))
                || crate::text::is_unsafe_control(c)
                || matches!(
                    c,
                    '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
                ) =>
            {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text for a comment line: one line, control characters escaped.
fn comment_safe(text: &str) -> String {
    let one = normalise_space(text);
    let mut out = String::new();
    for c in one.chars() {
        if crate::text::is_unsafe_control(c) || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

/// The keys of a candidate's JSON object, and the columns of its row, in order.
pub const KEYS: [&str; 9] = [
    "text",
    "speaker",
    "speaker_candidates",
    "said",
    "cue",
    "start",
    "end",
    "sentence",
    "status",
];

/// The candidates for a program: one object per quotation, with exactly the keys `text`,
/// `speaker` (an id or null), `speaker_candidates` (objects with `id`, null for a name the base
/// lacks, and `name`), `said`, `cue`, `start` and `end` (character offsets in the text, end
/// exclusive), `sentence` and `status` (`new`, or the id of the quote that holds it).
pub fn json(base: &Base, draft: &Draft, text: &str) -> Vec<serde_json::Value> {
    let mut bytes: Vec<usize> = draft
        .candidates
        .iter()
        .flat_map(|c| [c.at.start, c.at.end])
        .collect();
    bytes.sort_unstable();
    bytes.dedup();
    let chars = char_offsets(text, &bytes);
    let at = |b: usize| chars[bytes.binary_search(&b).unwrap_or(0)];
    draft
        .candidates
        .iter()
        .map(|c| {
            let listed: Vec<serde_json::Value> = c
                .candidates
                .iter()
                .filter_map(|w| match w {
                    Who::Record(r) => Some(serde_json::json!({
                        "id": base.id(*r),
                        "name": base.label(*r),
                    })),
                    Who::Named(n, _) => Some(serde_json::json!({"id": null, "name": n})),
                    _ => None,
                })
                .collect();
            serde_json::json!({
                "text": c.text,
                "speaker": c.speaker.map(|r| base.id(r)),
                "speaker_candidates": listed,
                "said": c.said,
                "cue": c.cue,
                "start": at(c.at.start),
                "end": at(c.at.end),
                "sentence": normalise_space(&text[c.sentence.clone()]),
                "status": status(base, c.status),
            })
        })
        .collect()
}

/// `new`, or the id of the quote that holds it.
pub fn status(base: &Base, s: Status) -> String {
    match s {
        Status::New => "new".into(),
        Status::Recorded(q) => base.id(EntityRef::quote(q)).to_string(),
    }
}

/// The char offset of each byte offset (sorted ascending), in one pass over the text.
fn char_offsets(text: &str, bytes: &[usize]) -> Vec<usize> {
    let mut out = Vec::with_capacity(bytes.len());
    let (mut chars, mut from) = (0usize, 0usize);
    for &b in bytes {
        let b = b.min(text.len());
        chars += text.get(from..b).map_or(0, |s| s.chars().count());
        from = b;
        out.push(chars);
    }
    out
}

/// Candidates as one cell each: `id` for records, the name for the others.
pub fn candidate_cells(base: &Base, c: &Candidate) -> Vec<String> {
    c.candidates
        .iter()
        .filter_map(|w| match w {
            Who::Record(r) => Some(base.id(*r).to_string()),
            Who::Named(n, _) => Some(n.clone()),
            _ => None,
        })
        .collect()
}

/// Char offsets of a candidate's words, for tables.
pub fn offsets(text: &str, c: &Candidate) -> (usize, usize) {
    let o = char_offsets(text, &[c.at.start, c.at.end]);
    (o[0], o[1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_read_back_as_written() {
        let long = "word ".repeat(40);
        let long = long.trim();
        let values = [
            "plain words",
            "We shouldn’t call all these people protesters",
            "yes",
            "2022-01-07",
            "1992",
            "- dash first",
            "a: colon",
            "hash # inside",
            "it's",
            "'quoted'",
            "\"double\"",
            "tab\there",
            "bell\u{7}",
            "line\u{2028}separator",
            "rtl\u{202e}override",
            " leading",
            "trailing ",
            "two  spaces",
            "",
            "~",
            "null",
            "@at",
            "%percent",
            "ends with colon:",
            long,
            "«Nous gagnerons» – „Wir siegen“ – 「勝つ」",
        ];
        for v in values {
            let yaml = format!("key: {}\n", scalar(v, 5, ""));
            let read: std::collections::BTreeMap<String, String> =
                serde_yaml::from_str(&yaml).unwrap_or_else(|e| panic!("{yaml}: {e}"));
            assert_eq!(read["key"], v, "{yaml}");
        }
        let nested = format!("a:\n  - key: {}\n", scalar(long, 9, "    "));
        let read: std::collections::BTreeMap<
            String,
            Vec<std::collections::BTreeMap<String, String>>,
        > = serde_yaml::from_str(&nested).unwrap();
        assert_eq!(read["a"][0]["key"], long);
    }

    #[test]
    fn ids_are_kebab_and_short() {
        assert_eq!(trim_id("a-b-c", 60), "a-b-c");
        assert_eq!(trim_id("abc-def-ghi", 8), "abc-def");
        assert_eq!(last_word("Jennifer Brick Murtazashvili"), "murtazashvili");
        assert_eq!(last_word("Тоқаев"), "tokaev");
        assert_eq!(last_word("!!"), "quote");
    }

    #[test]
    fn char_offsets_count_chars() {
        let text = "аб “cd”";
        let bytes = [0, 2, text.find('c').unwrap(), text.len()];
        assert_eq!(char_offsets(text, &bytes), [0, 1, 4, 7]);
    }
}
