// The app in a real browser against a real `goroscope serve`: opening files by drag-and-drop and
// by path, progress, overviews whose numbers are `goroscope stats --json`'s, profiles and dumps,
// bad files, cancelling, keyboard and themes.

import type { Page } from '@playwright/test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dropFiles, expect, fixtureFile, openApp, openByPath, screenshot, test } from './fixtures.ts';
import { goroscope, ROOT, statsJson } from './serve-process.ts';

/** The overview's cards and waiting reasons must be exactly the summary Go-checked `stats --json` prints. */
async function expectOverviewMatchesStats(page: Page, file: string): Promise<void> {
  const stats = statsJson(file);
  await expect(page.getByTestId('trace-cards')).toBeVisible();
  for (const field of ['durationNs', 'goroutines', 'goroutinesAliveAtEnd', 'gcCycles', 'stwTotalNs', 'stwMaxNs', 'events', 'maxHeapGoalBytes']) {
    await expect(page.getByTestId(`card-${field}`), field).toHaveAttribute('data-value', String(stats[field]));
  }
  const waiting = Object.entries(stats.waitingAtEnd as Record<string, number>).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const shown = page.getByTestId('wait-reason');
  await expect(shown).toHaveCount(Math.min(8, waiting.length));
  for (const [i, [reason, count]] of waiting.slice(0, 8).entries()) {
    await expect(shown.nth(i)).toHaveAttribute('data-reason', reason);
    await expect(shown.nth(i)).toHaveAttribute('data-count', String(count));
  }
  // Both charts drew (chart.js canvases), no error banner.
  await expect(page.locator('figure.chart canvas')).toHaveCount(2);
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
}

/** The summary `goroscope index --json` stores for a file (in a fresh library). */
function indexedSummary(file: string): Record<string, unknown> {
  const library = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-e2e-probe-'));
  try {
    const r = goroscope(['index', file, '--json', '--library', library]);
    expect(r.status, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as { summary: Record<string, unknown> }).summary;
  } finally {
    fs.rmSync(library, { recursive: true, force: true });
  }
}

test('the first screen lists the bundled sample', async ({ page, server }) => {
  await openApp(page, server);
  await expect(page.getByTestId('artefact-row').filter({ hasText: 'sample.trace' })).toBeVisible();
  await screenshot(page, 'library');
});

test('a trace dropped on the window is uploaded, indexed and shown with the numbers of goroscope stats', async ({ page, server }) => {
  const trace = fixtureFile('traces/gcchurn.go126.trace');
  await openApp(page, server);
  await dropFiles(page, [trace]);
  await expect(page.getByTestId('artefact-name')).toHaveText(trace.name);
  await expectOverviewMatchesStats(page, trace.path);
  await screenshot(page, 'overview-dropped-light');
});

test('a trace opened by path shows progress, then its overview', async ({ page, slowServer }) => {
  const trace = fixtureFile('traces/gotestdata.stress_1_21_good.trace');
  await openApp(page, slowServer);
  await openByPath(page, trace.path);
  const job = page.getByTestId('index-job').filter({ hasText: trace.name });
  await expect(job).toBeVisible();
  await expect(job.getByRole('progressbar')).toBeVisible();
  await expect(job).toContainText(/[\d,]+ events/);
  await expect(job).toContainText(/KiB \/ \d+\.\d KiB/);
  await screenshot(page, 'indexing-progress');
  await expect(page.getByTestId('artefact-name')).toHaveText(trace.name, { timeout: 45_000 });
  await expect(job).toHaveCount(0);
  await expectOverviewMatchesStats(page, trace.path);
});

test('an indexing can be cancelled and leaves nothing in the library', async ({ page, slowServer }) => {
  const trace = fixtureFile('traces/gotestdata.stress_1_19_good.trace');
  await openApp(page, slowServer);
  await openByPath(page, trace.path);
  const job = page.getByTestId('index-job').filter({ hasText: trace.name });
  await expect(job).toHaveAttribute('data-state', 'running');
  await job.getByTestId('cancel-job').click();
  await expect(page.getByTestId('job-cancelled')).toContainText(`Indexing of ${trace.name} cancelled`);
  await expect(job).toHaveCount(0);
  await expect(page.getByTestId('artefact-row').filter({ hasText: trace.name })).toHaveCount(0);
  await screenshot(page, 'indexing-cancelled');
});

