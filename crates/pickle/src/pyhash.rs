//! CPython 3.11's `hash()` for the values whose hash does not depend on the
//! process (numbers, tuples and frozensets of them), and the order a set
//! built from members one by one iterates in — the order `pickle.dumps`
//! writes a set's members.
//!
//! str and bytes hash with SipHash under a per-process random key, and
//! `None`'s and a NaN's hash is their address: for a set holding any of them
//! no order can be predicted, and [`set_order`] answers `None`.

use crossfmt_value::Value;
use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive};

const BITS: u32 = 61;
const MODULUS: u64 = (1 << BITS) - 1;
const INF: i64 = 314_159;
const XXPRIME_1: u64 = 11_400_714_785_074_694_791;
const XXPRIME_2: u64 = 14_029_467_366_897_019_727;
const XXPRIME_5: u64 = 2_870_177_450_012_600_261;

fn fix(h: i64) -> i64 {
    if h == -1 {
        -2
    } else {
        h
    }
}

fn int_hash(n: &BigInt) -> i64 {
    let m = (n.abs() % BigInt::from(MODULUS))
        .to_i64()
        .expect("below 2^61");
    fix(if n.is_negative() { -m } else { m })
}

/// `_Py_HashDouble` for a non-NaN.
fn float_hash(v: f64) -> i64 {
    if v.is_infinite() {
        return if v > 0.0 { INF } else { -INF };
    }
    let (mut m, mut e) = frexp(v);
    let sign: i64 = if m < 0.0 {
        m = -m;
        -1
    } else {
        1
    };
    let mut x: u64 = 0;
    while m != 0.0 {
        x = ((x << 28) & MODULUS) | x >> (BITS - 28);
        m *= 268_435_456.0;
        e -= 28;
        let y = m as u64;
        m -= y as f64;
        x += y;
        if x >= MODULUS {
            x -= MODULUS;
        }
    }
    let e = if e >= 0 {
        e as u32 % BITS
    } else {
        BITS - 1 - ((-1 - e) as u32 % BITS)
    };
    x = ((x << e) & MODULUS) | x >> (BITS - e);
    fix((x as i64).wrapping_mul(sign))
}

/// C's `frexp`: `v = m · 2^e` with `0.5 ≤ |m| < 1` (0 for 0).
fn frexp(v: f64) -> (f64, i32) {
    if v == 0.0 {
        return (v, 0);
    }
    let bits = v.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    if exp == 0 {
        // Subnormal: scale into the normal range first.
        let (m, e) = frexp(v * f64::powi(2.0, 54));
        return (m, e - 54);
    }
    let m = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (m, exp - 1022)
}

fn tuple_hash(xs: &[Value]) -> Option<i64> {
    let mut acc = XXPRIME_5;
    for x in xs {
        let lane = hash(x)? as u64;
        acc = acc.wrapping_add(lane.wrapping_mul(XXPRIME_2));
        acc = acc.rotate_left(31);
        acc = acc.wrapping_mul(XXPRIME_1);
    }
    acc = acc.wrapping_add(xs.len() as u64 ^ (XXPRIME_5 ^ 3_527_539));
    Some(if acc == u64::MAX {
        1_546_275_796
    } else {
        acc as i64
    })
}

fn frozenset_hash(xs: &[Value]) -> Option<i64> {
    let shuffle = |h: u64| ((h ^ 89_869_747) ^ (h << 16)).wrapping_mul(3_644_798_167);
    let mut h: u64 = 0;
    for x in xs {
        h ^= shuffle(hash(x)? as u64);
    }
    h ^= (xs.len() as u64 + 1).wrapping_mul(1_927_868_237);
    h ^= (h >> 11) ^ (h >> 25);
    h = h.wrapping_mul(69_069).wrapping_add(907_133_923);
    Some(if h == u64::MAX { 590_923_713 } else { h as i64 })
}

/// `hash(v)` as CPython 3.11 computes it, when it is the same in every
/// process.
pub fn hash(v: &Value) -> Option<i64> {
    match v {
        Value::Bool(b) => Some(i64::from(*b)),
        Value::Int(i) => Some(int_hash(&BigInt::from(*i))),
        Value::BigInt(i) => Some(int_hash(i)),
        Value::Float(f) if !f.is_nan() => Some(float_hash(f.to_f64())),
        // The empty str and bytes hash to 0 whatever the key.
        Value::Text(s) if s.is_empty() => Some(0),
        Value::Bytes(b) if b.is_empty() => Some(0),
        Value::Tuple(xs) => tuple_hash(xs),
        Value::FrozenSet(xs) => frozenset_hash(xs),
        _ => None,
    }
}

