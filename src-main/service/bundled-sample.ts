// The bundled sample (assets/sample: a trace, a profile, goroutine dumps), which the hosts open
// into an empty library, so that the first launch shows something real.

import * as fs from 'node:fs';
import * as path from 'node:path';

/** The sample artefacts in `dir`, sorted by name (its README and dotfiles excluded). */
export function sampleFiles(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => !n.startsWith('.') && !/^readme/i.test(n))
    .sort()
    .map((n) => path.join(dir, n))
    .filter((f) => fs.statSync(f).isFile());
}
