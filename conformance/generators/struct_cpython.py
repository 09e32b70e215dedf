#!/usr/bin/env python3
"""CPython's `struct` module -> conformance/suites/struct-cpython.json.

Every expectation is what the running CPython (3.11, x86-64 Linux: native
`l`/`L`/`n`/`N`/`P` are 8 bytes, alignment = size under `@`) does: an encode
case packs the value (`struct.pack(schema, *value)`), a decode case unpacks the
input; where CPython raises, the case expects `reject`. Each case's `schema` is
the format string and its value is the array of fields.

Covers every byte order x every code; integers at +-2^n+-1 around each width's
bounds with the range errors; half floats (subnormals, NaN, ties to even,
overflow) and single floats (overflow, NaN payloads); `?` from any byte; `s`
and `p` at edge lengths; native alignment (padding only between members, the
trailing `0l`); argument count and type errors; buffer size errors; bad
formats (a decode case with the bad format as schema expects reject).
"""

import struct
import sys

from diag import diag
from suite import Suite, id_part

SOURCE = f"CPython {sys.version.split()[0]} struct module ({sys.platform}, {struct.calcsize('P') * 8}-bit)"
ORDERS = {"@": "native", "=": "std-native", "<": "little", ">": "big", "!": "network"}
CODES = "xcbB?hHiIlLqQnNPefdsp"
INT_CODES = "bBhHiIlLqQnNP"


class StructSuite(Suite):
    """Cases carry the format string as `schema`."""

    def __init__(self):
        super().__init__(
            "struct-cpython",
            "Python struct records: pack (encode) and unpack (decode) of format strings, "
            "expectations computed by CPython's own struct module.",
            SOURCE + "; Python Software Foundation License",
            __file__,
            "struct",
        )
        self.ids = set()

    def _add(self, case):
        case = {k: v for k, v in case.items() if v is not None}
        case = dict(list(case.items())[:2] + [("schema", self.schema)] + list(case.items())[2:])
        self.cases.append(case)

    def unique(self, cid):
        base, n = cid, 1
        while cid in self.ids:
            n += 1
            cid = f"{base}/{n}"
        self.ids.add(cid)
        return cid

    def pack(self, group, schema, values, note=None, level="required"):
        """An encode case with CPython's answer, and the decode case of its bytes."""
        self.schema = schema
        cid = self.unique(f"{group}/{schema_id(schema)}/{id_part(diag(list(values)))[:60]}")
        try:
            data = struct.pack(schema, *values)
        except (struct.error, OverflowError, TypeError) as e:
            self._add(
                {
                    "id": f"{self.name}/encode/{cid}",
                    "format": self.fmt,
                    "source": SOURCE,
                    "level": level,
                    "op": "encode",
                    "value": diag(list(values)),
                    "expect": "reject",
                    "note": note or f"{type(e).__name__}: {e}",
                }
            )
            return None
        self.encode(f"encode/{cid}", diag(list(values)), [data], SOURCE, note=note)
        self.unpack(group, schema, data, note=note, level=level)
        return data

    def unpack(self, group, schema, data, note=None, level="required"):
        self.schema = schema
        cid = self.unique(f"decode/{group}/{schema_id(schema)}/{data.hex()[:64] or 'empty'}")
        try:
            value = diag(list(struct.unpack(schema, data)))
        except (struct.error, OverflowError, TypeError, UnicodeEncodeError) as e:
            self.decode(cid, data, "reject", SOURCE, level=level, note=note or f"{type(e).__name__}: {e}")
            return
        except SystemError as e:
            # `0p`: CPython 3.11 reads a length of -1 (an interpreter bug, not a struct.error).
            note = f"CPython raises SystemError ({e}); an empty byte string is the sensible answer"
            self.decode(cid, data, "implementation-defined", SOURCE, level="recommended", note=note)
            return
        self.decode(cid, data, "accept", SOURCE, level=level, value=value, note=note)


def schema_id(fmt):
    """A format string as an id part: byte orders and symbols spelled out."""
    names = {"@": "at.", "=": "eq.", "<": "lt.", ">": "gt.", "!": "bang.", "?": "Bool", " ": "_", "\t": "_",
             "\n": "_", "\x00": "NUL"}
    return id_part("".join(names.get(c, c) for c in fmt)) if fmt else "empty"


def valid(fmt):
    try:
        struct.calcsize(fmt)
        return True
    except struct.error:
        return False


