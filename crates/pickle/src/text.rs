//! The meaning of pickle arguments that are text or variable-length numbers,
//! as CPython's C unpickler reads them: decimal lines, `repr` floats, quoted
//! `STRING` literals, raw-unicode-escape, two's complement longs.

use num_bigint::{BigInt, Sign};

// CPython reads every text argument as a C string: a NUL ends it. The line
// given here is without its `\n`; `None` below means CPython raises.

/// An `INT` line, as `load_int` reads it: `strtol(s, &end, 0)` (so `010` is
/// octal and `0x10` hex), falling back to `int(s, 0)` when `strtol` stops
/// early or overflows. A two-character line that `strtol` reads as 0 or 1
/// (`01`, `00`, `+1`, ` 0`) is `False`/`True` (`Ok(Err(bool))`).
pub fn int_line(line: &[u8]) -> Option<Result<BigInt, bool>> {
    if line.is_empty() {
        return None; // CPython: "pickle data was truncated"
    }
    let s = c_str(line);
    if let Some(x) = strtol0(s) {
        return Some(match (line.len(), x) {
            (2, 0 | 1) => Err(x == 1),
            _ => Ok(x.into()),
        });
    }
    py_int(s, 0).map(Ok)
}

/// A `LONG` line, as `load_long` reads it: one trailing `L` dropped, then
/// `int(s, 0)`.
pub fn long_line(line: &[u8]) -> Option<BigInt> {
    if line.is_empty() {
        return None;
    }
    let line = line.strip_suffix(b"L").unwrap_or(line);
    py_int(c_str(line), 0)
}

/// A `GET`/`PUT` line: `int(s, 10)`, so leading zeros, a sign, whitespace
/// and underscores are all allowed. The sign is the caller's to judge
/// (`PUT` refuses a negative index, `GET` finds nothing there).
pub fn memo_key(line: &[u8]) -> Option<BigInt> {
    if line.is_empty() {
        return None;
    }
    py_int(c_str(line), 10)
}

/// [`memo_key`] as a `u64` (`None` for a negative or huge key), with a
/// fast path for the plain digits `pickle.dumps` writes.
pub fn memo_key_u64(line: &[u8]) -> Option<u64> {
    if !line.is_empty() && line.len() <= 19 && line.iter().all(u8::is_ascii_digit) {
        return line.iter().try_fold(0u64, |n, &d| {
            n.checked_mul(10)?.checked_add(u64::from(d - b'0'))
        });
    }
    memo_key(line).and_then(|n| u64::try_from(n).ok())
}

fn c_str(line: &[u8]) -> &[u8] {
    line.iter()
        .position(|&b| b == 0)
        .map_or(line, |nul| &line[..nul])
}

/// `Py_ISSPACE` and C's `isspace` in the C locale.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

fn sign(s: &[u8]) -> (bool, &[u8]) {
    match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    }
}

/// glibc's `strtol(s, &end, 0)` when it succeeds with `end` at the end of
/// `s`; `None` when it stops early, reads nothing, or overflows `long`.
fn strtol0(s: &[u8]) -> Option<i64> {
    let start = s.iter().position(|&b| !is_space(b)).unwrap_or(s.len());
    let (neg, body) = sign(&s[start..]);
    let (radix, digits) = match body {
        [b'0', b'x' | b'X', d, ..] if d.is_ascii_hexdigit() => (16, &body[2..]),
        [b'0', ..] => (8, body),
        _ => (10, body),
    };
    if digits.is_empty() {
        // No digits: `end` is `s` itself, which is the end only when `s` is
        // empty (a line holding nothing before a NUL reads as 0).
        return s.is_empty().then_some(0);
    }
    let mut x: i128 = 0;
    for &b in digits {
        let d = char::from(b).to_digit(radix)?;
        x = x * i128::from(radix) + i128::from(d);
        if x > i128::from(i64::MAX) + 1 {
            return None;
        }
    }
    let x = if neg { -x } else { x };
    i64::try_from(x).ok()
}

/// `PyLong_FromString(s, NULL, base)` for base 0 or 10: whitespace around,
/// a sign, for base 0 a `0x`/`0o`/`0b` prefix (and no other leading zero),
/// digits with single underscores between them.
fn py_int(s: &[u8], base: u32) -> Option<BigInt> {
    let a = s.iter().position(|&b| !is_space(b)).unwrap_or(s.len());
    let z = s.iter().rposition(|&b| !is_space(b)).map_or(a, |i| i + 1);
    let (neg, body) = sign(&s[a..z.max(a)]);
    let (radix, digits) = match (base, body) {
        (0, [b'0', p, rest @ ..]) if b"xXoObB".contains(p) => {
            let radix = match p.to_ascii_lowercase() {
                b'x' => 16,
                b'o' => 8,
                _ => 2,
            };
            (radix, rest.strip_prefix(b"_").unwrap_or(rest))
        }
        _ => (10, body),
    };
    if digits.is_empty() || digits.starts_with(b"_") || digits.ends_with(b"_") {
        return None;
    }
    if digits.windows(2).any(|w| w == b"__") {
        return None;
    }
    let clean: Vec<u8> = digits.iter().copied().filter(|&b| b != b'_').collect();
    if !clean.iter().all(|&b| char::from(b).is_digit(radix)) {
        return None;
    }
    // Base 0 forbids a leading zero in a decimal (`010` is not 8 or 10),
    // unless every digit is zero.
    if base == 0 && radix == 10 && clean[0] == b'0' && clean.iter().any(|&b| b != b'0') {
        return None;
    }
    let n = BigInt::parse_bytes(&clean, radix)?;
    Some(if neg { -n } else { n })
}

