// A trace indexed in part: stopped after N generations, the index holds exactly the single-pass
// index's rows up to the indexed frontier, table by table, on every multi-generation fixture; a
// goroutine alive at the frontier "continues" (its last interval is open there, as at a trace's
// end). The library keeps a partial index only when asked, marked partial, and never lets it
// stand for the file: indexing the file again completes it.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { IndexStopped, Library, writeIndexFile } from '../../src-main/index/library.ts';
import { traceIndexer } from '../../src-main/index/trace-artefact.ts';
import { withTraceIndex } from '../../src-main/export/open-index.ts';
import { GoroscopeService } from '../../src-main/service/service.ts';
import { traceGenerations } from '../support/fixtures.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const manifest = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'manifest.json'), 'utf8')) as { file: string }[];
const traces = manifest.map((m) => path.join(FIXTURES, m.file)).filter((f) => f.endsWith('.trace'));


function index(file: string, out: string, afterGenerations?: number) {
  const size = fs.statSync(file).size;
  return writeIndexFile(out, traceIndexer, file, size, () => {}, () => false, () => ({}),
    afterGenerations === undefined ? undefined : { afterGenerations });
}

type Row = Record<string, unknown>;
const key = (r: Row) => JSON.stringify(Object.values(r), (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : v));

function rows(db: Database.Database, sql: string): Row[] {
  return db.prepare(sql).all() as Row[];
}

/** Every row of `part` is a row of `whole` (as a multiset). */
function assertSubset(part: Row[], whole: Row[], what: string): void {
  const count = new Map<string, number>();
  for (const r of whole) count.set(key(r), (count.get(key(r)) ?? 0) + 1);
  for (const r of part) {
    const k = key(r);
    const n = count.get(k) ?? 0;
    assert.ok(n > 0, `${what}: ${k} is not in the single-pass index`);
    count.set(k, n - 1);
  }
}

/**
 * The comparison rule. With T the partial index's frontier (meta indexed_until_ns):
 * - strings, frames, stack_frames: every row is the single-pass index's (IDs are given in first-seen order);
 * - goroutines that ended before T: identical rows; alive at T (end_ns null): the same identity
 *   (id, name, created, creator, creation and start stacks, start, first state) and in the whole
 *   index they end at T or later, or never;
 * - goroutine_intervals: closed ones identical; open ones end at T, and the whole index has the
 *   interval with the same start, state, reason, stack, thread and P, ending at T or later;
 * - ranges and tasks: closed (ended) ones identical; open ones begin as in the whole index and end there at T or later;
 * - logs, cpu_samples, labels, regions that ended, metric points, unblock edges: a subset of the whole index's;
 * - goroutine count samples before T: identical;
 * - blocked_at_end: the goroutines alive and blocked at T, as the partial goroutines table says.
 * The aggregates over the whole trace (blocking, blocking_sites, unblock_sites, levels) are the
 * same computations over the prefix and are not compared.
 */
