// A command's FILE|ARTEFACT argument: a file, indexed into the library now when it is not there
// yet (progress on a terminal), or a reference to an artefact of the library (its indexed file's
// path, its content hash, or a unique prefix of the hash).

import { existsSync, statSync } from 'node:fs';
import type { Artefact, Library } from '../../index/library.ts';
import { ProgressLine } from './progress.ts';

export function artefactArgument(lib: Library, ref: string): Artefact {
  if (existsSync(ref) && statSync(ref).isFile()) {
    const progress = new ProgressLine(0);
    try {
      return lib.index(ref, { onProgress: (p) => progress.update(p.bytes, p.events, p.totalBytes) }).artefact;
    } finally {
      progress.done();
    }
  }
  return lib.resolve(ref);
}
