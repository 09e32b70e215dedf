"""Does a value typed from the bytes mean what a public suite says it means?

The public suites give expected values loosely typed (a JSON number for a
binary32, a dict for a map); `same` compares by meaning -- numbers by value,
maps pair by pair in order -- so an importer can assert every case it writes
against the suite it imports and fail loudly where they disagree.
"""

import math

from diag import Ext, Map, Simple, Tag, Width, diag


def _number(v):
    if isinstance(v, bool):
        return None
    if isinstance(v, Width):
        return v.value
    if isinstance(v, (int, float)):
        return v
    return None


def _pairs(v):
    if isinstance(v, dict):
        return list(v.items())
    if isinstance(v, Map):
        return v.pairs
    return None


def same(decoded, expected):
    """True when `decoded` (diag.py types) means `expected` (JSON or diag.py types)."""
    e_num, d_num = _number(expected), _number(decoded)
    if e_num is not None:
        if d_num is None:
            return False
        if isinstance(e_num, float) and math.isnan(e_num):
            return isinstance(d_num, float) and math.isnan(d_num)
        # -0.0 == 0.0 in Python: compare signs too, the suites have both.
        return d_num == e_num and math.copysign(1, d_num) == math.copysign(1, e_num)
    if expected is None or isinstance(expected, (bool, str, bytes)):
        return type(decoded) is type(expected) and decoded == expected
    if isinstance(expected, list):
        return (
            isinstance(decoded, list)
            and len(decoded) == len(expected)
            and all(same(d, e) for d, e in zip(decoded, expected))
        )
    e_pairs, d_pairs = _pairs(expected), _pairs(decoded)
    if e_pairs is not None:
        return (
            d_pairs is not None
            and len(d_pairs) == len(e_pairs)
            and all(same(dk, ek) and same(dv, ev) for (dk, dv), (ek, ev) in zip(d_pairs, e_pairs))
        )
    if isinstance(expected, Tag):
        return isinstance(decoded, Tag) and decoded.tag == expected.tag and same(decoded.content, expected.content)
    if isinstance(expected, Simple):
        return isinstance(decoded, Simple) and decoded.n == expected.n
    if isinstance(expected, Ext):
        return isinstance(decoded, Ext) and (decoded.code, decoded.data) == (expected.code, expected.data)
    raise TypeError(f"cannot compare with {type(expected).__name__}: {expected!r}")


def _show(v):
    try:
        return diag(v)
    except (ValueError, TypeError):
        return repr(v)


def must_be_same(decoded, expected, where):
    if not same(decoded, expected):
        raise AssertionError(f"{where}: the bytes decode to {_show(decoded)}, the suite says {_show(expected)}")
