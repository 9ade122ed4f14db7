#!/usr/bin/python3
"""Echo interop check with the Python `websockets` library (Debian's
python3-websockets): text and binary messages of several sizes, a ping, then
a clean close. With --deflate the client offers permessage-deflate (its
default offer) and checks, from its side, that the server accepted it with no
context takeover both ways. With CHATD_TLS_CA=FILE in the environment:
wss://localhost, trusting that CA. Usage: py_echo_client.py [--deflate] PORT
[PATH]. Exit 0 on success."""

import asyncio
import os
import ssl
import sys

import websockets

SIZES = [0, 1, 125, 126, 65535, 65536, 70000]
DEFLATE_SIZES = SIZES + [1 << 20]  # compressible text shrinks far below the limit


def text_of(n):
    # Multi-byte characters, so a byte-level mistake breaks the UTF-8.
    pieces = "aé€😀"
    out = []
    size = 0
    i = 0
    while True:
        piece = pieces[i % len(pieces)]
        width = len(piece.encode())
        if size + width > n:
            break
        out.append(piece)
        size += width
        i += 1
    return "".join(out) + "x" * (n - size)


def bytes_of(n):
    return bytes((i * 7 + i // 251) & 0xFF for i in range(n))


async def expect_echo(ws, message):
    await ws.send(message)
    reply = await asyncio.wait_for(ws.recv(), timeout=5)
    if type(reply) is not type(message) or reply != message:
        raise AssertionError(f"echo mismatch for a {type(message).__name__} of {len(message)}")


def check_deflate(ws):
    extensions = [e for e in ws.extensions if e.name == "permessage-deflate"]
    if len(extensions) != 1:
        raise AssertionError(f"permessage-deflate not negotiated: {ws.response_headers.get('Sec-WebSocket-Extensions')}")
    # The client compresses without context takeover, and expects the server's messages to stand alone.
    deflate = extensions[0]
    if not deflate.remote_no_context_takeover or not deflate.local_no_context_takeover:
        raise AssertionError(f"context takeover left on: {ws.response_headers.get('Sec-WebSocket-Extensions')}")


async def main(port, path, deflate):
    ca = os.environ.get("CHATD_TLS_CA")
    tls = ssl.create_default_context(cafile=ca) if ca else None
    uri = f"wss://localhost:{port}{path}" if ca else f"ws://127.0.0.1:{port}{path}"
    compression = "deflate" if deflate else None
    async with websockets.connect(uri, max_size=None, compression=compression, ping_interval=None, ssl=tls) as ws:
        if deflate:
            check_deflate(ws)
        elif ws.response_headers.get("Sec-WebSocket-Extensions"):
            raise AssertionError("an extension was selected without an offer")
        for n in DEFLATE_SIZES if deflate else SIZES:
            await expect_echo(ws, text_of(n))
            await expect_echo(ws, bytes_of(n))
        pong = await ws.ping(b"py-ping")
        await asyncio.wait_for(pong, timeout=5)
        await ws.close(code=1000, reason="done")
        if ws.close_code != 1000:
            raise AssertionError(f"close code {ws.close_code}, expected 1000")
    print("python websockets", websockets.__version__, "permessage-deflate" if deflate else "uncompressed",
          "interop ok")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--deflate"]
    if not args:
        sys.exit("usage: py_echo_client.py [--deflate] PORT [PATH]")
    try:
        asyncio.run(asyncio.wait_for(main(int(args[0]), args[1] if len(args) > 1 else "/echo",
                                          "--deflate" in sys.argv), 30))
    except Exception as error:  # any failure is a non-zero exit with the reason
        print(f"interop failed: {type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(1)
