//! The `Codec` trait and what it speaks: [`Format`], [`CodecError`] and its
//! [`ErrorKind`]. An implementation of a format, seen through [`Value`], is
//! everything the checks need.

use crate::caps::Caps;
use crate::value::Value;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

/// A serialization format. Implementations of the same format are compared
/// byte for byte by the differential check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// MessagePack.
    MsgPack,
    /// CBOR (RFC 8949).
    Cbor,
    /// JSON (RFC 8259), the text baseline.
    Json,
    /// Python's pickle, protocols 0-5.
    Pickle,
    /// Protocol Buffers.
    Protobuf,
    /// Python `struct` records: schema-driven, no self-describing bytes.
    Struct,
}

impl Format {
    /// Every format, in the order runs and reports list them.
    pub const ALL: [Format; 6] = [
        Format::MsgPack,
        Format::Cbor,
        Format::Json,
        Format::Pickle,
        Format::Protobuf,
        Format::Struct,
    ];

    /// The name used in ids, paths and flags (`msgpack`, `cbor`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Format::MsgPack => "msgpack",
            Format::Cbor => "cbor",
            Format::Json => "json",
            Format::Pickle => "pickle",
            Format::Protobuf => "protobuf",
            Format::Struct => "struct",
        }
    }

    /// A schema-driven format: its bytes mean nothing without a schema (a
    /// `struct` layout), so it has no corpus bytes, and two codecs of it are
    /// implementations of one thing only when bound to the same schema.
    pub fn has_schema(self) -> bool {
        self == Format::Struct
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Format::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| {
                let names: Vec<_> = Format::ALL.iter().map(|f| f.name()).collect();
                format!("unknown format {s:?}; expected one of {}", names.join(", "))
            })
    }
}

/// Why a codec refused to encode or decode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The bytes are not valid in the format (includes truncation).
    Syntax,
    /// Valid bytes, but the implementation's data model cannot hold them.
    Unsupported,
    /// The implementation *accepted* the bytes, but what it read cannot be
    /// carried back as a [`crate::Value`] (text holding a lone surrogate,
    /// read from CESU-8 bytes; a testee's value its protocol cannot encode):
    /// an accept whose value cannot be compared. A must-reject input that
    /// gets this answer was wrongly accepted.
    Unrepresentable,
    /// A resource limit (depth, size) was reached.
    Limit,
    /// Encoding failed.
    Encode,
    /// The implementation itself failed rather than answered: an external
    /// process that died (crash, abort, stack overflow) on this input.
    Crashed,
    /// The implementation did not answer within its time bound.
    Timeout,
    /// The implementation ran out of memory (or hit its memory limit).
    OutOfMemory,
}

impl ErrorKind {
    /// True for the kinds that are failures of the implementation, not a
    /// refusal of the input: the checks treat them like a panic.
    pub fn is_failure(self) -> bool {
        matches!(
            self,
            ErrorKind::Crashed | ErrorKind::Timeout | ErrorKind::OutOfMemory
        )
    }

    /// True when the input was accepted, though no value came back
    /// ([`ErrorKind::Unrepresentable`]): the checks count it as an accept.
    pub fn is_accept(self) -> bool {
        self == ErrorKind::Unrepresentable
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
/// Why a codec refused to encode or decode: its kind, which the checks
/// judge, and the library's message, which they only show.
pub struct CodecError {
    /// What kind of refusal (or breakdown) this is.
    pub kind: ErrorKind,
    /// The library's own words.
    pub message: String,
}

impl CodecError {
    /// The bytes are not valid in the format.
    pub fn syntax(m: impl fmt::Display) -> Self {
        CodecError {
            kind: ErrorKind::Syntax,
            message: m.to_string(),
        }
    }
    /// Valid, but outside the implementation's data model.
    pub fn unsupported(m: impl fmt::Display) -> Self {
        CodecError {
            kind: ErrorKind::Unsupported,
            message: m.to_string(),
        }
    }
    /// Accepted, but the value read cannot be a `Value`
    /// ([`ErrorKind::Unrepresentable`]).
    pub fn unrepresentable(m: impl fmt::Display) -> Self {
        CodecError {
            kind: ErrorKind::Unrepresentable,
            message: m.to_string(),
        }
    }
    /// A resource limit (depth, size) was reached.
    pub fn limit(m: impl fmt::Display) -> Self {
        CodecError {
            kind: ErrorKind::Limit,
            message: m.to_string(),
        }
    }
    /// Encoding failed.
    pub fn encode(m: impl fmt::Display) -> Self {
        CodecError {
            kind: ErrorKind::Encode,
            message: m.to_string(),
        }
    }
    /// An error of any kind; for the breakdown kinds an external
    /// implementation reports ([`ErrorKind::is_failure`]).
    pub fn failure(kind: ErrorKind, m: impl fmt::Display) -> Self {
        CodecError {
            kind,
            message: m.to_string(),
        }
    }
}

impl fmt::Display for CodecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {}", self.kind, self.message)
    }
}

impl std::error::Error for CodecError {}

