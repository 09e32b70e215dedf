//! The `protobuf-google` suite (Google's conformance messages) shown
//! catching deliberately broken protobuf implementations, family by family:
//! each bug is planted in prost-reflect's reading of the case's message, and
//! the test names the case families that must fail — and that the correct
//! implementation passes them all but its one known failure.

use crossfmt::codecs::protobuf::{self, dynamic::Dynamic};
use crossfmt::conformance::matrix::{Matrix, Status};
use crossfmt::testing::{conformance_with, Options};
use crossfmt::{Codec, CodecError, CodecRef, Format, Value};
use std::collections::BTreeSet;
use std::sync::Arc;

#[derive(Clone, Copy, Debug)]
enum Bug {
    None,
    /// Every input it cannot parse reads as the empty message.
    AcceptsAnything,
    /// Unknown fields are dropped, as prost's generated code does.
    DropsUnknown,
    /// Repeated fields come back in reverse.
    ReversesRepeated,
    /// A map keeps only its first entry.
    FirstMapEntryOnly,
    /// Writes fields in descending number order.
    WritesBackwards,
    /// Writes JSON without the members whose value is `false`.
    JsonDropsFalse,
}

/// `j` without the object members whose value is `false`, at any depth.
fn drop_false(j: serde_json::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match j {
        J::Object(m) => J::Object(
            m.into_iter()
                .filter(|(_, x)| *x != J::Bool(false))
                .map(|(k, x)| (k, drop_false(x)))
                .collect(),
        ),
        J::Array(xs) => J::Array(xs.into_iter().map(drop_false).collect()),
        other => other,
    }
}

/// prost-reflect, bound by each case to its message, with `bug` planted.
struct Planted {
    bug: Bug,
    inner: Dynamic,
}

impl Planted {
    fn engine(bug: Bug) -> CodecRef {
        Arc::new(Planted {
            bug,
            inner: protobuf::prost_reflect(),
        })
    }
}

fn top_level(v: Value, f: impl Fn(&Value, Value) -> Value) -> Value {
    match v {
        Value::Map(fields) => Value::Map(
            fields
                .into_iter()
                .map(|(k, x)| {
                    let y = f(&k, x);
                    (k, y)
                })
                .collect(),
        ),
        other => other,
    }
}

impl Codec for Planted {
    fn id(&self) -> &str {
        "protobuf/planted"
    }
    fn format(&self) -> Format {
        Format::Protobuf
    }
    fn caps(&self) -> crossfmt::caps::Caps {
        self.inner.caps()
    }
    fn schema(&self) -> Option<&str> {
        self.inner.schema()
    }
    fn unsupported(&self, v: &Value) -> Option<String> {
        self.inner.unsupported(v)
    }
    fn for_schema(&self, schema: &str) -> Result<CodecRef, CodecError> {
        Ok(Arc::new(Planted {
            bug: self.bug,
            inner: Dynamic::from_spec(self.id(), schema).map_err(CodecError::unsupported)?,
        }))
    }
    fn encode(&self, v: &Value) -> Result<Vec<u8>, CodecError> {
        let bytes = self.inner.encode(v)?;
        let json = self.schema().is_some_and(|s| s.starts_with("json:"));
        if matches!(self.bug, Bug::JsonDropsFalse) && json {
            let doc = serde_json::from_slice(&bytes).expect("prost-reflect writes JSON");
            return Ok(serde_json::to_vec(&drop_false(doc)).expect("a JSON document"));
        }
        if !matches!(self.bug, Bug::WritesBackwards) {
            return Ok(bytes);
        }
        // One field at a time, in descending number order.
        let Value::Map(fields) = v else {
            return Ok(bytes);
        };
        let mut out = Vec::new();
        for (k, x) in fields.iter().rev() {
            out.extend(
                self.inner
                    .encode(&Value::Map(vec![(k.clone(), x.clone())]))?,
            );
        }
        Ok(out)
    }
    fn decode(&self, b: &[u8]) -> Result<Value, CodecError> {
        let v = match (self.inner.decode(b), self.bug) {
            (Err(_), Bug::AcceptsAnything) => return Ok(Value::Map(Vec::new())),
            (r, _) => r?,
        };
        let Value::Map(fields) = &v else {
            return Ok(v);
        };
        Ok(match self.bug {
            Bug::DropsUnknown => Value::Map(
                fields
                    .iter()
                    .filter(|(k, _)| {
                        let Value::Int(n) = k else { return true };
                        u32::try_from(*n).is_ok_and(|n| self.inner.message().get_field(n).is_some())
                    })
                    .cloned()
                    .collect(),
            ),
            Bug::ReversesRepeated => top_level(v, |_, x| match x {
                Value::Array(mut xs) => {
                    xs.reverse();
                    Value::Array(xs)
                }
                other => other,
            }),
            Bug::FirstMapEntryOnly => top_level(v, |_, x| match x {
                Value::Map(mut kvs)
                    if kvs.len() > 1
                        && matches!(kvs[0].0, Value::Int(_) | Value::Text(_) | Value::Bool(_)) =>
                {
                    kvs.truncate(1);
                    Value::Map(kvs)
                }
                other => other,
            }),
            _ => v,
        })
    }
}

