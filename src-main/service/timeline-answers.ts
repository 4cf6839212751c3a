// What the timeline asks of a trace index beyond its rows: the whole interval under the pointer,
// the unblock edges drawn as arrows, and the statistics of a selected time range. Every figure is
// one a SQL query over goroutine_intervals, unblocks and ranges gives (docs/index-format.md).

import type Database from 'better-sqlite3';
import { siteOf } from '../analyze/blocking-kinds.ts';
import { decodeChunk, indexNsPerTick } from '../index/interval-codec.ts';
import { decodePoints } from '../index/point-codec.ts';
import { GO_STATE, GO_STATES, UNBLOCK_VALUES } from '../index/schema.ts';
import type { TraceIndexReader } from './trace-answers.ts';
import type { GoroutineStateName, TimelineEdge, TimelineEdges, TimelineInterval, TimelineRangeStats } from './types.ts';

export const MAX_TIMELINE_EDGES = 5000;

/**
 * The interval chunks of goroutine @goroutine overlapping [@t0, @t1), in time order. A goroutine's
 * chunks follow one another in time, so the first is the last one starting at or before t0: a
 * seek, where `end_ns > t0` alone read every earlier chunk of the goroutine (9 338 chunks for
 * the longest-lived goroutine of bench:timeline's trace, 170 ms per row at its end).
 */
export const OVERLAPPING_CHUNKS = `SELECT start_ns, data FROM goroutine_interval_chunks
  WHERE goroutine = @goroutine AND start_ns < @t1 AND end_ns > @t0
    AND start_ns >= COALESCE((SELECT start_ns FROM goroutine_interval_chunks WHERE goroutine = @goroutine AND start_ns <= @t0
      ORDER BY start_ns DESC LIMIT 1), 0)
  ORDER BY start_ns`;

/**
 * Where the unblock-edge chunks that may hold an edge at or after `t0` begin: the start of the
 * last chunk starting before t0 (one starting at t0 may follow another ending at t0), or t0.
 * Chunks hold consecutive edges by time and do not overlap, so every chunk before this one ends
 * before t0: a seek, where `end_ns >= t0` alone read every chunk before the window (on
 * bench:timeline's trace, 4.9 M edges: the arrows of a window at the trace's end read the whole
 * table, and a late goroutine's detail every chunk before its life).
 */
export function edgeChunksFrom(db: Database.Database, t0: number): number {
  return (db.prepare('SELECT start_ns FROM unblock_chunks WHERE start_ns < ? ORDER BY start_ns DESC LIMIT 1').pluck().get(t0) as number | undefined) ?? t0;
}

interface PackedRows {
  goroutine: number;
  start_ns: number;
  data: Uint8Array;
}

/** The whole interval of `goroutine` holding `time` (its last one when `time` is its end), null outside its life. */
export function intervalAt(idx: TraceIndexReader, goroutine: number, time: number): TimelineInterval | null {
  const nsPerTick = indexNsPerTick(idx.db);
  const inline = idx.db.prepare('SELECT id AS goroutine, start_ns, interval_data AS data FROM goroutines WHERE id = ? AND interval_data IS NOT NULL')
    .all(goroutine) as PackedRows[];
  // Chunks with start ≤ time ≤ end (the one ending at `time` too).
  const chunks = inline.length > 0 ? inline : (idx.db.prepare(OVERLAPPING_CHUNKS).all({ goroutine, t0: time - 1, t1: time + 1 }) as Omit<PackedRows, 'goroutine'>[])
    .map((c) => ({ ...c, goroutine }));
  let found: TimelineInterval | null = null;
  for (const c of chunks) {
    decodeChunk(c.data, c.start_ns, nsPerTick, (s, e, state, reason, stack, open, thread, proc) => {
      if (s > time) return false;
      if (time < e || (time === e && found === null)) {
        found = {
          goroutine, start: s, end: e, state: GO_STATES[state], reason: idx.string(reason), stack: idx.stack(stack), open,
          thread: thread >= 0 ? thread : null, proc: proc >= 0 ? proc : null,
        };
        if (time < e) return false;
      }
    });
    if (found && (found as TimelineInterval).end > time) break;
  }
  return found;
}

/** Unblock edges with t0 ≤ time ≤ t1, of `goroutine` (woken or waker) or of all, earliest first. */
export function edgesInWindow(idx: TraceIndexReader, t0: number, t1: number, goroutine: number | undefined, limit: number): TimelineEdges {
  const nsPerTick = indexNsPerTick(idx.db);
  const edges: TimelineEdge[] = [];
  let truncated = false;
  const chunks = idx.db.prepare('SELECT start_ns, data FROM unblock_chunks WHERE start_ns >= ? AND start_ns <= ? AND end_ns >= ? ORDER BY start_ns')
    .all(edgeChunksFrom(idx.db, t0), t1, t0) as { start_ns: number; data: Uint8Array }[];
  for (const c of chunks) {
    decodePoints(c.data, c.start_ns, nsPerTick, UNBLOCK_VALUES, (time, [g, reason, , by]) => {
      if (time < t0 || time > t1) return;
      if (goroutine !== undefined && g !== goroutine && by !== goroutine) return;
      if (edges.length >= limit) {
        truncated = true;
        return;
      }
      edges.push({ time, goroutine: g, byGoroutine: by, reason: idx.string(reason) });
    });
    if (truncated) break;
  }
  edges.sort((a, b) => a.time - b.time);
  return { edges, truncated };
}

