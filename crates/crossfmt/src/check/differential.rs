//! The same bytes through every implementation of one format: all reject, or
//! all accept with equal values (compared in the normal form of what they have
//! in common). Anything else is a finding that shows every outcome.
//!
//! One exception keeps data-model differences apart from bugs: an
//! implementation that rejects the bytes as valid-but-unsupported (or over a
//! resource limit) while another decoded a value the first one declares it
//! cannot represent is consistent with its capabilities; that is a skip.

use super::{
    decode, describe, encode, CheckResult, Finding, Input, Outcome, Verdict, DIFFERENTIAL,
};
use crate::diff;
use crate::notation;
use crate::Value;
use crate::{Codec, ErrorKind};

pub fn same_bytes(codecs: &[&dyn Codec], bytes: &[u8]) -> CheckResult {
    let Some(first) = codecs.first() else {
        return Ok(Verdict::Skip("no implementation".into()));
    };
    if codecs.len() < 2 {
        return Ok(Verdict::Skip(format!(
            "{} has no other implementation",
            first.format()
        )));
    }
    let outcomes: Vec<_> = codecs.iter().map(|c| decode(*c, bytes)).collect();
    let meet = codecs
        .iter()
        .skip(1)
        .fold(first.caps(), |m, c| m.meet(&c.caps()));
    let table = || {
        codecs
            .iter()
            .zip(&outcomes)
            .map(|(c, o)| format!("{}: {}", c.id(), describe(o, notation::print)))
            .collect::<Vec<_>>()
    };
    let finding = |detail: &str| {
        let rows = table();
        Box::new(
            Finding::new(
                DIFFERENTIAL,
                codecs,
                Input::Bytes {
                    format: first.format(),
                    bytes: bytes.to_vec(),
                },
            )
            .detail(detail)
            .expected(rows[0].clone())
            .actual(rows[1..].join("; ")),
        )
    };

    if let Some(p) = outcomes.iter().find_map(Outcome::failure) {
        let mut f = finding("an implementation panicked");
        f.panic = Some(p);
        return Err(f);
    }
    let accepted: Vec<_> = outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Ok(v) => Some(v),
            _ => None,
        })
        .collect();
    if accepted.is_empty() {
        return Ok(Verdict::Pass);
    }
    if accepted.len() < outcomes.len() {
        if let Some(why) = consistent_refusal(codecs, &outcomes) {
            return Ok(Verdict::Skip(why));
        }
        return Err(finding("one implementation accepts what another rejects"));
    }
    let normal: Vec<_> = accepted.iter().map(|v| meet.normalise(v)).collect();
    match normal[1..].iter().find(|v| **v != normal[0]) {
        None => Ok(Verdict::Pass),
        // The kinds at the first difference go before the `:` so that they
        // are part of the signature: a str-vs-bytes disagreement and a wrong
        // integer are different findings.
        Some(other) => {
            let (e, a) = diff::first_difference_kinds(&normal[0], other).unwrap_or(("?", "?"));
            let at = diff::first_difference(&normal[0], other).unwrap_or_default();
            Err(finding(&format!(
                "implementations decode the same bytes to different values, {e} vs {a}: {at}"
            )))
        }
    }
}

/// Every refusal is an `Unsupported`/`Limit` error from a codec whose caps
/// exclude every value the others decoded.
fn consistent_refusal(codecs: &[&dyn Codec], outcomes: &[Outcome<crate::Value>]) -> Option<String> {
    let values: Vec<_> = outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Ok(v) => Some(v),
            _ => None,
        })
        .collect();
    let mut reasons = Vec::new();
    for (c, o) in codecs.iter().zip(outcomes) {
        let Outcome::Rejected(e) = o else { continue };
        if !matches!(e.kind, ErrorKind::Unsupported | ErrorKind::Limit) {
            return None;
        }
        let why: Vec<_> = values.iter().filter_map(|v| c.unsupported(v)).collect();
        if why.len() < values.len() {
            return None;
        }
        reasons.push(format!("{} cannot represent it ({})", c.id(), why[0]));
    }
    Some(reasons.join("; "))
}

/// Two implementations of one format write `v` to the same bytes: for an
/// encoder that promises to be byte-identical to a reference (pickle's
/// CPython-exact encoder). A value either cannot encode is a skip; both
/// refusing agrees; one refusing what the other writes is a finding.
pub fn same_encoding(a: &dyn Codec, b: &dyn Codec, v: &Value) -> CheckResult {
    if let Some(why) = a.unsupported(v).or_else(|| b.unsupported(v)) {
        return Ok(Verdict::Skip(why));
    }
    let (ea, eb) = (encode(a, v), encode(b, v));
    let hex = |o: &Outcome<Vec<u8>>| describe(o, |b: &Vec<u8>| hex::encode(b));
    let finding = |detail: String| {
        let mut f = Finding::new(DIFFERENTIAL, &[a, b], Input::Value(v.clone()))
            .detail(detail)
            .expected(format!("{}: {}", b.id(), hex(&eb)))
            .actual(format!("{}: {}", a.id(), hex(&ea)));
        if let Outcome::Ok(bytes) = &ea {
            f = f.bytes(bytes);
        }
        f.panic = ea.failure().or_else(|| eb.failure());
        Box::new(f)
    };
    match (&ea, &eb) {
        (Outcome::Ok(x), Outcome::Ok(y)) if x == y => Ok(Verdict::Pass),
        (Outcome::Ok(x), Outcome::Ok(y)) => {
            let at = x.iter().zip(y).position(|(p, q)| p != q);
            let at = at.unwrap_or(x.len().min(y.len()));
            Err(finding(format!(
                "the encodings differ from byte {at} ({} vs {} bytes)",
                x.len(),
                y.len()
            )))
        }
        (Outcome::Rejected(_), Outcome::Rejected(_)) => Ok(Verdict::Pass),
        _ if ea.failure().is_some() || eb.failure().is_some() => {
            Err(finding("an implementation panicked or failed".into()))
        }
        _ => Err(finding(
            "one implementation encodes what the other refuses".into(),
        )),
    }
}
