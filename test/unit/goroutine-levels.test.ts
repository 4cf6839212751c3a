// Levels of detail (levels.ts) against the intervals they summarise, on real traces: each bucket
// holds exactly the time the goroutine's intervals spent in each state inside it, rows cut short
// by their byte limit say the same as whole rows, and the index holds what GoroutineLevels builds;
// the timeline zoomed out on a long-lived goroutine draws every level entry in its window.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { decodeChunk, indexNsPerTick } from '../../src-main/index/interval-codec.ts';
import { BUCKETS_PER_ROW, decodeLevelRow, GoroutineLevels, LEVEL_NS, ROW_BYTES, type LevelRow } from '../../src-main/index/levels.ts';
import { PixelMerger } from '../../src-main/service/timeline.ts';
import { fixtureTraces } from '../support/fixtures.ts';
import { tempService } from '../support/temp-service.ts';

const { lib, svc } = tempService('goroscope-levels-');

interface Interval { start: number; end: number; state: number }

/** ns per state code (0–5) of every bucket of `level` the rows cover, by bucket number: runs spread over their buckets. */
function bucketTimes(rows: readonly LevelRow[], level: number): Map<number, number[]> {
  const width = LEVEL_NS[level - 1];
  const out = new Map<number, number[]>();
  for (const row of rows.filter((r) => r.level === level)) {
    decodeLevelRow(row, (start, end, stateNs) => {
      assert.ok(start >= row.startBucket * width && end <= (row.startBucket + BUCKETS_PER_ROW) * width, 'an entry lies within its row');
      const buckets = (end - start) / width;
      for (let b = start / width; b < end / width; b++) {
        const acc = out.get(b) ?? [0, 0, 0, 0, 0, 0];
        stateNs.forEach((ns, state) => (acc[state] += ns / buckets));
        out.set(b, acc);
      }
    });
  }
  return out;
}

/** The same from the intervals themselves: each interval's time split at bucket edges, rounded per bucket as the levels round it. */
function bucketTimesFromIntervals(intervals: readonly Interval[], level: number): Map<number, number[]> {
  const width = LEVEL_NS[level - 1];
  const out = new Map<number, number[]>();
  for (const { start, end, state } of intervals) {
    if (state < 2 || state > 5) continue; // the four accumulated states: Runnable, Running, Waiting, Syscall
    for (let s = start; s < end;) {
      const b = Math.floor(s / width);
      const e = Math.min(end, (b + 1) * width);
      const acc = out.get(b) ?? [0, 0, 0, 0, 0, 0];
      acc[state] += e - s;
      out.set(b, acc);
      s = e;
    }
  }
  for (const acc of out.values()) acc.forEach((ns, i) => (acc[i] = Math.round(ns)));
  return out;
}

/** Every entry of `level`'s rows, in order: start, end and ns per state code. */
function entries(rows: readonly LevelRow[], level: number): number[][] {
  const out: number[][] = [];
  for (const row of rows.filter((r) => r.level === level)) decodeLevelRow(row, (start, end, stateNs) => void out.push([start, end, ...stateNs]));
  return out;
}

function build(start: number, intervals: readonly Interval[], rowBytes?: number): LevelRow[] {
  const rows: LevelRow[] = [];
  const levels = new GoroutineLevels(start, (r) => rows.push({ ...r, data: r.data.slice() }), rowBytes);
  for (const i of intervals) levels.add(i.end - i.start, i.state);
  levels.finish();
  return rows;
}

