//! One pickle from a reader: the bytes of the next pickle in a stream,
//! from its first opcode through `STOP`, read the way `pickle.load` reads a
//! file of appended pickles — nothing past the `STOP`, whatever pieces the
//! reader hands out. Nothing is executed: the opcodes are only walked, so
//! that the machine ([`crate::loads`]) or the scanner gets exactly one
//! pickle.

use crate::opcodes::{self, op, ArgKind};
use crossfmt_value::CodecError;
use std::io::{self, BufRead, Read};

/// How an argument is laid out: what to read after the code byte.
enum Shape {
    Fixed(u64),
    /// A little-endian byte count of this many bytes, then that many bytes;
    /// `signed`: CPython reads the count as a signed int and refuses a
    /// negative one.
    Counted {
        width: u64,
        signed: bool,
    },
    Lines(usize),
}

fn shape(kind: ArgKind) -> Shape {
    use ArgKind as K;
    match kind {
        K::None => Shape::Fixed(0),
        K::Uint1 => Shape::Fixed(1),
        K::Uint2 => Shape::Fixed(2),
        K::Int4 | K::Uint4 => Shape::Fixed(4),
        K::Uint8 | K::Float8 => Shape::Fixed(8),
        K::Long1 | K::String1 | K::Bytes1 | K::UnicodeString1 => Shape::Counted {
            width: 1,
            signed: false,
        },
        K::Long4 | K::String4 => Shape::Counted {
            width: 4,
            signed: true,
        },
        K::Bytes4 | K::UnicodeString4 => Shape::Counted {
            width: 4,
            signed: false,
        },
        K::Bytes8 | K::Bytearray8 | K::UnicodeString8 => Shape::Counted {
            width: 8,
            signed: false,
        },
        K::DecimalNlShort
        | K::DecimalNlLong
        | K::StringNl
        | K::UnicodeStringNl
        | K::FloatNl
        | K::StringNlNoescape => Shape::Lines(1),
        K::StringNlNoescapePair => Shape::Lines(2),
    }
}

/// Reads the next pickle from `r`: its bytes through `STOP`, and no more.
///
/// # Errors
///
/// A syntax error, naming the offset within the pickle, on an unknown
/// opcode, a negative length, or an end of input before `STOP`; the
/// reader's own error (`Interrupted` is retried).
pub fn read_pickle(r: &mut dyn BufRead) -> Result<Vec<u8>, CodecError> {
    let mut out = Vec::new();
    loop {
        let at = out.len();
        let code = match read_n(r, 1, &mut out)? {
            true => out[at],
            false if at == 0 => return Err(CodecError::syntax("no pickle: end of input")),
            false => {
                return Err(CodecError::syntax(format!(
                    "pickle cut short: end of input before STOP at offset {at}"
                )))
            }
        };
        let Some(info) = opcodes::info(code) else {
            return Err(CodecError::syntax(format!(
                "unknown opcode {code:#04x} at offset {at}"
            )));
        };
        let complete = match shape(info.arg) {
            Shape::Fixed(n) => read_n(r, n, &mut out)?,
            Shape::Counted { width, signed } => {
                let start = out.len();
                read_n(r, width, &mut out)? && {
                    let raw = out[start..]
                        .iter()
                        .rev()
                        .fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
                    if signed && (raw as u32 as i32) < 0 {
                        return Err(CodecError::syntax(format!(
                            "{}: negative byte count at offset {at}",
                            info.name
                        )));
                    }
                    read_n(r, raw, &mut out)?
                }
            }
            Shape::Lines(n) => (0..n).try_fold(true, |ok, _| -> Result<bool, CodecError> {
                Ok(ok && read_line(r, &mut out)?)
            })?,
        };
        if !complete {
            return Err(CodecError::syntax(format!(
                "pickle cut short: {} at offset {at} is truncated",
                info.name
            )));
        }
        if code == op::STOP {
            return Ok(out);
        }
    }
}

/// Appends up to `n` bytes to `out`, growing it as bytes arrive (never by
/// a declared length); false when the input ended first.
fn read_n(r: &mut dyn BufRead, n: u64, out: &mut Vec<u8>) -> Result<bool, CodecError> {
    let got = r.take(n).read_to_end(out).map_err(io_error)?;
    Ok(got as u64 == n)
}

/// Appends one line, `\n` included; false when the input ended first.
fn read_line(r: &mut dyn BufRead, out: &mut Vec<u8>) -> Result<bool, CodecError> {
    let start = out.len();
    loop {
        match r.read_until(b'\n', out) {
            Ok(_) => return Ok(out.len() > start && out.last() == Some(&b'\n')),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io_error(e)),
        }
    }
}

fn io_error(e: io::Error) -> CodecError {
    CodecError::syntax(format!("reading a pickle: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out one byte per call.
    struct Trickle<'a>(&'a [u8]);
    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.0.len().min(buf.len()).min(1);
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn reads_appended_pickles_one_at_a_time_whatever_the_pieces() {
        // protocol 0 `[1, 'a']` (lines), then protocol 4 with a FRAME and a
        // SHORT_BINUNICODE, then protocol 2 `b'xy'` through BINBYTES-free
        // SHORT_BINSTRING.
        let p0 = b"(lp0\nI1\naVa\np1\na.".to_vec();
        let p4 = crate::dumps(&crossfmt_value::Value::Text("caf\u{e9}".into()), 4).unwrap();
        let p2 = b"\x80\x02U\x02xyq\x00.".to_vec();
        let all = [p0.clone(), p4.clone(), p2.clone()].concat();
        for cap in [1, 3, 4096] {
            let mut r = io::BufReader::with_capacity(cap, Trickle(&all));
            assert_eq!(read_pickle(&mut r).unwrap(), p0);
            assert_eq!(read_pickle(&mut r).unwrap(), p4);
            assert_eq!(read_pickle(&mut r).unwrap(), p2);
            assert!(read_pickle(&mut r)
                .unwrap_err()
                .message
                .contains("end of input"));
        }
    }

    #[test]
    fn a_cut_pickle_is_an_error_never_a_shorter_pickle() {
        let p = crate::dumps(&crossfmt_value::Value::Bytes(vec![7; 300]), 3).unwrap();
        for cut in 1..p.len() {
            let e = read_pickle(&mut &p[..cut]).unwrap_err();
            assert!(e.message.contains("cut short"), "{cut}: {e}");
        }
        let e = read_pickle(&mut &b"\x80\x04\xff."[..]).unwrap_err();
        assert!(e.message.contains("unknown opcode 0xff at offset 2"), "{e}");
        let e = read_pickle(&mut &b"X\xff\xff\xff\xff."[..]).unwrap_err();
        assert!(
            e.message.contains("BINUNICODE") || e.message.contains("cut short"),
            "{e}"
        );
        let e = read_pickle(&mut &b"T\xff\xff\xff\xff."[..]).unwrap_err();
        assert!(e.message.contains("negative byte count"), "{e}");
    }
}
