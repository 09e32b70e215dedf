#!/usr/bin/env python3
"""Writes corpus/bytes/<format>/<hash> and corpus/bytes/MANIFEST.tsv.

    python3 corpus/bytes/generate.py          # rewrite the corpus
    python3 corpus/bytes/generate.py --check  # also cross-check with msgpack/cbor2 if importable

Each file is one encoded input, named by the first 16 hex digits of the SHA-256
of its content (what `crossfmt::corpus::content_name` computes). MANIFEST.tsv
has one line per file: hash, format, expectation, description. Expectations:

  accept  a conforming decoder returns a value
  reject  a conforming decoder returns an error (never panics, never allocates
          the advertised size, never runs code)
  either  implementation-defined (depth limits, ranges, duplicate keys, ...);
          any outcome but a crash, a hang or unbounded memory is fine

Self-contained: only the Python 3.11 standard library. MessagePack, CBOR, JSON
text and protobuf bytes are written by the small encoders below, pickles by
CPython's own `pickle` module (protocols 0-5) and by hand from opcodes. Nothing
here ever calls `pickle.loads`. Deterministic: the script re-executes itself
with PYTHONHASHSEED=0 so that set iteration order (and so pickle bytes) is
fixed; generated with CPython 3.11.7. With `--check`, the optional packages
msgpack (1.2.4) and cbor2 (6.3.0), if importable, are used to confirm that every
`accept` input of their format decodes (they never produce corpus bytes).

The generator deletes files in the format directories it does not generate, so
hand-added inputs belong in corpus/regressions/, not here.
"""

import hashlib
import json
import os
import pickle
import pickletools
import struct
import sys

if os.environ.get("PYTHONHASHSEED") != "0":
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable] + sys.argv)

HERE = os.path.dirname(os.path.abspath(__file__))
FORMATS = ["msgpack", "cbor", "json", "pickle", "protobuf"]

CASES = {f: {} for f in FORMATS}  # format -> hash -> (bytes, expect, [descriptions])


def name_of(b):
    return hashlib.sha256(b).hexdigest()[:16]


def add(fmt, b, expect, desc):
    assert expect in ("accept", "reject", "either"), expect
    assert "\t" not in desc and "\n" not in desc, desc
    b = bytes(b)
    h = name_of(b)
    if h in CASES[fmt]:
        old_b, old_e, descs = CASES[fmt][h]
        assert old_e == expect, f"{fmt} {h}: {old_e} vs {expect} ({descs[0]} / {desc})"
        if desc not in descs:
            descs.append(desc)
    else:
        CASES[fmt][h] = (b, expect, [desc])


def truncations(fmt, b, desc, positions=None):
    """Every proper prefix (or the given lengths) of a complete value: reject."""
    for n in positions if positions is not None else range(len(b)):
        if 0 <= n < len(b):
            add(fmt, b[:n], "reject", f"{desc}, truncated to {n} of {len(b)} bytes")


# =============================================================== MessagePack
def mp_int(n):
    if 0 <= n <= 0x7F:
        return bytes([n])
    if -32 <= n < 0:
        return struct.pack(">b", n)
    if n >= 0:
        for lim, code, fmt in ((0xFF, 0xCC, ">B"), (0xFFFF, 0xCD, ">H"), (0xFFFFFFFF, 0xCE, ">I"), (2**64 - 1, 0xCF, ">Q")):
            if n <= lim:
                return bytes([code]) + struct.pack(fmt, n)
    for lim, code, fmt in ((-(2**7), 0xD0, ">b"), (-(2**15), 0xD1, ">h"), (-(2**31), 0xD2, ">i"), (-(2**63), 0xD3, ">q")):
        if n >= lim:
            return bytes([code]) + struct.pack(fmt, n)
    raise ValueError(n)


def mp_len(n, fix, fixmax, codes):
    if fix is not None and n <= fixmax:
        return bytes([fix | n])
    for (lim, code, fmt) in codes:
        if n <= lim:
            return bytes([code]) + struct.pack(fmt, n)
    raise ValueError(n)


class F32(float):
    """A float to be written at single precision."""


class Ext:
    def __init__(self, t, data):
        self.t, self.data = t, data


def mp(v):
    if v is None:
        return b"\xc0"
    if v is True:
        return b"\xc3"
    if v is False:
        return b"\xc2"
    if isinstance(v, int):
        return mp_int(v)
    if isinstance(v, F32):
        return b"\xca" + struct.pack(">f", v)
    if isinstance(v, float):
        return b"\xcb" + struct.pack(">d", v)
    if isinstance(v, str):
        b = v.encode("utf-8")
        return mp_len(len(b), 0xA0, 31, [(0xFF, 0xD9, ">B"), (0xFFFF, 0xDA, ">H"), (2**32 - 1, 0xDB, ">I")]) + b
    if isinstance(v, bytes):
        return mp_len(len(v), None, 0, [(0xFF, 0xC4, ">B"), (0xFFFF, 0xC5, ">H"), (2**32 - 1, 0xC6, ">I")]) + v
    if isinstance(v, list):
        return mp_len(len(v), 0x90, 15, [(0xFFFF, 0xDC, ">H"), (2**32 - 1, 0xDD, ">I")]) + b"".join(map(mp, v))
    if isinstance(v, dict):
        return mp_map(list(v.items()))
    if isinstance(v, Ext):
        n = len(v.data)
        fixed = {1: 0xD4, 2: 0xD5, 4: 0xD6, 8: 0xD7, 16: 0xD8}
        if n in fixed:
            head = bytes([fixed[n]])
        else:
            head = mp_len(n, None, 0, [(0xFF, 0xC7, ">B"), (0xFFFF, 0xC8, ">H"), (2**32 - 1, 0xC9, ">I")])
        return head + struct.pack(">b", v.t) + v.data
    raise TypeError(v)


def mp_map(pairs):
    return mp_len(len(pairs), 0x80, 15, [(0xFFFF, 0xDE, ">H"), (2**32 - 1, 0xDF, ">I")]) + b"".join(mp(k) + mp(v) for k, v in pairs)


