// Worker-thread entry of a large trace's indexing: the decoding thread of trace-pipeline.ts.

import { workerData } from 'node:worker_threads';
import { runDecodingThread, type DecodingThreadStart } from './trace-pipeline.ts';

runDecodingThread(workerData as DecodingThreadStart);
