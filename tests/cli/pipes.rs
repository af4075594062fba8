//! Exit statuses around pipes and write errors, on a large generated base.

use crate::support::{Kz, bin};
use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;

/// A base with `n` quotes by a handful of actors, in one file.
fn generated_base(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut f =
        std::io::BufWriter::new(std::fs::File::create(dir.path().join("big.yaml")).unwrap());
    writeln!(f, "sources:\n  - id: gen\n    title: Generated\nactors:").unwrap();
    for a in 0..10 {
        writeln!(f, "  - id: actor-{a}\n    name: Actor Number{a}\n    description: generated\n    source: gen").unwrap();
    }
    writeln!(f, "quotes:").unwrap();
    for q in 0..n {
        writeln!(f, "  - id: q-{q}\n    speaker: actor-{}\n    text: Generated quote number {q} with some words\n    kind: reported\n    said: 2022-01-{:02}\n    source: gen", q % 10, q % 28 + 1).unwrap();
    }
    f.flush().unwrap();
    drop(f);
    dir
}

/// Every writer and every format, from a snapshot and from the files: a reader that goes away
/// after the first line ends kz quietly with status 0, even where the write error comes back
/// wrapped in a serialiser's error (JSON, CSV).
#[test]
fn a_closed_pipe_ends_quietly_with_status_0() {
    let dir = generated_base(5000);
    let facts = dir.path().display().to_string();
    let runs: [&[&str]; 9] = [
        &["quotes"],
        &["quotes", "-f", "csv"],
        &["quotes", "-f", "json"],
        &["quotes", "-f", "jsonl"],
        &["quotes", "-f", "markdown"],
        &["quotes", "-f", "table"],
        &["export", "--to", "jsonl"],
        &["--no-cache", "export", "--to", "jsonl"],
        &["export", "--to", "ntriples"],
    ];
    for args in runs {
        let mut child = Kz::new()
            .args(args)
            .args(["--facts", &facts])
            .command()
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn kz");
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        assert!(!first.is_empty(), "{args:?} wrote nothing");
        // The reader is dropped here: the pipe is closed while kz still has rows to write.
        let out = child.wait_with_output().expect("kz ends");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(out.stderr.is_empty(), "{args:?}: {stderr}");
    }
}

#[test]
fn head_in_a_shell_pipeline() {
    let dir = generated_base(5000);
    let out = std::process::Command::new("bash")
        .args([
            "-o",
            "pipefail",
            "-c",
            &format!(
                "'{}' quotes --facts '{}' | head -1",
                bin(),
                dir.path().display()
            ),
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "id\tdate\tspeaker\tkind\ttext\tcontext\n"
    );
    assert!(out.stderr.is_empty());
}

#[test]
fn a_full_disk_is_exit_2_with_a_message() {
    for args in [vec!["events"], vec!["who", "Tokayev", "-f", "json"]] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full exists");
        let out = Kz::new()
            .args(&args)
            .command()
            .stdout(full)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.starts_with("kz: cannot write output: No space left on device"),
            "{err}"
        );
        assert_eq!(err.lines().count(), 1, "one line: {err}");
    }
    // Output bigger than the write buffer fails mid-way, not at the final flush.
    let dir = generated_base(3000);
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = Kz::new()
        .args(["quotes", "--facts", &dir.path().display().to_string()])
        .command()
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("kz: cannot write output: "));
}

#[test]
fn help_and_version() {
    let run = Kz::new().args(["--help"]).run().success();
    assert!(run.stdout.contains("Examples:\n  kz who Serdyukov"));
    for cmd in [
        "who",
        "actors",
        "orgs",
        "members",
        "places",
        "quotes",
        "events",
        "on",
        "search",
        "sources",
        "why",
        "check",
        "graph",
        "export",
        "schema",
        "completions",
        "man",
    ] {
        let run = Kz::new().args([cmd, "--help"]).run().success();
        let examples = run
            .stdout
            .split_once("Examples:\n")
            .map(|(_, e)| e)
            .unwrap_or_default();
        assert!(
            examples.lines().next().is_some_and(|l| l.contains("kz ")),
            "`kz {cmd} --help` lacks examples"
        );
    }
    let none = Kz::new().run();
    assert_eq!(none.code, 2);
    assert!(none.stderr.contains("Usage: kz"), "{}", none.stderr);
    let version = Kz::new().args(["--version"]).run().success();
    assert_eq!(
        version.stdout,
        format!("kz {}\n", env!("CARGO_PKG_VERSION"))
    );
    Kz::new()
        .args(["whom"])
        .run()
        .code(2)
        .stderr_has("unrecognized subcommand 'whom'");
}
