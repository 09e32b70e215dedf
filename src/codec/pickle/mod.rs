//! Placeholder.
use super::{Codec, CodecError, Format};
use crate::caps::Caps;
use crate::value::Value;

pub struct SerdePickle;

impl Codec for SerdePickle {
    fn id(&self) -> &str { "pickle/serde-pickle" }
    fn format(&self) -> Format { Format::Pickle }
    fn caps(&self) -> Caps { Caps::NONE }
    fn encode(&self, _v: &Value) -> Result<Vec<u8>, CodecError> { Err(CodecError::encode("placeholder")) }
    fn decode(&self, _b: &[u8]) -> Result<Value, CodecError> { Err(CodecError::syntax("placeholder")) }
}
