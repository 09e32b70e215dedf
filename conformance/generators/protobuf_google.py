"""Writes conformance/suites/protobuf-google.json: the binary cases of
Google's conformance catalogue (binary_json_conformance_suite.cc, read for
coverage: ../vectors/protobuf/) on its own messages TestAllTypesProto3 and
TestAllTypesProto2, plus families it leaves out. Run under the reference
venv: conformance/generators/regenerate.sh

Every expectation is what Google's protobuf for Python (the upb backend)
answers for the bytes, read through the schema-bound mapping of
crates/codecs/src/protobuf/dynamic.rs (the reference testee's
protobuf_schema.py): the script only chooses inputs and levels. Where the
catalogue states an outcome (a premature end is a parse failure), the script
also asserts that upb agrees before writing. The pure-Python backend is the
cross-check: it runs the same suite as its own implementation
(`testee --pure-python`), and its failures are in the matrix.

Where a case is one of Google's, `upstream` names it as Google's runner
does (`Required.Proto3.ProtobufInput.ValidDataScalar.INT32[0].ProtobufOutput`),
for failure lists in its format; the case id spells it with `/` and without
brackets.
"""

import json
import os
import struct
import sys

from google.protobuf.message import DecodeError

# First: it puts the reference testee's modules on the path.
from reference_suite import REPO, Suite  # isort: skip

import diag as notation
import protobuf_schema
from protobuf_wire import key, ld, varint, vj_py
from vj import Refusal

FDS_PATH = os.path.join(REPO, "conformance", "vectors", "protobuf", "test_messages.binpb")
ENC = "Protocol Buffers encoding"
CATALOGUE = "Google's conformance catalogue (binary_json_conformance_suite.cc)"
JSON_GUIDE = "ProtoJSON format (protobuf.dev)"
U64 = 2**64 - 1
IMPL = "implementation-defined"
UNKNOWN_FIELD = 555  # the catalogue's

# wire types
VARINT, I64, LEN, SGROUP, EGROUP, I32 = 0, 1, 2, 3, 4, 5


def v64(n):
    """A varint of `n` as a 64-bit two's complement integer."""
    return varint(n & U64)


def longvarint(n, extra):
    """`n` as a varint padded with `extra` redundant continuation bytes."""
    return varint(n & U64, width=len(v64(n)) + extra)


def zz32(i):
    return varint(((i << 1) ^ (i >> 31)) & 0xFFFFFFFF)


def zz64(i):
    return varint(((i << 1) ^ (i >> 63)) & U64)


def delim(b):
    return varint(len(b)) + b


def dbl(x):
    return struct.pack("<d", x)


def flt(x):
    return struct.pack("<f", x)


def u32(n):
    return struct.pack("<I", n & 0xFFFFFFFF)


def u64(n):
    return struct.pack("<Q", n & U64)


I32MIN, I32MAX, U32MAX = -(2**31), 2**31 - 1, 2**32 - 1
I64MIN, I64MAX = -(2**63), 2**63 - 1

# (TYPE, field suffix, wire type, [(input, canonical)]) in the catalogue's
# order, with its values (RunAllTests), so that index i is its `[i]`.
TYPES = [
    ("DOUBLE", "double", I64, [(dbl(0), dbl(0)), (dbl(0.1), dbl(0.1)),
                               (dbl(1.7976931348623157e308), dbl(1.7976931348623157e308)),
                               (dbl(2.22507385850720138309e-308), dbl(2.22507385850720138309e-308))]),
    ("FLOAT", "float", I32, [(flt(0), flt(0)), (flt(0.1), flt(0.1)), (flt(1.00000075e-36), flt(1.00000075e-36)),
                             (flt(3.402823e38), flt(3.402823e38)), (flt(1.17549435e-38), flt(1.17549435e-38))]),
    ("INT64", "int64", VARINT, [(v64(0), v64(0)), (v64(12345), v64(12345)), (v64(I64MAX), v64(I64MAX)),
                                (v64(I64MIN), v64(I64MIN))]),
    ("UINT64", "uint64", VARINT, [(v64(0), v64(0)), (v64(12345), v64(12345)), (v64(U64), v64(U64))]),
    ("INT32", "int32", VARINT, [(v64(0), v64(0)), (v64(12345), v64(12345)), (longvarint(12345, 2), v64(12345)),
                                (longvarint(12345, 7), v64(12345)), (v64(I32MAX), v64(I32MAX)),
                                (v64(I32MIN), v64(I32MIN)), (v64(1 << 33), v64(0)), (v64((1 << 33) - 1), v64(-1)),
                                (v64(I64MAX), v64(-1)), (v64(I64MIN + 1), v64(1))]),
    ("UINT32", "uint32", VARINT, [(v64(0), v64(0)), (v64(12345), v64(12345)), (longvarint(12345, 2), v64(12345)),
                                  (longvarint(12345, 7), v64(12345)), (v64(U32MAX), v64(U32MAX)),
                                  (v64(1 << 33), v64(0)), (v64((1 << 33) + 1), v64(1)),
                                  (v64((1 << 33) - 1), v64((1 << 32) - 1)), (v64(I64MAX), v64((1 << 32) - 1)),
                                  (v64(I64MIN + 1), v64(1))]),
    ("FIXED64", "fixed64", I64, [(u64(0), u64(0)), (u64(12345), u64(12345)), (u64(U64), u64(U64))]),
    ("FIXED32", "fixed32", I32, [(u32(0), u32(0)), (u32(12345), u32(12345)), (u32(U32MAX), u32(U32MAX))]),
    ("SFIXED64", "sfixed64", I64, [(u64(0), u64(0)), (u64(12345), u64(12345)), (u64(I64MAX), u64(I64MAX)),
                                   (u64(I64MIN), u64(I64MIN))]),
    ("SFIXED32", "sfixed32", I32, [(u32(0), u32(0)), (u32(12345), u32(12345)), (u32(I32MAX), u32(I32MAX)),
                                   (u32(I32MIN), u32(I32MIN))]),
    ("BOOL", "bool", VARINT, [(v64(0), v64(0)), (v64(1), v64(1)), (v64(-1), v64(1)), (v64(12345678), v64(1)),
                              (v64(1 << 33), v64(1)), (v64(I64MAX), v64(1)), (v64(I64MIN), v64(1))]),
    ("SINT32", "sint32", VARINT, [(zz32(0), zz32(0)), (zz32(12345), zz32(12345)), (zz32(I32MAX), zz32(I32MAX)),
                                  (zz32(I32MIN), zz32(I32MIN)), (zz64(I32MAX + 2), zz32(1))]),
    ("SINT64", "sint64", VARINT, [(zz64(0), zz64(0)), (zz64(12345), zz64(12345)), (zz64(I64MAX), zz64(I64MAX)),
                                  (zz64(I64MIN), zz64(I64MIN))]),
    ("STRING", "string", LEN, [(delim(s), delim(s)) for s in (
        b"", b"Hello world!", b"'\"?\\\a\b\f\n\r\t\v", "谷歌".encode(), "谷歌".encode(), "谷歌".encode(),
        "😁".encode())]),
    ("BYTES", "bytes", LEN, [(delim(s), delim(s)) for s in (b"", b"Hello world!", b"\x01\x02", b"\xfb")]),
    ("ENUM", "nested_enum", VARINT, [(v64(0), v64(0)), (v64(1), v64(1)), (v64(2), v64(2)), (v64(-1), v64(-1)),
                                     (v64(I64MAX), v64(-1)), (v64(I64MIN + 1), v64(1))]),
    ("MESSAGE", "nested_message", LEN, [(delim(b""), delim(b"")),
                                        (delim(key(1, VARINT) + v64(1234)), delim(key(1, VARINT) + v64(1234)))]),
]

# Beyond the catalogue's values: the edges it leaves out.
EXTRA = {
    "DOUBLE": [dbl(-0.0), dbl(float("inf")), dbl(float("-inf")), bytes.fromhex("000000000000f87f"),
               bytes.fromhex("010000000000f87f"), bytes.fromhex("0100000000000000")],
    "FLOAT": [flt(-0.0), flt(float("inf")), flt(float("-inf")), bytes.fromhex("0000c07f"),
              bytes.fromhex("01000000")],
    "INT64": [v64(-1), longvarint(0, 9)],
    "UINT64": [longvarint(1, 8)],
    "SINT64": [zz64(-1)],
    "SINT32": [zz32(-1)],
    "BOOL": [longvarint(0, 9)],
    "STRING": [delim(b"\x00"), delim("\U0010ffff".encode())],
    "BYTES": [delim(bytes(range(256)))],
}

# map<K, V> fields of both messages, in the catalogue's order.
MAPS = [("INT32", "INT32"), ("INT64", "INT64"), ("UINT32", "UINT32"), ("UINT64", "UINT64"),
        ("SINT32", "SINT32"), ("SINT64", "SINT64"), ("FIXED32", "FIXED32"), ("FIXED64", "FIXED64"),
        ("SFIXED32", "SFIXED32"), ("SFIXED64", "SFIXED64"), ("INT32", "FLOAT"), ("INT32", "DOUBLE"),
        ("BOOL", "BOOL"), ("STRING", "STRING"), ("STRING", "BYTES"), ("STRING", "ENUM"), ("STRING", "MESSAGE")]

