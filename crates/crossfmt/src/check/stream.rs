//! Streams: bytes that arrive in pieces, records written to a file and read
//! back, and files cut short.
//!
//! - [`chunked`]: the same bytes delivered in pieces — one byte at a time,
//!   with `Interrupted` before every read, split at every single offset (up
//!   to [`EVERY_SPLIT`] bytes), and seeded random partitions — give exactly
//!   the records they give read whole; and read whole, a stream holding one
//!   complete value gives what `decode` gives.
//! - [`records`]: values written one after another to a real file read
//!   back as `decode` reads each record's encoding, each at the offset it
//!   was written at, and then a clean end.
//! - [`truncation`]: that stream cut at every offset (sampled beyond
//!   [`EVERY_CUT`] bytes) reads as exactly the complete records before the
//!   cut, then a clean end at a record boundary or else an error at the
//!   offset of the record the cut went through: never a record dropped
//!   silently, never one decoded from a partial one.
//!
//! Only codecs that declare a framing ([`Codec::framing`]) are checked; the
//! others are a skip.

use super::{CheckResult, Finding, Input, Kind, Verdict};
use super::{CHUNKED, RECORDS, TRUNCATION};
use crate::diff;
use crate::finding::{Records, Seen, Wanted};
use crate::guard::{contain, decode, Outcome};
use crate::rng::SplitMix64;
use crate::stream::{self, Framing, Record, Source, StreamError};
use crate::{Codec, Value};
use std::io::{self, Write};

/// Inputs up to this many bytes are split at every offset in turn.
pub const EVERY_SPLIT: usize = 256;
/// How many seeded random partitions every input gets.
pub const RANDOM_PARTITIONS: usize = 8;
/// Streams up to this many bytes are cut at every offset; longer ones at
/// every record boundary, a byte either side of it, and sampled offsets.
pub const EVERY_CUT: usize = 512;
/// How many sampled cuts a longer stream gets.
pub const SAMPLED_CUTS: usize = 64;

/// How the bytes were delivered, for a finding's context.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// In one piece (through a `BufReader`, as a file is read).
    Whole,
    /// One byte per read.
    Bytewise,
    /// One byte per read, each read first failing with `Interrupted`.
    Interrupted,
    /// Two pieces, split at this offset.
    Split(usize),
    /// Pieces of these sizes.
    Random(Vec<usize>),
}

impl Delivery {
    /// The size of each read, and whether every read is first interrupted.
    fn sizes(&self) -> (Vec<usize>, bool) {
        match self {
            Delivery::Whole => (vec![usize::MAX], false),
            Delivery::Bytewise => (vec![1], false),
            Delivery::Interrupted => (vec![1], true),
            Delivery::Split(at) => (vec![*at, usize::MAX], false),
            Delivery::Random(sizes) => (sizes.clone(), false),
        }
    }

    fn describe(&self) -> String {
        match self {
            Delivery::Whole => "read whole".into(),
            Delivery::Bytewise => "read one byte at a time".into(),
            Delivery::Interrupted => "read one byte at a time, every read first interrupted".into(),
            Delivery::Split(at) => format!("read in two pieces split at offset {at}"),
            Delivery::Random(sizes) => format!("read in pieces of {sizes:?} bytes"),
        }
    }
}

/// Every way [`chunked`] delivers `data`, whole first.
pub fn deliveries(data: &[u8]) -> Vec<Delivery> {
    let mut out = vec![Delivery::Whole, Delivery::Bytewise, Delivery::Interrupted];
    if data.len() <= EVERY_SPLIT {
        out.extend((1..data.len()).map(Delivery::Split));
    }
    let seed = data.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let mut rng = SplitMix64::new(seed);
    let most = (data.len() as u64 / 4).max(2);
    for _ in 0..RANDOM_PARTITIONS {
        let mut sizes = Vec::new();
        let mut left = data.len();
        while left > 0 {
            let n = (1 + rng.below(most) as usize).min(left);
            sizes.push(n);
            left -= n;
        }
        out.push(Delivery::Random(sizes));
    }
    out
}

/// Every record `codec` reads from `data` delivered as `how`, contained.
pub fn read_all(codec: &dyn Codec, data: &[u8], how: &Delivery) -> Outcome<Records> {
    let (sizes, interrupt) = how.sizes();
    read(
        codec,
        &Source::Pieces {
            data,
            sizes: &sizes,
            interrupt,
        },
    )
}

fn read(codec: &dyn Codec, from: &Source) -> Outcome<Records> {
    contain(|| codec.read_stream(from))
}

