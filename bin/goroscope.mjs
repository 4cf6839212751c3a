#!/usr/bin/env node
// Launcher for the goroscope CLI. Runs the compiled CLI (dist/cli, built by `npm ci` through the
// prepare script: see scripts/build-cli.mjs) when it is current; when a source is newer than it
// (a checkout being edited), rebuilds it first (about a second, once), so a checkout never runs
// code older than its sources. It runs the TypeScript sources through tsx instead when the build
// cannot be made (no esbuild: a production install; a source that does not compile, whose error
// tsx then reports), while another process is building it, or with GOROSCOPE_FROM_SOURCES=1.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { claimBundleDir, freshBundleDir } from '../scripts/cli-bundle.mjs';

async function bundleDir() {
  if (process.env.GOROSCOPE_FROM_SOURCES === '1') return null;
  const fresh = freshBundleDir();
  if (fresh) return fresh;
  try {
    const { ensureCliBundle } = await import('../scripts/build-cli.mjs');
    return await ensureCliBundle({ wait: false, logLevel: 'silent' });
  } catch {
    return null;
  }
}

/** The compiled CLI's main, or undefined if its build was removed as it was being claimed (superseded meanwhile). */
function compiledMain(dir) {
  // Stack traces (GOROSCOPE_DEBUG=1) name the sources, through the bundle's source maps.
  if (process.env.GOROSCOPE_DEBUG) process.setSourceMapsEnabled(true);
  claimBundleDir(dir);
  try {
    return createRequire(import.meta.url)(path.join(dir, 'goroscope.js')).main;
  } catch (e) {
    if (e?.code !== 'MODULE_NOT_FOUND') throw e;
    return undefined;
  }
}

const dir = await bundleDir();
let main = dir ? compiledMain(dir) : undefined;
if (!main) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src-main/hosts/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
