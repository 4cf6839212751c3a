// The service's profile, dump and goroutine-count methods, over real indexes: the same values as
// the file-based paths (pprof top, dump groups and diffs, whose own tests compare them with Go's
// tools and independent counts), with arguments validated and kinds checked.

import assert from 'node:assert/strict';
import { test, after } from 'node:test';
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { diffDumpGroups } from '../../src-main/analyze/dump-diff.ts';
import { groupDumpFile } from '../../src-main/service/file-answers.ts';
import { profileTop } from '../../src-main/analyze/profile-top.ts';
import { readProfileFile } from '../../src-main/decode/pprof/decode.ts';
import { Library } from '../../src-main/index/library.ts';
import { registerPackedTables } from '../../src-main/service/packed-tables.ts';
import { GoroscopeService } from '../../src-main/service/service.ts';
import { InvalidArgument } from '../../src-main/service/validate.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-service-kinds-'));
const svc = new GoroscopeService(new Library(dir));
after(() => svc.close());

const index = async (file: string) => (await svc.indexFile(file)).artefact.hash;

/** A connection that sees an index's packed tables (goroutine_counts among them) as the SQL console does; closes with the index. */
function packedTables(hash: string): { sql: Database.Database; close(): void } {
  const db = new Database(path.join(dir, 'artefacts', `${hash}.db`), { readonly: true });
  const sql = new Database(':memory:');
  registerPackedTables(sql, db);
  return { sql, close: () => (sql.close(), db.close()) };
}

test('profileTop is pprof -top of the indexed profile, with -cum, -nodecount and -base', async () => {
  const heap = 'test/fixtures/profiles/heap.go127.pprof';
  const hash = await index(heap);
  const direct = readProfileFile(heap);
  assert.deepEqual(await svc.profileTop({ artefact: hash }), profileTop(direct));
  assert.deepEqual(await svc.profileTop({ artefact: hash, sampleType: 'alloc_space', n: 5, cum: true }),
    profileTop(direct, { sampleType: 'alloc_space', nodeCount: 5, cum: true }));
  const early = 'test/fixtures/profiles/goroutine-early.go127.pprof';
  const late = 'test/fixtures/profiles/goroutine.go127.pprof';
  const diff = await svc.profileTop({ artefact: await index(late), base: await index(early) });
  assert.deepEqual(diff, profileTop(readProfileFile(late), { base: readProfileFile(early) }));
  await assert.rejects(svc.profileTop({ artefact: hash, sampleType: 'no_such_type' }), /no_such_type/);
  await assert.rejects(svc.profileTop({ artefact: hash, n: -1 }), /n must be an integer/);
  // A CPU profile is no base for a heap profile: refused as a bad argument, with pprof's reason.
  await assert.rejects(svc.profileTop({ artefact: hash, base: await index('test/fixtures/profiles/cpu.go127.pprof') }),
    (e: unknown) => e instanceof InvalidArgument && e.message.length > 0);
});

test('dumpGroups and diffDumps equal the groups and diff of the dump files', async () => {
  const early = 'test/fixtures/dumps/leaky.go127.early.debug2.txt';
  const late = 'test/fixtures/dumps/leaky.go127.late.debug2.txt';
  const [a, b] = [await index(early), await index(late)];
  const groups = await svc.dumpGroups(b);
  const direct = groupDumpFile(late);
  assert.equal(groups.goroutines, direct.goroutines);
  assert.deepEqual(groups.groups.map((g) => [g.key, g.count]), direct.groups.map((g) => [g.key, g.count]));
  const diff = await svc.diffDumps(a, b);
  assert.deepEqual(diff.groups.map((g) => [g.delta, g.before, g.after]),
    diffDumpGroups(groupDumpFile(early), direct).groups.map((g) => [g.delta, g.before, g.after]));
  await assert.rejects(svc.dumpGroups(await index('test/fixtures/profiles/cpu.go127.pprof')), /is a profile, not a goroutine dump/);
});

test('goroutineCounts folds the 100 µs samples to at most maxPoints, keeping each state\'s peak', async () => {
  const hash = await index('test/fixtures/traces/httpleak.go127.trace');
  const { artefact } = await svc.summary(hash);
  const { sql: db, close } = packedTables(hash);
  try {
    const peak = db.prepare('SELECT max(running) AS running, max(runnable) AS runnable, max(waiting) AS waiting, max(syscall) AS syscall, count(*) AS n FROM goroutine_counts').get() as Record<string, number>;
    const points = await svc.goroutineCounts(hash, 0, artefact.durationNs, 20);
    assert.ok(points.length <= 21 && points.length >= Math.min(peak.n, 10), `${points.length} points`);
    for (const state of ['running', 'runnable', 'waiting', 'syscall'] as const) {
      assert.equal(Math.max(...points.map((p) => p[state])), peak[state], `peak ${state}`);
    }
    for (let i = 1; i < points.length; i++) assert.ok(points[i].time > points[i - 1].time);
    const all = await svc.goroutineCounts(hash, 0, artefact.durationNs, 100_000);
    assert.equal(all.length, peak.n, 'a wide enough budget returns every sample');
  } finally {
    close();
  }
  await assert.rejects(svc.goroutineCounts(hash, 5, 1, 10), /t1 must be greater than t0/);
});

