#!/usr/bin/env python3
"""RFC 7049/8949 Appendix A examples -> conformance/suites/cbor-appendix-a.json.

Decode: each vector must decode to the value its bytes hold, typed exactly
(f9 binary16, fa binary32, fb binary64; tags 2/3 as integers; indefinite
items as their definite value), checked against the vector's `decoded` or
`diagnostic`. One exception, decided by RFC 8949: `f8 18` (simple(24) in
RFC 7049) is not well-formed in RFC 8949 (§3.3, Appendix F.1), so it is a
reject case.

Encode: the vector's `roundtrip` flag is not trusted (the vectors' README
warns that some are wrong); a vector gets encode cases exactly when its bytes
are the preferred serialization of its value (RFC 8949 §4.1), computed here.
Where that disagrees with the flag, the case's note says so.
"""

import base64
import re
import sys

import cbor_bytes
from crosscheck import must_be_same
from diag import Simple, Tag, diag
from suite import Suite, load_vectors

SUITE = "cbor-appendix-a"
SOURCE = "RFC 8949 Appendix A (cbor/test-vectors appendix_a.json)"
NOT_WELL_FORMED = {
    "f818": "RFC 7049 listed f8 18 as simple(24); RFC 8949 §3.3 makes two-byte simple values below 32 "
    "not well-formed (Appendix F.1 lists f8 18), so a decoder must reject it",
}

_TOKEN = re.compile(
    r"\s*(?:(?P<tag>\d+)\(|(?P<num>-?(?:Infinity|NaN|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?))|(?P<word>undefined|true|false|null)"
    r"|h'(?P<hex>[0-9a-fA-F]*)'|(?P<str>\"(?:[^\"\\]|\\.)*\")|(?P<punct>\(_|simple\(|[\[\]{}(),:]))"
)


def parse_diagnostic(text):
    """The small part of diagnostic notation the vectors use, into diag.py values."""
    tokens, pos = [], 0
    while pos < len(text.rstrip()):
        m = _TOKEN.match(text, pos)
        if not m:
            raise ValueError(f"diagnostic {text!r}: cannot read at offset {pos}")
        tokens.append((m.lastgroup, m.group(m.lastgroup)))
        pos = m.end()
    value, rest = _parse(tokens)
    if rest:
        raise ValueError(f"diagnostic {text!r}: trailing {rest}")
    return value


def _parse(tokens):
    (kind, tok), rest = tokens[0], tokens[1:]
    if kind == "num":
        return (float(tok) if any(c in tok for c in ".eIN") else int(tok)), rest
    if kind == "word":
        return {"undefined": Simple(23), "true": True, "false": False, "null": None}[tok], rest
    if kind == "hex":
        return bytes.fromhex(tok), rest
    if kind == "str":
        import json

        return json.loads(tok), rest
    if kind == "tag" or tok == "simple(":
        inner, rest = _parse(rest)
        assert rest[0][1] == ")", rest
        return (Tag(int(tok), inner) if kind == "tag" else Simple(inner)), rest[1:]
    closing = {"[": "]", "{": "}", "(_": ")"}[tok]
    items = []
    while rest[0][1] != closing:
        item, rest = _parse(rest)
        items.append(item)
        if rest[0][1] in (",", ":"):
            rest = rest[1:]
    rest = rest[1:]
    if tok == "[":
        return items, rest
    if tok == "{":
        return dict(zip(items[::2], items[1::2])), rest
    return b"".join(items), rest  # an indefinite byte string means its chunks joined


def build():
    vectors = load_vectors("cbor-rfc7049-appendix-a.json")
    assert len(vectors) == 82, f"appendix_a.json has 82 vectors, read {len(vectors)}"
    suite = Suite(
        SUITE,
        "The examples of RFC 8949 Appendix A: each must decode to the value its bytes hold (typed exactly: "
        "f9/fa/fb keep their width, tags 2/3 are integers, indefinite items their definite value); where the "
        "bytes are the preferred serialization (RFC 8949 §4.1) the value must encode to them or, for floats, "
        "to another width that holds it exactly, and (recommended) to exactly them.",
        "cbor/test-vectors appendix_a.json (the examples of RFC 7049 Appendix A, kept in RFC 8949 Appendix A), "
        "public test data; copied in conformance/vectors/",
        __file__,
        "cbor",
    )
    disagreements = []
    for index, vector in enumerate(vectors):
        data = bytes.fromhex(vector["hex"])
        assert base64.b64decode(vector["cbor"]) == data, f"vector #{index}: hex and base64 differ"
        source = f"{SOURCE} #{index}"
        if vector["hex"] in NOT_WELL_FORMED:
            try:
                cbor_bytes.read(data)
            except cbor_bytes.Malformed:
                pass
            else:
                raise AssertionError(f"vector #{index}: the reader accepts {vector['hex']}")
            suite.decode(vector["hex"], data, "reject", source + "; RFC 8949 §3.3", note=NOT_WELL_FORMED[vector["hex"]])
            continue
        value = cbor_bytes.read(data)
        expected = vector["decoded"] if "decoded" in vector else parse_diagnostic(vector["diagnostic"])
        must_be_same(value, expected, f"vector #{index} {vector['hex']}")
        notation = diag(value)
        suite.decode(vector["hex"], data, "accept", source, value=notation)

        encodings = cbor_bytes.encodings(value)
        preferred = encodings[0] == data
        if preferred != vector["roundtrip"]:
            disagreements.append(vector["hex"])
        if not preferred:
            continue
        note = "the vector's roundtrip flag is false, but these bytes are the preferred serialization (RFC 8949 §4.1)"
        suite.encode(
            f"encode/{vector['hex']}",
            notation,
            encodings,
            source + "; RFC 8949 §4.1",
            canonical=data,
            note=note if not vector["roundtrip"] else None,
        )
    for hexed in disagreements:
        print(f"note: roundtrip flag of {hexed} disagrees with RFC 8949 §4.1", file=sys.stderr)
    return suite


if __name__ == "__main__":
    build().write(sys.argv[1] if len(sys.argv) > 1 else None)
