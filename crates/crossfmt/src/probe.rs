//! Stress probes: values shaped to load an encoder — nested deep, wide, or
//! long — built for each codec from its own declared [`Caps`].
//!
//! The corpus holds values people picked; none of them asks an encoder to
//! write a 10,000-deep list or a 4 MiB string, so an encoder that recurses
//! without a bound or truncates a length header is never found by it. A
//! probe is named, not stored: its value depends on the codec (how deep
//! it declares it goes, which scalars and keys it holds), so the name is
//! the input a finding records and a repro command passes
//! (`crossfmt check stress --probe deep-array/10000`), and the value is
//! built again from the codec's caps wherever it is needed.
//!
//! Sizes sit at the edges formats change encoding at: one past 2^16 (the
//! 16-bit length headers of MessagePack and CBOR), exactly the declared
//! depth and one past it, and far past both. [`crate::check::stress`]
//! judges them.

use crate::caps::MapKeys;
use crate::{Caps, Value};
use std::fmt;

/// What a probe builds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Shape {
    /// Arrays nested in arrays, the innermost empty.
    DeepArray,
    /// Maps of one pair nested in maps, the innermost empty.
    DeepMap,
    /// One array of many scalars.
    WideArray,
    /// One map of many pairs with distinct keys.
    WideMap,
    /// One long text, ASCII mixed with 2-, 3- and 4-byte UTF-8.
    LongText,
    /// One long byte string.
    LongBytes,
}

/// How big a probe is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Size {
    /// Exactly the codec's declared `max_depth`.
    AtLimit,
    /// One past the codec's declared `max_depth`.
    PastLimit,
    /// This many: nesting levels for a deep shape, items for a wide one,
    /// UTF-8 or raw bytes for a long one.
    Fixed(usize),
}

/// One stress probe: a shape at a size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Probe {
    /// Its stable name (`deep-array/10000`): case names, known-findings
    /// entries and `--probe` use it.
    pub name: &'static str,
    /// What it builds.
    pub shape: Shape,
    /// How big.
    pub size: Size,
}

/// One past the largest length a 16-bit header holds.
const PAST_U16: usize = (1 << 16) + 1;
/// Nesting far beyond any declared limit: what an encoder that recurses
/// without a bound meets first in the wild.
const FAR_DEPTH: usize = 10_000;
/// A long payload: far past every length boundary a test can afford.
const FAR_LEN: usize = 4 << 20;

/// Every probe, in the order runs list them.
pub const PROBES: [Probe; 12] = [
    probe("deep-array/at-limit", Shape::DeepArray, Size::AtLimit),
    probe("deep-array/past-limit", Shape::DeepArray, Size::PastLimit),
    probe("deep-array/10000", Shape::DeepArray, Size::Fixed(FAR_DEPTH)),
    probe("deep-map/at-limit", Shape::DeepMap, Size::AtLimit),
    probe("deep-map/past-limit", Shape::DeepMap, Size::PastLimit),
    probe("deep-map/10000", Shape::DeepMap, Size::Fixed(FAR_DEPTH)),
    probe("wide-array/65537", Shape::WideArray, Size::Fixed(PAST_U16)),
    probe("wide-map/65537", Shape::WideMap, Size::Fixed(PAST_U16)),
    probe("long-text/65537", Shape::LongText, Size::Fixed(PAST_U16)),
    probe("long-text/4MiB", Shape::LongText, Size::Fixed(FAR_LEN)),
    probe("long-bytes/65537", Shape::LongBytes, Size::Fixed(PAST_U16)),
    probe("long-bytes/4MiB", Shape::LongBytes, Size::Fixed(FAR_LEN)),
];

const fn probe(name: &'static str, shape: Shape, size: Size) -> Probe {
    Probe { name, shape, size }
}

/// The probe called `name`.
pub fn get(name: &str) -> Option<Probe> {
    PROBES.into_iter().find(|p| p.name == name)
}

/// Every probe's name, for messages.
pub fn names() -> Vec<&'static str> {
    PROBES.iter().map(|p| p.name).collect()
}

impl fmt::Display for Probe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

impl Probe {
    /// True for the shapes whose size is a nesting depth.
    pub fn is_deep(&self) -> bool {
        matches!(self.shape, Shape::DeepArray | Shape::DeepMap)
    }

    /// The probe's size for a codec that declares `caps`: a depth, or a
    /// count of items or bytes.
    pub fn size_for(&self, caps: &Caps) -> usize {
        // Never deeper than the far probe: a codec that declares no limit
        // (`usize::MAX`) gets 10,000 levels, within its caps.
        match self.size {
            Size::AtLimit => caps.max_depth.clamp(1, FAR_DEPTH),
            Size::PastLimit => caps.max_depth.saturating_add(1).min(FAR_DEPTH),
            Size::Fixed(n) => n,
        }
    }

    /// In words, for a finding's input line: `10000 nested arrays`.
    pub fn describe(&self, caps: &Caps) -> String {
        let n = self.size_for(caps);
        let what = match self.shape {
            Shape::DeepArray => "nested arrays",
            Shape::DeepMap => "nested one-pair maps",
            Shape::WideArray => "items in one array",
            Shape::WideMap => "pairs in one map",
            Shape::LongText => "bytes of UTF-8 text",
            Shape::LongBytes => "bytes in one byte string",
        };
        let limit = match self.size {
            Size::AtLimit => " (the codec's max_depth)",
            Size::PastLimit => " (one past the codec's max_depth)",
            Size::Fixed(_) => "",
        };
        format!("probe {}: {n} {what}{limit}", self.name)
    }

