#!/usr/bin/env python3
"""crossfmt's own MessagePack decode suite -> conformance/suites/msgpack-negative.json.

What the public suite lacks: truncations, the reserved marker, oversized
length headers, nesting bombs, invalid UTF-8, trailing bytes, non-shortest
forms and duplicate keys. Every expectation but the bombs' is checked
against this folder's own reader before it is written.
"""

import sys

import msgpack_bytes
from diag import diag
from suite import INVALID_UTF8, Suite, add_trailing, add_truncations, load_vectors

SPEC = "MessagePack spec (msgpack/msgpack spec.md)"


def valid_vectors():
    vectors = load_vectors("msgpack-test-suite.json")
    return [bytes.fromhex(t.replace("-", "")) for entries in vectors.values() for e in entries for t in e["msgpack"]]


def reserved(suite):
    source = f"{SPEC} \"Overview\": 0xc1 is never used"
    for cid, data in (("c1", "c1"), ("c1-in-array", "91c1"), ("c1-as-map-key", "81c1c0"), ("c1-as-map-value", "81c0c1")):
        suite.checked_decode(f"reserved/{cid}", bytes.fromhex(data), "reject", source, note="0xc1 is not a MessagePack marker")


def oversized(suite):
    source = f"{SPEC} \"str/bin/array/map/ext format family\": the length field counts what follows"
    note = "a length near 2^32 with nothing behind it: reject without allocating the advertised size"
    for name, marker in (("str32", "db"), ("bin32", "c6"), ("array32", "dd"), ("map32", "df"), ("ext32", "c9")):
        for length in ("ffffffff", "fffffffe", "80000000", "7fffffff"):
            tail = "01" if name == "ext32" else ""  # an ext's type byte, so only the data is missing
            data = bytes.fromhex(marker + length + tail)
            suite.checked_decode(f"oversized/{name}/{length}", data, "reject", source, note=note)
    for name, data in (("str16", "daffff61"), ("bin16", "c5ffff00"), ("array16", "dcffffc0"), ("map16", "deffffc0c0")):
        suite.checked_decode(f"oversized/{name}/ffff", bytes.fromhex(data), "reject", source, note=note)


def bombs(suite):
    source = f"{SPEC} (no depth limit is specified; crossfmt: a decoder must survive any depth)"
    note = "implementation-defined: accept or reject, but never crash, hang or exhaust memory"
    for depth in (1000, 100000):
        suite.decode(f"nesting/array/{depth}", b"\x91" * depth + b"\x90", "implementation-defined", source, note=note)
        suite.decode(f"nesting/map/{depth}", b"\x81\xc0" * depth + b"\x80", "implementation-defined", source, note=note)
    unterminated = b"\x91" * 100000
    suite.decode(
        "nesting/array/100000-unterminated",
        unterminated,
        "reject",
        source,
        note="100 000 open arrays and no innermost item: incomplete (a depth limit may reject it sooner)",
    )


def bad_utf8(suite):
    source = (
        f"{SPEC} \"Type system\": String objects may contain invalid byte sequence and the behavior of a "
        "deserializer depends on the actual implementation"
    )
    note = "implementation-defined by the spec (a str holding invalid UTF-8); an accepting decoder may return the raw bytes, never a crash"
    for cid, payload in INVALID_UTF8:
        raw = bytes.fromhex(payload)
        data = bytes([0xA0 | len(raw)]) + raw
        try:
            msgpack_bytes.read(data)
        except msgpack_bytes.Malformed:
            pass
        else:
            raise AssertionError(f"utf8/{cid}: {payload} is valid UTF-8")
        suite.decode(f"utf8/{cid}", data, "implementation-defined", source, note=note)


