// The artefact views against the CLI's own reports of the same files: a profile's top table is
// `goroscope top --json`, a dump's groups `goroscope dump --json`, the Diff view's deltas
// `goroscope leaks --json`, the Goroutines view's pages the index's goroutines table read with
// `goroscope query`; a trace's Leaks view is `goroscope leaks TRACE --json` (and adds up to
// `goroscope stats --json`), its Blocking view `goroscope blocking --kind K --json`, and who
// unblocked a goroutine is the index's unblocks table.
// Each view is photographed in light and dark.

import type { Page } from '@playwright/test';
import * as path from 'node:path';
import { expect, fixtureFile, openApp, openByPath, screenshot, test } from './fixtures.ts';
import { freshJson, goroscope, statsJson, type ServeProcess } from './serve-process.ts';

function cliJson<T>(args: string[], okStatuses: number[] = [0]): T {
  const r = goroscope(args);
  expect(okStatuses, `goroscope ${args.join(' ')}: ${r.stderr}`).toContain(r.status);
  return JSON.parse(r.stdout) as T;
}

interface TopJson { rows: { name: string; flat: number; cum: number; sum: number }[] }
interface DumpJson { goroutines: number; groups: { stack: string[]; count: number; provenLeak: boolean }[] }
interface LeaksJson { groups: { stack: string[]; before: number; after: number; delta: number }[] }

/** Opens a file by path and waits for its overview. */
async function open(page: Page, file: string): Promise<string> {
  await openByPath(page, file);
  await expect(page.getByTestId('artefact-name')).toHaveText(path.basename(file), { timeout: 45_000 });
  return /#\/overview\/([0-9a-f]+)/.exec(page.url())![1];
}

/** Both themes: the theme key cycles system → light → dark. */
async function screenshotThemes(page: Page, name: string): Promise<void> {
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await screenshot(page, `${name}-light`);
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await screenshot(page, `${name}-dark`);
  await page.emulateMedia({ colorScheme: 'light' });
}

async function expectTopRows(page: Page, expected: TopJson): Promise<void> {
  const rows = page.getByTestId('top-row');
  await expect(rows).toHaveCount(expected.rows.length);
  const shown = await rows.evaluateAll((trs) => trs.map((tr) => {
    const d = (tr as HTMLElement).dataset;
    return { name: d.name!, flat: Number(d.flat), cum: Number(d.cum), sum: Number(d.sum) };
  }));
  expect(shown).toEqual(expected.rows.map((r) => ({ name: r.name, flat: r.flat, cum: r.cum, sum: r.sum })));
}

function noErrors(page: Page) {
  return expect(page.getByTestId('error-banner')).toHaveCount(0);
}

test('a profile overview lists the top 20 functions of goroscope top, for each sample type', async ({ page, server }) => {
  const profile = fixtureFile('profiles/heap.go126.pprof');
  await openApp(page, server);
  await open(page, profile.path);
  await expectTopRows(page, cliJson<TopJson>(['top', profile.path, '-n', '20', '--json']));
  await page.getByTestId('sample-type').selectOption('alloc_space');
  await expect(page.getByTestId('top-table')).toHaveAttribute('data-sample-type', 'alloc_space');
  await expectTopRows(page, cliJson<TopJson>(['top', profile.path, '-n', '20', '--sample-type', 'alloc_space', '--json']));
  await noErrors(page);
  await screenshotThemes(page, 'overview-profile-top');
});

test('the Profiles view follows -cum, -nodecount and -base like goroscope top', async ({ page, server }) => {
  const early = fixtureFile('profiles/goroutine-early.go126.pprof');
  const late = fixtureFile('profiles/goroutine.go126.pprof');
  await openApp(page, server);
  await open(page, early.path);
  await open(page, late.path);
  await page.getByTestId('nav-profiles').click();
  await expectTopRows(page, cliJson<TopJson>(['top', late.path, '--json']));
  await page.getByTestId('cum-toggle').check();
  await page.getByTestId('node-count').fill('5');
  await expectTopRows(page, cliJson<TopJson>(['top', late.path, '--cum', '-n', '5', '--json']));
  await page.getByTestId('cum-toggle').uncheck();
  await page.getByTestId('node-count').fill('0');
  await page.getByTestId('base-select').selectOption({ label: early.name });
  await expectTopRows(page, cliJson<TopJson>(['top', late.path, '--base', early.path, '--json']));
  await noErrors(page);
  await screenshotThemes(page, 'profiles-base');
});

