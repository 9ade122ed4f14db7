#!/bin/bash
# make bench: measures chatd and its peers (Node's ws, libwebsockets) with the
# same chat-bench runs, server pinned to CPU 0 and chat-bench to CPU 1, each
# run REPEATS times, then writes bench/RESULTS.md (bench/report.py).
# The chat-* cases speak chatd's own protocol (/ws) and run against chatd
# only; chatd then gets a fresh data directory, a JWT secret chat-bench mints
# tokens with, --rate 0 (no per-user message limit), --rooms-per-hour 0 (its
# one owner creates up to 1900 rooms) and a cheap
# --argon2-memory (only registration and login hash).
#
# The cluster-* cases run chat-bench's chat-fanout shapes three times per repeat:
# against the standalone chatd (server "chatd", as the chat-* cases) and
# against server "cluster": one redis-server (its own directory, no
# persistence) and 2 chatd nodes with --redis, the rooms' members spread
# over both nodes (chat-bench --url A,B). On 2 CPUs the whole cluster gets
# the standalone chatd's one core (CLUSTER_NODE_CPUS "0 0", REDIS_CPU 0) and
# chat-bench keeps CPU 1: the ratio cluster/standalone is then what the
# cluster's extra work costs on the same core, not how it scales. Server
# "sharded" is the same cluster with its rooms sharded over 2 redis-servers
# (--redis A,B), both on REDIS_CPU: what sharding costs, not what it gains.
#
# cluster-scale runs against server "workers" only: one redis-server and one
# chatd --workers SCALE_WORKERS (6) sharing the port (SO_REUSEPORT), all on
# CPU 0, chat-bench (several forked generators: 20,000 descriptors each) on
# CPU 1. SCALE_SESSIONS (100000) known users, already members of their rooms
# of 100, reconnect at SCALE_RATE per second (400; 0: unpaced): connect +
# auth (a minted token) + join. It records the time to all joined, the workers' summed RSS growth and Redis's
# used_memory growth per session, and Redis commands per join.
#
# The *-tls cases (echo-tls, fanout1000-tls, idle-tls) are echo, fanout1000
# and idle over wss://, against chatd (and a baseline) only: chatd with
# --tls-cert/--tls-key, a throwaway self-signed P-256 certificate made with
# the openssl CLI into OUT once per run; chat-bench does not verify it (no
# --ca), as a load tool would not. Run them beside their plain cases
# (SCENARIOS="echo echo-tls fanout1000 fanout1000-tls idle idle-tls"): the
# report puts each TLS figure over the plain one of the same run.
#
# The *-deflate cases (echo-deflate, fanout1000-deflate, idle-deflate) are
# echo, fanout1000-text and idle with chat-bench's --deflate, against chatd
# (and a baseline) only: chatd accepts permessage-deflate by default and
# compresses what is at least its --deflate-min-size (64 bytes), so echo's
# 32-byte messages go uncompressed and fanout1000's default message (the
# send time, ~21 bytes) would too. fanout1000-text is fanout1000 sending
# FANOUT_TEXT instead: chatd's own message event, ~300 bytes of JSON, what a
# chat client receives; fanout1000-deflate sends the same. Run each beside
# its plain case (SCENARIOS="echo echo-deflate fanout1000-text
# fanout1000-deflate idle idle-deflate"): the report puts them side by side.
#
# Environment: BUILD (default build), REPEATS (3), SERVERS ("chatd ws lws"),
# SCENARIOS (default: all cases below), QUICK=1 for short runs, APPEND=1 to
# keep the other results in the raw file and replace only these cases on these servers.
# BASELINE=path/to/chatd adds server "baseline": another chatd binary (an
# earlier commit's build) run with the same flags, each repeat right after
# chatd's, so a change's cost reads as a ratio from one run. BASELINE_COMMIT
# names it in the report (default: the binary's path). RESULTS
# (bench/RESULTS.md): where the report goes.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
REPEATS=${REPEATS:-3}
SERVERS=${SERVERS:-"chatd ws lws"}
BASELINE=${BASELINE:-}
if [ -n "$BASELINE" ]; then
  [ -x "$BASELINE" ] || { echo "bench: BASELINE=$BASELINE is not an executable" >&2; exit 2; }
  case " $SERVERS " in *" baseline "*) ;; *) SERVERS="$SERVERS baseline" ;; esac
