// Folds a row's intervals into spans at pixel resolution: intervals at least a pixel wide stay
// spans of their own; runs of narrower ones are folded into one span carrying the dominant
// state and each state's share. The work per row is bounded by the intervals in the window,
// and the output by the window's width in pixels.

import { GOROUTINE_STATES, type TimelineSpan } from './types.ts';

const WAITING = GOROUTINE_STATES.indexOf('Waiting');

export class PixelMerger {
  readonly spans: TimelineSpan[] = [];
  private pendingStart = 0;
  private pendingEnd = 0;
  private pendingCount = 0;
  private pendingReason = '';
  private readonly acc = new Float64Array(6);
  /** Waiting time of the pending run by wait reason (what colours its waiting share). */
  private readonly waitReasons = new Map<string, number>();

  constructor(private readonly t0: number, private readonly t1: number, private readonly nsPerPx: number) {}

  /** Adds one interval (in time order); it is clipped to the window. */
  add(start: number, end: number, state: number, reason: string): void {
    const s = Math.max(start, this.t0);
    const e = Math.min(end, this.t1);
    if (e <= s) return;
    if (e - s >= this.nsPerPx) {
      this.flush();
      this.spans.push({ start: s, end: e, state: GOROUTINE_STATES[state], shares: null, reason });
      return;
    }
    if (this.pendingCount > 0 && s - this.pendingStart >= this.nsPerPx) this.flush();
    if (this.pendingCount === 0) {
      this.pendingStart = s;
      this.pendingReason = reason;
    }
    this.acc[state] += e - s;
    if (state === WAITING) this.waitReasons.set(reason, (this.waitReasons.get(reason) ?? 0) + (e - s));
    this.pendingEnd = e;
    this.pendingCount++;
  }

  /**
   * Adds a bucket of a precomputed level (its extent and the time spent in each state), folded
   * like a run of sub-pixel intervals. Used when a pixel spans at least a bucket.
   */
  addFolded(start: number, end: number, stateNs: ArrayLike<number>): void {
    const s = Math.max(start, this.t0);
    const e = Math.min(end, this.t1);
    if (e <= s) return;
    // A run of whole buckets in one state, at least a pixel wide, is a span of its own.
    let only = -1;
    for (let i = 0; i < 6; i++) {
      if (stateNs[i] === 0) continue;
      only = only === -1 && stateNs[i] === end - start ? i : -2;
    }
    if (only >= 0 && e - s >= this.nsPerPx) {
      this.add(s, e, only, '');
      return;
    }
    if (this.pendingCount > 0 && s - this.pendingStart >= this.nsPerPx) this.flush();
    if (this.pendingCount === 0) {
      this.pendingStart = s;
      this.pendingReason = '';
    }
    // A bucket cut by the window edge contributes in proportion.
    const scale = (e - s) / (end - start);
    for (let i = 0; i < 6; i++) this.acc[i] += stateNs[i] * scale;
    this.pendingEnd = e;
    this.pendingCount += 2;
  }

  /**
   * The wait reason of most of a folded run's waiting time, when it has at least half of it
   * (known: precomputed level buckets carry no reasons); '' when the reasons are truly mixed.
   */
  private dominantWaitReason(): string {
    let best = '';
    let bestNs = 0;
    for (const [reason, ns] of this.waitReasons) {
      if (ns > bestNs) {
        best = reason;
        bestNs = ns;
      }
    }
    return bestNs > 0 && bestNs >= this.acc[WAITING] * 0.5 ? best : '';
  }

  flush(): void {
    if (this.pendingCount === 0) return;
    let best = 0;
    let total = 0;
    for (let i = 0; i < 6; i++) {
      total += this.acc[i];
      if (this.acc[i] > this.acc[best]) best = i;
    }
    let shares: TimelineSpan['shares'] = null;
    if (this.pendingCount > 1) {
      const a = this.acc;
      shares = [a[0] / total, a[1] / total, a[2] / total, a[3] / total, a[4] / total, a[5] / total];
    }
    this.spans.push({ start: this.pendingStart, end: this.pendingEnd, state: GOROUTINE_STATES[best], shares, reason: this.pendingCount === 1 ? this.pendingReason : this.dominantWaitReason() });
    this.waitReasons.clear();
    for (let i = 0; i < 6; i++) this.acc[i] = 0;
    this.pendingCount = 0;
  }
}

