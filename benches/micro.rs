//! Micro-benchmarks of kz's stages: parse and check, snapshot load, name matching, rendering.
//! Run with `cargo bench --bench micro`; `benches/run` compares whole commands with jq and friends.

use kz::load::{self, FactFile, FileOrigin};
use kz::model::Kind;
use kz::render::{self, Format, Rows, Style, Value};

fn main() {
    divan::main();
}

/// A base of `n` quotes by `n / 20` people, as one YAML file in memory.
fn generated(n: usize) -> Vec<FactFile> {
    let mut text = String::from("sources:\n  - id: s\n    title: Source\nactors:\n");
    for a in 0..n / 20 {
        text.push_str(&format!(
            "  - id: actor-{a}\n    name: Firstname{a} Lastname{a}\n    aliases: [Lastname{a}, Фамилия{a}]\n    description: Someone in a generated base\n    source: s\n"
        ));
    }
    text.push_str("quotes:\n");
    for q in 0..n {
        text.push_str(&format!(
            "  - id: quote-{q}\n    speaker: actor-{}\n    text: Generated quote number {q} about the unrest\n    kind: reported\n    said: 2022-01-{:02}\n    context: interview\n    source: s\n",
            q % (n / 20),
            q % 28 + 1
        ));
    }
    vec![FactFile::new(
        "generated.yaml".into(),
        FileOrigin::Disk {
            path: "generated.yaml".into(),
            root: ".".into(),
        },
        text,
    )]
}

#[divan::bench]
fn parse_and_check_builtin(b: divan::Bencher) {
    b.with_inputs(load::builtin_files)
        .bench_values(|files| kz::open::check_files(files, Vec::new()).expect("clean"));
}

#[divan::bench(args = [1_000, 10_000])]
fn parse_and_check_generated(b: divan::Bencher, n: usize) {
    b.with_inputs(|| generated(n))
        .bench_values(|files| kz::open::check_files(files, Vec::new()).expect("clean"));
}

#[divan::bench(args = [1_000, 10_000])]
fn parse_only(b: divan::Bencher, n: usize) {
    b.with_inputs(|| generated(n)).bench_values(load::parse);
}

#[divan::bench(args = [10_000])]
fn snapshot_load(b: divan::Bencher, n: usize) {
    let dir = tempfile::tempdir().expect("temp dir");
    let cache =
        kz::load::snapshot::Cache::at(&dir.path().join("kz")).expect("a private cache folder");
    let base = kz::open::check_files(generated(n), Vec::new()).expect("clean");
    let key = kz::load::snapshot::Key::of([b"generated".as_slice()]);
    cache.store(key, &base, kz::load::snapshot::now_ns());
    b.bench(|| match cache.load(key, &[]) {
        kz::load::snapshot::Found::Fresh(base) => base,
        _ => panic!("stored, and nothing changed since"),
    });
}

#[divan::bench]
fn find_a_name_among_500_people(b: divan::Bencher) {
    let base = kz::open::check_files(generated(10_000), Vec::new()).expect("clean");
    let q = kz::names::NameQuery::new("Lastname250");
    b.bench(|| kz::query::find::best(&base, &q, &[Kind::Actor]));
}

#[divan::bench(args = ["tsv", "json", "table"])]
fn render_1000_rows(b: divan::Bencher, format: &str) {
    let mut rows = Rows::new(&["id", "date", "speaker", "text"]);
    for i in 0..1000 {
        rows.push(
            vec![
                Value::Text(format!("quote-{i}")),
                Value::Text("2022-01-05".into()),
                Value::Text("Firstname Lastname".into()),
                Value::Text(format!("Generated quote number {i} about the unrest")),
            ],
            vec!["s".into()],
        );
    }
    let format = match format {
        "tsv" => Format::Tsv,
        "json" => Format::Json,
        _ => Format::Table,
    };
    let style = Style {
        format,
        color: false,
        width: Some(120),
        header: true,
        terminal: false,
        spreadsheet_safe: true,
    };
    b.bench(|| {
        let mut out = Vec::with_capacity(256 * 1024);
        render::rows(&mut out, &rows, &style).expect("in memory");
        out
    });
}
