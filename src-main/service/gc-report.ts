// The GC of a trace from its index: cycles (mark phase and the pauses framing it, assists and who
// paid them, heap before/after, goal, implied GOGC, the CPU the collector took), pauses with
// percentiles and a histogram, the MMU curve and worst windows (from mutator_util_chunks, as go
// tool trace's /mmu computes them), and what another GOGC or GOMEMLIMIT would have changed.

import type Database from 'better-sqlite3';
import { MmuCurve } from '../analyze/gc-mmu.ts';
import { decodeChunk, indexNsPerTick } from '../index/interval-codec.ts';
import { decodeMutatorUtil } from '../index/mutator-util-chunks.ts';
import { GO_STATE } from '../index/schema.ts';
import type { GcAssistShare, GcCycle, GcPause, GcPausePercentiles, GcReport, GcWhatIf, MetricPoint, StackFrameInfo } from './types.ts';

/** What the report needs of an open trace index. */
export interface GcIndexReader {
  readonly db: Database.Database;
  string(id: number): string;
  stack(id: number): StackFrameInfo[];
  metricPoints(name: number, t0: number, t1: number): MetricPoint[];
}

const MARK = 'GC concurrent mark phase';
const SWEEP_TERMINATION = 'stop-the-world (GC sweep termination)';
const MARK_TERMINATION = 'stop-the-world (GC mark termination)';
const ASSIST = 'GC mark assist';
const HEAP = '/memory/classes/heap/objects:bytes';
const GOAL = '/gc/heap/goal:bytes';
const GOMAXPROCS = '/sched/gomaxprocs:threads';
/** go tool trace's /mmu defaults, which mutator_util_chunks holds. */
export const MMU_FLAGS = 'stw|background|assist';
const DEFAULT_WINDOW_NS = 10_000_000;
const ASSIST_SHARES = 5;
const WORST_WINDOWS = 10;

interface RangeRow { name: number; scope_kind: number; scope_id: number; start_ns: number; end_ns: number; open: number; stack: number }

/** The utilisation function the indexer stored (empty for an index without it). */
export function mutatorUtilCurve(db: Database.Database): MmuCurve {
  const nsPerTick = indexNsPerTick(db);
  const times: number[] = [];
  const utils: number[] = [];
  const rows = db.prepare('SELECT start_ns, utils, data FROM mutator_util_chunks ORDER BY start_ns').all() as { start_ns: number; utils: string; data: Uint8Array }[];
  for (const row of rows) decodeMutatorUtil(row, nsPerTick, (t, u) => {
    times.push(t);
    utils.push(u);
  });
  return new MmuCurve({ times, utils });
}

/** The value of a step series at `t` (the last point at or before it), or null. */
function valueAt(points: readonly MetricPoint[], t: number): number | null {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid].time <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? points[lo - 1].value : null;
}

/** The first value at or after `t`, or null. */
function valueFrom(points: readonly MetricPoint[], t: number): number | null {
  // A binary search: a walk from the start for each cycle took 20 s on bench:timeline's trace (1.9 M heap points).
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid].time < t) lo = mid + 1;
    else hi = mid;
  }
  return lo < points.length ? points[lo].value : null;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export function pausePercentiles(durations: readonly number[]): GcPausePercentiles {
  const sorted = [...durations].sort((a, b) => a - b);
  return {
    count: sorted.length, totalNs: sorted.reduce((a, b) => a + b, 0), p50Ns: percentile(sorted, 0.5), p90Ns: percentile(sorted, 0.9),
    p99Ns: percentile(sorted, 0.99), maxNs: sorted.length ? sorted[sorted.length - 1] : 0,
  };
}

