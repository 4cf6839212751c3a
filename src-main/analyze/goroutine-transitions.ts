// What a goroutine state transition means, as Go's own analyses read it. The decoder yields every
// transition exactly as Go's reader does; everything that follows goroutines (the summary behind
// `stats`, the index's intervals, totals, blocking tables and unblock edges) applies these rules
// here, once, before following a goroutine.

import type { GoState } from '../decode/gotrace/model.ts';

/**
 * Whether a transition only restates the goroutine's status. From Go 1.22 on, the runtime
 * re-announces every goroutine's status at the start of each generation (about once a second),
 * and Go's reader yields those as transitions whose old and new states are equal
 * (`Waiting->Waiting`, no reason, no blocking stack). They are not transitions: the goroutine keeps
 * its state, reason, stack and since-time. Go's summariser skips them (internal/trace/summary.go,
 * (*Summarizer).Event: `if old == new { break }`), and so do we.
 */
export function isStatusRestatement(from: GoState, to: GoState): boolean {
  return from === to;
}

/**
 * The goroutine that unblocked the one transitioning, or −1 when the transition is not an unblock
 * edge. An edge is a Waiting→Runnable transition that happened in another goroutine's context: the
 * event's goroutine is set and is not the one woken (Go's RelatedGoroutinesV2 in summary.go reads
 * edges the same way, from transitions out of Waiting with an event goroutine).
 */
export function unblockerOf(from: GoState, to: GoState, id: number, eventGoroutine: number): number {
  return from === 'Waiting' && to === 'Runnable' && eventGoroutine >= 0 && eventGoroutine !== id ? eventGoroutine : -1;
}
