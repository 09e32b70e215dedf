"""A minimal CBOR reader and preferred-serialization writer (RFC 8949).

The reader types values exactly as the bytes say (f9 a binary16, fa a
binary32, fb a binary64; tags 2/3 as plain integers; indefinite-length items
as their definite value) and separates an incomplete input (`Incomplete`)
from one that is not well-formed or not valid (`Malformed`), so the
generators derive expectations from the bytes and check the ones they write.
The writer gives the preferred serialization (RFC 8949 §4.1) and, for
floats, every other width that holds the value exactly.
"""

import itertools
import math
import struct

from cursor import Cursor, Incomplete, Malformed  # noqa: F401 (re-exported)
from diag import F16, F32, Map, Simple, Tag, Width

BREAK = object()  # the 0xff stop code, only meaningful inside indefinite items




def head(major, n):
    """The initial byte and argument for `n`, shortest form (RFC 8949 §4.1)."""
    if n < 24:
        return bytes([major << 5 | n])
    for ai, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * size):
            return bytes([major << 5 | ai]) + n.to_bytes(size, "big")
    raise ValueError(f"argument {n} does not fit 64 bits")


class _Reader(Cursor):
    def argument(self, ai, at):
        if ai < 24:
            return ai
        if ai <= 27:
            return int.from_bytes(self.take(1 << (ai - 24)), "big")
        raise Malformed(f"reserved additional information {ai} at offset {at} (RFC 8949 §3)")

    def text(self, raw, at):
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise Malformed(f"text at offset {at} is not UTF-8: {e.reason} (RFC 8949 §5.3.1)") from None

    def chunks(self, major, at):
        """An indefinite-length string: definite chunks of the same major type (§3.2.3)."""
        parts = []
        while True:
            c_at = self.pos
            ib = self.take(1)[0]
            if ib == 0xFF:
                break
            if ib >> 5 != major or ib & 0x1F == 31:
                raise Malformed(f"chunk at offset {c_at} of the indefinite string at {at} is not a definite string of its type")
            raw = self.take(self.argument(ib & 0x1F, c_at))
            parts.append(self.text(raw, c_at) if major == 3 else raw)
        return ("" if major == 3 else b"").join(parts)

    def until_break(self, n_each):
        items = []
        while True:
            v = self.item(allow_break=True)
            if v is BREAK:
                return items
            items.append(v if n_each == 1 else (v, self.item()))

    def item(self, allow_break=False):
        at = self.pos
        ib = self.take(1)[0]
        major, ai = ib >> 5, ib & 0x1F
        if ai == 31:
            if major == 7:
                if allow_break:
                    return BREAK
                raise Malformed(f"break (ff) outside an indefinite-length item at offset {at} (RFC 8949 §3.2.1)")
            if major in (2, 3):
                return self.chunks(major, at)
            if major == 4:
                return self.until_break(1)
            if major == 5:
                return Map(self.until_break(2))
            raise Malformed(f"indefinite length on major type {major} at offset {at} (RFC 8949 §3.2.4)")
        if major == 7:
            return self.simple(ai, at)
        n = self.argument(ai, at)
        if major == 0:
            return n
        if major == 1:
            return -1 - n
        if major == 2:
            return self.take(n)
        if major == 3:
            return self.text(self.take(n), at)
        if major == 4:
            return [self.item() for _ in range(n)]
        if major == 5:
            return Map((self.item(), self.item()) for _ in range(n))
        content = self.item()
        if n in (2, 3) and isinstance(content, bytes):
            m = int.from_bytes(content, "big")
            return m if n == 2 else -1 - m
        return Tag(n, content)

    def simple(self, ai, at):
        if ai in (25, 26, 27):
            size, fmt, width = {25: (2, ">e", F16), 26: (4, ">f", F32), 27: (8, ">d", float)}[ai]
            return width(struct.unpack(fmt, self.take(size))[0])
        if ai == 24:
            n = self.take(1)[0]
            if n < 32:
                raise Malformed(f"two-byte simple value {n} at offset {at} (RFC 8949 §3.3: f8 00..f8 1f are not well-formed)")
        else:
            n = self.argument(ai, at)
        return {20: False, 21: True, 22: None}.get(n, Simple(n))


def read(data):
    """The one value `data` holds; trailing bytes are Malformed."""
    return _Reader(data).whole()


def _float_encodings(x):
    """Every width that holds `x` exactly, shortest first (§4.1: the shortest is preferred)."""
    out = []
    for ib, fmt in ((0xF9, ">e"), (0xFA, ">f"), (0xFB, ">d")):
        try:
            packed = struct.pack(fmt, x)
        except OverflowError:
            continue
        back = struct.unpack(fmt, packed)[0]
        if back == x or (math.isnan(x) and math.isnan(back)):
            out.append(bytes([ib]) + packed)
    return out


def encodings(v):
    """The preferred serialization of `v` first, then the other valid ones that
    differ only in float width (integers, lengths and tags only in shortest form)."""
    if v is None or isinstance(v, bool):
        return [{None: b"\xf6", False: b"\xf4", True: b"\xf5"}[v]]
    if isinstance(v, int):
        if -(2**64) <= v < 2**64:
            return [head(0, v) if v >= 0 else head(1, -1 - v)]
        m = v if v >= 0 else -1 - v
        return [head(6, 2 if v >= 0 else 3) + e for e in encodings(m.to_bytes((m.bit_length() + 7) // 8, "big"))]
    if isinstance(v, (float, Width)):
        x = v.value if isinstance(v, Width) else v
        return _float_encodings(x)
    if isinstance(v, str):
        raw = v.encode("utf-8")
        return [head(3, len(raw)) + raw]
    if isinstance(v, bytes):
        return [head(2, len(v)) + v]
    if isinstance(v, Simple):
        return [head(7, v.n)] if not 24 <= v.n < 32 else []
    if isinstance(v, Tag):
        return [head(6, v.tag) + e for e in encodings(v.content)]
    if isinstance(v, list):
        return _sequences(head(4, len(v)), v)
    if isinstance(v, (dict, Map)):
        pairs = list(v.items()) if isinstance(v, dict) else v.pairs
        return _sequences(head(5, len(pairs)), [x for pair in pairs for x in pair])
    raise TypeError(f"no CBOR encoding for {v!r}")


def _sequences(prefix, items):
    return [prefix + b"".join(parts) for parts in itertools.product(*(encodings(x) for x in items))]
