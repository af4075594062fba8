//! `kz who`: profiles, name matching across case, accents and script, and misses.

use crate::support::{Kz, golden};

#[test]
fn serdyukov_profile_table() {
    let run = Kz::new()
        .args([
            "who",
            "Serdyukov",
            "-f",
            "table",
            "--width",
            "100",
            "--color",
            "never",
        ])
        .run()
        .success();
    golden("who-serdyukov.txt", &run.stdout);
}

#[test]
fn works_from_any_folder() {
    let dir = tempfile::tempdir().expect("temp dir");
    Kz::new()
        .current_dir(dir.path())
        .args(["who", "Serdyukov", "-f", "tsv"])
        .run()
        .success()
        .stdout_has("andrey-serdyukov\tactor\tAndrey Serdyukov");
}

#[test]
fn json_profile_has_roles_quotes_events_and_sources() {
    let run = Kz::new()
        .args(["who", "Tokayev", "-f", "json"])
        .run()
        .success();
    let v = run.json();
    let profiles = v.as_array().expect("array of profiles");
    assert_eq!(profiles.len(), 1);
    let p = &profiles[0];
    assert_eq!(p["id"], "kassym-jomart-tokayev");
    assert_eq!(p["record"], "actor");
    assert_eq!(p["nationality"], "kazakhstan");
    let roles = p["roles"].as_array().unwrap();
    assert!(
        roles
            .iter()
            .any(|r| r["title"] == "President of Kazakhstan" && r["since"] == "2019"),
        "{roles:?}"
    );
    let quotes = p["quotes"].as_array().unwrap();
    assert!(
        quotes
            .iter()
            .any(|q| q["context"] == "tweets in English" && q["said"] == "2022-01-07"),
        "{quotes:?}"
    );
    assert!(!p["events"].as_array().unwrap().is_empty());
    assert_eq!(p["source"], serde_json::json!(["article"]));
}

#[test]
fn names_match_across_case_accents_and_script() {
    let cases = [
        ("Токаев", "kassym-jomart-tokayev"),
        ("Тоқаев", "kassym-jomart-tokayev"),
        ("tokaev", "kassym-jomart-tokayev"),
        ("TOKAYEV", "kassym-jomart-tokayev"),
        ("Kassym-Jomart Tokayev", "kassym-jomart-tokayev"),
        ("kassym-jomart-tokayev", "kassym-jomart-tokayev"),
        ("Сердюков", "andrey-serdyukov"),
        ("Andrei Serdyukov", "andrey-serdyukov"),
        ("ОДКБ", "csto"),
        ("csto", "csto"),
        ("Astana", "nur-sultan"),
        ("Нұр-Сұлтан", "nur-sultan"),
        ("Nazarbaev", "nursultan-nazarbayev"),
        ("Пашинян", "nikol-pashinyan"),
        ("murtazashvili", "jennifer-brick-murtazashvili"),
    ];
    for (query, id) in cases {
        let run = Kz::new()
            .args(["who", query, "-f", "tsv", "--no-header"])
            .run()
            .success();
        let ids: Vec<&str> = run
            .stdout
            .lines()
            .map(|l| l.split('\t').next().unwrap())
            .collect();
        assert_eq!(ids, [id], "kz who {query}");
    }
}

#[test]
fn exact_beats_partial() {
    // "Kazakhstan" is a place's exact name; it is also one word of other names, which lose.
    let run = Kz::new()
        .args(["who", "Kazakhstan", "-f", "tsv", "--no-header"])
        .run()
        .success();
    let ids: Vec<&str> = run
        .stdout
        .lines()
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    assert_eq!(ids, ["kazakhstan"]);
}

#[test]
fn miss_exits_1_with_a_suggestion() {
    Kz::new()
        .args(["who", "Serdyukv"])
        .run()
        .code(1)
        .stdout_empty()
        .stderr_has("kz: no record matches 'Serdyukv'; did you mean 'Andrey Serdyukov'?");
    Kz::new()
        .args(["who", "zzzzqqq"])
        .run()
        .code(1)
        .stdout_empty()
        .stderr_has("kz: no record matches 'zzzzqqq'\n");
}

#[test]
fn who_on_a_fixture_base() {
    let run = Kz::new()
        .fixture("clean")
        .args(["who", "Ада Экзампл", "-f", "json"])
        .run()
        .success();
    let v = run.json();
    assert_eq!(v[0]["id"], "ada-example");
    assert_eq!(v[0]["member_of"][0]["org"], "ministry-of-examples");
    assert_eq!(v[0]["member_of"][0]["member"], "ada-example");
    // Oldest first: "2022-01~" starts before "2022-01-10".
    assert_eq!(v[0]["quotes"][0]["id"], "bridge-reopen");
    assert_eq!(v[0]["quotes"][1]["text"], "We built it to last");
}
