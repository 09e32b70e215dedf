#!/usr/bin/env python3
"""A testee written with conformance/testees/python/crossfmt_testee.py:
Python's json module as json/helper-json, in the lines an author writes.
`--bug` plants one: encode sorts map keys (a map written in another order
than given, which its caps say it keeps). `--deep-bug` plants another: the
encoder dies (as a C extension without a depth check would) on a value
nested past the depth its caps declare, instead of refusing it."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../../../../conformance/testees/python"))
import crossfmt_testee as ct  # noqa: E402

BUG = "--bug" in sys.argv
DEEP_BUG = "--deep-bug" in sys.argv
MAX_DEPTH = 100


def depth(value):
    deepest, todo = 0, [(value, 1)]
    while todo:
        v, d = todo.pop()
        deepest = max(deepest, d)
        children = v.values() if isinstance(v, dict) else v if isinstance(v, list) else ()
        todo.extend((c, d + 1) for c in children)
    return deepest


def encode(value):
    if DEEP_BUG and depth(value) > MAX_DEPTH:
        os.abort()
    return json.dumps(value, sort_keys=BUG).encode("utf-8")


ct.main_for([ct.Codec("json/helper-json", "json", json.loads, encode, caps={
    "null": True, "bool": True, "ints": ct.ANY_INT, "f64": "f64", "nan": True, "infinity": True,
    "text": True, "array": True, "map": True, "map_keys": "text", "map_order": True,
    "duplicates": "last_wins", "max_depth": MAX_DEPTH,
})], name="helper-json", version=f"CPython {sys.version.split()[0]} json")