function comparePrefix(partialFile: string, fullFile: string, n: number): void {
  withTraceIndex(partialFile, (p) => withTraceIndex(fullFile, (f) => {
    const meta = new Map(rows(p, 'SELECT key, value FROM meta').map((r) => [r.key as string, r.value as string]));
    assert.equal(meta.get('partial'), '1');
    assert.equal(meta.get('generations_indexed'), String(n));
    const t = Number(meta.get('indexed_until_ns'));
    assert.ok(t > 0);
    assert.equal(f.prepare("SELECT count(*) FROM meta WHERE key IN ('partial', 'indexed_until_ns', 'generations_indexed')").pluck().get(), 0);

    for (const table of ['strings', 'frames', 'stack_frames']) assertSubset(rows(p, `SELECT * FROM ${table}`), rows(f, `SELECT * FROM ${table}`), table);

    const fullG = new Map(rows(f, 'SELECT * FROM goroutines').map((r) => [r.id as number, r]));
    const identity = ['id', 'name', 'created', 'creator', 'creation_stack', 'start_stack', 'start_ns', 'first_state'];
    for (const g of rows(p, 'SELECT * FROM goroutines')) {
      const w = fullG.get(g.id as number);
      assert.ok(w, `goroutine ${g.id} missing from the single-pass index`);
      if (g.end_ns !== null) {
        assert.ok((g.end_ns as number) <= t);
        assert.deepEqual(g, w, `goroutine ${g.id} ended before the frontier`);
      } else {
        for (const c of identity) assert.equal(g[c], w[c], `goroutine ${g.id} (continues at the frontier): ${c}`);
        assert.ok(w.end_ns === null || (w.end_ns as number) >= t, `goroutine ${g.id} ends in the whole index before the frontier`);
      }
    }

    const intervals = rows(p, 'SELECT * FROM goroutine_intervals');
    const whole = rows(f, 'SELECT * FROM goroutine_intervals');
    assertSubset(intervals.filter((r) => r.open === 0), whole, 'closed goroutine intervals');
    const wholeByStart = new Map(whole.map((r) => [`${r.goroutine}/${r.start_ns}`, r]));
    for (const r of intervals.filter((i) => i.open === 1)) {
      assert.equal(r.end_ns, t, 'an interval open in a partial index ends at the frontier');
      const w = wholeByStart.get(`${r.goroutine}/${r.start_ns}`);
      assert.ok(w, `goroutine ${r.goroutine}'s interval from ${r.start_ns} (continues) is not in the whole index`);
      for (const c of ['state', 'reason', 'stack', 'thread', 'proc']) assert.equal(r[c], w[c], `continuing interval's ${c}`);
      assert.ok((w.end_ns as number) >= t);
    }

    assertSubset(rows(p, 'SELECT * FROM ranges WHERE open = 0'), rows(f, 'SELECT * FROM ranges'), 'closed ranges');
    const fullRanges = rows(f, 'SELECT * FROM ranges');
    for (const r of rows(p, 'SELECT * FROM ranges WHERE open = 1')) {
      assert.equal(r.end_ns, t);
      assert.ok(fullRanges.some((w) => w.name === r.name && w.scope_kind === r.scope_kind && w.scope_id === r.scope_id && w.start_ns === r.start_ns &&
        w.began_before === r.began_before && (w.end_ns as number) >= t), `range ${JSON.stringify(r)} continues`);
    }
    assertSubset(rows(p, 'SELECT * FROM tasks WHERE end_ns IS NOT NULL'), rows(f, 'SELECT * FROM tasks'), 'ended tasks');
    const fullTasks = new Map(rows(f, 'SELECT * FROM tasks').map((r) => [r.id as number, r]));
    for (const r of rows(p, 'SELECT * FROM tasks WHERE end_ns IS NULL')) {
      const w = fullTasks.get(r.id as number);
      assert.ok(w && w.start_ns === r.start_ns && (w.end_ns === null || (w.end_ns as number) >= t), `task ${r.id} continues`);
    }
    for (const table of ['logs', 'cpu_samples', 'labels', 'metrics', 'unblocks']) {
      assertSubset(rows(p, `SELECT * FROM ${table}`), rows(f, `SELECT * FROM ${table}`), table);
    }
    assertSubset(rows(p, 'SELECT * FROM regions WHERE end_ns IS NOT NULL'), rows(f, 'SELECT * FROM regions'), 'ended regions');
    assertSubset(rows(p, `SELECT * FROM goroutine_counts WHERE time_ns < ${t}`), rows(f, 'SELECT * FROM goroutine_counts'), 'goroutine counts');

    const blocked = p.prepare('SELECT coalesce(sum(goroutines), 0) FROM blocked_at_end').pluck().get();
    assert.equal(blocked, p.prepare('SELECT count(*) FROM goroutines WHERE end_ns IS NULL AND last_state IN (4, 5)').pluck().get());
  }));
}

