// The transport of trace-pipeline.ts's messages between its two threads: an indexer running in a
// worker thread writes into forwarding sinks, which send its rows in batches over a MessagePort;
// the thread that owns the database receives them synchronously (receiveMessageOnPort) and
// inserts them. Decoding and SQLite writes then run on two cores. Messages in flight are bounded,
// so memory is too.
//
// A batch is the rows' values as a plain array (structured clone, each blob copied into its own
// buffer). Batches packed into transferred typed arrays (numbers in a Float64Array, blobs in one
// byte buffer, value tags) cost ~120 lines more and gave no measurable gain in CPU time: see
// docs/architecture.md, issue 18 step 4.
//
// The channel also carries slabs of goroutine records (goroutine-events.ts) for the receiving
// thread's GoroutineIndexer: a pool of slabs in shared memory, filled in turn; a message names
// the slab it completes, after the row batches made before it, and the receiver counts the slabs
// it has read so that the sender reuses only those.

import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { DecodeError } from '../decode/errors.ts';
import type { IdleStep } from './artefact-kinds.ts';
import { ROWS_PER_STATEMENT, type RowSink, type RowSinks } from './batch-insert.ts';
import { RECORD_SLOTS, SLAB_RECORDS, type SlabChannel } from './goroutine-events.ts';
import type { DecoderMessage, ForwardedError, RowBatch, SlabRef, WriterReply } from './trace-pipeline.ts';

/**
 * Slots of the shared Int32Array: messages sent but not yet taken, messages ever sent, replies
 * ever sent back, and goroutine slabs ever consumed.
 */
const IN_FLIGHT = 0;
const POSTED = 1;
const REPLIED = 2;
const RELEASED = 3;
export const SIGNAL_BYTES = 16;
/** Goroutine slabs (goroutine-events.ts) in shared memory, filled in turn; one is reused once consumed. */
const SLAB_POOL = 16;
const SLAB_VALUES = SLAB_RECORDS * RECORD_SLOTS;

/** The `values` first values of slab number `seq` in the pool `memory`, where both ends find it. */
function slabView(memory: SharedArrayBuffer, seq: number, values: number): Float64Array {
  return new Float64Array(memory, (seq % SLAB_POOL) * SLAB_VALUES * Float64Array.BYTES_PER_ELEMENT, values);
}
/** At most this many messages wait for the writer (each ≤ BATCHES_PER_MESSAGE batches). */
const MAX_IN_FLIGHT = 16;
const BATCHES_PER_MESSAGE = 32;
/**
 * Progress goes out at most this often between full messages: it was sent every 4096 events,
 * 8 000 messages for a 168 MB trace at tens of µs each on the decoding thread.
 */
const PROGRESS_INTERVAL_MS = 50;
/** The writer gives up when the worker sends nothing for this long. */
const SILENCE_LIMIT_MS = 120_000;

/** The worker's end: sinks for the indexer, goroutine slabs, progress, and the outcome (`Result`). */
export class RowForwarder<Result = unknown> {
  private readonly signals: Int32Array;
  private newTables: { index: number; table: string; columns: readonly string[] }[] = [];
  private batches: RowBatch[] = [];
  private tableCount = 0;
  private latestProgress: [number, number] | null = null;
  private lastSent = 0;
  private slabMemory: SharedArrayBuffer | null = null;
  private slabMemorySent = false;
  private slabsSent = 0;
  private pendingSlab: SlabRef | null = null;

  constructor(private readonly port: MessagePort, signals: SharedArrayBuffer) {
    this.signals = new Int32Array(signals);
  }

  readonly sinks: RowSinks = (table, columns) => {
    const index = this.tableCount++;
    this.newTables.push({ index, table, columns });
    return new ForwardingSink(index, columns.length, (batch) => {
      this.batches.push(batch);
      if (this.batches.length >= BATCHES_PER_MESSAGE) this.send();
    });
  };