fi
SCENARIOS=${SCENARIOS:-"echo echo-tls echo-deflate fanout1000 fanout1000-tls fanout1000-text fanout1000-deflate fanout100x100 idle idle-tls idle-deflate chat-connect chat-connect10 chat-connect-new chat-fanout1000 chat-fanout100x100 chat-ack chat-idle chat-history chat-mixed cluster-fanout100x100 cluster-fanout1000 cluster-scale"}
SCALE_SESSIONS=${SCALE_SESSIONS:-100000}
SCALE_WORKERS=${SCALE_WORKERS:-6}
SCALE_RATE=${SCALE_RATE:-400}  # cluster-scale: sessions connecting per second (0: as fast as they can; see bench/profile-notes.md)
CLUSTER_NODE_CPUS=${CLUSTER_NODE_CPUS:-"0 0"}
REDIS_CPU=${REDIS_CPU:-0}
GENERATOR_CPU=1
RUN_TIMEOUT=${RUN_TIMEOUT:-1200}  # seconds for one chat-bench invocation (a whole sweep)
DURATION=${DURATION:-5}
# fanout1000-text and fanout1000-deflate: chatd's message event (docs/protocol.md) with the send time as its created_at.
FANOUT_TEXT=${FANOUT_TEXT:-'{"type":"message","room_id":{room},"data":{"id":{seq},"seq":{seq},"user_id":3,"user":{"id":3,"username":"bob","nickname":"Bob"},"kind":"text","content":"Sounds good, I will push the fix after lunch and ping you here once the build is green again.","client_id":"b-{seq}","created_at":"{ts}"}}'}
[ "${QUICK:-0}" = 1 ] && DURATION=2
OUT=${OUT:-$BUILD/bench}
RESULTS=${RESULTS:-bench/RESULTS.md}
PYTHON=/usr/bin/python3
mkdir -p "$OUT"
TLS_CERT="$OUT/tls-cert.pem"
TLS_KEY="$OUT/tls-key.pem"
case " $SCENARIOS " in *"-tls "*)
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$TLS_KEY" -out "$TLS_CERT" \
    -days 1 -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>"$OUT/tls-cert.log" ||
    { echo "bench: openssl could not make the TLS certificate (see $OUT/tls-cert.log)" >&2; exit 2; } ;;
esac
RAW="$OUT/raw.jsonl"
if [ "${APPEND:-0}" = 1 ] && [ -f "$RAW" ]; then
  # Replaces only what this run measures: these cases on these servers.
  "$PYTHON" - "$RAW" "$SCENARIOS" "$SERVERS${BASELINE:+ baseline}" <<'PY'
import json, sys
path, cases, servers = sys.argv[1], set(sys.argv[2].split()), set(sys.argv[3].split())
def measured_now(line):
    entry = json.loads(line)
    # A cluster case always measures both its servers (chatd and cluster).
    return entry["case"] in cases and (entry["server"] in servers or entry["case"].startswith("cluster-"))
keep = [l for l in open(path) if l.strip() and not measured_now(l)]
open(path, "w").writelines(keep)
PY
else
  : > "$RAW"
fi
# The code measured: the commit, and whether the tree differed from it.
COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
[ -n "$(git status --porcelain 2>/dev/null)" ] && COMMIT="$COMMIT (dirty)"
JWT_SECRET="bench-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"

ulimit -n "$(ulimit -Hn)"
SERVER_PID=""    # the server under test (a cluster: its first node)
SERVER_PIDS=()   # every process started for it, stopped by PID in reverse order
SCRATCH_DIRS=()  # their data directories, removed after
SCRATCH=""
NODE_URLS=""     # the chat cases' --url: one node, or the cluster's comma-separated nodes
SERVER_ARGS=()   # the chat cases' --server-pid (every chatd node) and, for a cluster, --redis
PINNING=""       # recorded with each result

