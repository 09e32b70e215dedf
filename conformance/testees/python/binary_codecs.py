"""MessagePack through msgpack-python and CBOR through cbor2.

msgpack-python decisions:

* `unpackb(raw=False, strict_map_key=False, object_pairs_hook=...)`: maps
  come back as their pairs, so order, duplicates and unhashable keys survive.
* Extension types through `ext_hook` as raw (code, bytes), every code.
  Timestamps (ext -1) are the exception: msgpack-python always decodes them
  itself; the default `timestamp=0` (a `Timestamp`, seconds + nanoseconds)
  is the only choice that keeps the instant exactly (float and datetime
  round it). So ext -1 is validated (a length other than 4, 8 or 12, or
  nanoseconds above 999999999, is a parse error) and answered in its
  shortest form (`Timestamp.to_bytes`): a 12-byte encoding of a small
  instant comes back as 8 or 4 bytes.
* float32 reads as a Python float (binary64): caps f32 "as f64". Encoding
  writes every float as float64 (the default `use_single_float=False`).
* Encoding walks the value with a `Packer(use_bin_type=True)`: its own
  `pack` for every scalar and `pack_map_header`/`pack_array_header`/
  `pack_ext_type` for the rest, which is what `packb` writes for a dict or
  list, and lets a map keep duplicates and unhashable keys.

cbor2 decisions:

* `cbor2.loads` as is: trailing bytes after the first item are ignored
  (that is cbor2's behaviour, left for the suites to judge).
* Tags are `CBORTag`. Tags cbor2 turns into Python types VJ lacks (datetime
  for 0/1 and 100/1004, Decimal 4, bigfloat 5, Fraction 30, regex 35, MIME
  36, UUID 37, IP addresses 52/54/260/261) are decoded as the raw tag and
  its content instead, never guessed into VJ; so is the self-describe tag
  55799 (which cbor2 drops). Bignums (2, 3) become ints, sets (258) Python
  sets, shared values (28/29) and string references (25/256) are resolved
  as cbor2 resolves them; a shared value that contains itself is
  unsupported.
* A map becomes a dict: duplicate keys keep the last value; keys that are
  arrays come back as tuples and maps as `frozendict` (both answered as
  array and map). Keys equal in Python (1, 1.0, True) collapse: encoding
  such a map is refused as unsupported rather than merged.
* Every float decodes to a Python float (f16/f32 "as f64"), NaN sign and
  payload kept (caps nan_payload true: the model holds them). `dumps`
  writes finite floats as float64 and Infinity as float16 (f97c00), and
  every NaN as f97e00: payload and sign are lost on encoding, a finding
  recorded in corpus/known-findings.txt, not hidden by the caps.
* MessagePack ext is crossfmt's tag 65302 on [type, bytes] (as the
  ciborium adapter writes it): encoded as that `CBORTag`, and cbor2 reads it
  back as that tag, which is the ext.
"""

import msgpack
import cbor2

from stdlib_codecs import Pairs, items_vj, members_vj, pairs_vj, python_dict, python_set
from vj import ANY_INT, F64, I64_U64, SCALAR_MAKERS, SCALARS, Refusal, bytes_of, converter, from_vj, only_key, unsupported, vj_int


# --- MessagePack ----------------------------------------------------------

class RawExt:
    __slots__ = ("code", "data")

    def __init__(self, code, data):
        self.code, self.data = code, data


_msgpack_vj = converter(
    {
        **SCALARS,
        RawExt: lambda x: {"ext": [x.code, x.data.hex()]},
        msgpack.Timestamp: lambda x: {"ext": [-1, x.to_bytes().hex()]},
    },
    {list: items_vj("array"), Pairs: pairs_vj},
)

# Errors msgpack-python raises on malformed input; StackError (nesting
# deeper than its stack) and BufferFull are limits, tested first.
_MSGPACK_LIMITS = (msgpack.StackError, msgpack.BufferFull)


def _msgpack_read(read):
    try:
        return read()
    except msgpack.OutOfData:
        raise
    except _MSGPACK_LIMITS as e:
        raise Refusal("limit", f"{type(e).__name__}: {e}") from None
    except (ValueError, TypeError) as e:
        # ExtraData, FormatError, OutOfData, UnicodeDecodeError and the
        # timestamp checks are all ValueErrors.
        raise Refusal("parse", f"{type(e).__name__}: {e}") from None


