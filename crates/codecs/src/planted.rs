//! `planted/buggy`: a small MessagePack subset with six deliberate bugs, the
//! target the fuzzing set-up is measured on (`fuzz/README.md` has the table of
//! which fuzz target finds which bug, and how fast). It is **not** in
//! [`Registry::builtin`](super::Registry::builtin) and must never be.
//!
//! The wire format is MessagePack (so the msgpack seeds and dictionary apply):
//! nil, bool, every int marker (encoded as fixint / `d3` / `cf`), `ca`/`cb`
//! floats (encoded as `cb`), str, bin, array and map in all their sizes. Ext
//! is rejected as unsupported. One deviation: a `str16` whose length is in
//! `0x2a00..0x2a3b` names an interned key `k0`..`k58` instead of carrying a
//! payload (the encoder writes longer text as `str32`, so nothing it writes is
//! read that way).
//!
//! The bugs, one per class a fuzzer should find:
//!
//! - **(a) panic on a crafted length** — the interned-key range check is off
//!   by one (`..=0x2a3b`), so a `str16` of length exactly `0x2a3b`
//!   (`da 2a 3b`) indexes one past the table: `index out of bounds`.
//! - **(b) silent value change** — a decoded `-0.0` (`cb 80 00 .. 00`) comes
//!   back as `0.0`. Bytes-first round trips cannot see it (0.0 is a fixed
//!   point); value-first round trips can.
//! - **(c) no depth limit** — decoding recurses once per nesting level with a
//!   16 KiB stack scratch buffer per level and no limit, and the caps claim
//!   no limit either: a few hundred nested `91` overflow an 8 MiB stack.
//! - **(d) allocation sized by an untrusted length** — an `array32` (`dd`)
//!   reserves `Vec::with_capacity(count)` straight from its header before
//!   reading a single element: `dd ff ff ff ff` asks for hundreds of GiB.
//!   libFuzzer's `-malloc_limit_mb` reports it as out-of-memory; elsewhere the
//!   allocation fails and the process aborts.
//!
//! - **(e) a reader that trusts one `read`** — reading records from a stream
//!   ([`Codec::read_record`]), a str payload is read with a single
//!   `Read::read` into a zeroed buffer of its length, and a short read is not
//!   retried: a string split across two pieces (a socket, a `BufReader`'s
//!   refill) comes back with NULs in place of its tail, and the bytes it left
//!   are read as the next values. One-shot `decode` is right; only the
//!   `chunked` check sees it.
//!
//! - **(f) a length header cut short** — a map of 65,536 pairs or more is
//!   written with a 16-bit count (`de`, `len as u16`) and all its pairs: the
//!   decoder reads a few pairs and then the rest as trailing bytes. Only a
//!   value that wide shows it, which no corpus value and no generated value
//!   is: the `stress` check's `wide-map/65537` probe is what finds it.
//!
//! To measure one class at a time, `CROSSFMT_PLANTED_BUGS` (read once) lists
//! the enabled classes, e.g. `a,c`; unset means all six. A disabled class
//! behaves correctly (bounded checks, sign kept, depth limit 256, capacity
//! bounded by the remaining input, reads retried until complete, 32-bit map
//! counts).
//!
//! (c) and (d) kill the process, so they cannot be contained in-process; the
//! regression test replays them in a child process and asserts it dies.

use crossfmt_value::caps::{Caps, Duplicates, FloatRepr, IntRange, MapKeys};
use crossfmt_value::stream::Framing;
use crossfmt_value::value::{Float, FloatWidth, Value};
use crossfmt_value::{refuse_unsupported, Codec, CodecError, Format};
use std::io::{BufRead, Read};

/// The planted-bug codec. See the module documentation.
pub struct Planted;

/// The id findings name it by.
pub const ID: &str = "planted/buggy";

/// First `str16` length that names an interned key.
const INTERNED_BASE: usize = 0x2a00;
/// Number of interned keys (`k0`..`k58`).
const INTERNED_LEN: usize = 0x3b;

