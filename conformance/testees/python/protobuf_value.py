"""Protocol Buffers through Google's protobuf for Python, on
`corpus/schemas/value.proto`'s `crossfmt.Value`, with exactly the mapping of
the Rust adapter (`src/codec/protobuf/mod.rs`), refusals included:

* integers in i64 go to `int` (sint64), i64::MAX+1..=u64::MAX to `uint`;
  others are unsupported; a `uint` holding a small value decodes to the same
  integer;
* f16 is written as `f32` (widened exactly), f32 as `f32`, f64 as `f64`;
  decoded `f32` is a binary32 (8 hex digits), `f64` a binary64;
* arrays and tuples are `list`; maps are `map` of `Entry{key, value}`, order
  and duplicates kept;
* sets, frozensets, tags, simple values and ext are unsupported;
* a `Value` with no `kind` set, and an `Entry` without key or value, decode
  as unsupported;
* values deeper than 34 are refused as a limit (the Rust adapter's
  MAX_DEPTH, from prost's 100-message recursion limit); a deeper message
  fails to parse in this library as in prost (recursion limit 100): limit.

The message class is built at run time from `value.binpb`, the encoded
FileDescriptorSet of the schema (committed beside this file, kept equal to
the Rust build's by the test `committed_descriptor_copy_matches_the_schema`).
"""

import os
import struct

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

import protobuf_schema
import streams

from vj import I64_U64, Refusal, depth, float_vj, int_vj, only_key, unsupported, vj_float, vj_int, widen_bits

MAX_DEPTH = 34
_I64 = range(-(2**63), 2**63)
_U64 = range(2**63, 2**64)
_DESCRIPTOR_SET = os.path.join(os.path.dirname(os.path.abspath(__file__)), "value.binpb")


def value_class():
    """`crossfmt.Value` built from the committed descriptor set."""
    with open(_DESCRIPTOR_SET, "rb") as f:
        fds = descriptor_pb2.FileDescriptorSet.FromString(f.read())
    pool = descriptor_pool.DescriptorPool()
    for file in fds.file:
        pool.Add(file)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("crossfmt.Value"))


def message_vj(m):
    kind = m.WhichOneof("kind")
    if kind is None:
        raise unsupported("Value with no kind set")
    if kind == "null":
        return {"null": None}
    if kind == "bool":
        return {"bool": m.bool}
    if kind in ("int", "uint"):
        return int_vj(getattr(m, kind))
    if kind == "f32":
        return {"float": struct.pack(">f", m.f32).hex()}
    if kind == "f64":
        return float_vj(m.f64)
    if kind == "text":
        return {"text": m.text}
    if kind == "bytes":
        return {"bytes": m.bytes.hex()}
    if kind == "list":
        return {"array": [message_vj(x) for x in m.list.items]}
    pairs = []
    for i, e in enumerate(m.map.entries):
        if not e.HasField("key"):
            raise unsupported(f"map entry {i} has no key")
        if not e.HasField("value"):
            raise unsupported(f"map entry {i} has no value")
        pairs.append([message_vj(e.key), message_vj(e.value)])
    return {"map": pairs}


def fill(m, v):
    """Writes VJ `v` into the empty message `m`."""
    key, p = only_key(v)
    if key == "null":
        m.null.SetInParent()
    elif key == "bool":
        m.bool = bool(p)
    elif key == "int":
        i = vj_int(p)
        if i in _I64:
            m.int = i
        elif i in _U64:
            m.uint = i
        else:
            raise unsupported(f"integer {p} outside i64..=u64")
    elif key == "float":
        if len(p) == 16:
            m.f64 = vj_float(p)
        else:
            # f16 widens exactly to f32; a binary32 is exact as a Python
            # float, and the field stores it back as binary32.
            m.f32 = struct.unpack(">d", widen_bits(p))[0]
    elif key == "text":
        m.text = p
    elif key == "bytes":
        m.bytes = bytes.fromhex(p)
    elif key in ("array", "tuple"):
        items = m.list.items
        m.list.SetInParent()
        for x in p:
            fill(items.add(), x)
    elif key == "map":
        entries = m.map.entries
        m.map.SetInParent()
        for k, x in p:
            e = entries.add()
            fill(e.key, k)
            fill(e.value, x)
    else:
        raise unsupported(f"{key} has no representation in crossfmt.Value")


class Protobuf:
    id = "protobuf/python-protobuf"
    format = "protobuf"
    # A schema (`<Message>@<hex FileDescriptorSet>`) binds the codec to any
    # message (protobuf_schema); without one it is `crossfmt.Value`.
    schemas = True
    caps = {
        "null": True, "bool": True, "ints": I64_U64,
        "f16": "f32", "f32": "f32", "f64": "f64",
        "nan": True, "nan_payload": True, "infinity": True,
        "text": True, "bytes": True, "array": True, "map": True,
        "map_keys": "any", "map_order": True, "duplicates": "kept",
        "tuple": "array",
        "max_depth": MAX_DEPTH,
    }

    def __init__(self):
        self.Value = value_class()

    framing = "length-delimited"

    def read_record(self, f):
        """`parseDelimitedFrom`: a varint length, then `ParseFromString` of
        that many bytes."""
        return self.decode(streams.read_exactly(f, streams.read_varint(f)), None)

    def decode(self, payload, schema):
        if schema:
            return protobuf_schema.decode(payload, schema)
        m = self.Value()
        protobuf_schema.parse(m, payload)
        return message_vj(m)

    def encode(self, value, schema):
        if schema:
            return protobuf_schema.encode(value, schema)
        d = depth(value)
        if d > MAX_DEPTH:
            raise Refusal("limit", f"nesting depth {d} > {MAX_DEPTH}")
        m = self.Value()
        fill(m, value)
        return m.SerializeToString()
