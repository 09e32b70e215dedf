//! Round trip through one codec.
//!
//! Value first: `decode(encode(v))` must equal the codec's normal form of `v`.
//! Bytes first (the model is prost's own oracle): a decode error is fine, but a
//! value the codec decoded must be one it declares it can represent, must
//! re-encode, and decode -> encode -> decode must reach a fixed point. Byte
//! equality is not required: many encodings have several spellings.

use super::{decode, encode, CheckResult, Finding, Input, Outcome, Verdict};
use super::{ROUNDTRIP, ROUNDTRIP_BYTES};
use crate::diff::first_difference;
use crate::notation;
use crate::Codec;
use crate::Value;

/// `decode(encode(v)) == caps.normalise(v)`.
pub fn value_first(codec: &dyn Codec, v: &Value) -> CheckResult {
    let caps = codec.caps();
    if let Some(why) = codec.unsupported(v) {
        return Ok(Verdict::Skip(why));
    }
    let finding = || Finding::new(ROUNDTRIP, &[codec], Input::Value(v.clone()));
    let bytes = match encode(codec, v) {
        Outcome::Ok(b) => b,
        other => {
            return Err(Box::new(
                finding()
                    .detail("encode failed on a value within the codec's capabilities")
                    .expected("bytes")
                    .actual_outcome(&other, |_| String::new()),
            ))
        }
    };
    let expected = caps.normalise(v);
    match decode(codec, &bytes) {
        Outcome::Ok(back) if back == expected => Ok(Verdict::Pass),
        Outcome::Ok(back) => Err(Box::new(
            finding()
                .bytes(&bytes)
                .detail(format!(
                    "value changed in round trip: {}",
                    first_difference(&expected, &back).unwrap_or_default()
                ))
                .expected(notation::print(&expected))
                .actual(notation::print(&back)),
        )),
        other => Err(Box::new(
            finding()
                .bytes(&bytes)
                .detail("decode failed on the codec's own encoding")
                .expected(notation::print(&expected))
                .actual_outcome(&other, notation::print),
        )),
    }
}

/// Decode error fine; a decoded value must re-encode and reach a fixed point.
pub fn bytes_first(codec: &dyn Codec, bytes: &[u8]) -> CheckResult {
    let input = Input::Bytes {
        format: codec.format(),
        bytes: bytes.to_vec(),
    };
    let finding = || Finding::new(ROUNDTRIP_BYTES, &[codec], input.clone());
    let first = match decode(codec, bytes) {
        Outcome::Ok(v) => v,
        Outcome::Rejected(_) => return Ok(Verdict::Pass),
        p @ (Outcome::Panicked(_) | Outcome::Failed(_)) => {
            return Err(Box::new(
                finding()
                    .detail("decode panicked")
                    .expected("a value or an error")
                    .actual_outcome(&p, notation::print),
            ))
        }
    };
    let caps = codec.caps();
    if let Some(why) = codec.unsupported(&first) {
        return Err(Box::new(
            finding()
                .detail(format!(
                    "decoded a value outside the codec's declared capabilities ({why})"
                ))
                .expected("a value the codec can represent")
                .actual(notation::print(&first)),
        ));
    }
    let again = match encode(codec, &first) {
        Outcome::Ok(b) => b,
        other => {
            return Err(Box::new(
                finding()
                    .detail("a decoded value does not re-encode")
                    .expected(format!("bytes for {}", notation::print(&first)))
                    .actual_outcome(&other, |_| String::new()),
            ))
        }
    };
    let expected = caps.normalise(&first);
    match decode(codec, &again) {
        Outcome::Ok(second) if second == expected => Ok(Verdict::Pass),
        Outcome::Ok(second) => Err(Box::new(
            finding()
                .detail(format!(
                    "decode -> encode -> decode is not a fixed point ({}; re-encoded as {})",
                    first_difference(&expected, &second).unwrap_or_default(),
                    hex::encode(&again)
                ))
                .expected(notation::print(&expected))
                .actual(notation::print(&second)),
        )),
        other => Err(Box::new(
            finding()
                .detail(format!(
                    "decode failed on the re-encoding of a decoded value (re-encoding: {})",
                    hex::encode(&again)
                ))
                .expected(notation::print(&expected))
                .actual_outcome(&other, notation::print),
        )),
    }
}
