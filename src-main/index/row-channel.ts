// Rows across threads: an indexer running in a worker thread writes into forwarding sinks,
// which send its rows in batches over a MessagePort; the thread that owns the database receives
// them synchronously (receiveMessageOnPort) and inserts them. Decoding and SQLite writes then
// run on two cores. Messages in flight are bounded, so memory is too.
//
// Batches travel packed (PackedBatch): numbers in a Float64Array, blobs in one byte buffer,
// only strings as JS values, the typed arrays transferred rather than copied, instead of
// structured clones of rows with millions of small blobs among them. On a 168 MB trace the
// decoding thread then spends 0.5 s posting messages; the gain in total index time was within
// the VM's run-to-run noise.
//
// The channel also carries slabs of goroutine records (goroutine-events.ts) for the receiving
// thread's GoroutineIndexer: a pool of slabs in shared memory, filled in turn; a message names
// the slab it completes, after the row batches made before it, and the receiver counts the slabs
// it has read so that the sender reuses only those.

import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { DecodeError, type DecodeErrorCode } from '../decode/errors.ts';
import { ROWS_PER_STATEMENT, type RowSink, type RowSinks } from './batch-insert.ts';
import { RECORD_SLOTS, SLAB_RECORDS, type SlabChannel } from './goroutine-events.ts';
import { ByteWriter } from './varint.ts';

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

export type ForwardedError =
  | { kind: 'decode'; file: string; offset: number; code: DecodeErrorCode; detail: string }
  | { kind: 'other'; message: string };

/** Value tags of a packed batch. */
const NUMBER = 0;
const NULL = 1;
const STRING = 2;
const BLOB = 3;

/** Whole rows of one table: per value a tag, and its number, string or blob (in order). */
interface PackedBatch {
  readonly table: number;
  readonly tags: Uint8Array;
  /** NUMBER: the value; BLOB: its length in `bytes`. */
  readonly numbers: Float64Array;
  readonly bytes: Uint8Array;
  readonly strings: string[];
}

/** A slab of goroutine records: its sequence number (its place in the pool is seq mod SLAB_POOL) and records. */
interface SlabRef {
  readonly seq: number;
  readonly records: number;
}

type ChannelMessage =
  | {
    type: 'rows'; tables: { index: number; table: string; columns: readonly string[] }[]; batches: PackedBatch[]; progress: [number, number] | null;
    /** The slab pool, in the first message that carries a slab. */
    slabMemory: SharedArrayBuffer | null;
    /** Read after the batches, which were made before it. */
    slab: SlabRef | null;
  }
  | { type: 'rows-complete' }
  | { type: 'done'; result: unknown }
  | { type: 'failed'; error: ForwardedError };

/** The worker's end: sinks for the indexer, goroutine slabs, progress, and the outcome. */
export class RowForwarder {
  private readonly signals: Int32Array;
  private newTables: { index: number; table: string; columns: readonly string[] }[] = [];
  private batches: PackedBatch[] = [];
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
  rowsComplete(): unknown {
    this.send();
    this.post({ type: 'rows-complete' });
    for (;;) {
      const replies = Atomics.load(this.signals, REPLIED);
      const reply = receiveMessageOnPort(this.port);
      if (reply) return reply.message;
      Atomics.wait(this.signals, REPLIED, replies, 1000);
    }
  }

  finish(result: unknown): void {
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
    const transfer = this.batches.flatMap((b) => [b.tags.buffer, b.numbers.buffer, b.bytes.buffer] as ArrayBuffer[]);
    const slabMemory = this.pendingSlab && !this.slabMemorySent ? this.slabMemory : null;
    this.post({ type: 'rows', tables: this.newTables, batches: this.batches, progress: this.latestProgress, slabMemory, slab: this.pendingSlab },
      transfer);
    if (slabMemory) this.slabMemorySent = true;
    this.newTables = [];
    this.batches = [];
    this.latestProgress = null;
    this.pendingSlab = null;
    this.lastSent = performance.now();
  }

  private post(m: ChannelMessage, transfer: ArrayBuffer[] = []): void {
    // Backpressure: wait while the writer is behind.
    this.waitWhile(IN_FLIGHT, (n) => n >= MAX_IN_FLIGHT);
    Atomics.add(this.signals, IN_FLIGHT, 1);
    this.port.postMessage(m, transfer);
    Atomics.add(this.signals, POSTED, 1);
    Atomics.notify(this.signals, POSTED);
  }

