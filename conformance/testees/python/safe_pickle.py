"""CPython's unpickler, made safe for untrusted bytes: the only globals it
resolves are the reconstructors CPython's own pickler emits for the native
data types, each wrapped to take only the arguments CPython passes. Shared by
the testee and the pickle suite generator.

What `pickle.dumps` emits (checked with pickletools for protocols 0-5):

| type               | protocols 0-2                      | protocol 3          | 4-5     |
|--------------------|------------------------------------|---------------------|---------|
| bytes (non-empty)  | `_codecs.encode(str, "latin1")`    | opcodes             | opcodes |
| bytes (empty)      | `__builtin__.bytes()`              | opcodes             | opcodes |
| bytearray          | `__builtin__.bytearray(bytes)`     | `builtins.bytearray`| 4: `builtins.bytearray`, 5: opcode |
| set / frozenset    | `__builtin__.set(list)` / `frozenset(list)` | `builtins.set(list)` / `frozenset` | opcodes |

(`__builtin__` is Python 2's name; CPython maps it to `builtins`.)
"""

import io
import pickle


class Refused(pickle.UnpicklingError):
    """Valid pickle this unpickler will not run: a global outside the
    allowlist, an allowlisted one called with other arguments, a persistent
    id."""



def _codecs_encode(*args):
    # Only the latin-1 trick protocols 0-2 use for bytes: other codecs
    # (zlib, base64, rot13...) are computation a data decoder must not run.
    if len(args) == 2 and type(args[0]) is str and args[1] == "latin1":
        return args[0].encode("latin1")
    raise Refused(f"_codecs.encode{_show(args)}: only (str, 'latin1') is allowed")


def _bytes(*args):
    if not args:
        return b""
    raise Refused(f"bytes{_show(args)}: only bytes() is allowed")


def _bytearray(*args):
    if not args:
        return bytearray()
    if len(args) == 1 and type(args[0]) is bytes:
        return bytearray(args[0])
    raise Refused(f"bytearray{_show(args)}: only bytearray() and bytearray(bytes) are allowed")


def _collection(make):
    def build(*args):
        if not args:
            return make()
        if len(args) == 1 and type(args[0]) is list:
            return make(args[0])
        # Where CPython's own set/frozenset raises TypeError (too many
        # arguments, a non-iterable), let it: that runs nothing.
        if len(args) > 1 or not hasattr(args[0], "__iter__"):
            return make(*args)
        raise Refused(f"{make.__name__}{_show(args)}: only {make.__name__}(list) is allowed")

    return build


_ALLOWED = {("_codecs", "encode"): _codecs_encode}
for _module in ("builtins", "__builtin__"):
    _ALLOWED[(_module, "bytes")] = _bytes
    _ALLOWED[(_module, "bytearray")] = _bytearray
    _ALLOWED[(_module, "set")] = _collection(set)
    _ALLOWED[(_module, "frozenset")] = _collection(frozenset)


def _show(args):
    return "(" + ", ".join(f"{type(a).__name__}" for a in args) + ")"


class SafeUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        try:
            return _ALLOWED[(module, name)]
        except (KeyError, TypeError):
            raise Refused(f"global {module}.{name} refused: a data decoder must not import") from None

    def persistent_load(self, pid):
        raise Refused(f"persistent id {pid!r:.60} refused: no persistent objects")


def loads(data):
    """`pickle.loads` with the allowlist; CPython's defaults otherwise
    (fix_imports, encoding="ASCII" for Python 2 str, trailing bytes ignored)."""
    return SafeUnpickler(io.BytesIO(data)).load()
