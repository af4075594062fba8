//! Answers that must never be quietly wrong or incomplete: each case here was once wrong.

use crate::support::{Kz, fixture, json, root};
use serde_json::Value;

fn column(rows: &Value, key: &str) -> Vec<String> {
    rows.as_array()
        .expect("an array of rows")
        .iter()
        .map(|r| r[key].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn members_are_the_members_list_and_nothing_else() {
    let rows = json(&["members", "CSTO"]);
    assert_eq!(
        column(&rows, "id"),
        [
            "russia",
            "tajikistan",
            "kyrgyzstan",
            "armenia",
            "belarus",
            "kazakhstan"
        ]
    );
    assert!(column(&rows, "kind").iter().all(|k| k == "place"));
    assert!(
        rows[0].get("role").is_none(),
        "no role column without --roles"
    );
    let with_roles = json(&["members", "CSTO", "--roles"]);
    let roles: Vec<(String, String)> = with_roles
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().into(),
                r["role"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(roles.contains(&("nikol-pashinyan".into(), "Chair of the CSTO".into())));
    assert!(roles.contains(&("russia".into(), "member".into())));
    // A pipe gets the member states and only them.
    let piped = Kz::new()
        .args(["members", "CSTO", "--no-header"])
        .run()
        .success();
    let names: Vec<&str> = piped
        .stdout
        .lines()
        .map(|l| l.split('\t').nth(1).unwrap())
        .collect();
    assert!(!names.contains(&"Nikol Pashinyan"), "{names:?}");
}

#[test]
fn undated_starts_are_not_pushed_back_in_time() {
    for args in [
        vec!["members", "CSTO", "--on", "2003"],
        vec!["members", "CSTO", "--roles", "--on", "2003"],
        vec!["members", "CSTO", "--roles", "--on", "2021"],
    ] {
        Kz::new()
            .args(&args)
            .run()
            .code(1)
            .stdout_empty()
            .stderr_has("known on");
    }
    // The article that attests them is dated 2022-01-07/2022-01-08.
    let on = json(&["members", "CSTO", "--roles", "--on", "2022-01-07"]);
    assert!(column(&on, "id").contains(&"andrey-serdyukov".to_string()));
    // A dated role starts when it says, and one with only an end is known on that end.
    let base = fixture("analyst");
    let run = |date: &str| {
        Kz::new()
            .args([
                "--facts",
                &base,
                "members",
                "sampleton council",
                "--roles",
                "--on",
                date,
                "-f",
                "json",
            ])
            .run()
    };
    assert_eq!(column(&run("2021").success().json(), "id"), ["bob-sample"]);
    run("2020").code(1);
    let union = |date: &str| {
        Kz::new()
            .args([
                "--facts",
                &base,
                "members",
                "union-of-examples",
                "--on",
                date,
                "-f",
                "json",
            ])
            .run()
    };
    assert_eq!(
        column(&union("2016").success().json(), "id"),
        ["examplestan"]
    );
    assert_eq!(
        column(&union("2022-03").success().json(), "id"),
        ["testland", "examplestan"],
        "an undated member is attested from its source's publication"
    );
    union("2014").code(1);
}

#[test]
fn an_ambiguous_organisation_is_never_merged() {
    let run = Kz::new()
        .args(["members", "Treaty"])
        .run()
        .code(1)
        .stdout_empty();
    for id in ["csto", "collective-security-treaty", "nato"] {
        assert!(run.stderr.contains(&format!("\n  {id} ")), "{}", run.stderr);
    }
    // How many organisations the word names depends on the shipped base; that they are listed
    // and none is picked does not.
    assert!(
        run.stderr.starts_with("kz: 'Treaty' matches ")
            && run
                .stderr
                .lines()
                .next()
                .unwrap()
                .ends_with(" organisations equally; give one of these ids:"),
        "{}",
        run.stderr
    );
    Kz::new()
        .args(["members", "Kazakhstan"])
        .run()
        .code(1)
        .stdout_empty()
        .stderr_has("kz: 'Kazakhstan' is a place, not an organisation");
    // Several organisations on purpose: each row names its own.
    let rows = json(&["members", "CSTO", "collective-security-treaty", "--all"]);
    assert!(
        column(&rows, "org").iter().all(|o| o == "csto"),
        "the treaty lists no members"
    );
    let rows = json(&[
        "members",
        "ministry-of-examples",
        "sampleton-office",
        "--facts",
        &fixture("clean"),
    ]);
    let orgs = column(&rows, "org");
    assert!(
        orgs.contains(&"ministry-of-examples".to_string()),
        "{orgs:?}"
    );
}

#[test]
fn the_graph_draws_places_that_events_involve() {
    let events = json(&["events", "--involving", "Russia"]);
    let dot = Kz::new().args(["graph", "russia"]).run().success().stdout;
    for id in column(&events, "id") {
        assert!(
            dot.contains(&format!("\"russia\" -> \"{id}\""))
                || dot.contains(&format!("\"{id}\" -> \"russia\"")),
            "{id} is not drawn:\n{dot}"
        );
    }
    // A role in both an organisation and a place is drawn to both.
    let dot = Kz::new()
        .args(["graph", "andrey-serdyukov"])
        .run()
        .success()
        .stdout;
    assert!(dot.contains("\"andrey-serdyukov\" -> \"csto\""), "{dot}");
    assert!(
        dot.contains("\"andrey-serdyukov\" -> \"kazakhstan\""),
        "{dot}"
    );
}

#[test]
fn text_is_folded_like_names_in_every_script() {
    let ids = |args: &[&str]| column(&json(args), "id");
    let latin = ids(&["quotes", "--contains", "Tokayev"]);
    assert!(!latin.is_empty());
    assert_eq!(ids(&["quotes", "--contains", "Токаев"]), latin);
    assert_eq!(ids(&["quotes", "--contains", "TOKAEV"]), latin);
    let rows = |q: &str| -> Vec<(String, String)> {
        json(&["search", q])
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["id"].as_str().unwrap().into(),
                    r["field"].as_str().unwrap().into(),
                )
            })
            .collect()
    };
    let search = rows("Tokayev");
    assert_eq!(rows("Токаев"), search);
    assert_eq!(rows("Тоқаев"), search);
    // Short names match whole words: `US` finds the United States, not "thus".
    let us = json(&["search", "US"]);
    assert!(
        us.as_array().unwrap().iter().all(|r| {
            let s = r["snippet"].as_str().unwrap();
            !s.contains("thus") || s.contains("US")
        }),
        "{us}"
    );
}

