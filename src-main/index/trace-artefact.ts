// Go execution traces as an artefact kind: recognised by their "go 1.N trace" header, indexed in
// the stages of trace-pipeline.ts (decoding, following goroutines, writing, sorting orders; on two
// threads for large traces), and summarised with the figures that only following goroutines gives.

import type Database from 'better-sqlite3';
import { withGoroutineFigures, type TraceSummary } from '../analyze/trace-summary.ts';
import type { ArtefactIndexer, IndexContext, IndexedContent } from './artefact-kinds.ts';
import type { GoroutineTotals } from './goroutine-indexer.ts';
import { TRACE_INDEXES, TRACE_TABLES } from './schema.ts';
import { indexTraceInStages, THREAD_MIN_BYTES } from './trace-pipeline.ts';

const TRACE_MAGIC = [...'go 1.'].map((c) => c.charCodeAt(0));

export const traceIndexer: ArtefactIndexer = {
  kind: 'trace',
  sniff: (head) => TRACE_MAGIC.every((b, i) => head[i] === b),
  tables: TRACE_TABLES,
  indexes: TRACE_INDEXES,
  // The thread that writes waits for the decoding thread while it starts, and now and then after.
  hashesWhileIndexing: (size) => size >= THREAD_MIN_BYTES,
  index(ctx: IndexContext): IndexedContent | null {
    const indexed = indexTraceInStages(ctx);
    return indexed && withGoroutineTotals(indexed.content, indexed.totals, ctx.db);
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
