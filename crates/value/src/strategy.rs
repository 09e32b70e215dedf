//! proptest strategies for [`Value`].
//!
//! [`value_for`] builds values a codec can encode by *construction* from its
//! [`Caps`], not by filtering arbitrary values: a JSON-like codec would reject
//! almost every arbitrary value (one byte string anywhere sinks the lot), and
//! proptest gives up after too many rejections. The final `prop_filter` is a
//! safety net that should never fire; a test checks the unfiltered generator.
//!
//! Depth is built level by level rather than with `prop_recursive`, because
//! map keys and set members come from their own strategies (text only,
//! hashable only) and must still respect the depth budget exactly.

use crate::caps::{python_eq, Caps, CollectionRepr, Duplicates, FloatRepr, MapKeys};
use crate::value::{is_reserved_tag, tags, Float, FloatWidth, Value};
use num_bigint::{BigInt, Sign};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{select, Index};
use proptest::strategy::Union;

/// Deepest value generated ([`Value::depth`]): four levels of containers
/// around a scalar. Deeper trees add size faster than they add bugs found.
pub const MAX_GENERATED_DEPTH: usize = 5;

/// Most elements (or pairs) in one generated container.
const MAX_CHILDREN: usize = 8;

/// Every variant, including NaN payloads, big integers, reserved-looking tag
/// numbers on other content, duplicate and non-text map keys.
pub fn any_value() -> impl Strategy<Value = Value> {
    value_for(&Caps::ALL)
}

/// Whether `caps` supports any value at all (a scalar or an empty
/// container within its depth): when not, [`value_for`] has nothing to
/// generate.
pub fn generates(caps: &Caps) -> bool {
    caps.max_depth >= 1 && (leaves(caps).is_some() || !empty_containers(caps).is_empty())
}

/// Values `caps` supports (`caps.supports(&v)` holds for every one).
///
/// # Panics
///
/// When `caps` supports no value at all (not even an empty container; see
/// [`generates`]).
pub fn value_for(caps: &Caps) -> impl Strategy<Value = Value> {
    let caps = *caps;
    unfiltered(&caps).prop_filter(
        "generated value not supported by caps (strategy bug)",
        move |v| caps.supports(v) && v.is_well_formed(),
    )
}

/// The generator without the safety net, so a test can check that the net is
/// never needed.
pub(crate) fn unfiltered(caps: &Caps) -> BoxedStrategy<Value> {
    let depth = caps.max_depth.min(MAX_GENERATED_DEPTH);
    assert!(
        depth >= 1,
        "value_for: caps.max_depth is 0, no value is supported"
    );
    let leaves = leaves(caps);
    let mut level = match &leaves {
        Some(l) => l.clone(),
        None => {
            // No scalar at all: only empty containers are left.
            let empties = empty_containers(caps);
            assert!(
                !empties.is_empty(),
                "value_for: caps support no value at all"
            );
            select(empties).boxed()
        }
    };
    let mut keys = key_leaves(caps);
    for _ in 1..depth {
        let next_keys = key_level(caps, keys.clone());
        let mut arms = Vec::new();
        if let Some(l) = &leaves {
            arms.push((7, l.clone()));
        }
        arms.extend(containers(caps, &level, keys.as_ref()));
        level = Union::new_weighted(arms).boxed();
        keys = match caps.map_keys {
            MapKeys::Any => Some(level.clone()),
            _ => next_keys,
        };
    }
    level
}

/// Values allowed as a map key (or set member) one level up from `inner`:
/// for hashable keys, tuples and frozensets of hashable values.
fn key_level(caps: &Caps, inner: Option<BoxedStrategy<Value>>) -> Option<BoxedStrategy<Value>> {
    if caps.map_keys != MapKeys::Hashable {
        return inner;
    }
    let inner = inner?;
    let mut arms = vec![(4, inner.clone())];
    if caps.tuple != CollectionRepr::No {
        arms.push((1, vec(inner.clone(), 0..=3).prop_map(Value::Tuple).boxed()));
    }
    if caps.frozenset != CollectionRepr::No {
        let members = vec(inner, 0..=3).prop_map(|xs| Value::FrozenSet(python_distinct(xs)));
        arms.push((1, members.boxed()));
    }
    Some(Union::new_weighted(arms).boxed())
}

