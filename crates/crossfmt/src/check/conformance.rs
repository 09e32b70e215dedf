//! One conformance case against one codec: the oracle the conformance runner
//! drives. A case says what a conforming implementation does with some bytes
//! (decode) or a value (encode); the outcome says whether this one did.
//!
//! Every outcome carries its kind and `class`, the value-free shape of what
//! happened computed from the data (the error's kind and message, the kinds
//! at the first difference, the panic's place), which expected-failure lists
//! match on ([`crate::known`]); and for people a one-line message that
//! starts with the kind's name (`false-reject: Syntax: ...`), with the
//! expected and actual sides rendered for drill-down.

use super::{decode as guarded_decode, encode as guarded_encode, Outcome};
use crate::caps::Caps;
use crate::finding::signature::{error_class, normalise_message, portable_location};
use crate::notation;
use crate::Value;
use crate::{Codec, CodecError, ErrorKind};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The name conformance outcomes go by in known-findings entries (the
/// expected-failure lists).
pub const CHECK: &str = "conformance";

/// What a decode case expects of a conforming decoder.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Expect {
    /// A conforming decoder returns a value.
    Accept,
    /// A conforming decoder returns an error.
    Reject,
    /// The format leaves it open: accepting and rejecting both conform.
    ImplementationDefined,
}

/// How an encode case compares what a codec wrote with its encodings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Equal {
    /// Byte for byte.
    #[default]
    Bytes,
    /// As JSON documents: the same tree, whatever the white space, the order
    /// of an object's members and the spelling of a number (`1e5` is
    /// `100000`, `1.0` is `1`); strings, names and literals exact. For text
    /// formats whose encoders may lay out the same document freely
    /// (ProtoJSON).
    Json,
}

impl Equal {
    /// `wrote` is `want` under this comparison.
    pub fn same(self, want: &[u8], wrote: &[u8]) -> bool {
        match self {
            Equal::Bytes => want == wrote,
            Equal::Json => {
                let parse = serde_json::from_slice::<serde_json::Value>;
                match (parse(want), parse(wrote)) {
                    (Ok(a), Ok(b)) => same_json(&a, &b),
                    _ => false,
                }
            }
        }
    }

    /// Bytes as a case's reader sees them: hex, or the JSON text.
    pub fn render(self, b: &[u8]) -> String {
        match self {
            Equal::Bytes => hex::encode(b),
            Equal::Json => String::from_utf8_lossy(b).into_owned(),
        }
    }
}

fn same_json(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (a, b) {
        (J::Number(x), J::Number(y)) => {
            let integral = |n: &serde_json::Number| n.is_i64() || n.is_u64();
            if integral(x) && integral(y) {
                x == y
            } else {
                // Both are read as the nearest f64, as a JSON reader does.
                x.as_f64() == y.as_f64()
            }
        }
        (J::Array(xs), J::Array(ys)) => {
            xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| same_json(x, y))
        }
        (J::Object(xs), J::Object(ys)) => {
            xs.len() == ys.len()
                && xs
                    .iter()
                    .all(|(k, x)| ys.get(k).is_some_and(|y| same_json(x, y)))
        }
        _ => a == b,
    }
}

/// The operation a case exercises and what it expects.
#[derive(Clone, Debug, PartialEq)]
pub enum Test {
    /// Decode these bytes.
    Decode {
        /// The bytes.
        input: Vec<u8>,
        /// What a conforming decoder does.
        expect: Expect,
        /// Required for `accept`; optional for implementation-defined.
        value: Option<Value>,
    },
    /// Encode this value.
    Encode {
        /// The value.
        value: Value,
        /// `None`: encoding must fail. `Some`: every acceptable encoding.
        encodings: Option<Vec<Vec<u8>>>,
        /// How the output is compared with them.
        equal: Equal,
    },
    /// Read these bytes as a record stream ([`Codec::read_stream`]), whole
    /// and a byte at a time.
    Stream {
        /// The stream.
        input: Vec<u8>,
        /// The value of each complete record, in order.
        records: Vec<Value>,
        /// `None`: the stream ends cleanly after them; `Some(k)`: then an
        /// error naming offset `k`, where the record that cannot be read
        /// starts.
        error_at: Option<u64>,
    },
}

