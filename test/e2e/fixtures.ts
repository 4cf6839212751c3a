// Playwright fixtures: a `goroscope serve` per worker (and a deliberately slow one for progress
// and cancel), every browser request recorded and checked to stay on 127.0.0.1, and helpers to
// open files the ways a user does.

import { test as base, expect, type Page } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, startServe, type ServeProcess } from './serve-process.ts';

export { expect };

export const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');

/**
 * Console errors a test provokes on purpose: the CSP refusing an inline script, and Chromium
 * logging the 400 of a query the service rejects (the SQL console's read-only check).
 */
const EXPECTED_CONSOLE_ERRORS = [/Content Security Policy/, /status of 400/];

interface WorkerFixtures {
  server: ServeProcess;
  /** A server whose indexing sleeps 150 ms every 4096 events (GOROSCOPE_TEST_SLOW_INDEXING): long enough to watch and cancel. */
  slowServer: ServeProcess;
}

interface TestFixtures {
  /** Every URL the page's context requested during the test. */
  requests: string[];
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  server: [async ({}, use) => {
    const s = await startServe();
    await use(s);
    await s.stop();
  }, { scope: 'worker' }],
  slowServer: [async ({}, use) => {
    const s = await startServe({ GOROSCOPE_TEST_SLOW_INDEXING: '150' });
    await use(s);
    await s.stop();
  }, { scope: 'worker' }],
  requests: [async ({ context }, use) => {
    const urls: string[] = [];
    const errors: string[] = [];
    context.on('request', (r) => urls.push(r.url()));
    // Uncaught exceptions and console errors (a CSP violation, a failed load) fail the test.
    context.on('page', (page) => {
      page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error' && !EXPECTED_CONSOLE_ERRORS.some((re) => re.test(m.text()))) errors.push(`console: ${m.text()}`);
      });
    });
    await use(urls);
    expect(errors, 'errors in the page').toEqual([]);
    // The app must never reach beyond the local server: no fonts, no updates, no telemetry.
    const outside = urls.filter((u) => !/^http:\/\/127\.0\.0\.1:\d+\//.test(u) && !u.startsWith('data:'));
    expect(outside, 'requests that left 127.0.0.1').toEqual([]);
  }, { auto: true }],
});

/** Opens the app the way a user does: the printed URL, token included. */
export async function openApp(page: Page, server: ServeProcess): Promise<void> {
  await page.goto(server.url);
  await expect(page.getByRole('heading', { name: 'Library' })).toBeVisible();
}

/** Drops files on the window as a file manager would: a DataTransfer built in the page from the files' bytes. */
export async function dropFiles(page: Page, files: { name: string; bytes: Buffer }[]): Promise<void> {
  await page.evaluate((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name));
    document.body.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, files.map((f) => ({ name: f.name, base64: f.bytes.toString('base64') })));
}

export function fixtureFile(relative: string): { path: string; name: string; bytes: Buffer } {
  const p = path.join(ROOT, 'test', 'fixtures', relative);
  return { path: p, name: path.basename(p), bytes: fs.readFileSync(p) };
}

export async function openByPath(page: Page, file: string): Promise<void> {
  await page.getByTestId('nav-library').click();
  await page.getByTestId('open-path').fill(file);
  await page.getByTestId('open-path').press('Enter');
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