/// Depth-1 keys, by `caps.map_keys`.
fn key_leaves(caps: &Caps) -> Option<BoxedStrategy<Value>> {
    match caps.map_keys {
        MapKeys::Any => leaves(caps),
        MapKeys::Text => caps.text.then(|| text().prop_map(Value::Text).boxed()),
        MapKeys::Hashable => {
            let hashable = Caps {
                simple: false,
                tags: false,
                ext: false,
                ..*caps
            };
            leaves(&hashable)
        }
    }
}

fn empty_containers(caps: &Caps) -> Vec<Value> {
    let mut out = Vec::new();
    if caps.array {
        out.push(Value::Array(vec![]));
    }
    if caps.map {
        out.push(Value::Map(vec![]));
    }
    if caps.tuple != CollectionRepr::No {
        out.push(Value::Tuple(vec![]));
    }
    if caps.set != CollectionRepr::No {
        out.push(Value::Set(vec![]));
    }
    if caps.frozenset != CollectionRepr::No {
        out.push(Value::FrozenSet(vec![]));
    }
    out
}

fn containers(
    caps: &Caps,
    inner: &BoxedStrategy<Value>,
    keys: Option<&BoxedStrategy<Value>>,
) -> Vec<(u32, BoxedStrategy<Value>)> {
    // Mostly small containers, sometimes full ones: generation time grows
    // with the node count, and the bugs we hunt rarely need wide nodes.
    let sized = |s: BoxedStrategy<Value>| prop_oneof![3 => vec(s.clone(), 0..=3), 1 => vec(s, 0..=MAX_CHILDREN)];
    let items = || sized(inner.clone());
    // Set members must be hashable like dict keys (see `Caps::unsupported`);
    // with no possible key only the empty set remains.
    let members = || match keys {
        Some(k) => sized(k.clone()).boxed(),
        None => Just(vec![]).boxed(),
    };
    let mut arms = Vec::new();
    if caps.array {
        arms.push((2, items().prop_map(Value::Array).boxed()));
    }
    if caps.map {
        let pairs = match keys {
            Some(k) => {
                let pair = (k.clone(), inner.clone());
                prop_oneof![3 => vec(pair.clone(), 0..=3), 1 => vec(pair, 0..=MAX_CHILDREN)].boxed()
            }
            None => Just(vec![]).boxed(),
        };
        let dups = caps.duplicates;
        let python = caps.map_keys == MapKeys::Hashable;
        let map = (pairs, any::<Option<(Index, Index)>>()).prop_map(move |(mut kvs, dup)| {
            match dups {
                // Copying one key over another is the cheap way to make
                // duplicates common rather than a coincidence.
                Duplicates::Kept | Duplicates::LastWins => {
                    if let (Some((from, to)), false) = (dup, kvs.is_empty()) {
                        let k = kvs[from.index(kvs.len())].0.clone();
                        let to = to.index(kvs.len());
                        kvs[to].0 = k;
                    }
                }
                // Coincidental duplicates (two `null` keys) must go.
                Duplicates::Unsupported => {
                    let mut seen: Vec<Value> = Vec::new();
                    kvs.retain(|(k, _)| {
                        let new = !seen.contains(k);
                        if new {
                            seen.push(k.clone());
                        }
                        new
                    });
                }
            }
            if python {
                // A dict cannot hold keys that are equal in Python but
                // different here (`1` and `1.0`); exact duplicates stay.
                let mut kept: Vec<(Value, Value)> = Vec::with_capacity(kvs.len());
                for (k, v) in kvs {
                    if !kept.iter().any(|(o, _)| o != &k && python_eq(o, &k)) {
                        kept.push((k, v));
                    }
                }
                kvs = kept;
            }
            Value::Map(kvs)
        });
        arms.push((2, map.boxed()));
    }
    if caps.tags {
        let numbers = prop_oneof![
            select(vec![
                0u64,
                1,
                tags::POS_BIGNUM,
                tags::NEG_BIGNUM,
                23,
                24,
                255,
                256,
                tags::SET,
                65535,
                tags::TUPLE,
                tags::FROZENSET,
                tags::EXT,
                u32::MAX as u64,
                u64::MAX
            ]),
            any::<u64>(),
        ];
        let interpreted = caps.interpreted_tags;
        let tag = (numbers, inner.clone()).prop_map(move |(t, v)| {
            // A reserved number on its own content shape would spell another
            // variant, and one the codec interprets is outside its model;
            // move it far away instead of rejecting.
            let t = if is_reserved_tag(t, &v) || interpreted.contains(t) {
                t | 1 << 63
            } else {
                t
            };
            Value::Tag(t, Box::new(v))
        });
        arms.push((1, tag.boxed()));
    }
    if caps.tuple != CollectionRepr::No {
        arms.push((1, items().prop_map(Value::Tuple).boxed()));
    }
    // Python sets hold no two equal members (`1`, `1.0`, `True`).
    let python = caps.map_keys == MapKeys::Hashable;
    let distinct = move |xs: Vec<Value>| if python { python_distinct(xs) } else { xs };
    if caps.set != CollectionRepr::No {
        arms.push((
            1,
            members()
                .prop_map(move |xs| Value::Set(distinct(xs)))
                .boxed(),
        ));
    }
    if caps.frozenset != CollectionRepr::No {
        let members = members().prop_map(move |xs| Value::FrozenSet(distinct(xs)));
        arms.push((1, members.boxed()));
    }
    arms
}

