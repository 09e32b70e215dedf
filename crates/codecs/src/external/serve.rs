//! The protocol's reference server: crossfmt's own codecs as a testee
//! (`crossfmt testee`), so that the protocol has an implementation to test
//! clients against and built-in codecs can run isolated in a child process.
//!
//! The protocol has no response for a panic: a codec that panics aborts the
//! server with the message on stderr, and the client sees the crash it is.
//! A malformed request is a broken client; the server says so on stderr and
//! stops (`Err`), rather than guess an answer.

use super::{vj, wire};
use crate::Registry;
use crossfmt_value::guard::{self, Outcome};
use crossfmt_value::stream::{Reading, Source};
use crossfmt_value::{Codec, CodecError, CodecRef, ErrorKind};
use serde_json::{json, Value as Json};
use std::io::{Read, Write};

/// Answers requests from `input` on `output` until `input` ends.
pub fn serve(registry: &Registry, input: impl Read, output: impl Write) -> Result<(), String> {
    let mut input = std::io::BufReader::new(input);
    let mut output = std::io::BufWriter::new(output);
    for n in 1.. {
        let body = match wire::read_frame(&mut input) {
            Ok(Some(b)) => b,
            Ok(None) => return Ok(()),
            Err(e) => return Err(format!("request {n}: {e}")),
        };
        // A value nested past what crossfmt holds is refused as the limit it
        // is, not read (the stress probes send 10,000 levels); anything
        // shallower is read whatever serde_json's default limit says.
        let response = if wire::json_depth(&body) > wire::MAX_MESSAGE_DEPTH {
            refusal(&CodecError::limit(format!(
                "the request nests deeper than crossfmt reads ({} levels of value)",
                crossfmt_value::notation::MAX_DEPTH
            )))
        } else {
            let request = wire::parse_deep(&body)
                .map_err(|e| format!("request {n}: frame is not JSON: {e}"))?;
            respond(registry, &request).map_err(|e| format!("request {n}: {e}"))?
        };
        wire::write_frame(&mut output, &response).map_err(|e| format!("response {n}: {e}"))?;
    }
    unreachable!("the loop ends only by returning")
}

fn respond(registry: &Registry, request: &Json) -> Result<Json, String> {
    let field = |name: &str| {
        request
            .get(name)
            .ok_or_else(|| format!("no {name:?} in {request}"))
    };
    let text = |name: &str| {
        field(name)?
            .as_str()
            .ok_or_else(|| format!("{name:?} is not a string in {request}"))
    };
    let op = text("op")?;
    if op == "hello" {
        return hello(registry, field("protocol")?);
    }
    let id = text("codec")?;
    let codec = registry
        .get(id)
        .ok_or_else(|| format!("codec {id:?} was not announced"))?;
    let codec = match request.get("schema").and_then(Json::as_str) {
        None => codec,
        Some(schema) => match codec.for_schema(schema) {
            Ok(c) => c,
            Err(e) => return Ok(refusal(&e)),
        },
    };
    match op {
        "decode" => {
            let bytes = hex::decode(text("payload")?).map_err(|e| format!("payload: {e}"))?;
            Ok(
                match settle(&codec, guard::decode(codec.as_ref(), &bytes)) {
                    Ok(v) => json!({"ok": "value", "value": vj::to_vj(&v)}),
                    Err(e) => refusal(&e),
                },
            )
        }
        "encode" => {
            let v = vj::from_vj(field("value")?).map_err(|e| e.to_string())?;
            if let Some(why) = codec.unsupported(&v) {
                let kind = if v.depth() > codec.caps().max_depth {
                    ErrorKind::Limit
                } else {
                    ErrorKind::Unsupported
                };
                return Ok(refusal(&CodecError::failure(kind, why)));
            }
            Ok(match settle(&codec, guard::encode(codec.as_ref(), &v)) {
                Ok(b) => json!({"ok": "bytes", "payload": hex::encode(b)}),
                Err(e) => refusal(&e),
            })
        }
        "read_stream" => {
            let reading = match (request.get("pieces"), request.get("file")) {
                (Some(pieces), _) => {
                    let pieces = pieces
                        .as_array()
                        .ok_or_else(|| format!("pieces is not an array in {request}"))?;
                    let mut data = Vec::new();
                    let mut sizes = Vec::new();
                    for p in pieces {
                        let p = p
                            .as_str()
                            .ok_or_else(|| format!("a piece is not a string: {p}"))?;
                        let bytes = hex::decode(p).map_err(|e| format!("piece: {e}"))?;
                        sizes.push(bytes.len());
                        data.extend(bytes);
                    }
                    let from = Source::Pieces {
                        data: &data,
                        sizes: &sizes,
                        interrupt: false,
                    };
                    guard::contain(|| codec.read_stream(&from))
                }
                (None, Some(file)) => {
                    let path = file
                        .as_str()
                        .ok_or_else(|| format!("file is not a string in {request}"))?;
                    guard::contain(|| codec.read_stream(&Source::File(path.as_ref())))
                }
                (None, None) => {
                    return Err(format!("read_stream without pieces or file: {request}"))
                }
            };
            Ok(match settle(&codec, reading) {
                Ok(r) => reading_json(&r),
                Err(e) => refusal(&e),
            })
        }
        other => Err(format!("unknown op {other:?}")),
    }
}

