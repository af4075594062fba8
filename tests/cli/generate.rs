//! A synthetic fact base written in Rust, in the shape `benches/gen.py` writes, so the tests
//! that need a large base using every kind of record and relation need no Python.
//!
//! Per 100 quotes there is one source (with its text file, so `kz check` verifies every direct
//! quote and every evidence sentence), 5 people, one organisation, one place and 5 events.
//! Records are named as gen.py names them (`Firstname12 Lastname12`, `Organisation 2 of
//! Examples`, `Placeville 3`, `quote-0000017`, ...); only the random words differ, as the two
//! use different generators. The output depends only on the number of quotes.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const WORDS: &[&str] = &[
    "troops",
    "alliance",
    "protest",
    "capital",
    "security",
    "council",
    "minister",
    "deployment",
    "border",
    "treaty",
    "president",
    "unrest",
    "fuel",
    "prices",
    "government",
    "buildings",
    "peacekeepers",
    "region",
    "observer",
    "status",
    "sovereignty",
    "policy",
    "investment",
    "reform",
    "military",
    "citizens",
    "statement",
    "interview",
];

const KINDS: [&str; 4] = [
    "military alliance",
    "news outlet",
    "university",
    "government body",
];

const CONTEXTS: [&str; 3] = ["interview", "press conference", "tweet"];

/// Sources per shard file: 10,000 quotes, as gen.py writes them.
const SOURCES_PER_SHARD: usize = 100;

/// xorshift64: deterministic, and enough to vary the words.
struct Rng(u64);

impl Rng {
    fn word(&mut self) -> &'static str {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        WORDS[(self.0 % WORDS.len() as u64) as usize]
    }

    /// `n` random words, the first capitalised.
    fn sentence(&mut self, n: usize) -> String {
        let words: Vec<&str> = (0..n).map(|_| self.word()).collect();
        let text = words.join(" ");
        let mut chars = text.chars();
        match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => text,
        }
    }
}

/// The month of the `i`th date: January 2021 to December 2022, round and round.
fn month(i: usize) -> (usize, usize) {
    (2021 + (i % 24) / 12, i % 12 + 1)
}

/// A YAML scalar: plain where gen.py writes it plain, else a JSON string (which YAML reads).
fn scalar(v: &str) -> String {
    let mut chars = v.chars();
    let plain_text = chars.next().is_some_and(|c| c.is_alphabetic())
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | ' ' | '.' | '-'))
        && !matches!(
            v.to_lowercase().as_str(),
            "yes" | "no" | "true" | "false" | "null" | "on" | "off" | "y" | "n"
        );
    let day = v.len() == 10
        && v.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if plain_text || day {
        v.to_string()
    } else {
        serde_json::to_string(v).expect("a string serialises")
    }
}

/// One record being written: `  - key: value` for its first field, `    key: value` after.
struct Record<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> Record<'a> {
    fn new(out: &'a mut String) -> Record<'a> {
        Record { out, first: true }
    }

    fn lead(&mut self) -> &'static str {
        if std::mem::replace(&mut self.first, false) {
            "  - "
        } else {
            "    "
        }
    }

    fn text(mut self, key: &str, value: &str) -> Self {
        let lead = self.lead();
        let _ = writeln!(self.out, "{lead}{key}: {}", scalar(value));
        self
    }

    fn int(mut self, key: &str, value: usize) -> Self {
        let lead = self.lead();
        let _ = writeln!(self.out, "{lead}{key}: {value}");
        self
    }

    fn list(mut self, key: &str, values: &[String]) -> Self {
        let lead = self.lead();
        let items: Vec<String> = values.iter().map(|v| scalar(v)).collect();
        let _ = writeln!(self.out, "{lead}{key}: [{}]", items.join(", "));
        self
    }

    /// A list of mappings, each given as its fields in order (values already YAML).
    fn items(mut self, key: &str, items: &[Vec<(&str, String)>]) -> Self {
        let lead = self.lead();
        let _ = writeln!(self.out, "{lead}{key}:");
        for item in items {
            for (i, (k, v)) in item.iter().enumerate() {
                let lead = if i == 0 { "      - " } else { "        " };
                let _ = writeln!(self.out, "{lead}{k}: {v}");
            }
        }
        self
    }
}

/// The records of one shard, section by section, as YAML text.
#[derive(Default)]
struct Shard {
    sources: String,
    actors: String,
    organisations: String,
    places: String,
    quotes: String,
    events: String,
}

impl Shard {
    fn text(&self) -> String {
        [
            ("sources", &self.sources),
            ("actors", &self.actors),
            ("organisations", &self.organisations),
            ("places", &self.places),
            ("quotes", &self.quotes),
            ("events", &self.events),
        ]
        .iter()
        .map(|(name, body)| format!("{name}:\n{body}"))
        .collect()
    }
}