    /// The probe's value for a codec that declares `caps`, or why the
    /// codec's model has no such shape at all (no arrays, no text). The
    /// value may still lie past the codec's declared depth: that is the
    /// point of the deep probes.
    pub fn value(&self, caps: &Caps) -> Result<Value, String> {
        let n = self.size_for(caps);
        let need = |ok: bool, what: &str| {
            if ok {
                Ok(())
            } else {
                Err(format!("the codec holds no {what}"))
            }
        };
        Ok(match self.shape {
            Shape::DeepArray => {
                need(caps.array, "arrays")?;
                nest(n, Value::Array(Vec::new()), |v| Value::Array(vec![v]))
            }
            Shape::DeepMap => {
                need(caps.map, "maps")?;
                let key = key(caps, 0).ok_or("the codec holds no map key crossfmt can build")?;
                nest(n, Value::Map(Vec::new()), |v| {
                    Value::Map(vec![(key.clone(), v)])
                })
            }
            Shape::WideArray => {
                need(caps.array, "arrays")?;
                let leaf = leaf(caps).ok_or("the codec holds no scalar")?;
                let ints = caps.ints.contains_i128(0) && caps.ints.contains_i128(n as i128);
                Value::Array(
                    (0..n)
                        .map(|i| {
                            if ints {
                                Value::Int(i as i128)
                            } else {
                                leaf.clone()
                            }
                        })
                        .collect(),
                )
            }
            Shape::WideMap => {
                need(caps.map, "maps")?;
                let leaf = leaf(caps).ok_or("the codec holds no scalar")?;
                let keys: Option<Vec<Value>> = (0..n).map(|i| key(caps, i)).collect();
                let keys = keys.ok_or("the codec holds no map key crossfmt can build")?;
                Value::Map(keys.into_iter().map(|k| (k, leaf.clone())).collect())
            }
            Shape::LongText => {
                need(caps.text, "text")?;
                Value::Text(text_of_len(n))
            }
            Shape::LongBytes => {
                need(caps.bytes, "byte strings")?;
                Value::Bytes((0..n).map(|i| (i.wrapping_mul(131) >> 3) as u8).collect())
            }
        })
    }
}

/// `levels` levels of `wrap` around `inner`, `inner` counting as one.
fn nest(levels: usize, inner: Value, wrap: impl Fn(Value) -> Value) -> Value {
    (1..levels.max(1)).fold(inner, |v, _| wrap(v))
}

/// A scalar the codec holds: what a wide array repeats.
fn leaf(caps: &Caps) -> Option<Value> {
    [
        (caps.ints.contains_i128(0), Value::Int(0)),
        (caps.null, Value::Null),
        (caps.bool, Value::Bool(false)),
        (caps.text, Value::Text(String::new())),
        (caps.bytes, Value::Bytes(Vec::new())),
    ]
    .into_iter()
    .find_map(|(ok, v)| ok.then_some(v))
}

/// The `i`-th distinct map key the codec holds: an integer where integers
/// may be keys, else decimal text.
fn key(caps: &Caps, i: usize) -> Option<Value> {
    let int_keys = caps.map_keys != MapKeys::Text && caps.ints.contains_i128(i as i128);
    if int_keys {
        Some(Value::Int(i as i128))
    } else if caps.text {
        Some(Value::Text(i.to_string()))
    } else {
        None
    }
}

/// Exactly `len` bytes of UTF-8, cycling through characters of every
/// encoded length so that a length counted in characters, or a split
/// inside a character, shows.
fn text_of_len(len: usize) -> String {
    const CYCLE: [char; 5] = ['a', 'é', '€', '😀', 'z'];
    let mut s = String::with_capacity(len);
    for c in CYCLE.iter().cycle() {
        if s.len() + c.len_utf8() > len {
            break;
        }
        s.push(*c);
    }
    while s.len() < len {
        s.push('.');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probes_have_the_sizes_their_names_say() {
        let caps = Caps {
            max_depth: 7,
            ..Caps::ALL
        };
        let depth = |name: &str| get(name).unwrap().value(&caps).unwrap().depth();
        assert_eq!(depth("deep-array/at-limit"), 7);
        assert_eq!(depth("deep-array/past-limit"), 8);
        assert_eq!(depth("deep-map/at-limit"), 7);
        assert_eq!(depth("deep-map/10000"), 10_000);
        match get("long-text/65537").unwrap().value(&caps).unwrap() {
            Value::Text(s) => {
                assert_eq!(s.len(), 65_537);
                assert!(s.contains('😀') && s.contains('€'));
            }
            other => panic!("{other:?}"),
        }
        match get("wide-map/65537").unwrap().value(&caps).unwrap() {
            Value::Map(kvs) => {
                let keys: std::collections::BTreeSet<_> = kvs.iter().map(|(k, _)| k).collect();
                assert_eq!(keys.len(), 65_537);
            }
            other => panic!("{other:?}"),
        }
        for p in PROBES {
            assert_eq!(get(p.name), Some(p));
        }
    }

    #[test]
    fn a_text_keyed_model_gets_text_keys_and_a_model_without_the_shape_none() {
        let json = Caps {
            map_keys: MapKeys::Text,
            max_depth: 3,
            ..Caps::ALL
        };
        let v = get("deep-map/at-limit").unwrap().value(&json).unwrap();
        assert!(json.supports(&v), "{v:?}");
        let no_arrays = Caps {
            array: false,
            ..Caps::ALL
        };
        let why = get("wide-array/65537").unwrap().value(&no_arrays);
        assert_eq!(why, Err("the codec holds no arrays".to_string()));
    }
}
