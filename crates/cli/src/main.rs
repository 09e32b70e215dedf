//! The `crossfmt` command line; see `crossfmt_cli::cli` for the commands.

// Decoding a data pickle, a MessagePack map or a JSON document allocates
// every string and container it holds; with glibc's allocator that was most
// of `pickle/crossfmt`'s time (half of it in malloc and free on the records
// benchmark). The libraries never choose an allocator: a codec author's
// program keeps its own.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
