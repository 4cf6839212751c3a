// Smoke test of the desktop app in real Electron (Playwright's Electron support): launch on a
// fresh (empty) library, the window and its library view with the first-run sample indexed, its
// overview with the numbers `goroscope stats --json` prints, the timeline drawn, the bridge present
// while Node is not, the CSP header on the app's pages, no request leaving the app (and remote
// ones cancelled), navigation and new windows denied, and a clean quit (exit status 0).
//
// It runs the app from the source tree (`npm run build` first), or the packaged app when
// GOROSCOPE_SMOKE_APP names its executable (the release workflow sets it after `npm run dist`:
// dist/installers/linux-unpacked/goroscope-app, …/mac*/Goroscope.app/Contents/MacOS/Goroscope,
// …/win-unpacked/Goroscope.exe). Where neither the Electron binary nor a packaged app exists
// (machines that cannot download it), the test is reported as skipped with the reason.
//
// Run: npx playwright test -c test/electron/playwright.config.ts

import { _electron as electron, expect, test, type ElectronApplication } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectronBinary } from '../../src-main/hosts/electron/electron-binary.ts';
import { RENDERER_METHODS } from '../../src-renderer/api/client.ts';
import { statsJson } from '../e2e/serve-process.ts';

const root = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
const packaged = process.env.GOROSCOPE_SMOKE_APP ?? '';
const binary = findElectronBinary(path.dirname(createRequire(path.join(root, 'package.json')).resolve('electron/package.json')));
const skipReason = packaged !== ''
  ? (fs.existsSync(packaged) ? '' : `GOROSCOPE_SMOKE_APP names no file: ${packaged}`)
  : (binary.found ? '' : `Electron binary not installed: ${binary.reason} (docs/offline-install.md)`);

test.skip(skipReason !== '', skipReason);

let app: ElectronApplication;
let library: string;
/** Every request the app's pages completed (a request that left the app would be one). */
const completed: string[] = [];

test.beforeAll(async () => {
  if (packaged === '') {
    const build = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '--silent', 'build'], { cwd: root, encoding: 'utf8', shell: process.platform === 'win32' });
    expect(build.status, build.stderr).toBe(0);
  }
  library = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-electron-smoke-'));
  // ELECTRON_RUN_AS_NODE (set by some tools) would start a plain Node instead of the app.
  const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && e[0] !== 'ELECTRON_RUN_AS_NODE'));
  // Chromium refuses to start as root with its sandbox on (containers, CI); on Linux it also needs a display (xvfb-run).
  const asRoot = process.platform === 'linux' && process.getuid?.() === 0;
  app = await electron.launch(packaged !== ''
    ? { executablePath: packaged, args: [...(asRoot ? ['--no-sandbox'] : []), '--library', library], env }
    : { executablePath: binary.found ? binary.executable : undefined, args: [root, ...(asRoot ? ['--no-sandbox'] : []), '--library', library], env, cwd: root });
  app.context().on('requestfinished', (r) => completed.push(r.url()));
});

test.afterAll(async () => {
  if (app && app.process().exitCode === null) await app.close();
  if (library) fs.rmSync(library, { recursive: true, force: true });
});

test('the window opens on the library view and indexes the sample on first run', async () => {
  const page = await app.firstWindow();
  expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0].getTitle())).toMatch(/^Goroscope/);
  expect(page.url()).toBe('app://goroscope/index.html');
  await expect(page.getByRole('heading', { name: 'Library' })).toBeVisible();
  await expect(page.getByTestId('artefact-row').filter({ hasText: 'sample.trace' })).toBeVisible({ timeout: 60_000 });
  await page.screenshot({ path: test.info().outputPath('library.png') });
  // The library was empty: it holds exactly the bundled sample (assets/sample, README aside).
  const bundled = fs.readdirSync(path.join(root, 'assets', 'sample')).filter((f) => f !== 'README.md').sort();
  await expect.poll(async () => (await page.evaluate(() => window.goroscope!.listArtefacts())).map((a) => a.name).sort(), { timeout: 60_000 }).toEqual(bundled);
});

