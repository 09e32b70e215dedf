#!/usr/bin/env bash
# msgpack-python reading timestamps as datetimes, in the reference venv
# (which pins msgpack): see helper_msgpack_datetime.py.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
source "$here/../../../../conformance/testees/python/venv.sh"
exec "$venv/bin/python" "$here/helper_msgpack_datetime.py" "$@"
