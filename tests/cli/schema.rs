//! The JSON Schema flags what `kz check` flags, wherever JSON Schema can say it: every broken
//! fixture whose defect is a schema matter fails a real validator, and every sound file passes.

use crate::support::root;
use std::path::{Path, PathBuf};

/// The broken fixtures whose one defect JSON Schema can express: a missing, empty or mistyped
/// field, an unknown field or section, an id or date of the wrong shape, a value outside a
/// closed vocabulary. The others are about references, cycles, impossible days, text in the
/// sources or the YAML itself, which a schema cannot see.
const EXPRESSIBLE: &[&str] = &[
    "empty-required-field",
    "malformed-date",
    "malformed-id",
    "misplaced-qualifier",
    "missing-id",
    "missing-required-field",
    "missing-source-field",
    "null-required-field",
    "top-level-list",
    "top-level-scalar",
    "unknown-field",
    "unknown-field-in-role",
    "unknown-section",
    "wrong-quote-kind",
    "wrong-type-list-for-text",
    "wrong-type-mapping-for-list",
];

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("schema/facts.schema.json")).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::draft7::new(&schema).expect("the committed schema is a valid draft-07 schema")
}

/// Every YAML file under `dir`, as JSON.
fn documents(dir: &Path) -> Vec<(PathBuf, serde_json::Value)> {
    let mut out = Vec::new();
    for entry in walk(dir) {
        let text = std::fs::read_to_string(&entry).unwrap();
        let value: serde_json::Value = serde_yaml::from_str::<Option<serde_json::Value>>(&text)
            .unwrap_or_else(|e| panic!("{}: {e}", entry.display()))
            .unwrap_or(serde_json::json!({}));
        out.push((entry, value));
    }
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            out.extend(walk(&path));
        } else if path.extension().is_some_and(|x| x == "yaml" || x == "yml") {
            out.push(path);
        }
    }
    out
}

#[test]
fn broken_fixtures_that_a_schema_can_see_are_rejected() {
    let validator = validator();
    for name in EXPRESSIBLE {
        let dir = root().join("tests/fixtures/bad").join(name);
        let docs = documents(&dir);
        assert!(!docs.is_empty(), "{name} has no YAML");
        let rejected = docs.iter().any(|(_, v)| !validator.is_valid(v));
        assert!(
            rejected,
            "the schema accepts {name}, which kz check rejects"
        );
    }
}

#[test]
fn sound_files_pass_the_schema() {
    let validator = validator();
    let mut dirs = vec![root().join("facts")];
    for name in ["clean", "odd", "analyst"] {
        dirs.push(root().join("tests/fixtures").join(name));
    }
    let mut checked = 0;
    for dir in dirs {
        for (path, value) in documents(&dir) {
            let errors: Vec<String> = validator
                .iter_errors(&value)
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .collect();
            assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
            checked += 1;
        }
    }
    assert!(checked > 30, "only {checked} files checked");
}

#[test]
fn a_made_up_bad_record_fails_for_each_rule() {
    let validator = validator();
    let ok =
        serde_json::json!({"quotes": [{"id": "q", "speaker": "a", "text": "t", "source": "s"}]});
    assert!(validator.is_valid(&ok));
    let bad = [
        (
            "no source",
            serde_json::json!({"quotes": [{"id": "q", "speaker": "a", "text": "t"}]}),
        ),
        (
            "empty sources",
            serde_json::json!({"quotes": [{"id": "q", "speaker": "a", "text": "t", "source": []}]}),
        ),
        (
            "bad id",
            serde_json::json!({"actors": [{"id": "Alma_Reyes", "name": "A", "description": "d", "source": "s"}]}),
        ),
        (
            "bad reference",
            serde_json::json!({"quotes": [{"id": "q", "speaker": "Ada L", "text": "t", "source": "s"}]}),
        ),
        (
            "blank text",
            serde_json::json!({"quotes": [{"id": "q", "speaker": "a", "text": "  ", "source": "s"}]}),
        ),
        (
            "bad date",
            serde_json::json!({"events": [{"id": "e", "date": "Jan 5", "title": "t", "source": "s"}]}),
        ),
        (
            "bad kind",
            serde_json::json!({"quotes": [{"id": "q", "speaker": "a", "text": "t", "kind": "rumour", "source": "s"}]}),
        ),
        (
            "kind without name",
            serde_json::json!({"kinds": [{"broader": "x"}]}),
        ),
    ];
    for (what, doc) in bad {
        assert!(!validator.is_valid(&doc), "the schema accepts {what}");
    }
}
