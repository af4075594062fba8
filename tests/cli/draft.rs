//! `kz draft`: measured against gold sets (the shipped article's direct quotes, and the reports
//! of `tests/fixtures/draft/`), and its YAML held to `kz check` once saved into a copy of the
//! base.

use crate::support::{Kz, fixture, root};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// One quote of a gold set.
#[derive(Debug, Clone)]
struct Gold {
    id: String,
    speaker: String,
    text: String,
    said: Option<String>,
}

/// The direct quotes of a fact file.
fn gold(path: &Path) -> Vec<Gold> {
    let text = std::fs::read_to_string(path).unwrap();
    let yaml: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let field = |q: &serde_yaml::Value, k: &str| -> Option<String> {
        match q.get(k)? {
            serde_yaml::Value::String(s) => Some(s.clone()),
            other => serde_yaml::to_string(other)
                .ok()
                .map(|s| s.trim().to_string()),
        }
    };
    yaml.get("quotes")
        .and_then(|q| q.as_sequence())
        .into_iter()
        .flatten()
        .filter(|q| field(q, "kind").is_none_or(|k| k == "direct"))
        .map(|q| Gold {
            id: field(q, "id").unwrap(),
            speaker: field(q, "speaker").unwrap(),
            text: field(q, "text").unwrap(),
            said: field(q, "said"),
        })
        .collect()
}

/// Text as a quotation is compared: white space folded, curly quotes straight, no punctuation
/// at the ends.
fn fold(text: &str) -> String {
    let straight: String = text
        .chars()
        .map(|c| match c {
            '‘' | '’' => '\'',
            '“' | '”' | '„' => '"',
            c => c,
        })
        .collect();
    let words = straight.split_whitespace().collect::<Vec<_>>().join(" ");
    words
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_string()
}

/// Whether a drafted text is a gold text: one holds the other, or every piece between the
/// gold's elisions is in the draft, in order.
fn same_quote(drafted: &str, gold: &str) -> bool {
    let (d, g) = (fold(drafted), fold(gold));
    if d.contains(&g) || g.contains(&d) {
        return true;
    }
    let mut rest = d.as_str();
    for piece in g.split(['…']).map(fold).filter(|p| !p.is_empty()) {
        match rest.find(&piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    true
}

/// How a draft compares with a gold set.
#[derive(Debug, Default)]
struct Figures {
    gold: usize,
    drafted: usize,
    /// Drafted quotations that are gold ones (or that name the base record holding one).
    matched: usize,
    /// Of those, with the gold speaker (or, for a speaker the base lacks, none).
    speakers: usize,
    /// Of those, with the gold date (or none where the gold has none).
    dates: usize,
}

impl Figures {
    fn precision(&self) -> f64 {
        self.matched as f64 / self.drafted.max(1) as f64
    }
    fn recall(&self) -> f64 {
        self.matched as f64 / self.gold.max(1) as f64
    }
    fn speaker_accuracy(&self) -> f64 {
        self.speakers as f64 / self.matched.max(1) as f64
    }
    fn date_accuracy(&self) -> f64 {
        self.dates as f64 / self.matched.max(1) as f64
    }
    fn report(&self, what: &str) {
        println!(
            "kz draft on {what}: {} gold, {} drafted, {} matched: span precision {:.2}, recall \
             {:.2}; speaker {}/{} ({:.2}); date {}/{} ({:.2})",
            self.gold,
            self.drafted,
            self.matched,
            self.precision(),
            self.recall(),
            self.speakers,
            self.matched,
            self.speaker_accuracy(),
            self.dates,
            self.matched,
            self.date_accuracy()
        );
    }
}

/// Compares candidates (`kz draft -f json`) with a gold set; `known` are the speaker ids the
/// base has. A candidate the base already holds matches the gold quote of that id.
fn measure(candidates: &[Value], gold: &[Gold], known: &dyn Fn(&str) -> bool) -> Figures {
    let mut f = Figures {
        gold: gold.len(),
        drafted: candidates.len(),
        ..Figures::default()
    };
    let mut used = vec![false; gold.len()];
    for c in candidates {
        let text = c["text"].as_str().unwrap();
        let status = c["status"].as_str().unwrap();
        let hit = (0..gold.len()).find(|&i| {
            !used[i]
                && if status == "new" {
                    same_quote(text, &gold[i].text)
                } else {
                    gold[i].id == status
                }
        });
        let Some(i) = hit else { continue };
        used[i] = true;
        f.matched += 1;
        let g = &gold[i];
        let speaker = c["speaker"].as_str();
        let right_speaker = if known(&g.speaker) {
            speaker == Some(g.speaker.as_str())
        } else {
            speaker.is_none()
        };
        f.speakers += usize::from(right_speaker);
        f.dates += usize::from(c["said"].as_str().map(String::from) == g.said);
    }
    f
}

/// A copy of a folder, in a new temporary folder, without the files `skip` names.
fn copy(from: &Path, skip: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().join("base");
    fn walk(from: &Path, to: &Path, skip: &[&str]) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name();
            if skip.iter().any(|s| name == *s) {
                continue;
            }
            let path = entry.path();
            if path.is_dir() {
                walk(&path, &to.join(&name), skip);
            } else {
                std::fs::copy(&path, to.join(&name)).unwrap();
            }
        }
    }
    walk(from, &to, skip);
    (dir, to)
}

