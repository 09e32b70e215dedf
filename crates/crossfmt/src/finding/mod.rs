//! Findings as data.
//!
//! A [`Finding`] records what a check saw, not what to print: its [`Kind`],
//! what the check expected ([`Wanted`]), what each implementation did
//! ([`Row`]s of [`Seen`] outcomes, named by codec), and where two values
//! first differ ([`Difference`]). Everything else is computed from that:
//!
//! - its text, by one function ([`Finding`]'s `Display`), and its
//!   [`headline`](Finding::headline);
//! - its [`signature`](Finding::signature) (`check|codecs|kind|class`), the
//!   key that deduplicates fuzz crashes, groups findings into causes and
//!   matches the known-findings list ([`crate::known`]); see [`signature`];
//! - the command that reproduces it ([`Finding::repro`]).

pub mod cause;
pub mod signature;

use crate::diff::Difference;
use crate::guard::{Outcome, Panic};
use crate::{notation, Codec, CodecError, Format, Value};
use std::fmt;

/// What a check was given.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    /// A value.
    Value(Value),
    /// Bytes of a format.
    Bytes {
        /// Their format.
        format: Format,
        /// The bytes.
        bytes: Vec<u8>,
    },
    /// A stress probe, whose value each codec builds from its own caps
    /// ([`crate::probe`]).
    Probe(crate::probe::Probe),
}

impl Input {
    /// Bytes of `format`.
    pub fn bytes(format: Format, bytes: &[u8]) -> Input {
        Input::Bytes {
            format,
            bytes: bytes.to_vec(),
        }
    }

    /// The input in diagnostic notation: the value, or the bytes as a byte
    /// string.
    pub fn diag(&self) -> String {
        match self {
            Input::Value(v) => notation::print(v),
            Input::Bytes { bytes, .. } => format!("h'{}'", hex::encode(bytes)),
            Input::Probe(p) => format!("probe {p}"),
        }
    }
}

