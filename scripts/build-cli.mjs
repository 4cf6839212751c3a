#!/usr/bin/env node
// Compiles the CLI, the worker threads and processes it starts, and the benchmarks' child
// processes with esbuild, so none of them runs TypeScript through tsx (see scripts/cli-bundle.mjs
// for where the build goes and when it is current). Run by `npm ci`/`npm install` (the prepare
// script), by `npm test` before the tests, by the benchmarks, and by bin/goroscope.mjs itself when
// a source is newer than the build.
//
//   node scripts/build-cli.mjs            builds unless the current build is up to date
//   node scripts/build-cli.mjs --force    builds anyway
//
// In dist/cli/b-<time>-<pid>/:
//   goroscope.js           the CLI (src-main/hosts/cli/main.ts; bin/goroscope.mjs calls its main)
//   index-worker.js        worker thread of index jobs (src-main/service/index-worker.ts)
//   trace-index-worker.js  worker thread decoding a large trace (src-main/index/trace-index-worker.ts)
//   sql-worker.js          child process of SQL queries (src-main/service/sql-worker.ts)
//   decode-child.mjs, index-child.mjs, query-child.mjs   the benchmarks' children (bench/)
// Workers are found beside the module that starts them (src-main/runtime/start-worker.ts), so
// they are bundled under the same names as in dist/main. The benchmark children are ES modules
// (query-child.ts awaits at top level); the rest is CommonJS, as the Electron bundles are.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI_DIR, ROOT, STAMP, bundleDirInUse, freshBundleDir, readStamp } from './cli-bundle.mjs';

const COMMONJS_ENTRIES = {
  goroscope: 'src-main/hosts/cli/main.ts',
  'index-worker': 'src-main/service/index-worker.ts',
  'trace-index-worker': 'src-main/index/trace-index-worker.ts',
  'sql-worker': 'src-main/service/sql-worker.ts',
};
const MODULE_ENTRIES = {
  'decode-child': 'bench/decode-child.ts',
  'index-child': 'bench/index-child.ts',
  'query-child': 'bench/query-child.ts',
};
/** Files that change the build without being its inputs: the dependencies as installed, and these scripts. */
const BUILD_INPUTS = ['node_modules/.package-lock.json', 'scripts/build-cli.mjs', 'scripts/build-main.mjs', 'scripts/cli-bundle.mjs'];
/** A build that is no longer current is kept this long after it was made even when unclaimed (a process may have just read the stamp naming it). */
const KEEP_OLD_MS = 60 * 1000;
/** Held while building; a lock older than this was left by a build that died. */
const LOCK = path.join(CLI_DIR, 'build.lock');
const LOCK_STALE_MS = 120 * 1000;

const withRoot = (entries) => Object.fromEntries(Object.entries(entries).map(([name, file]) => [name, path.join(ROOT, file)]));

/** Builds into a new directory and makes it current. Returns that directory. */
export async function buildCli({ logLevel = 'warning' } = {}) {
  // Imported here: without esbuild (an install without devDependencies) the launcher still runs the sources.
  const esbuild = await import('esbuild');
  const { nodeBundle: electronBundle } = await import('./build-main.mjs');
  // The CLI runs on the system's Node (package.json engines), not on Electron's.
  const nodeBundle = { ...electronBundle, target: 'node20' };
  const startedMs = Date.now();
  const dir = `b-${startedMs}-${process.pid}`;
  const outdir = path.join(CLI_DIR, dir);
  fs.mkdirSync(outdir, { recursive: true });
  try {
    fs.writeFileSync(path.join(outdir, 'package.json'), JSON.stringify({ type: 'commonjs' }, null, 2) + '\n');
    const common = await esbuild.build({
      ...nodeBundle, logLevel, entryPoints: withRoot(COMMONJS_ENTRIES), outdir, metafile: true, absWorkingDir: ROOT,
    });
    const modules = await esbuild.build({
      ...nodeBundle, logLevel, format: 'esm', outExtension: { '.js': '.mjs' }, entryPoints: withRoot(MODULE_ENTRIES), outdir,
      metafile: true, absWorkingDir: ROOT, define: {},
      // Bundled CommonJS dependencies (protobufjs) call require, which an ES module does not have.
      banner: { js: 'import { createRequire as __goroscopeCreateRequire } from "node:module"; const require = __goroscopeCreateRequire(import.meta.url);' },
    });
    const sources = new Set([...Object.keys(common.metafile.inputs), ...Object.keys(modules.metafile.inputs)]
      .filter((input) => !input.startsWith('node_modules/')));
    const inputs = [...[...sources].sort(), ...BUILD_INPUTS.filter((f) => fs.existsSync(path.join(ROOT, f)))];
    const tmp = `${STAMP}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ dir, startedMs, inputs }, null, 1) + '\n');
    fs.renameSync(tmp, STAMP);
  } catch (e) {
    fs.rmSync(outdir, { recursive: true, force: true });
    throw e;
  }
  removeOldBuilds(dir);
  return outdir;
}

function removeOldBuilds(current) {
  for (const name of fs.readdirSync(CLI_DIR)) {
    const m = /^b-(\d+)-\d+$/.exec(name);
    if (!m || name === current || Date.now() - Number(m[1]) < KEEP_OLD_MS) continue;
    if (readStamp()?.dir === name || bundleDirInUse(path.join(CLI_DIR, name))) continue;
    fs.rmSync(path.join(CLI_DIR, name), { recursive: true, force: true });
  }
}

function takeLock() {
  fs.mkdirSync(CLI_DIR, { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.closeSync(fs.openSync(LOCK, 'wx'));
      return true;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      try {
        if (Date.now() - fs.statSync(LOCK).mtimeMs < LOCK_STALE_MS) return false;
        fs.unlinkSync(LOCK);
      } catch {
        // Released meanwhile: try again.
      }
    }
  }
  return false;
}

/**
 * The directory of a current build, building one first when the sources are newer (one process
 * at a time builds). When another process is building: with `wait`, waits for it; without, returns null.
 */
export async function ensureCliBundle({ wait = true, logLevel = 'warning' } = {}) {
  for (;;) {
    const fresh = freshBundleDir();
    if (fresh) return fresh;
    if (takeLock()) {
      try {
        return freshBundleDir() ?? await buildCli({ logLevel });
      } finally {
        fs.rmSync(LOCK, { force: true });
      }
    }
    if (!wait) return null;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const force = process.argv.includes('--force');
  const before = readStamp()?.dir;
  let dir;
  try {
    dir = force ? await buildCli() : await ensureCliBundle();
  } catch (e) {
    if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes("'esbuild'")) throw e;
    // `npm ci --omit=dev` runs this too (prepare): not an error there.
    console.log('esbuild is not installed: goroscope will run its TypeScript sources through tsx');
    process.exit(0);
  }
  const built = force || path.basename(dir) !== before;
  console.log(`${path.relative(ROOT, dir)}: ${built ? 'built' : 'up to date'} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
