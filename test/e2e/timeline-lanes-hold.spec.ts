// The timeline's summary lanes hold their value across gaps (a heap goal changes once per GC
// cycle: zoomed in between two changes, the lane starts with the value it had, never blank), and
// folded spans are coloured by their dominant state and wait reason, 'mixed' only when no reason
// has half the waiting time; both compared to SQL over the index.

import type { Page } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import type { TimelineWindow } from '../../src-main/service/types.ts';
import { expect, fixtureFile, screenshot, test } from './fixtures.ts';
import { artefactOf, openTimeline, queryRows, settledStage, stageData } from './timeline-helpers.ts';
import { ROOT, type ServeProcess } from './serve-process.ts';

async function callService<T>(page: Page, server: ServeProcess, method: string, args: unknown[]): Promise<T> {
  const res = await page.request.post(`${server.origin}/api/${method}`, { headers: { Authorization: `Bearer ${server.token}` }, data: args });
  expect(res.ok(), await res.text()).toBe(true);
  return (await res.json()) as T;
}

test('heap and goal lanes hold their last value across a gap between points', async ({ page, server }) => {
  await openTimeline(page, server, fixtureFile('traces/gcchurn.go127.trace').path);
  const artefact = await artefactOf(page);
  await settledStage(page);
  const goal = queryRows(server, artefact, `SELECT m.time_ns AS t, m.value AS v FROM metrics m JOIN strings s ON s.id = m.name
    WHERE s.value = '/gc/heap/goal:bytes' ORDER BY m.time_ns`).map((r) => [Number(r.t), Number(r.v)]);
  // The widest gap between two goal changes; a window a tenth of it in its middle.
  let gap = 0;
  for (let i = 1; i < goal.length; i++) if (goal[i][0] - goal[i - 1][0] > goal[gap + 1][0] - goal[gap][0]) gap = i - 1;
  const [a, b] = [goal[gap][0], goal[gap + 1][0]];
  const t0 = Math.round(a + (b - a) * 0.45);
  const t1 = Math.round(a + (b - a) * 0.55);
  await page.getByTestId('nav-library').click();
  await page.evaluate((h) => { window.location.hash = h; }, `#/timeline/${artefact}/${t0}-${t1}`);
  const stage = await settledStage(page);
  expect(stage.t0).toBe(t0);
  await expect.poll(async () => {
    const d = await stageData(page);
    return d.seriesT0 !== '' && Number(d.seriesT0) <= stage.t0 && Number(d.seriesT1) >= stage.t1;
  }).toBe(true);
  const [live] = queryRows(server, artefact, `SELECT m.value AS v FROM metrics m JOIN strings s ON s.id = m.name
    WHERE s.value = '/memory/classes/heap/objects:bytes' AND m.time_ns <= ${stage.t0} ORDER BY m.time_ns DESC`);
  const d = await stageData(page);
  expect(d.heapGoalAtStart).toBe(String(goal[gap][1]));
  expect(d.heapLiveAtStart).toBe(String(live.v));
  await screenshot(page, 'timeline-heap-hold-light');
});

test('folded spans carry the wait reason of at least half their waiting time, as SQL finds it', async ({ page, server }) => {
  await openTimeline(page, server, fixtureFile('traces/chanleak.go127.trace').path);
  const artefact = await artefactOf(page);
  const stage = await settledStage(page);
  const ids = await page.getByTestId('timeline-rows').locator('li').evaluateAll((els) => els.map((el) => Number((el as HTMLElement).dataset.goroutine)));
  const width = 300;
  const w = await callService<TimelineWindow>(page, server, 'timeline', [{ artefact, t0: stage.t0, t1: stage.t1, goroutines: ids, widthPx: width }]);
  const folded = w.rows.flatMap((r) => r.spans.filter((s) => s.shares && s.shares[4] > 0).map((s) => ({ g: r.goroutine, s })));
  expect(folded.length).toBeGreaterThan(0);
  let named = 0;
  for (const { g, s } of folded.slice(0, 4)) {
    const reasons = queryRows(server, artefact, `SELECT coalesce(r.value, '') AS reason, sum(i.end_ns - i.start_ns) AS ns
      FROM goroutine_intervals i LEFT JOIN strings r ON r.id = i.reason
      WHERE i.goroutine = ${g} AND i.state = 'Waiting' AND i.start_ns >= ${s.start} AND i.end_ns <= ${s.end} AND i.end_ns - i.start_ns < ${w.nsPerPx}
      GROUP BY 1 ORDER BY ns DESC`).map((r) => [String(r.reason ?? ''), Number(r.ns)] as const);
    const total = reasons.reduce((n, [, ns]) => n + ns, 0);
    const expected = reasons.length > 0 && reasons[0][1] >= total * 0.5 ? reasons[0][0] : '';
    expect(s.reason, `G${g} folded ${s.start}-${s.end}: ${JSON.stringify(reasons)}`).toBe(expected);
    if (expected) named++;
  }
  expect(named).toBeGreaterThan(0);
  await screenshot(page, 'timeline-folded-light');
});

