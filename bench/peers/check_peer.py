#!/usr/bin/python3
"""Checks that a WebSocket server speaks the benchmark's generic modes.

  check_peer.py [options] PORT          check a server already listening on 127.0.0.1:PORT
  check_peer.py [options] CMD [ARG...]  start CMD, check it, stop it with SIGTERM

When a command is given, a free port is chosen and replaces every `{port}` in
its arguments (appended as the last argument when there is none); the server
must print `listening on 127.0.0.1:PORT` on stderr (the port printed is the
one used, so `0` works too). After the checks it is sent SIGTERM and must exit
0 within 5 seconds.

  /usr/bin/python3 bench/peers/check_peer.py node bench/peers/ws/server.mjs
  /usr/bin/python3 bench/peers/check_peer.py build/peers/lws_server
  /usr/bin/python3 bench/peers/check_peer.py build/chatd --listen '127.0.0.1:{port}' \\
      --echo /echo --broadcast /broadcast

Checks:
  echo       text and binary messages of 0, 100, 70000 and 1048576 bytes come
             back unchanged with their opcode, and so do messages sent in
             several frames (up to 1 MiB in all);
  too large  a message over 1 MiB (1048577 bytes in one frame, or fragments
             adding up to more) is refused with close code 1009;
  broadcast  three clients in room a, one in room b: each text message sent by
             a client in a reaches all three in a (per-sender order kept), and
             not the one in b; a message in b reaches only b.

Runs on /usr/bin/python3 with Debian's python3-websockets. Exits 0 when every
check passed, 1 when one failed (with the reason), 2 on a usage error.
"""
import argparse
import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

try:
    import websockets
except ImportError:  # pragma: no cover
    sys.exit("check_peer: the websockets package is missing: run it with /usr/bin/python3 "
             "(Debian's python3-websockets)")

HOST = "127.0.0.1"
MiB = 1024 * 1024
ECHO_SIZES = [0, 100, 70000, MiB]
TIMEOUT = 10.0       # seconds for any expected event
SILENCE = 0.5        # seconds during which an unexpected message must not arrive
LISTENING = re.compile(r"listening on 127\.0\.0\.1:(\d+)")


class CheckFailed(Exception):
    pass


