// The timeline's P and M lanes: which goroutine ran on each processor (P), and what each thread
// (M) ran or sat in a syscall for. Go's reader decides the P and the M of every Running and
// Syscall interval; the index keeps them on the goroutines' intervals (the rows of
// proc_intervals), so a P's occupancy is its goroutines' Running intervals on it, touching ones
// of one goroutine merged (a status restatement at a generation start splits them).
//
// The index stores intervals by goroutine, not by P: the lanes are built once per open index,
// by one pass over every goroutine's intervals, into sorted typed arrays per lane (on the 168 MB
// bench trace: see bench/timeline.ts), and a window is then a binary search and one walk.

import type Database from 'better-sqlite3';
import { decodeChunk, indexNsPerTick } from '../index/interval-codec.ts';
import { RadixSorter } from '../index/radix-sort.ts';
import { GO_STATE } from '../index/schema.ts';
import type { LaneSpan, TimelineLane, TimelineLaneKind, TimelineLanesWindow } from './types.ts';

/** One lane's intervals in time order (they never overlap: a P runs one goroutine at a time). */
interface LaneColumns {
  id: number;
  start: Float64Array;
  end: Float64Array;
  goroutine: Float64Array;
  /** Per interval: the other resource + 1 (0 = none); for thread lanes, negated for a syscall. */
  other: Float64Array;
}

interface LaneBuilder {
  id: number;
  start: number[];
  end: number[];
  goroutine: number[];
  other: number[];
}

export interface LaneTables {
  procs: LaneColumns[];
  threads: LaneColumns[];
}

const built = new WeakMap<Database.Database, LaneTables>();
/**
 * Why an index has no lanes, once found: each lane tile asked again, holding up the rows' tiles.
 */
const unavailable = new WeakMap<Database.Database, string>();

/**
 * Most goroutine intervals a trace may have for its lanes to be built: the build is one
 * synchronous pass in the service's thread, and on the 168 MB bench trace (2.1 M goroutines) it
 * ran for minutes. Until the index stores the lanes (or levels of them), larger traces have none.
 */
export const MAX_LANE_INTERVALS = 3_000_000;

export class LanesUnavailable extends Error {}

/** The lanes of an open index, built on first use. */
export function laneTables(db: Database.Database): LaneTables {
  let t = built.get(db);
  if (!t) {
    const known = unavailable.get(db);
    if (known) throw new LanesUnavailable(known);
    // The indexer's count (meta 'intervals'); summed over the goroutines (a scan of every row) only if absent.
    const counted = db.prepare("SELECT value FROM meta WHERE key = 'intervals'").pluck().get() as string | number | undefined;
    const intervals = counted !== undefined ? Number(counted) : ((db.prepare('SELECT sum(intervals) FROM goroutines').pluck().get() as number | null) ?? 0);
    if (intervals > MAX_LANE_INTERVALS) {
      const why = `processor and thread lanes are not drawn for traces of more than ${MAX_LANE_INTERVALS.toLocaleString('en')} goroutine intervals (this one has ${intervals.toLocaleString('en')})`;
      unavailable.set(db, why);
      throw new LanesUnavailable(why);
    }
    t = buildLanes(db);
    built.set(db, t);
  }
  return t;
}

function buildLanes(db: Database.Database): LaneTables {
  const nsPerTick = indexNsPerTick(db);
  const procs = new Map<number, LaneBuilder>();
  const threads = new Map<number, LaneBuilder>();
  const lane = (m: Map<number, LaneBuilder>, id: number) => {
    let b = m.get(id);
    if (!b) m.set(id, (b = { id, start: [], end: [], goroutine: [], other: [] }));
    return b;
  };
  /** Appends, or extends the lane's last interval when the same goroutine continues it seamlessly. */
  const put = (b: LaneBuilder, s: number, e: number, g: number, other: number, sameOther: boolean) => {
    const n = b.start.length - 1;
    if (n >= 0 && b.goroutine[n] === g && b.end[n] === s && (!sameOther || b.other[n] === other)) {
      b.end[n] = e;
      return;
    }
    b.start.push(s);
    b.end.push(e);
    b.goroutine.push(g);
    b.other.push(other);
  };
  const visitAll = (rows: Iterable<{ goroutine: number; start_ns: number; data: Uint8Array }>) => {
    for (const { goroutine: g, start_ns, data } of rows) {
      decodeChunk(data, start_ns, nsPerTick, (s, e, state, _reason, _stack, _open, thread, proc) => {
        if (e <= s) return;
        // As proc_intervals merges: the same goroutine continuing on the same P (keeping the first M).
        if (state === GO_STATE.Running && proc >= 0) put(lane(procs, proc), s, e, g, thread + 1, false);
        if ((state === GO_STATE.Running || state === GO_STATE.Syscall) && thread >= 0) {
          put(lane(threads, thread), s, e, g, state === GO_STATE.Syscall ? -1 : proc + 1, true);
        }
      });
    }
  };
  visitAll(db.prepare('SELECT id AS goroutine, start_ns, interval_data AS data FROM goroutines WHERE interval_data IS NOT NULL')
    .iterate() as Iterable<{ goroutine: number; start_ns: number; data: Uint8Array }>);
  visitAll(db.prepare('SELECT goroutine, start_ns, data FROM goroutine_interval_chunks ORDER BY goroutine, start_ns')
    .iterate() as Iterable<{ goroutine: number; start_ns: number; data: Uint8Array }>);
  return { procs: columns(procs), threads: columns(threads) };
}

