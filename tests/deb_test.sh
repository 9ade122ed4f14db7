#!/bin/bash
# The Debian package installs and runs: `make deb`, `apt-get install` of the
# .deb (which must bring its runtime libraries), then the installed chatd,
# started as the chatd user the postinst created (no systemd here: directly),
# answers /healthz and serves the installed web client; then the package is
# purged. Needs root and apt; changes the machine (CI runs it on a fresh one).
# Usage: tests/deb_test.sh [BUILD]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
export DEBIAN_FRONTEND=noninteractive

fail() { echo "deb_test: FAIL: $*"; [ -n "${log:-}" ] && [ -f "$log" ] && sed 's/^/  chatd: /' "$log"; exit 1; }
[ "$(id -u)" = 0 ] || { echo "deb_test: needs root (it installs the package)"; exit 1; }
if dpkg-query -W -f='${Status}' chatd 2>/dev/null | grep -q "ok installed"; then
  fail "a chatd package is installed already; not touching it"
fi

make --no-print-directory BUILD="$BUILD" deb
deb=$(ls "$BUILD"/chatd_*_"$(dpkg --print-architecture)".deb)
apt_log=$(mktemp)
apt-get install -y -qq "./$deb" >"$apt_log" 2>&1 || { cat "$apt_log"; fail "apt-get install ./$deb"; }
rm -f "$apt_log"

pid=""
log=$(mktemp)
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  rm -f "$log"
  apt-get purge -y -qq chatd >/dev/null 2>&1 || true
}
trap cleanup EXIT

# What the package put where.
[ -x /usr/bin/chatd ] || fail "/usr/bin/chatd missing"
readelf -S /usr/bin/chatd | grep -q '\.debug_info' && fail "/usr/bin/chatd is not stripped"
[ -f /usr/lib/systemd/system/chatd.service ] || [ -f /lib/systemd/system/chatd.service ] || fail "no unit installed"
[ -f /etc/chatd/chatd.conf ] || fail "/etc/chatd/chatd.conf missing"
[ -f /usr/share/man/man8/chatd.8 ] || fail "chatd(8) missing"
[ -f /usr/share/chatd/web/index.html ] || fail "web client missing"
getent passwd chatd >/dev/null || fail "postinst did not create the chatd user"
[ "$(stat -c %U:%a /var/lib/chatd)" = chatd:700 ] || fail "/var/lib/chatd is $(stat -c %U:%a /var/lib/chatd)"

# The installed binary, as the service would run it, from / so that no ./web
# is near: it must find /usr/share/chatd/web by itself.
args=(--listen 127.0.0.1:0 --data /var/lib/chatd)
/usr/bin/chatd --help | grep -q -- '--config' && args=(--config /etc/chatd/chatd.conf "${args[@]}")
(cd / && exec setpriv --reuid=chatd --regid=chatd --init-groups /usr/bin/chatd "${args[@]}") 2>"$log" &
pid=$!
port=""
for _ in $(seq 100); do
  port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log" | head -1)
  [ -n "$port" ] && break
  kill -0 "$pid" 2>/dev/null || fail "chatd exited at start"
  sleep 0.1
done
[ -n "$port" ] || fail "chatd did not start listening"

fetch() { python3 -c 'import sys, urllib.request; r = urllib.request.urlopen(sys.argv[1], timeout=5); print(r.status); print(r.read().decode("utf-8", "replace"))' "$1"; }
health=$(fetch "http://127.0.0.1:$port/healthz") || fail "GET /healthz"
[ "$(echo "$health" | head -1)" = 200 ] || fail "/healthz: $health"
page=$(fetch "http://127.0.0.1:$port/") || fail "GET /"
echo "$page" | grep -qi '<html' || fail "GET / did not serve the web client: $(echo "$page" | head -3)"
grep -q "serving the web client from /usr/bin/../share/chatd/web" "$log" || fail "web client not from /usr/share/chatd/web"
[ "$(ps -o user= -p "$pid" | tr -d ' ')" = chatd ] || fail "chatd does not run as chatd"

kill -TERM "$pid"
wait "$pid" || fail "chatd exited $? after SIGTERM"
pid=""

apt-get purge -y -qq chatd >/dev/null || fail "apt-get purge chatd"
[ ! -e /usr/bin/chatd ] || fail "/usr/bin/chatd left after purge"
echo "deb_test: PASS ($deb installed, served /healthz and the web client as user chatd, purged)"