/**
 * Statistics of [t0, t1): every goroutine interval overlapping it, clipped to it. The same
 * numbers as SQL over goroutine_intervals with `start_ns < t1 AND end_ns > t0` and
 * `min(end_ns, t1) - max(start_ns, t0)`; GC and STW from ranges.
 */
export function rangeStats(idx: TraceIndexReader, t0: number, t1: number): TimelineRangeStats {
  const nsPerTick = indexNsPerTick(idx.db);
  const byState = new Float64Array(GO_STATES.length);
  const waiting = new Map<number, number>();
  const sites = new Map<string, { reason: number; stack: number; ns: number; count: number }>();
  const involved = new Map<number, number>(); // goroutine → running ns in the range
  const visit = (g: number) => (s: number, e: number, state: number, reason: number, stack: number) => {
    if (s >= t1) return false;
    const d = Math.min(e, t1) - Math.max(s, t0);
    if (d <= 0 || state === GO_STATE.NotExist) return;
    byState[state] += d;
    involved.set(g, (involved.get(g) ?? 0) + (state === GO_STATE.Running ? d : 0));
    if (state === GO_STATE.Waiting) {
      waiting.set(reason, (waiting.get(reason) ?? 0) + d);
      const key = `${reason}:${stack}`;
      const site = sites.get(key) ?? { reason, stack, ns: 0, count: 0 };
      site.ns += d;
      site.count++;
      sites.set(key, site);
    }
  };
  // Goroutines whose intervals fit one chunk, by their lifetime (end_ns is null while alive at the end).
  for (const r of idx.db.prepare(`SELECT id AS goroutine, start_ns, interval_data AS data FROM goroutines
    WHERE interval_data IS NOT NULL AND start_ns < ? AND (end_ns IS NULL OR end_ns >= ?)`).iterate(t1, t0) as Iterable<PackedRows>) {
    decodeChunk(r.data, r.start_ns, nsPerTick, visit(r.goroutine));
  }
  for (const r of idx.db.prepare('SELECT goroutine, start_ns, data FROM goroutine_interval_chunks WHERE start_ns < ? AND end_ns >= ?')
    .iterate(t1, t0) as Iterable<PackedRows>) {
    decodeChunk(r.data, r.start_ns, nsPerTick, visit(r.goroutine));
  }
  const stateNs: Partial<Record<GoroutineStateName, number>> = {};
  byState.forEach((ns, i) => { if (ns > 0) stateNs[GO_STATES[i]] = ns; });

  // Goroutines by name: names looked up in one query of the IDs involved.
  const byName = new Map<string, { count: number; runningNs: number }>();
  const nameOf = idx.db.prepare(`SELECT g.id, n.value AS name FROM goroutines g JOIN strings n ON n.id = g.name
    WHERE g.id IN (SELECT value FROM json_each(?))`);
  const ids = [...involved.keys()];
  for (let i = 0; i < ids.length; i += 10_000) {
    for (const r of nameOf.all(JSON.stringify(ids.slice(i, i + 10_000))) as { id: number; name: string }[]) {
      const e = byName.get(r.name) ?? { count: 0, runningNs: 0 };
      e.count++;
      e.runningNs += involved.get(r.id) ?? 0;
      byName.set(r.name, e);
    }
  }

  const ranges = idx.db.prepare(`SELECT s.value AS name, r.start_ns, r.end_ns FROM ranges r JOIN strings s ON s.id = r.name
    WHERE r.start_ns < ? AND r.end_ns > ? AND (s.value = 'GC concurrent mark phase' OR s.value LIKE 'stop-the-world%')`)
    .all(t1, t0) as { name: string; start_ns: number; end_ns: number }[];
  let gcCycles = 0, gcNs = 0, stwCount = 0, stwNs = 0, stwMaxNs = 0;
  for (const r of ranges) {
    const inside = Math.min(r.end_ns, t1) - Math.max(r.start_ns, t0);
    if (r.name.startsWith('stop-the-world')) {
      stwCount++;
      stwNs += inside;
      stwMaxNs = Math.max(stwMaxNs, r.end_ns - r.start_ns);
    } else {
      gcCycles++;
      gcNs += inside;
    }
  }
  return {
    t0, t1, byState: stateNs,
    waitingByReason: [...waiting].sort((a, b) => b[1] - a[1]).map(([reason, ns]) => ({ reason: idx.string(reason), ns })),
    goroutines: involved.size,
    goroutinesByName: [...byName].sort((a, b) => b[1].count - a[1].count || b[1].runningNs - a[1].runningNs).slice(0, 20)
      .map(([name, e]) => ({ name, ...e })),
    gcCycles, gcNs, stwCount, stwNs, stwMaxNs,
    blockingSites: [...sites.values()].sort((a, b) => b.ns - a.ns).slice(0, 10)
      .map((s) => ({ reason: idx.string(s.reason), site: siteOf(idx.stack(s.stack)) || '(no stack)', ns: s.ns, count: s.count })),
  };
}
