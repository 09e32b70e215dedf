#!/usr/bin/env python3
"""Writes corpus/values/*.diag: hand-picked values in CBOR diagnostic notation.

The values are picked by hand in the table below; the script exists so that the
big ones (long text, 70000 bytes, depth 60, all 256 byte values) are produced
rather than typed, and so that every file carries its leading `#` comment in
the same shape. The committed .diag files are the corpus; this script is only
how they were made. Rerunning it rewrites every file it owns and deletes no
other file. Standard library only; deterministic.

    python3 corpus/values/generate.py

Notation (see src/notation.rs): `null true false undefined simple(N)`; decimal
integers of any size; f64 floats always with `.` or `e`, f16 suffix `_1`, f32
suffix `_2`; `NaN`, `Infinity`, `-Infinity` with the same suffixes; exact float
bits as `float'HHHH'` (4 hex digits f16, 8 f32, 16 f64, big-endian); JSON-style
text; `h'..'` bytes; `[..]`; `{k: v}` (order and duplicates kept); tags `N(..)`;
Python tuple 65300([..]), set 258([..]), frozenset 65301([..]); MessagePack
ext 65302([type, h'..']).
"""

import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))

# name -> (comment, diagnostic text)
V = {}


def val(name, comment, text):
    assert name not in V, name
    assert "\n" not in comment
    V[name] = (comment, text)


def text_lit(s):
    """A JSON-style string literal; non-ASCII kept as UTF-8 unless ascii=True."""
    return json.dumps(s, ensure_ascii=False)


def arr(items):
    return "[" + ", ".join(items) + "]"


def mp(pairs):
    return "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"


# ---------------------------------------------------------------- simple
val("simple-null", "null: the one value every format has; JSON null, msgpack nil, pickle None.", "null")
val("simple-true", "true: CBOR simple 21, msgpack 0xc3; must not collapse into the integer 1 (Python bool is an int).", "true")
val("simple-false", "false: must not collapse into 0, \"\" or null in any codec.", "false")
val("simple-undefined", "CBOR undefined (simple 23): distinct from null; only CBOR can hold it.", "undefined")
val("simple-0", "simple(0): the lowest unassigned CBOR simple value, one-byte encoding 0xe0.", "simple(0)")
val("simple-19", "simple(19): the highest simple value in the one-byte form, just below false (20).", "simple(19)")
val("simple-32", "simple(32): the lowest simple value that needs the two-byte form f8 20 (24..31 are reserved).", "simple(32)")
val("simple-255", "simple(255): the highest simple value, f8 ff.", "simple(255)")

