//! The testee as a persistent child process: spawned in its own process
//! group under an address-space limit, one request at a time with a
//! deadline, killed and restarted when it hangs, dies or stops speaking the
//! protocol, and its death classified (crash or out of memory) from its exit
//! status and the tail of its stderr.

use super::wire::{self, WireError};
use super::Limits;
use crossfmt_value::{CodecError, ErrorKind};
use serde_json::{json, Value as Json};
use std::collections::VecDeque;
use std::io::{BufReader, Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// The hello gets at least this long: an interpreter importing its codec
/// libraries on a loaded machine can take seconds to start, and startup is
/// not what the per-request bound measures.
const STARTUP_BOUND: Duration = Duration::from_secs(10);

/// How much of the testee's stderr is kept for messages and classification.
const STDERR_KEPT: usize = 64 << 10;

/// Set to forward the testee's stderr to crossfmt's own, for testee authors.
pub const FORWARD_STDERR_ENV: &str = "CROSSFMT_TESTEE_STDERR";

/// A testee command, started on demand and restarted after each failure.
pub struct Testee {
    command: String,
    argv: Vec<String>,
    limits: Limits,
    /// Whether each start exchanges crossfmt's hello (Google's protocol has
    /// none).
    hello: bool,
    running: Mutex<Option<Running>>,
}

/// What a response turned out to be, as judged by the caller's parser.
pub type Parsed<T> = Result<Result<T, CodecError>, String>;

impl Testee {
    /// Starts the command and exchanges the hello; returns the testee and
    /// the hello response.
    pub fn start(command: &str, limits: Limits) -> Result<(Testee, Json), String> {
        let testee = Testee::new(command, limits, true)?;
        let (running, hello) = testee.launch()?;
        *testee.lock() = Some(running);
        Ok((testee, hello.unwrap_or_default()))
    }

    /// Starts a command that speaks frames of another protocol, without a
    /// hello: the same deadlines, restarts and death reports.
    pub fn start_silent(command: &str, limits: Limits) -> Result<Testee, String> {
        let testee = Testee::new(command, limits, false)?;
        let (running, _) = testee.launch()?;
        *testee.lock() = Some(running);
        Ok(testee)
    }

    fn new(command: &str, limits: Limits, hello: bool) -> Result<Testee, String> {
        let argv =
            shell_words::split(command).map_err(|e| format!("testee command `{command}`: {e}"))?;
        if argv.is_empty() {
            return Err("testee command is empty".to_string());
        }
        Ok(Testee {
            command: command.to_string(),
            argv,
            limits,
            hello,
            running: Mutex::new(None),
        })
    }

    pub fn command(&self) -> &str {
        &self.command
    }

    /// Sends `request` and hands the response to `parse`, which returns the
    /// answer, or `Err` when the response breaks the protocol. Any failure of
    /// the process (no answer in time, exit, protocol error) kills it; the
    /// next request starts a fresh one.
    pub fn request<T>(
        &self,
        request: &Json,
        parse: impl FnOnce(&Json) -> Parsed<T>,
    ) -> Result<T, CodecError> {
        self.transact(|r, bound| r.exchange(request, bound), parse)
    }

    /// [`Testee::request`] for a testee of [`Testee::start_silent`]: `body`
    /// is one frame's bytes, and so is what `parse` reads.
    pub fn request_bytes<T>(
        &self,
        body: &[u8],
        parse: impl FnOnce(&[u8]) -> Parsed<T>,
    ) -> Result<T, CodecError> {
        self.transact(|r, bound| r.exchange_bytes(body, bound), |b| parse(b))
    }

    fn transact<R, T>(
        &self,
        exchange: impl FnOnce(&mut Running, Duration) -> Result<R, Trouble>,
        parse: impl FnOnce(&R) -> Parsed<T>,
    ) -> Result<T, CodecError> {
        let mut slot = self.lock();
        if slot.is_none() {
            let (running, _) = self.launch().map_err(|e| {
                CodecError::failure(ErrorKind::Crashed, format!("restart failed: {e}"))
            })?;
            *slot = Some(running);
        }
        let running = slot.as_mut().expect("started above");
        let trouble = match exchange(running, self.limits.timeout) {
            Ok(response) => match parse(&response) {
                Ok(answer) => return answer,
                Err(why) => Trouble::Protocol(why),
            },
            Err(t) => t,
        };
        let running = slot.take().expect("still there");
        Err(running.bury(trouble, &self.limits))
    }

    fn lock(&self) -> MutexGuard<'_, Option<Running>> {
        // A panic while holding the lock leaves nothing half-done that a
        // later request could trip over: the slot holds a process or none.
        self.running.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Spawns the command and exchanges the hello, if it speaks one.
    fn launch(&self) -> Result<(Running, Option<Json>), String> {
        let mut running = Running::spawn(&self.argv, &self.limits)
            .map_err(|e| format!("cannot start testee `{}`: {e}", self.command))?;
        if !self.hello {
            return Ok((running, None));
        }
        let hello = json!({"op": "hello", "protocol": 1});
        let bound = self.limits.timeout.max(STARTUP_BOUND);
        let failed = match running.exchange(&hello, bound) {
            Ok(r) if r.get("ok").and_then(Json::as_str) == Some("hello") => {
                return Ok((running, Some(r)))
            }
            Ok(r) => Trouble::Protocol(format!(
                "expected a hello response, got {}",
                brief(&r.to_string())
            )),
            Err(t) => t,
        };
        let why = running.bury(failed, &self.limits);
        Err(format!(
            "testee `{}` failed its hello: {}",
            self.command, why.message
        ))
    }
}

/// Why an exchange failed.
enum Trouble {
    Timeout(Duration),
    /// stdout closed or the process could not be written to.
    Exited,
    Protocol(String),
}

enum Frame {
    Message(Vec<u8>),
    End,
    Bad(WireError),
}

/// One live child process.
struct Running {
    child: Child,
    /// `None` once closed, which tells the testee to exit.
    stdin: Option<ChildStdin>,
    responses: Receiver<Frame>,
    stderr: Arc<StderrTail>,
}

impl Running {
    fn spawn(argv: &[String], limits: &Limits) -> std::io::Result<Running> {
        let mut cmd = Command::new(&argv[0]);
        cmd.args(&argv[1..])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // Its own group, so that a timeout kills a wrapper script's
            // children along with it.
            .process_group(0);
        if let Some(mb) = limits.memory_mb {
            let bytes = mb.saturating_mul(1 << 20);
            // SAFETY: between fork and exec only setrlimit runs, which is
            // async-signal-safe; nothing is allocated.
            unsafe {
                cmd.pre_exec(move || {
                    let lim = libc::rlimit {
                        rlim_cur: bytes as libc::rlim_t,
                        rlim_max: bytes as libc::rlim_t,
                    };
                    if libc::setrlimit(libc::RLIMIT_AS, &lim) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                    Ok(())
                });
            }
        }
        let mut child = cmd.spawn()?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("piped");
        let stderr = child.stderr.take().expect("piped");

        let (tx, responses) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::with_capacity(1 << 16, stdout);
            loop {
                let (frame, last) = match wire::read_frame(&mut r) {
                    Ok(Some(body)) => (Frame::Message(body), false),
                    Ok(None) => (Frame::End, true),
                    Err(e) => (Frame::Bad(e), true),
                };
                if tx.send(frame).is_err() || last {
                    break;
                }
            }
        });
        let tail = Arc::new(StderrTail::default());
        let forward = std::env::var_os(FORWARD_STDERR_ENV).is_some();
        let sink = Arc::clone(&tail);
        std::thread::spawn(move || sink.collect(stderr, forward));
        Ok(Running {
            child,
            stdin,
            responses,
            stderr: tail,
        })
    }

    /// One frame out, one frame back, within `bound`.
    fn exchange_bytes(&mut self, body: &[u8], bound: Duration) -> Result<Vec<u8>, Trouble> {
        self.stderr.mark();
        let stdin = self.stdin.as_mut().ok_or(Trouble::Exited)?;
        if let Err(e) = without_sigpipe(|| wire::write_bytes(stdin, body)) {
            return Err(match e {
                WireError::Io(_) => Trouble::Exited,
                other => Trouble::Protocol(format!("cannot send the request: {other}")),
            });
        }
        match self.responses.recv_timeout(bound) {
            Ok(Frame::Message(body)) => Ok(body),
            Ok(Frame::Bad(e)) => Err(Trouble::Protocol(e.to_string())),
            Ok(Frame::End) | Err(RecvTimeoutError::Disconnected) => Err(Trouble::Exited),
            Err(RecvTimeoutError::Timeout) => Err(Trouble::Timeout(bound)),
        }
    }

    /// One request, one response, within `bound`.
    fn exchange(&mut self, request: &Json, bound: Duration) -> Result<Json, Trouble> {
        let body = serde_json::to_vec(request)
            .map_err(|e| Trouble::Protocol(format!("cannot send the request: {e}")))?;
        match self.exchange_bytes(&body, bound) {
            Ok(body) => wire::response(&body).map_err(|e| {
                Trouble::Protocol(format!(
                    "response is not JSON ({e}): {}",
                    brief(&String::from_utf8_lossy(&body))
                ))
            }),
            Err(t) => Err(t),
        }
    }

    /// Ends the process after `trouble` and says what happened, as the
    /// failure kind the request's outcome is.
    fn bury(mut self, trouble: Trouble, limits: &Limits) -> CodecError {
        let (kind, what) = match trouble {
            Trouble::Timeout(bound) => {
                self.kill_group();
                (
                    ErrorKind::Timeout,
                    format!("no answer within {bound:?}; testee killed"),
                )
            }
            Trouble::Protocol(why) => {
                self.kill_group();
                (ErrorKind::Crashed, format!("protocol error: {why}"))
            }
            Trouble::Exited => {
                // The pipe closed; give the process a moment to finish dying
                // so that its status and last words are known.
                let exited = self.exited_within(Duration::from_secs(2));
                self.kill_group();
                let status = self.child.wait().ok();
                self.stderr.wait_closed(Duration::from_millis(500));
                let recent = self.stderr.since_mark();
                match status {
                    Some(s) if exited => classify(s, &recent, limits),
                    _ => (
                        ErrorKind::Crashed,
                        "protocol error: testee closed its stdout without exiting".to_string(),
                    ),
                }
            }
        };
        let last = self.stderr.last_lines(5);
        let message = if last.is_empty() {
            what
        } else {
            format!("{what}; stderr: {last}")
        };
        CodecError::failure(kind, message)
    }

    /// SIGKILL to the whole group, then reap the leader. Killing before
    /// reaping keeps the group id from being reused in between.
    fn kill_group(&mut self) {
        let pgid = self.child.id() as libc::pid_t;
        // SAFETY: signalling the group our own child leads.
        unsafe {
            libc::kill(-pgid, libc::SIGKILL);
        }
        let _ = self.child.wait();
    }

    /// Whether the child has exited (without reaping it, so that its group
    /// can still be signalled).
    fn exited_within(&self, bound: Duration) -> bool {
        let pid = self.child.id() as libc::id_t;
        let until = Instant::now() + bound;
        loop {
            // SAFETY: waitid fills the zeroed siginfo; WNOWAIT leaves the
            // child waitable.
            let (r, who) = unsafe {
                let mut info: libc::siginfo_t = std::mem::zeroed();
                let r = libc::waitid(
                    libc::P_PID,
                    pid,
                    &mut info,
                    libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
                );
                (r, info.si_pid())
            };
            if r != 0 || who != 0 {
                return true;
            }
            if Instant::now() >= until {
                return false;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }
}

impl Drop for Running {
    /// Closing stdin asks the testee to exit; one that lingers is killed,
    /// and the leader is always reaped, so no zombie or orphan remains.
    fn drop(&mut self) {
        self.stdin = None;
        self.exited_within(Duration::from_secs(1));
        self.kill_group();
    }
}

/// Runs a write to the testee with SIGPIPE blocked in this thread, so that
/// a testee that has died is an `EPIPE` error here rather than the death of
/// crossfmt (whose CLI restores SIGPIPE's default disposition). A SIGPIPE the
/// write raised is consumed before the mask is restored.
fn without_sigpipe<T, E>(write: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
    // SAFETY: plain signal-mask calls on sets initialised by sigemptyset.
    unsafe {
        let mut pipe: libc::sigset_t = std::mem::zeroed();
        let mut old: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut pipe);
        libc::sigaddset(&mut pipe, libc::SIGPIPE);
        libc::pthread_sigmask(libc::SIG_BLOCK, &pipe, &mut old);
        let r = write();
        if r.is_err() {
            let mut pending: libc::sigset_t = std::mem::zeroed();
            libc::sigpending(&mut pending);
            if libc::sigismember(&pending, libc::SIGPIPE) == 1 {
                let now = libc::timespec {
                    tv_sec: 0,
                    tv_nsec: 0,
                };
                libc::sigtimedwait(&pipe, std::ptr::null_mut(), &now);
            }
        }
        libc::pthread_sigmask(libc::SIG_SETMASK, &old, std::ptr::null_mut());
        r
    }
}

