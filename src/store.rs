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
//! On a base's first run, the child is forked before the work instead (see `handoff`): it
//! answers, takes the lock, hands its exit status back to the process the user waits for, and
//! stores, with no second fork.
//!
//! `KZ_STORE=sync` stores in the foreground, waiting for any other store of the base to end
//! first, so that the snapshot is in place when kz returns (tests, scripts, benchmarks of the
//! whole cost). When the fork fails, the store runs in the foreground too.

use crate::handoff::{self, close_stdio};
use crate::open::Store;

/// Stores what a run left to store, once its answer is written and flushed: closes the
/// standard streams first, so that whoever reads them sees the answer end now.
pub fn after_answer(store: Store, code: u8) {
    close_stdio();
    if !handoff::detached() {
        let lock = store.lock(true);
        mark(lock.as_ref());
        store.run();
        return;
    }
    // Another process is storing this base: it does the work, or the next run does.
    let Some(lock) = store.lock(false) else {
        return;
    };
    // A first run's child, forked before the work (see `handoff`), is the detached process
    // already: it hands back the status once it holds the lock (so that a run waiting on the
    // lock waits for this store), and the process the user waits for exits.
    let forked = match handoff::is_worker() {
        true => {
            mark(Some(&lock));
            handoff::answered(code);
            Forked::Child
        }
        false => fork(),
    };
    match forked {
        Forked::Parent => {}
        Forked::Child => {
            detach(&store, &lock);
            mark(Some(&lock));
            // One thread, the child's own: rayon's pool of the parent is not in the fork, and
            // the store should not take both cores from the user's next command.
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
    use std::os::unix::fs::FileExt;
    if let Some(file) = lock {
        let _ = file.set_len(0);
        let _ = file.write_all_at(std::process::id().to_string().as_bytes(), 0);
    }
}

enum Forked {
    Parent,
    Child,
    Failed,
}

fn fork() -> Forked {
    // With `KZ_TEST_FAIL_FORK=1`, the hand-off fails as a fork refused for want of processes
    // would: the test of the fallback to a store in the foreground.
    if handoff::fails_for_tests() {
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
pub fn exit_now() -> ! {
    // SAFETY: `_exit` ends the process without running anything; every file the store wrote is
    // already renamed into place.
    unsafe { libc::_exit(0) }
}
