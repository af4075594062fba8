//! The one helper every integration test uses: run the real `kz` binary and check what it did.

#![allow(dead_code)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A `kz` invocation being built. Nothing runs until [`Kz::run`].
#[must_use]
pub struct Kz {
    args: Vec<String>,
    env: Vec<(String, String)>,
    dir: Option<PathBuf>,
    stdin: Option<Vec<u8>>,
}

/// What a run produced.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_kz")
}

/// The repository root, where `facts/` and `tests/fixtures/` live.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The tests' own cache folder under `target/`, so tests never touch `~/.cache` and the runs
/// after the first of each base are answered from snapshots, as a user's would be.
pub fn cache_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("kz-cache")
}

pub fn fixture(name: &str) -> String {
    root()
        .join("tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

impl Kz {
    /// `kz` with a clean environment: no KZ_FACTS, no colour variables, a private cache.
    pub fn new() -> Kz {
        Kz {
            args: Vec::new(),
            env: Vec::new(),
            dir: None,
            stdin: None,
        }
    }

    pub fn args<I, S>(mut self, args: I) -> Kz
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_string()));
        self
    }

    /// Adds arguments before those given so far (global flags such as `--no-cache`).
    pub fn arg_list(mut self, first: &[&str]) -> Kz {
        let mut args: Vec<String> = first.iter().map(|a| a.to_string()).collect();
        args.append(&mut self.args);
        self.args = args;
        self
    }

    /// Reads facts from a fixture folder under `tests/fixtures/`.
    pub fn fixture(self, name: &str) -> Kz {
        let path = fixture(name);
        self.args(["--facts", &path])
    }

    pub fn env(mut self, key: &str, value: &str) -> Kz {
        self.env.push((key.to_string(), value.to_string()));
        self
    }

    pub fn current_dir(mut self, dir: impl Into<PathBuf>) -> Kz {
        self.dir = Some(dir.into());
        self
    }

    pub fn stdin(mut self, input: impl Into<Vec<u8>>) -> Kz {
        self.stdin = Some(input.into());
        self
    }

    pub fn command(&self) -> Command {
        let mut cmd = Command::new(bin());
        cmd.args(&self.args);
        for key in [
            "KZ_FACTS",
            "NO_COLOR",
            "CLICOLOR_FORCE",
            "COLUMNS",
            "KZ_NO_CACHE",
            "KZ_MEMORY_STATS",
            "KZ_NO_FAST_PATH",
            "KZ_FAST_PATH_STATS",
            "KZ_TEST_STALL_STORE",
            "KZ_TEST_FAIL_FORK",
        ] {
            cmd.env_remove(key);
        }
        cmd.env("XDG_CACHE_HOME", cache_dir());
        // The snapshot is stored before kz exits, so a test sees it in place as soon as a run
        // returns; the tests of the detached store set `KZ_STORE` otherwise.
        cmd.env("KZ_STORE", "sync");
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        if let Some(dir) = &self.dir {
            cmd.current_dir(dir);
        }
        cmd
    }

    pub fn run(self) -> Run {
        let mut cmd = assert_cmd::Command::from_std(self.command());
        if let Some(input) = &self.stdin {
            cmd.write_stdin(input.clone());
        }
        cmd.timeout(std::time::Duration::from_secs(60));
        let Output {
            status,
            stdout,
            stderr,
        } = cmd.output().expect("kz runs");
        Run {
            code: status.code().unwrap_or(-1),
            stdout: String::from_utf8(stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(stderr).expect("stderr is UTF-8"),
        }
    }
}

impl Run {
    /// Asserts the exit status, showing both streams when it differs.
    #[track_caller]
    pub fn code(self, want: i32) -> Run {
        assert_eq!(
            self.code, want,
            "exit status\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn success(self) -> Run {
        self.code(0)
    }

    #[track_caller]
    pub fn stdout_has(self, needle: &str) -> Run {
        assert!(
            self.stdout.contains(needle),
            "stdout lacks {needle:?}\n--- stdout\n{}",
            self.stdout
        );
        self
    }

    #[track_caller]
    pub fn stderr_has(self, needle: &str) -> Run {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}\n--- stderr\n{}",
            self.stderr
        );
        self
    }

    #[track_caller]
    pub fn stdout_empty(self) -> Run {
        assert!(
            self.stdout.is_empty(),
            "stdout should be empty\n--- stdout\n{}",
            self.stdout
        );
        self
    }

    #[track_caller]
    pub fn stderr_empty(self) -> Run {
        assert!(
            self.stderr.is_empty(),
            "stderr should be empty\n--- stderr\n{}",
            self.stderr
        );
        self
    }

    /// Parses stdout as JSON.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }

    /// Parses stdout as TSV with a header row: a list of rows of cells.
    pub fn tsv(&self) -> Vec<Vec<String>> {
        self.stdout
            .lines()
            .map(|l| l.split('\t').map(str::to_string).collect())
            .collect()
    }
}

/// `kz ARGS -f json` on the built-in base, run to success and parsed.
#[track_caller]
pub fn json(args: &[&str]) -> serde_json::Value {
    Kz::new()
        .args(args)
        .args(["-f", "json"])
        .run()
        .success()
        .json()
}

/// Compares `actual` with the golden file `tests/golden/<name>`; `KZ_BLESS=1` rewrites it.
#[track_caller]
pub fn golden(name: &str, actual: &str) {
    let path = root().join("tests/golden").join(name);
    if std::env::var_os("KZ_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().expect("has a folder"))
            .expect("create golden folder");
        std::fs::write(&path, actual).expect("write golden file");
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run with KZ_BLESS=1 to create it)", path.display()));
    assert_eq!(
        actual,
        want,
        "output differs from {}; rerun with KZ_BLESS=1 if the change is intended",
        path.display()
    );
}

/// The outside program `tool`, found on `PATH` as a shell finds it, or `None`.
pub fn which(tool: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(tool))
        .find(|p| {
            std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

/// Whether the outside program a test needs (`jq`, `dot`, `chromium`, `python3`, `man`) is on
/// `PATH`; `why` says what the test uses it for. A test starts with `if !needs_tool(..) {
/// return; }`, so that `cargo test` passes on a machine with nothing but Rust.
///
/// A missing program skips the test loudly: the reason goes straight to the process's stderr,
/// past libtest's capture (which hides what `eprintln!` prints in a passing test), so it shows
/// in cargo's output beside the test's `ok`. Under `CI=true` a missing program fails the test
/// instead, so CI, which installs every program (`.ci/run`), can never skip silently.
#[track_caller]
pub fn needs_tool(tool: &str, why: &str) -> bool {
    if which(tool).is_some() {
        return true;
    }
    skip(&format!(
        "`{tool}` is not on PATH ({why}); install it to run this check"
    ))
}

/// Skips the running test loudly for `reason` (something outside Rust it needs is missing), as
/// [`needs_tool`] describes, and returns false; under `CI=true` fails it instead.
#[track_caller]
pub fn skip(reason: &str) -> bool {
    let test = std::thread::current()
        .name()
        .unwrap_or("a test")
        .to_string();
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{reason}; under CI=true a skip fails the test: .ci/run installs what tests need");
    }
    // One write of the whole line, so parallel tests do not interleave inside it.
    let line = format!("SKIPPED in {test}: {reason}\n");
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
    false
}
