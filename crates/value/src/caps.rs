//! What a codec can represent, and the normal form a codec is expected to
//! return a value in.
//!
//! Each codec declares its `Caps`; the checks never guess. Two questions are
//! answered here:
//!
//! * [`Caps::supports`]: can the codec encode this value at all? If not, the
//!   value is *skipped* for that codec (and counted as skipped, never passed),
//!   with the reason [`Caps::unsupported`] gives.
//! * [`Caps::normalise`]: which value should come back from `decode(encode(v))`?
//!   Only documented, by-design conversions of the codec's data model appear
//!   here (a tuple written as an array, an f32 read back as f64 by a model that
//!   has one float type, map order for a model whose map is sorted). Anything
//!   else a codec changes is a finding.

use crate::value::{Float, FloatWidth, Value};
use serde::{Deserialize, Serialize};

/// How a float of one width comes back. In JSON (an external testee's
/// `hello`): `"no"`, `"f16"`, `"f32"` or `"f64"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum FloatRepr {
    /// Not representable: skipped.
    No,
    /// Comes back at this (equal or wider) width, value and payload kept.
    As(FloatWidth),
}

/// How a Python collection type (tuple, set, frozenset) comes back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CollectionRepr {
    /// Not representable: skipped.
    No,
    /// Its own type.
    Native,
    /// Written as an array, read back as an array.
    Array,
}

/// Which map keys a codec accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MapKeys {
    /// Any value as a key (MessagePack, CBOR).
    Any,
    /// Text keys only (JSON objects).
    Text,
    /// Scalars, text, bytes and tuples of those: Python's hashable values.
    Hashable,
}

/// What a codec does with duplicate map keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Duplicates {
    /// Every pair is kept, in order.
    Kept,
    /// The last pair with a key wins.
    LastWins,
    /// Duplicates cannot be written: skipped.
    Unsupported,
}

/// Integers a codec can hold. In JSON the bounds are decimal strings (they
/// do not fit a double).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntRange {
    /// The smallest integer held.
    #[serde(with = "decimal")]
    pub min: i128,
    /// The largest integer held.
    #[serde(with = "decimal")]
    pub max: i128,
    /// Integers of any size beyond `min..=max` (pickle longs, CBOR bignums).
    pub big: bool,
}

impl IntRange {
    /// i64::MIN ..= u64::MAX: the integers of MessagePack and most serde models.
    pub const I64_U64: IntRange = IntRange {
        min: i64::MIN as i128,
        max: u64::MAX as i128,
        big: false,
    };
    /// CBOR's major types 0 and 1.
    pub const CBOR: IntRange = IntRange {
        min: -(1i128 << 64),
        max: u64::MAX as i128,
        big: false,
    };
    /// Integers of any size.
    pub const UNBOUNDED: IntRange = IntRange {
        min: i128::MIN,
        max: i128::MAX,
        big: true,
    };

    /// Whether `i` is held.
    pub fn contains_i128(&self, i: i128) -> bool {
        self.big || (self.min..=self.max).contains(&i)
    }
}

/// How finely a codec keeps the fraction of a second of a MessagePack
/// timestamp (ext -1): a library that reads timestamps into its language's
/// datetime keeps what that type holds (Python's: microseconds). A
/// timestamp finer than that is outside the codec's model: skipped, never
/// generated for it. As JSON `"ns"` (the default: every timestamp),
/// `"us"`, `"ms"` or `"s"`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimestampPrecision {
    /// Nanoseconds: every timestamp, exactly.
    #[default]
    Ns,
    /// Microseconds.
    Us,
    /// Milliseconds.
    Ms,
    /// Whole seconds.
    S,
}

impl TimestampPrecision {
    /// Nanoseconds in one unit.
    pub fn unit_nanos(self) -> u32 {
        match self {
            TimestampPrecision::Ns => 1,
            TimestampPrecision::Us => 1_000,
            TimestampPrecision::Ms => 1_000_000,
            TimestampPrecision::S => 1_000_000_000,
        }
    }

    /// Whether a timestamp with ext data `data` is kept: every one at
    /// nanoseconds; at a coarser precision, a well-formed one (4, 8 or 12
    /// bytes, nanoseconds under 10^9) whose nanoseconds are whole units.
    pub fn keeps(self, data: &[u8]) -> bool {
        self == TimestampPrecision::Ns
            || timestamp_nanos(data)
                .is_some_and(|n| n < 1_000_000_000 && n % self.unit_nanos() == 0)
    }

    fn is_ns(&self) -> bool {
        *self == TimestampPrecision::Ns
    }
}

/// The nanoseconds field of MessagePack timestamp data, by its length (the
/// 32-, 64- and 96-bit forms), or `None` for another length.
pub fn timestamp_nanos(data: &[u8]) -> Option<u32> {
    match data.len() {
        4 => Some(0),
        8 => Some((u64::from_be_bytes(data.try_into().ok()?) >> 34) as u32),
        12 => Some(u32::from_be_bytes(data[..4].try_into().ok()?)),
        _ => None,
    }
}