test('a dump overview shows the groups of goroscope dump, each expandable to its whole stack', async ({ page, server }) => {
  const dump = fixtureFile('dumps/leaky.go126.late.leaked.debug2.txt');
  const expected = cliJson<DumpJson>(['dump', dump.path, '--json']);
  await openApp(page, server);
  await open(page, dump.path);
  const groups = page.getByTestId('dump-group');
  await expect(groups).toHaveCount(expected.groups.length);
  const shown = await groups.evaluateAll((trs) => trs.map((tr) => ({ key: (tr as HTMLElement).dataset.key!, count: Number((tr as HTMLElement).dataset.count) })));
  expect(shown).toEqual(expected.groups.map((g) => ({ key: g.stack.join('\n'), count: g.count })));
  await expect(page.getByTestId('card-goroutines')).toHaveAttribute('data-value', String(expected.goroutines));
  // Proven leaks are badged, on exactly the groups the runtime marked.
  const leakRows = expected.groups.map((g, i) => (g.provenLeak ? i : -1)).filter((i) => i >= 0);
  await expect(page.getByTestId('proven-leak')).toHaveCount(leakRows.length);
  await groups.first().click();
  await expect(groups.first().getByTestId('group-stack').locator('li')).toHaveCount(expected.groups[0].stack.length);
  await noErrors(page);
  await screenshotThemes(page, 'overview-dump-groups');
});

test('the Diff and Leaks views of two dumps show the deltas of goroscope leaks and its verdict', async ({ page, server }) => {
  const before = fixtureFile('dumps/leaky.go126.early.debug2.txt');
  const after = fixtureFile('dumps/leaky.go126.late.debug2.txt');
  const leaks = goroscope(['leaks', before.path, after.path, '--json']);
  expect([0, 1], leaks.stderr).toContain(leaks.status);
  const expected = JSON.parse(leaks.stdout) as LeaksJson;
  await openApp(page, server);
  await open(page, before.path);
  await open(page, after.path);
  await page.getByTestId('nav-diff').click();
  // The earlier snapshot of the pair is chosen from the names (the library holds other dumps too).
  await expect(page.getByTestId('diff-before').locator('option:checked')).toHaveText(before.name);
  await expect(page.getByTestId('diff-after').locator('option:checked')).toHaveText(after.name);
  const rows = page.getByTestId('diff-group');
  await expect(rows).toHaveCount(expected.groups.length);
  const shown = await rows.evaluateAll((trs) => trs.map((tr) => {
    const d = (tr as HTMLElement).dataset;
    return { stack: d.key!.split('\n'), before: Number(d.before), after: Number(d.after), delta: Number(d.delta) };
  }));
  expect(shown).toEqual(expected.groups.map((g) => ({ stack: g.stack, before: g.before, after: g.after, delta: g.delta })));
  // Exit status 1 is the gate failing at the default --max-growth 10.
  await expect(page.getByTestId('leak-gate')).toHaveAttribute('data-verdict', leaks.status === 1 ? 'fail' : 'ok');
  await noErrors(page);
  await screenshotThemes(page, 'diff-dumps');
  await page.getByTestId('nav-leaks').click();
  await expect(page.getByTestId('leak-gate')).toHaveAttribute('data-verdict', leaks.status === 1 ? 'fail' : 'ok');
  // A limit above the largest growth passes, as `--max-growth` does.
  const largest = Math.max(...expected.groups.map((g) => g.delta));
  await page.getByTestId('max-growth').fill(String(largest));
  await expect(page.getByTestId('leak-gate')).toHaveAttribute('data-verdict', 'ok');
  expect(goroscope(['leaks', before.path, after.path, '--max-growth', String(largest)]).status).toBe(0);
  await expect(page.getByTestId('diff-group')).toHaveCount(expected.groups.filter((g) => g.delta !== 0 || g.before === 0 || g.after === 0).length);
  await screenshotThemes(page, 'leaks-dumps');
});

