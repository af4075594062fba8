//! Trust and friction, round 3: what a new user met on a base of their own (a strike, told by
//! three reports: tests/fixtures/strike). Each case here was once wrong.

use crate::support::{Kz, fixture};

fn strike() -> Kz {
    Kz::new().args(["--facts", &fixture("strike")])
}

#[test]
fn bounds_that_leave_no_day_are_a_usage_error() {
    for cmd in ["events", "timeline", "quotes"] {
        let run = strike()
            .args([cmd, "--since", "2024-03-08", "--until", "2024-03-04"])
            .run()
            .code(2);
        assert!(
            run.stderr
                .contains("--since 2024-03-08 is after --until 2024-03-04: no day is in both"),
            "{cmd}: {}",
            run.stderr
        );
    }
    let run = strike()
        .args([
            "members",
            "avel-teachers-union",
            "--on",
            "2019",
            "--on",
            "2024",
        ])
        .run()
        .code(2);
    assert!(
        run.stderr
            .contains("no day is in all of --on 2019 and --on 2024"),
        "{}",
        run.stderr
    );
    // Repeated dates that share days keep those days.
    strike()
        .args([
            "members",
            "avel-teachers-union",
            "--roles",
            "--on",
            "2024",
            "--on",
            "2024-03",
        ])
        .run()
        .success();
}

#[test]
fn a_place_lists_the_organisations_based_there() {
    let who = strike()
        .args(["who", "Port Avel", "-f", "json"])
        .run()
        .success()
        .json();
    assert_eq!(
        who[0]["based_here"],
        serde_json::json!(["avel-teachers-union"])
    );
    let orgs = strike()
        .args(["orgs", "--place", "Port Avel", "-f", "json"])
        .run()
        .success()
        .json();
    assert_eq!(orgs[0]["id"], "avel-teachers-union");
    strike()
        .args(["orgs", "--place", "port-avel", "--kind", "newspaper"])
        .run()
        .code(1);
    // A person with a role in an organisation based there is at the place.
    let actors = strike()
        .args(["actors", "--place", "Port Avel", "-f", "json"])
        .run()
        .success()
        .json();
    assert_eq!(actors[0]["id"], "mara-velt");
}

#[test]
fn a_miss_says_what_is_true() {
    // An organisation the base lists no members of.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("club.yaml"),
        "sources:\n  - id: s\n    title: S\norganisations:\n  - id: club\n    name: Chess Club\n    kind: club\n    source: s\nplaces:\n  - id: avel-north\n    name: Avel North\n    kind: city\n    source: s\n  - id: avel-south\n    name: Avel South\n    kind: region\n    source: s\nactors:\n  - id: ana\n    name: Ana\n    description: Chair\n    source: s\n    roles:\n      - title: Chair\n        org: club\n",
    )
    .unwrap();
    let facts = dir.path().display().to_string();
    let run = Kz::new()
        .args(["--facts", &facts, "members", "club"])
        .run()
        .code(1);
    assert_eq!(
        run.stderr,
        "kz: the base lists no members of Chess Club; --roles lists the people who hold a role in it\n"
    );
    let run = Kz::new()
        .args(["--facts", &facts, "members", "club", "--all"])
        .run()
        .code(1);
    assert!(
        run.stderr
            .starts_with("kz: the base lists no members of Chess Club"),
        "{}",
        run.stderr
    );
    // Two records of another kind: a sentence, not "names place".
    let run = Kz::new()
        .args(["--facts", &facts, "members", "Avel"])
        .run()
        .code(1);
    assert!(
        run.stderr
            .starts_with("kz: 'Avel' names 2 places, not an organisation"),
        "{}",
        run.stderr
    );
}

#[test]
fn dots_of_initials_fold_in_names_and_text() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("la.yaml"),
        "sources:\n  - id: s\n    title: S\norganisations:\n  - id: lausd\n    name: L.A. Unified School District\n    kind: school district\n    description: The U.S. school district of Los Angeles.\n    source: s\n",
    )
    .unwrap();
    let facts = dir.path().display().to_string();
    let who = Kz::new()
        .args(["--facts", &facts, "who", "LA Unified", "-f", "json"])
        .run()
        .success()
        .json();
    assert_eq!(who[0]["id"], "lausd");
    let found = Kz::new()
        .args([
            "--facts",
            &facts,
            "search",
            "US school district",
            "-f",
            "json",
        ])
        .run()
        .success()
        .json();
    assert_eq!(found[0]["field"], "description");
}

