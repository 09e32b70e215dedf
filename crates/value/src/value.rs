//! `Value`: the format-neutral, lossless data model every check speaks.
//!
//! It carries every distinction some supported format makes, so that a codec
//! that loses one is caught rather than excused: floats keep their width and
//! exact bit pattern (NaN payloads, -0.0), maps are ordered pairs that keep
//! duplicates and any key type, and Python's tuple/set/frozenset, CBOR tags and
//! simple values, and MessagePack ext are their own variants.
//!
//! Equality (`==`) is exact: same variant, same width, same bits, same order.
//! The looser comparison used between formats is `caps::Caps::normalise`.

use num_bigint::BigInt;

/// A float with its encoded width and exact bit pattern.
///
/// Stored as bits rather than `f64` so that derived equality, ordering and
/// hashing are exact (`NaN == NaN` with the same payload, `-0.0 != 0.0`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub enum Float {
    /// binary16 bits.
    F16(u16),
    /// binary32 bits.
    F32(u32),
    /// binary64 bits.
    F64(u64),
}

/// The width of a [`Float`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub enum FloatWidth {
    /// binary16 (half).
    F16,
    /// binary32 (single).
    F32,
    /// binary64 (double).
    F64,
}

impl Float {
    /// The float `x`, binary16.
    pub fn from_f16(x: half::f16) -> Self {
        Float::F16(x.to_bits())
    }
    /// The float `x`, binary32.
    pub fn from_f32(x: f32) -> Self {
        Float::F32(x.to_bits())
    }
    /// The float `x`, binary64.
    pub fn from_f64(x: f64) -> Self {
        Float::F64(x.to_bits())
    }

    /// The float's width.
    pub fn width(self) -> FloatWidth {
        match self {
            Float::F16(_) => FloatWidth::F16,
            Float::F32(_) => FloatWidth::F32,
            Float::F64(_) => FloatWidth::F64,
        }
    }

    /// The numeric value as `f64`. Exact for every width; a NaN comes back as
    /// a NaN whose payload is [`Float::widen`]'s.
    pub fn to_f64(self) -> f64 {
        match self.widen(FloatWidth::F64) {
            Float::F64(b) => f64::from_bits(b),
            _ => unreachable!("widen to F64 yields F64"),
        }
    }

    /// Any NaN, of any sign and payload.
    pub fn is_nan(self) -> bool {
        match self {
            Float::F16(b) => half::f16::from_bits(b).is_nan(),
            Float::F32(b) => f32::from_bits(b).is_nan(),
            Float::F64(b) => f64::from_bits(b).is_nan(),
        }
    }

    /// Positive or negative infinity.
    pub fn is_infinite(self) -> bool {
        self.to_f64().is_infinite()
    }

    /// Negative zero of any width.
    pub fn is_neg_zero(self) -> bool {
        let x = self.to_f64();
        x == 0.0 && x.is_sign_negative()
    }

    /// A NaN whose bits are not the width's canonical quiet NaN (`0x7e00`,
    /// `0x7fc00000`, `0x7ff8000000000000`): sign, signalling bit or payload set.
    pub fn is_nan_with_payload(self) -> bool {
        self.is_nan() && self != self.width().canonical_nan()
    }

    /// Converts to a wider (or equal) width, preserving the value exactly.
    ///
    /// NaNs keep sign and payload (shifted into the high payload bits) and get
    /// the quiet bit set, as an IEEE 754 conversion does; spelled out in bits so
    /// that the result does not depend on the host FPU. Narrowing is not a
    /// widening: asking for a narrower width returns `self` unchanged.
    pub fn widen(self, to: FloatWidth) -> Float {
        if to <= self.width() {
            return self;
        }
        match (self, to) {
            (Float::F16(b), FloatWidth::F32) => {
                if self.is_nan() {
                    let sign = u32::from(b >> 15) << 31;
                    let payload = u32::from(b & 0x03ff) << 13;
                    Float::F32(sign | 0x7f80_0000 | 0x0040_0000 | payload)
                } else {
                    Float::from_f32(half::f16::from_bits(b).to_f32())
                }
            }
            (Float::F16(_), FloatWidth::F64) => self.widen(FloatWidth::F32).widen(FloatWidth::F64),
            (Float::F32(b), FloatWidth::F64) => {
                if self.is_nan() {
                    let sign = u64::from(b >> 31) << 63;
                    let payload = u64::from(b & 0x007f_ffff) << 29;
                    Float::F64(sign | 0x7ff0_0000_0000_0000 | 0x0008_0000_0000_0000 | payload)
                } else {
                    Float::from_f64(f64::from(f32::from_bits(b)))
                }
            }
            _ => unreachable!("only widening conversions reach here"),
        }
    }

