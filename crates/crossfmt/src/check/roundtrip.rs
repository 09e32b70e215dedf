//! Round trip through one codec.
//!
//! Value first: `decode(encode(v))` must equal the codec's normal form of `v`
//! (in whatever order the codec keeps maps and sets when it declares it keeps
//! none: [`crate::Caps::unordered`]).
//! Bytes first (the model is prost's own oracle): a decode error is fine, but a
//! value the codec decoded must be one it declares it can represent, must
//! re-encode, and decode -> encode -> decode must reach a fixed point. Byte
//! equality is not required: many encodings have several spellings.

use super::{decode, encode, CheckResult, Finding, Input, Kind, Outcome, Verdict};
use super::{ROUNDTRIP, ROUNDTRIP_BYTES};
use crate::diff;
use crate::finding::{Seen, Wanted};
use crate::{Codec, Value};

/// What one value's trip through a codec came to: the step `value_first`
/// and the stress probes share, each building its own finding from it (a
/// probe's finding names the probe rather than carrying a 10,000-deep value).
pub enum Trip {
    /// Read back as the codec's normal form of the value.
    Kept,
    /// Encoding did not give bytes.
    NotEncoded(Outcome<Vec<u8>>),
    /// The codec did not read its own bytes back.
    NotDecoded {
        /// Its encoding.
        bytes: Vec<u8>,
        /// What decoding them came to.
        outcome: Outcome<Value>,
    },
    /// It read back another value.
    Changed {
        /// Its encoding.
        bytes: Vec<u8>,
        /// The codec's normal form of the value written.
        expected: Value,
        /// What it read back (in the order its caps compare).
        back: Value,
    },
}

/// Encodes `v` with `codec` and decodes the bytes again.
pub fn trip(codec: &dyn Codec, v: &Value) -> Trip {
    let bytes = match encode(codec, v) {
        Outcome::Ok(b) => b,
        other => return Trip::NotEncoded(other),
    };
    let caps = codec.caps();
    match decode(codec, &bytes) {
        Outcome::Ok(back) => {
            let expected = caps.normalise(v);
            let back = caps.unordered(&back);
            if back == expected {
                Trip::Kept
            } else {
                Trip::Changed {
                    bytes,
                    expected,
                    back,
                }
            }
        }
        outcome => Trip::NotDecoded { bytes, outcome },
    }
}

/// `decode(encode(v)) == caps.normalise(v)`.
pub fn value_first(codec: &dyn Codec, v: &Value) -> CheckResult {
    if let Some(why) = codec.unsupported(v) {
        return Ok(Verdict::Skip(why));
    }
    let finding = |kind| Finding::new(ROUNDTRIP, kind, &[codec], Input::Value(v.clone()));
    Err(Box::new(match trip(codec, v) {
        Trip::Kept => return Ok(Verdict::Pass),
        Trip::NotEncoded(other) => finding(Kind::EncodeFailed)
            .expected(Wanted::Encoding)
            .outcome(codec, &other, |b| Seen::Bytes(b.clone()))
            .context("while encoding"),
        Trip::Changed {
            bytes,
            expected,
            back,
        } => finding(Kind::ValueChanged)
            .bytes(&bytes)
            .difference(diff::first(&expected, &back))
            .expected(Wanted::Value(expected))
            .seen(codec, Seen::Value(back)),
        Trip::NotDecoded { bytes, outcome } => finding(Kind::OwnEncodingRejected)
            .bytes(&bytes)
            .expected(Wanted::Value(codec.caps().normalise(v)))
            .outcome(codec, &outcome, |v| Seen::Value(v.clone()))
            .context("while decoding its own encoding"),
    }))
}

/// Decode error fine; a decoded value must re-encode and reach a fixed point.
pub fn bytes_first(codec: &dyn Codec, bytes: &[u8]) -> CheckResult {
    let input = Input::bytes(codec.format(), bytes);
    let finding = |kind| Finding::new(ROUNDTRIP_BYTES, kind, &[codec], input.clone());
    let first = match decode(codec, bytes) {
        Outcome::Ok(v) => v,
        Outcome::Rejected(e) if e.kind.is_accept() => {
            return Ok(Verdict::Skip(format!(
                "accepted, but the value cannot be compared ({e})"
            )))
        }
        Outcome::Rejected(_) => return Ok(Verdict::Pass),
        broke => {
            return Err(Box::new(
                finding(Kind::Panic)
                    .expected(Wanted::Answer)
                    .outcome(codec, &broke, |v| Seen::Value(v.clone()))
                    .context("while decoding"),
            ))
        }
    };
    if let Some(why) = codec.unsupported(&first) {
        return Err(Box::new(
            finding(Kind::OutsideCaps)
                .expected(Wanted::Representable)
                .seen(codec, Seen::Value(first))
                .context(why),
        ));
    }
    let again = match encode(codec, &first) {
        Outcome::Ok(b) => b,
        other => {
            return Err(Box::new(
                finding(Kind::ReencodeFailed)
                    .expected(Wanted::EncodingOf(first))
                    .outcome(codec, &other, |b| Seen::Bytes(b.clone()))
                    .context("while re-encoding"),
            ))
        }
    };
    let caps = codec.caps();
    let expected = caps.normalise(&first);
    let reencoded = format!("re-encoded as {}", hex::encode(&again));
    match decode(codec, &again).map(|second| caps.unordered(&second)) {
        Outcome::Ok(second) if second == expected => Ok(Verdict::Pass),
        Outcome::Ok(second) => Err(Box::new(
            finding(Kind::NotFixedPoint)
                .difference(diff::first(&expected, &second))
                .expected(Wanted::Value(expected))
                .seen(codec, Seen::Value(second))
                .context(reencoded),
        )),
        other => Err(Box::new(
            finding(Kind::ReencodingRejected)
                .expected(Wanted::Value(expected))
                .outcome(codec, &other, |v| Seen::Value(v.clone()))
                .context(reencoded),
        )),
    }
}