#[test]
fn check_shows_every_problem_of_a_record_in_one_run() {
    let run = Kz::new()
        .args(["check", "--facts", &fixture("rounds"), "-f", "json"])
        .run()
        .code(2);
    let diags = run.json();
    let found: Vec<(String, u64)> = diags
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().into(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    // Each structural problem, and the problems it used to hide until it was fixed.
    let want: Vec<(String, u64)> = [
        ("KZ013", 8),  // name: a list
        ("KZ012", 9),  // unknown field
        ("KZ030", 10), // nationality names nothing
        ("KZ012", 14), // unknown field in a role
        ("KZ040", 15), // a role's since is not a date
        ("KZ012", 20), // quote: unknown field
        ("KZ030", 21), // speaker names nothing
        ("KZ041", 23), // said: no such day
    ]
    .iter()
    .map(|(c, l)| (c.to_string(), *l))
    .collect();
    assert_eq!(found, want, "{}", run.stdout);
    let text = Kz::new()
        .args(["check", "--facts", &fixture("rounds")])
        .run()
        .code(2)
        .stdout;
    assert!(
        !text.contains("has no `name`"),
        "a field already reported is not missing too:\n{text}"
    );
}

#[test]
fn a_source_text_outside_the_base_is_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret.txt");
    std::fs::write(&secret, "the password is hunter2").unwrap();
    let base = dir.path().join("base");
    std::fs::create_dir(&base).unwrap();
    std::os::unix::fs::symlink(&secret, base.join("link.txt")).unwrap();
    let cases = [
        secret.display().to_string(),
        "../secret.txt".to_string(),
        "link.txt".to_string(),
        "/etc/passwd".to_string(),
    ];
    for text in cases {
        std::fs::write(
            base.join("facts.yaml"),
            format!(
                "sources:\n  - id: s\n    title: T\n    text: {text}\nactors:\n  - id: a\n    name: A\n    description: d\n    source: s\n    evidence: the password is hunter\n"
            ),
        )
        .unwrap();
        let run = Kz::new()
            .args(["check", "--facts", &base.display().to_string()])
            .run()
            .code(2);
        assert!(
            run.stdout.contains("facts.yaml:4:11: error[KZ052]"),
            "{text}: {}",
            run.stdout
        );
        assert!(
            run.stdout.contains("outside the fact base"),
            "{}",
            run.stdout
        );
        assert!(!run.stdout.contains("hunter2"), "{}", run.stdout);
        assert!(
            !run.stdout.contains("KZ051"),
            "nothing is compared with it: {}",
            run.stdout
        );
        assert!(!run.stdout.contains("root:"), "{}", run.stdout);
    }
    // Inside the base, a text in a subfolder and one beside the file are read.
    std::fs::create_dir(base.join("texts")).unwrap();
    std::fs::write(base.join("texts/t.txt"), "the password is hunter2").unwrap();
    std::fs::write(
        base.join("facts.yaml"),
        "sources:\n  - id: s\n    title: T\n    text: texts/t.txt\nactors:\n  - id: a\n    name: A\n    description: d\n    source: s\n    evidence: the password is hunter\n",
    )
    .unwrap();
    Kz::new()
        .args(["check", "--facts", &base.display().to_string()])
        .run()
        .success();
}