class MessagePack:
    id = "msgpack/msgpack-python"
    format = "msgpack"
    schemas = False
    caps = {
        "null": True, "bool": True, "ints": I64_U64, **F64,
        "nan": True, "nan_payload": True, "infinity": True,
        "text": True, "bytes": True, "array": True, "map": True,
        "map_keys": "any", "map_order": True, "duplicates": "kept",
        "ext": True, "tuple": "array",
        # The C packer refuses nesting beyond 511 containers.
        "max_depth": 500,
    }

    framing = "concatenated"
    _OPTIONS = dict(raw=False, strict_map_key=False, object_pairs_hook=Pairs, ext_hook=RawExt)

    def decode(self, payload, schema):
        return _msgpack_vj(_msgpack_read(lambda: msgpack.unpackb(payload, **self._OPTIONS)))

    def read_chunks(self, pieces):
        """`Unpacker.feed` with each piece as it arrives, then every value
        it completes; bytes left when the pieces end are a truncated record."""
        unpacker = msgpack.Unpacker(**self._OPTIONS)
        pos = fed = 0
        for piece in pieces:
            unpacker.feed(piece)
            fed += len(piece)
            while True:
                try:
                    obj = _msgpack_read(unpacker.unpack)
                    value = _msgpack_vj(obj)
                except msgpack.OutOfData:
                    break
                except Exception as e:  # noqa: BLE001 - ends the stream at this record
                    yield pos, e
                    return
                end = unpacker.tell()
                yield pos, end - pos, value
                pos = end
        if pos < fed:
            yield pos, Refusal("parse", f"the stream ends inside a record ({fed - pos} bytes of it)")

    def encode(self, value, schema):
        packer = msgpack.Packer(use_bin_type=True, autoreset=False)
        try:
            self._pack(packer, value, 0)
        except (ValueError, OverflowError, TypeError) as e:
            raise Refusal("serialize", f"{type(e).__name__}: {e}") from None
        return packer.bytes()

    def _pack(self, packer, v, level):
        if level > self.caps["max_depth"]:
            raise Refusal("limit", f"nesting deeper than {self.caps['max_depth']}")
        key, p = only_key(v)
        if key in ("array", "tuple"):
            packer.pack_array_header(len(p))
            for x in p:
                self._pack(packer, x, level + 1)
        elif key == "map":
            packer.pack_map_header(len(p))
            for k, x in p:
                self._pack(packer, k, level + 1)
                self._pack(packer, x, level + 1)
        elif key == "ext":
            code, data = p
            if not -128 <= code <= 127:
                raise unsupported(f"ext code {code} outside -128..127")
            packer.pack_ext_type(code, bytes.fromhex(data))
        elif key == "int":
            i = vj_int(p)
            if not -(2**63) <= i < 2**64:
                raise unsupported(f"integer {p} outside MessagePack's int64/uint64")
            packer.pack(i)
        elif key in ("null", "bool", "float", "text", "bytes"):
            packer.pack(SCALAR_MAKERS[key](p, None))
        else:
            raise unsupported(f"{key} has no MessagePack form")


# --- CBOR -----------------------------------------------------------------

# Tags cbor2 would turn into Python types that are not data-model values.
_RAW_TAGS = (0, 1, 4, 5, 30, 35, 36, 37, 52, 54, 100, 1004, 260, 261, 55799)


def _raw_tag(tag):
    return lambda value, immutable: cbor2.CBORTag(tag, value)


_SEMANTIC_AS_RAW = {t: _raw_tag(t) for t in _RAW_TAGS}


def _simple_vj(x):
    return {"simple": x.value}


def _tag_vj(x, convert):
    return {"tag": [x.tag, convert(x.value)]}


