#!/bin/bash
# Runs every test suite against one build and prints one closing line:
#   tests: N passed, M failed
# Usage: tests/run.sh BUILD_DIR
BUILD=${1:-build}
export CHATD_BIN="$BUILD/chatd"
passed=0
failed=0
status=0
for suite in "$BUILD"/tests/*_tests; do
  log=$(mktemp)
  echo "== $suite"
  "$suite" --gtest_brief=1 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  p=$(sed -n 's/^\[  PASSED  \] \([0-9][0-9]*\) test.*/\1/p' "$log" | tail -1)
  f=$(sed -n 's/^\[  FAILED  \] \([0-9][0-9]*\) test.*/\1/p' "$log" | tail -1)
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
  # A suite that crashed or exited non-zero without a summary still fails the run.
  if [ "$rc" -ne 0 ] || [ -z "$p" ]; then
    status=1
    [ -z "$f" ] && failed=$((failed + 1))
  fi
  rm -f "$log"
done

# Script tests (tests/scripts/*_test.sh): each counts as one test; exit 77
# is a skip, said with its reason, and counts as neither.
for script in tests/scripts/*_test.sh; do
  echo "== $script"
  bash "$script"
  rc=$?
  if [ "$rc" -eq 0 ]; then
    passed=$((passed + 1))
  elif [ "$rc" -ne 77 ]; then
    failed=$((failed + 1))
    status=1
  fi
done

# The web client in headless Chromium (tests/e2e): each test counts like a
# GoogleTest case. No browser, no playwright-core or no node fails the run.
echo "== tests/e2e"
log=$(mktemp)
node tests/e2e/run.mjs 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
p=$(sed -n 's/^e2e: \([0-9][0-9]*\) passed, .*/\1/p' "$log" | tail -1)
f=$(sed -n 's/^e2e: [0-9][0-9]* passed, \([0-9][0-9]*\) failed.*/\1/p' "$log" | tail -1)
passed=$((passed + ${p:-0}))
failed=$((failed + ${f:-0}))
if [ "$rc" -ne 0 ] || [ -z "$p" ]; then
  status=1
  [ -z "$f" ] && failed=$((failed + 1)) && echo "tests/e2e did not run (node tests/e2e/run.mjs exited $rc)"
fi
rm -f "$log"

echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