for (const name of ['gotestdata.stress_1_11_good', 'gcchurn-gens.go127']) {
  test(`levels of ${name}: buckets equal the intervals' time per state; rows stored in pieces at any byte limit hold the same entries`, () => {
    const fixture = fixtureTraces().find((t) => t.name === name)!;
    const { artefact } = lib.index(fixture.path);
    const db = new Database(lib.indexPath(artefact.hash), { readonly: true });
    try {
      const nsPerTick = indexNsPerTick(db);
      const goroutines = db.prepare('SELECT DISTINCT goroutine FROM goroutine_levels ORDER BY goroutine').pluck().all() as number[];
      assert.ok(goroutines.length > 0, 'some goroutine lives long enough for levels');
      let cutRows = 0;
      for (const g of goroutines) {
        const chunks = db.prepare('SELECT start_ns, data FROM goroutine_interval_chunks WHERE goroutine = ? ORDER BY start_ns').all(g) as
          { start_ns: number; data: Uint8Array }[];
        const intervals: Interval[] = [];
        for (const c of chunks) decodeChunk(c.data, c.start_ns, nsPerTick, (start, end, state) => void intervals.push({ start, end, state }));
        const stored = (db.prepare('SELECT level, start_bucket AS startBucket, data FROM goroutine_levels WHERE goroutine = ? ORDER BY level, start_bucket')
          .all(g) as LevelRow[]).map((r) => ({ ...r, data: new Uint8Array(r.data) }));
        assert.ok(stored.every((r) => r.data.length <= ROW_BYTES), `goroutine ${g}: rows within ROW_BYTES`);
        const rebuilt = build(chunks[0].start_ns, intervals).sort((a, b) => a.level - b.level || a.startBucket - b.startBucket);
        assert.deepEqual(rebuilt, stored, `goroutine ${g}: the index holds the levels its intervals build`);
        const small = build(chunks[0].start_ns, intervals, 40);
        assert.ok(small.every((r) => r.data.length <= 40), `goroutine ${g}: rows within a 40-byte limit`);
        cutRows += small.length - stored.length;
        for (let level = 1; level <= LEVEL_NS.length; level++) {
          const whole = bucketTimes(stored, level);
          assert.deepEqual(entries(small, level), entries(stored, level), `goroutine ${g} level ${level}: rows in pieces hold the whole rows' entries`);
          assert.deepEqual(bucketTimes(small, level), whole, `goroutine ${g} level ${level}: cut rows say what whole rows say`);
          // Coarser levels are fed the finer ones' rounded buckets: off by at most 1 ns per finer bucket.
          const tolerance = level === 1 ? 0 : LEVEL_NS[level - 1] / LEVEL_NS[0];
          const want = bucketTimesFromIntervals(intervals, level);
          assert.deepEqual([...whole.keys()].sort((a, b) => a - b), [...want.keys()].filter((b) => want.get(b)!.some((ns) => ns > 0))
            .sort((a, b) => a - b), `goroutine ${g} level ${level}: the buckets with time`);
          for (const [b, ns] of want) {
            const got = whole.get(b) ?? [0, 0, 0, 0, 0, 0];
            ns.forEach((v, state) => assert.ok(Math.abs(got[state] - v) <= tolerance,
              `goroutine ${g} level ${level} bucket ${b} state ${state}: ${got[state]} ns, the intervals ${v}`));
          }
        }
      }
      assert.ok(cutRows > 0, 'the 40-byte limit cut some rows');
    } finally {
      db.close();
    }
  });
}

test('the timeline zoomed out on a long-lived goroutine folds every level entry in its window, wherever the window begins', async () => {
  const fixture = fixtureTraces().find((t) => t.name === 'gotestdata.stress_1_11_good')!;
  const { artefact } = lib.index(fixture.path);
  // Its levels rebuilt with rows of at most 40 bytes, so that a window's look-back meets many
  // rows (the fixtures' goroutines live too short to fill a ROW_BYTES row): what the indexer
  // writes for a goroutine living thousands of times longer.
  const db = new Database(lib.indexPath(artefact.hash));
  let g: number;
  let start: number;
  let end: number;
  let rows: LevelRow[];
  try {
    g = db.prepare('SELECT goroutine FROM goroutine_levels GROUP BY goroutine ORDER BY sum(length(data)) DESC LIMIT 1').pluck().get() as number;
    const nsPerTick = indexNsPerTick(db);
    const intervals: Interval[] = [];
    const chunks = db.prepare('SELECT start_ns, data FROM goroutine_interval_chunks WHERE goroutine = ? ORDER BY start_ns').all(g) as
      { start_ns: number; data: Uint8Array }[];
    for (const c of chunks) decodeChunk(c.data, c.start_ns, nsPerTick, (s, e, state) => void intervals.push({ start: s, end: e, state }));
    start = intervals[0].start;
    end = intervals[intervals.length - 1].end;
    const small = build(start, intervals, 40);
    db.prepare('DELETE FROM goroutine_levels WHERE goroutine = ?').run(g);
    const insert = db.prepare('INSERT INTO goroutine_levels VALUES (?, ?, ?, ?)');
    for (const r of small) insert.run(g, r.level, r.startBucket, r.data);
    rows = small.filter((r) => r.level === 1).sort((a, b) => a.startBucket - b.startBucket);
  } finally {
    db.close();
  }
  assert.ok(rows.length >= 8, `the goroutine has many level 1 rows (${rows.length})`);
  let windows = 0;
  for (let i = 0; i < 16; i++) {
    // Windows of 100 px at 1 ms a pixel (level 1), starting on and between bucket edges.
    const t0 = Math.floor(start + ((end - start) * i) / 16) + (i % 2) * 333_333;
    const t1 = t0 + 100 * LEVEL_NS[0];
    const merger = new PixelMerger(t0, t1, LEVEL_NS[0]);
    for (const row of rows) decodeLevelRow(row, (s, e, stateNs) => void (e > t0 && s < t1 && merger.addFolded(s, e, stateNs)));
    merger.flush();
    const tl = await svc.timeline({ artefact: artefact.hash, t0, t1, goroutines: [g], widthPx: 100 });
    assert.deepEqual(tl.rows[0].spans, merger.spans, `window at ${t0}`);
    if (merger.spans.length > 0) windows++;
  }
  assert.ok(windows >= 8, 'most windows draw something');
});
