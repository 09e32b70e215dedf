#!/usr/bin/env python3
"""Records every global CPython's unpickler asks for, for every corpus pickle.

Writes find_class.tsv: file, the pickle's place in the file (`#0`, `#1`... for
concatenated pickles, the zip member name for archives, `>` per level of a
nested `pickle.loads`), and `module.name`. tests/pickle_scan.rs checks that
the scanner reports every one of them.

Nothing is imported and nothing real runs: `find_class` records the pair and
returns a fresh stub class; calling, constructing or setting state on a stub
gives another stub. Three names are emulated rather than stubbed, because
they are pure data transforms and a scanner must see through them:
`pickle.loads`/`_pickle.loads` (the argument is unpickled by this same
recording unpickler, one level deeper), and `base64.b64decode` /
`zlib.decompress` (computed with the real functions on the bytes argument,
which this script imports itself; the pickle never names a module that gets
imported because of it).
"""

import base64
import io
import os
import pickle
import zipfile
import sys
import zlib

sys.dont_write_bytecode = True  # importing generate.py must leave nothing behind
from generate import write_tsv  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
MAX_NESTING = 8


class Stub:
    def __new__(cls, *args, **kwargs):
        return object.__new__(cls)

    def __init__(self, *args, **kwargs):
        pass

    def __call__(self, *args, **kwargs):
        return Stub()

    def __setstate__(self, state):
        pass

    def __getattr__(self, name):
        return Stub()

    def __setitem__(self, key, value):
        pass


class Recorder:
    def __init__(self):
        self.rows = []

    def unpickle_all(self, data, place, depth):
        """Every pickle in `data`, one after another, like the scanner does."""
        f = io.BytesIO(data)
        index = 0
        while f.tell() < len(data) and index < 64:
            start = f.tell()
            self.unpickle(f, f"{place}#{index}", depth)
            if f.tell() == start:
                break
            index += 1

    def unpickle(self, f, place, depth):
        recorder = self

        class Recording(pickle.Unpickler):
            def find_class(self, module, name):
                recorder.rows.append((place, f"{module}.{name}"))
                return recorder.stand_in(module, name, place, depth)

            def persistent_load(self, pid):
                return Stub()

        try:
            Recording(f).load()
        except Exception:
            # The rest of the file is not a pickle CPython would read; a
            # truncated stream has already recorded what it asked for.
            f.seek(0, io.SEEK_END)

    def stand_in(self, module, name, place, depth):
        full = f"{module}.{name}"
        if full in ("pickle.loads", "_pickle.loads") and depth < MAX_NESTING:

            def loads(data, *a, **k):
                if isinstance(data, (bytes, bytearray)):
                    self.unpickle_all(bytes(data), place + ">", depth + 1)
                return Stub()

            return loads
        if full == "base64.b64decode":
            return lambda s, *a, **k: base64.b64decode(s) if isinstance(s, (str, bytes)) else Stub()
        if full == "zlib.decompress":
            return lambda b, *a, **k: zlib.decompress(b) if isinstance(b, bytes) else Stub()
        return type(name.replace(".", "_"), (Stub,), {})


def pickles_in(path):
    """(place, bytes) for a raw file, or for each .pkl member of a zip."""
    with open(path, "rb") as f:
        data = f.read()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            out = []
            for info in z.infolist():
                if info.filename.endswith(".pkl"):
                    try:
                        out.append((info.filename, z.read(info)))
                    except Exception:
                        # A bad CRC: read the member's bytes past the check.
                        with z.open(info) as m:
                            m._expected_crc = None
                            out.append((info.filename, m.read()))
            return out
    except zipfile.BadZipFile:
        return [("", data)]


def main():
    rows = []
    for line in open(os.path.join(HERE, "MANIFEST.tsv")):
        if line.startswith("#"):
            continue
        file = line.split("\t")[0]
        for member, data in pickles_in(os.path.join(HERE, file)):
            rec = Recorder()
            rec.unpickle_all(data, member, 0)
            seen = set()
            for place, glob in rec.rows:
                if (place, glob) not in seen:
                    seen.add((place, glob))
                    rows.append((file, place, glob))
    write_tsv("find_class.tsv", ("file", "place", "global"), rows, "find_class_oracle.py")
    print(f"{len(rows)} globals recorded")


if __name__ == "__main__":
    main()
