// The Timeline and GC views against a real `goroscope serve`: rows drawn on the canvas match the
// service's spans (time by state, and the colour of pixels), zoom and pan by mouse and keyboard
// move the window shown, GC bands sit where `goroscope query` finds the ranges, and the GC
// view's pause count and maximum are `goroscope stats --json`'s.

import type { Page } from '@playwright/test';
import * as path from 'node:path';
import type { GoroutineStateName, TimelineWindow } from '../../src-main/service/types.ts';
import { paintKey, spanShares, type PaintKey } from '../../src-renderer/timeline/states.ts';
import { formatDuration } from '../../src-renderer/lib/format.ts';
import { expect, fixtureFile, openApp, openByPath, screenshot, test } from './fixtures.ts';
import { goroscope, ROOT, statsJson, type ServeProcess } from './serve-process.ts';
import { artefactOf, openTimeline, queryRows, requestedWindow, settledStage, type StageState } from './timeline-helpers.ts';

const SAMPLE = path.join(ROOT, 'assets', 'sample', 'sample.trace');

async function shownWindow(page: Page): Promise<{ t0: number; t1: number }> {
  const w = page.getByTestId('timeline-window');
  return { t0: Number(await w.getAttribute('data-t0')), t1: Number(await w.getAttribute('data-t1')) };
}

/** A call to the service over HTTP, as the page makes it. */
async function callService<T>(page: Page, server: ServeProcess, method: string, args: unknown[]): Promise<T> {
  const res = await page.request.post(`${server.origin}/api/${method}`, { headers: { Authorization: `Bearer ${server.token}` }, data: args });
  expect(res.ok(), await res.text()).toBe(true);
  return (await res.json()) as T;
}

/** The canvas pixel at CSS (x, y), as [r, g, b]. */
async function pixel(page: Page, x: number, y: number): Promise<[number, number, number]> {
  return page.getByTestId('timeline-canvas').evaluate((el, [px, py]) => {
    const canvas = el as HTMLCanvasElement;
    const scale = canvas.width / canvas.getBoundingClientRect().width;
    const d = canvas.getContext('2d')!.getImageData(Math.round(px * scale), Math.round(py * scale), 1, 1).data;
    return [d[0], d[1], d[2]] as [number, number, number];
  }, [x, y]);
}

function hexColor(hex: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex.trim());
  if (!m) throw new Error(`not a #rrggbb colour: ${hex}`);
  return [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)];
}

async function legendColor(page: Page, key: PaintKey | 'stw'): Promise<[number, number, number]> {
  return hexColor((await page.getByTestId('timeline-legend').locator(`li[data-key="${key}"]`).getAttribute('data-color'))!);
}

