// The decoding thread's side of the wire-parsing thread: the uvarints of the event batches ahead
// are decoded on a worker (wire-parse-worker.ts) while this thread orders the events of the
// current generation, which then reads each event as a few int32s (BatchCursor). Measured on a
// 168 MB trace: see bench/README.md (bench:decode). Only worth a thread on large files.

import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { startWorker } from '../../../runtime/start-worker.ts';
import type { ParsedBatch } from './wire-events.ts';
import {
  ALLOWED_KIB, CONTROL_SLOTS, POOL_SLOTS, PROGRESS, SLOT_INTS, WINDOW_BYTES,
  type ParsedBatchMessage, type WireParseMessage, type WireParseWorkerData,
} from './wire-parse-protocol.ts';

/** A worker silent this long is taken for dead: the rest is decoded on this thread. */
const STALL_MS = 60_000;
const NO_WIDE: readonly number[] = Object.freeze([]);

/** Where BatchCursor gets the parsed events of a batch, and gives them back when done. */
export interface ParsedBatchSource {
  /** The batch whose body starts at this file offset, parsed; null: decode it yourself. */
  take(dataOffset: number): ParsedBatch | null;
  recycle(batch: ParsedBatch): void;
}

interface PooledBatch extends ParsedBatch {
  readonly slot: number;
}

export class WireParseThread implements ParsedBatchSource {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly control = new Int32Array(new SharedArrayBuffer(CONTROL_SLOTS * 4));
  private readonly slots: Int32Array[];
  /** Parsed batches not taken yet, by file offset of their body. */
  private readonly parsed = new Map<number, ParsedBatchMessage>();
  /** Batches with a body before this offset have all arrived or never will. */
  private frontier = 0;
  /** The worker's limit (ALLOWED_KIB), in bytes. */
  private allowed = 0;
  private closed = false;

  constructor(path: string) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const pool = new SharedArrayBuffer(POOL_SLOTS * SLOT_INTS * 4);
    this.slots = Array.from({ length: POOL_SLOTS }, (_, i) => new Int32Array(pool, i * SLOT_INTS * 4, SLOT_INTS));
    this.allow(0);
    const data: WireParseWorkerData = { path, port: port2, control: this.control, pool };
    this.worker = startWorker(import.meta.url, 'wire-parse-worker', { workerData: data, transferList: [port2] });
    // Never what keeps a process alive: a reader dropped without close() leaves it waiting.
    this.worker.unref();
    this.port.unref();
  }

  take(dataOffset: number): ParsedBatch | null {
    if (this.closed) return null;
    this.allow(dataOffset);
    for (;;) {
      const seen = Atomics.load(this.control, PROGRESS);
      this.receive();
      const m = this.parsed.get(dataOffset);
      if (m) {
        this.parsed.delete(dataOffset);
        const batch: PooledBatch = { dataOffset, ints: this.slots[m.slot], length: m.length, wide: m.wide ?? NO_WIDE, slot: m.slot };
        return batch;
      }
      if (this.frontier > dataOffset) return null;
      if (Atomics.wait(this.control, PROGRESS, seen, STALL_MS) === 'timed-out') {
        this.frontier = Infinity;
        return null;
      }
    }
  }

  recycle(batch: ParsedBatch): void {
    if (!this.closed) this.port.postMessage((batch as PooledBatch).slot);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.parsed.clear();
    this.port.close();
    void this.worker.terminate();
  }

  /** Lets the worker parse up to WINDOW_BYTES past `offset`, in steps of half that (each step wakes it). */
  private allow(offset: number): void {
    if (offset + WINDOW_BYTES / 2 <= this.allowed) return;
    this.allowed = offset + WINDOW_BYTES;
    Atomics.store(this.control, ALLOWED_KIB, Math.ceil(this.allowed / 1024));
    Atomics.notify(this.control, ALLOWED_KIB);
  }

  private receive(): void {
    for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
      const message = m.message as WireParseMessage;
      if ('slot' in message) this.parsed.set(message.dataOffset, message);
      this.frontier = message.frontier;
    }
  }
}
