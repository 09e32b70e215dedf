"""Writes conformance/suites/protobuf-python.json with Google's protobuf for
Python on corpus/schemas/value.proto's `crossfmt.Value` (from the committed
descriptor set), judged through the reference testee's mapping (the Rust
adapter's, src/codec/protobuf/mod.rs). Run under the reference venv:
conformance/generators/regenerate.sh

Every expectation is what Google's parser plus the mapping answer for the
bytes, never assumed: the script only chooses inputs and levels.
"""

from reference_suite import Suite
import diag as notation
import protobuf_value
from protobuf_wire import key, ld, varint, vj_py, zigzag
from vj import Refusal

PB = protobuf_value.Protobuf()
ENC = "Protocol Buffers encoding"
GUIDE = "Language Guide (proto3)"
MAPPING = "crossfmt value.proto mapping (src/codec/protobuf/mod.rs)"


NULL = ld(1, b"")


def int_field(i):
    return key(3, 0) + varint(zigzag(i) & (2**64 - 1))


def bool_field(b):
    return key(2, 0) + varint(int(b))


def item(v):
    """A List holding Value bytes `v`, as a Value."""
    return ld(9, ld(1, v))


def judge(data):
    """("accept", notation) or ("reject", why), from Google's parser and the
    mapping."""
    try:
        return "accept", notation.diag(vj_py(PB.decode(data, None)))
    except Refusal as e:
        return "reject", f"{e.kind}: {e.message}"


# --- cases ------------------------------------------------------------------

def values():
    """(name, VJ) values of every kind the mapping has, with their edges."""
    i = lambda n: {"int": str(n)}  # noqa: E731
    f = lambda h: {"float": h}  # noqa: E731
    t = lambda s: {"text": s}  # noqa: E731
    out = [
        ("null", {"null": None}), ("false", {"bool": False}), ("true", {"bool": True}),
        ("int-0", i(0)), ("int-1", i(1)), ("int-minus1", i(-1)), ("int-63", i(63)), ("int-64", i(64)),
        ("int-minus-2p63", i(-(2**63))), ("int-2p63-minus1", i(2**63 - 1)), ("uint-2p63", i(2**63)),
        ("uint-max", i(2**64 - 1)),
        ("f32-1.5", f("3fc00000")), ("f32-minus0", f("80000000")), ("f32-inf", f("7f800000")),
        ("f32-nan", f("7fc00000")), ("f32-subnormal", f("00000001")),
        ("f64-0.1", f("3fb999999999999a")), ("f64-minus0", f("8000000000000000")),
        ("f64-minus-inf", f("fff0000000000000")), ("f64-nan", f("7ff8000000000000")),
        ("f64-nan-payload", f("7ff8000000000001")), ("f64-max", f("7fefffffffffffff")),
        ("text-empty", t("")), ("text", t("é€𝄞\u0000")), ("bytes-empty", {"bytes": ""}),
        ("bytes", {"bytes": "00ff80"}), ("bytes-200", {"bytes": "ab" * 200}),
        ("list-empty", {"array": []}), ("list", {"array": [i(1), t("a"), {"null": None}]}),
        ("map-empty", {"map": []}),
        ("map-any-keys-dups", {"map": [[{"array": []}, i(1)], [{"null": None}, i(2)], [{"array": []}, i(3)]]}),
        ("nested", {"array": [{"map": [[t("k"), {"array": [{"bool": False}]}]]}, {"array": []}]}),
    ]
    deep = {"null": None}
    for _ in range(protobuf_value.MAX_DEPTH - 1):
        deep = {"map": [[i(0), deep]]}
    out.append(("map-depth-34", deep))
    return out


