//! The struct engine's own oracles (checks `struct-layout` and
//! `struct-unpack`), driven by the fuzz targets `struct_format` and
//! `struct_unpack` and by the property tests.

use super::{CheckResult, Finding, Input, Kind, Outcome, Verdict, STRUCT_LAYOUT, STRUCT_UNPACK};
use crate::finding::{Row, Seen, Wanted};
use crate::{Codec, Format, Value};
use crossfmt_codecs::pystruct::{layouts, StructCodec};
use crossfmt_pystruct::{calcsize, pack, unpack, Layout};

/// What the oracles' findings name in place of a codec.
pub const ENGINE: &str = "pystruct";

/// A format string parses without panicking; when it parses, its layout is
/// consistent: runs in order, each aligned (native mode), `calcsize` the end
/// of the last run, at most one run per format character, and (for a
/// layout small enough to build) packing a zero of every field gives exactly
/// `calcsize` bytes that unpack to those zeros.
pub fn layout_consistent(format: &str) -> CheckResult {
    let input = Input::bytes(Format::Struct, format.as_bytes());
    let finding = |invariant: &'static str, detail: String| {
        Box::new(
            Finding::engine(STRUCT_LAYOUT, Kind::Inconsistent, ENGINE, input.clone())
                .invariant(invariant)
                .context(detail),
        )
    };
    let layout = match crate::guard::contain(|| Ok(Layout::parse(format))) {
        Outcome::Ok(Ok(l)) => l,
        Outcome::Ok(Err(_)) | Outcome::Rejected(_) => return Ok(Verdict::Pass),
        broke => {
            let mut f = Finding::engine(STRUCT_LAYOUT, Kind::Panic, ENGINE, input.clone())
                .expected(Wanted::Answer)
                .context("while parsing the format");
            f.kind = Kind::of_breakdown(&broke).unwrap_or(Kind::Panic);
            f.outcomes.push(Row {
                codec: ENGINE.into(),
                seen: Seen::of_value(&broke.map(|_| Value::Null)),
            });
            return Err(Box::new(f));
        }
    };
    if layout.items.len() > format.len() {
        return Err(finding(
            "runs per character",
            format!(
                "{} runs from a {}-character format",
                layout.items.len(),
                format.len()
            ),
        ));
    }
    let mut end = 0;
    for it in &layout.items {
        if it.offset < end || it.offset % it.code.align != 0 {
            return Err(finding(
                "runs in order and aligned",
                format!(
                    "run '{}' at offset {} (previous run ends at {end}, alignment {})",
                    it.code.ch as char, it.offset, it.code.align
                ),
            ));
        }
        end = it.offset + it.len();
    }
    if end != layout.size {
        return Err(finding(
            "calcsize is the end of the last run",
            format!("calcsize {} but the last run ends at {end}", layout.size),
        ));
    }
    if layout.size > 1 << 16 || layout.fields > 1 << 12 {
        return Ok(Verdict::Pass);
    }
    let zeros: Vec<Value> = layout
        .field_codes()
        .map(|(c, _, count)| zero(c.kind, count))
        .collect();
    identity(&layout, &zeros)
        .map(|()| Verdict::Pass)
        .map_err(|(why, _)| finding("zeros round-trip", format!("zeros: {why}")))
}

/// Packs `values` and unpacks the bytes: `Err((why, bytes))` unless that
/// gives exactly `calcsize` bytes and `values` back.
fn identity(layout: &Layout, values: &[Value]) -> Result<(), (String, Vec<u8>)> {
    let bytes = pack(layout, values).map_err(|e| (format!("pack refused: {e}"), Vec::new()))?;
    if bytes.len() != layout.size {
        let why = format!(
            "calcsize {} but pack gives {} bytes",
            layout.size,
            bytes.len()
        );
        return Err((why, bytes));
    }
    match unpack(layout, &bytes) {
        Ok(back) if back == values => Ok(()),
        Ok(back) => {
            let (a, b) = (Value::Array(values.to_vec()), Value::Array(back));
            let diff = crate::diff::first(&a, &b)
                .map(|d| d.to_string())
                .unwrap_or_default();
            Err((format!("unpack(pack(v)) differs: {diff}"), bytes))
        }
        Err(e) => Err((format!("unpack of pack's own bytes failed: {e}"), bytes)),
    }
}

/// A field's zero, as it comes back (`s` is its full length of NULs).
fn zero(kind: crossfmt_pystruct::Kind, count: usize) -> Value {
    use crossfmt_pystruct::Kind::*;
    match kind {
        Bool => Value::Bool(false),
        Half | Float | Double => Value::Float(crate::Float::from_f64(0.0)),
        Char => Value::Bytes(vec![0]),
        Bytes => Value::Bytes(vec![0; count]),
        Pascal => Value::Bytes(Vec::new()),
        Pad | Signed | Unsigned | Pointer => Value::Int(0),
    }
}

