//! The query commands on the shipped base: filters, order, exit codes and messages.

use crate::support::Kz;

/// The first column of TSV output without its header: the ids.
fn ids(args: &[&str]) -> Vec<String> {
    let run = Kz::new()
        .args(args)
        .args(["-f", "tsv", "--no-header"])
        .run()
        .success();
    run.stdout
        .lines()
        .map(|l| l.split('\t').next().unwrap_or_default().to_string())
        .collect()
}

fn has(list: &[String], want: &[&str]) -> bool {
    want.iter().all(|w| list.iter().any(|x| x == w))
}

#[test]
fn actors_filters() {
    let all = ids(&["actors"]);
    assert!(all.len() >= 10, "{all:?}");
    let csto = ids(&["actors", "--org", "CSTO"]);
    assert!(
        has(&csto, &["nikol-pashinyan", "andrey-serdyukov"]),
        "{csto:?}"
    );
    assert!(!csto.contains(&"antony-blinken".to_string()));
    let kz = ids(&["actors", "--place", "Kazakhstan"]);
    assert!(
        has(&kz, &["kassym-jomart-tokayev", "nursultan-nazarbayev"]),
        "{kz:?}"
    );
    let presidents = ids(&["actors", "--role", "president"]);
    assert!(
        has(&presidents, &["kassym-jomart-tokayev"]),
        "{presidents:?}"
    );
    Kz::new()
        .args(["actors", "--org", "Serdyukov"])
        .run()
        .code(1)
        .stderr_has("kz: 'Serdyukov' is an actor, not an organisation");
}

#[test]
fn orgs_and_places_by_kind() {
    let unis = ids(&["orgs", "--kind", "university"]);
    assert!(
        has(&unis, &["university-of-pittsburgh", "harvard-university"]),
        "{unis:?}"
    );
    let run = Kz::new().args(["orgs", "-f", "json"]).run().success();
    let csto = run
        .json()
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == "csto")
        .cloned()
        .expect("csto listed");
    assert_eq!(csto["members"], 6);
    let countries = ids(&["places", "--kind", "country"]);
    assert!(
        has(
            &countries,
            &[
                "kazakhstan",
                "russia",
                "armenia",
                "belarus",
                "kyrgyzstan",
                "tajikistan"
            ]
        ),
        "{countries:?}"
    );
    Kz::new()
        .args(["places", "--kind", "planet"])
        .run()
        .code(1)
        .stdout_empty()
        .stderr_has("kinds in the base: ");
}

#[test]
fn members_now_on_a_date_and_all() {
    let now = ids(&["members", "CSTO"]);
    let countries = [
        "russia",
        "tajikistan",
        "kyrgyzstan",
        "armenia",
        "belarus",
        "kazakhstan",
    ];
    assert_eq!(now, countries, "members are the members list, nothing else");
    // Role holders only on request, each with the role.
    let with_roles = ids(&["members", "CSTO", "--roles"]);
    assert!(
        has(&with_roles, &["nikol-pashinyan", "andrey-serdyukov"]),
        "{with_roles:?}"
    );
    // Same answer through the Russian abbreviation, and by id.
    assert_eq!(ids(&["members", "ОДКБ"]), now);
    assert_eq!(ids(&["members", "csto"]), now);
    // The base says nothing of who belonged in 2003: no membership or role is dated before the
    // article that attests it.
    Kz::new()
        .args(["members", "CSTO", "--roles", "--on", "2003"])
        .run()
        .code(1)
        .stdout_empty()
        .stderr_has("has no members or role holders known on 2003");
    assert_eq!(ids(&["members", "CSTO", "--on", "2022-01-07"]), countries);
    // Nazarbayev headed the Security Council until 2022-01-05: a former role holder, shown by
    // --all, and on the day the base dates his role.
    let council = "Security Council of Kazakhstan";
    assert!(
        ids(&["members", council, "--roles", "--all"])
            .contains(&"nursultan-nazarbayev".to_string())
    );
    let on = ids(&["members", council, "--roles", "--on", "2022-01-05"]);
    assert_eq!(on, ["nursultan-nazarbayev"]);
    for date in ["2022-01-04", "2022-01-06"] {
        let run = Kz::new()
            .args(["members", council, "--roles", "--on", date])
            .run()
            .code(1);
        assert!(run.stdout.is_empty(), "{date}: {}", run.stdout);
    }
    Kz::new()
        .args(["members", "CSTO", "--on", "soon"])
        .run()
        .code(2)
        .stderr_has("kz: invalid --on date 'soon'");
}

