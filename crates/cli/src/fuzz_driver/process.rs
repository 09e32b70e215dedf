//! Child processes in their own process groups, and SIGINT/SIGTERM as a flag.

use std::process::{Child, Command, ExitStatus};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// Turns SIGINT and SIGTERM into [`interrupted`] instead of death, so the
/// driver can stop its fuzzers and save what it found.
pub fn install_signal_handlers() {
    let handler: extern "C" fn(libc::c_int) = on_signal;
    // SAFETY: the handler only stores to an atomic, which is signal-safe.
    unsafe {
        libc::signal(libc::SIGINT, handler as libc::sighandler_t);
        libc::signal(libc::SIGTERM, handler as libc::sighandler_t);
    }
}

/// Whether SIGINT or SIGTERM has arrived.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Marks the run as interrupted (the driver's own time limit).
pub fn interrupt() {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// Starts `cmd` as the leader of a new process group.
pub fn spawn_group(cmd: &mut Command) -> std::io::Result<Child> {
    use std::os::unix::process::CommandExt;
    cmd.process_group(0).spawn()
}

/// Stops a process group: SIGINT (libFuzzer prints its final stats), then
/// SIGKILL after `grace`; reaps the leader.
pub fn stop_group(child: &mut Child, grace: Duration) -> Option<ExitStatus> {
    let pgid = child.id() as libc::pid_t;
    // SAFETY: signalling our own child's process group.
    unsafe {
        libc::kill(-pgid, libc::SIGINT);
    }
    let until = Instant::now() + grace;
    while Instant::now() < until {
        if let Ok(Some(s)) = child.try_wait() {
            // The leader is gone; make sure nothing of the group survives.
            unsafe {
                libc::kill(-pgid, libc::SIGKILL);
            }
            return Some(s);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    unsafe {
        libc::kill(-pgid, libc::SIGKILL);
    }
    child.wait().ok()
}

/// Runs `cmd` to completion in its own group, stopping it on interruption or
/// after `limit`. Returns the status, or `None` when it was stopped.
pub fn run_bounded(cmd: &mut Command, limit: Duration) -> std::io::Result<Option<ExitStatus>> {
    let mut child = spawn_group(cmd)?;
    let start = Instant::now();
    loop {
        if let Some(s) = child.try_wait()? {
            return Ok(Some(s));
        }
        if interrupted() || start.elapsed() > limit {
            stop_group(&mut child, Duration::from_secs(3));
            return Ok(None);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
