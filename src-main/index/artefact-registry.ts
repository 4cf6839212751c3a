// Every artefact kind the library can index, in the order their sniffers are tried: traces by
// their header, profiles by gzip or protobuf framing, dumps by their text. Other text goes to
// the dump decoder too, which finds a dump anywhere in a log file (beyond the sniffed bytes)
// or says that it found none.

import { DecodeError, describeLeadingBytes } from '../decode/errors.ts';
import type { ArtefactIndexer } from './artefact-kinds.ts';
import { dumpIndexer } from './dump-indexer.ts';
import { profileIndexer } from './profile-indexer.ts';
import { traceIndexer } from './trace-artefact.ts';

export const ARTEFACT_INDEXERS: readonly ArtefactIndexer[] = [traceIndexer, profileIndexer, dumpIndexer];

/** The indexer for `file`, which starts with `head`; a DecodeError when no kind recognises it. */
export function indexerFor(file: string, head: Uint8Array): ArtefactIndexer {
  const kind = ARTEFACT_INDEXERS.find((k) => k.sniff(head));
  if (kind) return kind;
  if (head.length > 0 && isText(head)) return dumpIndexer;
  if (head.length === 0) throw new DecodeError(file, 0, 'empty', 'empty file: expected a Go execution trace, pprof profile or goroutine dump');
  throw new DecodeError(file, 0, 'wrong-type',
    `unrecognised file: expected a Go execution trace, pprof profile or goroutine dump, found ${describeLeadingBytes(head)}`);
}

/** No NUL or other control bytes but tab, CR, LF and ESC (log colours): text, perhaps a log with a dump. */
function isText(head: Uint8Array): boolean {
  for (const b of head) if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x1b) return false;
  return true;
}