const MINSIZE: usize = 8;
const LINEAR_PROBES: usize = 9;
const PERTURB_SHIFT: u32 = 5;

/// The iteration order of a set built by adding `members` (distinct in
/// Python) in turn, as indexes into `members`; `None` when a member's hash
/// is not predictable.
pub fn set_order(members: &[Value]) -> Option<Vec<usize>> {
    let hashes: Vec<i64> = members.iter().map(hash).collect::<Option<_>>()?;
    let mut table: Vec<Option<usize>> = vec![None; MINSIZE];
    let mut used = 0usize;
    for (k, &h) in hashes.iter().enumerate() {
        insert(&mut table, k, h as u64);
        used += 1;
        let mask = table.len() - 1;
        if used * 5 >= mask * 3 {
            let minused = if used > 50_000 { used * 2 } else { used * 4 };
            let mut size = MINSIZE;
            while size <= minused {
                size <<= 1;
            }
            let old = std::mem::replace(&mut table, vec![None; size]);
            for k in old.into_iter().flatten() {
                insert(&mut table, k, hashes[k] as u64);
            }
        }
    }
    Some(table.into_iter().flatten().collect())
}

/// `set_insert_clean` (and `set_add_entry` on a table without dummies,
/// which probes the same slots): the first free slot of the probe sequence.
fn insert(table: &mut [Option<usize>], k: usize, hash: u64) {
    let mask = table.len() - 1;
    let mut perturb = hash;
    let mut i = hash as usize & mask;
    loop {
        let probes = if i + LINEAR_PROBES <= mask {
            LINEAR_PROBES
        } else {
            0
        };
        if let Some(slot) = table[i..=i + probes].iter_mut().find(|s| s.is_none()) {
            *slot = Some(k);
            return;
        }
        perturb >>= PERTURB_SHIFT;
        i = (i
            .wrapping_mul(5)
            .wrapping_add(1)
            .wrapping_add(perturb as usize))
            & mask;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_agree_with_cpython() {
        // python3 -c 'print(hash(-1), hash(2**61), hash(-2**70), hash(1.5),
        //   hash(-0.1), hash(1e300), hash((1, 2)), hash(()), hash(frozenset([1, 2])),
        //   hash(frozenset()), hash(5e-324))'
        let cases: [(Value, i64); 11] = [
            (Value::from(-1i64), -2),
            (Value::Int(1 << 61), 1),
            (Value::integer(-BigInt::from(2).pow(70)), -512),
            (Value::f64(1.5), 1_152_921_504_606_846_977),
            (Value::f64(-0.1), -230_584_300_921_369_408),
            (Value::f64(1e300), 1_224_995_262_755_759_164),
            (
                Value::Tuple(vec![Value::from(1i64), Value::from(2i64)]),
                -3_550_055_125_485_641_917,
            ),
            (Value::Tuple(vec![]), 5_740_354_900_026_072_187),
            (
                Value::FrozenSet(vec![Value::from(1i64), Value::from(2i64)]),
                -1_826_646_154_956_904_602,
            ),
            (Value::FrozenSet(vec![]), 133_146_708_735_736),
            (Value::f64(5e-324), 16_777_216),
        ];
        for (v, want) in cases {
            assert_eq!(hash(&v), Some(want), "{v}");
        }
    }

    #[test]
    fn set_order_follows_the_table() {
        let ints = |xs: &[i64]| xs.iter().map(|&x| Value::from(x)).collect::<Vec<_>>();
        // list({3, 1, 2}) == [1, 2, 3]; list(set([9, 1])) == [9, 1] (slot 1 is
        // taken by 9 first, 1 probes on).
        assert_eq!(set_order(&ints(&[3, 1, 2])), Some(vec![1, 2, 0]));
        assert_eq!(set_order(&ints(&[9, 1])), Some(vec![0, 1]));
        assert_eq!(set_order(&[Value::Text("a".into())]), None);
    }
}
