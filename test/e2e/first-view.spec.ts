// A first view while the rest is indexed (issue 20): a multi-generation trace opened in the app
// shows its first snapshot (a partial index) at once, marked partial with the job's progress bar:
// the overview, the goroutine list of what is known so far and the timeline up to the indexed
// frontier; then it grows to the whole trace, the timeline keeping the window the user zoomed to.
// The server's test hooks make the first snapshot one generation and hold the job there until the
// test releases it, so the partial stage is the same every run and lasts as long as the test needs.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect, openApp, openByPath, test } from './fixtures.ts';
import { goroscope, ROOT, startServe, statsJson } from './serve-process.ts';

test('a trace being indexed opens partial, shows only what is indexed, and grows to the whole', async ({ page }) => {
  const file = path.join(ROOT, 'test/fixtures/traces/tickerleak-gens.go127.trace');
  // Expected values: the partial index after one generation, and the whole trace, from the CLI in libraries of their own.
  const partialLibrary = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-e2e-partial-'));
  const r = goroscope(['index', file, '--library', partialLibrary, '--stop-after-generations', '1', '--keep-partial', '--json']);
  fs.rmSync(partialLibrary, { recursive: true, force: true });
  expect(r.status, r.stderr).toBe(130);
  const partial = JSON.parse(r.stdout) as { hash: string; indexedUntilNs: number; summary: { goroutines: number } };
  const whole = statsJson(file) as { durationNs: number; goroutines: number };
  expect(partial.indexedUntilNs).toBeLessThan(whole.durationNs);

  const release = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-e2e-hold-')), 'release');
  const server = await startServe({ GOROSCOPE_TEST_SNAPSHOT_GENERATIONS: '1', GOROSCOPE_TEST_HOLD_SNAPSHOT: release });
  try {
    await openApp(page, server);
    await openByPath(page, file);

    // The first snapshot: the overview opens, partial, while the job's progress bar stays.
    const banner = page.getByTestId('partial-banner');
    await expect(banner).toHaveAttribute('data-indexed-until-ns', String(partial.indexedUntilNs));
    await expect(banner).toHaveAttribute('data-growing', 'true');
    await expect(banner).toContainText('indexing continues');
    await expect(page.getByTestId('index-job').filter({ hasText: path.basename(file) })).toHaveAttribute('data-state', 'running');

    // The goroutines known so far.
    await page.getByTestId('nav-goroutines').click();
    await expect(page.getByTestId('goroutines-partial')).toHaveAttribute('data-indexed-until-ns', String(partial.indexedUntilNs));
    const partialTotal = Number((await page.getByTestId('goroutine-range').textContent())!.replace(/.* of /, '').replace(/,/g, ''));
    expect(partialTotal).toBe(partial.summary.goroutines);
    expect(partialTotal).toBeLessThanOrEqual(whole.goroutines);

    // The timeline up to the frontier only.
    await page.getByTestId('nav-timeline').click();
    const stage = page.getByTestId('timeline-stage');
    const windowEl = page.getByTestId('timeline-window');
    await expect(page.getByTestId('timeline-partial')).toHaveAttribute('data-indexed-until-ns', String(partial.indexedUntilNs));
    await expect(stage).toHaveAttribute('data-settled', 'true');
    expect(Number(await windowEl.getAttribute('data-t0'))).toBe(0);
    expect(Number(await windowEl.getAttribute('data-t1'))).toBe(partial.indexedUntilNs);
    // The user zooms in: the window they chose is kept when the index grows.
    await page.getByTestId('zoom-in').click();
    await expect(stage).toHaveAttribute('data-settled', 'true');
    await expect(windowEl).not.toHaveAttribute('data-t1', String(partial.indexedUntilNs));
    const zoomed = { t0: await windowEl.getAttribute('data-t0'), t1: await windowEl.getAttribute('data-t1') };

    // The job goes on to the whole index, which replaces the snapshot: the timeline grows.
    fs.writeFileSync(release, '');
    await expect(page.getByTestId('timeline-partial')).toHaveCount(0, { timeout: 45_000 });
    await expect(page.getByTestId('index-job')).toHaveCount(0);
    await expect(stage).toHaveAttribute('data-settled', 'true');
    await expect(windowEl).toHaveAttribute('data-t0', zoomed.t0!);
    await expect(windowEl).toHaveAttribute('data-t1', zoomed.t1!);
    await page.getByTestId('zoom-reset').click();
    await expect(windowEl).toHaveAttribute('data-t1', String(whole.durationNs));
    await expect(stage).toHaveAttribute('data-settled', 'true');

    await page.getByTestId('nav-goroutines').click();
    await expect(page.getByTestId('goroutine-range')).toContainText(` of ${whole.goroutines}`);
    await expect(page.getByTestId('goroutines-partial')).toHaveCount(0);
    await page.getByTestId('nav-library').click();
    await expect(page.locator(`[data-testid=artefact-row][data-hash="${partial.hash}"]`)).toBeVisible();
    await expect(page.getByTestId('partial-badge')).toHaveCount(0);
  } finally {
    await server.stop();
    fs.rmSync(path.dirname(release), { recursive: true, force: true });
  }
});
