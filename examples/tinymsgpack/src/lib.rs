//! A codec author's crate, kept outside crossfmt's workspace: a small
//! hand-written MessagePack subset (nil, bool, integers, str, array, map)
//! implementing `crossfmt_value::Codec`, and reading values one after
//! another from a stream (`framing`, `read_record`). `crossfmt init` sets it up like any
//! other crate (CI does it on a copy: `.ci/outside`); crossfmt's own tests
//! include this file to show the checks catch its planted bugs.

use crossfmt_value::caps::{Caps, Duplicates, IntRange, MapKeys};
use crossfmt_value::stream::Framing;
use crossfmt_value::{Codec, CodecError, Format, Value};
use std::io::BufRead;

const MAX_DEPTH: usize = 64;

/// A defect to plant, to show that the checks catch it.
#[derive(Clone, Copy, PartialEq, Debug, Default)]
pub enum Bug {
    /// The codec as written.
    #[default]
    None,
    /// Writes 0x80..=0xff with the positive-fixint marker's range check off by one.
    Uint8Boundary,
    /// Reads the negative fixint -1 (0xff) as 0: one bug that shows on
    /// every value holding a -1.
    MinusOneIsZero,
}

/// The codec: [`TinyMsgpack::default`] as written, or with a planted [`Bug`].
#[derive(Default)]
pub struct TinyMsgpack {
    /// The planted defect, if any.
    pub bug: Bug,
}

impl TinyMsgpack {
    /// The codec with the bug that `TINYMSGPACK_BUG` names (`uint8-boundary`,
    /// `minus-one-is-zero`; unset: none), so one build of the test and of the
    /// fuzz targets can be shown to catch each.
    ///
    /// # Panics
    ///
    /// On any other value, naming the ones there are.
    pub fn from_env() -> TinyMsgpack {
        let bug = match std::env::var("TINYMSGPACK_BUG").as_deref() {
            Err(_) | Ok("") => Bug::None,
            Ok("uint8-boundary") => Bug::Uint8Boundary,
            Ok("minus-one-is-zero") => Bug::MinusOneIsZero,
            Ok(other) => {
                panic!("TINYMSGPACK_BUG={other:?}: expected uint8-boundary or minus-one-is-zero")
            }
        };
        TinyMsgpack { bug }
    }
}

impl Codec for TinyMsgpack {
    fn id(&self) -> &str {
        "msgpack/tiny"
    }
    fn format(&self) -> Format {
        Format::MsgPack
    }
    fn caps(&self) -> Caps {
        Caps {
            null: true,
            bool: true,
            ints: IntRange::I64_U64,
            text: true,
            array: true,
            map: true,
            map_keys: MapKeys::Any,
            map_order: true,
            duplicates: Duplicates::Kept,
            max_depth: MAX_DEPTH,
            ..Caps::NONE
        }
    }
    fn encode(&self, v: &Value) -> Result<Vec<u8>, CodecError> {
        let mut out = Vec::new();
        self.write(v, &mut out)?;
        Ok(out)
    }
    fn decode(&self, b: &[u8]) -> Result<Value, CodecError> {
        let mut r = Reader {
            b,
            pos: 0,
            bug: self.bug,
            pos_truncated: false,
        };
        let v = r.value(0)?;
        if r.pos != b.len() {
            return Err(CodecError::syntax(format!(
                "trailing bytes at offset {}",
                r.pos
            )));
        }
        Ok(v)
    }

    fn framing(&self) -> Option<Framing> {
        Some(Framing::Concatenated)
    }

