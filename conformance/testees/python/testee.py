"""The Python reference testee: a persistent server of conformance/PROTOCOL.md
(version 1) for CPython's pickle, json and struct, msgpack-python, cbor2 and
Google's protobuf. Run it through `testee` beside this file, which prepares
the venv. stdout carries nothing but responses. `--pure-python` serves only
Google's protobuf, with its pure-Python backend, as
`protobuf/python-protobuf-pure`.

Robustness: every exception while answering becomes an error response; the
process dies only when its stdin does not frame. MemoryError is answered as
`limit` (CPython raises it before allocating, so the process is intact; if
answering fails too, the death leaves MemoryError on stderr, which the
harness records as out of memory).
"""

import json
import os
import sys

# `--pure-python`: Google's protobuf with its pure-Python backend instead of
# upb, as the only codec (`protobuf/python-protobuf-pure`), a fourth
# implementation of a message beside prost, prost-reflect and upb. The
# backend is chosen when google.protobuf is first imported, so before that.
PURE_PYTHON = "--pure-python" in sys.argv[1:]
if PURE_PYTHON:
    os.environ["PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION"] = "python"

# Before the codec modules: they import the libraries under test.
sys.setrecursionlimit(20000)

import crossfmt_testee  # noqa: E402
import stdlib_codecs  # noqa: E402
import binary_codecs  # noqa: E402
import protobuf_value  # noqa: E402
import streams  # noqa: E402
from vj import Refusal  # noqa: E402

PROTOCOL = 1


def codecs():
    if PURE_PYTHON:
        pure = protobuf_value.Protobuf()
        pure.id = "protobuf/python-protobuf-pure"
        # Its float decoder returns math.nan for every NaN (payload and sign
        # gone), by design of the backend, not a bug to report each time.
        pure.caps = {**pure.caps, "nan_payload": False}
        return [pure]
    return [
        stdlib_codecs.Pickle(),
        stdlib_codecs.Json(),
        stdlib_codecs.Struct(),
        binary_codecs.MessagePack(),
        binary_codecs.Cbor(),
        protobuf_value.Protobuf(),
    ]


def versions():
    from importlib.metadata import version

    libs = ", ".join(f"{n} {version(n)}" for n in ("msgpack", "cbor2", "protobuf"))
    from google.protobuf.internal import api_implementation

    return f"CPython {sys.version.split()[0]}, {libs} ({api_implementation.Type()} backend)"


class Server:
    def __init__(self):
        self.codecs = {c.id: c for c in codecs()}

    def hello(self, request):
        if request.get("protocol") != PROTOCOL:
            raise Refusal("unsupported", f"protocol {request.get('protocol')!r}: this testee speaks {PROTOCOL}")
        return {
            "ok": "hello",
            "name": "python-reference-pure" if PURE_PYTHON else "python-reference",
            "version": versions(),
            "extensions": {"stream": 1},
            "codecs": [
                {"id": c.id, "format": c.format, "caps": c.caps, "schemas": c.schemas,
                 "framing": getattr(c, "framing", None)}
                for c in self.codecs.values()
            ],
        }

    def answer(self, request):
        op = request.get("op")
        if op == "hello":
            return self.hello(request)
        codec = self.codecs.get(request.get("codec"))
        if codec is None:
            raise Refusal("unsupported", f"unknown codec {request.get('codec')!r}; have {', '.join(self.codecs)}")
        schema = request.get("schema")
        if op == "decode":
            return {"ok": "value", "value": codec.decode(bytes.fromhex(request["payload"]), schema)}
        if op == "encode":
            return {"ok": "bytes", "payload": codec.encode(request["value"], schema).hex()}
        if op == "read_stream":
            if hasattr(codec, "read_chunks"):
                return streams.by_chunks(request, codec.read_chunks)
            if hasattr(codec, "read_record"):
                return streams.by_record(request, codec.read_record, getattr(codec, "raw_reads", False))
            raise Refusal("unsupported", f"{codec.id} reads no streams")
        raise Refusal("unsupported", f"unknown op {op!r}")

    def respond(self, body):
        """One response as bytes, whatever happens."""
        try:
            request = json.loads(body)
        except ValueError as e:
            return error("unsupported", f"request is not JSON: {e}")
        except RecursionError:
            # Deeper than Python's JSON reader goes (about 1,000 levels; VJ
            # doubles them): refused, not a crash.
            return error("limit", "the request nests deeper than this testee reads")
        if not isinstance(request, dict):
            return error("unsupported", "request is not a JSON object")
        try:
            response = self.answer(request)
        except Refusal as e:
            return error(e.kind, e.message)
        except (RecursionError, MemoryError) as e:
            return error("limit", f"{type(e).__name__}: {e}")
        except Exception as e:  # noqa: BLE001 - the server must outlive any request
            kind = "serialize" if request.get("op") == "encode" else "parse"
            return error(kind, f"unexpected {type(e).__name__}: {e}")
        try:
            # ensure_ascii=False: text with a lone surrogate (json.loads and
            # pickle can produce one) has no UTF-8 form, so encoding fails
            # here: the input was accepted, so unrepresentable. A backstop:
            # vj.text_of refuses such text first, naming the code point.
            return json.dumps(response, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as e:
            return error("unrepresentable", f"text that is not Unicode scalar values (a lone surrogate): {e}")
        except RecursionError:
            return error("limit", "the answer nests deeper than this testee writes")


def error(kind, message):
    return json.dumps({"error": kind, "message": message}).encode("utf-8")


def main():
    return crossfmt_testee.frames(Server().respond, name="python testee")


if __name__ == "__main__":
    sys.exit(main())
