//! One benchmark row: a codec on a path over a dataset's messages. A row
//! proves its round trip ([`Row::check`]) before anything times it, and its
//! timed passes do exactly what the README's timing contract says.

use crate::datasets::{Data, Dataset};
use crate::records::Path;
use crate::typed::{Record, TypedCodec};
use crossfmt::check::{roundtrip, Verdict};
use crossfmt::Value;
use crossfmt::{CodecRef, Registry};
use std::hint::black_box;

/// Why a row is not timed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowError {
    /// The codec's declared model cannot hold a message (a skip of the round
    /// trip): nothing to time, and nothing wrong.
    Unsupported(String),
    /// The round trip failed: the run is not one to publish.
    Failed(String),
}

/// One benchmark row.
pub trait Row {
    /// The codec id (or the typed codec's name).
    fn codec(&self) -> &str;
    /// Typed or dynamic.
    fn path(&self) -> Path;
    /// Encodes every message and asserts it decodes back (typed: to an equal
    /// struct; dynamic: `check::roundtrip::value_first` passes). The
    /// encodings, one per message.
    fn check(&self) -> Result<Vec<Vec<u8>>, RowError>;
    /// One timed pass: encode every message. `scratch` is the reused output
    /// buffer where the codec's API takes one (the typed path).
    fn encode_pass(&self, scratch: &mut Vec<u8>);
    /// One timed pass: decode every encoding, dropping each value.
    fn decode_pass(&self, encoded: &[Vec<u8>]);
    /// The codec, when this row's codec reads record streams
    /// ([`crossfmt::Codec::framing`]): its `stream` timing reads the
    /// messages back from one record file.
    fn streams(&self) -> Option<&CodecRef> {
        None
    }
}

/// Every row of a dataset: with `typed`, the typed path of each
/// [`TypedCodec`] (when the set has one), then the dynamic path of each
/// codec of `registry` that is not schema-driven.
pub fn rows<'a>(ds: &'a Dataset, registry: &Registry, typed: bool) -> Vec<Box<dyn Row + 'a>> {
    let mut out: Vec<Box<dyn Row + 'a>> = Vec::new();
    let typed_codecs: &[TypedCodec] = if typed { &TypedCodec::ALL } else { &[] };
    for &codec in typed_codecs {
        match &ds.data {
            Data::Logs(m) => out.push(Box::new(Typed { codec, msg: m })),
            Data::Mesh(m) => out.push(Box::new(Typed { codec, msg: m })),
            Data::SaveGame(m) => out.push(Box::new(Typed { codec, msg: m })),
            Data::Numbers(m) => out.push(Box::new(Typed { codec, msg: m })),
            Data::Small(_) => {}
        }
    }
    // A schema-driven codec (a `struct` layout) holds only records of its
    // own layout, never a dataset's messages.
    for codec in registry.all().iter().filter(|c| !c.format().has_schema()) {
        out.push(Box::new(Dynamic {
            codec: codec.clone(),
            messages: &ds.messages,
        }));
    }
    out
}

struct Typed<'a, T> {
    codec: TypedCodec,
    msg: &'a T,
}

impl<T: Record> Row for Typed<'_, T> {
    fn codec(&self) -> &str {
        self.codec.id()
    }
    fn path(&self) -> Path {
        Path::Typed
    }
    fn check(&self) -> Result<Vec<Vec<u8>>, RowError> {
        Ok(vec![self
            .codec
            .roundtrip(self.msg)
            .map_err(RowError::Failed)?])
    }
    fn encode_pass(&self, scratch: &mut Vec<u8>) {
        // Checked by `check` before any timing.
        let _ = self.codec.encode_into(black_box(self.msg), scratch);
        black_box(&scratch);
    }
    fn decode_pass(&self, encoded: &[Vec<u8>]) {
        for b in encoded {
            let _ = black_box(self.codec.decode::<T>(black_box(b)));
        }
    }
}

struct Dynamic<'a> {
    codec: CodecRef,
    messages: &'a [Value],
}

impl Row for Dynamic<'_> {
    fn codec(&self) -> &str {
        self.codec.id()
    }
    fn path(&self) -> Path {
        Path::Dynamic
    }
    fn check(&self) -> Result<Vec<Vec<u8>>, RowError> {
        let codec = &*self.codec;
        let mut out = Vec::with_capacity(self.messages.len());
        for (i, v) in self.messages.iter().enumerate() {
            match roundtrip::value_first(codec, v) {
                Ok(Verdict::Pass) => {}
                Ok(Verdict::Skip(why)) => {
                    return Err(RowError::Unsupported(format!("message {i}: {why}")))
                }
                Err(f) => return Err(RowError::Failed(format!("message {i}: {}", f.headline()))),
            }
            out.push(
                codec
                    .encode(v)
                    .map_err(|e| RowError::Failed(format!("message {i}: {e}")))?,
            );
        }
        Ok(out)
    }
    fn encode_pass(&self, _scratch: &mut Vec<u8>) {
        for v in self.messages {
            let _ = black_box(self.codec.encode(black_box(v)));
        }
    }
    fn decode_pass(&self, encoded: &[Vec<u8>]) {
        for b in encoded {
            let _ = black_box(self.codec.decode(black_box(b)));
        }
    }
    fn streams(&self) -> Option<&CodecRef> {
        self.codec.framing().map(|_| &self.codec)
    }
}
