//! Value <-> CBOR diagnostic notation. (Placeholder: replaced by the notation work.)
use crate::value::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub offset: usize,
    pub message: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "at byte {}: {}", self.offset, self.message)
    }
}
impl std::error::Error for ParseError {}

pub fn print(v: &Value) -> String {
    format!("{v:?}")
}
pub fn print_short(v: &Value) -> String {
    print(v)
}
pub fn parse(_text: &str) -> Result<Value, ParseError> {
    Err(ParseError {
        offset: 0,
        message: "not yet implemented".into(),
    })
}
pub fn print_pretty(v: &Value) -> String {
    print(v)
}