/// Tag numbers a codec interprets instead of carrying them as plain tags
/// (cbor2 reads tag 1 as a datetime, tag 30 as a Fraction): a value using
/// one is outside its model. At most [`TagList::CAPACITY`] numbers; as JSON
/// an array of numbers.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct TagList {
    len: u8,
    tags: [u64; TagList::CAPACITY],
}

impl TagList {
    /// How many numbers a list holds.
    pub const CAPACITY: usize = 24;
    /// No tag interpreted.
    pub const EMPTY: TagList = TagList {
        len: 0,
        tags: [0; TagList::CAPACITY],
    };

    /// The list of `tags` (sorted, without repeats).
    pub fn new(tags: &[u64]) -> Result<TagList, String> {
        let mut sorted = tags.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        if sorted.len() > Self::CAPACITY {
            return Err(format!(
                "{} interpreted tags: at most {} can be declared",
                sorted.len(),
                Self::CAPACITY
            ));
        }
        let mut list = TagList::EMPTY;
        list.tags[..sorted.len()].copy_from_slice(&sorted);
        list.len = sorted.len() as u8;
        Ok(list)
    }

    /// The numbers, ascending.
    pub fn as_slice(&self) -> &[u64] {
        &self.tags[..usize::from(self.len)]
    }

    /// Whether `tag` is one of them.
    pub fn contains(&self, tag: u64) -> bool {
        self.as_slice().binary_search(&tag).is_ok()
    }

    /// True when no tag is interpreted.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Both lists' numbers; `None` when they do not fit one list.
    pub fn union(&self, other: &TagList) -> Option<TagList> {
        let both: Vec<u64> = self
            .as_slice()
            .iter()
            .chain(other.as_slice())
            .copied()
            .collect();
        TagList::new(&both).ok()
    }
}

impl Default for TagList {
    fn default() -> Self {
        TagList::EMPTY
    }
}

impl std::fmt::Debug for TagList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

impl Serialize for TagList {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.as_slice())
    }
}

impl<'de> Deserialize<'de> for TagList {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let tags = Vec::<u64>::deserialize(d)?;
        TagList::new(&tags).map_err(serde::de::Error::custom)
    }
}

/// The MessagePack extension type codes a codec holds (a library that
/// reserves the negative codes for its own types holds `0..=127`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtCodes {
    /// The lowest code held.
    pub min: i8,
    /// The highest code held.
    pub max: i8,
}

impl ExtCodes {
    /// Every code, -128..=127.
    pub const ALL: ExtCodes = ExtCodes {
        min: -128,
        max: 127,
    };

    /// Whether `code` is held.
    pub fn contains(&self, code: i8) -> bool {
        (self.min..=self.max).contains(&code)
    }
}

/// A codec's capabilities. Build with struct update syntax from
/// [`Caps::NONE`] or [`Caps::ALL`]. As JSON (serde), a missing field takes
/// its value from `Caps::NONE`, so a testee declares only what it supports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Caps {
    /// Null (`None`, `nil`).
    pub null: bool,
    /// CBOR simple values other than bools and null (`undefined` included).
    pub simple: bool,
    /// Booleans.
    pub bool: bool,
    /// Which integers.
    pub ints: IntRange,
    /// How a binary16 float comes back.
    pub f16: FloatRepr,
    /// How a binary32 float comes back.
    pub f32: FloatRepr,
    /// How a binary64 float comes back.
    pub f64: FloatRepr,
    /// NaN at all; when false NaNs are skipped.
    pub nan: bool,
    /// NaN bit patterns other than the canonical quiet NaN.
    pub nan_payload: bool,
    /// Positive and negative infinity.
    pub infinity: bool,
    /// Text (UTF-8 strings).
    pub text: bool,
    /// Byte strings, apart from text.
    pub bytes: bool,
    /// Arrays (lists).
    pub array: bool,
    /// Maps (dicts, objects).
    pub map: bool,
    /// Which map keys.
    pub map_keys: MapKeys,
    /// Map pairs come back in the order written.
    pub map_order: bool,
    /// What happens to a duplicate map key.
    pub duplicates: Duplicates,
    /// CBOR tags (other than the ones that spell crossfmt variants).
    pub tags: bool,
    /// Tags the codec reads as something else (a datetime, a decimal):
    /// values using them are outside its model.
    #[serde(skip_serializing_if = "TagList::is_empty")]
    pub interpreted_tags: TagList,
    /// MessagePack extension types.
    pub ext: bool,
    /// Which extension type codes (all of them unless declared).
    pub ext_codes: ExtCodes,
    /// How finely MessagePack timestamps (ext -1) come back.
    #[serde(skip_serializing_if = "TimestampPrecision::is_ns")]
    pub timestamp_precision: TimestampPrecision,
    /// How a Python tuple comes back.
    pub tuple: CollectionRepr,
    /// How a Python set comes back.
    pub set: CollectionRepr,
    /// How a Python frozenset comes back.
    pub frozenset: CollectionRepr,
    /// Set and frozenset members come back in the order written (false for
    /// a model that keeps sets sorted or hashed: they are compared as sets).
    pub set_order: bool,
    /// Deepest nesting the codec is expected to handle (scalars are depth 1).
    pub max_depth: usize,
}

