// The timeline's annotation tracks against a real `goroscope serve`: user regions drawn inside
// their goroutine's row with the region's bounds, tasks in their own track, log messages, CPU
// samples and the GC work a goroutine paid for (mark assists, sweeps on its P) on its row, each
// compared to a SQL query over the same index, and each a toggle of the tracks menu.

import type { Page } from '@playwright/test';
import { expect, fixtureFile, screenshot, test } from './fixtures.ts';
import { artefactOf, canvasPixels, openTimeline, queryRows, settledStage, type StageState } from './timeline-helpers.ts';

const ROW_HEIGHT = 22;

async function shownRows(page: Page): Promise<{ id: number; top: number }[]> {
  return page.getByTestId('timeline-rows').locator('li').evaluateAll((els) => els.map((el) => ({
    id: Number((el as HTMLElement).dataset.goroutine), top: Number((el as HTMLElement).dataset.y) - 11 })));
}

const xOf = (s: StageState, t: number) => s.plotLeft + ((t - s.t0) / (s.t1 - s.t0)) * s.plotWidth;

test('a region drawn inside its goroutine\'s row has the region\'s bounds; tasks, logs in their tracks', async ({ page, server }) => {
  await openTimeline(page, server, fixtureFile('traces/annotations.go127.trace').path);
  const artefact = await artefactOf(page);
  const box = (await page.getByTestId('timeline-canvas').boundingBox())!;
  await page.mouse.move(box.x + 5, box.y + 5);
  const stage = await settledStage(page);
  const rows = await shownRows(page);
  const ids = rows.map((r) => r.id);
  const expected = queryRows(server, artefact, `SELECT r.goroutine, s.value AS name, coalesce(r.start_ns, 0) AS start, r.end_ns AS end, r.depth
    FROM regions r JOIN strings s ON s.id = r.type WHERE r.goroutine IN (${ids.join(',')}) ORDER BY 1, 3, 5`)
    .map((r) => [Number(r.goroutine), r.name, Number(r.start), r.end === null ? '' : String(r.end), Number(r.depth)]);
  expect(expected.length).toBeGreaterThan(4);
  const regions = page.getByTestId('timeline-annotations').locator('li[data-region]');
  await expect(regions).toHaveCount(expected.length);
  // Settled again now that the task track (which moves the rows down) is drawn.
  await settledStage(page);
  rows.splice(0, rows.length, ...(await shownRows(page)));
  const drawn = await regions.evaluateAll((els) => els.map((el) => ({ ...(el as HTMLElement).dataset })));
  const key = (d: Record<string, string | undefined>) => [Number(d.goroutine), d.region, Number(d.start), d.end, Number(d.depth)];
  expect(drawn.map(key).sort()).toEqual([...expected].sort());

  let checked = 0;
  for (const d of drawn) {
    const row = rows.find((r) => r.id === Number(d.goroutine))!;
    const [start, end] = [Number(d.start), Number(d.end)];
    // Its bounds on the axis: the region's start and end (clipped to the plot).
    expect(Math.abs(Number(d.x0) - Math.max(stage.plotLeft, xOf(stage, start)))).toBeLessThan(0.5);
    expect(Math.abs(Number(d.x1) - xOf(stage, end))).toBeLessThan(0.5);
    // Inside its goroutine's row.
    expect(Number(d.y)).toBeGreaterThanOrEqual(row.top);
    expect(Number(d.y) + Number(d.h)).toBeLessThanOrEqual(row.top + ROW_HEIGHT);
    // Painted in its colour between its bounds.
    const wanted = await page.evaluate((c) => { const ctx = document.createElement('canvas').getContext('2d')!; ctx.fillStyle = c; return ctx.fillStyle; }, d.color!);
    const rgb = [1, 3, 5].map((i) => parseInt(wanted.slice(i, i + 2), 16));
    // A row cut by the bottom of the canvas (the last one drawn) has no pixels to read there.
    if (Number(d.x1) - Number(d.x0) < 6 || Number(d.y) + Number(d.h) > box.height) continue;
    // Read from the frame drawn (a later frame may still be on its way while the last fetches land).
    await expect.poll(async () => {
      const px = await canvasPixels(page, (Number(d.x0) + Number(d.x1)) / 2, Number(d.y) + 1, 1, 1);
      return Math.max(...[0, 1, 2].map((i) => Math.abs(px[i] - rgb[i])));
    }, { message: `${d.region} G${d.goroutine} at depth ${d.depth}` }).toBeLessThanOrEqual(3);
    checked++;
  }
  expect(checked).toBeGreaterThan(4);

  // Tasks: their own track, each with its bounds.
  const tasks = queryRows(server, artefact, `SELECT id, coalesce(start_ns, 0) AS start, end_ns AS end FROM tasks ORDER BY id`)
    .map((t) => [Number(t.id), Number(t.start), t.end === null ? '' : String(t.end)]);
  const drawnTasks = await page.getByTestId('timeline-annotations').locator('li[data-task]').evaluateAll((els) =>
    els.map((el) => [Number((el as HTMLElement).dataset.task), Number((el as HTMLElement).dataset.start), (el as HTMLElement).dataset.end]));
  expect(drawnTasks.sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual(tasks);
  // Logs of the rows shown.
  const [logs] = queryRows(server, artefact, `SELECT count(*) AS n FROM logs WHERE goroutine IN (${ids.join(',')})`);
  await expect(page.getByTestId('timeline-annotations')).toHaveAttribute('data-logs', String(logs.n));
  await screenshot(page, 'timeline-regions-tasks-light');

  // Hover on a region's goroutine names the regions around the pointer.
  const inner = drawn.find((d) => Number(d.depth) === 1)!;
  const outer = drawn.find((d) => Number(d.depth) === 0 && d.goroutine === inner.goroutine && Number(d.start) <= Number(inner.start) && Number(d.end) >= Number(inner.end))!;
  const row = rows.find((r) => r.id === Number(inner.goroutine))!;
  await page.mouse.move(box.x + (Number(inner.x0) + Number(inner.x1)) / 2, box.y + row.top + ROW_HEIGHT / 2);
  await expect(page.getByTestId('timeline-tooltip')).toContainText(`Region${outer.region} › ${inner.region}`);

  // Each is a toggle of the tracks menu.
  await page.mouse.move(box.x + 5, box.y + 5);
  await page.getByTestId('tracks-menu').click();
  await page.getByTestId('track-regions').uncheck();
  await page.getByTestId('track-tasks').uncheck();
  await expect(regions).toHaveCount(0);
  await expect(page.getByTestId('timeline-annotations').locator('li[data-task]')).toHaveCount(0);
  await page.getByTestId('track-regions').check();
  await page.getByTestId('track-tasks').check();
  await expect(regions).toHaveCount(expected.length);
});

test('mark assists and sweeps on the goroutine that paid, as SQL over ranges and proc_intervals finds them', async ({ page, server }) => {
  await openTimeline(page, server, fixtureFile('traces/gcchurn.go127.trace').path);
  const artefact = await artefactOf(page);
  const box = (await page.getByTestId('timeline-canvas').boundingBox())!;
  await page.mouse.move(box.x + 5, box.y + 5);
  const stage = await settledStage(page);
  const ids = (await shownRows(page)).map((r) => r.id);
  const inWindow = `r.start_ns < ${stage.t1} AND r.end_ns > ${stage.t0}`;
  const [assists] = queryRows(server, artefact, `SELECT count(*) AS n FROM ranges r JOIN strings s ON s.id = r.name
    WHERE s.value = 'GC mark assist' AND r.scope_kind = 1 AND r.scope_id IN (${ids.join(',')}) AND ${inWindow}`);
  const [sweeps] = queryRows(server, artefact, `SELECT count(*) AS n FROM ranges r JOIN strings s ON s.id = r.name
    JOIN proc_intervals p ON p.proc = r.scope_id AND r.start_ns < p.end_ns AND r.end_ns > p.start_ns
    WHERE s.value = 'GC incremental sweep' AND r.scope_kind = 2 AND p.goroutine IN (${ids.join(',')}) AND ${inWindow}
      AND p.start_ns < ${stage.t1} AND p.end_ns > ${stage.t0}`);
  expect(Number(assists.n)).toBeGreaterThan(0);
  const ann = page.getByTestId('timeline-annotations');
  await expect(ann).toHaveAttribute('data-assists', String(assists.n));
  await expect(ann).toHaveAttribute('data-sweeps', String(sweeps.n));
  await screenshot(page, 'timeline-gc-work-light');
});

test('CPU samples as ticks on the goroutine row, as many as the index holds for the rows shown', async ({ page, server }) => {
  await openTimeline(page, server, fixtureFile('traces/cpuprofile.go127.trace').path);
  const artefact = await artefactOf(page);
  const box = (await page.getByTestId('timeline-canvas').boundingBox())!;
  await page.mouse.move(box.x + 5, box.y + 5);
  await settledStage(page);
  const ids = (await shownRows(page)).map((r) => r.id);
  const [samples] = queryRows(server, artefact, `SELECT count(*) AS n FROM cpu_samples WHERE goroutine IN (${ids.join(',')})`);
  expect(Number(samples.n)).toBeGreaterThan(0);
  await expect(page.getByTestId('timeline-annotations')).toHaveAttribute('data-cpu-samples', String(samples.n));
  await screenshot(page, 'timeline-cpu-samples-light');
});