ONEOFS = [("UINT32", "oneof_uint32"), ("BOOL", "oneof_bool"), ("UINT64", "oneof_uint64"),
          ("FLOAT", "oneof_float"), ("DOUBLE", "oneof_double"), ("STRING", "oneof_string"),
          ("BYTES", "oneof_bytes"), ("ENUM", "oneof_enum"), ("MESSAGE", "oneof_nested_message")]

TYPE = {t[0]: t for t in TYPES}


def default_value(t):
    wire = TYPE[t][2]
    return {VARINT: v64(0), I64: u64(0), I32: u32(0), LEN: delim(b"")}[wire]


def other_value(t):
    """A value that is not the default, of type `t`."""
    return {"DOUBLE": dbl(1.5), "FLOAT": flt(1.5), "FIXED32": u32(1), "SFIXED32": u32(1), "FIXED64": u64(1),
            "SFIXED64": u64(1), "SINT32": zz32(1), "SINT64": zz64(1), "STRING": delim(b"value"),
            "BYTES": delim(b"\x01\x02"), "MESSAGE": delim(key(1, VARINT) + v64(1234))}.get(t, v64(1))


class Message:
    """One of Google's test messages, as upb builds it from the committed
    descriptor set."""

    def __init__(self, label, full_name, fds):
        self.label = label
        self.schema = full_name.rsplit(".", 1)[1]
        self.spec = f"{full_name}@{fds.hex()}"
        self.cls = protobuf_schema.message_class(self.spec)
        self.proto3 = label == "Proto3"

    def number(self, name):
        return self.cls.DESCRIPTOR.fields_by_name[name].number

    def judge(self, data):
        """("accept", notation) or ("reject", why) from upb and the mapping;
        ("unmapped", why) when the mapping refuses what upb read."""
        m = self.cls()
        try:
            m.ParseFromString(data)
        except DecodeError as e:
            return "reject", f"DecodeError: {e}"
        try:
            return "accept", notation.diag(vj_py(protobuf_schema.value_of(m)))
        except Refusal as e:
            return "unmapped", f"upb accepts; the mapping refuses: {e.message}"

    def judge_json(self, text):
        """judge() for the message's JSON mapping (`json_format.Parse`)."""
        m = self.cls()
        try:
            protobuf_schema.parse_json(m, text.encode("utf-8") if isinstance(text, str) else text)
        except Refusal as e:
            return "reject", e.message
        try:
            return "accept", notation.diag(vj_py(protobuf_schema.value_of(m)))
        except Refusal as e:
            return "unmapped", f"upb accepts; the mapping refuses: {e.message}"

    def parsed(self, data):
        """The message upb reads from `data`."""
        m = self.cls()
        m.ParseFromString(data)
        return m


class RawNumber(str):
    """A JSON number as written."""


def shortest32(x):
    """The shortest decimal that reads back as the binary32 nearest `x`."""
    x = struct.unpack("<f", struct.pack("<f", x))[0]
    for digits in range(1, 10):
        text = f"{x:.{digits}g}"
        try:
            if struct.unpack("<f", struct.pack("<f", float(text)))[0] == x:
                return text
        except OverflowError:
            # Rounded past the largest binary32.
            continue
    return repr(x)


def shortest_floats(desc, doc):
    """`doc` (a message of `desc` in JSON, numbers as RawNumber) with each
    float field's number spelled by shortest32."""
    from google.protobuf.descriptor import FieldDescriptor as FD

    def one(field, x):
        if not isinstance(x, (RawNumber, dict)):
            return x
        if field.type == FD.TYPE_FLOAT or (field.type == FD.TYPE_MESSAGE
                                           and field.message_type.full_name == "google.protobuf.FloatValue"):
            if isinstance(x, RawNumber):
                return RawNumber(shortest32(float(x)))
            return x
        if field.type == FD.TYPE_MESSAGE and isinstance(x, dict) \
                and not field.message_type.full_name.startswith("google.protobuf."):
            return shortest_floats(field.message_type, x)
        return x

    for field in desc.fields:
        if not isinstance(doc, dict) or field.json_name not in doc:
            continue
        v = doc[field.json_name]
        if protobuf_schema.is_map(field) and isinstance(v, dict):
            vf = field.message_type.fields_by_name["value"]
            doc[field.json_name] = {k: one(vf, x) for k, x in v.items()}
        elif field.is_repeated and isinstance(v, list):
            doc[field.json_name] = [one(field, x) for x in v]
        else:
            doc[field.json_name] = one(field, v)
    return doc


def dump_json(x):
    """JSON text of `x`, RawNumbers as written."""
    if isinstance(x, RawNumber):
        return str(x)
    if isinstance(x, dict):
        return "{" + ", ".join(f"{json.dumps(k, ensure_ascii=False)}: {dump_json(v)}" for k, v in x.items()) + "}"
    if isinstance(x, list):
        return "[" + ", ".join(dump_json(v) for v in x) + "]"
    return json.dumps(x, ensure_ascii=False)


