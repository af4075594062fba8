//! Fitting the ecosystem: completions, the man page, the schema, graphs and exports.

use crate::support::{Kz, fixture, root};
use std::process::Command;

/// Asks kz for completions the way the fish script does: `COMPLETE=fish kz -- <words>`.
fn complete(words: &[&str], facts: Option<&str>) -> Vec<String> {
    let mut kz = Kz::new()
        .env("COMPLETE", "fish")
        .args(["--", "kz"])
        .args(words);
    if let Some(f) = facts {
        kz = kz.env("KZ_FACTS", f);
    }
    let run = kz.run().success();
    run.stdout
        .lines()
        .map(|l| l.split('\t').next().unwrap().to_string())
        .collect()
}

#[test]
fn completion_scripts_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let run = Kz::new().args(["completions", shell]).run().success();
        assert!(
            run.stdout.contains("COMPLETE"),
            "{shell} script does not call back into kz:\n{}",
            run.stdout
        );
    }
    Kz::new()
        .args(["completions", "tcsh"])
        .run()
        .code(2)
        .stderr_has("invalid value 'tcsh'");
}

#[test]
fn names_complete_dynamically() {
    assert_eq!(complete(&["who", "Serd"], None), ["Serdyukov", "Сердюков"]);
    assert!(complete(&["quotes", "--by", "Murt"], None).contains(&"Murtazashvili".to_string()));
    assert_eq!(complete(&["members", "ОД"], None), ["ОДКБ"]);
    // A name with a space completes to its id, which needs no quoting.
    assert!(complete(&["who", "Andr"], None).contains(&"andrey-serdyukov".to_string()));
    // Subcommands complete too.
    assert!(complete(&["mem"], None).contains(&"members".to_string()));
    // The base comes from KZ_FACTS when set.
    assert_eq!(
        complete(&["who", "Ada"], Some(&fixture("clean"))),
        ["ada-example"]
    );
}

#[test]
fn completion_text_is_escaped() {
    let words = complete(&["who", "Mal"], Some(&fixture("hostile")));
    assert!(!words.is_empty());
    for w in &words {
        assert!(
            !w.contains('\u{1b}') && !w.contains('\u{7}'),
            "raw control character in {w:?}"
        );
    }
    let all = Kz::new()
        .env("COMPLETE", "fish")
        .env("KZ_FACTS", &fixture("hostile"))
        .args(["--", "kz", "who", ""])
        .run()
        .success();
    assert!(!all.stdout.contains('\u{1b}'), "{}", all.stdout);
    assert!(
        all.stdout.contains("\\u{1b}]2;retitled\\u{7}"),
        "{}",
        all.stdout
    );
}

#[test]
fn man_page_is_roff() {
    let run = Kz::new().args(["man"]).run().success();
    assert!(
        run.stdout.starts_with(".ie \\n(.g .ds Aq \\(aq"),
        "{}",
        &run.stdout[..200]
    );
    assert!(run.stdout.contains(".TH kz 1"));
    for cmd in ["who", "members", "quotes", "graph", "export", "completions"] {
        assert!(
            run.stdout.contains(&format!(".TH kz-{cmd} 1")),
            "no page for {cmd}"
        );
    }
}

#[test]
fn schema_matches_the_committed_file() {
    let run = Kz::new().args(["schema"]).run().success();
    let committed = std::fs::read_to_string(root().join("schema/facts.schema.json")).unwrap();
    if std::env::var_os("KZ_BLESS").is_some() {
        std::fs::write(root().join("schema/facts.schema.json"), &run.stdout).unwrap();
        return;
    }
    assert_eq!(
        run.stdout, committed,
        "schema/facts.schema.json is stale: `kz schema > schema/facts.schema.json`"
    );
    let v = run.json();
    assert_eq!(v["$schema"], "http://json-schema.org/draft-07/schema#");
    assert_eq!(v["additionalProperties"], false);
    assert!(
        v["definitions"]["Quote"]["properties"]["speaker"]["description"]
            .as_str()
            .unwrap()
            .contains("who said it")
    );
    // Every shipped file points editors at it.
    for entry in std::fs::read_dir(root().join("facts")).unwrap().flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(
                text.starts_with("# yaml-language-server: $schema=../schema/facts.schema.json\n"),
                "{}",
                path.display()
            );
        }
    }
}

