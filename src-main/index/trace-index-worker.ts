// Worker-thread entry of a large trace's indexing (see trace-artefact.ts): decodes the trace and
// forwards every row to the thread that owns the database.

import { workerData } from 'node:worker_threads';
import { RowForwarder } from './row-channel.ts';
import { indexTraceFile, type TraceIndexWorkerData } from './trace-artefact.ts';

const { file, port, signals } = workerData as TraceIndexWorkerData;
const forwarder = new RowForwarder(port, signals);
try {
  forwarder.finish(indexTraceFile(file, forwarder.sinks, (bytes, events) => forwarder.progress(bytes, events)));
} catch (e) {
  forwarder.fail(e);
}