free_port() { "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

chatd_binary() {  # name
  if [ "$1" = baseline ]; then echo "$BASELINE"; else echo "$BUILD/chatd"; fi
}

# The chat cases' quota flags (one owner creates up to 1,900 rooms). A
# baseline from before a flag existed gets BASELINE_CHAT_FLAGS instead.
chat_flags() {  # name
  if [ "$1" = baseline ]; then echo "${BASELINE_CHAT_FLAGS---rooms-per-hour 0}"; else echo "--rooms-per-hour 0"; fi
}

# A fresh directory in SCRATCH (not by $(...): the list must grow in this
# shell). Every chatd run gets one of its own: a baseline must not meet a
# database a newer chatd has upgraded.
new_scratch_dir() {  # what
  SCRATCH=$(mktemp -d "$OUT/$1.XXXXXX")
  SCRATCH_DIRS+=("$SCRATCH")
}

wait_for_port() {  # port what log
  for _ in $(seq 100); do
    if "$PYTHON" -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),0.1)" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "bench: $2 did not start (see $3)" >&2
  return 1
}

# A chatd for the chat cases on `cpu`, in the background: its own data
# directory, the shared JWT secret, no per-user limits, cheap Argon2.
start_chat_chatd() {  # name cpu port log [more chatd flags...]
  local name=$1 cpu=$2 port=$3 log=$4
  shift 4
  new_scratch_dir chatd-data
  taskset -c "$cpu" "$(chatd_binary "$name")" --listen "127.0.0.1:$port" --data "$SCRATCH" --jwt-secret "$JWT_SECRET" \
    --rate 0 $(chat_flags "$name") --argon2-memory 1024 --max-connections 19500 --log-level warn "$@" 2>"$log" &
  SERVER_PIDS+=($!)
}

# `shards` redis-servers on REDIS_CPU, each in its own directory, no
# persistence; sets REDIS_URL (comma-separated when several, as chatd's
# --redis takes them) and REDIS_ARGS (chat-bench's --redis for each).
start_redis() {  # [shards]
  local redis_port shard
  REDIS_URL=""
  REDIS_ARGS=()
  for shard in $(seq "${1:-1}"); do
    redis_port=$(free_port)
    new_scratch_dir redis
    taskset -c "$REDIS_CPU" redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no \
      --dir "$SCRATCH" >"$OUT/cluster-redis$shard.log" 2>&1 &
    SERVER_PIDS+=($!)
    wait_for_port "$redis_port" redis-server "$OUT/cluster-redis$shard.log"
    REDIS_URL="$REDIS_URL${REDIS_URL:+,}redis://127.0.0.1:$redis_port"
    REDIS_ARGS+=(--redis "redis://127.0.0.1:$redis_port")
  done
}

# `shards` redis-servers and a chatd node per CLUSTER_NODE_CPUS entry
# sharing them; the first node listens on `port`.
start_cluster() {  # port shards
  local cpu node=0 port=$1 urls="" pids=()
  start_redis "$2"
  for cpu in $CLUSTER_NODE_CPUS; do
    [ "$node" = 0 ] || port=$(free_port)
    start_chat_chatd chatd "$cpu" "$port" "$OUT/cluster-node$node.log" --redis "$REDIS_URL"
    pids+=("${SERVER_PIDS[-1]}")
    wait_for_port "$port" "cluster node $node" "$OUT/cluster-node$node.log"
    urls="$urls${urls:+,}ws://127.0.0.1:$port/ws"
    node=$((node + 1))
  done
  SERVER_PID=${pids[0]}
  NODE_URLS=$urls
  SERVER_ARGS=("${REDIS_ARGS[@]}")
  for pid in "${pids[@]}"; do SERVER_ARGS+=(--server-pid "$pid"); done
  PINNING="chatd nodes on CPUs ${CLUSTER_NODE_CPUS// /,}, $2 redis-server(s) on CPU $REDIS_CPU, chat-bench on CPU $GENERATOR_CPU"
}

