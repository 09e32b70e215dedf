"""Checks the reference testee over its real pipe (`testee` beside this file,
which sets up the venv): hello, a round trip of a handful of VJ values per
codec, and the decisions its modules document. Run: python3 test_testee.py
"""

import json
import os
import subprocess
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


class Client:
    def __init__(self):
        self.proc = subprocess.Popen(
            [os.path.join(HERE, "testee")], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )

    def ask(self, request):
        body = json.dumps(request).encode()
        self.proc.stdin.write(len(body).to_bytes(4, "little") + body)
        self.proc.stdin.flush()
        head = self.proc.stdout.read(4)
        assert len(head) == 4, f"testee died answering {request}"
        return json.loads(self.proc.stdout.read(int.from_bytes(head, "little")))

    def encode(self, codec, value, schema=None):
        return self.ask({"op": "encode", "codec": codec, "value": value, "schema": schema})

    def decode(self, codec, payload, schema=None):
        return self.ask({"op": "decode", "codec": codec, "payload": payload, "schema": schema})

    def close(self):
        self.proc.stdin.close()
        return self.proc.wait(timeout=10)


def i(n):
    return {"int": str(n)}


def f64(hexbits):
    return {"float": hexbits}


def t(s):
    return {"text": s}


NULL = {"null": None}
CAPS_FIELDS = {
    "null", "simple", "bool", "ints", "f16", "f32", "f64", "nan", "nan_payload", "infinity",
    "text", "bytes", "array", "map", "map_keys", "map_order", "duplicates", "tags", "interpreted_tags", "ext", "ext_codes",
    "timestamp_precision", "tuple", "set", "frozenset", "set_order", "max_depth",
}

# codec -> [(value, what decode(encode(value)) must give)]
ROUND_TRIPS = {
    "pickle/cpython": [
        (NULL, NULL),
        (i(2**200), i(2**200)),
        (f64("7ff8000000000001"), f64("7ff8000000000001")),
        ({"float": "3e00"}, f64("3ff8000000000000")),
        # Widening quiets a signalling NaN, as crossfmt's Float::widen does.
        ({"float": "7f800001"}, f64("7ff8000020000000")),
        ({"float": "7c01"}, f64("7ff8040000000000")),
        ({"float": "fe01"}, f64("fff8040000000000")),
        ({"tuple": [t("a"), {"bytes": "00ff"}]}, {"tuple": [t("a"), {"bytes": "00ff"}]}),
        ({"frozenset": [i(1)]}, {"frozenset": [i(1)]}),
        ({"map": [[i(1), t("x")], [i(1), t("y")]]}, {"map": [[i(1), t("y")]]}),
    ],
    "json/cpython": [
        ({"array": [NULL, {"bool": True}, i(-5), t("é\u0000")]}, {"array": [NULL, {"bool": True}, i(-5), t("é\u0000")]}),
        (f64("7ff0000000000000"), f64("7ff0000000000000")),
        ({"tuple": [i(1)]}, {"array": [i(1)]}),
        ({"map": [[t("b"), i(1)], [t("a"), i(2)]]}, {"map": [[t("b"), i(1)], [t("a"), i(2)]]}),
        # A dict: the last value of a duplicate key wins, at its first place.
        ({"map": [[t("b"), i(1)], [t("a"), i(2)], [t("b"), i(3)]]}, {"map": [[t("b"), i(3)], [t("a"), i(2)]]}),
    ],
    "msgpack/msgpack-python": [
        ({"map": [[{"array": [i(1)]}, NULL], [i(1), i(2)], [i(1), i(3)]]},
         {"map": [[{"array": [i(1)]}, NULL], [i(1), i(2)], [i(1), i(3)]]}),
        ({"ext": [5, "0a0b"]}, {"ext": [5, "0a0b"]}),
        ({"ext": [-1, "00000001"]}, {"ext": [-1, "00000001"]}),
        (i(2**64 - 1), i(2**64 - 1)),
        ({"float": "7fc00001"}, f64("7ff8000020000000")),
        ({"float": "7f800001"}, f64("7ff8000020000000")),
    ],
    "cbor/cbor2": [
        ({"tag": [0, t("2013-03-21T20:04:00Z")]}, {"tag": [0, t("2013-03-21T20:04:00Z")]}),
        ({"tag": [4, {"array": [i(-2), i(1000)]}]}, {"tag": [4, {"array": [i(-2), i(1000)]}]}),
        (i(-(2**70)), i(-(2**70))),
        ({"simple": 23}, {"simple": 23}),
        ({"simple": 99}, {"simple": 99}),
        ({"map": [[{"array": [i(1)]}, {"set": [i(2)]}]]}, {"map": [[{"array": [i(1)]}, {"set": [i(2)]}]]}),
        # Ext is crossfmt's tag 65302 on [type, bytes], which crossfmt reads as the ext.
        ({"ext": [5, "0a0b"]}, {"tag": [65302, {"array": [i(5), {"bytes": "0a0b"}]}]}),
    ],
    "protobuf/python-protobuf": [
        (NULL, NULL),
        (i(-1), i(-1)),
        (i(2**64 - 1), i(2**64 - 1)),
        ({"float": "3c00"}, {"float": "3f800000"}),
        ({"float": "7fc00001"}, {"float": "7fc00001"}),
        ({"float": "7c01"}, {"float": "7fc02000"}),
        ({"map": [[{"array": []}, t("v")], [{"array": []}, t("w")]]},
         {"map": [[{"array": []}, t("v")], [{"array": []}, t("w")]]}),
        ({"tuple": [{"bytes": ""}]}, {"array": [{"bytes": ""}]}),
    ],
}


class TesteeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.c = Client()

    @classmethod
    def tearDownClass(cls):
        assert cls.c.close() == 0

    def assertError(self, response, kind, *words):
        self.assertEqual(response.get("error"), kind, response)
        for w in words:
            self.assertIn(w, response["message"])

    def test_protobuf_binds_to_any_message_given_its_descriptor_set(self):
        from google.protobuf import descriptor_pb2

        f = descriptor_pb2.FileDescriptorProto(name="t.proto", package="t", syntax="proto3")
        m = f.message_type.add(name="M")
        FD = descriptor_pb2.FieldDescriptorProto
        m.field.add(name="a", number=1, type=FD.TYPE_SINT32, label=FD.LABEL_OPTIONAL)
        m.field.add(name="b", number=2, type=FD.TYPE_STRING, label=FD.LABEL_REPEATED)
        m.field.add(name="c", number=3, type=FD.TYPE_MESSAGE, label=FD.LABEL_OPTIONAL, type_name=".t.M")
        schema = "t.M@" + descriptor_pb2.FileDescriptorSet(file=[f]).SerializeToString().hex()
        pb = "protobuf/python-protobuf"
        i = lambda n: {"int": str(n)}  # noqa: E731
        # {1: -1, 2: ["x"], 3: {9: h'4805'}}: field 9 is unknown, kept as read.
        value = {"map": [[i(1), i(-1)], [i(2), {"array": [{"text": "x"}]}],
                         [i(3), {"map": [[i(9), {"bytes": "4805"}]]}]]}
        r = self.c.encode(pb, value, schema)
        self.assertEqual(r.get("payload"), "0801120178" + "1a024805", r)
        self.assertEqual(self.c.decode(pb, r["payload"], schema).get("value"), value)
        # Field 1 with the wrong wire type is an unknown field to upb, and
        # a known number holding unknown occurrences is outside the mapping.
        self.assertError(self.c.decode(pb, "0a00", schema), "unrepresentable", "occurrences of a known field")
        self.assertError(self.c.decode(pb, "1205", schema), "parse")
        self.assertError(self.c.encode(pb, {"array": []}, schema), "unsupported", "t.M")
        # The same message's JSON mapping, bound by the `json:` prefix.
        js = "json:" + schema
        text = '{"a": -1, "b": ["x"]}'.encode().hex()
        self.assertEqual(self.c.decode(pb, text, js).get("value"),
                         {"map": [[i(1), i(-1)], [i(2), {"array": [{"text": "x"}]}]]})
        self.assertError(self.c.decode(pb, '{"a": "x"}'.encode().hex(), js), "parse")
        r = self.c.encode(pb, {"map": [[i(1), i(-1)]]}, js)
        self.assertEqual(bytes.fromhex(r["payload"]), b'{"a": -1}', r)

    def test_hello_announces_every_codec_with_caps_crossfmt_reads(self):
        r = self.c.ask({"op": "hello", "protocol": 1})
        self.assertEqual(r["ok"], "hello")
        ids = {c["id"] for c in r["codecs"]}
        self.assertEqual(ids, set(ROUND_TRIPS) | {"struct/cpython"})
        for c in r["codecs"]:
            self.assertLessEqual(set(c["caps"]), CAPS_FIELDS, c["id"])
        self.assertIn("cbor2 6.3.0", r["version"])

    def test_round_trips(self):
        for codec, cases in ROUND_TRIPS.items():
            for value, back in cases:
                with self.subTest(codec=codec, value=value):
                    enc = self.c.encode(codec, value)
                    self.assertEqual(enc.get("ok"), "bytes", enc)
                    dec = self.c.decode(codec, enc["payload"])
                    self.assertEqual(dec, {"ok": "value", "value": back})

    def test_streams_read_every_record_and_name_the_cut_one(self):
        values = [i(1), t("héllo"), {"array": [i(2), NULL]}]
        framings = {c["id"]: c.get("framing") for c in self.c.ask({"op": "hello", "protocol": 1})["codecs"]}
        self.assertEqual(framings["json/cpython"], "lines")
        self.assertEqual(framings["protobuf/python-protobuf"], "length-delimited")
        self.assertIsNone(framings["struct/cpython"])
        for codec in ("msgpack/msgpack-python", "cbor/cbor2", "pickle/cpython", "json/cpython"):
            encodings = [bytes.fromhex(self.c.encode(codec, v)["payload"]) for v in values]
            if framings[codec] == "lines":
                encodings = [e + b"\n" for e in encodings]
            data = b"".join(encodings)
            starts = [sum(map(len, encodings[:k])) for k in range(len(encodings))]
            for pieces in ([data], [data[k:k + 1] for k in range(len(data))]):
                with self.subTest(codec=codec, pieces=len(pieces)):
                    r = self.c.ask({"op": "read_stream", "codec": codec, "pieces": [p.hex() for p in pieces]})
                    self.assertEqual(r["ok"], "records", r)
                    if codec == "cbor/cbor2" and len(pieces) > 1:
                        # The recorded finding (corpus/known-findings.txt):
                        # a short read from a raw stream ends cbor2's reading.
                        self.assertIn("premature end of stream", r["end"]["message"], r)
                        continue
                    self.assertIsNone(r["end"], r)
                    self.assertEqual([x["offset"] for x in r["records"]], starts)
                    self.assertEqual([x["value"]["text"] for x in r["records"] if "text" in x["value"]], ["héllo"])
            # Cut inside the last record: two records, then an error at its start.
            cut = self.c.ask({"op": "read_stream", "codec": codec, "pieces": [data[:-1].hex()]})
            self.assertEqual(len(cut["records"]), 2, cut)
            self.assertEqual(cut["end"]["offset"], starts[2], cut)
            self.assertEqual(cut["end"]["error"], "parse", cut)

    def test_struct_follows_the_format_string(self):
        value = {"array": [i(-1), {"bool": True}, {"bytes": "6162"}, f64("3ff8000000000000")]}
        enc = self.c.encode("struct/cpython", value, "<h?2se")
        self.assertEqual(enc, {"ok": "bytes", "payload": "ffff01616200" + "3e"})
        self.assertEqual(self.c.decode("struct/cpython", enc["payload"], "<h?2se")["value"], value)
        self.assertError(self.c.decode("struct/cpython", "ff", "<h"), "parse", "struct.error")
        self.assertError(self.c.encode("struct/cpython", {"array": [i(70000)]}, "<h"), "serialize")
        self.assertError(self.c.decode("struct/cpython", "", "<y"), "parse", "bad char")

    def test_pickle_refuses_to_import(self):
        # GLOBAL os system, then REDUCE: never run, refused naming the global.
        evil = (b"cos\nsystem\n(S'true'\ntR.").hex()
        self.assertError(self.c.decode("pickle/cpython", evil), "unsupported", "os.system")
        spelled = (b"\x80\x02c_codecs\nencode\nX\x01\x00\x00\x00xX\x05\x00\x00\x00rot13\x86R.").hex()
        self.assertError(self.c.decode("pickle/cpython", spelled), "unsupported", "_codecs.encode")
        self.assertError(self.c.decode("pickle/cpython", "8004"), "parse")
        legacy = (b"c__builtin__\nset\n((lI1\natR.").hex()
        self.assertEqual(self.c.decode("pickle/cpython", legacy)["value"], {"set": [i(1)]})

    def test_pickle_refuses_what_a_dict_cannot_keep(self):
        keys = {"map": [[i(1), NULL], [f64("3ff0000000000000"), NULL]]}
        self.assertError(self.c.encode("pickle/cpython", keys), "unsupported")
        self.assertError(self.c.encode("pickle/cpython", {"map": [[{"array": []}, NULL]]}), "unsupported")

    def test_library_decisions(self):
        self.assertError(self.c.decode("msgpack/msgpack-python", "0102"), "parse", "ExtraData")
        self.assertError(self.c.decode("msgpack/msgpack-python", "91" * 2000 + "c0"), "limit")
        self.assertEqual(self.c.decode("cbor/cbor2", "0102")["value"], i(1))
        self.assertEqual(self.c.decode("cbor/cbor2", "d9d9f701")["value"], {"tag": [55799, i(1)]})
        self.assertError(self.c.decode("cbor/cbor2", "d81c81d81d00"), "unsupported", "recursive")
        self.assertError(self.c.encode("cbor/cbor2", {"frozenset": []}), "unsupported")
        dup = self.c.decode("json/cpython", (b'{"a": 1, "b": 2, "a": NaN}').hex())["value"]
        self.assertEqual(dup, {"map": [[t("a"), f64("7ff8000000000000")], [t("b"), i(2)]]})
        self.assertError(self.c.decode("json/cpython", (b'"\\ud800"').hex()), "unrepresentable", "surrogate")
        self.assertError(self.c.decode("json/cpython", ("1" * 5000).encode().hex()), "limit")
        self.assertError(self.c.decode("protobuf/python-protobuf", ""), "unsupported", "no kind")
        self.assertError(self.c.decode("protobuf/python-protobuf", "52020a00"), "unsupported", "entry 0 has no key")
        self.assertError(self.c.decode("protobuf/python-protobuf", "3a01ff"), "parse")
        deep = {"null": None}
        for _ in range(40):
            deep = {"array": [deep]}
        self.assertError(self.c.encode("protobuf/python-protobuf", deep), "limit")

    def test_caps_state_what_the_libraries_do(self):
        caps = {c["id"]: c["caps"] for c in self.c.ask({"op": "hello", "protocol": 1})["codecs"]}
        # json.loads builds a dict: duplicates are not kept, the last wins.
        self.assertEqual(caps["json/cpython"]["duplicates"], "last_wins")
        # cbor2 reads NaN payloads into a Python float (its encoder drops
        # them: a recorded finding, not a caps matter) and holds ext as tag 65302.
        self.assertTrue(caps["cbor/cbor2"]["nan_payload"])
        self.assertTrue(caps["cbor/cbor2"]["ext"])
        self.assertEqual(self.c.decode("cbor/cbor2", "fb7ff8000000000001")["value"], f64("7ff8000000000001"))
        self.assertEqual(self.c.decode("cbor/cbor2", "f9fe00")["value"], f64("fff8000000000000"))
        self.assertEqual(self.c.encode("cbor/cbor2", f64("7ff8000000000001"))["payload"], "f97e00")
        self.assertEqual(self.c.decode("cbor/cbor2", "d9ff168220445e0be100")["value"],
                         {"tag": [65302, {"array": [i(-1), {"bytes": "5e0be100"}]}]})

    def test_sets_come_in_crossfmts_value_order(self):
        # crossfmt's Value order: null < int < float < text < bytes < tuple <
        # frozenset; text by code point. A Python set's own order is its hash
        # layout (string hashes change with PYTHONHASHSEED).
        members = [{"frozenset": [i(2), i(1)]}, {"tuple": [i(1)]}, {"bytes": "00"}, t("zeta"), t("b"), t("é"),
                   t("alpha"), t("B"), f64("4004000000000000"), i(2**130), i(-3), NULL]
        want = [NULL, i(-3), i(2**130), f64("4004000000000000"), t("B"), t("alpha"), t("b"), t("zeta"), t("é"),
                {"bytes": "00"}, {"tuple": [i(1)]}, {"frozenset": [i(1), i(2)]}]
        for kind in ("set", "frozenset"):
            with self.subTest(kind=kind):
                enc = self.c.encode("pickle/cpython", {kind: members})
                self.assertEqual(self.c.decode("pickle/cpython", enc["payload"])["value"], {kind: want})
        cbor = [m for m in members if "frozenset" not in m and "tuple" not in m]
        enc = self.c.encode("cbor/cbor2", {"set": cbor})
        self.assertEqual(self.c.decode("cbor/cbor2", enc["payload"])["value"],
                         {"set": [m for m in want if "frozenset" not in m and "tuple" not in m]})

    def test_lone_surrogates_are_answered_with_an_error_for_every_codec(self):
        # PROTOCOL.md: text with a lone surrogate cannot be sent; `parse`
        # where the format says such text is invalid, else `unrepresentable`
        # (accepted, but not a value the protocol carries).
        unrepresentable = {
            "json/cpython": [b'"\\ud800"', b'{"\\udc00": 1}', b'["a", "x\\ud83d"]'],
            # BINUNICODE with surrogatepass UTF-8 (what pickle.dumps("\ud800")
            # writes); protocol 0's raw-unicode-escape; a set member.
            "pickle/cpython": [b"X\x03\x00\x00\x00\xed\xa0\x80.", b"V\\ud800\n.",
                               b"\x80\x04\x8f(X\x03\x00\x00\x00\xed\xa0\x80\x90."],
        }
        for codec, payloads in unrepresentable.items():
            for p in payloads:
                with self.subTest(codec=codec, payload=p):
                    self.assertError(self.c.decode(codec, p.hex()), "unrepresentable", "lone surrogate")
        # Formats whose text is UTF-8, which a surrogate's encoding (ed a0 80) is not.
        invalid = {"msgpack/msgpack-python": "a3eda080", "cbor/cbor2": "63eda080",
                   "protobuf/python-protobuf": "3a03eda080"}
        for codec, payload in invalid.items():
            with self.subTest(codec=codec):
                self.assertError(self.c.decode(codec, payload), "parse")

    def test_bad_requests_are_answered(self):
        self.assertError(self.c.ask({"op": "decode", "codec": "nope", "payload": ""}), "unsupported", "nope")
        self.assertError(self.c.encode("json/cpython", {"nope": 1}), "unsupported")
        self.assertError(self.c.ask({"op": "hello", "protocol": 2}), "unsupported")


if __name__ == "__main__":
    unittest.main()
