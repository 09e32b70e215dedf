//! The oracles, and the one registry that declares them.
//!
//! Every check is a plain function that returns a [`Verdict`] or a
//! [`Finding`], declared once in [`CHECKS`] with its name, what it takes
//! ([`InputKind`]) and how many codecs ([`Arity`]). The corpus run
//! ([`crate::run`]), the `crossfmt check` command, the fuzz targets
//! ([`crate::fuzz`]), [`crate::testing::check_codec`] and the property tests
//! find a check here by name or iterate over the table; none of them names
//! a check function itself. The conformance oracle ([`conformance`]) judges
//! a case rather than an input and is driven by the conformance runner.

pub mod conformance;
pub mod cross_format;
pub mod differential;
pub mod pickle_scan;
pub mod roundtrip;
pub mod stream;
pub mod stress;
pub mod struct_layout;

use crate::{Codec, CodecRef, Format};
use std::collections::BTreeMap;

pub use crate::finding::{Finding, Input, Kind};
pub use crate::guard::{contain, decode, encode, Outcome};

/// A check that found nothing wrong either passed or could not apply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The check held.
    Pass,
    /// The check does not apply (a value outside a codec's capabilities);
    /// counted apart from passes.
    Skip(String),
}

/// What a check returns: a verdict, or the finding.
pub type CheckResult = Result<Verdict, Box<Finding>>;

/// What a check takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputKind {
    /// A [`crate::Value`].
    Value,
    /// Bytes of the codecs' format (for an engine check, of the format it
    /// reads).
    Bytes,
    /// A stress probe ([`crate::probe`]): a value each codec builds from
    /// its own caps, named rather than stored.
    Probe,
}

/// How many codecs a check takes, and which.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arity {
    /// One codec, on its own.
    One,
    /// Two codecs, of any formats: every pair of a set; on bytes, every
    /// ordered pair (the first reads the bytes, so each order is its own
    /// application).
    Pair,
    /// Two implementations of one format, compared: every pair of the same
    /// format in a set. A disagreement is judged and recorded per pair, so
    /// that adding an implementation (a testee's) adds pairs and never
    /// changes what is known about the others.
    SameFormatPair,
    /// No codec: one of crossfmt's own engines (the struct layout parser,
    /// the pickle scanner) on any input.
    Engine,
}

/// The declaration of one check.
#[derive(Clone, Copy)]
pub struct Check {
    /// As findings, `crossfmt run --check` and known-findings entries spell it.
    pub name: &'static str,
    /// One line for `--help` and reports.
    pub about: &'static str,
    /// What it takes.
    pub input: InputKind,
    /// How many codecs, and which.
    pub arity: Arity,
    /// For an engine check: the format of the bytes it reads.
    pub format: Option<Format>,
    /// Part of `crossfmt run` and `testing::check_codec` unless the caller
    /// picks checks.
    pub default: bool,
    /// Its fuzz target's name ([`crate::fuzz`]): for a one-codec bytes
    /// check a prefix to the codec (`decode_msgpack_rmpv`), for a
    /// same-format bytes check a prefix to the format (`differential_msgpack`,
    /// every pair of the format's implementations), else the
    /// whole name. `None`: no fuzz target (the check needs a reference
    /// process or a schema).
    pub target: Option<&'static str>,
    /// The function: `codecs` has the arity's count (none for an engine
    /// check), bound to a schema by the caller where one applies.
    pub run: fn(codecs: &[&dyn Codec], input: &Input) -> CheckResult,
}

impl std::fmt::Debug for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Check")
            .field("name", &self.name)
            .field("input", &self.input)
            .field("arity", &self.arity)
            .finish()
    }
}

/// Value first: `decode(encode(v))` is the codec's normal form of `v`.
pub const ROUNDTRIP: &str = "roundtrip";
/// Bytes first: accepted bytes decode to a value that re-encodes to a fixed point.
pub const ROUNDTRIP_BYTES: &str = "roundtrip-bytes";
/// Two codecs on one value, and transcoding between them.
pub const CROSS_FORMAT: &str = "cross_format";
/// What one codec decodes from bytes, through another.
pub const TRANSCODE: &str = "transcode";
/// Every implementation of a format on the same bytes.
pub const DIFFERENTIAL: &str = "differential";
/// An encoder byte-identical to a reference.
pub const SAME_ENCODING: &str = "same-encoding";
/// A schema-bound engine and reference encode alike.
pub const SCHEMA_ENCODE: &str = "schema-encode";
/// A schema-bound engine and reference decode alike.
pub const SCHEMA_DECODE: &str = "schema-decode";
/// The struct format parser and its layouts.
pub const STRUCT_LAYOUT: &str = "struct-layout";
/// The struct engine unpacking any bytes under any format.
pub const STRUCT_UNPACK: &str = "struct-unpack";
/// The pickle scanner's work bound.
pub const PICKLE_SCAN: &str = "pickle-scan";
/// Bytes in pieces read as they read whole.
pub const CHUNKED: &str = "chunked";
/// Records written to a file read back as written.
pub const RECORDS: &str = "records";
/// A stream cut short reads as its complete records, then an error.
pub const TRUNCATION: &str = "truncation";
/// Deep, wide and long values at and past a codec's declared limits.
pub const STRESS: &str = "stress";