# ---------------------------------------------------------------- integers
ints = [
    ("int-zero", 0, "zero: positive fixint in msgpack, 0x00 in CBOR, K\\x00 in pickle."),
    ("int-one", 1, "one: must not become true in codecs whose host language conflates bool and int."),
    ("int-minus-one", -1, "minus one: smallest-magnitude negative; CBOR major type 1 argument 0, msgpack 0xff."),
    ("int-cbor-23", 23, "23: the largest CBOR integer held in the initial byte."),
    ("int-cbor-24", 24, "24: the smallest CBOR integer that needs a one-byte argument (0x18 0x18)."),
    ("int-cbor-minus-24", -24, "-24: the most negative CBOR integer held in the initial byte (0x37)."),
    ("int-cbor-minus-25", -25, "-25: the first negative CBOR integer needing a one-byte argument (0x38 0x18)."),
    ("int-msgpack-negfixint-min", -32, "-32: the most negative msgpack negative fixint (0xe0)."),
    ("int-msgpack-negfixint-min-minus-1", -33, "-33: one past negative fixint; msgpack needs int8 (0xd0 0xdf)."),
    ("int-i8-max", 127, "127: i8 max and the largest msgpack positive fixint."),
    ("int-i8-max-plus-1", 128, "128: needs uint8 in msgpack, one-byte argument in CBOR; overflows i8."),
    ("int-i8-min", -128, "-128: i8 min (msgpack int8 0xd0 0x80)."),
    ("int-i8-min-minus-1", -129, "-129: one below i8 min; msgpack must switch to int16."),
    ("int-u8-max", 255, "255: u8 max; pickle BININT1 max."),
    ("int-u8-max-plus-1", 256, "256: one past u8 max; msgpack uint16, CBOR 0x19, pickle BININT2."),
    ("int-i16-max", 32767, "32767: i16 max."),
    ("int-i16-min", -32768, "-32768: i16 min."),
    ("int-i16-min-minus-1", -32769, "-32769: one below i16 min; msgpack int32."),
    ("int-u16-max", 65535, "65535: u16 max; the largest pickle BININT2."),
    ("int-u16-max-plus-1", 65536, "65536: one past u16 max; msgpack uint32, CBOR 0x1a, pickle BININT."),
    ("int-i32-max", 2**31 - 1, "i32 max: the largest pickle BININT."),
    ("int-i32-min", -(2**31), "i32 min: the smallest pickle BININT."),
    ("int-i32-min-minus-1", -(2**31) - 1, "one below i32 min: pickle needs LONG1 from here."),
    ("int-i32-max-plus-1", 2**31, "one past i32 max: pickle LONG1; fits u32."),
    ("int-u32-max", 2**32 - 1, "u32 max."),
    ("int-u32-max-plus-1", 2**32, "one past u32 max: msgpack uint64, CBOR 0x1b."),
    ("int-i64-max", 2**63 - 1, "i64 max: the largest integer of a signed 64-bit host type."),
    ("int-i64-max-plus-1", 2**63, "one past i64 max: fits only u64; msgpack uint64, protobuf uint64 only."),
    ("int-i64-min", -(2**63), "i64 min: msgpack int64 0xd3 80 00.., protobuf sint64 min."),
    ("int-i64-min-minus-1", -(2**63) - 1, "one below i64 min: no msgpack encoding; CBOR still has a major-type-1 form."),
    ("int-u64-max", 2**64 - 1, "u64 max: msgpack uint64 max, CBOR's largest native unsigned."),
    ("int-u64-max-plus-1", 2**64, "one past u64 max: CBOR needs a bignum (tag 2); pickle LONG1; JSON big number."),
    ("int-cbor-neg-min", -(2**64), "-2^64: the most negative CBOR native integer (0x3b ff ff ff ff ff ff ff ff)."),
    ("int-cbor-neg-min-minus-1", -(2**64) - 1, "-2^64-1: one below CBOR's native range; needs tag 3."),
    ("int-i128-max", 2**127 - 1, "i128 max: the largest Value::Int."),
    ("int-i128-min", -(2**127), "i128 min: the smallest Value::Int."),
    ("int-2-pow-127", 2**127, "2^127: one past i128 max, the smallest positive Value::BigInt."),
    ("int-i128-min-minus-1", -(2**127) - 1, "-2^127-1: one below i128 min, the largest negative Value::BigInt."),
    ("int-2-pow-256", 2**256, "2^256: a 257-bit pickle long / CBOR bignum with a 33-byte magnitude."),
    ("int-googol", 10**100, "10^100: a big decimal literal that is not a power of two."),
    ("int-minus-googol-minus-1", -(10**100) - 1, "-(10^100)-1: a big negative; tests two's complement in pickle LONG1/LONG4."),
    ("int-2-pow-2048-minus-1", 2**2048 - 1, "2^2048-1: 256-byte magnitude, past pickle LONG1's 255-byte limit so LONG4 is needed."),
]
for name, n, comment in ints:
    val(name, comment, str(n))

