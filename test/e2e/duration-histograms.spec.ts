// The Goroutines view's grouped mode shows the service's durationHistograms for the trace: the
// scheduler latency, region and task histograms with the counts and p50 the service gives (itself
// held to SQL over the index and to goroutineGroups in test/unit/duration-histograms.test.ts), one
// bar per bucket.

import type { DurationHistograms } from '../../src-main/service/types.ts';
import { expect, fixtureFile, openApp, openByPath, screenshot, test } from './fixtures.ts';

const TRACE = fixtureFile('traces/annotations.go127.trace');

test('grouped goroutines show scheduler latency, region and task histograms equal to durationHistograms', async ({ page, server }) => {
  await openApp(page, server);
  await openByPath(page, TRACE.path);
  await expect(page.getByTestId('artefact-name')).toHaveText(TRACE.name, { timeout: 45_000 });
  const hash = decodeURIComponent(new URL(page.url()).hash.split('/')[2]);
  const res = await fetch(new URL('/api/durationHistograms', server.url), {
    method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${server.token}` }, body: JSON.stringify([hash]),
  });
  expect(res.status).toBe(200);
  const h = (await res.json()) as DurationHistograms;
  expect(h.regions.count).toBeGreaterThan(0);
  expect(h.tasks.count).toBeGreaterThan(0);

  await page.getByTestId('nav-goroutines').click();
  await page.getByTestId('group-by-start').click();
  const view = page.getByTestId('duration-histograms');
  await expect(view).toBeVisible();
  for (const key of ['schedLatency', 'regions', 'tasks'] as const) {
    const one = view.locator(`[data-kind="${key}"]`);
    await expect(one).toHaveAttribute('data-count', String(h[key].count));
    await expect(one).toHaveAttribute('data-p50', String(h[key].p50Ns));
    const bars = page.getByTestId(`histogram-${key}`).locator('li');
    await expect(bars).toHaveCount(h[key].buckets.length);
    expect(await bars.evaluateAll((lis) => lis.map((li) => Number((li as HTMLElement).dataset.count))))
      .toEqual(h[key].buckets.map((b) => b.count));
  }
  await screenshot(page, 'duration-histograms');
});