/// What went wrong. The names ([`Kind::name`]) are stable: signatures and
/// known-findings entries use them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// Encoding failed on a value within the codec's capabilities.
    EncodeFailed,
    /// `decode(encode(v))` is not the codec's normal form of `v`.
    ValueChanged,
    /// The codec rejects its own encoding.
    OwnEncodingRejected,
    /// Bytes decoded to a value outside the codec's declared capabilities.
    OutsideCaps,
    /// A decoded value does not re-encode.
    ReencodeFailed,
    /// decode → encode → decode gives another value.
    NotFixedPoint,
    /// The codec rejects the re-encoding of a value it decoded.
    ReencodingRejected,
    /// Two codecs give back different values for one value both hold.
    FormatsDisagree,
    /// The receiving codec cannot encode what the other decoded.
    TranscodeEncodeFailed,
    /// Transcoding changed the value.
    TranscodeChanged,
    /// The receiving codec rejects its own encoding of the other's value.
    TranscodeRejected,
    /// Of one format's implementations, some accept what others reject.
    AcceptReject,
    /// Implementations decode the same bytes to different values.
    ValuesDiffer,
    /// Implementations write the same value to different bytes.
    EncodingsDiffer,
    /// One implementation writes what another refuses to.
    EncodeAcceptReject,
    /// A contained panic.
    Panic,
    /// An external implementation's process died.
    Crash,
    /// An implementation did not answer in time.
    Timeout,
    /// An implementation ran out of memory.
    OutOfMemory,
    /// One of crossfmt's own engines broke an invariant of its own (a
    /// `struct` layout, the pickle scanner's work bound); the context says
    /// which.
    Inconsistent,
    /// Read from a stream in pieces, the bytes gave other records than read
    /// whole.
    PiecesDiffer,
    /// Read whole as a stream, bytes holding one complete value gave other
    /// than `decode` gives.
    StreamVsDecode,
    /// Records written to a file do not read back as written.
    StreamChanged,
    /// A stream cut short read as something other than its complete
    /// records and then an error at the cut record's offset.
    TruncationMisread,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 24] = [
        Kind::EncodeFailed,
        Kind::ValueChanged,
        Kind::OwnEncodingRejected,
        Kind::OutsideCaps,
        Kind::ReencodeFailed,
        Kind::NotFixedPoint,
        Kind::ReencodingRejected,
        Kind::FormatsDisagree,
        Kind::TranscodeEncodeFailed,
        Kind::TranscodeChanged,
        Kind::TranscodeRejected,
        Kind::AcceptReject,
        Kind::ValuesDiffer,
        Kind::EncodingsDiffer,
        Kind::EncodeAcceptReject,
        Kind::Panic,
        Kind::Crash,
        Kind::Timeout,
        Kind::OutOfMemory,
        Kind::Inconsistent,
        Kind::PiecesDiffer,
        Kind::StreamVsDecode,
        Kind::StreamChanged,
        Kind::TruncationMisread,
    ];

    /// The kind's stable name, as signatures and known-findings entries
    /// spell it.
    pub fn name(self) -> &'static str {
        match self {
            Kind::EncodeFailed => "encode-failed",
            Kind::ValueChanged => "value-changed",
            Kind::OwnEncodingRejected => "own-encoding-rejected",
            Kind::OutsideCaps => "outside-caps",
            Kind::ReencodeFailed => "reencode-failed",
            Kind::NotFixedPoint => "not-fixed-point",
            Kind::ReencodingRejected => "reencoding-rejected",
            Kind::FormatsDisagree => "formats-disagree",
            Kind::TranscodeEncodeFailed => "transcode-encode-failed",
            Kind::TranscodeChanged => "transcode-changed",
            Kind::TranscodeRejected => "transcode-rejected",
            Kind::AcceptReject => "accept-reject",
            Kind::ValuesDiffer => "values-differ",
            Kind::EncodingsDiffer => "encodings-differ",
            Kind::EncodeAcceptReject => "encode-accept-reject",
            Kind::Panic => "panic",
            Kind::Crash => "crash",
            Kind::Timeout => "timeout",
            Kind::OutOfMemory => "out-of-memory",
            Kind::Inconsistent => "inconsistent",
            Kind::PiecesDiffer => "pieces-differ",
            Kind::StreamVsDecode => "stream-vs-decode",
            Kind::StreamChanged => "stream-changed",
            Kind::TruncationMisread => "truncation-misread",
        }
    }

    /// The kind called `name`.
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// True for the kinds about records read from a stream, whose class is
    /// the way the records went wrong ([`Finding::invariant`]).
    pub fn is_stream(self) -> bool {
        matches!(
            self,
            Kind::PiecesDiffer
                | Kind::StreamVsDecode
                | Kind::StreamChanged
                | Kind::TruncationMisread
        )
    }

    /// The kind of breakdown an outcome is, if it is one.
    pub fn of_breakdown<T>(o: &Outcome<T>) -> Option<Kind> {
        match o {
            Outcome::Panicked(_) => Some(Kind::Panic),
            Outcome::Failed(e) => Some(match e.kind {
                crate::ErrorKind::Timeout => Kind::Timeout,
                crate::ErrorKind::OutOfMemory => Kind::OutOfMemory,
                _ => Kind::Crash,
            }),
            _ => None,
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How one call into an implementation ended, as a finding records it.
#[derive(Clone, Debug, PartialEq)]
pub enum Seen {
    /// A value it decoded.
    Value(Value),
    /// Bytes it wrote.
    Bytes(Vec<u8>),
    /// It refused.
    Rejected(CodecError),
    /// It panicked (contained).
    Panicked(Panic),
    /// The implementation broke down without a panic to catch: an external
    /// process crashed, hung or ran out of memory.
    Failed(CodecError),
    /// The records it read from a stream, and how the stream ended.
    Records(Records),
}

/// Records read from a stream, as a finding keeps them: each record's
/// offset, length and value, then how the stream ended.
pub use crate::stream::Reading as Records;

impl Seen {
    /// A decode's outcome.
    pub fn of_value(o: &Outcome<Value>) -> Seen {
        Seen::of(o, |v| Seen::Value(v.clone()))
    }

    /// An encode's outcome.
    pub fn of_bytes(o: &Outcome<Vec<u8>>) -> Seen {
        Seen::of(o, |b| Seen::Bytes(b.clone()))
    }

    fn of<T>(o: &Outcome<T>, ok: impl Fn(&T) -> Seen) -> Seen {
        match o {
            Outcome::Ok(t) => ok(t),
            Outcome::Rejected(e) => Seen::Rejected(e.clone()),
            Outcome::Panicked(p) => Seen::Panicked(p.clone()),
            Outcome::Failed(e) => Seen::Failed(e.clone()),
        }
    }

    /// True for a panic or a process-level failure.
    pub fn is_breakdown(&self) -> bool {
        matches!(self, Seen::Panicked(_) | Seen::Failed(_))
    }
}

impl fmt::Display for Seen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Seen::Value(v) => f.write_str(&notation::print(v)),
            Seen::Bytes(b) => write!(f, "h'{}'", hex::encode(b)),
            Seen::Rejected(e) => write!(f, "error ({e})"),
            Seen::Panicked(p) => write!(f, "panic: {p}"),
            Seen::Failed(e) => write!(f, "failed: {e}"),
            Seen::Records(r) => r.fmt(f),
        }
    }
}

