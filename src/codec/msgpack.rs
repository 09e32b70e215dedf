//! MessagePack: rmp-serde (serde path) and rmpv (its own value model). (Placeholder.)
use super::{Codec, CodecError, Format};
use crate::caps::Caps;
use crate::value::Value;

pub struct RmpSerde;
pub struct Rmpv;

impl Codec for RmpSerde {
    fn id(&self) -> &str {
        "msgpack/rmp-serde"
    }
    fn format(&self) -> Format {
        Format::MsgPack
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
impl Codec for Rmpv {
    fn id(&self) -> &str {
        "msgpack/rmpv"
    }
    fn format(&self) -> Format {
        Format::MsgPack
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