/** The goroutine IDs of a page as `goroscope query` reads them from the serving library's index. */
function queryIds(server: ServeProcess, hash: string, orderBy: string, limit: number, offset = 0): number[] {
  const rows = cliJson<{ id: number }[]>(['query', hash, `SELECT id FROM goroutines ORDER BY ${orderBy} LIMIT ${limit} OFFSET ${offset}`,
    '--library', server.library, '--json']);
  return rows.map((r) => r.id);
}

async function shownIds(page: Page): Promise<number[]> {
  return page.getByTestId('goroutine-row').evaluateAll((trs) => trs.map((tr) => Number((tr as HTMLElement).dataset.id)));
}

test('the Goroutines view pages, sorts and filters as the index does, and moves with the keyboard', async ({ page, server }) => {
  const trace = fixtureFile('traces/chanleak.go126.trace');
  const stats = statsJson(trace.path);
  await openApp(page, server);
  const hash = await open(page, trace.path);
  await page.keyboard.press('3');
  await expect(page.getByTestId('goroutines-view')).toBeVisible();
  await expect(page.getByTestId('goroutine-range')).toHaveText(`1–${stats.goroutines} of ${stats.goroutines}`);
  expect(await shownIds(page)).toEqual(queryIds(server, hash, 'id', 100));
  // Running time, largest first (ties by ID, in the same direction).
  await page.getByTestId('sort-runningNs').click();
  await expect(page.locator('th[aria-sort="descending"]')).toContainText('Running');
  await expect.poll(() => shownIds(page)).toEqual(queryIds(server, hash, 'running_ns DESC, id DESC', 100));
  await page.getByTestId('sort-runningNs').click();
  await expect.poll(() => shownIds(page)).toEqual(queryIds(server, hash, 'running_ns ASC, id ASC', 100));
  // Alive at the end: the stats' count.
  await page.getByTestId('alive-filter').check();
  await expect(page.getByTestId('goroutine-range')).toContainText(`of ${stats.goroutinesAliveAtEnd}`);
  await page.getByTestId('alive-filter').uncheck();
  await page.getByTestId('state-filter').selectOption('Waiting');
  await page.getByTestId('reason-filter').selectOption('chan send');
  await expect(page.getByTestId('goroutine-range')).toContainText(`of ${(stats.waitingAtEnd as Record<string, number>)['chan send']}`);
  await page.getByTestId('state-filter').selectOption('');
  await page.getByTestId('reason-filter').selectOption({ label: 'any' });
  await page.getByTestId('sort-id').click();
  await expect.poll(() => shownIds(page)).toEqual(queryIds(server, hash, 'id', 100));
  await noErrors(page);
  await screenshotThemes(page, 'goroutines');

  // Keyboard: j j k lands on the second row; Enter opens its detail.
  const ids = await shownIds(page);
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await page.keyboard.press('k');
  await expect(page.locator('tr.cursor')).toHaveAttribute('data-id', String(ids[1]));
  await page.keyboard.press('Enter');
  const detail = page.getByTestId('goroutine-detail');
  await expect(detail).toHaveAttribute('data-id', String(ids[1]));
  await expect(detail.getByTestId('interval').first()).toBeVisible();
  await detail.getByTestId('goroutine-intervals').scrollIntoViewIfNeeded();
  await screenshotThemes(page, 'goroutine-detail');
  // `/` focuses the name filter; typing narrows the list to names containing it.
  await page.keyboard.press('/');
  await expect(page.getByTestId('goroutine-filter')).toBeFocused();
  await page.keyboard.type('main.');
  await expect.poll(async () => (await page.getByTestId('goroutine-row').allInnerTexts()).every((t) => t.includes('main.'))).toBe(true);
  await noErrors(page);
});

interface TraceLeaksJson { groups: { state: string; reason: string; count: number; site: string; system: boolean; stack: string[]; sampleIds: number[] }[] }
interface BlockingJson { kind: string; totalNs: number; sites: { site: string; reason: string; totalNs: number; count: number }[] }

/** The rows' data attributes, as numbers where they are. */
async function rowData(page: Page, testid: string): Promise<Record<string, string>[]> {
  return page.getByTestId(testid).evaluateAll((els) => els.map((el) => ({ ...(el as HTMLElement).dataset }) as Record<string, string>));
}

