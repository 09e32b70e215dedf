//! `struct.pack` and `struct.pack_into`: values to bytes, with CPython's
//! conversions and error messages.

use crate::half::{pack_half, pack_single};
use crate::layout::{ByteOrder, Code, Kind, Layout};
use crate::{StructError, StructErrorKind};
use crossfmt_value::value::Value;
use num_traits::ToPrimitive;

/// `struct.pack(format, *values)`.
pub fn pack(layout: &Layout, values: &[Value]) -> Result<Vec<u8>, StructError> {
    check_count(layout, values, "pack")?;
    let mut out = vec![0u8; layout.size];
    write_fields(layout, &mut out, values)?;
    Ok(out)
}

/// `struct.pack_into(format, buffer, offset, *values)`; a negative offset
/// counts from the end, as in Python.
pub fn pack_into(
    layout: &Layout,
    buf: &mut [u8],
    offset: isize,
    values: &[Value],
) -> Result<(), StructError> {
    check_count(layout, values, "pack_into")?;
    let start = window(layout.size, buf.len(), offset, Direction::Pack)?;
    write_fields(layout, &mut buf[start..start + layout.size], values)
}

fn check_count(layout: &Layout, values: &[Value], op: &str) -> Result<(), StructError> {
    if values.len() == layout.fields {
        return Ok(());
    }
    Err(StructError::new(
        StructErrorKind::Argument,
        format!(
            "{op} expected {} items for packing (got {}) (format {:?})",
            layout.fields,
            values.len(),
            layout.format
        ),
    ))
}

#[derive(Clone, Copy)]
pub(super) enum Direction {
    Pack,
    Unpack,
}

/// Where a `size`-byte record starts in a `len`-byte buffer at `offset`
/// (`pack_into`/`unpack_from`), with CPython's checks and messages.
pub(super) fn window(
    size: usize,
    len: usize,
    offset: isize,
    dir: Direction,
) -> Result<usize, StructError> {
    let err = |m: String| StructError::new(StructErrorKind::Buffer, m);
    // Sizes and lengths are bounded by isize::MAX (a Rust allocation is).
    let (size_i, len_i) = (size as i128, len as i128);
    let mut off = offset as i128;
    if off < 0 {
        if off + size_i > 0 {
            return Err(err(match dir {
                Direction::Pack => format!("no space to pack {size} bytes at offset {offset}"),
                Direction::Unpack => {
                    format!("not enough data to unpack {size} bytes at offset {offset}")
                }
            }));
        }
        if off + len_i < 0 {
            return Err(err(format!(
                "offset {offset} out of range for {len}-byte buffer"
            )));
        }
        off += len_i;
    }
    if len_i - off < size_i {
        let (verb, op) = match dir {
            Direction::Pack => ("packing", "pack_into"),
            Direction::Unpack => ("unpacking", "unpack_from"),
        };
        return Err(err(format!(
            "{op} requires a buffer of at least {} bytes for {verb} {size} bytes at offset {off} \
             (actual buffer size is {len})",
            off + size_i
        )));
    }
    Ok(off as usize)
}

/// Packs into `out`, which is exactly `layout.size` bytes and zeroed where
/// the layout pads (`pack` allocates it so; `pack_into` leaves pad bytes as
/// they were, as CPython does).
fn write_fields(layout: &Layout, out: &mut [u8], values: &[Value]) -> Result<(), StructError> {
    for (index, ((code, offset, count), v)) in layout.field_codes().zip(values).enumerate() {
        let at = |(kind, m): (StructErrorKind, String)| {
            StructError::new(
                kind,
                format!(
                    "{m} (field {index}, code '{}' at byte {offset})",
                    code.ch as char
                ),
            )
        };
        let dst = &mut out[offset..offset + count * code.size];
        write_field(code, layout.order, dst, v).map_err(at)?;
    }
    Ok(())
}

fn write_field(
    code: Code,
    order: ByteOrder,
    dst: &mut [u8],
    v: &Value,
) -> Result<(), (StructErrorKind, String)> {
    let arg = |m: String| (StructErrorKind::Argument, m);
    let overflow = |c: char| {
        (
            StructErrorKind::Overflow,
            format!("float too large to pack with {c} format"),
        )
    };
    match code.kind {
        Kind::Pad => {}
        Kind::Bool => dst[0] = u8::from(truth(v)),
        Kind::Char => match v {
            Value::Bytes(b) if b.len() == 1 => dst[0] = b[0],
            _ => return Err(arg("char format requires a bytes object of length 1".into())),
        },
        Kind::Bytes => {
            let b = bytes_arg(v, 's').map_err(arg)?;
            let n = b.len().min(dst.len());
            dst[..n].copy_from_slice(&b[..n]);
            dst[n..].fill(0);
        }
        Kind::Pascal => {
            let b = bytes_arg(v, 'p').map_err(arg)?;
            if let Some((len_byte, body)) = dst.split_first_mut() {
                let n = b.len().min(body.len());
                body[..n].copy_from_slice(&b[..n]);
                body[n..].fill(0);
                *len_byte = n.min(255) as u8;
            }
        }
        Kind::Signed | Kind::Unsigned | Kind::Pointer => {
            let i = int_arg(v)
                .and_then(|i| int_in_range(code, i))
                .map_err(arg)?;
            put_int(i, order, dst);
        }
        Kind::Half => {
            let bits = pack_half(float_arg(v).map_err(arg)?).ok_or_else(|| overflow('e'))?;
            put_int(i128::from(bits), order, dst);
        }
        Kind::Float => {
            let checked = !order.is_native();
            let bits =
                pack_single(float_arg(v).map_err(arg)?, checked).ok_or_else(|| overflow('f'))?;
            put_int(i128::from(bits), order, dst);
        }
        Kind::Double => {
            let x = float_arg(v).map_err(arg)?;
            put_int(i128::from(x.to_bits()), order, dst)
        }
    }
    Ok(())
}