def sample(code):
    """One ordinary value for a code (None for the pad byte)."""
    return {
        "x": None,
        "c": b"A",
        "?": True,
        "e": 1.5,
        "f": -2.25,
        "d": 0.1,
        "s": b"ab",
        "p": b"ab",
    }.get(code, 7 if code in "BHILQNP" else -7)


def every_order_every_code(s):
    for order in ORDERS:
        for code in CODES:
            fmt = order + ("3" + code if code in "sp" else code)
            if not valid(fmt):
                s.unpack("order-code", fmt, b"", note="n, N and P exist only in native mode")
                continue
            v = sample(code)
            s.pack("order-code", fmt, [] if v is None else [v])
            two = order + "2" + code if code not in "sp" else order + "2" + code
            if v is not None and code not in "sp":
                s.pack("order-code", two, [v, v])


def integers(s):
    for order in ORDERS:
        for code in INT_CODES:
            fmt = order + code
            if not valid(fmt):
                continue
            bits = struct.calcsize(fmt) * 8
            values = {0, 1, -1}
            for n in (bits - 1, bits):
                for sign in (1, -1):
                    for d in (-1, 0, 1):
                        values.add(sign * (1 << n) + d)
            values |= {1 << 64, -(1 << 63) - 1, 1 << 100}
            for v in sorted(values):
                s.pack("int", fmt, [v])
            s.pack("int-bool", fmt, [True])
            s.pack("int-type", fmt, [1.0], note="a float is not an integer")
            s.pack("int-type", fmt, [b"1"], note="bytes are not an integer")


def halves(s):
    tiny = 2.0**-24
    values = [
        0.0, -0.0, 1.0, -1.0, 1.5, 65504.0, -65504.0, 65519.99, 65520.0, -65520.0, 1e300,
        float("inf"), float("-inf"), float("nan"), -float("nan"),
        tiny, -tiny, tiny * 1023, 2.0**-14, tiny / 2, tiny / 2 * 1.0000001, tiny * 1.5, tiny * 2.5,
        1 + 2.0**-11, 1 + 3 * 2.0**-11, 1 + 2.0**-11 + 2.0**-40, 2048 + 1.0, 2048 + 3.0, 0.1, 1e-8,
    ]
    for order in "<>@":
        for v in values:
            s.pack("half", order + "e", [v])
        for bits in (0x0000, 0x8000, 0x0001, 0x03FF, 0x0400, 0x3C00, 0x7BFF, 0x7C00, 0xFC00,
                     0x7E00, 0xFE00, 0x7C01, 0x7E01, 0x7FFF, 0xFFFF):
            data = bits.to_bytes(2, "big" if order == ">" else "little")
            s.unpack("half", order + "e", data, note="NaN payloads come back as the quiet NaN")
    for v in (1, 1 << 11 | 1, True, 1 << 1100):
        s.pack("half-int", "<e", [v])
    s.pack("half-type", "<e", ["1.0"])


def singles(s):
    f32_max = struct.unpack("<f", bytes.fromhex("ffff7f7f"))[0]
    values = [f32_max, -f32_max, 3.4028235677973366e38, 1e39, 1e300, 1e-46, 2.0**-149, 0.1,
              float("nan"), -float("nan"), float("inf"),
              struct.unpack(">d", bytes.fromhex("7ff4000020000001"))[0],
              struct.unpack(">d", bytes.fromhex("7ff0000000000001"))[0]]
    for fmt in ("<f", ">f", "=f", "@f"):
        for v in values:
            s.pack("single", fmt, [v], note="native f does not check for overflow" if fmt == "@f" else None)
    for hexed in ("0100807f", "0000c07f", "ffffffff", "01000000", "0000807f"):
        s.unpack("single", "<f", bytes.fromhex(hexed), note="a signalling NaN widens quiet")
    for hexed in ("7ff4000000000001", "fff8000000000000", "0000000000000080", "0100000000000000"):
        s.unpack("double", ">d", bytes.fromhex(hexed), note="binary64 bits come back unchanged")
        s.pack("double", ">d", [struct.unpack(">d", bytes.fromhex(hexed))[0]])
    s.pack("double-int", "<d", [(1 << 53) + 1], note="an integer rounds to the nearest double")
    s.pack("double-int", "<d", [1 << 1024], note="an integer too large for a double")