/// Renders DOT with Graphviz, which .ci/run installs.
fn graphviz(dot: &str) -> String {
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("Graphviz `dot` is installed (.ci/run installs it)");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(dot.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "dot rejected the graph: {}\n{dot}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Graphviz 2.43's spline router can warn that it is "unable to reclaim box space" on some
    // layouts: a fault of its routing, which comes and goes with the shape of the base, not of
    // the DOT kz writes. Any other warning fails.
    let stderr = String::from_utf8_lossy(&out.stderr);
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.contains("Unable to reclaim box space in spline routing"))
        .collect();
    assert!(warnings.is_empty(), "dot warned: {stderr}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn graphs_render_with_graphviz() {
    for args in [
        vec!["graph"],
        vec!["graph", "csto"],
        vec!["graph", "Tokayev", "--depth", "2"],
    ] {
        let run = Kz::new().args(&args).run().success();
        let svg = graphviz(&run.stdout);
        assert!(svg.contains("<svg"), "no SVG for kz {}", args.join(" "));
    }
    let csto = Kz::new().args(["graph", "csto"]).run().success().stdout;
    assert!(
        csto.contains("\"kazakhstan\" -> \"csto\" [label=\"member of\"];"),
        "{csto}"
    );
    assert!(csto.contains("\"andrey-serdyukov\" -> \"csto\" [label=\"Commander of the CSTO troops in Kazakhstan\"];"), "{csto}");
    // Hostile labels stay valid DOT and are shown escaped.
    let hostile = Kz::new()
        .fixture("hostile")
        .args(["graph"])
        .run()
        .success()
        .stdout;
    graphviz(&hostile);
    assert!(!hostile.contains('\u{1b}'));
    Kz::new()
        .args(["graph", "article"])
        .run()
        .code(2)
        .stderr_has("is a source or a quote");
    Kz::new()
        .args(["graph", "nobody-at-all"])
        .run()
        .code(1)
        .stderr_has("no record matches");
}

#[test]
fn mermaid_is_well_formed() {
    let run = Kz::new()
        .args(["graph", "csto", "--to", "mermaid"])
        .run()
        .success();
    let mut lines = run.stdout.lines();
    assert_eq!(lines.next(), Some("flowchart LR"));
    let nodes = run.stdout.lines().filter(|l| l.contains(":::")).count();
    let edges = run.stdout.lines().filter(|l| l.contains("-->|")).count();
    assert!(nodes > 5 && edges > 5, "{}", run.stdout);
    for line in run.stdout.lines().skip(1) {
        let quotes = line.matches('"').count();
        assert!(quotes % 2 == 0, "unbalanced quotes: {line}");
    }
}

#[test]
fn jsonl_export_has_every_record() {
    let run = Kz::new().args(["export", "--to", "jsonl"]).run().success();
    let records: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let check = Kz::new().args(["check"]).run().success().stdout;
    let count = |kind: &str| records.iter().filter(|r| r["record"] == kind).count();
    // Kinds are vocabulary, not records, so the export does not count them.
    let summary = format!(
        "ok: {} source, {} actors, {} organisations, {} places, {} quotes, {} events, ",
        count("source"),
        count("actor"),
        count("organisation"),
        count("place"),
        count("quote"),
        count("event")
    );
    assert!(check.starts_with(&summary), "{summary}\n{check}");
    let serdyukov = records
        .iter()
        .find(|r| r["id"] == "andrey-serdyukov")
        .unwrap();
    assert_eq!(serdyukov["record"], "actor");
    let roles = serdyukov["roles"].as_array().unwrap();
    assert!(roles.iter().any(|r| r["org"] == "csto"), "{roles:?}");
    assert_eq!(serdyukov["source"], serde_json::json!(["article"]));
}

#[test]
fn ntriples_parse_with_a_real_rdf_parser() {
    let run = Kz::new()
        .args(["export", "--to", "ntriples"])
        .run()
        .success();
    let mut triples = Vec::new();
    for t in oxttl::NTriplesParser::new().for_slice(run.stdout.as_bytes()) {
        triples.push(t.expect("valid N-Triples"));
    }
    assert_eq!(triples.len(), run.stdout.lines().count());
    let text: Vec<String> = triples.iter().map(|t| t.to_string()).collect();
    let has = |s: &str| text.iter().any(|t| t == s);
    assert!(has(
        "<urn:kz:andrey-serdyukov> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://schema.org/Person>"
    ));
    assert!(has(
        "<urn:kz:kazakhstan> <http://schema.org/memberOf> <urn:kz:csto>"
    ));
    assert!(has(
        "<urn:kz:andrey-serdyukov> <http://www.w3.org/ns/prov#wasDerivedFrom> <urn:kz:article>"
    ));
    assert!(has(
        "<urn:kz:csto-troops-arrive> <urn:kz:vocab:date> \"2022-01-06\"^^<http://www.w3.org/2001/XMLSchema#date>"
    ));
    // A date that is not one day (a decade, an interval, a qualified date) is typed as EDTF.
    let events = Kz::new()
        .args(["events", "-f", "json"])
        .run()
        .success()
        .json();
    let edtf = events
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["date"].as_str().unwrap().len() != 10)
        .expect("an event dated other than by a day");
    assert!(has(&format!(
        "<urn:kz:{}> <urn:kz:vocab:date> \"{}\"^^<http://id.loc.gov/datatypes/edtf/EDTF>",
        edtf["id"].as_str().unwrap(),
        edtf["date"].as_str().unwrap()
    )));
    // Hostile text is escaped into valid literals.
    let hostile = Kz::new()
        .fixture("hostile")
        .args([
            "export",
            "--to",
            "ntriples",
            "--base",
            "https://example.org/kz/",
        ])
        .run()
        .success();
    for t in oxttl::NTriplesParser::new().for_slice(hostile.stdout.as_bytes()) {
        t.expect("valid N-Triples");
    }
    assert!(hostile.stdout.contains("<https://example.org/kz/mallory>"));
    Kz::new()
        .args(["export", "--to", "ntriples", "--base", "not an iri"])
        .run()
        .code(2)
        .stderr_has("is not an absolute IRI");
}
