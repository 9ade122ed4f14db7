#!/usr/bin/python3
"""Turns make bench's raw chat-bench JSON lines into bench/RESULTS.md.

Per case and server: the median over repeats and the spread (min..max), the
ratio chatd/peer, and the bar from issue 3. A fan-out run "sustains" a rate
when p99 latency stays under 50 ms, at least 99% of the expected deliveries
arrive and nothing fails; its score is the highest throughput it sustained.
"""
import json
import math
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


def chat_score(case, runs):
    """One number per repeat for the chat cases (see CHAT_CASES for the unit and direction)."""
    r = runs[0]
    if case in ("chat-fanout1000", "chat-fanout100x100"):
        return sustained(runs)
    if case == "chat-ack":
        return r["ack_latency_us"]["p99"] / 1000 if "ack_latency_us" in r else float("nan")
    if case.startswith("chat-connect"):
        whole = r["opened"] == r["connections"] and not r["errors"]
        return r["open_seconds"] if whole else float("nan")
    if case == "chat-idle":
        return r.get("server_anon_bytes_per_connection", float("nan"))
    return r["throughput"]


def score(case, runs):
    """One number per repeat: higher is better except for idle (bytes/connection)."""
    if case.startswith("chat-"):
        return chat_score(case, runs)
    if case.startswith("echo"):
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


def times(r):
    # Rounded down, so that a ratio shown never claims more than was measured
    # (2.996 is 2.99x, not a 3.00x that misses a 3x bar).
    return f"{math.floor(r * 100) / 100:.2f}x"


def main(path):
    lines = [json.loads(l) for l in open(path) if l.strip()]
    grouped = defaultdict(lambda: defaultdict(list))  # case -> server -> repeat -> [results]
    for l in lines:
        grouped[l["case"]][(l["server"], l["repeat"])].append(l["result"])

    loads = defaultdict(float)  # case -> highest load average seen when a run started
    for l in lines:
        loads[l["case"]] = max(loads[l["case"]], l.get("load", 0.0))
    table = defaultdict(dict)  # case -> server -> (median, lo, hi, saturated, extra)
    chat = {}  # case -> [per repeat: (score, runs)]
    for case, by_run in grouped.items():
        if case.startswith("cluster-"):
            continue  # cluster_section
        if case.startswith("chat-"):
            chat[case] = [(chat_score(case, runs), runs) for (server, _), runs in sorted(by_run.items())
                          if server == "chatd"]
            continue
        per_server = defaultdict(list)
        for (server, _), runs in by_run.items():
            saturated = any(r.get("generator_saturated") for r in runs)
            server_cpu = max((r.get("server_cpu", -1) for r in runs), default=-1)
            p99 = statistics.median(r["latency_us"]["p99"] for r in runs) if case.startswith("echo") else None
            opened = runs[0]["open_seconds"] if case.startswith("idle") else None
            per_server[server].append((score(case, runs), saturated, p99, opened, server_cpu))
        for server, scores in per_server.items():
            values = [s[0] for s in scores]
            table[case][server] = {
                "median": statistics.median(values), "lo": min(values), "hi": max(values),
                "saturated": any(s[1] for s in scores), "n": len(values),
                "p99": statistics.median(s[2] for s in scores) if case.startswith("echo") else None,
                "open": statistics.median(s[3] for s in scores) if case.startswith("idle") else None,
                "server_cpu": statistics.median(s[4] for s in scores),
            }

    ws_version = sh("node", "-p", 'require("./bench/peers/ws/node_modules/ws/package.json").version')
    # The commit run.sh recorded when the runs started, else the current one.
    recorded = sorted({l["commit"] for l in lines if l.get("commit") and l["server"] != "baseline"})
    commit = ", ".join(recorded) if recorded else \
        sh("git", "rev-parse", "--short", "HEAD") + (" (dirty)" if sh("git", "status", "--porcelain") else "")
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
    def ratio(case, peer, inverse=False):
        c, p = table.get(case, {}).get("chatd"), table.get(case, {}).get(peer)
        if not c or not p or not c["median"] or not p["median"]:
            return None
        return p["median"] / c["median"] if inverse else c["median"] / p["median"]

    for case in ["echo", "fanout1000", "fanout100x100", "idle"]:
        if case not in table:
            continue
        for server in ["chatd", "ws", "lws"]:
            row = table[case].get(server)
            if not row:
                continue
            shown = ""
            r = ratio(case, server, inverse=case == "idle") if server != "chatd" else None
            if r is not None:
                shown = times(r) + (" (peer/chatd memory)" if case == "idle" else "")
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
            out.append(f"| {case} | {server} | {fmt(row['median'], unit)} | {fmt(row['lo'])}..{fmt(row['hi'])} | {shown} | {'; '.join(notes)} |")

    bar = [("echo >= 2.0x ws", ratio("echo", "ws"), 2.0),
           ("echo >= 1.05x lws", ratio("echo", "lws"), 1.05),
           ("fanout1000 >= 10x ws", ratio("fanout1000", "ws"), 10.0),
           ("fanout100x100 >= 3x ws", ratio("fanout100x100", "ws"), 3.0),
           ("idle memory <= 1/20 of ws", ratio("idle", "ws", inverse=True), 20.0)]
    idle = table.get("idle", {}).get("chatd")
    out += ["", "## The bar (issue 3)", "", "| target | measured | met |", "| --- | --- | --- |"]
    for name, value, need in bar:
        out.append(f"| {name} | {'n/a' if value is None else times(value)} | "
                   f"{'n/a' if value is None else ('yes' if value >= need else 'NO')} |")
    if idle:
        out.append(f"| idle <= 300 bytes per connection | {idle['median']:.0f} B | {'yes' if idle['median'] <= 300 else 'NO'} |")
    out.append("")
    out += tls_section(table, grouped, lines)
    out += deflate_section(table, grouped, lines)
    out += chat_section(chat, loads)
    out += cluster_section(grouped, lines)
    out += scale_section(grouped, lines)
    out += baseline_section(grouped, lines)
    # Hand-written findings (profiles, saturation) kept beside the generated tables.
    notes = os.path.join(os.path.dirname(os.path.abspath(__file__)), "profile-notes.md")
    if os.path.exists(notes):
        out.append(open(notes).read())
    print("\n".join(out))


