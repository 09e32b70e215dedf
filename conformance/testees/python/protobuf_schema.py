"""Any protobuf message, through Google's protobuf for Python, with the
mapping of crossfmt's schema-bound codec (`protobuf:<file.proto>#<Message>`,
crates/codecs/src/protobuf/dynamic.rs), so that the two can be compared as
implementations of one schema:

* a message is a map keyed by field number, ascending, holding the fields
  that are present (`ListFields`);
* integers and enums are ints; float is a binary32, double a binary64;
  string is text, bytes are bytes;
* a repeated field is an array; a map field a map sorted by key;
* an unknown field sits under its number as the bytes of its occurrences as
  read, tags included; so does an extension (as upb writes it).

The schema arrives in each request as `<package.Message>@<hex of a
serialized FileDescriptorSet>` (conformance/PROTOCOL.md); the message class
built from it is kept for the next request. With the prefix `json:` the
payload is the message's JSON mapping (`json_format`), not its binary
encoding.
"""

import struct

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.descriptor import FieldDescriptor as FD
from google.protobuf.message import DecodeError

from vj import Refusal, float_vj, int_vj, only_key, unsupported, vj_float, vj_int

_classes = {}


def message_class(schema):
    cls = _classes.get(schema)
    if cls is None:
        name, sep, fds_hex = schema.partition("@")
        if not sep:
            raise unsupported(f"a protobuf schema is <Message>@<hex FileDescriptorSet>, not {schema[:80]!r}")
        fds = descriptor_pb2.FileDescriptorSet.FromString(bytes.fromhex(fds_hex))
        pool = descriptor_pool.DescriptorPool()
        for f in fds.file:
            pool.Add(f)
        cls = message_factory.GetMessageClass(pool.FindMessageTypeByName(name))
        _classes[schema] = cls
    return cls


JSON_PREFIX = "json:"


def decode(payload, schema):
    if schema.startswith(JSON_PREFIX):
        m = message_class(schema[len(JSON_PREFIX):])()
        parse_json(m, payload)
        return value_of(m)
    m = message_class(schema)()
    parse(m, payload)
    return value_of(m)


def parse_json(m, payload):
    """`json_format.Parse`, its errors a parse refusal."""
    from google.protobuf import json_format

    try:
        # The message's own pool: an Any's @type names messages of the schema.
        json_format.Parse(payload.decode("utf-8"), m, descriptor_pool=m.DESCRIPTOR.file.pool)
    except (json_format.ParseError, UnicodeDecodeError, ValueError, TypeError) as e:
        raise Refusal("parse", f"{type(e).__name__}: {e}") from None


def value_of(m):
    """The message as VJ. proto2 leaves strings unchecked, so upb may hold
    invalid UTF-8, which no text value can."""
    try:
        return message_vj(m)
    except UnicodeDecodeError as e:
        raise Refusal("unrepresentable", f"a string field holds invalid UTF-8 ({e})") from None


def parse(m, payload):
    """`ParseFromString`, its DecodeError a refusal: a limit when nesting
    ran out, else a parse error."""
    try:
        m.ParseFromString(payload)
    except DecodeError as e:
        kind = "limit" if "depth" in str(e).lower() or "recursion" in str(e).lower() else "parse"
        raise Refusal(kind, f"DecodeError: {e}") from None


def encode(value, schema):
    if schema.startswith(JSON_PREFIX):
        from google.protobuf import json_format

        m = message_class(schema[len(JSON_PREFIX):])()
        fill(m, value)
        return json_format.MessageToJson(m, indent=None, descriptor_pool=m.DESCRIPTOR.file.pool).encode("utf-8")
    m = message_class(schema)()
    fill(m, value)
    return m.SerializeToString()


# ---- message -> VJ -----------------------------------------------------------

_INTS = {
    FD.TYPE_INT32, FD.TYPE_INT64, FD.TYPE_UINT32, FD.TYPE_UINT64, FD.TYPE_SINT32, FD.TYPE_SINT64,
    FD.TYPE_FIXED32, FD.TYPE_FIXED64, FD.TYPE_SFIXED32, FD.TYPE_SFIXED64, FD.TYPE_ENUM,
}


def is_map(field):
    return field.type == FD.TYPE_MESSAGE and field.message_type.GetOptions().map_entry


def message_vj(m):
    pairs = []
    extensions = set()
    for field, value in m.ListFields():
        if field.is_extension:
            # Kept like an unknown field: the bytes of its occurrences.
            extensions.add(field.number)
            continue
        pairs.append((field.number, field_vj(field, value)))
    if extensions:
        pairs.extend(occurrences(m.SerializePartialToString(), extensions))
    known = {n for n, _ in pairs}
    for n, raw in unknown_fields(m):
        if n in known or n in m.DESCRIPTOR.fields_by_number:
            # upb sets aside occurrences of a known field that it cannot
            # store (a closed enum's unknown number, another wire type, a
            # map entry with unknown fields): the mapping has no place for
            # them beside the field's own value.
            raise Refusal("unrepresentable", f"{m.DESCRIPTOR.full_name}.{n}: occurrences of a known field "
                          f"kept as unknown ({raw['bytes'][:32]})")
        pairs.append((n, raw))
    pairs.sort(key=lambda p: p[0])
    return {"map": [[int_vj(n), v] for n, v in pairs]}


def field_vj(field, value):
    if is_map(field):
        kf = field.message_type.fields_by_name["key"]
        vf = field.message_type.fields_by_name["value"]
        return {"map": [[scalar_vj(kf, k), scalar_vj(vf, value[k])] for k in sorted(value)]}
    if field.is_repeated:
        return {"array": [scalar_vj(field, x) for x in value]}
    return scalar_vj(field, value)