/// Out of memory when the process says so (Rust's allocation-failure abort,
/// Python's `MemoryError`, C++'s `bad_alloc`), or when something other than
/// crossfmt SIGKILLed it, which is what the kernel's OOM killer does; else a
/// crash, named by signal or exit code.
fn classify(status: ExitStatus, recent_stderr: &str, limits: &Limits) -> (ErrorKind, String) {
    const OOM_WORDS: [&str; 6] = [
        "memory allocation of",
        "MemoryError",
        "bad_alloc",
        "out of memory",
        "Out of memory",
        "Cannot allocate memory",
    ];
    let how = match (status.code(), status.signal()) {
        (Some(code), _) => format!("testee exited with status {code}"),
        (None, Some(sig)) => format!("testee killed by signal {sig} ({})", signal_name(sig)),
        _ => format!("testee ended: {status}"),
    };
    let said_oom = OOM_WORDS.iter().any(|w| recent_stderr.contains(w));
    let oom_killed = status.signal() == Some(libc::SIGKILL);
    if said_oom || oom_killed {
        let limit = limits
            .memory_mb
            .map_or(String::new(), |mb| format!(" (limit {mb} MiB)"));
        (
            ErrorKind::OutOfMemory,
            format!("{how}: out of memory{limit}"),
        )
    } else {
        (ErrorKind::Crashed, how)
    }
}

