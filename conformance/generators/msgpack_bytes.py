"""A minimal MessagePack reader (spec: github.com/msgpack/msgpack/blob/master/spec.md).

It types values exactly as the bytes say -- `ca` gives a binary32, `d0 01` an
integer, ext -1 an `Ext` with its own payload -- so the generators can derive
each case's expected value from its input instead of trusting a table, and
tell an incomplete input (`Incomplete`) from an invalid one (`Malformed`).
"""

import struct

from cursor import Cursor, Incomplete, Malformed  # noqa: F401 (re-exported)
from diag import F32, Ext, Map




# marker -> (struct format of the length/value field, what follows)
_SIZED = {
    0xC4: (">B", "bin"), 0xC5: (">H", "bin"), 0xC6: (">I", "bin"),
    0xC7: (">B", "ext"), 0xC8: (">H", "ext"), 0xC9: (">I", "ext"),
    0xD9: (">B", "str"), 0xDA: (">H", "str"), 0xDB: (">I", "str"),
    0xDC: (">H", "array"), 0xDD: (">I", "array"),
    0xDE: (">H", "map"), 0xDF: (">I", "map"),
}  # fmt: skip
_NUMBERS = {
    0xCA: ">f", 0xCB: ">d",
    0xCC: ">B", 0xCD: ">H", 0xCE: ">I", 0xCF: ">Q",
    0xD0: ">b", 0xD1: ">h", 0xD2: ">i", 0xD3: ">q",
}  # fmt: skip
_FIXEXT = {0xD4: 1, 0xD5: 2, 0xD6: 4, 0xD7: 8, 0xD8: 16}


class _Reader(Cursor):
    def __init__(self, data, utf8):
        super().__init__(data)
        self.utf8 = utf8

    def unpack(self, fmt):
        return struct.unpack(fmt, self.take(struct.calcsize(fmt)))[0]

    def sized(self, kind, n):
        if kind == "bin":
            return self.take(n)
        if kind == "str":
            at, raw = self.pos, self.take(n)
            try:
                return raw.decode("utf-8")
            except UnicodeDecodeError as e:
                if self.utf8:
                    raise Malformed(f"str at offset {at} is not UTF-8: {e.reason}") from None
                return raw
        if kind == "ext":
            code = self.unpack(">b")
            return Ext(code, self.take(n))
        if kind == "array":
            return [self.item() for _ in range(n)]
        return Map((self.item(), self.item()) for _ in range(n))

    def item(self):
        at = self.pos
        m = self.take(1)[0]
        if m <= 0x7F or m >= 0xE0:
            return struct.unpack(">b", bytes([m]))[0] if m >= 0xE0 else m
        if m <= 0x8F:
            return self.sized("map", m & 0x0F)
        if m <= 0x9F:
            return self.sized("array", m & 0x0F)
        if m <= 0xBF:
            return self.sized("str", m & 0x1F)
        if m in (0xC0, 0xC2, 0xC3):
            return {0xC0: None, 0xC2: False, 0xC3: True}[m]
        if m in _NUMBERS:
            x = self.unpack(_NUMBERS[m])
            return F32(x) if m == 0xCA else x
        if m in _SIZED:
            fmt, kind = _SIZED[m]
            return self.sized(kind, self.unpack(fmt))
        if m in _FIXEXT:
            return self.sized("ext", _FIXEXT[m])
        raise Malformed(f"reserved marker {m:02x} at offset {at}")


def read(data, utf8=True):
    """The one value `data` holds; trailing bytes are Malformed.

    With utf8=False a str that is not UTF-8 comes back as its raw bytes."""
    return _Reader(data, utf8).whole()


def timestamp(ext):
    """(seconds, nanoseconds) of an ext -1 payload (spec "Timestamp extension type")."""
    d = ext.data
    if len(d) == 4:
        return struct.unpack(">I", d)[0], 0
    if len(d) == 8:
        n = struct.unpack(">Q", d)[0]
        return n & (2**34 - 1), n >> 34
    if len(d) == 12:
        ns, s = struct.unpack(">Iq", d)
        return s, ns
    raise Malformed(f"timestamp payload of {len(d)} bytes")