def add_values(suite):
    for name, v in values():
        data = PB.encode(v, None)
        verdict, value = judge(data)
        if verdict != "accept":
            raise AssertionError(f"{name}: Google's protobuf cannot read its own output: {value}")
        suite.add(f"decode/{name}", format="protobuf", source=f"{ENC}; SerializeToString", level="required",
                  op="decode", input=data, expect="accept", value=value)
        suite.add(f"encode/{name}", format="protobuf", source=f"{ENC}; SerializeToString", level="recommended",
                  op="encode", value=value, encodings=[data],
                  note="the bytes Google's serializer writes. For this schema they are canonical: one oneof "
                  "member per Value, known fields in field-number order (which the encoding spec recommends, "
                  "'Field Order'), minimal varints, the member written even when zero. Parsers must accept "
                  "any order (the decode cases), so byte equality is recommended, not required")
    f16 = {"float": "3e00"}
    suite.add("encode/f16-as-f32", format="protobuf", source=f"{MAPPING}", level="recommended", op="encode",
              value="1.5_1", encodings=[PB.encode(f16, None)], note="f16 has no protobuf type; the mapping "
              "writes it as `float` (f32), widened exactly")


# Level marker: Google accepts, the spec leaves it open: implementation-defined.
LENIENT = "lenient"