test('the Leaks view of a trace is goroscope leaks: its Waiting groups add up to the stats, the runtime folded at the end', async ({ page, server }) => {
  const trace = fixtureFile('traces/chanleak.go127.trace');
  const stats = statsJson(trace.path);
  const expected = freshJson<TraceLeaksJson>(['leaks', trace.path]);
  await openApp(page, server);
  const hash = await open(page, trace.path);
  await page.getByTestId('nav-leaks').click();
  const program = expected.groups.filter((g) => !g.system);
  const runtime = expected.groups.filter((g) => g.system);
  expect(program.length, 'the scenario leaks goroutines of its own').toBeGreaterThan(0);
  expect(runtime.length, 'and the runtime has goroutines of its own').toBeGreaterThan(0);
  // The program's groups first; the runtime's appear only when unfolded.
  await expect(page.getByTestId('leak-group')).toHaveCount(program.length);
  await page.getByTestId('runtime-groups-toggle').click();
  await expect(page.getByTestId('leak-group')).toHaveCount(expected.groups.length);
  const shown = await rowData(page, 'leak-group');
  expect(shown.map((d) => ({ site: d.site, reason: d.reason, count: Number(d.count), system: d.system === 'true' })))
    .toEqual([...program, ...runtime].map((g) => ({ site: g.site, reason: g.reason, count: g.count, system: g.system })));
  const waitingByReason: Record<string, number> = {};
  for (const d of shown) if (d.state === 'Waiting') waitingByReason[d.reason!] = (waitingByReason[d.reason!] ?? 0) + Number(d.count);
  expect(waitingByReason).toEqual(stats.waitingAtEnd);
  // An unrecorded reason says so.
  if (shown.some((d) => d.reason === '')) await expect(page.locator('[data-testid=leak-group][data-reason=""]').first()).toContainText('reason not recorded');

  // A click opens the stack: the program's frames, the runtime's folded until asked for.
  const first = page.getByTestId('leak-group').first();
  await first.locator('tr').first().click();
  const stack = first.getByTestId('leak-stack');
  const userFrames = program[0].stack.filter((f) => !/^(runtime[./]|internal\/|sync[./]|time\.Sleep|os\/signal\.)/.test(f));
  await expect(stack.getByTestId('stack-frame')).toHaveCount(userFrames.length);
  await expect(stack.getByTestId('stack-frame').first()).toContainText(program[0].site.split(' ')[0]);
  await stack.getByTestId('unfold-frames').first().click();
  await expect(stack.getByTestId('stack-frame')).toHaveCount(program[0].stack.length);
  await noErrors(page);
  await screenshotThemes(page, 'leaks-trace');
  // A sample goroutine opens in the Goroutines view.
  const sample = program[0].sampleIds[0];
  await first.getByTestId('leak-sample-ids').getByText(`G${sample}`, { exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`#/goroutines/${hash}/g${sample}$`));
  await expect(page.getByTestId('goroutine-detail')).toHaveAttribute('data-id', String(sample));
  await noErrors(page);
});

test('the Blocking view of a trace is goroscope blocking for each kind, and remembers the kind', async ({ page, server }) => {
  const trace = fixtureFile('traces/chanleak.go127.trace');
  await openApp(page, server);
  await open(page, trace.path);
  await page.getByTestId('nav-blocking').click();
  const kindSelect = page.getByTestId('blocking-kind');
  await expect(kindSelect).toHaveValue('sync');
  for (const kind of ['sync', 'net', 'syscall', 'sched']) {
    const expected = freshJson<BlockingJson>(['blocking', trace.path, '--kind', kind]);
    await kindSelect.selectOption(kind);
    const total = page.getByTestId('blocking-total');
    await expect(total).toHaveAttribute('data-kind', kind);
    await expect(total).toHaveAttribute('data-total-ns', String(expected.totalNs));
    await expect(page.getByTestId('blocking-row')).toHaveCount(expected.sites.length);
    const rows = await rowData(page, 'blocking-row');
    expect(rows.map((d) => ({ site: d.site, reason: d.reason, totalNs: Number(d.total) })))
      .toEqual(expected.sites.map((x) => ({ site: x.site, reason: x.reason, totalNs: x.totalNs })));
  }
  // The kind rides in the URL (a reload keeps it) and is remembered for the next visit.
  await page.reload();
  await expect(page.getByTestId('blocking-kind')).toHaveValue('sched');
  await page.getByTestId('nav-leaks').click();
  await page.getByTestId('nav-blocking').click();
  await expect(page.getByTestId('blocking-kind')).toHaveValue('sched');

  // sync, as go tool trace -pprof=sync: the largest site first, its stack a click away.
  const sync = freshJson<BlockingJson>(['blocking', trace.path, '--kind', 'sync']);
  expect(sync.sites.length, 'the scenario waits on channels').toBeGreaterThan(0);
  await page.getByTestId('blocking-kind').selectOption('sync');
  await expect(page.getByTestId('blocking-total')).toHaveAttribute('data-total-ns', String(sync.totalNs));
  const first = page.getByTestId('blocking-row').first();
  await expect(first).toHaveAttribute('data-site', sync.sites[0].site);
  await first.locator('tr').first().click();
  await expect(first.getByTestId('blocking-stack')).toBeVisible();
  await expect(first.getByTestId('blocking-stack').locator('li.site')).toContainText(sync.sites[0].site.split(' ')[0]);
  await noErrors(page);
  await screenshotThemes(page, 'blocking');
});

