"""crossfmt_testee: a crossfmt testee (conformance/PROTOCOL.md, version 1) in a
few lines. One file, standard library only: copy it beside your script.

    import cbor2
    import crossfmt_testee as ct

    ct.serve([ct.Codec("cbor/cbor2", "cbor", cbor2.loads, cbor2.dumps, caps={
        "null": True, "bool": True, "ints": ct.ANY_INT, "f64": "f64",
        "text": True, "bytes": True, "array": True, "map": True,
        "map_keys": "hashable", "max_depth": 100,
    })], name="my-cbor2", version=f"cbor2 {cbor2.__version__}")

The helper does the framing, the hello and the conversion between Python
values and VJ; you write `decode(bytes) -> value` and `encode(value) ->
bytes` and declare the caps. Python values map to VJ as:

    None, bool, int, float (binary64), str, bytes/bytearray, list, tuple,
    dict (ordered pairs), set, frozenset, and the wrappers Tag(n, value),
    Simple(n), Ext(code, data), Float(bits_hex) for a float of another width.

Answers, by what your function does:

- returns a value: the value. One VJ cannot carry (a datetime, text with a
  lone surrogate): `unrepresentable` (the input was accepted).
- raises Unsupported: `unsupported` (valid, but beyond your data model).
- raises RecursionError or MemoryError: `limit`.
- raises anything else: `parse` from decode, `serialize` from encode.

A value crossfmt sends that Python cannot hold (a map with two equal keys, an
unhashable key) is refused as unsupported before your encode sees it.

Streams (the protocol's stream extension): give a codec `framing`
("concatenated", "lines", "length-delimited") and `read_record(f)`, which
reads one record from a binary file object and returns its value, e.g.
`read_record=lambda f: cbor2.CBORDecoder(f).decode()`. crossfmt then checks
it on bytes delivered in pieces, on files of many records and on files cut
short; `f` is the file crossfmt wrote, or the pieces behind a BufferedReader
(`raw_reads=True`: the pieces as a raw stream, a read returning less than
asked).
"""

import io
import json
import struct
import sys
from collections import namedtuple

PROTOCOL = 1

#: The `ints` cap of arbitrary-precision integers.
ANY_INT = {"min": "-9223372036854775808", "max": "18446744073709551615", "big": True}

Tag = namedtuple("Tag", "number value")
Simple = namedtuple("Simple", "number")
Ext = namedtuple("Ext", "code data")
#: A float of a width Python has no type for: big-endian IEEE bits in hex
#: (4 digits binary16, 8 binary32, 16 binary64).
Float = namedtuple("Float", "bits")


class Unsupported(Exception):
    """Raise from decode or encode: the input is valid but beyond the codec's
    data model. On a case that must be rejected this is not a pass."""


class _Refusal(Exception):
    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind


class Codec:
    """One codec of the testee: `id` is `<format>/<implementation>`, `caps`
    crossfmt's Caps as a dict (a missing field means not supported;
    `max_depth` is required)."""

    def __init__(self, id, format, decode, encode, caps, schemas=False,
                 framing=None, read_record=None, raw_reads=False):
        if "max_depth" not in caps:
            raise ValueError(f"{id}: caps need max_depth (how deep a value the codec holds)")
        if (framing is None) != (read_record is None):
            raise ValueError(f"{id}: a stream reader needs both framing and read_record")
        self.id, self.format, self.caps, self.schemas = id, format, caps, schemas
        self.decode, self.encode = decode, encode
        self.framing, self.read_record, self.raw_reads = framing, read_record, raw_reads


def to_vj(x):
    """A Python value as VJ; _Refusal("unrepresentable") when VJ has no form."""
    if x is None:
        return {"null": None}
    if isinstance(x, bool):
        return {"bool": x}
    if isinstance(x, int):
        return {"int": str(x)}
    if isinstance(x, float):
        return {"float": struct.pack(">d", x).hex()}
    if isinstance(x, Float):
        return {"float": x.bits}
    if isinstance(x, str):
        try:
            x.encode("utf-8")
        except UnicodeEncodeError as e:
            raise _Refusal("unrepresentable", f"text with a lone surrogate (U+{ord(x[e.start]):04X} at {e.start})") from None
        return {"text": x}
    if isinstance(x, (bytes, bytearray, memoryview)):
        return {"bytes": bytes(x).hex()}
    if isinstance(x, Tag):
        return {"tag": [x.number, to_vj(x.value)]}
    if isinstance(x, Simple):
        return {"simple": x.number}
    if isinstance(x, Ext):
        return {"ext": [x.code, bytes(x.data).hex()]}
    if isinstance(x, tuple):
        return {"tuple": [to_vj(i) for i in x]}
    if isinstance(x, list):
        return {"array": [to_vj(i) for i in x]}
    if isinstance(x, dict):
        return {"map": [[to_vj(k), to_vj(v)] for k, v in x.items()]}
    if isinstance(x, frozenset):
        return {"frozenset": [to_vj(i) for i in x]}
    if isinstance(x, set):
        return {"set": [to_vj(i) for i in x]}
    raise _Refusal("unrepresentable", f"decoded a {type(x).__module__}.{type(x).__qualname__}, which VJ has no form for")


