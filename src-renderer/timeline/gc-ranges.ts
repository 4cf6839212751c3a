// GC cycles and stop-the-world pauses of a whole trace, from the service's ranges(): fetched
// once per artefact and shared by the Timeline (bands, GC track) and the GC view. Only the two
// kinds drawn are asked for: with sweeps and mark assists a 168 MB trace has 110 000 ranges
// (14 MB of JSON, 1–3 s to fetch).

import type { ApiClient } from '../api/client.ts';
import type { RangeRow } from '../../src-main/service/types.ts';

export const MARK_PHASE = 'GC concurrent mark phase';
const STW_PREFIX = 'stop-the-world';

export interface GcRanges {
  /** "GC concurrent mark phase" ranges, by start. */
  marks: RangeRow[];
  /** "stop-the-world (…)" ranges, by start. */
  pauses: RangeRow[];
}

export function isPause(r: RangeRow): boolean {
  return r.name.startsWith(STW_PREFIX);
}

/** "stop-the-world (GC mark termination)" → "GC mark termination". */
export function pauseKind(name: string): string {
  const m = /^stop-the-world \((.*)\)$/.exec(name);
  return m ? m[1] : name;
}

/**
 * A pause whose begin and end are both in the trace: what `goroscope stats` counts (a range
 * already running when tracing started or still open at its end has no measurable duration).
 */
export function isCompletePause(r: RangeRow): boolean {
  return isPause(r) && !r.beganBefore && !r.open;
}

const cache = new Map<string, Promise<GcRanges>>();

export function gcRanges(api: ApiClient, artefact: string, durationNs: number): Promise<GcRanges> {
  let p = cache.get(artefact);
  if (!p) {
    // One ns either side: ranges() keeps those overlapping (t0, t1), and a pause can start at 0.
    p = api.ranges(artefact, -1, Math.max(durationNs, 1) + 1, [MARK_PHASE, STW_PREFIX]).then((all) => ({
      marks: all.filter((r) => r.name === MARK_PHASE),
      pauses: all.filter(isPause),
    }));
    p.catch(() => cache.delete(artefact));
    cache.set(artefact, p);
  }
  return p;
}

/** Index of the first range ending after `t` (ranges sorted by start, non-overlapping within a kind). */
export function firstEndingAfter(ranges: readonly RangeRow[], t: number): number {
  let lo = 0;
  let hi = ranges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ranges[mid].end <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
