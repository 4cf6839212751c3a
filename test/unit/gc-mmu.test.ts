// The minimum mutator utilisation against go tool trace's /mmu page (expected/<trace>.gc.json,
// written by oracle/gc.go from Go 1.27's cmd/trace): the plot's window sizes and MMU points, and
// the MMU at fixed window sizes, within 0.001, on every fixture Go computes it for.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MmuCurve } from '../../src-main/analyze/gc-mmu.ts';
import { mutatorUtilization } from '../../src-main/analyze/gc-mutator-util.ts';
import { openTrace } from '../../src-main/decode/gotrace/reader.ts';
import type { TraceEvent } from '../../src-main/decode/gotrace/model.ts';
import { expectedGc, fixtureTraces } from '../support/fixtures.ts';

/** The trace's events, times made relative to the first (as the index stores them). */
function* relativeEvents(file: string): Generator<TraceEvent> {
  const r = openTrace(file);
  try {
    let first: number | null = null;
    for (let ev = r.next(); ev; ev = r.next()) {
      first ??= ev.time;
      yield { ...ev, time: ev.time - first } as TraceEvent;
    }
  } finally {
    r.close();
  }
}

const TOLERANCE = 0.001;

for (const fx of fixtureTraces()) {
  const expected = expectedGc(fx.name);
  test(`MMU of ${fx.name} equals go tool trace's`, () => {
    const curve = new MmuCurve(mutatorUtilization(relativeEvents(fx.path)));
    if (!expected.mmu) {
      // go tool trace failed on it (its /mmu panics on Go 1.19–1.21 scenario traces): ours is still a curve.
      const plot = curve.plot();
      assert.equal(plot.points.length, 100);
      for (const [, mmu] of plot.points) assert.ok(mmu >= 0 && mmu <= 1);
      return;
    }
    const plot = curve.plot();
    assert.equal(plot.xMinNs, expected.mmu.xMinNs, 'xMin');
    assert.equal(plot.xMaxNs, expected.mmu.xMaxNs, 'xMax');
    let maxDiff = 0;
    plot.points.forEach(([w, mmu], i) => {
      const [gw, gmmu] = expected.mmu!.curve[i];
      assert.ok(Math.abs(w - gw) <= 1, `window ${i}: ${w} ns, Go ${gw} ns`);
      maxDiff = Math.max(maxDiff, Math.abs(mmu - gmmu));
      assert.ok(Math.abs(mmu - gmmu) <= TOLERANCE, `MMU(${gw} ns) = ${mmu}, Go ${gmmu}`);
    });
    for (const win of expected.mmu.windows) {
      if (win.mmu === null) continue;
      const ours = curve.mmu(win.windowNs);
      assert.ok(Math.abs(ours - win.mmu) <= TOLERANCE, `MMU(${win.windowNs} ns) = ${ours}, Go ${win.mmu}`);
      // Our worst window is as bad as Go's worst.
      const worst = curve.worstWindows(win.windowNs, 10);
      assert.ok(Math.abs(worst[0].util - win.mmu) <= TOLERANCE, `worst ${win.windowNs} ns window ${worst[0].util}, Go ${win.mmu}`);
      // Every window Go lists has the utilisation Go gives it, by our function.
      for (const g of win.worst) {
        const w = Math.min(win.windowNs, curve.durationNs);
        assert.ok(Math.abs(curve.mean(g.timeNs, g.timeNs + w) - g.util) <= TOLERANCE, `window at ${g.timeNs}`);
      }
    }
  });
}
