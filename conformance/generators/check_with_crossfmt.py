#!/usr/bin/env python3
"""Runs the suites' cases through crossfmt's built-in codecs via `crossfmt convert`.

    python3 conformance/generators/check_with_crossfmt.py [SUITE.json ...]

Not the conformance runner (that is Rust, `crossfmt conformance`): a quick
cross-check that a generator's expectations are not mistakes. A disagreement
is either a generator bug or a real finding in a codec; check the spec
before changing anything. Expected values are compared after a round trip
through the codec (`diag -> codec -> diag`), which applies the codec's
declared normalisation (ciborium widens f16/f32 to f64, serde_json has one
float type); a value the codec cannot encode is counted as skipped.
"""

import glob
import json
import os
import subprocess
import sys
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("CROSSFMT", os.path.join(ROOT, "target", "release", "crossfmt"))
CODECS = {"msgpack": ["msgpack/rmp-serde", "msgpack/rmpv"], "cbor": ["cbor/ciborium"], "json": ["json/serde_json"]}


def convert(src, dst, data):
    """(ok, output text) of `crossfmt convert`, bytes as hex both ways."""
    try:
        p = subprocess.run(
            [BIN, "convert", "--from", src, "--to", dst, "--hex"], input=data, capture_output=True, text=True, timeout=20
        )
    except subprocess.TimeoutExpired:
        return False, "timeout"
    return p.returncode == 0, (p.stdout if p.returncode == 0 else p.stderr).strip()


def normalised(codec, value):
    ok, hexed = convert("diag", codec, value)
    return convert(codec, "diag", hexed)[1] if ok else None


def verdict(codec, case):
    if case["op"] == "encode":
        ok, out = convert("diag", codec, case["value"])
        if not ok:
            return "skipped" if "cannot represent" in out else f"encode failed: {out}"
        return "pass" if out in case["encodings"] else f"encoded {out}"
    ok, out = convert(codec, "diag", case["input"])
    expect = case["expect"]
    if expect == "reject":
        return "pass" if not ok else f"accepted as {out[:80]}"
    if not ok:
        return "pass" if expect == "implementation-defined" else f"rejected: {out[:160]}"
    if "value" not in case:
        return "pass"
    want = normalised(codec, case["value"])
    if want is None:
        return "skipped"
    return "pass" if out == want else f"gave {out[:80]}, expected {want[:80]}"


def main(paths):
    status = 0
    for path in paths or sorted(glob.glob(os.path.join(ROOT, "conformance", "suites", "*.json"))):
        with open(path, encoding="utf-8") as f:
            suite = json.load(f)
        tally = Counter()
        for case in suite["cases"]:
            for codec in CODECS.get(case["format"], []):
                v = verdict(codec, case)
                tally[(codec, v if v in ("pass", "skipped") else "disagrees")] += 1
                if v not in ("pass", "skipped"):
                    status = 1
                    print(f"{codec} {case['level']} {case['id']}: {v}", flush=True)
        for (codec, outcome), n in sorted(tally.items()):
            print(f"{os.path.basename(path)} {codec}: {n} {outcome}", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