# ---------------------------------------------------------------- floats
F = [
    # f64
    ("float-f64-zero", "0.0", "f64 +0.0: must stay a float (not the integer 0) and stay f64."),
    ("float-f64-neg-zero", "-0.0", "f64 -0.0: equal to 0.0 numerically but a different bit pattern; must survive."),
    ("float-f64-infinity", "Infinity", "f64 +infinity: no JSON spelling; pickle and msgpack carry it."),
    ("float-f64-neg-infinity", "-Infinity", "f64 -infinity."),
    ("float-f64-nan", "NaN", "f64 canonical quiet NaN 0x7ff8000000000000."),
    ("float-f64-nan-payload", "float'7ff8000000000001'", "f64 quiet NaN with payload 1: a payload only f64 can hold; must not be canonicalised."),
    ("float-f64-snan", "float'7ff0000000000001'", "f64 signalling NaN: an FPU round trip (x87, f32 conversion) would quiet it."),
    ("float-f64-neg-nan", "float'fff8000000000000'", "f64 quiet NaN with the sign bit set (what x86 produces for 0/0)."),
    ("float-f64-subnormal-min", "5e-324", "f64 smallest subnormal 2^-1074 (bits 0000000000000001)."),
    ("float-f64-subnormal-max", "2.225073858507201e-308", "f64 largest subnormal (bits 000fffffffffffff)."),
    ("float-f64-normal-min", "2.2250738585072014e-308", "f64 smallest normal 2^-1022 (bits 0010000000000000)."),
    ("float-f64-max", "1.7976931348623157e308", "f64 largest finite; one ulp more is infinity."),
    ("float-f64-neg-max", "-1.7976931348623157e308", "f64 most negative finite."),
    ("float-f64-one-point-five", "1.5", "f64 1.5: exact in f16, so CBOR preferred serialisation shrinks it to f9 3e 00."),
    ("float-f64-one-tenth", "0.1", "f64 0.1: not representable in f32 or f16; any narrowing loses it."),
    ("float-f64-1e300", "1e300", "f64 1e300: beyond f32 range; narrowing overflows to infinity."),
    ("float-f64-one", "1.0", "f64 1.0: integral float; JSON writers must not print it as the integer 1."),
    ("float-f64-exact-in-f16", "65504.0", "f64 holding f16's largest finite: a preferred-serialisation CBOR encoder writes f16."),
    ("float-f64-exact-in-f32", "1e10", "f64 holding a value exact in f32 but not f16 (1e10 = 9765625 * 2^10)."),
    ("float-f64-2-pow-53-plus-2", "9007199254740994.0", "f64 2^53+2: integral float past the exact-integer range; not an integer."),
    ("float-f64-pi", "3.141592653589793", "f64 pi: a full 53-bit mantissa; shortest-repr printing must round-trip."),
    ("float-f64-minus-1e-7", "-1e-07", "f64 -1e-7: exponent notation, negative; JSON writers vary between 1e-7 and 0.0000001."),
    ("float-f64-bits-one", "float'3ff0000000000000'", "f64 1.0 written as exact bits: the float'..' form for a non-NaN value."),
    # f32
    ("float-f32-zero", "0.0_2", "f32 +0.0."),
    ("float-f32-neg-zero", "-0.0_2", "f32 -0.0."),
    ("float-f32-infinity", "Infinity_2", "f32 +infinity."),
    ("float-f32-neg-infinity", "-Infinity_2", "f32 -infinity."),
    ("float-f32-nan", "NaN_2", "f32 canonical quiet NaN 0x7fc00000."),
    ("float-f32-nan-payload", "float'7fc00001'", "f32 quiet NaN with payload 1; widening to f64 shifts the payload into the high bits."),
    ("float-f32-snan", "float'7f800001'", "f32 signalling NaN: converting through f64 on most hosts quiets it."),
    ("float-f32-neg-nan", "float'ffc00000'", "f32 quiet NaN with the sign bit set."),
    ("float-f32-subnormal-min", "1.401298464324817e-45_2", "f32 smallest subnormal 2^-149 (bits 00000001)."),
    ("float-f32-subnormal-max", "1.1754942106924411e-38_2", "f32 largest subnormal (bits 007fffff)."),
    ("float-f32-normal-min", "1.1754943508222875e-38_2", "f32 smallest normal 2^-126 (bits 00800000)."),
    ("float-f32-max", "3.4028234663852886e38_2", "f32 largest finite (bits 7f7fffff)."),
    ("float-f32-one-point-five", "1.5_2", "f32 1.5: exact in f16; must stay f32 unless the codec declares narrowing."),
    ("float-f32-one-tenth", "0.10000000149011612_2", "f32 nearest to 0.1: printed as f64 it is 0.10000000149011612, not 0.1."),
    ("float-f32-exact-in-f16", "0.5_2", "f32 0.5, exact at f16: a width distinction only the declared width keeps."),
    ("float-f32-bits-subnormal-min", "float'00000001'", "f32 smallest subnormal written as exact bits."),
    # f16
    ("float-f16-zero", "0.0_1", "f16 +0.0 (CBOR f9 00 00)."),
    ("float-f16-neg-zero", "-0.0_1", "f16 -0.0 (CBOR f9 80 00)."),
    ("float-f16-infinity", "Infinity_1", "f16 +infinity (f9 7c 00)."),
    ("float-f16-neg-infinity", "-Infinity_1", "f16 -infinity (f9 fc 00)."),
    ("float-f16-nan", "NaN_1", "f16 canonical quiet NaN 0x7e00, CBOR's preferred NaN."),
    ("float-f16-nan-payload", "float'7e01'", "f16 quiet NaN with payload 1."),
    ("float-f16-snan", "float'7c01'", "f16 signalling NaN: the half crate and FPUs may quiet it on conversion."),
    ("float-f16-neg-nan", "float'fe00'", "f16 quiet NaN with the sign bit set."),
    ("float-f16-subnormal-min", "5.9604644775390625e-8_1", "f16 smallest subnormal 2^-24 (bits 0001)."),
    ("float-f16-subnormal-max", "6.0975551605224609375e-5_1", "f16 largest subnormal 1023 * 2^-24 (bits 03ff)."),
    ("float-f16-normal-min", "6.103515625e-5_1", "f16 smallest normal 2^-14 (bits 0400)."),
    ("float-f16-max", "65504.0_1", "f16 largest finite (bits 7bff)."),
    ("float-f16-one-point-five", "1.5_1", "f16 1.5 (bits 3e00)."),
    ("float-f16-one", "1.0_1", "f16 1.0 (bits 3c00): integral and half-width."),
    ("float-f16-bits-one-point-five", "float'3e00'", "f16 1.5 written as exact bits; must equal 1.5_1."),
]
for name, text, comment in F:
    val(name, comment, text)

