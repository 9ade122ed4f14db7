#!/bin/bash
# dist/chatd.service stays hardened: `systemd-analyze security` (offline, on
# the unit as installed with PREFIX=/usr) must score 2.0 or below, and
# `systemd-analyze verify` must find nothing wrong in its syntax.
# Exit 0: passed; 1: failed; 77: skipped (no systemd-analyze), with the reason.
set -u
cd "$(dirname "$0")/../.."

if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "SKIP: systemd-analyze not found (Debian package systemd); the unit's hardening was not checked"
  exit 77
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
sed 's|@PREFIX@|/usr|g' dist/chatd.service > "$dir/chatd.service"

report=$(systemd-analyze security --offline=yes --no-pager "$dir/chatd.service" 2>&1)
score=$(printf '%s\n' "$report" | sed -n 's/.*Overall exposure level for chatd.service: \([0-9.]*\).*/\1/p')
if [ -z "$score" ]; then
  # An older systemd without --offline cannot judge a unit it has not loaded.
  echo "SKIP: systemd-analyze security --offline=yes gave no score:"
  printf '%s\n' "$report" | tail -3
  exit 77
fi
if ! awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }'; then
  echo "FAIL: systemd-analyze security scores dist/chatd.service $score (want <= 2.0):"
  printf '%s\n' "$report" | grep '✗'
  exit 1
fi
# Syntax only: the binary and the man pages are not installed here.
problems=$(systemd-analyze verify --man=no "$dir/chatd.service" 2>&1 | grep -v 'is not executable' || true)
if [ -n "$problems" ]; then
  echo "FAIL: systemd-analyze verify dist/chatd.service:"
  printf '%s\n' "$problems"
  exit 1
fi
echo "PASS: dist/chatd.service exposure $score (<= 2.0), verify clean"