_cbor_vj = converter(
    {
        **SCALARS,
        bytearray: bytes_of,
        cbor2.CBORSimpleValue: _simple_vj,
        type(cbor2.undefined): lambda x: {"simple": 23},
    },
    {
        list: items_vj("array"),
        tuple: items_vj("array"),
        set: members_vj("set"),
        frozenset: members_vj("set"),
        dict: lambda x, c: {"map": [[c(k), c(v)] for k, v in x.items()]},
        cbor2.frozendict: lambda x, c: {"map": [[c(k), c(v)] for k, v in x.items()]},
        cbor2.CBORTag: _tag_vj,
    },
)


def _hashable(x):
    """A decoded key's form: arrays as tuples, maps as frozendicts, sets as
    frozensets, as cbor2 itself gives keys."""
    t = type(x)
    if t is list:
        return tuple(_hashable(i) for i in x)
    if t is dict:
        return cbor2.frozendict({k: _hashable(v) for k, v in x.items()})
    if t is set:
        return frozenset(x)
    return x


def _simple(n, recurse):
    if n == 23:
        return cbor2.undefined
    try:
        return cbor2.CBORSimpleValue(n)
    except (ValueError, TypeError) as e:
        raise unsupported(f"simple({n}): {e}") from None


_CBOR_MAKERS = {
    **SCALAR_MAKERS,
    "array": lambda p, r: [r(x) for x in p],
    "tuple": lambda p, r: [r(x) for x in p],
    "map": lambda p, r: python_dict(p, r, key=_hashable),
    "set": lambda p, r: python_set(set)(p, lambda m: _hashable(r(m))),
    "tag": lambda p, r: cbor2.CBORTag(p[0], r(p[1])),
    "ext": lambda p, r: cbor2.CBORTag(65302, [p[0], bytes.fromhex(p[1])]),
    "simple": _simple,
}


def _cbor_read(read):
    try:
        return read()
    except cbor2.CBORDecodeError as e:
        kind = "limit" if "nesting depth" in str(e) else "parse"
        raise Refusal(kind, f"{type(e).__name__}: {e}") from None
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as e:
        raise Refusal("parse", f"{type(e).__name__}: {e}") from None


class Cbor:
    id = "cbor/cbor2"
    format = "cbor"
    schemas = False
    caps = {
        "null": True, "simple": True, "bool": True, "ints": ANY_INT, **F64,
        "nan": True, "nan_payload": True, "infinity": True,
        "text": True, "bytes": True, "array": True, "map": True,
        # Keys that CBOR keeps apart but Python equates (true and 1, 1 and
        # 1.0, 0.0 and -0.0) collapse in cbor2's dict: no caps can say so;
        # recorded in corpus/known-findings.txt.
        "map_keys": "any", "map_order": True, "duplicates": "last_wins",
        "tags": True, "ext": True, "tuple": "array", "set": "native",
        # Value sharing and string references (25, 28, 29, 256) are resolved
        # while decoding: no raw decoder keeps them as tags (the others are
        # read raw: _RAW_TAGS). Bignums and sets on other content are
        # refused on reading: findings, recorded, not hidden here.
        "interpreted_tags": [25, 28, 29, 256],
        "set_order": False,
        # cbor2.loads' max_depth default: 400 nested containers.
        "max_depth": 400,
    }

    framing = "concatenated"
    # cbor2 documents its `fp` as any binary file-like object, so it gets
    # the raw pieces: a read may return less than asked.
    raw_reads = True

    def decode(self, payload, schema):
        return _cbor_vj(_cbor_read(lambda: cbor2.loads(payload, semantic_decoders=_SEMANTIC_AS_RAW)))

    def read_record(self, f):
        """One item of a CBOR sequence (RFC 8742): `CBORDecoder` on the file."""
        decoder = cbor2.CBORDecoder(f, semantic_decoders=_SEMANTIC_AS_RAW)
        return _cbor_vj(_cbor_read(decoder.decode))

    def encode(self, value, schema):
        # No "frozenset" maker: cbor2 writes a frozenset as tag 258, which
        # reads back as a set.
        obj = from_vj(value, _CBOR_MAKERS)
        try:
            return cbor2.dumps(obj)
        except (cbor2.CBOREncodeError, ValueError, TypeError, OverflowError) as e:
            raise Refusal("serialize", f"{type(e).__name__}: {e}") from None

