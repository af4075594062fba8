//! Every view of the base agrees with every other, for every record: what `who` lists is what the
//! filters, `members`, `on` and `timeline` give for it; every relation of the model is an edge of
//! `graph` and a link in `export`, and nothing else is; and `search` finds the same records by
//! every name of a record. Run over the shipped base and over a generated one that uses every
//! kind of relation.
//!
//! Views that deliberately show less say so here: `graph` draws quotes as one `spoke about` edge
//! per speaker and subject, and draws no sources; `on` and `timeline` list only dated facts.

use crate::support::{Kz, Run};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// A base to hold against itself: the `--facts` arguments that name it.
struct Base {
    facts: Vec<String>,
    _dir: Option<tempfile::TempDir>,
}

impl Base {
    fn shipped() -> Base {
        Base {
            facts: Vec::new(),
            _dir: None,
        }
    }

    fn run(&self, args: &[&str]) -> Run {
        let mut kz = Kz::new();
        for f in &self.facts {
            kz = kz.args(["--facts", f]);
        }
        kz.args(args).run()
    }

    /// The JSON a command prints, or nothing when it matched nothing (exit 1).
    fn json(&self, args: &[&str]) -> Vec<Value> {
        let run = self.run(&[args, &["-f", "json"]].concat());
        match run.code {
            0 => run.json().as_array().expect("an array").clone(),
            1 => Vec::new(),
            _ => panic!("kz {args:?} failed: {}", run.stderr),
        }
    }

    fn records(&self) -> Vec<Value> {
        self.run(&["export", "--to", "jsonl"])
            .success()
            .stdout
            .lines()
            .map(|l| serde_json::from_str(l).expect("a JSON line"))
            .collect()
    }
}

fn ids(rows: &[Value], key: &str) -> Vec<String> {
    rows.iter()
        .map(|r| r[key].as_str().unwrap_or_default().to_string())
        .collect()
}

fn set(list: Vec<String>) -> BTreeSet<String> {
    list.into_iter().collect()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// `who` against the filters, `members`, `actors --org`, `on` and `timeline`, for every record.
fn profiles_agree_with_the_listings(base: &Base) {
    let records = base.records();
    in_parallel(&records, |record| profile_agrees(base, &records, record));
}

/// Runs `check` on every item, a few at a time: each check starts kz several times.
fn in_parallel<T: Sync>(items: &[T], check: impl Fn(&T) + Sync) {
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get() * 2);
    let chunk = items.len().div_ceil(workers).max(1);
    std::thread::scope(|s| {
        for part in items.chunks(chunk) {
            let check = &check;
            s.spawn(move || part.iter().for_each(check));
        }
    });
}