# One redis-server and one chatd --workers SCALE_WORKERS on `port`, all on
# CPU 0. The figures are the workers' (the supervisor only forks and reaps):
# --server-pid for each of its children, once all of them serve.
start_workers() {  # port
  local supervisor workers=()
  start_redis
  # Every worker holds ~1/SCALE_WORKERS of the sessions, a little more or less (SO_REUSEPORT hashes
  # the addresses); --max-connections and the descriptor limit (ulimit -n) are per worker.
  start_chat_chatd chatd 0 "$1" "$OUT/workers.log" --redis "$REDIS_URL" --workers "$SCALE_WORKERS"
  supervisor=${SERVER_PIDS[-1]}
  wait_for_port "$1" "chatd --workers" "$OUT/workers.log"
  for _ in $(seq 100); do
    mapfile -t workers < <(pgrep -P "$supervisor")
    [ "${#workers[@]}" -lt "$SCALE_WORKERS" ] || break
    sleep 0.1
  done
  [ "${#workers[@]}" = "$SCALE_WORKERS" ] || { echo "bench: chatd started ${#workers[@]} of $SCALE_WORKERS workers (see $OUT/workers.log)" >&2; return 1; }
  SERVER_PID=$supervisor
  NODE_URLS="ws://127.0.0.1:$1/ws"
  SERVER_ARGS=("${REDIS_ARGS[@]}")
  for pid in "${workers[@]}"; do SERVER_ARGS+=(--server-pid "$pid"); done
  PINNING="chatd (${SCALE_WORKERS} workers) and redis-server on CPU 0, chat-bench on CPU $GENERATOR_CPU"
}

start_server() {  # name port [chat|tls]
  local log="$OUT/$1.log" tls=()
  [ "${3:-}" = tls ] && tls=(--tls-cert "$TLS_CERT" --tls-key "$TLS_KEY")
  PINNING="server on CPU 0, chat-bench on CPU $GENERATOR_CPU"
  if [ "$1" = cluster ] || [ "$1" = sharded ]; then
    start_cluster "$2" "$([ "$1" = sharded ] && echo 2 || echo 1)"
    return
  fi
  if [ "$1" = workers ]; then
    start_workers "$2"
    return
  fi
  if [ "${3:-}" = chat ]; then
    start_chat_chatd "$1" 0 "$2" "$log"
  else
    case "$1" in
      chatd|baseline)
        new_scratch_dir chatd-data
        taskset -c 0 "$(chatd_binary "$1")" --listen "127.0.0.1:$2" --data "$SCRATCH" --echo /echo \
          --broadcast /broadcast --max-connections 19500 --log-level warn "${tls[@]}" 2>"$log" & ;;
      ws)  taskset -c 0 node bench/peers/ws/server.mjs "$2" 2>"$log" & ;;
      lws) taskset -c 0 "$BUILD/peers/lws_server" "$2" 2>"$log" & ;;
    esac
    SERVER_PIDS+=($!)
  fi
  SERVER_PID=${SERVER_PIDS[0]}
  NODE_URLS="ws://127.0.0.1:$2/ws"
  SERVER_ARGS=(--server-pid "$SERVER_PID")
  wait_for_port "$2" "$1" "$log"
}