/// A `FLOAT` line (`repr(float)`, or `inf`/`nan` spellings). CPython raises
/// on a finite literal too large for a double, so that is `None` too.
pub fn float_line(line: &[u8]) -> Option<f64> {
    let s = std::str::from_utf8(c_str(line)).ok()?;
    let x: f64 = s.parse().ok()?;
    let spelled_infinite = s.to_ascii_lowercase().contains("inf");
    (!x.is_infinite() || spelled_infinite).then_some(x)
}

/// A `LONG1`/`LONG4` argument: little-endian two's complement.
pub fn long_bytes(b: &[u8]) -> BigInt {
    BigInt::from_signed_bytes_le(b)
}

/// The shortest little-endian two's complement of `n` (CPython's
/// `encode_long`; zero is empty).
pub fn to_long_bytes(n: &BigInt) -> Vec<u8> {
    if n.sign() == Sign::NoSign {
        return Vec::new();
    }
    n.to_signed_bytes_le()
}

/// A `STRING` argument: a quoted Python bytes literal with its escapes
/// decoded (`codecs.escape_decode`). `None` when not quoted or a `\x` escape
/// is malformed.
pub fn string_literal(line: &[u8]) -> Option<Vec<u8>> {
    let n = line.len();
    if n < 2 || line[0] != line[n - 1] || !matches!(line[0], b'\'' | b'"') {
        return None;
    }
    let b = &line[1..n - 1];
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            out.push(b[i]);
            i += 1;
            continue;
        }
        i += 1;
        let Some(&c) = b.get(i) else {
            return None; // "Trailing \ in string"
        };
        i += 1;
        match c {
            b'\n' => {}
            b'\\' | b'\'' | b'"' => out.push(c),
            b'a' => out.push(7),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'v' => out.push(11),
            b'0'..=b'7' => {
                let mut v = u32::from(c - b'0');
                for _ in 0..2 {
                    match b.get(i) {
                        Some(&d @ b'0'..=b'7') => {
                            v = v * 8 + u32::from(d - b'0');
                            i += 1;
                        }
                        _ => break,
                    }
                }
                out.push(v as u8);
            }
            b'x' => {
                let hex = std::str::from_utf8(b.get(i..i + 2)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            _ => {
                out.push(b'\\');
                out.push(c);
            }
        }
    }
    Some(out)
}

/// Python's raw-unicode-escape decoding: `\uXXXX` and `\UXXXXXXXX` escapes,
/// every other byte a Latin-1 code point. `None` on a malformed escape or a
/// code point Rust's `char` cannot hold (a lone surrogate).
pub fn raw_unicode_escape(b: &[u8]) -> Option<String> {
    let mut out = String::with_capacity(b.len());
    for c in raw_unicode_escape_points(b) {
        out.push(char::from_u32(c?)?);
    }
    Some(out)
}

/// [`raw_unicode_escape`] where a lone surrogate is kept, as CPython keeps
/// it, in the generalised UTF-8 of its code point (WTF-8): the scanner
/// needs the bytes, not a Rust string. `None` only where CPython raises.
pub fn raw_unicode_escape_wtf8(b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(b.len());
    for c in raw_unicode_escape_points(b) {
        let c = c?;
        match char::from_u32(c) {
            Some(ch) => out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes()),
            // 0xD800..=0xDFFF: three bytes, as UTF-8 would if it allowed them.
            None if (0xD800..=0xDFFF).contains(&c) => out.extend_from_slice(&[
                0xE0 | (c >> 12) as u8,
                0x80 | ((c >> 6) & 0x3F) as u8,
                0x80 | (c & 0x3F) as u8,
            ]),
            None => return None,
        }
    }
    Some(out)
}

/// Whether [`raw_unicode_escape_wtf8`] decodes `b`, without decoding it: the
/// scanner decodes a protocol 0 string only if something reads it.
pub fn raw_unicode_escape_valid(b: &[u8]) -> bool {
    raw_unicode_escape_points(b).all(|c| c.is_some())
}

