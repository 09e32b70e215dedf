"""What the protobuf generators (protobuf_python.py, protobuf_google.py)
share: a wire writer for hand-built inputs, and VJ (the reference testee's
values) as diag.py notation."""

import math

import diag as notation
from vj import vj_float


def varint(n, width=None):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        more = n or (width is not None and len(out) + 1 < width)
        out.append(b | (0x80 if more else 0))
        if not more:
            return bytes(out)


def zigzag(i):
    return (i << 1) ^ (i >> 63)


def key(field, wire_type):
    return varint(field << 3 | wire_type)


def ld(field, body):
    return key(field, 2) + varint(len(body)) + body


def vj_py(v):
    """VJ as diag.py's Python values."""
    (k, p), = v.items()
    if k == "null":
        return None
    if k in ("bool", "text"):
        return p
    if k == "int":
        return int(p)
    if k == "bytes":
        return bytes.fromhex(p)
    if k == "float":
        x = vj_float(p)
        if len(p) == 16:
            return x
        if math.isnan(x) and p not in ("7fc00000", "ffc00000"):
            raise ValueError(f"binary32 NaN payload {p} has no notation here")
        return notation.F32(x)
    if k == "array":
        return [vj_py(x) for x in p]
    if k == "map":
        return notation.Map([(vj_py(a), vj_py(b)) for a, b in p])
    raise ValueError(f"no notation for VJ {k}")