# ---------------------------------------------------------------- text
val("text-empty", "empty text: zero-length string header in every format; not null, not empty bytes.", '""')
val("text-ascii", "plain ASCII text.", '"hello, world"')
val("text-nul-inside", "text with an embedded NUL: C-string based code truncates at it.", '"a\\u0000b"')
val("text-utf8-1-byte", "U+0041 and U+007F: the 1-byte UTF-8 class at both ends.", '"A\\u007f"')
val("text-utf8-2-byte", "U+0080 and U+07FF: both ends of the 2-byte UTF-8 class.", '"\\u0080\\u07ff"')
val("text-utf8-3-byte", "U+0800 and U+FFFD: the 3-byte UTF-8 class.", '"\\u0800\\ufffd"')
val("text-utf8-4-byte", "U+10000 and U+10FFFF: both ends of the 4-byte class, as surrogate-pair escapes.", '"\\ud800\\udc00\\udbff\\udfff"')
val("text-utf8-all-classes-literal", "é € 𝄞 written as raw UTF-8 in the file (1-, 2-, 3- and 4-byte sequences).", text_lit("aé€𝄞"))
val("text-emoji", "an astral-plane emoji (U+1F600): UTF-16 based codecs need a surrogate pair.", text_lit("😀"))
val("text-emoji-zwj-sequence", "family emoji joined by U+200D: one grapheme, five code points, 18 UTF-8 bytes.", text_lit("👨\u200d👩\u200d👧"))
val("text-combining-mark", "e + U+0301 COMBINING ACUTE: must not be normalised to the precomposed U+00E9.", '"e\\u0301"')
val("text-precomposed", "U+00E9 precomposed: compare with text-combining-mark; NFC/NFD must not be applied.", '"\\u00e9"')
val("text-rtl", "Hebrew and Arabic (right-to-left) with an embedded LTR number.", text_lit("שלום 123 مرحبا"))
val("text-bom", "U+FEFF (BOM) as content: a decoder must not strip it.", '"\\ufeffx"')
val("text-u-ffff", "U+FFFF: a noncharacter but valid Unicode scalar value; must round-trip.", '"\\uffff"')
val("text-escapes", "every JSON short escape: quote, backslash, slash, b, f, n, r, t.", '"\\"\\\\\\/\\b\\f\\n\\r\\t"')
val("text-control-chars", "C0 controls and DEL: JSON writers must escape U+0000..U+001F.", '"\\u0001\\u001f\\u007f"')
val("text-line-separators", "U+2028 and U+2029: valid JSON but not valid JavaScript string literals before ES2019.", '"\\u2028\\u2029"')
val("text-len-23", "23 bytes: the longest CBOR text with the length in the initial byte.", text_lit("x" * 23))
val("text-len-24", "24 bytes: the first CBOR text needing a one-byte length.", text_lit("x" * 24))
val("text-len-31", "31 bytes: the longest msgpack fixstr.", text_lit("y" * 31))
val("text-len-32", "32 bytes: the first msgpack str8.", text_lit("y" * 32))
val("text-len-255", "255 bytes: the longest msgpack str8 / pickle SHORT_BINUNICODE.", text_lit("z" * 255))
val("text-len-256", "256 bytes: the first msgpack str16; pickle BINUNICODE.", text_lit("z" * 256))
long_text = "".join(f"line {i:04d}: the quick brown fox jumps over the lazy dog — ü ✓\n" for i in range(80))
val("text-long", "about 5.6 KB of mixed ASCII/non-ASCII text over many lines: str16 / 2-byte CBOR length.", json.dumps(long_text, ensure_ascii=False))

