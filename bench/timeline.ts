// npm run bench:timeline -- [--trace FILE] [--library DIR] [--json] [--root DIR] [--sort KEY]
//                           [--profile FILE.cpuprofile] [--serve-cpu-prof DIR] [--screenshot PNG]
//
// How the Timeline feels on a large trace (issue 15, "Fast"). Indexes the trace into a library of
// its own if that library does not hold it yet, starts `goroscope serve` on it, opens the
// Timeline in Chromium (Playwright) and runs a fixed script of steps: zoom in to microseconds with
// keys and the wheel at the cursor, pans, a click that selects a goroutine, row jumps with the
// arrow keys, a range selected by shift-drag and zoomed to, zoom out, the whole trace again.
//
// Everything is measured inside the page, with its own clock (performance.now, rAF timestamps):
// - firstSettledMs: from navigation (the page's time origin) to the frame from which every
//   visible row is drawn at the window's resolution (the canvas's data-settled) and stays so;
// - settle: from a step's input event (its timeStamp) to that frame after it;
// - frame: the time between consecutive animation frames while the steps run.
// A step that does not settle within --step-timeout-ms (default 60 000) fails the run (exit 1).
//
// --root DIR runs `goroscope serve` and its built renderer from another checkout (its own
// dist/renderer), for A/B runs of two commits on one library. --profile records the page's
// JavaScript from navigation to the last step (CDP Profiler), --serve-cpu-prof the serve process (node --cpu-prof).

import { chromium, type Page } from '@playwright/test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Library } from '../src-main/index/library.ts';
import { findGo, generateWithGo, OUT } from './lib.ts';

/** What --json prints (the keys, plus how many steps ran, every one of them settled). */
export interface TimelineBenchResult {
  intervals: number;
  goroutines: number;
  firstSettledMs: number;
  settleP50Ms: number;
  settleP95Ms: number;
  frameP50Ms: number;
  frameP95Ms: number;
  frameMaxMs: number;
  steps: number;
}

/** One input of the script, and the event that marks its moment. */
interface Step {
  what: string;
  event: 'keydown' | 'wheel' | 'pointerup';
  run: (page: Page, at: { x: number; y: number }) => Promise<void>;
}

const key = (k: string, what: string): Step => ({ what, event: 'keydown', run: (page) => page.keyboard.press(k) });
const wheel = (dx: number, dy: number, what: string): Step => ({ what, event: 'wheel', run: (page) => page.mouse.wheel(dx, dy) });
const times = (n: number, step: Step): Step[] => Array.from({ length: n }, () => step);

/**
 * The fixed script: 47 steps. From the whole trace (about 20 s for the generated one), 18 halvings
 * and 4 wheel notches (×0.58 each) reach about 10 µs across; the cursor sits at 60 % of the plot.
 */
export const STEPS: Step[] = [
  ...times(6, key('w', 'zoom in (w)')),
  ...times(2, wheel(0, -300, 'zoom in (wheel at the cursor)')),
  key('d', 'pan right (d)'),
  ...times(6, key('w', 'zoom in (w)')),
  {
    what: 'select a range (shift-drag)', event: 'pointerup',
    run: async (page, at) => {
      await page.keyboard.down('Shift');
      await page.mouse.move(at.x - 120, at.y);
      await page.mouse.down();
      await page.mouse.move(at.x + 40, at.y, { steps: 4 });
      await page.mouse.up();
      await page.keyboard.up('Shift');
      await page.mouse.move(at.x, at.y);
    },
  },
  key('f', 'zoom to the range (f)'),
  key('Escape', 'clear the range (Escape)'),
  ...times(6, key('w', 'zoom in (w)')),
  ...times(2, wheel(0, -300, 'zoom in (wheel at the cursor)')),
  key('d', 'pan right (d)'),
  key('a', 'pan left (a)'),
  wheel(400, 0, 'pan (horizontal wheel)'),
  { what: 'select the goroutine under the cursor (click)', event: 'pointerup', run: (page, at) => page.mouse.click(at.x, at.y) },
  ...times(3, key('ArrowDown', 'next row (↓)')),
  key('PageDown', 'rows down a page (PageDown)'),
  key('ArrowUp', 'previous row (↑)'),
  ...times(8, key('s', 'zoom out (s)')),
  ...times(2, wheel(0, 300, 'zoom out (wheel at the cursor)')),
  key('ArrowRight', 'pan right (→)'),
  ...times(2, key('s', 'zoom out (s)')),
  key('0', 'whole trace (0)'),
];

