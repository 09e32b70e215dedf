//! A schema-driven engine against a reference implementation on the same
//! schema: the same (schema, values) packed by both must give the same bytes
//! or both be refused; the same (schema, bytes) unpacked by both must give
//! equal values or both be refused. A schema one side cannot bind counts as
//! that side refusing the operation (a bad `struct` format is refused by
//! CPython at pack/unpack time, not before).
//!
//! Error *agreement* is checked, not error wording: each side's message is
//! shown in the finding.

use super::{contain, describe, CheckResult, Finding, Input, Outcome, Verdict};
use crate::caps::CollectionRepr;
use crate::notation;
use crate::Value;
use crate::{Codec, CodecRef};

pub const SCHEMA_DIFFERENTIAL: &str = "schema_differential";

fn bind(c: &dyn Codec, schema: &str) -> Outcome<CodecRef> {
    contain(|| c.for_schema(schema))
}

fn then<T>(bound: &Outcome<CodecRef>, op: impl FnOnce(&dyn Codec) -> Outcome<T>) -> Outcome<T> {
    match bound {
        Outcome::Ok(c) => op(c.as_ref()),
        Outcome::Rejected(e) => Outcome::Rejected(e.clone()),
        Outcome::Panicked(p) => Outcome::Panicked(p.clone()),
        Outcome::Failed(e) => Outcome::Failed(e.clone()),
    }
}

/// `encode` of `record` by `engine` and `reference`, both bound to `schema`.
pub fn encode_pair(
    engine: &dyn Codec,
    reference: &dyn Codec,
    schema: &str,
    record: &Value,
) -> CheckResult {
    let outcomes: Vec<Outcome<Vec<u8>>> = [engine, reference]
        .iter()
        .map(|c| then(&bind(*c, schema), |b| super::encode(b, record)))
        .collect();
    let input = Input::Value(record.clone());
    compare(engine, reference, schema, input, &outcomes, |b| {
        hex::encode(b)
    })
}

/// `decode` of `bytes` by `engine` and `reference`, both bound to `schema`.
/// Values are compared after the normal form of what both hold (a
/// reference that answers with a tuple is read as an array).
pub fn decode_pair(
    engine: &dyn Codec,
    reference: &dyn Codec,
    schema: &str,
    bytes: &[u8],
) -> CheckResult {
    let mut meet = engine.caps().meet(&reference.caps());
    meet.tuple = CollectionRepr::Array;
    let outcomes: Vec<Outcome<Value>> = [engine, reference]
        .iter()
        .map(
            |c| match then(&bind(*c, schema), |b| super::decode(b, bytes)) {
                Outcome::Ok(v) => Outcome::Ok(meet.normalise(&v)),
                other => other,
            },
        )
        .collect();
    let input = Input::Bytes {
        format: engine.format(),
        bytes: bytes.to_vec(),
    };
    compare(engine, reference, schema, input, &outcomes, notation::print)
}

fn compare<T: PartialEq>(
    engine: &dyn Codec,
    reference: &dyn Codec,
    schema: &str,
    input: Input,
    outcomes: &[Outcome<T>],
    show: impl Fn(&T) -> String,
) -> CheckResult {
    let (a, b) = (&outcomes[0], &outcomes[1]);
    let finding = |detail: &str| {
        let mut f = Finding::new(SCHEMA_DIFFERENTIAL, &[engine, reference], input.clone())
            .detail(format!("{detail} (schema {schema:?})"))
            .expected(format!("{}: {}", reference.id(), describe(b, &show)))
            .actual(format!("{}: {}", engine.id(), describe(a, &show)));
        f.panic = a.failure().or_else(|| b.failure());
        Box::new(f)
    };
    match (a, b) {
        (Outcome::Ok(x), Outcome::Ok(y)) if x == y => Ok(Verdict::Pass),
        (Outcome::Ok(_), Outcome::Ok(_)) => Err(finding(
            "the engine and the reference give different results",
        )),
        (Outcome::Rejected(_), Outcome::Rejected(_)) => Ok(Verdict::Pass),
        _ if a.failure().is_some() || b.failure().is_some() => {
            Err(finding("an implementation panicked or failed"))
        }
        (Outcome::Ok(_), _) => Err(finding("the engine accepts what the reference rejects")),
        _ => Err(finding("the engine rejects what the reference accepts")),
    }
}

/// Both directions for one record: pack, and unpack of the reference's
/// bytes when it packed (or of `bytes` when given).
pub fn record(
    engine: &dyn Codec,
    reference: &dyn Codec,
    schema: &str,
    record: &Value,
) -> CheckResult {
    encode_pair(engine, reference, schema, record)?;
    let packed = then(&bind(reference, schema), |c| super::encode(c, record));
    match packed {
        Outcome::Ok(bytes) => decode_pair(engine, reference, schema, &bytes),
        _ => Ok(Verdict::Pass),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::caps::Caps;
    use crate::{CodecError, Format};
    use crossfmt_codecs::pystruct::StructCodec;
    use std::sync::Arc;

    /// A reference that packs like the engine but reads every `?` as False:
    /// what the check must notice.
    struct Skewed(Option<StructCodec>);

    impl Codec for Skewed {
        fn id(&self) -> &str {
            "struct/skewed"
        }
        fn format(&self) -> Format {
            Format::Struct
        }
        fn caps(&self) -> Caps {
            self.0.as_ref().map_or(Caps::NONE, |c| c.caps())
        }
        fn encode(&self, v: &Value) -> Result<Vec<u8>, CodecError> {
            self.0.as_ref().unwrap().encode(v)
        }
        fn decode(&self, b: &[u8]) -> Result<Value, CodecError> {
            match self.0.as_ref().unwrap().decode(b)? {
                Value::Array(xs) => Ok(Value::Array(
                    xs.into_iter()
                        .map(|x| match x {
                            Value::Bool(_) => Value::Bool(false),
                            x => x,
                        })
                        .collect(),
                )),
                other => Ok(other),
            }
        }
        fn for_schema(&self, schema: &str) -> Result<CodecRef, CodecError> {
            Ok(Arc::new(Skewed(Some(StructCodec::new(schema)?))))
        }
    }

    #[test]
    fn agreement_passes_and_a_difference_is_found() {
        let engine = StructCodec::new("").unwrap();
        let same = StructCodec::new("").unwrap();
        let rec = Value::Array(vec![Value::Int(1), Value::Bool(true)]);
        assert_eq!(record(&engine, &same, "<h?", &rec), Ok(Verdict::Pass));
        // Both refuse a bad format or an out-of-range value: agreement.
        assert_eq!(decode_pair(&engine, &same, "<z", b""), Ok(Verdict::Pass));
        let big = Value::Array(vec![Value::Int(1 << 20), Value::Bool(true)]);
        assert_eq!(record(&engine, &same, "<h?", &big), Ok(Verdict::Pass));
        let skewed = Skewed(None);
        let f = record(&engine, &skewed, "<h?", &rec).unwrap_err();
        assert!(f.detail.contains("different results"), "{}", f.detail);
        assert!(f.detail.contains("<h?"), "{}", f.detail);
        // Both refuse the out-of-range value: agreement, even with the skewed reader.
        assert_eq!(
            encode_pair(&engine, &skewed, "<h?", &big),
            Ok(Verdict::Pass)
        );
        // One side refusing (here: it cannot bind a schema at all) is a finding.
        let json = crossfmt_codecs::json::SerdeJson;
        let f = encode_pair(&engine, &json, "<h?", &rec).unwrap_err();
        assert!(
            f.detail.contains("accepts what the reference rejects"),
            "{}",
            f.detail
        );
    }
}
