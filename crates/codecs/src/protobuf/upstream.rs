//! Google's conformance testee protocol (`conformance.proto`), both ways.
//!
//! Every protobuf implementation ships a testee for Google's
//! `conformance_test_runner`: a process that reads `ConformanceRequest`s from
//! stdin and writes `ConformanceResponse`s to stdout, each framed by a 4-byte
//! little-endian length. [`start`] makes such a process a codec, so that
//! crossfmt's protobuf suites run against it unmodified: decoding a case's
//! bytes is asking the testee to parse them and write them back, and the
//! bytes it writes are read in the case's message model; encoding a value is
//! handing the testee the model's bytes of it and taking what it writes.
//! [`serve`] is the other way: any crossfmt protobuf codec answering Google's
//! runner.

use super::dynamic::{pool_of, Dynamic, JSON_PREFIX};
use super::google;
use crate::external::process::{Parsed, Testee};
use crate::external::{wire, Limits};
use crossfmt_value::caps::Caps;
use crossfmt_value::value::Value;
use crossfmt_value::{Codec, CodecError, CodecRef, ErrorKind, Format};
use prost::Message;
use std::io::{Read, Write};
use std::sync::Arc;

/// Code generated from `conformance.proto` by `build.rs`.
#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod proto {
    include!(concat!(env!("OUT_DIR"), "/conformance.rs"));
}

use proto::conformance_request::Payload;
use proto::conformance_response::Result as Answer;
use proto::{ConformanceRequest, ConformanceResponse, FailureSet, TestCategory, WireFormat};

/// `conformance.proto` as an encoded `FileDescriptorSet`, written by
/// `build.rs`: what a testee without generated code builds the protocol's
/// messages from.
pub const DESCRIPTOR_SET: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/conformance.binpb"));

/// The message type of the runner's first request, which asks for the
/// testee's failure list.
pub const FAILURE_SET: &str = "conformance.FailureSet";

/// A Google-protocol testee as a codec, bound to one of the messages it
/// reads (`TestAllTypesProto3` until a case binds it to another).
pub struct GoogleTestee {
    testee: Arc<Testee>,
    model: Dynamic,
    message: String,
    /// Bound to the message's JSON mapping: what it is given is JSON.
    json: bool,
    /// The message's binary model: what a JSON-bound testee writes back
    /// when decoding, so that its answer is read exactly (a JSON reader's
    /// own float rounding never passes for the testee's).
    binary: Dynamic,
}

/// Starts `command` as a Google-protocol testee named `id`.
pub fn start(command: &str, id: &str, limits: Limits) -> Result<CodecRef, String> {
    let testee = Arc::new(Testee::start_silent(command, limits)?);
    let spec = google::spec(google::PROTO3);
    Ok(Arc::new(GoogleTestee::bind(testee, id, &spec)?))
}

/// The id a testee command goes by: `protobuf/<program name>`.
pub fn id_of(command: &str) -> String {
    let program = shell_words::split(command)
        .ok()
        .and_then(|argv| argv.into_iter().next())
        .unwrap_or_default();
    let name = std::path::Path::new(&program)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!(
        "protobuf/{}",
        if name.is_empty() {
            "google-testee"
        } else {
            &name
        }
    )
}

impl GoogleTestee {
    fn bind(testee: Arc<Testee>, id: &str, spec: &str) -> Result<GoogleTestee, String> {
        let model = Dynamic::from_spec(id, spec)?;
        let message = model.message().full_name().to_string();
        let plain = spec.strip_prefix(JSON_PREFIX);
        Ok(GoogleTestee {
            testee,
            binary: Dynamic::from_spec(id, plain.unwrap_or(spec))?,
            model,
            message,
            json: plain.is_some(),
        })
    }

    /// The testee's answer to parsing `payload` (JSON when bound so) and
    /// writing it back, in JSON when `json_out`: the bytes, or its refusal.
    fn round_trip(&self, payload: &[u8], json_out: bool) -> Result<Vec<u8>, CodecError> {
        let (payload, category) = if self.json {
            // The protocol carries JSON as a string: bytes that are not
            // UTF-8 cannot be asked.
            let text = String::from_utf8(payload.to_vec()).map_err(|_| {
                CodecError::unsupported(
                    "JSON that is not UTF-8 has no place in a ConformanceRequest",
                )
            })?;
            (Payload::JsonPayload(text), TestCategory::JsonTest)
        } else {
            (
                Payload::ProtobufPayload(payload.to_vec()),
                TestCategory::BinaryTest,
            )
        };
        let format = if json_out {
            WireFormat::Json
        } else {
            WireFormat::Protobuf
        };
        let request = ConformanceRequest {
            payload: Some(payload),
            requested_output_format: format as i32,
            message_type: self.message.clone(),
            test_category: category as i32,
            ..ConformanceRequest::default()
        };
        self.testee
            .request_bytes(&request.encode_to_vec(), |b| read_answer(b, json_out))
    }
}

