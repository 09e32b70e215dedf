//! Many values in one file: a format's record-stream convention
//! ([`Framing`]), and reading records back from any [`BufRead`] — a file, a
//! socket, bytes that arrive in pieces.
//!
//! A codec that can read from a stream says how its records are laid out
//! ([`Codec::framing`]) and reads one record at a time from a reader
//! ([`Codec::read_record`]), through its library's own reader API. The
//! rest is shared: [`write_record`] frames an encoding, [`Records`] walks a
//! stream, knows where each record starts and ends, and stops at the first
//! error, naming the offset of the record it could not read.
//!
//! ```
//! use crossfmt_value::stream::{self, Framing, Records};
//! # use crossfmt_value::{caps::Caps, Codec, CodecError, Format, Value};
//! # use std::io::BufRead;
//! // A toy codec whose records are single bytes 0..=9.
//! struct Digits;
//! impl Codec for Digits {
//!     fn id(&self) -> &str { "msgpack/digits" }
//!     fn format(&self) -> Format { Format::MsgPack }
//!     fn caps(&self) -> Caps { Caps::NONE }
//!     fn encode(&self, v: &Value) -> Result<Vec<u8>, CodecError> {
//!         match v { Value::Int(i) => Ok(vec![u8::try_from(i.clone()).unwrap()]), _ => unreachable!() }
//!     }
//!     fn decode(&self, b: &[u8]) -> Result<Value, CodecError> {
//!         match b { [d @ 0..=9] => Ok(Value::from(*d as i64)), _ => Err(CodecError::syntax("not a digit")) }
//!     }
//!     fn framing(&self) -> Option<Framing> { Some(Framing::Concatenated) }
//!     fn read_record(&self, r: &mut dyn BufRead) -> Result<Value, CodecError> {
//!         let mut b = [0];
//!         r.read_exact(&mut b).map_err(CodecError::syntax)?;
//!         self.decode(&b)
//!     }
//! }
//! let mut file = Vec::new();
//! for d in [3i64, 1, 4] {
//!     stream::write_record(&Digits, &Value::from(d), &mut file).unwrap();
//! }
//! file.push(0xff);
//! let read: Vec<_> = Records::new(&Digits, &file[..]).collect();
//! assert_eq!(read.len(), 4);
//! assert_eq!(read[2].as_ref().unwrap().offset, 2);
//! assert_eq!(read[3].as_ref().unwrap_err().offset, 3);
//! ```

use crate::codec::{Codec, CodecError};
use crate::value::Value;
use std::fmt;
use std::io::{self, BufRead, Read, Write};
use std::path::Path;

/// How a format lays out many values in one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Framing {
    /// Encodings one after another, each self-delimiting: MessagePack
    /// values, a CBOR sequence (RFC 8742), appended pickles.
    Concatenated,
    /// One encoding per line, each ended by `\n` (JSON Lines); a last line
    /// without its newline is a truncated record.
    Lines,
    /// Each encoding after its length as a base-128 varint: protobuf's
    /// `writeDelimitedTo` / `parseDelimitedFrom`.
    LengthDelimited,
    /// Records of one fixed size (a `struct` layout's).
    Fixed(usize),
}

impl Framing {
    /// True when a record's bytes are exactly what `decode` reads: one
    /// complete value, nothing around it.
    pub fn is_bare(self) -> bool {
        matches!(self, Framing::Concatenated | Framing::Fixed(_))
    }
}

impl fmt::Display for Framing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Framing::Concatenated => f.write_str("concatenated values"),
            Framing::Lines => f.write_str("one value per line"),
            Framing::LengthDelimited => f.write_str("varint length before each value"),
            Framing::Fixed(n) => write!(f, "fixed {n}-byte records"),
        }
    }
}

/// One record read from a stream.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// Where it starts, in bytes from the start of the stream.
    pub offset: u64,
    /// How many bytes it took, framing included.
    pub len: u64,
    /// What it holds.
    pub value: Value,
}

