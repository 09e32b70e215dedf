"""Value JSON ("VJ", conformance/PROTOCOL.md) <-> Python objects: the parts
every codec shares (scalars, floats by bit pattern, the error a codec answers
with). Each codec module adds the containers of its own data model."""

import struct
import sys

_pack_d = struct.Struct(">d").pack
_unpack_d = struct.Struct(">d").unpack
_unpack_f = struct.Struct(">f").unpack
_unpack_e = struct.Struct(">e").unpack

# CPython refuses int <-> decimal conversions beyond this many digits (a guard
# against quadratic time in parsers). It stays on for the libraries, so that
# json.loads and pickle's text LONG behave as users see them; only VJ's own
# decimal strings lift it.
_DIGITS_LIMIT_BITS = 4300 * 3


# Caps fragments (crossfmt's Caps JSON, src/caps.rs) several codecs share.
F64 = {"f16": "f64", "f32": "f64", "f64": "f64"}
ANY_INT = {"min": str(-(2**127)), "max": str(2**127 - 1), "big": True}
I64_U64 = {"min": str(-(2**63)), "max": str(2**64 - 1), "big": False}


class Refusal(Exception):
    """An error response: `kind` is parse, unsupported, unrepresentable,
    limit or serialize."""

    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind
        self.message = message


def unsupported(message):
    return Refusal("unsupported", message)


def _unlimited(convert, x):
    old = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        return convert(x)
    finally:
        sys.set_int_max_str_digits(old)


def int_vj(i):
    if i.bit_length() > _DIGITS_LIMIT_BITS:
        return {"int": _unlimited(str, i)}
    return {"int": str(i)}


def vj_int(s):
    if len(s) > 4000:
        return _unlimited(int, s)
    return int(s)


def float_vj(x):
    """A Python float is binary64: 16 hex digits."""
    return {"float": _pack_d(x).hex()}


def widen_bits(h):
    """The binary64 bits of a VJ float of any width, widened as IEEE 754's
    convertFormat (and crossfmt's `Float::widen`, which its caps' "as f64"
    normalisation uses) widens: value, sign and payload kept, a signalling
    NaN quieted (`7f800001` -> `7ff8000020000000`), as the float-to-double
    cast in CPython's own `struct.unpack(">f")` does. NaNs are widened by
    hand because struct's unpacking of binary16 drops NaN payloads."""
    if len(h) == 16:
        return bytes.fromhex(h)
    if len(h) == 8:
        bits, exp_bits, mant_bits = int(h, 16), 8, 23
    elif len(h) == 4:
        bits, exp_bits, mant_bits = int(h, 16), 5, 10
    else:
        raise unsupported(f"float {h!r}: expected 4, 8 or 16 hex digits")
    exp_max = (1 << exp_bits) - 1
    mant = bits & ((1 << mant_bits) - 1)
    if (bits >> mant_bits) & exp_max == exp_max and mant:
        sign = bits >> (exp_bits + mant_bits)
        quiet = 1 << 51
        wide = (sign << 63) | (0x7FF << 52) | quiet | (mant << (52 - mant_bits))
        return wide.to_bytes(8, "big")
    unpack = _unpack_f if len(h) == 8 else _unpack_e
    return _pack_d(unpack(bytes.fromhex(h))[0])


def vj_float(h):
    """A VJ float of any width as a Python float (exact: every binary16 and
    binary32 is a binary64)."""
    return _unpack_d(widen_bits(h))[0]


def only_key(v):
    if type(v) is not dict or len(v) != 1:
        raise unsupported(f"not a VJ value (an object with one key): {v!r:.80}")
    return next(iter(v.items()))


def text_of(x):
    """VJ text is Unicode scalar values: a str holding a lone surrogate (json's
    `"\\ud800"` escapes, pickle's surrogatepass UTF-8) has no VJ form: the
    codec accepted the bytes, so the answer is `unrepresentable`, never a
    value (PROTOCOL.md). A codec whose format says such text is invalid
    answers `parse` before it gets here."""
    if not x.isascii():
        try:
            x.encode("utf-8")
        except UnicodeEncodeError as e:
            raise Refusal("unrepresentable", f"text with a lone surrogate (U+{ord(x[e.start]):04X} at {e.start}) is not Unicode text") from None
    return {"text": x}


def bytes_of(x):
    return {"bytes": bytes(x).hex()}


# Python type -> VJ for the scalars every codec's data model has.
SCALARS = {
    type(None): lambda x: {"null": None},
    bool: lambda x: {"bool": x},
    int: int_vj,
    float: float_vj,
    str: text_of,
    bytes: bytes_of,
}


