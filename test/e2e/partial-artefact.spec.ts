// A partial artefact (goroscope index --keep-partial, interrupted) is never shown as the whole
// trace: the library lists it "partial — indexed to T", its views say "Partial — indexed to T" over
// a duration that is that frontier, and opening the file again indexes it whole.

import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { expect, openApp, openByPath, test } from './fixtures.ts';
import { ROOT } from './serve-process.ts';

test('a partial artefact says partial in the library and its views, and opening the file completes it', async ({ page, server }) => {
  const file = path.join(ROOT, 'test/fixtures/traces/tickerleak-gens.go127.trace');
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/goroscope.mjs'), 'index', file, '--library', server.library,
    '--stop-after-generations', '2', '--keep-partial', '--json'], { cwd: ROOT, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(130);
  const kept = JSON.parse(r.stdout) as { hash: string; indexedUntilNs: number };

  await openApp(page, server);
  await page.getByTestId('nav-library').click();
  const row = page.locator(`[data-testid=artefact-row][data-hash="${kept.hash}"]`);
  await expect(row.getByTestId('partial-badge')).toContainText('partial — indexed to');
  await row.getByRole('button', { name: 'tickerleak-gens.go127.trace', exact: true }).click();
  const banner = page.getByTestId('partial-banner');
  await expect(banner).toHaveAttribute('data-indexed-until-ns', String(kept.indexedUntilNs));
  await expect(banner).toContainText('Partial — indexed to');
  await expect(banner).toContainText('first 2 generations');

  // Opened again from its file, it is indexed whole: no longer partial.
  await openByPath(page, file);
  await expect(page.getByTestId('artefact-name')).toHaveText('tickerleak-gens.go127.trace', { timeout: 45_000 });
  await expect(page.getByTestId('trace-cards')).toBeVisible();
  await expect(page.getByTestId('partial-banner')).toHaveCount(0);
  await page.getByTestId('nav-library').click();
  await expect(page.locator(`[data-testid=artefact-row][data-hash="${kept.hash}"]`)).toBeVisible();
  await expect(page.getByTestId('partial-badge')).toHaveCount(0);
});