#[test]
fn one_record_has_one_json_shape_everywhere() {
    let export: Vec<Value> = Kz::new()
        .args(["export", "--to", "jsonl"])
        .run()
        .success()
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let exported = |id: &str| export.iter().find(|r| r["id"] == id).unwrap().clone();
    let quote = exported("tokayev-open-doors");
    assert_eq!(quote["record"], "quote");
    assert_eq!(quote["kind"], "direct");
    // `who` shows the same object for the quote itself and among the speaker's quotes.
    let who = json(&["who", "tokayev-open-doors"]);
    assert_eq!(who[0]["record"], "quote");
    for key in [
        "id", "speaker", "text", "kind", "said", "context", "about", "source",
    ] {
        assert_eq!(who[0][key], quote[key], "{key}");
    }
    let tokayev = json(&["who", "kassym-jomart-tokayev"]);
    let listed = tokayev[0]["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == "tokayev-open-doors")
        .unwrap()
        .clone();
    assert_eq!(listed, quote, "a related record is its own JSON object");
    // `why` adds its sources and claims to the same object.
    let why = json(&["why", "tokayev-open-doors"]);
    for (key, value) in quote.as_object().unwrap() {
        assert_eq!(&why[0][key], value, "{key}");
    }
    // A role and a membership read the same in their record and in a profile.
    let csto = exported("csto");
    let member_of = &json(&["who", "russia"])[0]["member_of"];
    assert!(member_of.as_array().unwrap().contains(&csto["members"][0]));
    let people = &json(&["who", "csto"])[0]["people"];
    let serdyukov = exported("andrey-serdyukov");
    let in_csto = serdyukov["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["org"] == "csto")
        .expect("a role in the CSTO");
    assert!(people.as_array().unwrap().contains(in_csto));
}

#[test]
fn small_things_that_were_visible() {
    Kz::new()
        .args(["on", "2022-02-30"])
        .run()
        .code(2)
        .stderr_has("kz: invalid date '2022-02-30': ");
    let why = json(&["why", "csto-troops-arrive"]);
    assert_eq!(why[0]["title"], "CSTO troops arrive in Kazakhstan");
    assert!(
        why[0]["description"]
            .as_str()
            .unwrap()
            .starts_with("Thousands of troops")
    );
    let table = Kz::new()
        .args(["why", "csto-troops-arrive", "-f", "table", "--width", "100"])
        .run()
        .success()
        .stdout;
    let title = table.lines().find(|l| l.trim_start().starts_with("title "));
    assert!(
        title.is_some_and(|l| l.trim_end().ends_with("CSTO troops arrive in Kazakhstan")),
        "{table}"
    );
    // The Cargo.toml says which Rust the code needs.
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains("rust-version = \"1.88\""),
        "let-chains need 1.88"
    );
}

#[test]
fn man_pages_install_one_per_command_in_a_fresh_folder() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join(".local/share/man/man1");
    Kz::new()
        .args(["man", "--dir", &dir.display().to_string()])
        .run()
        .success();
    for page in ["kz.1", "kz-members.1", "kz-timeline.1", "kz-who.1"] {
        let text =
            std::fs::read_to_string(dir.join(page)).unwrap_or_else(|e| panic!("{page}: {e}"));
        assert!(
            text.starts_with(".ie") || text.contains(".TH"),
            "{page} is not roff"
        );
    }
    let members = std::fs::read_to_string(dir.join("kz-members.1")).unwrap();
    assert!(members.contains("kz\\-members") || members.contains("kz-members"));
    assert!(members.contains("roles"), "the page documents --roles");
}
