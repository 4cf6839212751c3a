// Goroutine states as the timeline colours them: waiting is split by what the goroutine waited
// for, because "blocked on a channel" and "parked GC worker" read very differently on a
// timeline. Pure (no DOM), so tests can classify spans the way the canvas does.

import { GOROUTINE_STATES, type GoroutineStateName, type TimelineSpan } from '../../src-main/service/types.ts';

/** What a goroutine waited for, grouped as a reader of a timeline thinks of it. */
export type WaitFamily = 'sync' | 'io' | 'sleep' | 'gc' | 'system' | 'other';

/**
 * A colour key: a non-waiting state, a family of wait reasons, or `wait-folded` for waiting
 * folded below a pixel (the service keeps each state's share of a folded span, not its reasons).
 */
export type PaintKey = 'Running' | 'Runnable' | 'Syscall' | 'Undetermined' | `wait-${WaitFamily}` | 'wait-folded';

/** Wait reasons by family, matched on Go's reason strings (runtime waitReason and the v1 reader's names). */
const FAMILY_PATTERNS: [WaitFamily, RegExp][] = [
  ['gc', /\bGC\b|sweep|scaveng|finaliz|weak to strong|cleanup/i],
  ['io', /network|I\/O|\bIO\b|poll|syscall|file/i],
  ['sleep', /sleep|timer/i],
  ['system', /system goroutine|trace reader|trace goroutine|debug call|forever|preempt|stopping the world|flushing/i],
  ['sync', /chan|select|sync|mutex|cond|sema|wait ?group|lock|synctest/i],
];

export function waitFamily(reason: string): WaitFamily {
  for (const [family, re] of FAMILY_PATTERNS) if (re.test(reason)) return family;
  return 'other';
}

export function paintKey(state: GoroutineStateName, reason: string): PaintKey | null {
  switch (state) {
    case 'Running': case 'Runnable': case 'Syscall': case 'Undetermined': return state;
    case 'Waiting': return `wait-${waitFamily(reason)}`;
    case 'NotExist': return null;
  }
}

export interface LegendEntry {
  key: PaintKey;
  label: string;
}

export const LEGEND: readonly LegendEntry[] = [
  { key: 'Running', label: 'Running' },
  { key: 'Runnable', label: 'Runnable' },
  { key: 'Syscall', label: 'Syscall' },
  { key: 'wait-sync', label: 'Waiting: sync / chan' },
  { key: 'wait-io', label: 'Waiting: network / I/O' },
  { key: 'wait-sleep', label: 'Waiting: sleep / timer' },
  { key: 'wait-gc', label: 'Waiting: GC' },
  { key: 'wait-system', label: 'Waiting: runtime' },
  { key: 'wait-other', label: 'Waiting: other' },
  { key: 'wait-folded', label: 'Waiting (folded: reasons mixed)' },
  { key: 'Undetermined', label: 'Unknown (before first event)' },
];

/** Order in which folded shares are stacked, bottom to top (most active first, like go tool trace). */
export const SHARE_ORDER: readonly GoroutineStateName[] = ['Running', 'Syscall', 'Runnable', 'Waiting', 'Undetermined'];

/** A span's time shares as [state, share] pairs: one pair for an unfolded span, the non-zero ones for a folded one. */
export function spanShares(s: TimelineSpan): [GoroutineStateName, number][] {
  if (!s.shares) return [[s.state, 1]];
  const pairs: [GoroutineStateName, number][] = [];
  s.shares.forEach((share, i) => { if (share > 0) pairs.push([GOROUTINE_STATES[i], share]); });
  return pairs;
}