/// Depth limit when bug (c) is disabled.
const FIXED_MAX_DEPTH: usize = 256;

/// Whether bug class `c` (`'a'`..=`'f'`) is enabled; see the module docs.
pub fn enabled(c: char) -> bool {
    static ON: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ON.get_or_init(|| std::env::var("CROSSFMT_PLANTED_BUGS").unwrap_or_else(|_| "abcdef".into()))
        .contains(c)
}

/// Size of the per-level stack scratch buffer (bug (c)).
const SCRATCH: usize = 16 * 1024;

impl Codec for Planted {
    fn id(&self) -> &str {
        ID
    }
    fn format(&self) -> Format {
        Format::MsgPack
    }
    fn caps(&self) -> Caps {
        Caps {
            null: true,
            bool: true,
            ints: IntRange::I64_U64,
            f16: FloatRepr::As(FloatWidth::F64),
            f32: FloatRepr::As(FloatWidth::F64),
            f64: FloatRepr::As(FloatWidth::F64),
            nan: true,
            nan_payload: true,
            infinity: true,
            text: true,
            bytes: true,
            array: true,
            map: true,
            map_keys: MapKeys::Any,
            map_order: true,
            duplicates: Duplicates::Kept,
            // Bug (c): the codec claims to handle any depth.
            max_depth: if enabled('c') {
                usize::MAX
            } else {
                FIXED_MAX_DEPTH
            },
            ..Caps::NONE
        }
    }
    fn encode(&self, v: &Value) -> Result<Vec<u8>, CodecError> {
        refuse_unsupported(&self.caps(), v)?;
        let mut out = Vec::new();
        write(v, &mut out)?;
        Ok(out)
    }
    fn decode(&self, b: &[u8]) -> Result<Value, CodecError> {
        let mut r = Reader {
            b,
            pos: 0,
            depth: 0,
        };
        let v = r.value()?;
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

    fn read_record(&self, r: &mut dyn BufRead) -> Result<Value, CodecError> {
        let mut item = Vec::new();
        copy_item(r, &mut item, 0)?;
        self.decode(&item)
    }
}

fn write(v: &Value, out: &mut Vec<u8>) -> Result<(), CodecError> {
    match v {
        Value::Null => out.push(0xc0),
        Value::Bool(b) => out.push(if *b { 0xc3 } else { 0xc2 }),
        Value::Int(i) => {
            if (0..=0x7f).contains(i) || (-32..0).contains(i) {
                out.push(*i as i8 as u8);
            } else if let Ok(n) = i64::try_from(*i) {
                out.push(0xd3);
                out.extend_from_slice(&n.to_be_bytes());
            } else if let Ok(n) = u64::try_from(*i) {
                out.push(0xcf);
                out.extend_from_slice(&n.to_be_bytes());
            } else {
                return Err(CodecError::encode("integer out of range"));
            }
        }
        Value::Float(f) => {
            out.push(0xcb);
            out.extend_from_slice(&f.widen(FloatWidth::F64).to_f64().to_bits().to_be_bytes());
        }
        Value::Text(s) => {
            let n = s.len();
            if n < 32 {
                out.push(0xa0 | n as u8);
            } else if n <= 0xff {
                out.extend_from_slice(&[0xd9, n as u8]);
            } else if n < INTERNED_BASE {
                out.push(0xda);
                out.extend_from_slice(&(n as u16).to_be_bytes());
            } else {
                out.push(0xdb);
                out.extend_from_slice(&len32(n)?.to_be_bytes());
            }
            out.extend_from_slice(s.as_bytes());
        }
        Value::Bytes(b) => {
            out.push(0xc6);
            out.extend_from_slice(&len32(b.len())?.to_be_bytes());
            out.extend_from_slice(b);
        }
        Value::Array(xs) => {
            out.push(0xdd);
            out.extend_from_slice(&len32(xs.len())?.to_be_bytes());
            for x in xs {
                write(x, out)?;
            }
        }
        Value::Map(kvs) if enabled('f') && kvs.len() > 0xffff => {
            // Bug (f): the count cut to 16 bits, the pairs all written.
            out.push(0xde);
            out.extend_from_slice(&(kvs.len() as u16).to_be_bytes());
            for (k, x) in kvs {
                write(k, out)?;
                write(x, out)?;
            }
        }
        Value::Map(kvs) => {
            out.push(0xdf);
            out.extend_from_slice(&len32(kvs.len())?.to_be_bytes());
            for (k, x) in kvs {
                write(k, out)?;
                write(x, out)?;
            }
        }
        other => {
            return Err(CodecError::unsupported(format!(
                "{} is not supported",
                other.kind()
            )))
        }
    }
    Ok(())
}

/// Appends the bytes of one MessagePack item read from `r` to `out`.
fn copy_item(r: &mut dyn BufRead, out: &mut Vec<u8>, depth: usize) -> Result<(), CodecError> {
    if depth >= FIXED_MAX_DEPTH {
        return Err(CodecError::limit("too deep"));
    }
    let m = copy(r, 1, out)?[0];
    let be = |b: &[u8]| b.iter().fold(0usize, |acc, &x| (acc << 8) | usize::from(x));
    let (payload, children) = match m {
        0x00..=0x7f | 0xe0..=0xff | 0xc0 | 0xc2 | 0xc3 => (0, 0),
        0xcc | 0xd0 => (1, 0),
        0xcd | 0xd1 => (2, 0),
        0xca | 0xce | 0xd2 => (4, 0),
        0xcb | 0xcf | 0xd3 => (8, 0),
        0xd4..=0xd8 => (2 + (1 << (m - 0xd4)), 0),
        0xa0..=0xbf => return copy_str(r, usize::from(m & 0x1f), out),
        0xd9..=0xdb => {
            let n = be(copy(r, 1 << (m - 0xd9), out)?);
            let interned = INTERNED_BASE..INTERNED_BASE + INTERNED_LEN + usize::from(enabled('a'));
            if m == 0xda && interned.contains(&n) {
                return Ok(());
            }
            return copy_str(r, n, out);
        }
        0xc4..=0xc6 => (be(copy(r, 1 << (m - 0xc4), out)?), 0),
        0xc7..=0xc9 => (be(copy(r, 1 << (m - 0xc7), out)?) + 1, 0),
        0x90..=0x9f => (0, usize::from(m & 0x0f)),
        0x80..=0x8f => (0, 2 * usize::from(m & 0x0f)),
        0xdc | 0xdd => (0, be(copy(r, 2 << (m - 0xdc), out)?)),
        0xde | 0xdf => (0, 2 * be(copy(r, 2 << (m - 0xde), out)?)),
        _ => return Err(CodecError::syntax(format!("reserved marker {m:#04x}"))),
    };
    copy(r, payload, out)?;
    for _ in 0..children {
        copy_item(r, out, depth + 1)?;
    }
    Ok(())
}

/// Appends exactly `n` bytes from `r` (retrying short reads), growing
/// `out` as they arrive; returns them.
fn copy<'o>(r: &mut dyn BufRead, n: usize, out: &'o mut Vec<u8>) -> Result<&'o [u8], CodecError> {
    let start = out.len();
    let got = r
        .take(n as u64)
        .read_to_end(out)
        .map_err(|e| CodecError::syntax(format!("reading: {e}")))?;
    if got < n {
        return Err(CodecError::syntax("truncated"));
    }
    Ok(&out[start..])
}

