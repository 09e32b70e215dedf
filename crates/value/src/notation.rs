//! `Value` <-> CBOR diagnostic notation (RFC 8949 §8), with the EDN
//! extensions (draft-ietf-cbor-edn-literals) crossfmt needs to be lossless.
//!
//! Why hand-written rather than the `cbor-diag` crate: its data model cannot
//! carry a NaN payload or a float's width exactly, nor our Python and
//! MessagePack variants, and its parser disclaims a stable grammar. The corpus
//! is stored in this notation, so a file must mean the same value forever and
//! `parse(print(v)) == v` must hold bit for bit; that is only checkable when we
//! own both directions.
//!
//! # Spelling
//!
//! | Value | printed as | also accepted on parse |
//! |---|---|---|
//! | `Null`, `Bool` | `null`, `true`, `false` | |
//! | `Simple(23)` | `undefined` | `simple(23)` |
//! | `Simple(n)` | `simple(n)` | (`simple(20)`..`simple(22)` stay `Simple`, so even those out-of-model values round-trip) |
//! | `Int`, `BigInt` | decimal, any size | `0x1f`, `-0x1f`, `0o17`, `0b101`; `2(h'..')` = n, `3(h'..')` = -1-n |
//! | f64 | `1.5`, `1.0`, `-0.0`, `1e-7`, `NaN`, `Infinity`, `-Infinity` | suffix `_3` |
//! | f32 | `1.5_2`, `NaN_2`, `Infinity_2` | |
//! | f16 | `1.5_1`, `NaN_1`, `-Infinity_1` | |
//! | NaN with sign/signalling/payload | `float'7e01'`, `float'7f800001'`, `float'7ff8000000000001'` (big-endian bits; 4/8/16 hex digits fix the width) | `float'..'` for any bits, not only NaN |
//! | `Text` | `"..."`, JSON escapes; control, DEL, C1, bidi/zero-width format chars, U+2028/9, BOM and noncharacters escaped as `\uXXXX` (surrogate pair above U+FFFF) | `\/`; raw control characters |
//! | `Bytes` | `h'00ff'` | upper case and whitespace in `h'..'`, `b64'..'` (standard or URL-safe, padding optional), `'text'` (UTF-8 of the text) |
//! | `Array`, `Map` | `[1, 2]`, `{1: 2, "a": 3}` (order and duplicates kept) | `[_ ..]`, `{_ ..}` (indefinite, read as definite) |
//! | `Tag(n, v)` | `n(v)`, any u64 n | |
//! | `Tuple` | `65300([..])` | |
//! | `Set` | `258([..])` | |
//! | `FrozenSet` | `65301([..])` | |
//! | `Ext(t, d)` | `65302([t, h'..'])`, t in i8 | (other content under 65302 is a plain tag) |
//! | | | `(_ h'01', h'02')`, `(_ "a", "b")`: indefinite strings, concatenated |
//!
//! A float literal always has a `.` or an exponent, so it never reads as an
//! integer. Floats print as the shortest decimal that parses back to the same
//! bits at their width. Decimal literals are rounded correctly (ties to even)
//! at the width their suffix names; a finite literal that overflows that width
//! is an error rather than silently becoming infinity.
//!
//! Whitespace, `# to end of line` comments and `/ EDN comments /` may appear
//! wherever whitespace may. Trailing commas are rejected. Not supported (they
//! are errors): integer encoding indicators (`1_0`; the model keeps no integer
//! widths), hex floats, string concatenation, application prefixes other than
//! `h`, `b64` and `float`.
//!
//! Nesting is limited to [`MAX_DEPTH`] so that hostile input cannot overflow
//! the stack; levels are counted as [`Value::depth`] counts them (an array
//! directly under a tag shares the tag's level, as tuples and sets print), so
//! every well-formed value with `depth() <= MAX_DEPTH` round-trips and a
//! container opened deeper than that is an error.

use crate::value::{tags, Float, FloatWidth, Value, UNDEFINED};
use num_bigint::BigInt;
use std::cmp::Ordering;
use std::fmt::{self, Write as _};

/// Deepest level at which [`parse`] accepts a container (array, map, tag,
/// indefinite string); levels count as [`Value::depth`] counts them (the
/// top is 1, and an array directly under a tag is at the tag's level).
///
/// The parser recurses: at this depth it needs about 1.5 MiB of stack in a
/// debug build (measured, tuples being the worst case) and under 0.5 MiB
/// in release, so it fits a default 2 MiB test thread.
pub const MAX_DEPTH: usize = 512;

/// Length of [`print_short`]'s output in characters, ellipsis included.
const SHORT_CHARS: usize = 60;

/// Line width [`print_pretty`] tries to stay within.
const PRETTY_WIDTH: usize = 80;

#[derive(Debug, Clone, PartialEq, Eq)]
/// Why text is not a value, and where.
pub struct ParseError {
    /// Byte offset into the parsed text.
    pub offset: usize,
    /// What was expected or wrong.
    pub message: String,
}

impl ParseError {
    /// 1-based line and column (in characters) of the error in `text`, the
    /// text it came from, for messages about corpus files.
    pub fn line_col(&self, text: &str) -> (usize, usize) {
        let before = &text[..floor_char_boundary(text, self.offset)];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        (line, col)
    }
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "at byte {}: {}", self.offset, self.message)
    }
}
impl std::error::Error for ParseError {}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

// ---------------------------------------------------------------------------
// Printing

/// The compact one-line form, e.g. `{1: h'00ff', "a": [1.5, NaN, -Infinity]}`.
pub fn print(v: &Value) -> String {
    let mut p = Printer::new(usize::MAX);
    p.value(v);
    p.out
}

/// [`print()`] cut to about 60 characters with "…", for messages. Stops
/// printing early, so it is cheap on huge values.
pub fn print_short(v: &Value) -> String {
    // 4 bytes per char at most: past this many bytes there are enough chars.
    let mut p = Printer::new(SHORT_CHARS * 4);
    p.value(v);
    if p.out.chars().count() <= SHORT_CHARS {
        return p.out;
    }
    let mut s: String = p.out.chars().take(SHORT_CHARS - 1).collect();
    s.push('…');
    s
}

/// A multi-line, indented form for people: containers that fit in 80 columns
/// stay on one line, others put one element per line. Parses back to `v`.
pub fn print_pretty(v: &Value) -> String {
    let mut out = String::new();
    pretty(v, 0, &mut out);
    out
}

/// Writes the compact form, giving up once the output passes `limit` bytes so
/// that "does it fit" and "the first 60 chars" questions cost O(limit).
struct Printer {
    out: String,
    limit: usize,
}

impl Printer {
    fn new(limit: usize) -> Self {
        Printer {
            out: String::new(),
            limit,
        }
    }

    fn full(&self) -> bool {
        self.out.len() > self.limit
    }

    fn value(&mut self, v: &Value) {
        if self.full() {
            return;
        }
        match v {
            Value::Null => self.out.push_str("null"),
            Value::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            Value::Simple(UNDEFINED) => self.out.push_str("undefined"),
            Value::Simple(n) => {
                let _ = write!(self.out, "simple({n})");
            }
            Value::Int(i) => {
                let _ = write!(self.out, "{i}");
            }
            Value::BigInt(b) => {
                let _ = write!(self.out, "{b}");
            }
            Value::Float(f) => self.out.push_str(&float_text(*f)),
            Value::Text(s) => self.text(s),
            Value::Bytes(b) => self.bytes(b),
            Value::Array(xs) => self.seq(xs),
            Value::Map(kvs) => {
                self.out.push('{');
                for (i, (k, v)) in kvs.iter().enumerate() {
                    if self.full() {
                        return;
                    }
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    self.value(k);
                    self.out.push_str(": ");
                    self.value(v);
                }
                self.out.push('}');
            }
            Value::Tag(t, inner) => {
                let _ = write!(self.out, "{t}(");
                self.value(inner);
                self.out.push(')');
            }
            Value::Ext(t, data) => {
                let _ = write!(self.out, "{}([{t}, ", tags::EXT);
                self.bytes(data);
                self.out.push_str("])");
            }
            Value::Tuple(xs) => self.tagged_seq(tags::TUPLE, xs),
            Value::Set(xs) => self.tagged_seq(tags::SET, xs),
            Value::FrozenSet(xs) => self.tagged_seq(tags::FROZENSET, xs),
        }
    }

