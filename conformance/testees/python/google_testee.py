"""An upstream-style conformance testee: Google's protobuf for Python (upb)
answering Google's conformance protocol (conformance.proto) on stdin/stdout,
as every protobuf implementation's testee for `conformance_test_runner`
does. Written against the real conformance.proto (its committed descriptor
set, conformance/vectors/protobuf/conformance.binpb) and knowing nothing of
crossfmt, so that `crossfmt conformance --google-testee` is shown working on
a testee of another language.

Each request: a 4-byte little-endian length, then a ConformanceRequest. The
payload (binary or JSON) is parsed as the named test message and written in
the format asked for; text format is `skipped`, as many testees do.

For crossfmt's tests only, flags that make it a broken implementation:
  --drop-unknown           discard unknown fields after parsing
  --misbehave-once KIND    on the first payload request ever (remembered in
                           the file $GOOGLE_TESTEE_MARK), crash, hang or
                           answer garbage: KIND is crash, hang or garbage
"""

import os
import struct
import sys
import time

from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory
from google.protobuf.message import DecodeError, EncodeError

HERE = os.path.dirname(os.path.abspath(__file__))
VECTORS = os.path.join(HERE, "..", "..", "vectors", "protobuf")


def classes(binpb, names):
    with open(os.path.join(VECTORS, binpb), "rb") as f:
        fds = descriptor_pb2.FileDescriptorSet.FromString(f.read())
    pool = descriptor_pool.DescriptorPool()
    for file in fds.file:
        pool.Add(file)
    return {n: message_factory.GetMessageClass(pool.FindMessageTypeByName(n)) for n in names}


PROTOCOL = classes("conformance.binpb", ["conformance.ConformanceRequest", "conformance.ConformanceResponse",
                                         "conformance.FailureSet"])
Request = PROTOCOL["conformance.ConformanceRequest"]
Response = PROTOCOL["conformance.ConformanceResponse"]
FailureSet = PROTOCOL["conformance.FailureSet"]
# The messages Google's runner asks for, and the proto2 ones with required
# fields (as upstream's C++ testee finds any message it was built with).
_REQUIRED = "protobuf_test_messages.proto2.TestAllRequiredTypesProto2"
MESSAGES = classes("test_messages.binpb", ["protobuf_test_messages.proto3.TestAllTypesProto3",
                                           "protobuf_test_messages.proto2.TestAllTypesProto2", _REQUIRED,
                                           f"{_REQUIRED}.MessageSetCorrectExtension1",
                                           f"{_REQUIRED}.MessageSetCorrectExtension2"])
PROTOBUF, JSON = 1, 2


def read_exact(n):
    data = sys.stdin.buffer.read(n)
    if len(data) == 0:
        return None
    if len(data) < n:
        raise SystemExit(f"google_testee: stream ended inside a frame ({len(data)} of {n} bytes)")
    return data


def misbehave_now(kind):
    """True once ever: the mark file remembers across restarts."""
    mark = os.environ.get("GOOGLE_TESTEE_MARK")
    if not kind or not mark or os.path.exists(mark):
        return False
    with open(mark, "w") as f:
        f.write(kind)
    return True


def answer(request, drop_unknown):
    r = Response()
    if request.message_type == "conformance.FailureSet":
        r.protobuf_payload = FailureSet().SerializeToString()
        return r
    cls = MESSAGES.get(request.message_type)
    if cls is None:
        r.skipped = f"no message {request.message_type}"
        return r
    kind = request.WhichOneof("payload")
    if kind not in ("protobuf_payload", "json_payload") or request.requested_output_format not in (PROTOBUF, JSON):
        r.skipped = "binary and JSON only"
        return r
    m = cls()
    pool = m.DESCRIPTOR.file.pool
    try:
        if kind == "protobuf_payload":
            m.ParseFromString(request.protobuf_payload)
        else:
            json_format.Parse(request.json_payload, m, descriptor_pool=pool)
    except (DecodeError, json_format.ParseError) as e:
        r.parse_error = str(e)
        return r
    if drop_unknown:
        m.DiscardUnknownFields()
    if request.requested_output_format == JSON:
        try:
            r.json_payload = json_format.MessageToJson(m, indent=None, descriptor_pool=pool)
        except (json_format.SerializeToJsonError, ValueError) as e:
            r.serialize_error = str(e)
        return r
    try:
        r.protobuf_payload = m.SerializeToString()
    except EncodeError as e:
        # A proto2 message missing a required field: upb reads it, but
        # will not write it.
        r.serialize_error = str(e)
    return r


def main(argv):
    drop_unknown = "--drop-unknown" in argv
    kind = argv[argv.index("--misbehave-once") + 1] if "--misbehave-once" in argv else None
    out = sys.stdout.buffer
    while True:
        head = read_exact(4)
        if head is None:
            return
        request = Request.FromString(read_exact(struct.unpack("<I", head)[0]))
        if request.message_type != "conformance.FailureSet" and misbehave_now(kind):
            if kind == "crash":
                os.abort()
            if kind == "hang":
                time.sleep(3600)
            out.write(struct.pack("<I", 3) + b"\xff\xff\xff")
            out.flush()
            continue
        body = answer(request, drop_unknown).SerializeToString()
        out.write(struct.pack("<I", len(body)) + body)
        out.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
