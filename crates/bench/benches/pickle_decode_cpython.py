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
--repeats timed passes, each pass the set decoded --inner times. Then, beside
the bench's own estimates for the same sets (criterion's medians, from the
run that wrote the records), writes target/crossfmt-bench/pickle_decode/summary.json,
the table `crossfmt report` shows: time per pass of each implementation and
pickle/crossfmt's time over CPython's.
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
CRITERION = ROOT / "target" / "criterion" / "pickle decode"
RUST = [("pickle/crossfmt", "pickle_crossfmt"), ("pickle/serde-pickle", "pickle_serde-pickle")]


def criterion_ms(impl_dir, name):
    """criterion's median for one row, in ms; None when it has not run."""
    path = CRITERION / impl_dir / name / "new" / "estimates.json"
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)["median"]["point_estimate"] / 1e6
    except (OSError, KeyError, ValueError):
        return None


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

    version = sys.version.split()[0]
    print(f"CPython {version} pickle.loads (C _pickle: {pickle.loads.__module__})")
    print(f"{'input set':<12} {'pickles':>8} {'bytes':>10} {'MB/s':>10} {'pickles/s':>12} {'inner':>6}")
    rows = []
    for name, pickles in sets:
        total = sum(len(p) for p in pickles)
        t, inner = time_set(pickles, args.repeats, args.min_pass)
        print(
            f"{name:<12} {len(pickles):>8} {total:>10} {total / t / 1e6:>10.1f} "
            f"{len(pickles) / t:>12.0f} {inner:>6}"
        )
        row = {"set": name, "pickles": len(pickles), "bytes": total}
        for label, impl_dir in RUST:
            ms = criterion_ms(impl_dir, name)
            row[f"{label} ms"] = None if ms is None else round(ms, 4)
        row["CPython pickle.loads ms"] = round(t * 1e3, 4)
        ours = row["pickle/crossfmt ms"]
        row["pickle/crossfmt / CPython"] = None if ours is None else round(ours / (t * 1e3), 2)
        rows.append(row)
    out = RECORDS_DIR / "summary.json"
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"python": f"CPython {version}", "rows": rows}, f, indent=1)
        f.write("\n")
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
