// `goroscope stats` numbers against Go's reader: for every fixture trace (Go 1.11 to 1.27), the
// summary equals what test/fixtures/oracle computed with golang.org/x/exp/trace.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarizeTrace, type TraceSummary } from '../../src-main/analyze/trace-summary.ts';
import { openTrace } from '../../src-main/decode/gotrace/reader.ts';
import { expectedStats, fixtureTraces } from '../support/fixtures.ts';

/** Nanosecond totals may differ by up to 1 µs: Go orders same-timestamp old-format events arbitrarily. */
const NS_TOLERANCE = 1000;
const NS_FIELDS = ['durationNs', 'runningNs', 'syscallNs', 'stwTotalNs', 'stwMaxNs'] as const;

const traces = fixtureTraces();

test('fixtures cover every trace format and Go toolchain', () => {
  const formats = new Set(traces.map((t) => t.format));
  for (const f of ['1.11', '1.19', '1.21', '1.22', '1.23', '1.26']) assert.ok(formats.has(f), `no fixture of format ${f}`);
  const versions = new Set(traces.map((t) => t.goVersion));
  for (const v of ['1.19', '1.21', '1.22', '1.23', '1.24', '1.26', '1.27']) assert.ok(versions.has(v), `no fixture from Go ${v}`);
});

for (const trace of traces) {
  test(`summary of ${trace.name} equals Go's`, () => {
    const { summary, warning } = summarizeTrace(openTrace(trace.path));
    assert.equal(warning, null);
    const expected = expectedStats(trace.name) as unknown as TraceSummary;
    for (const field of NS_FIELDS) {
      assert.ok(Math.abs(summary[field] - expected[field]) <= NS_TOLERANCE, `${field}: ours ${summary[field]}, Go ${expected[field]}`);
    }
    assert.deepEqual(Object.keys(summary.waitNsByReason), Object.keys(expected.waitNsByReason), 'wait reasons');
    for (const [reason, ns] of Object.entries(expected.waitNsByReason)) {
      assert.ok(Math.abs(summary.waitNsByReason[reason] - ns) <= NS_TOLERANCE, `waitNsByReason[${reason}]: ours ${summary.waitNsByReason[reason]}, Go ${ns}`);
    }
    const counts = (s: TraceSummary) => {
      const { durationNs, runningNs, syscallNs, stwTotalNs, stwMaxNs, waitNsByReason, ...rest } = s;
      return rest;
    };
    assert.deepEqual(counts(summary), counts(expected));
  });
}
