"""Writes conformance/suites/pickle-cpython.json from CPython's own pickle
module. Run under the reference venv: conformance/generators/regenerate.sh

Nothing untrusted is ever unpickled: every pickle this script loads is one
it built, and it loads them only through the testee's allowlisting
unpickler (safe_pickle), which refuses every global but CPython's own
reconstructors for bytes, bytearray, set and frozenset. The pickles that name
`os.system` are written into the suite and never loaded by anything else.
"""

import math
import pickle
import pickletools
import sys

from reference_suite import Suite
import diag as notation
import safe_pickle

PY = f"CPython {sys.version.split()[0]}"
PROTOCOLS = range(0, 6)


def values():
    """(name, value) pairs: every native type and its edges. Set members are
    numbers only: str and bytes hash randomly per process, which would make
    the set's pickled order (and this suite) differ from run to run."""
    shared = [1, 2]
    ints = [
        ("int-0", 0), ("int-255", 255), ("int-256", 256), ("int-65535", 65535), ("int-65536", 65536),
        ("int-2p31-minus1", 2**31 - 1), ("int-2p31", 2**31), ("int-minus-2p31", -(2**31)),
        ("int-minus-2p31-minus1", -(2**31) - 1), ("int-2p63-minus1", 2**63 - 1), ("int-2p63", 2**63),
        ("int-minus-2p63", -(2**63)), ("int-minus-2p63-minus1", -(2**63) - 1), ("int-2p64", 2**64),
        ("int-2p64-minus1", 2**64 - 1), ("int-minus1", -1), ("int-huge", 3**700), ("int-minus-huge", -(7**400)),
    ]
    floats = [
        ("float-0", 0.0), ("float-minus0", -0.0), ("float-1.5", 1.5), ("float-0.1", 0.1),
        ("float-nan", math.nan), ("float-inf", math.inf), ("float-minus-inf", -math.inf),
        ("float-max", sys.float_info.max), ("float-subnormal", 5e-324), ("float-1e300", 1e300),
    ]
    return [
        ("none", None), ("true", True), ("false", False), *ints, *floats,
        ("str-empty", ""), ("str-ascii", "hello"), ("str-unicode", "é€𝄞\u0000\n\\\"'"),
        ("str-256", "x" * 256), ("bytes-empty", b""), ("bytes", b"\x00\xff\x80abc"), ("bytes-256", bytes(range(256))),
        ("bytearray-empty", bytearray()), ("bytearray", bytearray(b"\x00\xffz")),
        ("list-empty", []), ("tuple-empty", ()), ("tuple-1", (1,)), ("tuple-2", (1, "a")),
        ("tuple-3", (None, True, 2.5)), ("tuple-4", (1, 2, 3, 4)),
        ("dict-empty", {}), ("dict", {"a": 1, 2: [3], (4, 5): None, b"k": 1.5, None: False}),
        ("set-empty", set()), ("set", {1, 2.5, (3, 4), None}), ("frozenset-empty", frozenset()),
        ("frozenset", frozenset({7, -1})), ("set-of-frozenset", {frozenset({1}), 2}),
        ("nested", [[[]], {"k": ({1: ()},)}, [(frozenset(),)]]),
                # Picklers write APPENDS/SETITEMS in batches of 1000.
        ("list-1001", [i % 7 for i in range(1001)]), ("dict-1001", {i: None for i in range(1001)}),
        # The same object twice: pickle writes it once and refers to the
        # memo (PUT/GET); a decoder gives two equal values.
        ("shared-list", [shared, shared]), ("shared-str", ["abcdef"] * 3),
        ("shared-in-dict", {"a": shared, "b": [shared]}),
    ]


def frames_value():
    """Protocol 4 and 5 group opcodes into FRAMEs of about 64 KiB; a string
    too big for one is written between two frames."""
    return ["a" * 100, "x" * 65536, "b" * 100]


def unshare(v):
    """The same value as a tree (no object twice), as a data-model encoder
    sees it; bytearray as bytes (VJ has one byte string)."""
    if isinstance(v, list):
        return [unshare(x) for x in v]
    if isinstance(v, tuple):
        return tuple(unshare(x) for x in v)
    if isinstance(v, dict):
        return {unshare(k): unshare(x) for k, x in v.items()}
    if isinstance(v, (set, frozenset)):
        return type(v)(unshare(x) for x in v)
    if isinstance(v, bytearray):
        return bytes(v)
    return v


