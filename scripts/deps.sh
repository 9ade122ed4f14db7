#!/bin/sh
# Installs what chatd needs: Debian packages (as root; prints the command
# otherwise). `deps.sh run`: only what building and running chatd takes
# (make run). Without an argument: also everything the tests, the fuzzers and
# the benchmarks take, and the npm packages of the interop and web client
# tests (make test).
set -e

BUILD_PACKAGES="build-essential libssl-dev node-llhttp libsqlite3-dev libsimdjson-dev libargon2-dev \
zlib1g-dev libhiredis-dev libinih-dev"
TEST_PACKAGES="clang libclang-rt-14-dev libgtest-dev redis-server python3 python3-websockets nodejs npm \
mandoc libwebsockets-dev pkg-config chromium nginx-light systemd prometheus"
if [ "${1:-}" = run ]; then
  PACKAGES=$BUILD_PACKAGES
else
  PACKAGES="$BUILD_PACKAGES $TEST_PACKAGES"
fi

missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
# A node and npm from elsewhere (e.g. NodeSource) serve as well as Debian's.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  missing=$(echo "$missing" | tr ' ' '\n' | grep -vx -e nodejs -e npm | tr '\n' ' ')
fi
missing=$(echo $missing)

if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "deps: installing $missing"
    apt-get update -qq
    # Without starting the system services of what is installed (redis-server,
    # nginx): the tests start their own, on free ports (policy-rc.d, exit 101).
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
      chmod +x /usr/sbin/policy-rc.d
      trap 'rm -f /usr/sbin/policy-rc.d' EXIT
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    echo "deps: missing packages; run as root:"
    echo "  apt-get install -y $missing"
    exit 1
  fi
fi

[ "${1:-}" = run ] && exit 0

# Node's ws for the interop tests, pinned by tests/interop/package-lock.json.
if [ ! -d tests/interop/node_modules/ws ]; then
  echo "deps: npm ci (tests/interop)"
  (cd tests/interop && npm ci --silent --no-audit --no-fund)
fi

# playwright-core for the web client's tests (drives /usr/bin/chromium) and
# ws for the SDK's, pinned by tests/e2e/package-lock.json.
if [ ! -d tests/e2e/node_modules/playwright-core ] || [ ! -d tests/e2e/node_modules/ws ]; then
  echo "deps: npm ci (tests/e2e)"
  (cd tests/e2e && npm ci --silent --no-audit --no-fund)
fi