/** Builders to sorted columns, lanes in ID order. */
function columns(m: Map<number, LaneBuilder>): LaneColumns[] {
  const builders = [...m.values()].sort((a, b) => a.id - b.id);
  const sorter = new RadixSorter(Math.max(1, ...builders.map((b) => b.start.length)));
  return builders.map((b) => {
    const order = byStartThenEnd(b, sorter);
    // Plain loops: Float64Array.from with a mapping function walks an iterator (1 s of 2.5 s here).
    const pick = (xs: number[]) => {
      const out = new Float64Array(order.length);
      for (let k = 0; k < order.length; k++) out[k] = xs[order[k]];
      return out;
    };
    return { id: b.id, start: pick(b.start), end: pick(b.end), goroutine: pick(b.goroutine), other: pick(b.other) };
  });
}

/**
 * A lane's intervals in order of start, then end: two stable radix sorts when the times are
 * whole ns (always, but for traces whose clock is not a whole number of ns per tick), else a
 * comparison sort. A comparison sort of 600 000 intervals took 1.2 s of the 2.5 s of building the
 * lanes of big.trace's first snapshot (1.2 M intervals), on the first view's path.
 */
function byStartThenEnd(b: LaneBuilder, sorter: RadixSorter): ArrayLike<number> {
  const n = b.start.length;
  const whole = (xs: number[]) => xs.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 53);
  if (!whole(b.start) || !whole(b.end)) {
    return Array.from(b.start.keys()).sort((i, j) => b.start[i] - b.start[j] || b.end[i] - b.end[j]);
  }
  const index = new Float64Array(n);
  for (let i = 0; i < n; i++) index[i] = i;
  const byEnd = sorter.sort(Float64Array.from(b.end), index).slice();
  const starts = new Float64Array(n);
  for (let k = 0; k < n; k++) starts[k] = b.start[byEnd[k]];
  return sorter.sort(starts, byEnd).slice();
}

/** Index of the first interval of a lane ending after `t` (ends are sorted, as the intervals do not overlap). */
function firstEndingAfter(end: Float64Array, t: number): number {
  let lo = 0;
  let hi = end.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (end[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The lanes over [t0, t1) at `nsPerPx`: intervals at least a pixel wide as they are (never
 * clipped: the renderer clips, and the hover shows true extents), runs of narrower ones folded
 * into one span per pixel with the goroutine that held the lane longest and the busy share.
 */
export function lanesWindow(db: Database.Database, kind: TimelineLaneKind, t0: number, t1: number, widthPx: number,
  name: (goroutine: number) => string): TimelineLanesWindow {
  const tables = laneTables(db);
  const nsPerPx = (t1 - t0) / widthPx;
  const goroutines = new Set<number>();
  const lanes: TimelineLane[] = (kind === 'proc' ? tables.procs : tables.threads).map((c) => {
    const spans: LaneSpan[] = [];
    const otherOf = (v: number): number | null => (v === 0 || v === -1 ? null : Math.abs(v) - 1);
    const stateOf = (v: number) => (kind === 'thread' && v === -1 ? 'Syscall' : 'Running');
    // A fold in progress: [start, end), busy ns, and the time of each goroutine in it.
    let foldStart = 0;
    let foldEnd = 0;
    let foldBusy = 0;
    let foldCount = 0;
    let foldState: LaneSpan['state'] = 'Running';
    const held = new Map<number, number>();
    const flush = () => {
      if (foldCount === 0) return;
      let best = -1;
      let bestNs = -1;
      for (const [g, ns] of held) if (ns > bestNs) [best, bestNs] = [g, ns];
      spans.push({ start: foldStart, end: foldEnd, goroutine: best, state: foldState, count: foldCount, busy: foldBusy / Math.max(1, foldEnd - foldStart), other: null });
      goroutines.add(best);
      held.clear();
      foldCount = 0;
      foldBusy = 0;
    };
    for (let i = firstEndingAfter(c.end, t0); i < c.start.length && c.start[i] < t1; i++) {
      const s = c.start[i];
      const e = c.end[i];
      const g = c.goroutine[i];
      if (e - s >= nsPerPx) {
        flush();
        spans.push({ start: s, end: e, goroutine: g, state: stateOf(c.other[i]), count: 1, busy: 1, other: otherOf(c.other[i]) });
        goroutines.add(g);
        continue;
      }
      if (foldCount > 0 && s - foldStart >= nsPerPx) flush();
      if (foldCount === 0) {
        foldStart = s;
        foldState = stateOf(c.other[i]);
      }
      foldEnd = Math.max(foldEnd, e);
      foldBusy += e - s;
      foldCount++;
      held.set(g, (held.get(g) ?? 0) + e - s);
    }
    flush();
    return { id: c.id, spans };
  });
  const names: Record<number, string> = {};
  for (const g of goroutines) names[g] = name(g);
  return { kind, t0, t1, nsPerPx, lanes, names };
}

/** How many intervals the lanes hold (for measuring). */
export function laneIntervalCount(db: Database.Database): number {
  const t = laneTables(db);
  return t.procs.reduce((n, c) => n + c.start.length, 0);
}