/// `kz --facts BASE draft SOURCE` as candidates.
fn candidates(base: &Path, source: &str) -> Vec<Value> {
    let run = Kz::new()
        .args([
            "--facts",
            &base.display().to_string(),
            "draft",
            source,
            "-f",
            "json",
        ])
        .run()
        .success();
    run.json().as_array().unwrap().clone()
}

/// Saves the YAML draft into the base as a new file and runs `kz check` on it: it must pass
/// as drafted, and hold `records` more quotes.
fn check_draft(base: &Path, source: &str, records: usize) {
    let facts = base.display().to_string();
    let before = Kz::new()
        .args(["--facts", &facts, "quotes", "-f", "json"])
        .run();
    let before = if before.code == 0 {
        before.json().as_array().unwrap().len()
    } else {
        0
    };
    let yaml = Kz::new()
        .args(["--facts", &facts, "draft", source])
        .run()
        .success()
        .stdout;
    std::fs::write(base.join("zz-draft.yaml"), &yaml).unwrap();
    Kz::new()
        .args(["--facts", &facts, "--no-cache", "check"])
        .run()
        .success()
        .stdout_has("ok:");
    let after = Kz::new()
        .args(["--facts", &facts, "quotes", "-f", "json"])
        .run()
        .success()
        .json();
    assert_eq!(
        after.as_array().unwrap().len(),
        before + records,
        "the draft adds a record per quotation with a known speaker:\n{yaml}"
    );
}

