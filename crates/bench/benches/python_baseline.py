"""The Python baseline: the benchmark datasets encoded and decoded by CPython's
pickle, msgpack-python and protobuf (upb), what a Python user has today.

Reads the datasets the Rust bench wrote (target/crossfmt-bench/datasets/: a
MessagePack array of each dataset's messages, prost's encoding of its typed
message, and the schema's descriptor set), asserts every round trip before
timing, and writes target/crossfmt-bench/python.json for `crossfmt report`.
Run it through `crates/bench/benches/python_baseline` (the reference venv).

Timing: one sample is a loop of `number` passes over the dataset (calibrated
to about 20 ms, 5 ms in quick mode); the median of the per-pass times is the
figure, the interquartile range of the samples its spread.
"""

import hashlib
import json
import os
import pickle
import statistics
import sys
import time

import msgpack
from google.protobuf import __version__ as protobuf_version
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.internal import api_implementation

BENCH_DIR = os.path.join("target", "crossfmt-bench")
DATA_DIR = os.path.join(BENCH_DIR, "datasets")
# The typed message of each dataset with one (the small set has none).
MESSAGES = {
    "logs": "crossfmt.bench.Logs",
    "mesh": "crossfmt.bench.Mesh",
    "savegame": "crossfmt.bench.SaveGame",
    "numbers": "crossfmt.bench.Numbers",
}
QUICK = os.environ.get("CROSSFMT_BENCH_QUICK", "0") not in ("", "0")
SAMPLE_SECONDS = 0.005 if QUICK else 0.02
SAMPLES = 7 if QUICK else 25


def fail(msg):
    print(f"python baseline: {msg}", file=sys.stderr)
    sys.exit(2)


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        fail(f"{path}: {e} (run `cargo bench --bench datasets` first)")


def message_classes():
    fds = descriptor_pb2.FileDescriptorSet.FromString(read(os.path.join(DATA_DIR, "datasets.binpb")))
    pool = descriptor_pool.DescriptorPool()
    for file in fds.file:
        pool.Add(file)
    return {name: message_factory.GetMessageClass(pool.FindMessageTypeByName(full)) for name, full in MESSAGES.items()}


def timing(fn):
    """Median and interquartile range of one call of `fn`, in nanoseconds."""
    fn()
    number = 1
    while True:
        t0 = time.perf_counter_ns()
        for _ in range(number):
            fn()
        elapsed = time.perf_counter_ns() - t0
        if elapsed >= SAMPLE_SECONDS * 1e9 or number >= 1 << 20:
            break
        number *= 2
    per_pass = []
    for _ in range(SAMPLES):
        t0 = time.perf_counter_ns()
        for _ in range(number):
            fn()
        per_pass.append((time.perf_counter_ns() - t0) / number)
    q1, q2, q3 = statistics.quantiles(per_pass, n=4)
    return {"median_ns": statistics.median(per_pass), "low_ns": q1, "high_ns": q3}


def libraries():
    """(name, encode one message, decode one encoding) for the dynamic libraries."""
    return [
        ("pickle", lambda m: pickle.dumps(m, protocol=pickle.HIGHEST_PROTOCOL), pickle.loads),
        ("msgpack", lambda m: msgpack.packb(m, use_bin_type=True),
         lambda b: msgpack.unpackb(b, raw=False, strict_map_key=False)),
    ]


def row(dataset, sha256, library, messages, encode, decode):
    encoded = [encode(m) for m in messages]
    error = None
    for i, (m, b) in enumerate(zip(messages, encoded)):
        if decode(b) != m:
            error = f"message {i} changed in the round trip"
            break
    out = {"dataset": dataset, "sha256": sha256, "library": library,
           "size": sum(len(b) for b in encoded), "roundtrip_error": error}
    if error is not None:
        out["encode"] = out["decode"] = {"median_ns": 0.0, "low_ns": 0.0, "high_ns": 0.0}
        return out

    def encode_pass():
        for m in messages:
            encode(m)

    def decode_pass():
        for b in encoded:
            decode(b)

    out["encode"] = timing(encode_pass)
    out["decode"] = timing(decode_pass)
    return out


def main():
    sizes_path = os.path.join(BENCH_DIR, "sizes.json")
    try:
        with open(sizes_path) as f:
            datasets = [d["name"] for d in json.load(f)["datasets"]]
    except (OSError, ValueError, KeyError) as e:
        fail(f"{sizes_path}: {e} (run `cargo bench --bench datasets` first)")
    classes = message_classes()
    rows = []
    for name in datasets:
        raw = read(os.path.join(DATA_DIR, f"{name}.msgpack"))
        sha256 = hashlib.sha256(raw).hexdigest()
        messages = msgpack.unpackb(raw, raw=False, strict_map_key=False)
        for library, encode, decode in libraries():
            rows.append(row(name, sha256, library, messages, encode, decode))
            print(f"{name} {library}: {rows[-1]['encode']['median_ns'] / 1e3:.1f} µs encode", file=sys.stderr)
        if name in classes:
            cls = classes[name]
            message = cls.FromString(read(os.path.join(DATA_DIR, f"{name}.pb")))
            rows.append(row(name, sha256, "protobuf", [message], lambda m: m.SerializeToString(), cls.FromString))
            print(f"{name} protobuf: {rows[-1]['encode']['median_ns'] / 1e3:.1f} µs encode", file=sys.stderr)
    out = {
        "python": sys.version.split()[0],
        "libraries": {
            "msgpack": ".".join(map(str, msgpack.version)),
            "protobuf": f"{protobuf_version} ({api_implementation.Type()})",
            "pickle": f"protocol {pickle.HIGHEST_PROTOCOL}",
        },
        "rows": rows,
    }
    tmp = os.path.join(BENCH_DIR, "python.json.partial")
    with open(tmp, "w") as f:
        json.dump(out, f, indent=1)
    os.replace(tmp, os.path.join(BENCH_DIR, "python.json"))


if __name__ == "__main__":
    main()
