//! Google's conformance messages (`TestAllTypesProto3`, `TestAllTypesProto2`,
//! `conformance/vectors/protobuf/`) read and written by prost's generated
//! code: what `protobuf/prost` is when a conformance case is bound to one of
//! them.
//!
//! prost decides everything about the bytes: what it accepts, which fields
//! it keeps (it drops unknown fields and extensions), how it merges repeated
//! occurrences and what it writes. The [`Value`] of a message is then read
//! from prost's own re-encoding through the descriptor
//! ([`Dynamic`]'s mapping), so that it compares field
//! for field with the other implementations of the schema. Writing goes the
//! other way: the mapping builds the message's bytes, prost reads them into
//! its struct and writes them out.

use super::dynamic::{pool_of, Dynamic};
use crossfmt_value::caps::Caps;
use crossfmt_value::value::Value;
use crossfmt_value::{Codec, CodecError, CodecRef, Format};
use prost::Message;
use std::marker::PhantomData;
use std::sync::Arc;

/// Code generated from `test_messages_proto3.proto` by `build.rs`.
#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod proto3 {
    include!(concat!(
        env!("OUT_DIR"),
        "/protobuf_test_messages.proto3.rs"
    ));
}

/// Code generated from `test_messages_proto2.proto` by `build.rs`.
#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod proto2 {
    include!(concat!(
        env!("OUT_DIR"),
        "/protobuf_test_messages.proto2.rs"
    ));
}

/// Both files (and the well-known types they import) as an encoded
/// `FileDescriptorSet`, written by `build.rs`.
pub const DESCRIPTOR_SET: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/test_messages.binpb"));

/// The proto3 message's full name.
pub const PROTO3: &str = "protobuf_test_messages.proto3.TestAllTypesProto3";
/// The proto2 message's full name.
pub const PROTO2: &str = "protobuf_test_messages.proto2.TestAllTypesProto2";

/// The schema string of `message` in [`DESCRIPTOR_SET`].
pub fn spec(message: &str) -> String {
    format!("{message}@{}", hex::encode(DESCRIPTOR_SET))
}

/// prost's generated code for the message `spec` names, when it is one of
/// Google's test messages as this build compiled it; `None` for any other
/// message, or the same name in a different schema.
pub fn typed(id: &str, spec: &str) -> Option<Result<CodecRef, String>> {
    let (name, pool) = pool_of(spec).ok()?;
    if name != PROTO3 && name != PROTO2 {
        return None;
    }
    // The same name in a schema of the user's is another message: compare
    // the file that defines it, without source info.
    let file = |p: &prost_reflect::DescriptorPool| {
        p.get_message_by_name(name).map(|m| {
            let mut f = m.parent_file().file_descriptor_proto().clone();
            f.source_code_info = None;
            f
        })
    };
    let own = prost_reflect::DescriptorPool::decode(DESCRIPTOR_SET).ok()?;
    if file(&pool).is_none() || file(&pool) != file(&own) {
        return None;
    }
    let view = match Dynamic::from_spec(id, spec) {
        Ok(v) => v,
        Err(e) => return Some(Err(e)),
    };
    Some(Ok(if name == PROTO3 {
        Arc::new(Typed::<proto3::TestAllTypesProto3>::new(view)) as CodecRef
    } else {
        Arc::new(Typed::<proto2::TestAllTypesProto2>::new(view)) as CodecRef
    }))
}

/// Each of Google's test messages with the implementations of it this build
/// has: prost's generated code and prost-reflect (`protobuf/prost`,
/// `protobuf/prost-reflect`), as `(short name, message, codecs)`; what a
/// differential over one schema compares.
pub fn implementations() -> Vec<(&'static str, &'static str, Vec<CodecRef>)> {
    [("proto3", PROTO3), ("proto2", PROTO2)]
        .into_iter()
        .map(|(short, message)| {
            let name = message.rsplit('.').next().unwrap_or(message);
            let codecs = ["protobuf/prost", "protobuf/prost-reflect"]
                .map(|base| {
                    bound(&format!("{base}@{name}"))
                        .expect("a built-in engine")
                        .expect("the built-in descriptor set binds")
                })
                .to_vec();
            (short, message, codecs)
        })
        .collect()
}

/// The codec an id `<engine>@<message>` names, when the engine is
/// `protobuf/prost` or `protobuf/prost-reflect` and the message one of
/// Google's test messages (full name or `TestAllTypesProto3`): how findings
/// of a fuzz target over one schema name its codecs, so that their
/// reproduce commands work. `None` for any other id.
pub fn bound(id: &str) -> Option<Result<CodecRef, String>> {
    let (base, message) = id.rsplit_once('@')?;
    let message = [PROTO3, PROTO2]
        .into_iter()
        .find(|m| *m == message || m.rsplit('.').next() == Some(message))?;
    let spec = spec(message);
    match base {
        "protobuf/prost" => typed(id, &spec),
        "protobuf/prost-reflect" => {
            Some(Dynamic::from_spec(id, &spec).map(|d| Arc::new(d) as CodecRef))
        }
        _ => None,
    }
}

/// One generated message type, seen through the descriptor.
struct Typed<M> {
    view: Dynamic,
    message: PhantomData<fn() -> M>,
}

impl<M> Typed<M> {
    fn new(view: Dynamic) -> Self {
        Typed {
            view,
            message: PhantomData,
        }
    }
}

fn read<M: Message + Default>(b: &[u8]) -> Result<M, CodecError> {
    M::decode(b).map_err(|e| {
        let text = e.to_string();
        if text.contains("recursion limit") {
            CodecError::limit(text)
        } else {
            CodecError::syntax(text)
        }
    })
}

impl<M: Message + Default + 'static> Codec for Typed<M> {
    fn id(&self) -> &str {
        self.view.id()
    }
    fn format(&self) -> Format {
        Format::Protobuf
    }
    fn schema(&self) -> Option<&str> {
        self.view.schema()
    }
    fn caps(&self) -> Caps {
        self.view.caps()
    }
    /// The message's model, less unknown fields (and extensions, which
    /// the mapping keeps the same way): prost's structs have no place for
    /// them.
    fn unsupported(&self, v: &Value) -> Option<String> {
        self.view.unsupported(v).or_else(|| {
            (super::dynamic::without_unknown(self.view.message(), v) != *v)
                .then(|| "holds unknown fields, which prost's generated code drops".to_string())
        })
    }
    fn encode(&self, v: &Value) -> Result<Vec<u8>, CodecError> {
        let bytes = self.view.encode(v)?;
        Ok(read::<M>(&bytes)?.encode_to_vec())
    }
    fn decode(&self, b: &[u8]) -> Result<Value, CodecError> {
        self.view.decode(&read::<M>(b)?.encode_to_vec())
    }
    fn samples(&self, seed: u64, n: usize) -> Vec<Value> {
        self.view.samples(seed, n)
    }
    /// prost's structs have no place for unknown fields.
    fn keeps(&self, v: &Value) -> Option<Value> {
        Some(super::dynamic::without_unknown(self.view.message(), v))
    }
    fn for_schema(&self, schema: &str) -> Result<CodecRef, CodecError> {
        typed(self.id(), schema)
            .unwrap_or_else(|| {
                Err(format!(
                    "{} has generated code only for {PROTO3} and {PROTO2}",
                    self.id()
                ))
            })
            .map_err(CodecError::unsupported)
    }
}