const KEYS: [&str; 9] = [
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

/// Every candidate has exactly the documented keys, and its offsets are those of its words in
/// the text (in characters).
fn check_shape(candidates: &[Value], text: &str) {
    let chars: Vec<char> = text.chars().collect();
    for c in candidates {
        let keys: Vec<&str> = c.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        assert_eq!(keys, KEYS, "{c}");
        let (start, end) = (
            c["start"].as_u64().unwrap() as usize,
            c["end"].as_u64().unwrap() as usize,
        );
        assert!(start < end && end <= chars.len(), "{c}");
        let span: String = chars[start..end].iter().collect();
        let words = c["text"].as_str().unwrap();
        if !words.contains('…') || span.contains('…') {
            assert_eq!(fold(&span), fold(words), "{c}");
        } else {
            assert!(same_quote(&span, words), "{c}");
        }
        let sentence = c["sentence"].as_str().unwrap();
        let folded_text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(folded_text.contains(sentence), "sentence not verbatim: {c}");
        for s in c["speaker_candidates"].as_array().unwrap() {
            let keys: Vec<&str> = s.as_object().unwrap().keys().map(|k| k.as_str()).collect();
            assert_eq!(keys, ["id", "name"], "{c}");
        }
    }
}

#[test]
fn the_shipped_article_finds_every_recorded_quote_and_names_its_record() {
    let found = Kz::new()
        .args(["draft", "article", "-f", "json"])
        .run()
        .success()
        .json();
    let found = found.as_array().unwrap();
    let gold = gold(&root().join("facts/quotes.yaml"));
    assert_eq!(gold.len(), 10, "the shipped base's direct quotes");
    let statuses: Vec<&str> = found
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    for g in &gold {
        assert_eq!(
            statuses.iter().filter(|s| **s == g.id).count(),
            1,
            "{} is named once: {statuses:?}",
            g.id
        );
    }
    assert!(!statuses.contains(&"new"), "{statuses:?}");
    let text = std::fs::read_to_string(root().join("facts/sources/article.txt")).unwrap();
    check_shape(found, &text);
    // The YAML lists them as recorded and drafts nothing, so it passes as it is.
    let yaml = Kz::new().args(["draft", "article"]).run().success().stdout;
    assert_eq!(
        yaml.matches("# Already recorded as `").count(),
        10,
        "{yaml}"
    );
    let (_dir, base) = copy(&root().join("facts"), &[]);
    check_draft(&base, "article", 0);
}

#[test]
fn the_shipped_article_without_its_quotes_is_drafted_as_the_base_records_it() {
    let (_dir, base) = copy(&root().join("facts"), &["quotes.yaml"]);
    let found = candidates(&base, "article");
    let gold = gold(&root().join("facts/quotes.yaml"));
    let known = |id: &str| id != "nobody";
    let f = measure(&found, &gold, &known);
    f.report("the shipped article");
    assert_eq!(
        (f.matched, f.drafted, f.gold),
        (10, 10, 10),
        "every direct quote, nothing else"
    );
    assert_eq!(f.speakers, 10, "every speaker");
    assert_eq!(f.dates, 10, "every date, `?` where the base infers it");
    check_draft(&base, "article", 10);
}

/// A report's base and gold set under `tests/fixtures/draft/NAME`.
fn report(name: &str) -> (PathBuf, Vec<Gold>, Vec<String>) {
    let dir = PathBuf::from(fixture(&format!("draft/{name}")));
    let base = dir.join("base");
    let mut gold = gold(&dir.join("gold.yaml"));
    // The quotes the base holds already are gold too: the draft must name them.
    let mut known = Vec::new();
    for entry in std::fs::read_dir(&base).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            gold.extend(self::gold(&path));
            let yaml: serde_yaml::Value =
                serde_yaml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            for section in ["actors", "organisations"] {
                for r in yaml
                    .get(section)
                    .and_then(|s| s.as_sequence())
                    .into_iter()
                    .flatten()
                {
                    known.push(r["id"].as_str().unwrap().to_string());
                }
            }
        }
    }
    (base, gold, known)
}

fn measure_report(name: &str, source: &str, text: &str) -> (Figures, Vec<Value>) {
    let (base, gold, known) = report(name);
    let found = candidates(&base, source);
    let is_known = |id: &str| known.iter().any(|k| k == id);
    let f = measure(&found, &gold, &is_known);
    f.report(&format!("tests/fixtures/draft/{name}"));
    check_shape(&found, &std::fs::read_to_string(base.join(text)).unwrap());
    (f, found)
}

