//! The format language: a format string parsed into a [`Layout`], sizes and
//! offsets computed as CPython 3.11 on x86-64 Linux does (`Modules/_struct.c`,
//! `prepare_s`).
//!
//! Repeat counts are kept as runs (`1000000000b` is one item), never expanded:
//! a layout's memory is linear in the format string, whatever size it names.

use crate::{StructError, StructErrorKind};

/// The byte-order prefix (the first character only, as in CPython).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ByteOrder {
    /// `@` (or none): native order, native sizes, native alignment.
    Native,
    /// `=`: native order, standard sizes, no alignment.
    NativeStandard,
    /// `<`
    Little,
    /// `>` and `!`
    Big,
}

impl ByteOrder {
    pub fn is_native(self) -> bool {
        self == ByteOrder::Native
    }

    /// x86-64 is little-endian, so only `>`/`!` write big-endian.
    pub fn is_big(self) -> bool {
        self == ByteOrder::Big
    }
}

/// One format code and what it means in the layout's byte order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Code {
    pub ch: u8,
    /// Bytes per item (for `s`/`p` per byte: the run's count is the length).
    pub size: usize,
    /// Native alignment (1 in standard modes).
    pub align: usize,
    pub kind: Kind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Pad,
    Char,
    Bool,
    /// A signed integer of `Code::size` bytes.
    Signed,
    Unsigned,
    /// `P`: accepts `i64::MIN..=u64::MAX`, reads back unsigned.
    Pointer,
    Half,
    Float,
    Double,
    /// `s`: exactly `count` bytes.
    Bytes,
    /// `p`: a length byte then up to `count - 1` bytes.
    Pascal,
}

impl Code {
    fn lookup(ch: u8, order: ByteOrder) -> Option<Code> {
        let native = order.is_native();
        let (size, kind) = match ch {
            b'x' => (1, Kind::Pad),
            b'c' => (1, Kind::Char),
            b'?' => (1, Kind::Bool),
            b'b' => (1, Kind::Signed),
            b'B' => (1, Kind::Unsigned),
            b'h' => (2, Kind::Signed),
            b'H' => (2, Kind::Unsigned),
            b'i' => (4, Kind::Signed),
            b'I' => (4, Kind::Unsigned),
            b'l' => (if native { 8 } else { 4 }, Kind::Signed),
            b'L' => (if native { 8 } else { 4 }, Kind::Unsigned),
            b'q' => (8, Kind::Signed),
            b'Q' => (8, Kind::Unsigned),
            b'n' if native => (8, Kind::Signed),
            b'N' if native => (8, Kind::Unsigned),
            b'P' if native => (8, Kind::Pointer),
            b'e' => (2, Kind::Half),
            b'f' => (4, Kind::Float),
            b'd' => (8, Kind::Double),
            b's' => (1, Kind::Bytes),
            b'p' => (1, Kind::Pascal),
            _ => return None,
        };
        let align = if native { size } else { 1 };
        Some(Code {
            ch,
            size,
            align,
            kind,
        })
    }

    /// True for codes that take or give one value per item.
    pub fn has_value(self) -> bool {
        self.kind != Kind::Pad
    }

    /// `s` and `p`: the count is a length, the run is one field.
    pub fn is_string(self) -> bool {
        matches!(self.kind, Kind::Bytes | Kind::Pascal)
    }
}

/// A run of one code: `count` items (or one string of `count` bytes) at `offset`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Item {
    pub code: Code,
    pub count: usize,
    pub offset: usize,
}

impl Item {
    /// How many values the run takes or gives.
    pub fn fields(&self) -> usize {
        match () {
            _ if !self.code.has_value() => 0,
            _ if self.code.is_string() => 1,
            _ => self.count,
        }
    }