    /// Decodes from what the reader has buffered; when that ends inside the
    /// record, keeps it and pulls the next piece. Only the record's own bytes
    /// are consumed, so the next record starts where this one ended.
    fn read_record(&self, r: &mut dyn BufRead) -> Result<Value, CodecError> {
        let mut held: Vec<u8> = Vec::new();
        loop {
            let piece = loop {
                match r.fill_buf() {
                    Ok(p) => break p,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(CodecError::syntax(format!("reading: {e}"))),
                }
            };
            if piece.is_empty() {
                return Err(CodecError::syntax(format!(
                    "the stream ends inside a record ({} bytes of it)",
                    held.len()
                )));
            }
            let before = held.len();
            held.extend_from_slice(piece);
            let mut reader = Reader {
                b: &held,
                pos: 0,
                bug: self.bug,
                pos_truncated: false,
            };
            match reader.value(0) {
                Ok(v) => {
                    let used = reader.pos - before;
                    r.consume(used);
                    return Ok(v);
                }
                Err(_) if reader.pos_truncated => {
                    let n = held.len() - before;
                    r.consume(n);
                }
                Err(e) => return Err(e),
            }
        }
    }
}

impl TinyMsgpack {
    fn write(&self, v: &Value, out: &mut Vec<u8>) -> Result<(), CodecError> {
        match v {
            Value::Null => out.push(0xc0),
            Value::Bool(b) => out.push(if *b { 0xc3 } else { 0xc2 }),
            Value::Int(i) => write_int(*i, out, self.bug)?,
            Value::Text(s) => {
                len_header(s.len(), [0xa0, 0xd9, 0xda, 0xdb], 31, out);
                out.extend_from_slice(s.as_bytes());
            }
            Value::Array(xs) => {
                len_header(xs.len(), [0x90, 0, 0xdc, 0xdd], 15, out);
                for x in xs {
                    self.write(x, out)?;
                }
            }
            Value::Map(kvs) => {
                len_header(kvs.len(), [0x80, 0, 0xde, 0xdf], 15, out);
                for (k, x) in kvs {
                    self.write(k, out)?;
                    self.write(x, out)?;
                }
            }
            other => return Err(CodecError::encode(format!("unsupported {}", other.kind()))),
        }
        Ok(())
    }
}

fn write_int(i: i128, out: &mut Vec<u8>, bug: Bug) -> Result<(), CodecError> {
    let fixint_max = if bug == Bug::Uint8Boundary {
        0xff
    } else {
        0x7f
    };
    if (0..=fixint_max).contains(&i) {
        out.push(i as u8);
    } else if (-32..0).contains(&i) {
        out.push(i as i8 as u8);
    } else if i >= 0 {
        let u = u64::try_from(i).map_err(|_| CodecError::encode("integer out of range"))?;
        match u {
            0..=0xff => out.extend([0xcc, u as u8]),
            0x100..=0xffff => {
                out.push(0xcd);
                out.extend((u as u16).to_be_bytes());
            }
            0x1_0000..=0xffff_ffff => {
                out.push(0xce);
                out.extend((u as u32).to_be_bytes());
            }
            _ => {
                out.push(0xcf);
                out.extend(u.to_be_bytes());
            }
        }
    } else {
        let s = i64::try_from(i).map_err(|_| CodecError::encode("integer out of range"))?;
        if s >= i64::from(i8::MIN) {
            out.extend([0xd0, s as i8 as u8]);
        } else if s >= i64::from(i16::MIN) {
            out.push(0xd1);
            out.extend((s as i16).to_be_bytes());
        } else if s >= i64::from(i32::MIN) {
            out.push(0xd2);
            out.extend((s as i32).to_be_bytes());
        } else {
            out.push(0xd3);
            out.extend(s.to_be_bytes());
        }
    }
    Ok(())
}