// Runs in the page before the app (a string: tsx's helpers such as __name do not exist there).
// The canvas writes data-drawn-at on every frame it draws and data-settled with it; a
// MutationObserver sees each frame's attributes once the frame is done.
export const INSTRUMENT = String.raw`(() => {
  const bench = { frames: [], recording: false, lastFrame: 0, armed: null, inputAt: null, settledSince: null, wasSettled: false,
    lastDrawn: -1, waiter: null, quietTimer: null };
  window.__timelineBench = bench;
  const QUIET_MS = 250;
  function loop(ts) {
    if (!bench.recording) return;
    if (bench.lastFrame > 0) bench.frames.push(ts - bench.lastFrame);
    bench.lastFrame = ts;
    requestAnimationFrame(loop);
  }
  bench.startFrames = () => { bench.recording = true; bench.lastFrame = 0; requestAnimationFrame(loop); };
  bench.stopFrames = () => { bench.recording = false; return bench.frames; };
  for (const type of ['keydown', 'wheel', 'pointerup']) {
    window.addEventListener(type, (e) => {
      if (bench.armed !== type || bench.inputAt !== null) return;
      bench.inputAt = Math.min(e.timeStamp, performance.now());
      // Only a frame drawn after the input can say the step settled (even when it changed nothing).
      bench.wasSettled = false;
      bench.settledSince = null;
    }, { capture: true });
  }
  function check() {
    const w = bench.waiter;
    if (!w) return;
    clearTimeout(bench.quietTimer);
    bench.quietTimer = null;
    if (!bench.wasSettled || bench.settledSince === null || (w.after !== null && (bench.inputAt === null || bench.settledSince < bench.inputAt))) return;
    // Settled, and no unsettled frame for QUIET_MS: a panel that opens and narrows the canvas comes in that time.
    bench.quietTimer = setTimeout(() => {
      if (bench.waiter !== w || !bench.wasSettled) return;
      bench.waiter = null;
      clearTimeout(w.timeout);
      w.resolve({ settledAt: bench.settledSince, inputAt: bench.inputAt, span: Number(w.stage().dataset.t1) - Number(w.stage().dataset.t0) });
    }, QUIET_MS);
  }
  new MutationObserver(() => {
    const stage = document.querySelector('[data-testid="timeline-stage"]');
    if (!stage || stage.dataset.drawnAt === undefined || stage.dataset.drawnAt === String(bench.lastDrawn)) return;
    bench.lastDrawn = stage.dataset.drawnAt;
    const settled = stage.dataset.settled === 'true';
    if (settled && !bench.wasSettled) bench.settledSince = Number(stage.dataset.drawnAt);
    bench.wasSettled = settled;
    if (!settled) { clearTimeout(bench.quietTimer); bench.quietTimer = null; }
    check();
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-drawn-at', 'data-settled'] });
  bench.arm = (type) => { bench.armed = type; bench.inputAt = null; };
  // Resolves once the canvas settled (after the armed input, if any) and stayed settled.
  bench.settle = (timeoutMs) => new Promise((resolve, reject) => {
    const w = { after: bench.armed, resolve, stage: () => document.querySelector('[data-testid="timeline-stage"]'),
      timeout: setTimeout(() => { bench.waiter = null; reject(new Error('not settled after ' + timeoutMs + ' ms (input ' +
        (bench.inputAt === null ? 'not seen' : 'seen') + ')')); }, timeoutMs) };
    bench.waiter = w;
    check();
    // An input that changes nothing (PageDown on the last page) draws no frame: settled at once.
    const drawnBefore = bench.lastDrawn;
    const idle = () => {
      if (bench.waiter !== w) return;
      const stage = w.stage();
      if (bench.inputAt !== null && bench.lastDrawn === drawnBefore && stage && stage.dataset.settled === 'true') {
        bench.waiter = null;
        clearTimeout(w.timeout);
        w.resolve({ settledAt: bench.inputAt, inputAt: bench.inputAt, span: Number(stage.dataset.t1) - Number(stage.dataset.t0) });
      }
    };
    setTimeout(idle, QUIET_MS);
  });
})();`;

interface StepResult {
  what: string;
  span: string;
  settleMs: number;
}

export interface BenchOptions {
  /** A serve URL (token included) whose library holds `hash`. */
  url: string;
  hash: string;
  sort?: string;
  stepTimeoutMs?: number;
  profile?: string;
  screenshot?: string;
  log?: (line: string) => void;
}