function expectColor(actual: [number, number, number], expected: [number, number, number], what: string): void {
  for (let i = 0; i < 3; i++) expect(Math.abs(actual[i] - expected[i]), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(3);
}

/** `goroscope query` on the server's library, as rows of numbers. */
function queryNumbers(server: ServeProcess, artefact: string, sql: string): number[][] {
  // A minute, not the default 5 s: on a loaded machine a scan of the packed tables can take longer.
  const r = goroscope(['query', artefact, sql, '--json', '--library', server.library, '--timeout', '60000']);
  expect(r.status, r.stderr).toBe(0);
  const rows = JSON.parse(r.stdout) as Record<string, number>[] | { rows: unknown[][] };
  if (Array.isArray(rows)) return rows.map((o) => Object.values(o).map(Number));
  return rows.rows.map((row) => row.map(Number));
}

test('the timeline draws each row as the service returns it', async ({ page, server }) => {
  const trace = fixtureFile('traces/gcchurn.go127.trace');
  await openTimeline(page, server, trace.path);
  const stage = await settledStage(page);
  const artefact = (await page.url().split('/timeline/')[1]).split('/')[0];
  expect(stage.t0).toBe(0);
  expect(stage.t1).toBe(Number(statsJson(trace.path).durationNs));

  const rows = page.getByTestId('timeline-rows').locator('li');
  const count = await rows.count();
  expect(count).toBeGreaterThan(5);
  const ids = await rows.evaluateAll((els) => els.map((el) => Number((el as HTMLElement).dataset.goroutine)));
  const service = await callService<TimelineWindow>(page, server, 'timeline',
    [{ artefact, t0: stage.t0, t1: stage.t1, goroutines: ids, widthPx: Math.round(stage.plotWidth) }]);
  const nsPerPx = (stage.t1 - stage.t0) / stage.plotWidth;
  let checkedPixels = 0;
  for (let i = 0; i < count; i++) {
    const li = rows.nth(i);
    const drawn = JSON.parse((await li.getAttribute('data-state-ns'))!) as Partial<Record<GoroutineStateName, number>>;
    const y = Number(await li.getAttribute('data-y'));
    const row = service.rows.find((r) => r.goroutine === ids[i])!;
    // Time by state: the drawn tiles (finer resolution) and the service's window agree to a pixel or two.
    const expected: Partial<Record<GoroutineStateName, number>> = {};
    for (const s of row.spans) {
      for (const [state, share] of spanShares(s)) {
        expected[state] = (expected[state] ?? 0) + (s.end - s.start) * share;
      }
    }
    for (const state of new Set([...Object.keys(expected), ...Object.keys(drawn)]) as Set<GoroutineStateName>) {
      expect(Math.abs((drawn[state] ?? 0) - (expected[state] ?? 0)), `G${ids[i]} ${state}`).toBeLessThanOrEqual(4 * nsPerPx);
    }
    // The widest unfolded span is painted in its state's colour.
    const wide = row.spans.filter((s) => !s.shares && paintKey(s.state, s.reason) && (s.end - s.start) / nsPerPx >= 6)
      .sort((a, b) => (b.end - b.start) - (a.end - a.start))[0];
    if (!wide) continue;
    const pauses = await page.getByTestId('timeline-gc').locator('li').evaluateAll((els) =>
      els.map((el) => [Number((el as HTMLElement).dataset.start), Number((el as HTMLElement).dataset.end)]));
    // A point of the span clear of pauses (they are drawn over the rows) and of its first pixels.
    const x = [0.5, 0.3, 0.7, 0.85].map((f) => wide.start + (wide.end - wide.start) * f)
      .find((t) => !pauses.some(([a, b]) => t > a - 2 * nsPerPx && t < b + 2 * nsPerPx));
    if (x === undefined) continue;
    const at = await pixel(page, stage.plotLeft + (x - stage.t0) / nsPerPx, y);
    expectColor(at, await legendColor(page, paintKey(wide.state, wide.reason)!), `G${ids[i]} ${wide.state} ${wide.reason} at ${x}`);
    checkedPixels++;
  }
  expect(checkedPixels).toBeGreaterThan(3);
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
  await screenshot(page, 'timeline-light');
});

test('zoom and pan by keyboard, wheel, drag, box and double-click move the window shown', async ({ page, server }) => {
  await openTimeline(page, server, fixtureFile('traces/gcchurn.go127.trace').path);
  const start = await settledStage(page);
  const duration = start.t1;
  const canvas = page.getByTestId('timeline-canvas');
  const box = (await canvas.boundingBox())!;
  const rowY = box.y + 320;
  const xOf = (s: StageState, t: number) => box.x + s.plotLeft + ((t - s.t0) / (s.t1 - s.t0)) * s.plotWidth;

  // w zooms in around the middle (the pointer is not over the plot), s zooms back out.
  await page.mouse.move(box.x + 5, box.y + 5);
  await page.keyboard.press('w');
  await expect.poll(async () => (await shownWindow(page)).t1 - (await shownWindow(page)).t0).toBeLessThan(duration * 0.51);
  let w = await shownWindow(page);
  expect(Math.abs((w.t0 + w.t1) / 2 - duration / 2)).toBeLessThan(duration * 0.01);
  await expect(page.getByTestId('timeline-t0')).not.toHaveText('0 ns');
  // d pans later by a fifth of the window, a back.
  await page.keyboard.press('d');
  await expect.poll(async () => (await shownWindow(page)).t0).toBeGreaterThan(w.t0 + (w.t1 - w.t0) * 0.19);
  await page.keyboard.press('a');
  await expect.poll(async () => Math.abs((await shownWindow(page)).t0 - w.t0)).toBeLessThan(2);
  await page.keyboard.press('0');
  await expect.poll(() => shownWindow(page)).toEqual({ t0: 0, t1: duration });

  // The wheel zooms around the pointer: the time under it stays under it.
  const s0 = await settledStage(page);
  const pointerTime = duration * 0.3;
  await page.mouse.move(xOf(s0, pointerTime), rowY);
  await page.mouse.wheel(0, -400);
  await expect.poll(async () => (await shownWindow(page)).t1 - (await shownWindow(page)).t0).toBeLessThan(duration * 0.6);
  const s1 = await settledStage(page);
  const under = s1.t0 + ((xOf(s0, pointerTime) - box.x - s1.plotLeft) / s1.plotWidth) * (s1.t1 - s1.t0);
  expect(Math.abs(under - pointerTime)).toBeLessThan((s1.t1 - s1.t0) / s1.plotWidth * 2);

  // Dragging pans by the distance dragged.
  await page.mouse.move(box.x + s1.plotLeft + 400, rowY);
  await page.mouse.down();
  await page.mouse.move(box.x + s1.plotLeft + 300, rowY, { steps: 5 });
  await page.mouse.up();
  const expectedShift = (100 / s1.plotWidth) * (s1.t1 - s1.t0);
  // The drag has moved the requested window before the canvas can settle on it.
  await expect.poll(async () => (await requestedWindow(page)).t0 - s1.t0).toBeGreaterThan(expectedShift * 0.9);
  const s2 = await settledStage(page);
  expect(Math.abs(s2.t0 - s1.t0 - expectedShift)).toBeLessThan(expectedShift * 0.05 + 2);

  // Shift-drag selects a range (shown with its statistics); f zooms to it.
  const a = box.x + s2.plotLeft + 200;
  const b = box.x + s2.plotLeft + 500;
  await page.keyboard.down('Shift');
  await page.mouse.move(a, rowY);
  await page.mouse.down();
  await page.mouse.move(b, rowY, { steps: 5 });
  await page.mouse.up();
  await page.keyboard.up('Shift');
  await expect(page.getByTestId('range-stats')).toBeVisible();
  await page.keyboard.press('f');
  await expect.poll(async () => (await requestedWindow(page)).t1 - (await requestedWindow(page)).t0).toBeLessThan((s2.t1 - s2.t0) * 0.5);
  const s3 = await settledStage(page);
  const nsPerPx = (s2.t1 - s2.t0) / s2.plotWidth;
  expect(Math.abs(s3.t0 - (s2.t0 + 200 * nsPerPx))).toBeLessThan(2 * nsPerPx);
  expect(Math.abs(s3.t1 - (s2.t0 + 500 * nsPerPx))).toBeLessThan(2 * nsPerPx);

  // A double-click zooms in around the point.
  await page.mouse.dblclick(box.x + s3.plotLeft + s3.plotWidth / 2, rowY);
  await expect.poll(async () => (await shownWindow(page)).t1 - (await shownWindow(page)).t0).toBeLessThan((s3.t1 - s3.t0) * 0.5);
  await screenshot(page, 'timeline-zoomed-light');
});

test('a click on a span opens the goroutine with its intervals and stacks', async ({ page, server }) => {
  await openTimeline(page, server, fixtureFile('traces/gcchurn.go127.trace').path);
  const stage = await settledStage(page);
  const rows = page.getByTestId('timeline-rows').locator('li');
  // A worker goroutine of the scenario (main.main.func1), in the middle of the trace.
  const worker = rows.filter({ hasText: 'main.main.func1' }).first();
  const id = Number(await worker.getAttribute('data-goroutine'));
  const y = Number(await worker.getAttribute('data-y'));
  const box = (await page.getByTestId('timeline-canvas').boundingBox())!;
  await page.mouse.move(box.x + stage.plotLeft + stage.plotWidth * 0.4, box.y + y);
  await expect(page.getByTestId('timeline-tooltip')).toContainText(`G${id} main.main.func1`);
  await page.mouse.click(box.x + stage.plotLeft + stage.plotWidth * 0.4, box.y + y);
  const detail = page.getByTestId('goroutine-detail');
  await expect(detail).toHaveAttribute('data-goroutine', String(id));
  await expect(detail).toContainText('main.main.func1');
  await expect(detail.getByTestId('creation-stack')).toContainText('main.main');
  await expect(detail.getByTestId('picked-interval')).toBeVisible();
  // ↓ selects the next row.
  await page.keyboard.press('ArrowDown');
  await expect(detail).not.toHaveAttribute('data-goroutine', String(id));
  await screenshot(page, 'timeline-detail-light');
});

for (const file of ['traces/gcchurn.go127.trace', SAMPLE]) {
  const name = path.basename(file);
  test(`GC view of ${name}: pauses are goroscope stats', and a pause opens the Timeline on its band`, async ({ page, server }) => {
    const trace = path.isAbsolute(file) ? { path: file } : fixtureFile(file);
    const stats = statsJson(trace.path);
    await openApp(page, server);
    await openByPath(page, trace.path);
    await expect(page.getByTestId('artefact-name')).toHaveText(name, { timeout: 45_000 });
    await page.getByTestId('nav-gc').click();
    await expect(page.getByTestId('card-gc-stwCount')).toHaveAttribute('data-value', String(stats.stwCount));
    await expect(page.getByTestId('card-gc-stwMaxNs')).toHaveAttribute('data-value', String(stats.stwMaxNs));
    await expect(page.getByTestId('card-gc-stwTotalNs')).toHaveAttribute('data-value', String(stats.stwTotalNs));
    await expect(page.getByTestId('card-gc-cycles')).toHaveAttribute('data-value', String(stats.gcCycles));
    await expect(page.getByTestId('gc-pause')).toHaveCount(Math.min(500, Number(stats.stwCount)));
    await expect(page.getByTestId('error-banner')).toHaveCount(0);
    await screenshot(page, `gc-${name}-light`);

    // Longest first; it opens the Timeline around it.
    await page.getByTestId('gc-sort-duration').click();
    const longest = page.getByTestId('gc-pause').first();
    await expect(longest).toHaveAttribute('data-duration', String(stats.stwMaxNs));
    const pauseStart = Number(await longest.getAttribute('data-start'));
    const pauseEnd = pauseStart + Number(stats.stwMaxNs);
    await longest.click();
    await expect(page.getByTestId('timeline-canvas')).toBeVisible();
    const stage = await settledStage(page);
    expect(stage.t0).toBeLessThanOrEqual(pauseStart);
    expect(stage.t1).toBeGreaterThanOrEqual(pauseEnd);

    // The bands drawn are the ranges `goroscope query` finds in the window.
    const artefact = page.url().split('/timeline/')[1].split('/')[0];
    const inWindow = `start_ns < ${stage.t1} AND end_ns > ${stage.t0}`;
    const pauses = queryNumbers(server, artefact, `SELECT r.start_ns, r.end_ns FROM ranges r JOIN strings s ON s.id = r.name
      WHERE s.value LIKE 'stop-the-world%' AND ${inWindow} ORDER BY r.start_ns`);
    const marks = queryNumbers(server, artefact, `SELECT count(*) FROM ranges r JOIN strings s ON s.id = r.name
      WHERE s.value = 'GC concurrent mark phase' AND ${inWindow}`)[0][0];
    const gc = page.getByTestId('timeline-gc');
    await expect(gc).toHaveAttribute('data-marks', String(marks));
    const drawn = await gc.locator('li').evaluateAll((els) => els.map((el) => [Number((el as HTMLElement).dataset.start), Number((el as HTMLElement).dataset.end)]));
    expect(drawn).toEqual(pauses);
    expect(pauses).toContainEqual([pauseStart, pauseEnd]);
    // The GC track is painted in the pause colour across the pause.
    const gcTrackY = 26 + 10;
    const nsPerPx = (stage.t1 - stage.t0) / stage.plotWidth;
    const x = stage.plotLeft + ((pauseStart + pauseEnd) / 2 - stage.t0) / nsPerPx;
    expectColor(await pixel(page, x, gcTrackY), await legendColor(page, 'stw'), 'GC track at the pause');
  });
}

test('dark theme: timeline and GC view', async ({ page, server }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await openApp(page, server);
  await page.getByTestId('artefact-row').filter({ hasText: 'sample.trace' }).getByRole('button', { name: 'Open' }).click();
  await page.getByTestId('nav-timeline').click();
  await settledStage(page);
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  // The canvas took the dark theme's colours: its background is dark.
  const dark = await settledStage(page);
  const [r, g, b] = await pixel(page, dark.plotLeft + 2, 2);
  expect(r + g + b).toBeLessThan(200);
  await screenshot(page, 'timeline-dark');
  await page.getByTestId('nav-gc').click();
  await expect(page.getByTestId('gc-cards')).toBeVisible();
  // Heap, pauses over time and the MMU curve.
  await expect(page.locator('figure.chart canvas')).toHaveCount(3);
  await screenshot(page, 'gc-dark');
});

const CHANLEAK = 'traces/chanleak-gens.go127.trace';

/** The lanes drawn: per P, its spans as [start, end, goroutine, intervals folded]. */
async function drawnLanes(page: Page, kind: 'proc' | 'thread'): Promise<Map<number, number[][]>> {
  const lanes = await page.getByTestId('timeline-lanes').locator(`li[data-kind="${kind}"]`).evaluateAll((els) =>
    els.map((el) => [Number((el as HTMLElement).dataset.lane), JSON.parse((el as HTMLElement).dataset.spans!)] as [number, number[][]]));
  return new Map(lanes);
}

test('P lanes hold exactly the proc intervals of the index in the window', async ({ page, server }) => {
  await openTimeline(page, server, fixtureFile(CHANLEAK).path);
  const artefact = await artefactOf(page);
  for (const zoomIns of [0, 3]) {
    for (let i = 0; i < zoomIns; i++) await page.keyboard.press('w');
    if (zoomIns > 0) await expect.poll(async () => (await requestedWindow(page)).t1).toBeLessThan(Number.MAX_SAFE_INTEGER);
    const stage = await settledStage(page);
    await expect(page.getByTestId('timeline-lanes').locator('li[data-kind="proc"]').first()).toBeAttached();
    const lanes = await drawnLanes(page, 'proc');
    const rows = queryRows(server, artefact, `SELECT proc, start_ns, end_ns, goroutine FROM proc_intervals
      WHERE start_ns < ${stage.t1} AND end_ns > ${stage.t0} ORDER BY proc, start_ns`);
    // A tile's resolution: intervals at least that wide are drawn as they are, narrower ones folded.
    const tileNsPerPx = 2 ** Math.floor(Math.log2((stage.t1 - stage.t0) / stage.plotWidth));
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      const spans = lanes.get(Number(r.proc));
      expect(spans, `P${r.proc} drawn`).toBeDefined();
      const [start, end, g] = [Number(r.start_ns), Number(r.end_ns), Number(r.goroutine)];
      if (end - start >= tileNsPerPx) {
        expect(spans, `P${r.proc} G${g} ${start}-${end}`).toContainEqual([start, end, g, 1]);
      } else {
        expect(spans!.some(([a, b, , n]) => n > 1 ? a <= start && b >= end : a === start && b === end), `P${r.proc} folded ${start}`).toBe(true);
      }
    }
    // And nothing else: every exact span drawn is a proc interval.
    const known = new Set(rows.map((r) => `${r.proc}:${r.start_ns}:${r.end_ns}:${r.goroutine}`));
    for (const [proc, spans] of lanes) {
      for (const [a, b, g, n] of spans) if (n === 1) expect(known.has(`${proc}:${a}:${b}:${g}`), `P${proc} G${g} ${a}-${b}`).toBe(true);
    }
  }
  await screenshot(page, 'timeline-procs-light');
});

