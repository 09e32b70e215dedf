"""The stream extension of the protocol (`read_stream`): many values in one
file, or bytes that arrive in pieces, read by each library's own streaming
reader.

The harness sends either `pieces` (hex strings: the bytes in the pieces a
socket or pipe would deliver them in) or `file` (the path of a file it
wrote). The answer lists every complete record with its offset and length,
and how the stream ended: `null` at a clean end of input, else an error
naming the offset of the record that could not be read.

Two kinds of reader:

* `read_record(f)` reads one record from a binary file object: a real file
  opened with `open(path, "rb")`, or the pieces behind an
  `io.BufferedReader` over a raw stream whose every read returns at most
  the next piece (what a socket's `makefile("rb")` gives), or, for a codec
  that says `raw_reads = True`, that raw stream itself (short reads
  unhidden, as a raw socket or pipe gives them). cbor2's `CBORDecoder`
  (raw: it documents any binary file-like object), `pickle.Unpickler`
  (buffered: it documents `io.BufferedIOBase` semantics), JSON Lines and
  delimited protobuf read this way.
* `read_chunks(chunks)` is fed the pieces one by one: msgpack's
  `Unpacker.feed`.
"""

import crossfmt_testee
from vj import Refusal


def pieces_of(request):
    """The request's bytes, as the pieces they arrive in."""
    if "pieces" in request:
        return [bytes.fromhex(p) for p in request["pieces"]]
    with open(request["file"], "rb") as f:
        return list(iter(lambda: f.read(1 << 16), b""))


def by_record(request, read_record, raw=False):
    """Every record `read_record(f)` reads (already VJ), one after another."""
    return crossfmt_testee.read_stream(request, read_record, raw=raw)


def by_chunks(request, read_chunks):
    """The records `read_chunks(pieces)` yields as `(offset, len, value)`,
    ending with `(offset, exception)` on an error."""
    records, end = [], None
    for item in read_chunks(pieces_of(request)):
        if len(item) == 2:
            offset, e = item
            end = {"offset": offset, **crossfmt_testee.error_of(e, "parse")}
            break
        offset, length, value = item
        records.append({"offset": offset, "len": length, "value": value})
    return {"ok": "records", "records": records, "end": end}


def read_varint(f):
    """A protobuf varint length header, read byte by byte."""
    n = 0
    for i in range(10):
        b = f.read(1)
        if not b:
            raise Refusal("parse", f"length header cut short after {i} bytes")
        n |= (b[0] & 0x7F) << (7 * i)
        if not b[0] & 0x80:
            return n
    raise Refusal("parse", "length header longer than ten bytes")


def read_exactly(f, n):
    """`n` bytes, or a parse error naming how many there were."""
    data = f.read(n)
    if len(data) < n:
        raise Refusal("parse", f"record cut short: {len(data)} of {n} bytes")
    return data


def read_line(f):
    """One line with its newline; a last line without one is truncated."""
    line = f.readline()
    if not line.endswith(b"\n"):
        raise Refusal("parse", f"the last line ({len(line)} bytes) has no newline: a truncated record")
    return line
