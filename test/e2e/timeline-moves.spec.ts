// The timeline's moves beyond zoom and pan, against a real `goroscope serve`: Back/Forward walk
// the views left (zoom, pan, selection) and restore each exactly; `m` marks the hovered interval
// (its bounds from the index) or the selected range; `/` finds goroutines by a regular expression
// over names and stacks, in the list's order, as a SQL query over the index finds them.

import { expect, fixtureFile, screenshot, test } from './fixtures.ts';
import { artefactOf, canvasPixels, openTimeline, queryRows, requestedWindow, settledStage, stageData } from './timeline-helpers.ts';
import type { Page } from '@playwright/test';

const GCCHURN = 'traces/gcchurn.go127.trace';

async function view(page: Page): Promise<{ t0: number; t1: number; selected: string | null; shownT0: string | null; shownT1: string | null }> {
  const s = await settledStage(page);
  const detail = page.getByTestId('goroutine-detail');
  const selected = (await detail.count()) > 0 ? await detail.getAttribute('data-goroutine') : null;
  const w = page.getByTestId('timeline-window');
  return { t0: s.t0, t1: s.t1, selected, shownT0: await w.getAttribute('data-t0'), shownT1: await w.getAttribute('data-t1') };
}

test('Back and Forward restore each view left: zoom, pan and selection, exactly', async ({ page, server }) => {
  await openTimeline(page, server, fixtureFile(GCCHURN).path);
  const box = (await page.getByTestId('timeline-canvas').boundingBox())!;
  await page.mouse.move(box.x + 5, box.y + 5);
  const v0 = await view(page);
  await page.keyboard.press('w');
  await expect.poll(async () => (await requestedWindow(page)).t1).toBeLessThan(v0.t1);
  const v1 = await view(page);
  await page.keyboard.press('d');
  await expect.poll(async () => (await requestedWindow(page)).t0).toBeGreaterThan(v1.t0);
  const v2 = await view(page);
  // Select a goroutine by its label.
  const row = page.getByTestId('timeline-rows').locator('li').nth(3);
  const g = await row.getAttribute('data-goroutine');
  await page.mouse.click(box.x + 20, box.y + Number(await row.getAttribute('data-y')));
  await expect(page.getByTestId('goroutine-detail')).toHaveAttribute('data-goroutine', g!);
  const v3 = await view(page);
  // The wheel over the plot: one gesture, one view.
  await page.mouse.move(box.x + 600, box.y + 300);
  await page.mouse.wheel(0, -300);
  await page.mouse.wheel(0, -300);
  await expect.poll(async () => (await requestedWindow(page)).t1 - (await requestedWindow(page)).t0).toBeLessThan((v3.t1 - v3.t0) * 0.9);
  const v4 = await view(page);
  await page.mouse.move(box.x + 5, box.y + 5);

  await page.keyboard.press('u');
  expect(await view(page)).toEqual(v3);
  await page.keyboard.press('u');
  expect(await view(page)).toEqual(v2);
  await page.keyboard.press('Alt+ArrowLeft');
  expect(await view(page)).toEqual(v1);
  await page.keyboard.press('Control+z');
  expect(await view(page)).toEqual(v0);
  expect((await stageData(page)).canBack).toBe('false');
  await page.keyboard.press('U');
  expect(await view(page)).toEqual(v1);
  await page.keyboard.press('Control+Shift+Z');
  expect(await view(page)).toEqual(v2);
  await page.keyboard.press('Alt+ArrowRight');
  expect(await view(page)).toEqual(v3);
  await page.getByTestId('view-forward').click();
  expect(await view(page)).toEqual(v4);
  expect((await stageData(page)).canForward).toBe('false');
  // A new move after Back drops the views ahead.
  await page.getByTestId('view-back').click();
  expect(await view(page)).toEqual(v3);
  await page.mouse.move(box.x + 5, box.y + 5);
  await page.keyboard.press('s');
  await expect.poll(async () => (await stageData(page)).canForward).toBe('false');
});

