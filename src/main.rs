//! The `kz` binary: parse the command line, run it, exit with its status.

/// mimalloc, measured against glibc's malloc on the first run (benches/README.md, "Allocator"):
/// less wall and CPU time at about the same peak, once it returns freed memory at once.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (its place in `mi_option_e`, which the crate does not
/// name): how long freed memory is held before it goes back to the system.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> std::process::ExitCode {
    // SAFETY: set before any thread starts (the option is not thread-safe to set); 0 returns
    // freed pages at once, which keeps the first run's peak near glibc's.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 0) };
    std::process::ExitCode::from(kz::run(kz::cli::parse()))
}
