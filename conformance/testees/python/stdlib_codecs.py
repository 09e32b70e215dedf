"""The codecs of CPython's standard library: pickle, json, struct."""

import json
import pickle
import struct

import safe_pickle
import streams
from vj import ANY_INT, F64, SCALAR_MAKERS, SCALARS, Refusal, converter, from_vj, sorted_vj, unsupported


class Pairs(list):
    """A map decoded as its pairs (an object_pairs_hook), so that order,
    duplicates and keys Python cannot hash survive."""


def pairs_vj(x, convert):
    return {"map": [[convert(k), convert(v)] for k, v in x]}


def items_vj(key):
    return lambda x, convert: {key: [convert(i) for i in x]}


def members_vj(key):
    """A Python set or frozenset: members in crossfmt's value order (vj.order_key),
    since a set's iteration order is its hash layout, not data."""
    return lambda x, convert: {key: sorted_vj(convert(i) for i in x)}


def dict_vj(x, convert):
    return {"map": [[convert(k), convert(v)] for k, v in x.items()]}


def python_dict(pairs, recurse, key=lambda k: k):
    """A dict from VJ pairs. Exact duplicate keys: the last value wins at the
    first key's place (Python's dict display). Keys that are distinct values
    but equal in Python (1, 1.0, True; two NaNs are the reverse) cannot be
    kept apart by a dict: refused rather than merged silently."""
    d = {}
    exact = set()
    for k, v in pairs:
        exact.add(json.dumps(k, sort_keys=True))
        try:
            d[key(recurse(k))] = recurse(v)
        except TypeError as e:
            raise unsupported(f"map key: {e}") from None
    if len(d) != len(exact):
        raise unsupported(f"map keys that Python's dict cannot keep apart ({len(exact)} distinct, dict holds {len(d)})")
    return d


def python_set(make):
    def build(members, recurse):
        try:
            s = make(recurse(m) for m in members)
        except TypeError as e:
            raise unsupported(f"{make.__name__} member: {e}") from None
        if len(s) != len(members):
            raise unsupported(f"{make.__name__} members equal in Python ({len(members)} given, {len(s)} kept)")
        return s

    return build


# --- pickle ---------------------------------------------------------------

_pickle_vj = converter(
    {**SCALARS, bytearray: SCALARS[bytes]},
    {
        list: items_vj("array"),
        tuple: items_vj("tuple"),
        set: members_vj("set"),
        frozenset: members_vj("frozenset"),
        dict: dict_vj,
    },
)

_PICKLE_MAKERS = {
    **SCALAR_MAKERS,
    "array": lambda p, r: [r(x) for x in p],
    "tuple": lambda p, r: tuple(r(x) for x in p),
    "set": python_set(set),
    "frozenset": python_set(frozenset),
    "map": python_dict,
}


def _unpickle(load):
    try:
        return load()
    except safe_pickle.Refused as e:
        raise unsupported(str(e)) from None
    except (pickle.UnpicklingError, EOFError, ValueError, KeyError, IndexError,
            TypeError, AttributeError, OverflowError, struct.error) as e:
        raise Refusal("parse", f"{type(e).__name__}: {e}") from None


class Pickle:
    id = "pickle/cpython"
    format = "pickle"
    # The schema is the protocol written: "0" to "5"; none is protocol 4.
    schemas = True
    caps = {
        "null": True, "bool": True, "ints": ANY_INT, **F64,
        "nan": True, "nan_payload": True, "infinity": True,
        "text": True, "bytes": True, "array": True, "map": True,
        "map_keys": "hashable", "map_order": True, "duplicates": "last_wins",
        "tuple": "native", "set": "native", "frozenset": "native",
        # Sets iterate in hash order: answered in crossfmt's value order.
        "set_order": False,
        "max_depth": 1000,
    }

    @staticmethod
    def protocol(schema):
        if schema is None:
            # CPython 3.11's DEFAULT_PROTOCOL: what pickle.dumps(v) gives
            # Python users.
            return 4
        if schema not in ("0", "1", "2", "3", "4", "5"):
            raise unsupported(f"pickle schema {schema!r} is not a protocol number 0 to 5")
        return int(schema)

    framing = "concatenated"

    def decode(self, payload, schema):
        self.protocol(schema)
        return _pickle_vj(_unpickle(lambda: safe_pickle.loads(payload)))

    def read_record(self, f):
        """`pickle.load` on a file of appended pickles: one pickle, then the
        file is left at the next."""
        return _pickle_vj(_unpickle(safe_pickle.SafeUnpickler(f).load))

    def encode(self, value, schema):
        protocol = self.protocol(schema)
        obj = from_vj(value, _PICKLE_MAKERS)
        return pickle.dumps(obj, protocol=protocol)