/// An implementation of a format, seen through `Value`.
///
/// `encode` is called with values `unsupported(..)` lets through (and, by
/// conformance cases that expect a refusal, with values it does not); `decode`
/// is called with any bytes, and must return an error (never panic) on bytes
/// that are not a single complete value of the format.
pub trait Codec: Send + Sync {
    /// `"<format>/<implementation>"`, e.g. `"msgpack/rmp-serde"`.
    fn id(&self) -> &str;
    /// The format it reads and writes.
    fn format(&self) -> Format;
    /// What its data model holds (see [`Caps`]): the checks skip what it
    /// cannot hold and compare values in its normal form.
    fn caps(&self) -> Caps;
    /// Writes `v`.
    fn encode(&self, v: &Value) -> Result<Vec<u8>, CodecError>;
    /// Reads exactly one complete value from `b`.
    fn decode(&self, b: &[u8]) -> Result<Value, CodecError>;

    /// Why the codec cannot encode `v`, or `None` when it can: a skip, never
    /// a finding. Capabilities answer for most codecs; a schema-driven codec
    /// (a `struct` layout) also checks the value's shape against its schema.
    fn unsupported(&self, v: &Value) -> Option<String> {
        self.caps().unsupported(v)
    }

    /// The codec bound to a schema (a `struct` format string, a protobuf
    /// message name), for schema-driven formats and conformance cases that
    /// name one. Codecs with a single fixed data model refuse.
    fn for_schema(&self, schema: &str) -> Result<CodecRef, CodecError> {
        Err(CodecError::unsupported(format!(
            "{} takes no schema (asked for {schema:?})",
            self.id()
        )))
    }

    /// The schema this codec's bytes are bound to, when its format's bytes
    /// mean one thing only under a schema the user chose (a protobuf message
    /// of their `.proto` file): two codecs are implementations of one thing
    /// only when format and schema agree. `None` for a codec with one fixed
    /// data model.
    fn schema(&self) -> Option<&str> {
        None
    }

    /// Flags a reproduce command needs, beyond the codec's id, to make the
    /// codec again (`--proto-path DIR` for the imports of a `.proto`
    /// message's file). Empty for most codecs.
    fn repro_args(&self) -> Vec<String> {
        Vec::new()
    }

    /// What this implementation keeps of `v` when it reads bytes holding
    /// it, where that is less than its caps say: prost's generated code
    /// drops a message's unknown fields. `None` when it keeps all of `v`.
    /// The differential compares implementations in what every one keeps.
    fn keeps(&self, v: &Value) -> Option<Value> {
        let _ = v;
        None
    }

    /// `n` values of the codec's schema, drawn from `seed`, for a schema no
    /// corpus knows: the inputs a run gives a schema-bound codec. Empty for
    /// codecs without one.
    fn samples(&self, seed: u64, n: usize) -> Vec<Value> {
        let _ = (seed, n);
        Vec::new()
    }

    /// The command of the process that serves this codec, for a codec of a
    /// testee (another process speaking conformance/PROTOCOL.md); a
    /// reproduce command must start that process again to reach it.
    fn testee(&self) -> Option<&str> {
        None
    }

    /// How this codec lays out many values in one file, or `None` when it
    /// cannot read records from a stream ([`crate::stream`]).
    fn framing(&self) -> Option<crate::stream::Framing> {
        None
    }

    /// Reads the next record from `r`, which holds at least one byte, through
    /// the library's own reader API: exactly the record's bytes, framing
    /// included, leaving `r` at the start of the next one. Bytes may arrive
    /// in pieces of any size, and a read may fail with `Interrupted`; an end
    /// of input inside the record is an error. Called only when
    /// [`Codec::framing`] is `Some`; [`crate::stream::Records`] walks a
    /// whole stream with it.
    fn read_record(&self, r: &mut dyn std::io::BufRead) -> Result<Value, CodecError> {
        let _ = r;
        Err(CodecError::unsupported(format!(
            "{} reads no record streams",
            self.id()
        )))
    }

    /// Every record of a whole stream, read from `from`: by default
    /// [`crate::stream::Records`] over [`Codec::read_record`]
    /// ([`crate::stream::read_source`]). A codec served by another process
    /// (a testee) sends the pieces, or the file's path, to its own reader.
    /// `Err` only for a breakdown of the implementation.
    fn read_stream(
        &self,
        from: &crate::stream::Source,
    ) -> Result<crate::stream::Reading, CodecError> {
        crate::stream::read_source(self, from)
    }
}

/// A shared codec, as registries and runs hold them.
pub type CodecRef = Arc<dyn Codec>;

/// The error an adapter's `encode` returns for a value outside its caps
/// (rather than letting the library write something else): a depth limit
/// when too deep, else unsupported, with the reason naming the node.
pub fn refuse_unsupported(caps: &Caps, v: &Value) -> Result<(), CodecError> {
    match caps.unsupported(v) {
        None => Ok(()),
        Some(why) if v.depth() > caps.max_depth => Err(CodecError::limit(why)),
        Some(why) => Err(CodecError::unsupported(why)),
    }
}