test('the sample\'s overview shows the numbers of goroscope stats --json, and its timeline draws', async () => {
  const page = await app.firstWindow();
  const stats = statsJson(path.join(root, 'assets', 'sample', 'sample.trace'));
  await page.getByTestId('artefact-row').filter({ hasText: 'sample.trace' }).getByRole('button', { name: 'Open' }).click();
  await expect(page.getByTestId('trace-cards')).toBeVisible({ timeout: 60_000 });
  for (const field of ['durationNs', 'goroutines', 'goroutinesAliveAtEnd', 'gcCycles', 'stwTotalNs', 'stwMaxNs', 'events', 'maxHeapGoalBytes']) {
    await expect(page.getByTestId(`card-${field}`), field).toHaveAttribute('data-value', String(stats[field]));
  }
  await page.getByTestId('nav-timeline').click();
  await expect(page.getByTestId('timeline-canvas')).toBeVisible();
  await expect(page.getByTestId('timeline-stage')).toHaveAttribute('data-settled', 'true', { timeout: 60_000 });
  await expect(page.getByTestId('timeline-rows').locator('li').first()).toBeAttached();
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath('timeline.png') });
  // Everything the pages loaded so far came from the app itself.
  expect(completed.length).toBeGreaterThan(0);
  expect(completed.filter((u) => !/^(app:\/\/goroscope\/|data:|blob:)/.test(u))).toEqual([]);
});

test('the page reaches the service only through window.goroscope: no require, no process', async () => {
  const page = await app.firstWindow();
  const globals = await page.evaluate(() => ({
    require: typeof (globalThis as { require?: unknown }).require,
    process: typeof (globalThis as { process?: unknown }).process,
    module: typeof (globalThis as { module?: unknown }).module,
    bridge: Object.keys(window.goroscope ?? {}).sort(),
  }));
  expect(globals).toEqual({ require: 'undefined', process: 'undefined', module: 'undefined', bridge: [...RENDERER_METHODS, 'onIndexJob', 'pathForFile'].sort() });
  const artefacts = await page.evaluate(() => window.goroscope!.listArtefacts());
  expect(artefacts.map((a) => a.name)).toContain('sample.trace');
  // Validation in main: a relative path is refused with its one-line reason.
  await expect(page.evaluate(() => window.goroscope!.startIndex('relative/x.trace'))).rejects.toThrow(/path must be an absolute path/);
});

test('app pages carry the CSP; remote and file requests are cancelled', async () => {
  const page = await app.firstWindow();
  const csp = await page.evaluate(async () => (await fetch(location.href)).headers.get('content-security-policy'));
  expect(csp).toContain("default-src 'none'");
  expect(csp).not.toMatch(/https?:/);
  for (const url of ['https://example.com/', 'http://127.0.0.1:9/', 'file:///etc/hostname']) {
    const outcome = await page.evaluate(async (u) => fetch(u).then(() => 'loaded', () => 'refused'), url);
    expect(outcome, url).toBe('refused');
  }
});

test('the window cannot navigate away or open other windows', async () => {
  const page = await app.firstWindow();
  await page.evaluate(() => {
    window.open('https://example.com/');
    location.href = 'https://example.com/';
  });
  await page.waitForTimeout(500);
  expect(app.windows()).toHaveLength(1);
  expect(page.url()).toBe('app://goroscope/index.html');
});

test('no request left the app, and it quits cleanly', async () => {
  expect(completed.filter((u) => !/^(app:\/\/goroscope\/|data:|blob:)/.test(u))).toEqual([]);
  const exited = new Promise<number | null>((resolve) => app.process().once('exit', (code) => resolve(code)));
  await app.evaluate(({ app: electronApp }) => electronApp.quit());
  expect(await exited).toBe(0);
});