fn reading_json(r: &Reading) -> Json {
    let records: Vec<Json> = r
        .records
        .iter()
        .map(|rec| json!({"offset": rec.offset, "len": rec.len, "value": vj::to_vj(&rec.value)}))
        .collect();
    let end = match &r.end {
        None => Json::Null,
        Some(e) => {
            let mut j = refusal(&e.error);
            j["offset"] = json!(e.offset);
            j
        }
    };
    json!({"ok": "records", "records": records, "end": end})
}

fn hello(registry: &Registry, protocol: &Json) -> Result<Json, String> {
    if protocol != &json!(1) {
        return Err(format!("protocol {protocol} asked; this server speaks 1"));
    }
    let codecs: Vec<Json> = registry
        .all()
        .iter()
        .map(|c| {
            json!({
                "id": c.id(),
                "format": c.format().name(),
                "caps": c.caps(),
                // Built-in codecs are not schema-driven (`Codec::for_schema`
                // refuses); a request naming a schema gets that refusal.
                "schemas": false,
                "framing": c.framing().map(super::framing_json),
            })
        })
        .collect();
    Ok(json!({
        "ok": "hello",
        "name": "crossfmt",
        "version": concat!("crossfmt ", env!("CARGO_PKG_VERSION")),
        "codecs": codecs,
        "extensions": {"stream": super::STREAM_EXTENSION},
    }))
}

/// The codec's answer or refusal; a panic or a failure ends the process.
fn settle<T>(codec: &CodecRef, outcome: Outcome<T>) -> Result<T, CodecError> {
    match outcome {
        Outcome::Ok(t) => Ok(t),
        Outcome::Rejected(e) => Err(e),
        Outcome::Panicked(p) => die(codec.as_ref(), &format!("panicked: {p}")),
        Outcome::Failed(e) => die(codec.as_ref(), &format!("failed: {e}")),
    }
}

fn die(codec: &dyn Codec, what: &str) -> ! {
    eprintln!("crossfmt testee: {} {what}", codec.id());
    std::process::abort()
}

fn refusal(e: &CodecError) -> Json {
    let kind = match e.kind {
        ErrorKind::Syntax => "parse",
        ErrorKind::Unsupported => "unsupported",
        ErrorKind::Unrepresentable => "unrepresentable",
        ErrorKind::Limit => "limit",
        // Failure kinds never get here (`settle` ends the process).
        ErrorKind::Encode | ErrorKind::Crashed | ErrorKind::Timeout | ErrorKind::OutOfMemory => {
            "serialize"
        }
    };
    json!({"error": kind, "message": e.message})
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exchange(requests: &[Json]) -> Result<Vec<Json>, String> {
        let mut input = Vec::new();
        for r in requests {
            wire::write_frame(&mut input, r).unwrap();
        }
        let mut output = Vec::new();
        serve(&Registry::builtin(), input.as_slice(), &mut output)?;
        let mut out = output.as_slice();
        let mut responses = Vec::new();
        while let Some(r) = wire::read_json(&mut out).unwrap() {
            responses.push(r);
        }
        Ok(responses)
    }

    #[test]
    fn answers_hello_decode_encode_and_refusals() {
        let r = exchange(&[
            json!({"op": "hello", "protocol": 1}),
            json!({"op": "decode", "codec": "msgpack/rmpv", "payload": "93c0c3a161"}),
            json!({"op": "encode", "codec": "cbor/ciborium", "value": {"int": "-1"}}),
            json!({"op": "decode", "codec": "json/serde_json", "payload": "7b"}),
            json!({"op": "encode", "codec": "json/serde_json", "value": {"bytes": "00"}}),
            json!({"op": "decode", "codec": "msgpack/rmpv", "payload": "c0", "schema": "<i"}),
        ])
        .unwrap();
        assert_eq!(r[0]["ok"], "hello");
        let ids: Vec<_> = r[0]["codecs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap())
            .collect();
        assert!(ids.contains(&"pickle/serde-pickle"), "{ids:?}");
        assert_eq!(
            r[1],
            json!({"ok": "value", "value": {"array": [{"null": null}, {"bool": true}, {"text": "a"}]}})
        );
        assert_eq!(r[2], json!({"ok": "bytes", "payload": "20"}));
        assert_eq!(r[3]["error"], "parse");
        assert_eq!(r[4]["error"], "unsupported");
        assert_eq!(r[5]["error"], "unsupported");
    }

    #[test]
    fn a_broken_client_is_told_which_request() {
        let e = exchange(&[
            json!({"op": "hello", "protocol": 1}),
            json!({"op": "decode", "codec": "nope/nope", "payload": ""}),
        ])
        .unwrap_err();
        assert!(
            e.starts_with("request 2: ") && e.contains("nope/nope"),
            "{e}"
        );
        let e = exchange(&[json!({"op": "hello", "protocol": 2})]).unwrap_err();
        assert!(e.contains("protocol 2"), "{e}");
    }
}