/// The code points of a raw-unicode-escape line; an `Err`-like `None` item
/// where an escape is malformed.
fn raw_unicode_escape_points(b: &[u8]) -> impl Iterator<Item = Option<u32>> + '_ {
    let mut i = 0;
    let mut failed = false;
    std::iter::from_fn(move || {
        if failed || i >= b.len() {
            return None;
        }
        if b[i] == b'\\' {
            let n = match b.get(i + 1) {
                Some(b'u') => 4,
                Some(b'U') => 8,
                _ => {
                    i += 1;
                    return Some(Some(u32::from(b'\\')));
                }
            };
            let point = b
                .get(i + 2..i + 2 + n)
                .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
                .and_then(|h| u32::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok())
                .filter(|&c| c <= 0x10FFFF);
            failed = point.is_none();
            i += 2 + n;
            Some(point)
        } else {
            i += 1;
            Some(Some(u32::from(b[i - 1])))
        }
    })
}

/// A `\` in raw-unicode-escape followed by `u`/`U`: the screen (which mirrors
/// serde-pickle) treats any other backslash as malformed, CPython does not.
pub fn has_bare_backslash(b: &[u8]) -> bool {
    b.windows(2)
        .any(|w| w[0] == b'\\' && !matches!(w[1], b'u' | b'U'))
        || b.last() == Some(&b'\\')
}

/// Bytes that are valid UTF-8 once encoded surrogates (`ED A0..BF xx`, what
/// Python's `surrogatepass` writes) are allowed.
pub fn is_surrogate_utf8(b: &[u8]) -> bool {
    let mut rest = b;
    loop {
        match std::str::from_utf8(rest) {
            Ok(_) => return true,
            Err(e) => {
                let i = e.valid_up_to();
                match rest.get(i..i + 3) {
                    Some([0xed, 0xa0..=0xbf, 0x80..=0xbf]) => rest = &rest[i + 3..],
                    _ => return false,
                }
            }
        }
    }
}

/// `UNICODE`'s argument for `s` as CPython's pickler writes it:
/// raw-unicode-escape, with `\`, NUL, `\n`, `\r` and `\x1a` escaped too.
pub fn raw_unicode_escape_encode(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    for c in s.chars() {
        let n = u32::from(c);
        if n >= 0x10000 {
            out.extend(format!("\\U{n:08x}").bytes());
        } else if n >= 0x100 || matches!(c, '\\' | '\0' | '\n' | '\r' | '\x1a') {
            out.extend(format!("\\u{n:04x}").bytes());
        } else {
            out.push(n as u8);
        }
    }
    out
}

/// Python's `repr(float)`: the shortest round-tripping digits, positional
/// for decimal exponents -4 ≤ e < 16, else scientific with a signed,
/// two-digit-minimum exponent.
pub fn float_repr(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.into();
    }
    // Rust's `{:e}` gives the shortest round-tripping digits: "d.ddde-5".
    let sci = format!("{:e}", x.abs());
    let (mantissa, exp) = sci.split_once('e').expect("{:e} has an exponent");
    let exp: i32 = exp.parse().expect("decimal exponent");
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let sign = if x.is_sign_negative() { "-" } else { "" };
    let decpt = exp + 1;
    let body = if (-4 < decpt) && (decpt <= 16) {
        let n = digits.len() as i32;
        if decpt <= 0 {
            format!("0.{}{digits}", "0".repeat((-decpt) as usize))
        } else if decpt >= n {
            format!("{digits}{}.0", "0".repeat((decpt - n) as usize))
        } else {
            format!(
                "{}.{}",
                &digits[..decpt as usize],
                &digits[decpt as usize..]
            )
        }
    } else {
        let rest = &digits[1..];
        let m = if rest.is_empty() {
            digits[..1].to_string()
        } else {
            format!("{}.{rest}", &digits[..1])
        };
        let esign = if exp < 0 { '-' } else { '+' };
        format!("{m}e{esign}{:02}", exp.abs())
    };
    format!("{sign}{body}")
}

#[cfg(test)]
mod tests {
    /// The validator agrees with the decoder on every string of a small
    /// alphabet of escapes, up to length 7, and on long escapes.
    #[test]
    fn raw_unicode_escape_valid_is_the_decoder_succeeding() {
        let alphabet = [b'\\', b'u', b'U', b'0', b'1', b'f', b'x'];
        let mut checked = 0;
        for len in 0..=7u32 {
            for n in 0..alphabet.len().pow(len) {
                let mut k = n;
                let s: Vec<u8> = (0..len)
                    .map(|_| {
                        let c = alphabet[k % alphabet.len()];
                        k /= alphabet.len();
                        c
                    })
                    .collect();
                assert_eq!(
                    super::raw_unicode_escape_valid(&s),
                    super::raw_unicode_escape_wtf8(&s).is_some(),
                    "{}",
                    String::from_utf8_lossy(&s)
                );
                checked += 1;
            }
        }
        for s in [
            &b"\\U0010ffff"[..],
            b"\\U00110000",
            b"\\ud800x",
            b"a\\u00e9\\U0001F600",
        ] {
            assert_eq!(
                super::raw_unicode_escape_valid(s),
                super::raw_unicode_escape_wtf8(s).is_some()
            );
        }
        assert!(checked > 900_000);
    }
}