/// What a check expected of a codec.
#[derive(Clone, Debug, PartialEq)]
pub enum Wanted {
    /// This value (the codec's normal form of the input).
    Value(Value),
    /// An encoding, any.
    Encoding,
    /// An encoding of this value.
    EncodingOf(Value),
    /// A value the codec declares it can represent.
    Representable,
    /// A value or a refusal: anything but a breakdown.
    Answer,
    /// These records, then this end.
    Records(Records),
}

impl fmt::Display for Wanted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Wanted::Value(v) => f.write_str(&notation::print(v)),
            Wanted::Encoding => f.write_str("bytes"),
            Wanted::EncodingOf(v) => write!(f, "bytes for {}", notation::print(v)),
            Wanted::Representable => f.write_str("a value the codec can represent"),
            Wanted::Answer => f.write_str("a value or an error"),
            Wanted::Records(r) => r.fmt(f),
        }
    }
}

/// What one implementation did.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The codec's id.
    pub codec: String,
    /// What it did.
    pub seen: Seen,
}

/// A codec misbehaving on one input, with everything needed to see,
/// classify and reproduce it.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// The check's name ([`crate::check::Check::name`]).
    pub check: &'static str,
    /// What went wrong.
    pub kind: Kind,
    /// True when `codecs` names one of crossfmt's own engines (the pickle
    /// scanner, the struct layout parser) rather than codecs to select.
    pub engine: bool,
    /// The codecs the check ran, in its order (for a transcoding finding:
    /// the codec decoded from, then the one encoded with).
    pub codecs: Vec<String>,
    /// The commands of the testees serving any of `codecs`, once each: the
    /// reproduce command starts them again.
    pub testees: Vec<String>,
    /// Flags the codecs need to be made again ([`Codec::repro_args`]), once
    /// each, in order.
    pub codec_args: Vec<String>,
    /// What the check was given.
    pub input: Input,
    /// The schema the codecs were bound to, for a schema-bound check.
    pub schema: Option<String>,
    /// Bytes involved: the input for bytes checks, the first codec's
    /// encoding for value checks (empty when encoding failed).
    pub bytes: Vec<u8>,
    /// What the check expected, when one codec was held to something.
    pub expected: Option<Wanted>,
    /// What each implementation did, in the check's order.
    pub outcomes: Vec<Row>,
    /// Where the expected and actual values (or the first two
    /// implementations' values) first differ.
    pub difference: Option<Difference>,
    /// For [`Kind::Inconsistent`]: which invariant of the engine broke (a
    /// stable name, the finding's class).
    pub invariant: Option<&'static str>,
    /// For people: what the kind alone does not say (the node outside the
    /// capabilities, the intermediate value of a transcoding, the step that
    /// panicked). Never part of the signature.
    pub context: Option<String>,
    /// For a disagreement between implementations: which of them the
    /// format's reference implementation sides against
    /// ([`crate::reference`]). Not part of the signature: one disagreement
    /// is one finding, with a referee or without.
    pub referee: Option<Referee>,
}

