"""The suite file every generator writes (conformance/README.md "Case schema").

A generator builds a `Suite`, adds cases with `decode`/`encode`, and calls
`write`, which checks the schema rules before anything reaches the disk: a
suite that breaks them is a generator bug, so it fails loudly instead.
Also the byte-level helpers the negative suites share (truncations, trailing
bytes), so that each format's generator only says what its format means.
"""

import json
import os
import platform
import re
import sys

from diag import diag

HERE = os.path.dirname(os.path.abspath(__file__))
SUITES = os.path.join(os.path.dirname(HERE), "suites")
VECTORS = os.path.join(os.path.dirname(HERE), "vectors")

ID_CHARS = re.compile(r"[A-Za-z0-9._/+_-]+")
HEX = re.compile(r"(?:[0-9a-f]{2})*")
FORMATS = {"msgpack", "cbor", "json", "pickle", "protobuf", "struct"}
LEVELS = {"required", "recommended"}
DECODE_EXPECT = {"accept", "reject", "implementation-defined"}

# Byte sequences that are not UTF-8 (RFC 3629 §3, §4), each a text payload of its own.
INVALID_UTF8 = (
    ("invalid-continuation", "c328"),
    ("overlong-nul", "c080"),
    ("overlong-slash", "e080af"),
    ("surrogate-d800", "eda080"),
    ("surrogate-pair-encoded-separately", "eda0bdedb8bf"),
    ("beyond-10ffff", "f4908080"),
    ("truncated-sequence", "e282"),
    ("byte-ff", "ff"),
    ("lone-continuation", "80"),
)


class SchemaError(Exception):
    pass


def id_part(text):
    """A piece of a case id from free text: characters outside the id charset become '-'."""
    return re.sub(r"[^A-Za-z0-9._+-]+", "-", str(text)).strip("-") or "empty"


def hex_or_empty(b):
    """Bytes as an id part (the empty input has no hex digits)."""
    return b.hex() or "empty"


class Suite:
    def __init__(self, name, description, source, generator, fmt, reader=None):
        """`reader`: (read, errors), the generator's own reader for `checked_decode`."""
        self.name, self.fmt, self.reader = name, fmt, reader
        self.header = {
            "suite": name,
            "description": description,
            "source": source,
            "generator": "conformance/generators/" + os.path.basename(generator),
            "generated_with": {"python": platform.python_version()},
        }
        self.cases = []
        self.inputs = {}  # hex -> id of the decode case that has it

    def _add(self, case):
        self.cases.append({k: v for k, v in case.items() if v is not None})

    def decode(self, cid, data, expect, source, level="required", value=None, note=None):
        self.inputs.setdefault(bytes(data).hex(), cid)
        self._add(
            {
                "id": f"{self.name}/{cid}",
                "format": self.fmt,
                "source": source,
                "level": level,
                "op": "decode",
                "input": bytes(data).hex(),
                "expect": expect,
                "value": value,
                "note": note,
            }
        )

    def checked_decode(self, cid, data, expect, source, level="required", value=None, note=None):
        """A decode case whose expectation the generator's own reader agrees with."""
        read, errors = self.reader
        try:
            got = diag(read(data))
        except errors as e:
            if expect == "accept" or value is not None:
                raise AssertionError(f"{cid}: the reader rejects {data.hex()}: {e}") from None
        else:
            if expect == "reject":
                raise AssertionError(f"{cid}: the reader accepts {data.hex()} as {got}")
            if value is not None and got != value:
                raise AssertionError(f"{cid}: the reader gives {got}, the case says {value}")
        self.decode(cid, data, expect, source, level=level, value=value, note=note)

    def has_input(self, data):
        return bytes(data).hex() in self.inputs

    def encode(self, cid, value, encodings, source, canonical=None, note=None, also_canonical=()):
        """A required case (any of `encodings`), plus `<cid>/canonical`
        (recommended, only the canonical one) when there is a choice to make.
        `also_canonical`: encodings the format's rule ranks equal to `canonical`
        (a tie in length), acceptable in the `/canonical` case too."""
        encodings = [bytes(e).hex() for e in encodings]
        canonical = bytes(canonical).hex() if canonical is not None else None
        best = [canonical] + [bytes(e).hex() for e in also_canonical if bytes(e).hex() != canonical]
        case = {
            "id": f"{self.name}/{cid}",
            "format": self.fmt,
            "source": source,
            "level": "required",
            "op": "encode",
            "value": value,
            "encodings": encodings,
            "canonical": canonical,
            "note": note,
        }
        self._add(case)
        if canonical is not None and len(encodings) > len(best):
            self._add(dict(case, id=case["id"] + "/canonical", level="recommended", encodings=best))

    def write(self, path=None):
        path = path or os.path.join(SUITES, self.name + ".json")
        suite = dict(self.header, cases=self.cases)
        validate(suite)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        # One case a line: diffs of a regenerated suite show the cases that changed.
        with open(path, "w", encoding="utf-8") as f:
            f.write("{\n")
            for k, v in self.header.items():
                f.write(f" {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)},\n")
            f.write(' "cases": [\n')
            f.write(",\n".join("  " + json.dumps(c, ensure_ascii=False) for c in self.cases))
            f.write("\n ]\n}\n")
        counts = {}
        for c in self.cases:
            key = c["op"] + "/" + c.get("expect", "accept")
            counts[key] = counts.get(key, 0) + 1
        summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
        print(f"{os.path.relpath(path)}: {len(self.cases)} cases ({summary})", file=sys.stderr)


