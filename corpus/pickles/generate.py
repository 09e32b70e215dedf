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
must give, the global it must name as the reason (`-` for safe files), and
the policy preset it is scanned with (`default`, or `ml` for checkpoints),
and the bypass family a malicious file belongs to (`-` for benign files).

Real-shaped files (PyTorch checkpoints in the zip, legacy and tar formats,
NumPy `.npy`/`.npz` with object arrays) are written the way torch.save and
numpy.save write them, by CPython's own pickler, with stand-in modules named
as torch's and numpy's are: the bytes are what those libraries write for
such data, without needing them installed.
"""

import base64
import bz2
import codecs
import collections
import gzip
import io
import lzma
import os
import pickle
import pickletools
import struct
import sys
import tarfile
import types
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


# ---- Stand-ins for torch and numpy: modules and callables under their real
# names, so CPython's pickler writes the globals those libraries' pickles hold.


def fake_module(name):
    parts = name.split(".")
    for i in range(1, len(parts) + 1):
        n = ".".join(parts[:i])
        if n not in sys.modules:
            m = types.ModuleType(n)
            sys.modules[n] = m
            if i > 1:
                setattr(sys.modules[".".join(parts[: i - 1])], parts[i - 1], m)
    return sys.modules[name]


def fake_global(module, name, cls=False):
    m = fake_module(module)
    if cls:
        obj = type(name, (), {})
    else:
        def obj(*args):
            raise RuntimeError("a stand-in is never called")
    obj.__module__ = module
    obj.__qualname__ = name
    obj.__name__ = name
    setattr(m, name, obj)
    return obj


REBUILD_TENSOR_V2 = fake_global("torch._utils", "_rebuild_tensor_v2")
REBUILD_PARAMETER = fake_global("torch._utils", "_rebuild_parameter")
STORAGE_TYPES = {t: fake_global("torch", t, cls=True) for t in ("FloatStorage", "LongStorage", "HalfStorage")}
ELEMENT_SIZE = {"FloatStorage": 4, "LongStorage": 8, "HalfStorage": 2}
NP_RECONSTRUCT = fake_global("numpy.core.multiarray", "_reconstruct")
NP_NDARRAY = fake_global("numpy", "ndarray", cls=True)
NP_DTYPE = fake_global("numpy", "dtype", cls=True)


class Storage:
    def __init__(self, key, kind, numel):
        self.key, self.kind, self.numel = key, kind, numel

    def data(self):
        n = self.numel * ELEMENT_SIZE[self.kind]
        return bytes((i * 7 + int(self.key)) % 251 for i in range(n))


class Tensor:
    """Pickles as torch.Tensor.__reduce_ex__ does: _rebuild_tensor_v2(storage,
    offset, size, stride, requires_grad, backward_hooks)."""

    def __init__(self, storage, size):
        self.storage, self.size = storage, size

    def __reduce_ex__(self, protocol):
        stride, n = [], 1
        for d in reversed(self.size):
            stride.insert(0, n)
            n *= d
        stride = tuple(stride)
        return (REBUILD_TENSOR_V2, (self.storage, 0, self.size, stride, False, collections.OrderedDict()))


class Command:
    """An object whose reduction is os.system (pickled as posix.system)."""

    def __reduce__(self):
        return (os.system, ("echo crossfmt-corpus",))


class Parameter:
    def __init__(self, tensor):
        self.tensor = tensor

    def __reduce_ex__(self, protocol):
        return (REBUILD_PARAMETER, (self.tensor, True, collections.OrderedDict()))


def state_dict(n_tensors):
    """An OrderedDict of named tensors, each with its own storage, as a model's
    state_dict is."""
    sd = collections.OrderedDict()
    kinds = list(STORAGE_TYPES)
    for i in range(n_tensors):
        st = Storage(str(i), kinds[i % len(kinds)], 4 + i % 5)
        t = Tensor(st, (st.numel,))
        sd[f"layer{i // 2}.{'weight' if i % 2 == 0 else 'bias'}"] = Parameter(t) if i % 3 == 0 else t
    return sd


def storages_of(obj):
    out = {}

    def walk(o):
        if isinstance(o, Parameter):
            walk(o.tensor)
        elif isinstance(o, Tensor):
            out[o.storage.key] = o.storage
        elif isinstance(o, dict):
            for v in o.values():
                walk(v)
        elif isinstance(o, (list, tuple)):
            for v in o:
                walk(v)

    walk(obj)
    return out


class _PidPickler(pickle.Pickler):
    def __init__(self, f, protocol, pid):
        super().__init__(f, protocol=protocol)
        self._pid = pid

    def persistent_id(self, obj):
        return self._pid(obj) if isinstance(obj, Storage) else None


def torch_zip(obj, extra_pickle=None, *, compress=zipfile.ZIP_STORED):
    """torch.save's zip format (1.6+): archive/data.pkl with persistent ids
    ('storage', type, key, location, numel), one member per storage."""
    buf = io.BytesIO()
    pid = lambda s: ("storage", STORAGE_TYPES[s.kind], s.key, "cpu", s.numel)
    _PidPickler(buf, 2, pid).dump(obj)
    data_pkl = buf.getvalue() if extra_pickle is None else extra_pickle
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compress) as z:
        def put(name, data):
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = compress
            z.writestr(info, data)
        put("archive/data.pkl", data_pkl)
        put("archive/byteorder", b"little")
        for key, st in sorted(storages_of(obj).items(), key=lambda kv: int(kv[0])):
            put(f"archive/data/{key}", st.data())
        put("archive/version", b"3\n")
        put("archive/.data/serialization_id", b"1234567890123456789012345678901234567890")
    return out.getvalue()


LEGACY_MAGIC = 0x1950A86A20F9469CFC6C


def torch_legacy(obj, *, storage_tail=b"", protocol=2):
    """torch.save(_use_new_zipfile_serialization=False): five pickles (magic
    number, protocol version, system info, the object with persistent ids,
    the sorted storage keys), then each storage as int64 numel + raw bytes."""
    f = io.BytesIO()
    pickle.dump(LEGACY_MAGIC, f, protocol=protocol)
    pickle.dump(1001, f, protocol=protocol)
    sys_info = dict(protocol_version=1001, little_endian=True, type_sizes=dict(short=2, int=4, long=4))
    pickle.dump(sys_info, f, protocol=protocol)
    pid = lambda s: ("storage", STORAGE_TYPES[s.kind], s.key, "cpu", s.numel, None)
    _PidPickler(f, protocol, pid).dump(obj)
    stores = storages_of(obj)
    keys = sorted(stores)
    pickle.dump(keys, f, protocol=protocol)
    for k in keys:
        f.write(struct.pack("<q", stores[k].numel) + stores[k].data())
    f.write(storage_tail)
    return f.getvalue()


def torch_tar(obj, pickle_member=None):
    """The tar format torch.save wrote before 0.4: sys_info, pickle, and
    storages (a count, then per storage a pickle and its raw bytes)."""
    stores = storages_of(obj)
    st = io.BytesIO()
    pickle.dump(len(stores), st, protocol=2)
    for k in sorted(stores):
        pickle.dump((k, "cpu", STORAGE_TYPES[stores[k].kind]), st, protocol=2)
        st.write(struct.pack("<q", stores[k].numel) + stores[k].data())
    tensors = io.BytesIO()
    pickle.dump(0, tensors, protocol=2)
    body = io.BytesIO()
    _PidPickler(body, 2, lambda s: s.key).dump(obj)
    members = [
        ("sys_info", pickle.dumps(dict(protocol_version=1001, little_endian=True), protocol=2)),
        ("pickle", body.getvalue() if pickle_member is None else pickle_member),
        ("tensors", tensors.getvalue()),
        ("storages", st.getvalue()),
    ]
    return tar_of(members)


def tar_of(members, mode="w"):
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode=mode, format=tarfile.USTAR_FORMAT) as t:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1577836800
            t.addfile(info, io.BytesIO(data))
    return out.getvalue()


class ObjectArray:
    """Pickles as a NumPy object ndarray does: _reconstruct(ndarray, (0,),
    b'b'), then BUILD with (version, shape, dtype, fortran, items)."""

    class Dtype:
        def __reduce__(self):
            return (NP_DTYPE, ("O8", False, True), (3, "|", None, None, None, -1, -1, 63))

    def __init__(self, items):
        self.items = items

    def __reduce__(self):
        return (NP_RECONSTRUCT, (NP_NDARRAY, (0,), b"b"), (1, (len(self.items),), ObjectArray.Dtype(), False, self.items))


JOBLIB_WRAPPER = fake_global("joblib.numpy_pickle", "NumpyArrayWrapper", cls=True)


class FakeArray:
    """A NumPy array as joblib meets it: dtype, shape and its bytes (or, for
    an object array, its items)."""

    def __init__(self, descr, shape, data=b"", items=None):
        self.descr, self.shape, self.data, self.items = descr, shape, data, items


class _JoblibPickler(pickle._Pickler):
    """joblib.numpy_pickle.NumpyPickler: an array becomes a NumpyArrayWrapper
    (its state: subclass, shape, order, dtype, allow_mmap, alignment), then,
    after the frame is committed, the array itself: a padding length, that
    many 0xFF, the raw bytes; or, for an object array, a pickle of it."""

    def save(self, obj, save_persistent_id=True):
        if not isinstance(obj, FakeArray):
            return super().save(obj, save_persistent_id)
        w = JOBLIB_WRAPPER.__new__(JOBLIB_WRAPPER)
        w.__dict__.update(subclass=NP_NDARRAY, shape=obj.shape, order="C", dtype=ObjectArray.Dtype(),
                          allow_mmap=False, numpy_array_alignment_bytes=16)
        super().save(w)
        if self.framer.current_frame:
            self.framer.commit_frame(force=True)
        # Straight to the file, past the framer, as joblib writes.
        f = self._file_write.__self__
        if obj.items is not None:
            pickle.dump(ObjectArray(obj.items), f, protocol=self.proto)
            return
        pad = 16 - (f.tell() + 1) % 16
        f.write(bytes([pad]) + b"\xff" * pad + obj.data)


def joblib_dump(value, protocol=4):
    f = io.BytesIO()
    _JoblibPickler(f, protocol=protocol).dump(value)
    return f.getvalue()


def npy(descr, shape, payload):
    """numpy.lib.format version 1.0: magic, header dict padded to 64, data."""
    header = "{'descr': %r, 'fortran_order': False, 'shape': %r, }" % (descr, shape)
    pad = 64 - (10 + len(header) + 1) % 64
    header = (header + " " * pad + "\n").encode("latin-1")
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + payload


def npy_object(items, protocol=3):
    return npy("|O", (len(items),), pickle.dumps(ObjectArray(items), protocol=protocol))


def zip_of(members, compress=zipfile.ZIP_STORED):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compress) as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = compress
            z.writestr(info, data)
    return out.getvalue()


def gz(data):
    return gzip.compress(data, mtime=0)


def stack_global(module, name):
    return unicode_(module) + op("MEMOIZE") + unicode_(name) + op("MEMOIZE") + op("STACK_GLOBAL")


def loads_of(loader_module, loader_name, payload_op):
    """loader(payload) in protocol 4: STACK_GLOBAL, the argument, REDUCE."""
    return proto(4) + stack_global(loader_module, loader_name) + payload_op + op("TUPLE1") + op("REDUCE")


def call_stack(module, name, *arg_ops):
    return stack_global(module, name) + b"".join(arg_ops) + op("TUPLE" + str(len(arg_ops))) + op("REDUCE")


def structure_cases():
    """Payloads behind structure, in containers, and nested behind decoders:
    (name, bytes, global, policy)."""
    out = []
    inner = proto(2) + call0("posix", "system", CMD) + STOP
    sd = state_dict(6)

    def add(name, data, glob, policy="default"):
        out.append((name, data, glob, policy))

    add("after_padding", pickle.dumps([1], protocol=2) + b"\x00" * 37 + inner, "posix.system")
    add("after_garbage", pickle.dumps({"a": 1}, protocol=4) + bytes(range(256)) * 3 + inner, "posix.system")
    add("after_broken_pickle", proto(2) + op("EMPTY_LIST") + op("APPEND") + inner, "posix.system")
    add("payload.pkl.gz", gz(inner), "posix.system")
    add("gz_after_benign.pkl.gz", gz(pickle.dumps([1], protocol=2) + b"junk" + inner), "posix.system")
    add("tar_member.tar", tar_of([("readme.txt", b"hello"), ("model.pkl", inner)]), "posix.system")
    add("tar_gz_member.tar.gz", gz(tar_of([("model.pkl", inner)])), "posix.system")
    add("zip_in_zip.zip", zip_of([("inner.zip", zip_of([("data.pkl", inner)]))]), "posix.system")
    add("zip_bzip2.pt", zip_of([("archive/data.pkl", inner)], zipfile.ZIP_BZIP2), "posix.system")
    add("zip_lzma.pt", zip_of([("archive/data.pkl", inner)], zipfile.ZIP_LZMA), "posix.system")
    add("zip_misnamed_p0.zip", zip_of([("data.txt", call0("posix", "system", CMD) + STOP)]), "posix.system")
    add("npy_object_payload.npy", npy("|O", (1,), inner), "posix.system")
    add("npz_object_payload.npz", zip_of([("a.npy", npy("|f4", (2,), b"\0" * 8)), ("b.npy", npy("|O", (1,), inner))], zipfile.ZIP_DEFLATED), "posix.system")
    add("torch_legacy_payload.pt", torch_legacy(sd, storage_tail=inner), "posix.system", "ml")
    add("torch_legacy_obj_payload.pt", torch_legacy(collections.OrderedDict(w=Tensor(Storage("0", "FloatStorage", 2), (2,)), hook=Command())), "posix.system", "ml")
    add("torch_zip_many_storages_payload.pt", torch_zip(state_dict(40), extra_pickle=inner), "posix.system", "ml")
    add("torch_tar_payload.tar", torch_tar(sd, pickle_member=inner), "posix.system", "ml")
    # Nested loads through the decoders CPython would run first.
    payload = inner
    add("nested_codecs_hex", loads_of("pickle", "loads", call_stack("codecs", "decode", unicode_(payload.hex()), unicode_("hex"))) + STOP, "posix.system")
    add("nested_bytes_fromhex", loads_of("pickle", "loads", call_stack("builtins", "bytes.fromhex", unicode_(payload.hex()))) + STOP, "posix.system")
    add("nested_b85", loads_of("pickle", "loads", call_stack("base64", "b85decode", binbytes(base64.b85encode(payload)))) + STOP, "posix.system")
    add("nested_a85", loads_of("pickle", "loads", call_stack("base64", "a85decode", binbytes(base64.a85encode(payload)))) + STOP, "posix.system")
    add("nested_b32", loads_of("pickle", "loads", call_stack("base64", "b32decode", binbytes(base64.b32encode(payload)))) + STOP, "posix.system")
    add("nested_bz2", loads_of("pickle", "loads", call_stack("bz2", "decompress", binbytes(bz2.compress(payload)))) + STOP, "posix.system")
    add("nested_lzma", loads_of("pickle", "loads", call_stack("lzma", "decompress", binbytes(lzma.compress(payload)))) + STOP, "posix.system")
    add("nested_codecs_zlib", loads_of("pickle", "loads", call_stack("codecs", "decode", binbytes(zlib.compress(payload)), unicode_("zlib_codec"))) + STOP, "posix.system")
    for mod, name in [("pickle", "load"), ("pickle", "_Unpickler"), ("torch", "load"), ("joblib", "load"), ("numpy", "load"), ("pandas", "read_pickle")]:
        add(f"nested_{mod}_{name.strip('_').lower()}_bytesio", loads_of(mod, name, call_stack("io", "BytesIO", binbytes(payload))) + STOP, "posix.system")
    add("nested_torch_load_zip", loads_of("torch", "load", call_stack("io", "BytesIO", binbytes(torch_zip(sd, extra_pickle=payload)))) + STOP, "posix.system")
    # Callables outside the usual blocklists, and the same one however it is reached.
    for mod, name in [("uuid", "_get_command_stdout"), ("_posixsubprocess", "fork_exec"), ("imaplib", "IMAP4_stream"), ("logging", "FileHandler"), ("_imp", "load_dynamic")]:
        add(f"callable_{mod.strip('_')}_{name.strip('_').lower()}", proto(2) + call0(mod, name, CMD) + STOP, f"{mod}.{name}")
        add(f"callable_{mod.strip('_')}_{name.strip('_').lower()}_stack_global", proto(4) + call_stack(mod, name, unicode_("echo")) + STOP, f"{mod}.{name}")
    # Universal resolvers: a global that hands back any other global.
    add("resolver_pkgutil_resolve_name", proto(4) + call_stack("pkgutil", "resolve_name", unicode_("os:system")) + STOP, "pkgutil.resolve_name")
    add("resolver_operator_attrgetter", proto(4) + call_stack("operator", "attrgetter", unicode_("system")) + STOP, "operator.attrgetter")
    add("resolver_operator_methodcaller", proto(4) + call_stack("operator", "methodcaller", unicode_("system"), unicode_("id")) + STOP, "operator.methodcaller")
    add("resolver_builtins_import", proto(2) + call0("builtins", "__import__", string0("os")) + STOP, "builtins.__import__")
    # joblib files: arrays inline in the stream.
    add("joblib_object_array_payload.joblib", joblib_dump({"a": FakeArray("<i8", (2,), bytes(16)), "o": FakeArray("|O", (1,), items=[Command()])}), "posix.system")
    add("joblib_after_arrays_payload.joblib", joblib_dump({"a": FakeArray("<f8", (4,), bytes(32)), "evil": Command()}), "posix.system")
    # Ops inside what the scanner skips as array data: the wrapper's bytes
    # are followed by a pickle fragment importing posix.system, then a frame.
    hidden = joblib_dump({"a": FakeArray("<i8", (0,), call0("posix", "system", CMD)), "b": [1]})
    add("joblib_ops_in_array_data.joblib", hidden, "posix.system")
    add("dotted_torch_hub_load", proto(4) + call_stack("torch", "hub.load", unicode_("x/y"), unicode_("m")) + STOP, "torch.hub.load", "ml")
    add("wildcard_cannot_allow_runstring", proto(4) + call_stack("numpy.testing._private.utils", "runstring", unicode_("x"), op("EMPTY_DICT")) + STOP, "numpy.testing._private.utils.runstring", "ml")
    return out


def hazards():
    """(name, bytes): pickles that make an unpickler, or what consumes its
    result, allocate far more than the file justifies. Suspicious, with a
    resource finding that gives the figure."""
    out = []
    out.append(("memo_index_long_binput", proto(2) + op("NONE") + op("LONG_BINPUT", u32(0xFFFFFFF0)) + STOP))
    out.append(("memo_index_put_p0", op("NONE") + op("PUT", b"4000000000\n") + STOP))
    out.append(("declared_length_binbytes8", proto(4) + op("BINBYTES8", u64(1 << 40)) + b"abc"))
    out.append(("declared_length_binunicode", proto(2) + op("BINUNICODE", u32(0x7FFFFFFF)) + b"abc"))
    bomb = proto(4) + op("EMPTY_LIST") + op("MEMOIZE")
    for level in range(30):
        bomb += op("EMPTY_LIST") + op("MEMOIZE") + op("MARK") + op("BINGET", u8(level)) * 10 + op("APPENDS")
    out.append(("expansion_bomb_10e30", bomb + STOP))
    # No memo at all: DUP and TUPLE2, a hundred times, nest 2^100 copies.
    out.append(("expansion_bomb_dup", proto(2) + op("EMPTY_LIST") + (op("DUP") + op("TUPLE2")) * 100 + STOP))
    return out


def benign_real_shaped():
    """(name, bytes, policy): what torch.save and numpy.save write for plain data."""
    out = []
    sd = state_dict(200)
    out.append(("torch_zip_state_dict.pt", torch_zip(sd), "ml"))
    out.append(("torch_legacy_state_dict.pt", torch_legacy(sd), "ml"))
    out.append(("torch_legacy_state_dict_p4.pt", torch_legacy(state_dict(20), protocol=4), "ml"))
    out.append(("torch_tar_state_dict.tar", torch_tar(state_dict(20)), "ml"))
    out.append(("torch_zip_state_dict.pt.gz", gz(torch_zip(state_dict(20))), "ml"))
    for p in (2, 3, 4, 5):
        out.append((f"npy_object_p{p}.npy", npy_object([1, "two", [3.0, None], {"k": b"v"}], protocol=p), "ml"))
    out.append(("npy_float32.npy", npy("<f4", (4, 4), bytes(range(64))), "default"))
    arrays = {"coef": FakeArray("<f8", (3, 4), bytes(range(96))), "ids": FakeArray("<i8", (5,), bytes(40)),
              "labels": FakeArray("|O", (2,), items=["cat", "dog"]), "n": 3}
    out.append(("joblib_arrays.joblib", joblib_dump(arrays), "ml"))
    out.append(("joblib_arrays_p5.joblib", joblib_dump(arrays, protocol=5), "ml"))
    out.append(("joblib_top_level_array.joblib", joblib_dump(FakeArray("<f8", (100,), bytes(800))), "ml"))
    out.append(("joblib_arrays.joblib.xz", lzma.compress(joblib_dump(arrays)), "ml"))
    out.append(("joblib_arrays.joblib.z", zlib.compress(joblib_dump(arrays), 3), "ml"))
    out.append(("joblib_arrays.joblib.bz2", bz2.compress(joblib_dump(arrays)), "ml"))
    out.append(("npz_mixed.npz", zip_of([("x.npy", npy("<i8", (8,), bytes(64))), ("objs.npy", npy_object(["a", ("b", 1)]))], zipfile.ZIP_DEFLATED), "ml"))
    out.append(("surrogate_p0.pkl", pickle.dumps("\ud800 lone", protocol=0), "default"))
    out.append(("surrogate_list_p0.pkl", pickle.dumps(["\udfff", "ok", "\ud83d"], protocol=0), "default"))
    out.append(("appended_records.pkl", b"".join(pickle.dumps({"row": i, "v": [i, i * 2]}, protocol=p) for i in range(1500) for p in (i % 6,)), "default"))
    many = [("archive/data.pkl", pickle.dumps({"n": 5000}, protocol=2))] + [(f"archive/data/{i}", bytes([i % 256]) * 4) for i in range(5000)]
    out.append(("zip_5000_members.pt", zip_of(many), "default"))
    shared = {"a": [1, 2, 3]}
    out.append(("shared_refs_p4.pkl", pickle.dumps([shared] * 10000, protocol=4), "default"))
    loop = []
    loop.append(loop)
    out.append(("recursive_p2.pkl", pickle.dumps(loop, protocol=2), "default"))
    nodes = [{"i": i} for i in range(2000)]
    for a, b in zip(nodes, nodes[1:]):
        a["next"], b["prev"] = b, a
    sys.setrecursionlimit(100000)
    out.append(("linked_nodes_p4.pkl", pickle.dumps(nodes, protocol=4), "default"))
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


# Families of bypasses, as a security team sorts them, by file-name prefix
# (first match wins); every malicious and hazard file has one.
FAMILIES = [
    ("callable_", "blocklist gaps"),
    ("builtin", "blocklist gaps"),
    ("webbrowser", "blocklist gaps"),
    ("ctypes", "blocklist gaps"),
    ("importlib", "blocklist gaps"),
    ("pickle_loads_global", "blocklist gaps"),
    ("getattr", "universal resolvers"),
    ("resolver_", "universal resolvers"),
    ("build_state", "universal resolvers"),
    ("nested", "nested loads"),
    ("joblib_", "behind structure"),
    ("stack_global_dotted", "name tricks"),
    ("dotted_", "name tricks"),
    ("wildcard_", "name tricks"),
    ("stack_global", "memo indirection"),
    ("inst_", "parser-vs-VM"),
    ("obj_", "parser-vs-VM"),
    ("newobj", "parser-vs-VM"),
    ("global_reduce", "parser-vs-VM"),
    ("reduce_then", "parser-vs-VM"),
    ("frame_", "parser-vs-VM"),
    ("truncated", "parser-vs-VM"),
    ("proto_", "parser-vs-VM"),
    ("unknown_opcode", "parser-vs-VM"),
    ("concatenated", "behind structure"),
    ("after_", "behind structure"),
    ("gz_", "behind structure"),
    ("torch_legacy", "behind structure"),
    ("torch_", "containers"),
    ("prefixed_zip", "containers"),
    ("payload.pkl.gz", "containers"),
    ("tar_", "containers"),
    ("zip_", "containers"),
    ("npy_", "containers"),
    ("npz_", "containers"),
    ("memo_index", "resource hazards"),
    ("declared_length", "resource hazards"),
    ("expansion_bomb", "resource hazards"),
    ("memo_bomb", "scanner exhaustion"),
    ("dup_storm", "scanner exhaustion"),
    ("deep_nesting", "scanner exhaustion"),
    ("mark_storm", "scanner exhaustion"),
]


def family(sub, name):
    if sub == "benign":
        return "-"
    for prefix, fam in FAMILIES:
        if name.startswith(prefix):
            return fam
    raise SystemExit(f"no family for {name}")


def main():
    rows = []
    for sub in ("malicious", "benign", "hazards"):
        d = os.path.join(HERE, sub)
        os.makedirs(d, exist_ok=True)
        for f in os.listdir(d):
            os.remove(os.path.join(d, f))
    cases = [("malicious", n, d, "dangerous", g, "default") for n, d, g in malicious()]
    cases += [("malicious", n, d, "dangerous", g, pol) for n, d, g, pol in structure_cases()]
    cases += [("benign", n, d, "safe", "-", "default") for n, d in benign()]
    cases += [("benign", n, d, "safe", "-", pol) for n, d, pol in benign_real_shaped()]
    cases += [("hazards", n, d, "suspicious", "-", "default") for n, d in hazards()]
    for sub, name, data, verdict, glob, policy in cases:
        fname = name if "." in name else name + ".pkl"
        with open(os.path.join(HERE, sub, fname), "wb") as f:
            f.write(data)
        rows.append((f"{sub}/{fname}", verdict, glob, policy, family(sub, name)))
    write_tsv("MANIFEST.tsv", ("file", "verdict", "global", "policy", "family"), rows, "generate.py")
    print(f"{len(rows)} files")


def write_tsv(name, columns, rows, writer):
    """A TSV beside this script, with a header naming what wrote it."""
    with open(os.path.join(HERE, name), "w") as f:
        f.write("# " + "\t".join(columns) + f" — written by {writer}\n")
        for r in rows:
            f.write("\t".join(r) + "\n")


if __name__ == "__main__":
    main()
