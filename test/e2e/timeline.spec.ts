// The Timeline and GC views against a real `goroscope serve`: rows drawn on the canvas match the
// service's spans (time by state, and the colour of pixels), zoom and pan by mouse and keyboard
// move the window shown, GC bands sit where `goroscope query` finds the ranges, and the GC
// view's pause count and maximum are `goroscope stats --json`'s.

import type { Page } from '@playwright/test';
import * as path from 'node:path';
import type { GoroutineStateName, TimelineWindow } from '../../src-main/service/types.ts';
import { paintKey, type PaintKey } from '../../src-renderer/timeline/states.ts';
import { expect, fixtureFile, openApp, openByPath, screenshot, test } from './fixtures.ts';
import { goroscope, ROOT, statsJson, type ServeProcess } from './serve-process.ts';

const SAMPLE = path.join(ROOT, 'assets', 'sample', 'sample.trace');

interface StageState {
  t0: number;
  t1: number;
  plotLeft: number;
  plotWidth: number;
}

/** The window and plot geometry the canvas last drew, once every visible row has arrived. */
async function settledStage(page: Page): Promise<StageState> {
  const stage = page.getByTestId('timeline-stage');
  await expect(stage).toHaveAttribute('data-pending', '0');
  await expect(page.getByTestId('timeline-rows').locator('li').first()).toBeAttached();
  const d = await stage.evaluate((el) => ({ ...(el as HTMLElement).dataset }));
  return { t0: Number(d.t0), t1: Number(d.t1), plotLeft: Number(d.plotLeft), plotWidth: Number(d.plotWidth) };
}

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

async function openTimeline(page: Page, server: ServeProcess, file: string): Promise<void> {
  await openApp(page, server);
  await openByPath(page, file);
  await expect(page.getByTestId('artefact-name')).toHaveText(path.basename(file), { timeout: 45_000 });
  await page.getByTestId('nav-timeline').click();
  await expect(page.getByTestId('timeline-canvas')).toBeVisible();
}

/** `goroscope query` on the server's library, as rows of numbers. */
function queryNumbers(server: ServeProcess, artefact: string, sql: string): number[][] {
  const r = goroscope(['query', artefact, sql, '--json', '--library', server.library]);
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
      for (const [state, share] of Object.entries(s.shares ?? { [s.state]: 1 }) as [GoroutineStateName, number][]) {
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
