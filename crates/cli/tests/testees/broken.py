#!/usr/bin/env python3
"""A deliberately broken testee (conformance/PROTOCOL.md), Python stdlib only.

It announces one codec, msgpack/broken, that honestly handles a tiny subset
of MessagePack (nil, false, true, fixints, fixstr, fixarray) -- except in the
mode given on the command line, where it misbehaves in one particular way.
tests/external_testee.rs uses it to produce every process-level outcome for
real.

    broken.py [--mode MODE] [--pidfile PATH]

Modes: honest (default), lie (integers decode one too high), accept-all
(any bytes decode to nil), reject-all (every request is a parse error),
crash-on-ff (abort), exit-on-ff (exit status 7), hang-on-ff (sleep),
hang-with-child-on-ff (start `sleep`, write its pid to --pidfile, sleep),
oom-on-ff (allocate far past the address-space limit), oom-caught-on-ff
(the same, catching MemoryError and exiting with a message),
garbage-on-ff (a frame that is not JSON), huge-on-ff (a length prefix of
4 GiB), stdout-on-ff (a stray print), wrong-op-on-ff (a bytes response to a
decode), exit-at-hello, bad-hello (caps with an unknown field),
no-depth-at-hello (caps without max_depth).
The *-on-ff modes misbehave on a decode whose payload contains the byte ff
and behave otherwise. --pidfile PATH: write the testee's own pid there at
startup (the hang-with-child mode writes the child's pid instead).
"""

import argparse
import json
import os
import struct
import subprocess
import sys
import time

CAPS = {
    "null": True,
    "bool": True,
    "ints": {"min": "-32", "max": "127", "big": False},
    "text": True,
    "array": True,
    "map_keys": "any",
    "max_depth": 4,
}


class Refusal(Exception):
    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind


def read_frame(stream):
    head = stream.read(4)
    if len(head) < 4:
        return None
    (n,) = struct.unpack("<I", head)
    return json.loads(stream.read(n))


def write_raw(stream, body):
    stream.write(struct.pack("<I", len(body)) + body)
    stream.flush()


def write_frame(stream, obj):
    write_raw(stream, json.dumps(obj).encode())


def decode(data, lie):
    value, end = decode_at(data, 0, lie)
    if end != len(data):
        raise Refusal("parse", "trailing bytes at offset %d" % end)
    return value


def decode_at(data, i, lie):
    if i >= len(data):
        raise Refusal("parse", "truncated at offset %d" % i)
    b = data[i]
    if b == 0xC0:
        return {"null": None}, i + 1
    if b in (0xC2, 0xC3):
        return {"bool": b == 0xC3}, i + 1
    if b <= 0x7F or b >= 0xE0:
        n = b if b <= 0x7F else b - 0x100
        return {"int": str(n + 1 if lie else n)}, i + 1
    if 0xA0 <= b <= 0xBF:
        n = b & 0x1F
        raw = data[i + 1 : i + 1 + n]
        if len(raw) < n:
            raise Refusal("parse", "truncated str at offset %d" % i)
        try:
            return {"text": raw.decode("utf-8")}, i + 1 + n
        except UnicodeDecodeError as e:
            raise Refusal("parse", "invalid UTF-8: %s" % e)
    if 0x90 <= b <= 0x9F:
        items, j = [], i + 1
        for _ in range(b & 0x0F):
            item, j = decode_at(data, j, lie)
            items.append(item)
        return {"array": items}, j
    raise Refusal("unsupported", "marker %02x is outside this testee's subset" % b)


def encode(v):
    (kind, body), = v.items()
    if kind == "null":
        return b"\xc0"
    if kind == "bool":
        return b"\xc3" if body else b"\xc2"
    if kind == "int":
        n = int(body)
        if not -32 <= n <= 127:
            raise Refusal("unsupported", "integer %d outside fixint" % n)
        return struct.pack("b" if n < 0 else "B", n)
    if kind == "text":
        raw = body.encode("utf-8")
        if len(raw) > 31:
            raise Refusal("limit", "text longer than a fixstr")
        return bytes([0xA0 | len(raw)]) + raw
    if kind == "array":
        if len(body) > 15:
            raise Refusal("limit", "array longer than a fixarray")
        return bytes([0x90 | len(body)]) + b"".join(encode(x) for x in body)
    raise Refusal("unsupported", "%s is outside this testee's subset" % kind)


def misbehave(mode, out, pidfile):
    """The *-on-ff modes' misbehaviour; returns only when the mode answers."""
    if mode == "crash-on-ff":
        sys.stderr.write("broken testee: aborting on purpose\n")
        sys.stderr.flush()
        os.abort()
    if mode == "exit-on-ff":
        sys.stderr.write("broken testee: exiting on purpose\n")
        sys.exit(7)
    if mode == "hang-on-ff":
        time.sleep(3600)
    if mode == "hang-with-child-on-ff":
        child = subprocess.Popen(["sleep", "3600"])
        with open(pidfile, "w") as f:
            f.write(str(child.pid))
        time.sleep(3600)
    if mode == "oom-on-ff":
        hog = bytearray(64 << 30)
        hog[0] = 1
    if mode == "oom-caught-on-ff":
        try:
            hog = bytearray(64 << 30)
            hog[0] = 1
        except MemoryError:
            sys.exit("broken testee: giving up after MemoryError")
    if mode == "garbage-on-ff":
        write_raw(out, b"}{ not json")
        return True
    if mode == "huge-on-ff":
        out.write(b"\xff\xff\xff\xff")
        out.flush()
        return True
    if mode == "stdout-on-ff":
        out.write(b"debug: got ff\n")
        out.flush()
        return True
    if mode == "wrong-op-on-ff":
        write_frame(out, {"ok": "bytes", "payload": "ff"})
        return True
    return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", default="honest")
    ap.add_argument("--pidfile")
    args = ap.parse_args()
    if args.pidfile and args.mode != "hang-with-child-on-ff":
        with open(args.pidfile, "w") as f:
            f.write(str(os.getpid()))
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    while True:
        req = read_frame(inp)
        if req is None:
            return
        op = req["op"]
        if op == "hello":
            if args.mode == "exit-at-hello":
                sys.exit("broken testee: exiting at hello on purpose")
            caps = dict(CAPS, colour="blue") if args.mode == "bad-hello" else CAPS
            if args.mode == "no-depth-at-hello":
                caps = {k: v for k, v in CAPS.items() if k != "max_depth"}
            write_frame(out, {
                "ok": "hello",
                "name": "broken.py",
                "version": "mode " + args.mode,
                "codecs": [
                    {"id": "msgpack/broken", "format": "msgpack", "caps": caps, "schemas": False},
                    {"id": "tomlish/broken", "format": "toml", "caps": {}, "schemas": False},
                ],
            })
            continue
        try:
            if args.mode == "reject-all":
                raise Refusal("parse", "rejecting everything on purpose")
            if op == "decode":
                data = bytes.fromhex(req["payload"])
                if 0xFF in data and misbehave(args.mode, out, args.pidfile):
                    continue
                if args.mode == "accept-all":
                    value = {"null": None}
                else:
                    value = decode(data, args.mode == "lie")
                write_frame(out, {"ok": "value", "value": value})
            elif op == "encode":
                write_frame(out, {"ok": "bytes", "payload": encode(req["value"]).hex()})
            else:
                sys.exit("broken testee: unknown op %r" % op)
        except Refusal as r:
            write_frame(out, {"error": r.kind, "message": str(r)})


if __name__ == "__main__":
    main()
