// The flame graph of a CPU profile against the CLI's report of the same file: it draws, the widest
// frame under the root is as wide as `goroscope top --json` says its function's cum is, the
// tooltip shows that value, a click zooms in and the breadcrumb zooms back out. Photographed in
// light and dark.

import type { Page } from '@playwright/test';
import * as path from 'node:path';
import { expect, fixtureFile, openApp, openByPath, screenshot, test } from './fixtures.ts';
import { goroscope } from './serve-process.ts';

interface TopJson { total: number; rows: { name: string; flat: number; cum: number }[] }
interface FirstRowRect { name: string; x: number; w: number; y: number }

function topJson(file: string): TopJson {
  const r = goroscope(['top', file, '--json']);
  expect(r.status, `goroscope top: ${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout) as TopJson;
}

/** Distinct colours among the canvas's pixels (a blank or single-colour canvas has at most 2). */
async function canvasColours(page: Page): Promise<number> {
  return page.getByTestId('flame-canvas').evaluate((c: HTMLCanvasElement) => {
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const seen = new Set<number>();
    for (let i = 0; i < data.length; i += 4 * 7) if (data[i + 3] > 0) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    return seen.size;
  });
}

async function firstRow(page: Page): Promise<FirstRowRect[]> {
  return JSON.parse((await page.getByTestId('flame-canvas').getAttribute('data-first-row')) ?? '[]') as FirstRowRect[];
}

async function screenshotThemes(page: Page, name: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await expect(page.locator('html')).toHaveAttribute('data-theme', scheme);
    await screenshot(page, `${name}-${scheme}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

test('a CPU profile\'s flame graph draws, hovers with goroscope top\'s cum, and zooms', async ({ page, server }) => {
  const profile = fixtureFile('profiles/cpu.go127.pprof');
  const top = topJson(profile.path);
  await openApp(page, server);
  await openByPath(page, profile.path);
  await expect(page.getByTestId('artefact-name')).toHaveText(path.basename(profile.path), { timeout: 45_000 });
  await page.getByTestId('nav-profiles').click();
  await page.getByTestId('report-flame').click();
  const canvas = page.getByTestId('flame-canvas');
  await expect(canvas).toBeVisible();
  await expect.poll(() => canvasColours(page)).toBeGreaterThan(4);

  // The frames under the root fill its width, and the widest is the function with the largest cum
  // among them, exactly as wide as that cum is of the total.
  const rects = await firstRow(page);
  expect(rects.length).toBeGreaterThan(1);
  const box = (await canvas.boundingBox())!;
  const widest = rects.reduce((a, b) => (b.w > a.w ? b : a));
  const cum = top.rows.find((r) => r.name === widest.name)?.cum;
  expect(cum, `${widest.name} is in goroscope top`).toBeDefined();
  expect(widest.w / box.width).toBeCloseTo(cum! / top.total, 3);

  await page.mouse.move(box.x + widest.x + widest.w / 2, box.y + widest.y);
  const tooltip = page.getByTestId('flame-tooltip');
  await expect(tooltip).toBeVisible();
  await expect(tooltip).toHaveAttribute('data-name', widest.name);
  expect(Number(await tooltip.getAttribute('data-value'))).toBe(cum);
  // The value as the top table prints it, and its share of the total.
  await page.getByTestId('report-top').click();
  const cumText = (await page.locator(`[data-testid="top-row"][data-name="${widest.name}"] td`).nth(3).textContent())!.trim();
  const cumPercent = (await page.locator(`[data-testid="top-row"][data-name="${widest.name}"] td`).nth(4).textContent())!.trim();
  await page.getByTestId('report-flame').click();
  await expect.poll(() => canvasColours(page)).toBeGreaterThan(4);
  await page.mouse.move(box.x + widest.x + widest.w / 2, box.y + widest.y);
  await expect(page.getByTestId('flame-tooltip-value')).toHaveText(cumText);
  await expect(tooltip).toContainText(`${cumPercent} of total`);
  await screenshotThemes(page, 'flame-hover');

  // Root at the bottom: the same frame, one row above the root.
  await page.getByTestId('flame-up').check();
  const flipped = (await firstRow(page)).find((r) => r.name === widest.name)!;
  expect(flipped.y).toBeGreaterThan(widest.y);
  await page.mouse.move(box.x + flipped.x + flipped.w / 2, box.y + flipped.y);
  await expect(tooltip).toHaveAttribute('data-name', widest.name);
  await screenshot(page, 'flame-up-light');
  await page.getByTestId('flame-up').uncheck();
  await page.mouse.move(box.x + widest.x + widest.w / 2, box.y + widest.y);

  // Click: the frame fills the width under the path to it; the breadcrumb leads back.
  await page.mouse.click(box.x + widest.x + widest.w / 2, box.y + widest.y);
  await expect(canvas).toHaveAttribute('data-focus', widest.name);
  await expect(page.getByTestId('flame-crumb')).toHaveCount(2);
  const zoomed = await firstRow(page);
  const zoomedSum = zoomed.reduce((s, r) => s + r.w, 0);
  expect(zoomedSum).toBeLessThanOrEqual(box.width + 0.5);
  expect(zoomed.length).toBeGreaterThan(0);

  // Search: matching frames highlighted and their share of the total.
  await page.getByTestId('function-search').fill('runtime.');
  await expect(page.getByTestId('flame-match')).toContainText('of total');
  await page.mouse.move(box.x + 5, box.y + box.height + 60);
  await screenshotThemes(page, 'flame-zoom-search');

  await page.getByTestId('flame-crumb').first().click();
  await expect(canvas).toHaveAttribute('data-focus', 'root');
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
});