def loads_checked(data, expect):
    got = safe_pickle.loads(data)
    if notation.diag(got) != notation.diag(expect):
        raise AssertionError(f"{data[:60]!r}: CPython gives {notation.diag(got)}, expected {notation.diag(expect)}")


def rejected_by_cpython(data):
    """CPython's exception for `data` (through the allowlist), or an
    AssertionError if it loads."""
    try:
        got = safe_pickle.loads(data)
    except Exception as e:  # noqa: BLE001 - the exception is the record
        return e
    raise AssertionError(f"{data!r} was expected to be rejected, CPython gives {got!r}")


def exc_note(e):
    return f"{PY} pickle.loads: {type(e).__name__}: {e}"


def add_values(suite):
    for name, v in values() + [("frames", frames_value())]:
        protocols = PROTOCOLS if name != "frames" else (4, 5)
        for p in protocols:
            data = pickle.dumps(v, protocol=p)
            loads_checked(data, v)
            if name == "frames" and sum(op.name == "FRAME" for op, _, _ in pickletools.genops(data)) < 2:
                raise AssertionError("the frames value no longer spans two FRAMEs")
            suite.add(
                f"decode/{name}/p{p}", format="pickle", source=f"{PY} pickle.dumps(value, protocol={p})",
                level="required", op="decode", input=data, expect="accept", value=notation.diag(v),
            )
        tree = unshare(v)
        if isinstance(v, bytearray) or name.startswith("shared") or name == "frames":
            continue  # as a tree it is another case's value (bytes / unshared lists)
        encodings = sorted({pickle.dumps(tree, protocol=p) for p in PROTOCOLS})
        suite.add(
            f"encode/{name}", format="pickle", source=f"{PY} pickle.dumps(value, protocol=0..5)",
            level="recommended", op="encode", value=notation.diag(tree), encodings=encodings,
            note=f"byte-identical to {PY} for some protocol; any valid pickle of the value is correct "
            "(the decode cases check validity), so this is recommended, not required",
        )


