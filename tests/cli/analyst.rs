//! The analyst's questions in one command: timelines, facets, filters that combine, and the facts
//! reporting contains (statements by organisations, elided quotes, kinds within kinds, one's own
//! facts beside the built-in base).

use crate::support::{Kz, fixture, json};
use serde_json::Value;
use std::collections::BTreeSet;

fn rows(v: &Value) -> &Vec<Value> {
    v.as_array().expect("an array")
}

fn ids(args: &[&str]) -> Vec<String> {
    rows(&json(args))
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_timeline_of_one_person_is_their_whole_story() {
    let timeline = json(&["timeline", "Tokayev"]);
    let entries = rows(&timeline);
    let has = |what: &str, id: &str| entries.iter().any(|e| e["what"] == what && e["id"] == id);
    assert!(has("event", "tokayev-becomes-president"));
    assert!(
        has("role start", "kassym-jomart-tokayev"),
        "his presidency starts in 2019"
    );
    assert!(has("quote", "tokayev-open-doors"), "what he said");
    assert!(
        has("quote", "pashinyan-announces-dispatch"),
        "what was said about him"
    );
    assert!(has("event", "tokayev-relieves-nazarbayev"));
    assert!(!has("event", "belarus-unrest-2020"), "nothing unrelated");
    for e in entries {
        assert_eq!(e["source"], serde_json::json!(["article"]));
        assert!(!e["summary"].as_str().unwrap().is_empty());
    }
    // Oldest first, exactly as events are ordered: the events of the timeline (those he took
    // part in and those about him) come in the order `kz events` lists them.
    let timeline_events: Vec<&str> = entries
        .iter()
        .filter(|e| e["what"] == "event")
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    let events_order: Vec<String> = ids(&["events"])
        .into_iter()
        .filter(|id| timeline_events.contains(&id.as_str()))
        .collect();
    assert_eq!(timeline_events, events_order);
    for relation in ["--involving", "--about"] {
        let run = Kz::new()
            .args(["events", relation, "Tokayev", "-f", "json"])
            .run();
        if run.code == 1 {
            continue;
        }
        for event in rows(&run.success().json()) {
            let id = event["id"].as_str().unwrap();
            assert!(timeline_events.contains(&id), "{relation} {id}");
        }
    }
    let years: Vec<&str> = entries
        .iter()
        .map(|e| &e["date"].as_str().unwrap()[..4])
        .collect();
    let mut sorted = years.clone();
    sorted.sort();
    assert_eq!(years, sorted);
    // Without a name, every dated fact; with two, the facts of either.
    let all = rows(&json(&["timeline"])).len();
    let whats: BTreeSet<String> = rows(&json(&["timeline"]))
        .iter()
        .map(|e| e["what"].as_str().unwrap().to_string())
        .collect();
    for what in [
        "event",
        "quote",
        "role start",
        "role end",
        "founded",
        "published",
    ] {
        assert!(whats.contains(what), "{what} missing from {whats:?}");
    }
    let two = rows(&json(&["timeline", "Tokayev", "Nazarbayev"])).len();
    assert!(two > entries.len() && two < all);
    let friday = json(&[
        "timeline",
        "Tokayev",
        "--since",
        "2022-01-07",
        "--until",
        "2022-01-07",
    ]);
    assert!(
        rows(&friday)
            .iter()
            .all(|e| e["date"].as_str().unwrap().starts_with("2022-01-0"))
    );
    Kz::new()
        .args(["timeline", "Tokayev", "--since", "2030"])
        .run()
        .code(1)
        .stderr_has("no dated fact");
}

#[test]
fn facets_count_without_a_pipeline() {
    let facet = json(&["quotes", "--facet", "speaker"]);
    let counts: Vec<(String, u64)> = rows(&facet)
        .iter()
        .map(|r| {
            (
                r["speaker"].as_str().unwrap().into(),
                r["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(counts[0], ("Jennifer Brick Murtazashvili".to_string(), 4));
    let total: u64 = counts.iter().map(|(_, n)| n).sum();
    assert_eq!(total as usize, ids(&["quotes"]).len());
    for pair in counts.windows(2) {
        let ((a, x), (b, y)) = (&pair[0], &pair[1]);
        assert!(
            x > y || (x == y && a < b),
            "most frequent first, then by value: {counts:?}"
        );
    }
    // A list column counts each value; filters apply first.
    let places = json(&["events", "--facet", "places", "--since", "2022"]);
    let kazakhstan = rows(&places)
        .iter()
        .find(|r| r["places"] == "Kazakhstan")
        .unwrap()["count"]
        .as_u64()
        .unwrap();
    let listed = rows(&json(&["events", "--since", "2022"]))
        .iter()
        .filter(|e| {
            e["places"]
                .as_array()
                .unwrap()
                .contains(&"Kazakhstan".into())
        })
        .count();
    assert_eq!(kazakhstan as usize, listed);
    let tsv = Kz::new()
        .args(["orgs", "--facet", "kind"])
        .run()
        .success()
        .stdout;
    assert!(tsv.starts_with("kind\tcount\n"), "{tsv}");
    Kz::new()
        .args(["quotes", "--facet", "colour"])
        .run()
        .code(2)
        .stdout_empty()
        .stderr_has("no column 'colour' to count by; the columns are id, date, speaker, kind, text, context");
    for command in [
        "actors", "orgs", "places", "quotes", "events", "timeline", "sources",
    ] {
        Kz::new().args([command, "--facet", "id"]).run().success();
    }
    Kz::new()
        .args(["members", "CSTO", "--facet", "kind"])
        .run()
        .success()
        .stdout_has("place\t6");
    Kz::new()
        .args(["on", "2022-01-07", "--facet", "kind"])
        .run()
        .success();
    Kz::new()
        .args(["search", "CSTO", "--facet", "kind"])
        .run()
        .success();
}

#[test]
fn repeated_filters_narrow_or_widen_as_the_relation_allows() {
    // Two records that take part in one event together, but not in every event of the first.
    let events = json(&["events"]);
    let involving = |name: &str| -> BTreeSet<String> {
        ids(&["events", "--involving", name]).into_iter().collect()
    };
    let (first, second) = rows(&events)
        .iter()
        .filter_map(|e| {
            let names = e["involving"].as_array()?;
            Some((names.first()?.as_str()?, names.get(1)?.as_str()?))
        })
        .find(|(a, b)| (&involving(a) & &involving(b)).len() < involving(a).len())
        .expect("two parties to one event, one of whom acts elsewhere alone");
    let a = involving(first);
    let b = involving(second);
    let both: BTreeSet<String> = ids(&["events", "--involving", first, "--involving", second])
        .into_iter()
        .collect();
    assert_eq!(both, &a & &b);
    assert!(
        !both.is_empty() && both.len() < a.len(),
        "{first}, {second}"
    );
    // A quote has one speaker: --by repeated means any of them.
    let a = ids(&["quotes", "--by", "Pashinyan"]);
    let b = ids(&["quotes", "--by", "Blinken"]);
    let either: BTreeSet<String> = ids(&["quotes", "--by", "Pashinyan", "--by", "Blinken"])
        .into_iter()
        .collect();
    assert_eq!(either, a.iter().chain(&b).cloned().collect());
    // --about narrows: about both.
    let about = ids(&["quotes", "--about", "CSTO", "--about", "Tokayev"]);
    for id in &about {
        let q = &json(&["who", id])[0];
        let subjects = q["about"].to_string();
        assert!(
            subjects.contains("csto") && subjects.contains("kassym-jomart-tokayev"),
            "{q}"
        );
    }
    assert!(about.len() < ids(&["quotes", "--about", "CSTO"]).len());
    let actors = ids(&["actors", "--org", "CSTO", "--place", "Armenia"]);
    assert_eq!(actors, ["nikol-pashinyan"]);
}

#[test]
fn organisations_can_speak() {
    let base = fixture("analyst");
    let quotes = json(&["--facts", &base, "quotes", "--by", "Ministry of Examples"]);
    assert_eq!(rows(&quotes)[0]["id"], "ministry-statement");
    assert_eq!(rows(&quotes)[0]["speaker"], "Ministry of Examples");
    let who = json(&["--facts", &base, "who", "ministry-of-examples"]);
    assert_eq!(who[0]["quotes"][0]["speaker"], "ministry-of-examples");
    let timeline = json(&["--facts", &base, "timeline", "ministry-of-examples"]);
    assert!(
        rows(&timeline)
            .iter()
            .any(|e| e["summary"] == "Ministry of Examples reportedly said: The bridge in Sampleton would reopen in spring.")
    );
    let dot = Kz::new()
        .args(["--facts", &base, "graph"])
        .run()
        .success()
        .stdout;
    assert!(
        dot.contains("\"ministry-of-examples\" -> \"sampleton\" [label=\"spoke about\"]"),
        "{dot}"
    );
    let nt = Kz::new()
        .args(["--facts", &base, "export", "--to", "ntriples"])
        .run()
        .success()
        .stdout;
    assert!(nt.contains(
        "<urn:kz:ministry-statement> <http://schema.org/creator> <urn:kz:ministry-of-examples> ."
    ));
}

#[test]
fn elided_and_bracketed_quotes_are_checked_piece_by_piece() {
    // The fixture's quotes elide words and insert their own; each piece is in the source.
    Kz::new()
        .args(["check", "--facts", &fixture("analyst")])
        .run()
        .success();
    for (case, piece) in [
        (
            "elided-quote-out-of-order",
            "its 2nd piece, \"the bridge would reopen\"",
        ),
        ("elided-quote-far-apart", "not found within 250 characters"),
    ] {
        Kz::new()
            .args(["check", "--facts", &fixture(&format!("bad/{case}"))])
            .run()
            .code(2)
            .stdout_has("error[KZ050]")
            .stdout_has(piece);
    }
}

#[test]
fn a_kind_finds_every_kind_beneath_it() {
    assert_eq!(
        ids(&["orgs", "--kind", "news outlet"]),
        ["dozhd", "khabar-24", "foreign-policy"]
    );
    let regions = ids(&["places", "--kind", "region"]);
    assert!(regions.contains(&"georgia-breakaway-regions".to_string()));
    assert_eq!(
        ids(&["orgs", "--kind", "television channel"]),
        ["khabar-24"]
    );
    // Any of several kinds.
    let two = ids(&["orgs", "--kind", "university", "--kind", "government body"]);
    assert!(
        two.contains(&"harvard-university".to_string()) && two.contains(&"kremlin".to_string())
    );
    Kz::new()
        .args(["orgs", "--kind", "bakery"])
        .run()
        .code(1)
        .stderr_has("no organisation is of kind 'bakery'; kinds in the base: ");
    let base = fixture("analyst");
    assert_eq!(
        ids(&["--facts", &base, "orgs", "--kind", "news outlet"]),
        ["sampleton-tv"]
    );
}

#[test]
fn ones_own_facts_sit_beside_the_builtin_base() {
    let mine = fixture("analyst");
    for (env, flags) in [
        (Some(format!(":{mine}")), vec![]),
        (Some(format!("{mine}:")), vec![]),
        (
            None,
            vec![
                "--facts".to_string(),
                String::new(),
                "--facts".to_string(),
                mine.clone(),
            ],
        ),
    ] {
        let mut kz = Kz::new()
            .args(&flags)
            .args(["who", "Ada Example", "-f", "json"]);
        if let Some(env) = &env {
            kz = kz.env("KZ_FACTS", env);
        }
        assert_eq!(kz.run().success().json()[0]["id"], "ada-example");
        let mut kz = Kz::new()
            .args(&flags)
            .args(["who", "Serdyukov", "-f", "json"]);
        if let Some(env) = &env {
            kz = kz.env("KZ_FACTS", env);
        }
        assert_eq!(kz.run().success().json()[0]["id"], "andrey-serdyukov");
    }
    // Without the empty element, only one's own.
    Kz::new()
        .env("KZ_FACTS", &mine)
        .args(["who", "Serdyukov"])
        .run()
        .code(1);
    // Re-declaring a record of the built-in base adds to it: the kind the user's report gives
    // differently is a dispute, noted; the built-in files are named as built in.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mine.yaml");
    std::fs::write(&file, "sources:\n  - id: mine\n    title: Mine\norganisations:\n  - id: csto\n    name: Another CSTO\n    kind: club\n    source: mine\n").unwrap();
    let facts = format!(":{}", dir.path().display());
    let run = Kz::new()
        .env("KZ_FACTS", &facts)
        .args(["check"])
        .run()
        .success();
    assert!(
        run.stdout.contains("mine.yaml:7:11: note[KZ060]: sources disagree on `kind` of organisation `csto`: military alliance (article at built-in:facts/organisations.yaml:10) against club (mine at "),
        "{}",
        run.stdout
    );
    let csto = Kz::new()
        .env("KZ_FACTS", &facts)
        .args(["who", "csto", "-f", "json"])
        .run()
        .success()
        .json();
    assert_eq!(csto[0]["name"], "Collective Security Treaty Organization");
    assert!(
        csto[0]["aliases"]
            .as_array()
            .unwrap()
            .contains(&"Another CSTO".into())
    );
    assert_eq!(csto[0]["source"], serde_json::json!(["article", "mine"]));
    // One id declared as two kinds of record is an error at both declarations.
    std::fs::write(&file, "sources:\n  - id: mine\n    title: Mine\nplaces:\n  - id: csto\n    name: Another CSTO\n    kind: club\n    source: mine\n").unwrap();
    let run = Kz::new()
        .env("KZ_FACTS", &facts)
        .args(["check"])
        .run()
        .code(2);
    assert!(
        run.stdout.contains("mine.yaml:5:9: error[KZ022]: `csto` is declared here as a place and at built-in:facts/organisations.yaml:3 as an organisation"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("built-in:facts/organisations.yaml:3:9: error[KZ022]: `csto` is declared here as an organisation and at "),
        "{}",
        run.stdout
    );
}