#[test]
fn format_flags_that_do_not_apply_are_refused() {
    for args in [
        &["graph", "csto", "-f", "json"][..],
        &["export", "--to", "jsonl", "-f", "csv"],
        &["schema", "-f", "tsv"],
        &["site", "/nonexistent/kz-site", "-f", "json"],
    ] {
        let run = Kz::new().args(args).run().code(2);
        assert!(
            run.stderr.starts_with("kz: -f does not apply to `kz "),
            "{args:?}: {}",
            run.stderr
        );
        assert!(run.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn answers_from_the_built_in_base_say_so() {
    let run = Kz::new().args(["check"]).run().success();
    assert!(
        run.stdout.contains(
            "in 7 built-in files (the built-in base; --facts DIR or KZ_FACTS=DIR checks your own)"
        ),
        "{}",
        run.stdout
    );
    let run = Kz::new().args(["who", "Mara Velt"]).run().code(1);
    assert!(
        run.stderr
            .ends_with("(that is the built-in base; --facts DIR or KZ_FACTS=DIR reads your own)\n"),
        "{}",
        run.stderr
    );
    // A base of one's own says nothing of the kind.
    let run = strike().args(["who", "Nobody Here"]).run().code(1);
    assert!(!run.stderr.contains("built-in"), "{}", run.stderr);
    let run = strike().args(["check"]).run().success();
    assert!(run.stdout.contains(" in 3 files; "), "{}", run.stdout);
    // Beside it, the built-in files are counted and named as built in.
    let run = Kz::new()
        .env("KZ_FACTS", &format!(":{}", fixture("strike")))
        .args(["check"])
        .run()
        .success();
    assert!(
        run.stdout.contains(" in 10 files (7 built in); "),
        "{}",
        run.stdout
    );
}

#[test]
fn what_happened_by_a_date_is_not_shown_on_days_it_may_not_have() {
    // The annexation of Crimea is dated only as before the article: `../2022-01-08`.
    let ids = |args: &[&str]| -> Vec<String> {
        let run = Kz::new().args(args).args(["-f", "json"]).run();
        match run.code {
            1 => Vec::new(),
            _ => run
                .success()
                .json()
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_str().unwrap().to_string())
                .collect(),
        }
    };
    let annexation = "crimea-annexation".to_string();
    assert!(!ids(&["on", "2022-01-05"]).contains(&annexation));
    assert!(!ids(&["events", "--since", "2022-01-05"]).contains(&annexation));
    assert!(ids(&["events", "--until", "2022-01-31"]).contains(&annexation));
    assert!(!ids(&["events", "--until", "2021"]).contains(&annexation));
    let timeline = Kz::new()
        .args(["timeline", "Crimea", "-f", "json"])
        .run()
        .success()
        .json();
    assert!(
        timeline
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["id"] == "crimea-annexation")
    );
}

#[test]
fn the_site_shows_every_source_of_a_record_and_no_path_of_the_machine() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let facts = std::fs::canonicalize(fixture("strike")).unwrap();
    Kz::new()
        .args(["--facts", &facts.display().to_string(), "site"])
        .args([site.display().to_string()])
        .run()
        .success();
    let page = std::fs::read_to_string(site.join("records/strike-began.html")).unwrap();
    // The value shown with the sources that state it, and the disputed one, marked.
    assert!(
        page.contains(
            "(courier-0310, harbour-0309)</span> <span class=\"disputed\">disputed: also"
        ),
        "{page}"
    );
    // Each declaration's evidence, its source linking to the sentence that source gives.
    for (source, evidence) in [
        (
            "courier-0308",
            "Teachers in Port Avel walked out on Tuesday",
        ),
        ("courier-0310", "The strike began on Monday, March 4."),
        (
            "harbour-0309",
            "The strike by Port Avel teachers began on Monday, March 4",
        ),
    ] {
        assert!(
            page.contains(&format!(
                "<blockquote class=\"evidence\">{evidence}</blockquote>"
            )),
            "{evidence}"
        );
        assert!(
            page.contains(&format!("href=\"{source}.html#s-")),
            "{source} links to a sentence"
        );
    }
    assert!(page.contains("<span class=\"rank\">deprecated</span>"));
    // No page says where the base sits on this machine.
    let root = facts.display().to_string();
    for entry in walkdir::WalkDir::new(&site) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let text = String::from_utf8_lossy(&std::fs::read(entry.path()).unwrap()).to_string();
            assert!(
                !text.contains(&root),
                "{} names {root}",
                entry.path().display()
            );
        }
    }
    assert!(page.contains("<code>courier-0308.yaml:"), "{page}");
}

#[test]
fn why_shows_the_sentence_a_quote_without_evidence_is_found_in() {
    let run = strike()
        .args(["why", "velt-not-go-back", "-f", "json"])
        .run()
        .success();
    let found = run.json()[0]["found"].clone();
    let found = found.as_array().unwrap();
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0]["source"], "courier-0308");
    assert_eq!(
        found[0]["sentence"],
        "\"We will not go back until the council listens,\" said union leader Mara Velt."
    );
    let text =
        std::fs::read_to_string(format!("{}/texts/courier-0308.txt", fixture("strike"))).unwrap();
    let (start, end) = (
        found[0]["start"].as_u64().unwrap() as usize,
        found[0]["end"].as_u64().unwrap() as usize,
    );
    let chars: String = text.chars().skip(start).take(end - start).collect();
    assert_eq!(chars, found[0]["sentence"].as_str().unwrap());
    let table = strike()
        .args(["why", "velt-not-go-back", "-f", "table"])
        .run()
        .success();
    assert!(!table.stdout.contains("(none given)"), "{}", table.stdout);
    assert!(
        table.stdout.contains("found in  courier-0308"),
        "{}",
        table.stdout
    );
}
