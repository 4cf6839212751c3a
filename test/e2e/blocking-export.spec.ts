// The Blocking view's flame graph and "Export .pb.gz": for each kind, the flame graph's total is
// the time `goroscope blocking --kind K --json` counts, and the file the button saves holds the
// samples `go tool trace -pprof=K` wrote for the same trace (test/fixtures/expected), stack for stack.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeProfile, readProfileFile } from '../../src-main/decode/pprof/decode.ts';
import type { Profile } from '../../src-main/decode/pprof/model.ts';
import { expect, fixtureFile, openApp, openByPath, screenshot, test } from './fixtures.ts';
import { goroscope } from './serve-process.ts';

/** { innermost-first function names and lines → [contentions, delay] } (unknown frames at the end dropped, as cmd/trace keys stacks). */
function samples(p: Profile): Map<string, [number, number]> {
  const locations = new Map(p.locations.map((l) => [l.id, l]));
  const functions = new Map(p.functions.map((f) => [f.id, f]));
  const out = new Map<string, [number, number]>();
  for (const s of p.samples) {
    const ids = [...s.locationIds];
    while (ids.length > 0 && locations.get(ids[ids.length - 1])!.address === 0) ids.pop();
    const key = ids.map((id) => {
      const l = locations.get(id)!;
      return `${functions.get(l.lines[0].functionId)!.name}:${l.lines[0].line}`;
    }).join(' ');
    const v = out.get(key) ?? [0, 0];
    out.set(key, [v[0] + s.values[0], v[1] + s.values[1]]);
  }
  return out;
}

test('the Blocking view draws each kind as a flame graph and exports it as go tool trace -pprof writes it', async ({ page, server }) => {
  const trace = fixtureFile('traces/mutexcontention.go127.trace');
  await openApp(page, server);
  await openByPath(page, trace.path);
  await expect(page.getByTestId('artefact-name')).toHaveText(path.basename(trace.path), { timeout: 45_000 });
  await page.getByTestId('nav-blocking').click();
  await page.getByTestId('blocking-mode-flame').click();
  for (const kind of ['sync', 'sched', 'syscall']) {
    await page.getByTestId('blocking-kind').selectOption(kind);
    const cli = goroscope(['blocking', trace.path, '--kind', kind, '--json']);
    expect(cli.status, cli.stderr).toBe(0);
    const expected = JSON.parse(cli.stdout) as { totalNs: number; sites: unknown[] };
    if (expected.sites.length === 0) continue;
    const flame = page.getByTestId('blocking-flame');
    await expect(flame).toHaveAttribute('data-kind', kind);
    await expect(flame).toHaveAttribute('data-total', String(expected.totalNs));
    await expect(page.getByTestId('flame-canvas')).toBeVisible();
    if (kind === 'sync') await screenshot(page, 'blocking-flame');

    const download = page.waitForEvent('download');
    await page.getByTestId('pprof-export').getByRole('button').click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`${path.basename(trace.path)}.${kind}.pb.gz`);
    await expect(page.getByTestId('pprof-export')).toHaveAttribute('data-saved', file.suggestedFilename());
    const saved = await file.path();
    const ours = samples(decodeProfile(file.suggestedFilename(), fs.readFileSync(saved)));
    const go = samples(readProfileFile(path.join('test/fixtures/expected', `mutexcontention.go127.${kind}.pprof`)));
    expect([...ours.keys()].sort()).toEqual([...go.keys()].sort());
    for (const [stack, [count, ns]] of go) {
      expect(ours.get(stack)![0], `${kind} contentions at ${stack}`).toBe(count);
      expect(Math.abs(ours.get(stack)![1] - ns), `${kind} delay at ${stack}`).toBeLessThanOrEqual(ns * 0.001);
    }
  }
});

test('Export .pb.gz in Profiles saves the profile as it was read', async ({ page, server }) => {
  const profile = fixtureFile('profiles/mutex.go126.pprof');
  await openApp(page, server);
  await openByPath(page, profile.path);
  await expect(page.getByTestId('artefact-name')).toHaveText(path.basename(profile.path), { timeout: 45_000 });
  await page.getByTestId('nav-profiles').click();
  const download = page.waitForEvent('download');
  await page.getByTestId('pprof-export').getByRole('button').click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('mutex.go126.pb.gz');
  expect(decodeProfile(file.suggestedFilename(), fs.readFileSync(await file.path()))).toEqual(readProfileFile(profile.path));
});