    fn seq(&mut self, xs: &[Value]) {
        self.out.push('[');
        for (i, x) in xs.iter().enumerate() {
            if self.full() {
                return;
            }
            if i > 0 {
                self.out.push_str(", ");
            }
            self.value(x);
        }
        self.out.push(']');
    }

    fn tagged_seq(&mut self, tag: u64, xs: &[Value]) {
        let _ = write!(self.out, "{tag}(");
        self.seq(xs);
        self.out.push(')');
    }

    fn bytes(&mut self, b: &[u8]) {
        self.out.push_str("h'");
        for chunk in b.chunks(64) {
            if self.full() {
                return;
            }
            for byte in chunk {
                let _ = write!(self.out, "{byte:02x}");
            }
        }
        self.out.push('\'');
    }

    fn text(&mut self, s: &str) {
        self.out.push('"');
        let mut run = 0; // start of the pending run of unescaped chars
        for (i, c) in s.char_indices() {
            if self.out.len() + (i - run) > self.limit {
                self.out.push_str(&s[run..i]);
                return;
            }
            if needs_escape(c) {
                self.out.push_str(&s[run..i]);
                escape_into(c, &mut self.out);
                run = i + c.len_utf8();
            }
        }
        self.out.push_str(&s[run..]);
        self.out.push('"');
    }
}

/// Characters printed as escapes: those that are invisible, break the line or
/// reorder the display (a finding's value must read unambiguously).
fn needs_escape(c: char) -> bool {
    let cp = c as u32;
    c < ' '
        || c == '"'
        || c == '\\'
        || (0x7f..=0x9f).contains(&cp)
        || matches!(cp, 0x200b..=0x200f | 0x2028..=0x202e | 0x2060..=0x2064 | 0x2066..=0x2069 | 0xfeff)
        || (0xfdd0..=0xfdef).contains(&cp)
        || cp & 0xfffe == 0xfffe
}

fn escape_into(c: char, out: &mut String) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        _ => {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{u:04x}");
            }
        }
    }
}

fn float_hex(f: Float) -> String {
    match f {
        Float::F16(b) => format!("float'{b:04x}'"),
        Float::F32(b) => format!("float'{b:08x}'"),
        Float::F64(b) => format!("float'{b:016x}'"),
    }
}

fn float_text(f: Float) -> String {
    let suffix = match f.width() {
        FloatWidth::F16 => "_1",
        FloatWidth::F32 => "_2",
        FloatWidth::F64 => "",
    };
    if f.is_nan() {
        return if f.is_nan_with_payload() {
            float_hex(f)
        } else {
            format!("NaN{suffix}")
        };
    }
    let x = f.to_f64();
    if x.is_infinite() {
        let sign = if x < 0.0 { "-" } else { "" };
        return format!("{sign}Infinity{suffix}");
    }
    // Rust's `{:?}` is the shortest round-tripping decimal for f32 and f64;
    // f16 has no such formatter, so search the few precisions it needs.
    let decimal = match f {
        Float::F64(b) => Some(format!("{:?}", f64::from_bits(b))),
        Float::F32(b) => Some(format!("{:?}", f32::from_bits(b))),
        Float::F16(b) => shortest_f16(b),
    };
    // The check makes the bijection not depend on formatter details; the
    // fallback spelling is exact by construction.
    match decimal {
        Some(d) if is_float_literal(&d) && decimal_to_float(&d, f.width()) == Some(f) => {
            format!("{d}{suffix}")
        }
        _ => float_hex(f),
    }
}

fn is_float_literal(s: &str) -> bool {
    s.contains(['.', 'e', 'E'])
}

fn shortest_f16(bits: u16) -> Option<String> {
    let x = Float::F16(bits).to_f64();
    if x == 0.0 {
        return Some(if bits & 0x8000 != 0 { "-0.0" } else { "0.0" }.to_string());
    }
    // binary16 needs at most 5 significant digits to round-trip.
    (0..5).find_map(|prec| {
        let s = plain_decimal(&format!("{x:.prec$e}"));
        (decimal_to_float(&s, FloatWidth::F16) == Some(Float::F16(bits))).then_some(s)
    })
}

/// Rewrites Rust's `d.ddde-5` as `{:?}` would print an f64 of that value:
/// positional for exponents -4..16, scientific otherwise, always with a `.`
/// or an `e`.
fn plain_decimal(sci: &str) -> String {
    let (neg, rest) = match sci.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, sci),
    };
    let (mant, exp) = rest.split_once('e').unwrap_or((rest, "0"));
    let exp: i64 = exp.parse().unwrap_or(0);
    let digits: String = mant.chars().filter(|c| *c != '.').collect();
    let digits = digits.trim_end_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    let mut out = String::from(if neg { "-" } else { "" });
    if (-4..16).contains(&exp) {
        if exp >= 0 {
            let int_len = exp as usize + 1;
            if digits.len() <= int_len {
                out.push_str(digits);
                out.push_str(&"0".repeat(int_len - digits.len()));
                out.push_str(".0");
            } else {
                out.push_str(&digits[..int_len]);
                out.push('.');
                out.push_str(&digits[int_len..]);
            }
        } else {
            out.push_str("0.");
            out.push_str(&"0".repeat((-exp - 1) as usize));
            out.push_str(digits);
        }
    } else {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let _ = write!(out, "e{exp}");
    }
    out
}

fn pretty(v: &Value, indent: usize, out: &mut String) {
    let col = out.len() - out.rfind('\n').map_or(0, |i| i + 1);
    let mut p = Printer::new(PRETTY_WIDTH.saturating_sub(col));
    p.value(v);
    if !p.full() {
        out.push_str(&p.out);
        return;
    }
    let items = |xs: &[Value], out: &mut String| {
        block(out, indent, '[', xs.len(), ']', |i, out| {
            pretty(&xs[i], indent + 2, out)
        })
    };
    match v {
        Value::Array(xs) => items(xs, out),
        Value::Map(kvs) => block(out, indent, '{', kvs.len(), '}', |i, out| {
            pretty(&kvs[i].0, indent + 2, out);
            out.push_str(": ");
            pretty(&kvs[i].1, indent + 2, out);
        }),
        Value::Tag(t, inner) => {
            let _ = write!(out, "{t}(");
            pretty(inner, indent, out);
            out.push(')');
        }
        Value::Tuple(xs) | Value::Set(xs) | Value::FrozenSet(xs) => {
            let tag = match v {
                Value::Tuple(_) => tags::TUPLE,
                Value::Set(_) => tags::SET,
                _ => tags::FROZENSET,
            };
            let _ = write!(out, "{tag}(");
            items(xs, out);
            out.push(')');
        }
        // Scalars (and ext, a scalar in all but spelling) do not break.
        _ => out.push_str(&print(v)),
    }
}

