//! The shipped base says exactly what the article says (issue #15): each correction of the
//! independent audit, checked through the real binary's JSON output on the built-in base.

use crate::support::json;
use serde_json::Value;

/// The one record with this id in a JSON array of rows or profiles.
fn by_id<'a>(rows: &'a Value, id: &str) -> &'a Value {
    rows.as_array()
        .expect("a JSON array")
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no record {id} in {rows:#}"))
}

#[test]
fn the_article_has_an_inferred_publication_date() {
    let sources = json(&["sources"]);
    assert_eq!(
        by_id(&sources, "article")["published"],
        "2022-01-07/2022-01-08"
    );
}

#[test]
fn abayev_keeps_the_hedge_directly() {
    let who = json(&["who", "dauren-abayev"]);
    let description = by_id(&who, "dauren-abayev")["description"]
        .as_str()
        .expect("a description");
    assert!(
        description.contains("would not be directly involved in operations against protesters"),
        "{description}"
    );
}

#[test]
fn the_arrival_does_not_count_the_announced_2500_as_arrived() {
    let why = json(&["why", "csto-troops-arrive"]);
    let content = by_id(&why, "csto-troops-arrive")["description"]
        .as_str()
        .expect("a description");
    assert!(!content.contains("(2500)"), "{content}");
    assert!(content.contains("Thousands of troops"), "{content}");
    assert!(
        content.contains("30-year history that it responded to a call for assistance"),
        "{content}"
    );
}

#[test]
fn the_soviet_union_is_background_to_the_1992_treaty_not_a_party() {
    let events = json(&["events"]);
    let involving = by_id(&events, "collective-security-treaty-signed")["involving"]
        .as_array()
        .expect("involving");
    assert!(
        !involving.iter().any(|name| name == "Soviet Union"),
        "{involving:?}"
    );
}

#[test]
fn reported_quotes_give_only_what_was_said() {
    let quotes = json(&["quotes"]);
    let reported: Vec<&Value> = quotes
        .as_array()
        .expect("quotes")
        .iter()
        .filter(|q| q["kind"] == "reported")
        .collect();
    assert_eq!(reported.len(), 8, "{reported:?}");
    for q in reported {
        let text = q["text"].as_str().expect("text");
        let speaker = q["speaker"].as_str().expect("speaker");
        let first = text.split_whitespace().next().unwrap_or_default();
        assert!(
            !speaker.split_whitespace().any(|word| word == first),
            "{}: the text narrates its speaker: {text}",
            q["id"]
        );
        for narration in ["He said", "She said", "He added", "She added"] {
            assert!(!text.starts_with(narration), "{}: {text}", q["id"]);
        }
    }
}

#[test]
fn quotes_the_article_places_in_the_crisis_carry_an_inferred_date() {
    let quotes = json(&["quotes"]);
    assert_eq!(
        by_id(&quotes, "pashinyan-external-interference")["date"],
        "2022-01-05?"
    );
    assert_eq!(
        by_id(&quotes, "blinken-russians-in-your-house")["date"],
        "2022-01-07?"
    );
}

#[test]
fn the_build_up_near_ukraine_is_an_event_under_way_on_7_january() {
    let events = json(&["events", "--involving", "russia", "--place", "ukraine"]);
    let build_up = by_id(&events, "russian-build-up-near-ukraine");
    assert_eq!(build_up["date"], "2022-01-07");
}

#[test]
fn the_articles_own_hedged_statements_are_in_descriptions() {
    let cases = [
        (
            "pashinyan-facebook-post",
            "there is no evidence to suggest that foreign actors were involved in stirring unrest",
        ),
        (
            "atlantic-council-event",
            "some experts believe that criminals and politically connected gangs may have seized \
             upon the initial protests",
        ),
        (
            "csto-troops-arrive",
            "sparked concern that the troops could linger",
        ),
    ];
    for (id, claim) in cases {
        let why = json(&["why", id]);
        let content = by_id(&why, id)["description"]
            .as_str()
            .expect("a description");
        assert!(content.contains(claim), "{id}: {content}");
    }
}

#[test]
fn outside_knowledge_is_noted_or_dropped() {
    let dozhd = json(&["who", "dozhd"]);
    assert_eq!(by_id(&dozhd, "dozhd")["based_in"], Value::Null);
    for (id, alias) in [
        ("university-of-pittsburgh", "Pitt"),
        ("kazakhstan", "Republic of Kazakhstan"),
        ("kazakhstan", "KZ"),
    ] {
        let why = json(&["why", id]);
        let notes = by_id(&why, id)["notes"].as_str().unwrap_or_default();
        assert!(notes.contains(alias), "{id}: {notes}");
    }
}

#[test]
fn the_csto_dates_from_the_1992_treaty_like_its_30_year_history() {
    let who = json(&["who", "csto"]);
    let csto = by_id(&who, "csto");
    assert_eq!(csto["founded"], "1992");
    let events = csto["events"].as_array().expect("events");
    assert_eq!(
        events.first().map(|e| &e["id"]),
        Some(&Value::from("collective-security-treaty-signed")),
        "{events:?}"
    );
}
