//! A warm answer, read in place from the snapshot, is exactly the answer of a fresh parse: the
//! same output, errors and exit code for every command in every format, and the same site, over
//! the shipped base and a generated one that uses every kind of record and relation.

use crate::support::{Kz, root};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// Every command, with arguments that reach its interesting paths on a base whose people,
/// organisations, places, events and sources are named as given.
fn commands(names: &Names) -> Vec<Vec<String>> {
    let n = names;
    let lines: Vec<Vec<&str>> = vec![
        vec!["who", n.person],
        vec!["who", n.person_loose],
        vec!["who", n.org],
        vec!["who", n.place],
        vec!["who", n.event],
        vec!["who", n.source],
        vec!["who", NOBODY],
        vec!["actors"],
        vec!["actors", "--org", n.org],
        vec!["actors", "--place", n.country],
        vec!["orgs", "--facet", "kind"],
        vec!["orgs"],
        vec!["members", n.org],
        vec!["members", n.org, "--roles"],
        vec!["places"],
        vec!["places", "--kind", "city"],
        vec!["quotes"],
        vec!["quotes", "--by", n.speaker],
        vec!["quotes", "--about", n.org],
        vec!["quotes", "--by", n.speaker, "--until", n.year_end],
        vec!["quotes", "--contains", n.word, "--until", n.early],
        vec!["quotes", "--facet", "speaker"],
        vec!["events"],
        vec!["events", "--involving", n.person],
        vec!["events", "--place", n.place, "--until", n.month_end],
        vec!["timeline"],
        vec!["timeline", n.person, n.org],
        vec!["on", n.day],
        vec!["on", n.month],
        vec!["search", n.word],
        vec!["sources"],
        vec!["why", n.quote_id],
        vec!["why", n.person],
        vec!["check"],
        vec!["graph"],
        vec!["graph", n.person, "--depth", "2", "--to", "mermaid"],
        vec!["graph", n.org, "--to", "svg"],
        vec!["timeline", "--to", "svg"],
        vec!["export", "--to", "jsonl"],
        vec!["export", "--to", "ntriples"],
        vec!["schema"],
    ];
    lines
        .into_iter()
        .map(|l| l.into_iter().map(String::from).collect())
        .collect()
}

struct Names {
    person: &'static str,
    person_loose: &'static str,
    speaker: &'static str,
    org: &'static str,
    country: &'static str,
    place: &'static str,
    event: &'static str,
    source: &'static str,
    quote_id: &'static str,
    day: &'static str,
    month: &'static str,
    word: &'static str,
    /// Dates that bound some of its quotes and events: a year's last day, a day early in its
    /// quotes, and a month's last day.
    year_end: &'static str,
    early: &'static str,
    month_end: &'static str,
}

/// A name no base holds: the one case that must fail, the same way warm and fresh.
const NOBODY: &str = "Nobody At All Xq";

const FORMATS: [&str; 6] = ["table", "tsv", "csv", "json", "jsonl", "markdown"];

fn kz(cache: &Path, facts: &[&Path]) -> Kz {
    let mut k = Kz::new()
        .env("XDG_CACHE_HOME", &cache.display().to_string())
        .env("COLUMNS", "100");
    for f in facts {
        k = k.args(["--facts", &f.display().to_string()]);
    }
    k
}

/// The snapshot files in a cache, with their inodes: a run that answered from the snapshot
/// stores nothing, so the inode stays.
fn snapshots(cache: &Path) -> Vec<(PathBuf, u64)> {
    let Ok(entries) = std::fs::read_dir(cache.join("kz")) else {
        return Vec::new();
    };
    let mut out: Vec<(PathBuf, u64)> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "snap"))
        .map(|p| {
            let ino = std::fs::metadata(&p).unwrap().ino();
            (p, ino)
        })
        .collect();
    out.sort();
    out
}

