// The Diff view of a trace compares it with another trace or window (compareTraces): what it shows
// equals `goroscope compare A B --json` — goroutines on each side, the creation sites new and gone —
// and a window typed in milliseconds asks for that window.

import type { TraceComparison } from '../../src-main/service/types.ts';
import { expect, fixtureFile, openApp, openByPath, screenshot, test } from './fixtures.ts';
import { freshJson } from './serve-process.ts';

const A = fixtureFile('traces/chanleak.go127.trace');
const B = fixtureFile('traces/tickerleak.go127.trace');

test('Diff of two traces: goroutines and creation sites as goroscope compare has them; a window of A', async ({ page, server }) => {
  const cli = freshJson<TraceComparison>(['compare', A.path, B.path]);
  const windowed = freshJson<TraceComparison>(['compare', `${A.path}@0..10ms`, B.path]);
  await openApp(page, server);
  await openByPath(page, B.path);
  await expect(page.getByTestId('artefact-name')).toHaveText(B.name, { timeout: 45_000 });
  await openByPath(page, A.path);
  await expect(page.getByTestId('artefact-name')).toHaveText(A.name, { timeout: 45_000 });
  await page.getByTestId('nav-diff').click();
  await page.getByTestId('compare-B').selectOption({ label: B.name });
  const table = page.getByTestId('trace-compare');
  await expect(table).toHaveAttribute('data-b', B.name);
  await expect(table).toHaveAttribute('data-state', 'ready');
  await expect(page.getByTestId('compare-goroutines-a')).toHaveText(String(cli.a.goroutines));
  await expect(page.getByTestId('compare-goroutines-b')).toHaveText(String(cli.b.goroutines));
  const shown = Math.min(30, cli.sites.length);
  await expect(page.getByTestId('compare-site')).toHaveCount(shown);
  await expect(page.locator('[data-testid="compare-site"][data-change="new"]')).toHaveCount(cli.sites.slice(0, shown).filter((s) => s.change === 'new').length);
  await screenshot(page, 'trace-compare');
  await page.getByTestId('compare-A-t0').fill('0');
  await page.getByTestId('compare-A-t1').fill('10');
  await expect(table).toHaveAttribute('data-a', windowed.a.name);
  await expect(page.getByTestId('compare-goroutines-a')).toHaveText(String(windowed.a.goroutines));
});
