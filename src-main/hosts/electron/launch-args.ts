// The app's own command line: `goroscope-app [--library DIR] [FILE…]`. Chromium and Electron
// switches (--no-sandbox, --inspect…) share argv and are skipped. Pure, for tests.

import * as path from 'node:path';

export interface LaunchArgs {
  /** Library directory for the window (absolute), or null for the default library. */
  library: string | null;
  /** Files to index on launch (absolute). */
  files: string[];
}

/**
 * Reads the arguments after the executable (and, unpackaged, after the app path). Relative
 * paths are resolved against `cwd`, which for a second instance is that instance's directory.
 */
export function parseLaunchArgs(args: readonly string[], cwd: string): LaunchArgs {
  let library: string | null = null;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--library' && i + 1 < args.length) {
      library = path.resolve(cwd, args[++i]);
    } else if (a.startsWith('--library=')) {
      library = path.resolve(cwd, a.slice('--library='.length));
    } else if (a.startsWith('-')) {
      continue;
    } else {
      files.push(path.resolve(cwd, a));
    }
  }
  return { library, files };
}
