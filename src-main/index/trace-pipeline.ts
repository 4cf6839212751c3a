// Indexing a trace, stage by stage, and the messages between its two threads. The stages:
//
//   1. decode       the trace's events (decode/gotrace), turned into rows and goroutine records
//                   by the TraceIndexer (trace-decoding.ts, trace-indexer.ts)
//   2. follow       goroutines from their records (goroutine-indexer.ts: intervals, levels, totals)
//   3. write        every row into the index's database (batch-insert.ts), and on the way collect
//                   the values of the goroutine list's sort orders (goroutine-orders.ts)
//   4. sort orders  once every row is in, split between both threads
//
// A trace under THREAD_MIN_BYTES runs every stage on the calling thread (`directSlabs`). A larger
// one runs stage 1 on a worker thread (the decoding thread, trace-index-worker.ts) and stages 2–3
// here (the writing thread, which owns the database); row-channel.ts carries the messages below,
// rows in batches and goroutine records in slabs of shared memory, with backpressure. Stage 4 is
// shared: this thread sorts WRITER_SORTED_ORDERS, the decoding thread DECODER_SORTED_ORDERS.
//
// The protocol (→ decoding to writing thread, ← the reply):
//   → rows            batches of rows, progress, and the slab of goroutine records they precede
//   → rows-complete   every row is sent; the decoding thread waits for the reply
//   ← sort-orders     the collected sort values (shared memory), or null: the writer sorts them all
//   → done            the content (without the goroutine figures, which only stage 2 has)
//   → failed          a decode error (file, offset, what was expected) or another failure
// Stopping:
//   - partial   at a generation boundary, when `PartialStop` says (a generation count, or a shared
//               flag raised by Ctrl-C); the decoding thread finishes what it read and says `done`.
//   - moot      the writing thread's idle work (hashing the file) found the content indexed
//               already (IdleStep 'stop'): it stops reading and terminates the decoding thread,
//               whose work is then worth nothing; the indexing's result is null.
//   - cancel    `IndexContext.progress` throws IndexCancelled on the writing thread, which
//               terminates the decoding thread; the error propagates.

import { MessageChannel } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { DecodeErrorCode } from '../decode/errors.ts';
import { startWorker } from '../runtime/start-worker.ts';
import type { IndexContext, IndexedContent, PartialStop } from './artefact-kinds.ts';
import { sqliteSinks } from './batch-insert.ts';
import { directSlabs } from './goroutine-events.ts';
import { GoroutineIndexer, type GoroutineTotals } from './goroutine-indexer.ts';
import {
  collectGoroutineOrders, GOROUTINE_ORDER_COLUMNS, sortSharedOrders, type GoroutineOrderColumn, type SharedGoroutineValues,
} from './goroutine-orders.ts';
import { RowForwarder, RowReceiver, SIGNAL_BYTES } from './row-channel.ts';
import { indexTraceFile } from './trace-decoding.ts';

/**
 * Traces at least this large are decoded in a worker thread. Below it, starting the thread
 * costs more than it saves. GOROSCOPE_INDEX_THREAD_MIN_BYTES overrides it (tests use 0).
 */
export const THREAD_MIN_BYTES = Number(process.env.GOROSCOPE_INDEX_THREAD_MIN_BYTES ?? 8 << 20);

/**
 * The orders the decoding thread sorts once it has sent every row, while the writing thread
 * sorts the others (sorting all eight there took 1.7 s after decoding ended on a 168 MB trace).
 */
const DECODER_SORTED_ORDERS: readonly GoroutineOrderColumn[] = ['running_ns', 'runnable_ns', 'waiting_ns', 'syscall_ns'];
const WRITER_SORTED_ORDERS = GOROUTINE_ORDER_COLUMNS.filter((c) => !DECODER_SORTED_ORDERS.includes(c));

/** What the decoding thread starts with (its workerData). */
export interface DecodingThreadStart {
  file: string;
  port: MessagePort;
  /** row-channel.ts's counters (SIGNAL_BYTES), shared by both ends. */
  signals: SharedArrayBuffer;
  stop?: PartialStop;
}

