#!/usr/bin/env bash
# Runs every test file explicitly (Node 20's runner finds no .ts test when given a directory).
set -uo pipefail
cd "$(dirname "$0")/.."
shopt -s nullglob
files=(test/unit/*.test.ts)
if [ ${#files[@]} -eq 0 ]; then
  echo "no test files found" >&2
  exit 1
fi
out=$(mktemp)
node --import tsx --test --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$out" "${files[@]}"
status=$?
passed=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$out" | tail -1)
failed=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$out" | tail -1)
rm -f "$out"
echo "${passed:-0} passed, ${failed:-0} failed"
exit $status