/// How one case ended for one implementation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OutcomeKind {
    /// The implementation conforms.
    Pass,
    /// It decoded (or wrote) another value (bytes) than the case wants.
    WrongValue,
    /// It accepted what it must reject.
    FalseAccept,
    /// It rejected what it must accept.
    FalseReject,
    /// It panicked or crashed.
    Panic,
    /// It did not answer in time.
    Timeout,
    /// It ran out of memory.
    OutOfMemory,
    /// The case does not apply (a value outside the codec's data model);
    /// never counted as a pass.
    Skipped,
}

impl OutcomeKind {
    /// Every kind, in report order.
    pub const ALL: [OutcomeKind; 8] = [
        OutcomeKind::Pass,
        OutcomeKind::WrongValue,
        OutcomeKind::FalseAccept,
        OutcomeKind::FalseReject,
        OutcomeKind::Panic,
        OutcomeKind::Timeout,
        OutcomeKind::OutOfMemory,
        OutcomeKind::Skipped,
    ];

    /// The name messages start with and reports print.
    pub fn name(self) -> &'static str {
        match self {
            OutcomeKind::Pass => "pass",
            OutcomeKind::WrongValue => "wrong-value",
            OutcomeKind::FalseAccept => "false-accept",
            OutcomeKind::FalseReject => "false-reject",
            OutcomeKind::Panic => "panic",
            OutcomeKind::Timeout => "timeout",
            OutcomeKind::OutOfMemory => "out-of-memory",
            OutcomeKind::Skipped => "skipped",
        }
    }

    /// The kind called `name`.
    pub fn from_name(name: &str) -> Option<OutcomeKind> {
        OutcomeKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The implementation did not conform (neither a pass nor a skip).
    pub fn is_failure(self) -> bool {
        !matches!(self, OutcomeKind::Pass | OutcomeKind::Skipped)
    }
}

impl fmt::Display for OutcomeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One case's outcome for one codec. `expected` and `actual` are for
/// drill-down (diagnostic notation for values, hex for bytes) and are left
/// empty on a pass.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseOutcome {
    /// How the case ended.
    pub kind: OutcomeKind,
    /// The value-free shape of what happened (see the module
    /// documentation); empty on a pass or skip.
    pub class: String,
    /// One line, starting with the kind's name; `pass` on a pass.
    pub message: String,
    /// What a conforming implementation does, rendered.
    pub expected: String,
    /// What this one did, rendered.
    pub actual: String,
}

impl CaseOutcome {
    /// A pass.
    pub fn pass() -> Self {
        CaseOutcome {
            kind: OutcomeKind::Pass,
            class: String::new(),
            message: OutcomeKind::Pass.name().to_string(),
            expected: String::new(),
            actual: String::new(),
        }
    }

    /// A non-pass outcome of `class`; `detail` is flattened onto the
    /// message's line.
    pub fn new(kind: OutcomeKind, class: String, detail: impl fmt::Display) -> Self {
        CaseOutcome {
            kind,
            class,
            message: format!("{}: {}", kind.name(), one_line(&detail.to_string())),
            expected: String::new(),
            actual: String::new(),
        }
    }

    /// A skip, with why.
    pub fn skipped(why: impl fmt::Display) -> Self {
        CaseOutcome::new(OutcomeKind::Skipped, String::new(), why)
    }

    fn expected(mut self, e: impl Into<String>) -> Self {
        self.expected = e.into();
        self
    }

    fn actual(mut self, a: impl Into<String>) -> Self {
        self.actual = a.into();
        self
    }
}

/// Messages are read in lists and tables; a codec's error text can be huge.
const MAX_MESSAGE_CHARS: usize = 400;

fn one_line(s: &str) -> String {
    let line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= MAX_MESSAGE_CHARS {
        return line;
    }
    let mut cut: String = line.chars().take(MAX_MESSAGE_CHARS - 1).collect();
    cut.push('…');
    cut
}

/// Runs one case's test against `codec` (already bound to the case's schema,
/// if it names one).
pub fn run(codec: &dyn Codec, test: &Test) -> CaseOutcome {
    match test {
        Test::Decode {
            input,
            expect,
            value,
        } => decode(codec, input, *expect, value.as_ref()),
        Test::Encode {
            value,
            encodings,
            equal,
        } => encode(codec, value, encodings.as_deref(), *equal),
        Test::Stream {
            input,
            records,
            error_at,
        } => stream(codec, input, records, *error_at),
    }
}