fn block(
    out: &mut String,
    indent: usize,
    open: char,
    n: usize,
    close: char,
    mut item: impl FnMut(usize, &mut String),
) {
    out.push(open);
    out.push('\n');
    for i in 0..n {
        out.push_str(&" ".repeat(indent + 2));
        item(i, out);
        if i + 1 < n {
            out.push(',');
        }
        out.push('\n');
    }
    out.push_str(&" ".repeat(indent));
    out.push(close);
}

// ---------------------------------------------------------------------------
// Floats from decimal literals

/// The float a decimal literal (`-?\d+(\.\d+)?([eE][+-]?\d+)?`) denotes at
/// width `w`, correctly rounded; `None` when a finite literal overflows.
fn decimal_to_float(lit: &str, w: FloatWidth) -> Option<Float> {
    match w {
        FloatWidth::F64 => {
            let x: f64 = lit.parse().ok()?;
            x.is_finite().then(|| Float::from_f64(x))
        }
        FloatWidth::F32 => {
            let x: f32 = lit.parse().ok()?;
            x.is_finite().then(|| Float::from_f32(x))
        }
        FloatWidth::F16 => {
            let x: f64 = lit.parse().ok()?;
            if !x.is_finite() {
                return None;
            }
            f64_to_f16(x, || cmp_decimal_magnitude(lit, x)).map(Float::F16)
        }
    }
}

/// Rounds `x` to f16, ties to even, or `None` on overflow.
///
/// `half::f16::from_f64` is not used: it ignores the low 32 mantissa bits when
/// rounding and on x86 goes through f32, so it can round twice. Rounding a
/// decimal to f64 and then to f16 is still a double rounding, but it can only
/// go wrong when the f64 lands exactly on an f16 midpoint; then `tie` tells
/// how the original literal compares with `x`, and breaks the tie exactly.
fn f64_to_f16(x: f64, tie: impl FnOnce() -> Ordering) -> Option<u16> {
    let sign: u16 = if x.is_sign_negative() { 0x8000 } else { 0 };
    let a = x.abs();
    let pow2 = |k: i32| f64::from_bits(((k + 1023) as u64) << 52);
    // Binary exponent of a, clamped to f16's subnormal range, where the
    // quantum stops shrinking.
    let e = if a < pow2(-14) {
        -14
    } else {
        ((a.to_bits() >> 52) & 0x7ff) as i32 - 1023
    };
    let n = a / pow2(e - 10); // exact: a scaling by a power of two
    let floor = n.floor();
    let up = match (n - floor).partial_cmp(&0.5).expect("finite") {
        Ordering::Less => false,
        Ordering::Greater => true,
        Ordering::Equal => match tie() {
            Ordering::Less => false,
            Ordering::Greater => true,
            Ordering::Equal => floor % 2.0 != 0.0,
        },
    };
    let mut n = floor as u32 + u32::from(up);
    let mut e = e;
    if n == 2048 {
        n = 1024;
        e += 1;
    }
    if e > 15 {
        return None;
    }
    let bits = if n < 1024 {
        n as u16 // subnormal (only reachable with e == -14)
    } else {
        (((e + 15) as u16) << 10) | (n - 1024) as u16
    };
    Some(sign | bits)
}

/// Compares |literal| with |x| exactly (x is an f16 midpoint, so its decimal
/// expansion is short and `{:.60e}` is exact).
fn cmp_decimal_magnitude(lit: &str, x: f64) -> Ordering {
    normal_decimal(lit).cmp(&normal_decimal(&format!("{:.60e}", x.abs())))
}

/// (is nonzero, decimal exponent of the first digit, significant digits with
/// trailing zeros removed): ordered like the magnitudes.
fn normal_decimal(s: &str) -> (bool, i64, String) {
    let s = s.trim_start_matches('-');
    let (mant, exp) = s.split_once(['e', 'E']).unwrap_or((s, "0"));
    let exp: i64 = exp.parse().unwrap_or(if exp.starts_with('-') {
        i64::MIN / 4
    } else {
        i64::MAX / 4
    });
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    let digits = format!("{int}{frac}");
    let lead = digits.bytes().take_while(|&b| b == b'0').count();
    let sig = digits[lead..].trim_end_matches('0');
    if sig.is_empty() {
        return (false, 0, String::new());
    }
    (
        true,
        int.len() as i64 - 1 - lead as i64 + exp,
        sig.to_string(),
    )
}

// ---------------------------------------------------------------------------
// Parsing

/// Parses one value, with whitespace and comments around and inside it.
pub fn parse(text: &str) -> Result<Value, ParseError> {
    let mut p = Parser { s: text, pos: 0 };
    let v = p.value(1)?;
    p.skip_ws()?;
    if p.pos < text.len() {
        return Err(p.expected("end of input after the value"));
    }
    Ok(v)
}

/// [`parse`] for the contents of a corpus file: as `parse`, and a leading
/// byte-order mark is skipped. Offsets stay relative to `text`.
pub fn parse_file_text(text: &str) -> Result<Value, ParseError> {
    match text.strip_prefix('\u{feff}') {
        Some(rest) => parse(rest).map_err(|e| ParseError {
            offset: e.offset + '\u{feff}'.len_utf8(),
            ..e
        }),
        None => parse(text),
    }
}

struct Parser<'a> {
    s: &'a str,
    pos: usize,
}

type PResult<T> = Result<T, ParseError>;

/// What a token that does not open a container yields: a value, or a tag
/// number whose `(` (at the offset given) the caller parses, so that the
/// recursion stays in the small frames.
enum Scalar {
    Value(Value),
    Tag(u64, usize),
}