def gen_msgpack():
    F = "msgpack"
    ints = [0, 1, 127, 128, 255, 256, 65535, 65536, 2**32 - 1, 2**32, 2**63, 2**64 - 1,
            -1, -32, -33, -128, -129, -32768, -32769, -(2**31), -(2**31) - 1, -(2**63)]
    for n in ints:
        add(F, mp(n), "accept", f"integer {n}, shortest encoding")
    add(F, mp(None), "accept", "nil")
    add(F, mp(True), "accept", "true")
    add(F, mp(False), "accept", "false")
    for x in [0.0, -0.0, 1.5, 0.1, 1e300, float("inf"), float("-inf"), 5e-324, 1.7976931348623157e308]:
        add(F, mp(x), "accept", f"float64 {x!r}")
    for x in [0.0, -0.0, 1.5, float("inf"), 3.4028234663852886e38]:
        add(F, mp(F32(x)), "accept", f"float32 {x!r}")
    add(F, b"\xcb" + bytes.fromhex("7ff8000000000000"), "accept", "float64 canonical NaN")
    add(F, b"\xcb" + bytes.fromhex("7ff0000000000001"), "accept", "float64 signalling NaN (payload 1)")
    add(F, b"\xcb" + bytes.fromhex("fff8000000000001"), "accept", "float64 negative NaN with payload")
    add(F, b"\xca" + bytes.fromhex("7fc00000"), "accept", "float32 canonical NaN")
    add(F, b"\xca" + bytes.fromhex("7f800001"), "accept", "float32 signalling NaN")
    add(F, b"\xca" + bytes.fromhex("00000001"), "accept", "float32 smallest subnormal")
    for n in (0, 31, 32, 255, 256, 65535, 65536):
        add(F, mp("s" * n), "accept", f"str of {n} bytes (fixstr/str8/str16/str32 boundaries)")
    add(F, mp("aé€😀"), "accept", "str with 1-, 2-, 3- and 4-byte UTF-8 sequences")
    add(F, mp("a\x00b"), "accept", "str with an embedded NUL")
    for n in (0, 1, 255, 256, 65536):
        add(F, mp(bytes(i % 256 for i in range(n))), "accept", f"bin of {n} bytes (bin8/bin16/bin32 boundaries)")
    for n in (0, 15, 16, 17):
        add(F, mp(list(range(n))), "accept", f"array of {n} elements (fixarray/array16 boundary)")
    for n in (0, 15, 16):
        add(F, mp_map([(f"k{i}", i) for i in range(n)]), "accept", f"map of {n} entries (fixmap/map16 boundary)")
    add(F, mp_map([(1, "a"), (None, "b"), (b"\x00", "c"), (1.5, "d")]), "accept", "map with int, nil, bin and float keys")
    add(F, b"\x81" + mp([1, 2]) + mp("v"), "accept", "map with an array key")
    add(F, b"\x81" + mp_map([("a", 1)]) + mp("v"), "accept", "map with a map key")
    add(F, mp_map([("a", 1), ("a", 2)]), "either", "map with a duplicate key (msgpack does not forbid it; decoders may keep both, last or first, or reject)")
    add(F, mp_map([("z", 1), ("a", 2), ("m", 3)]), "accept", "map with keys out of sorted order")
    add(F, mp([1, [2, [3, [4, []]]], {"a": [None, True]}]), "accept", "nested arrays and a map")
    add(F, mp_map([("id", 7), ("name", "x"), ("tags", ["a", "b"]), ("score", 99.5), ("raw", b"\x89PNG"), ("none", None)]), "accept", "a realistic record")
    # ext
    add(F, mp(Ext(-1, bytes.fromhex("5e0be100"))), "accept", "timestamp 32 (fixext 4, type -1)")
    add(F, mp(Ext(-1, bytes.fromhex("0000000500000000"))), "accept", "timestamp 64 (fixext 8, type -1)")
    add(F, mp(Ext(-1, bytes.fromhex("3b9ac9ffffffffffffffffff"))), "accept", "timestamp 96 (ext 8 len 12, type -1), seconds -1")
    for n in (1, 2, 4, 8, 16):
        add(F, mp(Ext(n, bytes(range(n)))), "accept", f"fixext {n}, type {n}")
    add(F, mp(Ext(3, b"\xaa\xbb\xcc")), "accept", "ext 8 with 3 bytes")
    add(F, mp(Ext(5, b"")), "accept", "ext 8 with 0 bytes")
    add(F, mp(Ext(42, bytes(256))), "accept", "ext 16 with 256 bytes")
    add(F, mp(Ext(127, b"\x00")), "accept", "ext type 127")
    add(F, mp(Ext(-128, b"\x00")), "accept", "ext type -128 (reserved range)")
    add(F, bytes.fromhex("c703ff000000"), "either", "ext type -1 with 3 bytes: an ext, but not a valid timestamp length")
    add(F, bytes.fromhex("c70cff") + struct.pack(">I", 1_000_000_000) + struct.pack(">q", 0), "either", "timestamp 96 with nanoseconds 1e9 (out of range)")
    # non-minimal encodings: valid msgpack
    add(F, bytes.fromhex("cf0000000000000001"), "accept", "1 as uint64 (non-minimal, still valid)")
    add(F, bytes.fromhex("d0ff"), "accept", "-1 as int8 (non-minimal)")
    add(F, bytes.fromhex("d90161"), "accept", "'a' as str8 (non-minimal)")
    add(F, bytes.fromhex("dc000101"), "accept", "[1] as array16 (non-minimal)")
    add(F, bytes.fromhex("de0001a16101"), "accept", "{'a': 1} as map16 (non-minimal)")
    add(F, bytes.fromhex("ca3fc00000"), "accept", "1.5 as float32")
    # nesting bomb
    add(F, b"\x91" * 10000 + b"\xc0", "either", "10000 nested one-element arrays around nil (complete; depth limits may reject)")
    add(F, b"\x91" * 10000, "reject", "10000 nested one-element arrays, never closed")
    add(F, b"\x81\xc0" * 10000 + b"\xc0", "either", "10000 nested one-entry maps {nil: {nil: ...}} (complete)")
    # reject
    add(F, b"", "reject", "empty input")
    add(F, b"\xc1", "reject", "reserved byte 0xc1 (never used)")
    add(F, b"\x92\x01\xc1", "reject", "reserved byte 0xc1 inside an array")
    add(F, b"\xc0\xc0", "reject", "trailing bytes: two nils")
    add(F, b"\x01\x00", "reject", "trailing bytes: 1 then 0")
    add(F, mp([1, 2]) + b"\xff", "reject", "trailing byte after an array")
    add(F, bytes.fromhex("ddffffffff"), "reject", "array32 of 4294967295 elements with no data (must not allocate)")
    add(F, bytes.fromhex("dfffffffff"), "reject", "map32 of 4294967295 entries with no data")
    add(F, bytes.fromhex("dbffffffff61"), "reject", "str32 of 4 GiB with 1 byte of data")
    add(F, bytes.fromhex("c6ffffffff00"), "reject", "bin32 of 4 GiB with 1 byte of data")
    add(F, bytes.fromhex("c9ffffffff0100"), "reject", "ext32 of 4 GiB with 1 byte of data")
    add(F, bytes.fromhex("dc ffff 01".replace(" ", "")), "reject", "array16 of 65535 elements with 1 element")
    add(F, bytes.fromhex("a2c328"), "reject", "str with invalid UTF-8 (c3 28); a lossless Text cannot hold it")
    add(F, bytes.fromhex("a1ff"), "reject", "str with byte ff (never valid UTF-8)")
    add(F, bytes.fromhex("a2c080"), "reject", "str with overlong NUL (c0 80)")
    add(F, bytes.fromhex("a3eda080"), "reject", "str with a UTF-8-encoded surrogate U+D800")
    add(F, bytes.fromhex("a4f4908080"), "reject", "str with a code point above U+10FFFF")
    for seed, d in [
        (mp_map([("id", 7), ("name", "héllo"), ("f", 1.5), ("b", b"\x00\x01"), ("l", [1, -200, 70000])]), "map with str/float64/bin/array values"),
        (mp(2**64 - 1), "uint64"),
        (mp(-(2**63)), "int64"),
        (mp(F32(1.5)), "float32"),
        (mp(1.5), "float64"),
        (mp("s" * 40), "str8"),
        (mp("s" * 300), "str16"),
        (mp(bytes(3)), "bin8"),
        (mp(list(range(20))), "array16"),
        (mp_map([(f"k{i}", i) for i in range(16)]), "map16"),
        (mp(Ext(-1, bytes.fromhex("3b9ac9ffffffffffffffffff"))), "timestamp 96"),
        (mp(Ext(1, b"\x01")), "fixext 1"),
        (mp(Ext(5, b"abc")), "ext 8"),
    ]:
        truncations(F, seed, d, positions=range(0, len(seed)) if len(seed) < 64 else [1, 2, 3, 4, len(seed) // 2, len(seed) - 1])


# =============================================================== CBOR
def cb_head(major, n):
    if n < 24:
        return bytes([major << 5 | n])
    for ai, lim, fmt in ((24, 0xFF, ">B"), (25, 0xFFFF, ">H"), (26, 0xFFFFFFFF, ">I"), (27, 2**64 - 1, ">Q")):
        if n <= lim:
            return bytes([major << 5 | ai]) + struct.pack(fmt, n)
    raise ValueError(n)


class Tag:
    def __init__(self, n, v):
        self.n, self.v = n, v


class Simple:
    def __init__(self, n):
        self.n = n


class Half:
    def __init__(self, bits):
        self.bits = bits


def cb(v):
    if v is None:
        return b"\xf6"
    if v is True:
        return b"\xf5"
    if v is False:
        return b"\xf4"
    if isinstance(v, int):
        if 0 <= v < 2**64:
            return cb_head(0, v)
        if -(2**64) <= v < 0:
            return cb_head(1, -1 - v)
        tag, m = (2, v) if v > 0 else (3, -1 - v)
        return cb_head(6, tag) + cb(m.to_bytes((m.bit_length() + 7) // 8, "big"))
    if isinstance(v, Half):
        return b"\xf9" + struct.pack(">H", v.bits)
    if isinstance(v, F32):
        return b"\xfa" + struct.pack(">f", v)
    if isinstance(v, float):
        return b"\xfb" + struct.pack(">d", v)
    if isinstance(v, str):
        b = v.encode("utf-8")
        return cb_head(3, len(b)) + b
    if isinstance(v, bytes):
        return cb_head(2, len(v)) + v
    if isinstance(v, list):
        return cb_head(4, len(v)) + b"".join(map(cb, v))
    if isinstance(v, dict):
        return cb_map(list(v.items()))
    if isinstance(v, Tag):
        return cb_head(6, v.n) + cb(v.v)
    if isinstance(v, Simple):
        return cb_head(7, v.n)
    raise TypeError(v)


def cb_map(pairs):
    return cb_head(5, len(pairs)) + b"".join(cb(k) + cb(v) for k, v in pairs)


def gen_cbor():
    F = "cbor"
    for n in [0, 1, 23, 24, 255, 256, 65535, 65536, 2**32 - 1, 2**32, 2**64 - 1, -1, -24, -25, -256, -257, -(2**64),
              2**64, -(2**64) - 1, 2**127, 2**256]:
        add(F, cb(n), "accept", f"integer {n}" + (" (bignum tag)" if not -(2**64) <= n < 2**64 else ""))
    add(F, cb(None), "accept", "null")
    add(F, cb(True), "accept", "true")
    add(F, cb(False), "accept", "false")
    add(F, b"\xf7", "accept", "undefined")
    for n in (0, 19, 32, 255):
        add(F, cb(Simple(n)), "accept", f"simple({n})")
    for bits, d in [(0x0000, "0.0"), (0x8000, "-0.0"), (0x3E00, "1.5"), (0x7C00, "Infinity"), (0xFC00, "-Infinity"),
                    (0x7E00, "canonical NaN"), (0x7E01, "NaN with payload"), (0x7C01, "signalling NaN"), (0xFE00, "negative NaN"),
                    (0x0001, "smallest subnormal"), (0x03FF, "largest subnormal"), (0x0400, "smallest normal"), (0x7BFF, "65504 (max)")]:
        add(F, cb(Half(bits)), "accept", f"half float {d}")
    for x in [0.0, -0.0, 1.5, 0.1, 3.4028234663852886e38, 1.401298464324817e-45]:
        add(F, cb(F32(x)), "accept", f"single float {x!r}")
    add(F, b"\xfa\x7f\x80\x00\x01", "accept", "single float signalling NaN")
    for x in [0.0, -0.0, 1.5, 0.1, 1e300, 5e-324, float("inf"), 1.7976931348623157e308]:
        add(F, cb(x), "accept", f"double float {x!r}")
    add(F, b"\xfb\x7f\xf8\x00\x00\x00\x00\x00\x01", "accept", "double NaN with payload 1")
    for n in (0, 23, 24, 255, 256, 65536):
        add(F, cb("t" * n), "accept", f"text of {n} bytes (length-header boundaries)")
        add(F, cb(bytes(n)), "accept", f"bytes of {n} bytes (length-header boundaries)")
    add(F, cb("aé€😀"), "accept", "text with every UTF-8 length class")
    add(F, cb(bytes(range(256))), "accept", "all 256 byte values")
    for n in (0, 23, 24):
        add(F, cb(list(range(n))), "accept", f"array of {n} elements")
    add(F, cb({}), "accept", "empty map")
    add(F, cb_map([(1, "a"), (b"\x00", "b"), (1.5, "c"), (None, "d"), ([1], "e"), ({"k": 1}, "f")]), "accept", "map with int, bytes, float, null, array and map keys")
    add(F, cb_map([("a", 1), ("a", 2)]), "either", "map with a duplicate key (well-formed, not valid per RFC 8949 §5.6)")
    add(F, cb_map([(10, 0), (1, 1), (-1, 2), ("b", 3), ("a", 4)]), "accept", "map with keys in non-canonical order")
    add(F, cb(Tag(0, "2013-03-21T20:04:00Z")), "accept", "tag 0 date/time")
    add(F, cb(Tag(1, 1363896240)), "accept", "tag 1 epoch int")
    add(F, cb(Tag(1, 1363896240.5)), "accept", "tag 1 epoch float")
    add(F, cb(Tag(32, "http://www.example.com")), "accept", "tag 32 URI")
    add(F, cb(Tag(2**64 - 1, "x")), "accept", "tag 2^64-1")
    add(F, cb(Tag(55799, Tag(32, "http://x/"))), "accept", "self-describe tag around tag 32")
    add(F, cb(Tag(258, [1, 2, 3])), "accept", "tag 258 set")
    add(F, cb(Tag(65300, [1, 2])), "accept", "tag 65300 (crossfmt tuple)")
    add(F, cb(Tag(65302, [-1, bytes.fromhex("5e0be100")])), "accept", "tag 65302 (crossfmt msgpack ext): timestamp 32")
    add(F, bytes.fromhex("c241") + b"\x01", "accept", "bignum 1 (non-preferred)")
    add(F, bytes.fromhex("c240"), "accept", "bignum with empty magnitude (0)")
    add(F, bytes.fromhex("c2 4a 00 00 00 00 00 00 00 00 00 01".replace(" ", "")), "accept", "bignum 1 with leading zero bytes")
    add(F, bytes.fromhex("c261") + b"x", "either", "tag 2 around text (invalid bignum content; well-formed)")
    # non-preferred / indefinite encodings
    add(F, bytes.fromhex("1b0000000000000001"), "accept", "1 with an 8-byte argument (not preferred, valid)")
    add(F, bytes.fromhex("f93c00"), "accept", "1.0 as half")
    add(F, bytes.fromhex("fb3ff0000000000000"), "accept", "1.0 as double")
    add(F, bytes.fromhex("5f42010243030405ff"), "accept", "indefinite-length byte string of two chunks")
    add(F, bytes.fromhex("7f657374726561646d696e67ff"), "accept", "indefinite-length text 'streaming' (RFC 8949 Appendix A)")
    add(F, bytes.fromhex("5fff"), "accept", "indefinite-length byte string with no chunks")
    add(F, bytes.fromhex("9f018202039f0405ffff"), "accept", "indefinite array with nested definite and indefinite arrays (RFC 8949 App. A)")
    add(F, bytes.fromhex("bf61610161629f0203ffff"), "accept", "indefinite map (RFC 8949 App. A)")
    add(F, bytes.fromhex("9fff"), "accept", "empty indefinite array")
    # nesting bombs
    add(F, b"\x81" * 10000 + b"\xf6", "either", "10000 nested one-element arrays around null (complete; depth limits may reject)")
    add(F, b"\x81" * 10000, "reject", "10000 nested one-element arrays, never closed")
    add(F, b"\x9f" * 10000, "reject", "10000 nested indefinite arrays, never closed")
    add(F, b"\x9f" * 10000 + b"\xff" * 10000, "either", "10000 nested indefinite arrays, all closed")
    add(F, b"\xc6" * 10000 + b"\x00", "either", "10000 nested tags (tag 6) around 0")
    # reject
    add(F, b"", "reject", "empty input")
    for major in range(8):
        for ai in (28, 29, 30):
            add(F, bytes([major << 5 | ai]), "reject", f"major type {major} with reserved additional information {ai}")
    add(F, bytes.fromhex("1f"), "reject", "unsigned integer with indefinite length (ai 31)")
    add(F, bytes.fromhex("3f"), "reject", "negative integer with indefinite length")
    add(F, bytes.fromhex("df00"), "reject", "tag with indefinite length (ai 31)")
    add(F, b"\xff", "reject", "break (0xff) outside an indefinite-length item")
    add(F, bytes.fromhex("8201ff"), "reject", "break inside a definite-length array")
    add(F, bytes.fromhex("a1ff"), "reject", "break as a map key in a definite map")
    for n in (0, 19, 24, 31):
        add(F, bytes([0xF8, n]), "reject", f"two-byte simple value {n} (< 32 is not well-formed)")
    add(F, bytes.fromhex("5f6161ff"), "reject", "text chunk inside an indefinite byte string")
    add(F, bytes.fromhex("7f4161ff"), "reject", "byte chunk inside an indefinite text string")
    add(F, bytes.fromhex("5f5fffff"), "reject", "indefinite chunk nested in an indefinite byte string")
    add(F, bytes.fromhex("5f01ff"), "reject", "integer chunk inside an indefinite byte string")
    add(F, bytes.fromhex("9f01"), "reject", "indefinite array without break")
    add(F, bytes.fromhex("bf01ff"), "reject", "indefinite map with an odd number of items")
    add(F, bytes.fromhex("a101"), "reject", "map with a key and no value")
    add(F, bytes.fromhex("c0"), "reject", "tag with no content")
    add(F, bytes.fromhex("62c328"), "reject", "text with invalid UTF-8 (c3 28)")
    add(F, bytes.fromhex("63eda080"), "reject", "text with a UTF-8-encoded surrogate")
    add(F, bytes.fromhex("7f61c36128ff"), "reject", "indefinite text whose chunk splits a UTF-8 sequence (c3 | 28)")
    add(F, b"\x00\x00", "reject", "trailing bytes: two integers")
    add(F, cb([1, 2]) + b"\xf6", "reject", "trailing null after an array")
    add(F, bytes.fromhex("9bffffffffffffffff"), "reject", "array of 2^64-1 elements with no data (must not allocate)")
    add(F, bytes.fromhex("bbffffffffffffffff"), "reject", "map of 2^64-1 entries with no data")
    add(F, bytes.fromhex("5affffffff00"), "reject", "byte string of 4 GiB with 1 byte of data")
    add(F, bytes.fromhex("7b000000010000000061"), "reject", "text of 4 GiB with 1 byte of data")
    add(F, bytes.fromhex("9a7fffffff"), "reject", "array of 2^31-1 elements with no data")
    for seed, d in [
        (cb_map([("id", 7), ("name", "héllo"), ("f", 1.5), ("b", b"\x00\x01"), ("l", [1, -200, 70000])]), "map with text/double/bytes/array values"),
        (cb(2**64 - 1), "uint64"),
        (cb(-(2**64)), "nint64"),
        (cb(2**64), "bignum 2^64"),
        (cb(Half(0x3E00)), "half 1.5"),
        (cb(F32(1.5)), "single 1.5"),
        (cb(1.5), "double 1.5"),
        (cb("t" * 30), "text with 1-byte length"),
        (cb(bytes(300)), "bytes with 2-byte length"),
        (cb(Tag(32, "http://x/")), "tag 32"),
        (cb(Tag(2**64 - 1, 0)), "tag 2^64-1"),
        (bytes.fromhex("f820"), "simple(32)"),
        (bytes.fromhex("5f42010243030405ff"), "indefinite byte string"),
        (bytes.fromhex("bf61610161629f0203ffff"), "indefinite map"),
    ]:
        truncations(F, seed, d, positions=range(len(seed)) if len(seed) < 64 else [1, 2, 3, len(seed) // 2, len(seed) - 1])


# =============================================================== JSON
def json_strict_ok(b):
    def bad_const(c):
        raise ValueError(c)

    def pairs(ps):
        return ps

    try:
        s = b.decode("utf-8")
        json.loads(s, parse_constant=bad_const, object_pairs_hook=pairs)
        return True
    except (ValueError, UnicodeDecodeError, RecursionError):
        return False


def gen_json():
    F = "json"
    acc = [
        (b"null", "null"), (b"true", "true"), (b"false", "false"), (b"0", "0"), (b"-0", "-0 (integer minus zero)"),
        (b"-0.0", "-0.0"), (b"1.5", "1.5"), (b"1E+2", "1E+2 (upper-case exponent)"), (b"1e-7", "1e-7"),
        (b"0.1", "0.1"), (b"1e300", "1e300"), (b"-1.7976931348623157e308", "most negative finite double"),
        (b"5e-324", "smallest subnormal double"), (b"9223372036854775807", "i64 max"), (b"-9223372036854775808", "i64 min"),
        (b"18446744073709551615", "u64 max"), (b'""', "empty string"), (b'"hello"', "ASCII string"),
        (b'"\\u0000"', "escaped NUL"), (b'"\\ud83d\\ude00"', "surrogate-pair escape (U+1F600)"),
        ('"aé€😀"'.encode(), "raw UTF-8 of every length class"), (b'"\\"\\\\\\/\\b\\f\\n\\r\\t"', "every short escape"),
        (b'"\\u00e9"', "escaped e-acute"), ('"\u2028\u2029"'.encode(), "raw U+2028/U+2029"),
        (b"[]", "empty array"), (b"{}", "empty object"), (b" \t\r\n[ 1 , 2 ] \n", "whitespace everywhere allowed"),
        (b'[1,"a",null,true,false,1.5,{},[]]', "mixed array"), (b'{"a":{"b":{"c":[{"d":null}]}}}', "nested objects"),
        (b'{"z":1,"a":2,"m":3}', "keys out of sorted order"), (b'{"":0}', "empty key"),
        (json.dumps({"id": 7, "name": "Ada", "tags": ["x", "y"], "score": 99.5, "ok": True, "none": None}).encode(), "a realistic record"),
        (json.dumps("s" * 5000).encode(), "5000-character string"),
        (json.dumps(list(range(1000))).encode(), "array of 1000 integers"),
    ]
    for b, d in acc:
        assert json_strict_ok(b), d
        add(F, b, "accept", d)
    either = [
        (b"18446744073709551616", "u64 max + 1 (valid JSON; exceeds 64-bit integers)"),
        (b"-18446744073709551617", "big negative integer"),
        (b"1" + b"0" * 400, "integer with 401 digits"),
        (b"1e99999", "huge exponent (valid grammar; overflows double)"),
        (b"-1e99999", "huge negative exponent value (overflows to -inf)"),
        (b"1e-99999", "tiny exponent (underflows to 0)"),
        (b"0." + b"0" * 1000 + b"1", "1001 fraction digits"),
        (b'{"a":1,"a":2}', "duplicate key (RFC 8259: names SHOULD be unique)"),
        (b"\xef\xbb\xbf[]", "UTF-8 BOM before the document (RFC 8259 §8.1: MAY ignore)"),
        (b"[" * 10000 + b"]" * 10000, "10000 nested arrays (complete; depth limits may reject)"),
        (b'{"a":' * 10000 + b"1" + b"}" * 10000, "10000 nested objects (complete)"),
        (b'"\\uffff"', "escaped noncharacter U+FFFF"),
    ]
    # Lone surrogate escapes are grammatical JSON that names no Unicode
    # scalar value: parsers refuse them or read them into text that is not.
    unpredictable = " (RFC 8259 §8.2: grammatical, behaviour unpredictable)"
    either += [
        (b'"\\ud800"', "lone high surrogate escape (grammatical, but no Unicode scalar value; a lossless Text cannot hold it)" + unpredictable),
        (b'"\\udc00"', "lone low surrogate escape" + unpredictable),
        (b'"\\ud800\\u0041"', "high surrogate followed by a non-surrogate escape" + unpredictable),
    ]
    for b, d in either:
        add(F, b, "either", d)
    rej = [
        (b"", "empty input"), (b" ", "whitespace only"), (b"[1,]", "trailing comma in array"),
        (b'{"a":1,}', "trailing comma in object"), (b"[,1]", "leading comma"), (b"[1,,2]", "double comma"),
        (b"NaN", "NaN literal"), (b"[NaN]", "NaN literal in an array"), (b"Infinity", "Infinity literal"),
        (b"-Infinity", "-Infinity literal"),
        (b"{a:1}", "unquoted key"), (b"{'a':1}", "single-quoted key"), (b"['a']", "single-quoted string"),
        (b'{1:1}', "number as key"), (b'{"a" 1}', "missing colon"), (b'{"a":}', "missing value"),
        (b"01", "leading zero"), (b"-01", "negative leading zero"), (b"00", "double zero"), (b"+1", "leading plus"),
        (b".5", "no integer part"), (b"1.", "no fraction digits"), (b"1e", "no exponent digits"), (b"1e+", "exponent sign only"),
        (b"0x10", "hex number"), (b"- 1", "space after minus"), (b"1_000", "underscore in number"),
        (b"tru", "truncated true"), (b"nul", "truncated null"), (b"True", "capitalised True"), (b"None", "Python None"),
        (b"[", "unclosed array"), (b"]", "lone close bracket"), (b"{", "unclosed object"), (b'{"a":1', "object missing close"),
        (b"[1 2]", "missing comma"), (b'"abc', "unterminated string"), (b'"a\x01b"', "raw control character in string"),
        (b'"a\nb"', "raw newline in string"), (b'"\\x41"', "invalid escape \\x"), (b'"\\u12"', "short \\u escape"),
        (b'"\\uZZZZ"', "non-hex \\u escape"), (b'"\\a"', "invalid escape \\a"), (b'"\xc3\x28"', "invalid UTF-8 in string"),
        (b'"\xff"', "byte ff in string"), (b'"\xed\xa0\x80"', "UTF-8-encoded surrogate in string"), (b'"\xc0\x80"', "overlong NUL"),
        (b"[1] x", "trailing garbage"), (b"[1][2]", "two documents"), (b"1 2", "two numbers"), (b"[1]//c", "line comment"),
        (b"/*c*/[1]", "block comment"), (b"[1]\x00", "trailing NUL byte"), (b"\x00", "NUL byte"),
        (b"[" * 10000, "10000 unclosed arrays"), (b'"\\', "string ending in a backslash"),
        ("[1]".encode("utf-16-le"), "UTF-16LE document"), (b"\xef\xbb", "truncated BOM"),
    ]
    for b, d in rej:
        assert not json_strict_ok(b) or d.startswith("lone") or "surrogate" in d, d
        add(F, b, "reject", d)
    seed = json.dumps({"id": 7, "name": "h\u00e9llo \ud83d\ude00", "f": -1.5e-3, "l": [1, None, True, "x\\\"y"], "e": {}}, ensure_ascii=True).encode()
    for n in range(len(seed)):
        p = seed[:n]
        if not json_strict_ok(p):
            add(F, p, "reject", f"a record, truncated to {n} of {len(seed)} bytes")
    seed = '["aé€😀"]'.encode()
    for n in range(len(seed)):
        add(F, seed[:n], "reject", f"array of a string with raw multi-byte UTF-8, truncated to {n} of {len(seed)} bytes")


# =============================================================== pickle
class Op:
    """Hand-written pickle opcodes (see pickletools)."""
    PROTO = b"\x80"
    STOP = b"."
    NONE = b"N"
    MARK = b"("
    GLOBAL = b"c"
    REDUCE = b"R"
    TUPLE = b"t"
    TUPLE1 = b"\x85"
    EMPTY_LIST = b"]"
    APPEND = b"a"
    BINPUT = b"q"
    BINGET = b"h"
    SHORT_BINUNICODE = b"\x8c"
    BINUNICODE = b"X"
    BINUNICODE8 = b"\x8d"
    BINBYTES8 = b"\x8e"
    STACK_GLOBAL = b"\x93"
    MEMOIZE = b"\x94"
    FRAME = b"\x95"
    LONG4 = b"\x8b"
    BININT1 = b"K"
    NEXT_BUFFER = b"\x97"


def uses_global(b):
    return any(op.name in ("GLOBAL", "STACK_GLOBAL", "INST", "OBJ", "NEWOBJ", "NEWOBJ_EX", "REDUCE", "BUILD") for op, _, _ in pickletools.genops(b))


def gen_pickle():
    F = "pickle"
    shared = [1, 2]
    objs = [
        (None, "None"), (True, "True"), (False, "False"), (0, "0"), (1, "1"), (-1, "-1"), (255, "255"), (256, "256"),
        (65535, "65535"), (65536, "65536"), (2**31 - 1, "i32 max"), (-(2**31), "i32 min"), (2**31, "2^31"),
        (2**63 - 1, "i64 max"), (-(2**63), "i64 min"), (2**64, "2^64"), (-(2**64) - 1, "-2^64-1"), (2**127, "2^127"),
        (10**100, "10^100"), (2**2048 - 1, "2^2048-1 (LONG4 in binary protocols)"),
        (0.0, "0.0"), (-0.0, "-0.0"), (1.5, "1.5"), (0.1, "0.1"), (1e300, "1e300"), (float("inf"), "inf"), (float("-inf"), "-inf"),
        (float("nan"), "nan"), (5e-324, "smallest subnormal"),
        ("", "empty str"), ("hello", "ASCII str"), ("aé€😀", "str with every UTF-8 length class"), ("a\x00b\n\\", "str with NUL, newline and backslash"),
        ("s" * 300, "300-character str"), (b"", "empty bytes"), (b"\x00\xff", "bytes 00 ff"), (bytes(range(256)), "all 256 byte values"),
        ([], "empty list"), ([1, "a", None], "list"), ((), "empty tuple"), ((1,), "1-tuple"), ((1, 2), "2-tuple"), ((1, 2, 3), "3-tuple"),
        ((1, 2, 3, 4), "4-tuple"), ({}, "empty dict"), ({"a": 1, "b": [2, 3]}, "dict"), ({1: "int key", (1, 2): "tuple key", None: "none key", 1.5: "float key"}, "dict with non-str keys"),
        (set(), "empty set"), ({1, 2, 3}, "set of ints"), (frozenset(), "empty frozenset"), (frozenset({1, 2}), "frozenset"),
        ({frozenset({1}), frozenset()}, "set of frozensets"), ({1, "a", (1, "x"), None, 2.5}, "set of mixed hashables"),
        ([[[[]]], ((),), {"k": {"k": {}}}], "nested containers"), ([shared, shared, (shared,)], "shared reference (same list three times; memo GET)"),
        ({"id": 7, "name": "Ada", "tags": ["x", "y"], "score": 99.5, "ok": True, "none": None, "raw": b"\x89PNG"}, "a realistic record"),
        (list(range(1000)), "list of 1000 ints (APPENDS batching)"),
        ({f"k{i}": i for i in range(1200)}, "dict of 1200 entries (SETITEMS batching and FRAME)"),
    ]
    for obj, d in objs:
        for proto in range(6):
            b = pickle.dumps(obj, protocol=proto)
            if uses_global(b):
                # CPython's own encoding of plain data through builtins
                # (set/frozenset before protocol 4, bytes before 3): a data-only
                # decoder with an allowlist accepts, a stricter one rejects.
                names = sorted({str(a).replace(" ", ".") for op, a, _ in pickletools.genops(b) if op.name == "GLOBAL"})
                add(F, b, "either", f"{d}, protocol {proto}, by CPython; uses GLOBAL {', '.join(names) or 'via STACK_GLOBAL'}")
            else:
                add(F, b, "accept", f"{d}, protocol {proto}, by CPython")
    # malicious / code-executing: hand-built, never loaded
    add(F, b"cos\nsystem\n(S'echo pwned'\ntR.", "reject", "protocol 0 GLOBAL os.system + REDUCE (code execution; must never run)")
    add(F, b"\x80\x02c__builtin__\neval\nq\x00X\x06\x00\x00\x00print()q\x01\x85q\x02Rq\x03.", "reject", "protocol 2 GLOBAL builtins.eval + REDUCE")
    add(F, b"\x80\x04\x8c\x08builtins\x94\x8c\x04exec\x94\x93\x94\x8c\x04pass\x94\x85\x94R\x94.", "reject", "protocol 4 STACK_GLOBAL builtins.exec + REDUCE")
    add(F, b"cos\nsystem\n.", "reject", "bare GLOBAL os.system as the result (a callable is not data)")
    add(F, b"\x80\x02csubprocess\nPopen\nq\x00.", "reject", "protocol 2 GLOBAL subprocess.Popen")
    # structural rejects
    add(F, b"", "reject", "empty input")
    add(F, b"N", "reject", "None without STOP")
    add(F, b".", "reject", "STOP on an empty stack")
    add(F, b"\xff.", "reject", "unknown opcode 0xff")
    add(F, b"\x80\x06N.", "reject", "PROTO 6 (unsupported protocol)")
    add(F, b"N.N", "reject", "trailing bytes after STOP (CPython's loads ignores them; a single-value decoder must not)")
    add(F, b"NN.", "reject", "two values on the stack at STOP (CPython returns the top one; pickletools calls it an error)")
    add(F, b"\x80\x02a.", "reject", "APPEND on an empty stack")
    add(F, b"\x80\x02K\x01a.", "reject", "APPEND onto an int (not a list)")
    add(F, b"\x80\x02(K\x01.", "reject", "MARK left open at STOP")
    add(F, b"\x80\x02t.", "reject", "TUPLE without MARK")
    add(F, b"\x80\x02h\x05.", "reject", "BINGET of a memo index never PUT")
    add(F, b"\x80\x02]q\x00h\x00a.", "reject", "a list that contains itself (l = [l]): a cycle no tree value can hold")
    add(F, b"\x80\x02}q\x00K\x01h\x00s.", "reject", "a dict that contains itself as a value")
    add(F, b"X\x02\x00\x00\x00\xc3(.", "reject", "BINUNICODE with invalid UTF-8")
    add(F, b"\x8c\x01\xff.", "reject", "SHORT_BINUNICODE with byte ff")
    add(F, b"\x80\x04\x8d\xff\xff\xff\xff\xff\xff\xff\x7fabc.", "reject", "BINUNICODE8 of 2^63-1 bytes with 3 bytes of data (must not allocate)")
    add(F, b"\x80\x04\x8e\xff\xff\xff\xff\xff\xff\xff\x7fabc.", "reject", "BINBYTES8 of 2^63-1 bytes with 3 bytes of data")
    add(F, b"X\xff\xff\xff\xffabc.", "reject", "BINUNICODE of 4 GiB with 3 bytes of data")
    add(F, b"\x80\x04\x95\xff\xff\xff\xff\xff\xff\xff\x7fN.", "reject", "FRAME of 2^63-1 bytes")
    add(F, b"\x80\x02\x8b\xff\xff\xff\x7f\x01.", "reject", "LONG4 of 2 GiB with 1 byte")
    add(F, b"\x80\x05\x97.", "reject", "NEXT_BUFFER without out-of-band buffers")
    add(F, b"I12x\n.", "reject", "protocol 0 INT with a non-digit")
    add(F, b"F1.5.5\n.", "reject", "protocol 0 FLOAT that is not a float")
    add(F, b"S'abc\n.", "reject", "protocol 0 STRING with no closing quote")
    add(F, b"\x80\x02" + b"]" * 10000 + b"a" * 9999 + b".", "either", "10000 nested lists built with EMPTY_LIST/APPEND (complete; depth limits may reject)")
    add(F, b"\x80\x02" + b"(" * 10000 + b"N.", "reject", "10000 MARKs never closed")
    add(F, b"\x80\x02" + b"N\x85" * 1 + b"\x85" * 10000 + b".", "either", "10000 nested 1-tuples via TUPLE1")
    for obj, d in [({"id": 7, "name": "héllo", "f": 1.5, "b": b"\x00\x01", "l": [1, -200, 2**70], "t": (1,)}, "a record"),
                   ([1.5, "s" * 20, 2**64], "list of float, str, long")]:
        for proto in (0, 2, 4, 5):
            seed = pickle.dumps(obj, protocol=proto)
            truncations(F, seed, f"{d}, protocol {proto}, by CPython", positions=range(len(seed)) if len(seed) < 100 else range(0, len(seed), 3))


# =============================================================== protobuf
def varint(n):
    assert n >= 0
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def zigzag(n):
    return (n << 1) ^ (n >> 63) if n >= 0 else ((-n) << 1) - 1


def key(field, wt):
    return varint(field << 3 | wt)


def ld(field, body):
    return key(field, 2) + varint(len(body)) + body


def pb(v):
    """A Value message for a Python value."""
    if v is None:
        return ld(1, b"")
    if isinstance(v, bool):
        return key(2, 0) + varint(int(v))
    if isinstance(v, int):
        if v < 0 or v < 2**63:
            return key(3, 0) + varint(zigzag(v))
        return key(4, 0) + varint(v)
    if isinstance(v, F32):
        return key(5, 5) + struct.pack("<f", v)
    if isinstance(v, float):
        return key(6, 1) + struct.pack("<d", v)
    if isinstance(v, str):
        return ld(7, v.encode("utf-8"))
    if isinstance(v, bytes):
        return ld(8, v)
    if isinstance(v, list):
        return ld(9, b"".join(ld(1, pb(x)) for x in v))
    if isinstance(v, dict):
        return pb_map(list(v.items()))
    raise TypeError(v)


def pb_map(pairs):
    return ld(10, b"".join(ld(1, ld(1, pb(k)) + ld(2, pb(v))) for k, v in pairs))


def gen_protobuf():
    F = "protobuf"
    for v, d in [(None, "null"), (True, "bool true"), (False, "bool false (explicitly set oneof member)"), (0, "int 0"), (1, "int 1"),
                 (-1, "int -1 (zigzag 1)"), (2**63 - 1, "int i64 max"), (-(2**63), "int i64 min (zigzag 2^64-1, 10-byte varint)"),
                 (2**63, "uint 2^63"), (2**64 - 1, "uint u64 max"), (1.5, "f64 1.5"), (-0.0, "f64 -0.0"), (float("inf"), "f64 inf"),
                 (5e-324, "f64 smallest subnormal"), (F32(1.5), "f32 1.5"), (F32(-0.0), "f32 -0.0"), ("", "empty text"),
                 ("hello", "text"), ("aé€😀", "text with every UTF-8 length class"), (b"", "empty bytes"), (bytes(range(256)), "all 256 byte values"),
                 ([], "empty list"), ([1, "a", None, [True]], "mixed nested list"), ({}, "empty map"),
                 ({"a": 1, "b": [2.5]}, "map with text keys"), ({1: "x", None: b"\x00"}, "map with int and null keys"),
                 ("s" * 200, "text of 200 bytes (2-byte length varint)"), (list(range(300)), "list of 300 ints")]:
        add(F, pb(v), "accept", d)
    add(F, pb_map([("a", 1), ("a", 2)]), "accept", "map with a duplicate key (repeated entries; order kept)")
    add(F, key(6, 1) + bytes.fromhex("010000000000f87f"), "accept", "f64 NaN with payload 1 (little-endian)")
    add(F, key(5, 5) + bytes.fromhex("0100807f"), "accept", "f32 signalling NaN")
    add(F, key(4, 0) + varint(5), "accept", "uint 5 (small value in the uint field)")
    add(F, key(3, 0) + b"\x80\x00", "accept", "int 0 as a non-minimal 2-byte varint")
    add(F, key(3, 0) + b"\x82\x80\x80\x80\x80\x80\x80\x80\x80\x00", "accept", "int 1 as a 10-byte varint (tenth byte 0)")
    add(F, pb(True) + pb(7), "accept", "two oneof members: the last one (int 7) wins")
    add(F, pb(1) + pb(2), "accept", "the same field twice: the last (int 2) wins")
    add(F, pb([1]) + pb([2]), "accept", "list field twice: embedded messages merge (items [1, 2])")
    add(F, pb("x") + key(15, 0) + varint(1), "accept", "text plus unknown varint field 15")
    add(F, key(100, 2) + varint(3) + b"abc" + pb(1), "accept", "unknown length-delimited field 100 before int 1")
    add(F, key(99, 5) + b"\x00\x00\x00\x00" + key(98, 1) + bytes(8) + pb(None), "accept", "unknown fixed32 and fixed64 fields before null")
    add(F, key(2**29 - 1, 0) + b"\x00" + pb(1), "accept", "unknown field with the largest field number 2^29-1")
    add(F, key(20, 3) + key(1, 0) + b"\x01" + key(20, 4) + pb(1), "either", "unknown group (wire types 3/4, deprecated) before int 1")
    add(F, b"", "either", "empty message: a Value with no kind set")
    add(F, key(9, 2) + b"\x02" + ld(1, b""), "either", "a list holding a Value with no kind set")
    add(F, ld(10, ld(1, b"")), "either", "a map entry with neither key nor value")
    add(F, ld(10, ld(1, ld(1, pb("k")))), "either", "a map entry with a key and no value")
    add(F, key(2, 0) + varint(2), "either", "bool encoded as 2 (parsers normally take any non-zero as true)")
    add(F, key(3, 0) + b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", "either", "10-byte varint whose tenth byte sets bits above 64")
    # reject
    add(F, key(3, 0), "reject", "int field key with no varint")
    add(F, key(3, 0) + b"\x80", "reject", "truncated varint (continuation bit, then end)")
    add(F, key(3, 0) + b"\xff" * 9, "reject", "truncated 9-byte varint")
    add(F, key(3, 0) + b"\xff" * 10 + b"\x01", "reject", "over-long varint: 11 bytes")
    add(F, key(3, 0) + b"\x80" * 10 + b"\x00", "reject", "over-long varint: 11 bytes of zero value")
    add(F, b"\x80", "reject", "truncated key varint")
    add(F, b"\x00\x00", "reject", "field number 0")
    add(F, b"\x0f", "reject", "wire type 7 (invalid)")
    add(F, b"\x0e\x00", "reject", "wire type 6 (invalid)")
    add(F, key(2**29, 0) + b"\x00", "reject", "field number 2^29 (above the maximum)")
    add(F, key(3, 2) + b"\x01\x00", "reject", "wrong wire type: sint64 field as length-delimited")
    add(F, key(7, 0) + b"\x01", "reject", "wrong wire type: string field as varint")
    add(F, key(9, 0) + b"\x01", "reject", "wrong wire type: message field as varint")
    add(F, key(6, 5) + b"\x00\x00\x00\x00", "reject", "wrong wire type: double field as fixed32")
    add(F, key(5, 1) + bytes(8), "reject", "wrong wire type: float field as fixed64")
    add(F, key(20, 4), "reject", "end-group with no start-group")
    add(F, key(20, 3) + pb(1), "reject", "start-group never ended")
    add(F, key(7, 2) + b"\x05ab", "reject", "string length 5 with 2 bytes")
    add(F, key(8, 2) + b"\xff\xff\xff\xff\x0f", "reject", "bytes length 4 GiB with no data (must not allocate)")
    add(F, key(9, 2) + b"\xff\xff\xff\xff\xff\xff\xff\xff\x7f", "reject", "list length 2^63-1")
    add(F, ld(7, b"\xc3\x28"), "reject", "string with invalid UTF-8 (proto3 strings must be UTF-8)")
    add(F, ld(7, b"\xed\xa0\x80"), "reject", "string with a UTF-8-encoded surrogate")
    add(F, key(6, 1) + b"\x00\x00\x00", "reject", "truncated double")
    add(F, key(5, 5) + b"\x00", "reject", "truncated float")
    add(F, ld(9, b"\x0a\x05\x18\x02"), "reject", "list item whose length overruns the list")
    add(F, ld(9, ld(1, key(3, 0) + b"\x80")), "reject", "list item holding a truncated varint")
    # nesting bomb: 10000 nested lists [[[...]]]
    inner = b""
    for _ in range(10000):
        inner = ld(9, ld(1, inner) if inner else b"")
    add(F, inner, "either", "10000 nested lists (complete; prost's recursion limit is 100)")
    add(F, inner[:len(inner) // 2], "reject", "10000 nested lists truncated in the middle")
    for seed, d in [(pb({"id": 7, "name": "héllo", "f": 1.5, "l": [1, -200, 2**64 - 1, F32(2.5)], "b": b"\x00\x01"}), "a record map"),
                    (pb(-(2**63)), "int i64 min"), (pb(2**64 - 1), "uint u64 max"), (pb(1.5), "f64"), (pb(F32(1.5)), "f32"),
                    (pb("hello"), "text"), (pb([None, True]), "list"), (pb("s" * 200), "text with 2-byte length")]:
        # one top-level field: every proper non-empty prefix is incomplete
        truncations(F, seed, d, positions=range(1, len(seed)))


def stream(fmt, records, desc, tail=b"", tail_desc=None):
    """A stream of several records (`either` as one value: a one-value
    decoder may refuse the values after the first or ignore them). The
    description says how many records a stream reader must return, and
    where the error is when `tail` (garbage, or a cut record) follows."""
    body = b"".join(records)
    what = f"stream of {len(records)} records"
    if tail:
        what += f", then {tail_desc} at offset {len(body)}"
    add(fmt, body + tail, "either", f"{what}: {desc}")


def gen_streams():
    """Record streams with boundaries that straddle what readers buffer: a
    multi-byte UTF-8 character, a float, a length header, a record larger
    than a reader's 8 KiB buffer (split at every offset up to 256 bytes by
    the chunked check, and at random ones beyond)."""
    text = "aé€😀" * 3
    floats = [1.5, F32(-0.25), float("inf"), 5e-324]
    big = "x" * 9000
    mixed = [None, True, 7, -300, 2**40, text, b"\x00\xff" * 3, [1, [2, [3]]], {"k": [1.5, "v"]}]
    stream("msgpack", [mp(v) for v in mixed], "every kind of value, a str with every UTF-8 length class")
    stream("msgpack", [mp(v) for v in floats], "floats f64/f32, inf, the smallest subnormal")
    stream("msgpack", [mp(big), mp("tail")], "a 9000-byte str16 (past an 8 KiB read buffer), then a short str")
    stream("msgpack", [mp(i) for i in range(200)] , "200 one-byte records")
    stream("msgpack", [mp(text), mp([1, 2])], "two records", b"\xc1", "the reserved marker c1 (garbage)")
    stream("msgpack", [mp(text), mp([1, 2])], "two records", mp("cut short")[:5], "a str cut short")
    cb_mixed = [None, True, 7, -300, 2**70, text, b"\x00\xff" * 3, [1, [2, [3]]], {"k": [1.5, "v"]}, Tag(1, 1700000000)]
    stream("cbor", [cb(v) for v in cb_mixed], "every kind of value (RFC 8742 sequence), a bignum, a tagged epoch")
    stream("cbor", [b"\xf9\x3e\x00", cb(F32(-0.25)), cb(float("inf")), cb(5e-324)], "floats f16/f32/f64, inf, the smallest subnormal")
    stream("cbor", [b"\x5f\x42\x01\x02\x43\x03\x04\x05\xff", b"\x7f\x62\xc3\xa9\x61a\xff", cb(1)], "indefinite-length byte and text strings (a 2-byte character in a chunk)")
    stream("cbor", [cb(big), cb("tail")], "a 9000-byte text string (past an 8 KiB read buffer), then a short one")
    stream("cbor", [cb(text), cb([1, 2])], "two records", b"\xff", "a stray break (garbage)")
    stream("cbor", [cb(text), cb([1, 2])], "two records", cb({"cut": "short"})[:4], "a map cut short")
    lines = [json.dumps(v, ensure_ascii=False).encode() + b"\n" for v in [None, True, 7, -300, 2**40, text, [1, [2, [3]]], {"k": [1.5, "v"]}, "\u00e9\n\"\\"]]
    stream("json", lines, "JSON Lines: every kind of value, raw and escaped non-ASCII text")
    stream("json", [json.dumps(big).encode() + b"\n", b'"tail"\n'], "JSON Lines: a 9000-byte line (past an 8 KiB read buffer), then a short one")
    stream("json", [b"1.5\n", b"-0.25\n", b"5e-324\n", b"1e308\n"], "JSON Lines: numbers")
    stream("json", lines[:2], "JSON Lines", b"123", "a last line without its newline (a number cut short)")
    for proto in range(6):
        recs = [pickle.dumps(v, protocol=proto) for v in [None, 7, text, [1, (2, 3)], {"k": [1.5, "v"]}]]
        stream("pickle", recs, f"protocol {proto}: pickles appended to one file")
    stream("pickle", [pickle.dumps({f"k{i}": i for i in range(1200)}, protocol=4), pickle.dumps("tail", protocol=4)],
           "protocol 4: a pickle of two frames, then another")
    stream("pickle", [pickle.dumps(text, protocol=2), pickle.dumps([1], protocol=2)], "two records", b"\xff", "a byte that is no opcode (garbage)")
    stream("pickle", [pickle.dumps(text, protocol=4), pickle.dumps([1], protocol=4)], "two records", pickle.dumps("cut short", protocol=4)[:-3], "a pickle cut short")
    delimited = lambda m: varint(len(m)) + m
    stream("protobuf", [delimited(pb(v)) for v in [None, True, 7, -300, text, b"\x00\xff", [1, [2]], {"k": 1.5}]], "length-delimited Value messages")
    stream("protobuf", [delimited(pb("y" * 200)), delimited(pb(big))], "length headers of two and three bytes")
    stream("protobuf", [delimited(pb(text))], "one message", delimited(pb("cut short"))[:-2], "a message cut short")


def main():
    check = "--check" in sys.argv
    gen_msgpack()
    gen_cbor()
    gen_json()
    gen_pickle()
    gen_protobuf()
    gen_streams()
    if check:
        cross_check()
    lines = []
    total = 0
    for fmt in FORMATS:
        d = os.path.join(HERE, fmt)
        os.makedirs(d, exist_ok=True)
        wanted = set(CASES[fmt])
        for old in os.listdir(d):
            if old not in wanted:
                os.remove(os.path.join(d, old))
        for h, (b, expect, descs) in sorted(CASES[fmt].items()):
            with open(os.path.join(d, h), "wb") as f:
                f.write(b)
            total += len(b)
            lines.append(f"{h}\t{fmt}\t{expect}\t{'; '.join(descs)}\n")
    with open(os.path.join(HERE, "MANIFEST.tsv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("# hash\tformat\texpect\tdescription\n")
        f.writelines(lines)
    for fmt in FORMATS:
        c = {e: 0 for e in ("accept", "reject", "either")}
        for _, e, _ in CASES[fmt].values():
            c[e] += 1
        print(f"{fmt:9} {len(CASES[fmt]):4} files  accept {c['accept']:3}  reject {c['reject']:3}  either {c['either']:3}")
    print(f"total {sum(len(c) for c in CASES.values())} files, {total} bytes")


def cross_check():
    """Optional: confirm `accept` inputs decode with independent libraries."""
    try:
        import msgpack
    except ImportError:
        msgpack = None
    try:
        import cbor2
    except ImportError:
        cbor2 = None
    if msgpack:
        for h, (b, e, d) in CASES["msgpack"].items():
            ok = True
            try:
                msgpack.unpackb(b, raw=False, strict_map_key=False, timestamp=0, use_list=True)
            except Exception:
                ok = False
            if (e == "accept" and not ok) or (e == "reject" and ok):
                print(f"msgpack disagrees ({e}): {h} {d[0]}", file=sys.stderr)
    if cbor2:
        for h, (b, e, d) in CASES["cbor"].items():
            ok = True
            try:
                cbor2.loads(b)
            except Exception:
                ok = False
            if (e == "accept" and not ok) or (e == "reject" and ok):
                print(f"cbor2 disagrees ({e}): {h} {d[0]}", file=sys.stderr)


if __name__ == "__main__":
    main()
