#!/usr/bin/env python3
"""The reference testee with one bug planted in its schema-bound protobuf
codec: a decoded message loses its unknown fields (as a reader that keeps
only what its schema names would). Run by helper_protobuf_drops_unknown.sh,
in the reference venv."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../../../../conformance/testees/python"))
import protobuf_schema  # noqa: E402
import testee  # noqa: E402

protobuf_schema.unknown_fields = lambda m: []

sys.exit(testee.main())