impl<'a> Parser<'a> {
    fn bytes(&self) -> &'a [u8] {
        self.s.as_bytes()
    }

    fn peek(&self) -> Option<u8> {
        self.bytes().get(self.pos).copied()
    }

    fn peek_at(&self, i: usize) -> Option<u8> {
        self.bytes().get(i).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        let hit = self.peek() == Some(b);
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn err(&self, offset: usize, message: impl Into<String>) -> ParseError {
        ParseError {
            offset,
            message: message.into(),
        }
    }

    /// "expected X, found Y" at the current position.
    fn expected(&self, what: &str) -> ParseError {
        self.err(
            self.pos,
            format!("expected {what}, found {}", self.found(self.pos)),
        )
    }

    fn found(&self, at: usize) -> String {
        let rest = &self.s[at.min(self.s.len())..];
        let Some(c) = rest.chars().next() else {
            return "end of input".into();
        };
        if c.is_ascii_alphanumeric() || c == '_' {
            let word: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .take(24)
                .collect();
            format!("`{word}`")
        } else {
            format!("`{}`", c.escape_debug())
        }
    }

    fn skip_ws(&mut self) -> PResult<()> {
        while let Some(b) = self.peek() {
            match b {
                b' ' | b'\t' | b'\n' | b'\r' => self.pos += 1,
                b'#' => {
                    self.pos = match self.s[self.pos..].find('\n') {
                        Some(i) => self.pos + i + 1,
                        None => self.s.len(),
                    }
                }
                b'/' => match self.s[self.pos + 1..].find('/') {
                    Some(i) => self.pos += i + 2,
                    None => {
                        return Err(self.err(self.pos, "unterminated `/` comment: no closing `/`"))
                    }
                },
                _ => break,
            }
        }
        Ok(())
    }

    /// One value at nesting level `depth` (the top is 1), counted as
    /// `Value::depth` counts so that the limit means the same thing.
    fn value(&mut self, depth: usize) -> PResult<Value> {
        self.skip_ws()?;
        // Only containers recurse; everything else is in `scalar`, out of
        // line, so that the recursive frames stay small (a debug build must
        // reach MAX_DEPTH on a 2 MiB test thread).
        match self.peek() {
            Some(b'[') => {
                self.open(depth, self.pos)?;
                self.array(depth)
            }
            Some(b'{') => {
                self.open(depth, self.pos)?;
                self.map(depth)
            }
            Some(b'(') => {
                self.open(depth, self.pos)?;
                self.indefinite_string(depth)
            }
            _ => match self.scalar()? {
                Scalar::Value(v) => Ok(v),
                Scalar::Tag(t, start) => self.tag(t, start, depth),
            },
        }
    }

    #[inline(never)]
    fn scalar(&mut self) -> PResult<Scalar> {
        match self.peek() {
            Some(b'"') => self.quoted(b'"').map(|s| Scalar::Value(Value::Text(s))),
            Some(b'\'') => self
                .quoted(b'\'')
                .map(|s| Scalar::Value(Value::Bytes(s.into_bytes()))),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b) if b.is_ascii_alphabetic() => self.word().map(Scalar::Value),
            _ => Err(self.expected("a value")),
        }
    }

    /// `t(content)`, the position at `(`.
    fn tag(&mut self, t: u64, start: usize, depth: usize) -> PResult<Value> {
        self.open(depth, start)?;
        self.pos += 1;
        self.skip_ws()?;
        // An array under a tag is counted with the tag: that is how Tuple,
        // Set and FrozenSet print, and they are one level in `Value::depth`.
        // Other content is a level deeper.
        let content = if self.peek() == Some(b'[') {
            self.array(depth)?
        } else {
            self.value(depth + 1)?
        };
        self.skip_ws()?;
        if !self.eat(b')') {
            return Err(self.unclosed_tag(t));
        }
        Ok(Value::tagged(t, content))
    }

    #[cold]
    #[inline(never)]
    fn unclosed_tag(&self, t: u64) -> ParseError {
        self.expected(&format!("`)` closing tag {t}"))
    }

    /// The stack guard: every container (tags included) checks in here, and
    /// each one nested in another is at a deeper level, so recursion is
    /// bounded by `MAX_DEPTH`. Scalars need no check.
    fn open(&self, depth: usize, at: usize) -> PResult<()> {
        if depth > MAX_DEPTH {
            return Err(self.err(at, format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        Ok(())
    }

    /// Elements up to `close`, separated by commas; `item` parses one.
    fn items<T>(
        &mut self,
        close: u8,
        mut item: impl FnMut(&mut Self) -> PResult<T>,
    ) -> PResult<Vec<T>> {
        let mut xs = Vec::new();
        self.skip_ws()?;
        if self.eat(close) {
            return Ok(xs);
        }
        loop {
            xs.push(item(self)?);
            self.skip_ws()?;
            if self.eat(b',') {
                self.skip_ws()?;
                if self.peek() == Some(close) {
                    return Err(self.separator_error(close, true));
                }
            } else if self.eat(close) {
                return Ok(xs);
            } else {
                return Err(self.separator_error(close, false));
            }
        }
    }

    #[cold]
    #[inline(never)]
    fn separator_error(&self, close: u8, trailing: bool) -> ParseError {
        let close = close as char;
        if trailing {
            self.err(
                self.pos,
                format!("trailing comma before `{close}` is not allowed"),
            )
        } else {
            self.expected(&format!("`,` or `{close}`"))
        }
    }

    fn array(&mut self, depth: usize) -> PResult<Value> {
        self.pos += 1;
        self.eat(b'_'); // indefinite length: same value
        self.items(b']', |p| p.value(depth + 1)).map(Value::Array)
    }

    fn map(&mut self, depth: usize) -> PResult<Value> {
        self.pos += 1;
        self.eat(b'_');
        self.items(b'}', |p| {
            let k = p.value(depth + 1)?;
            p.skip_ws()?;
            if !p.eat(b':') {
                return Err(p.expected("`:` after a map key"));
            }
            let v = p.value(depth + 1)?;
            Ok((k, v))
        })
        .map(Value::Map)
    }

    /// `(_ h'01', h'02')` or `(_ "a", "b")`: the chunks concatenated.
    fn indefinite_string(&mut self, depth: usize) -> PResult<Value> {
        let start = self.pos;
        self.pos += 1;
        if !self.eat(b'_') {
            return Err(self.err(start, "expected `(_` (an indefinite-length string)"));
        }
        let chunks = self.items(b')', |p| {
            p.skip_ws()?;
            Ok((p.pos, p.value(depth + 1)?))
        })?;
        self.join_chunks(start, chunks)
    }

    #[inline(never)]
    fn join_chunks(&self, start: usize, chunks: Vec<(usize, Value)>) -> PResult<Value> {
        let mut chunks = chunks.into_iter();
        match chunks.next() {
            None => Err(self.err(
                start,
                "an indefinite-length string needs at least one chunk",
            )),
            Some((_, Value::Bytes(mut acc))) => {
                for (at, c) in chunks {
                    match c {
                        Value::Bytes(b) => acc.extend(b),
                        other => {
                            return Err(self.err(
                                at,
                                format!("expected a byte string chunk, found {}", other.kind()),
                            ))
                        }
                    }
                }
                Ok(Value::Bytes(acc))
            }
            Some((_, Value::Text(mut acc))) => {
                for (at, c) in chunks {
                    match c {
                        Value::Text(t) => acc.push_str(&t),
                        other => {
                            return Err(self.err(
                                at,
                                format!("expected a text string chunk, found {}", other.kind()),
                            ))
                        }
                    }
                }
                Ok(Value::Text(acc))
            }
            Some((at, other)) => Err(self.err(
                at,
                format!("expected a string chunk, found {}", other.kind()),
            )),
        }
    }

    fn digits(&mut self, radix: u32) -> &'a str {
        let start = self.pos;
        while self.peek().is_some_and(|b| (b as char).is_digit(radix)) {
            self.pos += 1;
        }
        &self.s[start..self.pos]
    }

    fn number(&mut self) -> PResult<Scalar> {
        let start = self.pos;
        let neg = self.eat(b'-');
        if neg && self.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
            let word_at = self.pos;
            return match self.word()? {
                Value::Float(f) if f.is_infinite() => Ok(Scalar::Value(Value::Float(negate(f)))),
                _ => Err(self.err(
                    word_at,
                    format!("expected a number after `-`, found {}", self.found(word_at)),
                )),
            };
        }
        let radix = match (self.peek(), self.peek_at(self.pos + 1)) {
            (Some(b'0'), Some(b'x' | b'X')) => 16,
            (Some(b'0'), Some(b'o')) => 8,
            (Some(b'0'), Some(b'b')) => 2,
            _ => 10,
        };
        let n = if radix != 10 {
            self.pos += 2;
            let ds = self.digits(radix);
            if ds.is_empty() {
                return Err(self.expected(&format!("a base-{radix} digit")));
            }
            BigInt::parse_bytes(ds.as_bytes(), radix).expect("validated digits")
        } else {
            if self.digits(10).is_empty() {
                return Err(self.expected("a digit"));
            }
            let mut is_float = false;
            if self.eat(b'.') {
                is_float = true;
                if self.digits(10).is_empty() {
                    return Err(self.expected("a digit after `.`"));
                }
            }
            if matches!(self.peek(), Some(b'e' | b'E')) {
                is_float = true;
                self.pos += 1;
                if !self.eat(b'+') {
                    self.eat(b'-');
                }
                if self.digits(10).is_empty() {
                    return Err(self.expected("a digit in the exponent"));
                }
            }
            if is_float {
                let lit = &self.s[start..self.pos];
                let width = self.float_suffix()?;
                return decimal_to_float(lit, width)
                    .map(|f| Scalar::Value(Value::Float(f)))
                    .ok_or_else(|| {
                        self.err(
                            start,
                            format!(
                                "float literal `{lit}` is out of range for {}",
                                width_name(width)
                            ),
                        )
                    });
            }
            // The common case, without a BigInt allocation.
            if !matches!(self.peek(), Some(b'(' | b'_')) {
                if let Ok(i) = self.s[start..self.pos].parse::<i128>() {
                    return Ok(Scalar::Value(Value::Int(i)));
                }
            }
            self.s[start + usize::from(neg)..self.pos]
                .parse::<BigInt>()
                .expect("validated digits")
        };
        let n = if neg { -n } else { n };
        match self.peek() {
            Some(b'(') => match u64::try_from(&n) {
                Ok(t) => Ok(Scalar::Tag(t, start)),
                Err(_) => Err(self.err(
                    start,
                    format!("tag number {n} is out of range (0..=2^64-1)"),
                )),
            },
            Some(b'_') => Err(self.err(
                self.pos,
                "encoding indicators on integers are not supported (the model keeps no integer widths)",
            )),
            _ => Ok(Scalar::Value(Value::integer(n))),
        }
    }

    /// `_1`, `_2`, `_3` after a float: its width; none means f64.
    fn float_suffix(&mut self) -> PResult<FloatWidth> {
        if self.peek() != Some(b'_') {
            return Ok(FloatWidth::F64);
        }
        let w = match self.peek_at(self.pos + 1) {
            Some(b'1') => FloatWidth::F16,
            Some(b'2') => FloatWidth::F32,
            Some(b'3') => FloatWidth::F64,
            _ => {
                return Err(self.err(
                    self.pos,
                    format!(
                        "expected a float width `_1`, `_2` or `_3`, found {}",
                        self.found(self.pos)
                    ),
                ))
            }
        };
        self.pos += 2;
        Ok(w)
    }

    fn word(&mut self) -> PResult<Value> {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_alphanumeric()) {
            self.pos += 1;
        }
        let w = &self.s[start..self.pos];
        if self.peek() == Some(b'\'') {
            return self.app_string(w, start);
        }
        match w {
            "null" => Ok(Value::Null),
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            "undefined" => Ok(Value::Simple(UNDEFINED)),
            "simple" => {
                if !self.eat(b'(') {
                    return Err(self.expected("`(` after `simple`"));
                }
                self.skip_ws()?;
                let at = self.pos;
                let n = self.digits(10).parse::<u8>().map_err(|_| {
                    self.err(
                        at,
                        format!(
                            "expected a simple value number 0..=255, found {}",
                            self.found(at)
                        ),
                    )
                })?;
                self.skip_ws()?;
                if !self.eat(b')') {
                    return Err(self.expected("`)` closing `simple(`"));
                }
                Ok(Value::Simple(n))
            }
            "NaN" => Ok(Value::Float(self.float_suffix()?.canonical_nan())),
            "Infinity" => Ok(Value::Float(match self.float_suffix()? {
                FloatWidth::F16 => Float::F16(0x7c00),
                FloatWidth::F32 => Float::from_f32(f32::INFINITY),
                FloatWidth::F64 => Float::from_f64(f64::INFINITY),
            })),
            _ => Err(self.err(start, format!("expected a value, found unknown word `{w}`"))),
        }
    }

    /// `prefix'...'`: the raw content up to the next quote (no escapes: none
    /// of our prefixes needs a quote inside).
    fn app_string(&mut self, prefix: &str, start: usize) -> PResult<Value> {
        let body_at = self.pos + 1;
        let Some(len) = self.s[body_at..].find('\'') else {
            return Err(self.err(start, format!("unterminated {prefix}'..': no closing `'`")));
        };
        let body = &self.s[body_at..body_at + len];
        self.pos = body_at + len + 1;
        match prefix {
            "h" => hex_decode(body, body_at).map(Value::Bytes),
            "b64" => b64_decode(body, body_at).map(Value::Bytes),
            "float" => {
                let bits = body
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit())
                    .then(|| u64::from_str_radix(body, 16).ok())
                    .flatten();
                let f = match (body.len(), bits) {
                    (4, Some(b)) => Some(Float::F16(b as u16)),
                    (8, Some(b)) => Some(Float::F32(b as u32)),
                    (16, Some(b)) => Some(Float::F64(b)),
                    _ => None,
                };
                f.map(Value::Float).ok_or_else(|| {
                    self.err(
                        start,
                        format!("float'..' needs 4, 8 or 16 hex digits (f16, f32, f64 bits), found `{body}`"),
                    )
                })
            }
            _ => Err(self.err(
                start,
                format!("unknown application prefix `{prefix}'` (expected h'', b64'' or float'')"),
            )),
        }
    }

    /// A JSON-style string in quotes `q` (`"` for text, `'` for bytes).
    fn quoted(&mut self, q: u8) -> PResult<String> {
        let open = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let rest = &self.bytes()[self.pos..];
            let Some(i) = rest.iter().position(|&b| b == q || b == b'\\') else {
                let what = if q == b'"' {
                    "text string"
                } else {
                    "byte string"
                };
                return Err(self.err(
                    open,
                    format!("unterminated {what}: no closing `{}`", q as char),
                ));
            };
            out.push_str(&self.s[self.pos..self.pos + i]);
            self.pos += i;
            if self.eat(q) {
                return Ok(out);
            }
            let esc_at = self.pos;
            self.pos += 1;
            let c = match self.peek() {
                Some(b'"') => '"',
                Some(b'\'') if q == b'\'' => '\'',
                Some(b'\\') => '\\',
                Some(b'/') => '/',
                Some(b'b') => '\u{8}',
                Some(b'f') => '\u{c}',
                Some(b'n') => '\n',
                Some(b'r') => '\r',
                Some(b't') => '\t',
                Some(b'u') => {
                    self.pos += 1;
                    let hi = self.hex4()?;
                    let cp = match hi {
                        0xd800..=0xdbff => {
                            if !(self.eat(b'\\') && self.eat(b'u')) {
                                return Err(self.err(esc_at, format!("lone surrogate \\u{hi:04x}: expected a low surrogate escape after it")));
                            }
                            let lo_at = self.pos - 2;
                            let lo = self.hex4()?;
                            if !(0xdc00..=0xdfff).contains(&lo) {
                                return Err(self.err(lo_at, format!("expected a low surrogate after \\u{hi:04x}, found \\u{lo:04x}")));
                            }
                            0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00)
                        }
                        0xdc00..=0xdfff => {
                            return Err(self.err(esc_at, format!("lone surrogate \\u{hi:04x}")))
                        }
                        _ => hi,
                    };
                    out.push(char::from_u32(cp).expect("surrogates excluded"));
                    continue;
                }
                _ => {
                    return Err(self.err(
                        esc_at,
                        format!(
                            "unknown escape `\\{}`",
                            self.found(self.pos).trim_matches('`')
                        ),
                    ))
                }
            };
            self.pos += 1;
            out.push(c);
        }
    }

    fn hex4(&mut self) -> PResult<u32> {
        let at = self.pos;
        let h = self
            .s
            .get(at..at + 4)
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()));
        match h {
            Some(h) => {
                self.pos += 4;
                Ok(u32::from_str_radix(h, 16).expect("validated"))
            }
            None => Err(self.err(
                at,
                format!("expected 4 hex digits after \\u, found {}", self.found(at)),
            )),
        }
    }
}