def wire_cases():
    """(name, bytes, level, source, why) for hand-built wire forms."""
    one = int_field(1)
    unknown = [
        ("unknown-varint", one + key(15, 0) + varint(300)),
        ("unknown-i64", key(15, 1) + bytes(8) + one),
        ("unknown-len", one + ld(15, b"xyz")),
        ("unknown-i32", one + key(1000, 5) + bytes(4)),
        ("unknown-max-field-number", one + key(2**29 - 1, 0) + b"\x00"),
        ("unknown-in-null", ld(1, key(5, 0) + b"\x01")),
        ("unknown-in-list", ld(9, ld(1, one) + key(7, 0) + b"\x07" + ld(1, one))),
        ("unknown-in-entry", ld(10, ld(1, ld(1, one) + ld(3, b"") + ld(2, NULL)))),
    ]
    out = [(n, b, "required", f"{ENC}; {GUIDE} 'Unknown Fields'", "unknown fields are skipped")
           for n, b in unknown]
    out += [
        ("unknown-group", one + key(15, 3) + key(1, 0) + b"\x01" + key(15, 4), "recommended",
         f"{ENC} 'Message Structure' (SGROUP/EGROUP, deprecated)", "an unknown group is skipped"),
        ("only-unknown", key(15, 0) + b"\x01", "recommended", MAPPING,
         "only unknown fields: a Value with no kind, which the mapping rejects"),
        ("empty", b"", "recommended", MAPPING, "the empty message: a Value with no kind"),
        ("entry-no-key", ld(10, ld(1, ld(2, NULL))), "recommended", MAPPING, "an Entry without key"),
        ("entry-no-value", ld(10, ld(1, ld(1, NULL))), "recommended", MAPPING, "an Entry without value"),
        ("entry-empty-key", ld(10, ld(1, ld(1, b"") + ld(2, NULL))), "recommended", MAPPING,
         "an Entry whose key is a Value with no kind"),
        ("uint-small", key(4, 0) + varint(5), "required", MAPPING, "a uint holding a small value is that integer"),
        ("int-zero-explicit", key(3, 0) + b"\x00", "required", ENC, "a oneof member at its default value is set"),
        # Last one wins, merging.
        ("scalar-twice", int_field(1) + int_field(2), "required", f"{ENC} 'Last One Wins'",
         "a scalar field twice: the last value wins"),
        ("oneof-switch", int_field(1) + ld(7, b"a"), "required", f"{GUIDE} 'Oneof'",
         "two oneof members: the last one seen is used"),
        ("oneof-message-then-scalar", NULL + bool_field(True), "required", f"{GUIDE} 'Oneof'",
         "a message member, then a scalar member: the scalar"),
        ("oneof-scalar-then-message", bool_field(True) + ld(9, b""), "required", f"{GUIDE} 'Oneof'",
         "a scalar member, then the empty list"),
        ("list-twice-merges", item(bool_field(True)) + item(bool_field(False)), "required",
         f"{ENC} 'Last One Wins' (embedded messages merge)",
         "the same message member twice: merged, repeated fields concatenated"),
        ("map-twice-merges", ld(10, ld(1, ld(1, NULL) + ld(2, one))) + ld(10, ld(1, ld(1, one) + ld(2, NULL))),
         "required", f"{ENC} 'Last One Wins'", "two Map occurrences merge: entries concatenated"),
        ("list-interrupted", item(one) + int_field(2) + item(NULL), "required", f"{GUIDE} 'Oneof'",
         "list, int, list: switching members clears the list, so only the last list is left"),
        ("entry-key-twice-merges", ld(10, ld(1, ld(1, int_field(1)) + ld(1, ld(7, b"x")) + ld(2, NULL))),
         "required", f"{ENC} 'Last One Wins'", "an Entry's key twice: the two Values merge (oneof: the last member)"),
        # Varints.
        ("varint-nonminimal", key(3, 0) + varint(2, width=3), "required", f"{ENC} 'Base 128 Varints'",
         "a varint with redundant continuation bytes is the same number"),
        ("varint-10-bytes", key(3, 0) + varint(2, width=10), "required", f"{ENC} 'Base 128 Varints'",
         "a 10-byte varint (the longest)"),
        ("varint-11-bytes", key(3, 0) + varint(2, width=11), "required", f"{ENC} 'Base 128 Varints'",
         "an 11-byte varint: longer than any 64-bit value needs"),
        ("varint-10th-byte-high-bits", key(3, 0) + b"\xff" * 9 + b"\x7f", LENIENT, f"{ENC} 'Base 128 Varints'",
         "a 10-byte varint with bits beyond 64 set: the spec does not say; Google's parser drops them "
         "(value given), prost rejects"),
        ("varint-truncated", key(3, 0) + b"\x80", "required", ENC, "a varint cut off"),
        ("tag-nonminimal", varint(3 << 3, width=2) + b"\x02", "recommended", ENC,
         "a field key written as a 2-byte varint (the same key)"),
        ("length-nonminimal", key(7, 2) + varint(1, width=2) + b"a", "required", ENC,
         "a length written with a redundant continuation byte"),
        # Wire types and field numbers.
        ("wrong-wire-type-int-as-len", key(3, 2) + b"\x00", "recommended", ENC,
         "sint64 `int` sent as LEN: Google's parser keeps it as an unknown field, leaving no kind"),
        ("wrong-wire-type-text-as-varint", key(7, 0) + b"\x01", "recommended", ENC,
         "string `text` sent as VARINT: an unknown field, no kind"),
        ("wrong-wire-type-f64-as-i32", key(6, 5) + bytes(4), "recommended", ENC,
         "double `f64` sent as I32: an unknown field, no kind"),
        ("wire-type-6", one + key(15, 6), "required", f"{ENC} 'Message Structure'", "wire type 6 does not exist"),
        ("wire-type-7", one + key(15, 7), "required", f"{ENC} 'Message Structure'", "wire type 7 does not exist"),
        ("field-number-0", b"\x00\x00" + one, "required", f"{GUIDE} 'Assigning Field Numbers'",
         "field number 0 is invalid"),
        ("egroup-unmatched", one + key(15, 4), "required", ENC, "an end-group with no start"),
        ("sgroup-unterminated", one + key(15, 3), "required", ENC, "a start-group never ended"),
        # Lengths.
        ("length-overrun", key(7, 2) + b"\x05ab", "required", ENC, "a LEN field longer than the data"),
        ("length-overruns-parent", ld(9, key(1, 2) + b"\x05" + NULL), "required", ENC,
         "a nested LEN field longer than its parent"),
        ("length-huge", key(8, 2) + varint(2**62) + b"ab", "required", ENC, "a length near 2**62"),
        ("fixed64-truncated", key(6, 1) + bytes(7), "required", ENC, "an I64 field cut off"),
        ("fixed32-truncated", key(5, 5) + bytes(3), "required", ENC, "an I32 field cut off"),
        # UTF-8.
        ("text-bad-utf8", ld(7, b"\xff"), "required", f"{GUIDE} 'Scalar Value Types' (string)",
         "string fields must hold valid UTF-8 in proto3"),
        ("text-overlong-utf8", ld(7, b"\xc0\x80"), "required", f"{GUIDE} 'Scalar Value Types'", "overlong UTF-8"),
        ("text-surrogate-utf8", ld(7, b"\xed\xa0\x80"), "required", f"{GUIDE} 'Scalar Value Types'",
         "an encoded surrogate is not UTF-8"),
        ("text-truncated-utf8", ld(7, b"\xe2\x82"), "required", f"{GUIDE} 'Scalar Value Types'",
         "a cut-off UTF-8 sequence"),
        ("bytes-not-utf8", ld(8, b"\xff\xfe"), "required", f"{GUIDE} 'Scalar Value Types' (bytes)",
         "bytes hold anything"),
        ("key-text-bad-utf8", ld(10, ld(1, ld(1, ld(7, b"\xff")) + ld(2, NULL))), "required",
         f"{GUIDE} 'Scalar Value Types'", "invalid UTF-8 deep inside"),
    ]
    # Nesting: Google's parser allows 100 messages deep, as prost does; a
    # list level costs two messages. Beyond is a resource limit.
    for depth, level, why in ((50, "required", "arrays 50 deep (101 messages with the Null leaf)"),
                              (51, "recommended", "arrays 51 deep: beyond Google's and prost's 100-message limit"),
                              (2000, "recommended", "arrays 2000 deep: a decoder must not overflow its stack")):
        v = NULL
        for _ in range(depth - 1):
            v = item(v)
        out.append((f"nested-arrays-{depth}", v, level, ENC, why))
    return out


