#!/usr/bin/env python3
"""CPython's precompiled struct.Struct on the records of crates/bench/benches/pystruct.rs.

    python3 crates/bench/benches/pystruct_cpython.py [--spec crates/bench/benches/pystruct_spec.json]

Reads the same spec (seed, record count, layouts) as the Rust bench and builds
the same records: `records * calcsize` bytes from splitmix64(seed), unpacked.
Prints, per layout, pack and unpack throughput in records/s and bytes/s (best
of five runs), in the same units as the criterion bench.
"""

import argparse
import json
import os
import struct
import time

MASK = (1 << 64) - 1


def splitmix64_bytes(seed, n):
    out = bytearray()
    s = seed
    while len(out) < n:
        s = (s + 0x9E3779B97F4A7C15) & MASK
        z = s
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        z ^= z >> 31
        out += z.to_bytes(8, "little")
    return bytes(out[:n])


def best(f, runs=5):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--spec", default=os.path.join(here, "pystruct_spec.json"))
    spec = json.load(open(ap.parse_args().spec))
    n = spec["records"]
    print(f"CPython struct.Struct, {n} records per layout (best of 5)")
    print(f"{'layout':<12} {'size':>5} {'pack rec/s':>12} {'pack MB/s':>10} {'unpack rec/s':>13} {'unpack MB/s':>12}")
    for fmt in spec["layouts"]:
        s = struct.Struct(fmt)
        data = splitmix64_bytes(spec["seed"], n * s.size)
        records = list(s.iter_unpack(data))
        pack = s.pack

        def do_pack():
            for r in records:
                pack(*r)

        def do_unpack():
            for _ in s.iter_unpack(data):
                pass

        tp, tu = best(do_pack), best(do_unpack)
        mb = n * s.size / 1e6
        print(f"{fmt:<12} {s.size:>5} {n / tp:>12.3e} {mb / tp:>10.1f} {n / tu:>13.3e} {mb / tu:>12.1f}")


if __name__ == "__main__":
    main()
