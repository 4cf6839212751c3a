// `goroscope gc` / GoroscopeApi.gc against Go on the GC fixtures: the pauses are the trace's
// stop-the-world ranges as x/exp/trace pairs them, the cycles its mark phases, and the MMU read
// back from the index equals go tool trace's /mmu within 0.001 (expected/<trace>.gc.json).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { pauseHistogram, pausePercentiles } from '../../src-main/service/gc-report.ts';
import { expectedGc, fixtureTraces } from '../support/fixtures.ts';
import { tempService } from '../support/temp-service.ts';

const { dir, lib, svc } = tempService('goroscope-gc-');

const GC_FIXTURES = fixtureTraces().filter((f) => f.scenario.startsWith('gcchurn'));

for (const fx of GC_FIXTURES) {
  test(`gc report of ${fx.name}: pauses, cycles and MMU as Go has them`, async () => {
    const expected = expectedGc(fx.name);
    const hash = lib.index(fx.path).artefact.hash;
    const report = await svc.gc(hash, 1_000_000);
    const byStart = (a: { startNs: number; endNs: number }, b: { startNs: number; endNs: number }) => a.startNs - b.startNs || a.endNs - b.endNs;
    assert.deepEqual(report.pauses.map((p) => ({ name: p.kind, startNs: p.startNs, endNs: p.endNs })).sort(byStart), [...expected.pauses].sort(byStart));
    assert.deepEqual(report.cycles.map((c) => ({ startNs: c.markStartNs, endNs: c.markEndNs ?? -1 })),
      expected.cycles.map((c) => ({ startNs: c.startNs, endNs: c.endNs })));
    // Each cycle's pauses are its own STW ranges.
    for (const [i, c] of report.cycles.entries()) {
      const own = report.pauses.filter((p) => p.cycle === i);
      assert.ok(own.length <= 2);
      for (const p of own) {
        assert.equal(p.kind === 'stop-the-world (GC sweep termination)' ? c.sweepTerminationNs : c.markTerminationNs, p.durationNs);
      }
      if (c.gcCpuFraction !== null) assert.ok(c.gcCpuFraction >= 0 && c.gcCpuFraction <= 1);
    }
    const gcPauses = expected.pauses.filter((p) => p.name.includes('GC')).map((p) => p.endNs - p.startNs);
    assert.deepEqual(report.pausePercentiles, pausePercentiles(gcPauses));
    assert.equal(report.pausePercentiles.maxNs, Math.max(...gcPauses));
    assert.equal(report.pauseHistogram.reduce((a, b) => a + b.count, 0), gcPauses.length);
    if (expected.mmu) {
      assert.ok(report.mmu);
      assert.equal(report.mmu.xMinNs, expected.mmu.xMinNs);
      assert.equal(report.mmu.xMaxNs, expected.mmu.xMaxNs);
      report.mmu.points.forEach(([w, mmu], i) => {
        const [gw, gmmu] = expected.mmu!.curve[i];
        assert.ok(Math.abs(w - gw) <= 1 && Math.abs(mmu - gmmu) <= 0.001, `MMU(${w}) = ${mmu}, Go MMU(${gw}) = ${gmmu}`);
      });
      const goWorst = expected.mmu.windows.find((w) => w.windowNs === 1_000_000)!;
      if (goWorst.mmu !== null) assert.ok(Math.abs(report.worst.windows[0].util - goWorst.mmu) <= 0.001);
    }
  });
}

test('pause percentiles are nearest-rank and the histogram counts every pause', () => {
  const p = pausePercentiles([5, 1, 4, 2, 3, 100, 7, 8, 9, 10]);
  assert.deepEqual(p, { count: 10, totalNs: 149, p50Ns: 5, p90Ns: 10, p99Ns: 100, maxNs: 100 });
  const h = pauseHistogram([1500, 2500, 120_000]);
  assert.deepEqual(h[0], { fromNs: 1000, toNs: 2000, count: 1 });
  assert.equal(h.reduce((a, b) => a + b.count, 0), 3);
});

test('goroscope gc TRACE --json prints cycles, pauses, percentiles and MMU points', () => {
  const fx = GC_FIXTURES.find((f) => f.name === 'gcchurn.go127')!;
  const out = execFileSync(process.execPath, ['bin/goroscope.mjs', 'gc', fx.path, '--json', '--window', '1ms', '--library', dir], { encoding: 'utf8' });
  const r = JSON.parse(out) as { cycles: unknown[]; pauses: unknown[]; pausePercentiles: { p99Ns: number }; mmu: { points: [number, number][] }; worst: { windowNs: number } };
  const expected = expectedGc(fx.name);
  assert.equal(r.cycles.length, expected.cycles.length);
  assert.equal(r.pauses.length, expected.pauses.length);
  assert.equal(r.mmu.points.length, 100);
  assert.equal(r.worst.windowNs, 1_000_000);
  assert.ok(r.pausePercentiles.p99Ns > 0);
});
