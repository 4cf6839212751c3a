// Worker side of the row channel's goroutine-slab test (row-channel.test.ts): writes RECORDS
// numbered records through the forwarder's slabs, more than its pool holds, and before every
// 50 000th record flushes a row that must reach the receiver before that record.

import { workerData } from 'node:worker_threads';
import { GoroutineEventWriter, RECORD_SLOTS } from '../../src-main/index/goroutine-events.ts';
import { RowForwarder } from '../../src-main/index/row-channel.ts';

const { port, signals, records } = workerData as { port: MessagePort & import('node:worker_threads').MessagePort; signals: SharedArrayBuffer; records: number };
const forwarder = new RowForwarder(port, signals);
const marks = forwarder.sinks('marks', ['before']);
const out = new GoroutineEventWriter(forwarder.goroutineSlabs);
for (let i = 0; i < records; i++) {
  if (i % 50_000 === 0) {
    marks.push(i);
    marks.flush();
  }
  const o = out.record(100 + (i % 7));
  for (let k = 1; k < RECORD_SLOTS; k++) out.slab[o + k] = i * RECORD_SLOTS + k;
}
out.flush();
forwarder.finish({ records });
