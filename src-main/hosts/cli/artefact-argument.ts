// A command's FILE|ARTEFACT argument: a file, indexed into the library now when it is not there
// yet (progress on a terminal), or a reference to an artefact of the library (its indexed file's
// path, its content hash, or a unique prefix of the hash).

import { existsSync, statSync } from 'node:fs';
import type { Artefact, Library } from '../../index/library.ts';
import { notePartial } from './partial.ts';
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
  // A file is indexed whole (a partial index never stands for it); a reference may name a partial index: say so.
  const artefact = lib.resolve(ref);
  notePartial(artefact);
  return artefact;
}
