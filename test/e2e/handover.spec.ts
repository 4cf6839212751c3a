// Handing over: a table's CSV and JSON downloads equal the service's data (the goroutine list as
// the API pages it, the leak groups as `goroscope leaks --json` gives them), and the report saved
// with "Export report" opens in Chromium from file:// with every section and no request leaving
// the file.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Download, Page } from '@playwright/test';
import type { GoroutineGroupReport, GoroutinePage, LeakReport } from '../../src-main/service/types.ts';
import { expect, fixtureFile, openApp, openByPath, screenshot, test } from './fixtures.ts';
import { freshJson, type ServeProcess } from './serve-process.ts';
import { parseCsv } from '../support/csv.ts';

const TRACE = fixtureFile('traces/chanleak.go127.trace');

async function saved(download: Promise<Download>): Promise<{ name: string; text: string }> {
  const d = await download;
  const file = await d.path();
  return { name: d.suggestedFilename(), text: fs.readFileSync(file, 'utf8') };
}

/** A service method called as the page calls it (POST /api/<method>, the token as a bearer). */
async function service<T>(server: ServeProcess, method: string, args: unknown[]): Promise<T> {
  const res = await fetch(new URL(`/api/${method}`, server.url), {
    method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${server.token}` }, body: JSON.stringify(args),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

async function openTrace(page: Page, server: ServeProcess): Promise<string> {
  await openApp(page, server);
  await openByPath(page, TRACE.path);
  await expect(page.getByTestId('artefact-name')).toHaveText(TRACE.name, { timeout: 45_000 });
  return decodeURIComponent(new URL(page.url()).hash.split('/')[2]);
}

test('a table downloads as CSV and JSON equal to the service data: the goroutine list and the leak groups', async ({ page, server }) => {
  const hash = await openTrace(page, server);

  // The goroutine list, filtered to those alive at the end: the CSV holds every row the service lists, raw.
  await page.getByTestId('nav-goroutines').click();
  await page.getByTestId('alive-filter').check();
  await expect(page.getByTestId('goroutine-range')).toContainText('of');
  const list = await service<GoroutinePage>(server, 'goroutines', [{ artefact: hash, sort: 'id', descending: false, aliveAtEnd: true, offset: 0, limit: 10_000 }]);
  await expect(page.getByTestId('goroutine-range')).toContainText(`of ${list.total}`);
  const csv = await saved(Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]).then(([d]) => d));
  expect(csv.name).toBe(`${TRACE.name}.goroutines.csv`);
  const [header, ...records] = parseCsv(csv.text);
  expect(header).toEqual(['id', 'name', 'created_ns', 'creator', 'start_ns', 'end_ns', 'last_state', 'last_reason', 'running_ns', 'runnable_ns', 'waiting_ns', 'syscall_ns']);
  const raw = (v: string | number | null) => (v === null ? '' : String(v));
  expect(records).toEqual(list.rows.map((r) => [r.id, r.name, r.createdNs, r.creator, r.startNs, r.endNs, r.lastState, r.lastReason,
    r.runningNs, r.runnableNs, r.waitingNs, r.syscallNs].map(raw)));

  // The same goroutines as a dump: what goroutinesDump gives for them.
  const dump = await saved(Promise.all([page.waitForEvent('download'), page.getByTestId('export-dump').click()]).then(([d]) => d));
  expect(dump.name).toBe(`${TRACE.name}.goroutines.txt`);
  const expectedDump = await service<{ text: string }>(server, 'goroutinesDump', [hash, list.rows.map((r) => r.id)]);
  expect(dump.text).toBe(expectedDump.text);
  await expect(page.getByTestId('export-dump-note')).toContainText(`${list.rows.length} goroutines`);

  // The leak groups against goroscope leaks --json, in CSV and in JSON.
  const leaks = freshJson<{ groups: (LeakReport['groups'][number] & { stack: string[] })[] }>(['leaks', TRACE.path]);
  await page.getByTestId('nav-leaks').click();
  await expect(page.getByTestId('leak-summary')).toBeVisible();
  const leakCsv = await saved(Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]).then(([d]) => d));
  const [leakHeader, ...leakRows] = parseCsv(leakCsv.text);
  const col = (name: string) => leakHeader.indexOf(name);
  expect(leakRows.map((r) => [r[col('count')], r[col('site')], r[col('reason')], r[col('max_blocked_ns')], r[col('explanation')], r[col('stack')]]))
    .toEqual(leaks.groups.map((g) => [String(g.count), g.site, g.reason, String(g.maxBlockedNs), g.explanation, g.stack.join('\n')]));
  const leakJson = await saved(Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()]).then(([d]) => d));
  expect(leakJson.name).toBe(`${TRACE.name}.leaks.json`);
  expect((JSON.parse(leakJson.text) as Record<string, unknown>[]).map((g) => [g.count, g.site, g.maxBlockedNs, g.stack]))
    .toEqual(leaks.groups.map((g) => [g.count, g.site, g.maxBlockedNs, g.stack]));
});

test('Export report saves one HTML file that renders every section offline, with no request leaving it', async ({ page, server, browser }) => {
  await openTrace(page, server);
  await page.getByTestId('nav-leaks').click();
  const download = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-report').click()]).then(([d]) => d);
  expect(download.suggestedFilename()).toBe(`${TRACE.name}.report.html`);
  await expect(page.getByTestId('report-export')).toHaveAttribute('data-state', 'saved');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-e2e-report-'));
  const file = path.join(dir, 'report.html');
  await download.saveAs(file);

  // A context of its own, outside the app's: every request is recorded and refused.
  const context = await browser.newContext();
  const requests: string[] = [];
  const problems: string[] = [];
  context.on('request', (r) => requests.push(r.url()));
  await context.route('**/*', (route) => (route.request().url() === `file://${file}` ? route.continue() : route.abort()));
  const report = await context.newPage();
  report.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text()); });
  report.on('pageerror', (e) => problems.push(e.message));
  await report.goto(`file://${file}`);
  await expect(report.getByRole('heading', { level: 1, name: 'Goroscope report' })).toBeVisible();

  const leaks = freshJson<{ groups: { count: number; maxBlockedNs: number }[] }>(['leaks', TRACE.path]);
  const gc = freshJson<{ pausePercentiles: { count: number }; cycles: unknown[] }>(['gc', TRACE.path]);
  const section = report.locator('section.artefact');
  await expect(section).toHaveCount(1);
  await expect(section.getByRole('heading', { level: 2 })).toHaveText(TRACE.name);
  for (const h of ['Summary', 'Leak suspects', 'Garbage collector', 'Blocking by kind']) await expect(section.getByRole('heading', { level: 3, name: h })).toBeVisible();
  const leakCounts = await section.locator('table[data-table="leaks"] tbody tr td:first-child').evaluateAll((tds) => tds.map((td) => Number((td as HTMLElement).dataset.raw)));
  expect(leakCounts).toEqual(leaks.groups.slice(0, 50).map((g) => g.count));
  await expect(section.locator('dd[data-label="GC pauses"]')).toHaveAttribute('data-raw', String(gc.pausePercentiles.count));
  await expect(section.locator('table[data-table="blocking-kinds"] tbody tr')).toHaveCount(4);
  // Charts are inline SVG, drawn with room to read.
  const charts = section.locator('figure.chart svg');
  expect(await charts.count()).toBeGreaterThanOrEqual(2);
  for (const box of await charts.evaluateAll((svgs) => svgs.map((s) => s.getBoundingClientRect().width))) expect(box).toBeGreaterThan(300);
  // A stack opens in place (details/summary, no script).
  await section.locator('table[data-table="leaks"] details summary').first().click();
  await expect(section.locator('table[data-table="leaks"] details .stack').first()).toBeVisible();
  await screenshot(report, 'handover-report');

  expect(requests, 'the only request is the file itself').toEqual([`file://${file}`]);
  expect(problems, 'console errors or warnings (a refused load would show here)').toEqual([]);
  await context.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a chart saves as a PNG: its canvas, or the bars of an element-drawn chart', async ({ page, server }) => {
  await openApp(page, server);
  const gcTrace = fixtureFile('traces/gcchurn.go127.trace');
  await openByPath(page, gcTrace.path);
  await expect(page.getByTestId('artefact-name')).toHaveText(gcTrace.name, { timeout: 45_000 });
  await page.getByTestId('nav-gc').click();
  await expect(page.getByTestId('gc-report')).toHaveAttribute('data-settled', 'true');
  const figure = page.locator('figure.chart').filter({ hasText: 'Minimum mutator utilisation' });
  const canvas = figure.locator('canvas');
  await expect(canvas).toBeVisible();
  const size = await canvas.evaluate((c) => [(c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height]);
  const d = await Promise.all([page.waitForEvent('download'), figure.getByTestId('chart-png').click()]).then(([x]) => x);
  expect(d.suggestedFilename()).toBe('Minimum mutator utilisation (MMU).png');
  const png = fs.readFileSync(await d.path());
  expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), 'a PNG signature').toBe(true);
  // IHDR: the width of the canvas as drawn (device pixels).
  // Its title above it: a band of 30 CSS pixels at the canvas's scale.
  const dpr = await canvas.evaluate((c) => (c as HTMLCanvasElement).width / (c as HTMLCanvasElement).clientWidth);
  expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([size[0], size[1] + Math.round(30 * dpr)]);
  // A chart of elements (the pause histogram) is drawn for its PNG: one bar per bucket, twice the CSS pixels.
  const histogram = page.locator('figure.chart').filter({ hasText: 'GC pauses by duration' });
  const buckets = await page.getByTestId('gc-histogram').locator('li').count();
  const h = await Promise.all([page.waitForEvent('download'), histogram.getByTestId('chart-png').click()]).then(([x]) => x);
  expect(h.suggestedFilename()).toBe('GC pauses by duration.png');
  const hpng = fs.readFileSync(await h.path());
  expect(hpng.subarray(1, 4).toString('latin1')).toBe('PNG');
  expect([hpng.readUInt32BE(16), hpng.readUInt32BE(20)]).toEqual([(24 + buckets * 80 - 10) * 2, 264 * 2 + 60]);
});

