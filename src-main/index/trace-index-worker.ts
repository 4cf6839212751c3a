// Worker-thread entry of a large trace's indexing (see trace-artefact.ts): decodes the trace and
// forwards every row and goroutine record to the thread that owns the database.

import { workerData } from 'node:worker_threads';
import { sortSharedOrders, type SharedGoroutineValues } from './goroutine-orders.ts';
import { RowForwarder } from './row-channel.ts';
import { DECODER_SORTED_ORDERS, indexTraceFile, type TraceIndexWorkerData } from './trace-artefact.ts';

const { file, port, signals, stop } = workerData as TraceIndexWorkerData;
const forwarder = new RowForwarder(port, signals);
try {
  const content = indexTraceFile(file, forwarder.sinks, forwarder.goroutineSlabs, (bytes, events) => forwarder.progress(bytes, events), stop);
  // The writing thread replies with the goroutines' values it collected, and sorts some of their orders meanwhile.
  const values = forwarder.rowsComplete() as SharedGoroutineValues | null;
  if (values) sortSharedOrders(values, DECODER_SORTED_ORDERS, forwarder.sinks);
  forwarder.finish(content);
} catch (e) {
  forwarder.fail(e);
}