/// Every file under `dir`, by its path inside it, with its bytes.
fn tree(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                todo.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_path_buf();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

fn same_answers(facts: &[&Path], names: &Names) {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    kz(&cache, facts).args(["check"]).run().success();
    let stored = snapshots(&cache);
    assert_eq!(stored.len(), 1, "the first run stores one snapshot");
    let mut differ = Vec::new();
    let mut runs = 0;
    let mut failed = Vec::new();
    for args in commands(names) {
        // Pictures and exports take no -f: they run once, as written.
        let takes_format = !["graph", "export", "schema"].contains(&args[0].as_str());
        let formats: &[&str] = if takes_format { &FORMATS } else { &["tsv"] };
        for &format in formats {
            let mut all = match takes_format {
                true => vec!["-f".to_string(), format.to_string()],
                false => Vec::new(),
            };
            all.extend(args.iter().cloned());
            let fresh = kz(&cache, facts).arg_list(&["--no-cache"]).args(&all).run();
            let warm = kz(&cache, facts).args(&all).run();
            runs += 1;
            let should_fail = args.iter().any(|a| a == NOBODY);
            if format == "tsv" && (fresh.code == 0) == should_fail {
                failed.push(format!(
                    "kz {} exited {}: {}",
                    all.join(" "),
                    fresh.code,
                    fresh.stderr
                ));
            }
            if (fresh.code, &fresh.stdout, &fresh.stderr) != (warm.code, &warm.stdout, &warm.stderr)
            {
                differ.push(format!(
                    "kz {}\n--- fresh ({})\n{}{}\n--- warm ({})\n{}{}",
                    all.join(" "),
                    fresh.code,
                    fresh.stdout,
                    fresh.stderr,
                    warm.code,
                    warm.stdout,
                    warm.stderr
                ));
            }
        }
    }
    // The site: every file the same.
    let sites = ["fresh", "warm"].map(|w| dir.path().join(w));
    kz(&cache, facts)
        .arg_list(&["--no-cache", "site"])
        .args([sites[0].display().to_string()])
        .run()
        .success();
    kz(&cache, facts)
        .args(["site".to_string(), sites[1].display().to_string()])
        .run()
        .success();
    let (fresh, warm) = (tree(&sites[0]), tree(&sites[1]));
    assert!(fresh.len() > 10, "a site of {} files", fresh.len());
    assert!(
        fresh == warm,
        "the site built warm differs from the one built fresh"
    );
    assert_eq!(
        snapshots(&cache),
        stored,
        "every warm run answered from the one snapshot"
    );
    assert!(
        failed.is_empty(),
        "not a useful case:\n{}",
        failed.join("\n")
    );
    assert!(
        differ.is_empty(),
        "{} of {runs} answers differ:\n{}",
        differ.len(),
        differ.join("\n\n")
    );
}

#[test]
fn warm_answers_equal_fresh_ones_on_the_shipped_base() {
    let names = Names {
        person: "Serdyukov",
        person_loose: "tokaev",
        speaker: "Pashinyan",
        org: "CSTO",
        country: "Kazakhstan",
        place: "Almaty",
        event: "csto-reconstituted",
        source: "article",
        quote_id: "pashinyan-announces-dispatch",
        day: "2022-01-06",
        month: "2022-01",
        word: "peacekeep",
        year_end: "2022-12-31",
        early: "2022-01-10",
        month_end: "2022-01-31",
    };
    same_answers(&[&root().join("facts")], &names);
}

/// A base of `quotes` quotes in the shape `benches/gen.py` writes, using every kind of record
/// and relation: the folder that holds it, and its fact folder.
fn generated(quotes: usize) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let facts = crate::generate::base(quotes, &dir.path().join("gen"));
    (dir, facts)
}

