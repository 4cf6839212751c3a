// `goroscope index` of one file, in a worker thread so that this thread's event loop hears Ctrl-C:
// the first SIGINT asks the indexing to stop at the trace's next generation boundary (what was
// read is kept marked partial with --keep-partial, and summarised either way); a second one
// cancels it outright. The library itself runs in the worker (service/index-worker.ts).

import { DecodeError } from '../../decode/errors.ts';
import { IndexCancelled, LibraryError, type Artefact, type IndexProgress, type PartialContent } from '../../index/library.ts';
import type { TraceSummary } from '../../service/types.ts';
import { indexInWorker } from '../../service/index-jobs.ts';

/** The shell's status for a command ended by SIGINT (128 + 2). */
export const EXIT_INTERRUPTED = 130;

export interface InterruptibleOptions {
  force: boolean;
  keepPartial: boolean;
  /** Stop after this many generations, as a Ctrl-C then would (tests: deterministic). */
  afterGenerations?: number;
}

export type Indexed =
  | { type: 'done'; artefact: Artefact; reused: boolean }
  | { type: 'stopped'; summary: TraceSummary; partial: PartialContent; totalBytes: number };

/** Indexes `file` into the library in `libraryDir`; throws what Library.index throws (DecodeError, LibraryError, IndexCancelled). */
export async function indexInterruptibly(libraryDir: string, file: string, options: InterruptibleOptions,
  onProgress: (p: IndexProgress) => void): Promise<Indexed> {
  const stopFlag = new SharedArrayBuffer(4);
  const cancelFlag = new SharedArrayBuffer(4);
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    Atomics.store(new Int32Array(interrupts === 1 ? stopFlag : cancelFlag), 0, 1);
  };
  process.on('SIGINT', onSigint);
  try {
    const m = await indexInWorker(libraryDir, {
      file, cancelFlag, force: options.force, keepPartial: options.keepPartial,
      stop: { flag: stopFlag, afterGenerations: options.afterGenerations },
    }, onProgress);
    switch (m.type) {
      case 'done': return { type: 'done', artefact: m.artefact, reused: m.reused };
      case 'stopped': return m;
      case 'cancelled': throw new IndexCancelled(file);
      case 'failed':
        if (m.decode) throw new DecodeError(m.decode.file, m.decode.offset, m.decode.code, m.decode.detail);
        if (m.kind === 'library') throw new LibraryError(m.error);
        throw new Error(m.error);
      default: throw new Error(`unexpected message from the indexing worker: ${m.type}`);
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
}
