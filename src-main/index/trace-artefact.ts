// Go execution traces as an artefact kind: recognised by their "go 1.N trace" header, decoded
// as a stream and written by the TraceIndexer, which hands goroutine transitions to the
// GoroutineIndexer. Large traces are decoded in a worker thread that forwards rows and goroutine
// records to this one, which follows the goroutines and writes every row: decoding and the rest
// then use both cores. This thread also collects the values of the goroutine list's sort orders
// from the rows it writes; once every row is in, both threads sort orders.

import type Database from 'better-sqlite3';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { withGoroutineFigures, type TraceSummary } from '../analyze/trace-summary.ts';
import { DecodeError } from '../decode/errors.ts';
import { openTrace } from '../decode/gotrace/reader.ts';
import { startWorker } from '../runtime/start-worker.ts';
import type { ArtefactIndexer, IndexContext, IndexedContent, PartialContent, PartialStop } from './artefact-kinds.ts';
import { sqliteSinks, type RowSinks } from './batch-insert.ts';
import { collectGoroutineOrders, GOROUTINE_ORDER_COLUMNS, type GoroutineOrderColumn } from './goroutine-orders.ts';
import { directSlabs, type SlabChannel } from './goroutine-events.ts';
import { GoroutineIndexer, type GoroutineTotals } from './goroutine-indexer.ts';
import { RowReceiver, SIGNAL_BYTES } from './row-channel.ts';
import { TRACE_INDEXES, TRACE_TABLES } from './schema.ts';
import { TraceIndexer } from './trace-indexer.ts';

/** Events between two progress reports (each report also polls for cancellation). */
const PROGRESS_EVERY = 4096;

/**
 * Traces at least this large are decoded in a worker thread. Below it, starting the thread
 * costs more than it saves. GOROSCOPE_INDEX_THREAD_MIN_BYTES overrides it (tests use 0).
 */
const THREAD_MIN_BYTES = Number(process.env.GOROSCOPE_INDEX_THREAD_MIN_BYTES ?? 8 << 20);

const TRACE_MAGIC = [...'go 1.'].map((c) => c.charCodeAt(0));

/**
 * The orders the decoding thread sorts once it has sent every row, while this thread sorts the
 * others (sorting all eight here took 1.7 s after decoding ended on a 168 MB trace).
 */
export const DECODER_SORTED_ORDERS: readonly GoroutineOrderColumn[] = ['running_ns', 'runnable_ns', 'waiting_ns', 'syscall_ns'];
const WRITER_SORTED_ORDERS = GOROUTINE_ORDER_COLUMNS.filter((c) => !DECODER_SORTED_ORDERS.includes(c));

export interface TraceIndexWorkerData {
  file: string;
  port: MessagePort;
  signals: SharedArrayBuffer;
  stop?: PartialStop;
}

export const traceIndexer: ArtefactIndexer = {
  kind: 'trace',
  sniff: (head) => TRACE_MAGIC.every((b, i) => head[i] === b),
  tables: TRACE_TABLES,
  indexes: TRACE_INDEXES,
  // The thread that writes waits for the decoding thread while it starts, and now and then after.
  hashesWhileIndexing: (size) => size >= THREAD_MIN_BYTES,
  index(ctx: IndexContext): IndexedContent {
    const orders = collectGoroutineOrders(sqliteSinks(ctx.db));
    const sinks = orders.sinks;
    const goroutines = new GoroutineIndexer(sinks);
    const consume = (slab: Float64Array, records: number) => goroutines.consume(slab, records);
    let content: IndexedContent;
    if (ctx.size < THREAD_MIN_BYTES) {
      content = indexTraceFile(ctx.file, sinks, directSlabs(consume), (bytes, n) => ctx.progress(bytes, n), ctx.stop);
      orders.write(ctx.db);
    } else {
      const { port1, port2 } = new MessageChannel();
      const signals = new SharedArrayBuffer(SIGNAL_BYTES);
      const data: TraceIndexWorkerData = { file: ctx.file, port: port2, signals, stop: ctx.stop };
      const worker = startWorker(import.meta.url, 'trace-index-worker', { workerData: data, transferList: [port2] });
      try {
        content = new RowReceiver(sinks, port1, signals, consume).receive(
          (bytes, n) => ctx.progress(bytes, n),
          // While waiting for rows: hash the file (which may find it indexed already), then ready the sorts' memory.
          () => ctx.idle() || orders.prepare(),
          // Every row is in: the decoding thread sorts some orders from the values collected here, this thread the others.
          (reply) => {
            const values = orders.shared();
            reply(values);
            orders.write(ctx.db, values ? WRITER_SORTED_ORDERS : GOROUTINE_ORDER_COLUMNS);
          },
        ) as IndexedContent;
      } finally {
        port1.close();
        void worker.terminate();
      }
    }
    return withGoroutineTotals(content, goroutines.totals, ctx.db);
  },
};

