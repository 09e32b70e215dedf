//! `struct.unpack`, `unpack_from` and `iter_unpack`: bytes to values.
//!
//! The buffer's size is checked against the layout before anything is
//! allocated, and the values vector holds at most one entry per field, each
//! at least a byte of the buffer or a character of the format: decoding never
//! allocates beyond the input's size, whatever size the format names.

use crate::half::{unpack_half, unpack_single};
use crate::layout::{ByteOrder, Code, Kind, Layout};
use crate::pack::{window, Direction};
use crate::{StructError, StructErrorKind};
use crossfmt_value::value::{Float, Value};

/// `struct.unpack(format, buffer)`: the buffer must be exactly `calcsize`.
pub fn unpack(layout: &Layout, buf: &[u8]) -> Result<Vec<Value>, StructError> {
    if buf.len() != layout.size {
        return Err(StructError::new(
            StructErrorKind::Buffer,
            format!(
                "unpack requires a buffer of {} bytes (got {}; format {:?})",
                layout.size,
                buf.len(),
                layout.format
            ),
        ));
    }
    Ok(read_fields(layout, buf))
}

/// `struct.unpack_from(format, buffer, offset)`; a negative offset counts
/// from the end, as in Python.
pub fn unpack_from(layout: &Layout, buf: &[u8], offset: isize) -> Result<Vec<Value>, StructError> {
    let start = window(layout.size, buf.len(), offset, Direction::Unpack)?;
    Ok(read_fields(layout, &buf[start..start + layout.size]))
}

/// `struct.iter_unpack(format, buffer)`: one record per `calcsize` bytes.
pub fn iter_unpack<'a>(
    layout: &'a Layout,
    buf: &'a [u8],
) -> Result<impl Iterator<Item = Vec<Value>> + 'a, StructError> {
    if layout.size == 0 {
        return Err(StructError::new(
            StructErrorKind::Format,
            format!(
                "cannot iteratively unpack with a struct of length 0 (format {:?})",
                layout.format
            ),
        ));
    }
    if buf.len() % layout.size != 0 {
        return Err(StructError::new(
            StructErrorKind::Buffer,
            format!(
                "iterative unpacking requires a buffer of a multiple of {} bytes (got {}; \
                 trailing partial record at byte offset {})",
                layout.size,
                buf.len(),
                buf.len() - buf.len() % layout.size
            ),
        ));
    }
    Ok(buf
        .chunks_exact(layout.size)
        .map(|rec| read_fields(layout, rec)))
}

/// `buf` is exactly `layout.size` bytes.
pub(super) fn read_fields(layout: &Layout, buf: &[u8]) -> Vec<Value> {
    let mut out = Vec::with_capacity(layout.fields.min(buf.len() + layout.items.len()));
    for (code, offset, count) in layout.field_codes() {
        out.push(read_field(
            code,
            layout.order,
            &buf[offset..offset + count * code.size],
        ));
    }
    out
}

fn read_field(code: Code, order: ByteOrder, src: &[u8]) -> Value {
    let float = |x: f64| Value::Float(Float::from_f64(x));
    match code.kind {
        Kind::Pad => unreachable!("pad bytes carry no field"),
        Kind::Bool => Value::Bool(src[0] != 0),
        Kind::Char | Kind::Bytes => Value::Bytes(src.to_vec()),
        Kind::Pascal => match src.split_first() {
            // CPython 3.11 raises SystemError on `0p`; an empty string is
            // the only sensible answer (a documented divergence).
            None => Value::Bytes(Vec::new()),
            Some((&n, body)) => Value::Bytes(body[..usize::from(n).min(body.len())].to_vec()),
        },
        Kind::Signed => Value::Int(get_uint(order, src, true)),
        Kind::Unsigned | Kind::Pointer => Value::Int(get_uint(order, src, false)),
        Kind::Half => float(unpack_half(get_uint(order, src, false) as u16)),
        Kind::Float => float(unpack_single(get_uint(order, src, false) as u32)),
        Kind::Double => float(f64::from_bits(get_uint(order, src, false) as u64)),
    }
}

/// An integer of `src.len()` (at most 8) bytes, sign-extended when `signed`.
fn get_uint(order: ByteOrder, src: &[u8], signed: bool) -> i128 {
    let mut le = [0u8; 16];
    let n = src.len();
    le[..n].copy_from_slice(src);
    if order.is_big() {
        le[..n].reverse();
    }
    if signed && n > 0 && le[n - 1] & 0x80 != 0 {
        le[n..].fill(0xff);
    }
    i128::from_le_bytes(le)
}
