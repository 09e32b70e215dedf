#!/usr/bin/env python3
"""crossfmt's JSON decode suite -> conformance/suites/json-crossfmt.json.

In the spirit of JSONTestSuite: y/ must be accepted with the value given,
n/ must be rejected, i/ is implementation-defined. Values come from Python's
strict `json.loads` (numbers with '.', 'e' or 'E' through the correctly
rounded `float()`, integers as integers), and every y/ and n/ case is checked
against it, so a case cannot claim what a strict reader does not do. Every
proper prefix of a y/ text is a case too: n/ unless the prefix is itself a
JSON text.

No encode cases: JSON encoders legitimately differ in whitespace, escaping
and the spelling of numbers (RFC 8259 §2, §6, §7), so "the" encoding of a
value does not exist to compare against.
"""

import json
import math
import sys

from diag import Map, diag
from suite import INVALID_UTF8, Suite, proper_prefixes

RFC = "RFC 8259"
INT_RANGE = (-(2**63), 2**64 - 1)  # what crossfmt's integer model calls ordinary (README "Codecs")


def _constant(name):
    raise ValueError(f"{name} is not JSON")


def _loads(text):
    """Python's strict reader, plus what in the text RFC 8259 leaves to the implementation.

    The oddities are collected, not raised: the reader calls the hooks before
    it has seen the whole text, and a text that is invalid later is n/, not i/."""
    unusual = []

    def number(text, convert):
        x = convert(text)
        if isinstance(x, int) and not INT_RANGE[0] <= x <= INT_RANGE[1]:
            unusual.append(f"integer {text} is beyond 64 bits")
        if text == "-0":
            unusual.append("-0 as an integer")
        if isinstance(x, float) and math.isinf(x):
            unusual.append(f"{text} overflows binary64")
        if x == 0 and any(d in "123456789" for d in text.lower().split("e")[0]):
            unusual.append(f"{text} underflows to zero")
        return x

    def pairs(pairs):
        keys = [k for k, _ in pairs]
        if len(set(keys)) != len(keys):
            unusual.append("duplicate key")
        return Map(pairs)

    value = json.loads(
        text,
        parse_int=lambda t: number(t, int),
        parse_float=lambda t: number(t, float),
        parse_constant=_constant,
        object_pairs_hook=pairs,
    )
    return value, unusual


