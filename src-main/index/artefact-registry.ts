// Every artefact kind the library can index, in the order their sniffers are tried. A file that
// no kind recognises is handed to the first (traces), whose decoder says what it expected.

import type { ArtefactIndexer } from './artefact-kinds.ts';
import { traceIndexer } from './trace-artefact.ts';

export const ARTEFACT_INDEXERS: readonly ArtefactIndexer[] = [traceIndexer];

/** The indexer for a file that starts with `head`. */
export function indexerFor(head: Uint8Array): ArtefactIndexer {
  return ARTEFACT_INDEXERS.find((k) => k.sniff(head)) ?? ARTEFACT_INDEXERS[0];
}
