//! Framing of the testee protocol: a 4-byte little-endian length, then that
//! many bytes of UTF-8 JSON (or, for Google's conformance protocol, of a
//! protobuf message).

use std::io::{self, Read, Write};

/// The largest frame either side accepts. A length beyond it is taken for
/// what it almost certainly is (a testee printing to stdout, a desynchronised
/// stream) before anything is allocated for it.
pub const MAX_FRAME: usize = 256 << 20;

#[derive(Debug, thiserror::Error)]
pub enum WireError {
    #[error(
        "frame length {0} bytes exceeds the {MAX_FRAME}-byte limit; as text the length reads {text:?}: is something else writing to stdout?",
        text = String::from_utf8_lossy(&(*.0 as u32).to_le_bytes())
    )]
    TooLong(u64),
    #[error("stream ended inside a frame: {got} of {want} bytes")]
    Truncated { want: usize, got: usize },
    #[error("frame is not JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("{0}")]
    Io(#[from] io::Error),
}

/// One frame: the length prefix and `json`, in one write.
pub fn write_frame(w: &mut impl Write, json: &serde_json::Value) -> Result<(), WireError> {
    write_bytes(w, &serde_json::to_vec(json)?)
}

/// One frame of any body (Google's conformance protocol frames protobuf
/// messages the same way), in one write.
pub fn write_bytes(w: &mut impl Write, body: &[u8]) -> Result<(), WireError> {
    if body.len() > MAX_FRAME {
        return Err(WireError::TooLong(body.len() as u64));
    }
    let mut buf = Vec::with_capacity(4 + body.len());
    buf.extend_from_slice(&(body.len() as u32).to_le_bytes());
    buf.extend_from_slice(body);
    w.write_all(&buf)?;
    w.flush()?;
    Ok(())
}

/// The next frame's body, or `None` when the stream ends cleanly between
/// frames.
pub fn read_frame(r: &mut impl Read) -> Result<Option<Vec<u8>>, WireError> {
    let mut len = [0u8; 4];
    let got = read_full(r, &mut len)?;
    if got == 0 {
        return Ok(None);
    }
    if got < 4 {
        return Err(WireError::Truncated { want: 4, got });
    }
    let n = u32::from_le_bytes(len) as usize;
    if n > MAX_FRAME {
        return Err(WireError::TooLong(n as u64));
    }
    let mut body = vec![0u8; n];
    let got = read_full(r, &mut body)?;
    if got < n {
        return Err(WireError::Truncated { want: n, got });
    }
    Ok(Some(body))
}

/// The next frame parsed as JSON, or `None` at a clean end of stream.
pub fn read_json(r: &mut impl Read) -> Result<Option<serde_json::Value>, WireError> {
    match read_frame(r)? {
        None => Ok(None),
        Some(body) => Ok(Some(serde_json::from_slice(&body)?)),
    }
}

/// The deepest nesting of arrays and objects in a JSON text (strings
/// skipped), found without parsing: deep answers are refused by this number
/// before a recursive parser sees them.
pub fn json_depth(text: &[u8]) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0, false, false);
    for &b in text {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// JSON nesting of the deepest message crossfmt parses, either way:
/// crossfmt holds values up to `notation::MAX_DEPTH` levels, and a VJ level
/// is at most three JSON levels.
pub const MAX_MESSAGE_DEPTH: usize = 3 * crossfmt_value::notation::MAX_DEPTH + 4;

/// Parses a frame's JSON without serde_json's fixed 128-level recursion
/// limit: callers bound the depth with [`json_depth`] first.
pub fn parse_deep(body: &[u8]) -> Result<serde_json::Value, serde_json::Error> {
    use serde::Deserialize;
    let mut de = serde_json::Deserializer::from_slice(body);
    de.disable_recursion_limit();
    let v = serde_json::Value::deserialize(&mut de)?;
    de.end()?;
    Ok(v)
}

/// A response body as JSON: parsed without the fixed recursion limit, or,
/// when it nests deeper than crossfmt reads, the `limit` error response it
/// amounts to (not the testee's fault: crossfmt's own bound).
pub fn response(body: &[u8]) -> Result<serde_json::Value, serde_json::Error> {
    if json_depth(body) > MAX_MESSAGE_DEPTH {
        return Ok(serde_json::json!({
            "error": "limit",
            "message": format!(
                "the answer nests deeper than crossfmt reads ({} levels of value)",
                crossfmt_value::notation::MAX_DEPTH
            ),
        }));
    }
    parse_deep(body)
}

/// Reads until `buf` is full or the stream ends; how many bytes arrived.
fn read_full(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match r.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(k) => got += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_counts_nesting_outside_strings() {
        assert_eq!(json_depth(br#"{"a": [1, {"b": "[[[\"]]"}]}"#), 3);
        assert_eq!(json_depth(b"17"), 0);
        let deep = format!("{}{}", "[".repeat(1500), "]".repeat(1500));
        assert_eq!(json_depth(deep.as_bytes()), 1500);
        assert!(parse_deep(deep.as_bytes()).is_ok());
        assert!(parse_deep(b"[1] x").is_err());
    }
    use serde_json::json;

    #[test]
    fn frames_round_trip_and_end_cleanly() {
        let mut buf = Vec::new();
        write_frame(&mut buf, &json!({"op": "hello", "protocol": 1})).unwrap();
        assert_eq!(&buf[..4], &(buf.len() as u32 - 4).to_le_bytes());
        write_frame(&mut buf, &json!({"ok": "bytes", "payload": "ff"})).unwrap();
        let mut r = buf.as_slice();
        assert_eq!(read_json(&mut r).unwrap().unwrap()["op"], "hello");
        assert_eq!(read_json(&mut r).unwrap().unwrap()["payload"], "ff");
        assert!(read_json(&mut r).unwrap().is_none());
    }

    #[test]
    fn absurd_lengths_and_truncation_are_errors() {
        let huge = u32::MAX.to_le_bytes();
        let e = read_frame(&mut huge.as_slice()).unwrap_err();
        assert!(matches!(e, WireError::TooLong(4294967295)), "{e}");
        assert!(e.to_string().contains("limit"), "{e}");

        let e = read_frame(&mut [1u8, 0].as_slice()).unwrap_err();
        assert!(matches!(e, WireError::Truncated { want: 4, got: 2 }), "{e}");

        let mut short = 10u32.to_le_bytes().to_vec();
        short.extend_from_slice(b"{}");
        let e = read_frame(&mut short.as_slice()).unwrap_err();
        assert_eq!(e.to_string(), "stream ended inside a frame: 2 of 10 bytes");

        let mut text = 2u32.to_le_bytes().to_vec();
        text.extend_from_slice(b"}{");
        assert!(matches!(
            read_json(&mut text.as_slice()),
            Err(WireError::Json(_))
        ));
    }
}