/** Pauses by duration on a 1-2-5 scale, from the bucket of the shortest to that of the longest. */
export function pauseHistogram(durations: readonly number[]): { fromNs: number; toNs: number; count: number }[] {
  if (durations.length === 0) return [];
  const edges: number[] = [];
  for (let decade = 1; decade <= 1e12; decade *= 10) edges.push(decade, 2 * decade, 5 * decade);
  const bucketOf = (d: number) => Math.max(0, edges.findIndex((e, i) => d >= e && (i + 1 >= edges.length || d < edges[i + 1])));
  const lo = Math.min(...durations.map(bucketOf));
  const hi = Math.max(...durations.map(bucketOf));
  const out = [];
  for (let i = lo; i <= hi; i++) out.push({ fromNs: edges[i], toNs: edges[i + 1] ?? edges[i] * 2, count: 0 });
  for (const d of durations) out[bucketOf(d) - lo].count++;
  return out;
}

function triggerOf(stack: readonly StackFrameInfo[]): GcCycle['trigger'] {
  if (stack.length === 0) return 'unknown';
  if (stack.some((f) => f.func === 'runtime.GC' || f.func === 'runtime/debug.FreeOSMemory')) return 'runtime.GC';
  if (stack.some((f) => f.func === 'runtime.forcegchelper')) return 'periodic';
  return 'heap goal';
}

/** A goroutine's Running intervals, in time order. */
/** Per index: its statements for runningIntervals, prepared once (it runs for every assisting goroutine, tens of thousands). */
const runningStatements = new WeakMap<Database.Database, { nsPerTick: number; inline: Database.Statement; chunks: Database.Statement }>();

function runningIntervals(db: Database.Database, goroutine: number): [number, number][] {
  let st = runningStatements.get(db);
  if (!st) {
    st = {
      nsPerTick: indexNsPerTick(db),
      inline: db.prepare('SELECT start_ns, interval_data AS data FROM goroutines WHERE id = ? AND interval_data IS NOT NULL'),
      chunks: db.prepare('SELECT start_ns, data FROM goroutine_interval_chunks WHERE goroutine = ? ORDER BY start_ns'),
    };
    runningStatements.set(db, st);
  }
  const nsPerTick = st.nsPerTick;
  const rows = [...st.inline.all(goroutine), ...st.chunks.all(goroutine)] as { start_ns: number; data: Uint8Array }[];
  const out: [number, number][] = [];
  for (const row of rows) decodeChunk(row.data, row.start_ns, nsPerTick, (s, e, state) => {
    if (state === GO_STATE.Running) out.push([s, e]);
  });
  return out;
}

