// The timeline's unblock arrows and a goroutine's "unblocked by / unblocks" read the edge chunks
// from a seek (the last chunk starting before the window), not from the first chunk: they must
// still find exactly the edges SQL finds over the unpacked unblocks table, for windows that
// start and end on chunk boundaries, inside chunks, and before the first edge.

import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import * as path from 'node:path';
import { test } from 'node:test';
import { registerPackedTables } from '../../src-main/service/packed-tables.ts';
import { FIXTURES } from '../support/fixtures.ts';
import { tempService } from '../support/temp-service.ts';

const { lib, svc } = tempService('goroscope-timeline-edges-');
const TRACES = ['gotestdata.stress_1_21_good.trace', 'gotestdata.stress_1_19_good.trace', 'gotestdata.stress_1_11_good.trace', 'chanleak-gens.go127.trace'];

interface Edge { time_ns: number; goroutine: number; by_goroutine: number }

test('edges in a window are exactly the unblocks table\'s, at and between chunk boundaries', async () => {
  let chunked = 0;
  for (const file of TRACES) {
    const hash = (await svc.indexFile(path.join(FIXTURES, 'traces', file))).artefact.hash;
    const db = new Database(lib.indexPath(hash), { readonly: true });
    const sql = new Database(':memory:');
    try {
      registerPackedTables(sql, db);
      const chunks = db.prepare('SELECT start_ns, end_ns FROM unblock_chunks ORDER BY start_ns').all() as { start_ns: number; end_ns: number }[];
      if (chunks.length > 1) chunked++;
      const inWindow = sql.prepare('SELECT time_ns, goroutine, by_goroutine FROM unblocks WHERE time_ns >= ? AND time_ns <= ? ORDER BY time_ns, goroutine, by_goroutine');
      const times = new Set<number>([-1, 0]);
      for (const c of chunks) for (const t of [c.start_ns - 1, c.start_ns, c.start_ns + 1, c.end_ns - 1, c.end_ns, c.end_ns + 1, (c.start_ns + c.end_ns) / 2]) times.add(t);
      const sorted = [...times].sort((a, b) => a - b);
      for (let i = 0; i < sorted.length; i++) {
        for (const j of [i, i + 1, i + 3, sorted.length - 1]) {
          if (j >= sorted.length) continue;
          const [t0, t1] = [Math.max(0, sorted[i]), sorted[j]];
          if (t1 <= t0) continue;
          const want = inWindow.all(t0, t1) as Edge[];
          const got = await svc.timelineEdges({ artefact: hash, t0, t1, limit: 5000 });
          if (got.truncated) continue;
          const key = (e: { time: number; goroutine: number; byGoroutine: number }) => `${e.time}:${e.goroutine}:${e.byGoroutine}`;
          assert.deepEqual(got.edges.map(key).sort(), want.map((e) => key({ time: e.time_ns, goroutine: e.goroutine, byGoroutine: e.by_goroutine })).sort(),
            `${file} [${t0}, ${t1}]`);
        }
      }
      // One goroutine's edges over its life, as its detail lists them.
      const busiest = sql.prepare(`SELECT g FROM (SELECT goroutine AS g FROM unblocks UNION ALL SELECT by_goroutine FROM unblocks)
        GROUP BY g ORDER BY count(*) DESC LIMIT 1`).pluck().get() as number;
      const detail = await svc.goroutine(hash, busiest);
      const woken = sql.prepare('SELECT time_ns FROM unblocks WHERE goroutine = ? ORDER BY time_ns').pluck().all(busiest) as number[];
      const woke = sql.prepare('SELECT time_ns FROM unblocks WHERE by_goroutine = ? AND goroutine != ? ORDER BY time_ns').pluck().all(busiest, busiest) as number[];
      assert.deepEqual(detail.unblockedBy.map((e) => e.time), woken.slice(0, detail.unblockedBy.length), `${file} G${busiest} unblocked by`);
      assert.ok(detail.unblockedBy.length > 0 || woken.length === 0);
      assert.deepEqual(detail.unblocked.filter((e) => e.goroutine !== busiest).map((e) => e.time), woke.slice(0, detail.unblocked.filter((e) => e.goroutine !== busiest).length), `${file} G${busiest} unblocks`);
    } finally {
      sql.close();
      db.close();
    }
  }
  assert.ok(chunked > 0, 'some fixture has more than one edge chunk');
});