#[test]
fn warm_answers_equal_fresh_ones_on_a_generated_base() {
    let (_dir, facts) = generated(600);
    let names = Names {
        person: "Firstname12 Lastname12",
        person_loose: "lastname7",
        speaker: "Lastname12",
        org: "Organisation 2 of Examples",
        country: "Placeville 0",
        place: "Placeville 3",
        event: "event-0000004",
        source: "source-000001",
        quote_id: "quote-0000017",
        day: "2022-01-05",
        month: "2021-03",
        word: "peacekeepers",
        year_end: "2022-12-31",
        early: "2022-01-10",
        month_end: "2022-01-31",
    };
    same_answers(&[&facts], &names);
}

#[test]
fn warm_answers_equal_fresh_ones_on_a_base_of_several_sources() {
    let names = Names {
        person: "Velt",
        person_loose: "mara velt",
        speaker: "Mara Velt",
        org: "avel-union",
        country: "Port Avel",
        place: "Port Avel",
        event: "strike-began",
        source: "harbour-0309",
        quote_id: "velt-not-go-back",
        day: "2024-03-04",
        month: "2024-03",
        word: "council",
        year_end: "2024-12-31",
        early: "2024-03-10",
        month_end: "2024-03-31",
    };
    same_answers(&[&root().join("tests/fixtures/strike")], &names);
}

/// The base a fresh run builds from these fact files.
fn parsed(facts: &Path) -> kz::model::Base {
    let (files, problems) = kz::load::read_paths(&[facts.to_path_buf()]);
    assert!(problems.is_empty(), "{} files unreadable", problems.len());
    kz::check::build(kz::load::parse(files)).expect("the base checks")
}

/// A fresh run finds names by reading every record, a warm one in the stored name index; both
/// must pick the same records at the same tier, for every kind and every way of naming.
fn index_agrees_with_scan(base: &kz::model::Base) {
    use kz::model::Kind;
    use kz::names::NameQuery;
    use kz::query::find;
    let mut queries: std::collections::BTreeSet<String> = ["", "nobody-at-all", "x", "  "]
        .into_iter()
        .map(String::from)
        .collect();
    for r in base.all() {
        let names: Vec<&str> = std::iter::once(base.label(r))
            .chain(base.aliases(r).iter().map(|a| a.as_str()))
            .chain(std::iter::once(base.id(r)))
            .collect();
        for name in names {
            queries.insert(name.to_string());
            queries.insert(name.to_uppercase());
            queries.extend(name.split_whitespace().map(String::from));
            queries.extend(name.split('-').map(String::from));
            // An id as words (`Quote 17` for `quote-17`).
            queries.insert(name.replace('-', " "));
            if let Some((cut, _)) = name.char_indices().nth(4) {
                queries.insert(name[..cut].to_string());
            }
        }
    }
    let mut subsets: Vec<Vec<Kind>> =
        vec![Kind::ALL.to_vec(), vec![Kind::Actor, Kind::Organisation]];
    subsets.extend(Kind::ALL.iter().map(|&k| vec![k]));
    let index = base.index();
    let mut differ = Vec::new();
    for q in &queries {
        let query = NameQuery::new(q);
        for kinds in &subsets {
            let stored = index.best(&query, kinds);
            let scanned = find::best_by_scan(base, &query, kinds);
            if stored != scanned {
                differ.push(format!(
                    "{q:?} {kinds:?}: index {stored:?}, scan {scanned:?}"
                ));
            }
        }
    }
    assert!(
        differ.is_empty(),
        "{} of {} lookups differ:\n{}",
        differ.len(),
        queries.len() * subsets.len(),
        differ.join("\n")
    );
}

#[test]
fn name_index_agrees_with_a_scan_on_the_shipped_base() {
    index_agrees_with_scan(&parsed(&root().join("facts")));
}

#[test]
fn name_index_agrees_with_a_scan_on_a_base_of_several_sources() {
    index_agrees_with_scan(&parsed(&root().join("tests/fixtures/strike")));
}

#[test]
fn name_index_agrees_with_a_scan_on_a_generated_base() {
    let (_dir, facts) = generated(300);
    index_agrees_with_scan(&parsed(&facts));
}
