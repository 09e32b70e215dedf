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
/// [`TypedCodec`] (when the set has one) and prost-reflect's
/// `DynamicMessage` of the same schema, then the dynamic path of each codec
/// of `registry` that is not schema-driven.
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
    if typed {
        let reflect = match &ds.data {
            Data::Logs(m) => Reflect::new("crossfmt.bench.Logs", m),
            Data::Mesh(m) => Reflect::new("crossfmt.bench.Mesh", m),
            Data::SaveGame(m) => Reflect::new("crossfmt.bench.SaveGame", m),
            Data::Numbers(m) => Reflect::new("crossfmt.bench.Numbers", m),
            Data::Small(_) => None,
        };
        out.extend(reflect.map(|r| Box::new(r) as Box<dyn Row>));
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

/// prost-reflect's own API over a dataset's message: a `DynamicMessage` of
/// the schema's descriptor, built once (as a dynamic user holds one), then
/// encoded and decoded like the typed structs. Its round trip is checked
/// against prost's struct: the bytes it writes decode to the same message.
struct Reflect {
    /// The message, and whether prost reads back what it writes as the
    /// struct it came from.
    message: Result<prost_reflect::DynamicMessage, String>,
}

impl Reflect {
    fn new<T: Record>(name: &str, typed: &T) -> Option<Reflect> {
        let pool = prost_reflect::DescriptorPool::decode(crate::DESCRIPTOR_SET).ok()?;
        let desc = pool.get_message_by_name(name)?;
        let message = prost_reflect::DynamicMessage::decode(desc, typed.encode_to_vec().as_slice())
            .map_err(|e| format!("prost-reflect cannot read prost's encoding of {name}: {e}"))
            .and_then(
                |m| match T::decode(prost::Message::encode_to_vec(&m).as_slice()) {
                    Ok(back) if &back == typed => Ok(m),
                    Ok(_) => Err(format!(
                        "{name}: what prost-reflect writes decodes to another message"
                    )),
                    Err(e) => Err(format!(
                        "{name}: prost cannot read what prost-reflect writes: {e}"
                    )),
                },
            );
        Some(Reflect { message })
    }
}

impl Row for Reflect {
    fn codec(&self) -> &str {
        "protobuf/prost-reflect"
    }
    fn path(&self) -> Path {
        Path::Typed
    }
    fn check(&self) -> Result<Vec<Vec<u8>>, RowError> {
        match &self.message {
            Ok(m) => Ok(vec![prost::Message::encode_to_vec(m)]),
            Err(e) => Err(RowError::Failed(e.clone())),
        }
    }
    fn encode_pass(&self, scratch: &mut Vec<u8>) {
        // Only timed once `check` passed.
        if let Ok(m) = &self.message {
            scratch.clear();
            let _ = prost::Message::encode(black_box(m), scratch);
            black_box(&scratch);
        }
    }
    fn decode_pass(&self, encoded: &[Vec<u8>]) {
        if let Ok(m) = &self.message {
            for b in encoded {
                let desc = prost_reflect::ReflectMessage::descriptor(m);
                let _ = black_box(prost_reflect::DynamicMessage::decode(
                    desc,
                    black_box(b.as_slice()),
                ));
            }
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
