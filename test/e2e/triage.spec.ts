// The Triage view over artefacts chosen in it is `goroscope triage --json` of the same files: the
// same suspects in the same order, with the same confidence, goroutines and evidence; a suspect
// opens onto its stack and sightings, linking to the trace's timeline and the dump's groups.

import * as path from 'node:path';
import { expect, fixtureFile, openApp, openByPath, screenshot, test } from './fixtures.ts';
import { freshJson } from './serve-process.ts';

interface TriageJson {
  suspects: { site: string; goroutines: number; confidence: string; evidence: { leakProfile: number; dumpLeaked: number; traceBlockedAtEnd: number } }[];
  sources: { name: string; role: string }[];
}

const FILES = ['triage.go127.trace', 'triage.go127.dump1.debug2.txt', 'triage.go127.dump2.debug2.txt', 'triage.go127.dump3.debug2.txt', 'triage.go127.leak.pb.gz']
  .map((f) => fixtureFile(`triage/${f}`));

test('the Triage view of a trace, three dumps and the leak profile is goroscope triage --json of them', async ({ page, server }) => {
  const expected = freshJson<TriageJson>(['triage', ...FILES.map((f) => f.path)]);
  await openApp(page, server);
  for (const f of FILES) {
    await openByPath(page, f.path);
    await expect(page.getByTestId('artefact-name')).toHaveText(path.basename(f.path), { timeout: 45_000 });
  }
  await page.getByTestId('nav-triage').click();
  // The library holds other artefacts too: choose these five.
  for (const f of FILES) await page.locator(`[data-testid=triage-pick][data-name="${f.name}"]`).check();
  await page.getByTestId('triage-selected').click();
  await expect(page.getByTestId('triage-view')).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
  await expect(page.getByTestId('triage-summary')).toHaveAttribute('data-suspects', String(expected.suspects.length));

  const shown = await page.getByTestId('triage-suspect').evaluateAll((rows) => rows.map((r) => {
    const d = (r as HTMLElement).dataset;
    return { site: d.site!, confidence: d.confidence!, goroutines: Number(d.goroutines) };
  }));
  expect(shown).toEqual(expected.suspects.map((s) => ({ site: s.site, confidence: s.confidence, goroutines: s.goroutines })));
  await expect(page.getByTestId('triage-source')).toHaveCount(expected.sources.length);
  expect(await page.getByTestId('triage-source').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.role)))
    .toEqual(expected.sources.map((s) => s.role));
  await expect(page.getByTestId('error-banner')).toHaveCount(0);

  // The first suspect opens onto its stack and where it was seen; its trace goroutines link to the timeline.
  const first = page.getByTestId('triage-suspect').first();
  await expect(first.getByTestId('ev-leak-profile')).toHaveText(`goroutineleak profile: ${expected.suspects[0].evidence.leakProfile}`);
  await first.locator('tr.main').click();
  await expect(first.getByTestId('triage-stack')).toBeVisible();
  await expect(first.getByTestId('triage-dump-link')).toHaveCount(3);
  await screenshot(page, 'triage');
  const link = first.getByTestId('triage-timeline-link').first();
  const id = (await link.textContent())!.replace('G', '');
  await link.click();
  await expect(page).toHaveURL(new RegExp(`#/timeline/[0-9a-f]+/\\d+-\\d+/g${id}$`));

  // The set rides in the URL: back returns to the same verdict.
  await page.goBack();
  await expect(page.getByTestId('triage-view')).toHaveAttribute('data-state', 'ready');
  await expect(page.getByTestId('triage-suspect')).toHaveCount(expected.suspects.length);
});