/// Keeps the first of each group of Python-equal values.
fn python_distinct(xs: Vec<Value>) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::with_capacity(xs.len());
    for x in xs {
        if !out.iter().any(|o| python_eq(o, &x)) {
            out.push(x);
        }
    }
    out
}

/// All scalars `caps` supports, or `None` if none is.
fn leaves(caps: &Caps) -> Option<BoxedStrategy<Value>> {
    let mut arms: Vec<(u32, BoxedStrategy<Value>)> = Vec::new();
    if caps.null {
        arms.push((1, Just(Value::Null).boxed()));
    }
    if caps.bool {
        arms.push((1, any::<bool>().prop_map(Value::Bool).boxed()));
    }
    if caps.simple {
        // 20..=22 are false/true/null and 24..=31 are not valid CBOR simple
        // values; `Value::Simple` holds neither.
        arms.push((
            1,
            prop_oneof![0u8..=19, Just(23u8), 32u8..=255]
                .prop_map(Value::Simple)
                .boxed(),
        ));
    }
    if let Some(ints) = integers(caps) {
        arms.push((4, ints));
    }
    for (width, repr) in [
        (FloatWidth::F16, caps.f16),
        (FloatWidth::F32, caps.f32),
        (FloatWidth::F64, caps.f64),
    ] {
        if repr != FloatRepr::No {
            arms.push((2, floats(caps, width)));
        }
    }
    if caps.text {
        arms.push((3, text().prop_map(Value::Text).boxed()));
    }
    if caps.bytes {
        arms.push((2, vec(any::<u8>(), 0..=16).prop_map(Value::Bytes).boxed()));
    }
    if caps.ext {
        let codes = caps.ext_codes;
        let other = (codes.min..=codes.max, vec(any::<u8>(), 0..=16))
            .prop_map(|(t, d)| Value::Ext(t, d))
            .boxed();
        let ext = if codes.contains(crate::value::EXT_TIMESTAMP) {
            let unit = caps.timestamp_precision.unit_nanos();
            let timestamp = if unit == 1 {
                prop_oneof![
                    vec(any::<u8>(), 4..=4),
                    vec(any::<u8>(), 8..=8),
                    vec(any::<u8>(), 12..=12)
                ]
                .boxed()
            } else {
                // Nanoseconds in whole units of the declared precision.
                let units = 0..1_000_000_000 / unit;
                prop_oneof![
                    vec(any::<u8>(), 4..=4),
                    (units.clone(), 0u64..1 << 34).prop_map(move |(n, secs)| {
                        ((u64::from(n * unit) << 34) | secs).to_be_bytes().to_vec()
                    }),
                    (units, any::<i64>()).prop_map(move |(n, secs)| {
                        let mut d = (n * unit).to_be_bytes().to_vec();
                        d.extend(secs.to_be_bytes());
                        d
                    })
                ]
                .boxed()
            }
            .prop_map(|d| Value::Ext(crate::value::EXT_TIMESTAMP, d));
            prop_oneof![timestamp, other].boxed()
        } else {
            other
        };
        arms.push((1, ext));
    }
    (!arms.is_empty()).then(|| Union::new_weighted(arms).boxed())
}

