// npm run bench:first-view -- [--trace FILE] [--json] [--job-cost] [--runs N] [--timeout-s S]
//
// A first view in seconds (issue 20). Starts `goroscope serve` on an empty library, opens the app
// in Chromium (Playwright, 1360×880) and opens the trace by its path as a user does; as soon as
// the app shows the artefact (its first snapshot, a partial index, or the whole index if it came
// first) it opens the Timeline and waits for the first settled frame (the canvas's data-settled,
// staying so for 250 ms, as bench:timeline measures it). Measured in the page with its own clock:
// - firstViewMs: from the Enter that opens the file to that settled frame (target ≤ 10 000 on a 1 GB trace);
// - shownMs: from the Enter to the app showing the artefact (the first snapshot catalogued);
// - jobS: from the Enter to the end of the index job (the progress bar gone: the whole index).
// --job-cost measures instead what the snapshots cost: the trace indexed whole in one pass and as
// the app's jobs do (bench/index-child.ts, compiled), alternating, --runs times each (default 2):
// CPU seconds (every thread) and wall seconds, medians, and when each snapshot was catalogued.

import { chromium } from '@playwright/test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { benchTrace, compiledChild, middle, runsArg, timeChild, warmPageCache } from './lib.ts';
import { INSTRUMENT, startServe } from './timeline.ts';

interface FirstView {
  traceBytes: number;
  firstViewMs: number;
  shownMs: number;
  /** The frontier of the index the first view showed (null: it was the whole index). */
  indexedUntilNs: number | null;
  durationNs: number;
  jobS: number;
}

interface JobCost {
  singleCpuS: number;
  singleWallS: number;
  snapshotsCpuS: number;
  snapshotsWallS: number;
  cpuOverhead: number;
  wallOverhead: number;
  snapshots: { atSeconds: number; generations: number; bytesIndexed: number }[];
}

const round = (n: number, digits = 0) => Number(n.toFixed(digits));

async function firstView(trace: string, timeoutMs: number, log: (line: string) => void): Promise<FirstView> {
  const root = path.resolve(import.meta.dirname, '..');
  if (!fs.existsSync(path.join(root, 'dist', 'renderer', 'index.html'))) throw new Error('dist/renderer is not built: run npx vite build first');
  const library = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-first-view-'));
  const serve = await startServe(root, library, null);
  const browser = await chromium.launch({
    executablePath: process.env.GOROSCOPE_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1360, height: 880 } });
    await page.addInitScript(INSTRUMENT);
    // When the app first shows an artefact (it goes to its overview): page time.
    await page.addInitScript(`window.addEventListener('hashchange', () => {
      if (window.__shownAt === undefined && /^#\\/overview\\//.test(location.hash)) window.__shownAt = performance.now();
    });`);
    await page.goto(serve.url);
    await page.getByTestId('open-path').fill(trace);
    const openedAt = await page.evaluate(() => performance.now());
    await page.getByTestId('open-path').press('Enter');
    await page.waitForURL(/#\/overview\/[0-9a-f]{64}/, { timeout: timeoutMs });
    const hash = /#\/overview\/([0-9a-f]{64})/.exec(page.url())![1];
    const shownAt = await page.evaluate('window.__shownAt') as number;
    log(`shown after ${round(shownAt - openedAt)} ms`);
    await page.evaluate((h) => { window.location.hash = `#/timeline/${h}`; }, hash);
    const settled = await page.evaluate(`__timelineBench.settle(${timeoutMs})`) as { settledAt: number };
    const partial = page.getByTestId('timeline-partial');
    const indexedUntil = await partial.count() > 0 ? Number(await partial.getAttribute('data-indexed-until-ns')) : null;
    log(`first settled timeline after ${round(settled.settledAt - openedAt)} ms (${indexedUntil === null ? 'whole index' : `partial, indexed to ${indexedUntil} ns`})`);
    await page.getByTestId('index-job').waitFor({ state: 'detached', timeout: 60 * 60_000 });
    const doneAt = await page.evaluate(() => performance.now());
    await page.getByTestId('timeline-partial').waitFor({ state: 'detached', timeout: timeoutMs });
    await page.locator('[data-testid=timeline-stage][data-settled=true]').waitFor({ timeout: timeoutMs });
    const durationNs = Number(await page.getByTestId('timeline-stage').getAttribute('data-t1'));
    return {
      traceBytes: fs.statSync(trace).size, firstViewMs: round(settled.settledAt - openedAt), shownMs: round(shownAt - openedAt),
      indexedUntilNs: indexedUntil, durationNs, jobS: round((doneAt - openedAt) / 1000, 1),
    };
  } finally {
    await browser.close();
    await serve.stop();
    fs.rmSync(library, { recursive: true, force: true });
  }
}