fn profile_agrees(base: &Base, records: &[Value], record: &Value) {
    let mut on_cache: BTreeMap<String, BTreeSet<(String, String)>> = BTreeMap::new();
    {
        let id = record["id"].as_str().unwrap();
        let kind = record["record"].as_str().unwrap();
        let who = base.json(&["who", id]);
        assert_eq!(who.len(), 1, "who {id} names one record");
        let p = &who[0];
        assert_eq!(&p["record"], &record["record"]);
        let listed = |key: &str| ids(p[key].as_array().unwrap(), "id");
        // Events it took part in or that happened there (places within count), and events
        // about it.
        let events = base.json(&["events", "--involving", id]);
        assert_eq!(listed("events"), ids(&events, "id"), "events of {id}");
        let concerning = base.json(&["events", "--about", id]);
        assert_eq!(
            listed("events_about"),
            ids(&concerning, "id"),
            "events about {id}"
        );
        // Quotes it said, and quotes about it.
        let by = match kind {
            "actor" | "organisation" => ids(&base.json(&["quotes", "--by", id]), "id"),
            _ => Vec::new(),
        };
        assert_eq!(listed("quotes"), by, "quotes by {id}");
        let about = base.json(&["quotes", "--about", id]);
        assert_eq!(
            listed("quoted_about"),
            ids(&about, "id"),
            "quotes about {id}"
        );
        // An organisation's members and the people with a role in it.
        if kind == "organisation" {
            let members: Vec<String> = p["members"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["member"].as_str().unwrap().to_string())
                .collect();
            assert_eq!(
                members,
                ids(&base.json(&["members", id, "--all"]), "id"),
                "members of {id}"
            );
            let people: Vec<(String, String)> = p["people"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    (
                        r["actor"].as_str().unwrap().into(),
                        r["title"].as_str().unwrap().into(),
                    )
                })
                .collect();
            let roles: Vec<(String, String)> = base
                .json(&["members", id, "--all", "--roles"])
                .iter()
                .filter(|r| r["role"] != "member")
                .map(|r| {
                    (
                        r["id"].as_str().unwrap().into(),
                        r["role"].as_str().unwrap().into(),
                    )
                })
                .collect();
            assert_eq!(people, roles, "people of {id}");
            let mut actors: BTreeSet<String> = people.into_iter().map(|(a, _)| a).collect();
            actors.extend(
                members
                    .iter()
                    .filter(|m| {
                        records
                            .iter()
                            .any(|r| r["id"] == **m && r["record"] == "actor")
                    })
                    .cloned(),
            );
            assert_eq!(
                actors,
                set(ids(&base.json(&["actors", "--org", id]), "id")),
                "actors --org {id}"
            );
        }
        // Every membership it holds is listed by its organisation.
        for m in p["member_of"].as_array().unwrap() {
            let org = m["org"].as_str().unwrap();
            assert!(
                ids(&base.json(&["members", org, "--all"]), "id").contains(&id.to_string()),
                "{id} in {org}"
            );
        }
        // Every dated quote and event of the profile is there on its date.
        for (key, what, date_key) in [
            ("events", "event", "date"),
            ("events_about", "event", "date"),
            ("quotes", "quote", "said"),
            ("quoted_about", "quote", "said"),
        ] {
            for item in p[key].as_array().unwrap() {
                let Some(date) = item[date_key].as_str() else {
                    continue;
                };
                let on = on_cache.entry(date.to_string()).or_insert_with(|| {
                    base.json(&["on", date])
                        .iter()
                        .map(|r| {
                            (
                                r["kind"].as_str().unwrap().into(),
                                r["id"].as_str().unwrap().into(),
                            )
                        })
                        .collect()
                });
                let item_id = item["id"].as_str().unwrap().to_string();
                assert!(
                    on.contains(&(what.to_string(), item_id.clone())),
                    "on {date} lacks {item_id}"
                );
            }
        }
        // Its timeline holds exactly its dated events and quotes (by and about), and its roles'
        // and memberships' dated starts and ends.
        let timeline = base.json(&["timeline", id]);
        let of = |what: &str| -> BTreeSet<String> {
            timeline
                .iter()
                .filter(|e| e["what"] == what)
                .map(|e| e["id"].as_str().unwrap().to_string())
                .collect()
        };
        let dated = |key: &str, date_key: &str| -> BTreeSet<String> {
            p[key]
                .as_array()
                .unwrap()
                .iter()
                .filter(|x| x[date_key].is_string())
                .map(|x| x["id"].as_str().unwrap().to_string())
                .collect()
        };
        // The timeline of an event or a quote also holds the record itself, when dated.
        let mut events = dated("events", "date");
        events.extend(dated("events_about", "date"));
        if kind == "event" {
            events.insert(id.to_string());
        }
        assert_eq!(of("event"), events, "timeline events of {id}");
        let mut quotes = dated("quotes", "said");
        quotes.extend(dated("quoted_about", "said"));
        if kind == "quote" && p["said"].is_string() {
            quotes.insert(id.to_string());
        }
        assert_eq!(of("quote"), quotes, "timeline quotes of {id}");
        if kind == "actor" {
            let dated_roles = p["roles"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|r| r["since"].is_string())
                .count();
            let starts = timeline
                .iter()
                .filter(|e| e["what"] == "role start" && e["id"] == id)
                .count();
            assert_eq!(starts, dated_roles, "role starts of {id}");
        }
    }
}

