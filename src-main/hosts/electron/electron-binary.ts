// Where the Electron executable is, found the way the electron package finds it, but without its
// side effect: `require('electron')` from plain Node downloads the binary when it is missing (and
// throws on a machine without internet). Used by scripts/start.mjs and the Electron smoke test.

import * as fs from 'node:fs';
import * as path from 'node:path';

export type ElectronBinary = { found: true; executable: string } | { found: false; reason: string };

/** The executable's path inside the electron package's dist/, per platform (as its install.js writes it). */
export function platformExecutable(platform: NodeJS.Platform): string {
  switch (platform) {
    case 'darwin': return 'Electron.app/Contents/MacOS/Electron';
    case 'win32': return 'electron.exe';
    default: return 'electron';
  }
}

/**
 * Looks for the binary of the electron package at `packageDir` (node_modules/electron):
 * `path.txt` names it once installed, under `dist/`, or under ELECTRON_OVERRIDE_DIST_PATH.
 */
export function findElectronBinary(packageDir: string, env: NodeJS.ProcessEnv = process.env, platform = process.platform): ElectronBinary {
  let relative: string | null = null;
  try {
    relative = fs.readFileSync(path.join(packageDir, 'path.txt'), 'utf8').trim();
  } catch {
    // Not installed through the package; an override directory may still hold it.
  }
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const executable = path.join(override, relative ?? platformExecutable(platform));
    return fs.existsSync(executable) ? { found: true, executable }
      : { found: false, reason: `ELECTRON_OVERRIDE_DIST_PATH is set but ${executable} does not exist` };
  }
  if (relative === null) {
    return { found: false, reason: `${path.join(packageDir, 'path.txt')} is missing: the Electron binary was never downloaded` };
  }
  const executable = path.join(packageDir, 'dist', relative);
  return fs.existsSync(executable) ? { found: true, executable }
    : { found: false, reason: `${executable} is missing: the Electron binary download did not complete` };
}
