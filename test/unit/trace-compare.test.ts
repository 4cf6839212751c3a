// Two traces or two windows side by side (GoroscopeApi.compareTraces, `goroscope compare A B`):
// each side's figures against Go's and against SQL over the index — time by state and Waiting by
// reason of a whole trace equal x/exp/trace's (expected/<trace>.stats.json), GC pauses the
// stop-the-world ranges Go pairs (expected/<trace>.gc.json), scheduler latency the Runnable
// intervals a query returns, goroutines by creation site a count over the goroutines table — and
// the changes between the sides named right (new, gone, grew, shrank).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { pausePercentiles } from '../../src-main/service/gc-report.ts';
import type { TraceSideFigures } from '../../src-main/service/types.ts';
import { tempService } from '../support/temp-service.ts';

const trace = (name: string) => path.resolve('test/fixtures/traces', `${name}.trace`);
const expected = <T>(file: string) => JSON.parse(fs.readFileSync(path.resolve('test/fixtures/expected', file), 'utf8')) as T;

const { dir, lib, svc } = tempService('goroscope-compare-');
const hashOf = (name: string) => lib.index(trace(name)).artefact.hash;

async function sql(hash: string, query: string): Promise<unknown[][]> {
  return (await svc.query({ artefact: hash, sql: query, rowLimit: 100_000, timeLimitMs: 60_000 })).rows;
}

/** One side against Go's summary and GC report (whole traces) and SQL over its index (any window). */
async function checkSide(name: string, side: TraceSideFigures): Promise<void> {
  const hash = hashOf(name);
  const gc = expected<{ pauses: { name: string; startNs: number; endNs: number }[] }>(`${name}.gc.json`);
  const gcPauses = gc.pauses.filter((p) => p.name.includes('GC') && p.startNs >= side.t0 && p.endNs <= side.t1).map((p) => p.endNs - p.startNs);
  assert.deepEqual(side.gcPauses, pausePercentiles(gcPauses), `${name}: GC pauses`);
  const runnable = await sql(hash, `SELECT end_ns - start_ns FROM goroutine_intervals WHERE state = 'Runnable' AND open = 0
    AND start_ns >= ${side.t0} AND start_ns < ${side.t1}`);
  assert.deepEqual(side.schedLatency, pausePercentiles(runnable.map((r) => r[0] as number)), `${name}: scheduler latency`);
  const sites = await sql(hash, `SELECT count(*) FROM goroutines WHERE start_ns < ${side.t1} AND (end_ns IS NULL OR end_ns > ${side.t0})`);
  assert.equal(side.goroutines, sites[0][0]);
  assert.equal(side.goroutinesBySite.reduce((n, s) => n + s.count, 0), side.goroutines);
  if (side.whole) {
    const stats = expected<{ runningNs: number; syscallNs: number; waitNsByReason: Record<string, number> }>(`${name}.stats.json`);
    assert.equal(side.byState.Running ?? 0, stats.runningNs, `${name}: running`);
    assert.equal(side.byState.Syscall ?? 0, stats.syscallNs, `${name}: syscall`);
    assert.deepEqual(Object.fromEntries(side.waitingByReason.map((w) => [w.reason, w.ns])), stats.waitNsByReason, `${name}: Waiting by reason`);
    assert.ok(side.mmu && side.mmu.length > 0);
  } else {
    assert.equal(side.mmu, null);
  }
}

test('compare two traces of one program (chanleak, one generation and many): each side as Go and SQL have it, the same creation sites', async () => {
  const c = await svc.compareTraces({ ref: hashOf('chanleak.go127') }, { ref: hashOf('chanleak-gens.go127') });
  await checkSide('chanleak.go127', c.a);
  await checkSide('chanleak-gens.go127', c.b);
  // The same program: the same sites, each as many goroutines (5 rounds of 8 senders, 6 receivers).
  assert.ok(c.sites.every((s) => s.change === 'same'), JSON.stringify(c.sites));
  assert.equal(c.sites.find((s) => s.site.startsWith('main.firstResult '))?.a, 40);
});

test('compare two windows of a GC-heavy trace and two programs: pauses and latency inside each window, sites new and gone', async () => {
  const hash = hashOf('gcchurn.go127');
  const c = await svc.compareTraces({ ref: hash, t0: 0, t1: 20_000_000 }, { ref: hash, t0: 20_000_000, t1: 60_000_000 });
  await checkSide('gcchurn.go127', c.a);
  await checkSide('gcchurn.go127', c.b);
  assert.ok(c.a.gcPauses.count > 0 && c.b.gcPauses.count > 0);
  const other = await svc.compareTraces({ ref: hashOf('gcchurn.go127') }, { ref: hashOf('tickerleak.go127') });
  await checkSide('gcchurn.go127', other.a);
  await checkSide('tickerleak.go127', other.b);
  const own = other.sites.filter((s) => s.site.startsWith('main.'));
  assert.ok(own.length > 0 && own.every((s) => (s.a === 0) === (s.change === 'new') && (s.b === 0) === (s.change === 'gone')), JSON.stringify(own));
  await assert.rejects(svc.compareTraces({ ref: hash, t0: 0, t1: 1e12 }, { ref: hash }), /a\.t1 is past the end/);
  await assert.rejects(svc.compareTraces({ ref: hash, t0: 5 }, { ref: hash }), /t1 must be a finite number/);
});

test('goroscope compare A B@T0..T1 --json is the service\'s comparison; a bad window is one line, exit 2', async () => {
  const run = (...args: string[]) => spawnSync(process.execPath, ['bin/goroscope.mjs', 'compare', ...args, '--library', dir], { encoding: 'utf8', timeout: 60_000 });
  const a = trace('gcchurn.go127');
  const r = run(a, `${a}@20ms..60ms`, '--json');
  assert.equal(r.status, 0, r.stderr);
  const hash = hashOf('gcchurn.go127');
  assert.deepEqual(JSON.parse(r.stdout), await svc.compareTraces({ ref: hash }, { ref: hash, t0: 20_000_000, t1: 60_000_000 }));
  const text = run(a, trace('tickerleak.go127'));
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /^goroutines by creation site \(A → B\):$/m);
  assert.match(text.stdout, /\+ new +main\./);
  const bad = run(a, `${a}@60ms..20ms`);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^goroscope: ".*@60ms\.\.20ms": the window must end after it begins\n$/);
});
