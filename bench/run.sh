#!/bin/bash
# make bench: measures chatd and its peers (Node's ws, libwebsockets) with the
# same chat-bench runs, server pinned to CPU 0 and chat-bench to CPU 1, each
# run REPEATS times, then writes bench/RESULTS.md (bench/report.py).
#
# Environment: BUILD (default build), REPEATS (3), SERVERS ("chatd ws lws"),
# SCENARIOS ("echo fanout1000 fanout100x100 idle"), QUICK=1 for short runs.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
REPEATS=${REPEATS:-3}
SERVERS=${SERVERS:-"chatd ws lws"}
SCENARIOS=${SCENARIOS:-"echo fanout1000 fanout100x100 idle"}
DURATION=${DURATION:-5}
[ "${QUICK:-0}" = 1 ] && DURATION=2
OUT=${OUT:-$BUILD/bench}
PYTHON=/usr/bin/python3
mkdir -p "$OUT"
RAW="$OUT/raw.jsonl"
: > "$RAW"

ulimit -n "$(ulimit -Hn)"
SERVER_PID=""

free_port() { "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_server() {  # name port
  local log="$OUT/$1.log"
  case "$1" in
    chatd) taskset -c 0 "$BUILD/chatd" --listen "127.0.0.1:$2" --echo /echo --broadcast /broadcast \
             --max-connections 19500 --log-level warn 2>"$log" & ;;
    ws)    taskset -c 0 node bench/peers/ws/server.mjs "$2" 2>"$log" & ;;
    lws)   taskset -c 0 "$BUILD/peers/lws_server" "$2" 2>"$log" & ;;
  esac
  SERVER_PID=$!
  for _ in $(seq 100); do
    if "$PYTHON" -c "import socket,sys; socket.create_connection(('127.0.0.1',$2),0.1)" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "bench: $1 did not start (see $log)" >&2
  return 1
}

stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}
trap stop_server EXIT

bench() {  # server scenario repeat port args...
  local server=$1 scenario=$2 repeat=$3 port=$4
  shift 4
  taskset -c 1 "$BUILD/chat-bench" "$@" --json | while read -r line; do
    echo "{\"server\":\"$server\",\"case\":\"$scenario\",\"repeat\":$repeat,\"result\":$line}" >> "$RAW"
  done
}

run_case() {  # server scenario repeat port
  local server=$1 scenario=$2 repeat=$3 port=$4 url="ws://127.0.0.1:$4"
  case "$scenario" in
    echo)
      bench "$@" echo --url "$url/echo" --connections 100 --size 32 --duration "$DURATION" --server-pid "$SERVER_PID" ;;
    fanout1000)
      bench "$@" fanout --url "$url/broadcast?r={room}" --connections 1000 --rooms 1 --senders 10 \
        --duration "$DURATION" --rates "${FANOUT1000_RATES:-100,300,1000,2000,3000}" --server-pid "$SERVER_PID" ;;
    fanout100x100)
      bench "$@" fanout --url "$url/broadcast?r={room}" --connections 10000 --rooms 100 --senders 100 \
        --duration "$DURATION" --rates "${FANOUT100_RATES:-250,500,1000,1500,2000}" --server-pid "$SERVER_PID" ;;
    idle)
      bench "$@" idle --url "$url/echo" --connections "${IDLE_CONNECTIONS:-19000}" --duration 2 --warmup 0 \
        --server-pid "$SERVER_PID" ;;
  esac
}

for scenario in $SCENARIOS; do
  for server in $SERVERS; do
    for repeat in $(seq "$REPEATS"); do
      port=$(free_port)
      start_server "$server" "$port"
      echo "bench: $scenario against $server (run $repeat of $REPEATS)" >&2
      run_case "$server" "$scenario" "$repeat" "$port"
      stop_server
    done
  done
done

"$PYTHON" bench/report.py "$RAW" > bench/RESULTS.md
echo "bench: wrote bench/RESULTS.md" >&2
