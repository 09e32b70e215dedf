//! `pickle/crossfmt`: the project's own pickle codec — the pickle machine
//! of [`crossfmt_pickle`] (never imports or calls) for reading
//! ([`crossfmt_pickle::loads`]), its CPython-exact encoder for writing
//! ([`crossfmt_pickle::dumps`]).
//!
//! Writes protocol 4 (CPython 3.11's default) unless bound to another with
//! `for_schema("0"..="5")`; reads every protocol. Decoding mirrors
//! `pickle.loads` with two exceptions, both refusals: bytes after `STOP`
//! (CPython ignores them; a codec answers for one complete value), and
//! anything [`crossfmt_pickle::to_value`]'s policy does not accept as data.

use super::SerdePickle;
use crossfmt_value::caps::Caps;
use crossfmt_value::stream::Framing;
use crossfmt_value::value::Value;
use crossfmt_value::{Codec, CodecError, CodecRef, Format};
use std::io::BufRead;
use std::sync::Arc;

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
    /// serde-pickle's data model, plus dict order (the machine keeps it)
    /// and CPython's depth.
    pub const CAPS: Caps = Caps {
        map_order: true,
        // Read back in `Value` order: a Python set has no order of its own.
        set_order: false,
        max_depth: crossfmt_pickle::MAX_DEPTH,
        ..SerdePickle::CAPS
    };
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
        crossfmt_value::refuse_unsupported(&PickleCrossfmt::CAPS, v)?;
        crossfmt_pickle::dumps(v, self.protocol)
    }

    fn decode(&self, b: &[u8]) -> Result<Value, CodecError> {
        crossfmt_pickle::loads(b)
    }

    fn framing(&self) -> Option<Framing> {
        Some(Framing::Concatenated)
    }

    /// `pickle.load` on a file of appended pickles: exactly one pickle's
    /// opcodes from the stream, then the machine on them.
    fn read_record(&self, r: &mut dyn BufRead) -> Result<Value, CodecError> {
        crossfmt_pickle::loads(&crossfmt_pickle::read::read_pickle(r)?)
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