/// The relations a picture draws, as the model has them: (from, to, label).
fn model_edges(records: &[Value]) -> BTreeSet<(String, String, String)> {
    let kind_of: BTreeMap<&str, &str> = records
        .iter()
        .map(|r| (r["id"].as_str().unwrap(), r["record"].as_str().unwrap()))
        .collect();
    let drawn = |id: &str| {
        matches!(
            kind_of.get(id),
            Some(&("actor" | "organisation" | "place" | "event"))
        )
    };
    let mut out = BTreeSet::new();
    let mut add = |from: &str, to: &str, label: String| {
        if drawn(from) && drawn(to) {
            out.insert((from.to_string(), to.to_string(), label));
        }
    };
    let mut spoke: BTreeMap<(String, String), usize> = BTreeMap::new();
    for r in records {
        let id = r["id"].as_str().unwrap();
        match r["record"].as_str().unwrap() {
            "actor" => {
                if let Some(n) = r["nationality"].as_str() {
                    add(id, n, "national of".into());
                }
                for role in r["roles"].as_array().unwrap() {
                    let title = role["title"].as_str().unwrap().to_string();
                    for key in ["org", "place"] {
                        if let Some(x) = role[key].as_str() {
                            add(id, x, title.clone());
                        }
                    }
                }
            }
            "organisation" => {
                for m in r["members"].as_array().unwrap() {
                    add(m["member"].as_str().unwrap(), id, "member of".into());
                }
                if let Some(p) = r["based_in"].as_str() {
                    add(id, p, "based in".into());
                }
            }
            "place" => {
                if let Some(p) = r["part_of"].as_str() {
                    add(id, p, "part of".into());
                }
            }
            "quote" => {
                for about in strings(&r["about"]) {
                    *spoke
                        .entry((r["speaker"].as_str().unwrap().into(), about))
                        .or_default() += 1;
                }
            }
            "event" => {
                for who in strings(&r["involving"]) {
                    add(&who, id, "took part in".into());
                }
                for what in strings(&r["about"]) {
                    add(id, &what, "about".into());
                }
                for p in strings(&r["places"]) {
                    add(id, &p, "in".into());
                }
            }
            _ => {}
        }
    }
    for ((from, to), n) in spoke {
        let label = if n == 1 {
            "spoke about".to_string()
        } else {
            format!("spoke about ({n})")
        };
        add(&from, &to, label);
    }
    out
}

/// The edges of `kz graph` in DOT: (from, to, label).
fn drawn_edges(dot: &str) -> BTreeSet<(String, String, String)> {
    dot.lines()
        .filter(|l| l.contains(" -> "))
        .map(|l| {
            let parts: Vec<&str> = l.split('"').collect();
            // `  "a" -> "b" [label="x"];`
            (
                parts[1].to_string(),
                parts[3].to_string(),
                parts[5].replace("\\\"", "\""),
            )
        })
        .collect()
}

/// Which records the export links, directly or through one statement node, as unordered pairs.
fn exported_links(nt: &str, prefix: &str) -> BTreeSet<(String, String)> {
    let mut direct = BTreeSet::new();
    let mut nodes: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for triple in oxttl::NTriplesParser::new().for_slice(nt.as_bytes()) {
        let t = triple.expect("valid N-Triples");
        let object = match &t.object {
            oxrdf::Term::NamedNode(n) => n.as_str().strip_prefix(prefix).map(str::to_string),
            _ => None,
        };
        let Some(object) = object.filter(|o| !o.contains(':')) else {
            if let (oxrdf::NamedOrBlankNode::NamedNode(s), oxrdf::Term::BlankNode(b)) =
                (&t.subject, &t.object)
                && let Some(s) = s.as_str().strip_prefix(prefix)
            {
                nodes
                    .entry(b.as_str().to_string())
                    .or_default()
                    .insert(s.to_string());
            }
            continue;
        };
        match &t.subject {
            oxrdf::NamedOrBlankNode::NamedNode(s) => {
                if let Some(s) = s.as_str().strip_prefix(prefix) {
                    direct.insert(pair(s, &object));
                }
            }
            oxrdf::NamedOrBlankNode::BlankNode(b) => {
                nodes
                    .entry(b.as_str().to_string())
                    .or_default()
                    .insert(object);
            }
        }
    }
    for members in nodes.values() {
        for a in members {
            for b in members {
                if a != b {
                    direct.insert(pair(a, b));
                }
            }
        }
    }
    direct
}

fn pair(a: &str, b: &str) -> (String, String) {
    if a <= b {
        (a.into(), b.into())
    } else {
        (b.into(), a.into())
    }
}

/// Every link the model has between records, as the export writes them: each relation, and each
/// record's sources; a role or membership links everything it names.
fn model_links(records: &[Value]) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    let clique = |out: &mut BTreeSet<(String, String)>, ids: &[String]| {
        for a in ids {
            for b in ids {
                if a != b {
                    out.insert(pair(a, b));
                }
            }
        }
    };
    for r in records {
        let id = r["id"].as_str().unwrap().to_string();
        for s in strings(&r["source"]) {
            out.insert(pair(&id, &s));
        }
        let one = |key: &str| r[key].as_str().map(str::to_string);
        for key in ["nationality", "based_in", "part_of", "speaker"] {
            if let Some(x) = one(key) {
                out.insert(pair(&id, &x));
            }
        }
        for key in ["about", "involving", "places", "same_as"] {
            for x in strings(&r[key]) {
                out.insert(pair(&id, &x));
            }
        }
        for role in r["roles"].as_array().into_iter().flatten() {
            let mut ids = vec![id.clone()];
            ids.extend(
                ["org", "place"]
                    .iter()
                    .filter_map(|k| role[*k].as_str().map(str::to_string)),
            );
            ids.extend(strings(&role["source"]));
            clique(&mut out, &ids);
        }
        for m in r["members"].as_array().into_iter().flatten() {
            let member = m["member"].as_str().unwrap().to_string();
            out.insert(pair(&member, &id));
            let mut ids = vec![id.clone(), member];
            ids.extend(strings(&m["source"]));
            clique(&mut out, &ids);
        }
    }
    out
}

