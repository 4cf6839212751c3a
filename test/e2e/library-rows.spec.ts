// Library rows that tell apart files of the same name (three trace.out from three hosts): each
// row shows its folder, and a label typed in the row is kept in the catalogue (it survives a
// reload); the artefacts opened last are listed as Recent, newest first.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect, openApp, openByPath, screenshot, test } from './fixtures.ts';
import { ROOT } from './serve-process.ts';

test('three trace.out files: folders, a label kept across reloads, recent artefacts', async ({ page, server }) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-e2e-rows-'));
  try {
    const hosts = ['eu-host-1', 'eu-host-2', 'us-host-1'];
    const fixtures = ['chanleak.go127', 'gcchurn.go126', 'mutexcontention.go119'];
    const files = hosts.map((h, i) => {
      fs.mkdirSync(path.join(dir, 'incident', h), { recursive: true });
      const file = path.join(dir, 'incident', h, 'trace.out');
      fs.copyFileSync(path.join(ROOT, 'test/fixtures/traces', `${fixtures[i]}.trace`), file);
      return file;
    });
    await openApp(page, server);
    for (const file of files) {
      await openByPath(page, file);
      await expect(page.getByTestId('artefact-name')).toHaveText('trace.out', { timeout: 45_000 });
      await expect(page.getByTestId('trace-cards')).toBeVisible();
    }
    await page.getByTestId('nav-library').click();
    const rows = page.getByTestId('artefact-row').filter({ hasText: 'trace.out' }).filter({ hasText: 'incident/' });
    await expect(rows).toHaveCount(3);
    for (const h of hosts) await expect(page.getByTestId('artefact-folder').filter({ hasText: `incident/${h}` })).toHaveCount(1);

    // Recent: the three, the last opened first.
    const recent = page.getByTestId('recent-artefact');
    await expect(recent.first()).toContainText('us-host-1');
    await expect(recent.filter({ hasText: 'incident/' })).toHaveCount(3);

    // A label, typed in the row, shown in it and in Recent, kept by the catalogue.
    const row = rows.filter({ hasText: 'incident/eu-host-2' });
    await row.getByTestId('label-button').click();
    await row.getByTestId('label-input').fill('before the deploy');
    await row.getByTestId('label-input').press('Enter');
    await expect(row.getByTestId('artefact-label')).toHaveText('before the deploy');
    await screenshot(page, 'library-rows');
    await page.reload();
    await expect(page.getByTestId('artefact-row').filter({ hasText: 'incident/eu-host-2' }).getByTestId('artefact-label')).toHaveText('before the deploy');
    await expect(recent.filter({ hasText: 'before the deploy' })).toHaveCount(1);
    // The filter finds rows by label too.
    await page.locator('[data-filter]').fill('before the');
    await expect(page.getByTestId('artefact-row')).toHaveCount(1);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