fn width_name(w: FloatWidth) -> &'static str {
    match w {
        FloatWidth::F16 => "f16",
        FloatWidth::F32 => "f32",
        FloatWidth::F64 => "f64",
    }
}

fn negate(f: Float) -> Float {
    match f {
        Float::F16(b) => Float::F16(b ^ 0x8000),
        Float::F32(b) => Float::F32(b ^ 0x8000_0000),
        Float::F64(b) => Float::F64(b ^ (1 << 63)),
    }
}

fn hex_decode(body: &str, base: usize) -> PResult<Vec<u8>> {
    let mut out = Vec::with_capacity(body.len() / 2);
    let mut high: Option<u8> = None;
    for (i, c) in body.char_indices() {
        if c.is_ascii_whitespace() {
            continue;
        }
        let Some(d) = c.to_digit(16) else {
            return Err(ParseError {
                offset: base + i,
                message: format!(
                    "expected a hex digit in h'..', found `{}`",
                    c.escape_debug()
                ),
            });
        };
        match high.take() {
            Some(h) => out.push(h << 4 | d as u8),
            None => high = Some(d as u8),
        }
    }
    if high.is_some() {
        return Err(ParseError {
            offset: base + body.len(),
            message: "odd number of hex digits in h'..'".into(),
        });
    }
    Ok(out)
}