/// A response, as the testee's answer (`Ok`) or a breach of the protocol.
fn read_answer(body: &[u8], json: bool) -> Parsed<Vec<u8>> {
    let response = ConformanceResponse::decode(body).map_err(|e| {
        format!(
            "the response is not a ConformanceResponse ({e}): {}",
            hex::encode(&body[..body.len().min(64)])
        )
    })?;
    Ok(match response.result {
        Some(Answer::ProtobufPayload(p)) if !json => Ok(p),
        Some(Answer::JsonPayload(p)) if json => Ok(p.into_bytes()),
        Some(Answer::ParseError(e)) => Err(CodecError::syntax(format!("parse_error: {e}"))),
        Some(Answer::SerializeError(e)) => Err(CodecError::failure(
            ErrorKind::Encode,
            format!("serialize_error: {e}"),
        )),
        Some(Answer::Skipped(e)) => Err(CodecError::unsupported(format!("skipped: {e}"))),
        Some(Answer::TimeoutError(e)) => Err(CodecError::failure(
            ErrorKind::Timeout,
            format!("timeout_error: {e}"),
        )),
        Some(Answer::RuntimeError(e)) => Err(CodecError::failure(
            ErrorKind::Crashed,
            format!("runtime_error: {e}"),
        )),
        Some(other) => {
            let asked = if json { "JSON" } else { "protobuf" };
            return Err(format!(
                "asked for {asked} output, the testee answered {other:?}"
            ));
        }
        None => return Err("a ConformanceResponse with no result".to_string()),
    })
}

impl Codec for GoogleTestee {
    fn id(&self) -> &str {
        self.model.id()
    }
    fn format(&self) -> Format {
        Format::Protobuf
    }
    /// The message it is bound to: a Google testee reads nothing else.
    fn schema(&self) -> Option<&str> {
        self.model.schema()
    }
    fn caps(&self) -> Caps {
        self.model.caps()
    }
    fn unsupported(&self, v: &Value) -> Option<String> {
        self.model.unsupported(v)
    }
    fn testee(&self) -> Option<&str> {
        Some(self.testee.command())
    }
    fn for_schema(&self, schema: &str) -> Result<CodecRef, CodecError> {
        GoogleTestee::bind(Arc::clone(&self.testee), self.id(), schema)
            .map(|t| Arc::new(t) as CodecRef)
            .map_err(CodecError::unsupported)
    }
    fn decode(&self, b: &[u8]) -> Result<Value, CodecError> {
        let written = self.round_trip(b, false)?;
        self.binary.decode(&written).map_err(|e| {
            if e.kind != ErrorKind::Syntax {
                return e;
            }
            let shown = hex::encode(&written[..written.len().min(64)]);
            if self.model.decode(b).is_ok() {
                // Given bytes the model reads, it wrote bytes it does not:
                // a wrong answer, not a refusal.
                CodecError::failure(
                    ErrorKind::Crashed,
                    format!(
                        "the testee wrote bytes that are not a {} ({}): {shown}",
                        self.message, e.message
                    ),
                )
            } else {
                // It kept what the model refuses too (a known field with
                // another wire type, kept as unknown): it accepted, and what
                // it read has no value here.
                CodecError::failure(
                    ErrorKind::Unrepresentable,
                    format!(
                        "accepted; what it wrote back is outside the model ({}): {shown}",
                        e.message
                    ),
                )
            }
        })
    }
    fn encode(&self, v: &Value) -> Result<Vec<u8>, CodecError> {
        // The value reaches the testee as the model writes it: what the
        // model cannot write (an empty Any in JSON) cannot be asked.
        let given = self.model.encode(v).map_err(|e| match e.kind {
            ErrorKind::Encode => CodecError::unsupported(format!(
                "the message cannot be handed over: {} cannot write it ({})",
                self.model.id(),
                e.message
            )),
            _ => e,
        })?;
        self.round_trip(&given, self.json)
            .map_err(|e| match e.kind {
                ErrorKind::Syntax => CodecError::failure(
                    ErrorKind::Encode,
                    format!(
                        "the testee refused the message it was to write: {}",
                        e.message
                    ),
                ),
                _ => e,
            })
    }
}

