// metric and goroutineCounts reduce a window to at most maxPoints with one helper (PeakPerBucket):
// on real indexes, their points equal each bucket's peak worked out the plain way — the stored
// points read by SQL (the SQL console's packed tables, the metric levels), grouped by bucket, then
// reduced: a metric's point of largest value (the earliest of equal ones), or each goroutine
// state's largest count at the bucket's last sample.

import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { COUNT_LEVEL_NS, METRIC_LEVEL_NS } from '../../src-main/index/schema.ts';
import { registerPackedTables } from '../../src-main/service/packed-tables.ts';
import type { GoroutineCountPoint, MetricPoint } from '../../src-main/service/types.ts';
import { tempService } from '../support/temp-service.ts';

const { lib, svc } = tempService('goroscope-downsample-');
const TRACES = ['gotestdata.stress_1_21_good', 'gcchurn.go127'];

/** Points grouped by bucket of `bucketNs` from `t0`, in time order, each group reduced by `reduce`. */
function byBucket<T extends { time: number }>(points: readonly T[], t0: number, bucketNs: number, reduce: (group: T[]) => T): T[] {
  const groups = new Map<number, T[]>();
  for (const p of points) {
    const k = Math.floor((p.time - t0) / bucketNs);
    const group = groups.get(k) ?? [];
    group.push(p);
    groups.set(k, group);
  }
  return [...groups.keys()].sort((x, y) => x - y).map((k) => reduce(groups.get(k)!));
}

/** Of `widths` (finest first), how many are no wider than `bucketNs`: the level the service reads, 0 for raw points. */
function levelFor(widths: readonly number[], bucketNs: number): number {
  return widths.filter((w) => w <= bucketNs).length;
}

for (const name of TRACES) {
  const setup = (async () => {
    const { artefact } = await svc.indexFile(`test/fixtures/traces/${name}.trace`);
    const db = new Database(path.join(lib.dir, 'artefacts', `${artefact.hash}.db`), { readonly: true });
    const packed = new Database(':memory:');
    registerPackedTables(packed, db);
    after(() => (packed.close(), db.close()));
    const d = artefact.durationNs;
    const windows: [number, number][] = [[0, d], [Math.floor(d * 0.3), Math.floor(d * 0.6)], [d * 0.2, d * 0.2 + 2_000_000], [d * 0.5, d * 0.5 + 40_000_000]];
    return { hash: artefact.hash, db, packed, windows };
  })();

  test(`${name}: metric keeps each bucket's largest point, the earliest of equal ones`, async () => {
    const { hash, db, packed, windows } = await setup;
    const names = db.prepare('SELECT DISTINCT s.id, s.value FROM metric_chunks m JOIN strings s ON s.id = m.name').all() as { id: number; value: string }[];
    assert.ok(names.length > 0);
    let folded = 0;
    for (const { id, value: metric } of names) {
      for (const [a, b] of windows) {
        for (const max of [2, 7, 50, 400]) {
          const bucket = (b - a) / max;
          const level = levelFor(METRIC_LEVEL_NS, bucket);
          const stored = (level === 0
            ? packed.prepare('SELECT time_ns AS time, value FROM metrics WHERE name = ? AND time_ns >= ? AND time_ns <= ? ORDER BY time_ns').all(id, a, b)
            : db.prepare('SELECT time_ns AS time, value FROM metric_levels WHERE name = ? AND level = ? AND time_ns >= ? AND time_ns <= ? ORDER BY time_ns')
              .all(id, level, a - METRIC_LEVEL_NS[level - 1], b)) as MetricPoint[];
          const expected = stored.length <= max ? stored
            : byBucket(stored, a, bucket, (group) => group.reduce((peak, p) => (p.value > peak.value ? p : peak)));
          if (stored.length > max) folded++;
          assert.deepEqual(await svc.metric(hash, metric, a, b, max), expected, `${metric} over [${a}, ${b}] in ${max} points`);
        }
      }
    }
    assert.ok(folded > 0, 'some windows hold more points than asked for');
  });

  test(`${name}: goroutineCounts keeps each state's peak at the bucket's last sample`, async () => {
    const { hash, packed, windows } = await setup;
    let raw = 0;
    for (const [a, b] of windows) {
      for (const max of [2, 7, 50, 400, 5000]) {
        const bucket = Math.max((b - a) / max, 1);
        const samples = packed.prepare('SELECT time_ns AS time, running, runnable, waiting, syscall FROM goroutine_counts WHERE time_ns >= ? AND time_ns <= ? ORDER BY time_ns')
          .all(a, b) as GoroutineCountPoint[];
        const points = await svc.goroutineCounts(hash, a, b, max);
        if (levelFor(COUNT_LEVEL_NS, bucket) === 0) {
          raw++;
          assert.deepEqual(points, byBucket(samples, a, bucket, (group) => ({
            time: group[group.length - 1].time,
            running: Math.max(...group.map((p) => p.running)), runnable: Math.max(...group.map((p) => p.runnable)),
            waiting: Math.max(...group.map((p) => p.waiting)), syscall: Math.max(...group.map((p) => p.syscall)),
          })), `[${a}, ${b}] in ${max} points`);
        }
        // From the levels or not, no more than a point per bucket (the first may hold the level row before a).
        assert.ok(points.length <= max + 1, `[${a}, ${b}]: ${points.length} points for ${max}`);
      }
    }
    assert.ok(raw > 0, 'some windows are read from the raw samples');
  });
}