#[test]
fn a_report_with_every_pattern_is_drafted_with_its_speakers_and_dates() {
    let (f, found) = measure_report("own", "springfield-report", "report.txt");
    assert!(f.precision() >= 0.95, "{f:?}");
    assert!(f.recall() >= 0.95, "{f:?}");
    assert!(f.speaker_accuracy() >= 0.95, "{f:?}");
    assert!(f.date_accuracy() >= 0.9, "{f:?}");
    // The scare quote is left out; the short quotation beside its cue is kept.
    let texts: Vec<&str> = found.iter().map(|c| c["text"].as_str().unwrap()).collect();
    assert!(!texts.contains(&"historic"), "{texts:?}");
    assert!(texts.contains(&"a disaster"), "{texts:?}");
    // A speaker the base lacks is no one, with the name as a candidate.
    let hale = found
        .iter()
        .find(|c| c["text"].as_str().unwrap().starts_with("The strike cost"))
        .unwrap();
    assert!(hale["speaker"].is_null());
    assert_eq!(hale["speaker_candidates"][0]["name"], "Tom Hale");
    assert!(hale["speaker_candidates"][0]["id"].is_null());
    // The base's own quote is named, not drafted again.
    assert!(
        found
            .iter()
            .any(|c| c["status"] == "marsh-expects-to-sign" && c["said"] == "2024-03-13")
    );
    let (_dir, base) = copy(&PathBuf::from(fixture("draft/own/base")), &[]);
    check_draft(&base, "springfield-report", 12);
    // The YAML keeps the unknown speaker's quotation and the unknown names as comments.
    let yaml = Kz::new()
        .args([
            "--facts",
            &base.display().to_string(),
            "draft",
            "springfield-report",
        ])
        .run()
        .success()
        .stdout;
    assert!(
        yaml.contains("  # No speaker in the base: \"Tom Hale\""),
        "{yaml}"
    );
    assert!(yaml.contains("#   - id: lakeview-university"), "{yaml}");
}

#[test]
fn a_report_in_another_house_style_is_drafted_too() {
    let (f, _) = measure_report("unseen", "northport-dispatch", "dispatch.txt");
    assert!(f.precision() >= 0.9, "{f:?}");
    assert!(f.recall() >= 0.9, "{f:?}");
    assert!(f.speaker_accuracy() >= 0.9, "{f:?}");
    let (_dir, base) = copy(&PathBuf::from(fixture("draft/unseen/base")), &[]);
    check_draft(&base, "northport-dispatch", 10);
}

#[test]
fn a_path_inside_the_base_cites_its_source_or_declares_one() {
    let (_dir, base) = copy(&PathBuf::from(fixture("draft/own/base")), &[]);
    let facts = base.display().to_string();
    // The text of a declared source: the drafts cite that source.
    let by_path = Kz::new()
        .args([
            "--facts",
            &facts,
            "draft",
            &base.join("report.txt").display().to_string(),
        ])
        .run()
        .success()
        .stdout;
    let by_id = Kz::new()
        .args(["--facts", &facts, "draft", "springfield-report"])
        .run()
        .success()
        .stdout;
    let body = |s: &str| s.lines().skip(1).collect::<Vec<_>>().join("\n");
    assert_eq!(body(&by_path), body(&by_id));
    // A text no source declares: the draft declares it, and passes once saved in the base.
    std::fs::create_dir_all(base.join("texts")).unwrap();
    std::fs::write(
        base.join("texts/late-edition.txt"),
        "Late edition\n\n“The buses will run tonight,” Ana Ruiz said on Thursday.\n",
    )
    .unwrap();
    let yaml = Kz::new()
        .args([
            "--facts",
            &facts,
            "draft",
            &base.join("texts/late-edition.txt").display().to_string(),
        ])
        .run()
        .success()
        .stdout;
    assert!(yaml.contains("sources:\n  - id: late-edition\n"), "{yaml}");
    assert!(yaml.contains("text: texts/late-edition.txt"), "{yaml}");
    assert!(yaml.contains("speaker: ana-ruiz"), "{yaml}");
    assert!(
        !yaml.contains("said:"),
        "no published date, so no day words: {yaml}"
    );
    std::fs::write(base.join("late.yaml"), &yaml).unwrap();
    Kz::new()
        .args(["--facts", &facts, "--no-cache", "check"])
        .run()
        .success();
    // A path outside the base is refused unread.
    let outside = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(outside.path(), "“Secret words here,” said Ana Ruiz.").unwrap();
    Kz::new()
        .args([
            "--facts",
            &facts,
            "draft",
            &outside.path().display().to_string(),
        ])
        .run()
        .code(2)
        .stdout_empty()
        .stderr_has("is outside the fact base, so kz did not read it");
    // The built-in base has no folder for a path to be in.
    Kz::new()
        .args([
            "draft",
            &root()
                .join("facts/sources/article.txt")
                .display()
                .to_string(),
        ])
        .run()
        .code(2)
        .stderr_has("not inside a fact base on disk");
}

