//! Python pickle, protocols 0–5, without ever running one.
//!
//! Loading an untrusted pickle runs arbitrary code: `GLOBAL os system`
//! followed by `REDUCE` is all it takes. This crate reads pickles without
//! that risk and tells whether a file is dangerous before anything loads it:
//!
//! - [`machine`]: executes opcodes as CPython's C unpickler does (stack,
//!   marks, memo, frames, protocol checks) but never imports or calls:
//!   globals, calls, `BUILD` and persistent ids become explicit nodes.
//! - [`to_value`]: turns what `STOP` returned into a [`Value`], applying only
//!   the reconstructors CPython itself writes for built-in types.
//! - [`encoder`]: writes exactly what CPython 3.11's `pickle.dumps(v,
//!   protocol=p)` writes, memo, frames, batches and set order included.
//! - [`disasm`]: a `pickletools`-style listing.
//! - [`scan`]: the malicious-pickle scanner (raw streams, several pickles in
//!   a row, zip archives as `torch.save` writes them, nested pickles).
//! - [`opcodes`], [`lexer`], [`text`]: the opcode table, a bounded lexer and
//!   protocol 0's text forms, shared by all of the above.
//!
//! [`loads`] and [`dumps`] are the two calls most users want:
//!
//! ```
//! use crossfmt_pickle::{dumps, loads};
//! use crossfmt_value::Value;
//!
//! let v = Value::Array(vec![Value::from(1i64), Value::text("a")]);
//! let bytes = dumps(&v, 4)?;
//! assert_eq!(loads(&bytes)?, v);
//! // A pickle that would run `os.system` is refused, naming the global.
//! let evil = b"\x80\x02cos\nsystem\nX\x04\x00\x00\x00echo\x85R.";
//! assert!(loads(evil).unwrap_err().message.contains("os.system"));
//! # Ok::<(), crossfmt_value::CodecError>(())
//! ```

pub mod direct;
pub mod disasm;
pub mod encoder;
pub mod lexer;
pub mod machine;
pub mod opcodes;
pub mod pyhash;
pub mod read;
pub mod reconstruct;
pub mod scan;
pub mod text;
pub mod to_value;

use crossfmt_value::{CodecError, Value};

/// Deepest value written and read: CPython's default recursion limit.
pub const MAX_DEPTH: usize = 1000;

/// The bounds [`loads`] reads within: [`MAX_DEPTH`], and a value budget of
/// the input's length plus about a million nodes (sharing bombs stop there).
pub const LIMITS: to_value::Limits = to_value::Limits {
    max_depth: MAX_DEPTH,
    extra_nodes: 1 << 20,
};

/// The machine's error as a codec error: buffers and persistent ids are
/// unsupported, everything else is a bad pickle.
pub fn codec_error(e: machine::MachineError) -> CodecError {
    match e.kind {
        machine::ErrorKind::Unsupported => CodecError::unsupported(e),
        _ => CodecError::syntax(e),
    }
}

/// Reads one pickle as data, as `pickle.loads` would, but never imports or
/// calls anything: a global other than CPython's own reconstructors, an
/// object construction or a call is refused, naming the global and its
/// offset. Unlike CPython, bytes after `STOP` are refused too (one complete
/// pickle is one value).
pub fn loads(bytes: &[u8]) -> Result<Value, CodecError> {
    if let Some((v, end)) = direct::run(bytes) {
        if end == bytes.len() {
            return Ok(v);
        }
    }
    loads_by_machine(bytes)
}

/// [`loads`] without its fast path ([`direct`]): the machine, then the
/// conversion. The reference the fast path is held to.
pub fn loads_by_machine(bytes: &[u8]) -> Result<Value, CodecError> {
    let pv = machine::run(bytes).map_err(codec_error)?;
    if pv.end < bytes.len() {
        return Err(CodecError::syntax(format!(
            "offset {}: {} bytes after STOP",
            pv.end,
            bytes.len() - pv.end
        )));
    }
    to_value::to_value(&pv, bytes.len(), LIMITS)
}

/// Writes `v` as CPython 3.11's `pickle.dumps(v, protocol=protocol)` does,
/// byte for byte.
pub fn dumps(v: &Value, protocol: u8) -> Result<Vec<u8>, CodecError> {
    encoder::encode(v, protocol)
}