def _float(bits):
    raw = bytes.fromhex(bits)
    fmt = {2: ">e", 4: ">f", 8: ">d"}.get(len(raw))
    if fmt is None:
        raise _Refusal("unsupported", f"float of {len(raw)} bytes")
    return struct.unpack(fmt, raw)[0]


def _as_key(x):
    """A list as the tuple it stands for (a list cannot be a dict key or a
    set member; a codec whose tuples come back as arrays is sent them so)."""
    return tuple(_as_key(i) for i in x) if isinstance(x, list) else x


def _hashable_all(items, what):
    try:
        return [hash(i) for i in items]
    except TypeError as e:
        raise Unsupported(f"{what}: {e}") from None


def from_vj(v, last_wins=False):
    """VJ as a Python value; Unsupported when Python cannot hold it. With
    `last_wins` (the codec's caps say `"duplicates": "last_wins"`) a map's
    repeated key keeps its last value, as the harness expects of it."""
    ((kind, body),) = v.items()
    if kind == "null":
        return None
    if kind in ("bool", "text"):
        return body
    if kind == "int":
        return int(body)
    if kind == "float":
        return _float(body)
    if kind == "bytes":
        return bytes.fromhex(body)
    if kind == "array":
        return [from_vj(i, last_wins) for i in body]
    if kind == "tuple":
        return tuple(from_vj(i, last_wins) for i in body)
    if kind == "map":
        pairs = [(_as_key(from_vj(k, last_wins)), from_vj(i, last_wins)) for k, i in body]
        _hashable_all([k for k, _ in pairs], "map key")
        d = dict(pairs)
        # Keys repeated exactly may collapse (last wins); keys that differ
        # but are equal in Python (1 and 1.0) or both NaN may not.
        distinct = len({json.dumps(k, sort_keys=True) for k, _ in body}) if last_wins else len(pairs)
        if len(d) != distinct:
            raise Unsupported(f"map keys that a dict cannot keep apart ({distinct} distinct, {len(d)} kept)")
        return d
    if kind in ("set", "frozenset"):
        items = [_as_key(from_vj(i, last_wins)) for i in body]
        _hashable_all(items, f"{kind} member")
        s = set(items) if kind == "set" else frozenset(items)
        if len(s) != len(items):
            raise Unsupported(f"{kind} members equal in Python ({len(items)} given, {len(s)} kept)")
        return s
    if kind == "tag":
        return Tag(body[0], from_vj(body[1], last_wins))
    if kind == "simple":
        return Simple(body)
    if kind == "ext":
        return Ext(body[0], bytes.fromhex(body[1]))
    raise Unsupported(f"no Python value for VJ {kind!r}")


class PieceReader(io.RawIOBase):
    """A raw stream over pieces: every read returns at most the next piece,
    as a socket or pipe does."""

    def __init__(self, pieces):
        self._pieces = [p for p in pieces if p]
        self._next = self._at = self._pos = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        if self._next >= len(self._pieces):
            return 0
        piece = self._pieces[self._next]
        n = min(len(buffer), len(piece) - self._at)
        buffer[:n] = piece[self._at:self._at + n]
        self._at += n
        if self._at == len(piece):
            self._next, self._at = self._next + 1, 0
        self._pos += n
        return n

    def tell(self):
        return self._pos

    def peek(self, n=1):
        """What is left of the current piece (a raw stream has no buffer)."""
        if self._next >= len(self._pieces):
            return b""
        return self._pieces[self._next][self._at:self._at + max(n, 1)]


def open_stream(request, raw=False):
    """The stream of a `read_stream` request as a binary file object: the
    file it names, opened in binary mode, or its pieces behind an
    `io.BufferedReader` (reads return what was asked, or less at the end),
    or, `raw`, the pieces as they come (a read may return less)."""
    if "pieces" in request:
        reader = PieceReader(bytes.fromhex(p) for p in request["pieces"])
        return reader if raw else io.BufferedReader(reader)
    return open(request["file"], "rb")


def read_stream(request, read_record, convert=lambda v: v, raw=False):
    """The answer to `read_stream`: every record `read_record(f)` reads, one
    after another, each converted to VJ by `convert`, with its offset and
    length; then how the stream ended (`None`, or the error and the offset
    of the record that could not be read)."""
    records, end = [], None
    with open_stream(request, raw) as f:
        while True:
            start = f.tell()
            if not f.peek(1):
                break
            try:
                value = convert(read_record(f))
            except Exception as e:  # noqa: BLE001 - every failure ends the stream, at its record
                end = {"offset": start, **error_of(e, "parse")}
                break
            records.append({"offset": start, "len": f.tell() - start, "value": value})
    return {"ok": "records", "records": records, "end": end}