fn pictures_and_exports_hold_every_relation(base: &Base) {
    let records = base.records();
    let dot = base.run(&["graph"]).success().stdout;
    let drawn = drawn_edges(&dot);
    let model = model_edges(&records);
    let missing: Vec<_> = model.difference(&drawn).collect();
    let extra: Vec<_> = drawn.difference(&model).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "graph lacks {missing:?}\ngraph adds {extra:?}"
    );
    let nt = base.run(&["export", "--to", "ntriples"]).success().stdout;
    let exported = exported_links(&nt, "urn:kz:");
    let model = model_links(&records);
    let missing: Vec<_> = model.difference(&exported).collect();
    let extra: Vec<_> = exported.difference(&model).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "export lacks {missing:?}\nexport adds {extra:?}"
    );
}

/// `search` finds the same records by every name of a record that names only it.
fn search_finds_the_same_by_every_name(base: &Base) {
    let records = base.records();
    let named: Vec<&Value> = records
        .iter()
        .filter(|r| {
            matches!(
                r["record"].as_str(),
                Some("actor" | "organisation" | "place")
            )
        })
        .collect();
    in_parallel(&named, |r| {
        let id = r["id"].as_str().unwrap();
        let mut names = vec![r["name"].as_str().unwrap().to_string()];
        names.extend(strings(&r["aliases"]));
        let mut seen: Option<(String, BTreeSet<(String, String)>)> = None;
        for name in names {
            // Only names that name this record alone and exactly: a shared alias names others too.
            let who = base.json(&["who", &name]);
            if ids(&who, "id") != [id] {
                continue;
            }
            let found: BTreeSet<(String, String)> = base
                .json(&["search", &name])
                .iter()
                .map(|r| {
                    (
                        r["id"].as_str().unwrap().into(),
                        r["field"].as_str().unwrap().into(),
                    )
                })
                .collect();
            match &seen {
                None => seen = Some((name, found)),
                Some((first, want)) => assert_eq!(
                    &found, want,
                    "search '{name}' and '{first}' ({id}) disagree"
                ),
            }
        }
    });
}

#[test]
fn the_shipped_base_agrees_with_itself() {
    let base = Base::shipped();
    profiles_agree_with_the_listings(&base);
    pictures_and_exports_hold_every_relation(&base);
    search_finds_the_same_by_every_name(&base);
}

#[test]
fn a_generated_base_agrees_with_itself() {
    let base = generated();
    profiles_agree_with_the_listings(&base);
    pictures_and_exports_hold_every_relation(&base);
    search_finds_the_same_by_every_name(&base);
}