# Hand-built pickles CPython accepts that pickle.dumps does not write.
HAND_ACCEPTS = [
    ("int-text-bool-true", b"I01\n.", True, "protocol 0 writes True as INT '01'"),
    ("int-text-bool-false", b"I00\n.", False, "protocol 0 writes False as INT '00'"),
    ("binint-nonminimal", b"J\x01\x00\x00\x00.", 1, "BININT for a value BININT1 could hold"),
    ("long1-zero-length", b"\x8a\x00.", 0, "LONG1 with no bytes is 0"),
    ("long1-nonminimal", b"\x8a\x02\x01\x00.", 1, "LONG1 with a redundant sign byte"),
    ("memo-put-get", b"\x80\x02]q\x00h\x00\x86.", ([], []), "BINPUT then BINGET: one list twice"),
    ("memo-long-binput", b"\x80\x02K\x05r\x00\x01\x00\x00j\x00\x01\x00\x00\x86.", (5, 5), "LONG_BINPUT/LONG_BINGET"),
    ("memoize", b"\x80\x04\x8c\x01a\x94h\x00\x86.", ("a", "a"), "MEMOIZE then BINGET"),
    ("empty-frame", b"\x80\x04\x95\x00\x00\x00\x00\x00\x00\x00\x00N.", None, "a FRAME of length 0"),
    ("frame-exact", b"\x80\x04\x95\x02\x00\x00\x00\x00\x00\x00\x00N.", None, "a FRAME holding the rest"),
    ("no-proto", b"K\x07.", 7, "binary opcodes need no PROTO"),
    ("proto-5-list", b"\x80\x05]\x94.", [], "PROTO 5"),
    ("bytearray8", b"\x80\x05\x96\x02\x00\x00\x00\x00\x00\x00\x00ab.", bytearray(b"ab"), "BYTEARRAY8"),
    ("setitems-empty-mark", b"}(u.", {}, "SETITEMS with no items"),
    ("additems", b"\x80\x04\x8f(K\x01K\x01\x90.", {1}, "ADDITEMS of a repeated member"),
    ("dict-duplicate-keys", b"}(K\x01K\x02K\x01K\x03u.", {1: 3}, "SETITEMS with a key twice: the last wins"),
    ("float-text", b"F1.5\n.", 1.5, "protocol 0 FLOAT"),
    ("float-text-nan", b"Fnan\n.", math.nan, "protocol 0 FLOAT 'nan' (float() spelling)"),
    ("unicode-raw-escape", b"V\\u20ac\n.", "€", "UNICODE is raw-unicode-escape"),
    ("tuple-from-mark", b"(K\x01K\x02t.", (1, 2), "TUPLE with MARK"),
    ("empty-set-builtins", b"\x80\x03cbuiltins\nset\n)R.", set(), "builtins.set() with no argument"),
    # A reconstructor call is the object it makes, at REDUCE: as a set member
    # or dict key it equals the same value read any other way, and later
    # changes to its argument do not reach it.
    ("frozenset-call-members-equal", b"\x80\x03cbuiltins\nset\n](cbuiltins\nfrozenset\n](K\x01e\x85R"
     b"cbuiltins\nfrozenset\n](K\x01e\x85Re\x85R.", {frozenset({1})},
     "set([frozenset([1]), frozenset([1])]): one member"),
    ("frozenset-call-equals-native", b"\x80\x04cbuiltins\nset\n](cbuiltins\nfrozenset\n](K\x01e\x85R"
     b"(K\x01\x91e\x85R.", {frozenset({1})}, "a frozenset from REDUCE and one from FROZENSET are one member"),
    ("codecs-bytes-members-equal", b"\x80\x02c__builtin__\nset\n](c_codecs\nencode\nX\x01\x00\x00\x00a"
     b"X\x06\x00\x00\x00latin1\x86Rc_codecs\nencode\nX\x01\x00\x00\x00aX\x06\x00\x00\x00latin1\x86Re\x85R.",
     {b"a"}, "two _codecs.encode('a', 'latin1') calls are one set member"),
    ("codecs-bytes-key-equals-native", b"\x80\x03}(c_codecs\nencode\nX\x01\x00\x00\x00aX\x06\x00\x00\x00"
     b"latin1\x86RK\x01C\x01aK\x02u.", {b"a": 2}, "bytes from _codecs.encode and from SHORT_BINBYTES are one key"),
    ("set-call-snapshot", b"\x80\x03]q\x00K\x01acbuiltins\nset\nq\x01h\x00\x85Rq\x02h\x00K\x02a0h\x02h\x00\x86.",
     ({1}, [1, 2]), "set(L) then L.append(2): the set keeps L's items at REDUCE"),
    ("frozenset-call-of-list-holding-it", b"\x80\x03]q\x00cbuiltins\nfrozenset\nh\x00\x85Rq\x01h\x00h\x01a0h\x01.",
     frozenset(), "frozenset(L) then L.append(that frozenset): no cycle, the frozenset is empty"),
]

NO_VALUE = object()

# CPython accepts these but a stricter decoder may not: implementation-defined.
HAND_LENIENT = [
    ("trailing-bytes", b"N.xyz", None, "pickle.loads stops at STOP and ignores what follows"),
    ("stack-left-over", b"K\x01K\x02.", 2, "STOP returns the top; items below are ignored"),
    ("mark-left-open", b"(K\x01.", 1, "a MARK never closed is ignored at STOP"),
    ("python2-str", b"S'abc'\n.", "abc", "STRING (Python 2 str) decoded as ASCII text, pickle.loads' "
     "default encoding; serde-pickle and encoding='bytes' give bytes"),
    ("python2-short-binstring", b"\x80\x02U\x03abc.", "abc", "SHORT_BINSTRING, as STRING"),
    ("binunicode-surrogate", b"X\x03\x00\x00\x00\xed\xa0\x80.", NO_VALUE, "BINUNICODE is decoded with "
     "'surrogatepass': an encoded lone surrogate (not UTF-8) gives str '\\ud800', which is not text in "
     "crossfmt's model; a decoder may reject it"),
]


def add_hand_built(suite):
    for name, data, v, why in HAND_ACCEPTS:
        loads_checked(data, v)
        suite.add(f"decode/hand/{name}", format="pickle", source=f"{PY} pickle.loads (hand-built)",
                  level="required", op="decode", input=data, expect="accept", value=notation.diag(v),
                  note=why)
    for name, data, v, why in HAND_LENIENT:
        value = {}
        if v is NO_VALUE:
            safe_pickle.loads(data)
        else:
            loads_checked(data, v)
            value = {"value": notation.diag(v)}
        suite.add(f"decode/lenient/{name}", format="pickle", source=f"{PY} pickle.loads (hand-built)",
                  level="recommended", op="decode", input=data, expect="implementation-defined",
                  **value, note=f"CPython accepts: {why}")


