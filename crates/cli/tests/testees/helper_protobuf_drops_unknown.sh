#!/usr/bin/env bash
# The reference testee with a planted protobuf bug, in the reference venv
# (which pins protobuf): see helper_protobuf_drops_unknown.py.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
source "$here/../../../../conformance/testees/python/venv.sh"
exec "$venv/bin/python" "$here/helper_protobuf_drops_unknown.py" "$@"
