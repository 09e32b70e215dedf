#!/usr/bin/env bash
# Rewrites every suite in conformance/suites/ from its generator. Each
# generator validates its own output against the case schema and fails loudly
# on a disagreement. Deterministic: a rerun changes nothing unless a
# generator, the schema or a pinned version changed. CI never runs this; the
# suites are committed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$here"
# Set iteration order (and so a pickled set's bytes) must not depend on
# per-process hash randomisation.
export PYTHONDONTWRITEBYTECODE=1 PYTHONHASHSEED=0

# Python standard library only.
PY=${PYTHON:-python3}
$PY import_msgpack_test_suite.py
$PY import_cbor_appendix_a.py
$PY negative_msgpack.py
$PY negative_cbor.py
$PY json_suite.py

$PY struct_cpython.py

# The reference environment: CPython and the pinned packages of
# conformance/testees/python/requirements.txt, in the venv `setup` maintains.
"$repo/conformance/testees/python/setup"
ref="$(source "$repo/conformance/testees/python/venv.sh" && echo "$venv/bin/python")"
"$ref" pickle_cpython.py
"$ref" protobuf_python.py
"$ref" protobuf_google.py
"$ref" streams_python.py