/// Reads `input` as a record stream, whole and then a byte at a time, and
/// judges the records and the end against the case: a record read as
/// another value, or a clean end or error at another offset than the
/// case's, fails it.
pub fn stream(
    codec: &dyn Codec,
    input: &[u8],
    records: &[Value],
    error_at: Option<u64>,
) -> CaseOutcome {
    if codec.framing().is_none() {
        return CaseOutcome::skipped(format!("{} reads no record streams", codec.id()));
    }
    if let Some(why) = records.iter().find_map(|v| codec.unsupported(v)) {
        return CaseOutcome::skipped(why);
    }
    let caps = codec.caps();
    let want: Vec<Value> = records.iter().map(|v| caps.normalise(v)).collect();
    let expected = format!(
        "{} record(s), then {}",
        want.len(),
        error_at.map_or("a clean end".to_string(), |k| format!(
            "an error at offset {k}"
        ))
    );
    for (sizes, how) in [(usize::MAX, "read whole"), (1, "read a byte at a time")] {
        let from = crate::stream::Source::Pieces {
            data: input,
            sizes: &[sizes],
            interrupt: false,
        };
        let outcome = super::contain(|| codec.read_stream(&from));
        if let Some(o) = breakdown(&outcome) {
            return o.expected(expected).actual(describe_stream(&outcome));
        }
        let r = match outcome {
            Outcome::Ok(r) => r,
            Outcome::Rejected(e) => return rejected(&e).expected(expected),
            Outcome::Panicked(_) | Outcome::Failed(_) => {
                unreachable!("breakdowns are judged first")
            }
        };
        let actual = r.to_string();
        let got: Vec<Value> = r.records.iter().map(|x| caps.unordered(&x.value)).collect();
        let fail = |kind, class: String, what: String| {
            CaseOutcome::new(kind, class, format!("{how}: {what}"))
                .expected(expected.clone())
                .actual(actual.clone())
        };
        if let Some((i, (w, g))) = want.iter().zip(&got).enumerate().find(|(_, (w, g))| w != g) {
            let d = crate::diff::first(w, g);
            let class = d.as_ref().map(|d| d.class()).unwrap_or_default();
            let what = d.map_or(String::new(), |d| d.to_string());
            return fail(
                OutcomeKind::WrongValue,
                class,
                format!("record {i}: {what}"),
            );
        }
        if got.len() > want.len() {
            return fail(
                OutcomeKind::FalseAccept,
                "more-records".into(),
                format!("{} records where the case has {}", got.len(), want.len()),
            );
        }
        match (&r.end, error_at) {
            (Some(e), _) if got.len() < want.len() => {
                if e.error.kind == ErrorKind::Unsupported {
                    return CaseOutcome::skipped(format!(
                        "the codec reports a record unsupported ({})",
                        e.error
                    ));
                }
                return fail(
                    OutcomeKind::FalseReject,
                    error_class(&e.error),
                    format!("record {} at offset {}: {}", got.len(), e.offset, e.error),
                );
            }
            (None, _) if got.len() < want.len() => {
                return fail(
                    OutcomeKind::FalseReject,
                    "fewer-records".into(),
                    format!("{} records where the case has {}", got.len(), want.len()),
                );
            }
            (None, Some(k)) => {
                return fail(
                    OutcomeKind::FalseAccept,
                    "silent-end".into(),
                    format!("a clean end where the record at offset {k} cannot be read"),
                );
            }
            (Some(e), None) => {
                return fail(
                    OutcomeKind::FalseReject,
                    error_class(&e.error),
                    format!("an error after the last record: {e}"),
                );
            }
            (Some(e), Some(k)) if e.offset != k => {
                return fail(
                    OutcomeKind::WrongValue,
                    "error-offset".into(),
                    format!(
                        "the error names offset {} where the cut record starts at {k}",
                        e.offset
                    ),
                );
            }
            _ => {}
        }
    }
    CaseOutcome::pass()
}

fn describe_stream(o: &Outcome<crate::stream::Reading>) -> String {
    match o {
        Outcome::Ok(r) => r.to_string(),
        Outcome::Rejected(e) => format!("error ({e})"),
        Outcome::Panicked(p) => format!("panic: {p}"),
        Outcome::Failed(e) => format!("failed: {e}"),
    }
}

