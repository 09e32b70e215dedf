//! Python pickle through serde-pickle's value model (`serde_pickle::Value`,
//! `HashableValue`).
//!
//! Writing: serde-pickle writes protocol 3 (`SerOptions::new()`; its only
//! other choice is 2): `PROTO 3`, `BINUNICODE`, `SHORT_BINBYTES`/`BININT*`/
//! `LONG1`/`LONG4`, `BINFLOAT`, and sets/frozensets as `builtins.set(list)`
//! via `GLOBAL` + `REDUCE` (protocol 3 has no set opcodes). Reading: protocols
//! 0–5, screened first by [`screen`] (globals, object construction, limits).
//!
//! Mapping between [`Value`] and serde-pickle's `Value`:
//!
//! | `Value`              | serde-pickle                | back as                 |
//! |----------------------|-----------------------------|-------------------------|
//! | `Null`               | `None`                      | `Null`                  |
//! | `Bool`               | `Bool`                      | `Bool`                  |
//! | integer, any size    | `I64`, or `Int(BigInt)` beyond i64 | integer          |
//! | f16 / f32 / f64      | `F64` (widened exactly)     | f64                     |
//! | `Text` / `Bytes`     | `String` / `Bytes`          | same                    |
//! | `Array`              | `List`                      | `Array`                 |
//! | `Tuple`              | `Tuple`                     | `Tuple`                 |
//! | `Set` / `FrozenSet`  | `Set` / `FrozenSet`         | same, members sorted    |
//! | `Map` (hashable keys)| `Dict` (a `BTreeMap`)       | `Map`, pairs sorted     |
//!
//! serde-pickle keeps dicts and sets in `BTree` collections, so order is not
//! kept: decoding returns map pairs and set members sorted in `Value` order.
//! Duplicate map keys: the last value wins, on encoding (like Python's dict
//! display) and on decoding (serde-pickle inserts pairs in stream order, as
//! CPython's `SETITEMS` does).
//!
//! serde-pickle compares keys like Python does across numeric types (`1 ==
//! 1.0 == True`, `0.0 == -0.0`), and (a library quirk) compares an `I64` with
//! an `F64` after rounding the integer to f64. Two distinct `Value`s that it
//! considers equal cannot both be a dict key or set member: encoding such a
//! map or set fails with [`ErrorKind::Unsupported`](crossfmt_value::ErrorKind) naming
//! both, as does a set with a repeated member (a Python set cannot hold one),
//! rather than dropping one silently. `Caps` cannot express this yet: its
//! `normalise` merges only exactly equal keys and keeps set order, so such
//! values are "supported" by the caps and refused by `encode`.
//!
//! Decoding decisions (`DeOptions::new()`, all defaults): `STRING`,
//! `BINSTRING` and `SHORT_BINSTRING` (Python 2 `str`) are read as bytes, like
//! `pickle.loads(..., encoding="bytes")`; unresolved globals and recursive
//! structures are errors, never replaced by `None`; object instances are
//! refused by the screen before serde-pickle would turn them into empty
//! dicts. Trailing bytes after `STOP` are refused (CPython ignores them).
//! Items left on the stack or marks left open at `STOP` are ignored, as
//! CPython and serde-pickle both do.

pub mod crossfmt;
pub mod screen;

use crossfmt_value::caps::{Caps, CollectionRepr, Duplicates, FloatRepr, IntRange, MapKeys};
use crossfmt_value::stream::Framing;
use crossfmt_value::value::{FloatWidth, Value};
use crossfmt_value::{Codec, CodecError, Format};
use num_bigint::BigInt;
use serde_pickle::{DeOptions, HashableValue, SerOptions, Value as PValue};
use std::collections::{BTreeMap, BTreeSet};
use std::io::BufRead;

/// Deepest value encoded and decoded. serde-pickle converts recursively, so
/// without a bound a deep pickle overflows the stack (an abort the harness
/// cannot contain); the screen enforces this bound before serde-pickle runs.
pub const MAX_DEPTH: usize = 200;

const LIMITS: screen::Limits = screen::Limits {
    max_depth: MAX_DEPTH,
    extra_nodes: 1 << 20,
    extra_bytes: 1 << 26,
};

