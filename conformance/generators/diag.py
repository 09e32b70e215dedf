"""Python values -> crossfmt's diagnostic notation (see README "Notation").

Shared by the suite generators and the reference testee's tests. Python's
types map as crossfmt's `Value` maps them: tuple, set and frozenset ride on
tags 65300, 258 and 65301; bytearray is a byte string; floats are binary64
unless wrapped in `F32`/`F16` (a width a Python float cannot carry).
"""

import math
import struct


class Width:
    """A float of a narrower width than Python's own."""

    def __init__(self, value, width):
        self.value, self.width = value, width


def F32(x):
    return Width(x, 32)


def F16(x):
    return Width(x, 16)


class Tag:
    def __init__(self, tag, content):
        self.tag, self.content = tag, content


class Simple:
    def __init__(self, n):
        self.n = n


class Ext:
    """A MessagePack extension value (tag 65302 in the notation)."""

    def __init__(self, code, data):
        self.code, self.data = code, bytes(data)


class Map:
    """A map given as ordered pairs (keys Python cannot hash, duplicates)."""

    def __init__(self, pairs):
        self.pairs = list(pairs)


def _float(x, width=64):
    suffix = {64: "", 32: "_2", 16: "_1"}[width]
    if math.isnan(x):
        bits = struct.pack(">d", x).hex()
        return "NaN" + suffix if bits == "7ff8000000000000" else f"float'{bits}'"
    if math.isinf(x):
        return ("Infinity" if x > 0 else "-Infinity") + suffix
    r = repr(float(x))
    if "e" not in r and "." not in r:
        r += ".0"
    return r + suffix


def _text(s):
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif o < 0x20 or o == 0x7F:
            out.append(f"\\u{o:04x}")
        elif 0xD800 <= o <= 0xDFFF:
            raise ValueError(f"lone surrogate U+{o:04X} is not text")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def diag(v):
    """The notation for `v`, or ValueError for a type crossfmt cannot hold."""
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return _float(v)
    if isinstance(v, Width):
        return _float(v.value, v.width)
    if isinstance(v, str):
        return _text(v)
    if isinstance(v, (bytes, bytearray, memoryview)):
        return "h'" + bytes(v).hex() + "'"
    if isinstance(v, list):
        return "[" + ", ".join(diag(x) for x in v) + "]"
    if isinstance(v, tuple):
        return "65300([" + ", ".join(diag(x) for x in v) + "])"
    if isinstance(v, (set, frozenset)):
        tag = 258 if isinstance(v, set) else 65301
        members = sorted((diag(x) for x in v))
        return f"{tag}([" + ", ".join(members) + "])"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{diag(k)}: {diag(x)}" for k, x in v.items()) + "}"
    if isinstance(v, Map):
        return "{" + ", ".join(f"{diag(k)}: {diag(x)}" for k, x in v.pairs) + "}"
    if isinstance(v, Tag):
        return f"{v.tag}({diag(v.content)})"
    if isinstance(v, Simple):
        return "undefined" if v.n == 23 else f"simple({v.n})"
    if isinstance(v, Ext):
        return f"65302([{v.code}, h'{v.data.hex()}'])"
    raise ValueError(f"no notation for {type(v).__name__}: {v!r}")


if __name__ == "__main__":
    import sys

    for line in sys.stdin:
        print(diag(eval(line, {"F32": F32, "F16": F16, "Tag": Tag, "Simple": Simple, "Ext": Ext, "Map": Map})))