/// A base that uses every kind of relation: people with dated and undated roles in
/// organisations and places, members of every kind, places within places, organisations that
/// speak, quotes about every kind of record, events that involve places and are about records.
/// A second file, citing another source, declares some of the same records again: more aliases
/// and roles, the same quotes (corroborated), events on other dates (disputes), a deprecated
/// declaration, and places joined to others by `same_as`.
fn generated() -> Base {
    let dir = tempfile::tempdir().unwrap();
    let mut seed: u64 = 7;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % n
    };
    let (actors, orgs, places, quotes, events) = (12, 5, 8, 30, 15);
    let mut y = String::from(
        "sources:\n  - id: src\n    title: Generated\n    published: 2022-02\n  - id: src-b\n    title: Second\n",
    );
    y.push_str("places:\n");
    for p in 0..places {
        y.push_str(&format!("  - id: place-{p}\n    name: Place {p} Town\n    aliases: [Плейс {p}]\n    kind: city\n    source: src\n"));
        if p > 0 && next(3) > 0 {
            y.push_str(&format!("    part_of: place-{}\n", next(p)));
        }
    }
    y.push_str("organisations:\n");
    for o in 0..orgs {
        y.push_str(&format!("  - id: org-{o}\n    name: Organisation {o} Council\n    aliases: [OC{o}]\n    kind: body\n    based_in: place-{}\n    source: src\n    members:\n", next(places)));
        y.push_str(&format!(
            "      - member: place-{}\n        since: 20{:02}\n",
            next(places),
            next(20)
        ));
        y.push_str(&format!("      - member: actor-{}\n", next(actors)));
        if o > 0 {
            y.push_str(&format!(
                "      - member: org-{}\n        until: 2021\n        source: src-b\n",
                next(o)
            ));
        }
    }
    y.push_str("actors:\n");
    for a in 0..actors {
        y.push_str(&format!("  - id: actor-{a}\n    name: Firstname{a} Lastname{a}\n    aliases: [Lastname{a}, Фамилия{a}]\n    description: Person {a}\n    nationality: place-{}\n    source: src\n    roles:\n", next(places)));
        y.push_str(&format!("      - title: Head {a}\n        org: org-{}\n        place: place-{}\n        since: 2019\n", next(orgs), next(places)));
        y.push_str(&format!(
            "      - title: Adviser {a}\n        org: org-{}\n        source: src-b\n",
            next(orgs)
        ));
    }
    let any = |k: usize, n: &mut dyn FnMut(usize) -> usize| match k {
        0 => format!("actor-{}", n(actors)),
        1 => format!("org-{}", n(orgs)),
        2 => format!("place-{}", n(places)),
        _ => format!("event-{}", n(events)),
    };
    y.push_str("events:\n");
    for e in 0..events {
        let who = [any(next(3), &mut next), any(next(3), &mut next)];
        let topic = any(next(4), &mut next);
        y.push_str(&format!(
            "  - id: event-{e}\n    date: 2022-01-{:02}\n    title: Event {e} happens\n    involving: [{}, {}]\n    about: [{topic}]\n    places: [place-{}]\n    source: src\n",
            next(28) + 1, who[0], who[1], next(places)
        ));
    }
    y.push_str("quotes:\n");
    for q in 0..quotes {
        let speaker = if q % 4 == 0 {
            format!("org-{}", next(orgs))
        } else {
            format!("actor-{}", next(actors))
        };
        let about = [any(next(4), &mut next), any(next(4), &mut next)];
        let said = if q % 5 == 0 {
            String::new()
        } else {
            format!("    said: 2022-01-{:02}\n", next(28) + 1)
        };
        y.push_str(&format!(
            "  - id: quote-{q}\n    speaker: {speaker}\n    kind: reported\n    text: Statement number {q} about Lastname{} and Place {} Town\n{said}    about: [{}, {}]\n    source: src\n",
            next(actors), next(places), about[0], about[1]
        ));
    }
    std::fs::write(dir.path().join("base.yaml"), y).unwrap();
    // The second report: the same records again, as another source tells them.
    let mut m = String::from("sources:\n  - id: src-c\n    title: Third\n    published: 2022-03\n");
    m.push_str("places:\n");
    for p in (0..places).step_by(3) {
        m.push_str(&format!("  - id: town-{p}\n    name: Town {p}\n    kind: city\n    same_as: [place-{p}]\n    source: src-c\n"));
    }
    m.push_str("actors:\n");
    for a in (0..actors).step_by(4) {
        m.push_str(&format!("  - id: actor-{a}\n    name: F. Lastname{a}\n    aliases: [Lastname{a}, Nick{a}]\n    description: Person {a}, as the third source tells it\n    source: src-c\n    roles:\n      - title: Head {a}\n        org: org-{}\n      - title: Spokesperson {a}\n        org: org-{}\n        since: 2021\n", next(orgs), next(orgs)));
    }
    m.push_str("events:\n");
    for e in (0..events).step_by(3) {
        let rank = ["normal", "preferred", "deprecated"][e / 3 % 3];
        m.push_str(&format!(
            "  - id: event-{e}\n    date: 2022-02-{:02}\n    title: Event {e} as told again\n    involving: [actor-{}]\n    places: [town-{}]\n    rank: {rank}\n    source: src-c\n",
            next(28) + 1, next(actors), 3 * next(places.div_ceil(3))
        ));
    }
    m.push_str("quotes:\n");
    for q in (0..quotes).step_by(5) {
        m.push_str(&format!("  - id: quote-{q}\n    speaker: {}\n    kind: reported\n    text: Statement number {q} as the third source reports it\n    source: src-c\n", if q % 4 == 0 { format!("org-{}", next(orgs)) } else { format!("actor-{}", next(actors)) }));
    }
    std::fs::write(dir.path().join("more.yaml"), m).unwrap();
    let facts = dir.path().display().to_string();
    Kz::new().args(["check", "--facts", &facts]).run().success();
    Base {
        facts: vec![facts],
        _dir: Some(dir),
    }
}
