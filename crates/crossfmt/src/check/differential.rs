//! Implementations of one format compared with each other.
//!
//! [`same_bytes`] (`differential`): the same bytes through two
//! implementations (every pair of a format's, one pair at a time): both
//! reject, or both accept with equal values (compared in
//! the normal form of what they have in common, and in what each keeps:
//! [`Codec::keeps`]). One exception keeps
//! data-model differences apart from bugs: an implementation that rejects the
//! bytes as valid-but-unsupported (or over a resource limit) while another
//! decoded a value the first one declares it cannot represent is consistent
//! with its capabilities; that is a skip.
//!
//! [`same_encoding`]: an encoder that promises to be byte-identical to a
//! reference (pickle's CPython-exact encoder) writes the same bytes.
//!
//! [`schema_encode`] and [`schema_decode`]: a schema-driven engine and a
//! reference bound to one schema (a `struct` format) agree on every record
//! and every buffer, refusals included: a record that does not fit the
//! schema is not skipped, since the refusal itself is under test.

use super::{decode, encode, CheckResult, Finding, Input, Kind, Outcome, Verdict};
use super::{DIFFERENTIAL, SAME_ENCODING, SCHEMA_DECODE, SCHEMA_ENCODE};
use crate::caps::CollectionRepr;
use crate::finding::{Referee, Seen};
use crate::{diff, Caps, Codec, ErrorKind, Value};

/// How [`compare_decodes`] treats what the implementations' data models
/// leave open.
#[derive(Clone, Copy)]
struct Rules {
    check: &'static str,
    /// A refusal as unsupported of a value outside the refuser's caps is a
    /// skip (data models differ); off for schema-bound engines, whose caps
    /// describe the schema, not a data model.
    consistent_refusals_skip: bool,
    /// Read tuples as arrays (a reference that answers a record as a tuple).
    tuples_as_arrays: bool,
    /// Ask the format's reference ([`crate::reference`]) which side of a
    /// disagreement departs from it.
    referee: bool,
}

/// `differential`: every implementation rejects `bytes`, or all accept with
/// equal values.
pub fn same_bytes(codecs: &[&dyn Codec], bytes: &[u8]) -> CheckResult {
    compare_decodes(
        codecs,
        bytes,
        Rules {
            check: DIFFERENTIAL,
            consistent_refusals_skip: true,
            tuples_as_arrays: false,
            referee: true,
        },
    )
}

/// `schema-decode`: an engine and a reference, both bound to one schema,
/// read `bytes` to equal values or both refuse.
pub fn schema_decode(engine: &dyn Codec, reference: &dyn Codec, bytes: &[u8]) -> CheckResult {
    compare_decodes(
        &[engine, reference],
        bytes,
        Rules {
            check: SCHEMA_DECODE,
            consistent_refusals_skip: false,
            tuples_as_arrays: true,
            referee: true,
        },
    )
}

fn compare_decodes(codecs: &[&dyn Codec], bytes: &[u8], rules: Rules) -> CheckResult {
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
    let mut meet: Caps = codecs
        .iter()
        .skip(1)
        .fold(first.caps(), |m, c| m.meet(&c.caps()));
    if rules.tuples_as_arrays {
        meet.tuple = CollectionRepr::Array;
    }
    let finding = |kind: Kind| {
        let mut f = Finding::new(
            rules.check,
            kind,
            codecs,
            Input::bytes(first.format(), bytes),
        );
        for (c, o) in codecs.iter().zip(&outcomes) {
            f = f.seen(*c, Seen::of_value(o));
        }
        f
    };
    if let Some(k) = outcomes.iter().find_map(Kind::of_breakdown) {
        return Err(Box::new(finding(k)));
    }
    let accepted: Vec<&Value> = outcomes.iter().filter_map(Outcome::ok).collect();
    // Accepted without a value to show still counts as accepting.
    let unshown = outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Rejected(e) if e.kind.is_accept()))
        .count();
    if accepted.is_empty() && unshown == 0 {
        return Ok(Verdict::Pass);
    }
    if accepted.len() + unshown < outcomes.len() {
        if rules.consistent_refusals_skip {
            if let Some(why) = consistent_refusal(codecs, &outcomes) {
                return Ok(Verdict::Skip(why));
            }
        }
        return Err(Box::new(
            finding(Kind::AcceptReject).referee(referee(codecs, &outcomes, bytes, &rules)),
        ));
    }
    if unshown > 0 {
        return Ok(Verdict::Skip(
            "all accept, but a value read cannot be compared".into(),
        ));
    }
    let normal: Vec<_> = accepted
        .iter()
        .map(|v| meet.normalise(v))
        .map(|v| if meet.nan_payload { v } else { one_nan(&v) })
        .map(|v| codecs.iter().fold(v, |v, c| c.keeps(&v).unwrap_or(v)))
        .collect();
    match normal[1..].iter().find(|v| **v != normal[0]) {
        None => Ok(Verdict::Pass),
        Some(other) => Err(Box::new(
            finding(Kind::ValuesDiffer)
                .difference(diff::first(&normal[0], other))
                .referee(referee(codecs, &outcomes, bytes, &rules)),
        )),
    }
}