/// The outcome for a call that broke down rather than answered.
fn breakdown<T>(o: &Outcome<T>) -> Option<CaseOutcome> {
    match o {
        Outcome::Panicked(p) => {
            let at = p
                .location
                .as_deref()
                .map(portable_location)
                .unwrap_or_default();
            let class = format!("{}|{at}", normalise_message(&p.message));
            Some(CaseOutcome::new(OutcomeKind::Panic, class, p))
        }
        Outcome::Failed(e) => {
            let kind = match e.kind {
                ErrorKind::Timeout => OutcomeKind::Timeout,
                ErrorKind::OutOfMemory => OutcomeKind::OutOfMemory,
                // Crashed, and anything else a codec reports as a failure.
                _ => OutcomeKind::Panic,
            };
            Some(CaseOutcome::new(kind, normalise_message(&e.message), e))
        }
        Outcome::Ok(_) | Outcome::Rejected(_) => None,
    }
}

/// A rejection: a skip when the codec says its data model cannot hold the
/// input, else a false reject.
fn rejected(e: &CodecError) -> CaseOutcome {
    if e.kind == ErrorKind::Unsupported {
        CaseOutcome::skipped(format!("the codec reports it unsupported ({e})"))
    } else {
        CaseOutcome::new(OutcomeKind::FalseReject, error_class(e), e)
    }
}

/// Decodes `input` and judges the result against `expect` and, when given,
/// the value the bytes must decode to (compared in the codec's normal form,
/// float bits exact, as the round-trip check compares).
pub fn decode(
    codec: &dyn Codec,
    input: &[u8],
    expect: Expect,
    value: Option<&Value>,
) -> CaseOutcome {
    let outcome = guarded_decode(codec, input);
    // A breakdown is a finding whatever the case expects, so it is judged
    // before any skip: a crash on valid input the codec cannot hold is still
    // a crash.
    if let Some(o) = breakdown(&outcome) {
        return o
            .expected(value.map(notation::print).unwrap_or_default())
            .actual(describe(&outcome));
    }
    match (expect, outcome) {
        // Accepted, though the value cannot be shown: an accept.
        (Expect::Reject, Outcome::Rejected(e)) if e.kind.is_accept() => CaseOutcome::new(
            OutcomeKind::FalseAccept,
            String::new(),
            format!(
                "accepted it (the value it read cannot be a Value: {})",
                e.message
            ),
        )
        .expected("an error")
        .actual(format!("accepted ({e})")),
        (Expect::Accept | Expect::ImplementationDefined, Outcome::Rejected(e))
            if e.kind.is_accept() =>
        {
            match value {
                None => CaseOutcome::pass(),
                Some(_) => CaseOutcome::skipped(format!(
                    "accepted, but the value it read cannot be compared ({e})"
                )),
            }
        }
        // A model that cannot hold the input has not shown that it detects
        // invalid bytes: no pass, whatever the message.
        (Expect::Reject | Expect::ImplementationDefined, Outcome::Rejected(e))
            if e.kind == ErrorKind::Unsupported =>
        {
            CaseOutcome::skipped(format!(
                "refused as unsupported, not as invalid ({}): a refusal of this kind says \
                 nothing about the bytes being invalid",
                e.message
            ))
        }
        (Expect::Reject, Outcome::Ok(v)) => CaseOutcome::new(
            OutcomeKind::FalseAccept,
            String::new(),
            format!("decoded {}", notation::print_short(&v)),
        )
        .expected("an error")
        .actual(notation::print(&v)),
        (Expect::Reject | Expect::ImplementationDefined, Outcome::Rejected(_)) => {
            CaseOutcome::pass()
        }
        (Expect::Accept, Outcome::Rejected(e)) => {
            if let Some(why) = value.and_then(|v| codec.unsupported(v)) {
                return CaseOutcome::skipped(why);
            }
            rejected(&e)
                .expected(value.map(notation::print).unwrap_or_default())
                .actual(format!("error ({e})"))
        }
        (Expect::Accept | Expect::ImplementationDefined, Outcome::Ok(got)) => match value {
            None => CaseOutcome::pass(),
            Some(want) => compare(codec, want, &got),
        },
        (_, Outcome::Panicked(_) | Outcome::Failed(_)) => {
            unreachable!("breakdowns are judged first")
        }
    }
}

/// The decoded value against the expected one, in the codec's normal form.
fn compare(codec: &dyn Codec, want: &Value, got: &Value) -> CaseOutcome {
    if let Some(why) = codec.unsupported(want) {
        return CaseOutcome::skipped(why);
    }
    let caps = codec.caps();
    let (want_n, got_n) = (caps.normalise(want), caps.normalise(got));
    if want_n == got_n {
        return CaseOutcome::pass();
    }
    let d = crate::diff::first(&want_n, &got_n);
    CaseOutcome::new(
        OutcomeKind::WrongValue,
        d.as_ref().map(|d| d.class()).unwrap_or_default(),
        d.map(|d| d.to_string()).unwrap_or_default(),
    )
    .expected(notation::print(&want_n))
    .actual(notation::print(&got_n))
}