test('the goroutine groups download as CSV and JSON equal to the service goroutineGroups', async ({ page, server }) => {
  const hash = await openTrace(page, server);
  await page.getByTestId('nav-goroutines').click();
  await page.getByTestId('group-by-start').click();
  await expect(page.getByTestId('goroutine-groups')).toBeVisible();
  const report = await service<GoroutineGroupReport>(server, 'goroutineGroups', [hash]);
  await expect(page.getByTestId('goroutine-groups')).toHaveAttribute('data-groups', String(report.groups.length));
  const exports = page.getByTestId('table-export');
  await expect(exports).toHaveAttribute('data-name', `${TRACE.name}.goroutine-groups`);
  const csv = await saved(Promise.all([page.waitForEvent('download'), exports.getByTestId('export-csv').click()]).then(([d]) => d));
  expect(csv.name).toBe(`${TRACE.name}.goroutine-groups.csv`);
  const [header, ...records] = parseCsv(csv.text);
  expect(header).toEqual(['name', 'count', 'total_ns', 'exec_ns', 'gc_assist_ns', 'sched_wait_ns', 'syscall_ns', 'blocked_ns', 'block_ns_by_reason', 'unknown_ns']);
  const blocked = (g: GoroutineGroupReport['groups'][number]) => Object.values(g.blockNsByReason).reduce((a, b) => a + b, 0);
  expect(records).toEqual(report.groups.map((g) => [g.name, g.count, g.totalNs, g.execNs, g.gcAssistNs, g.schedWaitNs, g.syscallNs, blocked(g),
    Object.entries(g.blockNsByReason).map(([r, ns]) => `${r || '(none)'} ${ns}`).join('\n'), g.unknownNs].map(String)));
  const json = await saved(Promise.all([page.waitForEvent('download'), exports.getByTestId('export-json').click()]).then(([d]) => d));
  expect(json.name).toBe(`${TRACE.name}.goroutine-groups.json`);
  expect((JSON.parse(json.text) as Record<string, unknown>[]).map((g) => [g.name, g.count, g.execNs, g.schedWaitNs, g.blockedNs]))
    .toEqual(report.groups.map((g) => [g.name, g.count, g.execNs, g.schedWaitNs, blocked(g)]));
});
