//! The malicious-pickle scanner: what a file would import and call if
//! something unpickled it, found without unpickling it.
//!
//! Nothing here imports, calls or evaluates anything, and no Python is
//! involved: the scanner reads opcodes with the shared [`super::lexer`] and
//! simulates only the unpickler's stack, marks and memo on symbolic values
//! ([`stream`]), so a global is resolved however its module and name reached
//! `STACK_GLOBAL` (memo round trips in any order included). Every import is
//! judged by a [`Policy`]; every call site (`REDUCE`, `NEWOBJ`, `NEWOBJ_EX`,
//! `OBJ`, `INST`, `BUILD`) is reported, even when its result is discarded.
//! Files are taken apart by content, never by name ([`container`]): raw
//! pickles, several pickles in a row, zip archives as `torch.save` and
//! `numpy.savez` write them (every member, every compression method, read
//! past bad CRCs and, without a central directory, from the local headers),
//! tar and gzip, NumPy `.npy` headers, legacy `torch.save` files (five
//! pickles, then raw storages), each inside the others to a bounded depth.
//! Where a stream stops being pickles, the rest is searched for the next
//! pickle that imports something, so a payload behind padding or data is
//! found. Nested pickles handed to a loader (`pickle.loads`, `torch.load`,
//! `numpy.load`...) are scanned too, through the decoders CPython would run
//! first (base64/85/32, hex, zlib, bz2, lzma, `codecs.decode`, `io.BytesIO`).
//!
//! Work is bounded by the input: every op consumes at least one byte, the
//! search after a break spends a bounded number of ops per byte, the stack
//! and memo are capped in proportion to the input ([`Limits`]), decoded
//! payloads have a byte budget and nesting a depth bound; going over a cap is
//! itself a finding. What a pickle would make CPython allocate (a memo index
//! of billions, a length past the end, an object graph that expands through
//! shared references) is a [`Kind::Resource`] finding with the figure.

pub mod container;
mod decode;
mod expansion;
mod memo;
pub mod output;
pub mod policy;
pub mod stream;
mod sym;

pub use policy::Policy;
use serde::Serialize;
use std::fmt;

/// How bad a finding, or a whole file, is. Ordered: the verdict of a file is
/// its worst finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Safe,
    Suspicious,
    Dangerous,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Safe => "safe",
            Severity::Suspicious => "suspicious",
            Severity::Dangerous => "dangerous",
        })
    }
}

/// What a finding is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A global was imported (`GLOBAL`, `STACK_GLOBAL`, `INST`, `EXT*`).
    Import,
    /// A call site: something is called or constructed, or given state.
    Call,
    /// `STACK_GLOBAL` whose module or name the scanner could not resolve.
    UnresolvedImport,
    /// A nested pickle was found and scanned (its findings follow).
    NestedPickle,
    /// `FRAME` disagrees with the opcodes or the file.
    Frame,
    /// `PROTO` repeated, misplaced or unknown.
    Proto,
    /// The stream stops being a pickle CPython would read: truncation,
    /// unknown opcode, stack underflow, missing memo entry.
    Break,
    /// Bytes after the last pickle, or not a pickle at all.
    Trailing,
    /// The container (zip) is damaged or could only be read in part.
    Container,
    /// A scanner bound was reached; the rest is scanned with less context.
    Limit,
    /// What the pickle makes an unpickler allocate is far more than the
    /// file justifies (a memo index of billions, a length past the end).
    Resource,
}

/// One reason for a verdict.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    pub kind: Kind,
    /// `module.name` of the global involved, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub global: Option<String>,
    /// The opcode at fault (`pickletools` name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opcode: Option<&'static str>,
    /// Byte offset within the pickle's bytes (see `location`).
    pub offset: usize,
    /// Which pickle: zip member, `#n` for the n-th pickle of a stream, `>`
    /// for each level of nesting (`archive/data.pkl#0>#0`).
    pub location: String,
    pub message: String,
}

impl Finding {
    /// A suspicious finding about the file rather than an opcode: a limit,
    /// a damaged container.
    pub fn note(kind: Kind, offset: usize, location: &str, message: String) -> Self {
        Finding {
            severity: Severity::Suspicious,
            kind,
            global: None,
            opcode: None,
            offset,
            location: location.to_string(),
            message,
        }
    }
}

/// The bounds every scan keeps to.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Stack entries kept; beyond this the oldest are forgotten.
    pub max_stack: usize,
    /// Memo entries kept, at least: a pickle may keep one for every two of
    /// its bytes (an object and its `MEMOIZE`), which is the most
    /// `pickle.dump` ever writes, so only a hand-made memo storm reaches the
    /// cap and the memory kept stays proportional to the input.
    pub max_memo: usize,
    /// Marks kept.
    pub max_marks: usize,
    /// Depth of nested pickles followed.
    pub max_nesting: usize,
    /// Bytes produced by decompressing and decoding (zip members, gzip,
    /// base64, zlib...) per file, at least: a file may decode to 64 times
    /// its own size before going over is reported, since only a
    /// decompression bomb goes further.
    pub max_decoded: usize,
    /// Pickles read one after another from one stream. Unbounded by
    /// default: every pickle takes at least two bytes of the input, so the
    /// work stays linear in it, and a file of many appended records (a log,
    /// a `pickle.dump` per row) is what it looks like, not a risk.
    pub max_pickles: usize,
    /// Zip members scanned per archive. Unbounded by default: each member
    /// costs at least its 30-byte local header, so the work stays linear.
    pub max_members: usize,
    /// Findings kept per file; the rest are counted.
    pub max_findings: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_stack: 1 << 16,
            max_memo: 1 << 16,
            max_marks: 1 << 16,
            max_nesting: 8,
            max_decoded: 64 << 20,
            max_pickles: usize::MAX,
            max_members: usize::MAX,
            max_findings: 1000,
        }
    }
}

