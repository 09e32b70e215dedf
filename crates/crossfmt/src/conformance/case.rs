//! Suite files as `conformance/README.md` specifies them: the serde shape,
//! and the validation that turns a file into checked [`Case`]s. Every error
//! names the file and the case id.

use crate::check::conformance::{Equal, Expect, Test};
use crate::notation;
use crate::Value;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::{Path, PathBuf};

/// The formats a case may name (`struct` has no built-in codec yet, but
/// testees may serve it).
pub const FORMATS: [&str; 6] = ["msgpack", "cbor", "json", "pickle", "protobuf", "struct"];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
/// How binding a case is: a required failure fails the run, a recommended
/// one warns unless `--strict`.
pub enum Level {
    /// A failure fails the run.
    Required,
    /// A failure warns, and fails the run only under `--strict`.
    Recommended,
}

impl Level {
    /// The level's name in suites and reports.
    pub fn name(self) -> &'static str {
        match self {
            Level::Required => "required",
            Level::Recommended => "recommended",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
/// What a case exercises.
pub enum Op {
    /// Decoding bytes.
    Decode,
    /// Encoding a value.
    Encode,
    /// Reading a record stream.
    Stream,
}

impl Op {
    /// The op's name in suites and reports.
    pub fn name(self) -> &'static str {
        match self {
            Op::Decode => "decode",
            Op::Encode => "encode",
            Op::Stream => "stream",
        }
    }
}

/// A suite file as written.
#[derive(Deserialize)]
struct RawSuite {
    suite: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    source: String,
    /// Schema strings too long to repeat in every case (a protobuf
    /// message's descriptor set), by the short name cases give as `schema`.
    #[serde(default)]
    schemas: std::collections::BTreeMap<String, String>,
    cases: Vec<RawCase>,
}

/// A case as written; [`validate`] checks the fields against each other.
#[derive(Deserialize)]
struct RawCase {
    id: String,
    format: String,
    schema: Option<String>,
    source: String,
    level: Level,
    op: Op,
    input: Option<String>,
    expect: Option<Expect>,
    value: Option<String>,
    encodings: Option<Vec<String>>,
    canonical: Option<String>,
    equal: Option<Equal>,
    note: Option<String>,
    records: Option<Vec<String>>,
    #[serde(rename = "error-at")]
    error_at: Option<u64>,
    upstream: Option<String>,
}

/// A validated case.
#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    /// The stable id, `<suite>/<path>`.
    pub id: String,
    /// The suite it belongs to.
    pub suite: String,
    /// The format name.
    pub format: String,
    /// The schema codecs are bound to for this case (a struct format, a
    /// pickle protocol, a protobuf message), as written.
    pub schema: Option<String>,
    /// What codecs are bound with ([`Codec::for_schema`](crate::Codec::for_schema)):
    /// the suite's `schemas` entry that `schema` names, else `schema` itself.
    pub bind: Option<std::sync::Arc<str>>,
    /// Where the expectation comes from (a spec section, a reference implementation).
    pub source: String,
    /// Required or recommended.
    pub level: Level,
    /// A note for people.
    pub note: Option<String>,
    /// The name of the test this case is in the suite it comes from
    /// (Google's conformance runner: `Required.Proto3.ProtobufInput.…`),
    /// for failure lists in that suite's format.
    pub upstream: Option<String>,
    /// What to run and expect.
    pub test: Test,
    /// The `value` field as written, for reports.
    pub value_text: Option<String>,
}

impl Case {
    /// Decode or encode.
    pub fn op(&self) -> Op {
        match self.test {
            Test::Decode { .. } => Op::Decode,
            Test::Encode { .. } => Op::Encode,
            Test::Stream { .. } => Op::Stream,
        }
    }

    /// The bytes a decode case feeds the codec, as hex; empty for encode cases.
    pub fn input_hex(&self) -> String {
        match &self.test {
            Test::Decode { input, .. } | Test::Stream { input, .. } => hex::encode(input),
            Test::Encode { .. } => String::new(),
        }
    }

