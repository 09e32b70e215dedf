//! Values as JSON ("VJ", `conformance/PROTOCOL.md`): the value model of the
//! testee protocol. Lossless both ways: floats travel as their bits at their
//! width, integers of any size as decimal strings, tags through
//! [`Value::tagged`] so that a reserved tag arrives as the variant it spells.

use crossfmt_value::value::{Float, Value};
use num_bigint::BigInt;
use serde_json::{json, Map, Value as Json};
use std::fmt;

/// A VJ document that is not a value, with the JSON path of the offending
/// node (`$.array[2].map[0][1]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VjError {
    pub path: String,
    pub message: String,
}

impl fmt::Display for VjError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VJ at {}: {}", self.path, self.message)
    }
}

impl std::error::Error for VjError {}

pub fn to_vj(v: &Value) -> Json {
    // Built node by node: `json!` around an already built `Json` serializes
    // it again, a deep copy per level (a 10,000-deep value took 16 s).
    let one = |key: &str, body: Json| Json::Object(Map::from_iter([(key.to_string(), body)]));
    let list = |xs: &[Value]| Json::Array(xs.iter().map(to_vj).collect());
    match v {
        Value::Null => one("null", Json::Null),
        Value::Simple(n) => one("simple", json!(n)),
        Value::Bool(b) => one("bool", Json::Bool(*b)),
        Value::Int(i) => one("int", Json::String(i.to_string())),
        Value::BigInt(b) => one("int", Json::String(b.to_string())),
        Value::Float(f) => one("float", Json::String(float_hex(*f))),
        Value::Text(s) => one("text", Json::String(s.clone())),
        Value::Bytes(b) => one("bytes", Json::String(hex::encode(b))),
        Value::Array(xs) => one("array", list(xs)),
        Value::Map(kvs) => one(
            "map",
            Json::Array(
                kvs.iter()
                    .map(|(k, v)| Json::Array(vec![to_vj(k), to_vj(v)]))
                    .collect(),
            ),
        ),
        Value::Tag(t, inner) => one("tag", Json::Array(vec![json!(t), to_vj(inner)])),
        Value::Ext(code, data) => one(
            "ext",
            Json::Array(vec![json!(code), Json::String(hex::encode(data))]),
        ),
        Value::Tuple(xs) => one("tuple", list(xs)),
        Value::Set(xs) => one("set", list(xs)),
        Value::FrozenSet(xs) => one("frozenset", list(xs)),
    }
}

fn float_hex(f: Float) -> String {
    match f {
        Float::F16(b) => format!("{b:04x}"),
        Float::F32(b) => format!("{b:08x}"),
        Float::F64(b) => format!("{b:016x}"),
    }
}

pub fn from_vj(j: &Json) -> Result<Value, VjError> {
    Reader {
        path: &mut String::from("$"),
    }
    .value(j)
}

/// Walks a VJ document keeping the path of the node being read, so that
/// every error says where it is.
struct Reader<'p> {
    path: &'p mut String,
}

