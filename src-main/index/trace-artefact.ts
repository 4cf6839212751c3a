// Go execution traces as an artefact kind: recognised by their "go 1.N trace" header, decoded
// as a stream and written by the TraceIndexer.

import { DecodeError } from '../decode/errors.ts';
import { openTrace } from '../decode/gotrace/reader.ts';
import type { ArtefactIndexer, IndexContext, IndexedContent } from './artefact-kinds.ts';
import { TRACE_INDEXES, TRACE_TABLES } from './schema.ts';
import { TraceIndexer } from './trace-indexer.ts';

/** Events between two progress reports (each report also polls for cancellation). */
const PROGRESS_EVERY = 4096;

const TRACE_MAGIC = [...'go 1.'].map((c) => c.charCodeAt(0));

export const traceIndexer: ArtefactIndexer = {
  kind: 'trace',
  sniff: (head) => TRACE_MAGIC.every((b, i) => head[i] === b),
  tables: TRACE_TABLES,
  indexes: TRACE_INDEXES,
  index(ctx: IndexContext): IndexedContent {
    const reader = openTrace(ctx.file);
    try {
      const indexer = new TraceIndexer(ctx.db, reader.format);
      let warning: string | null = null;
      let n = 0;
      try {
        for (let ev = reader.next(); ev !== null; ev = reader.next()) {
          indexer.add(ev);
          if (++n % PROGRESS_EVERY === 0) ctx.progress(reader.bytesRead, n);
        }
      } catch (e) {
        if (!(e instanceof DecodeError) || n === 0) throw e;
        warning = e.message; // a damaged trace: keep what was decodable before the damage
      }
      const result = indexer.finish();
      return {
        format: reader.format,
        summary: result.summary,
        items: result.summary.events,
        durationNs: result.summary.durationNs,
        goroutines: result.summary.goroutines,
        warning,
        meta: {
          time_origin: String(reader.timeOrigin),
          start_ns: String(indexer.startTime ?? 0),
          duration_ns: String(result.summary.durationNs),
          intervals: String(result.intervals),
        },
      };
    } finally {
      reader.close();
    }
  },
};