/// Integers within `caps.ints`, concentrated on the boundaries where
/// encodings change width or sign handling.
fn integers(caps: &Caps) -> Option<BoxedStrategy<Value>> {
    let r = caps.ints;
    let (min, max) = if r.big {
        (i128::MIN, i128::MAX)
    } else {
        (r.min, r.max)
    };
    if min > max {
        return None;
    }
    let mut edges: Vec<i128> = vec![
        0,
        1,
        -1,
        10,
        -10,
        23,
        24,
        -24,
        -25,
        i128::MIN,
        i128::MAX,
        min,
        max,
    ];
    for n in [7, 8, 15, 16, 31, 32, 63, 64] {
        for base in [1i128 << n, -(1i128 << n)] {
            edges.extend([base - 1, base, base + 1]);
        }
    }
    edges.retain(|i| (min..=max).contains(i));
    edges.sort_unstable();
    edges.dedup();
    let mut arms = vec![
        (3, select(edges).prop_map(Value::Int).boxed()),
        (2, (min..=max).prop_map(Value::Int).boxed()),
        (
            2,
            (min.max(-1000)..=max.min(1000))
                .prop_map(Value::Int)
                .boxed(),
        ),
    ];
    if r.big {
        // Beyond i128 on either side, from just past the edge to ~300 bits.
        let beyond = (any::<bool>(), vec(any::<u8>(), 0..=24)).prop_map(|(neg, bytes)| {
            let past: BigInt =
                BigInt::from(i128::MAX) + 1 + BigInt::from_bytes_be(Sign::Plus, &bytes);
            // -past alone would reach i128::MIN, which is still an Int.
            Value::integer(if neg { -past - 1 } else { past })
        });
        arms.push((2, beyond.boxed()));
    }
    Some(Union::new_weighted(arms).boxed())
}