/// Why a stream could not be read on: the record at `offset` (the first
/// byte after the last complete record) is truncated, malformed or not
/// readable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamError {
    /// Where the record that failed starts.
    pub offset: u64,
    /// Why.
    pub error: CodecError,
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "record at offset {:#x}: {}", self.offset, self.error)
    }
}

impl std::error::Error for StreamError {}

/// Writes `v` as one record of `codec`'s framing.
///
/// # Errors
///
/// The codec's encode error, an encoding that does not fit the framing (a
/// newline inside a line, a fixed record of another size), or the writer's
/// error.
pub fn write_record<C: Codec + ?Sized>(
    codec: &C,
    v: &Value,
    w: &mut dyn Write,
) -> Result<(), CodecError> {
    let Some(framing) = codec.framing() else {
        return Err(no_stream(codec));
    };
    let bytes = codec.encode(v)?;
    let io = |e: io::Error| CodecError::encode(format!("writing a record: {e}"));
    match framing {
        Framing::Concatenated => w.write_all(&bytes).map_err(io),
        Framing::Lines => {
            if bytes.contains(&b'\n') {
                return Err(CodecError::encode(
                    "the encoding holds a newline, so it cannot be one line",
                ));
            }
            w.write_all(&bytes)
                .and_then(|()| w.write_all(b"\n"))
                .map_err(io)
        }
        Framing::LengthDelimited => {
            let mut n = bytes.len() as u64;
            let mut header = Vec::with_capacity(10);
            loop {
                let low = (n & 0x7f) as u8;
                n >>= 7;
                if n == 0 {
                    header.push(low);
                    break;
                }
                header.push(low | 0x80);
            }
            w.write_all(&header)
                .and_then(|()| w.write_all(&bytes))
                .map_err(io)
        }
        Framing::Fixed(size) if bytes.len() != size => Err(CodecError::encode(format!(
            "a {}-byte encoding in a stream of {size}-byte records",
            bytes.len()
        ))),
        Framing::Fixed(_) => w.write_all(&bytes).map_err(io),
    }
}

fn no_stream<C: Codec + ?Sized>(codec: &C) -> CodecError {
    CodecError::unsupported(format!("{} reads no record streams", codec.id()))
}

/// A [`BufRead`] that counts what it hands out, so that [`Records`] knows
/// where each record starts and ends whatever the codec reads through.
struct Counted<R> {
    inner: R,
    pos: u64,
}

impl<R: BufRead> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counted<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, n: usize) {
        self.inner.consume(n);
        self.pos += n as u64;
    }
}

/// The records of a stream, in order: each `Ok` is one complete record;
/// the first `Err` (a truncated or malformed record, or the reader's own
/// error) ends it. A clean end of input between records ends it without
/// one.
pub struct Records<'a, C: ?Sized, R> {
    codec: &'a C,
    r: Counted<R>,
    done: bool,
}

impl<'a, C: Codec + ?Sized, R: BufRead> Records<'a, C, R> {
    /// The records `codec` reads from `r`.
    pub fn new(codec: &'a C, r: R) -> Self {
        Records {
            codec,
            r: Counted { inner: r, pos: 0 },
            done: false,
        }
    }

    /// How far into the stream the reader is.
    pub fn position(&self) -> u64 {
        self.r.pos
    }

    fn at_end(&mut self) -> Result<bool, StreamError> {
        loop {
            match self.r.fill_buf() {
                Ok(b) => return Ok(b.is_empty()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(StreamError {
                        offset: self.r.pos,
                        error: CodecError::syntax(format!("reading: {e}")),
                    })
                }
            }
        }
    }
}

