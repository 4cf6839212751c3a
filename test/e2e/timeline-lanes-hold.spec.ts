// The timeline's summary lanes hold their value across gaps (a heap goal changes once per GC
// cycle: zoomed in between two changes, the lane starts with the value it had, never blank), and
// folded spans are coloured by their dominant state and wait reason, 'mixed' only when no reason
// has half the waiting time; both compared to SQL over the index.

import type { Page } from '@playwright/test';
import type { TimelineWindow } from '../../src-main/service/types.ts';
import { expect, fixtureFile, screenshot, test } from './fixtures.ts';
import { artefactOf, openTimeline, queryRows, settledStage, stageData } from './timeline-helpers.ts';
import type { ServeProcess } from './serve-process.ts';

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
