// The index: every fixture indexed into a temporary library; its summary equals the decoder's
// (and so Go's); goroutine intervals are contiguous and add up to the summary; artefacts are
// reused by content; a schema change rebuilds; a killed indexer leaves the library clean; a
// truncated trace indexes its decodable prefix with a warning.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { summarizeTrace } from '../../src-main/analyze/trace-summary.ts';
import { openTrace } from '../../src-main/decode/gotrace/reader.ts';
import { decodeChunk, indexNsPerTick } from '../../src-main/index/interval-codec.ts';
import { Library, type Artefact } from '../../src-main/index/library.ts';
import { GO_STATES } from '../../src-main/index/schema.ts';
import { decodeLevelRow, LEVEL_NS } from '../../src-main/index/levels.ts';
import { ByteReader } from '../../src-main/index/varint.ts';
import { registerPackedTables } from '../../src-main/service/packed-tables.ts';
import { GoroscopeService } from '../../src-main/service/service.ts';
import { expectedEventFiles, fixtureTraces } from '../support/fixtures.ts';
import { readGzipText } from '../support/event-text.ts';

let dir: string;
let lib: Library;

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-index-'));
  lib = new Library(path.join(dir, 'library'));
});
after(() => {
  lib.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Every goroutine's intervals, from the inline blob or the chunks table. */
function goroutineIntervals(db: Database.Database) {
  const out = new Map<number, { start: number; end: number; state: number; reason: number; open: boolean; thread: number; proc: number }[]>();
  const nsPerTick = indexNsPerTick(db);
  const add = (g: number, start: number, data: Uint8Array) => {
    const list = out.get(g) ?? [];
    decodeChunk(data, start, nsPerTick, (s, e, state, reason, _stack, open, thread, proc) => {
      list.push({ start: s, end: e, state, reason, open, thread, proc });
    });
    out.set(g, list);
  };
  for (const r of db.prepare('SELECT id, start_ns, interval_data FROM goroutines WHERE interval_data IS NOT NULL').all() as { id: number; start_ns: number; interval_data: Uint8Array }[]) {
    add(r.id, r.start_ns, r.interval_data);
  }
  for (const r of db.prepare('SELECT goroutine, start_ns, data FROM goroutine_interval_chunks ORDER BY goroutine, start_ns').all() as { goroutine: number; start_ns: number; data: Uint8Array }[]) {
    add(r.goroutine, r.start_ns, r.data);
  }
  return out;
}

for (const trace of fixtureTraces()) {
  test(`index of ${trace.name}: summary and intervals`, () => {
    const { artefact, reused } = lib.index(trace.path);
    assert.equal(reused, false);
    const { summary } = summarizeTrace(openTrace(trace.path));
    assert.deepEqual(artefact.summary, summary, 'the index keeps the decoder\'s summary');
    const db = new Database(lib.indexPath(artefact.hash), { readonly: true });
    try {
      const intervals = goroutineIntervals(db);
      // Each goroutine's first transition's from-state, as the decoder gives it.
      const firstFrom = new Map<number, string>();
      const reader = openTrace(trace.path);
      for (let ev = reader.next(); ev !== null; ev = reader.next()) {
        if (ev.kind === 'StateTransition' && ev.data.resource === 'goroutine' && !firstFrom.has(ev.data.id)) firstFrom.set(ev.data.id, ev.data.from);
      }
      const rows = db.prepare(`SELECT id, created, start_ns, end_ns, first_state, last_state, running_ns, runnable_ns, waiting_ns, syscall_ns, intervals,
        wait_ns_by_reason, last_since_ns, interval_data FROM goroutines`).all() as { id: number; created: number; start_ns: number; end_ns: number | null; first_state: number;
        last_state: number; running_ns: number; runnable_ns: number; waiting_ns: number; syscall_ns: number; intervals: number;
        wait_ns_by_reason: Uint8Array | null; last_since_ns: number | null; interval_data: Uint8Array | null }[];
      assert.equal(rows.length, summary.goroutines);
      assert.equal(rows.filter((r) => GO_STATES[r.last_state] !== 'NotExist').length, summary.goroutinesAliveAtEnd);
      let running = 0;
      let syscall = 0;
      for (const r of rows) {
        const list = intervals.get(r.id) ?? [];
        assert.equal(list.length, r.intervals, `goroutine ${r.id}: interval count`);
        const totals = [0, 0, 0, 0, 0, 0];
        for (let i = 0; i < list.length; i++) {
          const iv = list[i];
          assert.ok(iv.end >= iv.start, `goroutine ${r.id}: interval ${i} has a negative length`);
          if (i > 0) assert.equal(iv.start, list[i - 1].end, `goroutine ${r.id}: intervals are contiguous`);
          // A status restated at a generation start is no transition: a wait stays one interval.
          if (i > 0) assert.notEqual(iv.state, list[i - 1].state, `goroutine ${r.id}: interval ${i} restates the state before it`);
          assert.equal(iv.open, i === list.length - 1 && r.end_ns === null, `goroutine ${r.id}: only a last interval of a live goroutine is open`);
          totals[iv.state] += iv.end - iv.start;
        }
        if (list.length > 0) assert.equal(list[0].start, r.start_ns);
        assert.equal(r.created, firstFrom.get(r.id) === 'NotExist' ? 1 : 0, `goroutine ${r.id}: created in the trace`);
        // Since when in its last state: the last interval's start while alive, null once ended.
        assert.equal(r.last_since_ns, r.end_ns === null ? (list.at(-1)?.start ?? r.start_ns) : null, `goroutine ${r.id}: last_since_ns`);
        // Waiting time by reason, packed for goroutines with chunks, equals its Waiting intervals' by reason.
        const waited = new Map<number, number>();
        for (const iv of list) if (iv.state === 4 && iv.end > iv.start) waited.set(iv.reason, (waited.get(iv.reason) ?? 0) + iv.end - iv.start);
        const packed = new Map<number, number>();
        if (r.wait_ns_by_reason) {
          const pairs = new ByteReader(r.wait_ns_by_reason);
          while (!pairs.done) packed.set(pairs.uvarint(), pairs.uvarint());
        }
        if (r.interval_data === null) assert.deepEqual(packed, waited, `goroutine ${r.id}: wait_ns_by_reason`);
        else assert.equal(r.wait_ns_by_reason, null, `goroutine ${r.id}: inline intervals, no wait_ns_by_reason`);
        assert.deepEqual([totals[3], totals[2], totals[4], totals[5]], [r.running_ns, r.runnable_ns, r.waiting_ns, r.syscall_ns], `goroutine ${r.id}: totals`);
        running += r.running_ns;
        syscall += r.syscall_ns;
      }
      assert.equal(running, summary.runningNs, 'running time adds up to the summary');
      assert.equal(syscall, summary.syscallNs, 'syscall time adds up to the summary');
      // Where goroutines waited, by reason and stack, adds up to the summary's wait time by reason.
      const waitedByReason = Object.fromEntries((db.prepare(`SELECT s.value AS reason, sum(b.total_ns) AS ns FROM blocking b
        JOIN strings s ON s.id = (CASE b.reason WHEN 0 THEN 1 ELSE b.reason END) GROUP BY 1 HAVING ns > 0`).all() as { reason: string; ns: number }[])
        .map((r) => [r.reason, r.ns]));
      assert.deepEqual(waitedByReason, summary.waitNsByReason, 'blocking adds up to waitNsByReason');
      // Goroutines blocked at the end, grouped, add up to the summary's waitingAtEnd.
      const stuck = Object.fromEntries((db.prepare(`SELECT s.value AS reason, sum(b.goroutines) AS n FROM blocked_at_end b
        JOIN strings s ON s.id = (CASE b.reason WHEN 0 THEN 1 ELSE b.reason END) WHERE b.state = 4 GROUP BY 1`).all() as { reason: string; n: number }[])
        .map((r) => [r.reason, r.n]));
      assert.deepEqual(stuck, summary.waitingAtEnd, 'blocked_at_end adds up to waitingAtEnd');
      // Unblock edges (the SQL console's unblocks table): one row each, in time order, by the reason of the wait they ended.
      const edges = new Database(':memory:');
      try {
        registerPackedTables(edges, db);
        const names = new Map((db.prepare('SELECT id, value FROM strings').all() as { id: number; value: string }[]).map((r) => [r.id, r.value]));
        const rows = edges.prepare('SELECT time_ns, goroutine, reason, by_goroutine FROM unblocks').all() as
          { time_ns: number; goroutine: number; reason: number; by_goroutine: number }[];
        const unblocks: Record<string, number> = {};
        rows.forEach((u, i) => {
          const reason = names.get(u.reason) ?? '';
          unblocks[reason] = (unblocks[reason] ?? 0) + 1;
          assert.notEqual(u.goroutine, u.by_goroutine, 'a goroutine is woken by another');
          if (i > 0) assert.ok(u.time_ns > rows[i - 1].time_ns, 'edges in time order');
        });
        assert.deepEqual(unblocks, summary.unblocksByReason, 'unblocks add up to unblocksByReason');
      } finally {
        edges.close();
      }
      assert.equal(db.prepare('SELECT sum(count) FROM unblock_sites').pluck().get() ?? 0, summary.unblocks, 'unblock_sites add up to unblocks');
      // Levels of detail: every level of a goroutine accounts for exactly its time in each state.
      const byGoroutine = new Map(rows.map((r) => [r.id, r]));
      const levelRows = db.prepare('SELECT goroutine, level, start_bucket, data FROM goroutine_levels').all() as
        { goroutine: number; level: number; start_bucket: number; data: Uint8Array }[];
      const sums = new Map<string, number[]>();
      for (const lr of levelRows) {
        const key = `${lr.goroutine}/${lr.level}`;
        const acc = sums.get(key) ?? [0, 0, 0, 0, 0, 0];
        const width = LEVEL_NS[lr.level - 1];
        let prevEnd = lr.start_bucket * width;
        decodeLevelRow({ level: lr.level, startBucket: lr.start_bucket, data: lr.data }, (s, e, ns) => {
          assert.ok(s >= prevEnd && e > s && e <= (lr.start_bucket + 4096) * width, `level entries of ${key} in order, within their row`);
          assert.ok(ns.reduce((a, b) => a + b) <= e - s + 4, `an entry of ${key} holds no more time than its extent`);
          prevEnd = e;
          ns.forEach((v, i) => (acc[i] += v));
        });
        sums.set(key, acc);
      }
      for (const [key, acc] of sums) {
        const r = byGoroutine.get(Number(key.split('/')[0]))!;
        // Bucket totals are rounded to whole ns per bucket.
        const tolerance = (r.intervals + 1) * 1;
        for (const [i, want] of [[3, r.running_ns], [2, r.runnable_ns], [4, r.waiting_ns], [5, r.syscall_ns]] as const) {
          assert.ok(Math.abs(acc[i] - want) <= tolerance, `goroutine ${key}: level totals of ${GO_STATES[i]} ${acc[i]} vs ${want}`);
        }
      }
      if (trace.name === 'gotestdata.stress_1_11_good') assert.ok(sums.size >= LEVEL_NS.length, 'long-lived goroutines have levels');
    } finally {
      db.close();
    }
  });
}

test('Running and Syscall intervals carry the thread, and Running ones the P, that Go\'s reader gives their transitions; proc_intervals adds up', () => {
  for (const expected of expectedEventFiles()) {
    const file = fixtureTraces().find((t) => t.name === expected.name)!.path;
    const { artefact } = lib.index(file);
    const db = new Database(lib.indexPath(artefact.hash), { readonly: true });
    try {
      // Go prints absolute times; the index's are relative to the first event.
      const meta = (key: string) => BigInt(db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(key) as string);
      const origin = meta('time_origin') + meta('start_ns');
      // From Go's own text: goroutine transitions into Running or Syscall, keyed by goroutine/time/state,
      // with their M and P.
      const want = new Map<string, { thread: number | null; proc: number | null }>();
      for (const line of readGzipText(expected.path).split('\n')) {
        const m = /^M=(-?\d+) P=(-?\d+) .* StateTransition Time=(\d+) GoID=(\d+) \w+->(Running|Syscall) /.exec(line);
        if (m) {
          want.set(`${m[4]}/${BigInt(m[3]) - origin}/${m[5]}`,
            { thread: m[1] === '-1' ? null : Number(m[1]), proc: m[5] === 'Running' && m[2] !== '-1' ? Number(m[2]) : null });
        }
      }
      let checked = 0;
      let runningNs = 0;
      for (const [g, list] of goroutineIntervals(db)) {
        for (const iv of list) {
          const state = GO_STATES[iv.state];
          if (state === 'Running') runningNs += iv.end - iv.start;
          if (state !== 'Running') assert.equal(iv.proc, -1, `${expected.name}: goroutine ${g} ${state} at ${iv.start} has no P`);
          if (state !== 'Running' && state !== 'Syscall') {
            assert.equal(iv.thread, -1, `${expected.name}: goroutine ${g} ${state} at ${iv.start} has no thread`);
            continue;
          }
          const key = `${g}/${iv.start}/${state}`;
          if (!want.has(key)) continue; // began before the goroutine's first transition in Go's text (status events)
          assert.equal(iv.thread === -1 ? null : iv.thread, want.get(key)!.thread, `${expected.name}: thread of ${key}`);
          assert.equal(iv.proc === -1 ? null : iv.proc, want.get(key)!.proc, `${expected.name}: P of ${key}`);
          checked++;
        }
      }
      assert.ok(checked > want.size * 0.9, `${expected.name}: ${checked} of ${want.size} transitions matched an interval`);
      // The SQL console's proc_intervals: the Running time on a P, merged, adds up to all the Running time on a P.
      const sql = new Database(':memory:');
      try {
        registerPackedTables(sql, db);
        const [rows, byProc] = sql.prepare('SELECT count(*), sum(end_ns - start_ns) FROM proc_intervals').raw().get() as [number, number];
        let onProcNs = 0;
        let runs = 0; // Running intervals on a P, except those continuing the previous one on the same P
        for (const list of goroutineIntervals(db).values()) {
          list.forEach((iv, i) => {
            if (iv.proc < 0) return;
            onProcNs += iv.end - iv.start;
            const prev = list[i - 1];
            if (!prev || prev.proc !== iv.proc || prev.end !== iv.start) runs++;
          });
        }
        assert.equal(byProc, onProcNs, `${expected.name}: proc_intervals total`);
        assert.equal(rows, runs, `${expected.name}: proc_intervals rows`);
        assert.ok(onProcNs > 0 && onProcNs <= runningNs, `${expected.name}: time on a P (${onProcNs}) within the Running time (${runningNs})`);
        // A self-join scans the table inside its own scan: each row meets itself.
        assert.equal(sql.prepare('SELECT count(*) FROM proc_intervals a JOIN proc_intervals b ON a.goroutine = b.goroutine AND a.start_ns = b.start_ns').pluck().get(), rows);
      } finally {
        sql.close();
      }
    } finally {
      db.close();
    }
  }
});

test('metric points, from the service and from the SQL console\'s metrics table, are the decoder\'s', async () => {
  const svc = new GoroscopeService(lib);
  try {
    let checked = 0;
    for (const trace of fixtureTraces()) {
      // From the decoder: one point per (name, ns), the last of several, at times since the first event.
      const want = new Map<string, Map<number, number>>();
      const reader = openTrace(trace.path);
      let first: number | null = null;
      try {
        for (let ev = reader.next(); ev !== null; ev = reader.next()) {
          first ??= ev.time;
          if (ev.kind !== 'Metric') continue;
          if (!want.has(ev.data.name)) want.set(ev.data.name, new Map());
          want.get(ev.data.name)!.set(ev.time - first, ev.data.value);
        }
      } catch {
        // Truncated fixtures: the index holds the same prefix.
      } finally {
        reader.close();
      }
      if (want.size === 0) continue;
      const { artefact } = lib.index(trace.path);
      const db = new Database(lib.indexPath(artefact.hash), { readonly: true });
      const sql = new Database(':memory:');
      try {
        registerPackedTables(sql, db);
        for (const [name, points] of want) {
          const expected = [...points].map(([time, value]) => ({ time, value }));
          const end = expected.at(-1)!.time;
          assert.deepEqual(await svc.metric(artefact.hash, name, 0, end, 100_000), expected, `${trace.name}: ${name} from the service`);
          const nameId = db.prepare('SELECT id FROM strings WHERE value = ?').pluck().get(name);
          assert.deepEqual(sql.prepare('SELECT time_ns AS time, value FROM metrics WHERE name = ?').all(nameId), expected, `${trace.name}: ${name} in SQL`);
          const mid = expected[Math.floor(expected.length / 2)].time;
          assert.deepEqual(await svc.metric(artefact.hash, name, mid, mid + 1, 2), expected.filter((p) => p.time >= mid && p.time <= mid + 1),
            `${trace.name}: ${name} in a 1 ns window`);
          checked++;
        }
      } finally {
        sql.close();
        db.close();
      }
    }
    assert.ok(checked > 20, `${checked} metrics checked`);
  } finally {
    await svc.close();
  }
});

test('the same content is indexed once, and a schema change rebuilds it', () => {
  const file = fixtureTraces().find((t) => t.name === 'httpleak.go127')!.path;
  const first = lib.index(file);
  const indexFile = lib.indexPath(first.artefact.hash);
  const mtime = fs.statSync(indexFile).mtimeMs;
  const copy = path.join(dir, 'copy-of-httpleak.trace');
  fs.copyFileSync(file, copy);
  const again = lib.index(copy);
  assert.equal(again.reused, true);
  assert.equal(again.artefact.hash, first.artefact.hash);
  assert.equal(fs.statSync(indexFile).mtimeMs, mtime, 'the index file was not rewritten');
  // An index from an older schema is rebuilt.
  const catalogue = new Database(path.join(lib.dir, 'library.db'));
  catalogue.prepare('UPDATE artefacts SET schema_version = 0 WHERE hash = ?').run(first.artefact.hash);
  catalogue.close();
  const rebuilt = lib.index(file);
  assert.equal(rebuilt.reused, false);
  assert.equal(lib.get(first.artefact.hash)!.schemaVersion, rebuilt.artefact.schemaVersion);
});

test('a truncated trace indexes what was decodable and records the warning', () => {
  const full = fs.readFileSync(fixtureTraces().find((t) => t.name === 'tickerleak-gens.go127')!.path);
  const cut = path.join(dir, 'cut.trace');
  fs.writeFileSync(cut, full.subarray(0, Math.floor(full.length * 0.6)));
  const { artefact } = lib.index(cut);
  assert.match(artefact.warning ?? '', /cut\.trace at byte \d+/);
  assert.ok(artefact.items > 0);
  assert.ok(lib.list().some((a) => a.hash === artefact.hash && a.warning !== null));
});

/** `goroscope index FILE` stopped at `point` (GOROSCOPE_TEST_STALL_INDEXING), once it says it is there. */
async function stalledIndexer(file: string, libDir: string, point: '1' | 'renamed'): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['bin/goroscope.mjs', 'index', file, '--library', libDir], {
    env: { ...process.env, GOROSCOPE_TEST_STALL_INDEXING: point }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the indexer never reached the stall point ${point}`)), 60_000);
    child.stderr!.on('data', (d: Buffer) => {
      if (d.toString().includes('stalled')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return child;
}

test('an indexer killed with SIGKILL mid-way leaves the library clean; the next index succeeds', async () => {
  const libDir = path.join(dir, 'crash-library');
  const file = fixtureTraces().find((t) => t.name === 'gotestdata.stress_1_11_good')!.path;
  const child = await stalledIndexer(file, libDir, '1');
  const artefactDir = path.join(libDir, 'artefacts');
  assert.ok(fs.readdirSync(artefactDir).some((f) => f.includes('.tmp-')), 'a temporary index is being written');
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  const crashed = new Library(libDir);
  try {
    assert.deepEqual(crashed.list(), [], 'nothing half-written is listed');
    assert.deepEqual(fs.readdirSync(artefactDir), [], 'the dead process\'s temporary file is removed');
    const { artefact, reused } = crashed.index(file);
    assert.equal(reused, false);
    assert.equal(artefact.items, summarizeTrace(openTrace(file)).summary.events);
  } finally {
    crashed.close();
  }
});

/**
 * What a library must look like after any crash: every listed artefact's index is there, whole
 * and of its content; nothing else is in artefacts/ once a writer has opened it; no rollback
 * journal of the catalogue is left. Readers see the same list before that writer's sweep.
 */
function assertWholeLibrary(libDir: string, why: string): Artefact[] {
  const reader = Library.openReadOnly(libDir);
  const seenByReader = reader?.list().map((a) => a.hash).sort() ?? [];
  reader?.close();
  const writer = new Library(libDir);
  try {
    const listed = writer.list();
    assert.deepEqual(listed.map((a) => a.hash).sort(), seenByReader, `${why}: a reader and a writer list the same artefacts`);
    for (const a of listed) {
      const index = new Database(writer.indexPath(a.hash), { readonly: true, fileMustExist: true });
      try {
        assert.equal(index.pragma('integrity_check', { simple: true }), 'ok', `${why}: ${a.hash} is whole`);
        assert.equal(index.prepare("SELECT value FROM meta WHERE key = 'hash'").pluck().get(), a.hash, `${why}: ${a.hash} is its content's`);
        assert.equal(index.prepare('SELECT count(*) FROM goroutines').pluck().get(), a.goroutines, `${why}: ${a.hash} answers queries`);
      } finally {
        index.close();
      }
    }
    assert.deepEqual(fs.readdirSync(path.join(libDir, 'artefacts')).sort(), listed.map((a) => `${a.hash}.db`).sort(),
      `${why}: nothing but listed indexes once a writer has opened the library`);
    assert.ok(!fs.existsSync(path.join(libDir, 'library.db-journal')), `${why}: no rollback journal left`);
    return listed;
  } finally {
    writer.close();
  }
}