test('a file that is not a trace, profile or dump shows a readable error; a truncated one a warning', async ({ page, server }) => {
  const readme = fixtureFile('README.md');
  await openApp(page, server);
  await openByPath(page, readme.path);
  const banner = page.getByTestId('error-banner');
  await expect(banner).toContainText(`Could not index ${readme.name}`);
  await expect(banner).toContainText(`${readme.path} at byte 0:`);
  await screenshot(page, 'bad-file');
  // A truncated upload opens with what was decodable, and names where the damage is.
  const trace = fixtureFile('traces/gcchurn.go126.trace');
  await dropFiles(page, [{ name: 'cut.trace', bytes: trace.bytes.subarray(0, 40) }]);
  await expect(page.getByTestId('artefact-name')).toHaveText('cut.trace');
  await expect(page.getByTestId('warning-banner')).toContainText(/cut\.trace at byte 40: .*truncated/);
  await screenshot(page, 'truncated-file');
});

test('a pprof profile dropped on the window shows its summary and top functions', async ({ page, server }) => {
  const profile = fixtureFile('profiles/cpu.go126.pprof');
  const summary = indexedSummary(profile.path);
  await openApp(page, server);
  await dropFiles(page, [profile]);
  await expect(page.getByTestId('artefact-name')).toHaveText(profile.name);
  await expect(page.locator('.badge.kind-profile').first()).toBeVisible();
  await expect(page.getByTestId('card-samples')).toHaveAttribute('data-value', String(summary.samples));
  await expect(page.getByTestId('card-durationNanos')).toHaveAttribute('data-value', String(summary.durationNanos));
  // The top table's first row is the summary's largest flat function (the full table is checked in views.spec.ts).
  const top = summary.topFunctions as { name: string }[];
  await expect(page.getByTestId('top-row').first()).toHaveAttribute('data-name', top[0].name);
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
  await screenshot(page, 'overview-profile');
});

test('a goroutine dump opened by path shows its groups', async ({ page, server }) => {
  const dump = fixtureFile('dumps/leaky.go126.late.leaked.debug2.txt');
  const summary = indexedSummary(dump.path);
  await openApp(page, server);
  await openByPath(page, dump.path);
  await expect(page.getByTestId('artefact-name')).toHaveText(dump.name);
  await expect(page.locator('.badge.kind-dump').first()).toBeVisible();
  await expect(page.getByTestId('card-goroutines')).toHaveAttribute('data-value', String(summary.goroutines));
  await expect(page.getByTestId('card-groups')).toHaveAttribute('data-value', String(summary.groups));
  const groups = summary.topGroups as { stack: string[] }[];
  await expect(page.getByTestId('dump-group')).toHaveCount(summary.groups as number);
  await expect(page.getByTestId('dump-group').first()).toContainText(groups[0].stack[0].split(' ')[0]);
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
  await screenshot(page, 'overview-dump');
});

test('keyboard shortcuts, help overlay and themes', async ({ page, server }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await openApp(page, server);
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.getByTestId('artefact-row').filter({ hasText: 'sample.trace' }).getByRole('button', { name: 'Open' }).click();
  await expect(page.getByTestId('trace-cards')).toBeVisible();
  await expect(page.locator('figure.chart canvas')).toHaveCount(2);
  await screenshot(page, 'overview-sample-dark');
  await page.keyboard.press('9');
  await expect(page.getByRole('heading', { name: 'SQL' })).toBeVisible();
  await page.keyboard.press('3');
  await expect(page.getByTestId('goroutines-view')).toBeVisible();
  await page.keyboard.press('?');
  await expect(page.getByTestId('help-overlay')).toBeVisible();
  await screenshot(page, 'help-dark');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('help-overlay')).toHaveCount(0);
  await page.keyboard.press('g');
  await page.keyboard.press('l');
  await expect(page.getByRole('heading', { name: 'Library' })).toBeVisible();
  await page.keyboard.press('/');
  await expect(page.locator('[data-filter]')).toBeFocused();
  await page.keyboard.press('Escape');
  await page.keyboard.press('t'); // system → light
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
});

test('the SQL console runs read-only queries', async ({ page, server }) => {
  await openApp(page, server);
  await page.getByTestId('artefact-row').filter({ hasText: 'sample.trace' }).getByRole('button', { name: 'Open' }).click();
  await page.getByTestId('nav-sql').click();
  await page.getByTestId('sql-input').fill('SELECT count(*) AS n FROM goroutines');
  await page.getByRole('button', { name: 'Run' }).click();
  const expected = statsJson(path.join(ROOT, 'assets', 'sample', 'sample.trace')).goroutines;
  await expect(page.getByTestId('sql-result').locator('tbody td')).toHaveText(String(expected));
  await page.getByTestId('sql-input').fill('DELETE FROM goroutines');
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByTestId('error-banner').filter({ hasText: 'Query failed' })).toContainText('read-only');
});
