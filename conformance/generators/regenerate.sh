#!/bin/sh
# Rewrites every suite in conformance/suites/ from its generator (Python 3 standard library only).
# Each generator validates its own output against the case schema and fails loudly on a disagreement.
set -eu
cd "$(dirname "$0")"
export PYTHONDONTWRITEBYTECODE=1 PYTHONHASHSEED=0
PY=${PYTHON:-python3}

$PY import_msgpack_test_suite.py
$PY import_cbor_appendix_a.py
$PY negative_msgpack.py
$PY negative_cbor.py
$PY json_suite.py

# --- other generators (pickle, protobuf, struct): add their lines below ---
$PY struct_cpython.py