class GoogleSuite(Suite):
    def __init__(self, messages):
        super().__init__(
            "protobuf-google",
            "Google's conformance messages TestAllTypesProto3 and TestAllTypesProto2, in binary and in their "
            "JSON mapping. Binary: the cases of Google's catalogue (binary_json_conformance_suite.cc) that a "
            "binary parser and serializer face — premature ends for every field type, illegal tags and wire "
            "types, unmatched groups, invalid UTF-8, every scalar type at the catalogue's values and the edges "
            "it leaves out (NaN payloads, -0.0, infinities, padded varints), last-one-wins, packed and "
            "unpacked repeated fields, every map type (default, missing, unordered, duplicate keys and entry "
            "fields), oneofs (default, non-default, last member wins, merging), unknown fields of every wire "
            "type — and families it leaves out: wrong wire types for known fields, over-long varints and "
            "tags, closed proto2 enums, proto2 groups and required fields, well-known types, nesting at and "
            "beyond the 100-message limit, and the truncation of a message holding every kind of field at "
            "every byte. JSON: the catalogue's JsonInput families read (field names, numbers as numbers and "
            "strings, NaN and Infinity, enums, base64, oneofs, maps, null, wrappers and the well-known "
            "types) and written again, and every scalar value above written as JSON. Decoding is judged as a "
            "value in the schema-bound mapping (crates/codecs/src/protobuf/dynamic.rs); binary encoding "
            "compares bytes with upb's (recommended: canonical field order and packing), JSON encoding "
            "compares documents with upb's json_format (recommended: default options).",
            "generated with Google's protobuf for Python, upb backend (BSD-3-Clause), from the committed "
            "descriptor set conformance/vectors/protobuf/test_messages.binpb (compiled from "
            "test_messages_proto{3,2}.proto by crates/codecs/build.rs); case names from Google's "
            "binary_json_conformance_suite.cc",
            "protobuf_google.py",
            ["protobuf"],
        )
        self.header["schemas"] = {m.schema: m.spec for m in messages}
        # The JSON mapping of the two test messages (the required-field
        # messages are read in binary only).
        self.header["schemas"].update({f"{m.schema}.json": "json:" + m.spec for m in messages
                                       if m.label in ("Proto3", "Proto2") and m.schema.startswith("TestAllTypes")})

    def google(self, level, msg, name, valid):
        """The name Google's runner gives the test."""
        tail = ".ProtobufOutput" if valid else ""
        return f"{level.capitalize()}.{msg.label}.ProtobufInput.{name}{tail}"

    def decode(self, msg, cid, data, *, expect=None, level="required", google=None, note=None,
               source=None, google_level=None):
        """A decode case judged by upb. `expect`: what the catalogue or the
        spec says (asserted); `IMPL` makes the case implementation-defined,
        with upb's value when it accepts."""
        verdict, what = msg.judge(data)
        fields = {}
        if verdict == "unmapped":
            # What upb reads but the mapping cannot hold: a proto2 string
            # that is not UTF-8 (no text value holds it: reject), or a known
            # field's occurrences upb sets aside as unknown (no place in the
            # value: implementation-defined, with no value to compare).
            if expect not in ("reject", IMPL):
                raise AssertionError(f"{msg.label}/{cid}: the mapping refuses what upb read: {what}")
            verdict = expect
        if verdict == "accept":
            fields["value"] = what
        if expect not in (None, IMPL) and expect != verdict:
            raise AssertionError(f"{msg.label}/{cid}: expected {expect}, upb says {verdict}: {what}")
        src = f"{CATALOGUE}; upb" if google else source or f"{ENC}; upb"
        if google:
            fields["upstream"] = self.google(google_level or level, msg, google, verdict == "accept")
        if verdict in ("reject", IMPL):
            said = what if what.startswith("upb") else f"upb: {what}"
            note = f"{note}. {said}" if note else said
        self.add(f"{msg.label}/{cid}", format="protobuf", schema=msg.schema, source=src, level=level,
                 op="decode", input=data, expect=IMPL if expect == IMPL else verdict, note=note, **fields)
        return verdict

    def decode_json(self, msg, name, text, *, expect=None, level="required", google=True, note=None):
        """A decode case on the message's JSON mapping, judged by upb's
        json_format; `google` names it as Google's `JsonInput` test."""
        verdict, what = msg.judge_json(text)
        fields = {}
        if verdict == "unmapped":
            if expect not in ("reject", IMPL):
                raise AssertionError(f"{msg.label}/Json/{name}: the mapping refuses what upb read: {what}")
            verdict = expect
        if verdict == "accept":
            fields["value"] = what
        if expect not in (None, IMPL) and expect != verdict:
            # The catalogue's word stands (upstream's own failure lists record
            # upb's departures); upb fails the case.
            print(f"note: {msg.label}/JsonInput.{name}: the catalogue says {expect}, upb {verdict}",
                  file=sys.stderr)
            if expect == "accept":
                raise AssertionError(f"{msg.label}/Json/{name}: no value to expect: upb says {what}")
            note = f"{note}. " if note else ""
            note += f"upb {'accepts it as ' + what if verdict == 'accept' else 'refuses it: ' + what}"
            verdict, what, fields = "reject", "", {}
        if google:
            tail = ".ProtobufOutput" if verdict == "accept" else ""
            fields["upstream"] = f"{level.capitalize()}.{msg.label}.JsonInput.{name}{tail}"
        if verdict in ("reject", IMPL) and what:
            said = what if what.startswith("upb") else f"upb: {what}"
            note = f"{note}. {said}" if note else said
        data = text.encode("utf-8") if isinstance(text, str) else text
        self.add(f"{msg.label}/JsonInput.{name}", format="protobuf", schema=f"{msg.schema}.json",
                 source=f"{CATALOGUE if google else JSON_GUIDE}; upb json_format", level=level, op="decode",
                 input=data, expect=IMPL if expect == IMPL else verdict, note=note, **fields)
        if verdict == "accept":
            m = msg.cls()
            protobuf_schema.parse_json(m, data)
            self.encode_json(msg, f"JsonInput.{name}.JsonOutput", protobuf_schema.value_of(m),
                             upstream=f"{level.capitalize()}.{msg.label}.JsonInput.{name}.JsonOutput"
                             if google else None)

    def encode_json(self, msg, cid, vj, *, upstream=None):
        """A JSON encode case: the value, and the JSON upb's json_format
        writes for it with the default options, compared as a JSON document
        (recommended: the spec lets a writer choose names, defaults and
        number spelling)."""
        from google.protobuf import json_format

        m = msg.cls()
        protobuf_schema.fill(m, vj)
        pool = m.DESCRIPTOR.file.pool
        text = json_format.MessageToJson(m, indent=None, descriptor_pool=pool)
        texts = [text]
        # A float (binary32) may be spelled by its shortest decimal that
        # reads back as the same binary32 (1e-45), where upb writes more
        # digits (1.4013e-45): both are the value, but a JSON document
        # compares numbers as binary64, so the short spelling is listed too.
        doc = json.loads(text, parse_float=RawNumber, parse_int=RawNumber)
        short = dump_json(shortest_floats(m.DESCRIPTOR, doc))
        if json.loads(short) != json.loads(text):
            texts.append(short)
        fields = {"upstream": upstream} if upstream else {}
        self.add(f"{msg.label}/{cid}", format="protobuf", schema=f"{msg.schema}.json",
                 source=f"{JSON_GUIDE}; upb json_format.MessageToJson", level="recommended", op="encode",
                 value=notation.diag(vj_py(vj)), encodings=[t.encode("utf-8") for t in texts], equal="json",
                 note="what upb writes with the default options (lowerCamelCase names, fields without "
                 "presence at their default left out, 64-bit integers as strings, enums by name, NaN and "
                 "Infinity as strings), compared as a JSON document", **fields)

    def encode(self, msg, cid, data, *, google=None, note=None):
        """An encode case: the value upb reads from `data`, and the bytes upb
        writes for it (recommended: byte equality is not in the spec)."""
        # The bytes upb writes for the value (the testee's encode path), not
        # for the message it read: the value groups an unknown number's
        # occurrences, so their interleaving with other fields is not its.
        vj = protobuf_schema.value_of(msg.parsed(data))
        m = msg.cls()
        protobuf_schema.fill(m, vj)
        value = notation.diag(vj_py(vj))
        src = f"{CATALOGUE}; upb SerializeToString" if google else f"{ENC}; upb SerializeToString"
        fields = {"upstream": self.google("recommended", msg, google, True)} if google else {}
        self.add(f"{msg.label}/{cid}", format="protobuf", schema=msg.schema, source=src, level="recommended",
                 **fields,
                 op="encode", value=value, encodings=[m.SerializeToString()],
                 note=note or "the bytes upb writes: known fields in field-number order, proto3 repeated "
                 "scalars packed and proto2 ones not, defaults without presence left out, unknown fields "
                 "after the known ones")


def premature_eof(s, msg):
    incompletes = {VARINT: b"\x80", I64: b"abcdefg", LEN: b"\x80", I32: b"abc"}
    for t, suffix, wire, _ in TYPES:
        single, rep = msg.number(f"optional_{suffix}"), msg.number(f"repeated_{suffix}")
        inc = incompletes[wire]
        for name, data in [
            ("PrematureEofBeforeKnownNonRepeatedValue", key(single, wire)),
            ("PrematureEofBeforeKnownRepeatedValue", key(rep, wire)),
            ("PrematureEofBeforeUnknownValue", key(UNKNOWN_FIELD, wire)),
            ("PrematureEofInsideKnownNonRepeatedValue", key(single, wire) + inc),
            ("PrematureEofInsideKnownRepeatedValue", key(rep, wire) + inc),
            ("PrematureEofInsideUnknownValue", key(UNKNOWN_FIELD, wire) + inc),
        ] + ([
            ("PrematureEofInDelimitedDataForKnownNonRepeatedValue", key(single, wire) + varint(1)),
            ("PrematureEofInDelimitedDataForKnownRepeatedValue", key(rep, wire) + varint(1)),
            ("PrematureEofInDelimitedDataForUnknownValue", key(UNKNOWN_FIELD, wire) + varint(1)),
        ] if wire == LEN else [
            ("PrematureEofInPackedFieldValue", key(rep, LEN) + delim(inc)),
            ("PrematureEofInPackedField", key(rep, LEN) + varint(1)),
        ]) + ([
            ("PrematureEofInSubmessageValue", key(single, LEN) + delim(key(1, VARINT) + b"\x80")),
        ] if t == "MESSAGE" else []):
            s.decode(msg, f"{name}.{t}", data, expect="reject", google=f"{name}.{t}")


def group(n, body):
    return key(n, SGROUP) + body + key(n, EGROUP)


def illegal_tags(s, msg):
    """TestIllegalTags, TestUnmatchedGroup and TestUnknownWireType, byte for
    byte, then what they leave out."""
    for i, data in enumerate([b"\x01DEADBEEF", b"\x02\x01\x01", b"\x03\x04", b"\x05DEAD"]):
        s.decode(msg, f"IllegalZeroFieldNum_Case_{i}", data, expect="reject",
                 google=f"IllegalZeroFieldNum_Case_{i}")
    cont = bytes([key(1, VARINT)[0] | 0x80])
    hello = ld(2, b"hello world")
    for name, data in [
        ("BadTag_FieldNumberTooHigh", cont + b"\x80\x80\x80\x80\x80\x0f" + v64(1234)),
        ("BadTag_FieldNumberSlightlyTooHigh", cont + b"\x80\x80\x80\x40" + v64(1234)),
        ("BadTag_OverlongVarint", cont + b"\x80" * 7 + b"\x00" + v64(1234)),
        ("BadTag_VarintMoreThanTenBytes", cont + b"\x80" * 11 + b"\x00" + v64(1234)),
        ("UnmatchedEndGroup", key(201, EGROUP)),
        ("UnmatchedEndGroupUnknown", key(1234, EGROUP)),
        ("UnmatchedEndGroupWrongType", key(1, EGROUP)),
        ("UnmatchedEndGroupNestedLen", ld(18, key(1234, EGROUP))),
        ("UnmatchedEndGroupNested", group(201, key(202, EGROUP))),
        ("UnmatchedEndGroupWithData", key(1, EGROUP) + hello),
        ("UnmatchedStartGroup", key(201, SGROUP)),
        ("UnmatchedStartGroupUnknown", key(1234, SGROUP)),
        ("UnmatchedStartGroupWrongType", key(1, SGROUP)),
        ("UnmatchedStartGroupNestedLen", ld(18, key(1234, SGROUP))),
        ("UnmatchedStartGroupNested", group(201, key(202, SGROUP))),
        ("UnmatchedStartGroupWithData", key(1, SGROUP) + hello),
        ("MismatchedGroupTags", key(201, SGROUP) + hello + key(202, EGROUP)),
        ("MismatchedNestedGroupTags", group(201, key(202, SGROUP) + hello + key(203, EGROUP))),
        ("UnknownWireType", key(1, 6) + b"\x01"),
    ]:
        s.decode(msg, name, data, expect="reject", google=name)
    s.decode(msg, "UnknownWireType.7", key(UNKNOWN_FIELD, 7) + b"\x01", expect="reject")
    s.decode(msg, "UnmatchedEndGroupInUnknownLen", ld(UNKNOWN_FIELD, key(UNKNOWN_FIELD + 1, EGROUP)),
             expect=IMPL, note="an end-group tag inside a length-delimited unknown field is never parsed "
             "unless the implementation looks inside it")
    s.decode(msg, "VarintOverlong.11Bytes", key(msg.number("optional_int64"), VARINT) + b"\xff" * 10 + b"\x01",
             expect="reject", note="a varint is at most 10 bytes")
    for last in (0x01, 0x02, 0x7F):
        s.decode(msg, f"Varint10thByte.{last:02x}", key(msg.number("optional_uint64"), VARINT) + b"\xff" * 9
                 + bytes([last]), expect=None if last == 1 else IMPL,
                 note="bits beyond 64 in the 10th byte: dropped or refused")
    s.decode(msg, "LengthOverflow", key(msg.number("optional_bytes"), LEN) + b"\xff" * 9 + b"\x01",
             expect="reject")
    s.decode(msg, "LengthPastEnd", key(msg.number("optional_bytes"), LEN) + varint(1000) + b"abc",
             expect="reject")


