// "Goroutines at T" from the timeline: the picked goroutine's panel opens the dump the trace
// implies at the picked moment, equal to `goroscope dump TRACE --at T --json` (goroutines, groups,
// the leaked senders' group), and a goroutine ID in it selects that goroutine on the timeline.
// The moment is that of the real debug=2 dump inside the fixture (fixtures/dump-at/).

import * as fs from 'node:fs';
import { expect, fixtureFile, openApp, openByPath, screenshot, test } from './fixtures.ts';
import { freshJson } from './serve-process.ts';

const TRACE = fixtureFile('dump-at/traced.go127.trace');
const { beginNs } = JSON.parse(fs.readFileSync(fixtureFile('dump-at/traced.go127.expected.json').path, 'utf8')) as { beginNs: number };

interface DumpAtJson {
  goroutines: number;
  groups: { count: number; states: Record<string, number>; stack: string[]; sampleIds: number[] }[];
}

test('Goroutines at T: the dump at the picked moment equals goroscope dump --at, and a goroutine ID selects it', async ({ page, server }) => {
  const cli = freshJson<DumpAtJson>(['dump', TRACE.path, '--at', String(beginNs)]);
  await openApp(page, server);
  await openByPath(page, TRACE.path);
  await expect(page.getByTestId('artefact-name')).toHaveText(TRACE.name, { timeout: 45_000 });
  const hash = new URL(page.url()).hash.split('/')[2];
  const senders = cli.groups.find((g) => g.stack[0].startsWith('main.leakSend '))!;
  // The Timeline focused on the moment with one of the leaked senders picked there.
  await page.evaluate((h) => (window.location.hash = h), `#/timeline/${hash}/${beginNs}-${beginNs + 1_000_000}/g${senders.sampleIds[0]}`);
  await expect(page.getByTestId('goroutine-detail')).toHaveAttribute('data-goroutine', String(senders.sampleIds[0]));
  await expect(page.getByTestId('open-goroutines-at')).toHaveText(/^Goroutines at 41\.9 ms$/);
  await page.getByTestId('goroutine-detail').screenshot({ path: 'test-results/screenshots/goroutines-at-button.png' });
  await page.getByTestId('open-goroutines-at').click();
  const panel = page.getByTestId('goroutines-at');
  await expect(panel).toHaveAttribute('data-state', 'ready');
  await expect(panel).toHaveAttribute('data-time', String(beginNs));
  await expect(panel).toHaveAttribute('data-goroutines', String(cli.goroutines));
  await expect(panel).toHaveAttribute('data-groups', String(cli.groups.length));
  await expect(page.getByTestId('goroutines-at-group')).toHaveCount(cli.groups.length);
  const row = page.getByTestId('goroutines-at-group').filter({ hasText: 'main.leakSend' });
  await expect(row).toHaveAttribute('data-count', String(senders.count));
  await expect(row).toHaveAttribute('data-state', 'chan send');
  await row.click();
  await expect(page.getByTestId('goroutines-at-stack')).toContainText('main.leakSend');
  await screenshot(page, 'goroutines-at');
  // Another member of the group, selected on the timeline.
  const other = senders.sampleIds[1];
  await row.getByRole('button', { name: `G${other}`, exact: true }).click();
  await expect(panel).toHaveCount(0);
  await expect(page.getByTestId('goroutine-detail')).toHaveAttribute('data-goroutine', String(other));
});
