//! Your prost-generated message type as a codec of its own schema: what a
//! service that compiles its `.proto` files with prost (or writes the
//! structs by hand) hands crossfmt, so that the round-trip checks, the
//! conformance suites on that message and a differential against
//! prost-reflect reading the same schema all run on the code it ships.
//!
//! ```no_run
//! # #[derive(Clone, PartialEq, prost::Message)]
//! # struct Order { #[prost(sint64, tag = "1")] id: i64 }
//! use crossfmt_codecs::protobuf::{dynamic::Dynamic, generated::Generated};
//! use std::path::Path;
//!
//! let schema = Dynamic::compile(Path::new("proto/shop.proto"), "shop.Order", &[])?;
//! let codec = Generated::<Order>::new("protobuf/shop-order", schema);
//! # Ok::<(), String>(())
//! ```
//!
//! prost decides everything about the bytes: what it accepts, which fields
//! it keeps (it drops unknown fields and extensions), how it merges repeated
//! occurrences and what it writes. The [`Value`] of a message is read from
//! prost's own re-encoding through the descriptor ([`Dynamic`]'s mapping),
//! so that it compares field for field with any other implementation of the
//! schema. Writing goes the other way: the mapping builds the message's
//! bytes, prost reads them into its struct and writes them out. A struct
//! that disagrees with its `.proto` (a stale generated file, a hand-written
//! `int64` where the schema says `sint64`) is therefore read through the
//! schema and differs from prost-reflect's reading: a finding.

use super::dynamic::{has_unknown, missing_required_scalar, without_unknown, Dynamic};
use crossfmt_value::caps::Caps;
use crossfmt_value::value::Value;
use crossfmt_value::{Codec, CodecError, CodecRef, Format};
use prost::Message;
use std::marker::PhantomData;
use std::sync::Arc;

/// How a generated codec binds another schema (a conformance case's):
/// `(id, spec)` to the codec, or why not.
pub type Rebind = fn(&str, &str) -> Result<CodecRef, String>;

/// One generated message type `M`, seen through its descriptor.
pub struct Generated<M> {
    view: Dynamic,
    rebind: Option<Rebind>,
    message: PhantomData<fn() -> M>,
}

impl<M: Message + Default + 'static> Generated<M> {
    /// `M` under the id `id`, described by `schema` (the message of the
    /// `.proto` that `M` was generated from: [`Dynamic::compile`],
    /// [`Dynamic::from_id`] or [`Dynamic::from_spec`]).
    pub fn new(id: &str, schema: Dynamic) -> Self {
        Generated {
            view: schema.with_id(id),
            rebind: None,
            message: PhantomData,
        }
    }

    /// Like [`Generated::new`], keeping `schema`'s id, binding any other
    /// schema with `rebind` (a build with generated code for several
    /// messages).
    pub fn rebinding(schema: Dynamic, rebind: Rebind) -> Self {
        Generated {
            view: schema,
            rebind: Some(rebind),
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

impl<M: Message + Default + 'static> Codec for Generated<M> {
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
    /// them; and less a proto2 message missing a `required` scalar, which
    /// prost's struct holds as a plain value, its default when absent.
    fn unsupported(&self, v: &Value) -> Option<String> {
        self.view
            .unsupported(v)
            .or_else(|| {
                has_unknown(self.view.message(), v)
                    .then(|| "holds unknown fields, which prost's generated code drops".to_string())
            })
            .or_else(|| {
                missing_required_scalar(self.view.message(), v).map(|f| {
                    format!(
                        "leaves out the required field {f}, which prost's generated code \
                         holds without presence (absent reads as its default)"
                    )
                })
            })
    }
    fn encode(&self, v: &Value) -> Result<Vec<u8>, CodecError> {
        let bytes = self.view.encode(v)?;
        // The struct is built by reading the schema's bytes of the value: a
        // struct that disagrees with its schema fails here, on the encode
        // side, and says so rather than blaming the bytes.
        let m = read::<M>(&bytes).map_err(|e| {
            CodecError::encode(format!(
                "the struct cannot hold the message its schema writes for the value: {}",
                e.message
            ))
        })?;
        Ok(m.encode_to_vec())
    }
    fn decode(&self, b: &[u8]) -> Result<Value, CodecError> {
        self.view.decode(&read::<M>(b)?.encode_to_vec())
    }
    fn samples(&self, seed: u64, n: usize) -> Vec<Value> {
        self.view.samples(seed, n)
    }
    /// prost's structs have no place for unknown fields.
    fn keeps(&self, v: &Value) -> Option<Value> {
        has_unknown(self.view.message(), v).then(|| without_unknown(self.view.message(), v))
    }
    /// Its own schema; another only through `rebind`.
    fn for_schema(&self, schema: &str) -> Result<CodecRef, CodecError> {
        if Some(schema) == self.schema() {
            let view = Dynamic::from_spec(self.id(), schema).map_err(CodecError::unsupported)?;
            return Ok(Arc::new(Generated::<M> {
                view,
                rebind: self.rebind,
                message: PhantomData,
            }));
        }
        match self.rebind {
            Some(rebind) => rebind(self.id(), schema),
            None => Err(format!(
                "{} is generated code for {} only",
                self.id(),
                self.view.message().full_name()
            )),
        }
        .map_err(CodecError::unsupported)
    }
}
