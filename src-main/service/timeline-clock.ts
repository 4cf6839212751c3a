// The wall clock of a trace: Go 1.25+ traces carry a clock snapshot in each generation's Sync
// event (trace time, monotonic time, wall time, taken together). The first one maps the index's
// times (ns since the trace's first event) to wall-clock time, so the timeline's axis can show
// when things happened and line up with logs, dumps and profiles taken at known times.

import { openTrace } from '../decode/gotrace/reader.ts';
import type { TimelineClock } from './types.ts';

/** Events read at most while looking for the first Sync (it begins the first generation). */
const MAX_EVENTS = 1_000_000;

/**
 * The first clock snapshot of the trace at `path`, its trace time made relative to `startNs`
 * (the index's meta start_ns: the first event's time in the decoder's clock); null when the
 * trace has none (formats before Go 1.25).
 */
export function traceClock(path: string, format: string, startNs: number): TimelineClock | null {
  const [major, minor] = format.split('.').map(Number);
  if (!(major > 1 || (major === 1 && minor >= 25))) return null;
  const reader = openTrace(path);
  try {
    for (let i = 0, ev = reader.next(); ev && i < MAX_EVENTS; i++, ev = reader.next()) {
      if (ev.kind !== 'Sync') continue;
      const c = (ev.data as { clockSnapshot: { trace: number; wallSec: bigint; wallNsec: number } | null }).clockSnapshot;
      if (!c) return null;
      return { traceNs: c.trace - startNs, wallSec: Number(c.wallSec), wallNsec: c.wallNsec };
    }
    return null;
  } finally {
    reader.close();
  }
}

/** Clocks found, by artefact hash: a trace's first clock snapshot is its content's (the same for its partial and whole index). */
const clocks = new Map<string, TimelineClock | null>();
/** Artefacts whose clock is remembered at most. */
const MAX_CLOCKS = 64;

/**
 * traceClock of the artefact `hash`, decoded once: finding it decodes the trace's first generation
 * on the caller's thread, and the Timeline asks again each time an index job's snapshot grows.
 */
export function artefactClock(hash: string, path: string, format: string, startNs: number): TimelineClock | null {
  const key = `${hash}/${startNs}`;
  if (clocks.has(key)) return clocks.get(key)!;
  const clock = traceClock(path, format, startNs);
  if (clocks.size >= MAX_CLOCKS) clocks.delete(clocks.keys().next().value!);
  clocks.set(key, clock);
  return clock;
}