test('the axis shows wall-clock time from the trace\'s clock snapshot, as go tool trace prints it', async ({ page, server }) => {
  const file = 'traces/chanleak.go127.trace';
  await openTimeline(page, server, fixtureFile(file).path);
  const artefact = await artefactOf(page);
  await settledStage(page);
  const axis = page.getByTestId('timeline-axis');
  await expect(axis).toHaveAttribute('data-clock', 'relative');
  // Relative: times since the trace began in one unit, as people write them.
  const relative = await axis.locator('li').evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset.label!));
  expect(relative.length).toBeGreaterThan(3);
  for (const label of relative) expect(label).toMatch(/^\d+(\.\d+)? (ns|µs|ms|s)$/);

  await page.getByTestId('axis-clock').selectOption('wall');
  await expect(axis).toHaveAttribute('data-clock', 'wall');
  await settledStage(page);
  // Go's own reading of the first clock snapshot (go tool trace -d=parsed).
  const events = zlib.gunzipSync(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'expected', 'chanleak.go127.events.txt.gz'))).toString('utf8');
  const m = /Sync .*? Trace=(\d+) Mono=\d+ Wall=(\S+)T(\S+)\.(\d{9})Z/.exec(events)!;
  const wallNs = BigInt(Date.parse(`${m[2]}T${m[3]}Z`)) * 1_000_000n + BigInt(m[4]);
  const meta = Object.fromEntries(queryRows(server, artefact, `SELECT key, value FROM meta WHERE key IN ('start_ns', 'time_origin')`).map((r) => [r.key, BigInt(String(r.value))]));
  const snapshotAt = BigInt(m[1]) - meta.time_origin - meta.start_ns;
  const ticks = await axis.locator('li').evaluateAll((els) => els.map((el) => ({ ...(el as HTMLElement).dataset })));
  expect(ticks.length).toBeGreaterThan(3);
  const step = BigInt(Number(ticks[1].time) - Number(ticks[0].time));
  for (const t of ticks) {
    expect(BigInt(t.wallNs!)).toBe(wallNs + BigInt(Number(t.time)) - snapshotAt);
    expect(BigInt(t.wallNs!) % step).toBe(0n);
    expect(t.label).toMatch(/^\d\d:\d\d:\d\d(\.\d+)?$/);
  }
  const first = new Date(Number(BigInt(ticks[0].wallNs!) / 1_000_000n)).toISOString().slice(11, 19);
  expect(ticks[0].label!.startsWith(first)).toBe(true);
  await screenshot(page, 'timeline-wall-clock-light');
});

test('the GC CPU share lane, off by default, draws one step per cycle of goroscope gc --json once turned on', async ({ page, server }) => {
  await openTimeline(page, server, fixtureFile('traces/gcchurn.go127.trace').path);
  const artefact = await artefactOf(page);
  await settledStage(page);
  // Off by default: the share comes from the whole GC report, seconds of work on a large trace.
  expect((await stageData(page)).gcCpuCycles).toBe('');
  await page.getByTestId('tracks-menu').click();
  await page.getByTestId('track-gcCpu').check();
  const report = await callService<{ cycles: { gcCpuFraction: number | null }[] }>(page, server, 'gc', [artefact]);
  const withShare = report.cycles.filter((c) => c.gcCpuFraction !== null).length;
  expect(withShare).toBeGreaterThan(0);
  await expect.poll(async () => (await stageData(page)).gcCpuCycles).toBe(String(withShare));
  await screenshot(page, 'timeline-gc-cpu-light');
});