/// Base64, standard or URL-safe alphabet (mixed is tolerated), padding
/// optional, whitespace ignored; the unused bits of the last character must
/// be zero so that each byte string has one spelling per alphabet.
fn b64_decode(body: &str, base: usize) -> PResult<Vec<u8>> {
    let err = |i: usize, message: String| ParseError {
        offset: base + i,
        message,
    };
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    let (mut acc, mut nbits, mut padded) = (0u32, 0u32, false);
    for (i, c) in body.char_indices() {
        let v = match c {
            c if c.is_ascii_whitespace() => continue,
            '=' => {
                padded = true;
                continue;
            }
            _ if padded => return Err(err(i, "data after `=` padding in b64'..'".into())),
            'A'..='Z' => c as u32 - 'A' as u32,
            'a'..='z' => c as u32 - 'a' as u32 + 26,
            '0'..='9' => c as u32 - '0' as u32 + 52,
            '+' | '-' => 62,
            '/' | '_' => 63,
            _ => {
                return Err(err(
                    i,
                    format!(
                        "expected a base64 character in b64'..', found `{}`",
                        c.escape_debug()
                    ),
                ))
            }
        };
        acc = (acc << 6) | v;
        nbits += 6;
        if nbits >= 8 {
            nbits -= 8;
            out.push((acc >> nbits) as u8);
            acc &= (1 << nbits) - 1;
        }
    }
    if nbits >= 6 {
        return Err(err(
            body.len(),
            "truncated b64'..': one character too many for a whole byte".into(),
        ));
    }
    if acc != 0 {
        return Err(err(
            body.len(),
            "b64'..' ends in non-zero unused bits".into(),
        ));
    }
    Ok(out)
}

