//! Two codecs (usually of different formats) on the same value.
//!
//! For a value both can represent, each codec's round trip must give the same
//! value once both answers are put in the normal form of what the two have in
//! common (`Caps::meet`), and transcoding — A's decoded value through B, and
//! B's through A — must preserve it. A codec that cannot even round-trip the
//! value on its own is the round-trip check's finding; here that case is a
//! skip, so one bug is reported once.

use super::{
    decode, encode, CheckResult, Finding, Input, Kind, Outcome, Verdict, CROSS_FORMAT, TRANSCODE,
};
use crate::diff;
use crate::finding::{Seen, Wanted};
use crate::{notation, Codec, Value};

/// `transcode`: what `a` decodes from `bytes` (of `a`'s format), `b`
/// encodes and decodes back as `b` declares. Bytes `a` rejects, or a value
/// outside `b`'s model, pass or skip; the value that came out of the bytes
/// is what the round trip `roundtrip` never sees (a corpus value is one
/// crossfmt wrote, these are one an implementation read).
pub fn from_bytes(a: &dyn Codec, b: &dyn Codec, bytes: &[u8]) -> CheckResult {
    let decoded = match decode(a, bytes) {
        Outcome::Ok(v) => a.caps().unordered(&v),
        // Its own breakdown is the bytes-first round trip's finding.
        _ => return Ok(Verdict::Pass),
    };
    match transcode(a, b, &decoded) {
        Ok(None) => Ok(Verdict::Pass),
        Ok(Some(why)) => Ok(Verdict::Skip(why)),
        Err(mut f) => {
            f.check = TRANSCODE;
            f.context = Some(format!(
                "{} read {} from the bytes",
                a.id(),
                notation::print_short(&decoded)
            ));
            f.input = Input::bytes(a.format(), bytes);
            Err(f)
        }
    }
}

/// `cross_format`: `a` and `b` on `v` (see the module documentation).
pub fn pair(a: &dyn Codec, b: &dyn Codec, v: &Value) -> CheckResult {
    for c in [a, b] {
        if let Some(why) = c.unsupported(v) {
            return Ok(Verdict::Skip(format!("{}: {why}", c.id())));
        }
    }
    let Some((a_bytes, va)) = own_round_trip(a, v) else {
        return Ok(Verdict::Skip(format!(
            "{} fails its own round trip",
            a.id()
        )));
    };
    let Some((_, vb)) = own_round_trip(b, v) else {
        return Ok(Verdict::Skip(format!(
            "{} fails its own round trip",
            b.id()
        )));
    };
    let meet = a.caps().meet(&b.caps());
    let (na, nb) = (meet.normalise(&va), meet.normalise(&vb));
    if na != nb {
        return Err(Box::new(
            Finding::new(
                CROSS_FORMAT,
                Kind::FormatsDisagree,
                &[a, b],
                Input::Value(v.clone()),
            )
            .bytes(&a_bytes)
            .difference(diff::first(&na, &nb))
            .seen(a, Seen::Value(na))
            .seen(b, Seen::Value(nb)),
        ));
    }
    let there = transcode(a, b, &va).map_err(|f| f.against_input(v, &a_bytes))?;
    let back = transcode(b, a, &vb).map_err(|f| f.against_input(v, &a_bytes))?;
    Ok(match there.or(back) {
        Some(why) => Verdict::Skip(why),
        None => Verdict::Pass,
    })
}

fn own_round_trip(c: &dyn Codec, v: &Value) -> Option<(Vec<u8>, Value)> {
    let Outcome::Ok(bytes) = encode(c, v) else {
        return None;
    };
    let Outcome::Ok(back) = decode(c, &bytes) else {
        return None;
    };
    let caps = c.caps();
    let back = caps.unordered(&back);
    (back == caps.normalise(v)).then_some((bytes, back))
}

/// `from`'s decoded value, encoded and decoded by `to`, comes back as `to`
/// declares. `Ok(Some(why))` when `to` cannot take the value.
fn transcode(
    from: &dyn Codec,
    to: &dyn Codec,
    decoded: &Value,
) -> Result<Option<String>, Box<Finding>> {
    let finding = |kind| {
        Finding::new(
            CROSS_FORMAT,
            kind,
            &[from, to],
            Input::Value(decoded.clone()),
        )
    };
    if let Some(why) = to.unsupported(decoded) {
        // A declared lowering by `from` (a tuple key read back as an array)
        // can leave the value outside `to`'s model: a limit of the pair, not
        // a bug of either.
        return Ok(Some(format!(
            "{} reads it back as a value {} cannot represent ({why})",
            from.id(),
            to.id()
        )));
    }
    // `to`'s own round trip on what `from` gave back: exact in `to`'s normal
    // form, so a width or type `to` declares it keeps must survive.
    let caps = to.caps();
    let expected = caps.normalise(decoded);
    let bytes = match encode(to, decoded) {
        Outcome::Ok(b) => b,
        other => {
            return Err(Box::new(
                finding(Kind::TranscodeEncodeFailed)
                    .expected(Wanted::EncodingOf(expected))
                    .outcome(to, &other, |b| Seen::Bytes(b.clone())),
            ))
        }
    };
    match decode(to, &bytes).map(|back| caps.unordered(&back)) {
        Outcome::Ok(back) if back == expected => Ok(None),
        Outcome::Ok(back) => Err(Box::new(
            finding(Kind::TranscodeChanged)
                .bytes(&bytes)
                .difference(diff::first(&expected, &back))
                .expected(Wanted::Value(expected))
                .seen(to, Seen::Value(back)),
        )),
        other => Err(Box::new(
            finding(Kind::TranscodeRejected)
                .bytes(&bytes)
                .expected(Wanted::Value(expected))
                .outcome(to, &other, |v| Seen::Value(v.clone())),
        )),
    }
}

impl Finding {
    /// A transcoding finding reported against the original input value, the
    /// intermediate value kept as context.
    fn against_input(mut self: Box<Self>, v: &Value, a_bytes: &[u8]) -> Box<Finding> {
        if let Input::Value(mid) = &self.input {
            if mid != v {
                self.context = Some(format!("via {}", notation::print_short(mid)));
            }
        }
        self.input = Input::Value(v.clone());
        if self.bytes.is_empty() {
            self.bytes = a_bytes.to_vec();
        }
        self
    }
}