test('m marks the hovered interval with its true bounds, or the selected range; Esc or m clears it', async ({ page, server }) => {
  await openTimeline(page, server, fixtureFile('traces/chanleak-gens.go127.trace').path);
  const artefact = await artefactOf(page);
  const stage = await settledStage(page);
  const rows = page.getByTestId('timeline-rows').locator('li');
  const ids = await rows.evaluateAll((els) => els.map((el) => Number((el as HTMLElement).dataset.goroutine)));
  const [wait] = queryRows(server, artefact, `SELECT goroutine, start_ns, end_ns FROM goroutine_intervals
    WHERE state = 'Waiting' AND goroutine IN (${ids.join(',')}) ORDER BY end_ns - start_ns DESC LIMIT 1`);
  const [g, start, end] = [Number(wait.goroutine), Number(wait.start_ns), Number(wait.end_ns)];
  const box = (await page.getByTestId('timeline-canvas').boundingBox())!;
  const y = Number(await page.locator(`[data-testid="timeline-rows"] li[data-goroutine="${g}"]`).getAttribute('data-y'));
  const x = box.x + stage.plotLeft + (((start + end) / 2 - stage.t0) / (stage.t1 - stage.t0)) * stage.plotWidth;
  await page.mouse.move(x, box.y + y);
  await expect(page.getByTestId('timeline-tooltip')).toContainText('Duration');
  await page.keyboard.press('m');
  await expect.poll(async () => { const d = await stageData(page); return [d.markT0, d.markT1]; }).toEqual([String(start), String(end)]);
  await settledStage(page);
  await screenshot(page, 'timeline-mark-light');
  await page.keyboard.press('Escape');
  await expect.poll(async () => (await stageData(page)).markT0).toBe('');

  // A range selected on the axis, then m: the mark is the range; m again clears it.
  await page.mouse.move(box.x + stage.plotLeft + 150, box.y + 10);
  await page.mouse.down();
  await page.mouse.move(box.x + stage.plotLeft + 400, box.y + 10, { steps: 5 });
  await page.mouse.up();
  const panel = page.getByTestId('range-stats');
  await expect(panel).toBeVisible();
  const [t0, t1] = [await panel.getAttribute('data-t0'), await panel.getAttribute('data-t1')];
  await page.mouse.move(box.x + 5, box.y + 5);
  await page.keyboard.press('m');
  await expect.poll(async () => { const d = await stageData(page); return [d.markT0, d.markT1]; }).toEqual([t0, t1]);
  await page.keyboard.press('m');
  await expect.poll(async () => (await stageData(page)).markT0).toBe('');
});

test('/ finds goroutines by a regular expression over names and stacks, in the rows\' order, as SQL does', async ({ page, server }) => {
  await openTimeline(page, server, fixtureFile(GCCHURN).path);
  const artefact = await artefactOf(page);
  await settledStage(page);
  // main.main: the name of G1, and a frame of every stack created by it (a match by stack).
  const expected = queryRows(server, artefact, `SELECT g.id FROM goroutines g JOIN strings n ON n.id = g.name
    WHERE n.value = 'main.main' OR EXISTS (SELECT 1 FROM stack_frames sf JOIN frames f ON f.id = sf.frame
      JOIN strings a ON a.id = f.func JOIN strings b ON b.id = f.file
      WHERE sf.stack IN (g.creation_stack, g.start_stack, g.last_stack) AND (a.value = 'main.main' OR b.value = 'main.main'))
    ORDER BY g.start_ns, g.id`).map((r) => Number(r.id));
  expect(expected.length).toBeGreaterThan(3);
  const box = (await page.getByTestId('timeline-canvas').boundingBox())!;
  await page.mouse.move(box.x + 5, box.y + 5);
  await page.keyboard.press('/');
  const search = page.getByTestId('timeline-search');
  await expect(search).toBeFocused();
  await search.fill('^main\\.main$');
  const status = page.getByTestId('search-status');
  for (let i = 0; i < 3; i++) {
    await search.press('Enter');
    await expect(status).toHaveAttribute('data-goroutine', String(expected[i]));
    await expect(page.getByTestId('goroutine-detail')).toHaveAttribute('data-goroutine', String(expected[i]));
    await settledStage(page);
    await expect(page.locator(`[data-testid="timeline-rows"] li[data-goroutine="${expected[i]}"]`)).toBeAttached();
  }
  await expect(status).toContainText(`${expected.length} match`);
  await screenshot(page, 'timeline-search-light');
  // A pattern nothing matches, and one that is not a regular expression.
  await search.fill('^no such function$');
  await search.press('Enter');
  await expect(status).toHaveAttribute('data-state', 'none');
  await search.fill('(unclosed');
  await search.press('Enter');
  await expect(status).toHaveAttribute('data-state', 'error');
});

