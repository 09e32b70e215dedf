//! serde `Serialize`/`Deserialize` for [`Value`], shared by serde-based codecs
//! (rmp-serde, serde_json, the benchmarks' size counter).
//!
//! The serde data model is narrower than `Value`: it has bool, i8..i128,
//! u8..u128, f32, f64, char, str, bytes, unit/option, seq, tuple, map,
//! newtype/unit structs and enums. The mapping is:
//!
//! | `Value`            | serialize with            | comes back from                  |
//! |--------------------|---------------------------|----------------------------------|
//! | `Null`             | `serialize_unit`          | `visit_unit`, `visit_none`       |
//! | `Bool`             | `serialize_bool`          | `visit_bool`                     |
//! | `Int`              | i64, else u64, else i128  | any integer visit                |
//! | `Float(F16)`       | `serialize_f32` (widened) | `visit_f32` (an f32)             |
//! | `Float(F32)`       | `serialize_f32`           | `visit_f32`                      |
//! | `Float(F64)`       | `serialize_f64`           | `visit_f64`                      |
//! | `Text`             | `serialize_str`           | `visit_str`, `visit_char`        |
//! | `Bytes`            | `serialize_bytes`         | `visit_bytes`                    |
//! | `Array`            | `serialize_seq`           | `visit_seq`                      |
//! | `Tuple`            | `serialize_tuple`         | `visit_seq` (an array)           |
//! | `Map`              | `serialize_map`, in order, duplicates written | `visit_map`, pairs kept as read |
//! | anything else      | [`Convention::serialize_extra`] (default: an error) |        |
//!
//! f16 is written as the exactly widened f32 (bit-exact, see
//! [`Float::widen`]), which is how the `half` crate spells an f16 in serde.
//! `Some(x)` is transparent; newtype structs go to
//! [`Convention::visit_newtype_struct`] (default: transparent), which is where
//! a format's own serde convention plugs in (rmp-serde spells MessagePack ext
//! as the newtype struct `_ExtStruct`).
//!
//! Nothing here limits recursion: the format's deserializer must (every
//! serde-based codec in this crate relies on its library's depth limit and
//! declares it in `Caps::max_depth`).

use crate::value::{Float, FloatWidth, Value};
use num_bigint::BigInt;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Error as _, SerializeMap, SerializeSeq, SerializeTuple, Serializer};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::marker::PhantomData;

/// A format's serde conventions for what the serde data model lacks.
pub trait Convention: Sized + 'static {
    /// Serialises a `Value` the plain mapping has no spelling for (`Simple`,
    /// `BigInt`, integers beyond i128/u128 reach, `Tag`, `Ext`, `Set`,
    /// `FrozenSet`). The default refuses.
    fn serialize_extra<S: Serializer>(v: &Value, _s: S) -> Result<S::Ok, S::Error> {
        Err(S::Error::custom(format!(
            "{} has no representation in the serde data model",
            v.kind()
        )))
    }

    /// Reads a newtype struct the format's deserializer presents. The default
    /// is serde's: a newtype is its content.
    fn visit_newtype_struct<'de, D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        d.deserialize_any(ValueVisitor::<Self>(PhantomData))
    }
}

/// The serde data model alone, no format conventions.
pub struct Plain;
impl Convention for Plain {}

/// Serialises a `&Value` under convention `C`.
pub struct Ser<'a, C>(pub &'a Value, PhantomData<C>);

impl<'a, C: Convention> Ser<'a, C> {
    /// Serialises `v` under convention `C`.
    pub fn new(v: &'a Value) -> Self {
        Ser(v, PhantomData)
    }
}

impl<C: Convention> Serialize for Ser<'_, C> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Int(i) => {
                if let Ok(n) = i64::try_from(*i) {
                    s.serialize_i64(n)
                } else if let Ok(n) = u64::try_from(*i) {
                    s.serialize_u64(n)
                } else {
                    s.serialize_i128(*i)
                }
            }
            Value::Float(f @ Float::F16(_)) => match f.widen(FloatWidth::F32) {
                Float::F32(bits) => s.serialize_f32(f32::from_bits(bits)),
                _ => Err(S::Error::custom("f16 widening did not give an f32")),
            },
            Value::Float(Float::F32(bits)) => s.serialize_f32(f32::from_bits(*bits)),
            Value::Float(Float::F64(bits)) => s.serialize_f64(f64::from_bits(*bits)),
            Value::Text(t) => s.serialize_str(t),
            Value::Bytes(b) => s.serialize_bytes(b),
            Value::Array(xs) => {
                let mut seq = s.serialize_seq(Some(xs.len()))?;
                for x in xs {
                    seq.serialize_element(&Ser::<C>::new(x))?;
                }
                seq.end()
            }
            Value::Tuple(xs) => {
                let mut tup = s.serialize_tuple(xs.len())?;
                for x in xs {
                    tup.serialize_element(&Ser::<C>::new(x))?;
                }
                tup.end()
            }
            Value::Map(kvs) => {
                let mut map = s.serialize_map(Some(kvs.len()))?;
                for (k, v) in kvs {
                    map.serialize_entry(&Ser::<C>::new(k), &Ser::<C>::new(v))?;
                }
                map.end()
            }
            other @ (Value::Simple(_)
            | Value::BigInt(_)
            | Value::Tag(..)
            | Value::Ext(..)
            | Value::Set(_)
            | Value::FrozenSet(_)) => C::serialize_extra(other, s),
        }
    }
}

/// Deserialises a `Value` under convention `C`.
pub struct Seed<C>(PhantomData<C>);