impl Default for Caps {
    fn default() -> Self {
        Caps::NONE
    }
}

impl From<FloatRepr> for String {
    fn from(r: FloatRepr) -> String {
        match r {
            FloatRepr::No => "no",
            FloatRepr::As(FloatWidth::F16) => "f16",
            FloatRepr::As(FloatWidth::F32) => "f32",
            FloatRepr::As(FloatWidth::F64) => "f64",
        }
        .to_string()
    }
}

impl TryFrom<String> for FloatRepr {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Ok(match s.as_str() {
            "no" => FloatRepr::No,
            "f16" => FloatRepr::As(FloatWidth::F16),
            "f32" => FloatRepr::As(FloatWidth::F32),
            "f64" => FloatRepr::As(FloatWidth::F64),
            _ => return Err(format!("float repr {s:?}: expected no, f16, f32 or f64")),
        })
    }
}

mod decimal {
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(i: &i128, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&i.to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i128, D::Error> {
        let s = String::deserialize(d)?;
        s.parse()
            .map_err(|_| D::Error::custom(format!("integer bound {s:?} is not a decimal i128")))
    }
}

impl Caps {
    /// Nothing is representable; a starting point for `..Caps::NONE`.
    pub const NONE: Caps = Caps {
        null: false,
        simple: false,
        bool: false,
        ints: IntRange {
            min: 0,
            max: -1,
            big: false,
        },
        f16: FloatRepr::No,
        f32: FloatRepr::No,
        f64: FloatRepr::No,
        nan: false,
        nan_payload: false,
        infinity: false,
        text: false,
        bytes: false,
        array: false,
        map: false,
        map_keys: MapKeys::Any,
        map_order: false,
        duplicates: Duplicates::Unsupported,
        tags: false,
        interpreted_tags: TagList::EMPTY,
        ext: false,
        ext_codes: ExtCodes::ALL,
        timestamp_precision: TimestampPrecision::Ns,
        tuple: CollectionRepr::No,
        set: CollectionRepr::No,
        frozenset: CollectionRepr::No,
        set_order: false,
        max_depth: 0,
    };

    /// Everything `Value` can hold, exactly.
    pub const ALL: Caps = Caps {
        null: true,
        simple: true,
        bool: true,
        ints: IntRange::UNBOUNDED,
        f16: FloatRepr::As(FloatWidth::F16),
        f32: FloatRepr::As(FloatWidth::F32),
        f64: FloatRepr::As(FloatWidth::F64),
        nan: true,
        nan_payload: true,
        infinity: true,
        text: true,
        bytes: true,
        array: true,
        map: true,
        map_keys: MapKeys::Any,
        map_order: true,
        duplicates: Duplicates::Kept,
        tags: true,
        interpreted_tags: TagList::EMPTY,
        ext: true,
        ext_codes: ExtCodes::ALL,
        timestamp_precision: TimestampPrecision::Ns,
        tuple: CollectionRepr::Native,
        set: CollectionRepr::Native,
        frozenset: CollectionRepr::Native,
        set_order: true,
        max_depth: 64,
    };

    /// True when the codec can encode `v`.
    pub fn supports(&self, v: &Value) -> bool {
        self.unsupported(v).is_none()
    }

    /// Why the codec cannot encode `v`, or `None` when it can. The reason names
    /// the first offending node, so a skip can be explained in a report.
    pub fn unsupported(&self, v: &Value) -> Option<String> {
        if v.depth() > self.max_depth {
            return Some(format!("nesting depth {} > {}", v.depth(), self.max_depth));
        }
        self.unsupported_node(v, false)
    }

