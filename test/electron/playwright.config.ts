// The Electron smoke test (test/electron/smoke.spec.ts), runnable on its own:
//   npx playwright test -c test/electron/playwright.config.ts
// It launches the real Electron binary and is skipped, with the reason, where none is installed.

import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  testMatch: 'smoke.spec.ts',
  outputDir: '../../test-results/electron',
  workers: 1,
  fullyParallel: false,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
});
