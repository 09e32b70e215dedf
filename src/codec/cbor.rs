//! Placeholder.
use super::{Codec, CodecError, Format};
use crate::caps::Caps;
use crate::value::Value;

pub struct Ciborium;

impl Codec for Ciborium {
    fn id(&self) -> &str {
        "cbor/ciborium"
    }
    fn format(&self) -> Format {
        Format::Cbor
    }
    fn caps(&self) -> Caps {
        Caps::NONE
    }
    fn encode(&self, _v: &Value) -> Result<Vec<u8>, CodecError> {
        Err(CodecError::encode("placeholder"))
    }
    fn decode(&self, _b: &[u8]) -> Result<Value, CodecError> {
        Err(CodecError::syntax("placeholder"))
    }
}