/** Opens the Timeline of `hash` in a fresh page of `browser` and runs the script. */
export async function measureTimeline(page: Page, o: BenchOptions): Promise<{ firstSettledMs: number; steps: StepResult[]; frames: number[] }> {
  const timeout = o.stepTimeoutMs ?? 60_000;
  await page.addInitScript(INSTRUMENT);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // Profiled from navigation on: the opening, then the steps.
  const cdp = o.profile ? await page.context().newCDPSession(page) : null;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
  }
  await page.goto(`${o.url}#/timeline/${o.hash}`);
  const first = await page.evaluate(`__timelineBench.settle(${timeout})`) as { settledAt: number };
  if (o.sort && o.sort !== 'startNs') {
    await page.getByTestId('row-sort').selectOption(o.sort);
    await page.evaluate(`__timelineBench.settle(${timeout})`);
  }
  if (o.screenshot) await page.screenshot({ path: o.screenshot });
  // What the first settled frame waited for: the page's load and each API call before it.
  const opening = await page.evaluate(`(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const calls = performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/') && e.startTime < ${first.settledAt})
      .map((e) => new URL(e.name).pathname.slice(5) + ' ' + Math.round(e.startTime) + '→' + Math.round(e.responseEnd));
    return 'DOMContentLoaded ' + Math.round(nav.domContentLoadedEventEnd) + ' ms; ' + calls.join(', ');
  })()`) as string;
  o.log?.(`first settled at ${round(first.settledAt)} ms: ${opening}`);
  // The cursor: 60 % across the plot, halfway down the canvas (found again each step: panels narrow the canvas).
  const cursor = async () => {
    const stage = await page.getByTestId('timeline-stage').evaluate((el) => ({ ...(el as HTMLElement).dataset }));
    const box = (await page.getByTestId('timeline-canvas').boundingBox())!;
    return { x: Math.round(box.x + Number(stage.plotLeft) + Number(stage.plotWidth) * 0.6), y: Math.round(box.y + box.height * 0.55) };
  };
  let at = await cursor();
  await page.mouse.move(at.x, at.y);
  await page.evaluate(`__timelineBench.settle(${timeout})`);

  await page.evaluate('__timelineBench.startFrames()');
  const steps: StepResult[] = [];
  for (const [i, step] of STEPS.entries()) {
    const next = await cursor();
    if (next.x !== at.x || next.y !== at.y) {
      at = next;
      await page.mouse.move(at.x, at.y);
    }
    await page.evaluate(`__timelineBench.arm(${JSON.stringify(step.event)})`);
    await step.run(page, at);
    let r: { settledAt: number; inputAt: number; span: number };
    try {
      r = await page.evaluate(`__timelineBench.settle(${timeout})`) as typeof r;
    } catch (e) {
      throw new Error(`step ${i + 1} (${step.what}): ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    }
    steps.push({ what: step.what, span: spanText(r.span), settleMs: round(r.settledAt - r.inputAt) });
    o.log?.(`step ${i + 1}/${STEPS.length} ${step.what}: ${spanText(r.span)} settled in ${round(r.settledAt - r.inputAt)} ms`);
  }
  const frames = await page.evaluate('__timelineBench.stopFrames()') as number[];
  if (cdp) {
    const { profile } = await cdp.send('Profiler.stop');
    fs.writeFileSync(o.profile!, JSON.stringify(profile));
  }
  if (errors.length > 0) throw new Error(`errors in the page: ${errors.join('; ')}`);
  return { firstSettledMs: round(first.settledAt), steps, frames };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function spanText(ns: number): string {
  return ns >= 1e9 ? `${(ns / 1e9).toFixed(2)} s` : ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(1)} µs` : `${Math.round(ns)} ns`;
}

/** The nearest-rank percentile (p in 0..1). */
export function percentile(values: readonly number[], p: number): number {
  const v = [...values].sort((a, b) => a - b);
  return v.length === 0 ? NaN : v[Math.min(v.length - 1, Math.max(0, Math.ceil(v.length * p) - 1))];
}

/** The artefact of `trace` in `libraryDir`, indexed now (with the root's CLI) unless it is there and current. */
function indexedArtefact(trace: string, libraryDir: string, root: string): { hash: string; goroutines: number; items: number } {
  const find = () => {
    const library = new Library(libraryDir);
    try {
      const size = fs.statSync(trace).size;
      return library.list().find((a) => a.kind === 'trace' && a.path === trace && a.size === size && library.isCurrent(a)) ?? null;
    } finally {
      library.close();
    }
  };
  let a = find();
  if (!a) {
    process.stderr.write(`indexing ${trace} into ${libraryDir} …\n`);
    const r = spawnSync(process.execPath, [path.join(root, 'bin', 'goroscope.mjs'), 'index', trace, '--library', libraryDir], { stdio: ['ignore', 2, 2] });
    if (r.status !== 0) throw new Error(`goroscope index ${trace} failed (exit ${r.status ?? r.signal})`);
    a = find();
    if (!a) throw new Error(`${trace} is not in ${libraryDir} after indexing it`);
  }
  return { hash: a.hash, goroutines: a.goroutines, items: a.items };
}

/** Goroutine state intervals in the index (what the timeline draws). */
function intervalCount(libraryDir: string, hash: string, root: string): number {
  const r = spawnSync(process.execPath, [path.join(root, 'bin', 'goroscope.mjs'), 'query', hash, 'SELECT sum(intervals) AS n FROM goroutines', '--json', '--library', libraryDir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`goroscope query failed: ${r.stderr.trim()}`);
  const rows = JSON.parse(r.stdout) as { n: number }[];
  return Number(rows[0]?.n ?? 0);
}

export async function startServe(root: string, libraryDir: string, cpuProfDir: string | null): Promise<{ url: string; process: ChildProcess; stop: () => Promise<void> }> {
  const node = cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfDir] : [];
  const child = spawn(process.execPath, [...node, path.join(root, 'bin', 'goroscope.mjs'), 'serve', '--library', libraryDir, '--port', '0', '--no-open'],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`goroscope serve exited (${code}): ${stderr.trim()}`)));
  });
  const stop = () => new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGINT');
  });
  return { url, process: child, stop };
}