/// Every check, in the order runs and reports list them.
pub static CHECKS: [Check; 15] = [
    Check {
        name: ROUNDTRIP,
        about: "decode(encode(v)) is the codec's normal form of v",
        input: InputKind::Value,
        arity: Arity::One,
        format: None,
        default: true,
        target: Some("roundtrip_value"),
        run: |c, i| with_value(i, |v| roundtrip::value_first(c[0], v)),
    },
    Check {
        name: ROUNDTRIP_BYTES,
        about: "bytes the codec accepts decode to a value it can hold, re-encode, and reach a fixed point",
        input: InputKind::Bytes,
        arity: Arity::One,
        format: None,
        default: true,
        target: Some("decode_"),
        run: |c, i| with_bytes(i, |b| roundtrip::bytes_first(c[0], b)),
    },
    Check {
        name: CROSS_FORMAT,
        about: "two codecs give back the same value in what both hold, and transcoding keeps it",
        input: InputKind::Value,
        arity: Arity::Pair,
        format: None,
        default: true,
        target: Some("cross_format"),
        run: |c, i| with_value(i, |v| cross_format::pair(c[0], c[1], v)),
    },
    Check {
        name: TRANSCODE,
        about: "what the first codec decodes from bytes of its format, the second writes and reads back as it declares",
        input: InputKind::Bytes,
        arity: Arity::Pair,
        format: None,
        default: true,
        target: None,
        run: |c, i| with_bytes(i, |b| cross_format::from_bytes(c[0], c[1], b)),
    },
    Check {
        name: CHUNKED,
        about: "bytes delivered in pieces (a byte at a time, interrupted, split anywhere) read as the same records as read whole, and one value as decode reads it",
        input: InputKind::Bytes,
        arity: Arity::One,
        format: None,
        default: true,
        target: Some("chunked_"),
        run: |c, i| with_bytes(i, |b| stream::chunked(c[0], b)),
    },
    Check {
        name: RECORDS,
        about: "values written one after another to a file read back as written, at the offsets written",
        input: InputKind::Value,
        arity: Arity::One,
        format: None,
        default: true,
        target: None,
        run: |c, i| with_value(i, |v| stream::records(c[0], v)),
    },
    Check {
        name: TRUNCATION,
        about: "a record stream cut at any offset reads as its complete records, then an error at the cut record's offset",
        input: InputKind::Value,
        arity: Arity::One,
        format: None,
        default: true,
        target: None,
        run: |c, i| with_value(i, |v| stream::truncation(c[0], v)),
    },
    Check {
        name: STRESS,
        about: "values nested, wide and long at and past the codec's declared limits: within them a round trip, past them any answer but a breakdown",
        input: InputKind::Probe,
        arity: Arity::One,
        format: None,
        default: true,
        target: None,
        run: |c, i| match i {
            Input::Probe(p) => stress::probe(c[0], *p),
            _ => Ok(Verdict::Skip("this check takes a probe".into())),
        },
    },
    Check {
        name: DIFFERENTIAL,
        about: "two implementations of a format both reject the bytes, or both accept with equal values",
        input: InputKind::Bytes,
        arity: Arity::SameFormatPair,
        format: None,
        default: true,
        target: Some("differential_"),
        run: |c, i| with_bytes(i, |b| differential::same_bytes(c, b)),
    },
    Check {
        name: SAME_ENCODING,
        about: "an encoder that promises a reference's bytes writes them (or both refuse)",
        input: InputKind::Value,
        arity: Arity::SameFormatPair,
        format: None,
        default: false,
        target: None,
        run: |c, i| with_value(i, |v| differential::same_encoding(c[0], c[1], v)),
    },
    Check {
        name: SCHEMA_ENCODE,
        about: "an engine and a reference bound to one schema write the same bytes, or both refuse",
        input: InputKind::Value,
        arity: Arity::SameFormatPair,
        format: None,
        default: false,
        target: None,
        run: |c, i| with_value(i, |v| differential::schema_encode(c[0], c[1], v)),
    },
    Check {
        name: SCHEMA_DECODE,
        about: "an engine and a reference bound to one schema read the same values, or both refuse",
        input: InputKind::Bytes,
        arity: Arity::SameFormatPair,
        format: None,
        default: false,
        target: None,
        run: |c, i| with_bytes(i, |b| differential::schema_decode(c[0], c[1], b)),
    },
    Check {
        name: STRUCT_LAYOUT,
        about: "a struct format string parses or fails cleanly, into a consistent layout",
        input: InputKind::Bytes,
        arity: Arity::Engine,
        format: Some(Format::Struct),
        default: false,
        target: Some("struct_format"),
        run: |_, i| with_bytes(i, |b| struct_layout::layout_consistent(&String::from_utf8_lossy(b))),
    },
    Check {
        name: STRUCT_UNPACK,
        about: "`format NUL bytes` unpacks or fails without allocating beyond the input, and reaches a fixed point",
        input: InputKind::Bytes,
        arity: Arity::Engine,
        format: Some(Format::Struct),
        default: false,
        target: Some("struct_unpack"),
        run: |_, i| with_bytes(i, struct_layout::unpack_input),
    },
    Check {
        name: PICKLE_SCAN,
        about: "the pickle scanner returns on any bytes within a work bound set by the input",
        input: InputKind::Bytes,
        arity: Arity::Engine,
        format: Some(Format::Pickle),
        default: false,
        target: Some("pickle_scan"),
        run: |_, i| with_bytes(i, pickle_scan::bounded),
    },
];

