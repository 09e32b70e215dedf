//! proptest strategies for struct formats and records: random valid
//! formats with values that fit them exactly (for the round-trip
//! properties), and records with wrong fields mixed in (for error agreement
//! with CPython).

use crate::half::{unpack_half, unpack_single};
use crate::layout::{Code, Kind, Layout};
use crossfmt_value::value::{Float, Value};
use num_bigint::BigInt;
use proptest::collection::vec;
use proptest::prelude::*;

const ORDERS: [&str; 6] = ["", "@", "=", "<", ">", "!"];
const CODES: &[u8] = b"xcbB?hHiIlLqQnNPefdsp";

/// A valid format string: a byte order, then one to six runs with counts
/// (mostly small, sometimes zero or larger for strings and pads) and
/// occasional whitespace between them. `0p` is left out: CPython 3.11 cannot
/// unpack it (a SystemError), a documented divergence.
pub fn format() -> impl Strategy<Value = String> {
    let run = (
        proptest::sample::select(CODES),
        prop_oneof![4 => Just(None), 4 => (0usize..4).prop_map(Some), 1 => (4usize..40).prop_map(Some)],
        prop_oneof![6 => Just(""), 1 => Just(" "), 1 => Just("\t")],
    );
    (proptest::sample::select(&ORDERS[..]), vec(run, 1..7)).prop_map(|(order, runs)| {
        let native = order.is_empty() || order == "@";
        let mut s = order.to_string();
        for (code, count, space) in runs {
            let code = match code {
                b'n' | b'N' | b'P' if !native => b'q',
                c => c,
            };
            let count = match (code, count) {
                (b'p', Some(0)) => Some(1),
                (_, c) => c,
            };
            if let Some(n) = count {
                s.push_str(&n.to_string());
            }
            s.push(code as char);
            s.push_str(space);
        }
        s
    })
}

/// A value for one field that comes back from `unpack(pack(..))` as itself.
pub fn field(code: Code, count: usize) -> BoxedStrategy<Value> {
    let bits = code.size * 8;
    let int_in = |lo: i128, hi: i128| {
        prop_oneof![
            1 => Just(lo),
            1 => Just(hi),
            1 => Just(0),
            1 => Just(hi / 2 + 1),
            6 => lo..=hi,
        ]
        .prop_map(Value::Int)
        .boxed()
    };
    let float = |x: f64| Value::Float(Float::from_f64(x));
    match code.kind {
        Kind::Pad => unreachable!("pad bytes carry no field"),
        Kind::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        Kind::Char => any::<u8>().prop_map(|b| Value::Bytes(vec![b])).boxed(),
        Kind::Bytes => vec(any::<u8>(), count).prop_map(Value::Bytes).boxed(),
        Kind::Pascal => vec(any::<u8>(), 0..=count.saturating_sub(1).min(255))
            .prop_map(Value::Bytes)
            .boxed(),
        Kind::Signed => int_in(-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1),
        Kind::Unsigned | Kind::Pointer => int_in(0, (1i128 << bits) - 1),
        Kind::Half => any::<u16>()
            .prop_map(move |b| float(unpack_half(b)))
            .boxed(),
        Kind::Float => any::<u32>()
            .prop_map(move |b| float(unpack_single(b)))
            .boxed(),
        Kind::Double => any::<u64>()
            .prop_map(move |b| float(f64::from_bits(b)))
            .boxed(),
    }
}

/// A value for one field that CPython may refuse or convert: out of range,
/// of another type, or a type `pack` converts (a bool for an integer, an
/// integer for a float). Only the kinds a struct testee carries (bool, int,
/// float, bytes): text or null would be refused by the protocol's value
/// conversion before CPython's `struct` is asked.
pub fn wrong_field(code: Code) -> BoxedStrategy<Value> {
    let bits = code.size as u32 * 8;
    let edges = [
        Value::Int(1i128 << bits),
        Value::Int(-(1i128 << (bits - 1)) - 1),
        Value::Int(1i128 << 64),
        Value::Int(-(1i128 << 63) - 1),
        Value::Int(-1),
        Value::BigInt(BigInt::from(1) << 200u32),
        Value::Bool(true),
        Value::Float(Float::from_f64(1.5)),
        Value::Float(Float::from_f64(1e300)),
        Value::Float(Float::from_f64(65520.0)),
        Value::Float(Float::from_f64(f64::NAN)),
        Value::Bytes(b"ab".to_vec()),
        Value::Bytes(Vec::new()),
    ];
    let edges = proptest::sample::select(edges.to_vec());
    match code.kind {
        // Any binary64 for a narrower float: rounding, overflow, NaN payloads.
        Kind::Half | Kind::Float => prop_oneof![
            edges,
            any::<u64>().prop_map(|b| Value::Float(Float::from_f64(f64::from_bits(b)))),
            (-80i32..140).prop_map(|e| Value::Float(Float::from_f64(2f64.powi(e) * 1.000_000_1))),
        ]
        .boxed(),
        _ => edges.boxed(),
    }
}

/// A valid format with values that fit it exactly.
pub fn format_and_values() -> impl Strategy<Value = (String, Vec<Value>)> {
    format().prop_flat_map(|f| {
        let layout = Layout::parse(&f).expect("generated formats parse");
        let fields: Vec<BoxedStrategy<Value>> = layout
            .field_codes()
            .map(|(code, _, count)| field(code, count))
            .collect();
        (Just(f), fields)
    })
}

/// A valid format with a record that is sometimes wrong: a field replaced
/// by [`wrong_field`], or one field too many or too few.
pub fn format_and_any_values() -> impl Strategy<Value = (String, Vec<Value>)> {
    format().prop_flat_map(|f| {
        let layout = Layout::parse(&f).expect("generated formats parse");
        let fields: Vec<BoxedStrategy<Value>> = layout
            .field_codes()
            .map(|(code, _, count)| {
                prop_oneof![5 => field(code, count), 1 => wrong_field(code)].boxed()
            })
            .collect();
        let shape = prop_oneof![8 => Just(0i8), 1 => Just(-1i8), 1 => Just(1i8)];
        (Just(f), fields, shape).prop_map(|(f, mut xs, shape)| {
            match shape {
                -1 => {
                    xs.pop();
                }
                1 => xs.push(Value::Int(0)),
                _ => {}
            }
            (f, xs)
        })
    })
}

/// A valid format and bytes of its size, or (one time in eight) of another size.
pub fn format_and_bytes() -> impl Strategy<Value = (String, Vec<u8>)> {
    format().prop_flat_map(|f| {
        let size = Layout::parse(&f).expect("generated formats parse").size;
        let len = prop_oneof![7 => Just(size), 1 => 0..size + 3];
        (Just(f), len.prop_flat_map(|n| vec(any::<u8>(), n)))
    })
}