# --- json -----------------------------------------------------------------

_json_vj = converter(
    {k: SCALARS[k] for k in (type(None), bool, int, float, str)},
    {list: items_vj("array"), dict: dict_vj},
)


def _json_map(pairs, recurse):
    # A dict, as json.dumps takes: a duplicate key's last value wins, at the
    # key's first place (what json.loads gives for the same object).
    d = {}
    for k, v in pairs:
        d[only_text(k)] = recurse(v)
    return d


def only_text(k):
    if len(k) == 1 and "text" in k:
        return k["text"]
    # json.dumps would turn 1 into "1" silently: a different value.
    raise unsupported(f"JSON object key {json.dumps(k)[:60]}: only text")


_JSON_MAKERS = {
    **{k: SCALAR_MAKERS[k] for k in ("null", "bool", "int", "float", "text")},
    "array": lambda p, r: [r(x) for x in p],
    "tuple": lambda p, r: [r(x) for x in p],
    "map": _json_map,
}


class Json:
    id = "json/cpython"
    format = "json"
    schemas = False
    caps = {
        "null": True, "bool": True, "ints": ANY_INT, **F64,
        # json.dumps writes NaN, Infinity and -Infinity (allow_nan=True) and
        # json.loads reads them back: not JSON, but Python's default.
        "nan": True, "infinity": True,
        "text": True, "array": True, "map": True,
        "map_keys": "text", "map_order": True,
        # json.loads builds a dict (its default, what Python users get): the
        # last value of a duplicate key wins at the key's first place.
        # Encoding takes a dict too.
        "duplicates": "last_wins",
        "tuple": "array",
        "max_depth": 1000,
    }

    framing = "lines"

    def read_record(self, f):
        """JSON Lines: one line, ended by a newline, through `json.loads`."""
        return self.decode(streams.read_line(f), None)

    def decode(self, payload, schema):
        # bytes, as a Python user reading a file or socket passes them:
        # json.loads detects UTF-8/16/32 and accepts a UTF-8 BOM.
        try:
            obj = json.loads(payload)
        except ValueError as e:
            # Includes JSONDecodeError and UnicodeDecodeError; CPython's
            # 4300-digit guard on int() is a resource limit, not a syntax rule.
            kind = "limit" if "integer string conversion" in str(e) else "parse"
            raise Refusal(kind, f"{type(e).__name__}: {e}") from None
        return _json_vj(obj)

    def encode(self, value, schema):
        try:
            return json.dumps(from_vj(value, _JSON_MAKERS)).encode()
        except ValueError as e:
            kind = "limit" if "integer string conversion" in str(e) else "serialize"
            raise Refusal(kind, f"{type(e).__name__}: {e}") from None


# --- struct ---------------------------------------------------------------

_struct_vj = converter({**SCALARS}, {list: items_vj("array")})

_STRUCT_ITEMS = {k: SCALAR_MAKERS[k] for k in ("bool", "int", "float", "bytes")}


class Struct:
    id = "struct/cpython"
    format = "struct"
    schemas = True
    caps = {
        "bool": True, "ints": ANY_INT, **F64,
        "nan": True, "nan_payload": True, "infinity": True,
        "bytes": True, "array": True,
        "max_depth": 2,
    }

    def __init__(self):
        self._compiled = {}

    def _struct(self, schema, kind):
        # A bad format raises struct.error at pack/unpack time, as bad bytes
        # or arguments do: the call is refused as invalid (`kind`).
        s = self._compiled.get(schema)
        if s is None:
            if not isinstance(schema, str):
                raise unsupported("struct codec: the request carries no schema (a format string)")
            try:
                s = struct.Struct(schema)
            except (struct.error, UnicodeEncodeError) as e:
                # A non-ASCII format raises UnicodeEncodeError, not struct.error.
                raise Refusal(kind, f"struct format {schema!r}: {e}") from None
            self._compiled[schema] = s
        return s

    def decode(self, payload, schema):
        s = self._struct(schema, "parse")
        try:
            items = s.unpack(payload)
        except struct.error as e:
            raise Refusal("parse", f"struct.error: {e}") from None
        return {"array": [_struct_vj(x) for x in items]}

    def encode(self, value, schema):
        s = self._struct(schema, "serialize")
        key, items = next(iter(value.items())) if type(value) is dict and len(value) == 1 else (None, None)
        if key != "array":
            raise unsupported("struct encodes an array of the format's items")
        args = [from_vj(x, _STRUCT_ITEMS) for x in items]
        try:
            return s.pack(*args)
        except (struct.error, OverflowError) as e:
            raise Refusal("serialize", f"{type(e).__name__}: {e}") from None
