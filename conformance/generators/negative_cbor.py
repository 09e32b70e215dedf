#!/usr/bin/env python3
"""crossfmt's own CBOR decode suite -> conformance/suites/cbor-negative.json.

What Appendix A lacks: truncations, the not-well-formed encodings of RFC 8949
Appendix F (reserved additional information, short simple values, stray
breaks, indefinite lengths where none exist, bad string chunks), oversized
lengths, nesting bombs, invalid UTF-8, trailing bytes, non-preferred
serializations and duplicate keys. Every expectation but the bombs' is
checked against this folder's own reader before it is written.
"""

import sys

import cbor_bytes
from diag import diag
from suite import INVALID_UTF8, Suite, add_trailing, add_truncations, load_vectors

RFC = "RFC 8949"
NOT_WELL_FORMED = "not well-formed: a decoder must reject it"


def valid_vectors():
    out = []
    for vector in load_vectors("cbor-rfc7049-appendix-a.json"):
        data = bytes.fromhex(vector["hex"])
        try:
            cbor_bytes.read(data)
        except cbor_bytes.Malformed:
            continue  # f8 18: not well-formed in RFC 8949, see import_cbor_appendix_a.py
        out.append(data)
    return out


def reject_all(suite, group, source, cases, note=NOT_WELL_FORMED):
    for cid, hexed in cases:
        suite.checked_decode(f"{group}/{cid}", bytes.fromhex(hexed), "reject", source, note=note)


def not_well_formed(suite):
    reject_all(
        suite,
        "reserved-ai",
        f"{RFC} §3 (additional information 28-30 is reserved), Appendix F.1",
        [(f"major{m}-ai{ai}", f"{m << 5 | ai:02x}00000000000000000000") for m in range(8) for ai in (28, 29, 30)],
    )
    reject_all(
        suite,
        "simple-two-byte",
        f"{RFC} §3.3 (f8 followed by a byte below 0x20), Appendix F.1",
        [(f"f8{n:02x}", f"f8{n:02x}") for n in range(32)],
    )
    reject_all(
        suite,
        "stray-break",
        f"{RFC} §3.2.1 (the break stop code only ends an indefinite-length item), Appendix F.1",
        [
            ("alone", "ff"),
            ("in-definite-array", "81ff"),
            ("as-definite-map-key", "a1ff00"),
            ("as-definite-map-value", "a100ff"),
            ("after-indefinite-array", "9f01ffff"),
            ("as-indefinite-map-value", "bf00ff"),
            ("as-tag-content", "c0ff"),
        ],
    )
    reject_all(
        suite,
        "indefinite-length",
        f"{RFC} §3.2.4 (additional information 31 on major types 0, 1 and 6), Appendix F.1",
        [("major0", "1f"), ("major1", "3f"), ("major6", "df00"), ("major6-before-break", "9fdfff")],
    )
    reject_all(
        suite,
        "string-chunks",
        f"{RFC} §3.2.3 (chunks of an indefinite-length string are definite strings of the same major type)",
        [
            ("text-chunk-in-bytes", "5f6161ff"),
            ("bytes-chunk-in-text", "7f4161ff"),
            ("integer-chunk-in-bytes", "5f01ff"),
            ("array-chunk-in-text", "7f80ff"),
            ("nested-indefinite-bytes", "5f5f4101ffff"),
            ("nested-indefinite-text", "7f7f6161ffff"),
        ],
    )


def oversized(suite):
    cases = []
    for major, name in ((2, "bytes"), (3, "text"), (4, "array"), (5, "map")):
        for length in ("ffffffff", "fffffffe"):
            cases.append((f"{name}/32bit-{length}", f"{major << 5 | 26:02x}{length}"))
        for length in ("ffffffffffffffff", "0000000100000000", "7fffffffffffffff"):
            cases.append((f"{name}/64bit-{length}", f"{major << 5 | 27:02x}{length}"))
    reject_all(
        suite,
        "oversized",
        f"{RFC} §3 (the argument counts the bytes or items that follow), Appendix F.1 (too little data)",
        cases,
        note="a length near 2^32 or 2^64 with nothing behind it: reject without allocating the advertised size",
    )


def bombs(suite):
    source = f"{RFC} §10 (security considerations: decoders must withstand hostile input, deep nesting included)"
    note = "implementation-defined: accept or reject, but never crash, hang or exhaust memory"
    for depth in (1000, 100000):
        suite.decode(f"nesting/array/{depth}", b"\x81" * depth + b"\x80", "implementation-defined", source, note=note)
    for cid, data in (
        ("map/1000", b"\xa1\x00" * 1000 + b"\xa0"),
        ("indefinite-array/1000", b"\x9f" * 1000 + b"\xff" * 1000),
        ("tag/1000", b"\xc1" * 1000 + b"\x00"),
    ):
        suite.decode(f"nesting/{cid}", data, "implementation-defined", source, note=note)
    suite.decode(
        "nesting/indefinite-array/100000-unterminated",
        b"\x9f" * 100000,
        "reject",
        f"{RFC} Appendix F.1 (end of input inside an indefinite-length item)",
        note="100 000 open indefinite arrays and no break: incomplete (a depth limit may reject it sooner)",
    )