def invalid_utf8(s, msg):
    bad = b"\xa0\xb0\xc0\xd0"
    level, expect = ("required", "reject") if msg.proto3 else ("recommended", "reject")
    note = None if msg.proto3 else ("proto2 leaves string validation to the implementation (upb does not "
                                    "check); a text value cannot hold the bytes, so the mapping refuses them")
    fields = [("Singular", key(msg.number("optional_string"), LEN) + delim(bad)),
              ("Repeated", key(msg.number("repeated_string"), LEN) + delim(bad)),
              ("Oneof", key(msg.number("oneof_string"), LEN) + delim(bad)),
              ("MapKey", ld(msg.number("map_string_string"), key(1, LEN) + delim(bad) + key(2, LEN) + delim(b""))),
              ("MapValue", ld(msg.number("map_string_string"), key(1, LEN) + delim(b"") + key(2, LEN) + delim(bad))),
              ("Surrogate", key(msg.number("optional_string"), LEN) + delim(b"\xed\xa0\x80")),
              ("Overlong", key(msg.number("optional_string"), LEN) + delim(b"\xc0\x80"))]
    for name, data in fields:
        s.decode(msg, f"RejectInvalidUtf8.String.{name}", data, expect=expect, level=level, note=note,
                 google=f"RejectInvalidUtf8.String.{name}" if msg.proto3 and name in GOOGLE_UTF8 else None,
                 google_level="recommended")


# The UTF-8 cases Google's catalogue has (proto3 only, recommended there;
# required here, as the language guide says proto3 strings are UTF-8).
GOOGLE_UTF8 = ("Singular", "Repeated", "Oneof", "MapKey", "MapValue")


def valid_scalars(s, msg):
    for t, suffix, wire, values in TYPES:
        single = msg.number(f"optional_{suffix}")
        for i, (data, canonical) in enumerate(values):
            s.decode(msg, f"ValidDataScalar.{t}/{i}", key(single, wire) + data, expect="accept",
                     google=f"ValidDataScalar.{t}[{i}]")
            s.encode(msg, f"ValidDataScalarBinary.{t}/{i}", key(single, wire) + data,
                     google=f"ValidDataScalarBinary.{t}[{i}]")
            s.encode_json(msg, f"ValidDataScalar.{t}/{i}.JsonOutput",
                          protobuf_schema.value_of(msg.parsed(key(single, wire) + data)))
        for i, data in enumerate(EXTRA.get(t, [])):
            s.decode(msg, f"ValidDataScalar.{t}/extra-{i}", key(single, wire) + data, expect="accept")
            s.encode(msg, f"ValidDataScalarBinary.{t}/extra-{i}", key(single, wire) + data)
            s.encode_json(msg, f"ValidDataScalar.{t}/extra-{i}.JsonOutput",
                          protobuf_schema.value_of(msg.parsed(key(single, wire) + data)))
        if t != "MESSAGE":
            s.decode(msg, f"RepeatedScalarSelectsLast.{t}",
                     b"".join(key(single, wire) + d for d, _ in values), expect="accept",
                     google=f"RepeatedScalarSelectsLast.{t}")


def wrong_wire_types(s, msg):
    samples = {VARINT: v64(1), I64: u64(1), LEN: delim(b"\x01"), I32: u32(1)}
    for t, suffix, wire, _ in TYPES:
        for field in (f"optional_{suffix}", f"repeated_{suffix}"):
            for other, payload in samples.items():
                if other == wire or (other == LEN and field.startswith("repeated")):
                    continue
                s.decode(msg, f"WireTypeMismatch.{t}.{field.split('_')[0]}.{other}",
                         key(msg.number(field), other) + payload, expect=IMPL,
                         note="a known field with another wire type: upb keeps it as an unknown field; the "
                         "encoding spec does not say, and some parsers refuse it")


def repeated(s, msg):
    for t, suffix, wire, values in TYPES:
        rep = msg.number(f"repeated_{suffix}")
        if wire == LEN:
            data = b"".join(key(rep, wire) + d for d, _ in values)
            s.decode(msg, f"ValidDataRepeated.{t}", data, expect="accept", google=f"ValidDataRepeated.{t}")
            s.encode(msg, f"ValidDataRepeatedBinary.{t}", data)
            continue
        packed, unpacked = msg.number(f"packed_{suffix}"), msg.number(f"unpacked_{suffix}")
        body = b"".join(d for d, _ in values)
        forms = {
            "UnpackedInput": b"".join(key(rep, wire) + d for d, _ in values),
            "PackedInput": key(rep, LEN) + delim(body),
        }
        for form, data in forms.items():
            s.decode(msg, f"ValidDataRepeated.{t}.{form}", data, expect="accept",
                     google=f"ValidDataRepeated.{t}.{form}")
            s.encode(msg, f"ValidDataRepeated.{t}.{form}.DefaultOutput", data,
                     google=f"ValidDataRepeated.{t}.{form}.DefaultOutput")
        for field, out in ((packed, "PackedOutput"), (unpacked, "UnpackedOutput")):
            for form, data in {"UnpackedInput": b"".join(key(field, wire) + d for d, _ in values),
                               "PackedInput": key(field, LEN) + delim(body)}.items():
                s.decode(msg, f"ValidDataRepeated.{t}.{form}.{out}/decode", data, expect="accept")
                s.encode(msg, f"ValidDataRepeated.{t}.{form}.{out}", data,
                         google=f"ValidDataRepeated.{t}.{form}.{out}")
        s.decode(msg, f"ValidDataRepeated.{t}.EmptyPacked", key(rep, LEN) + delim(b""), expect="accept",
                 note="an empty packed run adds no element")
        s.decode(msg, f"ValidDataRepeated.{t}.PackedTwice", key(rep, LEN) + delim(body) + key(rep, LEN)
                 + delim(body), expect="accept", note="packed runs of one field concatenate")
        s.decode(msg, f"ValidDataRepeated.{t}.Mixed", key(rep, LEN) + delim(values[0][0]) + key(rep, wire)
                 + values[-1][0], expect="accept", note="packed and unpacked occurrences mix, in wire order")


def maps(s, msg):
    for kt, vt in MAPS:
        vsuffix = TYPE[vt][1]
        name = f"map_{TYPE[kt][1]}_{vsuffix}"
        field = msg.number(name)
        kw, vw = TYPE[kt][2], TYPE[vt][2]
        k1, v1 = key(1, kw) + default_value(kt), key(2, vw) + default_value(vt)
        k2, v2 = key(1, kw) + other_value(kt), key(2, vw) + other_value(vt)
        g = f"ValidDataMap.{kt}.{vt}"
        cases = [
            ("Default", ld(field, k1 + v1)),
            ("MissingDefault", ld(field, b"")),
            ("NonDefault", ld(field, k2 + v2)),
            ("Unordered", ld(field, v2 + k2)),
            ("DuplicateKey", ld(field, k2 + v1) + ld(field, k2 + v2)),
            ("DuplicateKeyInMapEntry", ld(field, k1 + k2 + v2)),
            ("DuplicateValueInMapEntry", ld(field, k2 + v1 + v2)),
        ]
        for case, data in cases:
            s.decode(msg, f"{g}.{case}", data, expect="accept", google=f"{g}.{case}")
        s.decode(msg, f"{g}.UnknownFieldInEntry", ld(field, k2 + key(3, VARINT) + v64(7) + v2), expect=IMPL,
                 note="a map entry with an unknown field: upb sets the whole entry aside as unknown, others "
                 "keep the entry and drop the field; the spec does not say")
        s.decode(msg, f"{g}.TwoEntries", ld(field, k1 + v1) + ld(field, k2 + v2), expect="accept")
        s.encode(msg, f"{g}.NonDefault/encode", ld(field, k2 + v2))
        s.decode(msg, f"{g}.TruncatedEntry", key(field, LEN) + delim(k2 + v2)[:-1], expect="reject")
    m = msg.number("map_string_nested_message")
    s.decode(msg, "ValidDataMap.STRING.MESSAGE.MergeValue",
             ld(m, key(1, LEN) + delim(b"") + ld(2, ld(2, key(1, VARINT) + v64(1)))
                + ld(2, ld(2, key(2, VARINT) + v64(2)))), expect="accept",
             google="ValidDataMap.STRING.MESSAGE.MergeValue")
    s.decode(msg, "ValidDataMap.STRING.MESSAGE.OverwriteValue",
             ld(m, key(1, LEN) + delim(b"") + ld(2, ld(2, key(1, VARINT) + v64(1))))
             + ld(m, key(1, LEN) + delim(b"") + ld(2, ld(2, key(2, VARINT) + v64(2)))), expect="accept",
             google="ValidDataMap.STRING.MESSAGE.OverwriteValue" if False else None,
             note="a second entry with the key replaces the first: values of two entries are not merged")