    fn unsupported_node(&self, v: &Value, as_key: bool) -> Option<String> {
        let ok = match v {
            Value::Null => self.null,
            Value::Simple(_) => self.simple,
            Value::Bool(_) => self.bool,
            Value::Int(i) => self.ints.contains_i128(*i),
            Value::BigInt(_) => self.ints.big,
            Value::Float(f) => self.float_supported(*f),
            Value::Text(_) => self.text,
            Value::Bytes(_) => self.bytes,
            Value::Array(_) => self.array,
            Value::Map(kvs) => self.map && self.duplicates_ok(kvs),
            Value::Tag(t, _) => self.tags && !self.interpreted_tags.contains(*t),
            Value::Ext(code, data) => {
                self.ext
                    && self.ext_codes.contains(*code)
                    && (*code != crate::value::EXT_TIMESTAMP
                        || self.timestamp_precision.keeps(data))
            }
            Value::Tuple(_) => self.tuple != CollectionRepr::No,
            Value::Set(_) => self.set != CollectionRepr::No,
            Value::FrozenSet(_) => self.frozenset != CollectionRepr::No,
        };
        if !ok {
            return Some(format!("{} {}", v.kind(), crate::notation::print_short(v)));
        }
        if let (Value::Map(kvs), MapKeys::Hashable) = (v, self.map_keys) {
            if let Some((a, b)) = python_equal_pair(kvs.iter().map(|(k, _)| k), false) {
                return Some(format!(
                    "map with keys {} and {}, equal in Python",
                    crate::notation::print_short(a),
                    crate::notation::print_short(b)
                ));
            }
        }
        if let Value::Set(xs) | Value::FrozenSet(xs) = v {
            if self.map_keys == MapKeys::Hashable {
                if let Some((a, b)) = python_equal_pair(xs.iter(), true) {
                    return Some(format!(
                        "{} with members {} and {}, equal in Python",
                        v.kind(),
                        crate::notation::print_short(a),
                        crate::notation::print_short(b)
                    ));
                }
            }
        }
        if as_key && !self.key_allowed(v) {
            return Some(format!("map key of type {}", v.kind()));
        }
        if let Value::Map(kvs) = v {
            for (k, val) in kvs {
                if let Some(r) = self.unsupported_node(k, true) {
                    return Some(r);
                }
                if let Some(r) = self.unsupported_node(val, false) {
                    return Some(r);
                }
            }
            return None;
        }
        // Set members must be hashable in Python, like dict keys.
        let members_are_keys = matches!(v, Value::Set(_) | Value::FrozenSet(_));
        v.children()
            .find_map(|c| self.unsupported_node(c, as_key || members_are_keys))
    }

    fn float_supported(&self, f: Float) -> bool {
        let repr = match f.width() {
            FloatWidth::F16 => self.f16,
            FloatWidth::F32 => self.f32,
            FloatWidth::F64 => self.f64,
        };
        repr != FloatRepr::No
            && (!f.is_nan() || self.nan)
            && (!f.is_nan_with_payload() || self.nan_payload)
            && (!f.is_infinite() || self.infinity)
    }

    fn key_allowed(&self, k: &Value) -> bool {
        match self.map_keys {
            MapKeys::Any => true,
            MapKeys::Text => matches!(k, Value::Text(_)),
            // Tuples that come back as arrays make array keys: what such a
            // codec reads back from its own tuple keys (a meet with a codec
            // of native tuples allows them too, and that codec's own caps
            // then skip the value).
            MapKeys::Hashable => hashable_in(k, self.tuple == CollectionRepr::Array),
        }
    }

    fn duplicates_ok(&self, kvs: &[(Value, Value)]) -> bool {
        self.duplicates != Duplicates::Unsupported || !has_duplicate_keys(kvs)
    }

    /// The value a codec with these capabilities should give back for `v`
    /// (which it [`supports`](Caps::supports)).
    pub fn normalise(&self, v: &Value) -> Value {
        match v {
            Value::Float(f) => Value::Float(self.normalise_float(*f)),
            Value::Array(xs) => Value::Array(self.normalise_all(xs)),
            Value::Tuple(xs) => self.collection(self.tuple, xs, Value::Tuple),
            Value::Set(xs) => self.collection(self.set, xs, Value::Set),
            Value::FrozenSet(xs) => self.collection(self.frozenset, xs, Value::FrozenSet),
            Value::Map(kvs) => {
                let mut pairs: Vec<(Value, Value)> = kvs
                    .iter()
                    .map(|(k, v)| (self.normalise(k), self.normalise(v)))
                    .collect();
                if self.duplicates == Duplicates::LastWins {
                    pairs = last_wins(pairs);
                }
                if !self.map_order {
                    pairs.sort();
                }
                Value::Map(pairs)
            }
            // Lowering the content (a tuple to an array) can make the tag
            // spell another variant (`258([])` is a set).
            Value::Tag(t, inner) => Value::tagged(*t, self.normalise(inner)),
            other => other.clone(),
        }
    }

    /// `v` with the orders this model does not keep put in `Value` order
    /// (map pairs unless [`Caps::map_order`], set and frozenset members
    /// unless [`Caps::set_order`]), and nothing else changed. A value a
    /// codec decoded is compared with [`Caps::normalise`]'s normal form
    /// after this, so a codec whose maps or sets have an order of their own
    /// (a `BTreeMap` over its own key type, a hash set) need not sort them.
    pub fn unordered(&self, v: &Value) -> Value {
        let all = |xs: &[Value]| xs.iter().map(|x| self.unordered(x)).collect::<Vec<_>>();
        let sorted = |xs: &[Value], keep: bool| {
            let mut items = all(xs);
            if !keep {
                items.sort();
            }
            items
        };
        match v {
            Value::Array(xs) => Value::Array(all(xs)),
            Value::Tuple(xs) => Value::Tuple(all(xs)),
            Value::Set(xs) => Value::Set(sorted(xs, self.set_order)),
            Value::FrozenSet(xs) => Value::FrozenSet(sorted(xs, self.set_order)),
            Value::Map(kvs) => {
                let mut pairs: Vec<(Value, Value)> = kvs
                    .iter()
                    .map(|(k, x)| (self.unordered(k), self.unordered(x)))
                    .collect();
                if !self.map_order {
                    pairs.sort();
                }
                Value::Map(pairs)
            }
            Value::Tag(t, inner) => Value::Tag(*t, Box::new(self.unordered(inner))),
            other => other.clone(),
        }
    }