test('goroutineCounts from the precomputed levels keeps the same peaks as the raw samples', async () => {
  const hash = await index('test/fixtures/traces/gotestdata.stress_1_21_good.trace'); // 372 ms
  const { artefact } = await svc.summary(hash);
  const { sql: db, close } = packedTables(hash);
  try {
    // Bucket widths 372 ms / maxPoints: raw samples, then levels of 1.6 ms, 25.6 ms and 409.6 ms.
    for (const maxPoints of [10_000, 200, 10, 2]) {
      const points = await svc.goroutineCounts(hash, 0, artefact.durationNs, maxPoints);
      assert.ok(points.length >= 1 && points.length <= maxPoints + 1, `${maxPoints}: ${points.length} points`);
      for (const state of ['running', 'runnable', 'waiting', 'syscall'] as const) {
        const raw = db.prepare(`SELECT max(${state}) FROM goroutine_counts`).pluck().get();
        assert.equal(Math.max(...points.map((p) => p[state])), raw, `${maxPoints} points: peak ${state}`);
      }
    }
    // A window in the middle: the peaks of the raw samples in it (the level buckets cut by its edges may add a little).
    const [t0, t1] = [artefact.durationNs * 0.3, artefact.durationNs * 0.6];
    const rawPeak = db.prepare('SELECT max(waiting) FROM goroutine_counts WHERE time_ns >= ? AND time_ns <= ?').pluck().get(t0, t1) as number;
    const peak = Math.max(...(await svc.goroutineCounts(hash, t0, t1, 20)).map((p) => p.waiting));
    assert.ok(peak >= rawPeak, `window peak ${peak} ≥ ${rawPeak}`);
  } finally {
    close();
  }
});

test('leaks groups the goroutines blocked at the end by site; blocking ranks where time was spent waiting', async () => {
  const hash = await index('test/fixtures/traces/chanleak.go127.trace');
  const result = await svc.summary(hash);
  assert.equal(result.kind, 'trace');
  if (result.kind !== 'trace') return;
  const { groups } = await svc.leaks(hash);
  const sends = groups.filter((g) => g.reason === 'chan send');
  assert.equal(sends.reduce((n, g) => n + g.count, 0), result.summary.waitingAtEnd['chan send']);
  assert.ok(sends.every((g) => g.state === 'Waiting' && g.stack.some((f) => f.func === 'runtime.chansend1')));
  assert.ok(sends.every((g) => g.site.startsWith('main.')), 'the user\'s frame names the site');
  assert.ok(sends[0].sampleIds.length > 0 && sends[0].oldestSinceNs >= 0);
  assert.ok(groups.findIndex((g) => g.system) === -1 || groups.slice(groups.findIndex((g) => g.system)).every((g) => g.system), 'runtime goroutines last');
  const blocking = await svc.blocking(hash, 5);
  assert.ok(blocking.length > 0 && blocking.length <= 5);
  for (let i = 1; i < blocking.length; i++) assert.ok(blocking[i - 1].totalNs >= blocking[i].totalNs, 'largest totals first');
  assert.ok(blocking.every((b) => b.maxNs <= b.totalNs && b.count > 0));
  await assert.rejects(svc.blocking(hash, 0), /limit must be an integer/);
});

test('ranges can be limited to names starting with given prefixes', async () => {
  const hash = await index('test/fixtures/traces/gcchurn.go127.trace');
  const { artefact } = await svc.summary(hash);
  const all = await svc.ranges(hash, -1, artefact.durationNs + 1);
  const prefixes = ['GC concurrent mark phase', 'stop-the-world'];
  const some = await svc.ranges(hash, -1, artefact.durationNs + 1, prefixes);
  assert.deepEqual(some, all.filter((r) => prefixes.some((p) => r.name.startsWith(p))));
  assert.ok(some.length > 0 && some.length < all.length, `${some.length} of ${all.length}`);
  // Names, scopes and flags as the summary counts them.
  const summary = (await svc.summary(hash) as { summary: { gcCycles: number; stwCount: number } }).summary;
  assert.equal(all.filter((r) => r.name === 'GC concurrent mark phase' && !r.beganBefore && r.scope === 'none').length, summary.gcCycles);
  assert.equal(all.filter((r) => r.name.startsWith('stop-the-world') && !r.beganBefore && !r.open).length, summary.stwCount);
  assert.deepEqual(await svc.ranges(hash, -1, artefact.durationNs + 1, []), []);
  await assert.rejects(svc.ranges(hash, 0, 1, 'GC' as unknown as string[]), /namePrefixes must be an array/);
});