#[test]
fn quotes_by_about_contains_and_dates() {
    let by = ids(&["quotes", "--by", "Murtazashvili"]);
    assert_eq!(by.len(), 4, "{by:?}");
    let run = Kz::new()
        .args(["quotes", "--by", "Tokayev", "-f", "json"])
        .run()
        .success();
    let quotes = run.json();
    let dates: Vec<Option<&str>> = quotes
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["date"].as_str())
        .collect();
    let mut sorted = dates.clone();
    sorted.sort_by_key(|d| (d.is_none(), *d));
    assert_eq!(dates, sorted, "oldest first, undated last");
    let friday = ids(&["quotes", "--since", "2022-01-07", "--until", "2022-01-07"]);
    assert!(
        has(
            &friday,
            &["kassenova-not-all-protesters", "tokayev-open-doors"]
        ),
        "{friday:?}"
    );
    let about = ids(&["quotes", "--about", "Tokayev"]);
    assert!(has(&about, &["murtazashvili-trust-military"]), "{about:?}");
    let contains = ids(&["quotes", "--contains", "TRUST THE MILITARY"]);
    assert_eq!(contains, ["murtazashvili-trust-military"]);
    Kz::new()
        .args(["quotes", "--by", "Murtazashvily"])
        .run()
        .code(1)
        .stdout_empty()
        .stderr_has(
            "kz: no actor or organisation matches 'Murtazashvily'; did you mean 'Jennifer Brick Murtazashvili'?",
        );
    Kz::new()
        .args(["quotes", "--since", "last tuesday"])
        .run()
        .code(2)
        .stdout_empty()
        .stderr_has("kz: invalid --since date 'last tuesday': ");
    Kz::new()
        .args(["quotes", "--until", "2022-02-30"])
        .run()
        .code(2)
        .stderr_has("does not exist: February 2022 has 28 days");
    Kz::new()
        .args(["quotes", "--contains", "zebra crossing"])
        .run()
        .code(1)
        .stdout_empty()
        .stderr_has("kz: no quote matches");
}

#[test]
fn events_timeline() {
    let run = Kz::new().args(["events", "-f", "json"]).run().success();
    let events = run.json();
    let events = events.as_array().unwrap();
    // Oldest first: by first day, an open start before any.
    let starts: Vec<Option<kz::date::Date>> = events
        .iter()
        .map(|e| kz::date::Date::parse(e["date"].as_str().unwrap()).ok())
        .collect();
    let firsts: Vec<_> = starts
        .iter()
        .map(|d| d.as_ref().expect("an EDTF date").start())
        .collect();
    assert!(firsts.windows(2).all(|w| w[0] <= w[1]), "{firsts:?}");
    let ids_in_order: Vec<&str> = events.iter().map(|e| e["id"].as_str().unwrap()).collect();
    let pos = |id: &str| {
        ids_in_order
            .iter()
            .position(|x| *x == id)
            .unwrap_or_else(|| panic!("{id} missing"))
    };
    assert!(pos("collective-security-treaty-signed") < pos("csto-reconstituted"));
    assert!(pos("protests-begin") < pos("csto-troops-arrive"));
    let week = ids(&["events", "--since", "2022-01-06", "--until", "2022-01-06"]);
    assert!(week.contains(&"csto-troops-arrive".to_string()), "{week:?}");
    assert!(!week.contains(&"protests-begin".to_string()), "{week:?}");
    let almaty = ids(&["events", "--place", "Almaty"]);
    assert!(almaty.contains(&"almaty-clashes".to_string()), "{almaty:?}");
    // Events in Almaty are events in Kazakhstan too.
    let kazakhstan = ids(&["events", "--place", "Kazakhstan"]);
    assert!(
        has(&kazakhstan, &["almaty-clashes", "protests-begin"]),
        "{kazakhstan:?}"
    );
    let tokayev = ids(&["events", "--involving", "Tokayev"]);
    assert!(
        tokayev.contains(&"tokayev-relieves-nazarbayev".to_string()),
        "{tokayev:?}"
    );
    Kz::new()
        .args(["events", "--since", "2030"])
        .run()
        .code(1)
        .stderr_has("kz: no event matches");
}