    fn normalise_all(&self, xs: &[Value]) -> Vec<Value> {
        xs.iter().map(|x| self.normalise(x)).collect()
    }

    fn collection(
        &self,
        repr: CollectionRepr,
        xs: &[Value],
        native: fn(Vec<Value>) -> Value,
    ) -> Value {
        let mut items = self.normalise_all(xs);
        let is_set = native(Vec::new()) != Value::Tuple(Vec::new());
        if is_set && !self.set_order {
            items.sort();
        }
        match repr {
            CollectionRepr::Array => Value::Array(items),
            _ => native(items),
        }
    }

    fn normalise_float(&self, f: Float) -> Float {
        let repr = match f.width() {
            FloatWidth::F16 => self.f16,
            FloatWidth::F32 => self.f32,
            FloatWidth::F64 => self.f64,
        };
        match repr {
            FloatRepr::As(w) => f.widen(w),
            FloatRepr::No => f,
        }
    }

    /// What two codecs can both represent, and the normal form that makes
    /// their answers comparable: a value both support, normalised by this
    /// meet, is what both should agree on after normalising their own output
    /// with it.
    pub fn meet(&self, other: &Caps) -> Caps {
        let float = |a: FloatRepr, b: FloatRepr| match (a, b) {
            (FloatRepr::As(x), FloatRepr::As(y)) => FloatRepr::As(x.max(y)),
            _ => FloatRepr::No,
        };
        let coll = |a: CollectionRepr, b: CollectionRepr| match (a, b) {
            (CollectionRepr::No, _) | (_, CollectionRepr::No) => CollectionRepr::No,
            (CollectionRepr::Native, CollectionRepr::Native) => CollectionRepr::Native,
            _ => CollectionRepr::Array,
        };
        let keys = match (self.map_keys, other.map_keys) {
            (MapKeys::Text, _) | (_, MapKeys::Text) => MapKeys::Text,
            (MapKeys::Hashable, _) | (_, MapKeys::Hashable) => MapKeys::Hashable,
            _ => MapKeys::Any,
        };
        let dups = match (self.duplicates, other.duplicates) {
            (Duplicates::Unsupported, _) | (_, Duplicates::Unsupported) => Duplicates::Unsupported,
            (Duplicates::Kept, Duplicates::Kept) => Duplicates::Kept,
            _ => Duplicates::LastWins,
        };
        // Too many interpreted tags between them for one list: no tags.
        let interpreted = self.interpreted_tags.union(&other.interpreted_tags);
        let ext_codes = ExtCodes {
            min: self.ext_codes.min.max(other.ext_codes.min),
            max: self.ext_codes.max.min(other.ext_codes.max),
        };
        Caps {
            null: self.null && other.null,
            simple: self.simple && other.simple,
            bool: self.bool && other.bool,
            ints: IntRange {
                min: self.ints.min.max(other.ints.min),
                max: self.ints.max.min(other.ints.max),
                big: self.ints.big && other.ints.big,
            },
            f16: float(self.f16, other.f16),
            f32: float(self.f32, other.f32),
            f64: float(self.f64, other.f64),
            nan: self.nan && other.nan,
            nan_payload: self.nan_payload && other.nan_payload,
            infinity: self.infinity && other.infinity,
            text: self.text && other.text,
            bytes: self.bytes && other.bytes,
            array: self.array && other.array,
            map: self.map && other.map,
            map_keys: keys,
            map_order: self.map_order && other.map_order,
            duplicates: dups,
            tags: self.tags && other.tags && interpreted.is_some(),
            interpreted_tags: interpreted.unwrap_or_default(),
            ext: self.ext && other.ext && ext_codes.min <= ext_codes.max,
            ext_codes,
            timestamp_precision: self.timestamp_precision.max(other.timestamp_precision),
            tuple: coll(self.tuple, other.tuple),
            set: coll(self.set, other.set),
            frozenset: coll(self.frozenset, other.frozenset),
            set_order: self.set_order && other.set_order,
            max_depth: self.max_depth.min(other.max_depth),
        }
    }