/** The default trace: an HTTP server leaking one goroutine every 100 requests, 225 MB, generated once. */
function defaultTrace(): string {
  const file = path.join(OUT, 'leak.trace');
  if (!fs.existsSync(file)) {
    generateWithGo(findGo(), 'bigtrace', ['-size-mb', '215', '-leak-every', '100'], file, 'a 215 MiB trace of an HTTP server leaking goroutines');
  }
  return file;
}

async function main(args: string[]): Promise<number> {
  const option = (name: string): string | undefined => {
    const i = args.indexOf(`--${name}`);
    if (i < 0) return undefined;
    const v = args[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`--${name}: expected a value`);
    return v;
  };
  const json = args.includes('--json');
  const root = path.resolve(option('root') ?? path.join(import.meta.dirname, '..'));
  const traceArg = option('trace');
  const trace = path.resolve(traceArg ?? defaultTrace());
  if (!fs.existsSync(trace)) throw new Error(`--trace: no such file ${trace}`);
  const libraryDir = path.resolve(option('library') ?? path.join(OUT, 'timeline-library'));
  if (!fs.existsSync(path.join(root, 'dist', 'renderer', 'index.html'))) {
    throw new Error(`${root}/dist/renderer is not built: run npx vite build there first`);
  }
  const log = (line: string) => { if (!json) process.stderr.write(`${line}\n`); };
  const artefact = indexedArtefact(trace, libraryDir, root);
  const intervals = intervalCount(libraryDir, artefact.hash, root);
  const cpuProf = option('serve-cpu-prof');
  if (cpuProf) fs.mkdirSync(cpuProf, { recursive: true });
  const serve = await startServe(root, libraryDir, cpuProf ? path.resolve(cpuProf) : null);
  const browser = await chromium.launch({
    executablePath: process.env.GOROSCOPE_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  let run: Awaited<ReturnType<typeof measureTimeline>>;
  try {
    const page = await browser.newPage({ viewport: { width: 1360, height: 880 } });
    run = await measureTimeline(page, {
      url: serve.url, hash: artefact.hash, sort: option('sort'), profile: option('profile'), screenshot: option('screenshot'),
      stepTimeoutMs: Number(option('step-timeout-ms') ?? 60_000), log,
    });
  } finally {
    await browser.close();
    await serve.stop();
  }
  const settles = run.steps.map((s) => s.settleMs);
  const result: TimelineBenchResult = {
    intervals, goroutines: artefact.goroutines, firstSettledMs: run.firstSettledMs,
    settleP50Ms: percentile(settles, 0.5), settleP95Ms: percentile(settles, 0.95),
    frameP50Ms: round(percentile(run.frames, 0.5)), frameP95Ms: round(percentile(run.frames, 0.95)), frameMaxMs: round(Math.max(...run.frames)),
    steps: run.steps.length,
  };
  if (json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  }
  console.table(run.steps);
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  const mark = (ok: boolean) => (ok ? 'PASS' : 'MISS');
  console.log(`${path.basename(trace)}: ${artefact.goroutines} goroutines, ${intervals} intervals; load average ${load}; ${run.frames.length} frames`);
  console.log(`first settled ${result.firstSettledMs} ms (target ≤ 300: ${mark(result.firstSettledMs <= 300)})`);
  console.log(`settle p50 ${result.settleP50Ms} ms, p95 ${result.settleP95Ms} ms (target ≤ 150: ${mark(result.settleP95Ms <= 150)})`);
  console.log(`frame p50 ${result.frameP50Ms} ms, p95 ${result.frameP95Ms} ms, max ${result.frameMaxMs} ms (target p95 within one 60 Hz frame, 16.7 ms + 0.5 ms of timer jitter: ${mark(result.frameP95Ms <= 1000 / 60 + 0.5)})`);
  console.log(JSON.stringify(result));
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then((code) => (process.exitCode = code), (e: unknown) => {
    process.stderr.write(`bench:timeline: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