/// `pack(format, values)` is exactly `calcsize(format)` bytes and unpacks to
/// `values`, which must fit the format exactly (as
/// [`crossfmt_pystruct::strategy::format_and_values`] makes them): a refusal is a
/// finding here, not a skip.
pub fn pack_roundtrip(format: &str, values: &[Value]) -> CheckResult {
    let record = Value::Array(values.to_vec());
    let finding = |detail: String| {
        Finding::engine(
            STRUCT_LAYOUT,
            Kind::Inconsistent,
            ENGINE,
            Input::Value(record.clone()),
        )
        .invariant("pack and unpack invert each other")
        .schema(format)
        .context(detail)
    };
    let layout =
        Layout::parse(format).map_err(|e| Box::new(finding(format!("format refused: {e}"))))?;
    identity(&layout, values)
        .map(|()| Verdict::Pass)
        .map_err(|(why, bytes)| Box::new(finding(why).bytes(&bytes)))
}

/// The `struct_unpack` input: a format, a NUL, then the record bytes (a NUL
/// never occurs in a valid format). Without a NUL the whole input is the
/// format and the record is empty.
pub fn split_input(data: &[u8]) -> (String, &[u8]) {
    let (fmt, bytes) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &data[data.len()..]),
    };
    (String::from_utf8_lossy(fmt).into_owned(), bytes)
}

/// `unpack(format, bytes)` through the codec bound to the format: a bad
/// format or a wrong size is an error (never a panic, never an allocation
/// beyond the input), and a record that decodes reaches a fixed point
/// through pack and unpack ([`super::roundtrip::bytes_first`]).
pub fn unpack_input(data: &[u8]) -> CheckResult {
    let (format, bytes) = split_input(data);
    let codec = match crate::guard::contain(|| Ok(StructCodec::new(&format))) {
        Outcome::Ok(Ok(c)) => c,
        Outcome::Ok(Err(_)) | Outcome::Rejected(_) => return Ok(Verdict::Pass),
        _ => return layout_consistent(&format),
    };
    if let Outcome::Ok(Value::Array(xs)) = super::decode(&codec, bytes) {
        let bound = bytes.len() + format.len();
        if xs.len() > bound {
            return Err(Box::new(
                Finding::new(
                    STRUCT_UNPACK,
                    Kind::Inconsistent,
                    &[&codec as &dyn Codec],
                    Input::bytes(Format::Struct, data),
                )
                .invariant("fields bounded by the input")
                .context(format!("{} fields from {bound} bytes of input", xs.len())),
            ));
        }
    }
    super::roundtrip::bytes_first(&codec, bytes)
}

/// Seeds for the struct fuzz targets: the built-in layouts, every code in
/// every byte order with a count, and a few edge formats, each followed (for
/// `struct_unpack`) by a record of its size.
pub fn seeds(with_record: bool) -> Vec<Vec<u8>> {
    let mut formats: Vec<String> = layouts().iter().map(|s| s.to_string()).collect();
    for order in ["", "@", "=", "<", ">", "!"] {
        for code in "xcbB?hHiIlLqQnNPefdsp".chars() {
            formats.push(format!("{order}b3{code}"));
        }
    }
    formats.extend(
        [
            "@b0l",
            "=e",
            ">?3x5p",
            "<qQ",
            "@PnN",
            "!0s",
            "10s",
            "1000000000x",
            "3 h",
            "<2e2f2d",
        ]
        .map(String::from),
    );
    formats
        .into_iter()
        .map(|f| {
            let mut seed = f.clone().into_bytes();
            if with_record {
                let size = calcsize(&f).unwrap_or(0).min(256);
                seed.push(0);
                seed.extend((0..size).map(|i| (i * 37 + 1) as u8));
            }
            seed
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oracles_pass_on_good_input_and_bound_allocation() {
        for f in [
            "<4sHHIQ",
            "@bqhd?0l",
            "1000000000x",
            "zz",
            "9999999999999999999999b",
        ] {
            assert_eq!(layout_consistent(f), Ok(Verdict::Pass), "{f}");
        }
        // A format naming a gigabyte against ten bytes fails on the size check.
        assert_eq!(unpack_input(b"1000000000x\0abcdefghij"), Ok(Verdict::Pass));
        let codec = StructCodec::new("1000000000x").unwrap();
        assert!(codec.decode(&[0; 10]).is_err());
    }
}