BAD = [
    ("pop-empty-stack", b"0.", "POP on an empty stack"),
    ("stop-empty-stack", b"\x80\x02.", "STOP with nothing on the stack"),
    ("append-empty-stack", b"a.", "APPEND with nothing on the stack"),
    ("pop-mark-without-mark", b"1.", "POP_MARK without MARK"),
    ("appends-without-mark", b"]e.", "APPENDS without MARK"),
    ("tuple-without-mark", b"K\x01t.", "TUPLE without MARK"),
    ("dict-odd-items", b"(K\x01d.", "DICT with an odd number of items"),
    ("setitems-odd-items", b"}(K\x01u.", "SETITEMS with an odd number of items"),
    ("binget-missing", b"h\x05.", "BINGET of a memo key never PUT"),
    ("get-missing", b"g5\n.", "GET of a memo key never PUT"),
    ("long-binget-missing", b"j\x00\x00\x00\x01.", "LONG_BINGET of a memo key never PUT"),
    ("get-not-a-number", b"gx\n.", "GET with a key that is not a decimal"),
    ("proto-6", b"\x80\x06N.", "PROTO above the highest protocol (5)"),
    ("proto-255", b"\x80\xffN.", "PROTO 255"),
    ("frame-overrun", b"\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00N.", "FRAME longer than the data"),
    ("frame-huge", b"\x80\x04\x95\xff\xff\xff\xff\xff\xff\xff\x7fN.", "FRAME length near 2**63"),
    ("binunicode-bad-utf8", b"X\x01\x00\x00\x00\xff.", "BINUNICODE holding invalid UTF-8"),
    ("short-binunicode-bad-utf8", b"\x8c\x01\xff.", "SHORT_BINUNICODE holding invalid UTF-8"),
    ("binunicode8-overrun", b"\x8d\x05\x00\x00\x00\x00\x00\x00\x00ab.", "BINUNICODE8 longer than the data"),
    ("binbytes-overrun", b"B\x05\x00\x00\x00ab.", "BINBYTES longer than the data"),
    ("int-text-garbage", b"Iabc\n.", "INT that is not a decimal"),
    ("long-text-garbage", b"Labc\n.", "LONG that is not a decimal"),
    ("float-text-garbage", b"F1.5x\n.", "FLOAT that is not a float"),
    ("append-to-int", b"K\x01K\x02a.", "APPEND to something that is not a list"),
    ("setitem-on-int", b"K\x01K\x01K\x02s.", "SETITEM on something that is not a dict"),
    ("set-call-in-set-call", b"\x80\x03cbuiltins\nset\n](cbuiltins\nfrozenset\n](e\x85Rcbuiltins\nset\n]"
     b"(J\x02\x00\x00\x00J\x03\x00\x00\x00e\x85Re\x85R.", "set([frozenset(), set([2, 3])]): a set is unhashable"),
    ("set-call-two-arguments", b"c__builtin__\nset\n(](]tR.", "set([], []): set expected at most 1 argument"),
    ("bytearray-call-key", b"\x80\x03}(cbuiltins\nbytearray\n)RK\x01u.", "bytearray() as a dict key: unhashable"),
    # CPython runs every REDUCE as it reads it: a reconstructor call that
    # raises fails pickle.loads even when STOP returns something else.
    ("discarded-set-call-two-arguments", b"c__builtin__\nset\n(K\x01K\x02tR0I01\n.",
     "a discarded set(1, 2): set expected at most 1 argument"),
    ("discarded-frozenset-call-three-arguments", b"c__builtin__\nfrozenset\n(]K\x01]tR0I01\n.",
     "a discarded frozenset([], 1, []): frozenset expected at most 1 argument"),
    ("discarded-set-call-unhashable", b"c__builtin__\nset\n(]]atR0I01\n.",
     "a discarded set([[]]): unhashable type: 'list'"),
    ("discarded-set-call-not-iterable", b"c__builtin__\nset\n(K\x01tR0I01\n.",
     "a discarded set(1): 'int' object is not iterable"),
    ("reduce-int", b"K\x01)R.", "REDUCE calling an int"),
    ("build-on-int", b"K\x01}b.", "BUILD on an int"),
    ("ext1-unregistered", b"\x82\x01.", "EXT1 code with no registered extension"),
    ("no-stop", b"K\x01", "no STOP"),
    ("empty", b"", "no data at all"),
]