# A variant of a plain case (TLS, deflate) -> (its plain case, unit, the goal, how the goal reads). The goal:
# ("ratio", r) variant/plain >= r; ("bytes", b) the variant's median <= b; ("same", f) within f of plain (or 8 B).
TLS_CASES = {
    "echo-tls": ("echo", "/s", None, ""),
    "fanout1000-tls": ("fanout1000", "/s", ("ratio", 0.5), ">= 50% of plain"),
    "idle-tls": ("idle", " B", ("bytes", 2048), "<= 2 KiB per idle TLS WebSocket"),
}
DEFLATE_CASES = {
    "echo-deflate": ("echo", "/s", None, ""),
    "fanout1000-deflate": ("fanout1000-text", "/s", ("ratio", 0.8), ">= 80% of plain"),
    "idle-deflate": ("idle", " B", ("same", 0.02), "= plain (no zlib state per connection)"),
}


def tls_section(table, grouped, lines):
    """The *-tls cases against their plain cases on chatd: the cost of TLS, as ratios TLS/plain."""
    intro = ("Each TLS case is its plain case over `wss://` (chat-bench's `--url wss://...`), against chatd started "
             "with `--tls-cert`/`--tls-key`: a throwaway self-signed P-256 (ECDSA) certificate made by run.sh; "
             "TLS 1.3 between chatd and chat-bench, which verifies nothing (no `--ca`) and resumes no session, so "
             "every connection is a full handshake. Same pinning, repeats and scores as the plain cases; the ratio "
             "is of the medians, TLS/plain (idle: bytes, lower is better).")
    return variant_section(table, grouped, lines, TLS_CASES, "TLS", "## TLS: wss:// against ws:// (chatd)", intro,
                           ("plain (ws://)", "TLS (wss://)"))


def wire_per_delivery(grouped, case):
    """Bytes received on the wire per message delivered, over every chatd run of the case; None without deliveries."""
    runs = [r for (s, _), rs in grouped.get(case, {}).items() if s == "chatd" for r in rs]
    received = sum(r["received"] for r in runs)
    return sum(r.get("wire_bytes", 0) for r in runs) / received if received else None