function jobCost(trace: string, runs: number, log: (line: string) => void): JobCost {
  const single: { cpu: number; wall: number }[] = [];
  const passes: { cpu: number; wall: number }[] = [];
  let snapshots: JobCost['snapshots'] = [];
  warmPageCache(trace);
  for (let i = 0; i < runs; i++) {
    for (const mode of ['single', 'snapshots'] as const) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-job-cost-'));
      try {
        const run = timeChild(process.execPath, compiledChild('index-child', trace, dir, ...(mode === 'snapshots' ? ['snapshots'] : [])));
        const m = { cpu: run.report.cpuSeconds, wall: run.seconds };
        (mode === 'single' ? single : passes).push(m);
        if (mode === 'snapshots') snapshots = (run.report as unknown as { snapshots: JobCost['snapshots'] }).snapshots;
        log(`run ${i + 1} ${mode}: ${m.cpu.toFixed(1)} s CPU, ${m.wall.toFixed(1)} s wall`);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  const s = { cpu: middle(single.map((r) => r.cpu)), wall: middle(single.map((r) => r.wall)) };
  const p = { cpu: middle(passes.map((r) => r.cpu)), wall: middle(passes.map((r) => r.wall)) };
  return {
    singleCpuS: round(s.cpu, 1), singleWallS: round(s.wall, 1), snapshotsCpuS: round(p.cpu, 1), snapshotsWallS: round(p.wall, 1),
    cpuOverhead: round(p.cpu / s.cpu - 1, 3), wallOverhead: round(p.wall / s.wall - 1, 3),
    snapshots: snapshots.map((x) => ({ atSeconds: round(x.atSeconds, 1), generations: x.generations, bytesIndexed: x.bytesIndexed })),
  };
}

async function main(args: string[]): Promise<number> {
  const json = args.includes('--json');
  const log = (line: string) => { if (!json) process.stderr.write(`${line}\n`); };
  const trace = benchTrace(args);
  const t = args.indexOf('--timeout-s');
  const timeoutMs = (t >= 0 ? Number(args[t + 1]) : 120) * 1000;
  const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
  if (args.includes('--job-cost')) {
    const cost = jobCost(trace, runsArg(args, 2), log);
    if (!json) console.log(`${path.basename(trace)}: one pass ${cost.singleCpuS} s CPU / ${cost.singleWallS} s wall; with snapshots ${cost.snapshotsCpuS} s CPU / `
      + `${cost.snapshotsWallS} s wall (+${(cost.cpuOverhead * 100).toFixed(1)} % CPU, +${(cost.wallOverhead * 100).toFixed(1)} % wall); load average ${load()}`);
    console.log(JSON.stringify(cost));
    return 0;
  }
  warmPageCache(trace);
  const view = await firstView(trace, timeoutMs, log);
  if (!json) {
    console.log(`${path.basename(trace)} (${(view.traceBytes / 1e6).toFixed(0)} MB): first settled timeline ${view.firstViewMs} ms after opening `
      + `(target ≤ 10 000: ${view.firstViewMs <= 10_000 ? 'PASS' : 'MISS'}), shown at ${view.shownMs} ms, whole index at ${view.jobS} s; load average ${load()}`);
  }
  console.log(JSON.stringify(view));
  return 0;
}

main(process.argv.slice(2)).then((code) => (process.exitCode = code), (e: unknown) => {
  process.stderr.write(`bench:first-view: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
