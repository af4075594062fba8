//! Past one machine: the statement table read by DuckDB and the N-Quads loaded into Oxigraph
//! answer the same questions as kz, on the shipped base and on a base of three reports of one
//! strike (tests/fixtures/strike): quotes by a speaker, members of an organisation, and the
//! statements only one source makes. The engines are Python packages (`duckdb`, `pyoxigraph`),
//! which .ci/run installs; without them the test says it is skipped, and under `CI=true` fails.

use crate::support::{Kz, fixture};
use serde_json::Value;
use std::collections::BTreeSet;
use std::process::Command;

/// Whether python3 can import `module`; skips the test loudly when it cannot, and fails it under
/// `CI=true`.
fn python_has(module: &str) -> bool {
    if !crate::support::needs_tool("python3", "DuckDB and Oxigraph are asked from Python") {
        return false;
    }
    let ok = Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success());
    ok || crate::support::skip(&format!(
        "python3 has no `{module}` package; `pip install {module}` to run this check"
    ))
}

/// Runs a Python script with `args`, returning what it printed, parsed as JSON.
fn python(script: &str, args: &[&str]) -> Value {
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "the script failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the script prints JSON")
}

/// A base to ask: the `--facts` arguments that name it, and its exports written to files.
struct Exported {
    facts: Vec<String>,
    dir: tempfile::TempDir,
}

impl Exported {
    fn new(facts: Vec<String>) -> Exported {
        let dir = tempfile::tempdir().unwrap();
        let e = Exported { facts, dir };
        for (to, file) in [("statements", "st.jsonl"), ("nquads", "base.nq")] {
            let out = e.kz(&["export", "--to", to]).run().success().stdout;
            std::fs::write(e.path(file), out).unwrap();
        }
        e
    }

    fn kz(&self, args: &[&str]) -> Kz {
        let mut kz = Kz::new();
        for f in &self.facts {
            kz = kz.args(["--facts", f]);
        }
        kz.args(args)
    }

    fn path(&self, file: &str) -> String {
        self.dir.path().join(file).display().to_string()
    }

    /// The ids a kz listing gives.
    fn ids(&self, args: &[&str], key: &str) -> BTreeSet<String> {
        let run = self.kz(&[args, &["-f", "json"]].concat()).run();
        match run.code {
            1 => BTreeSet::new(),
            _ => run
                .success()
                .json()
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r[key].as_str().unwrap().to_string())
                .collect(),
        }
    }
}

