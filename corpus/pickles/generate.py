#!/usr/bin/env python3
"""Writes the pickle scanner's corpora: malicious/*.pkl, benign/*.pkl and MANIFEST.tsv.

Run from anywhere: `python3 corpus/pickles/generate.py`. Deterministic: the
same CPython minor version writes the same bytes.

Malicious pickles are assembled opcode by opcode (names from `pickletools`),
so every bypass family is spelled exactly; benign ones are what CPython's own
`pickle.dumps` writes for native data at every protocol. Nothing written here
is ever loaded: the only reader of these files in the project is
find_class_oracle.py, whose `find_class` returns inert stubs.

MANIFEST.tsv columns: file (relative to this folder), the verdict the scanner
must give, and the global it must name as the reason (`-` for safe files).
"""

import base64
import io
import os
import pickle
import pickletools
import struct
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))

# Opcode bytes by pickletools name, so the table is CPython's, not ours.
OP = {o.name: o.code.encode("latin-1") for o in pickletools.opcodes}


def op(name, arg=b""):
    return OP[name] + arg


def u8(n):
    return struct.pack("<B", n)


def u32(n):
    return struct.pack("<I", n)


def u64(n):
    return struct.pack("<Q", n)


def unicode_(s):
    b = s.encode("utf-8")
    if len(b) < 256:
        return op("SHORT_BINUNICODE", u8(len(b)) + b)
    return op("BINUNICODE", u32(len(b)) + b)


def binbytes(b):
    if len(b) < 256:
        return op("SHORT_BINBYTES", u8(len(b)) + b)
    return op("BINBYTES", u32(len(b)) + b)


def string0(s):
    """Protocol-0 STRING: a repr-quoted line."""
    return op("STRING", repr(s).encode("ascii") + b"\n")


def global0(module, name):
    return op("GLOBAL", f"{module}\n{name}\n".encode("ascii"))


def call0(module, name, *args):
    """module.name(*args) with protocol-0 opcodes only."""
    return global0(module, name) + op("MARK") + b"".join(args) + op("TUPLE") + op("REDUCE")


def proto(n):
    return op("PROTO", u8(n))


STOP = op("STOP")
CMD = string0("echo crossfmt-corpus")


def framed(body):
    """Protocol 4+: one FRAME holding the whole body, as CPython frames it."""
    return op("FRAME", u64(len(body))) + body


def torch_like_zip(data_pkl, *, stored=True):
    """A zip laid out as torch.save writes it: archive/data.pkl, version, byteorder, data/."""
    buf = io.BytesIO()
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, data in [
            ("archive/data.pkl", data_pkl),
            ("archive/byteorder", b"little"),
            ("archive/data/0", bytes(range(16))),
            ("archive/version", b"3\n"),
        ]:
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = method
            z.writestr(info, data)
    return buf.getvalue()