/// `pickle/serde-pickle`.
pub struct SerdePickle;

impl SerdePickle {
    pub const CAPS: Caps = Caps {
        null: true,
        bool: true,
        ints: IntRange::UNBOUNDED,
        f16: FloatRepr::As(FloatWidth::F64),
        f32: FloatRepr::As(FloatWidth::F64),
        f64: FloatRepr::As(FloatWidth::F64),
        nan: true,
        nan_payload: true,
        infinity: true,
        text: true,
        bytes: true,
        array: true,
        map: true,
        map_keys: MapKeys::Hashable,
        map_order: false,
        duplicates: Duplicates::LastWins,
        tuple: CollectionRepr::Native,
        set: CollectionRepr::Native,
        frozenset: CollectionRepr::Native,
        max_depth: MAX_DEPTH,
        ..Caps::NONE
    };
}

impl Codec for SerdePickle {
    fn id(&self) -> &str {
        "pickle/serde-pickle"
    }

    fn format(&self) -> Format {
        Format::Pickle
    }

    fn caps(&self) -> Caps {
        SerdePickle::CAPS
    }

    fn encode(&self, v: &Value) -> Result<Vec<u8>, CodecError> {
        crossfmt_value::refuse_unsupported(&SerdePickle::CAPS, v)?;
        let pv = to_pickle(v)?;
        serde_pickle::value_to_vec(&pv, SerOptions::new()).map_err(CodecError::encode)
    }

    fn decode(&self, b: &[u8]) -> Result<Value, CodecError> {
        let acyclic = screen::screen(b, LIMITS)?;
        let pv = serde_pickle::value_from_slice(b, DeOptions::new()).map_err(|e| match e {
            serde_pickle::Error::Syntax(serde_pickle::error::ErrorCode::Recursive) if acyclic => {
                CodecError::unsupported(format!(
                    "serde-pickle reports a recursive structure for an acyclic pickle ({e}): it refuses \
                     an object shared at more places in the value than it is referenced in the stream"
                ))
            }
            e => map_error(e),
        })?;
        Ok(from_pickle(pv))
    }

    fn framing(&self) -> Option<Framing> {
        Some(Framing::Concatenated)
    }

    /// Appended pickles, delimited by crossfmt's opcode reader and then
    /// decoded as one. why not serde-pickle's `Deserializer` over the
    /// stream: it wraps the reader in a `BufReader` of its own, so it takes
    /// bytes of the pickles after the one it returns; and it would read
    /// them without the screen that bounds its memory.
    fn read_record(&self, r: &mut dyn BufRead) -> Result<Value, CodecError> {
        self.decode(&crossfmt_pickle::read::read_pickle(r)?)
    }
}

/// Classifies serde-pickle's errors.
fn map_error(e: serde_pickle::Error) -> CodecError {
    use serde_pickle::error::ErrorCode as C;
    use serde_pickle::Error as E;
    let code = match &e {
        E::Eval(c, _) | E::Syntax(c) => Some(c),
        E::Io(_) => None,
    };
    match code {
        Some(C::Unsupported(op)) => {
            // Known opcodes serde-pickle does not implement, vs bytes that are
            // no pickle opcode at all.
            if matches!(*op as u32, 0x50 | 0x51 | 0x82 | 0x83 | 0x84 | 0x97 | 0x98) {
                CodecError::unsupported(format!(
                    "opcode {:#04x} not supported by serde-pickle: {e}",
                    *op as u32
                ))
            } else {
                CodecError::syntax(format!("unknown opcode {:#04x}: {e}", *op as u32))
            }
        }
        Some(C::UnresolvedGlobal | C::UnsupportedGlobal(..) | C::Recursive) => {
            CodecError::unsupported(e)
        }
        _ => CodecError::syntax(e),
    }
}

