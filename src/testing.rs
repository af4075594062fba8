//! A helper for unit tests that read like a table of cases.

use std::fmt::Debug;

/// Checks that `f` gives each case's expected output for its input, naming the input when not.
#[track_caller]
pub fn table<I, O, W>(cases: &[(I, W)], f: impl Fn(I) -> O)
where
    I: Clone + Debug,
    O: PartialEq<W> + Debug,
    W: Debug,
{
    for (input, want) in cases {
        let got = f(input.clone());
        assert!(got == *want, "{input:?}: got {got:?}, want {want:?}");
    }
}

/// Every text of one to `max` chars drawn from `chars`, shortest first: for tests that hold a
/// fast path to the plain one on every small input.
pub fn every_text(chars: &[char], max: usize) -> Vec<String> {
    let mut all = Vec::new();
    let mut texts = vec![String::new()];
    for _ in 0..max {
        texts = texts
            .iter()
            .flat_map(|t| chars.iter().map(move |c| format!("{t}{c}")))
            .collect();
        all.extend(texts.iter().cloned());
    }
    all
}

/// A checked base made in memory from fact files given as (name, YAML) pairs, read in order,
/// for unit tests of the queries: no process, no disk. Panics with the report if the base is
/// broken.
pub fn base(files: &[(&str, &str)]) -> crate::model::Base {
    match checked(files) {
        Ok(base) => base,
        Err(report) => {
            let shown: Vec<String> = report.diagnostics.iter().map(|d| d.to_string()).collect();
            panic!("the test base is broken:\n{}", shown.join(""))
        }
    }
}

/// The base made from these files, or its report of problems.
pub fn checked(files: &[(&str, &str)]) -> Result<crate::model::Base, crate::diag::Report> {
    let files = files
        .iter()
        .map(|(name, text)| {
            crate::load::FactFile::from_bytes(name, text.as_bytes())
                .unwrap_or_else(|d| panic!("{d}"))
        })
        .collect();
    crate::open::check_files(files, Vec::new())
}

/// One source, `s`, for test bases to cite.
pub const SOURCE: &str = "sources:\n  - id: s\n    title: S\n  - id: t\n    title: T\n";