/// Diagnostic notation, as [`print()`] writes it.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&print(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(t: &str) -> Value {
        parse(t).unwrap_or_else(|e| panic!("{t:?}: {e}"))
    }

    fn perr(t: &str) -> ParseError {
        match parse(t) {
            Ok(v) => panic!(
                "{} parsed as {}",
                print_short(&Value::text(t)),
                print_short(&v)
            ),
            Err(e) => e,
        }
    }

    /// The error's offset and that its message contains `needle`.
    fn fails_at(t: &str, offset: usize, needle: &str) {
        let e = perr(t);
        assert_eq!(e.offset, offset, "{t:?}: {e}");
        assert!(e.message.contains(needle), "{t:?}: {e}");
    }

    /// `v` prints as `t` and `t` parses back as `v`.
    fn spelled(v: Value, t: &str) {
        assert_eq!(print(&v), t);
        assert_eq!(p(t), v, "{t}");
    }

    fn big(s: &str) -> Value {
        Value::integer(s.parse().unwrap())
    }

    #[test]
    fn example_from_the_design() {
        let v = Value::Map(vec![
            (Value::from(1i64), Value::Bytes(vec![0, 255])),
            (
                Value::text("a"),
                Value::Array(vec![
                    Value::f64(1.5),
                    Value::f64(f64::NAN),
                    Value::f64(f64::NEG_INFINITY),
                ]),
            ),
        ]);
        spelled(v, r#"{1: h'00ff', "a": [1.5, NaN, -Infinity]}"#);
    }

    #[test]
    fn words_and_simple_values() {
        spelled(Value::Null, "null");
        spelled(Value::Bool(true), "true");
        spelled(Value::Bool(false), "false");
        spelled(Value::Simple(23), "undefined");
        spelled(Value::Simple(0), "simple(0)");
        spelled(Value::Simple(255), "simple(255)");
        // Lossless even outside the model's invariant.
        spelled(Value::Simple(20), "simple(20)");
        assert_eq!(p("simple( 23 )"), Value::Simple(23));
        fails_at("simple(256)", 7, "0..=255");
        fails_at("nul", 0, "unknown word `nul`");
        fails_at("[1, nulll]", 4, "unknown word `nulll`");
    }

    #[test]
    fn integers() {
        spelled(Value::Int(0), "0");
        spelled(Value::Int(-1), "-1");
        spelled(Value::from(u64::MAX), "18446744073709551615");
        spelled(Value::Int(-(1i128 << 64)), "-18446744073709551616");
        spelled(
            Value::Int(i128::MIN),
            "-170141183460469231731687303715884105728",
        );
        let past = "170141183460469231731687303715884105728";
        assert!(matches!(p(past), Value::BigInt(_)));
        spelled(big(past), past);
        spelled(
            big("-170141183460469231731687303715884105729"),
            "-170141183460469231731687303715884105729",
        );
        assert_eq!(p("0x1F"), Value::Int(31));
        assert_eq!(p("-0x1f"), Value::Int(-31));
        assert_eq!(p("0o17"), Value::Int(15));
        assert_eq!(p("0b101"), Value::Int(5));
        assert_eq!(
            p(&format!("0x1{}", "0".repeat(32))),
            big("340282366920938463463374607431768211456")
        );
        fails_at("0x", 2, "base-16 digit");
        fails_at("1_0", 1, "integers");
    }

    #[test]
    fn bignum_tags_are_integers() {
        assert_eq!(p("2(h'')"), Value::Int(0));
        assert_eq!(p("2(h'0100')"), Value::Int(256));
        assert_eq!(p("3(h'00')"), Value::Int(-1));
        assert_eq!(p("3(h'ff')"), Value::Int(-256));
        assert_eq!(
            p(&format!("2(h'01{}')", "00".repeat(16))),
            big("340282366920938463463374607431768211456")
        );
        assert_eq!(
            p(&format!("3(h'{}')", "ff".repeat(16))),
            big("-340282366920938463463374607431768211456")
        );
        // Other content stays a tag.
        spelled(Value::Tag(2, Box::new(Value::text("x"))), r#"2("x")"#);
    }

    #[test]
    fn floats_keep_their_width() {
        spelled(Value::f64(1.0), "1.0");
        spelled(Value::f64(-0.0), "-0.0");
        spelled(Value::f64(0.1), "0.1");
        spelled(Value::f64(1e300), "1e300");
        spelled(Value::f64(5e-324), "5e-324");
        spelled(Value::f32(1.5), "1.5_2");
        spelled(Value::f32(0.1), "0.1_2");
        spelled(Value::f32(f32::MAX), "3.4028235e38_2");
        spelled(Value::f16(half::f16::from_f32(1.5)), "1.5_1");
        // Shortest at f16 width, not f32's "0.099975586".
        spelled(Value::f16(half::f16::from_f32(0.1)), "0.1_1");
        spelled(Value::f16(half::f16::MAX), "65500.0_1");
        spelled(Value::f16(half::f16::from_bits(1)), "6e-8_1");
        spelled(Value::f16(half::f16::from_bits(0x8000)), "-0.0_1");
        assert_eq!(p("1.5_3"), Value::f64(1.5));
        assert_eq!(p("1e3"), Value::f64(1000.0));
        assert_eq!(p("1E+3_2"), Value::f32(1000.0));
        fails_at("1._1", 2, "digit after `.`");
        fails_at("1.5_0", 3, "`_1`, `_2` or `_3`");
        fails_at("1e400", 0, "out of range for f64");
        fails_at("1e39_2", 0, "out of range for f32");
        fails_at("65520.0_1", 0, "out of range for f16");
        assert_eq!(p("65519.99_1"), Value::f16(half::f16::MAX));
    }

    #[test]
    fn f16_literals_round_correctly() {
        // Exactly halfway between 1.0 and the next f16: ties to even.
        assert_eq!(p("1.00048828125_1"), Value::Float(Float::F16(0x3c00)));
        assert_eq!(p("1.00146484375_1"), Value::Float(Float::F16(0x3c02)));
        // A hair past the midpoint, closer than f64 can tell: the literal
        // decides, not the f64 it first rounds to.
        assert_eq!(
            p("1.00048828125000000000001_1"),
            Value::Float(Float::F16(0x3c01))
        );
        assert_eq!(
            p("1.00048828124999999999999_1"),
            Value::Float(Float::F16(0x3c00))
        );
        assert_eq!(
            p("-1.00048828125000000000001_1"),
            Value::Float(Float::F16(0xbc01))
        );
        // Subnormal midpoint 2^-25 rounds to even (zero), just above it to 2^-24.
        assert_eq!(p("2.98023223876953125e-8_1"), Value::Float(Float::F16(0)));
        assert_eq!(p("2.98023223876953126e-8_1"), Value::Float(Float::F16(1)));
        assert_eq!(p("1e-10_1"), Value::Float(Float::F16(0)));
    }

    #[test]
    fn every_f16_round_trips() {
        for bits in 0..=u16::MAX {
            let v = Value::Float(Float::F16(bits));
            let t = print(&v);
            assert_eq!(p(&t), v, "{bits:04x} printed as {t}");
            assert!(
                !t.starts_with("float'") || Float::F16(bits).is_nan_with_payload(),
                "{t}"
            );
        }
    }

    #[test]
    fn nan_and_infinity() {
        spelled(Value::f64(f64::NAN), "NaN");
        spelled(Value::f32(f32::NAN), "NaN_2");
        spelled(Value::Float(Float::F16(0x7e00)), "NaN_1");
        spelled(Value::f64(f64::INFINITY), "Infinity");
        spelled(Value::f32(f32::NEG_INFINITY), "-Infinity_2");
        spelled(Value::Float(Float::F16(0xfc00)), "-Infinity_1");
        spelled(Value::Float(Float::F16(0x7e01)), "float'7e01'");
        spelled(Value::Float(Float::F16(0xfe00)), "float'fe00'");
        spelled(Value::Float(Float::F32(0x7f80_0001)), "float'7f800001'");
        spelled(
            Value::Float(Float::F64(0x7ff8_0000_0000_0001)),
            "float'7ff8000000000001'",
        );
        // Any bits, not only NaN; the width comes from the digit count.
        assert_eq!(p("float'3c00'"), Value::f16(half::f16::ONE));
        assert_eq!(p("float'3FC00000'"), Value::f32(1.5));
        assert_eq!(p("float'3ff8000000000000'"), Value::f64(1.5));
        fails_at("[float'123']", 1, "4, 8 or 16 hex digits");
        fails_at("float'12345'", 0, "4, 8 or 16");
        fails_at("float'7e0g'", 0, "hex digits");
        fails_at("-NaN", 1, "expected a number");
        fails_at("NaN_4", 3, "`_1`, `_2` or `_3`");
    }

    #[test]
    fn text() {
        spelled(Value::text(""), r#""""#);
        spelled(Value::text("a\"b\\c/"), r#""a\"b\\c/""#);
        spelled(
            Value::text("\0\u{1}\u{8}\u{c}\n\r\t\u{7f}\u{85}"),
            r#""\u0000\u0001\b\f\n\r\t\u007f\u0085""#,
        );
        spelled(Value::text("é😀e\u{301}"), "\"é😀e\u{301}\"");
        spelled(
            Value::text("\u{202e}\u{feff}\u{2028}"),
            r#""\u202e\ufeff\u2028""#,
        );
        // Astral escapes use surrogate pairs.
        spelled(Value::text("\u{10ffff}"), r#""\udbff\udfff""#);
        assert_eq!(p(r#""\ud83d\ude00\/\u00E9""#), Value::text("😀/é"));
        assert_eq!(p("\"raw\ttab\nline\""), Value::text("raw\ttab\nline"));
        fails_at(r#"["ab"#, 1, "unterminated text string");
        fails_at(r#""\ud800""#, 1, "lone surrogate");
        fails_at(r#""\ud800\u0041""#, 7, "low surrogate");
        fails_at(r#""\udc00""#, 1, "lone surrogate");
        fails_at(r#""\x""#, 1, "unknown escape");
        fails_at(r#""\u12""#, 3, "4 hex digits");
        fails_at(r#""\'""#, 1, "unknown escape");
    }

    #[test]
    fn bytes() {
        spelled(Value::Bytes(vec![]), "h''");
        spelled(Value::Bytes(vec![0, 1, 0xab]), "h'0001ab'");
        assert_eq!(p("h' 00 AB\n ff '"), Value::Bytes(vec![0, 0xab, 0xff]));
        assert_eq!(p("b64'AP8='"), Value::Bytes(vec![0, 255]));
        assert_eq!(p("b64'AP8'"), Value::Bytes(vec![0, 255]));
        assert_eq!(p("b64'-_8'"), Value::Bytes(vec![0xfb, 0xff]));
        assert_eq!(p("b64'+/8'"), Value::Bytes(vec![0xfb, 0xff]));
        assert_eq!(
            p("b64'aGVsbG8gd29ybGQ='"),
            Value::Bytes(b"hello world".to_vec())
        );
        assert_eq!(p(r"'a\'b\n'"), Value::Bytes(b"a'b\n".to_vec()));
        assert_eq!(p("'é'"), Value::Bytes("é".as_bytes().to_vec()));
        fails_at("h'0g'", 3, "hex digit");
        fails_at("h'abc'", 5, "odd number");
        fails_at("[h'00", 1, "unterminated");
        fails_at("b64'A'", 5, "truncated");
        fails_at("b64'AB'", 6, "non-zero unused bits");
        fails_at("b64'AA=A'", 7, "after `=`");
        fails_at("b32'AA'", 0, "unknown application prefix");
        fails_at("'abc", 0, "unterminated byte string");
    }

    #[test]
    fn containers() {
        spelled(Value::Array(vec![]), "[]");
        spelled(Value::Map(vec![]), "{}");
        let dup = Value::Map(vec![
            (Value::text("b"), Value::Null),
            (Value::Array(vec![]), Value::Map(vec![])),
            (Value::text("b"), Value::Int(2)),
        ]);
        spelled(dup, r#"{"b": null, []: {}, "b": 2}"#);
        assert_eq!(
            p("[_ 1, [_ ]]"),
            Value::Array(vec![Value::Int(1), Value::Array(vec![])])
        );
        assert_eq!(
            p("{_ 1: 2}"),
            Value::Map(vec![(Value::Int(1), Value::Int(2))])
        );
        assert_eq!(p("(_ h'01', 'b', b64'Aw')"), Value::Bytes(vec![1, b'b', 3]));
        assert_eq!(p(r#"(_ "a", "b")"#), Value::text("ab"));
        fails_at(r#"(_ "a", h'00')"#, 8, "text string chunk");
        fails_at("(_ )", 0, "at least one chunk");
        fails_at("(1)", 0, "`(_`");
        fails_at("[1, 2,]", 6, "trailing comma");
        fails_at("{1: 2,}", 6, "trailing comma");
        fails_at("[1 2]", 3, "expected `,` or `]`, found `2`");
        fails_at("{1 2}", 3, "`:`");
        fails_at("[1, 2", 5, "found end of input");
        fails_at("", 0, "expected a value, found end of input");
        fails_at("]", 0, "expected a value, found `]`");
    }

    #[test]
    fn tags_and_python_variants() {
        spelled(
            Value::Tag(0, Box::new(Value::text("2013-03-21T20:04:00Z"))),
            r#"0("2013-03-21T20:04:00Z")"#,
        );
        spelled(
            Value::Tag(u64::MAX, Box::new(Value::Null)),
            "18446744073709551615(null)",
        );
        spelled(
            Value::Tuple(vec![Value::Int(1), Value::Tuple(vec![])]),
            "65300([1, 65300([])])",
        );
        spelled(Value::Set(vec![Value::Int(1)]), "258([1])");
        spelled(Value::FrozenSet(vec![]), "65301([])");
        spelled(Value::Ext(-1, vec![0, 0, 0, 1]), "65302([-1, h'00000001'])");
        spelled(Value::Ext(127, vec![]), "65302([127, h''])");
        // Shapes that are not the variant's stay plain tags.
        spelled(Value::Tag(258, Box::new(Value::Map(vec![]))), "258({})");
        let out_of_range = Value::Tag(
            tags::EXT,
            Box::new(Value::Array(vec![Value::Int(200), Value::Bytes(vec![])])),
        );
        spelled(out_of_range, "65302([200, h''])");
        spelled(
            Value::Tag(tags::EXT, Box::new(Value::Array(vec![Value::Int(1)]))),
            "65302([1])",
        );
        assert_eq!(p("65300([_ 1])"), Value::Tuple(vec![Value::Int(1)]));
        assert_eq!(p("258( [ ] )"), Value::Set(vec![]));
        fails_at("18446744073709551616(null)", 0, "tag number");
        fails_at("-1(null)", 0, "tag number");
        fails_at("1(2", 3, "`)` closing tag 1");
    }

    #[test]
    fn whitespace_and_comments() {
        let t = "# a corpus file header\n# second line\n[1, / inline / 2, # to eol\n 3]\n";
        assert_eq!(
            p(t),
            Value::Array(vec![Value::Int(1), Value::Int(2), Value::Int(3)])
        );
        assert_eq!(p("/c/1/c/"), Value::Int(1));
        fails_at("[1, / open", 4, "unterminated `/` comment");
        assert_eq!(parse_file_text("\u{feff}# bom\n1").unwrap(), Value::Int(1));
        assert_eq!(parse_file_text("\u{feff}[").unwrap_err().offset, 4);
    }

    #[test]
    fn trailing_garbage_is_an_error() {
        fails_at("1 2", 2, "expected end of input after the value, found `2`");
        fails_at("[] x", 3, "found `x`");
        fails_at("1.5_12", 5, "end of input");
        fails_at("truex", 0, "unknown word `truex`");
    }

    #[test]
    fn line_and_column() {
        let t = "# header\n[1,\n  x]";
        let e = perr(t);
        assert_eq!(e.line_col(t), (3, 3));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let deep = "[".repeat(100_000);
        fails_at(&deep, MAX_DEPTH, "nesting deeper than 512");
        let deep = "1(".repeat(100_000);
        fails_at(&deep, 2 * MAX_DEPTH, "nesting");
        // The limit itself is allowed.
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH - 1), "]".repeat(MAX_DEPTH - 1));
        assert_eq!(p(&ok).depth(), MAX_DEPTH - 1);
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert_eq!(p(&ok).depth(), MAX_DEPTH);
        let too_deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        fails_at(&too_deep, MAX_DEPTH, "nesting");
    }

    #[test]
    fn every_value_within_the_depth_limit_round_trips() {
        // Python variants and ext print deeper than they count; the limit
        // must still be the one `Value::depth` measures.
        fn wrap(mut v: Value, levels: usize, f: fn(Vec<Value>) -> Value) -> Value {
            for _ in 0..levels {
                v = f(vec![v]);
            }
            v
        }
        let ext = Value::Ext(-1, vec![0; 4]);
        for make in [Value::Tuple, Value::Set, Value::FrozenSet, Value::Array] {
            let v = wrap(ext.clone(), MAX_DEPTH - 1, make);
            assert_eq!(v.depth(), MAX_DEPTH);
            assert_eq!(p(&print(&v)), v);
            let inner = wrap(Value::Null, MAX_DEPTH - 3, make);
            let tagged = Value::Tag(7, Box::new(Value::Array(vec![inner])));
            assert_eq!(tagged.depth(), MAX_DEPTH);
            assert_eq!(p(&print(&tagged)), tagged);
            let too_deep = wrap(Value::Array(vec![]), MAX_DEPTH, make);
            assert!(perr(&print(&too_deep)).message.contains("nesting"));
        }
        let mut v = Value::Null;
        for _ in 0..MAX_DEPTH - 1 {
            v = Value::Tag(1, Box::new(v));
        }
        assert_eq!(p(&print(&v)), v);
    }

    #[test]
    fn non_canonical_spellings_reach_a_fixed_point() {
        for t in [
            "0x1f",
            "2(h'0100')",
            "3(h'')",
            "[_ 1, {_ \"a\": b64'AP8'}]",
            "(_ 'a', h'62')",
            "1.5_3",
            "float'3c00'",
            "float'7ff8000000000000'",
            "simple(23)",
            r#""\/\u00e9""#,
            "65300([_ 258([]), 65302([-1, h'']), 65302([1000, h''])])",
            "# comment\n 1.00048828125000000000001_1",
        ] {
            let once = print(&p(t));
            assert_eq!(print(&p(&once)), once, "{t}");
        }
    }

    #[test]
    fn print_short_truncates_on_a_char_boundary() {
        let v = Value::Array((0..1000).map(|_| Value::text("é😀")).collect());
        let s = print_short(&v);
        assert_eq!(s.chars().count(), 60);
        assert!(s.ends_with('…'));
        assert!(print(&v).starts_with(s.trim_end_matches('…')));
        assert_eq!(print_short(&Value::Bytes(vec![1])), "h'01'");
        let long = Value::text("x".repeat(1_000_000));
        assert_eq!(print_short(&long).chars().count(), 60);
    }

    #[test]
    fn print_pretty_breaks_only_what_does_not_fit() {
        let small = Value::Array(vec![Value::Int(1), Value::Int(2)]);
        assert_eq!(print_pretty(&small), "[1, 2]");
        let item = Value::text("a".repeat(30));
        let v = Value::Map(vec![
            (
                Value::text("k"),
                Value::Tuple(vec![item.clone(), item.clone(), item]),
            ),
            (Value::text("s"), small),
        ]);
        let aaa = "a".repeat(30);
        let expected = format!(
            "{{\n  \"k\": 65300([\n    \"{aaa}\",\n    \"{aaa}\",\n    \"{aaa}\"\n  ]),\n  \"s\": [1, 2]\n}}"
        );
        assert_eq!(print_pretty(&v), expected);
        assert_eq!(p(&expected), v);
    }

    #[test]
    fn display_is_print() {
        assert_eq!(Value::f32(1.5).to_string(), "1.5_2");
    }
}