    /// The narrowest width that holds this value exactly (bits included), for
    /// encoders that use the shortest float form (CBOR preferred serialisation).
    pub fn narrowest(self) -> Float {
        for w in [FloatWidth::F16, FloatWidth::F32] {
            if w >= self.width() {
                break;
            }
            if let Some(n) = self.narrow(w) {
                return n;
            }
        }
        self
    }

    /// The value at a narrower width, if that width holds it exactly so that
    /// widening it back gives the same bits.
    pub fn narrow(self, to: FloatWidth) -> Option<Float> {
        if to >= self.width() {
            return Some(self);
        }
        let x = self.to_f64();
        let candidate = match to {
            FloatWidth::F16 => {
                if self.is_nan() {
                    // Keep the top payload bits; exactness is checked below.
                    let bits = self.widen(FloatWidth::F64);
                    let Float::F64(b) = bits else { unreachable!() };
                    let sign = ((b >> 63) as u16) << 15;
                    let payload = ((b >> 42) & 0x03ff) as u16;
                    Float::F16(sign | 0x7c00 | payload)
                } else {
                    Float::from_f16(half::f16::from_f64(x))
                }
            }
            FloatWidth::F32 => {
                if self.is_nan() {
                    let Float::F64(b) = self.widen(FloatWidth::F64) else {
                        unreachable!()
                    };
                    let sign = ((b >> 63) as u32) << 31;
                    let payload = ((b >> 29) & 0x007f_ffff) as u32;
                    Float::F32(sign | 0x7f80_0000 | payload)
                } else {
                    Float::from_f32(x as f32)
                }
            }
            FloatWidth::F64 => unreachable!("F64 is never narrower"),
        };
        (candidate.widen(self.width()) == self).then_some(candidate)
    }
}

impl FloatWidth {
    /// The width's canonical quiet NaN (`0x7e00`, `0x7fc00000`,
    /// `0x7ff8000000000000`).
    pub fn canonical_nan(self) -> Float {
        match self {
            FloatWidth::F16 => Float::F16(0x7e00),
            FloatWidth::F32 => Float::F32(0x7fc0_0000),
            FloatWidth::F64 => Float::F64(0x7ff8_0000_0000_0000),
        }
    }
}

/// The lossless value model. See the module documentation.
///
/// Invariant: integers that fit in `i128` are always `Int`; `BigInt` holds
/// only integers outside that range. Build integers with [`Value::integer`]
/// (or the `From` impls) to keep it; [`Value::is_well_formed`] checks it.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub enum Value {
    /// Null, nil, `None`.
    Null,
    /// CBOR simple values other than false/true/null, including `undefined` (23).
    Simple(u8),
    /// A boolean.
    Bool(bool),
    /// An integer that fits `i128` (always this variant when it fits).
    Int(i128),
    /// An integer outside `i128`.
    BigInt(BigInt),
    /// A float at its width, bits exact.
    Float(Float),
    /// Text.
    Text(String),
    /// A byte string.
    Bytes(Vec<u8>),
    /// An array.
    Array(Vec<Value>),
    /// Ordered key/value pairs; any key type; duplicates kept.
    Map(Vec<(Value, Value)>),
    /// CBOR tag number and content.
    Tag(u64, Box<Value>),
    /// MessagePack extension type and data (type -1 is the timestamp).
    Ext(i8, Vec<u8>),
    /// Python tuple.
    Tuple(Vec<Value>),
    /// Python set, in the order written.
    Set(Vec<Value>),
    /// Python frozenset, in the order written.
    FrozenSet(Vec<Value>),
}

/// CBOR's `undefined` simple value.
pub const UNDEFINED: u8 = 23;

/// MessagePack's timestamp extension type.
pub const EXT_TIMESTAMP: i8 = -1;

/// CBOR tag numbers that carry the variants CBOR has no major type for, in
/// diagnostic notation and in the CBOR codec. A `Value::Tag` with one of these
/// numbers and the content shape below is not well-formed: it is spelled as
/// the variant instead (see [`Value::is_well_formed`]).
pub mod tags {
    /// Unsigned and negative bignums (RFC 8949 §3.4.3), content a byte string:
    /// an integer.
    pub const POS_BIGNUM: u64 = 2;
    /// See [`POS_BIGNUM`].
    pub const NEG_BIGNUM: u64 = 3;
    /// IANA "mathematical finite set", content an array: a Python set (as cbor2
    /// writes sets).
    pub const SET: u64 = 258;
    /// crossfmt's own, content an array: a Python tuple.
    pub const TUPLE: u64 = 65300;
    /// crossfmt's own, content an array: a Python frozenset.
    pub const FROZENSET: u64 = 65301;
    /// crossfmt's own, content `[type, h'data']`: a MessagePack ext.
    pub const EXT: u64 = 65302;
}