    /// One line per capability, for `crossfmt codecs`.
    pub fn describe(&self) -> Vec<(&'static str, String)> {
        let yes = |b: bool| if b { "yes" } else { "no" }.to_string();
        let float = |r: FloatRepr| match r {
            FloatRepr::No => "no".to_string(),
            FloatRepr::As(w) => format!("as {w:?}").to_lowercase(),
        };
        let coll = |r: CollectionRepr| format!("{r:?}").to_lowercase();
        let ints = if self.ints.big {
            "any size".to_string()
        } else {
            format!("{}..={}", self.ints.min, self.ints.max)
        };
        vec![
            ("null", yes(self.null)),
            ("simple", yes(self.simple)),
            ("bool", yes(self.bool)),
            ("integers", ints),
            ("f16", float(self.f16)),
            ("f32", float(self.f32)),
            ("f64", float(self.f64)),
            ("nan", yes(self.nan)),
            ("nan payloads", yes(self.nan_payload)),
            ("infinity", yes(self.infinity)),
            ("text", yes(self.text)),
            ("bytes", yes(self.bytes)),
            ("array", yes(self.array)),
            ("map", yes(self.map)),
            ("map keys", format!("{:?}", self.map_keys).to_lowercase()),
            ("map order kept", yes(self.map_order)),
            (
                "duplicate keys",
                format!("{:?}", self.duplicates).to_lowercase(),
            ),
            ("tags", yes(self.tags)),
            (
                "tags interpreted",
                if self.interpreted_tags.is_empty() {
                    "none".to_string()
                } else {
                    format!("{:?}", self.interpreted_tags)
                },
            ),
            ("ext", yes(self.ext)),
            (
                "ext codes",
                format!("{}..={}", self.ext_codes.min, self.ext_codes.max),
            ),
            (
                "timestamps kept to",
                format!("{:?}", self.timestamp_precision).to_lowercase(),
            ),
            ("tuple", coll(self.tuple)),
            ("set", coll(self.set)),
            ("frozenset", coll(self.frozenset)),
            ("set order kept", yes(self.set_order)),
            ("max depth", self.max_depth.to_string()),
        ]
    }
}

/// Python's notion of hashable, which pickle-based codecs need for dict keys
/// and set members.
pub fn is_hashable(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(_) | Value::Int(_) | Value::BigInt(_) | Value::Float(_) => true,
        Value::Text(_) | Value::Bytes(_) => true,
        Value::Tuple(xs) | Value::FrozenSet(xs) => xs.iter().all(is_hashable),
        _ => false,
    }
}

/// [`is_hashable`], with arrays counted as the tuples they stand for when
/// `arrays_are_tuples`.
fn hashable_in(v: &Value, arrays_are_tuples: bool) -> bool {
    match v {
        Value::Array(xs) if arrays_are_tuples => xs.iter().all(|x| hashable_in(x, true)),
        Value::Tuple(xs) | Value::FrozenSet(xs) => {
            xs.iter().all(|x| hashable_in(x, arrays_are_tuples))
        }
        _ => is_hashable(v),
    }
}

/// Python's `==` on hashable values: numbers compare by value across bool,
/// int and float (`True == 1 == 1.0`, `-0.0 == 0.0`, NaN equal to nothing),
/// tuples element-wise; everything else exactly.
pub fn python_eq(a: &Value, b: &Value) -> bool {
    py_key(a) == py_key(b)
}

/// What Python's `==` compares of a hashable value: equal keys exactly when
/// the values are equal in Python, so that equal pairs are found by hashing
/// rather than by comparing every pair (a 65,537-key map took minutes).
#[derive(PartialEq, Eq, Hash)]
enum PyKey<'a> {
    Num(PyNum),
    Tuple(Vec<PyKey<'a>>),
    Other(&'a Value),
}

fn py_key(v: &Value) -> PyKey<'_> {
    match (python_number(v), v) {
        (Some(n), _) => PyKey::Num(n),
        (None, Value::Tuple(xs)) => PyKey::Tuple(xs.iter().map(py_key).collect()),
        (None, _) => PyKey::Other(v),
    }
}

/// A number as an exact rational-free key: integers as themselves, integral
/// floats as the integer they equal, other floats by value bits; NaN as `None`
/// of equality (never equal).
#[derive(PartialEq, Eq, Hash)]
enum PyNum {
    Int(i128),
    Big(num_bigint::BigInt),
    Float(u64),
    NaN(usize),
}

fn python_number(v: &Value) -> Option<PyNum> {
    use num_bigint::BigInt;
    use num_traits::ToPrimitive;
    // i128 when it fits, so that the common case allocates nothing; a big
    // integer never fits (the Value invariant), an integral float may.
    let int = |b: BigInt| b.to_i128().map_or(PyNum::Big(b), PyNum::Int);
    Some(match v {
        Value::Bool(b) => PyNum::Int(i128::from(*b)),
        Value::Int(i) => PyNum::Int(*i),
        Value::BigInt(b) => PyNum::Big(b.clone()),
        Value::Float(f) => {
            let x = f.to_f64();
            if x.is_nan() {
                // Distinct per occurrence: NaN is never equal, even to itself.
                PyNum::NaN(v as *const Value as usize)
            } else if x.is_finite() && x.fract() == 0.0 {
                int(num_traits::FromPrimitive::from_f64(x)?)
            } else {
                PyNum::Float((x + 0.0).to_bits())
            }
        }
        _ => return None,
    })
}

