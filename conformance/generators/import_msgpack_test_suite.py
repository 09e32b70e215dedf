#!/usr/bin/env python3
"""msgpack-test-suite 1.0.0 -> conformance/suites/msgpack-test-suite.json.

Decode: every listed encoding must decode to the value its bytes hold, typed
exactly (`ca` a binary32, `cb` a binary64, ints as ints, timestamps as ext -1
with that encoding's own payload). Each typed value is checked against the
suite's own JSON value, so the import cannot drift from the suite's meaning.

Encode: the listed encodings grouped by the exact value they decode to; the
value must encode to one of its group (the suite's rule: an encoder passes
when its output equals any listed encoding), and `/canonical` asks for the
shortest, which the spec says serializers SHOULD pick ("If an object can be
represented in multiple possible output formats, serializers SHOULD use the
format which represents the data in the smallest number of bytes").
"""

import sys

import msgpack_bytes
from crosscheck import must_be_same
from diag import Ext, diag
from suite import Suite, id_part, load_vectors

SOURCE = "msgpack-test-suite 1.0.0"


def expected_of(entry):
    """The suite's typed JSON value, in the terms `crosscheck.same` compares."""
    if "timestamp" in entry:
        return ("timestamp", tuple(entry["timestamp"]))
    if "ext" in entry:
        code, data = entry["ext"]
        return Ext(code, bytes.fromhex(data.replace("-", "")))
    if "binary" in entry:
        return bytes.fromhex(entry["binary"].replace("-", ""))
    if "bignum" in entry:
        return int(entry["bignum"])
    for key in ("nil", "bool", "number", "string", "array", "map"):
        if key in entry:
            return entry[key]
    raise AssertionError(f"no typed value in {entry}")


def check(value, entry, where):
    expected = expected_of(entry)
    if isinstance(expected, tuple):
        if not (isinstance(value, Ext) and value.code == -1):
            raise AssertionError(f"{where}: a timestamp must decode to ext -1, got {value!r}")
        got = msgpack_bytes.timestamp(value)
        if got != expected[1]:
            raise AssertionError(f"{where}: timestamp {got}, the suite says {expected[1]}")
        return
    must_be_same(value, expected, where)
    if "number" in entry and "bignum" in entry:
        must_be_same(value, int(entry["bignum"]), where)


def build():
    vectors = load_vectors("msgpack-test-suite.json")
    suite = Suite(
        "msgpack-test-suite",
        "The public msgpack-test-suite: every listed encoding of each of its 85 values must decode to the value "
        "its bytes hold (typed exactly: ca a binary32, cb a binary64, timestamps as ext -1); each value must "
        "encode to one of the listed encodings that decode to it, and (recommended) to the shortest.",
        "msgpack-test-suite 1.0.0 (kawanet/msgpack-test-suite, dist/msgpack-test-suite.json), MIT licence; "
        "copied in conformance/vectors/",
        __file__,
        "msgpack",
    )
    total = 0
    for filename, entries in vectors.items():
        group = filename.split(".")[1]
        for index, entry in enumerate(entries):
            total += 1
            source = f"{SOURCE} {filename} #{index}"
            groups = {}  # the exact value's notation -> its encodings, in the suite's order
            for text in entry["msgpack"]:
                data = bytes.fromhex(text.replace("-", ""))
                value = msgpack_bytes.read(data)
                check(value, entry, f"{filename} #{index} {text}")
                notation = diag(value)
                groups.setdefault(notation, []).append(data)
                suite.decode(f"{group}/{index}/{data.hex()}", data, "accept", source, value=notation)
            for notation, encodings in groups.items():
                # The spec ranks by length only: every shortest one is canonical.
                shortest = [e for e in encodings if len(e) == min(map(len, encodings))]
                canonical = shortest[0]
                suite.encode(
                    f"{group}/{index}/encode/{id_part(canonical.hex())}",
                    notation,
                    encodings,
                    source,
                    canonical=canonical,
                    also_canonical=shortest[1:],
                    note=None
                    if len(groups) == 1
                    else "the suite's other encodings of this number decode to another type "
                    "(an integer, a binary32 or a binary64), each its own case",
                )
    assert total == 85, f"msgpack-test-suite has 85 cases, read {total}"
    return suite


if __name__ == "__main__":
    build().write(sys.argv[1] if len(sys.argv) > 1 else None)