/// The ids of the google-suite cases `m` marks failed, required or
/// recommended.
fn failed(m: &Matrix) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (c, case) in m.cases.iter().enumerate() {
        let Some(cell) = &m.cells[c][0] else { continue };
        if !case.id.starts_with("protobuf-google/") || cell.status != Status::Fail {
            continue;
        }
        out.insert(case.id.clone());
    }
    out
}

fn run(bug: Bug) -> BTreeSet<String> {
    let m = conformance_with(Planted::engine(bug), &Options::default())
        .unwrap_or_else(|e| panic!("crossfmt could not run: {e}"));
    failed(&m)
}

/// A case's family: its id's part after `Proto3/` or `Proto2/`, up to the
/// first `.` or `/`.
fn families(ids: &BTreeSet<String>) -> BTreeSet<String> {
    ids.iter()
        .filter_map(|id| {
            let rest = id.split('/').nth(2)?;
            Some(rest.split(['.', '/']).next()?.to_string())
        })
        .collect()
}

#[test]
fn the_google_suite_passes_prost_reflect_and_catches_each_planted_bug() {
    // What the correct implementation fails, each listed with its reason in
    // conformance/expected-failures/protobuf/prost-reflect.txt: prost's tag
    // decoder takes a tag padded past 5 bytes; its JSON reader refuses "1e5"
    // for an integer and an empty Any, reads through serde_json's float
    // parser, and (recommended) takes a duplicate field name, cannot write
    // an empty Any, and writes an unknown field among the known ones.
    let known: BTreeSet<String> = [
        "Proto3/BadTag_OverlongVarint",
        "Proto2/BadTag_OverlongVarint",
        "Proto2/Required.Complete.WithUnknown/encode",
        "Proto3/JsonInput.AnyEmpty",
        "Proto3/JsonInput.AnyEmpty.JsonOutput",
        "Proto3/JsonInput.DoubleFieldMinPositiveValue",
        "Proto3/JsonInput.DuplicateField",
        "Proto3/JsonInput.Int32FieldQuotedExponentialValue",
    ]
    .map(|c| format!("protobuf-google/{c}"))
    .into();
    assert_eq!(run(Bug::None), known, "the correct implementation");
    let want: [(Bug, &[&str]); 6] = [
        (
            Bug::AcceptsAnything,
            &[
                "PrematureEofBeforeKnownNonRepeatedValue",
                "PrematureEofInPackedField",
                "PrematureEofInSubmessageValue",
                "IllegalZeroFieldNum_Case_0",
                "BadTag_OverlongVarint",
                "UnmatchedEndGroup",
                "RejectInvalidUtf8",
                "VarintOverlong",
                "LengthPastEnd",
                "Truncated",
                "Group",
                "JsonInput",
            ],
        ),
        (
            Bug::DropsUnknown,
            &[
                "UnknownVarint",
                "UnknownGroup",
                "UnknownOrdering",
                "UnknownFieldNumberMax",
            ],
        ),
        (
            Bug::ReversesRepeated,
            &["ValidDataRepeated", "KitchenSink", "JsonInput"],
        ),
        (Bug::FirstMapEntryOnly, &["ValidDataMap"]),
        (Bug::WritesBackwards, &["KitchenSink", "UnknownOrdering"]),
        (Bug::JsonDropsFalse, &["JsonInput"]),
    ];
    // The JSON writer's bug fails JSON output cases and nothing else: the
    // documents are compared, not their bytes.
    let json_bug = run(Bug::JsonDropsFalse);
    assert!(
        json_bug.contains("protobuf-google/Proto3/JsonInput.OneofZeroBool.JsonOutput"),
        "{json_bug:?}"
    );
    assert!(
        json_bug
            .difference(&known)
            .all(|id| id.ends_with(".JsonOutput")),
        "{json_bug:?}"
    );
    for (bug, families_wanted) in want {
        let got = families(&run(bug));
        for f in families_wanted {
            assert!(
                got.contains(*f),
                "{bug:?}: no case of family {f} failed; failed families: {got:?}"
            );
        }
    }
}