def oneofs(s, msg):
    for t, name in ONEOFS:
        n = msg.number(name)
        wire = TYPE[t][2]
        d, o = key(n, wire) + default_value(t), key(n, wire) + other_value(t)
        other = msg.number("oneof_uint32" if name != "oneof_uint32" else "oneof_string")
        other_data = key(other, VARINT) + v64(5) if name != "oneof_uint32" else key(other, LEN) + delim(b"x")
        g = f"ValidDataOneof.{t}"
        for case, data in [("DefaultValue", d), ("NonDefaultValue", o), ("MultipleValuesForSameField", d + o),
                           ("MultipleValuesForDifferentField", other_data + o)]:
            s.decode(msg, f"{g}.{case}", data, expect="accept", google=f"{g}.{case}")
            s.encode(msg, f"ValidDataOneofBinary.{t}.{case}", data,
                     google=f"ValidDataOneofBinary.{t}.{case}")
        s.decode(msg, f"{g}.ThenOtherMember", o + other_data, expect="accept",
                 note="the last member read is the one set")
    n = msg.number("oneof_nested_message")
    merge = ld(n, key(1, VARINT) + v64(1)) + ld(n, ld(2, key(1, VARINT) + v64(2)))
    s.decode(msg, "ValidDataOneof.MESSAGE.Merge", merge, expect="accept", google="ValidDataOneof.MESSAGE.Merge")
    s.encode(msg, "ValidDataOneofBinary.MESSAGE.Merge", merge, google="ValidDataOneofBinary.MESSAGE.Merge")
    s.decode(msg, "ValidDataOneof.MESSAGE.MergeBrokenByOtherMember",
             ld(n, key(1, VARINT) + v64(1)) + key(msg.number("oneof_uint32"), VARINT) + v64(3)
             + ld(n, ld(2, key(1, VARINT) + v64(2))), expect="accept",
             note="another member in between clears the message: no merge")


def merging(s, msg):
    n = msg.number("optional_nested_message")
    data = ld(n, ld(2, key(1, VARINT) + v64(1234) + key(2, VARINT) + v64(1234) + key(31, VARINT) + v64(1234))) \
        + ld(n, ld(2, key(1, VARINT) + v64(4321) + key(3, VARINT) + v64(4321) + key(31, VARINT) + v64(4321)))
    s.decode(msg, "RepeatedScalarMessageMerge", data, expect="accept", google="RepeatedScalarMessageMerge")
    s.encode(msg, "RepeatedScalarMessageMerge/encode", data)
    s.decode(msg, "ValidLengthPrefixedField.Twice",
             ld(msg.number("optional_string"), b"a") + ld(msg.number("optional_string"), b"b"), expect="accept")


def unknown(s, msg):
    payloads = {"Varint": (VARINT, v64(123456789)), "Fixed64": (I64, u64(7)), "LengthDelimited": (LEN, delim(b"x")),
                "Fixed32": (I32, u32(7)), "Group": (SGROUP, key(1, VARINT) + v64(1) + key(UNKNOWN_FIELD, EGROUP))}
    for name, (wire, payload) in payloads.items():
        data = key(UNKNOWN_FIELD, wire) + payload
        s.decode(msg, f"Unknown{name}", data, expect="accept", google="UnknownVarint" if name == "Varint" else None,
                 note="unknown fields are kept (proto3 since 3.5)")
        s.encode(msg, f"Unknown{name}/encode", data, note="unknown fields are written back as read")
    known = key(msg.number("optional_int32"), VARINT) + v64(1)
    two = key(UNKNOWN_FIELD, VARINT) + v64(1) + known + key(UNKNOWN_FIELD + 1, I32) + u32(2) \
        + key(UNKNOWN_FIELD, VARINT) + v64(3)
    s.decode(msg, "UnknownOrdering", two, expect="accept", note="an unknown number keeps all its occurrences")
    s.encode(msg, "UnknownOrdering/encode", two)
    inner = msg.number("optional_nested_message")
    s.decode(msg, "UnknownInSubmessage", ld(inner, key(1, VARINT) + v64(1) + key(99, VARINT) + v64(2)),
             expect="accept")
    s.decode(msg, "UnknownFieldNumberMax", key(2**29 - 1, VARINT) + v64(1), expect="accept",
             note="the largest field number")
    s.decode(msg, "UnknownReservedRange", key(19000, VARINT) + v64(1), expect="accept",
             note="19000-19999 are reserved for the implementation, not forbidden on the wire")


def enums(s, msg):
    n = msg.number("optional_nested_enum")
    for v in (3, 12345, -2):
        s.decode(msg, f"Enum.Unknown.{v}".replace("-", "m"), key(n, VARINT) + v64(v),
                 expect="accept" if msg.proto3 else IMPL, note=CLOSED if not msg.proto3 else "proto3 enums are "
                 "open: the number is kept")
    r = msg.number("packed_nested_enum")
    s.decode(msg, "Enum.Unknown.Packed", key(r, LEN) + delim(v64(1) + v64(12345) + v64(2)),
             expect="accept" if msg.proto3 else IMPL, note=CLOSED if not msg.proto3 else "open enum")


CLOSED = ("proto2 enums are closed: the language guide moves an unknown number to the unknown fields, which "
          "leaves the field's number with both a value and unknown occurrences, outside the mapping")


def groups(s, msg):
    if msg.proto3:
        return
    g, a, b = msg.number("data"), 202, 203
    body = key(a, VARINT) + v64(1) + key(b, VARINT) + v64(2)
    s.decode(msg, "ValidDelimitedField.GroupLike", key(g, SGROUP) + body + key(g, EGROUP), expect="accept",
             google="ValidDelimitedField.GroupLike")
    s.encode(msg, "ValidDelimitedField.GroupLike/encode", key(g, SGROUP) + body + key(g, EGROUP))
    s.decode(msg, "Group.Empty", key(g, SGROUP) + key(g, EGROUP), expect="accept")
    s.decode(msg, "Group.UnknownInside", key(g, SGROUP) + key(999, VARINT) + v64(5) + key(g, EGROUP),
             expect="accept")
    s.decode(msg, "Group.WrongEnd", key(g, SGROUP) + body + key(g + 1, EGROUP), expect="reject")
    s.decode(msg, "Group.Unterminated", key(g, SGROUP) + body, expect="reject")
    s.decode(msg, "Group.AsLengthDelimited", ld(g, body), expect=IMPL,
             note="a group field sent length-delimited: another wire type")
    s.decode(msg, "Group.Twice", key(g, SGROUP) + key(a, VARINT) + v64(1) + key(g, EGROUP) + key(g, SGROUP)
             + key(b, VARINT) + v64(2) + key(g, EGROUP), expect="accept", note="two occurrences merge")


def well_known(s, msg):
    if not msg.proto3:
        return
    ts = msg.number("optional_timestamp")
    cases = [
        ("Timestamp", ld(ts, key(1, VARINT) + v64(1700000000) + key(2, VARINT) + v64(5))),
        ("Timestamp.Negative", ld(ts, key(1, VARINT) + v64(-62135596800))),
        ("Duration", ld(msg.number("optional_duration"), key(1, VARINT) + v64(-1) + key(2, VARINT) + v64(-5))),
        ("FieldMask", ld(msg.number("optional_field_mask"), ld(1, b"foo.bar") + ld(1, b"baz"))),
        ("Struct", ld(msg.number("optional_struct"), ld(1, ld(1, b"a") + ld(2, key(2, I64) + dbl(1.5))))),
        ("Any", ld(msg.number("optional_any"), ld(1, b"type.googleapis.com/google.protobuf.Empty") + ld(2, b""))),
        ("Value.Null", ld(msg.number("optional_value"), key(1, VARINT) + v64(0))),
        ("Value.List", ld(msg.number("optional_value"), ld(6, ld(1, key(4, VARINT) + v64(1))))),
        ("Empty", ld(msg.number("optional_empty"), b"")),
        ("BoolWrapper.Default", ld(msg.number("optional_bool_wrapper"), key(1, VARINT) + v64(0))),
        ("BoolWrapper.Empty", ld(msg.number("optional_bool_wrapper"), b"")),
        ("Int64Wrapper", ld(msg.number("optional_int64_wrapper"), key(1, VARINT) + v64(I64MIN))),
        ("StringWrapper", ld(msg.number("optional_string_wrapper"), ld(1, b"x"))),
        ("RepeatedTimestamp", ld(msg.number("repeated_timestamp"), b"") * 2),
    ]
    for name, data in cases:
        s.decode(msg, f"WellKnownTypes.{name}", data, expect="accept",
                 note="a well-known type is a message on the wire; its JSON form is special, its binary not")
        s.encode(msg, f"WellKnownTypes.{name}/encode", data)