#[test]
fn bad_sources_fail_clearly() {
    Kz::new()
        .args(["draft", "artcle"])
        .run()
        .code(1)
        .stdout_empty()
        .stderr_has("did you mean");
    Kz::new()
        .args(["draft", "no/such/file.txt"])
        .run()
        .code(2)
        .stderr_has("no source 'no/such/file.txt' in the base, and no file at that path");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("facts.yaml"),
        "sources:\n  - {id: bare, title: Bare}\n  - {id: quiet, title: Quiet, text: quiet.txt}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("quiet.txt"),
        "No one said anything worth quoting.\n",
    )
    .unwrap();
    let facts = dir.path().display().to_string();
    Kz::new()
        .args(["--facts", &facts, "draft", "bare"])
        .run()
        .code(2)
        .stderr_has("source `bare` has no `text`");
    Kz::new()
        .args(["--facts", &facts, "draft", "quiet"])
        .run()
        .code(1)
        .stdout_empty()
        .stderr_has("no quotation found in the text of source `quiet`");
}

#[test]
fn rows_and_help() {
    let tsv = Kz::new()
        .args(["draft", "article", "-f", "tsv"])
        .run()
        .success()
        .tsv();
    assert_eq!(tsv[0], KEYS);
    assert_eq!(tsv.len(), 11);
    let lines = Kz::new()
        .args(["draft", "article", "-f", "jsonl"])
        .run()
        .success()
        .stdout;
    assert_eq!(lines.lines().count(), 10);
    for line in lines.lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        assert!(v["status"].is_string());
    }
    Kz::new()
        .args(["draft", "--help"])
        .run()
        .success()
        .stdout_has("kz draft article")
        .stdout_has("SOURCE");
}

#[test]
fn odd_texts_never_break_it() {
    let dir = tempfile::tempdir().unwrap();
    let texts = [
        "“",
        "”",
        "\"\"\"\"",
        "'''",
        "« » « »",
        "“unclosed\n\n“still open\n\n“and more",
        "„“‚‘«»‹›「」『』",
        "“a” said",
        "said “”",
        "\u{202e}“reversed,” said Ruiz.",
        "“Café déjà vu,” dit-elle — said Ana Ruiz.",
        "“\u{0}\u{7}control,” said Ana Ruiz.",
        "“[…]”, said Ana Ruiz. “... [inaudible] ...”",
        "On Friday\n“x y z w,” she said on Tuesday yesterday last week January 32.",
    ];
    for (n, text) in texts.iter().enumerate() {
        std::fs::write(dir.path().join(format!("t{n}.txt")), text).unwrap();
    }
    let mut facts = String::from(
        "actors:\n  - {id: ana-ruiz, name: Ana Ruiz, description: Mayor, source: t0}\nsources:\n",
    );
    for n in 0..texts.len() {
        facts.push_str(&format!(
            "  - {{id: t{n}, title: T, text: t{n}.txt, published: 2024-03-15}}\n"
        ));
    }
    std::fs::write(dir.path().join("facts.yaml"), facts).unwrap();
    let base = dir.path().display().to_string();
    for (n, text) in texts.iter().enumerate() {
        let run = Kz::new()
            .args(["--facts", &base, "draft", &format!("t{n}")])
            .run();
        assert!(run.code == 0 || run.code == 1, "{text:?}: {run:?}");
        if run.code == 0 {
            // Whatever it drafts passes `kz check`.
            std::fs::write(dir.path().join("draft.yaml"), &run.stdout).unwrap();
            Kz::new()
                .args(["--facts", &base, "--no-cache", "check"])
                .run()
                .success();
            std::fs::remove_file(dir.path().join("draft.yaml")).unwrap();
        }
    }
}
