// Worker-thread entry of index jobs (see index-jobs.ts): indexes the files it is sent, one at a
// time, into the library, posting progress, and stops a job when its cancel flag is raised.

import { parentPort, workerData } from 'node:worker_threads';
import { DecodeError } from '../decode/errors.ts';
import { IndexCancelled, Library, LibraryError } from '../index/library.ts';
import { testHooksFromEnv } from '../index/test-hooks.ts';
import type { IndexWorkerData, IndexWorkerJob, IndexWorkerMessage } from './index-jobs.ts';

const { libraryDir } = workerData as IndexWorkerData;
const post = (m: IndexWorkerMessage) => parentPort!.postMessage(m);
const library = new Library(libraryDir, { testHooks: testHooksFromEnv() });

parentPort!.on('message', ({ file, cancelFlag }: IndexWorkerJob) => {
  const cancelled = new Int32Array(cancelFlag);
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
  }
});
