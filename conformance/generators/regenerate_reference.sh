#!/usr/bin/env bash
# Regenerates the suites written with the reference environment (CPython and
# the pinned packages of conformance/testees/python/requirements.txt), in the
# venv that `setup` maintains. Deterministic: a rerun changes nothing unless a
# generator, the schema or a pinned version changed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
"$repo/conformance/testees/python/setup"
py="$repo/target/pyref/bin/python"
# Set iteration order (and so a pickled set's bytes) must not depend on
# per-process hash randomisation.
export PYTHONHASHSEED=0
"$py" "$here/pickle_cpython.py"
"$py" "$here/protobuf_python.py"
