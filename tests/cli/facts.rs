//! The shipped base says exactly what the article says (issue #15): each correction of the
//! independent audit, checked through the real binary's JSON output on the built-in base.

use crate::support::Kz;
use serde_json::Value;

/// `kz ARGS -f json` on the built-in base, parsed.
fn json(args: &[&str]) -> Value {
    Kz::new()
        .args(args)
        .args(["-f", "json"])
        .run()
        .success()
        .json()
}

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
