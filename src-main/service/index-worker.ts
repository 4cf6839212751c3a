// Worker-thread entry of an index job (see index-jobs.ts): indexes one file into the library,
// posting progress, and stops when the shared cancel flag is raised.

import { parentPort, workerData } from 'node:worker_threads';
import { DecodeError } from '../decode/errors.ts';
import { IndexCancelled, Library, LibraryError } from '../index/library.ts';
import type { IndexWorkerData, IndexWorkerMessage } from './index-jobs.ts';

const { libraryDir, file, cancelFlag } = workerData as IndexWorkerData;
const cancelled = new Int32Array(cancelFlag);
const post = (m: IndexWorkerMessage) => parentPort!.postMessage(m);

const library = new Library(libraryDir);
try {
  const { artefact, reused } = library.index(file, {
    onProgress: (progress) => post({ type: 'progress', progress }),
    shouldCancel: () => Atomics.load(cancelled, 0) === 1,
  });
  post({ type: 'done', artefact, reused });
} catch (e) {
  if (e instanceof IndexCancelled) post({ type: 'cancelled' });
  else if (e instanceof DecodeError || e instanceof LibraryError) post({ type: 'failed', error: e.message });
  else post({ type: 'failed', error: `${file}: indexing failed: ${e instanceof Error ? e.message : String(e)}` });
} finally {
  library.close();
}