def nesting(s, msg):
    n = msg.number("recursive_message")

    def nested(depth):
        data = b""
        for _ in range(depth):
            data = ld(n, data)
        return data

    for depth in (1, 32, 63, 64, 99, 100, 101, 150, 1000):
        s.decode(msg, f"Nesting.{depth}", nested(depth), expect=None if depth <= 64 else IMPL,
                 note="messages nested this deep; Google's parsers stop at 100" if depth > 64 else None)


def kitchen_sink(msg):
    """A message holding one of every kind of field, as upb writes it."""
    m = msg.cls()
    m.optional_int32, m.optional_int64, m.optional_uint32, m.optional_uint64 = -5, -(2**40), 7, 2**63
    m.optional_sint32, m.optional_sint64, m.optional_fixed32, m.optional_fixed64 = -3, 2**50, 9, 10
    m.optional_sfixed32, m.optional_sfixed64, m.optional_float, m.optional_double = -1, -2, 1.5, -0.25
    m.optional_bool, m.optional_string, m.optional_bytes = True, "héllo", b"\x00\xff"
    m.optional_nested_message.a = 300
    m.optional_nested_enum = 2
    m.repeated_int32.extend([1, -1, 300])
    m.repeated_double.extend([0.5, 2.0])
    m.repeated_string.extend(["a", ""])
    m.repeated_nested_message.add().a = 1
    m.map_int32_int32[1] = 2
    m.map_string_string["k"] = "v"
    m.oneof_uint32 = 77
    return m.SerializeToString()


def truncations(s, msg):
    whole = kitchen_sink(msg)
    s.decode(msg, "KitchenSink", whole, expect="accept")
    s.encode(msg, "KitchenSink/encode", whole)
    for n in range(len(whole)):
        s.decode(msg, f"Truncated/{n}", whole[:n], note="the kitchen-sink message cut after this many bytes; a "
                 "cut between fields is a valid, shorter message")


