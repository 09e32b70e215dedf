//! A bounded lexer for pickle streams: opcodes and their arguments, read the
//! way CPython's C unpickler reads them, without executing anything.
//!
//! Arguments borrow from the input; a declared length is compared with the
//! bytes that remain before anything is sliced, so a forged length costs
//! nothing. The iterator stops after `STOP` or at the first error (an unknown
//! opcode, a truncated argument, a negative length), which it yields once.
//! What an argument means (a decimal line as an int, a quoted `STRING`) is
//! decided by the reader of the op, with the helpers in [`super::text`].

use crate::opcodes::{self, ArgKind, OpInfo};
use std::fmt;

/// One opcode and its argument.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Op<'a> {
    /// Offset of the opcode byte.
    pub offset: usize,
    pub code: u8,
    pub info: &'static OpInfo,
    pub arg: Arg<'a>,
    /// Offset just past the argument.
    pub end: usize,
}

/// An opcode's argument, by [`ArgKind`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Arg<'a> {
    None,
    /// `uint1`, `uint2`, `int4`, `uint4`.
    Int(i64),
    /// `uint8` (`FRAME`'s length).
    U64(u64),
    /// `long1`, `long4`: little-endian two's complement (empty is 0).
    Long(&'a [u8]),
    /// `float8`.
    Float(f64),
    /// `string1`, `string4`, `bytes1/4/8`, `bytearray8`.
    Bytes(&'a [u8]),
    /// `unicodestring1/4/8`: UTF-8 as written (CPython decodes it with
    /// `surrogatepass`; not validated here).
    Text(&'a [u8]),
    /// A newline-terminated argument, without its `\n`.
    Line(&'a [u8]),
    /// `GLOBAL`, `INST`: module and name lines, without their `\n`.
    Pair(&'a [u8], &'a [u8]),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LexErrorKind {
    UnknownOpcode(u8),
    /// The input ends inside the argument of this opcode.
    Truncated(&'static str),
    /// An argument CPython refuses before reading on (a negative length).
    BadArgument(&'static str, String),
    /// The input ends before `STOP`.
    NoStop,
}

/// Why lexing stopped, and where (the offset of the opcode at fault, or the
/// end of input for [`LexErrorKind::NoStop`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LexError {
    pub offset: usize,
    pub kind: LexErrorKind,
}

impl fmt::Display for LexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = self.offset;
        match &self.kind {
            LexErrorKind::UnknownOpcode(c) => write!(f, "offset {at}: unknown opcode {c:#04x}"),
            LexErrorKind::Truncated(op) => {
                write!(
                    f,
                    "offset {at}: pickle data was truncated in the argument of {op}"
                )
            }
            LexErrorKind::BadArgument(op, why) => write!(f, "offset {at}: {op}: {why}"),
            LexErrorKind::NoStop => write!(f, "offset {at}: pickle data was truncated (no STOP)"),
        }
    }
}

impl std::error::Error for LexError {}

/// The ops of `bytes`, up to and including `STOP`.
pub fn ops(bytes: &[u8]) -> Ops<'_> {
    Ops {
        input: bytes,
        pos: 0,
        done: false,
    }
}

/// The iterator [`ops`] returns. [`Ops::position`] is where the next op
/// starts (after `STOP`: the first trailing byte).
#[derive(Clone, Debug)]
pub struct Ops<'a> {
    input: &'a [u8],
    pos: usize,
    done: bool,
}

impl<'a> Ops<'a> {
    pub fn position(&self) -> usize {
        self.pos
    }

    #[inline]
    fn take(&mut self, n: u64, op: &'static OpInfo, at: usize) -> Result<&'a [u8], LexError> {
        let rest = (self.input.len() - self.pos) as u64;
        if n > rest {
            return Err(LexError {
                offset: at,
                kind: LexErrorKind::Truncated(op.name),
            });
        }
        let s = &self.input[self.pos..self.pos + n as usize];
        self.pos += n as usize;
        Ok(s)
    }

    #[inline]
    fn le(&mut self, n: u64, op: &'static OpInfo, at: usize) -> Result<u64, LexError> {
        Ok(self
            .take(n, op, at)?
            .iter()
            .rev()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
    }

    /// A length CPython reads as a signed four-byte int, refusing negatives.
    fn signed_len(&mut self, op: &'static OpInfo, at: usize) -> Result<u64, LexError> {
        let n = self.le(4, op, at)? as u32 as i32;
        if n < 0 {
            return Err(LexError {
                offset: at,
                kind: LexErrorKind::BadArgument(op.name, format!("negative byte count {n}")),
            });
        }
        Ok(n as u64)
    }

    #[inline]
    fn line(&mut self, op: &'static OpInfo, at: usize) -> Result<&'a [u8], LexError> {
        let rest = &self.input[self.pos..];
        let i = memchr::memchr(b'\n', rest).ok_or(LexError {
            offset: at,
            kind: LexErrorKind::Truncated(op.name),
        })?;
        self.pos += i + 1;
        Ok(&rest[..i])
    }

    #[inline]
    fn arg(&mut self, op: &'static OpInfo, at: usize) -> Result<Arg<'a>, LexError> {
        use ArgKind as K;
        Ok(match op.arg {
            K::None => Arg::None,
            K::Uint1 => Arg::Int(self.le(1, op, at)? as i64),
            K::Uint2 => Arg::Int(self.le(2, op, at)? as i64),
            K::Int4 => Arg::Int(i64::from(self.le(4, op, at)? as u32 as i32)),
            K::Uint4 => Arg::Int(self.le(4, op, at)? as i64),
            K::Uint8 => Arg::U64(self.le(8, op, at)?),
            K::Long1 => {
                let n = self.le(1, op, at)?;
                Arg::Long(self.take(n, op, at)?)
            }
            K::Long4 => {
                let n = self.signed_len(op, at)?;
                Arg::Long(self.take(n, op, at)?)
            }
            K::String1 | K::Bytes1 => {
                let n = self.le(1, op, at)?;
                Arg::Bytes(self.take(n, op, at)?)
            }
            K::String4 => {
                let n = self.signed_len(op, at)?;
                Arg::Bytes(self.take(n, op, at)?)
            }
            K::Bytes4 => {
                let n = self.le(4, op, at)?;
                Arg::Bytes(self.take(n, op, at)?)
            }
            K::Bytes8 | K::Bytearray8 => {
                let n = self.le(8, op, at)?;
                Arg::Bytes(self.take(n, op, at)?)
            }
            K::UnicodeString1 => {
                let n = self.le(1, op, at)?;
                Arg::Text(self.take(n, op, at)?)
            }
            K::UnicodeString4 => {
                let n = self.le(4, op, at)?;
                Arg::Text(self.take(n, op, at)?)
            }
            K::UnicodeString8 => {
                let n = self.le(8, op, at)?;
                Arg::Text(self.take(n, op, at)?)
            }
            K::Float8 => {
                let b = self.take(8, op, at)?;
                Arg::Float(f64::from_be_bytes(b.try_into().expect("8 bytes taken")))
            }
            K::DecimalNlShort
            | K::DecimalNlLong
            | K::StringNl
            | K::UnicodeStringNl
            | K::FloatNl
            | K::StringNlNoescape => Arg::Line(self.line(op, at)?),
            K::StringNlNoescapePair => {
                let module = self.line(op, at)?;
                Arg::Pair(module, self.line(op, at)?)
            }
        })
    }
}

impl<'a> Iterator for Ops<'a> {
    type Item = Result<Op<'a>, LexError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let at = self.pos;
        let result = match self.input.get(at) {
            None => Err(LexError {
                offset: at,
                kind: LexErrorKind::NoStop,
            }),
            Some(&code) => match opcodes::info(code) {
                None => Err(LexError {
                    offset: at,
                    kind: LexErrorKind::UnknownOpcode(code),
                }),
                Some(info) => {
                    self.pos += 1;
                    self.arg(info, at).map(|arg| Op {
                        offset: at,
                        code,
                        info,
                        arg,
                        end: self.pos,
                    })
                }
            },
        };
        self.done = match &result {
            Ok(op) => op.code == opcodes::op::STOP,
            Err(_) => true,
        };
        Some(result)
    }
}

impl std::iter::FusedIterator for Ops<'_> {}

/// The op at `at` of `bytes`, or why none can be read there, with offsets
/// in `bytes`: [`hot`] where it can, else the general lexer.
#[inline(always)]
pub(crate) fn op_at(bytes: &[u8], at: usize) -> Result<Op<'_>, LexError> {
    if let Some(o) = hot(bytes, at) {
        return Ok(o);
    }
    match ops(&bytes[at..]).next() {
        Some(Ok(mut o)) => {
            o.offset += at;
            o.end += at;
            Ok(o)
        }
        Some(Err(mut e)) => {
            e.offset += at;
            Err(e)
        }
        None => unreachable!("the lexer yields an op or an error"),
    }
}

/// The op at `at` when it is one of those that make up most of a data
/// pickle (scalars, short strings, containers, memo references) and whole:
/// the same [`Op`] [`ops`] would yield, read without the table's general
/// dispatch, for the scanner's inner loop. `None` for any other op, and
/// for a truncated one (the lexer then says why).
#[inline(always)]
pub(crate) fn hot(bytes: &[u8], at: usize) -> Option<Op<'_>> {
    use opcodes::op;
    let code = *bytes.get(at)?;
    let rest = &bytes[at + 1..];
    let le = |n: usize| -> Option<u64> {
        let b = rest.get(..n)?;
        Some(
            b.iter()
                .rev()
                .fold(0u64, |acc, &b| (acc << 8) | u64::from(b)),
        )
    };
    fn short(rest: &[u8]) -> Option<(&[u8], usize)> {
        let n = usize::from(*rest.first()?);
        Some((rest.get(1..1 + n)?, 1 + n))
    }
    let (arg, len) = match code {
        op::MARK
        | op::NONE
        | op::NEWTRUE
        | op::NEWFALSE
        | op::EMPTY_LIST
        | op::EMPTY_DICT
        | op::EMPTY_SET
        | op::EMPTY_TUPLE
        | op::APPEND
        | op::APPENDS
        | op::SETITEM
        | op::SETITEMS
        | op::ADDITEMS
        | op::TUPLE
        | op::TUPLE1
        | op::TUPLE2
        | op::TUPLE3
        | op::LIST
        | op::DICT
        | op::MEMOIZE => (Arg::None, 0),
        op::BININT1 | op::BINGET | op::BINPUT => (Arg::Int(le(1)? as i64), 1),
        op::BININT2 => (Arg::Int(le(2)? as i64), 2),
        op::BININT => (Arg::Int(i64::from(le(4)? as u32 as i32)), 4),
        op::LONG_BINGET | op::LONG_BINPUT => (Arg::Int(le(4)? as i64), 4),
        op::BINFLOAT => (
            Arg::Float(f64::from_be_bytes(rest.get(..8)?.try_into().ok()?)),
            8,
        ),
        op::LONG1 => {
            let (b, n) = short(rest)?;
            (Arg::Long(b), n)
        }
        op::SHORT_BINUNICODE => {
            let (b, n) = short(rest)?;
            (Arg::Text(b), n)
        }
        op::SHORT_BINBYTES | op::SHORT_BINSTRING => {
            let (b, n) = short(rest)?;
            (Arg::Bytes(b), n)
        }
        op::BINUNICODE => {
            let n = usize::try_from(le(4)?).ok()?;
            (Arg::Text(rest.get(4..4 + n)?), 4 + n)
        }
        // Protocol 0 writes every scalar and memo key as a line.
        op::INT | op::LONG | op::FLOAT | op::UNICODE | op::STRING | op::GET | op::PUT => {
            let n = memchr::memchr(b'\n', rest)?;
            (Arg::Line(&rest[..n]), n + 1)
        }
        _ => return None,
    };
    Some(Op {
        offset: at,
        code,
        info: opcodes::info(code).expect("a known opcode"),
        arg,
        end: at + 1 + len,
    })
}

#[cfg(test)]
#[path = "lexer_tests.rs"]
mod tests;