def converter(table, containers):
    """A Python -> VJ function for one codec's data model. `table` maps exact
    types of leaves to VJ; `containers` maps container types to a function
    (x, convert) -> VJ. Anything else is answered as unsupported, naming the
    type: a value is never guessed into VJ. A container met again inside
    itself (a recursive structure) is unsupported too."""
    active = set()

    def convert(x):
        t = type(x)
        leaf = table.get(t)
        if leaf is not None:
            return leaf(x)
        build = containers.get(t)
        if build is None:
            raise unsupported(f"{t.__module__}.{t.__qualname__} has no VJ form: {x!r:.80}")
        if id(x) in active:
            raise unsupported("recursive structure (a container inside itself)")
        active.add(id(x))
        try:
            return build(x, convert)
        finally:
            active.discard(id(x))

    def top(x):
        # A RecursionError can strike inside the `finally` above and leave
        # an id behind, which a later object at that address would meet as
        # "recursive": each value starts from an empty path.
        active.clear()
        return convert(x)

    return top


def from_vj(v, make):
    """VJ -> Python: `make` maps a VJ key to a function (payload, recurse) ->
    object; a key the codec lacks is unsupported, naming it."""

    def recurse(v):
        key, payload = only_key(v)
        build = make.get(key)
        if build is None:
            raise unsupported(f"{key} has no form in this codec's data model")
        return build(payload, recurse)

    return recurse(v)


# VJ key -> Python for the scalars every codec has.
SCALAR_MAKERS = {
    "null": lambda p, r: None,
    "bool": lambda p, r: bool(p),
    "int": lambda p, r: vj_int(p),
    "float": lambda p, r: vj_float(p),
    "text": lambda p, r: p,
    "bytes": lambda p, r: bytes.fromhex(p),
}


def depth(v):
    """Nesting depth of a VJ value, scalars being depth 1 (as crossfmt counts)."""
    key, payload = only_key(v)
    if key in ("array", "tuple", "set", "frozenset"):
        return 1 + max((depth(x) for x in payload), default=0)
    if key == "map":
        return 1 + max((max(depth(k), depth(x)) for k, x in payload), default=0)
    if key == "tag":
        return 1 + depth(payload[1])
    return 1


# --- crossfmt's order on values -------------------------------------------

# The variants of crossfmt's `Value` (src/value.rs) in declaration order:
# its derived `Ord` sorts by variant first.
_VARIANT = {k: i for i, k in enumerate(
    ("null", "simple", "bool", "int", "bigint", "float", "text", "bytes", "array",
     "map", "tag", "ext", "tuple", "set", "frozenset"))}
_I128 = range(-(2**127), 2**127)
_WIDTH = {4: 0, 8: 1, 16: 2}
# Tags that spell a variant (Value::tagged): 258 set, 65300 tuple, 65301
# frozenset on an array; 65302 on [int, bytes] ext; 2/3 on bytes a bignum.
_SPELLED = {258: "set", 65300: "tuple", 65301: "frozenset"}


def order_key(v):
    """A sort key that orders VJ values as crossfmt orders the `Value`s they
    stand for (its derived `Ord`: variant, then content; floats by width and
    bits, text by code point, sequences lexicographically). A codec whose
    sets have no order of their own (caps `set_order: false`) answers their
    members in this order, as crossfmt's own adapters do (serde-pickle's sorts
    them): the hash order of a Python set changes with PYTHONHASHSEED and
    with insertion history, so it is no answer at all."""
    key, p = only_key(v)
    if key == "int":
        i = vj_int(p)
        return (_VARIANT["int" if i in _I128 else "bigint"], i)
    if key == "float":
        return (_VARIANT["float"], _WIDTH.get(len(p), 3), int(p, 16))
    if key == "bytes":
        return (_VARIANT["bytes"], bytes.fromhex(p))
    if key in ("array", "tuple", "set", "frozenset"):
        return (_VARIANT[key], [order_key(x) for x in p])
    if key == "map":
        return (_VARIANT["map"], [(order_key(k), order_key(x)) for k, x in p])
    if key == "ext":
        return (_VARIANT["ext"], p[0], bytes.fromhex(p[1]))
    if key == "tag":
        n, inner = p
        ikey, ip = only_key(inner)
        if ikey == "array" and n in _SPELLED:
            return order_key({_SPELLED[n]: ip})
        if ikey == "bytes" and n in (2, 3):
            magnitude = int.from_bytes(bytes.fromhex(ip), "big")
            return order_key({"int": str(magnitude if n == 2 else -1 - magnitude)})
        if (n == 65302 and ikey == "array" and len(ip) == 2 and only_key(ip[0])[0] == "int"
                and -128 <= vj_int(ip[0]["int"]) <= 127 and only_key(ip[1])[0] == "bytes"):
            return order_key({"ext": [vj_int(ip[0]["int"]), ip[1]["bytes"]]})
        return (_VARIANT["tag"], n, order_key(inner))
    # null, simple, bool, text: the payload orders itself.
    return (_VARIANT[key], p)


def sorted_vj(items):
    return sorted(items, key=order_key)