fn copy_str(r: &mut dyn BufRead, n: usize, out: &mut Vec<u8>) -> Result<(), CodecError> {
    // Past 64 KiB the bug stays away, so that a garbage length read after a
    // misread costs no more than a correct reader's error.
    if !enabled('e') || n > 1 << 16 {
        return copy(r, n, out).map(drop);
    }
    // Bug (e): one `read`, its count ignored.
    let start = out.len();
    out.resize(start + n, 0);
    loop {
        match r.read(&mut out[start..]) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(CodecError::syntax(format!("reading: {e}"))),
            Ok(0) if n > 0 => return Err(CodecError::syntax("truncated")),
            Ok(_) => return Ok(()),
        }
    }
}

fn len32(n: usize) -> Result<u32, CodecError> {
    u32::try_from(n).map_err(|_| CodecError::encode("length over u32"))
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
    depth: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], CodecError> {
        if self.b.len() - self.pos < n {
            return Err(CodecError::syntax("truncated"));
        }
        let s = &self.b[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    fn be(&mut self, n: usize) -> Result<u64, CodecError> {
        Ok(self
            .take(n)?
            .iter()
            .fold(0u64, |acc, &x| (acc << 8) | u64::from(x)))
    }

    fn text(&mut self, n: usize) -> Result<Value, CodecError> {
        let raw = self.take(n)?;
        let s = std::str::from_utf8(raw).map_err(CodecError::syntax)?;
        Ok(Value::text(s))
    }

    fn value(&mut self) -> Result<Value, CodecError> {
        if !enabled('c') && self.depth >= FIXED_MAX_DEPTH {
            return Err(CodecError::limit("too deep"));
        }
        self.depth += 1;
        let v = self.value_inner();
        self.depth -= 1;
        v
    }

    fn value_inner(&mut self) -> Result<Value, CodecError> {
        // Bug (c): a scratch area on the stack in every frame, and no depth
        // limit on the recursion below.
        let mut scratch = [0u8; SCRATCH];
        std::hint::black_box(&mut scratch);
        let m = self.be(1)? as u8;
        Ok(match m {
            0x00..=0x7f => Value::Int(m.into()),
            0xe0..=0xff => Value::Int((m as i8).into()),
            0xc0 => Value::Null,
            0xc2 => Value::Bool(false),
            0xc3 => Value::Bool(true),
            0xcc => Value::Int(self.be(1)?.into()),
            0xcd => Value::Int(self.be(2)?.into()),
            0xce => Value::Int(self.be(4)?.into()),
            0xcf => Value::Int(self.be(8)?.into()),
            0xd0 => Value::Int((self.be(1)? as u8 as i8).into()),
            0xd1 => Value::Int((self.be(2)? as u16 as i16).into()),
            0xd2 => Value::Int((self.be(4)? as u32 as i32).into()),
            0xd3 => Value::Int((self.be(8)? as i64).into()),
            0xca => Value::f64(f32::from_bits(self.be(4)? as u32).into()),
            0xcb => {
                let x = f64::from_bits(self.be(8)?);
                // Bug (b): "normalises" the sign of zero.
                Value::Float(Float::from_f64(if x == 0.0 && enabled('b') {
                    0.0
                } else {
                    x
                }))
            }
            0xa0..=0xbf => self.text((m & 0x1f) as usize)?,
            0xd9 => {
                let n = self.be(1)? as usize;
                self.text(n)?
            }
            0xda => {
                let n = self.be(2)? as usize;
                // Bug (a): off by one; the table has INTERNED_LEN entries.
                let end = INTERNED_BASE + INTERNED_LEN - usize::from(!enabled('a'));
                if (INTERNED_BASE..=end).contains(&n) {
                    let table: Vec<String> = (0..INTERNED_LEN).map(|i| format!("k{i}")).collect();
                    Value::text(table[n - INTERNED_BASE].clone())
                } else {
                    self.text(n)?
                }
            }
            0xdb => {
                let n = self.be(4)? as usize;
                self.text(n)?
            }
            0xc4..=0xc6 => {
                let n = self.be(1 << (m - 0xc4))? as usize;
                Value::Bytes(self.take(n)?.to_vec())
            }
            0x90..=0x9f => self.array((m & 0x0f) as usize)?,
            0xdc => {
                let n = self.be(2)? as usize;
                self.array(n)?
            }
            0xdd => {
                let n = self.be(4)? as usize;
                // Bug (d): capacity straight from the header.
                if enabled('d') {
                    let mut xs = Vec::with_capacity(n);
                    for _ in 0..n {
                        xs.push(self.value()?);
                    }
                    Value::Array(xs)
                } else {
                    self.array(n)?
                }
            }
            0x80..=0x8f => self.map((m & 0x0f) as usize)?,
            0xde => {
                let n = self.be(2)? as usize;
                self.map(n)?
            }
            0xdf => {
                let n = self.be(4)? as usize;
                self.map(n)?
            }
            0xc7..=0xc9 | 0xd4..=0xd8 => {
                return Err(CodecError::unsupported("ext is not supported"))
            }
            _ => return Err(CodecError::syntax(format!("reserved marker {m:#04x}"))),
        })
    }

    /// Reserves no more than the remaining bytes could hold (done right).
    fn array(&mut self, n: usize) -> Result<Value, CodecError> {
        let mut xs = Vec::with_capacity(n.min(self.b.len() - self.pos));
        for _ in 0..n {
            xs.push(self.value()?);
        }
        Ok(Value::Array(xs))
    }

    fn map(&mut self, n: usize) -> Result<Value, CodecError> {
        let mut kvs = Vec::with_capacity(n.min((self.b.len() - self.pos) / 2));
        for _ in 0..n {
            let k = self.value()?;
            let v = self.value()?;
            kvs.push((k, v));
        }
        Ok(Value::Map(kvs))
    }
}

/// `planted/pickle-signed`: the pickle machine (`pickle/crossfmt`) with one
/// planted divergence, a one-byte integer read as signed: every int in
/// 128..=255 it decodes comes back 256 less (`BININT1 c8` reads as -56). It
/// writes as the machine does. What the differential targets' referee is
/// measured on: beside serde-pickle the two disagree, and only a reference
/// says which one departs from CPython. Not in the registry.
pub struct PlantedPickle;

/// [`PlantedPickle`]'s id.
pub const PICKLE_ID: &str = "planted/pickle-signed";

impl Codec for PlantedPickle {
    fn id(&self) -> &str {
        PICKLE_ID
    }

    fn format(&self) -> Format {
        Format::Pickle
    }

    fn caps(&self) -> Caps {
        crate::pickle::crossfmt::PickleCrossfmt::CAPS
    }

    fn encode(&self, v: &Value) -> Result<Vec<u8>, CodecError> {
        crate::pickle::crossfmt::PickleCrossfmt::default().encode(v)
    }

    fn decode(&self, b: &[u8]) -> Result<Value, CodecError> {
        crate::pickle::crossfmt::PickleCrossfmt::default()
            .decode(b)
            .map(|v| {
                v.map_scalars(&|x| match x {
                    Value::Int(n @ 128..=255) => Some(Value::Int(n - 256)),
                    _ => None,
                })
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossfmt_value::guard::{decode, Outcome};

    #[test]
    fn round_trips_what_it_supports() {
        let v = Value::Array(vec![
            Value::Null,
            Value::Bool(true),
            Value::Int(-5),
            Value::Int(u64::MAX.into()),
            Value::f64(1.5),
            Value::text("héllo"),
            Value::Bytes(vec![0, 1]),
            Value::Map(vec![(Value::Int(1), Value::text("x"))]),
        ]);
        assert_eq!(Planted.decode(&Planted.encode(&v).unwrap()), Ok(v));
    }

    #[test]
    fn bugs_a_and_b_show() {
        match decode(&Planted, &[0xda, 0x2a, 0x3b]) {
            Outcome::Panicked(p) => assert!(p.message.contains("index out of bounds"), "{p}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            decode(&Planted, &[0xda, 0x2a, 0x3a]),
            Outcome::Ok(Value::text("k58"))
        );
        let zero = Planted.encode(&Value::f64(-0.0)).unwrap();
        assert_eq!(Planted.decode(&zero), Ok(Value::f64(0.0)), "bug b");
    }
}