def booleans(s):
    for b in (0, 1, 2, 0x80, 0xFF):
        s.unpack("bool", "?", bytes([b]), note="any non-zero byte is True")
    for v in (True, False, 0, 2, -1, 0.0, float("nan"), b"", b"\x00", "", "x", [], [0], None):
        s.pack("bool", "<?", [v], note="? packs the value's truth")


def strings(s):
    for n in (0, 1, 2, 3, 255, 256, 257):
        for data in (b"", b"a", b"ab", b"abc", b"x" * 255, b"y" * 300):
            if len(data) > n + 3 and len(data) not in (255, 300):
                continue
            s.pack("s", f"{n}s", [data])
            if n > 0:
                s.pack("p", f"{n}p", [data])
    s.pack("p", "0p", [b"abc"], note="0p packs nothing")
    s.pack("c", "c", [b"ab"])
    s.pack("c", "c", [b""])
    s.pack("c", "c", ["a"], note="text is not bytes")
    s.pack("s", "3s", ["a"], note="text is not bytes")
    s.pack("p", "3p", [1])
    for data in (b"\x05ab", b"\x02ab", b"\x00ab", b"\xffab", b"\x01\x00\x00"):
        s.unpack("p", "3p", data, note="the length byte is capped at count - 1")
    s.unpack("p", "1p", b"\x07")
    s.unpack("s", "0s", b"")


def alignment(s):
    layouts = [
        ("@bh", [1, 2]), ("@bi", [1, 2]), ("@bq", [1, 2]), ("@bd", [1, 2.0]), ("@be", [1, 2.0]),
        ("@bf", [1, 2.0]), ("@hb", [1, 2]), ("@qb", [1, 2]), ("@bl0l", [1, 2]), ("@b0l", [1]),
        ("@b0q", [1]), ("@b0h", [1]), ("@ci", [b"c", 2]), ("@?d", [True, 2.0]), ("@xi", [2]),
        ("@3sq", [b"abc", 2]), ("@3pI", [b"ab", 2]), ("@bP", [1, 2]), ("@bn", [1, 2]),
        ("@bN", [1, 2]), ("@b 2h i", [1, 2, 3, 4]), ("=bq", [1, 2]), ("<bq", [1, 2]),
        ("bq", [1, 2]), ("@0l", []), ("@bqhd?0l", [1, 2, 3, 4.0, True]),
        ("<4sHHIQ", [b"CRSF", 1, 2, 3, 4]), ("<QHefd?", [1, 2, 0.5, 1.25, 0.1, False]),
        ("!BBHi8p", [4, 5, 6, -7, b"packet"]), ("@b3x", [1]), ("@3xh", [1]),
    ]
    for fmt, values in layouts:
        s.pack("align", fmt, values, note=f"calcsize({fmt!r}) = {struct.calcsize(fmt)}")


def arguments(s):
    s.pack("args", "<hh", [1], note="too few values")
    s.pack("args", "<h", [1, 2], note="too many values")
    s.pack("args", "<3x", [1], note="pad bytes take no value")
    s.pack("args", "<", [])
    s.pack("args", "", [])
    s.pack("args", "<0h", [])
    s.pack("args", "<h", [None])
    for fmt, data in (("<h", b"\x01"), ("<h", b"\x01\x02\x03"), ("<5s", b"abcd"), ("@bq", b"\x00" * 9),
                      ("<", b"\x00"), ("", b"")):
        s.unpack("buffer", fmt, data, note="the buffer must be exactly calcsize bytes")


def bad_formats(s):
    for fmt in ("z", "3", "<3", "h<", "<<h", " <h", "3 h", "<n", "=N", ">P", "!n", "h\x00",
                "é", "<é", "99999999999999999999b", "@9223372036854775807xl",
                "4611686018427387904h", "9223372036854775807x9223372036854775807x", "Z", "u", "w"):
        s.unpack("bad-format", fmt, b"", note="not a valid format: the schema is rejected, whatever the bytes")
    for fmt in (" h", "h ", "< h", "\th\n", "h 2h", "1000000000x"):
        if struct.calcsize(fmt) <= 64:
            s.pack("format-space", fmt, [1] * (3 if "2h" in fmt else 1))
        else:
            s.unpack("format-size", fmt, b"\x00" * 10, note="a huge format against a short buffer")


def main():
    s = StructSuite()
    every_order_every_code(s)
    integers(s)
    halves(s)
    singles(s)
    booleans(s)
    strings(s)
    alignment(s)
    arguments(s)
    bad_formats(s)
    s.write()


if __name__ == "__main__":
    main()