test('the theme switch repaints the canvas at once, in the new theme\'s colours', async ({ page, server }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await openTimeline(page, server, fixtureFile(GCCHURN).path);
  const box = (await page.getByTestId('timeline-canvas').boundingBox())!;
  await page.mouse.move(box.x + 5, box.y + 5);
  const s = await settledStage(page);
  expect((await stageData(page)).theme).toBe('light');
  const canvasBytes = () => page.getByTestId('timeline-canvas').evaluate((el) => (el as HTMLCanvasElement).toDataURL());
  const before = await canvasBytes();
  const [r0, g0, b0] = await canvasPixels(page, s.plotLeft + 2, 2, 1, 1);
  expect(r0 + g0 + b0).toBeGreaterThan(600);
  // t cycles system → light → dark; the canvas draws the dark palette in its next frame, with no other input.
  await page.keyboard.press('t');
  await page.keyboard.press('t');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect.poll(async () => (await stageData(page)).theme).toBe('dark');
  const [r1, g1, b1] = await canvasPixels(page, s.plotLeft + 2, 2, 1, 1);
  expect(r1 + g1 + b1).toBeLessThan(200);
  expect(await canvasBytes()).not.toBe(before);
  // The legend follows too: its Running colour is the dark theme's CSS variable.
  const running = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--state-running').trim());
  await expect(page.getByTestId('timeline-legend').locator('li[data-key="Running"]')).toHaveAttribute('data-color', running);
  await screenshot(page, 'timeline-theme-switched-dark');
});

