//! Two codecs (usually of different formats) on the same value.
//!
//! For a value both can represent, each codec's round trip must give the same
//! value once both answers are put in the normal form of what the two have in
//! common (`Caps::meet`), and transcoding — A's decoded value through B, and
//! B's through A — must preserve it. A codec that cannot even round-trip the
//! value on its own is the round-trip check's finding; here that case is a
//! skip, so one bug is reported once.

use super::{decode, encode, CheckResult, Finding, Input, Outcome, Verdict, CROSS_FORMAT};
use crate::diff::first_difference;
use crate::notation;
use crate::Codec;
use crate::Value;

pub fn pair(a: &dyn Codec, b: &dyn Codec, v: &Value) -> CheckResult {
    for c in [a, b] {
        if let Some(why) = c.unsupported(v) {
            return Ok(Verdict::Skip(format!("{}: {why}", c.id())));
        }
    }
    let meet = a.caps().meet(&b.caps());
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
    let finding = || Finding::new(CROSS_FORMAT, &[a, b], Input::Value(v.clone())).bytes(&a_bytes);
    let (na, nb) = (meet.normalise(&va), meet.normalise(&vb));
    if na != nb {
        return Err(Box::new(
            finding()
                .detail(format!(
                    "{} and {} disagree on the same value: {}",
                    a.id(),
                    b.id(),
                    first_difference(&na, &nb).unwrap_or_default()
                ))
                .expected(format!("{}: {}", a.id(), notation::print(&na)))
                .actual(format!("{}: {}", b.id(), notation::print(&nb))),
        ));
    }
    let there = transcode(a, b, &va).map_err(|f| Box::new(f.input_value(v, &a_bytes)))?;
    let back = transcode(b, a, &vb).map_err(|f| Box::new(f.input_value(v, &a_bytes)))?;
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
    (back == c.caps().normalise(v)).then_some((bytes, back))
}

/// `from`'s decoded value, encoded and decoded by `to`, comes back as `to`
/// declares. `Ok(Some(why))` when `to` cannot take the value.
fn transcode(
    from: &dyn Codec,
    to: &dyn Codec,
    decoded: &Value,
) -> Result<Option<String>, Box<Finding>> {
    let finding = || {
        Box::new(Finding::new(
            CROSS_FORMAT,
            &[from, to],
            Input::Value(decoded.clone()),
        ))
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
    let expected = to.caps().normalise(decoded);
    let bytes = match encode(to, decoded) {
        Outcome::Ok(b) => b,
        other => {
            return Err(Box::new(
                finding()
                    .detail(format!(
                        "{} cannot encode {}'s decoded value",
                        to.id(),
                        from.id()
                    ))
                    .expected(notation::print(&expected))
                    .actual_outcome(&other, |_| String::new()),
            ))
        }
    };
    match decode(to, &bytes) {
        Outcome::Ok(back) if back == expected => Ok(None),
        Outcome::Ok(back) => Err(Box::new(
            finding()
                .bytes(&bytes)
                .detail(format!(
                    "transcoding {} -> {} changed the value: {}",
                    from.id(),
                    to.id(),
                    first_difference(&expected, &back).unwrap_or_default()
                ))
                .expected(notation::print(&expected))
                .actual(notation::print(&back)),
        )),
        other => Err(Box::new(
            finding()
                .bytes(&bytes)
                .detail(format!(
                    "{} cannot decode its own encoding of {}'s value",
                    to.id(),
                    from.id()
                ))
                .expected(notation::print(&expected))
                .actual_outcome(&other, notation::print),
        )),
    }
}

impl Finding {
    /// Reports a transcoding finding against the original input value, with
    /// the intermediate value kept in the detail.
    fn input_value(mut self, v: &Value, a_bytes: &[u8]) -> Finding {
        if let Input::Value(mid) = &self.input {
            if mid != v {
                self.detail = format!("{} (via {})", self.detail, notation::print_short(mid));
            }
        }
        self.input = Input::Value(v.clone());
        if self.bytes.is_empty() {
            self.bytes = a_bytes.to_vec();
        }
        self
    }
}