test('indexers killed with SIGKILL at 20 random moments, and between the rename and the catalogue write, leave only whole artefacts', async () => {
  const libDir = path.join(dir, 'kill-sweep-library');
  const file = fixtureTraces().find((t) => t.name === 'gcchurn.go126')!.path;
  const moduleUrl = new URL('../../src-main/index/library.ts', import.meta.url).href;
  // A process that loads the library module, says "ready", and on a line on stdin opens the
  // library and indexes the file (afresh or over its index), says "done" and exits: the time
  // from that line to the exit is what a kill may interrupt (opening, sweeping, indexing, listing).
  const script = `const { Library } = await import(${JSON.stringify(moduleUrl)});
    process.stdout.write('ready\\n');
    process.stdin.once('data', (d) => {
      const lib = new Library(${JSON.stringify(libDir)});
      lib.index(${JSON.stringify(file)}, { force: d.toString().startsWith('force') });
      lib.close();
      process.stdout.write('done\\n', () => process.exit(0));
    });`;
  const start = () => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const said = (word: string) => new Promise<void>((resolve, reject) => {
      const check = () => (out.includes(word) ? resolve() : child.exitCode !== null ? reject(new Error(`exited before "${word}": ${err}`)) : setTimeout(check, 1));
      check();
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    return { child, said, exited, stderr: () => err };
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  // How long an uninterrupted run takes, from its go to its exit.
  const first = start();
  await first.said('ready');
  const t0 = performance.now();
  first.child.stdin!.write('index\n');
  await first.exited;
  const runMs = performance.now() - t0;
  assert.equal(first.child.exitCode, 0, first.stderr());
  assertWholeLibrary(libDir, 'uninterrupted');

  // 20 kills at random moments of such a run, half of them over an existing index (force), half
  // into a library without it; the processes are all started at once, so that loading overlaps.
  const outcomes: string[] = [];
  const children = Array.from({ length: 20 }, start);
  try {
    for (const c of children) {
      await c.said('ready');
      const fresh = Math.random() < 0.5;
      if (fresh) {
        const lib = new Library(libDir);
        for (const a of lib.list()) lib.remove(a.hash);
        lib.close();
      }
      const delay = Math.random() * runMs * 1.1;
      c.child.stdin!.write(fresh ? 'index\n' : 'force\n');
      await sleep(delay);
      c.child.kill('SIGKILL');
      await c.exited;
      const listed = assertWholeLibrary(libDir, `killed after ${delay.toFixed(0)} of ${runMs.toFixed(0)} ms${fresh ? ' into an empty library' : ''}`);
      outcomes.push(c.child.signalCode === 'SIGKILL' ? (listed.length > 0 ? 'killed, listed' : 'killed, not listed') : 'finished');
    }
  } finally {
    for (const c of children) c.child.kill('SIGKILL');
  }

  // Between the rename and the catalogue's commit: the finished index under its final name,
  // unlisted. The next writer's sweep removes it; the file indexes again afterwards.
  const lib = new Library(libDir);
  for (const a of lib.list()) lib.remove(a.hash);
  lib.close();
  const stalled = await stalledIndexer(file, libDir, 'renamed');
  const renamed = fs.readdirSync(path.join(libDir, 'artefacts')).filter((f) => /^[0-9a-f]{64}\.db$/.test(f));
  assert.equal(renamed.length, 1, 'the finished index has its final name');
  stalled.kill('SIGKILL');
  await new Promise((resolve) => stalled.once('exit', resolve));
  assert.deepEqual(assertWholeLibrary(libDir, 'killed between rename and commit'), [], 'an index whose listing never committed is not listed');
  const again = new Library(libDir);
  try {
    assert.equal(again.index(file).reused, false);
  } finally {
    again.close();
  }
  assertWholeLibrary(libDir, 'indexed again');
  process.stdout.write(`# kill -9 sweep (${runMs.toFixed(0)} ms a run): ${outcomes.join('; ')}\n`);
});

test('service: every goroutine\'s waiting time by reason, inline or chunked, adds up to the summary\'s', async () => {
  const file = fixtureTraces().find((t) => t.name === 'gotestdata.stress_1_21_good')!.path;
  const svc = new GoroscopeService(lib);
  try {
    const { artefact } = await svc.indexFile(file);
    const result = await svc.summary(artefact.hash);
    assert.equal(result.kind, 'trace');
    if (result.kind !== 'trace') return;
    const page = await svc.goroutines({ artefact: artefact.hash, limit: 10_000 });
    assert.equal(page.rows.length, result.summary.goroutines);
    const db = new Database(lib.indexPath(artefact.hash), { readonly: true });
    const chunked = db.prepare('SELECT count(*) FROM goroutines WHERE interval_data IS NULL AND wait_ns_by_reason IS NOT NULL').pluck().get() as number;
    db.close();
    assert.ok(chunked > 0, 'some goroutines have chunks of intervals and a stored wait_ns_by_reason');
    const total: Record<string, number> = {};
    for (const g of page.rows) {
      const detail = await svc.goroutine(artefact.hash, g.id);
      let waited = 0;
      for (const [reason, ns] of Object.entries(detail.waitNsByReason)) {
        total[reason] = (total[reason] ?? 0) + ns;
        waited += ns;
      }
      assert.equal(waited, g.waitingNs, `goroutine ${g.id}: waiting time by reason adds up to its waiting time`);
    }
    assert.deepEqual(total, result.summary.waitNsByReason);
  } finally {
    svc.close();
  }
});

test('service: goroutine list, detail and timeline agree with the index', async () => {
  const file = fixtureTraces().find((t) => t.name === 'chanleak.go127')!.path;
  const svc = new GoroscopeService(lib);
  try {
    const { artefact } = await svc.indexFile(file);
    const page = await svc.goroutines({ artefact: artefact.hash, state: 'Waiting', reason: 'chan send', limit: 1000 });
    const result = await svc.summary(artefact.hash);
    assert.equal(result.kind, 'trace');
    if (result.kind !== 'trace') return;
    const summary = result.summary;
    assert.equal(page.total, summary.waitingAtEnd['chan send']);
    const detail = await svc.goroutine(artefact.hash, page.rows[0].id);
    assert.equal(detail.intervals.at(-1)!.state, 'Waiting');
    assert.equal(detail.intervals.at(-1)!.reason, 'chan send');
    assert.ok(detail.intervals.at(-1)!.stack.some((f) => f.func === 'runtime.chansend1'));
    // A P and an M while Running, an M only in a syscall, neither otherwise.
    for (const iv of detail.intervals) {
      assert.equal(iv.proc !== null, iv.state === 'Running' && iv.proc! >= 0, `P of a ${iv.state} interval`);
      assert.equal(iv.thread !== null, iv.state === 'Running' || iv.state === 'Syscall', `M of a ${iv.state} interval`);
    }
    assert.ok(detail.intervals.some((iv) => iv.proc !== null));
    const tl = await svc.timeline({ artefact: artefact.hash, t0: 0, t1: summary.durationNs, goroutines: [detail.id], widthPx: 100 });
    const spans = tl.rows[0].spans;
    assert.ok(spans.length > 0 && spans.length <= 100);
    assert.equal(spans.at(-1)!.state, 'Waiting');
    for (let i = 1; i < spans.length; i++) assert.ok(spans[i].start >= spans[i - 1].end, 'spans in order');
    await assert.rejects(svc.timeline({ artefact: artefact.hash, t0: 5, t1: 1, goroutines: [1], widthPx: 10 }), /t1 must be greater than t0/);
    const q = await svc.query({ artefact: artefact.hash, sql: 'SELECT count(*) FROM goroutines' });
    assert.deepEqual(q.rows, [[summary.goroutines]]);
    await assert.rejects(svc.query({ artefact: artefact.hash, sql: 'DELETE FROM goroutines' }), /read-only/);
  } finally {
    await svc.close();
  }
});

test('the goroutine list pages through every sort order exactly as a sort of all rows does', async () => {
  const file = fixtureTraces().find((t) => t.name === 'httpleak.go127')!.path;
  const svc = new GoroscopeService(lib);
  try {
    const { artefact } = await svc.indexFile(file);
    const all = (await svc.goroutines({ artefact: artefact.hash, limit: 10_000 })).rows;
    assert.ok(all.length > 20);
    for (const sort of ['id', 'name', 'startNs', 'endNs', 'runningNs', 'waitingNs', 'runnableNs', 'syscallNs'] as const) {
      for (const descending of [false, true]) {
        // The service's order: the key (SQLite's order: nulls first, strings by bytes), ties by ID, same direction.
        const key = (r: (typeof all)[number]) => r[sort];
        const cmp = (a: (typeof all)[number], b: (typeof all)[number]) => {
          const x = key(a), y = key(b);
          const byKey = x === y ? 0 : x === null ? -1 : y === null ? 1 : x < y ? -1 : 1;
          return (byKey || a.id - b.id) * (descending ? -1 : 1);
        };
        const want = [...all].sort(cmp).map((r) => r.id);
        const got: number[] = [];
        for (let offset = 0; offset < all.length; offset += 7) {
          got.push(...(await svc.goroutines({ artefact: artefact.hash, sort, descending, offset, limit: 7 })).rows.map((r) => r.id));
        }
        assert.deepEqual(got, want, `sort ${sort} ${descending ? 'descending' : 'ascending'}`);
      }
    }
    const waiting = await svc.goroutines({ artefact: artefact.hash, sort: 'name', state: 'Waiting', limit: 10_000 });
    assert.deepEqual(waiting.rows.map((r) => r.id), all.filter((r) => r.lastState === 'Waiting').sort((a, b) =>
      a.name === b.name ? a.id - b.id : a.name < b.name ? -1 : 1).map((r) => r.id));
    assert.equal(waiting.total, waiting.rows.length);
  } finally {
    await svc.close();
  }
});

test('CLI: index (reused on the second run), query --csv, ls, rm', () => {
  const libDir = path.join(dir, 'cli-library');
  const file = fixtureTraces().find((t) => t.name === 'nilselect.go126')!.path;
  const run = (...args: string[]) => spawnSync(process.execPath, ['bin/goroscope.mjs', ...args, '--library', libDir], { encoding: 'utf8', timeout: 60_000 });
  const first = run('index', file, '--json');
  assert.equal(first.status, 0, first.stderr);
  const { hash, reused } = JSON.parse(first.stdout) as { hash: string; reused: boolean };
  assert.equal(reused, false);
  assert.equal((JSON.parse(run('index', file, '--json').stdout) as { reused: boolean }).reused, true);
  const q = run('query', hash.slice(0, 8), 'SELECT count(*) AS n FROM goroutines', '--csv');
  assert.equal(q.status, 0, q.stderr);
  assert.match(q.stdout, /^n\n\d+\n$/);
  const stats = run('stats', hash.slice(0, 10), '--json');
  assert.deepEqual(JSON.parse(stats.stdout), summarizeTrace(openTrace(file)).summary);
  assert.match(run('ls').stdout, new RegExp(hash.slice(0, 12)));
  assert.equal(run('rm', file).status, 0);
  assert.match(run('ls').stdout, /no artefacts/);
  const missing = run('query', 'ffffffff', 'SELECT 1');
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /no artefact with hash ffffffff/);
});
