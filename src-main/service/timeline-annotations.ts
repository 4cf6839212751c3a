// What the timeline draws on and beside goroutine rows besides their states: user regions
// (nested, inside the row), user tasks (a track of their own, spanning goroutines), log messages
// and CPU profile samples (marks and ticks on the row), and the GC work a goroutine paid for:
// its mark assists (ranges scoped to the goroutine) and the sweeps done on its P while it ran
// there (Go scopes sweeps to the P; the goroutine on the P is the one whose allocation swept).

import { GO_STATE } from '../index/schema.ts';
import type { TraceIndexReader } from './trace-answers.ts';
import type { IntervalVisitor } from '../index/interval-codec.ts';
import type { TimelineAnnotations } from './types.ts';

/** Most items of each kind in one answer (zoomed out on a busy trace): the rest are left out and `truncated` says so. */
export const MAX_ANNOTATIONS = 20_000;

export interface AnnotationSource extends TraceIndexReader {
  intervals(g: { id: number; start_ns: number; interval_data: Uint8Array | null }, t0: number, t1: number, visit: IntervalVisitor): void;
}

export function annotationsInWindow(idx: AnnotationSource, t0: number, t1: number, goroutines: readonly number[]): TimelineAnnotations {
  const db = idx.db;
  const ids = JSON.stringify(goroutines);
  const limit = MAX_ANNOTATIONS + 1;
  let truncated = false;
  const cut = <T>(rows: T[]): T[] => {
    if (rows.length > MAX_ANNOTATIONS) {
      truncated = true;
      return rows.slice(0, MAX_ANNOTATIONS);
    }
    return rows;
  };
  const far = Number.MAX_SAFE_INTEGER;

  const regions = cut(db.prepare(`SELECT goroutine, task, type, start_ns, end_ns, depth FROM regions
    WHERE goroutine IN (SELECT value FROM json_each(?)) AND coalesce(start_ns, 0) < ? AND coalesce(end_ns, ?) > ?
    ORDER BY goroutine, depth, coalesce(start_ns, 0) LIMIT ?`).all(ids, t1, far, t0, limit) as
    { goroutine: number; task: number; type: number; start_ns: number | null; end_ns: number | null; depth: number }[]);
  const tasks = cut(db.prepare(`SELECT id, parent, type, start_ns, end_ns, start_goroutine, end_goroutine FROM tasks
    WHERE coalesce(start_ns, 0) < ? AND coalesce(end_ns, ?) > ? ORDER BY coalesce(start_ns, 0), id LIMIT ?`).all(t1, far, t0, limit) as
    { id: number; parent: number | null; type: number; start_ns: number | null; end_ns: number | null; start_goroutine: number | null; end_goroutine: number | null }[]);
  const logs = cut(db.prepare(`SELECT time_ns, goroutine, task, category, message FROM logs
    WHERE time_ns >= ? AND time_ns <= ? AND goroutine IN (SELECT value FROM json_each(?)) ORDER BY time_ns LIMIT ?`).all(t0, t1, ids, limit) as
    { time_ns: number; goroutine: number; task: number; category: number; message: number }[]);
  const samples = cut(db.prepare(`SELECT time_ns, goroutine FROM cpu_samples
    WHERE time_ns >= ? AND time_ns <= ? AND goroutine IN (SELECT value FROM json_each(?)) ORDER BY time_ns LIMIT ?`).raw().all(t0, t1, ids, limit) as [number, number][]);

  const nameId = (name: string) => db.prepare('SELECT id FROM strings WHERE value = ?').pluck().get(name) as number | undefined;
  const gcWork: TimelineAnnotations['gcWork'] = [];
  const assist = nameId('GC mark assist');
  if (assist !== undefined) {
    for (const [g, s, e] of db.prepare(`SELECT scope_id, start_ns, end_ns FROM ranges WHERE name = ? AND scope_kind = 1
      AND scope_id IN (SELECT value FROM json_each(?)) AND start_ns < ? AND end_ns > ? ORDER BY start_ns LIMIT ?`).raw()
      .all(assist, ids, t1, t0, limit) as [number, number, number][]) gcWork.push({ goroutine: g, kind: 'assist', start: s, end: e });
  }
  const sweep = nameId('GC incremental sweep');
  if (sweep !== undefined) {
    // Sweeps by P in the window, then each goroutine's Running intervals on a P matched against them.
    const byProc = new Map<number, [number, number][]>();
    const rows = db.prepare(`SELECT scope_id, start_ns, end_ns FROM ranges WHERE name = ? AND scope_kind = 2
      AND start_ns < ? AND end_ns > ? ORDER BY start_ns LIMIT ?`).raw().all(sweep, t1, t0, limit) as [number, number, number][];
    // Matched only when every sweep of the window is at hand: zoomed out on a busy trace, the rows'
    // intervals over the window are millions (2.4 M for one goroutine of bench:timeline's trace).
    if (rows.length > MAX_ANNOTATIONS) truncated = true;
    for (const [p, s, e] of truncated ? [] : rows) {
      let list = byProc.get(p);
      if (!list) byProc.set(p, (list = []));
      list.push([s, e]);
    }
    if (byProc.size > 0) {
      const row = db.prepare('SELECT id, start_ns, interval_data FROM goroutines WHERE id = ?');
      for (const g of goroutines) {
        const r = row.get(g) as { id: number; start_ns: number; interval_data: Uint8Array | null } | undefined;
        if (!r) continue;
        idx.intervals(r, t0, t1, (s, e, state, _reason, _stack, _open, _thread, proc) => {
          if (s >= t1) return false;
          if (e <= t0 || state !== GO_STATE.Running || proc < 0) return;
          const sweeps = byProc.get(proc);
          if (!sweeps) return;
          // A P sweeps once at a time: its sweeps are in order of start and of end alike.
          for (let i = firstEndingAfter(sweeps, s); i < sweeps.length && sweeps[i][0] < e; i++) {
            const [a, b] = sweeps[i];
            gcWork.push({ goroutine: g, kind: 'sweep', start: Math.max(a, s), end: Math.min(b, e) });
          }
        });
      }
    }
  }
  gcWork.sort((a, b) => a.start - b.start);

  return {
    regions: regions.map((r) => ({ goroutine: r.goroutine, task: r.task, name: idx.string(r.type), start: r.start_ns ?? 0, end: r.end_ns, depth: r.depth })),
    tasks: tasks.map((t) => ({ id: t.id, parent: t.parent, name: idx.string(t.type), start: t.start_ns ?? 0, end: t.end_ns,
      startGoroutine: t.start_goroutine, endGoroutine: t.end_goroutine })),
    logs: logs.map((l) => ({ time: l.time_ns, goroutine: l.goroutine, task: l.task, category: idx.string(l.category), message: idx.string(l.message) })),
    cpuSamples: samples.map(([time, goroutine]) => ({ time, goroutine })),
    gcWork: cut(gcWork),
    truncated,
  };
}

/** Index of the first of `ranges` (in order of end) ending after `t`. */
function firstEndingAfter(ranges: readonly [number, number][], t: number): number {
  let lo = 0;
  let hi = ranges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ranges[mid][1] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