# ---------------------------------------------------------------- bytes
val("bytes-empty", "empty byte string: not empty text, not null; JSON has no bytes.", "h''")
val("bytes-one-zero", "a single zero byte.", "h'00'")
val("bytes-ascii-looking", "bytes that happen to be ASCII 'hello': must stay bytes, not become text.", "h'68656c6c6f'")
val("bytes-invalid-utf8", "bytes that are not UTF-8 (c3 28, ff): a codec that routes bytes through strings breaks.", "h'c328ff'")
val("bytes-all-256", "every byte value 00..ff once, in order.", "h'" + bytes(range(256)).hex() + "'")
val("bytes-len-24", "24 bytes: the first CBOR byte string needing a one-byte length.", "h'" + bytes(24).hex() + "'")
val("bytes-long-70000", "70000 bytes (pattern i*7+3 mod 256): longer than 65535, so 32-bit length headers (msgpack bin32, CBOR 0x5a).", "h'" + bytes((i * 7 + 3) % 256 for i in range(70000)).hex() + "'")

# ---------------------------------------------------------------- arrays
val("array-empty", "empty array.", "[]")
val("array-nested-empty", "an array holding an empty array.", "[[]]")
val("array-nested", "mixed nesting of arrays with scalars at several depths.", "[1, [2, [3, []]], [[4]]]")
for depth in (20, 60):
    val(f"array-depth-{depth}", f"arrays nested {depth} deep (Value::depth() == {depth}): recursion limits.", "[" * depth + "]" * depth)
for n in (15, 16, 17):
    what = {15: "the largest msgpack fixarray", 16: "the first msgpack array16", 17: "one past the fixarray boundary"}[n]
    val(f"array-{n}-elements", f"{n} elements: {what}.", arr(str(i) for i in range(n)))
for n in (23, 24):
    what = {23: "the largest CBOR array with its length in the initial byte", 24: "the first CBOR array needing a one-byte length"}[n]
    val(f"array-{n}-elements", f"{n} elements: {what}.", arr(str(i) for i in range(n)))
val("array-mixed-types", "one of each scalar kind in one array.",
    arr(["null", "true", "-1", "18446744073709551616", "1.5", "1.5_2", "1.5_1", "NaN", '"s"', "h'00'", "[]", "{}", "65300([])", "undefined"]))

# ---------------------------------------------------------------- maps
val("map-empty", "empty map.", "{}")
for n in (15, 16):
    what = {15: "the largest msgpack fixmap", 16: "the first msgpack map16"}[n]
    val(f"map-{n}-entries", f"{n} entries: {what}.", mp((text_lit(f"k{i:02d}"), str(i)) for i in range(n)))