/// The check called `name`.
pub fn get(name: &str) -> Option<&'static Check> {
    CHECKS.iter().find(|c| c.name == name)
}

/// The names of every check, for messages.
pub fn names() -> Vec<&'static str> {
    CHECKS.iter().map(|c| c.name).collect()
}

/// The checks `crossfmt run` and `check_codec` run unless told otherwise.
pub fn defaults() -> Vec<&'static Check> {
    CHECKS.iter().filter(|c| c.default).collect()
}

/// The checks called `names` (every default one when empty), or which name
/// is unknown.
pub fn select(names: &[String]) -> Result<Vec<&'static Check>, String> {
    if names.is_empty() {
        return Ok(defaults());
    }
    names
        .iter()
        .map(|n| {
            get(n).ok_or_else(|| {
                format!(
                    "unknown check {n:?}; expected one of {}",
                    self::names().join(", ")
                )
            })
        })
        .collect()
}

/// Why `finding` is no finding on an input the corpus describes as
/// `expect`, if it is not: on an `either` input (implementation-defined:
/// a duplicate key, an out-of-range timestamp) implementations may differ
/// in accepting it and in what they make of it, so a disagreement between
/// two of them is a skip; a crash, hang or runaway allocation still counts.
pub fn allowed_by(expect: crate::corpus::Expect, finding: &Finding) -> Option<String> {
    let disagreement = matches!(finding.kind, Kind::AcceptReject | Kind::ValuesDiffer);
    (expect == crate::corpus::Expect::Either && finding.check == DIFFERENTIAL && disagreement).then(
        || {
            format!(
                "implementation-defined input (MANIFEST.tsv: either): {} {}",
                finding.codecs.join(" and "),
                match finding.kind {
                    Kind::AcceptReject => "differ in accepting it",
                    _ => "read it differently",
                }
            )
        },
    )
}

fn with_value(i: &Input, f: impl FnOnce(&crate::Value) -> CheckResult) -> CheckResult {
    match i {
        Input::Value(v) => f(v),
        _ => Ok(Verdict::Skip("this check takes a value".into())),
    }
}

fn with_bytes(i: &Input, f: impl FnOnce(&[u8]) -> CheckResult) -> CheckResult {
    match i {
        Input::Bytes { bytes, .. } => f(bytes),
        _ => Ok(Verdict::Skip("this check takes bytes".into())),
    }
}

impl Check {
    /// How many codecs one application takes: `(at least, at most)`.
    pub fn codec_count(&self) -> (usize, usize) {
        match self.arity {
            Arity::One => (1, 1),
            Arity::Pair | Arity::SameFormatPair => (2, 2),
            Arity::Engine => (0, 0),
        }
    }