/** The content with the goroutine figures that only the GoroutineIndexer has; wait reasons are named from the strings written. */
function withGoroutineTotals(content: IndexedContent, totals: GoroutineTotals, db: Database.Database): IndexedContent {
  const lookup = db.prepare('SELECT value FROM strings WHERE id = ?').pluck();
  const byName = (byId: Map<number, number>) => {
    const out = new Map<string, number>();
    for (const [id, n] of byId) {
      const name = id === 0 ? '' : (lookup.get(id) as string);
      out.set(name, (out.get(name) ?? 0) + n);
    }
    return out;
  };
  const summary = withGoroutineFigures(content.summary as TraceSummary, {
    ...totals, waitNsByReason: byName(totals.waitNsByReason), waitingAtEnd: byName(totals.waitingAtEnd),
    unblocksByReason: byName(totals.unblocksByReason),
  });
  return { ...content, summary, goroutines: totals.goroutines, meta: { ...content.meta, intervals: String(totals.intervals) } };
}

/**
 * Decodes a trace and hands its rows to `sinks` and its goroutine records to `goroutineSlabs`:
 * the whole of indexing but the writes and the GoroutineIndexer's work, whose figures the content
 * lacks (see withGoroutineTotals). A damaged trace keeps what was decodable before the damage,
 * with a warning; one with nothing decodable throws.
 *
 * With `stop`, it may stop at a generation boundary (the Sync event that begins the next
 * generation, never before the first generation is read): what was read is finished as if the
 * trace ended at its last event (the frontier), and the content says `partial`. Stopping at the
 * trace's final Sync (no generation follows) is no stop: the index is then complete.
 */
export function indexTraceFile(file: string, sinks: RowSinks, goroutineSlabs: SlabChannel,
  progress: (bytes: number, events: number) => void, stop?: PartialStop): IndexedContent {
  const reader = openTrace(file);
  try {
    const indexer = new TraceIndexer(sinks, goroutineSlabs, reader.format, () => reader.nsPerTick);
    let warning: string | null = null;
    let n = 0;
    let partial: PartialContent | undefined;
    const stopFlag = stop?.flag ? new Int32Array(stop.flag) : null;
    const stopAfter = stop?.afterGenerations ?? Infinity;
    try {
      for (let ev = reader.next(); ev !== null; ev = reader.next()) {
        // A Sync numbered k begins generation k (or ends the trace): k − 1 generations are read.
        if (ev.kind === 'Sync' && ev.data.n > 1 && (ev.data.n - 1 >= stopAfter || (stopFlag !== null && Atomics.load(stopFlag, 0) === 1))) {
          const frontier = { indexedUntilNs: indexer.lastTime, generations: ev.data.n - 1, bytesIndexed: reader.bytesRead };
          let next;
          try {
            next = reader.next();
          } catch (e) {
            indexer.add(ev); // as a complete indexing would have, before the error that follows it
            throw e;
          }
          if (next !== null) {
            partial = frontier;
            break;
          }
          // The trace's final Sync: nothing was left to stop before.
          indexer.add(ev);
          n++;
          break;
        }
        indexer.add(ev);
        if (++n % PROGRESS_EVERY === 0) progress(reader.bytesRead, n);
      }
    } catch (e) {
      if (!(e instanceof DecodeError) || n === 0) throw e;
      warning = e.message;
    }
    const result = indexer.finish();
    return {
      format: reader.format,
      summary: result.summary,
      items: result.summary.events,
      durationNs: result.summary.durationNs,
      goroutines: 0,
      warning,
      meta: {
        time_origin: String(reader.timeOrigin),
        start_ns: String(indexer.startTime ?? 0),
        duration_ns: String(result.summary.durationNs),
        ...(partial ? { partial: '1', indexed_until_ns: String(partial.indexedUntilNs), generations_indexed: String(partial.generations) } : {}),
      },
      ...(partial ? { partial } : {}),
    };
  } finally {
    reader.close();
  }
}