/// The reference implementation's verdict on a disagreement.
#[derive(Clone, Debug, PartialEq)]
pub struct Referee {
    /// The reference codec's id.
    pub reference: String,
    /// What the reference did with the same input.
    pub seen: Seen,
    /// The implementations whose outcome the check finds different from
    /// the reference's, in the check's order; empty when the reference
    /// agrees with each of them (as far as each keeps) and so decides
    /// nothing.
    pub departs: Vec<String>,
}

impl Referee {
    /// How the headline opens: `pickle/crossfmt departs from CPython
    /// (pickle/cpython)`, or `None` when the reference decides nothing.
    pub fn verdict(&self) -> Option<String> {
        let name = crate::reference::name_of(&self.reference).unwrap_or("the reference");
        let verb = if self.departs.len() == 1 {
            "departs"
        } else {
            "both depart"
        };
        (!self.departs.is_empty()).then(|| {
            format!(
                "{} {verb} from {name} ({})",
                self.departs.join(" and "),
                self.reference
            )
        })
    }
}

impl Finding {
    /// A finding of `kind` by `check` on `input`; the builders below add the
    /// rest.
    pub fn new(check: &'static str, kind: Kind, codecs: &[&dyn Codec], input: Input) -> Self {
        let bytes = match &input {
            Input::Bytes { bytes, .. } => bytes.clone(),
            Input::Value(_) | Input::Probe(_) => Vec::new(),
        };
        Finding {
            check,
            kind,
            engine: false,
            codecs: codecs.iter().map(|c| c.id().to_string()).collect(),
            testees: codecs.iter().filter_map(|c| c.testee()).fold(
                Vec::new(),
                |mut seen: Vec<String>, t| {
                    if !seen.iter().any(|s| s == t) {
                        seen.push(t.to_string());
                    }
                    seen
                },
            ),
            codec_args: codecs.iter().flat_map(|c| c.repro_args()).fold(
                Vec::new(),
                |mut seen: Vec<String>, a| {
                    if !seen.contains(&a) {
                        seen.push(a);
                    }
                    seen
                },
            ),
            input,
            schema: None,
            bytes,
            expected: None,
            outcomes: Vec::new(),
            difference: None,
            invariant: None,
            context: None,
            referee: None,
        }
    }

    /// A finding about crossfmt's own machinery, named `subject` in place
    /// of a codec (the pickle scanner, the struct layout parser).
    pub fn engine(check: &'static str, kind: Kind, subject: &str, input: Input) -> Self {
        let mut f = Finding::new(check, kind, &[], input);
        f.codecs = vec![subject.to_string()];
        f.engine = true;
        f
    }

    /// Sets what the check expected.
    pub fn expected(mut self, w: Wanted) -> Self {
        self.expected = Some(w);
        self
    }

    /// Adds what `codec` did.
    pub fn seen(mut self, codec: &dyn Codec, seen: Seen) -> Self {
        self.outcomes.push(Row {
            codec: codec.id().to_string(),
            seen,
        });
        self
    }

    /// Adds `codec`'s outcome; for a breakdown, the finding becomes one of
    /// that kind (a panic is a panic whatever step it cut short).
    pub fn outcome<T>(self, codec: &dyn Codec, o: &Outcome<T>, ok: impl Fn(&T) -> Seen) -> Self {
        let kind = Kind::of_breakdown(o);
        let mut f = self.seen(codec, Seen::of(o, ok));
        if let Some(k) = kind {
            f.kind = k;
        }
        f
    }

    /// Sets the first difference.
    pub fn difference(mut self, d: Option<Difference>) -> Self {
        self.difference = d;
        self
    }

    /// Names the broken invariant of a [`Kind::Inconsistent`] finding.
    pub fn invariant(mut self, name: &'static str) -> Self {
        self.invariant = Some(name);
        self
    }

