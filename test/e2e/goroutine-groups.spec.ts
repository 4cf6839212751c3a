// The Goroutines view grouped by start function against go tool trace's own goroutines page for
// the same trace (expected/<trace>.goroutines.json): the groups, each group's count and execution
// time to the nanosecond, a group's goroutines, and a goroutine opening its detail.

import * as fs from 'node:fs';
import { expect, fixtureFile, openApp, openByPath, screenshot, test } from './fixtures.ts';

const TRACE = fixtureFile('traces/gcchurn.go127.trace');
const GO = JSON.parse(fs.readFileSync(fixtureFile('expected/gcchurn.go127.goroutines.json').path, 'utf8')) as
  { groups: { name: string; count: number; execNs: number; goroutines: { id: number }[] }[] };

test('Goroutines by start function: the groups, counts and execution times of go tool trace, a group opening to its goroutines', async ({ page, server }) => {
  await openApp(page, server);
  await openByPath(page, TRACE.path);
  await expect(page.getByTestId('artefact-name')).toHaveText(TRACE.name, { timeout: 45_000 });
  await page.getByTestId('nav-goroutines').click();
  await page.getByTestId('group-by-start').click();
  const table = page.getByTestId('goroutine-groups');
  await expect(table).toHaveAttribute('data-groups', String(GO.groups.length));
  for (const g of GO.groups) {
    const row = page.locator(`[data-testid="goroutine-group"][data-name="${g.name}"]`);
    await expect(row).toHaveAttribute('data-count', String(g.count));
    await expect(row).toHaveAttribute('data-exec', String(g.execNs));
  }
  const workers = GO.groups.find((g) => g.name === 'main.main.func1')!;
  await page.locator('[data-testid="goroutine-group"][data-name="main.main.func1"]').click();
  const members = page.getByTestId('goroutine-group-member');
  await expect(members).toHaveCount(workers.goroutines.length);
  await screenshot(page, 'goroutine-groups');
  await members.first().getByRole('button').click();
  await expect(page.getByTestId('goroutine-detail')).toBeVisible();
});