/// The first pair of Python-equal values; with `identical_too` false, pairs
/// that are exactly equal (plain duplicates) are passed over.
fn python_equal_pair<'a>(
    items: impl Iterator<Item = &'a Value>,
    identical_too: bool,
) -> Option<(&'a Value, &'a Value)> {
    let mut groups: std::collections::HashMap<PyKey<'a>, Vec<&'a Value>> = Default::default();
    let mut order = Vec::new();
    for v in items {
        let members = groups.entry(py_key(v)).or_default();
        if members.is_empty() {
            order.push(v);
        }
        members.push(v);
    }
    // In the order each group first showed, as a pairwise scan finds them.
    order.into_iter().find_map(|first| {
        let members = &groups[&py_key(first)];
        members[1..]
            .iter()
            .find(|b| identical_too || first != **b)
            .map(|b| (first, *b))
    })
}

/// Whether two pairs of `kvs` have exactly equal keys.
pub fn has_duplicate_keys(kvs: &[(Value, Value)]) -> bool {
    let mut keys: Vec<&Value> = kvs.iter().map(|(k, _)| k).collect();
    keys.sort();
    keys.windows(2).any(|w| w[0] == w[1])
}

/// Keeps the last pair of each key, at the position of the key's first
/// occurrence (Python's dict semantics).
fn last_wins(pairs: Vec<(Value, Value)>) -> Vec<(Value, Value)> {
    let mut out: Vec<(Value, Value)> = Vec::with_capacity(pairs.len());
    let mut at: std::collections::HashMap<Value, usize> = Default::default();
    for (k, v) in pairs {
        match at.get(&k) {
            Some(&i) => out[i].1 = v,
            None => {
                at.insert(k.clone(), out.len());
                out.push((k, v));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timestamp_finer_than_the_declared_precision_is_outside_the_model() {
        let ts = |nanos: u32, secs: u64| {
            Value::Ext(-1, ((u64::from(nanos) << 34) | secs).to_be_bytes().to_vec())
        };
        let us = Caps {
            timestamp_precision: TimestampPrecision::Us,
            ..Caps::ALL
        };
        assert!(us.supports(&ts(123_000, 1)));
        assert!(us.supports(&Value::Ext(-1, vec![0, 0, 0, 1])));
        let why = us
            .unsupported(&ts(123_456, 1))
            .expect("finer than microseconds");
        assert!(why.starts_with("ext"), "{why}");
        assert!(Caps::ALL.supports(&ts(123_456, 1)));
        let mut twelve = 999_999_999u32.to_be_bytes().to_vec();
        twelve.extend(7i64.to_be_bytes());
        assert!(!us.supports(&Value::Ext(-1, twelve)));
        assert!(
            us.supports(&Value::Ext(5, vec![1, 2, 3])),
            "other ext codes are not timestamps"
        );
        assert_eq!(
            us.meet(&Caps::ALL).timestamp_precision,
            TimestampPrecision::Us
        );
        let json: Caps =
            serde_json::from_str(r#"{"ext": true, "timestamp_precision": "ms", "max_depth": 2}"#)
                .unwrap();
        assert_eq!(json.timestamp_precision, TimestampPrecision::Ms);
        assert!(!serde_json::to_string(&Caps::ALL)
            .unwrap()
            .contains("timestamp_precision"));
    }

    fn json_like() -> Caps {
        Caps {
            null: true,
            bool: true,
            ints: IntRange::I64_U64,
            f32: FloatRepr::As(FloatWidth::F64),
            f64: FloatRepr::As(FloatWidth::F64),
            text: true,
            array: true,
            map: true,
            map_keys: MapKeys::Text,
            duplicates: Duplicates::LastWins,
            tuple: CollectionRepr::Array,
            max_depth: 100,
            ..Caps::NONE
        }
    }

    #[test]
    fn unsupported_names_the_node() {
        let c = json_like();
        let v = Value::Array(vec![Value::Null, Value::Bytes(vec![1])]);
        assert_eq!(c.unsupported(&v).unwrap(), "bytes h'01'");
        assert!(c.unsupported(&Value::f64(f64::NAN)).is_some());
        assert!(c.supports(&Value::f32(1.5)));
        let bad_key = Value::Map(vec![(Value::from(1i64), Value::Null)]);
        assert!(c.unsupported(&bad_key).unwrap().contains("map key"));
    }

    #[test]
    fn normalise_applies_declared_conversions_only() {
        let c = json_like();
        let v = Value::Map(vec![
            (Value::text("b"), Value::Tuple(vec![Value::f32(1.5)])),
            (Value::text("a"), Value::Null),
            (Value::text("b"), Value::from(2i64)),
        ]);
        let expected = Value::Map(vec![
            (Value::text("a"), Value::Null),
            (Value::text("b"), Value::from(2i64)),
        ]);
        assert_eq!(c.normalise(&v), expected);
        assert_eq!(Caps::ALL.normalise(&v), v);
    }

    #[test]
    fn python_equality_and_set_order() {
        let py = Caps {
            map_keys: MapKeys::Hashable,
            duplicates: Duplicates::LastWins,
            set_order: false,
            ..Caps::ALL
        };
        let one = Value::from(1i64);
        let keys = Value::Map(vec![
            (one.clone(), Value::Null),
            (Value::f64(1.0), Value::Null),
        ]);
        assert!(py.unsupported(&keys).is_some());
        assert!(Caps::ALL.supports(&keys));
        let dup = Value::Map(vec![(one.clone(), Value::Null), (one.clone(), Value::Null)]);
        assert!(
            py.supports(&dup),
            "exact duplicates follow the duplicates policy"
        );
        let set = Value::Set(vec![Value::Bool(true), one.clone()]);
        assert!(py.unsupported(&set).unwrap().contains("equal in Python"));
        let nans = Value::Set(vec![Value::f64(f64::NAN), Value::f64(f64::NAN)]);
        assert!(py.supports(&nans), "NaN is never equal, not even to itself");
        assert!(python_eq(&Value::f64(-0.0), &Value::from(0i64)));
        assert!(!python_eq(&Value::f64(0.5), &Value::from(0i64)));
        let unordered = Value::Set(vec![Value::from(2i64), one.clone()]);
        assert_eq!(
            py.normalise(&unordered),
            Value::Set(vec![one, Value::from(2i64)])
        );
    }

    #[test]
    fn meet_is_the_stricter_of_both() {
        let m = Caps::ALL.meet(&json_like());
        assert!(!m.bytes);
        assert_eq!(m.tuple, CollectionRepr::Array);
        assert_eq!(m.f32, FloatRepr::As(FloatWidth::F64));
        assert_eq!(m.f16, FloatRepr::No);
    }

    #[test]
    fn interpreted_tags_are_outside_the_model_and_meet_as_a_union() {
        let cbor2 = Caps {
            interpreted_tags: TagList::new(&[256, 25]).unwrap(),
            ..Caps::ALL
        };
        let tagged = |t| Value::Tag(t, Box::new(Value::Null));
        assert!(cbor2.unsupported(&tagged(256)).is_some());
        assert!(cbor2.supports(&tagged(24)));
        let other = Caps {
            interpreted_tags: TagList::new(&[1]).unwrap(),
            ..Caps::ALL
        };
        let m = cbor2.meet(&other);
        assert_eq!(m.interpreted_tags.as_slice(), [1, 25, 256]);
        assert!(m.tags);
        // More than one list holds: no tags at all in the meet.
        let many: Vec<u64> = (100..100 + TagList::CAPACITY as u64).collect();
        let full = Caps {
            interpreted_tags: TagList::new(&many).unwrap(),
            ..Caps::ALL
        };
        assert!(!full.meet(&cbor2).tags);
        assert!(TagList::new(&(0..25).collect::<Vec<u64>>()).is_err());
    }

    #[test]
    fn interpreted_tags_as_json() {
        let c: Caps =
            serde_json::from_str(r#"{"tags": true, "interpreted_tags": [256, 1], "max_depth": 3}"#)
                .unwrap();
        assert_eq!(c.interpreted_tags.as_slice(), [1, 256]);
        let back = serde_json::to_value(c).unwrap();
        assert_eq!(back["interpreted_tags"], serde_json::json!([1, 256]));
        // Absent when empty.
        assert!(serde_json::to_value(Caps::ALL)
            .unwrap()
            .get("interpreted_tags")
            .is_none());
    }

    #[test]
    fn ext_codes_bound_the_model_and_meet_as_an_intersection() {
        let positive = Caps {
            ext_codes: ExtCodes { min: 0, max: 127 },
            ..Caps::ALL
        };
        assert!(positive.supports(&Value::Ext(5, vec![1])));
        assert!(positive.unsupported(&Value::Ext(-1, vec![0; 4])).is_some());
        let negative = Caps {
            ext_codes: ExtCodes { min: -128, max: -1 },
            ..Caps::ALL
        };
        // Nothing in common: no ext at all.
        assert!(!positive.meet(&negative).ext);
        let c: Caps = serde_json::from_str(
            r#"{"ext": true, "ext_codes": {"min": 0, "max": 127}, "max_depth": 2}"#,
        )
        .unwrap();
        assert_eq!(c.ext_codes, ExtCodes { min: 0, max: 127 });
        let d: Caps = serde_json::from_str(r#"{"ext": true, "max_depth": 2}"#).unwrap();
        assert_eq!(d.ext_codes, ExtCodes::ALL);
    }

    #[test]
    fn array_keys_are_hashable_where_tuples_come_back_as_arrays() {
        let key = Value::Array(vec![Value::Int(1), Value::text("a")]);
        let map = Value::Map(vec![(key, Value::Null)]);
        let arrays = Caps {
            map_keys: MapKeys::Hashable,
            tuple: CollectionRepr::Array,
            ..Caps::ALL
        };
        assert!(arrays.supports(&map), "{:?}", arrays.unsupported(&map));
        let native = Caps {
            tuple: CollectionRepr::Native,
            ..arrays
        };
        assert!(native.unsupported(&map).is_some());
        // An array holding a list is no tuple of hashables.
        let nested = Value::Map(vec![(
            Value::Array(vec![Value::Map(Vec::new())]),
            Value::Null,
        )]);
        assert!(arrays.unsupported(&nested).is_some());
    }
}