test('an arrow is drawn for a known unblock edge, and a click on it selects the waker', async ({ page, server }) => {
  await openTimeline(page, server, fixtureFile(CHANLEAK).path);
  const artefact = await artefactOf(page);
  await settledStage(page);
  const rows = page.getByTestId('timeline-rows').locator('li');
  const ids = await rows.evaluateAll((els) => els.map((el) => Number((el as HTMLElement).dataset.goroutine)));
  const edges = queryRows(server, artefact, `SELECT time_ns, goroutine, by_goroutine FROM unblocks
    WHERE goroutine IN (${ids.join(',')}) AND by_goroutine IN (${ids.join(',')}) AND goroutine != by_goroutine ORDER BY time_ns LIMIT 1`);
  expect(edges.length).toBe(1);
  const [time, woken, waker] = [Number(edges[0].time_ns), Number(edges[0].goroutine), Number(edges[0].by_goroutine)];
  // Select the woken goroutine (its label), then find its arrow.
  const box = (await page.getByTestId('timeline-canvas').boundingBox())!;
  const y = Number(await rows.filter({ has: page.locator(`[data-goroutine="${woken}"]`) }).or(page.locator(`[data-testid="timeline-rows"] li[data-goroutine="${woken}"]`)).first().getAttribute('data-y'));
  await page.mouse.click(box.x + 20, box.y + y);
  await expect(page.getByTestId('goroutine-detail')).toHaveAttribute('data-goroutine', String(woken));
  const arrow = page.getByTestId('timeline-arrows').locator(`li[data-time="${time}"][data-goroutine="${woken}"][data-by="${waker}"]`);
  await expect(arrow).toBeAttached();
  const [x, y0, y1] = await arrow.evaluate((el) => ['x', 'y0', 'y1'].map((k) => Number((el as HTMLElement).dataset[k])));
  expect(Math.abs(y0 - (Number(await page.locator(`[data-testid="timeline-rows"] li[data-goroutine="${waker}"]`).getAttribute('data-y'))))).toBeLessThan(1);
  await screenshot(page, 'timeline-arrows-light');
  await page.mouse.click(box.x + x, box.y + (y0 + y1) / 2);
  await expect(page.getByTestId('goroutine-detail')).toHaveAttribute('data-goroutine', String(waker));
});