impl Value {
    /// An integer of any size, in the variant the invariant asks for.
    pub fn integer(n: BigInt) -> Value {
        match i128::try_from(&n) {
            Ok(i) => Value::Int(i),
            Err(_) => Value::BigInt(n),
        }
    }

    /// A binary16 float.
    pub fn f16(x: half::f16) -> Value {
        Value::Float(Float::from_f16(x))
    }
    /// A binary32 float.
    pub fn f32(x: f32) -> Value {
        Value::Float(Float::from_f32(x))
    }
    /// A binary64 float.
    pub fn f64(x: f64) -> Value {
        Value::Float(Float::from_f64(x))
    }
    /// Text.
    pub fn text(s: impl Into<String>) -> Value {
        Value::Text(s.into())
    }

    /// The value `t(content)` spells: the variant for the shapes in [`tags`]
    /// (a bignum's integer, a set, a tuple, a frozenset, an ext), else a
    /// plain tag. Every producer of tags goes through here, so no
    /// `Value::Tag` ever spells another variant.
    pub fn tagged(t: u64, content: Value) -> Value {
        if !is_reserved_tag(t, &content) {
            return Value::Tag(t, Box::new(content));
        }
        match (t, content) {
            (tags::POS_BIGNUM, Value::Bytes(b)) => {
                Value::integer(BigInt::from_bytes_be(num_bigint::Sign::Plus, &b))
            }
            (tags::NEG_BIGNUM, Value::Bytes(b)) => {
                Value::integer(-1 - BigInt::from_bytes_be(num_bigint::Sign::Plus, &b))
            }
            (tags::SET, Value::Array(xs)) => Value::Set(xs),
            (tags::TUPLE, Value::Array(xs)) => Value::Tuple(xs),
            (tags::FROZENSET, Value::Array(xs)) => Value::FrozenSet(xs),
            (tags::EXT, Value::Array(xs)) => match <[Value; 2]>::try_from(xs) {
                Ok([Value::Int(i), Value::Bytes(d)]) => {
                    Value::Ext(i8::try_from(i).expect("checked by is_reserved_tag"), d)
                }
                Ok(pair) => Value::Tag(t, Box::new(Value::Array(pair.into()))),
                Err(xs) => Value::Tag(t, Box::new(Value::Array(xs))),
            },
            (t, content) => Value::Tag(t, Box::new(content)),
        }
    }

    /// The children of a container, in order (map keys and values interleaved).
    pub fn children(&self) -> Box<dyn Iterator<Item = &Value> + '_> {
        match self {
            Value::Array(xs) | Value::Tuple(xs) | Value::Set(xs) | Value::FrozenSet(xs) => {
                Box::new(xs.iter())
            }
            Value::Map(kvs) => Box::new(kvs.iter().flat_map(|(k, v)| [k, v])),
            Value::Tag(_, v) => Box::new(std::iter::once(v.as_ref())),
            _ => Box::new(std::iter::empty()),
        }
    }

    /// A copy with every scalar `f` answers for replaced by its answer (the
    /// containers kept, each rebuilt around its mapped children).
    pub fn map_scalars(&self, f: &impl Fn(&Value) -> Option<Value>) -> Value {
        let all = |xs: &[Value]| xs.iter().map(|x| x.map_scalars(f)).collect();
        match self {
            Value::Array(xs) => Value::Array(all(xs)),
            Value::Tuple(xs) => Value::Tuple(all(xs)),
            Value::Set(xs) => Value::Set(all(xs)),
            Value::FrozenSet(xs) => Value::FrozenSet(all(xs)),
            Value::Map(kvs) => Value::Map(
                kvs.iter()
                    .map(|(k, x)| (k.map_scalars(f), x.map_scalars(f)))
                    .collect(),
            ),
            Value::Tag(t, x) => Value::Tag(*t, Box::new(x.map_scalars(f))),
            scalar => f(scalar).unwrap_or_else(|| scalar.clone()),
        }
    }

    /// Nesting depth: a scalar is 1, `[]` is 1, `[[]]` is 2.
    pub fn depth(&self) -> usize {
        1 + self.children().map(Value::depth).max().unwrap_or(0)
    }

    /// True when every node, this one included, satisfies `pred`.
    pub fn all(&self, pred: &mut impl FnMut(&Value) -> bool) -> bool {
        pred(self) && self.children().all(|c| c.all(pred))
    }

    /// True when some node, this one included, satisfies `pred`.
    pub fn any(&self, pred: &mut impl FnMut(&Value) -> bool) -> bool {
        !self.all(&mut |v| !pred(v))
    }

    /// Checks the representation invariants everywhere in the tree: big
    /// integers only outside `i128`, no tag that spells another variant (see
    /// [`tags`]), and no simple value that is a bool, null or not CBOR.
    pub fn is_well_formed(&self) -> bool {
        self.all(&mut |v| match v {
            Value::BigInt(b) => i128::try_from(b).is_err(),
            Value::Tag(t, inner) => !is_reserved_tag(*t, inner),
            // 20..=22 are false/true/null; 24..=31 are not valid CBOR.
            Value::Simple(n) => !matches!(n, 20..=22 | 24..=31),
            _ => true,
        })
    }

    /// Every name [`Value::kind`] returns, for coverage tests of generators.
    pub const KINDS: [&'static str; 16] = [
        "null",
        "simple",
        "bool",
        "integer",
        "f16",
        "f32",
        "f64",
        "text",
        "bytes",
        "array",
        "map",
        "tag",
        "ext",
        "tuple",
        "set",
        "frozenset",
    ];

    /// A short name of the variant, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Simple(_) => "simple",
            Value::Bool(_) => "bool",
            Value::Int(_) | Value::BigInt(_) => "integer",
            Value::Float(Float::F16(_)) => "f16",
            Value::Float(Float::F32(_)) => "f32",
            Value::Float(Float::F64(_)) => "f64",
            Value::Text(_) => "text",
            Value::Bytes(_) => "bytes",
            Value::Array(_) => "array",
            Value::Map(_) => "map",
            Value::Tag(..) => "tag",
            Value::Ext(..) => "ext",
            Value::Tuple(_) => "tuple",
            Value::Set(_) => "set",
            Value::FrozenSet(_) => "frozenset",
        }
    }
}