def _need(case, field, where):
    if field not in case:
        raise SchemaError(f"{where}: missing field {field!r}")
    return case[field]


def _hex(text, where):
    if not isinstance(text, str) or not HEX.fullmatch(text):
        raise SchemaError(f"{where}: not lowercase hex without separators: {text!r:.60}")


def validate(suite):
    """The schema rules of conformance/README.md; SchemaError names the case."""
    for field in ("suite", "description", "source", "generator", "generated_with", "cases"):
        _need(suite, field, "suite header")
    seen = set()
    for i, case in enumerate(suite["cases"]):
        cid = _need(case, "id", f"case #{i}")
        where = f"case {cid}"
        if not ID_CHARS.fullmatch(cid) or not cid.startswith(suite["suite"] + "/"):
            raise SchemaError(f"{where}: id must start with {suite['suite']}/ and use only [A-Za-z0-9._/+_-]")
        if cid in seen:
            raise SchemaError(f"{where}: duplicate id")
        seen.add(cid)
        if _need(case, "format", where) not in FORMATS:
            raise SchemaError(f"{where}: unknown format {case['format']!r}")
        if _need(case, "level", where) not in LEVELS:
            raise SchemaError(f"{where}: unknown level {case['level']!r}")
        _need(case, "source", where)
        op = _need(case, "op", where)
        if op == "decode":
            _hex(_need(case, "input", where), where)
            expect = _need(case, "expect", where)
            if expect not in DECODE_EXPECT:
                raise SchemaError(f"{where}: unknown expect {expect!r}")
            if expect == "accept":
                _need(case, "value", where)
            if expect == "reject" and "value" in case:
                raise SchemaError(f"{where}: a rejected input has no value")
        elif op == "encode":
            _need(case, "value", where)
            if case.get("expect", "accept") == "reject":
                if "encodings" in case:
                    raise SchemaError(f"{where}: an encode case expecting rejection has no encodings")
                continue
            encodings = _need(case, "encodings", where)
            if not encodings:
                raise SchemaError(f"{where}: no acceptable encoding")
            for e in encodings:
                _hex(e, where)
            if len(set(encodings)) != len(encodings):
                raise SchemaError(f"{where}: an encoding is listed twice")
            if "canonical" in case and case["canonical"] not in encodings:
                raise SchemaError(f"{where}: canonical is not one of the encodings")
        else:
            raise SchemaError(f"{where}: unknown op {op!r}")


def proper_prefixes(data):
    """(length, prefix) for every proper prefix of `data`, the empty one included."""
    return [(n, data[:n]) for n in range(len(data))]


def add_truncations(suite, vectors, read, incomplete, source):
    """Every proper prefix of every valid vector, once each: reject (required).

    `read` is the generator's own reader; each prefix must make it raise
    `incomplete` -- the format being prefix-free is what makes a truncation
    a reject and not merely 'some other value', so it is checked, not assumed.
    """
    for vector in vectors:
        for n, prefix in proper_prefixes(vector):
            if suite.has_input(prefix):
                continue
            try:
                read(prefix)
            except incomplete:
                pass
            else:
                raise AssertionError(f"prefix {prefix.hex()!r} of {vector.hex()} reads as a complete value")
            suite.decode(
                f"truncated/{hex_or_empty(prefix)}",
                prefix,
                "reject",
                source,
                note=f"the first {n} of the {len(vector)} bytes of {vector.hex()}: an incomplete item",
            )


def add_trailing(suite, vectors, byte, source, note):
    """Each valid vector followed by one more byte: reject (recommended)."""
    for vector in vectors:
        data = vector + bytes([byte])
        if not suite.has_input(data):
            suite.decode(f"trailing/{data.hex()}", data, "reject", source, level="recommended", note=note)


def load_vectors(name):
    with open(os.path.join(VECTORS, name), encoding="utf-8") as f:
        return json.load(f)