/// Where two readings of one stream first part, as a stable name (the
/// finding's class), with the values' difference when a record changed.
fn parting(
    want: &Records,
    got: &Records,
    same_error: impl Fn(&StreamError, &StreamError) -> bool,
) -> Option<(&'static str, Option<diff::Difference>)> {
    for (w, g) in want.records.iter().zip(&got.records) {
        if w.value != g.value {
            return Some(("record-value", diff::first(&w.value, &g.value)));
        }
        if (w.offset, w.len) != (g.offset, g.len) {
            return Some(("record-offset", None));
        }
    }
    use std::cmp::Ordering::*;
    match want.records.len().cmp(&got.records.len()) {
        Greater => return Some(("fewer-records", None)),
        Less => return Some(("more-records", None)),
        Equal => {}
    }
    match (&want.end, &got.end) {
        (None, None) => None,
        (Some(_), None) => Some(("silent-end", None)),
        (None, Some(_)) => Some(("spurious-error", None)),
        (Some(w), Some(g)) if w.offset != g.offset => Some(("error-offset", None)),
        (Some(w), Some(g)) if !same_error(w, g) => Some(("error-kind", None)),
        _ => None,
    }
}

fn skip_unless_streams(codec: &dyn Codec) -> Result<Framing, Verdict> {
    codec
        .framing()
        .ok_or_else(|| Verdict::Skip(format!("{} reads no record streams", codec.id())))
}

fn breakdown(
    check: &'static str,
    codec: &dyn Codec,
    input: Input,
    o: &Outcome<Records>,
    context: String,
) -> Box<Finding> {
    Box::new(
        Finding::new(check, Kind::Panic, &[codec], input)
            .expected(Wanted::Answer)
            .outcome(codec, o, |r| Seen::Records(r.clone()))
            .context(context),
    )
}

/// Bytes in pieces read as they read whole; whole, one complete value
/// reads as `decode` reads it.
pub fn chunked(codec: &dyn Codec, data: &[u8]) -> CheckResult {
    let framing = match skip_unless_streams(codec) {
        Ok(f) => f,
        Err(skip) => return Ok(skip),
    };
    let input = Input::bytes(codec.format(), data);
    let finding = |kind, how: &'static str| {
        Finding::new(CHUNKED, kind, &[codec], input.clone()).invariant(how)
    };
    let whole = match read_all(codec, data, &Delivery::Whole) {
        Outcome::Ok(r) => r,
        o => return Err(breakdown(CHUNKED, codec, input, &o, "reading whole".into())),
    };
    if framing.is_bare() {
        if let Some(f) = against_decode(codec, data, &whole, &finding) {
            return Err(f);
        }
    }
    for how in deliveries(data).into_iter().skip(1) {
        let got = match read_all(codec, data, &how) {
            Outcome::Ok(r) => r,
            o => return Err(breakdown(CHUNKED, codec, input, &o, how.describe())),
        };
        if let Some((what, d)) = parting(&whole, &got, |w, g| w.error.kind == g.error.kind) {
            return Err(Box::new(
                finding(Kind::PiecesDiffer, what)
                    .difference(d)
                    .expected(Wanted::Records(whole))
                    .seen(codec, Seen::Records(got))
                    .context(format!("{}; expected: as read whole", how.describe())),
            ));
        }
    }
    Ok(Verdict::Pass)
}

