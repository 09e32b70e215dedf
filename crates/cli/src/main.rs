//! The `crossfmt` command line; see `crossfmt_cli::cli` for the commands.

fn main() -> std::process::ExitCode {
    // `crossfmt run | head` should end quietly, as other Unix tools do, not
    // panic on a closed pipe.
    // SAFETY: restoring the default disposition of one signal at start-up,
    // before any thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    crossfmt_cli::cli::main()
}
