// Stage 1 of indexing a trace (see trace-pipeline.ts): decode its events and turn them into rows
// and goroutine records with the TraceIndexer, stopping early at a generation boundary if asked.

import { DecodeError } from '../decode/errors.ts';
import { openTrace } from '../decode/gotrace/reader.ts';
import type { IndexedContent, PartialContent, PartialStop } from './artefact-kinds.ts';
import type { RowSinks } from './batch-insert.ts';
import type { SlabChannel } from './goroutine-events.ts';
import { TraceIndexer } from './trace-indexer.ts';

/** Events between two progress reports (each report also polls for cancellation). */
const PROGRESS_EVERY = 4096;

/**
 * Decodes a trace and hands its rows to `sinks` and its goroutine records to `goroutineSlabs`:
 * the whole of indexing but the writes and the GoroutineIndexer's work, whose figures the content
 * lacks (see trace-artefact.ts, withGoroutineTotals). A damaged trace keeps what was decodable
 * before the damage, with a warning; one with nothing decodable throws.
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
