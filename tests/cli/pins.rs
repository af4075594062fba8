//! What kz copies from a dependency is pinned to the version it copies: `load/fast/` repeats
//! yaml_serde 0.10.7's reading of scalars method by method, and `cmd/completions` uses
//! clap_complete's unstable dynamic completion. Cargo.toml asks for exactly that version, and
//! Cargo.lock (which `cargo install --locked` and CI use) resolves to it.

use crate::support::root;

/// The crates kz copies or leans on unstably, with the one version each is pinned to.
const PINS: [(&str, &str); 2] = [("yaml_serde", "0.10.7"), ("clap_complete", "4.6.3")];

/// Every version of `name` that Cargo.lock resolves.
fn locked(lock: &str, name: &str) -> Vec<String> {
    let mut versions = Vec::new();
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == format!("name = \"{name}\"")
            && let Some(v) = lines
                .next()
                .and_then(|l| l.strip_prefix("version = \""))
                .and_then(|l| l.strip_suffix('"'))
        {
            versions.push(v.to_string());
        }
    }
    versions
}

#[test]
fn copied_dependencies_are_pinned_exactly() {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).expect("Cargo.toml");
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).expect("Cargo.lock");
    for (name, version) in PINS {
        let line = manifest
            .lines()
            .find(|l| l.contains(&format!("\"{name}\"")) || l.starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("Cargo.toml does not ask for {name}"));
        assert!(
            line.contains(&format!("\"={version}\"")),
            "Cargo.toml must pin {name} to ={version}: {line}"
        );
        assert_eq!(
            locked(&lock, name),
            [version],
            "Cargo.lock must resolve {name} to {version}, the version kz copies; \
             if it changed on purpose, check load/fast/ against the new version first"
        );
    }
}

#[test]
fn a_lock_file_is_read_as_cargo_writes_it() {
    let lock = "[[package]]\nname = \"a\"\nversion = \"1.0.0\"\n\n[[package]]\nname = \"ab\"\nversion = \"2.0.0\"\n\n[[package]]\nname = \"a\"\nversion = \"1.1.0\"\n";
    assert_eq!(locked(lock, "a"), ["1.0.0", "1.1.0"]);
    assert_eq!(locked(lock, "ab"), ["2.0.0"]);
    assert!(locked(lock, "b").is_empty());
}
