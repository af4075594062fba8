//! Fuzzes the loader and checker: any bytes as a fact file must load or give diagnostics that
//! point inside the file, never panic, and render safely.

#![no_main]

use kz::load::FactFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (files, mut diags) = match FactFile::from_bytes("fuzz.yaml", data) {
        Ok(file) => (vec![file], Vec::new()),
        Err(d) => (Vec::new(), vec![*d]),
    };
    if let Err(more) = kz::check::build(kz::load::parse(files)) {
        diags.extend(more.diagnostics);
    }
    let lines = data.split(|&b| b == b'\n').count();
    for d in &diags {
        let shown = d.to_string();
        assert!(!shown.contains('\u{1b}'), "raw escape in a diagnostic: {shown:?}");
        assert!(d.line >= 1 && d.line <= lines && d.column >= 1, "{}:{} outside a file of {lines} lines: {}", d.line, d.column, d.message);
    }
});