/// `Value` → serde-pickle value. Only called with values `CAPS` supports;
/// refuses what serde-pickle's model would change.
pub fn to_pickle(v: &Value) -> Result<PValue, CodecError> {
    Ok(match v {
        Value::Null => PValue::None,
        Value::Bool(b) => PValue::Bool(*b),
        Value::Int(i) => match i64::try_from(*i) {
            Ok(s) => PValue::I64(s),
            Err(_) => PValue::Int(BigInt::from(*i)),
        },
        Value::BigInt(b) => PValue::Int(b.clone()),
        Value::Float(f) => PValue::F64(f.to_f64()),
        Value::Text(s) => PValue::String(s.clone()),
        Value::Bytes(b) => PValue::Bytes(b.clone()),
        Value::Array(xs) => PValue::List(xs.iter().map(to_pickle).collect::<Result<_, _>>()?),
        Value::Tuple(xs) => PValue::Tuple(xs.iter().map(to_pickle).collect::<Result<_, _>>()?),
        Value::Set(xs) => PValue::Set(to_set(xs, "set")?),
        Value::FrozenSet(xs) => PValue::FrozenSet(to_set(xs, "frozenset")?),
        Value::Map(kvs) => {
            let mut d: BTreeMap<HashableValue, PValue> = BTreeMap::new();
            // Exact duplicates: the last pair wins (as `Caps::normalise` says).
            let mut pairs: Vec<(&Value, &Value)> = Vec::with_capacity(kvs.len());
            let mut seen: std::collections::HashMap<&Value, usize> =
                std::collections::HashMap::new();
            for (k, val) in kvs {
                match seen.get(k) {
                    Some(&i) => pairs[i].1 = val,
                    None => {
                        seen.insert(k, pairs.len());
                        pairs.push((k, val));
                    }
                }
            }
            for (k, val) in pairs {
                let hk = to_hashable(k)?;
                if let Some((existing, _)) = d.get_key_value(&hk) {
                    return Err(collision("map keys", existing, k));
                }
                d.insert(hk, to_pickle(val)?);
            }
            PValue::Dict(d)
        }
        Value::Simple(_) | Value::Tag(..) | Value::Ext(..) => {
            return Err(CodecError::unsupported(format!(
                "{} has no pickle representation",
                v.kind()
            )))
        }
    })
}

fn to_hashable(v: &Value) -> Result<HashableValue, CodecError> {
    to_pickle(v)?
        .into_hashable()
        .map_err(|_| CodecError::unsupported(format!("{} is not hashable in Python", v.kind())))
}

fn to_set(xs: &[Value], what: &str) -> Result<BTreeSet<HashableValue>, CodecError> {
    let mut s = BTreeSet::new();
    for x in xs {
        let h = to_hashable(x)?;
        if let Some(existing) = s.get(&h) {
            return Err(collision(&format!("{what} members"), existing, x));
        }
        s.insert(h);
    }
    Ok(s)
}

fn collision(what: &str, existing: &HashableValue, new: &Value) -> CodecError {
    let existing = from_pickle(existing.clone().into_value());
    CodecError::unsupported(format!(
        "{what} {existing} and {new} are equal to serde-pickle (Python compares numbers across types); \
         one would be dropped"
    ))
}

/// serde-pickle value → `Value`. Depth is bounded by the screen.
pub fn from_pickle(v: PValue) -> Value {
    match v {
        PValue::None => Value::Null,
        PValue::Bool(b) => Value::Bool(b),
        PValue::I64(i) => Value::from(i),
        PValue::Int(b) => Value::integer(b),
        PValue::F64(x) => Value::f64(x),
        PValue::Bytes(b) => Value::Bytes(b),
        PValue::String(s) => Value::Text(s),
        PValue::List(xs) => Value::Array(xs.into_iter().map(from_pickle).collect()),
        PValue::Tuple(xs) => Value::Tuple(xs.into_iter().map(from_pickle).collect()),
        PValue::Set(s) => Value::Set(sorted(s)),
        PValue::FrozenSet(s) => Value::FrozenSet(sorted(s)),
        PValue::Dict(d) => {
            let mut pairs: Vec<(Value, Value)> = d
                .into_iter()
                .map(|(k, v)| (from_pickle(k.into_value()), from_pickle(v)))
                .collect();
            pairs.sort();
            Value::Map(pairs)
        }
    }
}

fn sorted(s: BTreeSet<HashableValue>) -> Vec<Value> {
    let mut xs: Vec<Value> = s.into_iter().map(|h| from_pickle(h.into_value())).collect();
    xs.sort();
    xs
}

#[cfg(test)]
mod tests;