test('a trace indexed for N generations is the single-pass index up to its frontier, on every multi-generation fixture', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-partial-'));
  let compared = 0;
  try {
    for (const file of traces) {
      const gens = traceGenerations(file);
      if (gens < 2) continue;
      const full = path.join(dir, 'full.db');
      const content = index(file, full);
      assert.equal(content.partial, undefined);
      for (const n of new Set([1, gens - 1])) {
        const part = path.join(dir, `part-${n}.db`);
        const partial = index(file, part, n);
        assert.ok(partial.partial, `${path.basename(file)}: stopped after ${n} of ${gens} generations`);
        assert.equal(partial.partial.generations, n);
        assert.ok(partial.partial.bytesIndexed > 0 && partial.partial.bytesIndexed <= fs.statSync(file).size);
        assert.ok(partial.items < content.items);
        comparePrefix(part, full, n);
        compared++;
        fs.rmSync(part);
      }
      // Asking to stop after the last generation is no stop: the index is complete (once per scenario).
      if (file.endsWith('.go127.trace')) {
        const all = path.join(dir, 'all.db');
        assert.equal(index(file, all, gens).partial, undefined, `${path.basename(file)}: ${gens} generations of ${gens}`);
        fs.rmSync(all);
      }
      fs.rmSync(full);
    }
    // The -gens scenarios' five Go versions each, at least.
    assert.ok(compared >= 20, `compared ${compared} partial indexes`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the library keeps a partial index only when asked, marks it partial, and completes it when the file is indexed again', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-partial-lib-'));
  const file = path.join(FIXTURES, 'traces/chanleak-gens.go127.trace');
  const lib = new Library(dir);
  try {
    assert.throws(() => lib.index(file, { stop: { afterGenerations: 1 } }), (e: unknown) => {
      assert.ok(e instanceof IndexStopped);
      assert.equal(e.content.partial.generations, 1);
      return true;
    });
    assert.deepEqual(lib.list(), []);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'artefacts')), [], 'nothing left behind');

    const kept = lib.index(file, { stop: { afterGenerations: 1 }, keepPartial: true });
    assert.equal(kept.reused, false);
    assert.equal(kept.artefact.partial?.generations, 1);
    assert.equal(lib.get(kept.artefact.hash)?.partial?.indexedUntilNs, kept.artefact.partial?.indexedUntilNs);
    // The service's summary says partial, with the frontier (the overview's "partial — indexed to T").
    const service = new GoroscopeService(lib);
    try {
      const summary = await service.summary(kept.artefact.hash);
      assert.equal(summary.artefact.partial?.indexedUntilNs, kept.artefact.partial?.indexedUntilNs);
      assert.equal(summary.artefact.partial?.generations, 1);
      assert.equal(summary.artefact.durationNs, summary.artefact.partial?.indexedUntilNs);
    } finally {
      await service.close();
    }
    // A stop flag raised before the indexing starts stops at the first generation boundary.
    const flag = new SharedArrayBuffer(4);
    Atomics.store(new Int32Array(flag), 0, 1);
    const again = lib.index(file, { stop: { flag }, keepPartial: true });
    assert.equal(again.reused, false, 'a partial index does not count as indexed');
    assert.equal(again.artefact.partial?.generations, 1);

    const complete = lib.index(file);
    assert.equal(complete.reused, false, 'a partial index does not count as indexed');
    assert.equal(complete.artefact.partial, null);
    const after = new GoroscopeService(lib);
    try {
      assert.equal((await after.summary(complete.artefact.hash)).artefact.partial, undefined);
    } finally {
      await after.close();
    }
    assert.equal(lib.get(complete.artefact.hash)?.partial, null);
    assert.ok(complete.artefact.durationNs > kept.artefact.durationNs);
    assert.equal(lib.index(file).reused, true);
  } finally {
    lib.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