impl<C: Codec + ?Sized, R: BufRead> Iterator for Records<'_, C, R> {
    type Item = Result<Record, StreamError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let offset = self.r.pos;
        match self.at_end() {
            Ok(true) => {
                self.done = true;
                return None;
            }
            Ok(false) => {}
            Err(e) => {
                self.done = true;
                return Some(Err(e));
            }
        }
        match self.codec.read_record(&mut self.r) {
            Ok(value) => Some(Ok(Record {
                offset,
                len: self.r.pos - offset,
                value,
            })),
            Err(error) => {
                self.done = true;
                Some(Err(StreamError { offset, error }))
            }
        }
    }
}

/// Where a stream comes from, as [`Codec::read_stream`] reads it.
#[derive(Clone, Copy, Debug)]
pub enum Source<'a> {
    /// A file, opened in binary mode and read through a buffered reader.
    File(&'a Path),
    /// Bytes that arrive in pieces (a socket, a pipe): see [`Pieces`].
    Pieces {
        /// The bytes.
        data: &'a [u8],
        /// The size of each read (at least 1); the last repeats.
        sizes: &'a [usize],
        /// Every read first fails with `Interrupted` (a signal); a
        /// testee's reader cannot see this one.
        interrupt: bool,
    },
}

/// What reading a whole stream gave: its records, and the error that
/// ended it (`None`: a clean end of input).
#[derive(Clone, Debug, PartialEq)]
pub struct Reading {
    /// The complete records, in order.
    pub records: Vec<Record>,
    /// Why the stream ended early, if it did.
    pub end: Option<StreamError>,
}

impl fmt::Display for Reading {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} record(s)", self.records.len())?;
        for (i, r) in self.records.iter().enumerate() {
            let sep = if i == 0 { ": " } else { ", " };
            write!(
                f,
                "{sep}{}@{:#x}",
                crate::notation::print(&r.value),
                r.offset
            )?;
        }
        match &self.end {
            None => f.write_str("; then end of input"),
            Some(e) => write!(f, "; then error at {:#x} ({})", e.offset, e.error),
        }
    }
}

/// Every record `codec` reads from `from` with [`Records`]: what
/// [`Codec::read_stream`] does unless a codec reads streams elsewhere (a
/// testee, in its own process).
///
/// # Errors
///
/// Only a breakdown of the implementation ([`crate::ErrorKind::is_failure`]):
/// a refusal ends the reading instead.
pub fn read_source<C: Codec + ?Sized>(codec: &C, from: &Source) -> Result<Reading, CodecError> {
    match from {
        Source::File(path) => match std::fs::File::open(path) {
            Ok(f) => collect(Records::new(codec, io::BufReader::new(f))),
            Err(e) => Ok(Reading {
                records: Vec::new(),
                end: Some(StreamError {
                    offset: 0,
                    error: CodecError::syntax(format!("opening {}: {e}", path.display())),
                }),
            }),
        },
        Source::Pieces {
            data,
            sizes,
            interrupt,
        } => {
            let pieces = Pieces::new(data, sizes.to_vec(), *interrupt);
            collect(Records::new(codec, io::BufReader::new(pieces)))
        }
    }
}

fn collect(
    records: impl Iterator<Item = Result<Record, StreamError>>,
) -> Result<Reading, CodecError> {
    let mut out = Reading {
        records: Vec::new(),
        end: None,
    };
    for r in records {
        match r {
            Ok(rec) => out.records.push(rec),
            // A testee that died mid-stream is a breakdown, not an end.
            Err(e) if e.error.kind.is_failure() => return Err(e.error),
            Err(e) => out.end = Some(e),
        }
    }
    Ok(out)
}

/// A reader over bytes that hands them out in given piece sizes (the last
/// repeated), optionally failing with `Interrupted` before each piece: a
/// socket, a pipe, a file read in pieces.
pub struct Pieces<'a> {
    data: &'a [u8],
    sizes: Vec<usize>,
    next: usize,
    interrupt: bool,
    interrupted: bool,
}

