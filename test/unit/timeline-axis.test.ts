import assert from 'node:assert/strict';
import { test } from 'node:test';
import { relativeLabel, timeTicks, wallAt, wallLabel } from '../../src-renderer/timeline/viewport.ts';

test('axis labels read as people write times', () => {
  assert.equal(relativeLabel(935.5e6, 0.5e6, 1e9), '0.9355 s');
  assert.equal(relativeLabel(935.5e6, 0.5e6, 999e6), '935.5 ms');
  assert.equal(relativeLabel(41.6e6, 0.2e6, 42.5e6), '41.6 ms');
  assert.equal(relativeLabel(0, 10e6, 60e6), '0 ms');
  assert.equal(relativeLabel(1087e9, 1e9, 1200e9), '18 min 7 s');
  assert.equal(relativeLabel(1080e9, 60e9, 1200e9), '18 min');
  assert.equal(relativeLabel(3723.5e9, 0.5e9, 4000e9), '1 h 2 min 3.5 s');
  // Ticks over 18 minutes: never thousands of minutes or seconds.
  const { ticks } = timeTicks(0, 1200e9, 1000);
  assert.ok(ticks.every((t) => /^(\d+ min( \d+ s)?|0 s)$/.test(t.label)), ticks.map((t) => t.label).join(', '));
});

test('wall-clock ticks fall on round wall times and are labelled in UTC', () => {
  // The first Sync of chanleak.go127 (go tool trace -d=parsed): Wall=2026-11-25T05:03:09.923001093Z at trace time 16768 ns.
  const clock = { traceNs: 16768, wallSec: Date.UTC(2026, 10, 25, 5, 3, 9) / 1000, wallNsec: 923001093 };
  assert.deepEqual(wallAt(clock, 16768 + 76998907), { sec: clock.wallSec + 1, ns: 0 });
  assert.equal(wallLabel(wallAt(clock, 16768), 1e6), '05:03:09.923');
  const { ticks, step } = timeTicks(0, 10e6, 1000, 90, clock);
  assert.equal(step, 1e6);
  for (const t of ticks) assert.equal(wallAt(clock, t.time).ns % step, 0);
  assert.equal(ticks[0].label, '05:03:09.923');
});
