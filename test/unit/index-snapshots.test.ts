// An index job of the app indexes a trace in passes (service/index-snapshots.ts): each snapshot
// it catalogues is exactly the partial index after that many generations, table by table, and its
// last pass exactly the single-pass index, on every multi-generation fixture. The service shows
// each snapshot while the job runs and the whole index once it is done (same hash); a job
// cancelled after a snapshot leaves nothing; a trace indexed within the first pass's time has no
// snapshot at all; the timeline's wall clock is not decoded again as the index grows.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { IndexCancelled, Library, writeIndexFile, type Artefact } from '../../src-main/index/library.ts';
import { traceIndexer } from '../../src-main/index/trace-artefact.ts';
import { indexWithSnapshots, SNAPSHOT_PLAN } from '../../src-main/service/index-snapshots.ts';
import { traceClock } from '../../src-main/service/timeline-clock.ts';
import type { IndexJob } from '../../src-main/service/types.ts';
import { indexDigests } from '../../bench/index-digests.ts';
import { fixtureTraces, traceGenerations } from '../support/fixtures.ts';
import { tempService } from '../support/temp-service.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-snapshots-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));


const multiGeneration = fixtureTraces().map((t) => path.resolve(t.path)).filter((f) => traceGenerations(f) >= 2);

/** The index of `file` in one pass, stopped after `afterGenerations` when given, as the library writes it but for its own meta rows. */
function singlePass(file: string, afterGenerations?: number): string {
  const out = path.join(tmp, `ref-${Math.random().toString(36).slice(2)}.db`);
  writeIndexFile(out, traceIndexer, file, fs.statSync(file).size, () => {}, () => false, () => ({}),
    afterGenerations === undefined ? undefined : { afterGenerations });
  return out;
}

/** Every table holds exactly the reference's rows; meta holds every reference meta row (the library adds its own). */
function assertSameIndex(actual: string, reference: string, what: string): void {
  const a = indexDigests(actual);
  const r = indexDigests(reference);
  assert.deepEqual([...a.tables.keys()], [...r.tables.keys()], `${what}: tables`);
  for (const [table, digest] of r.tables) {
    if (table !== 'meta') assert.deepEqual(a.tables.get(table), digest, `${what}: table ${table}`);
  }
  for (const [key, value] of r.meta) assert.equal(a.meta.get(key), value, `${what}: meta ${key}`);
}

test('each snapshot of a job is the partial index after its generations, and its end the single-pass index, on every multi-generation fixture', () => {
  assert.ok(multiGeneration.length >= 10, 'the multi-generation fixtures');
  for (const file of multiGeneration) {
    const name = path.basename(file);
    const total = traceGenerations(file);
    const library = new Library(path.join(tmp, `lib-${name}`));
    try {
      const snapshots: { artefact: Artefact; copy: string }[] = [];
      const outcome = indexWithSnapshots(library, file, { firstMs: 0, growth: 2, firstGenerations: 1 }, {
        onSnapshot: (artefact) => {
          // The next pass replaces this file: keep a copy to compare.
          const copy = path.join(tmp, `snap-${name}-${snapshots.length}.db`);
          fs.copyFileSync(library.indexPath(artefact.hash), copy);
          snapshots.push({ artefact, copy });
        },
      });
      // Generations 1, 2, 4, … while short of the whole; then the whole.
      const expected: number[] = [];
      for (let g = 1; g < total; g *= 2) expected.push(g);
      assert.deepEqual(snapshots.map((s) => s.artefact.partial?.generations), expected, `${name}: snapshots`);
      for (const s of snapshots) {
        assert.equal(s.artefact.hash, outcome.artefact.hash, `${name}: every snapshot is catalogued under the file's hash`);
        assertSameIndex(s.copy, singlePass(file, s.artefact.partial!.generations), `${name} after ${s.artefact.partial!.generations} generations`);
      }
      assert.equal(outcome.artefact.partial, null, `${name}: the job ends with the whole index`);
      assert.equal(outcome.reused, false);
      assertSameIndex(library.indexPath(outcome.artefact.hash), singlePass(file), `${name} whole`);
      assert.deepEqual(library.list().map((a) => [a.hash, a.partial]), [[outcome.artefact.hash, null]], `${name}: one complete artefact listed`);
    } finally {
      library.close();
    }
  }
});

test('a trace indexed within the first pass\'s time has no snapshot and is the single-pass index', () => {
  const file = multiGeneration.find((f) => f.includes('gcchurn-gens'))!;
  const library = new Library(path.join(tmp, 'lib-quick'));
  try {
    let snapshots = 0;
    // The app's plan but for the first pass's time, long enough for any machine's load.
    const outcome = indexWithSnapshots(library, file, { ...SNAPSHOT_PLAN, firstMs: 60_000 }, { onSnapshot: () => snapshots++ });
    assert.equal(snapshots, 0);
    assert.equal(outcome.artefact.partial, null);
    assertSameIndex(library.indexPath(outcome.artefact.hash), singlePass(file), 'whole in one pass');
  } finally {
    library.close();
  }
});