impl<'a> Pieces<'a> {
    /// `data` in pieces of `sizes` (each at least 1; the last repeats).
    pub fn new(data: &'a [u8], sizes: Vec<usize>, interrupt: bool) -> Self {
        Pieces {
            data,
            sizes,
            next: 0,
            interrupt,
            interrupted: false,
        }
    }

    /// The pieces themselves, as a testee is sent them.
    pub fn split(data: &'a [u8], sizes: &[usize]) -> Vec<&'a [u8]> {
        let mut out = Vec::new();
        let mut rest = data;
        let mut i = 0;
        while !rest.is_empty() {
            let n = sizes
                .get(i)
                .or(sizes.last())
                .copied()
                .unwrap_or(usize::MAX)
                .clamp(1, rest.len());
            out.push(&rest[..n]);
            rest = &rest[n..];
            i += 1;
        }
        out
    }
}

impl Read for Pieces<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.data.is_empty() || buf.is_empty() {
            return Ok(0);
        }
        if self.interrupt && !self.interrupted {
            self.interrupted = true;
            return Err(io::Error::from(io::ErrorKind::Interrupted));
        }
        self.interrupted = false;
        let size = self
            .sizes
            .get(self.next)
            .or(self.sizes.last())
            .copied()
            .unwrap_or(usize::MAX)
            .max(1);
        self.next += 1;
        let n = size.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// Reads a protobuf-style varint length header (up to ten bytes) from
/// `r`, for [`Framing::LengthDelimited`] readers.
///
/// # Errors
///
/// A header cut short, longer than ten bytes, or the reader's error.
pub fn read_length_header(r: &mut dyn BufRead) -> Result<u64, CodecError> {
    let mut n: u64 = 0;
    for i in 0..10 {
        let mut b = [0u8];
        r.read_exact(&mut b).map_err(|e| match e.kind() {
            io::ErrorKind::UnexpectedEof => {
                CodecError::syntax(format!("length header cut short after {i} bytes"))
            }
            _ => CodecError::syntax(format!("reading a length header: {e}")),
        })?;
        n |= u64::from(b[0] & 0x7f) << (7 * i);
        if b[0] & 0x80 == 0 {
            return Ok(n);
        }
    }
    Err(CodecError::syntax("length header longer than ten bytes"))
}

/// Reads exactly `len` bytes of a record's payload, growing the buffer as
/// bytes arrive rather than from the untrusted length.
///
/// # Errors
///
/// Fewer than `len` bytes before the end of input, or the reader's error.
pub fn read_payload(r: &mut dyn BufRead, len: u64) -> Result<Vec<u8>, CodecError> {
    let mut out = Vec::new();
    r.take(len)
        .read_to_end(&mut out)
        .map_err(|e| CodecError::syntax(format!("reading a record: {e}")))?;
    if (out.len() as u64) < len {
        return Err(CodecError::syntax(format!(
            "record cut short: {} of {len} bytes",
            out.len()
        )));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_hand_out_what_they_are_told() {
        let data: Vec<u8> = (0..10).collect();
        let mut r = Pieces::new(&data, vec![3, 1], true);
        let mut buf = [0u8; 8];
        assert_eq!(
            r.read(&mut buf).unwrap_err().kind(),
            io::ErrorKind::Interrupted
        );
        assert_eq!(r.read(&mut buf).unwrap(), 3);
        assert!(r.read(&mut buf).is_err());
        assert_eq!(r.read(&mut buf).unwrap(), 1);
        let mut all = Vec::new();
        Pieces::new(&data, vec![4], false)
            .read_to_end(&mut all)
            .unwrap();
        assert_eq!(all, data);
        let split = Pieces::split(&data, &[3, 1]);
        assert_eq!(
            split.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [3, 1, 1, 1, 1, 1, 1, 1]
        );
        assert_eq!(Pieces::split(&data, &[usize::MAX]).len(), 1);
    }
}