def classify(data):
    """('y', notation) | ('n', why) | ('i', why) for a JSON text given as bytes."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return "n", f"not UTF-8: {e.reason}"
    if text.startswith("\ufeff"):
        return "i", "byte order mark"
    try:
        value, unusual = _loads(text)
    except RecursionError:
        return "i", "deep nesting"
    except ValueError as e:
        return "n", str(e)
    if unusual:
        return "i", "; ".join(unusual)
    try:
        return "y", diag(value)
    except ValueError as e:  # a lone surrogate: not Unicode text
        return "i", str(e)


# (name, text, RFC section); texts are bytes so that invalid UTF-8 can be written.
Y = [
    ("number/zero", b"0", "§6"),
    ("number/minus-one", b"-1", "§6"),
    ("number/int64-min", b"-9223372036854775808", "§6"),
    ("number/uint64-max", b"18446744073709551615", "§6"),
    ("number/2-pow-53-plus-1", b"9007199254740993", "§6"),
    ("number/2-pow-53-plus-1-as-float", b"9007199254740993.0", "§6"),
    ("number/one-point-five", b"1.5", "§6"),
    ("number/minus-zero-float", b"-0.0", "§6"),
    ("number/exponent", b"1e2", "§6"),
    ("number/exponent-capital-plus", b"1E+2", "§6"),
    ("number/exponent-minus", b"1e-2", "§6"),
    ("number/fraction-and-exponent", b"-12.5e-3", "§6"),
    ("number/one-tenth", b"0.1", "§6"),
    ("number/float16-subnormal-min", b"5.960464477539063e-8", "§6"),
    ("number/float32-max", b"3.4028234663852886e38", "§6"),
    ("number/float64-min-normal-hard", b"2.2250738585072011e-308", "§6"),
    ("number/1e23", b"1e23", "§6"),
    ("number/float64-max", b"1.7976931348623157e308", "§6"),
    ("number/float64-min-subnormal", b"5e-324", "§6"),
    ("number/halfway-rounds-to-min-subnormal", b"2.4703282292062328e-324", "§6"),
    ("number/long-mantissa", b"0.30000000000000000000000000000000000001", "§6"),
    ("string/empty", b'""', "§7"),
    ("string/ascii", b'"abc"', "§7"),
    ("string/escapes", b'"\\"\\\\\\/\\b\\f\\n\\r\\t"', "§7"),
    ("string/escaped-nul", b'"\\u0000"', "§7"),
    ("string/escaped-e-acute", b'"\\u00e9"', "§7"),
    ("string/escaped-uppercase-hex", b'"\\u00E9"', "§7"),
    ("string/raw-utf8", '"é水𐅑"'.encode(), "§7, §8.1"),
    ("string/surrogate-pair", b'"\\ud83d\\ude00"', "§7"),
    ("string/raw-4-byte", '"😀"'.encode(), "§8.1"),
    ("string/line-separators", b'"\\u2028\\u2029"', "§7"),
    ("string/noncharacter", b'"\\uffff"', "§8.2"),
    ("string/raw-del", b'"\x7f"', "§7"),
    ("object/empty", b"{}", "§4"),
    ("object/one", b'{"a":1}', "§4"),
    ("object/empty-key", b'{"":0}', "§4"),
    ("object/nested", b'{"a":{"b":[]},"c":null}', "§4"),
    ("object/spaced", b' { "a" : [ 1 , 2 ] } ', "§2, §4"),
    ("array/empty", b"[]", "§5"),
    ("array/numbers", b"[1,2]", "§5"),
    ("array/nested", b"[[]]", "§5"),
    ("array/literals", b"[null,true,false]", "§3, §5"),
    ("array/mixed", b'[1,"a",{"b":[1.5]}]', "§5"),
    ("whitespace/all-four", b" \t\r\n1 \t\r\n", "§2"),
    ("literal/null", b"null", "§3"),
    ("literal/true", b"true", "§3"),
    ("literal/false", b"false", "§3"),
]

N = [
    ("number/leading-zero", b"01", "§6"),
    ("number/minus-leading-zero", b"-01", "§6"),
    ("number/double-zero", b"00", "§6"),
    ("number/trailing-dot", b"1.", "§6"),
    ("number/leading-dot", b".1", "§6"),
    ("number/plus-sign", b"+1", "§6"),
    ("number/bare-exponent", b"1e", "§6"),
    ("number/exponent-sign-only", b"1e+", "§6"),
    ("number/hex", b"0x10", "§6"),
    ("number/minus-space", b"- 1", "§6"),
    ("number/minus-only", b"-", "§6"),
    ("number/nan", b"NaN", "§6"),
    ("number/infinity", b"Infinity", "§6"),
    ("number/minus-infinity", b"-Infinity", "§6"),
    ("number/nan-in-array", b"[NaN]", "§6"),
    ("string/single-quotes", b"'a'", "§7"),
    ("string/unterminated", b'"abc', "§7"),
    ("string/raw-control", b'"\x01"', "§7"),
    ("string/raw-newline", b'"\n"', "§7"),
    ("string/raw-tab", b'"\t"', "§7"),
    ("string/bad-escape", b'"\\x41"', "§7"),
    ("string/short-unicode-escape", b'"\\u12"', "§7"),
    ("string/non-hex-unicode-escape", b'"\\uzzzz"', "§7"),
    ("object/missing-colon", b'{"a" 1}', "§4"),
    ("object/unquoted-key", b"{a:1}", "§4"),
    ("object/number-key", b"{1:2}", "§4"),
    ("object/trailing-comma", b'{"a":1,}', "§4"),
    ("object/lone-comma", b"{,}", "§4"),
    ("object/missing-comma", b'{"a":1 "b":2}', "§4"),
    ("array/trailing-comma", b"[1,]", "§5"),
    ("array/leading-comma", b"[,1]", "§5"),
    ("array/missing-comma", b"[1 2]", "§5"),
    ("array/unclosed", b"[", "§5"),
    ("array/close-only", b"]", "§5"),
    ("literal/truncated-null", b"nul", "§3"),
    ("literal/capitalised", b"True", "§3"),
    ("literal/upper-case", b"NULL", "§3"),
    ("literal/undefined", b"undefined", "§3"),
    ("whitespace/form-feed", b"\x0c1", "§2"),
    ("whitespace/vertical-tab", b"\x0b1", "§2"),
    ("whitespace/no-break-space", "\u00a01".encode(), "§2"),
    ("text/empty", b"", "§2"),
    ("text/only-whitespace", b" ", "§2"),
    ("trailing/garbage-after-number", b"1 x", "§2"),
    ("trailing/extra-close", b"[]]", "§2"),
    ("trailing/garbage-after-object", b"{}x", "§2"),
    ("trailing/two-values", b"1 2", "§2"),
    ("trailing/string-then-word", b'"a"b', "§2"),
    ("trailing/nul-byte", b"null\x00", "§2"),
]

I = [
    ("number/minus-zero-int", b"-0", "§6", None),
    ("number/uint64-max-plus-1", b"18446744073709551616", "§6", None),
    ("number/int64-min-minus-1", b"-9223372036854775809", "§6", None),
    ("number/huge-integer", b"1" + b"0" * 40, "§6", None),
    ("number/huge-exponent", b"1e400", "§6", None),
    ("number/huge-negative-exponent", b"1e-400", "§6", None),
    ("number/huge-exponent-digits", b"1e99999999999999999999", "§6", None),
    ("string/lone-high-surrogate", b'"\\ud800"', "§8.2", None),
    ("string/lone-low-surrogate", b'"\\udc00"', "§8.2", None),
    ("string/high-surrogate-then-letter", b'"\\ud800\\u0041"', "§8.2", None),
    ("object/duplicate-key", b'{"a":1,"a":2}', "§4", None),
    ("text/byte-order-mark", b"\xef\xbb\xbf1", "§8.1", "1"),
]


def build():
    suite = Suite(
        "json-crossfmt",
        "crossfmt's JSON decode suite in the y_/n_/i_ spirit of JSONTestSuite: numbers (integers as integers, "
        "anything with a fraction or exponent as the correctly rounded binary64, hard rounding cases), strings "
        "and escapes, objects, arrays, whitespace, literals; invalid texts (NaN/Infinity, leading zeros, trailing "
        "commas and garbage, raw control characters, invalid UTF-8, and every proper prefix of each accepted text "
        "that is not itself JSON) must be rejected; values the RFC leaves open (integers beyond 64 bits, huge "
        "exponents, lone surrogates, duplicate keys, a byte order mark, deep nesting) are implementation-defined. "
        "No encode cases: JSON encoders legitimately differ in whitespace, escaping and number spelling.",
        "crossfmt; RFC 8259",
        __file__,
        "json",
    )
    for name, text, section in Y:
        verdict, value = classify(text)
        assert verdict == "y", f"y/{name}: {text!r} is {verdict}: {value}"
        suite.decode(f"y/{name}", text, "accept", f"{RFC} {section}", value=value)
    for name, text, section in N:
        verdict, why = classify(text)
        assert verdict == "n", f"n/{name}: {text!r} is {verdict}: {why}"
        suite.decode(f"n/{name}", text, "reject", f"{RFC} {section}", note=why)
    for name, payload in INVALID_UTF8:
        text = b'"' + bytes.fromhex(payload) + b'"'
        assert classify(text)[0] == "n", name
        suite.decode(
            f"n/utf8/{name}",
            text,
            "reject",
            f"{RFC} §8.1 (JSON text exchanged between systems MUST be encoded using UTF-8)",
            note="not UTF-8",
        )
    i_note = "implementation-defined: accept or reject, never crash"
    for name, text, section, value in I:
        verdict, why = classify(text)
        assert verdict != "y" or value is not None, f"i/{name}: a strict reader accepts it plainly"
        note = f"{why}; {i_note}" if verdict == "i" else i_note
        if value is not None:
            note += f"; if accepted, the value is {value}"
        suite.decode(f"i/{name}", text, "implementation-defined", f"{RFC} {section}", value=value, note=note)
    for depth in (1000, 100000):
        suite.decode(
            f"i/nesting/array/{depth}",
            b"[" * depth + b"]" * depth,
            "implementation-defined",
            f"{RFC} §9 (an implementation may set limits on the maximum depth of nesting)",
            note=i_note + ", hang or exhaust memory",
        )
    truncations(suite)
    return suite


def truncations(suite):
    """Every proper prefix of every y/ text: n/ unless a strict reader accepts it."""
    for name, text, section in Y:
        for n, prefix in proper_prefixes(text):
            if suite.has_input(prefix):
                continue
            verdict, detail = classify(prefix)
            source = f"{RFC} {section}, §2; y/{name} truncated to {n} bytes"
            cid = f"{verdict}/truncated/{name}/{n}"
            if verdict == "y":
                suite.decode(cid, prefix, "accept", source, value=detail, note="the prefix is itself a JSON text")
            elif verdict == "n":
                suite.decode(cid, prefix, "reject", source, note=detail)
            else:
                suite.decode(cid, prefix, "implementation-defined", source, note=detail)


if __name__ == "__main__":
    build().write(sys.argv[1] if len(sys.argv) > 1 else None)