class _Server:
    def __init__(self, codecs, name, version):
        self.codecs = {c.id: c for c in codecs}
        self.name, self.version = name, version

    def answer(self, request):
        op = request.get("op")
        if op == "hello":
            if request.get("protocol") != PROTOCOL:
                raise _Refusal("unsupported", f"protocol {request.get('protocol')!r}: this testee speaks {PROTOCOL}")
            return {"ok": "hello", "name": self.name, "version": self.version, "extensions": {"stream": 1},
                    "codecs": [{"id": c.id, "format": c.format, "caps": c.caps, "schemas": c.schemas,
                                "framing": c.framing}
                               for c in self.codecs.values()]}
        codec = self.codecs.get(request.get("codec"))
        if codec is None:
            raise _Refusal("unsupported", f"unknown codec {request.get('codec')!r}")
        args = (request["schema"],) if codec.schemas and "schema" in request else ()
        if op == "decode":
            payload = bytes.fromhex(request["payload"])
            value = _call(codec.decode, "parse", payload, *args)
            return {"ok": "value", "value": to_vj(value)}
        if op == "encode":
            value = from_vj(request["value"], codec.caps.get("duplicates") == "last_wins")
            return {"ok": "bytes", "payload": bytes(_call(codec.encode, "serialize", value, *args)).hex()}
        if op == "read_stream" and codec.read_record is not None:
            return read_stream(request, codec.read_record, to_vj, codec.raw_reads)
        raise _Refusal("unsupported", f"unknown op {op!r}")

    def respond(self, body):
        """One response as bytes, whatever happens."""
        try:
            request = json.loads(body)
        except ValueError as e:
            request, response = {}, {"error": "unsupported", "message": f"request is not JSON: {e}"}
        except RecursionError:
            # A value nested deeper than Python's JSON reader goes (about
            # 1,000 levels; VJ doubles them): refused, not a crash.
            request, response = {}, {"error": "limit", "message": "the request nests deeper than this testee reads"}
        else:
            try:
                response = self.answer(request)
            except _Refusal as e:
                response = {"error": e.kind, "message": str(e)}
            except Unsupported as e:
                response = {"error": "unsupported", "message": str(e)}
            except (RecursionError, MemoryError) as e:
                response = {"error": "limit", "message": f"{type(e).__name__}: {e}"}
            except Exception as e:  # noqa: BLE001 - the server must outlive any request
                kind = "serialize" if request.get("op") == "encode" else "parse"
                response = {"error": kind, "message": f"unexpected {type(e).__name__}: {e}"}
        try:
            return json.dumps(response, ensure_ascii=False).encode("utf-8")
        except RecursionError:
            return json.dumps({"error": "limit", "message": "the answer nests deeper than this testee writes"}).encode()


def error_of(e, kind):
    """The error response for exception `e` (`kind` when it names none)."""
    if isinstance(e, Unsupported):
        return {"error": "unsupported", "message": str(e)}
    if isinstance(e, (RecursionError, MemoryError)):
        return {"error": "limit", "message": f"{type(e).__name__}: {e}"}
    if isinstance(getattr(e, "kind", None), str):
        return {"error": e.kind, "message": str(e)}
    return {"error": kind, "message": f"{type(e).__name__}: {e}"}


def _call(f, kind, *args):
    """`f(*args)`, its exceptions classified (see the module documentation)."""
    try:
        return f(*args)
    except (Unsupported, _Refusal, RecursionError, MemoryError):
        raise
    except Exception as e:  # noqa: BLE001 - every refusal of the library is an answer
        raise _Refusal(kind, f"{type(e).__name__}: {e}") from None


def serve(codecs, name="python-testee", version="", stdin=None, stdout=None):
    """Serves `codecs` until stdin ends. Returns the exit status: 0 at end of
    input, 2 on a truncated frame."""
    return frames(_Server(codecs, name, version).respond, name, stdin, stdout)


def frames(respond, name="python-testee", stdin=None, stdout=None):
    """PROTOCOL.md's framing: each request's body to `respond`, whose bytes
    go back as one frame, until stdin ends (0) or a frame is cut short (2)."""
    stdin = stdin or sys.stdin.buffer
    stdout = stdout or sys.stdout.buffer
    while True:
        head = stdin.read(4)
        if not head:
            return 0
        n = int.from_bytes(head, "little") if len(head) == 4 else -1
        body = stdin.read(n) if n >= 0 else b""
        if n < 0 or len(body) != n:
            print(f"{name}: truncated frame on stdin (header {head.hex()}, {len(body)} of {n} bytes)", file=sys.stderr)
            return 2
        out = respond(body)
        stdout.write(len(out).to_bytes(4, "little"))
        stdout.write(out)
        stdout.flush()


def main_for(codecs, name="python-testee", version=""):
    """`sys.exit(serve(...))`, for a script's last line."""
    sys.exit(serve(codecs, name, version))


__all__ = ["ANY_INT", "Codec", "Ext", "Float", "Simple", "Tag", "Unsupported",
           "frames", "from_vj", "main_for", "serve", "to_vj"]
