// node --import tsx bench/timeline-zoom.ts [--library DIR] [--artefact HASH] [--sort KEY] [--calls] [--screenshot PNG]
//
// Fluidity of the Timeline on an indexed trace: `goroscope serve` on the library, the Timeline
// in Chromium (Playwright), then zoom steps with `w` (in, ×0.5 around the middle), `s` (out)
// and pans with `d`. For each step: the time from the key press to the next frame drawn (the
// immediate feedback, from cached tiles of any level) and to the frame where every visible
// row is drawn at the new resolution (`data-pending` 0: request, response and draw). Index the
// trace once first: npx goroscope index bench/out/big.trace --library /tmp/tl-lib

import { chromium, type Page } from '@playwright/test';
import { spawn } from 'node:child_process';
import * as path from 'node:path';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const library = option('library', '/tmp/tl-lib');
const sort = option('sort', 'startNs');
const ROOT = path.resolve(import.meta.dirname, '..');

const serve = spawn(process.execPath, [path.join(ROOT, 'bin', 'goroscope.mjs'), 'serve', '--library', library, '--port', '0', '--no-open'],
  { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise<string>((resolve, reject) => {
  let out = '';
  serve.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(out);
    if (m) resolve(m[1]);
  });
  serve.once('exit', (code) => reject(new Error(`goroscope serve exited (${code})`)));
});

const browser = await chromium.launch({ executablePath: process.env.GOROSCOPE_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width: 1360, height: 880 } });
  await page.goto(url);
  const artefact = option('artefact', await page.evaluate(async () => {
    const token = new URLSearchParams(window.location.search).get('token');
    const res = await fetch('/api/listArtefacts', { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: '[]' });
    const list = (await res.json()) as { hash: string; kind: string; size: number }[];
    return list.filter((a) => a.kind === 'trace').sort((a, b) => b.size - a.size)[0].hash;
  }));
  // Every API call's method and duration (request sent → response end), for finding the slow ones.
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') console.error(`console: ${m.text()}`); });
  const calls: { method: string; ms: number }[] = [];
  page.on('requestfinished', (r) => {
    const m = /\/api\/(\w+)/.exec(r.url());
    if (m) calls.push({ method: m[1], ms: Math.round(r.timing().responseEnd) });
  });
  const opened = performance.now();
  await page.goto(`${url}#/timeline/${artefact}`);
  await page.getByTestId('row-sort').selectOption(sort);
  await settle(page).catch((e: unknown) => {
    console.table(calls);
    throw e;
  });
  console.log(`first settled frame: ${(performance.now() - opened).toFixed(0)} ms (page load, rows, tiles at full width)`);
  if (args.includes('--calls')) console.table(calls.splice(0));
  const shot = option('screenshot', '');
  if (shot) await page.screenshot({ path: shot });
  const box = (await page.getByTestId('timeline-canvas').boundingBox())!;
  await page.mouse.move(box.x + 5, box.y + 5);

  const steps: [string, string][] = [
    ...Array.from({ length: 14 }, (): [string, string] => ['w', 'zoom in']),
    ...Array.from({ length: 6 }, (): [string, string] => ['d', 'pan']),
    ...Array.from({ length: 14 }, (): [string, string] => ['s', 'zoom out (cached levels)']),
  ];
  const rows: { what: string; span: string; firstFrameMs: number; settledMs: number }[] = [];
  for (const [key, what] of steps) {
    const r = await step(page, key);
    rows.push({ what, ...r });
  }
  console.table(rows);
  if (args.includes('--calls')) {
    const byMethod = new Map<string, number[]>();
    for (const c of calls) byMethod.set(c.method, [...(byMethod.get(c.method) ?? []), c.ms]);
    for (const [method, ms] of byMethod) console.log(`${method}: ${ms.length} calls, mean ${(ms.reduce((a, b) => a + b, 0) / ms.length).toFixed(0)} ms, max ${Math.max(...ms)} ms`);
  }
  const settled = rows.map((r) => r.settledMs).sort((a, b) => a - b);
  const first = rows.map((r) => r.firstFrameMs).sort((a, b) => a - b);
  const pct = (v: number[], p: number) => v[Math.min(v.length - 1, Math.ceil(v.length * p) - 1)].toFixed(1);
  console.log(`key → next frame: p50 ${pct(first, 0.5)} ms, max ${pct(first, 1)} ms; key → all rows at new resolution: p50 ${pct(settled, 0.5)} ms, p95 ${pct(settled, 0.95)} ms, max ${pct(settled, 1)} ms`);
} finally {
  await browser.close();
  serve.kill('SIGINT');
}

async function settle(page: Page): Promise<void> {
  await page.getByTestId('timeline-rows').locator('li').first().waitFor({ state: 'attached', timeout: 60_000 });
  await page.waitForFunction(() => document.querySelector<HTMLElement>('[data-testid="timeline-stage"]')?.dataset.pending === '0', undefined, { timeout: 60_000 });
}

/** Presses `key` in the page and times the frames that follow, with the page's clock. */
async function step(page: Page, key: string): Promise<{ span: string; firstFrameMs: number; settledMs: number }> {
  // A string, not a function: tsx's helpers (__name) do not exist in the page.
  return page.evaluate(`new Promise((resolve) => {
    const stage = document.querySelector('[data-testid="timeline-stage"]');
    const before = Number(stage.dataset.drawnAt);
    const started = performance.now();
    window.dispatchEvent(new KeyboardEvent('keydown', { key: ${JSON.stringify(key)}, bubbles: true }));
    let first = 0;
    function poll() {
      const drawn = Number(stage.dataset.drawnAt);
      if (drawn > before && first === 0) first = drawn - started;
      // Settled: drawn after the press with nothing pending, once the debounce has passed.
      if (drawn > before && stage.dataset.pending === '0' && performance.now() - started > 60) {
        const span = Number(stage.dataset.t1) - Number(stage.dataset.t0);
        const text = span >= 1e9 ? (span / 1e9).toFixed(2) + ' s' : span >= 1e6 ? (span / 1e6).toFixed(2) + ' ms' : (span / 1e3).toFixed(1) + ' µs';
        resolve({ span: text, firstFrameMs: Math.round(first * 10) / 10, settledMs: Math.round((drawn - started) * 10) / 10 });
        return;
      }
      requestAnimationFrame(poll);
    }
    requestAnimationFrame(poll);
  })`);
}
