//! Storing a parsed base once its answer is out, off the user's path, as git's auto-gc does: the
//! answer is flushed and the standard streams closed, then a forked child stores the snapshot
//! in its own session while the process the user waits for exits.
//!
//! The child gets the base by being a fork of the process that holds it: nothing is read or
//! parsed again, and its pages are shared until the parent exits. It holds nothing the caller
//! waits on: its standard streams are `/dev/null`, every other descriptor it inherited is closed
//! but the cache folder's, and it runs its own one-thread pool (the parent's rayon threads do not
//! exist in a fork). A per-key lock keeps two processes from storing one base at once; a run
//! that finds it held stores nothing (the holder stores the same base, or the next run sees a
//! stale snapshot and parses again). A child killed half-way leaves at most a temporary file:
//! every file of the cache is written aside and renamed into place.
//!
//! `KZ_STORE=sync` stores in the foreground, waiting for any other store of the base to end
//! first, so that the snapshot is in place when kz returns (tests, scripts, benchmarks of the
//! whole cost). When the fork fails, the store runs in the foreground too.

use crate::open::Store;
use std::io::Write as _;

/// Where the store runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Where {
    /// In a detached child: the default.
    Detached,
    /// In this process, before it exits (`KZ_STORE=sync`).
    Foreground,
}

fn chosen() -> Where {
    match std::env::var_os("KZ_STORE") {
        Some(v) if v == "sync" => Where::Foreground,
        _ => Where::Detached,
    }
}

/// Stores what a run left to store, once its answer is written and flushed: closes the
/// standard streams first, so that whoever reads them sees the answer end now.
pub fn after_answer(store: Store) {
    close_stdio();
    if chosen() == Where::Foreground {
        let lock = store.lock(true);
        mark(lock.as_ref());
        store.run();
        return;
    }
    // Another process is storing this base: it does the work, or the next run does.
    let Some(lock) = store.lock(false) else {
        return;
    };
    match fork() {
        Forked::Parent => {}
        Forked::Child => {
            detach(&store, &lock);
            mark(Some(&lock));
            // One thread, the child's own: rayon's pool of the parent is not in the fork.
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(1)
                .use_current_thread()
                .build();
            if let Ok(pool) = pool {
                pool.install(|| store.run());
            }
            drop(lock);
            exit_now();
        }
        Forked::Failed => {
            mark(Some(&lock));
            store.run();
        }
    }
}

/// Writes the storing process's id into the lock file.
fn mark(lock: Option<&std::fs::File>) {
    if let Some(mut file) = lock {
        let _ = file.set_len(0);
        let _ = write!(file, "{}", std::process::id());
    }
}

/// Points the standard streams at `/dev/null`, so that no reader of them waits for the store.
fn close_stdio() {
    use rustix::fs::{Mode, OFlags};
    let Ok(null) = rustix::fs::open("/dev/null", OFlags::RDWR | OFlags::CLOEXEC, Mode::empty())
    else {
        return;
    };
    let _ = rustix::stdio::dup2_stdin(&null);
    let _ = rustix::stdio::dup2_stdout(&null);
    let _ = rustix::stdio::dup2_stderr(&null);
}

enum Forked {
    Parent,
    Child,
    Failed,
}

fn fork() -> Forked {
    // With `KZ_TEST_FAIL_FORK=1`, the hand-off fails as a fork refused for want of processes
    // would: the test of the fallback to a store in the foreground.
    if std::env::var_os("KZ_TEST_FAIL_FORK").is_some_and(|v| v == "1") {
        return Forked::Failed;
    }
    // SAFETY: the child runs only the store: it takes no lock another thread might have held
    // (the answer is written and its output lock released; rayon's threads are idle), starts no
    // thread (its pool is its own thread), and leaves with `_exit`, running no exit handler.
    match unsafe { libc::fork() } {
        0 => Forked::Child,
        n if n > 0 => Forked::Parent,
        _ => Forked::Failed,
    }
}

/// Makes the forked child its own session, with no descriptor of the caller's but the cache
/// folder's and the lock's.
fn detach(store: &Store, lock: &std::fs::File) {
    use std::os::fd::AsRawFd;
    let _ = rustix::process::setsid();
    let mut keep = store.descriptors();
    keep.push(lock.as_raw_fd());
    let open: Vec<i32> = match std::fs::read_dir("/proc/self/fd") {
        Ok(dir) => dir
            .flatten()
            .filter_map(|e| e.file_name().to_str()?.parse().ok())
            .collect(),
        Err(_) => return,
    };
    for fd in open {
        if fd > 2 && !keep.contains(&fd) {
            // SAFETY: a descriptor of this process that nothing in the store uses (the store
            // writes only through the cache folder's); closing one that is already closed
            // (the listing's own) fails harmlessly.
            unsafe {
                libc::close(fd);
            }
        }
    }
}

/// Ends the child at once: no exit handler of the parent's runs twice.
fn exit_now() -> ! {
    // SAFETY: `_exit` ends the process without running anything; every file the store wrote is
    // already renamed into place.
    unsafe { libc::_exit(0) }
}
