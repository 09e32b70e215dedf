#!/usr/bin/env bash
# Scan throughput and detection: `crossfmt pickle scan` against picklescan and
# fickling on the same files (corpus/pickles and a synthetic set of larger
# benign pickles). The Python scanners are pinned in
# pickle_scan_requirements.txt (beside this script) and installed into a venv under
# target/. Prints a Markdown table; details in target/pickle-scan-bench/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../../.."
venv=target/pickle-scan-venv
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet -r "$here/pickle_scan_requirements.txt"
cargo build --release --quiet
"$venv/bin/python" "$here/pickle_scan_compare.py" \
    --crossfmt target/release/crossfmt --out target/pickle-scan-bench "$@"
