//! The README and the guide show real output: every `$ kz ...` line in a `console` block is
//! run, and what follows it must be exactly what kz prints. `KZ_BLESS=1` rewrites the blocks.
//!
//! Convention: a command without `-f` is shown as a terminal would draw it, at 100 columns
//! without colour; the test gets that by adding `-f table` and setting `COLUMNS=100`. A line
//! with a pipe runs in bash, as typed, with `kz` on the PATH; a line that pipes into a program
//! the machine lacks (`jq`) is skipped, loudly (see `needs_tool`).

use crate::support::{bin, needs_tool, root};
use std::process::Command;

/// Runs one `$ ` line as the reader would type it, and gives what it printed.
fn run_line(line: &str) -> String {
    let dir = std::path::Path::new(bin()).parent().expect("bin folder");
    let path = format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut words = shell_words(line);
    // Leading `NAME=value` words set the environment of kz, as a shell would.
    let assignments: Vec<(String, String)> = words
        .iter()
        .take_while(|w| is_assignment(w))
        .filter_map(|w| w.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    words.drain(..assignments.len());
    let mut cmd = if line.contains('|') {
        let mut c = Command::new("bash");
        c.args(["-o", "pipefail", "-c", line]);
        c
    } else {
        let mut c = Command::new(bin());
        c.args(&words[1..]);
        // Commands that draw, export or draft take no -f; `check` prints its report as at a terminal.
        let plain = [
            "check",
            "draft",
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
    if !line.contains('|') {
        cmd.envs(assignments);
    }
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

/// The programs other than kz that a shell line runs: the first word of each stage of its
/// pipeline (after any `NAME=value` words), less the ones every machine has.
fn outside_programs(line: &str) -> Vec<String> {
    const EVERYWHERE: [&str; 8] = ["kz", "cut", "sort", "head", "tail", "wc", "uniq", "tr"];
    let words = shell_words(line);
    words
        .split(|w| w == "|")
        .filter_map(|stage| stage.iter().find(|w| !is_assignment(w)))
        .filter(|w| !EVERYWHERE.contains(&w.as_str()))
        .cloned()
        .collect()
}

/// Whether a shell word sets a variable (`KZ_FACTS=:dir`).
fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(k, _)| {
        !k.is_empty() && k.chars().all(|c| c.is_ascii_uppercase() || c == '_')
    })
}

/// Runs every console block of the Markdown file `rel` (under the repository root) and
/// compares, or with `KZ_BLESS=1` rewrites the file with what kz printed.
fn console_blocks_are_real_output(rel: &str) {
    let path = root().join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let mut out = Vec::new();
    let mut failures = Vec::new();
    let mut ran = 0;
    let mut lines = text.lines().peekable();
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
            let missing = outside_programs(cmd)
                .into_iter()
                .find(|tool| !needs_tool(tool, &format!("{rel} pipes kz into it: `{cmd}`")));
            if missing.is_some() {
                out.extend(shown);
                continue;
            }
            ran += 1;
            let actual = run_line(cmd);
            if shown.join("\n") != actual {
                failures.push(format!(
                    "$ {cmd}\n--- {rel}\n{}\n--- kz\n{actual}",
                    shown.join("\n")
                ));
            }
            if !actual.is_empty() {
                out.push(actual);
            }
        }
    }
    assert!(ran > 0, "{rel} has no console block that ran");
    if std::env::var_os("KZ_BLESS").is_some() {
        let mut text = out.join("\n");
        text.push('\n');
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{rel}: {e}"));
        return;
    }
    assert!(
        failures.is_empty(),
        "{rel}'s examples differ from kz (KZ_BLESS=1 rewrites them):\n\n{}",
        failures.join("\n\n")
    );
}

#[test]
fn readme_examples_are_real_output() {
    console_blocks_are_real_output("README.md");
}

#[test]
fn guide_examples_are_real_output() {
    console_blocks_are_real_output("docs/GUIDE.md");
}

#[test]
fn readme_gives_the_two_commands() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    assert!(readme.contains("cargo run --release -- who Serdyukov"));
    assert!(readme.contains("cargo test"));
}

#[test]
fn the_walk_through_shows_its_files_as_they_are() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let yaml = std::fs::read_to_string(root().join("docs/reporting/interview.yaml"))
        .expect("the walk-through's fact file");
    assert!(
        readme.contains(&format!("```yaml\n{yaml}```")),
        "README.md must show docs/reporting/interview.yaml exactly as it is"
    );
    assert!(readme.contains("cargo install --locked --path ."));
}

/// Every relative link of the front page and the docs names a file that exists, so the pictures
/// and cross-references keep working as files move.
#[test]
fn relative_links_resolve() {
    for doc in ["README.md", "docs/GUIDE.md", "docs/ARCHITECTURE.md"] {
        let text = std::fs::read_to_string(root().join(doc)).expect("doc");
        let folder = root().join(doc).parent().expect("folder").to_path_buf();
        let mut links = 0;
        for (at, _) in text.match_indices("](") {
            let rest = &text[at + 2..];
            let Some(end) = rest.find(')') else { continue };
            let target = rest[..end].split('#').next().unwrap_or("");
            if target.is_empty() || target.contains("://") {
                continue;
            }
            links += 1;
            assert!(
                folder.join(target).exists(),
                "{doc} links to {target}, which does not exist"
            );
        }
        assert!(links > 0, "{doc} has no relative link");
    }
}

#[test]
fn guide_lists_every_diagnostic_code() {
    let guide = std::fs::read_to_string(root().join("docs/GUIDE.md")).expect("docs/GUIDE.md");
    for code in kz::diag::Code::ALL {
        let row = format!("| {code} | {} |", code.summary());
        assert!(guide.contains(&row), "docs/GUIDE.md lacks the row: {row}");
    }
}

/// The guide's table of sections names every field the JSON Schema (and so the loader) knows,
/// nested roles and members included, in the row of its section.
#[test]
fn guide_table_names_every_field() {
    let guide = std::fs::read_to_string(root().join("docs/GUIDE.md")).expect("docs/GUIDE.md");
    let schema = serde_json::to_value(kz::load::schema()).expect("the schema is JSON");
    let defs = &schema["definitions"];
    let fields = |def: &serde_json::Value| -> Vec<String> {
        def["properties"]
            .as_object()
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default()
    };
    let sections = schema["properties"].as_object().expect("sections");
    for (section, spec) in sections {
        let def_name = spec["items"]["$ref"]
            .as_str()
            .and_then(|r| r.strip_prefix("#/definitions/"))
            .expect("a section is a list of records");
        let def = &defs[def_name];
        let mut names = fields(def);
        for nested in ["roles", "members"] {
            if let Some(r) = def["properties"][nested]["items"]["$ref"].as_str() {
                names.extend(fields(&defs[r.trim_start_matches("#/definitions/")]));
            }
        }
        let row = guide
            .lines()
            .find(|l| l.starts_with(&format!("| `{section}`")))
            .unwrap_or_else(|| panic!("docs/GUIDE.md has no row for `{section}`"));
        for name in names {
            let shown = ["`", "?`", "[]`"]
                .iter()
                .any(|end| row.contains(&format!("`{name}{end}")));
            assert!(
                shown,
                "docs/GUIDE.md's row for `{section}` lacks `{name}`: {row}"
            );
        }
    }
}
