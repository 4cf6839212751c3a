// End-to-end tests of the renderer against a real `goroscope serve`, in Debian's Chromium
// (/usr/bin/chromium: Playwright downloads nothing here). Screenshots go to test-results/.
// A second project runs the Electron smoke test (test/electron/, also runnable with its own
// config), which reports a skip with the reason where the Electron binary is not installed.

import { defineConfig } from '@playwright/test';

export default defineConfig({
  outputDir: 'test-results/e2e',
  // The machines have 2 shared cores; each worker runs its own server and index worker thread.
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    viewport: { width: 1360, height: 880 },
    screenshot: 'only-on-failure',
    trace: 'off',
    launchOptions: {
      executablePath: process.env.GOROSCOPE_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run', '--disable-quic'],
    },
  },
  projects: [
    { name: 'e2e', testDir: 'test/e2e' },
    // Builds the app and launches Electron: a longer timeout, its own output directory.
    { name: 'electron', testDir: 'test/electron', testMatch: 'smoke.spec.ts', timeout: 120_000, outputDir: 'test-results/electron' },
  ],
});
