// Helpers shared by the timeline's e2e specs: open a trace's timeline, wait for the canvas to
// settle (data attributes, never time), read the stage and call goroscope query on the server's library.

import type { Page } from '@playwright/test';
import * as path from 'node:path';
import { expect, openApp, openByPath } from './fixtures.ts';
import { goroscope, type ServeProcess } from './serve-process.ts';

export interface StageState {
  t0: number;
  t1: number;
  plotLeft: number;
  plotWidth: number;
}

/** The window and plot geometry once the canvas drew the window requested, from loaded tiles, every visible row known. */
export async function settledStage(page: Page): Promise<StageState> {
  const stage = page.getByTestId('timeline-stage');
  const read = () => stage.evaluate((el) => ({ ...(el as HTMLElement).dataset }));
  await expect.poll(async () => {
    const d = await read();
    return d.settled === 'true' && d.t0 === d.requestedT0 && d.t1 === d.requestedT1;
  }).toBe(true);
  await expect(page.getByTestId('timeline-rows').locator('li').first()).toBeAttached();
  const d = await read();
  return { t0: Number(d.t0), t1: Number(d.t1), plotLeft: Number(d.plotLeft), plotWidth: Number(d.plotWidth) };
}

/** The window the canvas was last asked to show (drawn or not yet). */
export async function requestedWindow(page: Page): Promise<{ t0: number; t1: number }> {
  const d = await page.getByTestId('timeline-stage').evaluate((el) => ({ ...(el as HTMLElement).dataset }));
  return { t0: Number(d.requestedT0), t1: Number(d.requestedT1) };
}

export async function stageData(page: Page): Promise<Record<string, string | undefined>> {
  return page.getByTestId('timeline-stage').evaluate((el) => ({ ...(el as HTMLElement).dataset }));
}

export async function openTimeline(page: Page, server: ServeProcess, file: string): Promise<void> {
  await openApp(page, server);
  await openByPath(page, file);
  await expect(page.getByTestId('artefact-name')).toHaveText(path.basename(file), { timeout: 45_000 });
  await page.getByTestId('nav-timeline').click();
  await expect(page.getByTestId('timeline-canvas')).toBeVisible();
}

export async function artefactOf(page: Page): Promise<string> {
  return page.url().split('/timeline/')[1].split('/')[0];
}

/** `goroscope query` on the server's library, as row objects. */
export function queryRows(server: ServeProcess, artefact: string, sql: string): Record<string, unknown>[] {
  const r = goroscope(['query', artefact, sql, '--json', '--library', server.library, '--timeout', '60000']);
  expect(r.status, r.stderr).toBe(0);
  const out = JSON.parse(r.stdout) as Record<string, unknown>[] | { columns: string[]; rows: unknown[][] };
  if (Array.isArray(out)) return out;
  return out.rows.map((row) => Object.fromEntries(out.columns.map((c, i) => [c, row[i]])));
}

/** The canvas pixels of a CSS rectangle, as RGBA bytes. */
export async function canvasPixels(page: Page, x: number, y: number, w: number, h: number): Promise<number[]> {
  return page.getByTestId('timeline-canvas').evaluate((el, [px, py, pw, ph]) => {
    const canvas = el as HTMLCanvasElement;
    const scale = canvas.width / canvas.getBoundingClientRect().width;
    return [...canvas.getContext('2d')!.getImageData(Math.round(px * scale), Math.round(py * scale), Math.max(1, Math.round(pw * scale)), Math.max(1, Math.round(ph * scale))).data];
  }, [x, y, w, h]);
}
