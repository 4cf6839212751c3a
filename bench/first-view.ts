// npm run bench:first-view -- [--trace FILE] [--json] [--no-job] [--timeout-s S]
// npm run bench:first-view -- --job-cost [--trace FILE] [--runs N] [--json]
//
// A first view in seconds (issue 20). Starts `goroscope serve` on an empty library, opens the app
// in Chromium (Playwright, 1360×880) and opens the trace by its path as a user does; as soon as
// the app shows the artefact (its first snapshot, a partial index, or the whole index if it came
// first) it opens the Timeline and waits for the first settled frame (the canvas's data-settled,
// staying so for 250 ms, as bench:timeline measures it). Measured in the page with its own clock:
// - firstViewMs: from the Enter that opens the file to that settled frame (target ≤ 10 000 on a 1 GB trace);
// - shownMs: from the Enter to the app showing the artefact (the first snapshot catalogued);
// - jobS: from the Enter to the end of the index job (the progress bar gone: the whole index;
//   --no-job stops at the first view);
// - serveMainCpuS, serveOtherThreadsCpuS: CPU seconds of serve's main thread (the page's requests)
//   and of its other threads (the indexing) from the Enter to the first view, which a loaded
//   machine does not inflate as it does wall times.
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
  /** The whole trace's (null with --no-job). */
  durationNs: number | null;
  /** Null with --no-job, which stops at the first view. */
  jobS: number | null;
  /** CPU seconds of serve's main thread (the service answering the page) from the Enter to the first view. */
  serveMainCpuS: number;
  /** CPU seconds of serve's other threads (the indexing: index worker, decoding thread; libuv's pool) over the same time. */
  serveOtherThreadsCpuS: number;
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

/** CPU seconds (user + system) a process has used so far: its main thread, and its other threads, ended ones included (Linux /proc; zeros elsewhere). */
function threadCpu(pid: number): { main: number; others: number } {
  // Fields after the command name's closing parenthesis: utime and stime are the 12th and 13th, in clock ticks (100 per second on Linux).
  const cpu = (file: string) => {
    const stat = fs.readFileSync(file, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  };
  if (!fs.existsSync(`/proc/${pid}/stat`)) return { main: 0, others: 0 };
  const main = cpu(`/proc/${pid}/task/${pid}/stat`);
  return { main, others: cpu(`/proc/${pid}/stat`) - main };
}

async function firstView(trace: string, timeoutMs: number, waitForJob: boolean, log: (line: string) => void): Promise<FirstView> {
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
    const cpuAtOpen = threadCpu(serve.process.pid!);
    const openedAt = await page.evaluate(() => performance.now());
    await page.getByTestId('open-path').press('Enter');
    await page.waitForURL(/#\/overview\/[0-9a-f]{64}/, { timeout: timeoutMs });
    const hash = /#\/overview\/([0-9a-f]{64})/.exec(page.url())![1];
    const shownAt = await page.evaluate('window.__shownAt') as number;
    log(`shown after ${round(shownAt - openedAt)} ms`);
    await page.evaluate((h) => { window.location.hash = `#/timeline/${h}`; }, hash);
    const settled = await page.evaluate(`__timelineBench.settle(${timeoutMs})`) as { settledAt: number };
    const cpuAtView = threadCpu(serve.process.pid!);
    // What the first view waited for: each API call from the opening to the settled frame (relative to the Enter).
    const calls = await page.evaluate(({ from, to }) => performance.getEntriesByType('resource')
      .filter((e) => e.name.includes('/api/') && e.startTime >= from && e.startTime < to)
      .map((e) => `${new URL(e.name).pathname.slice(5)} ${Math.round(e.startTime - from)}→${Math.round((e as PerformanceResourceTiming).responseEnd - from)}`).join(', '),
    { from: openedAt, to: settled.settledAt });
    log(`API calls: ${calls}`);
    const partial = page.getByTestId('timeline-partial');
    const indexedUntil = await partial.count() > 0 ? Number(await partial.getAttribute('data-indexed-until-ns')) : null;
    log(`first settled timeline after ${round(settled.settledAt - openedAt)} ms (${indexedUntil === null ? 'whole index' : `partial, indexed to ${indexedUntil} ns`})`);
    if (!waitForJob) {
      return { traceBytes: fs.statSync(trace).size, firstViewMs: round(settled.settledAt - openedAt), shownMs: round(shownAt - openedAt), indexedUntilNs: indexedUntil,
        durationNs: null, jobS: null, serveMainCpuS: round(cpuAtView.main - cpuAtOpen.main, 2), serveOtherThreadsCpuS: round(cpuAtView.others - cpuAtOpen.others, 2) };
    }
    await page.getByTestId('index-job').waitFor({ state: 'detached', timeout: 60 * 60_000 });
    const doneAt = await page.evaluate(() => performance.now());
    await page.getByTestId('timeline-partial').waitFor({ state: 'detached', timeout: timeoutMs });
    await page.locator('[data-testid=timeline-stage][data-settled=true]').waitFor({ timeout: timeoutMs });
    const durationNs = Number(await page.getByTestId('timeline-stage').getAttribute('data-t1'));
    return {
      traceBytes: fs.statSync(trace).size, firstViewMs: round(settled.settledAt - openedAt), shownMs: round(shownAt - openedAt),
      indexedUntilNs: indexedUntil, durationNs, jobS: round((doneAt - openedAt) / 1000, 1),
      serveMainCpuS: round(cpuAtView.main - cpuAtOpen.main, 2), serveOtherThreadsCpuS: round(cpuAtView.others - cpuAtOpen.others, 2),
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
  const view = await firstView(trace, timeoutMs, !args.includes('--no-job'), log);
  if (!json) {
    console.log(`${path.basename(trace)} (${(view.traceBytes / 1e6).toFixed(0)} MB): first settled timeline ${view.firstViewMs} ms after opening `
      + `(target ≤ 10 000: ${view.firstViewMs <= 10_000 ? 'PASS' : 'MISS'}), shown at ${view.shownMs} ms, whole index at ${view.jobS ?? '(not waited for)'} s; serve's CPU to the first view: main thread ${view.serveMainCpuS} s, other threads ${view.serveOtherThreadsCpuS} s; load average ${load()}`);
  }
  console.log(JSON.stringify(view));
  return 0;
}

main(process.argv.slice(2)).then((code) => (process.exitCode = code), (e: unknown) => {
  process.stderr.write(`bench:first-view: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