def malicious():
    """(name, bytes, expected global)."""
    out = []

    def add(name, data, glob):
        out.append((name, data, glob))

    add("global_reduce_p0", call0("os", "system", CMD) + STOP, "os.system")
    add("global_reduce_posix_p2", proto(2) + call0("posix", "system", CMD) + STOP, "posix.system")
    add(
        "builtin_exec_p0",
        call0("__builtin__", "exec", string0("import os")) + STOP,
        "__builtin__.exec",
    )

    # STACK_GLOBAL whose strings come back from the memo, pushed in the
    # opposite order and popped in between: a scanner that only looks at
    # the two opcodes before STACK_GLOBAL sees BINGETs.
    body = (
        unicode_("system") + op("MEMOIZE")  # memo 0
        + unicode_("os") + op("MEMOIZE")  # memo 1
        + op("POP") + op("POP")
        + op("BINGET", u8(1)) + op("BINGET", u8(0))
        + op("STACK_GLOBAL")
        + unicode_("echo crossfmt-corpus") + op("TUPLE1") + op("REDUCE") + STOP
    )
    add("stack_global_memo", proto(4) + framed(body), "os.system")

    body = (
        unicode_("subprocess") + op("BINPUT", u8(7))
        + unicode_("check_output") + op("LONG_BINPUT", u32(300))
        + op("POP_MARK" if False else "POP") + op("POP")
        + op("MARK") + op("BINGET", u8(7)) + op("LONG_BINGET", u32(300)) + op("POP_MARK")
        + op("BINGET", u8(7)) + op("LONG_BINGET", u32(300)) + op("STACK_GLOBAL")
        + op("EMPTY_LIST") + unicode_("id") + op("APPEND") + op("TUPLE1") + op("REDUCE") + STOP
    )
    add("stack_global_binput", proto(4) + framed(body), "subprocess.check_output")

    # Protocol 0 memo: PUT/GET with decimal keys.
    body = (
        op("STRING", b"'builtins'\n") + op("PUT", b"5\n") + op("POP")
        + op("STRING", b"'eval'\n") + op("PUT", b"6\n") + op("POP")
        + op("GET", b"5\n") + op("GET", b"6\n") + op("STACK_GLOBAL")
        + op("MARK") + string0("1+1") + op("TUPLE") + op("REDUCE") + STOP
    )
    add("stack_global_put_get", proto(4) + body, "builtins.eval")

    # Protocol-0 INST: class and call in one opcode.
    add("inst_p0", op("MARK") + CMD + op("INST", b"os\nsystem\n") + STOP, "os.system")
    # OBJ: the class is the first item after the mark.
    add("obj_p1", op("MARK") + global0("os", "system") + CMD + op("OBJ") + STOP, "os.system")
    # NEWOBJ: cls.__new__(cls, *args).
    add(
        "newobj_p2",
        proto(2) + global0("subprocess", "Popen") + op("MARK") + CMD + op("TUPLE")
        + op("NEWOBJ") + STOP,
        "subprocess.Popen",
    )
    add(
        "newobj_ex_p4",
        proto(4)
        + framed(
            unicode_("subprocess") + unicode_("Popen") + op("STACK_GLOBAL")
            + unicode_("ls") + op("TUPLE1") + op("EMPTY_DICT") + op("NEWOBJ_EX") + STOP
        ),
        "subprocess.Popen",
    )
    # The call's result is thrown away; the pickle's value is None.
    add("reduce_then_pop", call0("os", "system", CMD) + op("POP") + op("NONE") + STOP, "os.system")
    add(
        "reduce_then_pop_mark",
        op("MARK") + call0("os", "system", CMD) + op("POP_MARK") + op("NONE") + STOP,
        "os.system",
    )
    # BUILD on a constructed object: __setstate__ of an arbitrary class.
    add(
        "build_state",
        proto(2) + global0("runpy", "_run_code") + op("EMPTY_TUPLE") + op("NEWOBJ")
        + op("EMPTY_DICT") + op("BUILD") + STOP,
        "runpy._run_code",
    )

    # FRAME whose declared length ends mid-stream: the call sits after it.
    inner = call0("os", "system", CMD) + STOP
    add(
        "frame_too_short",
        proto(4) + op("FRAME", u64(3)) + inner,
        "os.system",
    )
    # FRAME declaring more bytes than the file holds.
    add("frame_too_long", proto(4) + op("FRAME", u64(1 << 40)) + inner, "os.system")
    # Truncated: no STOP, and a broken opcode after the call. CPython runs
    # the REDUCE before it notices.
    add(
        "truncated_after_reduce",
        call0("os", "system", CMD) + op("BINUNICODE", u32(1000)) + b"abc",
        "os.system",
    )
    # PROTO twice, the second one mid-stream.
    add(
        "proto_twice",
        proto(2) + op("NONE") + op("POP") + proto(4) + call0("shutil", "rmtree", string0("/tmp/x"))
        + STOP,
        "shutil.rmtree",
    )
    # An opcode CPython does not know, after the call.
    add("unknown_opcode_after", call0("os", "system", CMD) + b"\xff" + STOP, "os.system")

    # Nested pickles: the outer one only names pickle.loads.
    inner_bad = pickletools.optimize(call0("os", "system", CMD) + STOP)
    add(
        "nested_pickle_loads",
        proto(3) + call0("pickle", "loads", binbytes(inner_bad)) + STOP,
        "os.system",
    )
    inner_bad2 = call0("subprocess", "getoutput", string0("id")) + STOP
    add(
        "nested__pickle_loads",
        proto(3) + call0("_pickle", "loads", binbytes(inner_bad2)) + STOP,
        "subprocess.getoutput",
    )
    inner_bad3 = call0("posix", "system", CMD) + STOP
    add(
        "nested_base64",
        call0("pickle", "loads", call0("base64", "b64decode", string0(base64.b64encode(inner_bad3).decode()))) + STOP,
        "posix.system",
    )
    inner_bad4 = call0("socket", "create_connection", op("MARK") + string0("localhost") + op("INT", b"80\n") + op("TUPLE")) + STOP
    add(
        "nested_zlib",
        proto(3) + call0("pickle", "loads", call0("zlib", "decompress", binbytes(zlib.compress(inner_bad4)))) + STOP,
        "socket.create_connection",
    )
    # Three levels deep.
    lvl = call0("os", "system", CMD) + STOP
    for _ in range(2):
        lvl = proto(3) + call0("pickle", "loads", binbytes(lvl)) + STOP
    add("nested_three_levels", lvl, "os.system")

    # getattr chains: builtins.getattr(builtins.__import__('os'), 'system')('...').
    add(
        "getattr_chain",
        proto(2)
        + global0("builtins", "getattr") + op("MARK")
        + call0("builtins", "__import__", string0("os"))
        + string0("system") + op("TUPLE") + op("REDUCE")
        + op("MARK") + CMD + op("TUPLE") + op("REDUCE") + STOP,
        "builtins.getattr",
    )
    # getattr on an allowlisted class: the only global is builtins.getattr.
    add(
        "getattr_on_allowed",
        proto(2)
        + global0("builtins", "getattr") + op("MARK") + global0("builtins", "dict")
        + string0("fromkeys") + op("TUPLE") + op("REDUCE")
        + op("MARK") + string0("ab") + op("TUPLE") + op("REDUCE") + STOP,
        "builtins.getattr",
    )
    # Dotted name resolved by protocol 4's find_class: logging imports os.
    add(
        "stack_global_dotted",
        proto(4) + framed(
            unicode_("logging") + unicode_("os.system") + op("STACK_GLOBAL")
            + unicode_("echo crossfmt-corpus") + op("TUPLE1") + op("REDUCE") + STOP
        ),
        "logging.os.system",
    )
    # Dotted name on an allowlisted module.
    add(
        "stack_global_dotted_builtins",
        proto(4) + framed(
            unicode_("builtins") + unicode_("set.__init__.__globals__") + op("STACK_GLOBAL")
            + op("POP") + op("NONE") + STOP
        ),
        "builtins.set.__init__.__globals__",
    )
    add("pickle_loads_global", call0("pickle", "loads", op("NONE")) + STOP, "pickle.loads")
    add("builtins_open", proto(2) + call0("builtins", "open", string0("/etc/passwd")) + STOP, "builtins.open")
    add("webbrowser_open", call0("webbrowser", "open", string0("http://example.invalid")) + STOP, "webbrowser.open")
    add("ctypes_cdll", call0("ctypes", "CDLL", string0("libc.so.6")) + STOP, "ctypes.CDLL")
    add(
        "importlib_import",
        call0("importlib", "import_module", string0("os")) + STOP,
        "importlib.import_module",
    )

    # Two pickles in one file; the first is harmless.
    add(
        "concatenated_second_bad",
        pickle.dumps({"a": 1}, protocol=2) + call0("os", "system", CMD) + STOP,
        "os.system",
    )

    # Hostile to scanners: a megabyte of memo entries, then the call.
    n = (1 << 20) // 2
    bomb = proto(4) + op("NONE") + op("MEMOIZE") * n + op("POP") + call0("os", "system", CMD) + STOP
    add("memo_bomb", bomb, "os.system")
    # DUP storm: a deep stack, then the call.
    storm = proto(2) + op("NONE") + op("DUP") * (1 << 18) + call0("os", "system", CMD) + STOP
    add("dup_storm", storm, "os.system")
    # Deeply nested lists, the call at the bottom.
    depth = 50_000
    deep = proto(2) + (op("EMPTY_LIST") + op("MARK")) * depth + call0("os", "system", CMD)
    deep += (op("APPENDS")) * depth + STOP
    add("deep_nesting", deep, "os.system")
    # Many marks never closed.
    marks = op("MARK") * 100_000 + call0("os", "system", CMD) + STOP
    add("mark_storm", marks, "os.system")

    # Zip archives as torch.save writes them.
    add("torch_zip_malicious.pt", torch_like_zip(proto(2) + call0("os", "system", CMD) + STOP), "os.system")
    add(
        "torch_zip_deflated.pt",
        torch_like_zip(proto(2) + call0("os", "system", CMD) + STOP, stored=False),
        "os.system",
    )
    z = bytearray(torch_like_zip(proto(2) + call0("os", "system", CMD) + STOP))
    # Central directory destroyed: readers that trust it find nothing.
    eocd = z.rfind(b"PK\x05\x06")
    cd = z.find(b"PK\x01\x02")
    z[cd:] = b"\x00" * (len(z) - cd)
    assert eocd > cd
    add("torch_zip_no_central_dir.pt", bytes(z), "os.system")
    z = bytearray(torch_like_zip(proto(2) + call0("os", "system", CMD) + STOP))
    # Wrong CRC for data.pkl in both headers: Python's zipfile refuses to
    # read the member, the payload is intact.
    for sig, off in ((b"PK\x03\x04", 14), (b"PK\x01\x02", 16)):
        at = z.find(sig)
        z[at + off : at + off + 4] = b"\xde\xad\xbe\xef"
    add("torch_zip_bad_crc.pt", bytes(z), "os.system")
    # Something before the zip: a pickle-looking prefix and a zip after it.
    add(
        "prefixed_zip.pt",
        b"\x00" * 64 + torch_like_zip(proto(2) + call0("os", "system", CMD) + STOP),
        "os.system",
    )
    return out