  /** Goroutine records for the writing thread's GoroutineIndexer (see RowReceiver). */
  readonly goroutineSlabs: SlabChannel = {
    acquire: () => {
      this.slabMemory ??= new SharedArrayBuffer(SLAB_POOL * SLAB_VALUES * Float64Array.BYTES_PER_ELEMENT);
      // The slab this one reuses must have been consumed.
      this.waitWhile(RELEASED, (released) => this.slabsSent - released >= SLAB_POOL);
      return slabView(this.slabMemory, this.slabsSent, SLAB_VALUES);
    },
    emit: (_slab, records) => {
      this.pendingSlab = { seq: this.slabsSent++, records };
      this.send();
    },
  };

  /** Records progress, sent with what is buffered within PROGRESS_INTERVAL_MS, so the writer sees it (and can cancel) promptly. */
  progress(bytes: number, items: number): void {
    this.latestProgress = [bytes, items];
    if (performance.now() - this.lastSent >= PROGRESS_INTERVAL_MS) this.send();
  }

  /**
   * Sends what is buffered, tells the writer that every row is sent, and waits for its reply (see
   * RowReceiver.receive): the two threads may then share the work that derives from all rows.
   */
  rowsComplete(): WriterReply {
    this.send();
    this.post({ type: 'rows-complete' });
    for (;;) {
      const replies = Atomics.load(this.signals, REPLIED);
      const reply = receiveMessageOnPort(this.port);
      if (reply) return reply.message as WriterReply;
      Atomics.wait(this.signals, REPLIED, replies, 1000);
    }
  }

  finish(result: Result): void {
    this.send();
    this.post({ type: 'done', result });
    this.port.close();
  }

  fail(e: unknown): void {
    const error: ForwardedError = e instanceof DecodeError
      ? { kind: 'decode', file: e.file, offset: e.offset, code: e.code, detail: e.detail }
      : { kind: 'other', message: e instanceof Error ? e.stack ?? e.message : String(e) };
    this.post({ type: 'failed', error });
    this.port.close();
  }

  private send(): void {
    if (this.batches.length === 0 && this.latestProgress === null && this.pendingSlab === null) return;
    const slabMemory = this.pendingSlab && !this.slabMemorySent ? this.slabMemory : null;
    this.post({ type: 'rows', tables: this.newTables, batches: this.batches, progress: this.latestProgress, slabMemory, slab: this.pendingSlab });
    if (slabMemory) this.slabMemorySent = true;
    this.newTables = [];
    this.batches = [];
    this.latestProgress = null;
    this.pendingSlab = null;
    this.lastSent = performance.now();
  }

  private post(m: DecoderMessage<Result>): void {
    // Backpressure: wait while the writer is behind.
    this.waitWhile(IN_FLIGHT, (n) => n >= MAX_IN_FLIGHT);
    Atomics.add(this.signals, IN_FLIGHT, 1);
    this.port.postMessage(m);
    Atomics.add(this.signals, POSTED, 1);
    Atomics.notify(this.signals, POSTED);
  }

  /** Waits while the receiver has not moved signal `slot` past where `busy` says to wait. */
  private waitWhile(slot: number, busy: (value: number) => boolean): void {
    for (let v = Atomics.load(this.signals, slot); busy(v); v = Atomics.load(this.signals, slot)) Atomics.wait(this.signals, slot, v, 1000);
  }
}

class ForwardingSink implements RowSink {
  private values: unknown[] = [];
  /** Values in a full batch. */
  private readonly capacity: number;

  constructor(private readonly index: number, private readonly columns: number, private readonly emit: (batch: RowBatch) => void) {
    this.capacity = ROWS_PER_STATEMENT * columns;
  }

  push(...values: unknown[]): void {
    if (values.length !== this.columns) throw new Error(`a row of ${values.length} values for ${this.columns} columns`);
    this.pushRows(values);
  }

