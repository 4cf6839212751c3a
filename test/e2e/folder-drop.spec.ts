// A folder dragged from the file manager onto the window opens everything in it: a real drop
// through Chromium's input pipeline (DevTools Input.dispatchDragEvent with the folder's path),
// so the page gets the folder as a directory entry, as it does from a file manager.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect, openApp, screenshot, test } from './fixtures.ts';
import { ROOT } from './serve-process.ts';

test('dropping a folder opens every trace, profile and dump in it', async ({ page, server }) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-e2e-folder-'));
  try {
    const folder = path.join(dir, 'incident-folder-drop');
    fs.mkdirSync(path.join(folder, 'host-a'), { recursive: true });
    fs.copyFileSync(path.join(ROOT, 'test/fixtures/traces/chanleak.go127.trace'), path.join(folder, 'host-a', 'fd-trace.out'));
    fs.copyFileSync(path.join(ROOT, 'test/fixtures/profiles/mutex.go127.pprof'), path.join(folder, 'fd-mutex.pprof'));
    fs.copyFileSync(path.join(ROOT, 'test/fixtures/profiles/text/block.go127.txt'), path.join(folder, 'fd-block-debug1.txt'));
    fs.writeFileSync(path.join(folder, '.DS_Store'), 'hidden');
    await openApp(page, server);
    const cdp = await page.context().newCDPSession(page);
    const data = { items: [], files: [folder], dragOperationsMask: 1 };
    for (const type of ['dragEnter', 'dragOver', 'drop'] as const) {
      await cdp.send('Input.dispatchDragEvent', { type, x: 600, y: 400, data });
    }
    // Each finished file opens its overview; the library lists the three once all are indexed.
    const rows = page.getByTestId('artefact-row').filter({ hasText: /^fd-(trace\.out|mutex\.pprof|block-debug1\.txt)/ });
    await expect.poll(async () => {
      await page.getByTestId('nav-library').click();
      return rows.count();
    }, { timeout: 60_000 }).toBe(3);
    await expect(page.getByTestId('artefact-row').filter({ hasText: '.DS_Store' })).toHaveCount(0);
    await expect(page.getByTestId('artefact-row').filter({ hasText: 'fd-block-debug1.txt' })).toContainText('block');
    await screenshot(page, 'library-after-folder-drop');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
