"""Times three pickle scanners on the same files and lists what each misses.

Run through crates/bench/benches/pickle_scan_compare.sh. crossfmt runs as one process
over a directory (its start-up included); picklescan and fickling run
in-process through their Python APIs (no interpreter start-up per file), so
the comparison favours the Python tools slightly. Best of --repeat runs.

A tool "detects" a malicious file when it calls it dangerous (crossfmt),
infected (picklescan) or at least LIKELY_UNSAFE (fickling's scale: SUSPICIOUS
< LIKELY_UNSAFE < LIKELY_OVERTLY_MALICIOUS < OVERTLY_MALICIOUS), and a
resource hazard when it calls it anything but safe; a benign file is a false
alarm when the tool calls it anything but safe. Rates are per bypass family
(the corpus manifest's last column). summary.json in --out carries the
throughput and family tables for `crossfmt report`.
"""

import argparse
import importlib.metadata
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


def written_once(out, name, n, value_of):
    """out/name holding n pickles, value_of(i) -> (value, protocol); kept
    between runs once complete."""
    d = os.path.join(out, name)
    if os.path.isdir(d) and len(os.listdir(d)) == n:
        return d
    os.makedirs(d, exist_ok=True)
    for i in range(n):
        value, protocol = value_of(i)
        with open(os.path.join(d, f"{name[0]}{i:03}.pkl"), "wb") as f:
            f.write(pickle.dumps(value, protocol=protocol))
    return d


def synthetic(out, n, seed=7):
    """n op-heavy benign pickles of a few hundred KB, protocols 0-5."""
    rng = random.Random(seed)
    return written_once(out, "op-heavy", n, lambda i: ({
        f"k{j}": [rng.random(), rng.randrange(1 << 40), "w" * rng.randrange(20), b"\x00" * rng.randrange(20),
                  (j, str(j)), {j, j + 1}]
        for j in range(3000)
    }, i % 6))


def payload_heavy(out, n, seed=11):
    """n benign pickles of a few big byte and text strings (16 MiB each):
    what a scanner must skip rather than read op by op."""
    rng = random.Random(seed)
    return written_once(out, "payload-heavy", n,
                        lambda i: ([rng.randbytes(4 << 20) for _ in range(3)] + ["t" * (4 << 20)], 2 + i % 4))


def manifest():
    """(path, verdict, global, preset, family) for every corpus file."""
    rows = []
    with open(os.path.join(CORPUS, "MANIFEST.tsv")) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            file, verdict, glob, preset, fam = line.rstrip("\n").split("\t")
            rows.append((os.path.realpath(os.path.join(CORPUS, file)), verdict, glob, preset, fam))
    return rows


def files(d):
    out = []
    for root, _, names in os.walk(d):
        out += [os.path.join(root, n) for n in names]
    return sorted(out)


def run_crossfmt(exe, paths, presets=None):
    """One process per preset (the corpus's checkpoints are scanned with
    --preset ml, as a user scanning checkpoints would)."""
    groups = {}
    for p in paths:
        groups.setdefault((presets or {}).get(os.path.realpath(p), "default"), []).append(p)
    out = {}
    for preset, ps in groups.items():
        p = subprocess.run([exe, "pickle", "scan", "--preset", preset, "--format", "json", *ps],
                           capture_output=True, check=False)
        if p.returncode not in (0, 1):
            sys.exit(f"crossfmt failed: {p.stderr.decode()}")
        out.update({os.path.realpath(r["path"]): r["verdict"] for r in json.loads(p.stdout)["files"]})
    return out


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
    ap.add_argument("--payload", type=int, default=6)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rows_m = manifest()
    presets = {p: preset for p, _, _, preset, _ in rows_m}
    sets = {"corpus": [p for p, *_ in rows_m],
            "op-heavy": files(synthetic(a.out, a.synthetic)),
            "payload-heavy": files(payload_heavy(a.out, a.payload))}
    tools = {
        "crossfmt": lambda ps: run_crossfmt(a.crossfmt, ps, presets),
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
    base = {s: secs for s, _, _, tool, secs in rows if tool == "picklescan"}
    throughput = [
        {"set": s, "files": n, "MB": round(mb, 2), "tool": tool, "seconds": round(secs, 3),
         "MB/s": round(mb / secs, 1), "vs picklescan": f"{base[s] / secs:.1f}x"}
        for s, n, mb, tool, secs in rows
    ]
    print("| set | files | MB | tool | seconds | MB/s | vs picklescan |")
    print("|---|---|---|---|---|---|---|")
    for t in throughput:
        print("| " + " | ".join(str(v) for v in t.values()) + " |")
    corpus = verdicts["corpus"]
    print("\n| malicious file | family | " + " | ".join(tools) + " |")
    print("|---|---|" + "---|" * len(tools))
    fams = {}
    for p, verdict, _, _, fam in rows_m:
        if fam == "-":
            continue
        entry = fams.setdefault(fam, {t: 0 for t in tools} | {"files": 0})
        entry["files"] += 1
        cells = []
        for t in tools:
            v = corpus[t].get(p, "missing")
            # A hazard is found when it is not called safe; a payload when dangerous.
            hit = (v != "safe" and not v.startswith("error")) if verdict == "suspicious" else detected(v)
            entry[t] += hit
            cells.append(v)
        print(f"| {os.path.basename(p)} | {fam} | " + " | ".join(cells) + " |")
    families = [{"family": f, "files": e["files"], **{t: f"{e[t]}/{e['files']}" for t in tools}}
                for f, e in sorted(fams.items())]
    benign = [p for p, verdict, *_ in rows_m if verdict == "safe"]
    fp = {t: sum(1 for p in benign if corpus[t].get(p, "safe") != "safe")
          + sum(1 for s in ("op-heavy", "payload-heavy") for p in sets[s]
                if verdicts[s][t].get(os.path.realpath(p), "safe") != "safe")
          for t in tools}
    n_benign = len(benign) + len(sets["op-heavy"]) + len(sets["payload-heavy"])
    families.append({"family": "benign: false alarms", "files": n_benign, **{t: f"{fp[t]}/{n_benign}" for t in tools}})
    print("\n| family | files | " + " | ".join(tools) + " |")
    print("|---|---|" + "---|" * len(tools))
    for f in families:
        print("| " + " | ".join(str(v) for v in f.values()) + " |")
    with open(os.path.join(a.out, "verdicts.json"), "w") as f:
        json.dump(verdicts, f, indent=1)
    versions = {"picklescan": importlib.metadata.version("picklescan"),
                "fickling": importlib.metadata.version("fickling")}
    with open(os.path.join(a.out, "summary.json"), "w") as f:
        json.dump({"versions": versions, "throughput": throughput, "families": families}, f, indent=1)


if __name__ == "__main__":
    main()