def scalar_vj(field, x):
    t = field.type
    if t in _INTS:
        return int_vj(int(x))
    if t == FD.TYPE_BOOL:
        return {"bool": bool(x)}
    if t == FD.TYPE_FLOAT:
        return {"float": struct.pack(">f", x).hex()}
    if t == FD.TYPE_DOUBLE:
        return float_vj(x)
    if t == FD.TYPE_STRING:
        if isinstance(x, bytes):
            # upb hands back a proto2 string that is not UTF-8 as bytes.
            raise Refusal("unrepresentable", f"{field.full_name} holds invalid UTF-8 {x[:16].hex()}")
        return {"text": x}
    if t == FD.TYPE_BYTES:
        return {"bytes": bytes(x).hex()}
    return message_vj(x)


def occurrences(raw, numbers):
    """(number, {"bytes": ...}) for each of `numbers`: its occurrences in
    the serialized message `raw`."""
    out = {}
    at = 0
    while at < len(raw):
        start = at
        number, at = _skip_field(raw, at)
        if number in numbers:
            out.setdefault(number, bytearray()).extend(raw[start:at])
    return [(n, {"bytes": bytes(b).hex()}) for n, b in out.items()]


def unknown_fields(m):
    """(number, {"bytes": ...}) per unknown field number, in the order first
    read, each holding all its occurrences: the message with its known fields
    cleared writes exactly its unknown ones."""
    rest = type(m)()
    rest.CopyFrom(m)
    for field, _ in rest.ListFields():
        rest.ClearField(field.name)
    # Partial: a proto2 message read without its required fields is still
    # read, and its unknown fields are still its own.
    raw = rest.SerializePartialToString()
    out = {}
    at = 0
    while at < len(raw):
        start = at
        number, at = _skip_field(raw, at)
        out.setdefault(number, bytearray()).extend(raw[start:at])
    return [(n, {"bytes": bytes(b).hex()}) for n, b in out.items()]


def _varint(raw, at):
    shift = value = 0
    while True:
        b = raw[at]
        at += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return value, at


def _skip_field(raw, at):
    """The field number of the field at `at`, and where the next begins."""
    tag, at = _varint(raw, at)
    number, wire = tag >> 3, tag & 7
    if wire == 0:
        _, at = _varint(raw, at)
    elif wire == 1:
        at += 8
    elif wire == 2:
        n, at = _varint(raw, at)
        at += n
    elif wire == 3:
        while True:
            inner, after = _varint(raw, at)
            if inner == (number << 3) | 4:
                at = after
                break
            _, at = _skip_field(raw, at)
    elif wire == 5:
        at += 4
    else:
        raise unsupported(f"unknown field {number} with wire type {wire}")
    return number, at


# ---- VJ -> message -----------------------------------------------------------


def fill(m, v):
    """Writes VJ `v` (a map keyed by field number) into the empty message `m`."""
    key, pairs = only_key(v)
    if key != "map":
        raise unsupported(f"{m.DESCRIPTOR.full_name} is a map keyed by field number, not {key}")
    unknown = bytearray()
    for k, x in pairs:
        kk, n = only_key(k)
        if kk != "int":
            raise unsupported(f"{m.DESCRIPTOR.full_name}: key {k} is not a field number")
        field = m.DESCRIPTOR.fields_by_number.get(vj_int(n))
        if field is None:
            xk, raw = only_key(x)
            if xk != "bytes":
                raise unsupported(f"{m.DESCRIPTOR.full_name}.{n}: unknown fields are bytes, not {xk}")
            unknown.extend(bytes.fromhex(raw))
            continue
        set_field(m, field, x)
    if unknown:
        m.MergeFromString(bytes(unknown))


def set_field(m, field, x):
    if is_map(field):
        kf = field.message_type.fields_by_name["key"]
        vf = field.message_type.fields_by_name["value"]
        container = getattr(m, field.name)
        for k, y in only_key_of(x, "map"):
            key = py_scalar(kf, k)
            if vf.type == FD.TYPE_MESSAGE:
                fill(container[key], y)
            else:
                container[key] = py_scalar(vf, y)
        return
    if field.is_repeated:
        container = getattr(m, field.name)
        for y in only_key_of(x, "array"):
            if field.type in (FD.TYPE_MESSAGE, FD.TYPE_GROUP):
                fill(container.add(), y)
            else:
                container.append(py_scalar(field, y))
        return
    if field.type in (FD.TYPE_MESSAGE, FD.TYPE_GROUP):
        sub = getattr(m, field.name)
        sub.SetInParent()
        fill(sub, x)
        return
    setattr(m, field.name, py_scalar(field, x))


def only_key_of(x, want):
    k, p = only_key(x)
    if k != want:
        raise unsupported(f"a {want} field holds a {want}, not {k}")
    return p


def py_scalar(field, x):
    k, p = only_key(x)
    t = field.type
    if t in _INTS and k == "int":
        return vj_int(p)
    if t == FD.TYPE_BOOL and k == "bool":
        return bool(p)
    if t == FD.TYPE_FLOAT and k == "float" and len(p) == 8:
        return struct.unpack(">f", bytes.fromhex(p))[0]
    if t == FD.TYPE_DOUBLE and k == "float" and len(p) == 16:
        return vj_float(p)
    if t == FD.TYPE_STRING and k == "text":
        return p
    if t == FD.TYPE_BYTES and k == "bytes":
        return bytes.fromhex(p)
    raise unsupported(f"{field.full_name} ({field.type}) cannot hold {k}")