/// Ops one reading of a stream may process per byte of it: one for the
/// pickles read in a row, [`stream`]'s search budget after a break, and one
/// for the probe that ends past that budget. A file is read once per view
/// of it (raw, zip member, local-header fallback) and nesting level.
pub const OPS_PER_BYTE: u64 = 2 + stream::RESYNC_OPS_PER_BYTE as u64;

/// How many bytes a file may decode to per byte of its own.
const DECODED_PER_BYTE: usize = 64;

/// The scan of one file.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub path: String,
    pub verdict: Severity,
    /// `raw` or `zip` (how the content was recognised).
    pub container: &'static str,
    pub bytes: usize,
    /// Opcodes processed, nested pickles included: the work done.
    pub ops: u64,
    /// Bytes produced by decoding (inflated zip members, base64, zlib...).
    pub decoded: usize,
    pub findings: Vec<Finding>,
    /// Findings beyond [`Limits::max_findings`], counted but not kept.
    pub findings_dropped: usize,
    /// Every global an unpickler would ask `find_class` for, safe ones
    /// included (up to [`Limits::max_findings`]).
    pub globals: Vec<GlobalRef>,
}

/// One resolved import, whatever its verdict.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GlobalRef {
    pub global: String,
    pub severity: Severity,
    pub offset: usize,
    pub location: String,
}

/// Where findings go during one file's scan, with the budgets shared by
/// every pickle in it.
pub(crate) struct Sink<'p> {
    pub policy: &'p Policy,
    pub limits: Limits,
    pub findings: Vec<Finding>,
    pub dropped: usize,
    pub globals: Vec<GlobalRef>,
    pub ops: u64,
    pub decoded: usize,
    pub worst: Severity,
}

impl<'p> Sink<'p> {
    fn new(policy: &'p Policy, limits: Limits) -> Self {
        Sink {
            policy,
            limits,
            findings: Vec::new(),
            dropped: 0,
            globals: Vec::new(),
            ops: 0,
            decoded: 0,
            worst: Severity::Safe,
        }
    }

    pub fn push(&mut self, f: Finding) {
        self.worst = self.worst.max(f.severity);
        if self.findings.len() < self.limits.max_findings {
            self.findings.push(f);
        } else {
            self.dropped += 1;
        }
    }
}

/// Scans the bytes of one file (`path` only names it in the report).
pub fn scan_bytes(path: &str, bytes: &[u8], policy: &Policy, mut limits: Limits) -> Report {
    limits.max_decoded = limits
        .max_decoded
        .max(bytes.len().saturating_mul(DECODED_PER_BYTE));
    let mut sink = Sink::new(policy, limits);
    let container = container::scan(bytes, &mut sink);
    Report {
        path: path.to_string(),
        verdict: sink.worst,
        container,
        bytes: bytes.len(),
        ops: sink.ops,
        decoded: sink.decoded,
        findings: sink.findings,
        findings_dropped: sink.dropped,
        globals: sink.globals,
    }
}

/// Scans one file read from disk, at most `max_bytes` of it; a longer file
/// is scanned up to there and rated at least suspicious.
///
/// Each thread keeps the last file's buffer (when it is at most 64 MiB) and
/// the scanner's memo and stack for its next scan, so that a directory of
/// files costs no fresh pages per file; a long-lived program that scanned
/// once holds that memory until its thread ends.
pub fn scan_file(
    path: &std::path::Path,
    policy: &Policy,
    limits: Limits,
    max_bytes: u64,
) -> std::io::Result<Report> {
    use std::io::Read;
    thread_local! {
        /// The last file's buffer, for the next: scanning a directory of
        /// files would otherwise have the kernel zero fresh pages for each.
        static SPARE: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
    }
    let mut f = std::fs::File::open(path)?;
    // Sized once: growing by doubling would copy a big file several times.
    let len = f.metadata().map_or(0, |m| m.len().min(max_bytes));
    let mut bytes = SPARE.take();
    bytes.clear();
    bytes.reserve(usize::try_from(len).unwrap_or(0).saturating_add(1));
    (&mut f).take(max_bytes).read_to_end(&mut bytes)?;
    let mut more = [0u8; 1];
    let truncated = f.read(&mut more)? > 0;
    let mut report = scan_bytes(&path.display().to_string(), &bytes, policy, limits);
    let read = bytes.len();
    if bytes.capacity() <= 64 << 20 {
        SPARE.set(bytes);
    }
    if truncated {
        report.verdict = report.verdict.max(Severity::Suspicious);
        report.findings.push(Finding::note(
            Kind::Limit,
            read,
            "",
            format!("file longer than the {max_bytes}-byte read limit; the rest is not scanned"),
        ));
    }
    Ok(report)
}
