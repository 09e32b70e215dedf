//! The oracles. Every check is a plain function that returns a [`Verdict`] or
//! a [`Finding`]; proptest, libFuzzer, corpus replay and the CLI only drive
//! these functions.

pub mod conformance;
pub mod cross_format;
pub mod differential;
pub mod pickle_scan;
pub mod roundtrip;
pub mod schema_differential;
pub mod struct_layout;

use crate::notation;
use crate::Value;
use crate::{Codec, Format};
use std::fmt;

pub use crate::guard::{contain, decode, encode, Outcome};

/// The names of the checks, as the CLI and reports spell them.
pub const ROUNDTRIP: &str = "roundtrip";
pub const ROUNDTRIP_BYTES: &str = "roundtrip-bytes";
pub const CROSS_FORMAT: &str = "cross_format";
pub const DIFFERENTIAL: &str = "differential";
pub const ALL: [&str; 4] = [ROUNDTRIP, ROUNDTRIP_BYTES, CROSS_FORMAT, DIFFERENTIAL];

/// A check that found nothing wrong either passed or could not apply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    /// The check does not apply (a value outside a codec's capabilities);
    /// counted apart from passes.
    Skip(String),
}

pub type CheckResult = Result<Verdict, Box<Finding>>;

/// What a check was given.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    Value(Value),
    Bytes { format: Format, bytes: Vec<u8> },
}

/// A codec misbehaving on one input, with everything needed to see and
/// reproduce it.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub check: &'static str,
    pub codecs: Vec<String>,
    pub input: Input,
    /// Bytes involved: the input for bytes checks, the first codec's encoding
    /// for value checks (empty when encoding failed).
    pub bytes: Vec<u8>,
    /// One line: what went wrong.
    pub detail: String,
    pub expected: String,
    pub actual: String,
    /// The message and location of a panic the codec raised, when the
    /// finding is one (kept apart from the text so nothing in a value can
    /// pass for a panic).
    pub panic: Option<String>,
}

impl Finding {
    pub fn new(check: &'static str, codecs: &[&dyn Codec], input: Input) -> Self {
        let bytes = match &input {
            Input::Bytes { bytes, .. } => bytes.clone(),
            Input::Value(_) => Vec::new(),
        };
        Finding {
            check,
            codecs: codecs.iter().map(|c| c.id().to_string()).collect(),
            input,
            bytes,
            detail: String::new(),
            expected: String::new(),
            actual: String::new(),
            panic: None,
        }
    }

    pub fn detail(mut self, d: impl Into<String>) -> Self {
        self.detail = d.into();
        self
    }

    pub fn expected(mut self, e: impl Into<String>) -> Self {
        self.expected = e.into();
        self
    }

    pub fn actual(mut self, a: impl Into<String>) -> Self {
        self.actual = a.into();
        self
    }

    /// Sets `actual` to how the outcome reads, and records a panic.
    pub fn actual_outcome<T>(mut self, o: &Outcome<T>, show: impl Fn(&T) -> String) -> Self {
        self.actual = describe(o, show);
        self.panic = o.failure();
        self
    }

    pub fn bytes(mut self, b: &[u8]) -> Self {
        self.bytes = b.to_vec();
        self
    }

    pub fn input_hex(&self) -> String {
        hex::encode(&self.bytes)
    }

    /// The input in diagnostic notation: the value for value checks, the
    /// bytes as a byte string for bytes checks.
    pub fn input_diag(&self) -> String {
        match &self.input {
            Input::Value(v) => notation::print(v),
            Input::Bytes { bytes, .. } => format!("h'{}'", hex::encode(bytes)),
        }
    }

    /// A shell command that runs this check again on this input.
    pub fn repro(&self) -> String {
        let mut cmd = format!("crossfmt check {}", self.check);
        for c in &self.codecs {
            cmd.push_str(&format!(" --codec {c}"));
        }
        match &self.input {
            Input::Value(v) => {
                cmd.push_str(&format!(" --value {}", shell_quote(&notation::print(v))))
            }
            Input::Bytes { format, bytes } => {
                cmd.push_str(&format!(" --format {format} --hex {}", hex::encode(bytes)))
            }
        }
        cmd
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} [{}]: {}",
            self.check,
            self.codecs.join(", "),
            self.detail
        )?;
        writeln!(f, "  input:    {}", truncate(&self.input_diag(), 300))?;
        if !self.bytes.is_empty() {
            writeln!(f, "  hex:      {}", truncate(&self.input_hex(), 300))?;
        }
        if !self.expected.is_empty() || !self.actual.is_empty() {
            writeln!(f, "  expected: {}", truncate(&self.expected, 300))?;
            writeln!(f, "  actual:   {}", truncate(&self.actual, 300))?;
        }
        write!(f, "  repro:    {}", self.repro())
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max).collect();
        format!("{cut}… ({} chars)", s.chars().count())
    }
}

/// Quotes a string for a POSIX shell.
pub fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=+,@".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// How an outcome reads in a finding.
pub fn describe<T>(o: &Outcome<T>, show: impl Fn(&T) -> String) -> String {
    match o {
        Outcome::Ok(t) => show(t),
        Outcome::Rejected(e) => format!("error ({e})"),
        Outcome::Panicked(p) => format!("panic: {p}"),
        Outcome::Failed(e) => format!("failed: {e}"),
    }
}