    /// What the case expects, in words: `accept 1`, `reject`, `one of 01 | cc01`.
    pub fn expectation(&self) -> String {
        match &self.test {
            Test::Decode { expect, value, .. } => {
                let word = match expect {
                    Expect::Accept => "accept",
                    Expect::Reject => "reject",
                    Expect::ImplementationDefined => "implementation-defined",
                };
                match value {
                    Some(v) => format!("{word} {}", notation::print(v)),
                    None => word.to_string(),
                }
            }
            Test::Encode {
                encodings: Some(list),
                equal,
                ..
            } => {
                let shown: Vec<String> = list.iter().map(|b| equal.render(b)).collect();
                format!("one of {}", shown.join(" | "))
            }
            Test::Encode {
                encodings: None, ..
            } => "reject".to_string(),
            Test::Stream {
                records, error_at, ..
            } => {
                let shown: Vec<String> = records.iter().map(notation::print_short).collect();
                let end = error_at.map_or("end".to_string(), |k| format!("error at {k}"));
                format!("records [{}], then {end}", shown.join(", "))
            }
        }
    }
}

/// A parsed suite file.
#[derive(Clone, Debug)]
pub struct Suite {
    /// The suite's name (its file stem).
    pub name: String,
    /// What it covers.
    pub description: String,
    /// Where its cases come from.
    pub source: String,
    /// The file it was read from.
    pub path: PathBuf,
    /// Its cases, in file order.
    pub cases: Vec<Case>,
}