/// A stream of exactly one complete value, read whole, against `decode`.
fn against_decode(
    codec: &dyn Codec,
    data: &[u8],
    whole: &Records,
    finding: &dyn Fn(Kind, &'static str) -> Finding,
) -> Option<Box<Finding>> {
    let one_record = whole.end.is_none() && whole.records.len() == 1;
    match decode(codec, data) {
        Outcome::Ok(v) => {
            let want = Records {
                records: vec![Record {
                    offset: 0,
                    len: data.len() as u64,
                    value: v,
                }],
                end: None,
            };
            // Only the first record is decode's: a decode that ignores
            // bytes after the value (Python's `loads`) is judged elsewhere,
            // and the stream reader reads them as records of their own.
            let first = Records {
                records: whole.records.iter().take(1).cloned().collect(),
                end: whole.end.clone().filter(|_| whole.records.is_empty()),
            };
            let mut want = want;
            if let (Some(w), Some(g)) = (want.records.first_mut(), first.records.first()) {
                w.len = w.len.min(g.len);
            }
            let (what, d) = parting(&want, &first, |_, _| true)?;
            Some(Box::new(
                finding(Kind::StreamVsDecode, what)
                    .difference(d)
                    .expected(Wanted::Records(want))
                    .seen(codec, Seen::Records(whole.clone()))
                    .context("read whole as a stream; expected: what decode gives"),
            ))
        }
        Outcome::Rejected(e) if !e.kind.is_accept() && one_record => Some(Box::new(
            finding(Kind::StreamVsDecode, "accepts-rejected")
                .seen(codec, Seen::Rejected(e))
                .seen(codec, Seen::Records(whole.clone()))
                .context("decode rejects what the stream reader reads as one complete record"),
        )),
        _ => None,
    }
}

/// The records [`records`] and [`truncation`] write for `v`: `v` twice,
/// then each element of an array `v` the codec can hold.
pub fn records_of(codec: &dyn Codec, v: &Value) -> Vec<Value> {
    let mut out = vec![v.clone(), v.clone()];
    if let Value::Array(xs) = v {
        out.extend(
            xs.iter()
                .filter(|x| codec.unsupported(x).is_none())
                .take(16)
                .cloned(),
        );
    }
    out
}

/// The stream of `values` and the offset each record ends at, or why it
/// could not be written (a skip: the round-trip check reports encoders).
fn write_stream(codec: &dyn Codec, values: &[Value]) -> Result<(Vec<u8>, Vec<u64>), String> {
    let mut bytes = Vec::new();
    let mut ends = Vec::new();
    for v in values {
        match contain(|| stream::write_record(codec, v, &mut bytes)) {
            Outcome::Ok(()) => ends.push(bytes.len() as u64),
            Outcome::Rejected(e) | Outcome::Failed(e) => {
                return Err(format!("cannot write {}: {e}", crate::notation::print(v)))
            }
            Outcome::Panicked(p) => return Err(format!("encode panicked ({p})")),
        }
    }
    Ok((bytes, ends))
}

/// Records, the stream they make, and the offset each record ends at.
type Written = (Vec<Value>, Vec<u8>, Vec<u64>);

/// The records of `v` ([`records_of`]), the stream they make and where
/// each ends; or why there is none (a skip).
fn stream_of(codec: &dyn Codec, v: &Value) -> Result<Written, Verdict> {
    skip_unless_streams(codec)?;
    if let Some(why) = codec.unsupported(v) {
        return Err(Verdict::Skip(why));
    }
    let values = records_of(codec, v);
    let (bytes, ends) = write_stream(codec, &values).map_err(Verdict::Skip)?;
    Ok((values, bytes, ends))
}

/// Values written one after another to a file read back as written.
pub fn records(codec: &dyn Codec, v: &Value) -> CheckResult {
    let (values, bytes, ends) = match stream_of(codec, v) {
        Ok(s) => s,
        Err(skip) => return Ok(skip),
    };
    let input = Input::Value(v.clone());
    let file = match to_file(&bytes) {
        Ok(f) => f,
        Err(e) => return Ok(Verdict::Skip(format!("no temporary file: {e}"))),
    };
    let caps = codec.caps();
    let got = match read(codec, &Source::File(file.path())) {
        Outcome::Ok(mut r) => {
            for rec in &mut r.records {
                rec.value = caps.unordered(&rec.value);
            }
            r
        }
        o => {
            let mut f = breakdown(RECORDS, codec, input, &o, "reading the file".into());
            f.bytes = bytes;
            return Err(f);
        }
    };
    // What `decode` reads from each record's own encoding: the stream
    // must agree with it (the roundtrip check judges it against the value).
    let mut one_shot = Vec::new();
    for v in &values {
        match contain(|| codec.decode(&codec.encode(v)?)) {
            Outcome::Ok(back) => one_shot.push(caps.unordered(&back)),
            _ => {
                return Ok(Verdict::Skip(format!(
                    "{} does not round-trip on its own (the roundtrip check reports it)",
                    crate::notation::print(v)
                )))
            }
        }
    }
    let want = Records {
        records: std::iter::once(0)
            .chain(ends.iter().copied())
            .zip(&ends)
            .zip(one_shot)
            .map(|((offset, &end), value)| Record {
                offset,
                len: end - offset,
                value,
            })
            .collect(),
        end: None,
    };
    match parting(&want, &got, |_, _| true) {
        None => Ok(Verdict::Pass),
        Some((what, d)) => Err(Box::new(
            Finding::new(RECORDS, Kind::StreamChanged, &[codec], input)
                .invariant(what)
                .bytes(&bytes)
                .difference(d)
                .expected(Wanted::Records(want))
                .seen(codec, Seen::Records(got))
                .context(format!(
                    "{} records written to a file, {} bytes",
                    values.len(),
                    bytes.len()
                )),
        )),
    }
}

fn to_file(bytes: &[u8]) -> io::Result<tempfile::NamedTempFile> {
    let mut f = tempfile::NamedTempFile::new()?;
    f.write_all(bytes)?;
    f.flush()?;
    Ok(f)
}

/// The offsets [`truncation`] cuts a stream of `len` bytes at, given the
/// offsets its records end at.
pub fn cuts(len: usize, ends: &[u64]) -> Vec<usize> {
    if len <= EVERY_CUT {
        return (0..len).collect();
    }
    let mut out: Vec<usize> = Vec::new();
    for &e in std::iter::once(&0).chain(ends) {
        let e = e as usize;
        out.extend(
            [e.saturating_sub(1), e, e + 1]
                .into_iter()
                .filter(|&c| c < len),
        );
    }
    let mut rng = SplitMix64::new(len as u64);
    out.extend((0..SAMPLED_CUTS).map(|_| rng.below(len as u64) as usize));
    out.sort_unstable();
    out.dedup();
    out
}

/// A stream cut short reads as its complete records, then a clean end at
/// a record boundary or an error at the cut record's offset.
pub fn truncation(codec: &dyn Codec, v: &Value) -> CheckResult {
    let (values, bytes, ends) = match stream_of(codec, v) {
        Ok(s) => s,
        Err(skip) => return Ok(skip),
    };
    let input = Input::Value(v.clone());
    // What the untouched stream reads as; the records check judges that.
    let full = match read_all(codec, &bytes, &Delivery::Whole) {
        Outcome::Ok(r) if r.end.is_none() && r.records.len() == values.len() => r,
        Outcome::Ok(_) | Outcome::Rejected(_) => {
            return Ok(Verdict::Skip(
                "the whole stream does not read back (the records check reports it)".into(),
            ))
        }
        o => {
            return Err(breakdown(
                TRUNCATION,
                codec,
                input,
                &o,
                "reading whole".into(),
            ))
        }
    };
    for cut in cuts(bytes.len(), &ends) {
        let prefix = &bytes[..cut];
        let complete = ends.iter().take_while(|&&e| e as usize <= cut).count();
        let start = if complete == 0 { 0 } else { ends[complete - 1] };
        let want = Records {
            records: full.records[..complete].to_vec(),
            end: (start as usize != cut).then(|| StreamError {
                offset: start,
                error: crate::CodecError::syntax("the record cut short"),
            }),
        };
        let context = format!(
            "cut at offset {cut:#x} of {:#x}: {complete} complete record(s){}",
            bytes.len(),
            if start as usize == cut {
                String::new()
            } else {
                format!(", then the record at {start:#x} cut short")
            }
        );
        let got = match read_all(codec, prefix, &Delivery::Whole) {
            Outcome::Ok(r) => r,
            o => {
                let mut f = breakdown(TRUNCATION, codec, input, &o, context);
                f.bytes = prefix.to_vec();
                return Err(f);
            }
        };
        if let Some((what, d)) = parting(&want, &got, |_, _| true) {
            let what = match what {
                "more-records" | "record-value" => "record-invented",
                "fewer-records" => "record-dropped",
                other => other,
            };
            return Err(Box::new(
                Finding::new(TRUNCATION, Kind::TruncationMisread, &[codec], input)
                    .invariant(what)
                    .bytes(prefix)
                    .difference(d)
                    .expected(Wanted::Records(want))
                    .seen(codec, Seen::Records(got))
                    .context(context),
            ));
        }
    }
    Ok(Verdict::Pass)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_split_and_every_cut_up_to_the_bounds() {
        let small = vec![0u8; 10];
        let splits = deliveries(&small)
            .iter()
            .filter(|d| matches!(d, Delivery::Split(_)))
            .count();
        assert_eq!(splits, 9);
        for d in deliveries(&small) {
            if let Delivery::Random(sizes) = d {
                assert_eq!(sizes.iter().sum::<usize>(), 10);
            }
        }
        assert_eq!(cuts(5, &[2, 5]), vec![0, 1, 2, 3, 4]);
        let big = cuts(10_000, &[5_000, 10_000]);
        for c in [0, 1, 4_999, 5_000, 5_001, 9_999] {
            assert!(big.contains(&c), "{c}");
        }
        assert!(big.len() <= 6 + SAMPLED_CUTS);
    }
}
