// Histograms of three kinds of duration in a trace (durationHistograms): scheduler latency — each
// wait of a goroutine from Runnable to Running, as Go's internal/trace/summary.go adds one to
// SchedWaitTime (a wait still open at the trace's end counts up to the end, a goroutine existing
// before the trace waits from its start, as goroutineGroups counts them) — and the durations of
// user regions and tasks (the regions and tasks tables; those the trace saw begin and end only).
// Each histogram has log-spaced buckets on a 1-2-5 scale, from the shortest's to the longest's,
// and the count, total, p50/p90/p99 and max of its durations.

import { decodeChunk, indexNsPerTick } from '../index/interval-codec.ts';
import { GO_STATES } from '../index/schema.ts';
import { pausePercentiles } from './gc-report.ts';
import type { TraceIndexReader } from './trace-answers.ts';
import type { DurationHistogram, DurationHistograms } from './types.ts';

const RUNNABLE = GO_STATES.indexOf('Runnable');
const WAITING = GO_STATES.indexOf('Waiting');

/** The bucket of d on the 1-2-5 scale: 3 per decade, bucket 0 is [1, 2) ns (shorter durations fall in it too). */
function bucketOf(d: number): number {
  if (d < 2) return 0;
  const decade = Math.floor(Math.log10(d));
  let i = decade * 3;
  const lead = d / 10 ** decade;
  if (lead >= 5 - 1e-9) i += 2;
  else if (lead >= 2 - 1e-9) i += 1;
  return i;
}

function edge(i: number): number {
  return [1, 2, 5][i % 3] * 10 ** Math.floor(i / 3);
}

/** A histogram of `durations` (ns) with its percentiles (the GC pauses' definition, gc-report.ts). */
export function durationHistogram(durations: readonly number[]): DurationHistogram {
  const stats = pausePercentiles(durations);
  if (durations.length === 0) return { ...stats, buckets: [] };
  let lo = Infinity;
  let hi = -Infinity;
  const of = durations.map((d) => {
    const b = bucketOf(d);
    if (b < lo) lo = b;
    if (b > hi) hi = b;
    return b;
  });
  const buckets = [];
  for (let i = lo; i <= hi; i++) buckets.push({ fromNs: edge(i), toNs: edge(i + 1), count: 0 });
  for (const b of of) buckets[b - lo].count++;
  return { ...stats, buckets };
}

/** Every scheduler wait (ns) in the trace: runs of Runnable ending in another state or at the goroutine's or the trace's end. */
export function schedulerWaits(idx: TraceIndexReader, durationNs: number): number[] {
  const nsPerTick = indexNsPerTick(idx.db);
  const chunks = idx.db.prepare('SELECT start_ns, data FROM goroutine_interval_chunks WHERE goroutine = ? ORDER BY start_ns');
  const waits: number[] = [];
  const rows = idx.db.prepare('SELECT id, created, start_ns, end_ns, interval_data FROM goroutines ORDER BY id')
    .iterate() as IterableIterator<{ id: number; created: number; start_ns: number; end_ns: number | null; interval_data: Uint8Array | null }>;
  for (const g of rows) {
    const from = g.created ? g.start_ns : 0;
    let first = true;
    let ended = false;
    // The wait under way: consecutive Runnable intervals (a chunk boundary or a restated state splits none) are one.
    let waitFrom = -1;
    let waitTo = -1;
    const close = () => {
      if (waitFrom >= 0) waits.push(waitTo - waitFrom);
      waitFrom = -1;
    };
    const visit = (start: number, stop: number, state: number, reasonId: number): boolean | void => {
      if (ended) return false;
      const t0 = first ? Math.min(from, start) : start;
      first = false;
      if (state === WAITING && idx.string(reasonId) === 'forever') {
        ended = true;
        return false;
      }
      if (state === RUNNABLE) {
        if (waitFrom < 0) waitFrom = t0;
        waitTo = Math.min(stop, durationNs);
      } else close();
    };
    if (g.interval_data) decodeChunk(g.interval_data, g.start_ns, nsPerTick, visit);
    else {
      for (const c of chunks.all(g.id) as { start_ns: number; data: Uint8Array }[]) {
        decodeChunk(c.data, c.start_ns, nsPerTick, visit);
        if (ended) break;
      }
    }
    close();
  }
  return waits;
}

/** Scheduler latency, region and task durations of a trace. */
export function durationHistograms(idx: TraceIndexReader, durationNs: number): DurationHistograms {
  const spans = (table: 'regions' | 'tasks') => idx.db.prepare(`SELECT end_ns - start_ns FROM ${table} WHERE start_ns IS NOT NULL AND end_ns IS NOT NULL`)
    .pluck().all() as number[];
  return {
    durationNs,
    schedLatency: durationHistogram(schedulerWaits(idx, durationNs)),
    regions: durationHistogram(spans('regions')),
    tasks: durationHistogram(spans('tasks')),
  };
}