# (name, JSON text, expect) in the catalogue's words (RunJsonTests); expect
# None lets upb decide, "reject"/"accept" is asserted against upb.
JSON_CASES = [
    ("HelloWorld", '{"optionalString":"Hello, World!"}', "accept"),
    ("RejectTopLevelNull", "null", "reject"),
    ("FieldNameInSnakeCase", '{"optional_int32": 1, "fieldname1": 2}', None),
    ("FieldNameWithNumbers", '{"field0name5": 1, "field_0_name6": 2}', None),
    ("FieldNameWithMixedCases", '{"fieldName7": 1, "FieldName8": 2, "fieldName9": 3, "FieldName10": 4}', None),
    ("FieldNameWithDoubleUnderscores", '{"FieldName13": 1, "FieldName14": 2}', None),
    ("OriginalProtoFieldName", '{"optional_int32": 1, "repeated_string": ["a"]}', "accept"),
    ("FieldNameEscaped", '{"fieldn\\u0061me1": 1}', None),
    ("FieldNameNotQuoted", "{fieldname1: 1}", "reject"),
    ("TrailingCommaInAnObject", '{"fieldname1":1,}', "reject"),
    ("JsonWithComments", '{\n // comment\n "fieldname1": 1}', "reject"),
    ("MissingCommaOneLine", '{"optionalInt32": 1 "optionalInt64": 2}', "reject"),
    ("UnknownFieldName", '{"unknownField": 1}', "reject"),
    ("DuplicateField", '{"optionalInt32": 1, "optionalInt32": 2}', None),
    ("DuplicateFieldDifferentCasing", '{"optionalInt32": 1, "optional_int32": 2}', None),
    ("Int32FieldMaxValue", '{"optionalInt32": 2147483647}', "accept"),
    ("Int32FieldMinValue", '{"optionalInt32": -2147483648}', "accept"),
    ("Uint32FieldMaxValue", '{"optionalUint32": 4294967295}', "accept"),
    ("Int64FieldMaxValue", '{"optionalInt64": "9223372036854775807"}', "accept"),
    ("Int64FieldMinValue", '{"optionalInt64": "-9223372036854775808"}', "accept"),
    ("Uint64FieldMaxValue", '{"optionalUint64": "18446744073709551615"}', "accept"),
    ("Int64FieldMaxValueNotQuoted", '{"optionalInt64": 9223372036854775807}', None),
    ("Uint64FieldMaxValueNotQuoted", '{"optionalUint64": 18446744073709551615}', None),
    ("Int32FieldStringValue", '{"optionalInt32": "2147483647"}', "accept"),
    ("Int32FieldStringValueZero", '{"optionalInt32": "0"}', "accept"),
    ("Int32FieldQuotedExponentialValue", '{"optionalInt32": "1e5"}', None),
    ("Int32FieldTooLarge", '{"optionalInt32": 2147483648}', "reject"),
    ("Int32FieldTooSmall", '{"optionalInt32": -2147483649}', "reject"),
    ("Uint32FieldTooLarge", '{"optionalUint32": 4294967296}', "reject"),
    ("Int64FieldTooLarge", '{"optionalInt64": "9223372036854775808"}', "reject"),
    ("Uint64FieldTooLarge", '{"optionalUint64": "18446744073709551616"}', "reject"),
    ("Int32FieldNotInteger", '{"optionalInt32": 0.5}', "reject"),
    ("Int64FieldNotInteger", '{"optionalInt64": "0.5"}', "reject"),
    ("Int32FieldTrueValue", '{"optionalInt32": true}', None),
    ("Int32FieldStringValuePartiallyNumeric", '{"optionalInt32": "12abc"}', "reject"),
    ("Int32FieldEmptyString", '{"optionalInt32": ""}', "reject"),
    ("Int32FieldFloatTrailingZero", '{"optionalInt32": 100000.000}', "accept"),
    ("Int32FieldExponentialFormat", '{"optionalInt32": 1e5}', "accept"),
    ("Int32FieldMaxFloatValue", '{"optionalInt32": 2.147483647e9}', "accept"),
    ("Int32FieldNotNumber", '{"optionalInt32": "3x3"}', "reject"),
    ("Int32FieldPlusSign", '{"optionalInt32": +1}', "reject"),
    ("Int32FieldLeadingZero", '{"optionalInt32": 01}', "reject"),
    ("Int32FieldNegativeWithLeadingZero", '{"optionalInt32": -01}', "reject"),
    ("Int32FieldLeadingSpace", '{"optionalInt32": " 1"}', None),
    ("BoolFieldTrue", '{"optionalBool": true}', "accept"),
    ("BoolFieldFalse", '{"optionalBool": false}', "accept"),
    ("BoolFieldIntegerZero", '{"optionalBool": 0}', None),
    ("BoolFieldIntegerOne", '{"optionalBool": 1}', None),
    ("BoolFieldCamelCaseTrue", '{"optionalBool": True}', "reject"),
    ("BoolFieldDoubleQuotedTrue", '{"optionalBool": "true"}', None),
    ("FloatFieldMaxPositiveValue", '{"optionalFloat": 3.402823e+38}', "accept"),
    ("FloatFieldMinPositiveValue", '{"optionalFloat": 1.175494e-38}', "accept"),
    ("FloatFieldQuotedValue", '{"optionalFloat": "1"}', "accept"),
    ("FloatFieldQuotedExponentialValue", '{"optionalFloat": "1e5"}', "accept"),
    ("FloatFieldNan", '{"optionalFloat": "NaN"}', "accept"),
    ("FloatFieldInfinity", '{"optionalFloat": "Infinity"}', "accept"),
    ("FloatFieldNegativeInfinity", '{"optionalFloat": "-Infinity"}', "accept"),
    ("FloatFieldNanNotQuoted", '{"optionalFloat": NaN}', "reject"),
    ("FloatFieldTooLarge", '{"optionalFloat": 3.4028236e+38}', "reject"),
    ("FloatFieldEmptyString", '{"optionalFloat": ""}', "reject"),
    ("FloatFieldTrueValue", '{"optionalFloat": true}', "reject"),
    ("DoubleFieldMaxPositiveValue", '{"optionalDouble": 1.7976931348623157e+308}', "accept"),
    ("DoubleFieldMinPositiveValue", '{"optionalDouble": 2.22507e-308}', "accept"),
    ("DoubleFieldQuotedValue", '{"optionalDouble": "1"}', "accept"),
    ("DoubleFieldNan", '{"optionalDouble": "NaN"}', "accept"),
    ("DoubleFieldInfinity", '{"optionalDouble": "Infinity"}', "accept"),
    ("DoubleFieldNegativeInfinity", '{"optionalDouble": "-Infinity"}', "accept"),
    ("DoubleFieldTooLarge", '{"optionalDouble": 1.7976931348623157e+309}', "reject"),
    ("DoubleFieldNegativeZero", '{"optionalDouble": -0.0}', None),
    ("EnumField", '{"optionalNestedEnum": "FOO"}', "accept"),
    ("EnumFieldWithAlias", '{"optionalAliasedEnum": "ALIAS_BAZ"}', "accept"),
    ("EnumFieldWithAliasUseAlias", '{"optionalAliasedEnum": "MOO"}', "accept"),
    ("EnumFieldWithAliasLowerCase", '{"optionalAliasedEnum": "moo"}', "accept"),
    ("EnumFieldNotQuoted", '{"optionalNestedEnum": FOO}', "reject"),
    ("EnumFieldNumericValueZero", '{"optionalNestedEnum": 0}', None),
    ("EnumFieldNumericValueNonZero", '{"optionalNestedEnum": 1}', "accept"),
    ("EnumFieldUnknownValue", '{"optionalNestedEnum": 123}', None),
    ("EnumFieldUnknownName", '{"optionalNestedEnum": "NO_SUCH_VALUE"}', "reject"),
    ("EnumFieldTrueValue", '{"optionalNestedEnum": true}', "reject"),
    ("StringField", '{"optionalString": "Hello world!"}', "accept"),
    ("StringFieldUnicode", '{"optionalString": "\u8C37\u6B4C"}', "accept"),
    ("StringFieldEscape", '{"optionalString": "\\"\\\\\\/\\b\\f\\n\\r\\t"}', "accept"),
    ("StringFieldUnicodeEscape", '{"optionalString": "\\u8C37\\u6B4C"}', "accept"),
    ("StringFieldEmbeddedNull", '{"optionalString": "Hello\\u0000world"}', "accept"),
    ("StringFieldInvalidEscape", '{"optionalString": "\\uXXXX\\u6B4C"}', "reject"),
    ("StringFieldUnterminatedEscape", '{"optionalString": "\\u8C3"}', "reject"),
    ("StringFieldUnpairedHighSurrogate", '{"optionalString": "\\uD800"}', None),
    ("StringFieldUnpairedLowSurrogate", '{"optionalString": "\\uDC00"}', None),
    ("StringFieldSurrogatePair", '{"optionalString": "\\uD801\\uDC37"}', "accept"),
    ("StringFieldNotAString", '{"optionalString": 12345}', "reject"),
    ("StringFieldSingleQuoteValue", "{\"optionalString\": 'Hello world!'}", "reject"),
    ("BytesField", '{"optionalBytes": "AQI="}', "accept"),
    ("BytesFieldBase64Url", '{"optionalBytes": "-_"}', "accept"),
    ("BytesFieldNoPadding", '{"optionalBytes": "AQI"}', None),
    ("BytesFieldInvalidBase64", '{"optionalBytes": "!!"}', "reject"),
    ("MessageField", '{"optionalNestedMessage": {"a": 1234}}', "accept"),
    ("MessageFieldRecursive", '{"recursiveMessage": {"optionalInt32": 1, "recursiveMessage": {}}}', "accept"),
    ("OneofFieldNullFirst", '{"oneofUint32": null, "oneofString": "test"}', None),
    ("OneofFieldNullSecond", '{"oneofString": "test", "oneofUint32": null}', None),
    ("OneofFieldDuplicate", '{"oneofUint32": 1, "oneofString": "test"}', "reject"),
    ("OneofZeroUint32", '{"oneofUint32": 0}', "accept"),
    ("OneofZeroString", '{"oneofString": ""}', "accept"),
    ("OneofZeroBool", '{"oneofBool": false}', "accept"),
    ("OneofZeroMessage", '{"oneofNestedMessage": {}}', "accept"),
    ("Int32MapField", '{"mapInt32Int32": {"1": 2, "3": 4}}', "accept"),
    ("Int32MapFieldKeyNotQuoted", '{"mapInt32Int32": {1: 2, 3: 4}}', "reject"),
    ("Uint64MapField", '{"mapUint64Uint64": {"18446744073709551615": "1"}}', "accept"),
    ("BoolMapField", '{"mapBoolBool": {"true": true, "false": false}}', "accept"),
    ("BoolMapFieldKeyNotQuoted", '{"mapBoolBool": {true: true}}', "reject"),
    ("MessageMapField", '{"mapStringNestedMessage": {"hello": {"a": 1234}, "world": {"a": 5678}}}', "accept"),
    ("Int32MapEscapedKey", '{"mapInt32Int32": {"\\u0031": 2}}', None),
    ("MapFieldKeyIsNull", '{"mapInt32Int32": {null: 1}}', "reject"),
    ("MapFieldValueIsNull", '{"mapInt32Int32": {"0": null}}', None),
    ("PrimitiveRepeatedField", '{"repeatedInt32": [1, 2, 3, 4]}', "accept"),
    ("EnumRepeatedField", '{"repeatedNestedEnum": ["FOO", "BAR", "BAZ"]}', "accept"),
    ("StringRepeatedField", '{"repeatedString": ["Hello", "world"]}', "accept"),
    ("BytesRepeatedField", '{"repeatedBytes": ["AAEC", "AQI="]}', "accept"),
    ("MessageRepeatedField", '{"repeatedNestedMessage": [{"a": 1234}, {"a": 5678}]}', "accept"),
    ("SingleValueForRepeatedFieldInt32", '{"repeatedInt32": 123}', "reject"),
    ("RepeatedFieldTrailingComma", '{"repeatedInt32": [1, 2, 3, 4,]}', "reject"),
    ("RepeatedFieldPrimitiveElementIsNull", '{"repeatedInt32": [1, null, 2]}', "reject"),
    ("AllFieldAcceptNull", '{"optionalInt32": null, "optionalString": null, "optionalNestedMessage": null, '
     '"repeatedInt32": null, "mapInt32Int32": null}', "accept"),
    ("OptionalBoolWrapper", '{"optionalBoolWrapper": false}', "accept"),
    ("OptionalInt64Wrapper", '{"optionalInt64Wrapper": "0"}', "accept"),
    ("OptionalStringWrapper", '{"optionalStringWrapper": ""}', "accept"),
    ("OptionalBytesWrapper", '{"optionalBytesWrapper": ""}', "accept"),
    ("RepeatedInt32Wrapper", '{"repeatedInt32Wrapper": [0, 1]}', "accept"),
    ("WrapperTypesWithNullValue", '{"optionalInt32Wrapper": null}', "accept"),
    ("DurationMinValue", '{"optionalDuration": "-315576000000.999999999s"}', "accept"),
    ("DurationMaxValue", '{"optionalDuration": "315576000000.999999999s"}', "accept"),
    ("DurationRepeatedValue", '{"repeatedDuration": ["1.5s", "-1.5s"]}', "accept"),
    ("DurationNull", '{"optionalDuration": null}', "accept"),
    ("DurationNegativeNanos", '{"optionalDuration": "-0.5s"}', "accept"),
    ("DurationMissingS", '{"optionalDuration": "1"}', "reject"),
    ("DurationTooLarge", '{"optionalDuration": "315576000001.000000000s"}', "reject"),
    ("TimestampMinValue", '{"optionalTimestamp": "0001-01-01T00:00:00Z"}', "accept"),
    ("TimestampMaxValue", '{"optionalTimestamp": "9999-12-31T23:59:59.999999999Z"}', "accept"),
    ("TimestampEpochValue", '{"optionalTimestamp": "1970-01-01T00:00:00Z"}', "accept"),
    ("TimestampNanoBeforeEpochValue", '{"optionalTimestamp": "1969-12-31T23:59:59.999999999Z"}', "accept"),
    ("TimestampLeap", '{"optionalTimestamp": "1993-02-10T00:00:00.000Z"}', "accept"),
    ("TimestampWithPositiveOffset", '{"optionalTimestamp": "1970-01-01T08:00:01+08:00"}', "accept"),
    ("TimestampWithNegativeOffset", '{"optionalTimestamp": "1969-12-31T16:00:01-08:00"}', "accept"),
    ("TimestampNull", '{"optionalTimestamp": null}', "accept"),
    ("TimestampJsonInputTooSmall", '{"optionalTimestamp": "0000-01-01T00:00:00Z"}', "reject"),
    ("TimestampJsonInputMissingZ", '{"optionalTimestamp": "0001-01-01T00:00:00"}', "reject"),
    ("TimestampJsonInputMissingT", '{"optionalTimestamp": "0001-01-01 00:00:00Z"}', "reject"),
    ("TimestampJsonInputLowercaseZ", '{"optionalTimestamp": "0001-01-01T00:00:00z"}', "reject"),
    ("TimestampJsonInputLowercaseT", '{"optionalTimestamp": "0001-01-01t00:00:00Z"}', "reject"),
    ("TimestampJsonInputMonthTooLarge", '{"optionalTimestamp": "2000-13-01T00:00:00Z"}', "reject"),
    ("TimestampJsonInputDayZero", '{"optionalTimestamp": "2000-01-00T00:00:00Z"}', "reject"),
    ("TimestampJsonInputHourTooLarge25", '{"optionalTimestamp": "2000-01-01T25:00:00Z"}', "reject"),
    ("TimestampJsonInputNonLeapFeb29", '{"optionalTimestamp": "1900-02-29T00:00:00Z"}', "reject"),
    ("TimestampJsonInputLeapFeb29", '{"optionalTimestamp": "2000-02-29T00:00:00Z"}', "accept"),
    ("TimestampJsonInputDayTooShort", '{"optionalTimestamp": "2000-01-1T00:00:00Z"}', "reject"),
    ("TimestampJsonInputMonthTooShort", '{"optionalTimestamp": "2000-1-01T00:00:00Z"}', "reject"),
    ("TimestampWithOffsetShiftsDay", '{"optionalTimestamp": "2000-01-01T00:00:00+01:00"}', "accept"),
    ("FieldMask", '{"optionalFieldMask": "foo,barBaz"}', "accept"),
    ("EmptyFieldMask", '{"optionalFieldMask": ""}', "accept"),
    ("FieldMaskInvalidCharacter", '{"optionalFieldMask": "foo,bar_bar"}', "reject"),
    ("Struct", '{"optionalStruct": {"nullValue": null, "intValue": 1234, "boolValue": true, '
     '"doubleValue": 1234.5678, "stringValue": "Hello world!", "listValue": [1234, "5678"], '
     '"objectValue": {"value": 0}}}', "accept"),
    ("StructWithEmptyListValue", '{"optionalStruct": {"listValue": []}}', "accept"),
    ("ValueAcceptInteger", '{"optionalValue": 1}', "accept"),
    ("ValueAcceptFloat", '{"optionalValue": 1.5}', "accept"),
    ("ValueAcceptBool", '{"optionalValue": false}', "accept"),
    ("ValueAcceptNull", '{"optionalValue": null}', "accept"),
    ("ValueAcceptString", '{"optionalValue": "hello"}', "accept"),
    ("ValueAcceptList", '{"optionalValue": [0, "hello"]}', "accept"),
    ("ValueAcceptObject", '{"optionalValue": {"value": 1}}', "accept"),
    ("RepeatedValue", '{"repeatedValue": [["a"]]}', "accept"),
    ("ListValueDeepNesting25", '{"optionalValue": ' + "[" * 25 + "]" * 25 + "}", "accept"),
    ("Any", '{"optionalAny": {"@type": "type.googleapis.com/protobuf_test_messages.proto3.TestAllTypesProto3", '
     '"optionalInt32": 12345}}', "accept"),
    ("AnyUnorderedTypeTag", '{"optionalAny": {"optionalInt32": 12345, '
     '"@type": "type.googleapis.com/protobuf_test_messages.proto3.TestAllTypesProto3"}}', "accept"),
    ("AnyWithInt32ValueWrapper", '{"optionalAny": {"@type": "type.googleapis.com/google.protobuf.Int32Value", '
     '"value": 12345}}', "accept"),
    ("AnyWithDuration", '{"optionalAny": {"@type": "type.googleapis.com/google.protobuf.Duration", '
     '"value": "1.5s"}}', "accept"),
    ("AnyWithStruct", '{"optionalAny": {"@type": "type.googleapis.com/google.protobuf.Struct", '
     '"value": {"foo": 1}}}', "accept"),
    ("AnyWithNoType", '{"optionalAny": {"optionalInt32": 12345}}', "reject"),
    ("AnyWithUnknownType", '{"optionalAny": {"@type": "type.googleapis.com/no.such.Message", "a": 1}}', "reject"),
    ("AnyNull", '{"optionalAny": null}', "accept"),
    ("AnyEmpty", '{"optionalAny": {}}', None),
    ("InvalidUtf8", b'{"optionalString": "\xa0\xb0"}', "reject"),
    ("TrailingGarbage", '{"optionalInt32": 1} x', "reject"),
    ("DeepNesting100", '{"recursiveMessage": ' * 100 + "{}" + "}" * 100, IMPL),
]

