#!/usr/bin/python3
"""Turns make bench's raw chat-bench JSON lines into bench/RESULTS.md.

Per case and server: the median over repeats and the spread (min..max), the
ratio chatd/peer, and the bar from issue 3. A fan-out run "sustains" a rate
when p99 latency stays under 50 ms, at least 99% of the expected deliveries
arrive and nothing fails; its score is the highest throughput it sustained.
"""
import json
import os
import platform
import statistics
import subprocess
import sys
from collections import defaultdict

P99_BOUND_US = 50_000


def sh(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return "?"


def machine():
    model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = sh("sh", "-c", "free -g | awk '/Mem:/{print $2}'")
    return f"{model}, {os.cpu_count()} cores, {mem} GiB, Linux {platform.release()}"


def sustained(runs):
    best = 0.0
    for r in runs:
        ok = (r["latency_us"]["p99"] < P99_BOUND_US and r["received"] >= 0.99 * r["expected"]
              and not r["errors"] and r["expected"] > 0)
        if ok:
            best = max(best, r["throughput"])
    return best


def score(case, runs):
    """One number per repeat: higher is better except for idle (bytes/connection)."""
    if case == "echo":
        return runs[0]["throughput"]
    if case.startswith("fanout"):
        return sustained(runs)
    return runs[0].get("server_anon_bytes_per_connection", float("nan"))


def fmt(x, unit=""):
    if x != x:  # NaN
        return "n/a"
    if x >= 1000:
        return f"{x:,.0f}{unit}"
    return f"{x:.1f}{unit}"


def main(path):
    lines = [json.loads(l) for l in open(path) if l.strip()]
    grouped = defaultdict(lambda: defaultdict(list))  # case -> server -> repeat -> [results]
    for l in lines:
        grouped[l["case"]][(l["server"], l["repeat"])].append(l["result"])

    table = defaultdict(dict)  # case -> server -> (median, lo, hi, saturated, extra)
    for case, by_run in grouped.items():
        per_server = defaultdict(list)
        for (server, _), runs in by_run.items():
            saturated = any(r.get("generator_saturated") for r in runs)
            server_cpu = max((r.get("server_cpu", -1) for r in runs), default=-1)
            p99 = statistics.median(r["latency_us"]["p99"] for r in runs) if case == "echo" else None
            opened = runs[0]["open_seconds"] if case == "idle" else None
            per_server[server].append((score(case, runs), saturated, p99, opened, server_cpu))
        for server, scores in per_server.items():
            values = [s[0] for s in scores]
            table[case][server] = {
                "median": statistics.median(values), "lo": min(values), "hi": max(values),
                "saturated": any(s[1] for s in scores), "n": len(values),
                "p99": statistics.median(s[2] for s in scores) if case == "echo" else None,
                "open": statistics.median(s[3] for s in scores) if case == "idle" else None,
                "server_cpu": statistics.median(s[4] for s in scores),
            }

    ws_version = sh("node", "-p", 'require("./bench/peers/ws/node_modules/ws/package.json").version')
    commit = sh("git", "rev-parse", "--short", "HEAD") + (" (dirty)" if sh("git", "status", "--porcelain") else "")
    out = ["# chatd benchmark results", "",
           "Written by `make bench` (bench/run.sh, bench/report.py); do not edit by hand.", "",
           f"- machine: {machine()}",
           f"- commit: {commit}",
           f"- date: {sh('date', '-u', '+%Y-%m-%d %H:%M UTC')}",
           f"- peers: node {sh('node', '--version')}, ws {ws_version}, "
           f"libwebsockets {sh('pkg-config', '--modversion', 'libwebsockets')}",
           "- method: server pinned to CPU 0 (`taskset -c 0`), chat-bench pinned to CPU 1; each case run "
           "3 times against a freshly started server; median and spread (min..max) of the repeats.",
           "", "## Cases", "",
           "| case | chat-bench command (URL varies) | score |",
           "| --- | --- | --- |",
           "| echo | `chat-bench echo --connections 100 --size 32` (closed loop) | messages/s |",
           "| fanout1000 | `chat-bench fanout --connections 1000 --rooms 1 --senders 10 --rates ...` | deliveries/s sustained with p99 < 50 ms, >= 99% delivered |",
           "| fanout100x100 | `chat-bench fanout --connections 10000 --rooms 100 --senders 100 --rates ...` | the same |",
           "| idle | `chat-bench idle --connections 19000 --server-pid PID` | server memory allocated per connection (RssAnon; lower is better) |",
           "", "## Results", "",
           "| case | server | median | spread | ratio chatd/peer | notes |",
           "| --- | --- | --- | --- | --- | --- |"]
    for case in ["echo", "fanout1000", "fanout100x100", "idle"]:
        if case not in table:
            continue
        chatd = table[case].get("chatd")
        for server in ["chatd", "ws", "lws"]:
            row = table[case].get(server)
            if not row:
                continue
            ratio = ""
            if chatd and server != "chatd" and row["median"] and chatd["median"]:
                r = (row["median"] / chatd["median"]) if case == "idle" else (chatd["median"] / row["median"])
                ratio = f"{r:.2f}x" + (" (peer/chatd memory)" if case == "idle" else "")
            notes = []
            if row["saturated"]:
                notes.append("generator saturated: a floor, not a measure")
            if row["p99"] is not None:
                notes.append(f"p99 {row['p99'] / 1000:.2f} ms")
            if row["server_cpu"] >= 0 and case != "idle":
                notes.append(f"server CPU {row['server_cpu'] * 100:.0f}% (highest rate)")
            if row["open"] is not None:
                notes.append(f"all open in {row['open']:.2f} s")
            unit = " B" if case == "idle" else "/s"
            out.append(f"| {case} | {server} | {fmt(row['median'], unit)} | {fmt(row['lo'])}..{fmt(row['hi'])} | {ratio} | {'; '.join(notes)} |")

    def ratio(case, peer, inverse=False):
        c, p = table.get(case, {}).get("chatd"), table.get(case, {}).get(peer)
        if not c or not p or not c["median"] or not p["median"]:
            return None
        return p["median"] / c["median"] if inverse else c["median"] / p["median"]

    bar = [("echo >= 2.0x ws", ratio("echo", "ws"), 2.0),
           ("echo >= 1.05x lws", ratio("echo", "lws"), 1.05),
           ("fanout1000 >= 10x ws", ratio("fanout1000", "ws"), 10.0),
           ("fanout100x100 >= 3x ws", ratio("fanout100x100", "ws"), 3.0),
           ("idle memory <= 1/20 of ws", ratio("idle", "ws", inverse=True), 20.0)]
    idle = table.get("idle", {}).get("chatd")
    out += ["", "## The bar (issue 3)", "", "| target | measured | met |", "| --- | --- | --- |"]
    for name, value, need in bar:
        out.append(f"| {name} | {'n/a' if value is None else f'{value:.2f}x'} | "
                   f"{'n/a' if value is None else ('yes' if value >= need else 'NO')} |")
    if idle:
        out.append(f"| idle <= 300 bytes per connection | {idle['median']:.0f} B | {'yes' if idle['median'] <= 300 else 'NO'} |")
    out.append("")
    # Hand-written findings (profiles, saturation) kept beside the generated tables.
    notes = os.path.join(os.path.dirname(os.path.abspath(__file__)), "profile-notes.md")
    if os.path.exists(notes):
        out.append(open(notes).read())
    print("\n".join(out))


if __name__ == "__main__":
    main(sys.argv[1])
