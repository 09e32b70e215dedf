//! Placeholder.
use super::{Codec, CodecError, Format};
use crate::caps::Caps;
use crate::value::Value;

pub struct Prost;

impl Codec for Prost {
    fn id(&self) -> &str {
        "protobuf/prost"
    }
    fn format(&self) -> Format {
        Format::Protobuf
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
