// Worker-thread entry of index jobs (see index-jobs.ts): indexes the files it is sent, one at a
// time, into the library, posting progress, and stops a job when its cancel flag is raised.

import { parentPort, workerData } from 'node:worker_threads';
import { DecodeError } from '../decode/errors.ts';
import { IndexCancelled, IndexStopped, Library, LibraryError, type IndexProgress } from '../index/library.ts';
import type { TraceSummary } from '../analyze/trace-summary.ts';
import { testHooksFromEnv } from '../index/test-hooks.ts';
import type { IndexWorkerData, IndexWorkerJob, IndexWorkerMessage } from './index-jobs.ts';
import { indexWithSnapshots, snapshotPlan } from './index-snapshots.ts';

const { libraryDir } = workerData as IndexWorkerData;
const post = (m: IndexWorkerMessage) => parentPort!.postMessage(m);
const testHooks = testHooksFromEnv();
const library = new Library(libraryDir, { testHooks });

parentPort!.on('message', ({ file, cancelFlag, force, stop, keepPartial, snapshots }: IndexWorkerJob) => {
  const cancelled = new Int32Array(cancelFlag);
  const onProgress = (progress: IndexProgress) => post({ type: 'progress', progress });
  const shouldCancel = () => Atomics.load(cancelled, 0) === 1;
  try {
    const { artefact, reused } = snapshots
      ? indexWithSnapshots(library, file, snapshotPlan(testHooks), { onProgress, shouldCancel, onSnapshot: (a) => post({ type: 'snapshot', artefact: a }) })
      : library.index(file, { onProgress, shouldCancel, force, stop, keepPartial });
    post({ type: 'done', artefact, reused });
  } catch (e) {
    if (e instanceof IndexCancelled) post({ type: 'cancelled' });
    else if (e instanceof IndexStopped) {
      post({ type: 'stopped', summary: e.content.summary as TraceSummary, partial: e.content.partial, totalBytes: e.totalBytes });
    } else if (e instanceof DecodeError || e instanceof LibraryError) {
      post({ type: 'failed', error: e.message, kind: e instanceof DecodeError ? 'decode' : 'library',
        decode: e instanceof DecodeError ? { file: e.file, offset: e.offset, code: e.code, detail: e.detail } : undefined });
    } else post({ type: 'failed', error: `${file}: indexing failed: ${e instanceof Error ? e.message : String(e)}`, kind: 'other' });
  }
});
