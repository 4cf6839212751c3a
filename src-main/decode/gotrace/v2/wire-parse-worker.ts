// Worker-thread entry of the wire-parsing thread (wire-parse-thread.ts starts it): reads the trace
// file ahead of the decoding thread, batch after batch, and writes every event batch's events,
// parsed into int32s (wire-events.ts), into a slot of the shared pool, then posts which. It stops
// and waits when it is ALLOWED_KIB ahead. Anything it cannot parse, or has no free slot for, it
// skips: the decoding thread decodes what is not posted itself, so every error is still found and
// worded by the decoding thread.

import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import { fileSource } from '../../source.ts';
import { HEADER_SIZE } from '../header.ts';
import { BatchReader } from './batch.ts';
import { parseEventBatch } from './wire-events.ts';
import {
  ALLOWED_KIB, POOL_SLOTS, PROGRESS, SLOT_INTS,
  type WireParseMessage, type WireParseWorkerData,
} from './wire-parse-protocol.ts';

const { path, port, control, pool } = workerData as WireParseWorkerData;
/** Read 1 MiB at a time: this reader keeps nothing past the batch it parses. */
const READ_CHUNK = 1 << 20;
const slots = Array.from({ length: POOL_SLOTS }, (_, i) => new Int32Array(pool, i * SLOT_INTS * 4, SLOT_INTS));
/** Slots the decoding thread is not reading, nor will. */
const free: number[] = slots.map((_, i) => POOL_SLOTS - 1 - i);
const wide: number[] = [];
let postedFrontier = -1;

function post(message: WireParseMessage): void {
  port.postMessage(message);
  postedFrontier = message.frontier;
  Atomics.add(control, PROGRESS, 1);
  Atomics.notify(control, PROGRESS);
}

function freeSlot(): number | undefined {
  for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) free.push(m.message as number);
  return free.pop();
}

function run(): void {
  const source = fileSource(path);
  try {
    const batches = new BatchReader(source, HEADER_SIZE, READ_CHUNK);
    for (;;) {
      // Say how far it got before waiting, so the decoding thread never waits for a batch passed over.
      for (let allowed; batches.offset > (allowed = Atomics.load(control, ALLOWED_KIB)) * 1024;) {
        if (postedFrontier < batches.offset) post({ frontier: batches.offset });
        Atomics.wait(control, ALLOWED_KIB, allowed);
      }
      const b = batches.next();
      if (b === 'eof') return;
      if (b === 'end-of-generation') continue;
      // Chunks of earlier generations are free: nothing here keeps their batches.
      batches.release(b.gen);
      if (b.exp !== 0 || b.data.length === 0) continue;
      const slot = freeSlot();
      if (slot === undefined) continue;
      wide.length = 0;
      const length = parseEventBatch(b.data, slots[slot], wide);
      if (length < 0) {
        free.push(slot);
        continue;
      }
      post({ dataOffset: b.dataOffset, slot, length, wide: wide.length > 0 ? wide.slice() : null, frontier: batches.offset });
    }
  } finally {
    source.close();
  }
}

try {
  run();
} catch {
  // A framing error: the decoding thread meets it too, and reports it.
} finally {
  post({ frontier: Infinity });
}