    /// Adds context for people (never part of the signature).
    pub fn context(mut self, c: impl Into<String>) -> Self {
        self.context = Some(c.into());
        self
    }

    /// The finding with codec `from` called `to` wherever it is named: a
    /// codec bound per input to a schema the input carries (the struct
    /// engine as `pystruct:<format>`) is signed by the codec it was bound
    /// from, so that one disagreement over many formats is one signature;
    /// the schema stays in [`Finding::schema`].
    pub fn renamed(mut self, from: &str, to: &str) -> Self {
        let rename = |id: &mut String| {
            if id == from {
                *id = to.to_string();
            }
        };
        self.codecs.iter_mut().for_each(rename);
        self.outcomes.iter_mut().for_each(|r| rename(&mut r.codec));
        if let Some(r) = &mut self.referee {
            r.departs.iter_mut().for_each(rename);
        }
        self
    }

    /// Records the reference implementation's verdict.
    pub fn referee(mut self, r: Option<Referee>) -> Self {
        self.referee = r;
        self
    }

    /// Sets the bytes involved.
    pub fn bytes(mut self, b: &[u8]) -> Self {
        self.bytes = b.to_vec();
        self
    }

    /// Records the schema the codecs were bound to.
    pub fn schema(mut self, s: &str) -> Self {
        self.schema = Some(s.to_string());
        self
    }

    /// The first panic among the outcomes.
    pub fn panic(&self) -> Option<&Panic> {
        self.outcomes.iter().find_map(|r| match &r.seen {
            Seen::Panicked(p) => Some(p),
            _ => None,
        })
    }

    /// The bytes involved, as hex.
    pub fn input_hex(&self) -> String {
        hex::encode(&self.bytes)
    }

    /// One line: what went wrong, in words.
    pub fn headline(&self) -> String {
        let id = |i: usize| self.codecs.get(i).map_or("?", String::as_str);
        let mut s = match self.kind {
            Kind::EncodeFailed => "encode failed on a value within the codec's capabilities".into(),
            Kind::ValueChanged => "value changed in round trip".into(),
            Kind::OwnEncodingRejected => "decode failed on the codec's own encoding".into(),
            Kind::OutsideCaps => "decoded a value outside the codec's declared capabilities".into(),
            Kind::ReencodeFailed => "a decoded value does not re-encode".into(),
            Kind::NotFixedPoint => "decode -> encode -> decode is not a fixed point".into(),
            Kind::ReencodingRejected => {
                "decode failed on the re-encoding of a decoded value".into()
            }
            Kind::FormatsDisagree => format!("{} and {} disagree on the same value", id(0), id(1)),
            Kind::TranscodeEncodeFailed => {
                format!("{} cannot encode {}'s decoded value", id(1), id(0))
            }
            Kind::TranscodeChanged => {
                format!("transcoding {} -> {} changed the value", id(0), id(1))
            }
            Kind::TranscodeRejected => format!(
                "{} cannot decode its own encoding of {}'s value",
                id(1),
                id(0)
            ),
            Kind::AcceptReject => "one implementation accepts what another rejects".into(),
            Kind::ValuesDiffer => {
                "implementations decode the same bytes to different values".into()
            }
            Kind::EncodingsDiffer => "the implementations write different bytes".into(),
            Kind::EncodeAcceptReject => "one implementation encodes what the other refuses".into(),
            Kind::Panic => format!("{} panicked", self.breakdown_codec()),
            Kind::Crash => format!("{} crashed", self.breakdown_codec()),
            Kind::Timeout => format!("{} did not answer in time", self.breakdown_codec()),
            Kind::OutOfMemory => format!("{} ran out of memory", self.breakdown_codec()),
            Kind::Inconsistent => format!("{} is inconsistent", id(0)),
            Kind::PiecesDiffer => format!(
                "{} reads other records when the bytes arrive in pieces",
                id(0)
            ),
            Kind::StreamVsDecode => format!(
                "{}'s stream reader and its decode disagree on one complete value",
                id(0)
            ),
            Kind::StreamChanged => "records written to a file read back otherwise".into(),
            Kind::TruncationMisread => "a stream cut short is misread".into(),
        };
        if let Some(verdict) = self.referee.as_ref().and_then(Referee::verdict) {
            s = format!("{verdict}: {s}");
        }
        if let Some(what) = self.invariant.filter(|_| self.kind.is_stream()) {
            s.push_str(&format!(" [{what}]"));
        }
        if let Some(d) = &self.difference {
            s.push_str(&format!(": {d}"));
        }
        if let Some(c) = &self.context {
            s.push_str(&format!(" ({c})"));
        }
        if let Some(schema) = &self.schema {
            s.push_str(&format!(" (schema {schema:?})"));
        }
        s
    }