impl Reader<'_> {
    fn err(&self, message: impl Into<String>) -> VjError {
        VjError {
            path: self.path.clone(),
            message: message.into(),
        }
    }

    /// Runs `f` with `suffix` appended to the path.
    fn at<T>(&mut self, suffix: &str, f: impl FnOnce(&mut Self) -> T) -> T {
        let len = self.path.len();
        self.path.push_str(suffix);
        let r = f(self);
        self.path.truncate(len);
        r
    }

    fn value(&mut self, j: &Json) -> Result<Value, VjError> {
        let obj = j
            .as_object()
            .ok_or_else(|| self.err(format!("expected an object with one key, got {j}")))?;
        let (key, body) = single_entry(obj).ok_or_else(|| {
            let keys: Vec<_> = obj.keys().map(String::as_str).collect();
            self.err(format!(
                "expected an object with exactly one key, got keys [{}]",
                keys.join(", ")
            ))
        })?;
        self.at(&format!(".{key}"), |r| r.body(key, body))
    }

    fn body(&mut self, key: &str, b: &Json) -> Result<Value, VjError> {
        Ok(match key {
            "null" if b.is_null() => Value::Null,
            "null" => return Err(self.err(format!("expected null, got {b}"))),
            "bool" => Value::Bool(
                b.as_bool()
                    .ok_or_else(|| self.err(format!("expected true or false, got {b}")))?,
            ),
            "int" => {
                let s = self.str(b)?;
                let n: BigInt = s
                    .parse()
                    .map_err(|_| self.err(format!("{s:?} is not a decimal integer")))?;
                Value::integer(n)
            }
            "float" => self.float(self.str(b)?)?,
            "text" => Value::Text(self.str(b)?.to_string()),
            "bytes" => Value::Bytes(self.hex(b)?),
            "array" => Value::Array(self.list(b)?),
            "tuple" => Value::Tuple(self.list(b)?),
            "set" => Value::Set(self.list(b)?),
            "frozenset" => Value::FrozenSet(self.list(b)?),
            "map" => Value::Map(self.map(b)?),
            "tag" => {
                let [n, inner] = self.pair(b)?;
                let n = self.at("[0]", |r| {
                    n.as_u64().ok_or_else(|| {
                        r.err(format!("tag number {n} is not an unsigned 64-bit integer"))
                    })
                })?;
                let inner = self.at("[1]", |r| r.value(inner))?;
                Value::tagged(n, inner)
            }
            "ext" => {
                let [code, data] = self.pair(b)?;
                let code = self.at("[0]", |r| {
                    code.as_i64()
                        .and_then(|c| i8::try_from(c).ok())
                        .ok_or_else(|| r.err(format!("ext type {code} is not in -128..=127")))
                })?;
                let data = self.at("[1]", |r| r.hex(data))?;
                Value::Ext(code, data)
            }
            "simple" => {
                let n = b
                    .as_u64()
                    .and_then(|n| u8::try_from(n).ok())
                    .ok_or_else(|| self.err(format!("simple value {b} is not in 0..=255")))?;
                match n {
                    20..=22 => {
                        return Err(self.err(format!(
                            "simple({n}) is false/true/null: send {{\"bool\": ...}} or {{\"null\": null}}"
                        )))
                    }
                    24..=31 => return Err(self.err(format!("simple({n}) is not valid CBOR"))),
                    _ => Value::Simple(n),
                }
            }
            other => return Err(self.err(format!("unknown VJ kind {other:?}"))),
        })
    }

    fn str<'j>(&self, b: &'j Json) -> Result<&'j str, VjError> {
        b.as_str()
            .ok_or_else(|| self.err(format!("expected a string, got {b}")))
    }

    fn hex(&self, b: &Json) -> Result<Vec<u8>, VjError> {
        let s = self.str(b)?;
        hex::decode(s).map_err(|e| self.err(format!("{s:?} is not hex: {e}")))
    }

    fn float(&self, s: &str) -> Result<Value, VjError> {
        let bad = || self.err(format!("{s:?} is not 4, 8 or 16 hex digits of float bits"));
        if !s.bytes().all(|c| c.is_ascii_hexdigit()) {
            return Err(bad());
        }
        let f = match s.len() {
            4 => Float::F16(u16::from_str_radix(s, 16).map_err(|_| bad())?),
            8 => Float::F32(u32::from_str_radix(s, 16).map_err(|_| bad())?),
            16 => Float::F64(u64::from_str_radix(s, 16).map_err(|_| bad())?),
            _ => return Err(bad()),
        };
        Ok(Value::Float(f))
    }

    fn array<'j>(&self, b: &'j Json) -> Result<&'j Vec<Json>, VjError> {
        b.as_array()
            .ok_or_else(|| self.err(format!("expected an array, got {b}")))
    }

    fn list(&mut self, b: &Json) -> Result<Vec<Value>, VjError> {
        let items = self.array(b)?;
        items
            .iter()
            .enumerate()
            .map(|(i, x)| self.at(&format!("[{i}]"), |r| r.value(x)))
            .collect()
    }

    fn pair<'j>(&self, b: &'j Json) -> Result<[&'j Json; 2], VjError> {
        match self.array(b)?.as_slice() {
            [x, y] => Ok([x, y]),
            other => Err(self.err(format!("expected a pair, got {} items", other.len()))),
        }
    }

    fn map(&mut self, b: &Json) -> Result<Vec<(Value, Value)>, VjError> {
        let items = self.array(b)?;
        items
            .iter()
            .enumerate()
            .map(|(i, kv)| {
                self.at(&format!("[{i}]"), |r| {
                    let [k, v] = r.pair(kv)?;
                    let k = r.at("[0]", |r| r.value(k))?;
                    let v = r.at("[1]", |r| r.value(v))?;
                    Ok((k, v))
                })
            })
            .collect()
    }
}