/** A failure on the decoding thread, as it crosses to the writing thread (which throws it again). */
export type ForwardedError =
  | { kind: 'decode'; file: string; offset: number; code: DecodeErrorCode; detail: string }
  | { kind: 'other'; message: string };

/** Rows of one table, in column order: `table` is the table's number in the `tables` of earlier messages. */
export interface RowBatch {
  readonly table: number;
  readonly values: unknown[];
}

/** A slab of goroutine records: its sequence number (its place in the slab pool is seq mod the pool's size) and records. */
export interface SlabRef {
  readonly seq: number;
  readonly records: number;
}

/** Decoding thread → writing thread. `Result` is the content (a test of the channel alone sends its own). */
export type DecoderMessage<Result = IndexedContent> =
  | {
    type: 'rows';
    /** Tables first seen since the last message, numbered as the batches name them. */
    tables: { index: number; table: string; columns: readonly string[] }[];
    batches: RowBatch[];
    /** Bytes read and events decoded, the latest since the last message. */
    progress: [number, number] | null;
    /** The slab pool, in the first message that carries a slab. */
    slabMemory: SharedArrayBuffer | null;
    /** Read after the batches, which were made before it. */
    slab: SlabRef | null;
  }
  | { type: 'rows-complete' }
  | { type: 'done'; result: Result }
  | { type: 'failed'; error: ForwardedError };

/** Writing thread → decoding thread: the reply to rows-complete. */
export interface WriterReply {
  type: 'sort-orders';
  /** The goroutines' sort values; null when there were too many to sort in memory (the writer has SQLite sort them all). */
  values: SharedGoroutineValues | null;
}

/**
 * The writing thread's side, every stage's result: the content and the goroutines' figures, or
 * null when `ctx.idle` said to stop (the content is indexed already).
 */
export function indexTraceInStages(ctx: IndexContext): { content: IndexedContent; totals: GoroutineTotals } | null {
  const orders = collectGoroutineOrders(sqliteSinks(ctx.db));
  const sinks = orders.sinks;
  const goroutines = new GoroutineIndexer(sinks);
  const follow = (slab: Float64Array, records: number) => goroutines.consume(slab, records);
  if (ctx.size < THREAD_MIN_BYTES) {
    const content = indexTraceFile(ctx.file, sinks, directSlabs(follow), (bytes, n) => ctx.progress(bytes, n), ctx.stop);
    orders.write(ctx.db);
    return { content, totals: goroutines.totals };
  }
  const { port1, port2 } = new MessageChannel();
  const signals = new SharedArrayBuffer(SIGNAL_BYTES);
  const start: DecodingThreadStart = { file: ctx.file, port: port2, signals, stop: ctx.stop };
  const worker = startWorker(import.meta.url, 'trace-index-worker', { workerData: start, transferList: [port2] });
  try {
    const content = new RowReceiver<IndexedContent>(sinks, port1, signals, follow).receive(
      (bytes, n) => ctx.progress(bytes, n),
      // While waiting for rows: hash the file (which may find it indexed already), then ready the sorts' memory.
      () => {
        const step = ctx.idle();
        return step === false ? orders.prepare() : step;
      },
      (reply) => {
        const values = orders.shared();
        reply({ type: 'sort-orders', values });
        orders.write(ctx.db, values ? WRITER_SORTED_ORDERS : GOROUTINE_ORDER_COLUMNS);
      },
    );
    return content && { content, totals: goroutines.totals };
  } finally {
    port1.close();
    void worker.terminate();
  }
}

/** The decoding thread's side (trace-index-worker.ts): decodes, forwards, and sorts its share of the orders. */
export function runDecodingThread({ file, port, signals, stop }: DecodingThreadStart): void {
  const forwarder = new RowForwarder<IndexedContent>(port, signals);
  try {
    const content = indexTraceFile(file, forwarder.sinks, forwarder.goroutineSlabs, (bytes, events) => forwarder.progress(bytes, events), stop);
    const { values } = forwarder.rowsComplete();
    if (values) sortSharedOrders(values, DECODER_SORTED_ORDERS, forwarder.sinks);
    forwarder.finish(content);
  } catch (e) {
    forwarder.fail(e);
  }
}
