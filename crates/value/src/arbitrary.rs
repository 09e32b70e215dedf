//! `Value: Arbitrary` (feature `arbitrary`, on by default): how the
//! value-first fuzz targets turn raw fuzz input into a [`Value`].
//!
//! - Depth at most [`MAX_DEPTH`] ([`Value::depth`]), at most [`MAX_NODES`]
//!   nodes; text, byte and big-integer lengths are bounded by the input.
//! - Always well-formed ([`Value::is_well_formed`]): tags go through
//!   [`Value::tagged`], so a reserved tag shape becomes its variant; simple
//!   values avoid 20..=22 and 24..=31.
//! - Every variant is reachable, and floats take **any** bit pattern from the
//!   input (NaN payloads, signalling NaNs, subnormals, -0.0), at each width.
//! - An exhausted input yields `null`s and empty containers, never an error,
//!   so every input is a value.

use crate::value::{tags, Float, Value};
use arbitrary::{Arbitrary, Result, Unstructured};
use num_bigint::{BigInt, Sign};

/// Deepest value generated (a scalar is depth 1).
pub const MAX_DEPTH: usize = 6;
/// Most nodes in one generated value.
pub const MAX_NODES: usize = 256;

impl<'a> Arbitrary<'a> for Value {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let mut nodes = 0;
        value(u, 1, &mut nodes)
    }
}

/// Integers worth hitting on purpose: format boundaries.
const EDGE_INTS: [i128; 16] = [
    0,
    -1,
    127,
    128,
    -32,
    -33,
    255,
    256,
    65535,
    65536,
    i32::MIN as i128,
    u32::MAX as i128,
    i64::MIN as i128,
    i64::MAX as i128,
    u64::MAX as i128,
    u64::MAX as i128 + 1,
];

/// Tag numbers worth hitting: the reserved shapes and common IANA tags.
const TAGS: [u64; 10] = [
    0,
    1,
    tags::POS_BIGNUM,
    tags::NEG_BIGNUM,
    32,
    55799,
    tags::SET,
    tags::TUPLE,
    tags::FROZENSET,
    tags::EXT,
];

fn value(u: &mut Unstructured, depth: usize, nodes: &mut usize) -> Result<Value> {
    *nodes += 1;
    let containers = depth < MAX_DEPTH && *nodes < MAX_NODES;
    let kinds = if containers { 17 } else { 11 };
    Ok(match u.choose_index(kinds).unwrap_or(0) {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary()?),
        2 => {
            let n: u8 = u.arbitrary()?;
            match n {
                20 => Value::Bool(false),
                21 => Value::Bool(true),
                22 => Value::Null,
                24..=31 => Value::Simple(n - 24),
                _ => Value::Simple(n),
            }
        }
        3 => Value::Int(i128::from(u.arbitrary::<i64>()?)),
        4 => Value::Int(match u.choose_index(3).unwrap_or(0) {
            0 => EDGE_INTS[u.choose_index(EDGE_INTS.len()).unwrap_or(0)],
            1 => i128::from(u.arbitrary::<u64>()?),
            _ => u.arbitrary::<i128>()?,
        }),
        5 => {
            let sign = if u.arbitrary()? {
                Sign::Minus
            } else {
                Sign::Plus
            };
            let mag: Vec<u8> = u.arbitrary()?;
            Value::integer(BigInt::from_bytes_be(sign, &mag))
        }
        6 => Value::Float(Float::F16(u.arbitrary()?)),
        7 => Value::Float(Float::F32(u.arbitrary()?)),
        8 => Value::Float(Float::F64(u.arbitrary()?)),
        9 => Value::Text(u.arbitrary::<&str>()?.to_string()),
        10 => Value::Bytes(u.arbitrary::<&[u8]>()?.to_vec()),
        11 => Value::Ext(u.arbitrary()?, u.arbitrary::<&[u8]>()?.to_vec()),
        12 => Value::Array(items(u, depth, nodes)?),
        13 => Value::Tuple(items(u, depth, nodes)?),
        14 => match u.arbitrary::<bool>()? {
            true => Value::Set(items(u, depth, nodes)?),
            false => Value::FrozenSet(items(u, depth, nodes)?),
        },
        15 => {
            let n = len(u, nodes)?;
            let mut kvs = Vec::with_capacity(n);
            for _ in 0..n {
                let k = value(u, depth + 1, nodes)?;
                let v = value(u, depth + 1, nodes)?;
                kvs.push((k, v));
            }
            Value::Map(kvs)
        }
        _ => {
            let t = if u.arbitrary()? {
                TAGS[u.choose_index(TAGS.len()).unwrap_or(0)]
            } else {
                u.arbitrary()?
            };
            Value::tagged(t, value(u, depth + 1, nodes)?)
        }
    })
}

/// A container length: up to 8, and within the node budget.
fn len(u: &mut Unstructured, nodes: &usize) -> Result<usize> {
    let room = MAX_NODES.saturating_sub(*nodes).min(8);
    u.int_in_range(0..=room)
}

fn items(u: &mut Unstructured, depth: usize, nodes: &mut usize) -> Result<Vec<Value>> {
    let n = len(u, nodes)?;
    (0..n).map(|_| value(u, depth + 1, nodes)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cheap deterministic bytes (splitmix64).
    fn bytes(seed: u64, n: usize) -> Vec<u8> {
        let mut s = seed;
        (0..n)
            .map(|_| {
                s = s.wrapping_add(0x9e37_79b9_7f4a_7c15);
                let mut z = s;
                z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
                (z ^ (z >> 31)) as u8
            })
            .collect()
    }

    #[test]
    fn bounded_well_formed_and_covering() {
        let mut kinds = std::collections::BTreeSet::new();
        for seed in 0..3000 {
            let data = bytes(seed, (seed as usize % 512) + 1);
            let v = Value::arbitrary(&mut Unstructured::new(&data)).unwrap();
            assert!(v.is_well_formed(), "{v:?}");
            assert!(v.depth() <= MAX_DEPTH, "{v:?}");
            let mut n = 0;
            v.all(&mut |x| {
                n += 1;
                kinds.insert(x.kind());
                true
            });
            assert!(n <= MAX_NODES, "{n} nodes");
        }
        for k in Value::KINDS {
            assert!(kinds.contains(k), "never generated {k}");
        }
        assert_eq!(
            Value::arbitrary(&mut Unstructured::new(&[])).unwrap(),
            Value::Null
        );
    }
}