fn signal_name(sig: i32) -> &'static str {
    match sig {
        libc::SIGABRT => "SIGABRT",
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGBUS => "SIGBUS",
        libc::SIGILL => "SIGILL",
        libc::SIGFPE => "SIGFPE",
        libc::SIGKILL => "SIGKILL",
        libc::SIGTERM => "SIGTERM",
        libc::SIGINT => "SIGINT",
        libc::SIGPIPE => "SIGPIPE",
        libc::SIGXCPU => "SIGXCPU",
        _ => "signal",
    }
}

/// At most 300 characters of `s`, for messages.
fn brief(s: &str) -> String {
    if s.chars().count() <= 300 {
        return s.to_string();
    }
    let cut: String = s.chars().take(300).collect();
    format!("{cut}…")
}

/// The last [`STDERR_KEPT`] bytes of the testee's stderr, with a mark at the
/// start of the current request so that a death is judged by what was said
/// during that request only.
#[derive(Default)]
struct StderrTail {
    state: Mutex<TailState>,
    closed: Condvar,
}

#[derive(Default)]
struct TailState {
    kept: VecDeque<u8>,
    total: u64,
    mark: u64,
    closed: bool,
}

impl StderrTail {
    fn lock(&self) -> MutexGuard<'_, TailState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn collect(&self, mut from: impl Read, forward: bool) {
        let mut buf = [0u8; 4096];
        loop {
            let n = match from.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            if forward {
                let _ = std::io::stderr().write_all(&buf[..n]);
            }
            let mut s = self.lock();
            s.kept.extend(&buf[..n]);
            let excess = s.kept.len().saturating_sub(STDERR_KEPT);
            s.kept.drain(..excess);
            s.total += n as u64;
        }
        self.lock().closed = true;
        self.closed.notify_all();
    }

    fn mark(&self) {
        let mut s = self.lock();
        s.mark = s.total;
    }

    fn wait_closed(&self, bound: Duration) {
        let s = self.lock();
        let _ = self.closed.wait_timeout_while(s, bound, |s| !s.closed);
    }

    fn since_mark(&self) -> String {
        let s = self.lock();
        let n = ((s.total - s.mark) as usize).min(s.kept.len());
        let bytes: Vec<u8> = s.kept.iter().skip(s.kept.len() - n).copied().collect();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// The last `n` non-blank lines, joined with " | ".
    fn last_lines(&self, n: usize) -> String {
        let s = self.lock();
        let bytes: Vec<u8> = s.kept.iter().copied().collect();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        let joined = lines[lines.len().saturating_sub(n)..].join(" | ");
        // The end is what matters in a traceback.
        let count = joined.chars().count();
        if count <= 500 {
            joined
        } else {
            let tail: String = joined.chars().skip(count - 500).collect();
            format!("…{tail}")
        }
    }
}