def same_rate_cpu(grouped, case, plain_case):
    """The highest rate every repeat of both sustained (else the lowest offered), and per case the medians of
    server CPU (cores) and deliveries/s there: the two servers' work at the same deliveries/s."""
    def by_rate(c):
        rates = defaultdict(list)
        for (s, _), runs in grouped.get(c, {}).items():
            for r in runs if s == "chatd" else ():
                rates[r["offered_rate"]].append(r)
        return rates
    mine, plain = by_rate(case), by_rate(plain_case)
    common = sorted(set(mine) & set(plain))
    if not common:
        return None
    both = [rate for rate in common if all(is_sustained(r) for r in mine[rate] + plain[rate])]
    rate = both[-1] if both else common[0]
    med = lambda runs, key: statistics.median(r.get(key, -1) for r in runs)
    return rate, [(med(runs[rate], "server_cpu"), med(runs[rate], "throughput")) for runs in (mine, plain)]


def deflate_notes(case, plain_case, grouped):
    notes = []
    runs = [rs for (s, _), rs in grouped[case].items() if s == "chatd"]
    negotiated = statistics.median(rs[0].get("deflate_sessions", 0) for rs in runs)
    opened = statistics.median(rs[0].get("opened", 0) for rs in runs)
    notes.append(f"{negotiated:,.0f} of {opened:,.0f} connections negotiated permessage-deflate")
    if case.startswith("fanout"):
        same = same_rate_cpu(grouped, case, plain_case)
        if same and all(cpu > 0 and thr > 0 for cpu, thr in same[1]):
            rate, ((cpu, thr), (plain_cpu, plain_thr)) = same
            notes.append(f"at {rate:,.0f} msgs/s, the highest rate both sustained: server CPU {cpu * 100:.0f}% "
                         f"(plain {plain_cpu * 100:.0f}%), {cpu / thr * 1e9:,.0f} ns per delivery (plain "
                         f"{plain_cpu / plain_thr * 1e9:,.0f} ns), so deliveries per CPU-second "
                         f"{times((plain_cpu / plain_thr) / (cpu / thr))} plain's")
    return notes


def deflate_section(table, grouped, lines):
    """The *-deflate cases against their plain cases on chatd: what permessage-deflate costs and saves."""
    intro = ("Each deflate case is its plain case with chat-bench's `--deflate`: every connection offers "
             "permessage-deflate (RFC 7692), which chatd (`--deflate on`, the default) accepts with no context "
             "takeover, and chat-bench inflates what arrives compressed; what chat-bench sends stays uncompressed. "
             "chatd compresses a message of at least `--deflate-min-size` (64 bytes) once, whatever the number of "
             "members it goes to, and sends it plain when that is no smaller. echo's 32-byte messages are under "
             "that size, so echo-deflate measures negotiating alone. fanout1000-text is fanout1000 sending chatd's "
             "own message event (~300 bytes of JSON, run.sh's FANOUT_TEXT) instead of the send time alone (~21 "
             "bytes, too short to compress), and fanout1000-deflate sends the same. Same pinning, repeats and scores "
             "as the plain cases; the ratio is of the medians, deflate/plain (idle: bytes, lower is better). Bytes on "
             "the wire per delivery: WebSocket bytes chat-bench received (frame headers included) over messages "
             "delivered, in every run of the case.")
    def wire(case, plain_case):
        plain, mine = wire_per_delivery(grouped, plain_case), wire_per_delivery(grouped, case)
        shown = lambda x: "" if x is None else f"{x:,.1f} B"
        share = f" ({mine / plain * 100:.0f}%)" if plain and mine is not None else ""
        return [shown(plain), shown(mine) + share]
    return variant_section(table, grouped, lines, DEFLATE_CASES, "deflate",
                           "## permessage-deflate: compressed against plain (chatd)", intro, ("plain", "deflate"),
                           ("wire bytes per delivery, plain", "deflate"), wire,
                           lambda case, plain_case: deflate_notes(case, plain_case, grouped))