/// The low `dst.len()` bytes of `i` (two's complement) in the layout's order.
fn put_int(i: i128, order: ByteOrder, dst: &mut [u8]) {
    let le = i.to_le_bytes();
    let n = dst.len();
    dst.copy_from_slice(&le[..n]);
    if order.is_big() {
        dst.reverse();
    }
}

/// Python's truth value, which is what `?` packs.
fn truth(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Int(i) => *i != 0,
        Value::BigInt(_) => true,
        Value::Float(f) => f.to_f64() != 0.0 || f.is_nan(),
        Value::Text(s) => !s.is_empty(),
        Value::Bytes(b) => !b.is_empty(),
        Value::Array(xs) | Value::Tuple(xs) | Value::Set(xs) | Value::FrozenSet(xs) => {
            !xs.is_empty()
        }
        Value::Map(kvs) => !kvs.is_empty(),
        Value::Simple(_) | Value::Tag(..) | Value::Ext(..) => true,
    }
}

fn bytes_arg(v: &Value, ch: char) -> Result<&[u8], String> {
    match v {
        Value::Bytes(b) => Ok(b),
        _ => Err(format!("argument for '{ch}' must be a bytes object")),
    }
}

/// An integer argument (a bool is one, as in Python); `None` for an integer
/// beyond `i128`, which is out of every code's range.
fn int_arg(v: &Value) -> Result<Option<i128>, String> {
    match v {
        Value::Int(i) => Ok(Some(*i)),
        Value::Bool(b) => Ok(Some(i128::from(*b))),
        Value::BigInt(_) => Ok(None),
        _ => Err("required argument is not an integer".into()),
    }
}

/// CPython's range checks: first the C type the value is read into
/// (`long`, `unsigned long`, `long long`...: "argument out of range"), then
/// the code's own range for the narrower codes.
fn int_in_range(code: Code, i: Option<i128>) -> Result<i128, String> {
    const OUT: &str = "argument out of range";
    let ch = code.ch as char;
    let bits = code.size * 8;
    if code.kind == Kind::Pointer {
        return i
            .filter(|i| (i128::from(i64::MIN)..=i128::from(u64::MAX)).contains(i))
            .ok_or_else(|| "int too large to convert".to_string());
    }
    let signed = code.kind == Kind::Signed;
    let (lo, hi) = if signed {
        (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
    } else {
        (0, (1i128 << bits) - 1)
    };
    // The narrow codes (and the signed ones) are read as a C `long`; the
    // unsigned 4- and 8-byte ones as `unsigned long`.
    let read_as_signed = signed || code.size < 4;
    let c_range = if read_as_signed {
        i128::from(i64::MIN)..=i128::from(i64::MAX)
    } else {
        0..=i128::from(u64::MAX)
    };
    let i = i.filter(|i| c_range.contains(i)).ok_or(OUT)?;
    if (lo..=hi).contains(&i) {
        return Ok(i);
    }
    Err(match (code.size, signed) {
        (8, _) => OUT.to_string(),
        (1, true) => format!("byte format requires {lo} <= number <= {hi}"),
        (1, false) => format!("ubyte format requires {lo} <= number <= {hi}"),
        (2, true) => format!("short format requires {lo} <= number <= {hi}"),
        (2, false) => format!("ushort format requires {lo} <= number <= {hi}"),
        _ => format!("'{ch}' format requires {lo} <= number <= {hi}"),
    })
}

/// A float argument: a float of any width, an integer (rounded to nearest,
/// as Python's `float(int)`), or a bool.
fn float_arg(v: &Value) -> Result<f64, String> {
    let not_float = || "required argument is not a float".to_string();
    match v {
        Value::Float(f) => Ok(f.to_f64()),
        Value::Int(i) => Ok(*i as f64),
        Value::Bool(b) => Ok(f64::from(u8::from(*b))),
        Value::BigInt(b) => b.to_f64().filter(|x| x.is_finite()).ok_or_else(not_float),
        _ => Err(not_float()),
    }
}