SECURITY = [
    ("global-reduce", b"cos\nsystem\n(S'true'\ntR.", "GLOBAL os.system + REDUCE"),
    ("stack-global-reduce", b"\x80\x04\x8c\x02os\x8c\x06system\x93\x8c\x04true\x85R.", "STACK_GLOBAL os.system + REDUCE"),
    ("inst", b"(S'true'\nios\nsystem\n.", "INST os.system"),
    ("obj", b"(cos\nsystem\nS'true'\no.", "OBJ with class os.system"),
    ("newobj", b"\x80\x02cbuiltins\nobject\n)\x81.", "NEWOBJ of builtins.object"),
    ("newobj-ex", b"\x80\x04cbuiltins\nobject\n)}\x92.", "NEWOBJ_EX of builtins.object"),
    ("global-eval", b"cbuiltins\neval\n(S'1'\ntR.", "GLOBAL builtins.eval"),
    ("global-getattr", b"cbuiltins\ngetattr\n.", "GLOBAL builtins.getattr, not even called"),
    ("persid", b"P0\n.", "PERSID: a persistent id"),
    ("binpersid", b"K\x01Q.", "BINPERSID"),
    ("codecs-encode-other-codec", b"c_codecs\nencode\n(Vx\nVrot13\ntR.", "_codecs.encode with a codec "
     "other than latin1 (CPython writes only latin1)"),
]


def unknown_opcodes():
    known = {op.code.encode("latin1") for op in pickletools.opcodes}
    return [bytes([b]) for b in range(256) if bytes([b]) not in known]


def truncation_sources():
    v = {"k": [1, 2.5, "é", b"\x00"], 2: (None, True)}
    return [(f"p{p}", pickle.dumps(v, protocol=p)) for p in (0, 2, 4)]


# Protocol 0's text numbers as the C unpickler reads them: INT through
# strtol(s, 0) with a fallback to int(s, 0) (octal, hex, the True/False
# hack for any two-character 0 or 1), LONG through int(s, 0), GET/PUT through
# int(s, 10), FLOAT through PyOS_string_to_double. Each line is a C string (a
# NUL ends it). CPython decides every expectation below.
TEXT_INT_LINES = [b"0", b"1", b"01", b"00", b"+1", b" 1", b" 0", b"-0", b"+0", b"10", b"010", b"001",
                  b"+01", b" 01", b"08", b"0x10", b"0X1f", b"0x", b"0xg", b"0o17", b"0b11", b"0x1_0",
                  b"1_0", b"1__0", b"_1", b"1_", b"1 ", b" 1 ", b"1\r", b"1\t", b"-", b"+", b" ",
                  b"- 1", b"1\x00", b"1\x00x", b"\x00", b"\x00x", b"1x", b"9223372036854775807",
                  b"9223372036854775808", b"-9223372036854775808", b"-9223372036854775809",
                  b"0777777777777777777777777", b"99999999999999999999", b"\xd9\xa1"]
TEXT_LONG_LINES = [b"10", b"10L", b"0L", b"L", b"010", b"010L", b"00L", b"0x10L", b"0x10", b"0o7L",
                   b"1_0L", b" 1L", b"1 L", b"+1L", b"-1L", b"1LL", b"1l", b"1L ", b"1\x00L", b"\x00L",
                   b"123456789012345678901234567890L"]
TEXT_MEMO_LINES = [b"0", b"00", b"01", b"+1", b" 1", b"1 ", b"1_0", b"1_", b"-1", b"-0", b"0x1", b"1\x00x",
                   b"x", b" ", b"9223372036854775808"]
TEXT_FLOAT_LINES = [b"1.5", b"1.", b".5", b"1e5", b"1.e5", b"1E+05", b"-0.0", b"inf", b"-Infinity",
                    b"NAN", b"nan(1)", b" 1.5", b"1.5 ", b"1_0.5", b"1.5\x00", b"1.5\x00x", b"0x1p3",
                    b"1e400", b"1e-400", b"+1.5", b"", b"\x00"]


