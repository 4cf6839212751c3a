#!/usr/bin/env node
// Bundles the Electron main process, its preload and the service's worker entries into
// dist/main/ with esbuild (see docs/offline-install.md for the packaged layout):
//   electron-main.cjs  the main process (package.json "main")
//   preload.cjs        the sandboxed preload: one CommonJS file that requires only 'electron'
//   index-worker.js    worker-thread entry of index jobs (src-main/service/index-jobs.ts)
//   trace-index-worker.js  worker-thread entry decoding a large trace (src-main/index/trace-pipeline.ts)
//   sql-worker.js      child-process entry of SQL queries (src-main/service/service.ts forks it)
//   read-worker.js     worker-thread entry of the service's read-only queries (src-main/service/read-pool.ts)
// `electron` is provided by the runtime; `better-sqlite3` stays external because it loads a
// native addon that electron-builder rebuilds for Electron's ABI and unpacks from the asar.

import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// The service locates its workers with import.meta.url, which CommonJS output does not have:
// each bundle gets it from its own file name.
const importMetaUrl = {
  banner: { js: 'const __goroscopeImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
  define: { 'import.meta.url': '__goroscopeImportMetaUrl' },
};

/** @type {import('esbuild').BuildOptions} The options of every Node bundle (scripts/build-cli.mjs builds with them too). */
export const nodeBundle = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  external: ['electron', 'better-sqlite3'],
  sourcemap: 'linked',
  logLevel: 'warning',
  // start-worker.ts resolves tsx only when running from sources, never in a bundle.
  logOverride: { 'empty-import-meta': 'silent' },
  ...importMetaUrl,
};

/** @type {[string, string, import('esbuild').BuildOptions][]} */
const bundles = [
  ['src-main/hosts/electron/main.ts', 'electron-main.cjs', nodeBundle],
  ['src-main/service/index-worker.ts', 'index-worker.js', nodeBundle],
  ['src-main/index/trace-index-worker.ts', 'trace-index-worker.js', nodeBundle],
  ['src-main/service/sql-worker.ts', 'sql-worker.js', nodeBundle],
  ['src-main/service/read-worker.ts', 'read-worker.js', nodeBundle],
  // A sandboxed preload has no Node: built for the browser, so a Node import fails the build.
  ['src-main/hosts/electron/preload.ts', 'preload.cjs', {
    bundle: true, platform: 'browser', format: 'cjs', target: 'chrome130', external: ['electron'], sourcemap: 'inline', logLevel: 'warning',
  }],
];

/** Builds into `outDir` (dist/main unless a test asks for another; `--out DIR` on the command line). */
export async function buildMain(outDir = path.join(root, 'dist', 'main')) {
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  // The repository is "type": "module"; the bundles here are CommonJS whatever their extension.
  fs.writeFileSync(path.join(outDir, 'package.json'), JSON.stringify({ type: 'commonjs' }, null, 2) + '\n');
  const sizes = [];
  for (const [entry, out, options] of bundles) {
    const outfile = path.join(outDir, out);
    await esbuild.build({ ...options, entryPoints: [path.join(root, entry)], outfile, absWorkingDir: root });
    sizes.push(`${out} ${(fs.statSync(outfile).size / 1024).toFixed(0)} KiB`);
  }
  return sizes;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const at = process.argv.indexOf('--out');
  const outDir = at > 0 && process.argv[at + 1] ? path.resolve(process.argv[at + 1]) : undefined;
  const sizes = await buildMain(outDir);
  console.log(`${path.relative(root, outDir ?? path.join(root, 'dist', 'main'))}: ${sizes.join(', ')} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
