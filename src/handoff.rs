//! Where a run that parses the base stores its snapshot, and the hand-off of a base's first run.
//!
//! A run that parses the base stores its snapshot once the answer is out, in a detached process
//! (see `store`). On a base's first run (no snapshot yet) that process is made before the work
//! rather than after it: the process the user started forks while it is still small, and waits;
//! the child reads, checks and answers, hands back its exit status through a pipe once its
//! answer is written and its standard streams closed, and goes on to store the snapshot. The
//! process the user waits for then exits at once, with nothing to copy into a fork and nothing
//! large to tear down: a fork of a first run at 100k quotes and the exit of its 150 MB took about
//! 5 ms of the user's wait.
//!
//! The fork is made only before any thread starts (the parse's thread pool is made later, in the
//! child), and only where the store would be detached anyway: not with `KZ_STORE=sync`, and not
//! when the fork fails (then the run goes on in one process, as on a later run). If the child
//! dies before it hands back a status, the parent exits as the child did; if the parent dies
//! first (killed by its pid alone), the child dies with it until its answer is out.

use std::io::{Read, Write};
use std::os::fd::OwnedFd;
use std::sync::{Mutex, OnceLock};

/// Whether a store runs in a detached child (the default) or in the foreground
/// (`KZ_STORE=sync`, for tests and scripts that need the snapshot in place when kz returns).
pub fn detached() -> bool {
    std::env::var_os("KZ_STORE").is_none_or(|v| v != "sync")
}

/// The pipe's writing end, in the child that does a first run's work; taken when its status is
/// handed back.
static STATUS: OnceLock<Mutex<Option<OwnedFd>>> = OnceLock::new();

/// Whether this process is the child that does a first run's work, and stores after.
pub fn is_worker() -> bool {
    STATUS.get().is_some()
}

/// On a base's first run, forks before the work: returns in the child, which does it; the parent
/// waits for the child's status and exits with it, never returning. Returns at once, with no
/// fork, when the store runs in the foreground, when this process forked before, or when the
/// fork or the pipe fails.
pub fn fork_for_first_run() {
    if !detached() || STATUS.get().is_some() || fails_for_tests() || !one_thread() {
        return;
    }
    let Ok((read, write)) = rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC) else {
        return;
    };
    let parent = rustix::process::getpid();
    // SAFETY: no other thread runs (checked just above; the thread pool is made after this, in
    // the child), so the child holds no lock another thread held; the parent only reads the
    // pipe and exits.
    match unsafe { libc::fork() } {
        0 => {
            drop(read);
            // Until the answer is out, the child dies with the process the user waits for: a
            // run killed by its pid alone (a supervisor, a timeout) answers nothing after.
            let dies = rustix::process::Signal::KILL;
            let _ = rustix::process::set_parent_process_death_signal(Some(dies));
            if rustix::process::getppid() != Some(parent) {
                // SAFETY: ends this child at once: the process it answers for is gone already.
                unsafe { libc::_exit(1) }
            }
            let _ = STATUS.set(Mutex::new(Some(write)));
        }
        child if child > 0 => {
            drop(write);
            exit_as(child, read)
        }
        _ => {}
    }
}

/// Whether this process runs one thread, as the kernel counts them: a fork keeps only the
/// thread that makes it, so one made beside other threads could inherit a lock none releases.
fn one_thread() -> bool {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let threads = status.lines().find_map(|l| l.strip_prefix("Threads:"));
    threads.is_some_and(|n| n.trim() == "1")
}

/// With `KZ_TEST_FAIL_FORK=1`, every fork fails, as one refused for want of processes would.
pub fn fails_for_tests() -> bool {
    std::env::var_os("KZ_TEST_FAIL_FORK").is_some_and(|v| v == "1")
}

/// The parent's part: waits for the child's status on `read` and exits with it; if the child
/// ended without one, exits as the child ended.
fn exit_as(child: i32, read: OwnedFd) -> ! {
    let mut status = [0u8; 1];
    let mut file = std::fs::File::from(read);
    let code = match file.read(&mut status) {
        Ok(1) => i32::from(status[0]),
        _ => {
            let mut raw = 0;
            // SAFETY: waits for this process's own child, whose id the fork gave.
            let waited = unsafe { libc::waitpid(child, &mut raw, 0) };
            match waited {
                n if n == child && libc::WIFEXITED(raw) => libc::WEXITSTATUS(raw),
                n if n == child && libc::WIFSIGNALED(raw) => 128 + libc::WTERMSIG(raw),
                _ => 1,
            }
        }
    };
    // SAFETY: `_exit` ends the process without running anything: nothing was written here, and
    // the child holds everything else.
    unsafe { libc::_exit(code) }
}

/// Once the answer is written: in the child that does a first run's work, closes the standard
/// streams and hands back the exit status, so that the process the user waits for exits now.
/// Nothing elsewhere.
pub fn answered(code: u8) {
    let Some(slot) = STATUS.get() else {
        return;
    };
    close_stdio();
    // The answer is out: the store outlives the process the user waits for.
    let _ = rustix::process::set_parent_process_death_signal(None);
    let write = slot.lock().ok().and_then(|mut w| w.take());
    if let Some(write) = write {
        let _ = std::fs::File::from(write).write_all(&[code]);
    }
}

/// Points the standard streams at `/dev/null`, so that no reader of them waits for the store.
pub fn close_stdio() {
    use rustix::fs::{Mode, OFlags};
    let Ok(null) = rustix::fs::open("/dev/null", OFlags::RDWR | OFlags::CLOEXEC, Mode::empty())
    else {
        return;
    };
    let _ = rustix::stdio::dup2_stdin(&null);
    let _ = rustix::stdio::dup2_stdout(&null);
    let _ = rustix::stdio::dup2_stderr(&null);
}
