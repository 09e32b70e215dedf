#!/usr/bin/env python3
"""A testee written with conformance/testees/python/crossfmt_testee.py:
Python's json module as json/helper-json, in the lines an author writes.
`--bug` plants one: encode sorts map keys (a map written in another order
than given, which its caps say it keeps)."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../../../../conformance/testees/python"))
import crossfmt_testee as ct  # noqa: E402

BUG = "--bug" in sys.argv


def encode(value):
    return json.dumps(value, sort_keys=BUG).encode("utf-8")


ct.main_for([ct.Codec("json/helper-json", "json", json.loads, encode, caps={
    "null": True, "bool": True, "ints": ct.ANY_INT, "f64": "f64", "nan": True, "infinity": True,
    "text": True, "array": True, "map": True, "map_keys": "text", "map_order": True,
    "duplicates": "last_wins", "max_depth": 100,
})], name="helper-json", version=f"CPython {sys.version.split()[0]} json")
