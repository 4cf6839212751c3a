#!/usr/bin/env bash
# Typechecks the whole project (tsc, and svelte-check for the renderer, which has no Node types),
# runs every unit test file explicitly (Node 20's runner finds no .ts test when given a
# directory), then the end-to-end tests in Chromium (building the renderer first when dist/ is
# missing or older than its sources), and ends with one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
# Commands that fall back on the default library (the user's) get an empty one of their own.
export GOROSCOPE_LIBRARY="$(mktemp -d)/library"
shopt -s nullglob
files=(test/unit/*.test.ts)
if [ ${#files[@]} -eq 0 ]; then
  echo "no test files found" >&2
  exit 1
fi
# The CLI the tests spawn (bin/goroscope.mjs) runs the compiled build: made current once here,
# rather than by the first test that spawns it.
node scripts/build-cli.mjs >/dev/null || echo "scripts/build-cli.mjs: the CLI does not compile (the CLI tests will say where)" >&2
out=$(mktemp)
node --import tsx --test --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$out" "${files[@]}"
status=$?
passed=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$out" | tail -1)
failed=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$out" | tail -1)
rm -f "$out"
passed=${passed:-0}
failed=${failed:-0}

# Typechecks: each counts as one test.
for check in "npx tsc --noEmit -p tsconfig.json" "npx svelte-check --tsconfig src-renderer/tsconfig.json --fail-on-warnings --threshold warning"; do
  if $check >/tmp/goroscope-typecheck.log 2>&1; then
    echo "✔ $check"
    passed=$((passed + 1))
  else
    cat /tmp/goroscope-typecheck.log
    echo "✖ $check"
    failed=$((failed + 1))
    status=1
  fi
done

# End-to-end: Playwright drives Debian's Chromium (override with GOROSCOPE_CHROMIUM).
chromium=${GOROSCOPE_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  echo "e2e: no Chromium at $chromium (apt-get install chromium, or set GOROSCOPE_CHROMIUM): counted as one failure" >&2
  failed=$((failed + 1))
  status=1
else
  if [ ! -f dist/renderer/index.html ] || [ -n "$(find src-renderer vite.config.mts -newer dist/renderer/index.html -print -quit)" ]; then
    npx vite build --logLevel warn || { echo "e2e: the renderer does not build" >&2; failed=$((failed + 1)); status=1; }
  fi
  report=$(mktemp)
  PLAYWRIGHT_JSON_OUTPUT_NAME="$report" GOROSCOPE_CHROMIUM="$chromium" npx playwright test --reporter=list,json
  e2e_status=$?
  # stats: expected = passed, unexpected = failed, flaky = passed on retry, skipped.
  read -r e2e_passed e2e_failed < <(node -e '
    const fs = require("node:fs");
    let s = {};
    let r = {};
    try { r = JSON.parse(fs.readFileSync(process.argv[1], "utf8")); s = r.stats ?? {}; } catch {}
    // Skips say why (e.g. a kind the library cannot index yet): show the reasons.
    const walk = (suite) => { for (const spec of suite.specs ?? []) for (const t of spec.tests ?? [])
      for (const a of t.annotations ?? []) if (a.type === "skip") console.error(`e2e skipped: ${spec.title}: ${a.description ?? ""}`);
      for (const child of suite.suites ?? []) walk(child); };
    for (const suite of r.suites ?? []) walk(suite);
    console.log((s.expected ?? 0) + (s.flaky ?? 0), s.unexpected ?? 0);' "$report")
  rm -f "$report"
  if [ "$e2e_status" -ne 0 ] && [ "${e2e_failed:-0}" -eq 0 ]; then e2e_failed=1; fi
  passed=$((passed + ${e2e_passed:-0}))
  failed=$((failed + ${e2e_failed:-0}))
  [ "$e2e_status" -eq 0 ] || status=1
fi

echo "$passed passed, $failed failed"
exit $status