val("map-int-keys", "integer keys, positive and negative: JSON cannot hold them as keys.", '{1: "one", -1: "minus one", 0: "zero"}')
val("map-bytes-keys", "byte-string keys.", "{h'00': 1, h'': 2, h'ff': 3}")
val("map-float-keys", "float keys incl. NaN and -0.0 (NaN != NaN in most host maps).", '{1.5: "a", NaN: "nan", -0.0: "neg zero", 0.0: "zero"}')
val("map-array-key", "an array as a key: not hashable in Python; CBOR allows it.", '{[1, 2]: "array key"}')
val("map-map-key", "a map as a key.", '{{"a": 1}: "map key"}')
val("map-null-key", "null as a key.", '{null: "null key"}')
val("map-bool-keys", "bool keys: Python dicts merge True with 1; here they must stay apart.", '{true: "t", 1: "one", false: "f", 0: "zero"}')
val("map-int-and-float-key", "1 and 1.0 as keys: equal in Python, distinct here.", '{1: "int", 1.0: "float"}')
val("map-text-and-bytes-key", "\"a\" and h'61' as keys: distinct unless a codec confuses text and bytes.", "{\"a\": 1, h'61': 2}")
val("map-duplicate-keys", "the same text key twice: order and both entries must be kept.", '{"a": 1, "a": 2}')
val("map-duplicate-int-keys", "the same integer key three times with different values.", "{7: \"x\", 7: \"y\", 7: \"x\"}")
val("map-unsorted-keys", "20 text keys in a scrambled order: encoders that sort keys change the bytes and the order.",
    mp((text_lit(f"key{(i * 7) % 20:02d}"), str(i)) for i in range(20)))
val("map-unsorted-int-keys", "integer keys in descending order: canonical CBOR would sort them.",
    mp((str(k), str(i)) for i, k in enumerate([1000, 100, 10, 1, 0, -1, -10])))
val("map-mixed-keys", "keys of many types in one map.",
    '{"s": 1, 2: 2, h\'03\': 3, 4.5: 4, null: 5, true: 6, [7]: 7, 65300([8]): 8}')
val("map-nested", "maps inside maps inside arrays.", '{"a": {"b": {"c": [{"d": null}]}}, "e": [{}, {"f": {}}]}')

# ---------------------------------------------------------------- tags
val("tag-0-datetime", "tag 0: RFC 3339 date/time string.", '0("2013-03-21T20:04:00Z")')
val("tag-1-epoch-int", "tag 1: epoch seconds as an integer.", "1(1363896240)")
val("tag-1-epoch-float", "tag 1: epoch seconds with a fraction.", "1(1363896240.5)")
val("tag-32-uri", "tag 32: URI.", '32("http://www.example.com")')
val("tag-max-number", "tag 2^64-1: the largest tag number (9-byte head).", '18446744073709551615("x")')
val("tag-nested", "nested tags: self-describe tag 55799 around tag 32 around text.", '55799(32("http://example.com/"))')
val("tag-24-embedded-cbor", "tag 24: a byte string holding CBOR (the text \"IETF\").", "24(h'6449455446')")
val("tag-bignum-pos", "tag 2 with h'010000000000000000': the integer 2^64, spelled as a bignum; parses to the integer.", "2(h'010000000000000000')")
val("tag-bignum-neg", "tag 3 with h'010000000000000000': the integer -2^64-1; parses to the integer.", "3(h'010000000000000000')")
val("tag-bignum-small", "tag 2 with h'01': the integer 1 in non-preferred bignum form; still Value::Int(1).", "2(h'01')")
val("tag-bignum-empty", "tag 2 with h'': the integer 0 (an empty magnitude).", "2(h'')")
val("tag-2-on-text", "tag 2 around text: not a bignum (content is not bytes), so it stays a Value::Tag.", '2("not a bignum")')
val("tag-ext-wrong-shape", "tag 65302 around a 3-element array: not an ext, so it stays a Value::Tag.", "65302([1, h'00', 3])")