    fn breakdown_codec(&self) -> &str {
        self.outcomes
            .iter()
            .find(|r| r.seen.is_breakdown())
            .map_or("an implementation", |r| r.codec.as_str())
    }

    /// A shell command that runs this check again on this input.
    pub fn repro(&self) -> String {
        let mut cmd = format!("crossfmt check {}", self.check);
        for a in &self.codec_args {
            cmd.push_str(&format!(" {}", shell_words::quote(a)));
        }
        for t in &self.testees {
            cmd.push_str(&format!(" --testee {}", shell_words::quote(t)));
        }
        for c in self.codecs.iter().filter(|_| !self.engine) {
            cmd.push_str(&format!(" --codec {}", shell_words::quote(c)));
        }
        if let Some(s) = &self.schema {
            cmd.push_str(&format!(" --schema {}", shell_words::quote(s)));
        }
        match &self.input {
            // `--value=`: a value may start with `-`, which would read as a flag.
            Input::Value(v) => cmd.push_str(&format!(
                " --value={}",
                shell_words::quote(&notation::print(v))
            )),
            Input::Bytes { format, bytes } => {
                cmd.push_str(&format!(" --format {format} --hex {}", hex::encode(bytes)))
            }
            Input::Probe(p) => cmd.push_str(&format!(" --probe {p}")),
        }
        cmd
    }
}

/// Long values are cut in text; the data keeps them whole.
const MAX_SHOWN: usize = 300;

fn truncate(s: &str) -> String {
    if s.chars().count() <= MAX_SHOWN {
        s.to_string()
    } else {
        let cut: String = s.chars().take(MAX_SHOWN).collect();
        format!("{cut}… ({} chars)", s.chars().count())
    }
}

/// The one rendering of a finding: the headline, the input, what was
/// expected and what each implementation did, and the reproduce command.
impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} [{}]: {}",
            self.check,
            self.codecs.join(", "),
            self.headline()
        )?;
        writeln!(f, "  input:    {}", truncate(&self.input.diag()))?;
        if !self.bytes.is_empty() {
            writeln!(f, "  hex:      {}", truncate(&self.input_hex()))?;
        }
        if let Some(w) = &self.expected {
            writeln!(f, "  expected: {}", truncate(&w.to_string()))?;
        }
        // One implementation held to an expectation reads as expected/actual;
        // several read as one row per implementation, aligned.
        let single = self.expected.is_some() && self.outcomes.len() == 1;
        let label = |r: &Row| {
            if single {
                "actual:".to_string()
            } else {
                format!("{}:", r.codec)
            }
        };
        let width = self
            .outcomes
            .iter()
            .map(|r| label(r).len())
            .max()
            .unwrap_or(0)
            .max("expected:".len());
        for r in &self.outcomes {
            writeln!(
                f,
                "  {:<width$} {}",
                label(r),
                truncate(&r.seen.to_string())
            )?;
        }
        if let Some(r) = &self.referee {
            let verdict = r.verdict().unwrap_or_else(|| "decides nothing".into());
            writeln!(
                f,
                "  referee:  {} {} ({verdict})",
                r.reference,
                truncate(&r.seen.to_string())
            )?;
        }
        write!(f, "  repro:    {}", self.repro())
    }
}
