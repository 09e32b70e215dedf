"""Writes conformance/suites/streams-python.json: record streams written by
the Python references — msgpack.packb, cbor2.dumps, pickle.dump, json.dumps
one per line, protobuf's SerializeToString after a varint length — each
value one record, then (for some cases) a record cut short or garbage.
A reader must give back exactly the complete records, whole and a byte at a
time, and the error at the offset of the record it cannot read (README:
Streams and record files). Run under the reference venv:
conformance/generators/regenerate.sh

Every expectation is checked against the reference's own reader before it
is written (msgpack's Unpacker fed a byte at a time, cbor2's CBORDecoder on
a buffered file, pickle.Unpickler, json.loads per line, ParseFromString):
the script only chooses values and where to cut.
"""

import io
import json
import pickle

import cbor2
import msgpack

from reference_suite import Suite  # first: puts the testee's modules on the path
import diag as notation
import protobuf_value

PB = protobuf_value.Protobuf()

TEXT = "aé€😀"
VALUES = [None, True, 7, -300, 2**40, 1.5, TEXT * 3, [1, [2, [3]]], {"k": [1.5, "v"]}]
BYTES = [b"", b"\x00\xff" * 3]


def records_of(reader, data):
    """What a reference reader makes of `data`: (values, offset of the error or None)."""
    f = io.BufferedReader(io.BytesIO(data))
    out = []
    while f.peek(1):
        start = f.tell()
        try:
            out.append(reader(f))
        except Exception:  # noqa: BLE001 - any refusal ends the stream here
            return out, start
    return out, None


def msgpack_reader(f):
    # Unpacker over the file reads ahead; one value's bytes are found by
    # feeding it one byte at a time.
    u = msgpack.Unpacker(raw=False, strict_map_key=False)
    while True:
        b = f.read(1)
        if not b:
            raise ValueError("cut short")
        u.feed(b)
        try:
            return u.unpack()
        except msgpack.OutOfData:
            continue


def cbor_reader(f):
    return cbor2.CBORDecoder(f).decode()


def pickle_reader(f):
    return pickle.Unpickler(f).load()


def json_reader(f):
    line = f.readline()
    if not line.endswith(b"\n"):
        raise ValueError("no newline")
    return json.loads(line)


def varint(n):
    out = bytearray()
    while True:
        out.append((n & 0x7F) | (0x80 if n > 0x7F else 0))
        n >>= 7
        if not out[-1] & 0x80:
            return bytes(out)


def protobuf_reader(f):
    n, shift = 0, 0
    while True:
        b = f.read(1)
        if not b:
            raise ValueError("header cut short")
        n |= (b[0] & 0x7F) << shift
        shift += 7
        if not b[0] & 0x80:
            break
        if shift >= 70:
            raise ValueError("header longer than ten bytes")
    data = f.read(n)
    if len(data) < n:
        raise ValueError("cut short")
    return PB.decode(data, None)


# Protobuf values travel as the reference testee's VJ (the value.proto mapping).
PB_VALUES = [
    ({"null": None}, "null"),
    ({"bool": True}, "true"),
    ({"int": "7"}, "7"),
    ({"int": "-300"}, "-300"),
    ({"text": TEXT}, notation.diag(TEXT)),
    ({"bytes": "00ff"}, "h'00ff'"),
    ({"array": [{"int": "1"}, {"array": [{"int": "2"}]}]}, "[1, [2]]"),
    ({"text": "y" * 200}, notation.diag("y" * 200)),
]

FORMATS = {
    "msgpack": (lambda v: msgpack.packb(v, use_bin_type=True), msgpack_reader, b"\xc1", "msgpack-python Unpacker"),
    "cbor": (cbor2.dumps, cbor_reader, b"\xff", "cbor2 CBORDecoder"),
    "pickle": (lambda v: pickle.dumps(v, protocol=4), pickle_reader, b"\xff", "CPython pickle.Unpickler"),
    "json": (lambda v: json.dumps(v, ensure_ascii=False).encode() + b"\n", json_reader, b"x\n", "CPython json.loads per line"),
}


def add(suite, fmt, name, recs, values, tail, source):
    data = b"".join(recs) + tail
    error_at = len(b"".join(recs)) if tail else None
    reader = FORMATS[fmt][1] if fmt in FORMATS else protobuf_reader
    got, at = records_of(reader, data)
    if fmt == "protobuf":
        assert len(got) == len(values), (fmt, name, got)
    else:
        assert got == [v for v in values], (fmt, name, got, values)
    assert at == error_at, (fmt, name, at, error_at)
    suite.add(
        f"{fmt}/{name}",
        format=fmt,
        source=source,
        level="required",
        op="stream",
        input=data,
        records=[notation.diag(v) if fmt != "protobuf" else v for v in values],
        **({"error-at": error_at} if error_at is not None else {}),
    )


def main():
    suite = Suite(
        "streams-python",
        "Record streams written by the Python references, one value a record (MessagePack values one "
        "after another, a CBOR sequence, appended pickles, JSON Lines, length-delimited protobuf), "
        "whole, cut inside the last record, and followed by garbage: the complete records, then a "
        "clean end or the error at the offset of the record that cannot be read",
        "the reference libraries' own writers and readers",
        "streams_python.py",
        ["msgpack", "cbor2", "protobuf"],
    )
    for fmt, (write, _, garbage, source) in FORMATS.items():
        values = VALUES + (BYTES if fmt != "json" else [])
        recs = [write(v) for v in values]
        add(suite, fmt, "every-kind", recs, values, b"", source)
        add(suite, fmt, "big-record", [write("x" * 9000), write("tail")], ["x" * 9000, "tail"], b"", source)
        add(suite, fmt, "cut-last-record", recs[:3], values[:3], recs[6][:-1], source)
        add(suite, fmt, "garbage-after", recs[:3], values[:3], garbage, source)
    pb = [varint(len(m)) + m for m in (PB.encode(vj, None) for vj, _ in PB_VALUES)]
    shown = [d for _, d in PB_VALUES]
    source = "protobuf SerializeToString / ParseFromString after a varint length"
    add(suite, "protobuf", "every-kind", pb, shown, b"", source)
    add(suite, "protobuf", "cut-last-record", pb[:3], shown[:3], pb[7][:-1], source)
    add(suite, "protobuf", "garbage-after", pb[:3], shown[:3], b"\xff" * 10 + b"\x01", source)
    suite.write()


if __name__ == "__main__":
    main()