  pushRows(values: readonly unknown[]): void {
    if (values.length % this.columns !== 0) throw new Error(`${values.length} values are not whole rows of ${this.columns} columns`);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      // A blob is read during the call (RowSink.push): copied into a buffer of its own, which the message clones.
      this.values.push(v instanceof Uint8Array ? v.slice() : v);
      // A full batch ends on a row: the capacity is whole rows.
      if (this.values.length === this.capacity) this.flush();
    }
  }

  flush(): void {
    if (this.values.length === 0) return;
    this.emit({ table: this.index, values: this.values });
    this.values = [];
  }
}

/** The database's end: inserts forwarded rows, and hands on goroutine slabs, until the worker is done with its `Result`. */
export class RowReceiver<Result = unknown> {
  private readonly signals: Int32Array;
  private readonly inserters: RowSink[] = [];
  private slabMemory: SharedArrayBuffer | null = null;

  /**
   * `sinks`: where the rows go on this thread (sqliteSinks of the database, possibly wrapped);
   * `consumeSlab`: reads the records of a goroutine slab (valid during the call only).
   */
  constructor(private readonly sinks: RowSinks, private readonly port: MessagePort, signals: SharedArrayBuffer,
    private readonly consumeSlab: (slab: Float64Array, records: number) => void = () => {
      throw new Error('goroutine records sent to a receiver that takes none');
    }) {
    this.signals = new Int32Array(signals);
  }

  /**
   * Inserts rows as they come, reporting progress, until the worker's result arrives (returned)
   * or its error (thrown). While no rows wait, `idle` is called (and the wait skipped when it did
   * some work); when it says 'stop', this returns null at once (the caller ends the worker). When the worker says every row is sent (RowForwarder.rowsComplete), they are
   * all written, and `onRowsComplete` gets the function that replies to it; it may go on working
   * after replying, while the worker does too.
   */
  receive(onProgress: (bytes: number, items: number) => void, idle: () => IdleStep = () => false,
    onRowsComplete: (reply: (value: WriterReply) => void) => void = (reply) => reply({ type: 'sort-orders', values: null })): Result | null {
    let silentSince = performance.now();
    for (;;) {
      const posted = Atomics.load(this.signals, POSTED);
      const received = receiveMessageOnPort(this.port);
      if (!received) {
        const step = idle();
        if (step === 'stop') return null;
        if (step) continue;
        if (Atomics.wait(this.signals, POSTED, posted, 1000) === 'timed-out' && performance.now() - silentSince > SILENCE_LIMIT_MS) {
          throw new Error(`the indexing thread sent nothing for ${SILENCE_LIMIT_MS / 1000} s`);
        }
        continue;
      }
      silentSince = performance.now();
      Atomics.sub(this.signals, IN_FLIGHT, 1);
      Atomics.notify(this.signals, IN_FLIGHT);
      const m = received.message as DecoderMessage<Result>;
      switch (m.type) {
        case 'rows':
          for (const t of m.tables) this.inserters[t.index] = this.sinks(t.table, t.columns);
          for (const b of m.batches) this.inserters[b.table].pushRows(b.values);
          if (m.slabMemory) this.slabMemory = m.slabMemory;
          if (m.slab) this.takeSlab(m.slab);
          if (m.progress) onProgress(m.progress[0], m.progress[1]);
          break;
        case 'rows-complete':
          for (const ins of this.inserters) ins.flush();
          onRowsComplete((value) => {
            this.port.postMessage(value);
            Atomics.add(this.signals, REPLIED, 1);
            Atomics.notify(this.signals, REPLIED);
          });
          break;
        case 'done':
          for (const ins of this.inserters) ins.flush();
          return m.result;
        case 'failed':
          throw m.error.kind === 'decode' ? new DecodeError(m.error.file, m.error.offset, m.error.code, m.error.detail) : new Error(m.error.message);
      }
    }
  }

  private takeSlab({ seq, records }: SlabRef): void {
    if (!this.slabMemory) throw new Error('a goroutine slab before the slab memory');
    this.consumeSlab(slabView(this.slabMemory, seq, records * RECORD_SLOTS), records);
    Atomics.add(this.signals, RELEASED, 1);
    Atomics.notify(this.signals, RELEASED);
  }
}