def bad_utf8(suite):
    source = (
        f"{RFC} §3.1 (major type 3 is UTF-8 text), §5.3.1 (invalid UTF-8 makes a data item invalid), "
        "§5.4 (a decoder without validity checking may pass it on)"
    )
    note = (
        "not valid CBOR; recommended, not required, because RFC 8949 §5.4 allows decoders that do not check "
        "validity -- but a decoder that returns text must not invent one"
    )
    for cid, payload in INVALID_UTF8:
        raw = bytes.fromhex(payload)
        suite.checked_decode(f"utf8/{cid}", cbor_bytes.head(3, len(raw)) + raw, "reject", source, "recommended", note=note)
    suite.checked_decode(
        "utf8/sequence-split-across-chunks",
        bytes.fromhex("7f61c361a9ff"),
        "reject",
        source + "; §3.2.3 (each chunk of a text string is itself valid UTF-8)",
        "recommended",
        note="c3 a9 (é) split over two chunks: each chunk must be valid UTF-8 on its own",
    )


def not_preferred(suite):
    source = (
        f"{RFC} §4.1 (preferred serialization is what encoders should produce; other encodings remain valid), "
        "§4.2 (a decoder checking deterministic encoding may reject)"
    )
    note = "valid CBOR but not the preferred serialization: a decoder may reject it; if it accepts, it must give this value"
    for cid, hexed in (
        ("uint-1-in-1-byte-argument", "1801"),
        ("uint-1-in-2-byte-argument", "190001"),
        ("uint-1-in-4-byte-argument", "1a00000001"),
        ("uint-1-in-8-byte-argument", "1b0000000000000001"),
        ("nint-minus-1-in-1-byte-argument", "3800"),
        ("bytes-length-in-1-byte-argument", "580100"),
        ("text-length-in-2-byte-argument", "79000161"),
        ("array-length-in-1-byte-argument", "980100"),
        ("map-length-in-1-byte-argument", "b8010000"),
        ("tag-number-in-1-byte-argument", "d80100"),
        ("float64-one", "fb3ff0000000000000"),
        ("float32-one", "fa3f800000"),
        ("float64-nan", "fb7ff8000000000000"),
        ("bignum-fits-uint", "c24101"),
        ("bignum-leading-zero", "c249000100000000000000"),
        ("indefinite-bytes", "5f4101ff"),
        ("indefinite-bytes-empty", "5fff"),
        ("indefinite-text", "7f6161ff"),
        ("indefinite-array", "9f01ff"),
        ("indefinite-map", "bf0102ff"),
    ):
        data = bytes.fromhex(hexed)
        value = diag(cbor_bytes.read(data))
        assert cbor_bytes.encodings(cbor_bytes.read(data))[0] != data, f"{hexed} is the preferred serialization"
        suite.checked_decode(f"not-preferred/{cid}", data, "implementation-defined", source, value=value, note=note)


def duplicate_keys(suite):
    source = f"{RFC} §5.6 (a map with duplicate keys is not valid; generic decoders may handle it in several ways)"
    note = "implementation-defined: keep both pairs, keep one, or reject; never crash"
    for cid, hexed in (("int-keys", "a2010a010b"), ("text-keys", "a261610a61610b"), ("indefinite-map", "bf010a010bff")):
        suite.checked_decode(f"duplicate-keys/{cid}", bytes.fromhex(hexed), "implementation-defined", source, note=note)


def build():
    suite = Suite(
        "cbor-negative",
        "crossfmt's own CBOR decode cases: every proper prefix of every valid Appendix A example (reject), the "
        "not-well-formed encodings of RFC 8949 Appendix F (reserved additional information, f8 00..f8 1f, stray "
        "breaks, indefinite length on major types 0/1/6, bad string chunks) and oversized lengths (reject), "
        "invalid UTF-8 and trailing bytes (recommended), nesting bombs and duplicate keys "
        "(implementation-defined), and non-preferred serializations (implementation-defined with the value).",
        "crossfmt; RFC 8949",
        __file__,
        "cbor",
        reader=(cbor_bytes.read, (cbor_bytes.Incomplete, cbor_bytes.Malformed)),
    )
    vectors = valid_vectors()
    add_truncations(
        suite, vectors, cbor_bytes.read, cbor_bytes.Incomplete, f"{RFC} Appendix F.1 (end of input in a head or in data); Appendix A examples, truncated"
    )
    not_well_formed(suite)
    oversized(suite)
    bombs(suite)
    bad_utf8(suite)
    add_trailing(
        suite,
        vectors,
        0x00,
        f"{RFC} §5.1 (several items back to back are a stream or a CBOR sequence, RFC 8742, by agreement only); "
        "Appendix A examples, followed by 00",
        "one complete item, then 00: a decoder of one item should reject the rest; a streaming API may "
        "legitimately stop after the first item and leave the rest unread",
    )
    not_preferred(suite)
    duplicate_keys(suite)
    return suite


if __name__ == "__main__":
    build().write(sys.argv[1] if len(sys.argv) > 1 else None)