  /** Waits while the receiver has not moved signal `slot` past where `busy` says to wait. */
  private waitWhile(slot: number, busy: (value: number) => boolean): void {
    for (let v = Atomics.load(this.signals, slot); busy(v); v = Atomics.load(this.signals, slot)) Atomics.wait(this.signals, slot, v, 1000);
  }
}

class ForwardingSink implements RowSink {
  private values = 0;
  private tags: Uint8Array;
  private numbers: Float64Array;
  private readonly bytes = new ByteWriter();
  private strings: string[] = [];

  /** Values in a full batch. */
  private readonly capacity: number;

  constructor(private readonly index: number, private readonly columns: number, private readonly emit: (batch: PackedBatch) => void) {
    this.capacity = ROWS_PER_STATEMENT * columns;
    this.tags = new Uint8Array(this.capacity);
    this.numbers = new Float64Array(this.capacity);
  }

  push(...values: unknown[]): void {
    if (values.length !== this.columns) throw new Error(`a row of ${values.length} values for ${this.columns} columns`);
    this.pushRows(values);
  }

  pushRows(values: readonly unknown[]): void {
    if (values.length % this.columns !== 0) throw new Error(`${values.length} values are not whole rows of ${this.columns} columns`);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      const k = this.values++;
      if (typeof v === 'number') {
        this.tags[k] = NUMBER;
        this.numbers[k] = v;
      } else if (v === null || v === undefined) {
        this.tags[k] = NULL;
      } else if (typeof v === 'string') {
        this.tags[k] = STRING;
        this.strings.push(v);
      } else if (v instanceof Uint8Array) {
        this.tags[k] = BLOB;
        this.numbers[k] = v.length;
        this.bytes.bytes(v);
      } else {
        throw new Error(`cannot forward a ${typeof v} value`);
      }
      // A full batch ends on a row: the capacity is whole rows.
      if (this.values === this.capacity) this.flush();
    }
  }

  flush(): void {
    if (this.values === 0) return;
    // Full batches hand over their arrays (transferred); a partial one hands over copies. Sizes
    // come from `capacity`: `emit` may post the batch at once, which detaches the arrays.
    const full = this.values === this.capacity;
    this.emit({
      table: this.index,
      tags: full ? this.tags : this.tags.slice(0, this.values),
      numbers: full ? this.numbers : this.numbers.slice(0, this.values),
      bytes: this.bytes.take(),
      strings: this.strings,
    });
    if (full) {
      this.tags = new Uint8Array(this.capacity);
      this.numbers = new Float64Array(this.capacity);
    }
    this.values = 0;
    this.strings = [];
  }
}

/** A packed batch's rows as one flat array of values, in column order. */
function unpack(b: PackedBatch): unknown[] {
  const out = new Array<unknown>(b.tags.length);
  let s = 0;
  let offset = 0;
  for (let i = 0; i < b.tags.length; i++) {
    switch (b.tags[i]) {
      case NUMBER: out[i] = b.numbers[i]; break;
      case NULL: out[i] = null; break;
      case STRING: out[i] = b.strings[s++]; break;
      default: {
        const n = b.numbers[i];
        out[i] = Buffer.from(b.bytes.buffer, b.bytes.byteOffset + offset, n);
        offset += n;
      }
    }
  }
  return out;
}

/** The database's end: inserts forwarded rows, and hands on goroutine slabs, until the worker is done. */
export class RowReceiver {
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
   * some work). When the worker says every row is sent (RowForwarder.rowsComplete), they are
   * all written, and `onRowsComplete` gets the function that replies to it; it may go on working
   * after replying, while the worker does too.
   */
  receive(onProgress: (bytes: number, items: number) => void, idle: () => boolean = () => false,
    onRowsComplete: (reply: (value: unknown) => void) => void = (reply) => reply(null)): unknown {
    let silentSince = performance.now();
    for (;;) {
      const posted = Atomics.load(this.signals, POSTED);
      const received = receiveMessageOnPort(this.port);
      if (!received) {
        if (idle()) continue;
        if (Atomics.wait(this.signals, POSTED, posted, 1000) === 'timed-out' && performance.now() - silentSince > SILENCE_LIMIT_MS) {
          throw new Error(`the indexing thread sent nothing for ${SILENCE_LIMIT_MS / 1000} s`);
        }
        continue;
      }
      silentSince = performance.now();
      Atomics.sub(this.signals, IN_FLIGHT, 1);
      Atomics.notify(this.signals, IN_FLIGHT);
      const m = received.message as ChannelMessage;
      switch (m.type) {
        case 'rows':
          for (const t of m.tables) this.inserters[t.index] = this.sinks(t.table, t.columns);
          for (const b of m.batches) this.inserters[b.table].pushRows(unpack(b));
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