# ---------------------------------------------------------------- msgpack ext
val("ext-timestamp32", "msgpack timestamp 32 (ext -1, 4 bytes): 2020-01-01T00:00:00Z.", "65302([-1, h'5e0be100'])")
val("ext-timestamp64", "msgpack timestamp 64 (ext -1, 8 bytes): nanoseconds 1 in the top 30 bits, seconds 2^32 in the low 34 bits.", "65302([-1, h'0000000500000000'])")
val("ext-timestamp96", "msgpack timestamp 96 (ext -1, 12 bytes): 999999999 ns, seconds -1 (before the epoch).", "65302([-1, h'3b9ac9ffffffffffffffffff'])")
val("ext-fixext1", "fixext 1 (0xd4), type 1.", "65302([1, h'01'])")
val("ext-fixext2", "fixext 2 (0xd5), type 2.", "65302([2, h'0102'])")
val("ext-fixext4", "fixext 4 (0xd6), type 4.", "65302([4, h'01020304'])")
val("ext-fixext8", "fixext 8 (0xd7), type 8.", "65302([8, h'0102030405060708'])")
val("ext-fixext16", "fixext 16 (0xd8), type 16.", "65302([16, h'" + bytes(range(16)).hex() + "'])")
val("ext-ext8-3-bytes", "3 data bytes: no fixext fits, so ext 8 (0xc7 03).", "65302([3, h'aabbcc'])")
val("ext-ext8-empty", "0 data bytes: only ext 8 with length 0 (0xc7 00) can hold it.", "65302([5, h''])")
val("ext-ext8-17-bytes", "17 data bytes: one past fixext 16, ext 8.", "65302([17, h'" + bytes(range(17)).hex() + "'])")
val("ext-ext16-256-bytes", "256 data bytes: the first ext 16 (0xc8).", "65302([42, h'" + bytes(range(256)).hex() + "'])")
val("ext-type-127", "ext type 127: the largest application type.", "65302([127, h'00'])")
val("ext-type-neg-128", "ext type -128: the most negative (reserved) type.", "65302([-128, h'00'])")
val("ext-type-zero", "ext type 0.", "65302([0, h'ff'])")

# ---------------------------------------------------------------- python
val("py-tuple-empty", "Python empty tuple (); pickle EMPTY_TUPLE.", "65300([])")
val("py-tuple-one", "Python 1-tuple (1,); pickle TUPLE1.", "65300([1])")
val("py-tuple-three", "Python 3-tuple; pickle TUPLE3, the last specialised opcode.", '65300([1, "two", 3.0])')
val("py-tuple-four", "Python 4-tuple: past TUPLE3, needs MARK ... TUPLE.", "65300([1, 2, 3, 4])")
val("py-tuple-nested", "tuples in tuples with a list inside.", "65300([65300([]), 65300([1, 65300([2])]), [3]])")
val("py-tuple-vs-array", "a tuple and an array with the same elements side by side: must stay distinct.", "[65300([1, 2]), [1, 2]]")
val("py-tuple-as-map-key", "a tuple as a dict key (hashable in Python).", '{65300([1, 2]): "pair", 65300([]): "empty"}')
val("py-set-empty", "Python empty set (no literal in Python: set()).", "258([])")
val("py-set-ints", "a set of integers.", "258([1, 2, 3])")
val("py-frozenset-empty", "Python empty frozenset.", "65301([])")
val("py-frozenset-ints", "a frozenset of integers.", "65301([3, 1, 2])")
val("py-frozenset-in-set", "frozensets inside a set (sets are unhashable, frozensets are not).", "258([65301([1]), 65301([]), 65301([2, 3])])")
val("py-set-mixed-hashables", "a set of different hashable kinds; no two are equal in Python (no 1 with True).",
    '258([1, "a", h\'62\', 65300([1, "x"]), null, 2.5, true, 65301([])])')
val("py-set-unhashable-element", "a set holding a list: not constructible in Python; pickle codecs must skip or reject it.", "258([[1]])")
val("py-dict-of-python-types", "a dict mixing tuples, sets and frozensets as values.",
    '{"t": 65300([1]), "s": 258([2]), "f": 65301([3]), "l": [4]}')

# ---------------------------------------------------------------- mixed
val("mixed-document", "a realistic record: nested maps and arrays, ints, floats, text, bytes, null, bool.",
    '{"id": 12345, "name": "Ada Lovelace", "tags": ["math", "poetry"], "score": 99.5, '
    '"ratio": 0.25_2, "avatar": h\'89504e47\', "manager": null, "active": true, '
    '"history": [{"t": 1(1363896240), "v": -3}, {"t": 1(1363896241), "v": 18446744073709551615}]}')
val("mixed-everything-nested", "every variant at least once, nested three levels deep.",
    '[{"a": [65300([258([1]), 65301([2])]), 65302([7, h\'00\']), 32("u")]}, '
    "[simple(99), undefined, -0.0_1, float'7f800001', 2(h'01000000000000000000')]]")


def main():
    for name, (comment, text) in sorted(V.items()):
        with open(os.path.join(HERE, name + ".diag"), "w", encoding="utf-8", newline="\n") as f:
            f.write(f"# {comment}\n{text}\n")
    print(f"wrote {len(V)} files")


if __name__ == "__main__":
    main()