test('a leak group and a goroutine open the timeline on what they name: rows filtered, range framed, item selected', async ({ page, server }) => {
  const trace = fixtureFile('traces/chanleak.go127.trace');
  await openTimeline(page, server, trace.path);
  const artefact = await artefactOf(page);
  const duration = (await settledStage(page)).t1;
  await page.getByTestId('nav-leaks').click();
  const group = page.getByTestId('leak-group').filter({ has: page.locator('[data-system="false"]') }).or(page.locator('[data-testid="leak-group"][data-system="false"]')).first();
  const reason = (await group.getAttribute('data-reason'))!;
  await group.locator('tr.main').click();
  const link = group.getByTestId('leak-timeline');
  const hash = (await link.getAttribute('href'))!;
  const sample = Number(/\/g(\d+)/.exec(hash)![1]);
  const name = decodeURIComponent(/\/n([^/]+)/.exec(hash)?.[1] ?? '');
  await link.click();
  const stage = await settledStage(page);
  expect(stage.t1).toBe(duration);
  await expect(page.getByTestId('row-filter')).toHaveValue(`reason:${reason}`);
  await expect(page.getByTestId('row-name')).toHaveValue(name);
  const q = (s: string) => s.replaceAll("'", "''");
  const [expected] = queryRows(server, artefact, `SELECT count(*) AS n FROM goroutines g JOIN strings n ON n.id = g.name
    LEFT JOIN strings r ON r.id = g.last_reason WHERE g.last_state = 4 AND coalesce(r.value, '') = '${q(reason)}' AND instr(n.value, '${q(name)}') > 0`);
  await expect(page.getByTestId('row-count')).toHaveText(`${expected.n} goroutines`);
  await expect(page.getByTestId('goroutine-detail')).toHaveAttribute('data-goroutine', String(sample));
  await screenshot(page, 'timeline-from-leak-group-light');

  // A goroutine of the Goroutines view: its life framed, it selected.
  await page.getByTestId('nav-goroutines').click();
  const row = page.getByTestId('goroutine-row').nth(5);
  const id = Number(await row.getAttribute('data-id'));
  await row.click();
  await page.getByTestId('goroutine-timeline').click();
  const framed = await settledStage(page);
  const [life] = queryRows(server, artefact, `SELECT start_ns, coalesce(end_ns, ${duration}) AS end_ns FROM goroutines WHERE id = ${id}`);
  expect(framed.t0).toBeLessThanOrEqual(Number(life.start_ns));
  expect(framed.t1).toBeGreaterThanOrEqual(Math.min(duration, Number(life.end_ns)) - 1);
  await expect(page.getByTestId('goroutine-detail')).toHaveAttribute('data-goroutine', String(id));
});

test('a blocking site finds its goroutines on the timeline; a linked goroutine\'s row is scrolled into view', async ({ page, server }) => {
  await openTimeline(page, server, fixtureFile('traces/chanleak.go127.trace').path);
  const artefact = await artefactOf(page);
  const duration = (await settledStage(page)).t1;
  // The last goroutine by start time: far below the rows first shown.
  const [last] = queryRows(server, artefact, 'SELECT id FROM goroutines ORDER BY start_ns DESC, id DESC');
  await page.getByTestId('nav-library').click();
  await page.evaluate((h) => { window.location.hash = h; }, `#/timeline/${artefact}/0-${duration}/g${last.id}`);
  await settledStage(page);
  await expect(page.locator(`[data-testid="timeline-rows"] li[data-goroutine="${last.id}"]`)).toBeAttached();
  await expect(page.getByTestId('goroutine-detail')).toHaveAttribute('data-goroutine', String(last.id));

  await page.getByTestId('nav-blocking').click();
  const site = page.locator('tbody').filter({ has: page.locator('tr.main') }).first();
  await site.locator('tr.main').click();
  const link = site.getByTestId('blocking-timeline');
  const pattern = decodeURIComponent(/\/q([^/]+)/.exec((await link.getAttribute('href'))!)![1]);
  const func = pattern.slice(1, -1).replace(/\\(.)/g, '$1');
  await link.click();
  const q = func.replaceAll("'", "''");
  const expected = queryRows(server, artefact, `SELECT g.id FROM goroutines g JOIN strings n ON n.id = g.name
    WHERE n.value = '${q}' OR EXISTS (SELECT 1 FROM stack_frames sf JOIN frames f ON f.id = sf.frame
      JOIN strings a ON a.id = f.func JOIN strings b ON b.id = f.file
      WHERE sf.stack IN (g.creation_stack, g.start_stack, g.last_stack) AND (a.value = '${q}' OR b.value = '${q}'))
    ORDER BY g.start_ns, g.id`).map((r) => Number(r.id));
  expect(expected.length).toBeGreaterThan(0);
  await expect(page.getByTestId('search-status')).toHaveAttribute('data-goroutine', String(expected[0]));
  await expect(page.getByTestId('goroutine-detail')).toHaveAttribute('data-goroutine', String(expected[0]));
  await expect(page.getByTestId('timeline-search')).toHaveValue(pattern);
  await screenshot(page, 'timeline-from-blocking-site-light');
});
