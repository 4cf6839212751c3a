// durationHistograms on the annotations fixtures: the regions' and tasks' histograms count what
// SQL over the index counts (those with a start and an end), with the p50 and max of the same
// durations computed directly; the scheduler waits add up to the scheduler wait time goroutineGroups
// gives (held equal to go tool trace's goroutine pages in goroutine-groups.test.ts), one per
// Runnable run; every histogram's buckets hold each duration once, on its 1-2-5 bucket.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import type { DurationHistogram } from '../../src-main/service/types.ts';
import { tempService } from '../support/temp-service.ts';

const { lib, svc } = tempService('goroscope-histograms-');

/** The value at quantile q of sorted durations, nearest rank (Go's and gc-report's definition). */
function direct(sorted: readonly number[], q: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

function checkBuckets(h: DurationHistogram, durations: readonly number[], what: string): void {
  assert.equal(h.buckets.reduce((n, b) => n + b.count, 0), h.count, `${what}: the buckets hold every duration`);
  for (let i = 1; i < h.buckets.length; i++) assert.equal(h.buckets[i].fromNs, h.buckets[i - 1].toNs, `${what}: buckets adjoin`);
  for (const b of h.buckets) assert.ok([1, 2, 5].includes(b.fromNs / 10 ** Math.floor(Math.log10(b.fromNs) + 1e-12)), `${what}: ${b.fromNs} on the 1-2-5 scale`);
  const inside = h.buckets.map((b) => durations.filter((d) => (d >= b.fromNs || b === h.buckets[0]) && (d < b.toNs || b === h.buckets[h.buckets.length - 1])).length);
  assert.deepEqual(inside, h.buckets.map((b) => b.count), `${what}: each bucket counts the durations in [from, to)`);
}

for (const name of ['annotations.go127', 'annotations.go122', 'annotations-gens.go127']) {
  test(`${name}: region, task and scheduler latency histograms`, async () => {
    const entry = lib.index(path.resolve('test/fixtures/traces', `${name}.trace`));
    const hash = entry.artefact.hash;
    const h = await svc.durationHistograms(hash);
    const db = new Database(lib.indexPath(hash), { readonly: true });
    after(() => db.close());
    for (const table of ['regions', 'tasks'] as const) {
      const all = (db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number);
      const sql = (db.prepare(`SELECT end_ns - start_ns FROM ${table} WHERE start_ns IS NOT NULL AND end_ns IS NOT NULL ORDER BY 1`).pluck().all() as number[]);
      assert.ok(all > 0, `${name}: the fixture has ${table}`);
      assert.equal(h[table].count, sql.length, `${name}: ${table} counted as SQL counts them`);
      assert.equal(h[table].p50Ns, direct(sql, 0.5), `${name}: ${table} p50`);
      assert.equal(h[table].p99Ns, direct(sql, 0.99), `${name}: ${table} p99`);
      assert.equal(h[table].maxNs, sql[sql.length - 1], `${name}: ${table} max`);
      checkBuckets(h[table], sql, `${name} ${table}`);
    }
    const groups = await svc.goroutineGroups(hash);
    const schedWait = groups.groups.reduce((n, g) => n + g.schedWaitNs, 0);
    assert.ok(h.schedLatency.count > 0, `${name}: goroutines waited for a P`);
    assert.equal(h.schedLatency.totalNs, schedWait, `${name}: the waits add up to goroutineGroups' scheduler wait`);
    assert.ok(h.schedLatency.maxNs <= h.durationNs && h.schedLatency.p50Ns <= h.schedLatency.p90Ns && h.schedLatency.p90Ns <= h.schedLatency.p99Ns);
  });
}
