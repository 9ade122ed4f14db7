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
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