#[test]
fn on_a_date() {
    let run = Kz::new()
        .args(["on", "2022-01-05", "-f", "json"])
        .run()
        .success();
    let rows = run.json();
    let rows = rows.as_array().unwrap();
    let has_row = |kind: &str, id: &str| rows.iter().any(|r| r["kind"] == kind && r["id"] == id);
    assert!(has_row("event", "pashinyan-announces-deployment"));
    assert!(has_row("quote", "pashinyan-peacekeeping-troops"));
    assert!(has_row("role end", "nursultan-nazarbayev"), "{rows:?}");
    let decade = ids(&["on", "199X"]);
    assert!(decade.contains(&"event".to_string()));
    Kz::new()
        .args(["on", "2031"])
        .run()
        .code(1)
        .stdout_empty()
        .stderr_has("nothing in the base is dated within 2031");
    Kz::new()
        .args(["on", "tomorrow"])
        .run()
        .code(2)
        .stderr_has("kz: invalid date 'tomorrow': ");
}

#[test]
fn search_finds_fields_with_snippets() {
    let run = Kz::new()
        .args(["search", "Khabar", "-f", "json"])
        .run()
        .success();
    let rows = run.json();
    let rows = rows.as_array().unwrap();
    assert!(
        rows.iter()
            .any(|r| r["id"] == "khabar-24" && r["field"] == "name"),
        "{rows:?}"
    );
    let snippets: Vec<&str> = rows
        .iter()
        .map(|r| r["snippet"].as_str().unwrap())
        .collect();
    assert!(
        snippets.contains(&"Хабар 24"),
        "a Cyrillic alias matches a Latin query: {snippets:?}"
    );
    assert!(
        snippets
            .iter()
            .all(|s| s.contains("Khabar") || s.contains("Хабар")),
        "{snippets:?}"
    );
    // Script-insensitive: a Cyrillic query finds Latin text.
    let cyr = ids(&["search", "Хабар"]);
    assert!(!cyr.is_empty());
    Kz::new()
        .args(["search", "xylophone"])
        .run()
        .code(1)
        .stderr_has("kz: no record contains 'xylophone'");
    Kz::new()
        .args(["search", "!!!"])
        .run()
        .code(2)
        .stderr_has("has no letters or digits");
}

#[test]
fn sources_count_their_facts() {
    let run = Kz::new().args(["sources", "-f", "json"]).run().success();
    let v = run.json();
    assert_eq!(v[0]["id"], "article");
    assert!(v[0]["facts"].as_u64().unwrap() >= 80, "{v}");
}

#[test]
fn why_shows_evidence_and_sources() {
    let run = Kz::new()
        .args(["why", "kassenova-not-all-protesters", "-f", "json"])
        .run()
        .success();
    let v = run.json();
    let w = &v[0];
    assert_eq!(w["record"], "quote");
    assert_eq!(w["kind"], "direct");
    assert_eq!(w["file"], "built-in:facts/quotes.yaml");
    assert!(w["line"].as_u64().unwrap() > 1);
    assert!(w["evidence"].as_str().unwrap().contains("We shouldn"));
    assert_eq!(w["sources"][0]["id"], "article");
    let csto = Kz::new()
        .args(["why", "csto", "-f", "json"])
        .run()
        .success()
        .json();
    assert!(
        csto[0]["claims"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["claim"] == "member: Kazakhstan")
    );
    Kz::new()
        .args(["why", "csto-troop"])
        .run()
        .code(1)
        .stderr_has("did you mean");
}