def text_number_cases():
    for line in TEXT_INT_LINES:
        yield "int", line, b"I" + line + b"\n."
    for line in TEXT_LONG_LINES:
        yield "long", line, b"L" + line + b"\n."
    for line in TEXT_MEMO_LINES:
        # PUT the line's index, then GET the same line: both read it alike.
        yield "put-get", line, b"Np" + line + b"\n0g" + line + b"\n."
        # PUT index 1, then GET the line: which index does it name?
        yield "get", line, b"Np1\nN0g" + line + b"\n."
    for line in TEXT_FLOAT_LINES:
        yield "float", line, b"F" + line + b"\n."


def add_text_numbers(suite):
    src = f"{PY} pickle.loads (hand-built protocol 0 text numbers)"
    for op, line, data in text_number_cases():
        name = f"decode/text-number/{op}/{line.hex() or 'empty'}"
        why = f"{op.upper()} line {line!r}"
        try:
            got = safe_pickle.loads(data)
        except Exception as e:  # noqa: BLE001 - the exception is the record
            if isinstance(e, safe_pickle.Refused):
                raise AssertionError(f"{name}: refused by the allowlist") from e
            suite.add(name, format="pickle", source=src, level="required", op="decode", input=data,
                      expect="reject", note=f"{why}. {exc_note(e)}")
            continue
        suite.add(name, format="pickle", source=src, level="required", op="decode", input=data,
                  expect="accept", value=notation.diag(got), note=f"{why}: {PY} reads {got!r}")


def add_rejections(suite):
    src = f"{PY} pickle.loads (hand-built; see note)"
    for name, data, why in BAD:
        e = rejected_by_cpython(data)
        if isinstance(e, safe_pickle.Refused):
            raise AssertionError(f"{name}: rejected by the allowlist, not by CPython: {e}")
        suite.add(f"decode/bad/{name}", format="pickle", source=src, level="required", op="decode",
                  input=data, expect="reject", note=f"{why}. {exc_note(e)}")
    for code in unknown_opcodes():
        data = code + b"N."
        e = rejected_by_cpython(data)
        suite.add(f"decode/bad/opcode-{code.hex()}", format="pickle", source=src, level="required",
                  op="decode", input=data, expect="reject", note=f"unassigned opcode. {exc_note(e)}")
    for name, whole in truncation_sources():
        for n in range(len(whole)):
            e = rejected_by_cpython(whole[:n])
            suite.add(f"decode/truncated/{name}/{n}", format="pickle", source=src, level="required",
                      op="decode", input=whole[:n], expect="reject",
                      note=f"the first {n} of {len(whole)} bytes of pickle.dumps(v, {name[1:]}). {exc_note(e)}")
    for name, data, why in SECURITY:
        e = rejected_by_cpython(data)
        if not isinstance(e, safe_pickle.Refused):
            raise AssertionError(f"{name}: expected the allowlist to refuse, got {e!r}")
        suite.add(f"decode/import/{name}", format="pickle", source=src, level="required", op="decode",
                  input=data, expect="reject",
                  note=f"{why}: a data decoder must refuse to import or call anything (CPython's "
                  f"unrestricted pickle.loads would resolve it). Refused by the allowlisting Unpickler: {e}")


def main():
    suite = Suite(
        "pickle-cpython",
        "Pickles written by CPython's pickle.dumps for every native data type (None, bool, int of any "
        "size, float incl. -0.0/NaN/inf, str, bytes, bytearray, list, tuple, dict, set, frozenset; "
        "shared references, memo use, multi-FRAME pickles) under protocols 0-5, decoded values checked "
        "with CPython; encode cases accept any protocol's output; hand-built pickles CPython accepts; "
        "CPython's bad-pickle rejections (stack underflow, missing MARK, memo misses, unknown opcodes, "
        "PROTO > 5, FRAME overruns, bad UTF-8, every truncation of three pickles); and pickles that "
        "import a global (os.system through GLOBAL, STACK_GLOBAL, INST, OBJ, NEWOBJ...), which a data "
        "decoder must refuse.",
        f"generated with {PY}'s pickle module (PSF License); loads only through an allowlisting "
        "Unpickler (conformance/testees/python/safe_pickle.py)",
        "pickle_cpython.py",
        [],
    )
    add_values(suite)
    add_hand_built(suite)
    add_rejections(suite)
    add_text_numbers(suite)
    suite.write()


if __name__ == "__main__":
    main()