def variant_section(table, grouped, lines, variants, label, heading, intro, columns, extra_columns=(),
                    extra_cells=None, extra_notes=None):
    """Each variant case (`variants`) beside its plain case from the same run, on chatd: ratios variant/plain."""
    cases = [c for c in variants if c in table and "chatd" in table[c]]
    if not cases:
        return []
    def commits(case):
        return sorted({l["commit"] for l in lines if l["case"] == case and l["server"] == "chatd"})
    def top_rate(case):
        """Medians over the repeats of the highest rate offered: deliveries/s and p99."""
        tops = [max(runs, key=lambda r: r["offered_rate"]) for (s, _), runs in grouped[case].items() if s == "chatd"]
        return (statistics.median(r["throughput"] for r in tops), statistics.median(r["latency_us"]["p99"] for r in tops),
                tops[0]["offered_rate"])
    header = ["case", *columns, f"ratio {label}/plain", "goal", "met", *extra_columns, "notes"]
    out = [heading, "", intro, "", "| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for case in cases:
        plain_case, unit, goal, goal_text = variants[case]
        mine, plain = table[case]["chatd"], table.get(plain_case, {}).get("chatd")
        ratio = mine["median"] / plain["median"] if plain and plain["median"] else None
        met = ""
        if goal and goal[0] == "ratio" and ratio is not None:
            met = "yes" if ratio >= goal[1] else "NO"
        elif goal and goal[0] == "bytes":
            met = "yes" if mine["median"] <= goal[1] else "NO"
        elif goal and goal[0] == "same" and plain:
            met = "yes" if abs(mine["median"] - plain["median"]) <= max(goal[1] * plain["median"], 8) else "NO"
        notes = []
        if plain:
            same = commits(case) == commits(plain_case)
            notes.append(f"commit {', '.join(commits(case))}" + ("" if same else f" (plain: {', '.join(commits(plain_case))})"))
        if mine["p99"] is not None:
            notes.append(f"p99 {mine['p99'] / 1000:.2f} ms" + (f" (plain {plain['p99'] / 1000:.2f} ms)" if plain else ""))
        if case.startswith("fanout"):
            throughput, p99, rate = top_rate(case)
            notes.append(f"at the highest rate offered ({rate:.0f} msgs/s): {throughput:,.0f} deliveries/s, "
                         f"p99 {p99 / 1000:.1f} ms")
        if mine["server_cpu"] >= 0 and not case.startswith("idle"):
            notes.append(f"server CPU {mine['server_cpu'] * 100:.0f}%"
                         + (f" (plain {plain['server_cpu'] * 100:.0f}%)" if plain and plain["server_cpu"] >= 0 else "")
                         + (" at the highest rate" if case.startswith("fanout") else ""))
        if case.startswith("idle") and plain:
            notes.append(f"{label} adds {mine['median'] - plain['median']:,.0f} B per connection")
        if mine["open"] is not None:
            notes.append(f"all open in {mine['open']:.2f} s" + (f" (plain {plain['open']:.2f} s)" if plain else ""))
        if extra_notes:
            notes += extra_notes(case, plain_case)
        if mine["saturated"]:
            notes.append("generator saturated: a floor, not a measure")
        errors = defaultdict(int)
        for (s, _), runs in grouped[case].items():
            for r in runs:
                for k, v in (r["errors"].items() if s == "chatd" else ()):
                    errors[k] += v
        if errors:
            notes.append("errors: " + ", ".join(f"{k} {v}" for k, v in sorted(errors.items())))
        shown = lambda row: f"{fmt(row['median'], unit)} ({fmt(row['lo'])}..{fmt(row['hi'])})" if row else "n/a"
        cells = [case, shown(plain), shown(mine), "n/a" if ratio is None else times(ratio), goal_text, met,
                 *(extra_cells(case, plain_case) if extra_cells else []), "; ".join(notes)]
        out.append("| " + " | ".join(cells) + " |")
    out.append("")
    return out


# case -> (what is measured, unit, higher is better, bar, how the bar reads)
CHAT_CASES = {
    "chat-fanout1000": ("`chat-fanout --connections 1000 --rooms 1 --senders 10 --rates ...`: one room of 1,000",
                        "deliveries/s sustained (p99 send->delivery < 50 ms, >= 99% delivered, no errors)",
                        True, 400_000, ">= 400k deliveries/s, p99 < 50 ms"),
    "chat-fanout100x100": ("`chat-fanout --connections 10000 --rooms 100 --senders 100 --rates ...`",
                           "deliveries/s sustained (the same rule)", True, 60_000, ">= 60k deliveries/s"),
    "chat-ack": ("`chat-fanout --connections 1000 --rooms 100 --senders 100 --rate 1000`",
                 "p99 send->ack at the sender, ms", False, 5.0, "< 5 ms at 1,000 msgs/s"),
    "chat-idle": ("`chat-idle --connections 10000 --rooms 100 --members-first --server-pid PID`",
                  "server memory allocated per joined session (RssAnon), bytes", False, 1024,
                  "<= 1 KiB per authenticated joined session"),
    "chat-connect": ("`chat-connect --connections 19000 --rooms 190 --members-first`: known users",
                     "seconds until all 19,000 joined (connect + auth + join)", False, 3.0, "< 3 s for 19,000"),
    "chat-connect10": ("`chat-connect --connections 19000 --rooms 1900 --members-first`: known users, rooms of 10",
                       "seconds until all 19,000 joined", False, 3.0, "< 3 s for 19,000"),
    "chat-connect-new": ("`chat-connect --connections 19000 --rooms 190`: users new to chatd",
                         "seconds until all 19,000 joined (chatd creates each user first)", False, None, ""),
    "chat-history": ("`chat-history --connections 100 --rooms 10 --history-fill 200 --history-limit 50`",
                     "history requests/s (closed loop)", True, None, ""),
    "chat-mixed": ("`chat-mixed --connections 10000 --rooms 100 --senders 100 --rate 500 --history-rate 200 "
                   "--typing-rate 500`", "deliveries/s", True, None, ""),
}


def chat_notes(case, runs_list):
    notes = []
    if any(r.get("generator_saturated") for _, runs in runs_list for r in runs):
        notes.append("generator saturated in some run: a floor")
    best = [max((r for r in runs), key=lambda r: r["throughput"]) for _, runs in runs_list]
    def med(values):
        values = [v for v in values if v == v]
        return statistics.median(values) if values else float("nan")
    if case in ("chat-fanout1000", "chat-fanout100x100"):
        # The highest rate offered, to show where it stops keeping up.
        top = [max(runs, key=lambda r: r["offered_rate"]) for _, runs in runs_list]
        notes.append(f"at the highest rate offered ({top[0]['offered_rate']:.0f} msgs/s): "
                     f"{med([r['throughput'] for r in top]):,.0f} deliveries/s, "
                     f"p99 {med([r['latency_us']['p99'] for r in top]) / 1000:.1f} ms, "
                     f"server CPU {med([r.get('server_cpu', -1) for r in top]) * 100:.0f}%")
        sustained_runs = [r for _, runs in runs_list for r in runs
                          if r["latency_us"]["p99"] < P99_BOUND_US and r["received"] >= 0.99 * r["expected"]
                          and not r["errors"] and r["expected"] > 0]
        if sustained_runs:
            r = max(sustained_runs, key=lambda r: r["throughput"])
            notes.append(f"best sustained run: p99 delivery {r['latency_us']['p99'] / 1000:.1f} ms, "
                         f"p99 ack {r.get('ack_latency_us', {}).get('p99', 0) / 1000:.1f} ms")
    elif case == "chat-ack":
        notes.append(f"p50 ack {med([r['ack_latency_us']['p50'] for r in best]) / 1000:.2f} ms, "
                     f"p99 delivery {med([r['latency_us']['p99'] for r in best]) / 1000:.2f} ms")
    elif case.startswith("chat-connect"):
        notes.append(f"p50 connect->joined {med([r['latency_us']['p50'] for r in best]) / 1000:.0f} ms, "
                     f"p99 {med([r['latency_us']['p99'] for r in best]) / 1000:.0f} ms")
        cpu = med([r.get("server_cpu", -1) for r in best])
        if cpu >= 0:
            notes.append(f"server CPU {cpu * 100:.0f}%")
    elif case == "chat-history":
        notes.append(f"p99 {med([r['latency_us']['p99'] for r in best]) / 1000:.2f} ms")
    elif case == "chat-mixed":
        notes.append(f"p99 delivery {med([r['latency_us']['p99'] for r in best]) / 1000:.1f} ms, "
                     f"ack {med([r.get('ack_latency_us', {}).get('p99', 0) for r in best]) / 1000:.1f} ms, "
                     f"history {med([r.get('history_latency_us', {}).get('p99', 0) for r in best]) / 1000:.1f} ms")
    errors = defaultdict(int)
    for _, runs in runs_list:
        for r in runs:
            for k, v in r["errors"].items():
                errors[k] += v
    if errors:
        notes.append("errors: " + ", ".join(f"{k} {v}" for k, v in sorted(errors.items())))
    return notes


def chat_section(chat, loads):
    if not chat:
        return []
    out = ["## Chat path (issue 5)", "",
           "chatd's own protocol on `/ws`, chatd only (the peers have no chat protocol). chatd runs with a fresh "
           "data directory, `--rate 0` (no per-session message limit), `--argon2-memory 1024` and a "
           "`--jwt-secret` with which chat-bench mints each session's token (users `bench:<i>`). Every message "
           "goes through the store (SQLite, group commit) before its ack and fan-out. Same pinning and repeats "
           "as above; \"load\" is the highest 1-minute load average when a run started (above ~2, other work "
           "competed for the two CPUs).", "",
           "| case | run | measures | median | spread | met bar | notes |",
           "| --- | --- | --- | --- | --- | --- | --- |"]
    for case, (command, unit, higher, bar, bar_text) in CHAT_CASES.items():
        if case not in chat:
            continue
        values = [v for v, _ in chat[case]]
        good = [v for v in values if v == v]
        median = statistics.median(good) if good else float("nan")
        spread = f"{fmt(min(good))}..{fmt(max(good))}" if good else "n/a"
        met = ""
        if bar is not None:
            ok = median == median and (median >= bar if higher else median <= bar if case == "chat-idle" else median < bar)
            met = f"{'yes' if ok else 'NO'} ({bar_text})"
        notes = chat_notes(case, chat[case])
        notes.append(f"load {loads.get(case, 0):.1f}")
        out.append(f"| {case} | {command} | {unit} | {fmt(median)} | {spread} | {met} | {'; '.join(notes)} |")
    out.append("")
    return out


# case -> (the standalone chat case of the same shape, the chat-fanout command)
CLUSTER_CASES = {
    "cluster-fanout100x100": ("chat-fanout100x100", "`chat-fanout --connections 10000 --rooms 100 --senders 100 --rates ...`"),
    "cluster-fanout1000": ("chat-fanout1000", "`chat-fanout --connections 1000 --rooms 1 --senders 10 --rates ...`"),
}


def is_sustained(r):
    return (r["latency_us"]["p99"] < P99_BOUND_US and r["received"] >= 0.99 * r["expected"]
            and not r["errors"] and r["expected"] > 0)


def reference_run(runs):
    """The run a sweep's side figures come from: the best sustained one, else the lowest rate offered."""
    good = [r for r in runs if is_sustained(r)]
    return max(good, key=lambda r: r["throughput"]) if good else min(runs, key=lambda r: r["offered_rate"])


def cluster_figures(runs_per_repeat):
    """Medians over the repeats of one server's sweeps: sustained deliveries/s and the reference run's figures."""
    def med(values):
        values = [v for v in values if v is not None and v == v]
        return statistics.median(values) if values else float("nan")
    refs = [reference_run(runs) for runs in runs_per_repeat]
    scores = [sustained(runs) for runs in runs_per_repeat]
    def per_message(r):
        return r["redis_commands"] / r["sent"] if "redis_commands" in r and r["sent"] else None
    return {
        "median": med(scores), "lo": min(scores), "hi": max(scores),
        "ack_p99_ms": med([r["ack_latency_us"]["p99"] / 1000 if "ack_latency_us" in r else None for r in refs]),
        "delivery_p99_ms": med([r["latency_us"]["p99"] / 1000 for r in refs]),
        "rate": med([r["offered_rate"] for r in refs]),
        "server_cpu": med([r.get("server_cpu") for r in refs]),
        "redis_cpu": med([r.get("redis_cpu") for r in refs]),
        "redis_per_message": med([per_message(r) for r in refs]),
        "saturated": any(r.get("generator_saturated") for runs in runs_per_repeat for r in runs),
        "errors": sum(v for runs in runs_per_repeat for r in runs for v in r["errors"].values()),
        "none_sustained": not any(is_sustained(r) for runs in runs_per_repeat for r in runs),
    }


# The servers of the cluster cases besides the standalone chatd (bench/run.sh), and what each is.
CLUSTERS = ("cluster", "sharded")
CLUSTERS_SHAPE = {"cluster": "2 nodes, 1 redis", "sharded": "2 nodes, 2 redis shards"}


def cluster_section(grouped, lines):
    """The cluster cases: 2 chatd nodes on one redis-server against the standalone chatd, from the same run."""
    cases = [c for c in CLUSTER_CASES if c in grouped]
    if not cases:
        return []
    pinning = sorted({l.get("pinning", "") for l in lines if l["server"] in CLUSTERS and l.get("pinning")})
    out = ["## Cluster on Redis (issue 13)", "",
           "Each repeat runs the same chat-fanout sweep against the standalone chatd (SQLite, as in the chat "
           "cases) and against a cluster: one redis-server (own directory, no persistence) and 2 chatd nodes "
           "with `--redis`, chat-bench spreading every room's members over both nodes (`--url A,B`: the k-th "
           "member on node k mod 2, so half of a room's deliveries cross nodes); and (server \"sharded\") the "
           "same 2 nodes with the rooms sharded over 2 redis-servers on the same core (`--redis A,B`), whose "
           "redis figures are the two servers' sums. Pinning: "
           + ("; ".join(pinning) if pinning else "n/a") + ". On 2 CPUs the whole cluster shares the standalone "
           "chatd's one core, so the ratio is what the cluster's extra work (Redis round trips, the bus) costs on "
           "the same core, not how it scales. Sustained: the highest deliveries/s with p99 send->delivery < 50 ms, "
           ">= 99% delivered, no errors; the other figures are from that run (else the lowest rate offered): "
           "p99 send->ack, CPU of the chatd nodes (summed) and of redis-server over the measured window (of a "
           "core), and Redis commands per message sent (INFO total_commands_processed over the window / "
           "messages sent).", "",
           "| case | server | sustained deliveries/s | spread | ratio cluster/standalone | at msgs/s | p99 ack | "
           "p99 delivery | chatd CPU | redis CPU | redis commands/message | notes |",
           "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for case in cases:
        shape, command = CLUSTER_CASES[case]
        figures = {}
        for server in ("chatd",) + CLUSTERS:
            sweeps = [runs for (s, _), runs in sorted(grouped[case].items()) if s == server]
            if sweeps:
                figures[server] = cluster_figures(sweeps)
        standalone, cluster = figures.get("chatd"), figures.get("cluster")
        for server, f in figures.items():
            shown = ""
            if server != "chatd" and standalone and standalone["median"] and f["median"] == f["median"]:
                shown = times(f["median"] / standalone["median"])
            notes = [f"{command} ({'shape of ' + shape if server == 'chatd' else CLUSTERS_SHAPE[server]})"]
            if f["none_sustained"]:
                notes.append("no rate sustained: the figures are the lowest rate's")
            if f["saturated"]:
                notes.append("generator saturated in some run: a floor")
            if f["errors"]:
                notes.append(f"{f['errors']} errors")
            pct = lambda x: "n/a" if x != x else f"{x * 100:.0f}%"
            clustered = server != "chatd"
            out.append(f"| {case} | {'standalone chatd' if not clustered else server} | {fmt(f['median'])} | "
                       f"{fmt(f['lo'])}..{fmt(f['hi'])} | {shown} | {fmt(f['rate'])} | {fmt(f['ack_p99_ms'], ' ms')} | "
                       f"{fmt(f['delivery_p99_ms'], ' ms')} | {pct(f['server_cpu'])} | "
                       f"{pct(f['redis_cpu']) if clustered else ''} | "
                       f"{fmt(f['redis_per_message']) if clustered else ''} | {'; '.join(notes)} |")
        if cluster is None:
            out.append(f"| {case} | cluster | n/a | | | | | | | | | not measured |")
    out.append("")
    return out


def scale_section(grouped, lines):
    """cluster-scale: one chatd --workers N on one redis-server, every session joined at once; one row per run."""
    runs = sorted((repeat, r, l) for l in lines if l["case"] == "cluster-scale"
                  for repeat, r in [(l["repeat"], l["result"])])
    if not runs:
        return []
    pinning = sorted({l.get("pinning", "") for _, _, l in runs if l.get("pinning")})
    out = ["## Cluster scale: chatd --workers on one Redis (issue 13)", "",
           "`chat-connect --members-first --jwt-secret` against one chatd `--workers` (SO_REUSEPORT) on one "
           "redis-server (own directory, no persistence): known users, already members of their rooms of 100, "
           "connecting at the rate shown (connect + auth with a minted token + `join_room`), by several "
           "chat-bench processes that wait for each other before the figures are read. Pinning: "
           + ("; ".join(pinning) if pinning else "n/a") + ". Per session joined: the workers' summed RSS "
           "growth (VmRSS; RssAnon, what they allocated, in brackets), redis-server's `used_memory` growth, "
           "and Redis commands (INFO total_commands_processed over the opening). \"load\": the 1-minute load "
           "average when the run started (above ~2, other work competed for the two CPUs).", "",
           "| run | joined | at | time to all joined | p50 joined in | p99 joined in | chatd bytes/session | "
           "redis bytes/session | redis commands/join | chatd CPU | redis CPU | errors | load |",
           "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    pct = lambda x: "n/a" if x is None else f"{x * 100:.0f}%"
    for repeat, r, l in runs:
        joined = r["opened"]
        commands = r.get("redis_commands")
        errors = ", ".join(f"{k} {v:,}" for k, v in r["errors"].items()) or "none"
        out.append(f"| {repeat} | {joined:,} of {r['connections']:,} | "
                   f"{'unpaced' if not r['offered_rate'] else fmt(r['offered_rate'], '/s')} | {r['open_seconds']:.1f} s | "
                   f"{r['latency_us']['p50'] / 1000:.0f} ms | {r['latency_us']['p99'] / 1000:.0f} ms | "
                   f"{fmt(r.get('server_bytes_per_connection', float('nan')))} "
                   f"({fmt(r.get('server_anon_bytes_per_connection', float('nan')))}) | "
                   f"{fmt(r.get('redis_bytes_per_connection', float('nan')))} | "
                   f"{fmt(commands / joined if commands is not None and joined else float('nan'))} | "
                   f"{pct(r.get('server_cpu'))} | {pct(r.get('redis_cpu'))} | {errors} | {l.get('load', 0):.1f} |")
    out.append("")
    return out


def lower_is_better(case):
    return case.startswith("idle") or case in ("chat-idle", "chat-ack") or case.startswith("chat-connect")


def baseline_section(grouped, lines):
    """chatd against BASELINE (an earlier build) from the same run: the cost of a change."""
    base_commit = sorted({l["commit"] for l in lines if l["server"] == "baseline"})
    rows = []
    for case, by_run in grouped.items():
        medians = {}
        for server in ("chatd", "baseline"):
            values = [score(case, runs) for (s, _), runs in by_run.items() if s == server]
            values = [v for v in values if v == v]
            if values:
                medians[server] = (statistics.median(values), min(values), max(values))
        if len(medians) < 2:
            continue
        (now, lo, hi), (before, blo, bhi) = medians["chatd"], medians["baseline"]
        change = (now - before) / before * 100 if before else float("nan")
        better = now <= before if lower_is_better(case) else now >= before
        rows.append(f"| {case} | {fmt(before)} ({fmt(blo)}..{fmt(bhi)}) | {fmt(now)} ({fmt(lo)}..{fmt(hi)}) | "
                    f"{change:+.1f}% | {'lower' if lower_is_better(case) else 'higher'} | "
                    f"{'no worse' if better else 'worse'} |")
    if not rows:
        return []
    return ["## Before and after (baseline in the same run)", "",
            f"`BASELINE=<chatd binary> bash bench/run.sh`: the baseline ({', '.join(base_commit)}) runs with the same "
            "flags, each repeat right after chatd's; medians (min..max). \"worse\" inside the spreads is noise.", "",
            "| case | baseline | now | change | better is | verdict |", "| --- | --- | --- | --- | --- | --- |",
            *sorted(rows), ""]


if __name__ == "__main__":
    main(sys.argv[1])