/// Floats of one width: the special bit patterns, arbitrary bits and
/// ordinary values, each mapped (not filtered) into what `caps` allows.
fn floats(caps: &Caps, width: FloatWidth) -> BoxedStrategy<Value> {
    let specials: Vec<Float> = match width {
        FloatWidth::F16 => [
            0x0000u16, 0x8000, 0x7c00, 0xfc00, 0x7e00, 0xfe00, 0x7e01, 0x7c01, 0x7dff, 0xffff,
            0x0001, 0x8001, 0x03ff, 0x0400, 0x7bff, 0xfbff, 0x3c00, 0x3555,
        ]
        .into_iter()
        .map(Float::F16)
        .collect(),
        FloatWidth::F32 => [
            0u32,
            0x8000_0000,
            0x7f80_0000,
            0xff80_0000,
            0x7fc0_0000,
            0xffc0_0000,
            0x7fc0_0001,
            0x7f80_0001,
            0x7fbf_ffff,
            0xffff_ffff,
            0x0000_0001,
            0x007f_ffff,
            0x0080_0000,
            0x7f7f_ffff,
            0xff7f_ffff,
            0x3f80_0000,
            0x3dcc_cccd,
        ]
        .into_iter()
        .map(Float::F32)
        .collect(),
        FloatWidth::F64 => [
            0u64,
            1 << 63,
            0x7ff0_0000_0000_0000,
            0xfff0_0000_0000_0000,
            0x7ff8_0000_0000_0000,
            0xfff8_0000_0000_0000,
            0x7ff8_0000_0000_0001,
            0x7ff0_0000_0000_0001,
            0x7ff7_ffff_ffff_ffff,
            u64::MAX,
            1,
            0x000f_ffff_ffff_ffff,
            0x0010_0000_0000_0000,
            0x7fef_ffff_ffff_ffff,
            0xffef_ffff_ffff_ffff,
            0x3ff0_0000_0000_0000,
            0.1f64.to_bits(),
        ]
        .into_iter()
        .map(Float::F64)
        .collect(),
    };
    let bits: BoxedStrategy<Float> = match width {
        FloatWidth::F16 => any::<u16>().prop_map(Float::F16).boxed(),
        FloatWidth::F32 => any::<u32>().prop_map(Float::F32).boxed(),
        FloatWidth::F64 => any::<u64>().prop_map(Float::F64).boxed(),
    };
    // Short decimals, the values people actually store.
    let ordinary = (-100_000i32..100_000, 0u32..4).prop_map(move |(m, scale)| {
        let x = f64::from(m) / 10f64.powi(scale as i32);
        match width {
            FloatWidth::F16 => Float::from_f16(half::f16::from_f64(x)),
            FloatWidth::F32 => Float::from_f32(x as f32),
            FloatWidth::F64 => Float::from_f64(x),
        }
    });
    let caps = *caps;
    prop_oneof![select(specials), bits, ordinary]
        .prop_map(move |f| Value::Float(allowed_float(&caps, f)))
        .boxed()
}

/// The nearest thing to `f` that `caps` allows: a payload NaN becomes the
/// canonical NaN, and a NaN or infinity that is not allowed becomes finite by
/// clearing the lowest exponent bit.
fn allowed_float(caps: &Caps, f: Float) -> Float {
    let f = if f.is_nan_with_payload() && !caps.nan_payload {
        f.width().canonical_nan()
    } else {
        f
    };
    if (f.is_nan() && !caps.nan) || (f.is_infinite() && !caps.infinity) {
        match f {
            Float::F16(b) => Float::F16(b & !0x0400),
            Float::F32(b) => Float::F32(b & !0x0080_0000),
            Float::F64(b) => Float::F64(b & !0x0010_0000_0000_0000),
        }
    } else {
        f
    }
}

