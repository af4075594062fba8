//! Fuzzes the snapshot reader: a snapshot of the shipped base, changed by the input, must be
//! rejected, or read back exactly as the base, or have its damage noticed when read (so kz throws
//! the answer away and rebuilds). Never a panic, never a wrong answer.
//!
//! The input is a list of edits: 5 bytes each, a little-endian u32 offset (taken modulo the
//! length) and a byte to XOR there; an edit whose XOR byte is 0 cuts the file at that offset.

#![no_main]

use kz::load::snapshot::{self, Key};
use kz::model::Base;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn good() -> &'static (Base, Key, Vec<u8>) {
    static GOOD: OnceLock<(Base, Key, Vec<u8>)> = OnceLock::new();
    GOOD.get_or_init(|| {
        let base = kz::open::check_files(kz::load::builtin_files(), Vec::new())
            .expect("the shipped base is clean");
        let key = Key::of(["fuzz"]);
        let bytes = snapshot::encode_base(key, &base, 7).expect("a snapshot");
        (base, key, bytes)
    })
}

fuzz_target!(|data: &[u8]| {
    let (base, key, good) = good();
    let mut bytes = good.clone();
    for edit in data.chunks_exact(5) {
        if bytes.is_empty() {
            break;
        }
        let at = u32::from_le_bytes([edit[0], edit[1], edit[2], edit[3]]) as usize % bytes.len();
        match edit[4] {
            0 => bytes.truncate(at),
            xor => bytes[at] ^= xor,
        }
    }
    assert!(snapshot::never_misleads(bytes, *key, base), "a wrong answer");
});