/// The reference's verdict on a disagreement among `codecs` (whose decodes
/// of `bytes` are `outcomes`): each implementation is compared with the
/// reference by the same rules, one pair at a time. A reference among
/// `codecs` is its own verdict; without one there is none.
fn referee(
    codecs: &[&dyn Codec],
    outcomes: &[Outcome<Value>],
    bytes: &[u8],
    rules: &Rules,
) -> Option<Referee> {
    if !rules.referee {
        return None;
    }
    let format = codecs.first()?.format();
    if let Some(at) = codecs
        .iter()
        .position(|c| crate::reference::name_of(c.id()).is_some())
    {
        return Some(Referee {
            reference: codecs[at].id().to_string(),
            seen: Seen::of_value(&outcomes[at]),
            departs: codecs
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != at)
                .map(|(_, c)| c.id().to_string())
                .collect(),
        });
    }
    let mut reference = crate::reference::for_format(format)?;
    // Bytes bound to a schema (a protobuf message of the user's `.proto`)
    // mean something only under it: the reference reads them under the same
    // schema, or gives no verdict. Read unbound, it blamed both sides.
    if let Some(spec) = codecs[0].schema() {
        reference = reference.for_schema(spec).ok()?;
    } else if format.has_schema() {
        // A struct layout's codec does not say its format, so the reference
        // cannot be bound to it; unbound it would read nothing and blame all.
        return None;
    }
    let seen = Seen::of_value(&decode(&*reference, bytes));
    let alone = Rules {
        referee: false,
        ..*rules
    };
    let departs = codecs
        .iter()
        .filter(|c| compare_decodes(&[**c, &*reference], bytes, alone).is_err())
        .map(|c| c.id().to_string())
        .collect();
    Some(Referee {
        reference: reference.id().to_string(),
        seen,
        departs,
    })
}

/// `v` with every NaN the one NaN of its width: an implementation that
/// declares it keeps no NaN payload (Google's pure-Python protobuf reads every
/// NaN as `math.nan`) and one that keeps them read the same bytes alike up to
/// that.
fn one_nan(v: &Value) -> Value {
    v.map_scalars(&|x| match x {
        Value::Float(f) if f.is_nan() => Some(Value::Float(f.width().canonical_nan())),
        _ => None,
    })
}

/// Every refusal is an `Unsupported`/`Limit` error from a codec whose caps
/// exclude every value the others decoded.
fn consistent_refusal(codecs: &[&dyn Codec], outcomes: &[Outcome<Value>]) -> Option<String> {
    let values: Vec<&Value> = outcomes.iter().filter_map(Outcome::ok).collect();
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

/// `same-encoding`: `a` writes `v` to the same bytes as the reference `b`.
/// A value either declares it cannot hold is a skip; both refusing agrees;
/// one refusing what the other writes is a finding.
pub fn same_encoding(a: &dyn Codec, b: &dyn Codec, v: &Value) -> CheckResult {
    if let Some(why) = a.unsupported(v).or_else(|| b.unsupported(v)) {
        return Ok(Verdict::Skip(why));
    }
    compare_encodings(SAME_ENCODING, a, b, v)
}

/// `schema-encode`: an engine and a reference, both bound to one schema,
/// write `record` to the same bytes or both refuse it.
pub fn schema_encode(engine: &dyn Codec, reference: &dyn Codec, record: &Value) -> CheckResult {
    compare_encodings(SCHEMA_ENCODE, engine, reference, record)
}

fn compare_encodings(check: &'static str, a: &dyn Codec, b: &dyn Codec, v: &Value) -> CheckResult {
    let (ea, eb) = (encode(a, v), encode(b, v));
    let finding = |kind: Kind| {
        let mut f = Finding::new(check, kind, &[a, b], Input::Value(v.clone()))
            .seen(a, Seen::of_bytes(&ea))
            .seen(b, Seen::of_bytes(&eb));
        if let Outcome::Ok(bytes) = &ea {
            f = f.bytes(bytes);
        }
        f
    };
    if let Some(k) = Kind::of_breakdown(&ea).or_else(|| Kind::of_breakdown(&eb)) {
        return Err(Box::new(finding(k)));
    }
    match (&ea, &eb) {
        (Outcome::Ok(x), Outcome::Ok(y)) if x == y => Ok(Verdict::Pass),
        (Outcome::Ok(x), Outcome::Ok(y)) => {
            let at = x.iter().zip(y).position(|(p, q)| p != q);
            let at = at.unwrap_or(x.len().min(y.len()));
            Err(Box::new(finding(Kind::EncodingsDiffer).context(format!(
                "from byte {at}: {} vs {} bytes",
                x.len(),
                y.len()
            ))))
        }
        (Outcome::Rejected(_), Outcome::Rejected(_)) => Ok(Verdict::Pass),
        _ => Err(Box::new(finding(Kind::EncodeAcceptReject))),
    }
}