/// Text mixing arbitrary code points with the ones that break codecs and
/// printers: NUL and other controls, astral (surrogate pairs in UTF-16),
/// combining marks, noncharacters, BOM, line separators.
fn text() -> BoxedStrategy<String> {
    let tricky = select(vec![
        '\0',
        '\u{1}',
        '\n',
        '\t',
        '"',
        '\\',
        '/',
        '\'',
        '\u{7f}',
        '\u{80}',
        '\u{9f}',
        'é',
        '\u{301}',
        '\u{200d}',
        '\u{2028}',
        '\u{202e}',
        '\u{feff}',
        '\u{fffd}',
        '\u{fffe}',
        '\u{ffff}',
        '😀',
        '\u{1f3fb}',
        '\u{10ffff}',
        '\u{e000}',
    ]);
    let ch = prop_oneof![4 => proptest::char::range(' ', '~'), 2 => any::<char>(), 2 => tricky];
    vec(ch, 0..=12)
        .prop_map(|cs| cs.into_iter().collect())
        .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::caps::IntRange;
    use proptest::test_runner::{Config, TestRunner};

    fn json_like() -> Caps {
        Caps {
            null: true,
            bool: true,
            ints: IntRange::I64_U64,
            f64: FloatRepr::As(FloatWidth::F64),
            text: true,
            array: true,
            map: true,
            map_keys: MapKeys::Text,
            duplicates: Duplicates::Unsupported,
            max_depth: 100,
            ..Caps::NONE
        }
    }

    fn pickle_like() -> Caps {
        Caps {
            null: true,
            bool: true,
            ints: IntRange::UNBOUNDED,
            f64: FloatRepr::As(FloatWidth::F64),
            nan: true,
            infinity: true,
            text: true,
            bytes: true,
            array: true,
            map: true,
            map_keys: MapKeys::Hashable,
            map_order: true,
            duplicates: Duplicates::LastWins,
            tuple: CollectionRepr::Native,
            set: CollectionRepr::Native,
            frozenset: CollectionRepr::Native,
            max_depth: 3,
            ..Caps::NONE
        }
    }

    fn msgpack_like() -> Caps {
        Caps {
            null: true,
            bool: true,
            ints: IntRange::I64_U64,
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
            duplicates: Duplicates::Kept,
            ext: true,
            max_depth: 64,
            ..Caps::NONE
        }
    }

    /// Runs the unfiltered generator so that a generator bug shows here
    /// instead of being hidden by `value_for`'s safety filter.
    fn assert_generates_supported(caps: Caps) {
        let mut runner = TestRunner::new(Config {
            cases: 500,
            ..Config::default()
        });
        runner
            .run(&unfiltered(&caps), |v| {
                prop_assert!(v.is_well_formed(), "not well-formed: {v:?}");
                prop_assert!(caps.supports(&v), "{:?} for {v:?}", caps.unsupported(&v));
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn generated_values_are_supported() {
        for caps in [Caps::ALL, json_like(), pickle_like(), msgpack_like()] {
            assert_generates_supported(caps);
        }
    }

    #[test]
    fn only_empty_containers_when_no_scalar_is_supported() {
        let caps = Caps {
            array: true,
            map: true,
            map_keys: MapKeys::Text,
            max_depth: 3,
            ..Caps::NONE
        };
        assert_generates_supported(caps);
    }

    /// The generator should reach what it promises, not just stay in bounds.
    #[test]
    fn any_value_covers_the_interesting_cases() {
        let mut runner = TestRunner::deterministic();
        let strategy = unfiltered(&Caps::ALL);
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..3000 {
            let v = strategy.new_tree(&mut runner).unwrap().current();
            v.any(&mut |n| {
                seen.insert(n.kind());
                match n {
                    Value::Float(f) if f.is_nan_with_payload() => seen.insert("nan payload"),
                    Value::Float(f) if f.is_neg_zero() => seen.insert("-0.0"),
                    Value::BigInt(_) => seen.insert("bigint"),
                    Value::Map(kvs) if crate::caps::has_duplicate_keys(kvs) => {
                        seen.insert("duplicate keys")
                    }
                    Value::Map(kvs) if kvs.iter().any(|(k, _)| !matches!(k, Value::Text(_))) => {
                        seen.insert("non-text key")
                    }
                    Value::Text(s) if s.contains('\0') => seen.insert("NUL"),
                    Value::Text(s) if s.chars().any(|c| c > '\u{ffff}') => seen.insert("astral"),
                    _ => false,
                };
                false
            });
        }
        let extras = [
            "nan payload",
            "-0.0",
            "bigint",
            "duplicate keys",
            "non-text key",
            "NUL",
            "astral",
        ];
        for want in Value::KINDS.into_iter().chain(extras) {
            assert!(seen.contains(want), "never generated: {want}");
        }
    }
}