fn single_entry(obj: &Map<String, Json>) -> Option<(&str, &Json)> {
    let mut it = obj.iter();
    match (it.next(), it.next()) {
        (Some((k, v)), None) => Some((k.as_str(), v)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parse(text: &str) -> Result<Value, VjError> {
        from_vj(&serde_json::from_str(text).unwrap())
    }

    proptest! {
        #[test]
        fn every_value_survives_vj_as_text(v in crossfmt_value::strategy::any_value()) {
            let text = serde_json::to_string(&to_vj(&v)).unwrap();
            let back = from_vj(&serde_json::from_str(&text).unwrap());
            prop_assert_eq!(back, Ok(v), "{}", text);
        }
    }

    #[test]
    fn spellings_match_the_protocol() {
        assert_eq!(
            to_vj(&Value::f32(1.5)).to_string(),
            r#"{"float":"3fc00000"}"#
        );
        let big: BigInt = BigInt::from(u64::MAX) * BigInt::from(u64::MAX) * 7u32;
        assert_eq!(
            to_vj(&Value::integer(big.clone())),
            json!({ "int": big.to_string() })
        );
        assert_eq!(
            to_vj(&Value::Ext(-1, vec![0, 1])).to_string(),
            r#"{"ext":[-1,"0001"]}"#
        );
        assert_eq!(
            parse(r#"{"tag": [18446744073709551615, {"null": null}]}"#),
            Ok(Value::Tag(u64::MAX, Box::new(Value::Null)))
        );
    }

    #[test]
    fn reserved_tags_arrive_as_their_variant() {
        assert_eq!(
            parse(r#"{"tag": [65300, {"array": [{"int": "1"}]}]}"#),
            Ok(Value::Tuple(vec![Value::Int(1)]))
        );
        assert_eq!(parse(r#"{"tag": [2, {"bytes": "01"}]}"#), Ok(Value::Int(1)));
    }

    #[test]
    fn errors_name_the_path() {
        let cases = [
            (
                r#"{"array": [{"null": null}, {"int": "1.5"}]}"#,
                "$.array[1].int",
            ),
            (
                r#"{"map": [[{"text": "a"}, {"float": "3ff"}]]}"#,
                "$.map[0][1].float",
            ),
            (r#"{"map": [[{"text": "a"}]]}"#, "$.map[0]"),
            (r#"{"tag": [-1, {"null": null}]}"#, "$.tag[0]"),
            (r#"{"ext": [300, "00"]}"#, "$.ext[0]"),
            (r#"{"tuple": [{"bytes": "0g"}]}"#, "$.tuple[0].bytes"),
            (r#"{"set": [{"null": null, "bool": true}]}"#, "$.set[0]"),
            (r#"{"simple": 21}"#, "$.simple"),
            (r#"{"nope": 1}"#, "$.nope"),
            (r#"[1]"#, "$"),
        ];
        for (text, path) in cases {
            let e = parse(text).expect_err(text);
            assert_eq!(e.path, path, "{text}: {e}");
        }
    }
}