test('a goroutine woken by another names it: unblocked by, woke, and the wait it ended, in the Goroutines and Timeline views', async ({ page, server }) => {
  const trace = fixtureFile('traces/chanleak.go127.trace');
  await openApp(page, server);
  const hash = await open(page, trace.path);
  // In the scenario, main.firstResult receives the first result and a main.firstResult.func1 goroutine sends it.
  const funcIn = (stack: string, func: string) => `EXISTS (SELECT 1 FROM stack_frames sf JOIN frames f ON f.id = sf.frame
    JOIN strings s ON s.id = f.func WHERE sf.stack = ${stack} AND s.value = '${func}')`;
  const edges = cliJson<{ woken: number; waker: number; time: number }[]>(['query', hash,
    `SELECT u.goroutine AS woken, u.by_goroutine AS waker, u.time_ns AS time FROM unblocks u
     WHERE ${funcIn('u.stack', 'main.firstResult')} AND ${funcIn('u.by_stack', 'main.firstResult.func1')} ORDER BY u.time_ns LIMIT 1`,
    '--library', server.library, '--json']);
  expect(edges.length, 'a main.firstResult.func1 goroutine woke main.firstResult').toBe(1);
  const { woken, waker, time } = edges[0];

  await page.evaluate(([h, g]) => { window.location.hash = `#/goroutines/${h}/g${g}`; }, [hash, String(woken)]);
  const detail = page.getByTestId('goroutine-detail');
  await expect(detail).toHaveAttribute('data-id', String(woken));
  const by = detail.locator(`[data-testid=unblocked-by][data-time="${time}"]`);
  await expect(by).toHaveAttribute('data-by', String(waker));
  await expect(by).toContainText(`unblocked by G${waker} at main.firstResult.func1`);
  await expect(by).toContainText('after');
  // The wait it ended, in the lifecycle.
  await expect(detail.getByTestId('interval-ended-by').first()).toHaveText(`G${waker}`);
  await detail.getByTestId('unblocked-by-list').evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await screenshotThemes(page, 'goroutine-detail-unblocked');
  // The waker's detail lists whom it woke.
  await by.getByRole('button', { name: `G${waker}` }).click();
  await expect(detail).toHaveAttribute('data-id', String(waker));
  await expect(detail.locator(`[data-testid=woke][data-goroutine="${woken}"]`)).toContainText('chan receive');
  await noErrors(page);

  // On the timeline, the wait picked says who ended it.
  await page.evaluate(([h, t, g]) => { window.location.hash = `#/timeline/${h}/${Number(t) - 1}-${Number(t) + 1000}/g${g}`; }, [hash, String(time), String(woken)]);
  const picked = page.getByTestId('goroutine-detail').getByTestId('picked-ended-by');
  await expect(picked).toHaveAttribute('data-by', String(waker));
  await expect(picked).toContainText(`Ended by G${waker} at main.firstResult.func1`);
  await noErrors(page);
  await expect(page.getByTestId('timeline-stage')).toHaveAttribute('data-pending', '0');
  await screenshot(page, 'timeline-detail-unblocked-light');
});