/// `markers`: fix marker, 8-bit, 16-bit and 32-bit length markers (0 = none).
fn len_header(n: usize, markers: [u8; 4], fix_max: usize, out: &mut Vec<u8>) {
    if n <= fix_max {
        out.push(markers[0] | n as u8);
    } else if n <= 0xff && markers[1] != 0 {
        out.extend([markers[1], n as u8]);
    } else if n <= 0xffff {
        out.push(markers[2]);
        out.extend((n as u16).to_be_bytes());
    } else {
        out.push(markers[3]);
        out.extend((n as u32).to_be_bytes());
    }
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
    bug: Bug,
    /// Set when a read ran past the end of `b`: more bytes could complete it.
    pos_truncated: bool,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], CodecError> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.b.len());
        let Some(end) = end else {
            self.pos_truncated = true;
            return Err(CodecError::syntax(format!(
                "truncated at offset {}",
                self.b.len()
            )));
        };
        let s = &self.b[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn uint(&mut self, n: usize) -> Result<u64, CodecError> {
        Ok(self
            .take(n)?
            .iter()
            .fold(0u64, |acc, &x| acc << 8 | u64::from(x)))
    }
    fn value(&mut self, depth: usize) -> Result<Value, CodecError> {
        if depth >= MAX_DEPTH {
            return Err(CodecError::limit(format!(
                "nesting deeper than {MAX_DEPTH}"
            )));
        }
        let at = self.pos;
        let m = self.take(1)?[0];
        Ok(match m {
            0x00..=0x7f => Value::Int(m.into()),
            0xff if self.bug == Bug::MinusOneIsZero => Value::Int(0),
            0xe0..=0xff => Value::Int((m as i8).into()),
            0xc0 => Value::Null,
            0xc2 => Value::Bool(false),
            0xc3 => Value::Bool(true),
            0xcc..=0xcf => Value::Int(self.uint(1 << (m - 0xcc))?.into()),
            0xd0..=0xd3 => {
                let n = 1usize << (m - 0xd0);
                let u = self.uint(n)?;
                let shift = 64 - 8 * n as u32;
                Value::Int((((u << shift) as i64) >> shift).into())
            }
            0xa0..=0xbf => self.text(usize::from(m & 0x1f))?,
            0xd9..=0xdb => {
                let n = self.uint(1 << (m - 0xd9))? as usize;
                self.text(n)?
            }
            0x90..=0x9f => self.array(usize::from(m & 0x0f), depth)?,
            0xdc | 0xdd => {
                let n = self.uint(if m == 0xdc { 2 } else { 4 })? as usize;
                self.array(n, depth)?
            }
            0x80..=0x8f => self.map(usize::from(m & 0x0f), depth)?,
            0xde | 0xdf => {
                let n = self.uint(if m == 0xde { 2 } else { 4 })? as usize;
                self.map(n, depth)?
            }
            0xc1 => {
                return Err(CodecError::syntax(format!(
                    "reserved marker 0xc1 at offset {at}"
                )))
            }
            // Floats, bin and ext: valid MessagePack this subset cannot hold.
            _ => {
                return Err(CodecError::unsupported(format!(
                    "marker {m:#04x} at offset {at}"
                )))
            }
        })
    }
    fn text(&mut self, n: usize) -> Result<Value, CodecError> {
        let at = self.pos;
        let s = std::str::from_utf8(self.take(n)?)
            .map_err(|e| CodecError::syntax(format!("invalid UTF-8 in str at offset {at}: {e}")))?;
        Ok(Value::text(s))
    }
    fn array(&mut self, n: usize, depth: usize) -> Result<Value, CodecError> {
        // Each element takes at least one byte: never reserve more than remains.
        let mut xs = Vec::with_capacity(n.min(self.b.len() - self.pos));
        for _ in 0..n {
            xs.push(self.value(depth + 1)?);
        }
        Ok(Value::Array(xs))
    }
    fn map(&mut self, n: usize, depth: usize) -> Result<Value, CodecError> {
        let mut kvs = Vec::with_capacity(n.min((self.b.len() - self.pos) / 2));
        for _ in 0..n {
            let k = self.value(depth + 1)?;
            kvs.push((k, self.value(depth + 1)?));
        }
        Ok(Value::Map(kvs))
    }
}