/// Encodes `value`; `encodings` lists every acceptable output (compared as
/// `equal` says), or is `None` when encoding must fail.
pub fn encode(
    codec: &dyn Codec,
    value: &Value,
    encodings: Option<&[Vec<u8>]>,
    equal: Equal,
) -> CaseOutcome {
    let outcome = guarded_encode(codec, value);
    let acceptable = || match encodings {
        Some(list) => list
            .iter()
            .map(|b| equal.render(b))
            .collect::<Vec<_>>()
            .join(" | "),
        None => "an error".to_string(),
    };
    let among = |list: &[Vec<u8>], b: &[u8]| list.iter().any(|w| equal.same(w, b));
    if let Some(o) = breakdown(&outcome) {
        return o.expected(acceptable()).actual(describe(&outcome));
    }
    // A value the codec declares it cannot hold (or not keep: a converting
    // pack) is a skip unless it writes an acceptable encoding anyway. A case
    // that expects the encoding to fail is judged in full: the refusal
    // itself is under test.
    if let Some(list) = encodings {
        if let Some(why) = codec
            .unsupported(value)
            .or_else(|| widened(&codec.caps(), value))
        {
            return match &outcome {
                Outcome::Ok(b) if among(list, b) => CaseOutcome::pass(),
                _ => CaseOutcome::skipped(why),
            };
        }
    }
    match (encodings, outcome) {
        (None, Outcome::Ok(b)) => CaseOutcome::new(
            OutcomeKind::FalseAccept,
            String::new(),
            format!("wrote {}", equal.render(&b)),
        )
        .expected(acceptable())
        .actual(equal.render(&b)),
        (None, Outcome::Rejected(_)) => CaseOutcome::pass(),
        (Some(list), Outcome::Ok(b)) if among(list, &b) => CaseOutcome::pass(),
        (Some(_), Outcome::Ok(b)) => CaseOutcome::new(
            OutcomeKind::WrongValue,
            String::new(),
            format!("wrote {}, acceptable: {}", equal.render(&b), acceptable()),
        )
        .expected(acceptable())
        .actual(equal.render(&b)),
        (Some(_), Outcome::Rejected(e)) => rejected(&e)
            .expected(acceptable())
            .actual(format!("error ({e})")),
        (_, Outcome::Panicked(_) | Outcome::Failed(_)) => {
            unreachable!("breakdowns are judged first")
        }
    }
}

/// The first float of `v` that the codec's declared model holds at another
/// width (an f32 that comes back as f64): the case's encodings write that
/// width, which the model has no way to ask for, so what the codec writes is
/// judged in its own model (by the round-trip checks), not against them.
fn widened(caps: &Caps, v: &Value) -> Option<String> {
    match v {
        Value::Float(f) => {
            let kept = caps.normalise(v);
            (kept != *v).then(|| {
                format!(
                    "the codec declares {:?} floats come back wider: {} is held as {}",
                    f.width(),
                    notation::print_short(v),
                    notation::print_short(&kept)
                )
            })
        }
        Value::Array(xs) | Value::Tuple(xs) | Value::Set(xs) | Value::FrozenSet(xs) => {
            xs.iter().find_map(|x| widened(caps, x))
        }
        Value::Map(kvs) => kvs
            .iter()
            .find_map(|(k, x)| widened(caps, k).or_else(|| widened(caps, x))),
        Value::Tag(_, x) => widened(caps, x),
        _ => None,
    }
}