/// `codec` with its [`Codec::keeps`] forgotten.
struct Forgetful(CodecRef);

impl Codec for Forgetful {
    fn id(&self) -> &str {
        self.0.id()
    }
    fn format(&self) -> Format {
        self.0.format()
    }
    fn caps(&self) -> crossfmt::caps::Caps {
        self.0.caps()
    }
    fn encode(&self, v: &Value) -> Result<Vec<u8>, CodecError> {
        self.0.encode(v)
    }
    fn decode(&self, b: &[u8]) -> Result<Value, CodecError> {
        self.0.decode(b)
    }
}

#[test]
fn prost_reads_a_missing_required_scalar_as_its_default_which_its_model_declares() {
    use crossfmt::codecs::protobuf::google;
    use crossfmt::notation::parse;
    let prost = crossfmt::Registry::builtin().get("protobuf/prost").unwrap();
    let message = format!("{}.MessageSetCorrectExtension2", google::PROTO2_REQUIRED);
    let bound = prost.for_schema(&google::spec(&message)).unwrap();
    // The struct holds `i` as a plain i32: absent reads as 0, and is written.
    assert_eq!(bound.decode(b"").unwrap(), parse("{9: 0}").unwrap());
    let missing = bound.unsupported(&parse("{}").unwrap()).unwrap();
    assert!(missing.contains("required field"), "{missing}");
    assert!(bound.unsupported(&parse("{9: 0}").unwrap()).is_none());
    // The message that requires itself is never built (prost#924).
    let e = prost
        .for_schema(&google::spec(google::PROTO2_REQUIRED))
        .err()
        .unwrap();
    assert!(e.message.contains("prost#924"), "{e}");
}

#[test]
fn prost_and_prost_reflect_differ_only_in_the_unknown_fields_prost_drops() {
    use crossfmt::check::differential::same_bytes;
    use crossfmt::Registry;
    let (_, _, bound) = Registry::schema_groups()
        .into_iter()
        .find(|(name, _, _)| name == "protobuf_proto3")
        .expect("TestAllTypesProto3's implementations");
    let (prost, reflect) = (bound[0].as_ref(), bound[1].as_ref());
    // optional_int32 = 5; a nested message holding unknown field 99; then
    // unknown field 555.
    let input = [
        0x08, 0x05, 0x92, 0x01, 0x03, 0x98, 0x06, 0x01, 0xd8, 0x22, 0x01,
    ];
    assert!(prost.decode(&input).unwrap() != reflect.decode(&input).unwrap());
    assert!(same_bytes(&[prost, reflect], &input).is_ok());
    let forgetful = Forgetful(bound[0].clone());
    let finding = same_bytes(&[&forgetful, reflect], &input).unwrap_err();
    assert_eq!(finding.kind.name(), "values-differ", "{finding}");
}