fn strings(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

const DUCKDB: &str = r#"
import duckdb, json, sys
st, speaker, org = sys.argv[1], sys.argv[2], sys.argv[3]
con = duckdb.connect()
con.execute(f"CREATE VIEW st AS SELECT * FROM read_json('{st}', format='newline_delimited')")
q = lambda sql, *a: [r[0] for r in con.execute(sql, list(a)).fetchall()]
out = {
  "quotes_by": q("SELECT DISTINCT entity FROM st WHERE schema = 'quote' AND prop = 'speaker' AND value = ? AND rank <> 'deprecated'", speaker),
  "members": q("SELECT DISTINCT value FROM st WHERE entity = ? AND prop = 'members' AND rank <> 'deprecated'", org),
  "only_here": dict(con.execute("""
    SELECT source, count(*) FROM (
      SELECT entity, prop, value, item, min(source) AS source FROM st
      WHERE prop NOT LIKE '%.%'
      GROUP BY entity, prop, value, item HAVING count(DISTINCT source) = 1)
    GROUP BY source""").fetchall()),
}
print(json.dumps(out))
"#;

const OXIGRAPH: &str = r#"
import pyoxigraph as ox, json, sys
nq, speaker, org, base = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
store = ox.Store()
store.load(path=nq, format=ox.RdfFormat.N_QUADS)
def ids(query):
    return sorted({s[0].value[len(base):] for s in store.query(query)})
out = {
  "quotes_by": ids(f"SELECT DISTINCT ?q WHERE {{ GRAPH ?g {{ ?q <http://schema.org/spokenByCharacter> <{base}{speaker}> }} }}"),
  "members": ids(f"SELECT DISTINCT ?m WHERE {{ GRAPH ?g {{ ?m <http://schema.org/memberOf> <{base}{org}> }} FILTER(isIRI(?m)) }}"),
  "graphs": sorted({q.graph_name.value[len(base):] for q in store if isinstance(q.graph_name, ox.NamedNode)}),
}
print(json.dumps(out))
"#;

/// The questions, through kz and through the engines, on one base.
fn same_answers(base: &Exported, speaker: &str, org: &str) {
    let duck = python(DUCKDB, &[&base.path("st.jsonl"), speaker, org]);
    let kz_quotes = base.ids(&["quotes", "--by", speaker], "id");
    assert!(!kz_quotes.is_empty(), "{speaker} said something");
    assert_eq!(
        strings(&duck["quotes_by"]),
        kz_quotes,
        "quotes by {speaker}, DuckDB"
    );
    let kz_members = base.ids(&["members", org, "--all"], "id");
    assert_eq!(
        strings(&duck["members"]),
        kz_members,
        "members of {org}, DuckDB"
    );
    let sources = base.kz(&["sources", "-f", "json"]).run().success().json();
    for s in sources.as_array().unwrap() {
        let id = s["id"].as_str().unwrap();
        assert_eq!(
            duck["only_here"][id].as_u64().unwrap_or(0),
            s["only_here"].as_u64().unwrap(),
            "statements only {id} makes"
        );
    }
    let ox = python(OXIGRAPH, &[&base.path("base.nq"), speaker, org, "urn:kz:"]);
    assert_eq!(
        strings(&ox["quotes_by"]),
        kz_quotes,
        "quotes by {speaker}, Oxigraph"
    );
    assert_eq!(
        strings(&ox["members"]),
        kz_members,
        "members of {org}, Oxigraph"
    );
    let ids = base.ids(&["sources"], "id");
    assert_eq!(strings(&ox["graphs"]), ids, "a named graph per source");
}

#[test]
fn duckdb_and_oxigraph_answer_as_kz_does() {
    if !python_has("duckdb") || !python_has("pyoxigraph") {
        return;
    }
    same_answers(
        &Exported::new(Vec::new()),
        "jennifer-brick-murtazashvili",
        "csto",
    );
    same_answers(
        &Exported::new(vec![fixture("strike")]),
        "mara-velt",
        "avel-teachers-union",
    );
    // A generated base, as the benchmarks make it: 2,000 quotes in 7 files.
    let generated = tempfile::tempdir().unwrap();
    let status = Command::new("python3")
        .arg(crate::support::root().join("benches/gen.py"))
        .args(["2000", "--files", "7"])
        .arg(generated.path())
        .status()
        .unwrap();
    assert!(status.success(), "benches/gen.py runs");
    let facts = generated.path().join("facts").display().to_string();
    same_answers(&Exported::new(vec![facts]), "actor-0000000", "org-000000");
}

#[test]
fn statements_keep_every_source_and_dispute() {
    let run = Kz::new()
        .args([
            "--facts",
            &fixture("strike"),
            "export",
            "--to",
            "statements",
        ])
        .run()
        .success();
    let rows: Vec<Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let find = |entity: &str, prop: &str| -> Vec<&Value> {
        rows.iter()
            .filter(|r| r["entity"] == entity && r["prop"] == prop)
            .collect()
    };
    // The quote two reports agree on is one statement with two sources.
    let text = find("velt-not-go-back", "text");
    let sources: BTreeSet<&str> = text.iter().map(|r| r["source"].as_str().unwrap()).collect();
    assert_eq!(sources, BTreeSet::from(["courier-0308", "harbour-0309"]));
    // The date they dispute: every value, each with its source and rank.
    let dates: BTreeSet<(&str, &str, &str, bool)> = find("strike-began", "date")
        .iter()
        .map(|r| {
            (
                r["value"].as_str().unwrap(),
                r["source"].as_str().unwrap(),
                r["rank"].as_str().unwrap(),
                r["disputed"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        dates,
        BTreeSet::from([
            ("2024-03-04", "courier-0310", "preferred", true),
            ("2024-03-04", "harbour-0309", "normal", true),
            ("2024-03-05", "courier-0308", "deprecated", true),
        ])
    );
    // A direct quote's words: the sentence each source gives them in, and where it is.
    let text = find("velt-not-go-back", "text");
    let courier = text.iter().find(|r| r["source"] == "courier-0308").unwrap();
    let at = located(courier);
    assert_eq!(at, courier["sentence"].as_str().unwrap());
    assert!(at.ends_with("said union leader Mara Velt."), "{at}");
    // Evidence is where it stands in the text.
    let date = find("strike-began", "date");
    let harbour = date.iter().find(|r| r["source"] == "harbour-0309").unwrap();
    assert_eq!(located(harbour), harbour["sentence"].as_str().unwrap());
    // A role's parts share its item and carry its dates.
    let roles = find("mara-velt", "roles.org");
    assert!(
        roles
            .iter()
            .all(|r| r["value"] == "avel-teachers-union" && r["since"] == "2019"),
        "{roles:?}"
    );
    // The same columns as CSV.
    let csv = Kz::new()
        .args([
            "--facts",
            &fixture("strike"),
            "export",
            "--to",
            "statements",
            "-f",
            "csv",
        ])
        .run()
        .success()
        .stdout;
    assert!(csv.starts_with(
        "entity,schema,prop,value,item,source,rank,disputed,sentence,start,end,since,until\n"
    ));
    assert_eq!(csv.lines().count(), rows.len() + 1);
    Kz::new()
        .args(["export", "--to", "statements", "-f", "table"])
        .run()
        .code(2);
}

/// What a strike statement row's `start`..`end` (characters) holds in its source's text.
fn located(row: &Value) -> String {
    let source = row["source"].as_str().unwrap();
    let path = format!("{}/texts/{source}.txt", fixture("strike"));
    let raw = std::fs::read_to_string(path).unwrap();
    let start = row["start"].as_u64().unwrap() as usize;
    let end = row["end"].as_u64().unwrap() as usize;
    raw.chars().skip(start).take(end - start).collect()
}
