//! Differential fuzzing of the YAML fast path: whenever it reads an item, the record equals
//! serde_yaml's for that item; and a whole file loads to the same records and diagnostics with
//! the fast path on and off.
//!
//! The first byte picks what to compare; the rest is the text. The text is read as one item,
//! and also cut into items at its list entries, so whole fact files make good seeds.

#![no_main]

use kz::load::{self, FactFile, RawActor, RawEvent, RawOrganisation, RawPlace, RawQuote, RawSource, fast};
use libfuzzer_sys::fuzz_target;
use serde::de::DeserializeOwned;
use std::fmt::Debug;

/// Asserts that the fast path, where it reads `item` as a `T`, reads what serde_yaml reads.
fn agree<T: DeserializeOwned + Debug>(item: &str, same: fn(&T, &T) -> bool) {
    if let Some(Ok(fast)) = fast::read_one::<T>(item) {
        let slow = serde_yaml::from_str::<Vec<T>>(item);
        let ok = matches!(&slow, Ok(v) if v.len() == 1 && same(&v[0], &fast));
        assert!(ok, "{item:?}\nfast: {fast:?}\nserde_yaml: {slow:?}");
    }
}

fn equal<T: PartialEq>(a: &T, b: &T) -> bool {
    a == b
}

/// `.nan` is not equal to itself, so values are compared as printed.
fn same_value(a: &serde_yaml::Value, b: &serde_yaml::Value) -> bool {
    format!("{a:?}") == format!("{b:?}")
}

/// The text cut at the list entries indented like its first one, as kz's outline cuts items.
fn items(text: &str) -> Vec<&str> {
    let mut starts = Vec::new();
    let mut indent = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_start_matches(' ');
        let at = line.len() - body.len();
        if body.starts_with("- ") && indent.is_none_or(|i| i == at) {
            indent = Some(at);
            starts.push(offset);
        }
        offset += line.len();
    }
    starts.push(text.len());
    starts.windows(2).map(|w| &text[w[0]..w[1]]).collect()
}

fn load(file: &FactFile, fast: bool) -> String {
    let raw = load::parse_with(vec![file.clone()], fast);
    let mut out = format!("{:?}", raw.records);
    for d in &raw.diagnostics {
        out.push_str(&d.to_string());
    }
    out.push_str(&format!("{:?}", raw.broken_ids));
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    if mode % 8 == 7 {
        if let Ok(file) = FactFile::from_bytes("fuzz.yaml", rest) {
            let (with, without) = (load(&file, true), load(&file, false));
            assert!(with == without, "with the fast path:\n{with}\nwithout:\n{without}");
        }
        return;
    }
    let mut pieces = items(text);
    pieces.push(text);
    for item in pieces {
        match mode % 8 {
            0 => agree::<RawQuote>(item, equal),
            1 => agree::<RawActor>(item, equal),
            2 => agree::<RawOrganisation>(item, equal),
            3 => agree::<RawPlace>(item, equal),
            4 => agree::<RawSource>(item, equal),
            5 => agree::<RawEvent>(item, equal),
            _ => agree::<serde_yaml::Value>(item, same_value),
        }
    }
});
