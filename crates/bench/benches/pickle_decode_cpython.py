#!/usr/bin/env python3
"""CPython's C `pickle.loads` on the inputs `cargo bench --bench pickle_decode` times.

Input sets, the same bytes as the Rust bench:
  suite       every decode/accept case of conformance/suites/pickle-cpython.json,
              one pass decoding each case once
  records-p4  target/crossfmt-bench/pickle_decode/records-p4.pkl
  records-p2  target/crossfmt-bench/pickle_decode/records-p2.pkl
(the records files are written by the Rust bench: run it first).

Every input here is benign (the suite's accepted cases and the bench's own
records), which is the only reason plain `pickle.loads` is used; never point
this script at other files.

Prints bytes, MB/s (10^6 bytes/s) and pickles/s per input set: the median of
--repeats timed passes, each pass the set decoded --inner times.
"""

import argparse
import json
import pathlib
import pickle
import statistics
import sys
import time

# This script sits in crates/bench/benches/ of the workspace.
ROOT = pathlib.Path(__file__).resolve().parents[3]
SUITE = ROOT / "conformance" / "suites" / "pickle-cpython.json"
RECORDS_DIR = ROOT / "target" / "crossfmt-bench" / "pickle_decode"
RECORDS = ["records-p4", "records-p2"]


def suite_inputs():
    with open(SUITE, encoding="utf-8") as f:
        cases = json.load(f)["cases"]
    return [
        bytes.fromhex(c["input"])
        for c in cases
        if c.get("op") == "decode" and c.get("expect") == "accept"
    ]


def time_set(pickles, repeats, min_pass_seconds):
    loads = pickle.loads
    for p in pickles:  # warm-up, and every input must load
        loads(p)
    # Inner loop count so that one sample lasts at least min_pass_seconds.
    inner = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(inner):
            for p in pickles:
                loads(p)
        if time.perf_counter() - t0 >= min_pass_seconds:
            break
        inner *= 2
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(inner):
            for p in pickles:
                loads(p)
        samples.append((time.perf_counter() - t0) / inner)
    return statistics.median(samples), inner


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=11, help="timed passes (median)")
    ap.add_argument("--min-pass", type=float, default=0.05, help="seconds per sample, at least")
    ap.add_argument("--quick", action="store_true", help="5 repeats of >=0.02 s")
    args = ap.parse_args()
    if args.quick:
        args.repeats, args.min_pass = 5, 0.02

    sets = [("suite", suite_inputs())]
    missing = [n for n in RECORDS if not (RECORDS_DIR / f"{n}.pkl").is_file()]
    if missing:
        sys.exit(
            f"pickle_decode_cpython: missing {', '.join(str(RECORDS_DIR / (n + '.pkl')) for n in missing)}; "
            "run `cargo bench --bench pickle_decode` first (it writes them)"
        )
    for n in RECORDS:
        sets.append((n, [(RECORDS_DIR / f"{n}.pkl").read_bytes()]))

    print(f"CPython {sys.version.split()[0]} pickle.loads (C _pickle: {pickle.loads.__module__})")
    print(f"{'input set':<12} {'pickles':>8} {'bytes':>10} {'MB/s':>10} {'pickles/s':>12} {'inner':>6}")
    for name, pickles in sets:
        total = sum(len(p) for p in pickles)
        t, inner = time_set(pickles, args.repeats, args.min_pass)
        print(
            f"{name:<12} {len(pickles):>8} {total:>10} {total / t / 1e6:>10.1f} "
            f"{len(pickles) / t:>12.0f} {inner:>6}"
        )


if __name__ == "__main__":
    main()