BENIGN_VALUE = {
    "none": None,
    "bools": [True, False],
    "ints": [0, 1, -1, 255, 256, 65535, 65536, 2**31 - 1, -(2**31), 2**63, -(2**100), 10**40],
    "floats": [0.0, -0.0, 1.5, float("inf"), float("-inf"), 1e300],
    "text": ["", "a", "héllo", "\U0001f600", "x" * 300],
    "bytes": [b"", b"\x00\xff", b"y" * 300],
    "tuple": (1, (2, 3), ()),
    "set": {1, 2, 3},
    "frozenset": frozenset({"a"}),
    "nested": {"k": [{"deep": [1, [2, [3]]]}]},
}
SHARED = [1, 2]
BENIGN_VALUE["shared"] = [SHARED, SHARED]


def benign():
    out = []
    for p in range(pickle.HIGHEST_PROTOCOL + 1):
        out.append((f"native_p{p}", pickle.dumps(BENIGN_VALUE, protocol=p)))
        out.append((f"bytearray_p{p}", pickle.dumps(bytearray(b"ab\x00"), protocol=p)))
        out.append((f"scalar_p{p}", pickle.dumps(42, protocol=p)))
        out.append((f"empty_set_p{p}", pickle.dumps(set(), protocol=p)))
        out.append((f"bytes_p{p}", pickle.dumps(b"\x80abc", protocol=p)))
    big = {str(i): list(range(i % 50)) for i in range(2000)}
    out.append(("large_dict_p4", pickle.dumps(big, protocol=4)))
    out.append(("large_dict_p5", pickle.dumps(big, protocol=5)))
    out.append(("concatenated_benign", pickle.dumps([1], protocol=2) + pickle.dumps({2: 3}, protocol=4)))
    out.append(("torch_zip_benign.pt", torch_like_zip(pickle.dumps({"weight": [0.5, 1.5], "step": 3}, protocol=2))))
    out.append(("torch_zip_benign_deflated.pt", torch_like_zip(pickle.dumps([b"abc", {1, 2}], protocol=2), stored=False)))
    return out


def main():
    rows = []
    for sub in ("malicious", "benign"):
        d = os.path.join(HERE, sub)
        os.makedirs(d, exist_ok=True)
        for f in os.listdir(d):
            os.remove(os.path.join(d, f))
    cases = [("malicious", n, d, "dangerous", g) for n, d, g in malicious()]
    cases += [("benign", n, d, "safe", "-") for n, d in benign()]
    for sub, name, data, verdict, glob in cases:
        fname = name if name.endswith(".pt") else name + ".pkl"
        with open(os.path.join(HERE, sub, fname), "wb") as f:
            f.write(data)
        rows.append((f"{sub}/{fname}", verdict, glob))
    write_tsv("MANIFEST.tsv", ("file", "verdict", "global"), rows, "generate.py")
    print(f"{len(rows)} files")


def write_tsv(name, columns, rows, writer):
    """A TSV beside this script, with a header naming what wrote it."""
    with open(os.path.join(HERE, name), "w") as f:
        f.write("# " + "\t".join(columns) + f" — written by {writer}\n")
        for r in rows:
            f.write("\t".join(r) + "\n")


if __name__ == "__main__":
    main()
