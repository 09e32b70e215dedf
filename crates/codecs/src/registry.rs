//! The set of codecs a run works with, and the built-in one.

use crate::{cbor, json, msgpack, pickle, protobuf, pystruct};
use crossfmt_value::{CodecRef, Format};
use std::sync::Arc;

/// The set of codecs a run works with.
#[derive(Clone)]
pub struct Registry {
    codecs: Vec<CodecRef>,
}

impl Registry {
    /// Every built-in codec.
    pub fn builtin() -> Registry {
        let mut codecs: Vec<CodecRef> = vec![
            Arc::new(msgpack::RmpSerde),
            Arc::new(msgpack::Rmpv),
            Arc::new(cbor::Ciborium),
            Arc::new(json::SerdeJson),
            Arc::new(pickle::SerdePickle),
            Arc::new(pickle::crossfmt::PickleCrossfmt::default()),
            Arc::new(protobuf::Prost),
        ];
        for format in pystruct::layouts() {
            let codec = pystruct::StructCodec::new(format).expect("built-in layouts parse");
            codecs.push(Arc::new(codec));
        }
        Registry { codecs }
    }

    pub fn new(codecs: Vec<CodecRef>) -> Registry {
        Registry { codecs }
    }

    pub fn push(&mut self, c: CodecRef) {
        self.codecs.push(c);
    }

    pub fn all(&self) -> &[CodecRef] {
        &self.codecs
    }

    pub fn get(&self, id: &str) -> Option<CodecRef> {
        self.codecs.iter().find(|c| c.id() == id).cloned()
    }

    pub fn of_format(&self, f: Format) -> Vec<CodecRef> {
        self.codecs
            .iter()
            .filter(|c| c.format() == f)
            .cloned()
            .collect()
    }

    /// Built-in engines that read only what a schema binds them to
    /// (`protobuf/prost-reflect`, bound to each conformance case's message):
    /// not in [`Registry::builtin`], whose codecs every check and fuzz
    /// target runs over universal values; a conformance run adds them.
    pub fn engines() -> Vec<CodecRef> {
        vec![Arc::new(protobuf::prost_reflect())]
    }

    /// The built-in implementations `codec` is compared with: those of its
    /// format; or, when it is bound to a schema (a user's `.proto`
    /// message), every built-in codec and engine that binds that schema
    /// (prost-reflect for any message, prost's generated code for Google's
    /// test messages), since the format's other codecs read another data
    /// model. Never a codec of the same id, nor prost-reflect for a codec
    /// named `protobuf:<file>#<Message>`, which is prost-reflect.
    pub fn peers_of(codec: &CodecRef) -> Vec<CodecRef> {
        let builtin = Registry::builtin().of_format(codec.format());
        let engines = Registry::engines();
        let peers: Vec<CodecRef> = match codec.schema() {
            None => builtin,
            Some(spec) => builtin
                .iter()
                .chain(engines.iter().filter(|e| {
                    !(codec.id().starts_with(protobuf::dynamic::PREFIX)
                        && e.id() == protobuf::PROST_REFLECT)
                }))
                .filter(|c| c.format() == codec.format())
                .filter_map(|c| c.for_schema(spec).ok())
                .collect(),
        };
        peers.into_iter().filter(|c| c.id() != codec.id()).collect()
    }

    /// Built-in implementations of one schema, bound to it, by name
    /// (`protobuf_proto3`: prost and prost-reflect on Google's
    /// `TestAllTypesProto3`), with the schema's message name: what a
    /// differential over a schema compares.
    pub fn schema_groups() -> Vec<(String, String, Vec<CodecRef>)> {
        protobuf::google::implementations()
            .into_iter()
            .map(|(short, message, codecs)| {
                (format!("protobuf_{short}"), message.to_string(), codecs)
            })
            .collect()
    }

    /// Keeps only the codecs whose id is in `ids` (in registry order), or
    /// explains which id is unknown. Beyond the registry's own, `ids` may
    /// name any struct layout (`pystruct:<format>`), any message of a
    /// `.proto` file (`protobuf:<file>#<Message>`), the schema engines
    /// ([`Registry::engines`]), a built-in engine bound to one of Google's
    /// test messages (`protobuf/prost@TestAllTypesProto3`) and the planted-bug codecs
    /// ([`crate::planted::ID`], [`crate::planted::PICKLE_ID`]).
    pub fn select(&self, ids: &[String]) -> Result<Registry, String> {
        if ids.is_empty() {
            return Ok(self.clone());
        }
        let mut extra = Vec::new();
        for id in ids {
            // Any struct layout is a codec: `pystruct:<format>`.
            if self.get(id).is_none() {
                // Never in a default run, but selectable by name, so that a
                // run can be shown to find its bugs.
                if let Some(bound) = protobuf::google::bound(id) {
                    extra.push(bound.map_err(|e| format!("codec {id:?}: {e}"))?);
                    continue;
                }
                if let Some(engine) = Registry::engines().into_iter().find(|c| c.id() == id) {
                    extra.push(engine);
                    continue;
                }
                if id == crate::planted::ID {
                    extra.push(Arc::new(crate::planted::Planted) as CodecRef);
                    continue;
                }
                if id == crate::planted::PICKLE_ID {
                    extra.push(Arc::new(crate::planted::PlantedPickle) as CodecRef);
                    continue;
                }
                // Any message of a .proto file: `protobuf:<file>#<Message>`.
                if let Some(bound) = protobuf::dynamic::Dynamic::from_id(id) {
                    let codec = bound.map_err(|e| format!("codec {id:?}: {e}"))?;
                    extra.push(Arc::new(codec) as CodecRef);
                    continue;
                }
                if let Some(bound) = pystruct::StructCodec::from_id(id) {
                    let codec = bound.map_err(|e| format!("codec {id:?}: {e}"))?;
                    extra.push(Arc::new(codec) as CodecRef);
                    continue;
                }
                let known: Vec<_> = self.codecs.iter().map(|c| c.id().to_string()).collect();
                return Err(format!("unknown codec {id:?}; known: {}", known.join(", ")));
            }
        }
        let mut codecs: Vec<CodecRef> = self
            .codecs
            .iter()
            .filter(|c| ids.iter().any(|i| i == c.id()))
            .cloned()
            .collect();
        codecs.extend(extra);
        Ok(Registry { codecs })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossfmt_value::caps::{Caps, FloatRepr};
    use crossfmt_value::FloatWidth;

    #[test]
    fn caps_survive_json_and_missing_fields_mean_unsupported() {
        for c in Registry::builtin().all() {
            let caps = c.caps();
            let text = serde_json::to_string(&caps).unwrap();
            let back: Caps = serde_json::from_str(&text).unwrap();
            assert_eq!(back, caps, "{}: {text}", c.id());
        }
        let partial: Caps = serde_json::from_str(r#"{"null": true, "f64": "f64"}"#).unwrap();
        assert_eq!(
            partial,
            Caps {
                null: true,
                f64: FloatRepr::As(FloatWidth::F64),
                ..Caps::NONE
            }
        );
        let err = serde_json::from_str::<Caps>(r#"{"nul": true}"#).unwrap_err();
        assert!(err.to_string().contains("nul"), "{err}");
    }
}
