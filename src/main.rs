//! The `kz` binary: parse the command line, run it, exit with its status.

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(kz::run(kz::cli::parse()))
}