/// Writes a base of `quotes` quotes into `out/facts/` and returns that folder.
pub fn base(quotes: usize, out: &Path) -> PathBuf {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d ^ quotes as u64);
    let n_sources = (quotes / 100).max(1);
    let mut shards: Vec<Shard> = (0..n_sources.div_ceil(SOURCES_PER_SHARD))
        .map(|_| Shard::default())
        .collect();
    let mut texts: Vec<Vec<String>> = vec![Vec::new(); n_sources];
    for s in 0..n_sources {
        let shard = &mut shards[s / SOURCES_PER_SHARD];
        let sid = format!("source-{s:06}");
        let place = format!("place-{s:06}");
        let org = format!("org-{s:06}");
        Record::new(&mut shard.sources)
            .text("id", &sid)
            .text("title", &format!("Report number {s} on the situation"))
            .text("publisher", &format!("Outlet {}", s % 50))
            .text("published", &format!("2022-01-{:02}", s % 28 + 1))
            .text("text", &format!("sources/{sid}.txt"));
        let mut p = Record::new(&mut shard.places)
            .text("id", &place)
            .text("name", &format!("Placeville {s}"))
            .list("aliases", &[format!("Пласвиль {s}")])
            .text("kind", if s % 10 != 0 { "city" } else { "country" });
        if s % 10 != 0 {
            p = p.text("part_of", &format!("place-{:06}", s / 10 * 10));
        }
        p.text("source", &sid);
        let members: Vec<Vec<(&str, String)>> = (0..3)
            .map(|k| vec![("member", format!("place-{:06}", (s + k) % n_sources))])
            .collect();
        Record::new(&mut shard.organisations)
            .text("id", &org)
            .text("name", &format!("Organisation {s} of Examples"))
            .list("aliases", &[format!("OE{s}")])
            .text("kind", KINDS[s % 4])
            .int("founded", 1990 + s % 30)
            .text("based_in", &place)
            .items("members", &members)
            .text("source", &sid);
        for a in 0..5 {
            let i = s * 5 + a;
            let evidence =
                format!("Actor {i} is a member of the staff of Organisation {s} of Examples.");
            texts[s].push(evidence.clone());
            let role = vec![
                ("title", scalar("Staff member")),
                ("org", scalar(&org)),
                ("since", (2015 + a).to_string()),
                ("evidence", scalar(&evidence)),
            ];
            Record::new(&mut shard.actors)
                .text("id", &format!("actor-{i:07}"))
                .text("name", &format!("Firstname{i} Lastname{i}"))
                .list("aliases", &[format!("Lastname{i}"), format!("Фамилия{i}")])
                .text("description", &rng.sentence(6))
                .text("nationality", &place)
                .items("roles", &[role])
                .text("source", &sid);
        }
        for e in 0..5 {
            let (y, m) = month(s + e);
            Record::new(&mut shard.events)
                .text("id", &format!("event-{:07}", s * 5 + e))
                .text("date", &format!("{y}-{m:02}-{:02}", e + 1))
                .text("title", &rng.sentence(6))
                .list(
                    "involving",
                    &[format!("actor-{:07}", s * 5 + e), org.clone()],
                )
                .list("places", std::slice::from_ref(&place))
                .text("source", &sid);
        }
    }
    for q in 0..quotes {
        let s = (q / 100).min(n_sources - 1);
        let sid = format!("source-{s:06}");
        let text = format!("{} number {q}", rng.sentence(11));
        let direct = q % 3 != 0;
        if direct {
            texts[s].push(format!("“{text},” said the speaker."));
        }
        let (y, m) = month(q);
        Record::new(&mut shards[s / SOURCES_PER_SHARD].quotes)
            .text("id", &format!("quote-{q:07}"))
            .text("speaker", &format!("actor-{:07}", s * 5 + q % 5))
            .text("text", &text)
            .text("kind", if direct { "direct" } else { "reported" })
            .text("said", &format!("{y}-{m:02}-{:02}", q % 28 + 1))
            .text("context", CONTEXTS[q % 3])
            .list("about", &[format!("org-{s:06}"), format!("place-{s:06}")])
            .text("source", &sid);
    }
    let facts = out.join("facts");
    std::fs::create_dir_all(facts.join("sources")).expect("create the fact folder");
    for (s, lines) in texts.iter().enumerate() {
        let path = facts.join(format!("sources/source-{s:06}.txt"));
        std::fs::write(path, lines.join("\n") + "\n").expect("write a source text");
    }
    for (i, shard) in shards.iter().enumerate() {
        let path = facts.join(format!("shard-{i:04}.yaml"));
        std::fs::write(path, shard.text()).expect("write a shard");
    }
    facts
}

#[test]
fn the_generated_base_is_clean_and_named_as_gen_py_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let facts = base(250, dir.path());
    let check = crate::support::Kz::new()
        .args(["--facts", &facts.display().to_string(), "check"])
        .run()
        .success();
    assert_eq!(
        check.stdout,
        "ok: 2 sources, 10 actors, 2 organisations, 2 places, 250 quotes, 10 events in 1 file\n"
    );
    let who = crate::support::json(&[
        "--facts",
        &facts.display().to_string(),
        "who",
        "Firstname7 Lastname7",
    ]);
    assert_eq!(who[0]["id"], "actor-0000007");
    assert_eq!(who[0]["roles"][0]["org"], "org-000001");
}
