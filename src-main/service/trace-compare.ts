// Two traces, or two windows of one trace, side by side (before and after a deploy, the quiet
// minute and the bad one): goroutines by creation site (new, gone, grown), time by state and by
// wait reason, the top blocking sites, scheduler latency and GC pause percentiles, and the MMU.
// Each side's figures are the ones the other answers give for its window: time by state and
// reason and the blocking sites are the timeline's range statistics (timeline-answers.ts), the
// pauses the GC report's stop-the-world ranges (gc-report.ts), the MMU its curve (whole traces).

import { siteOf } from '../analyze/blocking-kinds.ts';
import { decodeChunk, indexNsPerTick } from '../index/interval-codec.ts';
import { GO_STATES } from '../index/schema.ts';
import { gcReport, pausePercentiles, type GcIndexReader } from './gc-report.ts';
import { rangeStats } from './timeline-answers.ts';
import type { CompareChange, TraceComparison, TraceSideFigures } from './types.ts';

const RUNNABLE = GO_STATES.indexOf('Runnable');
/** Window sizes the MMU is compared at. */
const MMU_WINDOWS = [1e5, 1e6, 1e7, 1e8];
/** Sites listed per side, and rows of the changes. */
const TOP = 15;

/** One side: the trace's window [t0, t1] (the whole trace when the side names none). */
export function sideFigures(idx: GcIndexReader, name: string, durationNs: number, t0: number, t1: number): TraceSideFigures {
  const whole = t0 === 0 && t1 === durationNs;
  const range = rangeStats(idx, t0, t1);
  // Goroutines present in the window, by the site of the go statement that created them.
  const bySite = new Map<string, number>();
  const stmt = idx.db.prepare(`SELECT creation_stack FROM goroutines WHERE start_ns < ? AND (end_ns IS NULL OR end_ns > ?)`).pluck();
  for (const stack of stmt.iterate(Math.max(t1, t0 + 1), t0) as IterableIterator<number>) {
    const site = siteOf(idx.stack(stack)) || '(created before the trace)';
    bySite.set(site, (bySite.get(site) ?? 0) + 1);
  }
  // Scheduler latency: every Runnable interval that began in the window and ended.
  const latencies: number[] = [];
  const nsPerTick = indexNsPerTick(idx.db);
  const visit = (s: number, e: number, state: number, _r: number, _k: number, open: boolean) => {
    if (state === RUNNABLE && !open && s >= t0 && s < t1) latencies.push(e - s);
  };
  for (const r of idx.db.prepare('SELECT start_ns, interval_data FROM goroutines WHERE interval_data IS NOT NULL AND start_ns < ? AND (end_ns IS NULL OR end_ns > ?)')
    .iterate(t1, t0) as IterableIterator<{ start_ns: number; interval_data: Uint8Array }>) decodeChunk(r.interval_data, r.start_ns, nsPerTick, visit);
  for (const r of idx.db.prepare('SELECT start_ns, data FROM goroutine_interval_chunks WHERE start_ns < ? AND end_ns > ?')
    .iterate(t1, t0) as IterableIterator<{ start_ns: number; data: Uint8Array }>) decodeChunk(r.data, r.start_ns, nsPerTick, visit);
  const gc = gcReport(idx, durationNs, 1e6);
  const pauses = gc.pauses.filter((p) => p.gc && p.startNs >= t0 && p.endNs <= t1).map((p) => p.durationNs);
  const mmu = whole && gc.mmu ? MMU_WINDOWS.filter((w) => w <= durationNs).map((w) => ({ windowNs: w, mmu: mmuAt(gc.mmu!.points, w) })) : null;
  return {
    name, t0, t1, durationNs: t1 - t0, whole,
    goroutines: [...bySite.values()].reduce((a, b) => a + b, 0),
    goroutinesBySite: [...bySite].map(([site, count]) => ({ site, count })).sort((a, b) => b.count - a.count || a.site.localeCompare(b.site)),
    byState: range.byState, waitingByReason: range.waitingByReason, blockingSites: range.blockingSites.slice(0, TOP),
    schedLatency: pausePercentiles(latencies), gcPauses: pausePercentiles(pauses), mmu,
  };
}

/** The MMU of the curve's points ([window ns, mmu], by window) at `windowNs`, interpolated on the log axis they lie on. */
function mmuAt(points: readonly [number, number][], windowNs: number): number | null {
  if (points.length === 0) return null;
  for (let i = 0; i < points.length; i++) {
    const [w, u] = points[i];
    if (w === windowNs) return u;
    if (w > windowNs) {
      if (i === 0) return u;
      const [w0, u0] = points[i - 1];
      const f = (Math.log(windowNs) - Math.log(w0)) / (Math.log(w) - Math.log(w0));
      return u0 + f * (u - u0);
    }
  }
  return points[points.length - 1][1];
}

function change(a: number, b: number): CompareChange {
  return a === 0 && b > 0 ? 'new' : b === 0 && a > 0 ? 'gone' : b > a ? 'grew' : b < a ? 'shrank' : 'same';
}

/** The two sides and what changed from a to b. */
export function compareSides(a: TraceSideFigures, b: TraceSideFigures): TraceComparison {
  const sites = new Map<string, { a: number; b: number }>();
  for (const s of a.goroutinesBySite) sites.set(s.site, { a: s.count, b: 0 });
  for (const s of b.goroutinesBySite) sites.set(s.site, { a: sites.get(s.site)?.a ?? 0, b: s.count });
  const reasons = new Map<string, { a: number; b: number }>();
  for (const r of a.waitingByReason) reasons.set(r.reason, { a: r.ns, b: 0 });
  for (const r of b.waitingByReason) reasons.set(r.reason, { a: reasons.get(r.reason)?.a ?? 0, b: r.ns });
  const blocking = new Map<string, { reason: string; site: string; a: number; b: number }>();
  for (const s of a.blockingSites) blocking.set(`${s.reason}\u0000${s.site}`, { reason: s.reason, site: s.site, a: s.ns, b: 0 });
  for (const s of b.blockingSites) {
    const k = `${s.reason}\u0000${s.site}`;
    blocking.set(k, { reason: s.reason, site: s.site, a: blocking.get(k)?.a ?? 0, b: s.ns });
  }
  const byChange = <T extends { a: number; b: number }>(x: T, y: T) => Math.abs(y.b - y.a) - Math.abs(x.b - x.a);
  return {
    a, b,
    sites: [...sites].map(([site, v]) => ({ site, ...v, change: change(v.a, v.b) })).sort(byChange),
    reasons: [...reasons].map(([reason, v]) => ({ reason, aNs: v.a, bNs: v.b, change: change(v.a, v.b), a: v.a, b: v.b })).sort(byChange)
      .map(({ a: _a, b: _b, ...r }) => r),
    blockingSites: [...blocking.values()].map((v) => ({ reason: v.reason, site: v.site, aNs: v.a, bNs: v.b, change: change(v.a, v.b), a: v.a, b: v.b }))
      .sort(byChange).slice(0, TOP).map(({ a: _a, b: _b, ...r }) => r),
  };
}