test('hover on a long wait reports its true start and duration at three zoom levels', async ({ page, server }) => {
  await openTimeline(page, server, fixtureFile(CHANLEAK).path);
  const artefact = await artefactOf(page);
  let stage = await settledStage(page);
  const rows = page.getByTestId('timeline-rows').locator('li');
  const ids = await rows.evaluateAll((els) => els.map((el) => Number((el as HTMLElement).dataset.goroutine)));
  const [wait] = queryRows(server, artefact, `SELECT goroutine, start_ns, end_ns FROM goroutine_intervals
    WHERE state = 'Waiting' AND goroutine IN (${ids.join(',')}) ORDER BY end_ns - start_ns DESC LIMIT 1`);
  const [g, start, end] = [Number(wait.goroutine), Number(wait.start_ns), Number(wait.end_ns)];
  const box = (await page.getByTestId('timeline-canvas').boundingBox())!;
  const y = Number(await page.locator(`[data-testid="timeline-rows"] li[data-goroutine="${g}"]`).getAttribute('data-y'));
  const at = start + (end - start) * 0.5;
  for (let level = 0; level < 3; level++) {
    const x = box.x + stage.plotLeft + ((at - stage.t0) / (stage.t1 - stage.t0)) * stage.plotWidth;
    await page.mouse.move(x, box.y + y);
    const tooltip = page.getByTestId('timeline-tooltip');
    await expect(tooltip).toContainText(`Start${formatDuration(start)}`);
    await expect(tooltip).toContainText(`Duration${formatDuration(end - start)}`);
    await screenshot(page, `timeline-hover-${level}-light`);
    // Zoom in around the pointer (the wait stays under it).
    await page.keyboard.press('w');
    await page.keyboard.press('w');
    await expect.poll(async () => (await requestedWindow(page)).t1 - (await requestedWindow(page)).t0).toBeLessThan((stage.t1 - stage.t0) * 0.3);
    stage = await settledStage(page);
  }
});