def non_shortest(suite):
    source = (
        f"{SPEC} \"Serialization: type to format conversion\": serializers SHOULD use the smallest format; every "
        "format is valid to deserialize (msgpack-test-suite lists the longer forms as accepted encodings)"
    )
    note = "a longer form than needed is valid MessagePack: accept, with this value"
    for cid, data in (
        ("uint16-5", "cd0005"),
        ("uint32-5", "ce00000005"),
        ("uint64-5", "cf0000000000000005"),
        ("int8-positive-5", "d005"),
        ("int64-minus-1", "d3ffffffffffffffff"),
        ("str8-short", "d90362636b"),
        ("str32-empty", "db00000000"),
        ("bin32-one", "c60000000100"),
        ("array32-one", "dd00000001c0"),
        ("map16-one", "de0001c0c0"),
        ("ext8-four-bytes", "c704055e0be100"),
        ("timestamp-ext8-four-bytes", "c704ff5e0be100"),
        ("float64-one", "cb3ff0000000000000"),
    ):
        raw = bytes.fromhex(data)
        value = diag(msgpack_bytes.read(raw))
        suite.checked_decode(f"non-shortest/{cid}", raw, "accept", source, value=value, note=note)


def odd_values(suite):
    """Well-formed bytes whose meaning a decoder may refuse: duplicate keys, bad timestamps."""
    dup_source = f"{SPEC} \"Type system\": Map represents key-value pairs (uniqueness is not specified)"
    note = "implementation-defined: keep both pairs, keep one, or reject; never crash"
    for cid, data in (("int-keys", "82010a010b"), ("str-keys", "82a1610aa1610b"), ("nil-keys", "82c0c0c0c0")):
        suite.checked_decode(f"duplicate-keys/{cid}", bytes.fromhex(data), "implementation-defined", dup_source, note=note)
    ts_source = f"{SPEC} \"Timestamp extension type\": nanoseconds must not be larger than 999999999; payload 4, 8 or 12 bytes"
    ts_note = (
        "not a valid timestamp; a decoder that returns extension values raw may accept it (with this value), "
        "one that interprets timestamps should reject it"
    )
    nsec_overflow = (10**9 << 34).to_bytes(8, "big")  # 64-bit form, nanoseconds = 1e9, seconds = 0
    for cid, data in (
        ("nanoseconds-1e9", b"\xd7\xff" + nsec_overflow),
        ("96-nanoseconds-1e9", b"\xc7\x0c\xff" + (10**9).to_bytes(4, "big") + bytes(8)),
        ("1-byte", b"\xd4\xff\x00"),
        ("16-bytes", b"\xd8\xff" + bytes(16)),
    ):
        value = diag(msgpack_bytes.read(data))
        suite.checked_decode(f"timestamp/{cid}", data, "implementation-defined", ts_source, value=value, note=ts_note)


def build():
    suite = Suite(
        "msgpack-negative",
        "crossfmt's own MessagePack decode cases: every proper prefix of every valid msgpack-test-suite "
        "encoding (reject), the reserved marker c1, oversized length headers, trailing bytes (recommended: a "
        "streaming API may stop after one item), nesting bombs, invalid UTF-8 in str, duplicate keys and bad "
        "timestamps (implementation-defined), and non-shortest forms (valid: accept with the value).",
        "crossfmt; MessagePack spec (github.com/msgpack/msgpack/blob/master/spec.md)",
        __file__,
        "msgpack",
        reader=(msgpack_bytes.read, (msgpack_bytes.Incomplete, msgpack_bytes.Malformed)),
    )
    vectors = list(dict.fromkeys(valid_vectors()))
    add_truncations(
        suite,
        vectors,
        msgpack_bytes.read,
        msgpack_bytes.Incomplete,
        f"{SPEC}; msgpack-test-suite 1.0.0 encodings, truncated",
    )
    reserved(suite)
    oversized(suite)
    bombs(suite)
    bad_utf8(suite)
    add_trailing(
        suite,
        vectors,
        0xC0,
        f"{SPEC}: one object is one value; msgpack-test-suite 1.0.0 encodings, followed by c0",
        "one complete value, then a nil: a decoder of one value should reject the rest; a streaming API may "
        "legitimately stop after the first item and leave the rest unread",
    )
    non_shortest(suite)
    odd_values(suite)
    return suite


if __name__ == "__main__":
    build().write(sys.argv[1] if len(sys.argv) > 1 else None)