test('a job cancelled after its snapshot leaves nothing; a partial index kept before the job is only replaced by a larger one', () => {
  const file = multiGeneration.find((f) => f.includes('tickerleak-gens.go127'))!;
  const library = new Library(path.join(tmp, 'lib-cancel'));
  try {
    let published: Artefact | null = null;
    assert.throws(() => indexWithSnapshots(library, file, { firstMs: 0, growth: 2, firstGenerations: 1 }, {
      onSnapshot: (a) => (published = a),
      shouldCancel: () => published !== null,
    }), IndexCancelled);
    assert.ok(published, 'a snapshot was published before the cancel');
    assert.deepEqual(library.list(), [], 'the snapshot is removed with the job');

    const kept = library.index(file, { stop: { afterGenerations: 2 }, keepPartial: true }).artefact;
    assert.equal(kept.partial?.generations, 2);
    const seen: number[] = [];
    assert.throws(() => indexWithSnapshots(library, file, { firstMs: 0, growth: 2, firstGenerations: 1 }, {
      onSnapshot: (a) => seen.push(a.partial!.generations),
      shouldCancel: () => seen.length > 0,
    }), IndexCancelled);
    assert.deepEqual(seen, [3], 'the first snapshot goes past the kept partial index');
    assert.equal(library.get(kept.hash)?.partial?.generations, 3, 'a kept partial index stays (grown) when the job is cancelled');
  } finally {
    library.close();
  }
});

test('the service shows a job\'s snapshot while the job runs, then the whole index under the same hash', async () => {
  const file = multiGeneration.find((f) => f.includes('chanleak-gens.go127'))!;
  const release = path.join(tmp, 'release-service');
  process.env.GOROSCOPE_TEST_SNAPSHOT_GENERATIONS = '1';
  process.env.GOROSCOPE_TEST_HOLD_SNAPSHOT = release;
  const { svc } = tempService('goroscope-snapshot-service-');
  try {
    const jobs: IndexJob[] = [];
    const snapshot = new Promise<IndexJob>((resolve) => svc.onIndexJob((j) => {
      jobs.push(j);
      if (j.snapshot) resolve(j);
    }));
    const done = new Promise<IndexJob>((resolve) => svc.onIndexJob((j) => { if (j.state === 'done' || j.state === 'failed') resolve(j); }));
    await svc.startIndex(file);
    const partial = (await snapshot).snapshot!;
    assert.equal(partial.partial?.generations, 1);
    const first = await svc.summary(partial.hash);
    assert.deepEqual(first.artefact.partial, partial.partial);
    const partialPage = await svc.goroutines({ artefact: partial.hash, sort: 'id', offset: 0, limit: 1000 });
    const partialWindow = await svc.timeline({ artefact: partial.hash, t0: 0, t1: first.artefact.durationNs, widthPx: 100, goroutines: partialPage.rows.map((r) => r.id) });
    assert.ok(partialWindow.rows.length > 0);

    fs.writeFileSync(release, '');
    const end = await done;
    assert.equal(end.state, 'done', end.error);
    assert.equal(end.artefact!.hash, partial.hash, 'the whole index replaces the snapshot under the same hash');
    const whole = await svc.summary(partial.hash);
    assert.equal(whole.artefact.partial, undefined, 'the service reads the whole index once the job is done');
    assert.ok(whole.artefact.durationNs > first.artefact.durationNs);
    const wholePage = await svc.goroutines({ artefact: partial.hash, sort: 'id', offset: 0, limit: 1000 });
    assert.ok(wholePage.total >= partialPage.total, 'goroutines known at the frontier are among the whole index\'s');
    assert.ok(partialPage.rows.every((r) => wholePage.rows.some((w) => w.id === r.id)));
    const bytes = jobs.filter((j) => j.state === 'running').map((j) => j.progress.bytes);
    assert.ok(bytes.every((b, i) => i === 0 || b >= bytes[i - 1]), `the job's progress never goes back across its passes: ${bytes.join(' ')}`);
  } finally {
    delete process.env.GOROSCOPE_TEST_SNAPSHOT_GENERATIONS;
    delete process.env.GOROSCOPE_TEST_HOLD_SNAPSHOT;
  }
});

test('the timeline\'s wall clock is decoded from the trace once per artefact, not again as its index grows', async () => {
  const { svc, dir } = tempService('goroscope-snapshot-clock-');
  const copy = path.join(dir, 'copy.trace');
  fs.copyFileSync(multiGeneration.find((f) => f.includes('tickerleak-gens.go127'))!, copy);
  const { artefact } = await svc.indexFile(copy);
  const start = Number((await svc.query({ artefact: artefact.hash, sql: "SELECT value FROM meta WHERE key = 'start_ns'" })).rows[0][0]);
  const clock = await svc.timelineClock(artefact.hash);
  assert.deepEqual(clock, traceClock(copy, artefact.format, start));
  assert.ok(clock, 'a Go 1.26-format trace has a clock snapshot');
  fs.rmSync(copy);
  assert.deepEqual(await svc.timelineClock(artefact.hash), clock, 'answered again without reading the trace');
});