    /// Whether `codecs` is one application of this check, or why not.
    pub fn accepts(&self, codecs: &[&dyn Codec]) -> Result<(), String> {
        let (lo, hi) = self.codec_count();
        let n = codecs.len();
        if n < lo || n > hi {
            let want = match self.arity {
                Arity::One => "exactly one codec".to_string(),
                Arity::Pair | Arity::SameFormatPair => "exactly two codecs".to_string(),
                Arity::Engine => "no codec (it tests crossfmt's own engine)".to_string(),
            };
            return Err(format!("{} takes {want}, got {n}", self.name));
        }
        let same_format = self.arity == Arity::SameFormatPair;
        if same_format && codecs.iter().any(|c| c.format() != codecs[0].format()) {
            return Err(format!(
                "{} compares implementations of one format",
                self.name
            ));
        }
        Ok(())
    }

    /// Every application of this check over `codecs`, in order: each codec
    /// (one), each pair (pair), each pair of one format (same-format pair),
    /// or one application with no codec (engine). Schema-driven codecs (a
    /// `struct` layout) hold different schemas, so they never form a
    /// format group or a same-format pair.
    pub fn applications<'a>(&self, codecs: &'a [CodecRef]) -> Vec<Vec<&'a CodecRef>> {
        match self.arity {
            Arity::One => codecs.iter().map(|c| vec![c]).collect(),
            Arity::Pair if self.input == InputKind::Bytes => {
                let one_model: Vec<&CodecRef> =
                    codecs.iter().filter(|c| !c.format().has_schema()).collect();
                let mut out = Vec::new();
                for a in &one_model {
                    for b in &one_model {
                        if a.id() != b.id() {
                            out.push(vec![*a, *b]);
                        }
                    }
                }
                out
            }
            Arity::Pair => pairs(codecs.iter().collect()),
            Arity::SameFormatPair => implementations(codecs)
                .into_values()
                .flat_map(pairs)
                .collect(),
            Arity::Engine => vec![Vec::new()],
        }
    }

    /// Runs the check on one application; the codecs must be one
    /// ([`Check::accepts`]).
    pub fn run(&self, codecs: &[&dyn Codec], input: &Input) -> CheckResult {
        (self.run)(codecs, input)
    }
}

fn pairs<T: Copy>(xs: Vec<T>) -> Vec<Vec<T>> {
    let mut out = Vec::new();
    for (i, a) in xs.iter().enumerate() {
        for b in &xs[i + 1..] {
            out.push(vec![*a, *b]);
        }
    }
    out
}

/// The codecs grouped by what they implement: a format, and the schema a
/// codec's bytes are bound to ([`Codec::schema`]), so that implementations
/// of two different `.proto` messages never form a pair. Schema-driven
/// formats (a `struct` layout per codec) form no group.
pub fn implementations(codecs: &[CodecRef]) -> BTreeMap<(Format, Option<String>), Vec<&CodecRef>> {
    let mut m: BTreeMap<(Format, Option<String>), Vec<&CodecRef>> = BTreeMap::new();
    for c in codecs.iter().filter(|c| !c.format().has_schema()) {
        m.entry((c.format(), c.schema().map(str::to_string)))
            .or_default()
            .push(c);
    }
    m
}

/// `codecs` each bound to `schema` ([`Codec::for_schema`]), for the
/// schema-bound checks and `crossfmt check --schema`.
pub fn bind(codecs: &[CodecRef], schema: &str) -> Result<Vec<CodecRef>, String> {
    codecs
        .iter()
        .map(|c| c.for_schema(schema).map_err(|e| format!("{}: {e}", c.id())))
        .collect()
}

/// Runs `check` on `codecs` bound to `schema`, and records the schema in
/// a finding so that its repro command binds them again. The finding names
/// the codecs as the caller did: a codec whose id spells its schema once
/// bound (the struct engine, `pystruct:<format>`) is signed by its unbound
/// id, so one disagreement over many schemas is one signature.
pub fn run_bound(
    check: &Check,
    codecs: &[CodecRef],
    schema: &str,
    input: &Input,
) -> Result<CheckResult, String> {
    let bound = bind(codecs, schema)?;
    let refs: Vec<&dyn Codec> = bound.iter().map(|c| c.as_ref()).collect();
    check.accepts(&refs)?;
    Ok(check.run(&refs, input).map_err(|f| {
        let mut f = codecs
            .iter()
            .zip(&bound)
            .fold(*f, |f, (c, b)| f.renamed(b.id(), c.id()));
        f.schema = Some(schema.to_string());
        Box::new(f)
    }))
}
