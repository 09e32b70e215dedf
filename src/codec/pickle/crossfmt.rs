//! `pickle/crossfmt`: the project's own pickle codec — the [`machine`]
//! (never imports or calls) and [`to_value`] for reading, the CPython-exact
//! [`encoder`] for writing.
//!
//! Writes protocol 4 (CPython 3.11's default) unless bound to another with
//! `for_schema("0"..="5")`; reads every protocol. Decoding mirrors
//! `pickle.loads` with two exceptions, both refusals: bytes after `STOP`
//! (CPython ignores them; a codec answers for one complete value), and
//! anything [`to_value`]'s policy does not accept as data.

use super::{encoder, machine, to_value};
use crate::caps::{Caps, CollectionRepr, Duplicates, FloatRepr, IntRange, MapKeys};
use crate::codec::{Codec, CodecError, CodecRef, Format};
use crate::value::{FloatWidth, Value};
use std::sync::Arc;

/// Deepest value written and read: CPython's default recursion limit.
pub const MAX_DEPTH: usize = 1000;

const LIMITS: to_value::Limits = to_value::Limits {
    max_depth: MAX_DEPTH,
    extra_nodes: 1 << 20,
};

/// `pickle/crossfmt`, writing `protocol`.
#[derive(Clone, Copy, Debug)]
pub struct PickleCrossfmt {
    pub protocol: u8,
}

impl Default for PickleCrossfmt {
    fn default() -> Self {
        PickleCrossfmt { protocol: 4 }
    }
}

impl PickleCrossfmt {
    pub const CAPS: Caps = Caps {
        null: true,
        bool: true,
        ints: IntRange::UNBOUNDED,
        f16: FloatRepr::As(FloatWidth::F64),
        f32: FloatRepr::As(FloatWidth::F64),
        f64: FloatRepr::As(FloatWidth::F64),
        nan: true,
        nan_payload: true,
        infinity: true,
        text: true,
        bytes: true,
        array: true,
        map: true,
        map_keys: MapKeys::Hashable,
        map_order: true,
        duplicates: Duplicates::LastWins,
        tuple: CollectionRepr::Native,
        set: CollectionRepr::Native,
        frozenset: CollectionRepr::Native,
        // Read back in `Value` order: a Python set has no order of its own.
        set_order: false,
        max_depth: MAX_DEPTH,
        ..Caps::NONE
    };
}

/// The machine's error as a codec error: buffers and persistent ids are
/// unsupported, everything else is a bad pickle.
pub fn codec_error(e: machine::MachineError) -> CodecError {
    match e.kind {
        machine::ErrorKind::Unsupported => CodecError::unsupported(e),
        _ => CodecError::syntax(e),
    }
}

impl Codec for PickleCrossfmt {
    fn id(&self) -> &str {
        "pickle/crossfmt"
    }

    fn format(&self) -> Format {
        Format::Pickle
    }

    fn caps(&self) -> Caps {
        PickleCrossfmt::CAPS
    }

    fn encode(&self, v: &Value) -> Result<Vec<u8>, CodecError> {
        crate::codec::refuse_unsupported(&PickleCrossfmt::CAPS, v)?;
        encoder::encode(v, self.protocol)
    }

    fn decode(&self, b: &[u8]) -> Result<Value, CodecError> {
        let pv = machine::run(b).map_err(codec_error)?;
        if pv.end < b.len() {
            return Err(CodecError::syntax(format!(
                "offset {}: {} bytes after STOP",
                pv.end,
                b.len() - pv.end
            )));
        }
        to_value::to_value(&pv, b.len(), LIMITS)
    }

    fn for_schema(&self, schema: &str) -> Result<CodecRef, CodecError> {
        match schema.parse::<u8>() {
            Ok(p) if p <= 5 => Ok(Arc::new(PickleCrossfmt { protocol: p })),
            _ => Err(CodecError::unsupported(format!(
                "pickle/crossfmt: schema {schema:?} is not a protocol number 0 to 5"
            ))),
        }
    }
}
