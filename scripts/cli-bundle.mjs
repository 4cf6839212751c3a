// Where the compiled CLI lives and whether it is current; imported by bin/goroscope.mjs at every
// call, so it does no more than read one small JSON file and stat the bundle's own sources.
//
// scripts/build-cli.mjs bundles the CLI, its worker threads and the benchmark children with
// esbuild into a directory of its own under dist/cli/ (b-<time>-<pid>/), then points
// dist/cli/current.json at it by an atomic rename. current.json also lists every source file the
// bundle was built from (esbuild's metafile, node_modules/.package-lock.json standing for the
// dependencies) and when the build started. The bundle is current while none of those files is
// missing or was modified after that moment (less a margin for the file system's coarse clock).
// A build never changes a directory a process may be running from: a CLI and the workers it
// starts later always come from the same build. A process running from a build leaves a
// `.pid-<pid>` file in its directory while it runs (claimBundleDir); a build that is no longer
// current is removed by the next build once no process that claimed it is alive.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CLI_DIR = path.join(ROOT, 'dist', 'cli');
export const STAMP = path.join(CLI_DIR, 'current.json');
/** File times come from the kernel's coarse clock, a tick behind Date.now(): a file written just as a build started counts as newer. */
export const CLOCK_MARGIN_MS = 100;

/**
 * @typedef {{ dir: string, startedMs: number, inputs: string[] }} Stamp
 * `dir` is the build's directory under dist/cli; `inputs` paths relative to the repository root.
 */

/** The stamp of the current build, or null if there is none (or it cannot be read). */
export function readStamp() {
  try {
    return /** @type {Stamp} */ (JSON.parse(fs.readFileSync(STAMP, 'utf8')));
  } catch {
    return null;
  }
}

/** The first input of `stamp` that is missing or newer than its build, or null when it is current. */
export function staleInput(stamp) {
  const since = stamp.startedMs - CLOCK_MARGIN_MS;
  for (const input of stamp.inputs) {
    let mtimeMs;
    try {
      mtimeMs = fs.statSync(path.join(ROOT, input)).mtimeMs;
    } catch {
      return input;
    }
    if (mtimeMs >= since) return input;
  }
  return null;
}

/** The directory of the current build when it is current and complete, else null. */
export function freshBundleDir() {
  const stamp = readStamp();
  if (!stamp || staleInput(stamp) !== null) return null;
  const dir = path.join(CLI_DIR, stamp.dir);
  return fs.existsSync(path.join(dir, 'goroscope.js')) ? dir : null;
}

/** Marks `dir` as used by this process until it exits, so that no later build removes it meanwhile. */
export function claimBundleDir(dir) {
  const marker = path.join(dir, `.pid-${process.pid}`);
  try {
    fs.writeFileSync(marker, '');
    process.once('exit', () => fs.rmSync(marker, { force: true }));
  } catch {
    // Removed under us (very old build): the caller's require fails and says so.
  }
}

/** Whether a process that claimed `dir` is still running. */
export function bundleDirInUse(dir) {
  let names;
  try {
    names = fs.readdirSync(dir);
  } catch {
    return false;
  }
  for (const name of names) {
    const m = /^\.pid-(\d+)$/.exec(name);
    if (!m) continue;
    try {
      process.kill(Number(m[1]), 0);
      return true;
    } catch (e) {
      if (e.code === 'EPERM') return true;
    }
  }
  return false;
}