/// True when `Tag(t, inner)` is the spelling of another variant.
pub fn is_reserved_tag(t: u64, inner: &Value) -> bool {
    match (t, inner) {
        (tags::POS_BIGNUM | tags::NEG_BIGNUM, Value::Bytes(_)) => true,
        (tags::SET | tags::TUPLE | tags::FROZENSET, Value::Array(_)) => true,
        (tags::EXT, Value::Array(xs)) => {
            matches!(xs.as_slice(), [Value::Int(i), Value::Bytes(_)] if i8::try_from(*i).is_ok())
        }
        _ => false,
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Value {
        Value::Int(n.into())
    }
}
impl From<u64> for Value {
    fn from(n: u64) -> Value {
        Value::Int(n.into())
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}
impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Text(s.to_owned())
    }
}
impl From<BigInt> for Value {
    fn from(n: BigInt) -> Value {
        Value::integer(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equality_is_exact_on_float_bits_and_width() {
        assert_ne!(Value::f64(0.0), Value::f64(-0.0));
        assert_eq!(Value::f64(f64::NAN), Value::f64(f64::NAN));
        assert_ne!(Value::f32(1.5), Value::f64(1.5));
        assert_ne!(
            Value::Float(Float::F64(0x7ff8_0000_0000_0001)),
            Value::Float(Float::F64(0x7ff8_0000_0000_0000))
        );
    }

    #[test]
    fn widening_keeps_value_and_nan_payload() {
        assert_eq!(
            Float::from_f32(1.5).widen(FloatWidth::F64),
            Float::from_f64(1.5)
        );
        assert_eq!(
            Float::F16(0x7e00).widen(FloatWidth::F64),
            FloatWidth::F64.canonical_nan()
        );
        // sNaN with payload 1 becomes a quiet NaN whose payload sits in the top bits.
        assert_eq!(
            Float::F32(0x7f80_0001).widen(FloatWidth::F64),
            Float::F64(0x7ff8_0000_2000_0000)
        );
        assert_eq!(
            Float::F16(0x8000).widen(FloatWidth::F64),
            Float::from_f64(-0.0)
        );
    }

    #[test]
    fn narrowest_is_exact() {
        assert_eq!(Float::from_f64(1.5).narrowest(), Float::F16(0x3e00));
        assert_eq!(Float::from_f64(0.1).narrowest(), Float::from_f64(0.1));
        assert_eq!(Float::from_f64(f64::NAN).narrowest(), Float::F16(0x7e00));
        assert_eq!(Float::from_f64(1e10).narrowest(), Float::from_f32(1e10));
        // A payload that only f64 can hold stays f64.
        let odd = Float::F64(0x7ff8_0000_0000_0001);
        assert_eq!(odd.narrowest(), odd);
    }

    #[test]
    fn integer_invariant() {
        let big = BigInt::from(i128::MAX) + 1;
        assert!(matches!(Value::integer(big), Value::BigInt(_)));
        assert_eq!(Value::integer(BigInt::from(5)), Value::Int(5));
        assert!(!Value::BigInt(BigInt::from(5)).is_well_formed());
        assert!(!Value::Simple(21).is_well_formed());
        assert!(Value::Simple(UNDEFINED).is_well_formed());
    }
}
