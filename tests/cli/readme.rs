//! The README shows real output: every `$ kz ...` line in a `console` block is run, and what
//! follows it must be exactly what kz prints. `KZ_BLESS=1` rewrites the blocks.
//!
//! Convention: a command without `-f` is shown as a terminal would draw it, at 100 columns
//! without colour; the test gets that by adding `-f table` and setting `COLUMNS=100`. A line
//! with a pipe runs in bash, as typed, with `kz` on the PATH.

use crate::support::{bin, root};
use std::process::Command;

fn run_line(line: &str) -> String {
    let dir = std::path::Path::new(bin()).parent().expect("bin folder");
    let path = format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = if line.contains('|') {
        let mut c = Command::new("bash");
        c.args(["-o", "pipefail", "-c", line]);
        c
    } else {
        let words = shell_words(line);
        let mut c = Command::new(bin());
        c.args(&words[1..]);
        // Commands that draw or export take no -f; `check` prints its report as at a terminal.
        let plain = [
            "check",
            "graph",
            "export",
            "schema",
            "site",
            "man",
            "completions",
        ];
        if !words.iter().any(|w| w == "-f" || w.starts_with("--format"))
            && !words.iter().any(|w| plain.contains(&w.as_str()))
        {
            c.args(["-f", "table"]);
        }
        c
    };
    cmd.current_dir(root())
        .env("PATH", path)
        .env("COLUMNS", "100")
        .env("NO_COLOR", "1")
        .env("XDG_CACHE_HOME", crate::support::cache_dir())
        .env_remove("KZ_FACTS")
        .env_remove("CLICOLOR_FORCE");
    let out = cmd.output().expect("command runs");
    let mut text = String::from_utf8(out.stdout).expect("UTF-8");
    text.push_str(&String::from_utf8(out.stderr).expect("UTF-8"));
    text.lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Splits a command line on spaces, honouring single and double quotes.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut any = false;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                any = true;
            }
            (None, ' ') => {
                if any || !cur.is_empty() {
                    words.push(std::mem::take(&mut cur));
                }
                any = false;
            }
            (None, c) => cur.push(c),
        }
    }
    if any || !cur.is_empty() {
        words.push(cur);
    }
    words
}

#[test]
fn readme_examples_are_real_output() {
    let path = root().join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let mut out = Vec::new();
    let mut failures = Vec::new();
    let mut lines = readme.lines().peekable();
    while let Some(line) = lines.next() {
        out.push(line.to_string());
        if line != "```console" {
            continue;
        }
        while let Some(&next) = lines.peek() {
            if next == "```" {
                break;
            }
            lines.next();
            let Some(cmd) = next.strip_prefix("$ ") else {
                continue;
            };
            out.push(next.to_string());
            let mut shown = Vec::new();
            while let Some(&l) = lines.peek() {
                if l == "```" || l.starts_with("$ ") {
                    break;
                }
                shown.push(l.trim_end().to_string());
                lines.next();
            }
            let actual = run_line(cmd);
            if shown.join("\n") != actual {
                failures.push(format!(
                    "$ {cmd}\n--- README\n{}\n--- kz\n{actual}",
                    shown.join("\n")
                ));
            }
            if !actual.is_empty() {
                out.push(actual);
            }
        }
    }
    if std::env::var_os("KZ_BLESS").is_some() {
        let mut text = out.join("\n");
        text.push('\n');
        std::fs::write(&path, text).expect("write README.md");
        return;
    }
    assert!(
        failures.is_empty(),
        "README examples differ from kz (KZ_BLESS=1 rewrites them):\n\n{}",
        failures.join("\n\n")
    );
}

#[test]
fn readme_lists_every_diagnostic_code() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    for code in kz::diag::Code::ALL {
        let row = format!("| {code} | {} |", code.summary());
        assert!(readme.contains(&row), "README lacks the row: {row}");
    }
}

#[test]
fn readme_gives_the_two_commands() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    assert!(readme.contains("cargo run --release -- who Serdyukov"));
    assert!(readme.contains("cargo test"));
}