impl<C> Seed<C> {
    /// A seed that reads one `Value` under convention `C`.
    pub fn new() -> Self {
        Seed(PhantomData)
    }
}

impl<C> Default for Seed<C> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'de, C: Convention> DeserializeSeed<'de> for Seed<C> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(ValueVisitor::<C>(PhantomData))
    }
}

/// The visitor behind [`Seed`]; public so that a [`Convention`] can hand a
/// nested deserializer back to it.
pub struct ValueVisitor<C>(pub PhantomData<C>);

/// Upper bound on capacity reserved from a size hint: hints come from
/// untrusted length prefixes.
const MAX_PREALLOC: usize = 4096;

impl<'de, C: Convention> Visitor<'de> for ValueVisitor<C> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Value, E> {
        Ok(Value::Int(n.into()))
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Value, E> {
        Ok(Value::Int(n.into()))
    }
    fn visit_i128<E: de::Error>(self, n: i128) -> Result<Value, E> {
        Ok(Value::Int(n))
    }
    fn visit_u128<E: de::Error>(self, n: u128) -> Result<Value, E> {
        Ok(Value::integer(BigInt::from(n)))
    }
    fn visit_f32<E: de::Error>(self, x: f32) -> Result<Value, E> {
        Ok(Value::f32(x))
    }
    fn visit_f64<E: de::Error>(self, x: f64) -> Result<Value, E> {
        Ok(Value::f64(x))
    }
    fn visit_char<E: de::Error>(self, c: char) -> Result<Value, E> {
        Ok(Value::Text(c.to_string()))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Value, E> {
        Ok(Value::text(s))
    }
    fn visit_string<E: de::Error>(self, s: String) -> Result<Value, E> {
        Ok(Value::Text(s))
    }
    fn visit_bytes<E: de::Error>(self, b: &[u8]) -> Result<Value, E> {
        Ok(Value::Bytes(b.to_vec()))
    }
    fn visit_byte_buf<E: de::Error>(self, b: Vec<u8>) -> Result<Value, E> {
        Ok(Value::Bytes(b))
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        C::visit_newtype_struct(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut xs = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(MAX_PREALLOC));
        while let Some(x) = seq.next_element_seed(Seed::<C>::new())? {
            xs.push(x);
        }
        Ok(Value::Array(xs))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut kvs = Vec::with_capacity(map.size_hint().unwrap_or(0).min(MAX_PREALLOC));
        while let Some(k) = map.next_key_seed(Seed::<C>::new())? {
            let v = map.next_value_seed(Seed::<C>::new())?;
            kvs.push((k, v));
        }
        Ok(Value::Map(kvs))
    }
    fn visit_enum<A: de::EnumAccess<'de>>(self, _data: A) -> Result<Value, A::Error> {
        Err(de::Error::custom(
            "an enum has no representation in Value under this convention",
        ))
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Ser::<Plain>::new(self).serialize(s)
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        Seed::<Plain>::new().deserialize(d)
    }
}

#[cfg(test)]
mod tests {
    //! The visitor on its own, fed by serde's own value deserializers; the
    //! serialising half is exercised through each serde-based codec's tests.
    use super::*;
    use serde::de::value::{Error as DeError, MapDeserializer, SeqDeserializer};
    use serde::de::IntoDeserializer;

    fn de_seq(items: Vec<i64>) -> Value {
        let d: SeqDeserializer<_, DeError> = SeqDeserializer::new(items.into_iter());
        Value::deserialize(d).unwrap()
    }

    #[test]
    fn visitor_keeps_widths_and_kinds() {
        let f32v =
            Value::deserialize(IntoDeserializer::<DeError>::into_deserializer(1.5f32)).unwrap();
        assert_eq!(f32v, Value::f32(1.5));
        let f64v =
            Value::deserialize(IntoDeserializer::<DeError>::into_deserializer(1.5f64)).unwrap();
        assert_eq!(f64v, Value::f64(1.5));
        let u =
            Value::deserialize(IntoDeserializer::<DeError>::into_deserializer(u64::MAX)).unwrap();
        assert_eq!(u, Value::from(u64::MAX));
        let big =
            Value::deserialize(IntoDeserializer::<DeError>::into_deserializer(u128::MAX)).unwrap();
        assert!(matches!(big, Value::BigInt(_)), "{big:?}");
        assert!(big.is_well_formed());
        let i =
            Value::deserialize(IntoDeserializer::<DeError>::into_deserializer(i128::MIN)).unwrap();
        assert_eq!(i, Value::Int(i128::MIN));
        let b = Value::deserialize(serde::de::value::BytesDeserializer::<DeError>::new(
            b"\x00\xff",
        ))
        .unwrap();
        assert_eq!(b, Value::Bytes(vec![0, 0xff]));
        assert_eq!(
            de_seq(vec![1, -1]),
            Value::Array(vec![Value::from(1i64), Value::from(-1i64)])
        );
    }

    #[test]
    fn visitor_keeps_duplicate_keys_in_order() {
        let pairs = vec![("b", 1i64), ("a", 2), ("b", 3)];
        let d: MapDeserializer<_, DeError> = MapDeserializer::new(pairs.into_iter());
        let v = Value::deserialize(d).unwrap();
        assert_eq!(
            v,
            Value::Map(vec![
                (Value::text("b"), Value::from(1i64)),
                (Value::text("a"), Value::from(2i64)),
                (Value::text("b"), Value::from(3i64)),
            ])
        );
    }
}