/// Answers Google's conformance runner with `codec` (a protobuf codec that
/// binds to Google's test messages: `protobuf/prost`, `protobuf/prost-reflect`)
/// until `input` ends: each request's payload is decoded by the codec bound
/// to its message (binary, or its JSON mapping) and encoded in the format
/// asked for. What the codec cannot do is `skipped` (JSON for prost's
/// generated code, text payloads, other messages), as upstream testees do.
pub fn serve(codec: &CodecRef, input: impl Read, output: impl Write) -> Result<u64, String> {
    let mut input = std::io::BufReader::new(input);
    let mut output = std::io::BufWriter::new(output);
    let mut bound: Vec<(String, Result<CodecRef, String>)> = Vec::new();
    let mut served = 0;
    loop {
        let body = match wire::read_frame(&mut input) {
            Ok(Some(body)) => body,
            Ok(None) => return Ok(served),
            Err(e) => return Err(format!("request {}: {e}", served + 1)),
        };
        let request = ConformanceRequest::decode(body.as_slice())
            .map_err(|e| format!("request {}: not a ConformanceRequest: {e}", served + 1))?;
        let result = respond(codec, &mut bound, request);
        let response = ConformanceResponse {
            result: Some(result),
        };
        wire::write_bytes(&mut output, &response.encode_to_vec())
            .map_err(|e| format!("response {}: {e}", served + 1))?;
        served += 1;
    }
}

fn respond(
    codec: &CodecRef,
    bound: &mut Vec<(String, Result<CodecRef, String>)>,
    request: ConformanceRequest,
) -> Answer {
    if request.message_type == FAILURE_SET {
        // crossfmt keeps its expected failures itself: an empty list.
        return Answer::ProtobufPayload(FailureSet::default().encode_to_vec());
    }
    let (payload, json_in) = match request.payload {
        Some(Payload::ProtobufPayload(p)) => (p, false),
        Some(Payload::JsonPayload(p)) => (p.into_bytes(), true),
        Some(_) => return Answer::Skipped("crossfmt reads binary and JSON only".into()),
        None => return Answer::RuntimeError("a request with no payload".into()),
    };
    let json_out = match WireFormat::try_from(request.requested_output_format) {
        Ok(WireFormat::Protobuf) => false,
        Ok(WireFormat::Json) => true,
        _ => return Answer::Skipped("crossfmt writes binary and JSON only".into()),
    };
    let mut codec_for = |json: bool| -> Result<CodecRef, String> {
        let key = format!(
            "{}{}",
            if json { JSON_PREFIX } else { "" },
            request.message_type
        );
        if let Some((_, c)) = bound.iter().find(|(k, _)| *k == key) {
            return c.clone();
        }
        let spec = google::spec(&request.message_type);
        let c = match pool_of(&spec) {
            Ok((_, pool)) if pool.get_message_by_name(&request.message_type).is_some() => {
                let spec = if json {
                    format!("{JSON_PREFIX}{spec}")
                } else {
                    spec
                };
                codec.for_schema(&spec).map_err(|e| e.message)
            }
            _ => Err(format!("no message {}", request.message_type)),
        };
        bound.push((key, c.clone()));
        c
    };
    let (reader, writer) = match (codec_for(json_in), codec_for(json_out)) {
        (Ok(r), Ok(w)) => (r, w),
        (Err(why), _) | (_, Err(why)) => return Answer::Skipped(why),
    };
    let v = match reader.decode(&payload) {
        Ok(v) => v,
        Err(e) if e.kind == ErrorKind::Unsupported => return Answer::Skipped(e.message),
        Err(e) => return Answer::ParseError(e.to_string()),
    };
    match writer.encode(&v) {
        Ok(b) if json_out => match String::from_utf8(b) {
            Ok(text) => Answer::JsonPayload(text),
            Err(e) => Answer::SerializeError(format!("JSON that is not UTF-8: {e}")),
        },
        Ok(b) => Answer::ProtobufPayload(b),
        Err(e) if e.kind == ErrorKind::Unsupported => Answer::Skipped(e.message),
        Err(e) => Answer::SerializeError(e.to_string()),
    }
}