stop_server() {
  local i pid
  for ((i = ${#SERVER_PIDS[@]} - 1; i >= 0; i--)); do
    pid=${SERVER_PIDS[i]}
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  SERVER_PIDS=()
  SERVER_PID=""
  for dir in "${SCRATCH_DIRS[@]}"; do rm -rf "$dir"; done
  SCRATCH_DIRS=()
}
trap stop_server EXIT

bench() {  # server scenario repeat port args...
  local server=$1 scenario=$2 repeat=$3 port=$4
  shift 4
  # The load average says whether anything else competed for the two CPUs.
  local load commit=$COMMIT
  load=$(cut -d' ' -f1 /proc/loadavg)
  if [ "$server" = baseline ]; then commit=${BASELINE_COMMIT:-$BASELINE}; fi
  timeout -k 10 "$RUN_TIMEOUT" taskset -c "$GENERATOR_CPU" "$BUILD/chat-bench" "$@" --json | while read -r line; do
    echo "{\"server\":\"$server\",\"case\":\"$scenario\",\"repeat\":$repeat,\"load\":$load,\"commit\":\"$commit\",\"pinning\":\"$PINNING\",\"result\":$line}" >> "$RAW"
  done
}

run_case() {  # server scenario repeat port
  local server=$1 scenario=$2 repeat=$3 port=$4 url="ws://127.0.0.1:$4" opening=10 deflate=() message=()
  # A *-tls case is its plain case over wss://. A full handshake per
  # connection opens ~1,500 a second here, so 19,000 need more than the
  # default 10 s to all open. A *-deflate case is its plain case offering
  # permessage-deflate.
  case "$scenario" in
    *-tls) url="wss://127.0.0.1:$4" opening=60 ;;
    *-deflate) deflate=(--deflate) ;;
  esac
  case "$scenario" in fanout1000-text|fanout1000-deflate) message=(--message "$FANOUT_TEXT") ;; esac
  case "$scenario" in
    echo|echo-tls|echo-deflate)
      bench "$@" echo --url "$url/echo" --connections 100 --size 32 --duration "$DURATION" "${deflate[@]}" \
        --server-pid "$SERVER_PID" ;;
    fanout1000|fanout1000-tls|fanout1000-text|fanout1000-deflate)
      bench "$@" fanout --url "$url/broadcast?r={room}" --connections 1000 --rooms 1 --senders 10 \
        --duration "$DURATION" --rates "${FANOUT1000_RATES:-100,300,1000,2000,3000}" "${message[@]}" "${deflate[@]}" \
        --server-pid "$SERVER_PID" ;;
    fanout100x100)
      bench "$@" fanout --url "$url/broadcast?r={room}" --connections 10000 --rooms 100 --senders 100 \
        --duration "$DURATION" --rates "${FANOUT100_RATES:-500,700,850,1000,1250,1500,1750,2000}" --server-pid "$SERVER_PID" ;;
    idle|idle-tls|idle-deflate)
      bench "$@" idle --url "$url/echo" --connections "${IDLE_CONNECTIONS:-19000}" --duration 2 --warmup 0 \
        --connect-timeout "$opening" "${deflate[@]}" --server-pid "$SERVER_PID" ;;
    # chatd's protocol. Tokens are minted with chatd's secret (users bench:<i>, created on first sight).
    chat-connect)  # 19,000 sessions (one generator process: the descriptor limit is 20,000) in 190 rooms of 100
      bench "$@" chat-connect --url "$url/ws" --connections "${CHAT_CONNECT_SESSIONS:-19000}" --rooms 190 \
        --jwt-secret "$JWT_SECRET" --members-first --server-pid "$SERVER_PID" ;;
    chat-connect10)  # the same 19,000 in 1,900 rooms of 10: less presence fan-out per join
      bench "$@" chat-connect --url "$url/ws" --connections "${CHAT_CONNECT_SESSIONS:-19000}" --rooms 1900 \
        --jwt-secret "$JWT_SECRET" --members-first --server-pid "$SERVER_PID" ;;
    chat-connect-new)  # the same, but every user is new to chatd (created on first sight of its token)
      bench "$@" chat-connect --url "$url/ws" --connections "${CHAT_CONNECT_SESSIONS:-19000}" --rooms 190 \
        --jwt-secret "$JWT_SECRET" --server-pid "$SERVER_PID" ;;
    chat-fanout1000)
      bench "$@" chat-fanout --url "$url/ws" --connections 1000 --rooms 1 --senders 10 --duration "$DURATION" \
        --rates "${CHAT_FANOUT1000_RATES:-400,800,1600,2400,3200}" --jwt-secret "$JWT_SECRET" --server-pid "$SERVER_PID" ;;
    chat-fanout100x100)
      bench "$@" chat-fanout --url "$url/ws" --connections 10000 --rooms 100 --senders 100 --duration "$DURATION" \
        --rates "${CHAT_FANOUT100_RATES:-400,650,800,1000,1200,1500,1800}" --jwt-secret "$JWT_SECRET" --server-pid "$SERVER_PID" ;;
    chat-ack)  # 1,000 messages/s from 100 senders into 100 rooms of 10
      bench "$@" chat-fanout --url "$url/ws" --connections 1000 --rooms 100 --senders 100 --rate 1000 \
        --duration "$DURATION" --jwt-secret "$JWT_SECRET" --server-pid "$SERVER_PID" ;;
    chat-idle)  # users and memberships made first (HTTP), so only the sessions' memory is measured
      bench "$@" chat-idle --url "$url/ws" --connections "${CHAT_IDLE_SESSIONS:-10000}" --rooms 100 --duration 2 \
        --warmup 0 --jwt-secret "$JWT_SECRET" --members-first --server-pid "$SERVER_PID" ;;
    chat-history)
      bench "$@" chat-history --url "$url/ws" --connections 100 --rooms 10 --history-fill 200 --history-limit 50 \
        --duration "$DURATION" --jwt-secret "$JWT_SECRET" --server-pid "$SERVER_PID" ;;
    # The chat-fanout shapes on NODE_URLS: one chatd, or the cluster's nodes (each room spread over them);
    # joins through Redis may take longer than the default 10 s to all settle.
    cluster-fanout100x100)
      bench "$@" chat-fanout --url "$NODE_URLS" --connections 10000 --rooms 100 --senders 100 --duration "$DURATION" \
        --rates "${CLUSTER_FANOUT100_RATES:-100,200,400,650,800,1000,1200,1500,1800}" --jwt-secret "$JWT_SECRET" \
        --connect-timeout 60 "${SERVER_ARGS[@]}" ;;
    cluster-fanout1000)
      bench "$@" chat-fanout --url "$NODE_URLS" --connections 1000 --rooms 1 --senders 10 --duration "$DURATION" \
        --rates "${CLUSTER_FANOUT1000_RATES:-100,200,400,800,1600,2400,3200}" --jwt-secret "$JWT_SECRET" \
        --connect-timeout 60 "${SERVER_ARGS[@]}" ;;
    # SCALE_SESSIONS known users (members first) in rooms of 100 on one --workers chatd; the
    # whole opening may take minutes, so the timeout is the run's.
    cluster-scale)
      bench "$@" chat-connect --url "$NODE_URLS" --connections "$SCALE_SESSIONS" --rooms $((SCALE_SESSIONS / 100)) \
        --rate "$SCALE_RATE" --jwt-secret "$JWT_SECRET" --members-first --connect-timeout "$((RUN_TIMEOUT / 2))" "${SERVER_ARGS[@]}" ;;
    chat-mixed)  # 10,000 sessions in 100 rooms: 100 senders, history reads, typing
      bench "$@" chat-mixed --url "$url/ws" --connections 10000 --rooms 100 --senders 100 --rate 500 \
        --history-rate 200 --typing-rate 500 --history-fill 100 --duration "$DURATION" --jwt-secret "$JWT_SECRET" \
        --server-pid "$SERVER_PID" ;;
  esac
}