REQUIRED_NOTE = ("a message missing a required field: a parser that checks required fields (C++'s "
                 "ParseFromString) refuses it; upb, prost-reflect and partial parsers read what is there")


def required(s, whole, ext1, ext2):
    """proto2 `required` fields. Every field of TestAllRequiredTypesProto2
    is required, and it requires itself (recursive_message), so no message
    of it is ever complete: each case on it is implementation-defined, with
    upb's partial read as the value to match. The two MessageSet extension
    messages have one required field each, and can be complete."""
    s.decode(whole, "Required.MissingAll", b"", expect=IMPL, note=REQUIRED_NOTE)
    for t, suffix, wire, values in TYPES:
        if t in ("MESSAGE", "ENUM"):
            continue
        data = key(whole.number(f"required_{suffix}"), wire) + values[-1][0]
        s.decode(whole, f"Required.OnlyOne.{t}", data, expect=IMPL, note=REQUIRED_NOTE)
    s.decode(whole, "Required.OnlyOne.ENUM", key(whole.number("required_nested_enum"), VARINT) + v64(1),
             expect=IMPL, note=REQUIRED_NOTE)
    nested = whole.number("required_nested_message")
    s.decode(whole, "Required.NestedIncomplete", ld(nested, key(1, VARINT) + v64(5)), expect=IMPL,
             note=REQUIRED_NOTE + "; here the nested message misses its own")
    s.decode(whole, "Required.DefaultsAbsent", key(whole.number("required_int32"), VARINT) + v64(1), expect=IMPL,
             note=REQUIRED_NOTE + ". The default_* fields (with [default = ...]) are absent, not their defaults")
    g = whole.number("data")
    s.decode(whole, "Required.GroupIncomplete", key(g, SGROUP) + key(202, VARINT) + v64(1) + key(g, EGROUP),
             expect=IMPL, note=REQUIRED_NOTE + "; here a group misses its group_uint32")
    s.decode(whole, "Required.Truncated", key(whole.number("required_int32"), VARINT) + b"\x80", expect="reject",
             note="a premature end is refused whatever is required")
    i = ext2.number("i")
    for name, data in [("Complete", key(i, VARINT) + v64(5)),
                       ("Complete.Default", key(i, VARINT) + v64(0)),
                       ("Complete.Twice", key(i, VARINT) + v64(5) + key(i, VARINT) + v64(-7)),
                       ("Complete.WithUnknown", key(1, VARINT) + v64(1) + key(i, VARINT) + v64(5))]:
        s.decode(ext2, f"Required.{name}", data, expect="accept",
                 note="every required field present (a required field at its default is present)")
        s.encode(ext2, f"Required.{name}/encode", data)
    for name, data in [("Missing", b""), ("Missing.WithUnknown", key(1, VARINT) + v64(1))]:
        s.decode(ext2, f"Required.{name}", data, expect=IMPL, note=REQUIRED_NOTE)
    st = ext1.number("str")
    s.decode(ext1, "Required.Complete.String", ld(st, b""), expect="accept",
             note="the required string is present, empty")
    s.encode(ext1, "Required.Complete.String/encode", ld(st, b"x"))
    s.decode(ext1, "Required.Missing.String", b"", expect=IMPL, note=REQUIRED_NOTE)


def json_cases(s, msg):
    # Google's JSON catalogue runs on TestAllTypesProto3 (its well-known-type
    # and alias fields are proto3's).
    if not msg.proto3:
        return
    for name, text, expect in JSON_CASES:
        google = not name.startswith(("FieldNameInSnake", "UnknownFieldName", "DuplicateField", "TrailingGarbage",
                                      "DeepNesting", "InvalidUtf8", "EnumFieldUnknown", "BytesFieldNoPadding",
                                      "BytesFieldInvalid", "StringFieldSurrogatePair", "OneofFieldDuplicate",
                                      "DurationTooLarge", "DurationMinValue", "DurationMaxValue",
                                      "TimestampMaxValue", "MessageFieldRecursive", "AnyWithUnknownType",
                                      "DoubleFieldNegativeZero"))
        # Google's catalogue asks to refuse duplicate names at the
        # recommended level only.
        level = "recommended" if name.startswith("DuplicateField") else "required"
        s.decode_json(msg, name, text, expect=expect, google=google, level=level)


def main():
    with open(FDS_PATH, "rb") as f:
        fds = f.read()
    messages = [Message("Proto3", "protobuf_test_messages.proto3.TestAllTypesProto3", fds),
                Message("Proto2", "protobuf_test_messages.proto2.TestAllTypesProto2", fds)]
    req = "protobuf_test_messages.proto2.TestAllRequiredTypesProto2"
    whole, ext1, ext2 = (Message("Proto2", name, fds) for name in (
        req, f"{req}.MessageSetCorrectExtension1", f"{req}.MessageSetCorrectExtension2"))
    s = GoogleSuite(messages + [whole, ext1, ext2])
    for msg in messages:
        premature_eof(s, msg)
        illegal_tags(s, msg)
        invalid_utf8(s, msg)
        valid_scalars(s, msg)
        wrong_wire_types(s, msg)
        repeated(s, msg)
        maps(s, msg)
        oneofs(s, msg)
        merging(s, msg)
        unknown(s, msg)
        enums(s, msg)
        groups(s, msg)
        well_known(s, msg)
        nesting(s, msg)
        truncations(s, msg)
        json_cases(s, msg)
    required(s, whole, ext1, ext2)
    s.write()


if __name__ == "__main__":
    main()