def text_of(size, seed):
    """An ASCII string of exactly size bytes."""
    pattern = ("chatd-bench-%d-" % seed) + "abcdefghijklmnopqrstuvwxyz0123456789"
    return (pattern * (size // len(pattern) + 1))[:size]


def connect(port, path):
    return websockets.connect(
        "ws://%s:%d%s" % (HOST, port, path),
        max_size=2 * MiB,
        compression=None,
        open_timeout=TIMEOUT,
        close_timeout=2,
        ping_interval=None,
    )


async def recv(ws, what):
    try:
        return await asyncio.wait_for(ws.recv(), TIMEOUT)
    except asyncio.TimeoutError:
        raise CheckFailed("%s: nothing received within %.0f s" % (what, TIMEOUT)) from None
    except websockets.ConnectionClosed as e:
        raise CheckFailed("%s: connection closed (code %s)" % (what, e.code)) from None


async def check_echo(port, echo_path, report):
    async with connect(port, echo_path) as ws:
        for size in ECHO_SIZES:
            for kind in ("text", "binary"):
                what = "echo %s %d bytes" % (kind, size)
                sent = text_of(size, size) if kind == "text" else os.urandom(size)
                await ws.send(sent)
                got = await recv(ws, what)
                if type(got) is not type(sent):
                    raise CheckFailed("%s: came back as %s" % (
                        what, "text" if isinstance(got, str) else "binary"))
                if got != sent:
                    raise CheckFailed("%s: came back with %d different bytes" % (what, len(got)))
                report("ok   " + what)
        # A message sent in several frames comes back whole.
        for kind, parts in (("text", [text_of(n, n) for n in (10, 0, 70000, 5)]),
                            ("binary", [os.urandom(MiB // 4) for _ in range(4)])):
            what = "echo %s %d bytes in %d fragments" % (kind, sum(map(len, parts)), len(parts))
            await ws.send(parts)
            got = await recv(ws, what)
            sent = "".join(parts) if kind == "text" else b"".join(parts)
            if type(got) is not type(sent) or got != sent:
                raise CheckFailed("%s: came back different (%d bytes)" % (what, len(got)))
            report("ok   " + what)


async def check_too_large(port, echo_path, report, fragments):
    what = "echo of a %d-byte message%s is refused with 1009" % (
        MiB + 1, " in %d fragments" % fragments if fragments > 1 else "")
    async with connect(port, echo_path) as ws:
        try:
            if fragments > 1:
                part = (MiB + 1 + fragments - 1) // fragments
                await ws.send([bytes(part) for _ in range(fragments)])
            else:
                await ws.send(bytes(MiB + 1))
            got = await asyncio.wait_for(ws.recv(), TIMEOUT)
            raise CheckFailed("%s: it was echoed (%d bytes)" % (what, len(got)))
        except asyncio.TimeoutError:
            raise CheckFailed("%s: the connection stayed open" % what) from None
        except websockets.ConnectionClosed:
            code = ws.close_code
        if code != 1009:
            raise CheckFailed("%s: closed with code %s" % (what, code))
    report("ok   " + what)


async def expect_silence(ws, what):
    try:
        got = await asyncio.wait_for(ws.recv(), SILENCE)
    except asyncio.TimeoutError:
        return
    except websockets.ConnectionClosed as e:
        raise CheckFailed("%s: connection closed (code %s)" % (what, e.code)) from None
    raise CheckFailed("%s: received %r" % (what, got[:60]))


async def check_broadcast(port, broadcast_path, report):
    a = [await connect(port, broadcast_path + "?r=a") for _ in range(3)]
    b = await connect(port, broadcast_path + "?r=b")
    try:
        # a[0] sends three messages, a[1] one: all four reach each member of a,
        # a[0]'s in the order sent.
        from_a0 = ["a0 says %d %s" % (i, text_of(50 * i, i)) for i in range(3)]
        from_a1 = ["a1 says hello"]
        for m in from_a0:
            await a[0].send(m)
        await a[1].send(from_a1[0])
        for i, ws in enumerate(a):
            what = "broadcast to a[%d]" % i
            got = [await recv(ws, what) for _ in range(4)]
            for m in got:
                if not isinstance(m, str):
                    raise CheckFailed("%s: received a binary message" % what)
            if sorted(got) != sorted(from_a0 + from_a1):
                raise CheckFailed("%s: received %r" % (what, [m[:20] for m in got]))
            if [m for m in got if m.startswith("a0 ")] != from_a0:
                raise CheckFailed("%s: a[0]'s messages out of order" % what)
        report("ok   broadcast: 4 messages from a[0], a[1] reached all 3 in room a (sender included)")
        await expect_silence(b, "room b while room a talks")
        for i, ws in enumerate(a):
            await expect_silence(ws, "a[%d] after the 4 messages" % i)
        report("ok   broadcast: the client in room b received nothing of room a")

        await b.send("b says hi")
        got = await recv(b, "broadcast to b (sender)")
        if got != "b says hi":
            raise CheckFailed("broadcast to b (sender): received %r" % got[:60])
        for i, ws in enumerate(a):
            await expect_silence(ws, "a[%d] while room b talks" % i)
        report("ok   broadcast: room b's message reached its sender and nobody in room a")
    finally:
        for ws in a + [b]:
            await ws.close()


async def run_checks(port, args, report):
    await check_echo(port, args.echo_path, report)
    await check_too_large(port, args.echo_path, report, 1)
    await check_too_large(port, args.echo_path, report, 3)
    await check_broadcast(port, args.broadcast_path, report)


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    """A server process started by this script: only it is ever signalled."""

    def __init__(self, argv):
        self.lines = []
        self.port = None
        self.listening = threading.Event()
        port = free_port()
        if any("{port}" in a for a in argv[1:]):
            argv = [argv[0]] + [a.replace("{port}", str(port)) for a in argv[1:]]
        else:
            argv = argv + [str(port)]
        self.argv = argv
        try:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.PIPE, text=True, errors="replace")
        except OSError as e:
            raise CheckFailed("cannot start %s: %s" % (argv[0], e)) from None
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read_stderr(self):
        for line in self.proc.stderr:
            self.lines.append(line.rstrip("\n"))
            m = LISTENING.search(line)
            if m and self.port is None:
                self.port = int(m.group(1))
                self.listening.set()
        self.listening.set()  # stderr closed: the process is gone

    def wait_listening(self):
        if not self.listening.wait(TIMEOUT) or self.port is None:
            raise CheckFailed("the server did not print 'listening on 127.0.0.1:PORT' within "
                              "%.0f s (%s)" % (TIMEOUT, self.state()))
        return self.port

    def state(self):
        rc = self.proc.poll()
        return "still running" if rc is None else "exited with %d" % rc

    def stop(self):
        """SIGTERM; returns the exit code, or None when it had to be killed."""
        if self.proc.poll() is not None:
            return self.proc.returncode
        os.kill(self.proc.pid, signal.SIGTERM)
        try:
            return self.proc.wait(5)
        except subprocess.TimeoutExpired:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            return None

    def tail(self, n=20):
        return "\n".join("    | " + l for l in self.lines[-n:])


def main():
    parser = argparse.ArgumentParser(
        description="Check a benchmark peer's echo and broadcast modes.",
        usage="%(prog)s [--echo-path P] [--broadcast-path P] (PORT | CMD [ARG...])")
    parser.add_argument("--echo-path", default="/echo")
    parser.add_argument("--broadcast-path", default="/broadcast")
    parser.add_argument("target", nargs=argparse.REMAINDER,
                        help="the port of a running server, or the command that starts one")
    args = parser.parse_args()
    if args.target and args.target[0] == "--":
        args.target = args.target[1:]
    if not args.target:
        parser.print_usage(sys.stderr)
        return 2

    def report(line):
        print(line, flush=True)

    server = None
    failure = None
    started = time.monotonic()
    try:
        if len(args.target) == 1 and args.target[0].isdigit():
            port = int(args.target[0])
            report("checking the server on %s:%d" % (HOST, port))
        else:
            server = Server(args.target)
            port = server.wait_listening()
            report("started %s (pid %d), listening on %s:%d" % (
                " ".join(server.argv), server.proc.pid, HOST, port))
        asyncio.run(run_checks(port, args, report))
    except CheckFailed as e:
        failure = str(e)
    except (OSError, websockets.WebSocketException) as e:
        failure = "%s: %s" % (type(e).__name__, e)
    finally:
        if server is not None:
            if failure is None and server.proc.poll() is not None:
                failure = "the server exited during the checks (%s)" % server.state()
            rc = server.stop()
            if failure is None:
                if rc is None:
                    failure = "the server did not exit within 5 s of SIGTERM (killed)"
                elif rc != 0:
                    failure = "the server exited with %d on SIGTERM" % rc
                else:
                    report("ok   the server exited 0 on SIGTERM")

    if failure is not None:
        print("FAIL %s" % failure, file=sys.stderr)
        if server is not None and server.lines:
            print("  server stderr (last lines):\n" + server.tail(), file=sys.stderr)
        return 1
    print("all checks passed (%.1f s)" % (time.monotonic() - started))
    return 0


if __name__ == "__main__":
    sys.exit(main())