# Servers alternate within each repeat, so a drift in the machine's load
# touches all of them alike.
case " $SCENARIOS " in *" cluster-"*)
  command -v redis-server >/dev/null || { echo "bench: the cluster cases need redis-server" >&2; exit 2; } ;;
esac
for scenario in $SCENARIOS; do
  servers=$SERVERS
  case "$scenario" in
    cluster-scale) servers=workers ;;
    cluster-*) servers="chatd cluster sharded" ;;
  esac
  for repeat in $(seq "$REPEATS"); do
    for server in $servers; do
      mode=""
      case "$scenario" in
        chat-*) mode=chat; [ "$server" = chatd ] || [ "$server" = baseline ] || continue ;;
        cluster-*) mode=chat ;;
        *-tls) mode=tls; [ "$server" = chatd ] || [ "$server" = baseline ] || continue ;;
        *-deflate|fanout1000-text) [ "$server" = chatd ] || [ "$server" = baseline ] || continue ;;
      esac
      port=$(free_port)
      start_server "$server" "$port" $mode
      echo "bench: $scenario against $server (run $repeat of $REPEATS)" >&2
      run_case "$server" "$scenario" "$repeat" "$port"
      stop_server
    done
  done
done

"$PYTHON" bench/report.py "$RAW" > "$RESULTS"
echo "bench: wrote $RESULTS" >&2
