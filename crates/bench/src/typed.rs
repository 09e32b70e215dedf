//! The typed path: each codec's own API over the datasets' structs (serde
//! derives for the serde codecs, prost's `Message` for protobuf). Encoding
//! writes into a caller-owned buffer, so the benches reuse one allocation.

use serde::de::DeserializeOwned;
use serde::Serialize;

/// A dataset message: prost-generated, serde-derived (`build.rs`).
pub trait Record: Serialize + DeserializeOwned + prost::Message + Default + PartialEq {}

impl<T: Serialize + DeserializeOwned + prost::Message + Default + PartialEq> Record for T {}

/// The codecs with a typed path, named like their dynamic `Codec` ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TypedCodec {
    /// rmp-serde's default: structs as arrays (no field names on the wire).
    RmpSerde,
    Ciborium,
    SerdeJson,
    SerdePickle,
    Prost,
}

impl TypedCodec {
    pub const ALL: [TypedCodec; 5] = [
        TypedCodec::RmpSerde,
        TypedCodec::Ciborium,
        TypedCodec::SerdeJson,
        TypedCodec::SerdePickle,
        TypedCodec::Prost,
    ];

    pub fn id(self) -> &'static str {
        match self {
            TypedCodec::RmpSerde => "msgpack/rmp-serde",
            TypedCodec::Ciborium => "cbor/ciborium",
            TypedCodec::SerdeJson => "json/serde_json",
            TypedCodec::SerdePickle => "pickle/serde-pickle",
            TypedCodec::Prost => "protobuf/prost",
        }
    }

    /// Replaces `buf`'s contents with the encoding of `t`.
    pub fn encode_into<T: Record>(self, t: &T, buf: &mut Vec<u8>) -> Result<(), String> {
        buf.clear();
        let r = match self {
            TypedCodec::RmpSerde => rmp_serde::encode::write(buf, t).map_err(|e| e.to_string()),
            TypedCodec::Ciborium => ciborium::into_writer(t, &mut *buf).map_err(|e| e.to_string()),
            TypedCodec::SerdeJson => serde_json::to_writer(&mut *buf, t).map_err(|e| e.to_string()),
            TypedCodec::SerdePickle => {
                serde_pickle::to_writer(buf, t, serde_pickle::SerOptions::new())
                    .map_err(|e| e.to_string())
            }
            TypedCodec::Prost => t.encode(buf).map_err(|e| e.to_string()),
        };
        r.map_err(|e| format!("{} typed encode: {e}", self.id()))
    }

    pub fn decode<T: Record>(self, b: &[u8]) -> Result<T, String> {
        let r = match self {
            TypedCodec::RmpSerde => rmp_serde::from_slice(b).map_err(|e| e.to_string()),
            TypedCodec::Ciborium => ciborium::from_reader(b).map_err(|e| e.to_string()),
            TypedCodec::SerdeJson => serde_json::from_slice(b).map_err(|e| e.to_string()),
            TypedCodec::SerdePickle => serde_pickle::from_slice(b, serde_pickle::DeOptions::new())
                .map_err(|e| e.to_string()),
            TypedCodec::Prost => T::decode(b).map_err(|e| e.to_string()),
        };
        r.map_err(|e| format!("{} typed decode: {e}", self.id()))
    }

    /// Encodes `t` and asserts it decodes to `t`; the encoding on success.
    pub fn roundtrip<T: Record>(self, t: &T) -> Result<Vec<u8>, String> {
        let mut buf = Vec::new();
        self.encode_into(t, &mut buf)?;
        let back: T = self.decode(&buf)?;
        if &back != t {
            return Err(format!(
                "{} typed round trip changed the message",
                self.id()
            ));
        }
        Ok(buf)
    }
}