test('range statistics equal a direct SQL query over the same range', async ({ page, server }) => {
  await openTimeline(page, server, fixtureFile('traces/gcchurn.go127.trace').path);
  const artefact = await artefactOf(page);
  const stage = await settledStage(page);
  const box = (await page.getByTestId('timeline-canvas').boundingBox())!;
  // Drag on the time axis selects a range.
  await page.mouse.move(box.x + stage.plotLeft + 150, box.y + 10);
  await page.mouse.down();
  await page.mouse.move(box.x + stage.plotLeft + 450, box.y + 10, { steps: 5 });
  await page.mouse.up();
  const panel = page.getByTestId('range-stats');
  await expect(panel.getByTestId('range-state').first()).toBeAttached();
  const [t0, t1] = [Number(await panel.getAttribute('data-t0')), Number(await panel.getAttribute('data-t1'))];
  const expected = queryRows(server, artefact, `SELECT state, sum(min(end_ns, ${t1}) - max(start_ns, ${t0})) AS ns FROM goroutine_intervals
    WHERE start_ns < ${t1} AND end_ns > ${t0} AND state != 'NotExist' GROUP BY state ORDER BY state`);
  const shown = await panel.getByTestId('range-state').evaluateAll((els) => els.map((el) => [(el as HTMLElement).dataset.state, Number((el as HTMLElement).dataset.ns)]));
  expect(Object.fromEntries(shown)).toEqual(Object.fromEntries(expected.map((r) => [r.state, Number(r.ns)])));
  const [count] = queryRows(server, artefact, `SELECT count(DISTINCT goroutine) AS n FROM goroutine_intervals
    WHERE start_ns < ${t1} AND end_ns > ${t0} AND state != 'NotExist'`);
  await expect(panel.getByTestId('range-goroutines')).toHaveAttribute('data-count', String(count.n));
  const [gc] = queryRows(server, artefact, `SELECT count(*) AS n FROM ranges r JOIN strings s ON s.id = r.name
    WHERE s.value LIKE 'stop-the-world%' AND r.start_ns < ${t1} AND r.end_ns > ${t0}`);
  await expect(panel.getByTestId('range-gc')).toHaveAttribute('data-stw', String(gc.n));
  await screenshot(page, 'timeline-range-light');
});