    /// Bytes the run covers.
    pub fn len(&self) -> usize {
        self.count * self.code.size
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A parsed format string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    pub format: String,
    pub order: ByteOrder,
    pub items: Vec<Item>,
    /// `calcsize`.
    pub size: usize,
    /// Values `pack` takes and `unpack` gives.
    pub fields: usize,
}

/// CPython's `Py_ssize_t` bound on a struct's size.
const MAX_SIZE: usize = isize::MAX as usize;

fn is_space(c: u8) -> bool {
    // Python's `isspace` on an ASCII byte.
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

impl Layout {
    pub fn parse(format: &str) -> Result<Layout, StructError> {
        let bad = |msg: &str, at: usize| {
            StructError::new(
                StructErrorKind::Format,
                format!("{msg} (format {format:?}, offset {at})"),
            )
        };
        let s = format.as_bytes();
        if let Some(at) = s.iter().position(|c| !c.is_ascii()) {
            return Err(bad("non-ASCII character in struct format", at));
        }
        if let Some(at) = s.iter().position(|&c| c == 0) {
            return Err(bad("embedded null character", at));
        }
        let (order, mut i) = match s.first() {
            Some(b'@') => (ByteOrder::Native, 1),
            Some(b'=') => (ByteOrder::NativeStandard, 1),
            Some(b'<') => (ByteOrder::Little, 1),
            Some(b'>' | b'!') => (ByteOrder::Big, 1),
            _ => (ByteOrder::Native, 0),
        };
        let too_long = |at: usize| bad("total struct size too long", at);
        let mut items = Vec::new();
        let mut size = 0usize;
        let mut fields = 0usize;
        while i < s.len() {
            let start = i;
            if is_space(s[i]) {
                i += 1;
                continue;
            }
            let mut count = 1usize;
            if s[i].is_ascii_digit() {
                count = 0;
                while i < s.len() && s[i].is_ascii_digit() {
                    let d = usize::from(s[i] - b'0');
                    if count > (MAX_SIZE - d) / 10 {
                        return Err(too_long(start));
                    }
                    count = count * 10 + d;
                    i += 1;
                }
                if i == s.len() {
                    return Err(bad("repeat count given without format specifier", start));
                }
            }
            let ch = s[i];
            let Some(code) = Code::lookup(ch, order) else {
                let what = format!("{:?}", ch as char);
                return Err(bad(&format!("bad char in struct format: {what}"), i));
            };
            i += 1;
            // Native alignment pads before every run, even an empty one (`0l`).
            let pad = (code.align - size % code.align) % code.align;
            // The padding alone can carry a size already at the limit past it
            // (`@9223372036854775807bq`), which CPython refuses.
            size = size
                .checked_add(pad)
                .filter(|n| *n <= MAX_SIZE)
                .ok_or_else(|| too_long(start))?;
            let len = count
                .checked_mul(code.size)
                .filter(|n| *n <= MAX_SIZE - size)
                .ok_or_else(|| too_long(start))?;
            let item = Item {
                code,
                count,
                offset: size,
            };
            size += len;
            fields += item.fields();
            items.push(item);
        }
        Ok(Layout {
            format: format.to_string(),
            order,
            items,
            size,
            fields,
        })
    }

    /// Every field's code, in order, with its byte offset and byte count
    /// (the length for `s`/`p`, else 1 item); runs expanded lazily, so a
    /// huge count costs nothing until walked.
    pub fn field_codes(&self) -> Fields<'_> {
        Fields {
            items: &self.items,
            next_in_run: 0,
        }
    }
}

/// The iterator of [`Layout::field_codes`]: `(code, offset, count)`.
pub struct Fields<'a> {
    items: &'a [Item],
    /// The index of the next field within `items[0]`.
    next_in_run: usize,
}

impl Iterator for Fields<'_> {
    type Item = (Code, usize, usize);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let it = self.items.first()?;
            if self.next_in_run < it.fields() {
                let k = self.next_in_run;
                self.next_in_run += 1;
                return Some(if it.code.is_string() {
                    (it.code, it.offset, it.count)
                } else {
                    (it.code, it.offset + k * it.code.size, 1)
                });
            }
            self.items = &self.items[1..];
            self.next_in_run = 0;
        }
    }
}

/// `struct.calcsize`.
pub fn calcsize(format: &str) -> Result<usize, StructError> {
    Ok(Layout::parse(format)?.size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_past_the_size_limit_is_too_long() {
        // Found by struct_format (the coverage replay's debug build caught
        // the subtraction overflow): a run that reaches isize::MAX, then
        // an item whose alignment pads past it. CPython 3.11:
        // struct.error: total struct size too long.
        for format in ["@9223372036854775807bq", "@9223372036854775807bqhl"] {
            let e = calcsize(format).expect_err(format);
            assert!(e.to_string().contains("total struct size too long"), "{e}");
        }
        // At the limit exactly, with nothing to pad, it still parses.
        assert_eq!(calcsize("@9223372036854775807b"), Ok(isize::MAX as usize));
    }
}
