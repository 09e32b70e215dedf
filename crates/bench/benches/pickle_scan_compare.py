"""Times three pickle scanners on the same files and lists what each misses.

Run through crates/bench/benches/pickle_scan_compare.sh. crossfmt runs as one process
over a directory (its start-up included); picklescan and fickling run
in-process through their Python APIs (no interpreter start-up per file), so
the comparison favours the Python tools slightly. Best of --repeat runs.

A tool "detects" a malicious file when it calls it dangerous (crossfmt),
infected (picklescan) or at least LIKELY_UNSAFE (fickling's scale: SUSPICIOUS
< LIKELY_UNSAFE < LIKELY_OVERTLY_MALICIOUS < OVERTLY_MALICIOUS); a benign
file is a false alarm when the tool calls it anything but safe.
"""

import argparse
import json
import os
import pickle
import random
import subprocess
import sys
import time

import fickling
from picklescan.scanner import scan_file_path

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "..", "..", "..", "corpus", "pickles")


def synthetic(out, n, seed=7):
    """n benign pickles of a few hundred KB, protocols 0-5, written once."""
    d = os.path.join(out, "synthetic")
    if os.path.isdir(d) and len(os.listdir(d)) == n:
        return d
    os.makedirs(d, exist_ok=True)
    rng = random.Random(seed)
    for i in range(n):
        value = {
            f"k{j}": [rng.random(), rng.randrange(1 << 40), "w" * rng.randrange(20), b"\x00" * rng.randrange(20),
                      (j, str(j)), {j, j + 1}]
            for j in range(3000)
        }
        with open(os.path.join(d, f"s{i:03}.pkl"), "wb") as f:
            f.write(pickle.dumps(value, protocol=i % 6))
    return d


def files(d):
    out = []
    for root, _, names in os.walk(d):
        out += [os.path.join(root, n) for n in names]
    return sorted(out)


def run_crossfmt(exe, paths):
    p = subprocess.run([exe, "pickle", "scan", "--format", "json", *paths], capture_output=True, check=False)
    if p.returncode not in (0, 1):
        sys.exit(f"crossfmt failed: {p.stderr.decode()}")
    return {os.path.realpath(r["path"]): r["verdict"] for r in json.loads(p.stdout)["files"]}


def run_picklescan(paths):
    out = {}
    for p in paths:
        try:
            r = scan_file_path(p)
            out[os.path.realpath(p)] = (
                "dangerous" if r.infected_files else "error" if r.scan_err else
                "suspicious" if r.suspicious_count else "safe")
        except Exception as e:  # noqa: BLE001 - a crash is a result here
            out[os.path.realpath(p)] = f"error ({type(e).__name__})"
    return out


def run_fickling(paths):
    out = {}
    for p in paths:
        try:
            r = fickling.scan_file(p, graceful=True)
            out[os.path.realpath(p)] = (
                "error" if r.errors and r.is_safe else "safe" if r.is_safe else r.severity.name)
        except Exception as e:  # noqa: BLE001
            out[os.path.realpath(p)] = f"error ({type(e).__name__})"
    return out


def detected(verdict):
    return verdict == "dangerous" or "MALICIOUS" in verdict or verdict == "LIKELY_UNSAFE"


def timed(f, repeat):
    best, result = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        result = f()
        best = min(best, time.perf_counter() - t)
    return best, result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--crossfmt", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--synthetic", type=int, default=30)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    sets = {"corpus": files(CORPUS + "/malicious") + files(CORPUS + "/benign"),
            "synthetic": files(synthetic(a.out, a.synthetic))}
    tools = {
        "crossfmt": lambda ps: run_crossfmt(a.crossfmt, ps),
        "picklescan": run_picklescan,
        "fickling": run_fickling,
    }
    rows, verdicts = [], {}
    for set_name, paths in sets.items():
        mb = sum(os.path.getsize(p) for p in paths) / 1e6
        for tool, f in tools.items():
            secs, v = timed(lambda: f(paths), a.repeat)
            verdicts.setdefault(set_name, {})[tool] = v
            rows.append((set_name, len(paths), mb, tool, secs))
    print("| set | files | MB | tool | seconds | MB/s | files/s |")
    print("|---|---|---|---|---|---|---|")
    for s, n, mb, tool, secs in rows:
        print(f"| {s} | {n} | {mb:.2f} | {tool} | {secs:.3f} | {mb / secs:.1f} | {n / secs:.0f} |")
    corpus = verdicts["corpus"]
    print("\n| malicious file | " + " | ".join(tools) + " |")
    print("|---|" + "---|" * len(tools))
    misses = {t: 0 for t in tools}
    for p in files(CORPUS + "/malicious"):
        rp = os.path.realpath(p)
        cells = []
        for t in tools:
            v = corpus[t].get(rp, "missing")
            if not detected(v):
                misses[t] += 1
            cells.append(v)
        print(f"| {os.path.basename(p)} | " + " | ".join(cells) + " |")
    print("\nmalicious files missed (not dangerous / infected / >= LIKELY_UNSAFE): " + ", ".join(f"{t} {n}" for t, n in misses.items()))
    fp = {t: sum(1 for p in files(CORPUS + "/benign") + sets["synthetic"]
                 if verdicts["corpus" if "corpus/" in p else "synthetic"][t].get(os.path.realpath(p), "safe") != "safe")
          for t in tools}
    print("benign files (corpus + synthetic) not called safe: " + ", ".join(f"{t} {n}" for t, n in fp.items()))
    with open(os.path.join(a.out, "verdicts.json"), "w") as f:
        json.dump(verdicts, f, indent=1)


if __name__ == "__main__":
    main()