def add_wire(suite):
    for name, data, level, source, why in wire_cases():
        verdict, detail = judge(data)
        fields = {"value": detail} if verdict == "accept" else {}
        expect = verdict
        if level == LENIENT:
            expect, level = "implementation-defined", "recommended"
        elif verdict == "reject" and detail.startswith("limit"):
            # A depth limit is the implementation's choice, not the format's.
            expect, level = "implementation-defined", "recommended"
        note = why + (f". Google's protobuf + mapping: {detail}" if verdict == "reject" else "")
        suite.add(f"decode/wire/{name}", format="protobuf", source=source, level=level, op="decode",
                  input=data, expect=expect, note=note, **fields)


def add_truncations(suite):
    sources = {
        "map": PB.encode({"map": [[{"text": "ké"}, {"array": [{"int": "-300"}, {"float": "3ff8000000000000"}]}]]}, None),
        "f32": PB.encode({"float": "3fc00000"}, None),
    }
    for name, whole in sources.items():
        for n in range(len(whole)):
            verdict, detail = judge(whole[:n])
            fields = {"value": detail} if verdict == "accept" else {}
            note = (f"the first {n} of {len(whole)} bytes: " +
                    ("a field boundary, so a shorter valid message" if verdict == "accept"
                     else f"rejected by Google's protobuf + mapping ({detail})"))
            suite.add(f"decode/truncated/{name}/{n}", format="protobuf", source=ENC,
                      level="required" if verdict == "accept" or detail.startswith("parse") else "recommended",
                      op="decode", input=whole[:n], expect=verdict, note=note, **fields)


def main():
    suite = Suite(
        "protobuf-python",
        "crossfmt.Value (corpus/schemas/value.proto) through Google's protobuf for Python and the "
        "value mapping of src/codec/protobuf: values of every kind serialized by SerializeToString "
        "(decode: required; byte-identical encode: recommended), and hand-built wire forms judged by "
        "ParseFromString plus the mapping: unknown fields of every wire type, last-one-wins for scalars "
        "and oneof members, merging of repeated message fields, non-minimal and over-long varints, wrong "
        "wire types, field number 0, length overruns, invalid UTF-8 in string fields, truncation at every "
        "byte, deep nesting. The schema has no repeated scalar field, so there is no packed encoding to "
        "test; repeated message fields (List.items, Map.entries) are covered instead.",
        "generated with Google's protobuf for Python (BSD-3-Clause) from the committed descriptor set "
        "conformance/testees/python/value.binpb; expectations cite 'Protocol Buffers encoding' and "
        "'Language Guide (proto3)' (protobuf.dev)",
        "protobuf_python.py",
        ["protobuf"],
    )
    add_values(suite)
    add_wire(suite)
    add_truncations(suite)
    suite.write()


if __name__ == "__main__":
    main()