/// A suite file that does not follow the schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseError {
    /// The suite file.
    pub path: PathBuf,
    /// The case id, when the error is about one case.
    pub case: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for CaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.case {
            Some(id) => write!(f, "{}: case {id:?}: {}", self.path.display(), self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

impl std::error::Error for CaseError {}

/// Parses and validates one suite file's text. `path` is for messages, and
/// its stem must be the suite's name.
pub fn parse_suite(path: &Path, text: &str) -> Result<Suite, CaseError> {
    let err = |case: Option<&str>, message: String| CaseError {
        path: path.to_path_buf(),
        case: case.map(str::to_string),
        message,
    };
    let raw: RawSuite = serde_json::from_str(text).map_err(|e| err(None, e.to_string()))?;
    if !valid_id(&raw.suite) || raw.suite.contains('/') {
        return Err(err(
            None,
            format!("suite name {:?}: only [A-Za-z0-9._+-] allowed", raw.suite),
        ));
    }
    if let Some(stem) = path.file_stem().and_then(|s| s.to_str()) {
        if stem != raw.suite {
            return Err(err(
                None,
                format!("the file is named {stem:?} but holds suite {:?}", raw.suite),
            ));
        }
    }
    let schemas: std::collections::HashMap<String, std::sync::Arc<str>> = raw
        .schemas
        .into_iter()
        .map(|(k, v)| (k, std::sync::Arc::from(v)))
        .collect();
    let mut seen = std::collections::HashSet::new();
    let mut cases = Vec::with_capacity(raw.cases.len());
    for (i, rc) in raw.cases.into_iter().enumerate() {
        let id = rc.id.clone();
        if !seen.insert(id.clone()) {
            return Err(err(Some(&id), "duplicate id".to_string()));
        }
        let mut case = validate(&raw.suite, rc).map_err(|m| {
            err(
                Some(&id),
                if id.is_empty() {
                    format!("(case #{i}) {m}")
                } else {
                    m
                },
            )
        })?;
        case.bind = case.schema.as_ref().map(|s| {
            schemas
                .get(s)
                .cloned()
                .unwrap_or_else(|| std::sync::Arc::from(s.as_str()))
        });
        cases.push(case);
    }
    Ok(Suite {
        name: raw.suite,
        description: raw.description,
        source: raw.source,
        path: path.to_path_buf(),
        cases,
    })
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._/+_-".contains(c))
}

fn parse_hex(field: &str, text: &str) -> Result<Vec<u8>, String> {
    if text.chars().any(|c| c.is_ascii_uppercase()) {
        return Err(format!("{field}: hex must be lowercase"));
    }
    hex::decode(text).map_err(|e| format!("{field}: not hex: {e}"))
}

fn parse_value(text: &str) -> Result<Value, String> {
    notation::parse(text).map_err(|e| format!("value: {e}"))
}

fn validate(suite: &str, rc: RawCase) -> Result<Case, String> {
    if !valid_id(&rc.id) {
        return Err("id: only [A-Za-z0-9._/+_-] allowed".to_string());
    }
    if !rc
        .id
        .strip_prefix(suite)
        .is_some_and(|rest| rest.len() > 1 && rest.starts_with('/'))
    {
        return Err(format!("id must start with \"{suite}/\""));
    }
    if !FORMATS.contains(&rc.format.as_str()) {
        return Err(format!(
            "format {:?}: expected one of {}",
            rc.format,
            FORMATS.join(", ")
        ));
    }
    if rc.op != Op::Stream && (rc.records.is_some() || rc.error_at.is_some()) {
        return Err("records/error-at belong to stream cases".to_string());
    }
    let test = match rc.op {
        Op::Decode => {
            if rc.encodings.is_some() || rc.canonical.is_some() || rc.equal.is_some() {
                return Err("encodings/canonical/equal belong to encode cases".to_string());
            }
            let input = parse_hex("input", rc.input.as_deref().ok_or("decode needs input")?)?;
            let expect = rc.expect.ok_or("decode needs expect")?;
            let value = rc.value.as_deref().map(parse_value).transpose()?;
            match (expect, &value) {
                (Expect::Accept, None) => return Err("expect accept needs a value".to_string()),
                (Expect::Reject, Some(_)) => return Err("expect reject takes no value".to_string()),
                _ => {}
            }
            Test::Decode {
                input,
                expect,
                value,
            }
        }
        Op::Encode => {
            if rc.input.is_some() {
                return Err("encode cases take a value, not input".to_string());
            }
            let value = parse_value(rc.value.as_deref().ok_or("encode needs a value")?)?;
            let encodings = match (rc.expect, rc.encodings) {
                (None | Some(Expect::Accept), Some(list)) if !list.is_empty() => {
                    let list = list
                        .iter()
                        .map(|h| parse_hex("encodings", h))
                        .collect::<Result<Vec<_>, _>>()?;
                    if let Some(c) = &rc.canonical {
                        if !list.contains(&parse_hex("canonical", c)?) {
                            return Err("canonical is not among the encodings".to_string());
                        }
                    }
                    Some(list)
                }
                (None | Some(Expect::Accept), _) => {
                    return Err("encode needs a non-empty encodings list".to_string())
                }
                (Some(Expect::Reject), None) if rc.canonical.is_none() => None,
                (Some(Expect::Reject), _) => {
                    return Err("an encode case expecting reject takes no encodings".to_string())
                }
                (Some(Expect::ImplementationDefined), _) => {
                    return Err("encode cases expect accept or reject".to_string())
                }
            };
            let equal = rc.equal.unwrap_or_default();
            if equal == Equal::Json {
                for b in encodings.iter().flatten() {
                    serde_json::from_slice::<serde_json::Value>(b)
                        .map_err(|e| format!("encodings: not a JSON document: {e}"))?;
                }
            }
            Test::Encode {
                value,
                encodings,
                equal,
            }
        }
        Op::Stream => {
            if rc.expect.is_some()
                || rc.value.is_some()
                || rc.encodings.is_some()
                || rc.equal.is_some()
            {
                return Err("a stream case takes input, records and error-at".to_string());
            }
            let input = parse_hex("input", rc.input.as_deref().ok_or("stream needs input")?)?;
            let records = rc
                .records
                .ok_or("stream needs records")?
                .iter()
                .map(|r| parse_value(r))
                .collect::<Result<Vec<_>, _>>()?;
            if rc.error_at.is_some_and(|k| k > input.len() as u64) {
                return Err("error-at is past the end of the input".to_string());
            }
            Test::Stream {
                input,
                records,
                error_at: rc.error_at,
            }
        }
    };
    Ok(Case {
        id: rc.id,
        suite: suite.to_string(),
        format: rc.format,
        schema: rc.schema,
        bind: None,
        source: rc.source,
        level: rc.level,
        note: rc.note,
        upstream: rc.upstream,
        test,
        value_text: rc.value,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suite(cases: &str) -> String {
        format!(r#"{{"suite": "s", "description": "d", "source": "x", "cases": [{cases}]}}"#)
    }

    fn parse(cases: &str) -> Result<Suite, String> {
        parse_suite(Path::new("suites/s.json"), &suite(cases)).map_err(|e| e.to_string())
    }

    const DECODE: &str = r#"{"id": "s/a", "format": "msgpack", "source": "t", "level": "required",
        "op": "decode", "input": "01", "expect": "accept", "value": "1"}"#;

    #[test]
    fn a_valid_suite_parses() {
        let s = parse(&format!(
            r#"{DECODE}, {{"id": "s/b", "format": "cbor", "source": "t", "level": "recommended",
            "op": "encode", "value": "[1]", "encodings": ["8101"], "canonical": "8101"}},
            {{"id": "s/c", "format": "struct", "schema": "<i", "source": "t", "level": "required",
            "op": "encode", "expect": "reject", "value": "[1, 2]"}}"#
        ))
        .unwrap();
        assert_eq!(s.cases.len(), 3);
        assert_eq!(
            s.cases[0].test,
            Test::Decode {
                input: vec![1],
                expect: Expect::Accept,
                value: Some(Value::Int(1))
            }
        );
        assert_eq!(s.cases[1].expectation(), "one of 8101");
        assert_eq!(s.cases[2].expectation(), "reject");
    }

    #[test]
    fn errors_name_the_file_and_case() {
        let cases = [
            (
                DECODE.replace("s/a", "t/a"),
                r#"case "t/a": id must start with "s/""#,
            ),
            (
                DECODE.replace("s/a", "s/a b"),
                "only [A-Za-z0-9._/+_-] allowed",
            ),
            (
                DECODE.replace("\"01\"", "\"0g\""),
                r#"case "s/a": input: not hex"#,
            ),
            (DECODE.replace("\"01\"", "\"0A\""), "hex must be lowercase"),
            (
                DECODE.replace("\"1\"", "\"[1\""),
                r#"case "s/a": value: at byte 2"#,
            ),
            (DECODE.replace("msgpack", "yaml"), "format \"yaml\""),
            (
                DECODE.replace(r#", "value": "1""#, ""),
                "expect accept needs a value",
            ),
            (format!("{DECODE}, {DECODE}"), r#"case "s/a": duplicate id"#),
            (
                DECODE.replace("required", "optional"),
                "unknown variant `optional`",
            ),
        ];
        for (text, want) in cases {
            let e = parse(&text).unwrap_err();
            assert!(e.starts_with("suites/s.json: "), "{e}");
            assert!(e.contains(want), "{e} should contain {want}");
        }
        let e = parse_suite(Path::new("suites/other.json"), &suite(DECODE)).unwrap_err();
        assert!(e.to_string().contains("named \"other\""), "{e}");
        let e = parse_suite(Path::new("x.json"), "{").unwrap_err();
        assert!(e.to_string().starts_with("x.json: EOF"), "{e}");
    }

    #[test]
    fn encode_shapes_are_checked() {
        let enc = r#"{"id": "s/e", "format": "cbor", "source": "t", "level": "required", "op": "encode", "value": "1""#;
        for (tail, want) in [
            ("}", "non-empty encodings"),
            (r#", "encodings": []}"#, "non-empty encodings"),
            (
                r#", "expect": "reject", "encodings": ["01"]}"#,
                "takes no encodings",
            ),
            (
                r#", "encodings": ["01"], "canonical": "02"}"#,
                "canonical is not among",
            ),
            (r#", "input": "01", "encodings": ["01"]}"#, "not input"),
            (
                r#", "encodings": ["7b"], "equal": "json"}"#,
                "encodings: not a JSON document",
            ),
            (
                r#", "encodings": ["01"], "equal": "xml"}"#,
                "unknown variant `xml`",
            ),
        ] {
            let e = parse(&format!("{enc}{tail}")).unwrap_err();
            assert!(e.contains(want), "{e} should contain {want}");
        }
    }

    #[test]
    fn stream_shapes_are_checked() {
        let head = r#"{"id": "s/t", "format": "msgpack", "source": "t", "level": "required", "op": "stream""#;
        let s = parse(&format!(
            r#"{head}, "input": "0102c1", "records": ["1", "2"], "error-at": 2}}"#
        ))
        .unwrap();
        assert_eq!(
            s.cases[0].test,
            Test::Stream {
                input: vec![1, 2, 0xc1],
                records: vec![Value::Int(1), Value::Int(2)],
                error_at: Some(2)
            }
        );
        assert_eq!(s.cases[0].expectation(), "records [1, 2], then error at 2");
        for (tail, want) in [
            (r#", "input": "01"}"#, "stream needs records"),
            (r#", "records": ["1"]}"#, "stream needs input"),
            (
                r#", "input": "01", "records": ["1"], "error-at": 2}"#,
                "past the end",
            ),
            (
                r#", "input": "01", "records": ["1"], "expect": "accept"}"#,
                "takes input, records",
            ),
        ] {
            let e = parse(&format!("{head}{tail}")).unwrap_err();
            assert!(e.contains(want), "{e} should contain {want}");
        }
        let decode_with_records =
            DECODE.replace(r#""value": "1""#, r#""value": "1", "records": ["1"]"#);
        assert!(parse(&decode_with_records)
            .unwrap_err()
            .contains("belong to stream cases"));
    }
}