/** Index of the first of `items` (in order of end) ending after `t`. */
function firstEndingAfter<T>(items: readonly T[], end: (item: T) => number, t: number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (end(items[mid]) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Adds to out[i] the part of [s, e) inside spans[i], for every span. Spans that follow one
 * another (GC cycles do) are found by a binary search: a walk over all of them per interval took
 * 80 s on bench:timeline's trace (1 118 cycles, 65 242 assists).
 */
function addOverlap(spans: readonly { start: number; end: number }[], s: number, e: number, out: number[], disjoint: boolean): void {
  for (let i = disjoint ? firstEndingAfter(spans, (sp) => sp.end, s) : 0; i < spans.length; i++) {
    const sp = spans[i];
    if (disjoint && sp.start >= e) break;
    const a = Math.max(s, sp.start);
    const b = Math.min(e, sp.end);
    if (b > a) out[i] += b - a;
  }
}

/**
 * CPU the collector took from the program's goroutines in each of `spans`: the Running time of
 * background mark workers in runs labelled "GC (dedicated)" or "GC (fractional)" as they began
 * (idle workers run on Ps the program left idle), and the Running time of goroutines inside their
 * mark assists (an assist range also covers time the goroutine waited for credit).
 */
function collectorRunning(db: Database.Database, spans: readonly { start: number; end: number }[], assists: readonly RangeRow[]): number[] {
  const out = spans.map(() => 0);
  if (spans.length === 0) return out;
  const disjoint = spans.every((sp, i) => i === 0 || spans[i - 1].end <= sp.start);
  const labels = db.prepare(`SELECT l.time_ns, l.goroutine, s.value AS label FROM labels l JOIN strings s ON s.id = l.label
    WHERE s.value LIKE 'GC %' ORDER BY l.goroutine, l.time_ns`).all() as { time_ns: number; goroutine: number; label: string }[];
  const byGoroutine = new Map<number, { time: number; idle: boolean }[]>();
  for (const l of labels) {
    let list = byGoroutine.get(l.goroutine);
    if (!list) byGoroutine.set(l.goroutine, (list = []));
    list.push({ time: l.time_ns, idle: l.label === 'GC (idle)' });
  }
  for (const [g, list] of byGoroutine) {
    let li = 0;
    for (const [s, e] of runningIntervals(db, g)) {
      while (li < list.length && list[li].time < s) li++;
      if (li < list.length && list[li].time < e && !list[li].idle) addOverlap(spans, s, e, out, disjoint);
    }
  }
  const assistsBy = new Map<number, RangeRow[]>();
  for (const a of assists) {
    const list = assistsBy.get(a.scope_id) ?? [];
    list.push(a);
    assistsBy.set(a.scope_id, list);
  }
  for (const [g, list] of assistsBy) {
    // A goroutine's intervals follow one another: those inside an assist are found by a binary search.
    const running = runningIntervals(db, g);
    for (const a of list) {
      for (let i = firstEndingAfter(running, (r) => r[1], a.start_ns); i < running.length && running[i][0] < a.end_ns; i++) {
        const [s, e] = running[i];
        addOverlap(spans, Math.max(s, a.start_ns), Math.min(e, a.end_ns), out, disjoint);
      }
    }
  }
  return out;
}

export function gcReport(idx: GcIndexReader, durationNs: number, windowNs?: number): GcReport {
  const db = idx.db;
  const nameId = (s: string) => (db.prepare('SELECT id FROM strings WHERE value = ?').pluck().get(s) as number | undefined) ?? -1;
  const points = (name: string) => {
    const id = nameId(name);
    return id < 0 ? [] : idx.metricPoints(id, 0, durationNs);
  };
  const heap = points(HEAP);
  const goal = points(GOAL);
  const procs = points(GOMAXPROCS);
  const gomaxprocs = procs.length ? procs[procs.length - 1].value : null;
  const ranges = db.prepare(`SELECT r.name, r.scope_kind, r.scope_id, r.start_ns, r.end_ns, r.open, r.stack FROM ranges r
    WHERE r.name IN (SELECT id FROM strings WHERE value = ? OR value = ? OR value LIKE 'stop-the-world%') ORDER BY r.start_ns, r.end_ns`)
    .all(MARK, ASSIST) as RangeRow[];
  const markId = nameId(MARK);
  const assistId = nameId(ASSIST);
  const marks = ranges.filter((r) => r.name === markId);
  const assists = ranges.filter((r) => r.name === assistId);
  const stws = ranges.filter((r) => r.name !== markId && r.name !== assistId);

  const pauses: GcPause[] = stws.map((r) => {
    const kind = idx.string(r.name);
    return { kind, startNs: r.start_ns, endNs: r.end_ns, durationNs: r.end_ns - r.start_ns, gc: kind.includes('GC'), cycle: null };
  });
  const curve = mutatorUtilCurve(db);
  const covered = curve.durationNs > 0;
  const goroutineName = db.prepare('SELECT s.value FROM goroutines g JOIN strings s ON s.id = g.name WHERE g.id = ?').pluck();

  const cycles: GcCycle[] = [];
  // Assists are in order of start, cycles too: each cycle takes the assists begun before its end
  // and keeps those that may reach into the next (a walk over all 65 242 for each of 1 118
  // cycles of bench:timeline's trace took seconds). Out of order cycles walk them all.
  let nextAssist = 0;
  let carried: RangeRow[] = [];
  let lastStart = -Infinity;
  marks.forEach((m, i) => {
    const prevEnd = i > 0 ? marks[i - 1].end_ns : -Infinity;
    const nextStart = i + 1 < marks.length ? marks[i + 1].start_ns : Infinity;
    const open = m.open === 1;
    // Since Go 1.22 the mark phase range begins just before its sweep-termination pause (before it,
    // in older traces) and ends inside its mark-termination pause.
    const sweepIdx = pauses.findIndex((p) => p.kind === SWEEP_TERMINATION && p.startNs >= prevEnd && p.startNs < (open ? nextStart : m.end_ns));
    const markTermIdx = open ? -1 : pauses.findIndex((p) => p.kind === MARK_TERMINATION && p.startNs > m.start_ns && p.startNs < nextStart);
    const start = sweepIdx >= 0 ? Math.min(pauses[sweepIdx].startNs, m.start_ns) : m.start_ns;
    const end = open ? null : markTermIdx >= 0 ? pauses[markTermIdx].endNs : m.end_ns;
    if (sweepIdx >= 0) pauses[sweepIdx].cycle = cycles.length;
    if (markTermIdx >= 0) pauses[markTermIdx].cycle = cycles.length;
    const byGoroutine = new Map<number, { ns: number; count: number }>();
    let assistNs = 0;
    const cycleEnd = end ?? durationNs;
    let inCycle: readonly RangeRow[] = assists;
    if (start >= lastStart) {
      lastStart = start;
      carried = carried.filter((a) => a.end_ns > start);
      while (nextAssist < assists.length && assists[nextAssist].start_ns < cycleEnd) {
        const a = assists[nextAssist++];
        if (a.end_ns > start) carried.push(a);
      }
      inCycle = carried;
    }
    for (const a of inCycle) {
      const s = Math.max(a.start_ns, start);
      const e = Math.min(a.end_ns, cycleEnd);
      if (e <= s) continue;
      assistNs += e - s;
      const g = byGoroutine.get(a.scope_id) ?? { ns: 0, count: 0 };
      g.ns += e - s;
      g.count++;
      byGoroutine.set(a.scope_id, g);
    }
    const shares: GcAssistShare[] = [...byGoroutine].sort((a, b) => b[1].ns - a[1].ns).slice(0, ASSIST_SHARES)
      .map(([goroutine, v]) => ({ goroutine, name: (goroutineName.get(goroutine) as string | undefined) ?? '', ns: v.ns, count: v.count }));
    const heapGoal = valueAt(goal, start);
    const prevAfter = cycles.length > 0 ? cycles[cycles.length - 1].heapAfterBytes : null;
    cycles.push({
      startNs: start, markStartNs: m.start_ns, markEndNs: open ? null : m.end_ns, endNs: end, markNs: open ? null : m.end_ns - m.start_ns,
      sweepTerminationNs: sweepIdx >= 0 ? pauses[sweepIdx].durationNs : null,
      markTerminationNs: markTermIdx >= 0 ? pauses[markTermIdx].durationNs : null,
      assistNs, assists: shares,
      heapBeforeBytes: valueAt(heap, start), heapAfterBytes: end === null ? null : valueFrom(heap, end), heapGoalBytes: heapGoal,
      impliedGogc: heapGoal !== null && prevAfter ? Math.round(100 * (heapGoal / prevAfter - 1)) : null,
      trigger: triggerOf(idx.stack(sweepIdx >= 0 ? stws[sweepIdx].stack : m.stack)),
      gcCpuFraction: null,
    });
  });

  // The collector's share of the CPU in each cycle: its pauses take every P; background workers
  // (not idle ones) and assisting goroutines take the P they run on.
  const spans = cycles.map((c) => ({ start: c.startNs, end: c.endNs ?? durationNs }));
  const running = collectorRunning(db, spans, assists);
  if (gomaxprocs) {
    cycles.forEach((c, i) => {
      const len = spans[i].end - spans[i].start;
      if (len <= 0) return;
      const stw = (c.sweepTerminationNs ?? 0) + (c.markTerminationNs ?? 0);
      c.gcCpuFraction = Math.min(1, (stw * gomaxprocs + running[i]) / (len * gomaxprocs));
    });
  }

  const gcDurations = pauses.filter((p) => p.gc).map((p) => p.durationNs);
  const window = Math.max(1, Math.min(windowNs ?? DEFAULT_WINDOW_NS, Math.max(1, curve.durationNs)));
  const notes = [
    'Traces record neither GOGC nor GOMEMLIMIT: implied GOGC is read from each heap goal and the live heap after the previous cycle (stacks and globals ignored).',
    'The MMU is go tool trace\'s (its /mmu defaults: STW, background workers, mark assists), quirks included: Go counts a background worker twice when it is labelled again as it restarts, after which its P stays counted as GC\'s, and the curve ends where utilisation last changed.',
  ];
  return {
    durationNs, gomaxprocs, cycles, pauses,
    pausePercentiles: pausePercentiles(gcDurations),
    pauseHistogram: pauseHistogram(gcDurations),
    gcCpuFraction: gomaxprocs && durationNs > 0 && cycles.length > 0
      ? Math.min(1, cycles.reduce((a, c) => a + (c.gcCpuFraction ?? 0) * ((c.endNs ?? durationNs) - c.startNs), 0) / durationNs)
      : cycles.length === 0 ? 0 : null,
    mmu: covered ? { flags: MMU_FLAGS, ...(({ xMinNs, xMaxNs, points: pts }) => ({ xMinNs, xMaxNs, points: pts }))(curve.plot()) } : null,
    worst: {
      windowNs: window,
      windows: covered ? curve.worstWindows(window, WORST_WINDOWS).map((w) => ({ startNs: w.timeNs, endNs: w.timeNs + window, util: w.util })) : [],
    },
    whatIf: whatIf(cycles, durationNs),
    notes,
  };
}

/**
 * What GOGC or GOMEMLIMIT would have changed, as the GC guide models it: between cycles the
 * program allocates at a steady rate; a cycle starts when the heap reaches its goal, live × (1 +
 * GOGC/100), or the memory limit when that is lower. So cycles per second = rate / (goal − live)
 * and the heap peaks at the goal. Only cycles the heap goal triggered count.
 */
function whatIf(cycles: readonly GcCycle[], durationNs: number): GcWhatIf | null {
  const heapCycles = cycles.filter((c) => c.trigger === 'heap goal' || c.trigger === 'unknown');
  let allocated = 0;
  let between = 0;
  for (let i = 1; i < cycles.length; i++) {
    const prev = cycles[i - 1];
    const cur = cycles[i];
    if (prev.endNs === null || prev.heapAfterBytes === null || cur.heapBeforeBytes === null) continue;
    const grew = cur.heapBeforeBytes - prev.heapAfterBytes;
    const dt = cur.startNs - prev.endNs;
    if (grew > 0 && dt > 0) {
      allocated += grew;
      between += dt;
    }
  }
  const lives = cycles.map((c) => c.heapAfterBytes).filter((v): v is number => v !== null && v > 0);
  if (heapCycles.length < 2 || between === 0 || lives.length === 0 || durationNs <= 0) return null;
  const allocBytesPerSec = (allocated / between) * 1e9;
  const live = lives.reduce((a, b) => a + b, 0) / lives.length;
  const gogcs = cycles.map((c) => c.impliedGogc).filter((v): v is number => v !== null && v > 0).sort((a, b) => a - b);
  const impliedGogc = gogcs.length ? gogcs[gogcs.length >> 1] : null;
  const scenarios = [];
  const gogcScenario = (g: number, label: string) => ({ setting: label, cyclesPerSec: allocBytesPerSec / (live * (g / 100)), heapPeakBytes: live * (1 + g / 100) });
  for (const g of [50, 100, 200, 400]) scenarios.push(gogcScenario(g, `GOGC=${g}${impliedGogc !== null && Math.abs(g - impliedGogc) <= 10 ? ' (about as traced)' : ''}`));
  // A memory limit at 1.5× and 3× the live heap with GOGC=off: the collector runs when the heap reaches the limit.
  for (const m of [1.5, 3]) {
    const limit = live * m;
    scenarios.push({ setting: `GOMEMLIMIT=${mib(limit)}, GOGC=off`, cyclesPerSec: allocBytesPerSec / (limit - live), heapPeakBytes: limit });
  }
  return { allocBytesPerSec, liveHeapBytes: live, impliedGogc, observedCyclesPerSec: heapCycles.length / (durationNs / 1e9), scenarios };
}

function mib(bytes: number): string {
  return bytes >= 1 << 30 ? `${(bytes / (1 << 30)).toFixed(1)} GiB` : `${(bytes / (1 << 20)).toFixed(1)} MiB`;
}
