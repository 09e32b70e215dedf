"""A testee written with conformance/testees/python/crossfmt_testee.py:
msgpack-python reading timestamps (ext -1) as datetimes (`timestamp=3`),
which keep microseconds, as msgpack/datetime. Its caps say so with
`"timestamp_precision": "us"`; `--claim-ns` leaves the field out (every
timestamp, to the nanosecond), which is all a testee could declare before
the cap existed: its by-design truncation then shows as findings."""
import datetime
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../../../../conformance/testees/python"))
import crossfmt_testee as ct  # noqa: E402
import msgpack  # noqa: E402

CLAIM_NS = "--claim-ns" in sys.argv


def from_lib(x):
    if isinstance(x, datetime.datetime):
        return ct.Ext(-1, msgpack.Timestamp.from_datetime(x).to_bytes())
    if isinstance(x, msgpack.ExtType):
        return ct.Ext(x.code, x.data)
    if isinstance(x, list):
        return [from_lib(v) for v in x]
    if isinstance(x, dict):
        return {from_lib(k): from_lib(v) for k, v in x.items()}
    return x


def to_lib(x):
    if isinstance(x, ct.Ext):
        if x.code == -1:
            try:
                return msgpack.Timestamp.from_bytes(bytes(x.data)).to_datetime()
            except (OverflowError, ValueError) as e:
                # A datetime holds the years 1 to 9999: beyond the model.
                raise ct.Unsupported(f"timestamp outside datetime's range: {e}") from None
        return msgpack.ExtType(x.code, bytes(x.data))
    if isinstance(x, list):
        return [to_lib(v) for v in x]
    if isinstance(x, dict):
        return {to_lib(k): to_lib(v) for k, v in x.items()}
    return x


def decode(b):
    return from_lib(msgpack.unpackb(b, timestamp=3, strict_map_key=False, raw=False))


def encode(v):
    return msgpack.packb(to_lib(v), datetime=True, use_bin_type=True)


caps = {
    "null": True, "bool": True, "ints": {"min": "-9223372036854775808", "max": "18446744073709551615", "big": False},
    "f64": "f64", "f32": "f64", "nan": True, "nan_payload": True, "infinity": True,
    "text": True, "bytes": True, "array": True, "map": True, "map_keys": "hashable", "map_order": True,
    "duplicates": "last_wins", "ext": True, "ext_codes": {"min": -1, "max": 127}, "max_depth": 100,
}
if not CLAIM_NS:
    caps["timestamp_precision"] = "us"

ct.main_for([ct.Codec("msgpack/datetime", "msgpack", decode, encode, caps=caps)],
            name="helper-msgpack-datetime", version=f"msgpack {msgpack.version}")