fn describe<T>(o: &Outcome<T>) -> String {
    match o {
        Outcome::Ok(_) => String::new(),
        Outcome::Rejected(e) => format!("error ({e})"),
        Outcome::Panicked(p) => format!("panic: {p}"),
        Outcome::Failed(e) => format!("failed: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CodecError, Format};

    /// A codec whose every answer is scripted: what the checks make of each
    /// kind of answer is what these tests pin down.
    type Decoded = fn() -> Result<Value, CodecError>;
    type Encoded = fn() -> Result<Vec<u8>, CodecError>;

    struct Scripted {
        decoded: Decoded,
        encoded: Encoded,
    }

    impl Codec for Scripted {
        fn id(&self) -> &str {
            "msgpack/scripted"
        }
        fn format(&self) -> Format {
            Format::MsgPack
        }
        fn caps(&self) -> Caps {
            Caps {
                ints: crate::caps::IntRange::I64_U64,
                max_depth: 8,
                ..Caps::NONE
            }
        }
        fn encode(&self, _: &Value) -> Result<Vec<u8>, CodecError> {
            (self.encoded)()
        }
        fn decode(&self, _: &[u8]) -> Result<Value, CodecError> {
            (self.decoded)()
        }
    }

    fn decoding(decoded: Decoded) -> Scripted {
        Scripted {
            decoded,
            encoded: || Ok(vec![1]),
        }
    }

    fn encoding(encoded: Encoded) -> Scripted {
        Scripted {
            decoded: || Ok(Value::Int(1)),
            encoded,
        }
    }

    fn kind_of_decode(c: &Scripted, expect: Expect, value: Option<Value>) -> OutcomeKind {
        let o = decode(c, &[0], expect, value.as_ref());
        assert!(
            o.message.starts_with(o.kind.name()),
            "message {:?} must start with {}",
            o.message,
            o.kind
        );
        assert!(!o.message.contains('\n'), "{:?}", o.message);
        o.kind
    }

    #[test]
    fn decode_accept_cases() {
        use OutcomeKind::*;
        let one = Some(Value::Int(1));
        assert_eq!(
            kind_of_decode(&decoding(|| Ok(Value::Int(1))), Expect::Accept, one.clone()),
            Pass
        );
        assert_eq!(
            kind_of_decode(&decoding(|| Ok(Value::Int(2))), Expect::Accept, one.clone()),
            WrongValue
        );
        assert_eq!(
            kind_of_decode(
                &decoding(|| Err(CodecError::syntax("bad"))),
                Expect::Accept,
                one.clone()
            ),
            FalseReject
        );
        assert_eq!(
            kind_of_decode(
                &decoding(|| Err(CodecError::unsupported("no"))),
                Expect::Accept,
                one.clone()
            ),
            Skipped
        );
        // A value outside the codec's caps: skipped, whatever it decoded to.
        let text = Some(Value::text("a"));
        assert_eq!(
            kind_of_decode(
                &decoding(|| Ok(Value::Int(2))),
                Expect::Accept,
                text.clone()
            ),
            Skipped
        );
        assert_eq!(
            kind_of_decode(
                &decoding(|| Err(CodecError::syntax("bad"))),
                Expect::Accept,
                text
            ),
            Skipped
        );
    }

    #[test]
    fn decode_reject_and_implementation_defined_cases() {
        use OutcomeKind::*;
        let ok = decoding(|| Ok(Value::Int(1)));
        let err = decoding(|| Err(CodecError::limit("deep")));
        assert_eq!(kind_of_decode(&ok, Expect::Reject, None), FalseAccept);
        assert_eq!(kind_of_decode(&err, Expect::Reject, None), Pass);
        assert_eq!(
            kind_of_decode(&ok, Expect::ImplementationDefined, None),
            Pass
        );
        assert_eq!(
            kind_of_decode(&err, Expect::ImplementationDefined, None),
            Pass
        );
        let two = Some(Value::Int(2));
        assert_eq!(
            kind_of_decode(&ok, Expect::ImplementationDefined, two.clone()),
            WrongValue
        );
        assert_eq!(
            kind_of_decode(&err, Expect::ImplementationDefined, two),
            Pass
        );
    }

    #[test]
    fn a_refusal_passes_a_must_reject_case_only_when_it_says_invalid() {
        use OutcomeKind::*;
        let unsupported = decoding(|| Err(CodecError::unsupported("no model for it")));
        let unshown = decoding(|| Err(CodecError::unrepresentable("a lone surrogate")));
        // Unsupported says nothing about validity; accepted-but-unshown is
        // an accept.
        assert_eq!(kind_of_decode(&unsupported, Expect::Reject, None), Skipped);
        assert_eq!(kind_of_decode(&unshown, Expect::Reject, None), FalseAccept);
        assert_eq!(kind_of_decode(&unshown, Expect::Accept, None), Pass);
        assert_eq!(
            kind_of_decode(&unshown, Expect::Accept, Some(Value::Int(1))),
            Skipped
        );
        assert_eq!(
            kind_of_decode(&unshown, Expect::ImplementationDefined, None),
            Pass
        );
    }

    #[test]
    fn breakdowns_fail_every_kind_of_case() {
        use OutcomeKind::*;
        let failed: [(Decoded, OutcomeKind); 4] = [
            (|| panic!("boom"), Panic),
            (
                || Err(CodecError::failure(ErrorKind::Crashed, "died")),
                Panic,
            ),
            (
                || Err(CodecError::failure(ErrorKind::Timeout, "slow")),
                Timeout,
            ),
            (
                || Err(CodecError::failure(ErrorKind::OutOfMemory, "big")),
                OutOfMemory,
            ),
        ];
        for (f, want) in failed {
            for expect in [
                Expect::Accept,
                Expect::Reject,
                Expect::ImplementationDefined,
            ] {
                // Even with an expected value the codec cannot hold.
                assert_eq!(
                    kind_of_decode(&decoding(f), expect, Some(Value::text("a"))),
                    want
                );
            }
        }
        let o = decode(&decoding(|| panic!("boom")), &[0], Expect::Reject, None);
        assert!(o.message.starts_with("panic: boom at "), "{}", o.message);
        let enc: [(Encoded, OutcomeKind); 2] = [
            (
                || Err(CodecError::failure(ErrorKind::Timeout, "slow")),
                Timeout,
            ),
            (|| panic!("boom"), Panic),
        ];
        for (f, want) in enc {
            assert_eq!(
                encode(&encoding(f), &Value::Int(1), Some(&[vec![1]]), Equal::Bytes).kind,
                want
            );
            assert_eq!(
                encode(&encoding(f), &Value::Int(1), None, Equal::Bytes).kind,
                want
            );
        }
    }

    #[test]
    fn wrong_value_names_the_difference_and_both_values() {
        let o = decode(
            &decoding(|| Ok(Value::Int(2))),
            &[0],
            Expect::Accept,
            Some(&Value::Int(1)),
        );
        assert_eq!(
            o.message,
            "wrong-value: at top level: expected integer 1, got integer 2"
        );
        assert_eq!((o.expected.as_str(), o.actual.as_str()), ("1", "2"));
    }

    #[test]
    fn messages_are_one_bounded_line() {
        let o = CaseOutcome::new(
            OutcomeKind::FalseReject,
            String::new(),
            format!("a\n  b{}", "x".repeat(1000)),
        );
        assert!(
            o.message.starts_with("false-reject: a bxxx"),
            "{}",
            o.message
        );
        assert_eq!(
            o.message.chars().count(),
            "false-reject: ".len() + MAX_MESSAGE_CHARS
        );
        assert!(o.message.ends_with('…'));
    }

    #[test]
    fn json_equality_frees_layout_order_and_number_spelling_only() {
        let same = |a: &str, b: &str| Equal::Json.same(a.as_bytes(), b.as_bytes());
        assert!(same(
            r#"{"a": 1, "b": [1.5, "x"]}"#,
            r#"{"b":[1.50,"x"],"a":1.0}"#
        ));
        assert!(same(r#"{"n": 100000}"#, r#"{"n": 1e5}"#));
        assert!(same(
            r#"{"u": 18446744073709551615}"#,
            r#"{"u":18446744073709551615}"#
        ));
        for (a, b) in [
            (r#"{"a": 1}"#, r#"{"a": "1"}"#),
            (r#"{"a": 1}"#, r#"{"a": 1, "b": 0}"#),
            (r#"{"a": 1}"#, r#"{"A": 1}"#),
            (r#"[1, 2]"#, r#"[2, 1]"#),
            (r#"{"a": 9007199254740993}"#, r#"{"a": 9007199254740992}"#),
            (r#"{"a": 0.1}"#, r#"{"a": 0.10000000149011612}"#),
            (r#"{"a": 1}"#, r#"{"a": 1} x"#),
        ] {
            assert!(!same(a, b), "{a} and {b} are different documents");
        }
        let o = encode(
            &encoding(|| Ok(br#"{"a":2}"#.to_vec())),
            &Value::Int(1),
            Some(&[br#"{"a": 1}"#.to_vec()]),
            Equal::Json,
        );
        assert_eq!(
            o.message,
            r#"wrong-value: wrote {"a":2}, acceptable: {"a": 1}"#
        );
    }

    #[test]
    fn encode_cases() {
        use OutcomeKind::*;
        let v = Value::Int(1);
        let right = encoding(|| Ok(vec![1]));
        let wrong = encoding(|| Ok(vec![2]));
        let refuses = encoding(|| Err(CodecError::encode("no")));
        let unsupported = encoding(|| Err(CodecError::unsupported("no")));
        let ok: &[Vec<u8>] = &[vec![0xcc, 1], vec![1]];
        assert_eq!(encode(&right, &v, Some(ok), Equal::Bytes).kind, Pass);
        let o = encode(&wrong, &v, Some(ok), Equal::Bytes);
        assert_eq!(o.kind, WrongValue);
        assert_eq!(o.message, "wrong-value: wrote 02, acceptable: cc01 | 01");
        assert_eq!(
            encode(&refuses, &v, Some(ok), Equal::Bytes).kind,
            FalseReject
        );
        assert!(encode(&refuses, &v, Some(ok), Equal::Bytes)
            .message
            .starts_with("false-reject: Encode: no"));
        assert_eq!(
            encode(&unsupported, &v, Some(ok), Equal::Bytes).kind,
            Skipped
        );
        assert_eq!(encode(&right, &v, None, Equal::Bytes).kind, FalseAccept);
        assert_eq!(encode(&refuses, &v, None, Equal::Bytes).kind, Pass);
        assert_eq!(encode(&unsupported, &v, None, Equal::Bytes).kind, Pass);
        // Outside the caps: a skip, unless the codec writes an acceptable
        // encoding anyway (a converting encoder that matches the reference).
        let text = Value::text("a");
        assert_eq!(encode(&wrong, &text, Some(ok), Equal::Bytes).kind, Skipped);
        assert_eq!(
            encode(&refuses, &text, Some(ok), Equal::Bytes).kind,
            Skipped
        );
        assert_eq!(encode(&right, &text, Some(ok), Equal::Bytes).kind, Pass);
    }

    /// Writes every float as a MessagePack float64; declares f32 as f64 or not.
    struct Doubles {
        widens: bool,
    }

    impl Codec for Doubles {
        fn id(&self) -> &str {
            "msgpack/doubles"
        }
        fn format(&self) -> Format {
            Format::MsgPack
        }
        fn caps(&self) -> Caps {
            let f32 = if self.widens {
                crate::caps::FloatRepr::As(crate::FloatWidth::F64)
            } else {
                crate::caps::FloatRepr::As(crate::FloatWidth::F32)
            };
            Caps {
                f32,
                f64: crate::caps::FloatRepr::As(crate::FloatWidth::F64),
                array: true,
                max_depth: 8,
                ..Caps::NONE
            }
        }
        fn encode(&self, v: &Value) -> Result<Vec<u8>, CodecError> {
            match v {
                Value::Float(f) => {
                    let mut b = vec![0xcb];
                    b.extend(f.to_f64().to_be_bytes());
                    Ok(b)
                }
                _ => Err(CodecError::unsupported(v.kind())),
            }
        }
        fn decode(&self, _: &[u8]) -> Result<Value, CodecError> {
            Err(CodecError::unsupported("encode only"))
        }
    }

    #[test]
    fn encode_cases_are_judged_in_the_declared_float_model() {
        use OutcomeKind::*;
        let half = Value::Float(crate::Float::from_f32(1.5));
        let as_f32: &[Vec<u8>] = &[vec![0xca, 0x3f, 0xc0, 0, 0]];
        // Declared: f32 comes back as f64, so float64 bytes are its answer.
        let o = encode(&Doubles { widens: true }, &half, Some(as_f32), Equal::Bytes);
        assert_eq!(o.kind, Skipped, "{}", o.message);
        assert!(o.message.contains("held as"), "{}", o.message);
        // Declared: f32 kept; writing float64 is wrong.
        let o = encode(
            &Doubles { widens: false },
            &half,
            Some(as_f32),
            Equal::Bytes,
        );
        assert_eq!(o.kind, WrongValue, "{}", o.message);
        // An f64 case is judged in full either way.
        let one = Value::Float(crate::Float::from_f64(1.5));
        let as_f64: &[Vec<u8>] = &[vec![0xcb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0]];
        assert_eq!(
            encode(&Doubles { widens: true }, &one, Some(as_f64), Equal::Bytes).kind,
            Pass
        );
        assert_eq!(
            encode(&Doubles { widens: true }, &one, Some(as_f32), Equal::Bytes).kind,
            WrongValue
        );
    }
}
