"""Tests of crossfmt_testee, the helper for testee authors: the VJ mapping
both ways, how each answer of an author's function is classified, and the
framing. Run: python3 test_crossfmt_testee.py (crossfmt's tests run it)."""
import datetime
import io
import json
import tempfile
import unittest

import crossfmt_testee as ct


def request(server, **req):
    return json.loads(server.respond(json.dumps(req).encode()))


class Mapping(unittest.TestCase):
    def test_every_python_value_goes_to_vj_and_back(self):
        values = [None, True, -(2**70), 1.5, "héllo", b"\x00\xff", [1, [2]], (1, "a"),
                  {"k": 1, 2: None}, {1, 2}, frozenset({"x"}), ct.Tag(1, 0), ct.Simple(23),
                  ct.Ext(-1, b"\x00\x00\x00\x01")]
        for v in values:
            with self.subTest(v=v):
                self.assertEqual(ct.from_vj(ct.to_vj(v)), v)

    def test_array_keys_arrive_as_the_tuples_they_stand_for(self):
        key = {"array": [{"int": "1"}, {"array": [{"text": "a"}]}]}
        self.assertEqual(ct.from_vj({"map": [[key, {"null": None}]]}), {(1, ("a",)): None})

    def test_widths_python_has_no_type_for(self):
        self.assertEqual(ct.to_vj(ct.Float("3fc00000")), {"float": "3fc00000"})
        self.assertEqual(ct.from_vj({"float": "3fc00000"}), 1.5)

    def test_what_vj_cannot_carry_is_an_accept_it_cannot_show(self):
        for v in [datetime.date(2020, 1, 1), "\ud800"]:
            with self.subTest(v=v):
                with self.assertRaises(ct._Refusal) as e:
                    ct.to_vj(v)
                self.assertEqual(e.exception.kind, "unrepresentable")

    def test_a_last_wins_model_collapses_only_repeated_keys(self):
        one, two = {"int": "1"}, {"int": "2"}
        repeated = {"map": [[{"text": "a"}, one], [{"text": "a"}, two]]}
        self.assertEqual(ct.from_vj(repeated, last_wins=True), {"a": 2})
        with self.assertRaises(ct.Unsupported):
            ct.from_vj(repeated)
        equal_in_python = {"map": [[one, one], [{"float": "3ff0000000000000"}, two]]}
        with self.assertRaises(ct.Unsupported):
            ct.from_vj(equal_in_python, last_wins=True)

    def test_what_python_cannot_hold_is_unsupported(self):
        with self.assertRaises(ct.Unsupported):
            ct.from_vj({"map": [[{"int": "1"}, {"null": None}], [{"float": "3ff0000000000000"}, {"null": None}]]})
        with self.assertRaises(ct.Unsupported):
            ct.from_vj({"set": [{"map": []}]})


class Answers(unittest.TestCase):
    def setUp(self):
        def decode(b):
            if b == b"u":
                raise ct.Unsupported("beyond the model")
            if b == b"d":
                return datetime.date(2020, 1, 1)
            if b == b"r":
                raise RecursionError("deep")
            return json.loads(b)

        caps = {"null": True, "max_depth": 4}
        self.server = ct._Server([ct.Codec("json/t", "json", decode, lambda v: json.dumps(v).encode(), caps)], "t", "1")

    def test_hello_announces_the_codecs(self):
        r = request(self.server, op="hello", protocol=1)
        self.assertEqual(r["codecs"][0]["id"], "json/t")
        self.assertEqual(request(self.server, op="hello", protocol=2)["error"], "unsupported")

    def test_each_answer_is_classified(self):
        kinds = {b"null": None, b"{": "parse", b"u": "unsupported", b"d": "unrepresentable", b"r": "limit"}
        for payload, kind in kinds.items():
            with self.subTest(payload=payload):
                r = request(self.server, op="decode", codec="json/t", payload=payload.hex())
                self.assertEqual(r.get("error"), kind, r)
        r = request(self.server, op="encode", codec="json/t", value={"bytes": "00"})
        self.assertEqual(r["error"], "serialize", r)
        self.assertEqual(request(self.server, op="decode", codec="nope", payload="")["error"], "unsupported")

    def test_a_request_that_is_not_json_is_answered(self):
        self.assertEqual(json.loads(self.server.respond(b"{"))["error"], "unsupported")

    def test_caps_without_max_depth_are_refused_up_front(self):
        with self.assertRaises(ValueError):
            ct.Codec("json/t", "json", json.loads, json.dumps, {"null": True})


class Streams(unittest.TestCase):
    def setUp(self):
        def read_line(f):
            line = f.readline()
            if not line.endswith(b"\n"):
                raise ValueError("a last line without its newline")
            return json.loads(line)

        caps = {"null": True, "ints": ct.ANY_INT, "text": True, "array": True, "max_depth": 4}
        codec = ct.Codec("json/lines", "json", json.loads, lambda v: json.dumps(v).encode(), caps,
                         framing="lines", read_record=read_line)
        self.server = ct._Server([codec], "t", "1")

    def test_records_in_pieces_and_from_a_file_and_the_cut_one(self):
        data = b'1\n"\xc3\xa9"\n[2, null]\n3'
        self.assertEqual(request(self.server, op="hello", protocol=1)["codecs"][0]["framing"], "lines")
        for pieces in ([data], [data[i:i + 1] for i in range(len(data))]):
            r = request(self.server, op="read_stream", codec="json/lines", pieces=[p.hex() for p in pieces])
            self.assertEqual([(x["offset"], x["len"]) for x in r["records"]], [(0, 2), (2, 5), (7, 10)], r)
            self.assertEqual(r["records"][1]["value"], {"text": "é"})
            self.assertEqual(r["end"]["offset"], 17, r)
            self.assertEqual(r["end"]["error"], "parse", r)
            self.assertIn("newline", r["end"]["message"])
        with tempfile.NamedTemporaryFile(suffix=".jsonl") as f:
            f.write(data[:-1])
            f.flush()
            r = request(self.server, op="read_stream", codec="json/lines", file=f.name)
        self.assertEqual((len(r["records"]), r["end"]), (3, None), r)

    def test_a_stream_reader_needs_its_framing(self):
        with self.assertRaises(ValueError):
            ct.Codec("json/t", "json", json.loads, json.dumps, {"max_depth": 1}, read_record=json.load)


class Framing(unittest.TestCase):
    def test_frames_in_frames_out(self):
        body = json.dumps({"op": "hello", "protocol": 1}).encode()
        stdin = io.BytesIO(len(body).to_bytes(4, "little") + body)
        stdout = io.BytesIO()
        self.assertEqual(ct.frames(lambda b: b"ok", stdin=stdin, stdout=stdout), 0)
        self.assertEqual(stdout.getvalue(), b"\x02\x00\x00\x00ok")
        self.assertEqual(ct.frames(lambda b: b"", stdin=io.BytesIO(b"\x05\x00\x00\x00ab"), stdout=io.BytesIO()), 2)


if __name__ == "__main__":
    unittest.main()
