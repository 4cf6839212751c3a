// The leak patterns a Go engineer names when reading a blocked goroutine: what it waits for, and
// what would have had to happen for it to go on. Told from the wait reason as the runtime writes
// it (runtime2.go's waitReasonStrings: a dump's `[chan send]`, a trace's "chan send" / "sync") and
// from the blocking stack's runtime and standard-library frames, which the goroutineleak profile
// has without a reason. One table, used by the trace's leak report and by the triage.

/** A leak pattern, as incident reviews name them. */
export type LeakPattern =
  | 'send with no receiver'
  | 'receive with no sender'
  | 'select with no ready case'
  | 'select on nil channels'
  | 'WaitGroup never done'
  | 'lock held forever'
  | 'condition never signalled'
  | 'context never cancelled'
  | 'ticker never stopped'
  | 'sleeping'
  | 'network wait'
  | 'system call'
  | 'unknown wait';

export interface PatternInput {
  /** The wait reason ("" when unknown): a dump's state, a trace's reason. */
  readonly reason: string;
  /** The blocking stack, innermost frame first. */
  readonly stack: readonly { readonly func: string }[];
  /** Waits at the site keep ending (a trace saw them woken again and again): a loop, not a stuck goroutine. */
  readonly looping?: boolean;
}

interface PatternRule {
  readonly pattern: LeakPattern;
  /** Matches the wait reason. */
  readonly reason?: RegExp;
  /** Matches a frame of the stack (when the reason is missing or does not say: a trace's "sync", a profile). */
  readonly frame?: RegExp;
  /** The frame tells before any reason does (package context waits in an ordinary select). */
  readonly frameFirst?: boolean;
  /** What would have released the goroutine, in words. */
  readonly releaser: string;
}

/** First match wins: nil channels before channels, context frames before the channel wait they end in. */
const RULES: readonly PatternRule[] = [
  { pattern: 'select on nil channels', reason: /nil chan|no cases|^forever$/, releaser: 'nothing can ever wake it: its channels are nil' },
  { pattern: 'context never cancelled', frame: /^context\./, frameFirst: true, releaser: 'neither the context nor its parent was ever cancelled (a cancel func dropped)' },
  { pattern: 'WaitGroup never done', reason: /WaitGroup/, frame: /^sync\.\(\*WaitGroup\)\.Wait$/, releaser: 'the WaitGroup never reached zero (a Done skipped)' },
  { pattern: 'condition never signalled', reason: /Cond/, frame: /^sync\.\(\*Cond\)\.Wait$/, releaser: 'the condition was never signalled' },
  { pattern: 'lock held forever', reason: /Mutex|RWMutex/, frame: /^(internal\/)?sync\.\(\*(RW)?Mutex\)\.(R?Lock|lockSlow)$/, releaser: 'the lock was never released (an Unlock missing)' },
  { pattern: 'send with no receiver', reason: /^chan send/, frame: /^runtime\.chansend1?$/, releaser: 'nothing received from that channel' },
  { pattern: 'receive with no sender', reason: /^chan receive/, frame: /^runtime\.chanrecv[12]?$/, releaser: 'nothing was sent on (or closed) that channel' },
  { pattern: 'select with no ready case', reason: /^select/, frame: /^runtime\.selectgo$/, releaser: 'no case of that select became ready (a select whose channels are nil, or that no running goroutine can reach, never wakes)' },
  { pattern: 'sleeping', reason: /^sleep$/, frame: /^time\.Sleep$/, releaser: 'its sleep has not ended yet' },
  { pattern: 'network wait', reason: /^(IO wait|network)$/, frame: /^internal\/poll\./, releaser: 'no data or connection arrived' },
  { pattern: 'system call', reason: /^syscall$/, releaser: 'the system call did not return' },
];

/** The pattern of a blocked goroutine (group). */
export function leakPattern(input: PatternInput): LeakPattern {
  if (input.looping) return 'ticker never stopped';
  return ruleOf(input)?.pattern ?? 'unknown wait';
}

/** What would have released a goroutine blocked so, in words. */
export function releaserOf(input: PatternInput): string {
  return ruleOf(input)?.releaser ?? 'no goroutine waiting there was released';
}

function ruleOf({ reason, stack }: PatternInput): PatternRule | undefined {
  for (const r of RULES) if (r.frameFirst && stack.some((f) => r.frame!.test(f.func))) return r;
  for (const r of RULES) if (r.reason && reason !== '' && r.reason.test(reason)) return r;
  // A reason that does not say (a trace's "sync", none at all): the frames do.
  for (const r of RULES) if (r.frame && stack.some((f) => r.frame!.test(f.func))) return r;
  return undefined;
}

/**
 * Patterns nothing normal explains when they last: a sender nobody receives from, a WaitGroup, a
 * lock or a context nobody releases (a receiver waiting for work may just be an idle worker).
 */
export function isStuckPattern(p: LeakPattern): boolean {
  return p === 'send with no receiver' || p === 'WaitGroup never done' || p === 'lock held forever' || p === 'context never cancelled';
}

/** Patterns that are leaks when they last (the others are waits that end on their own, or not the program's doing). */
export function isLeakPattern(p: LeakPattern): boolean {
  return p !== 'sleeping' && p !== 'network wait' && p !== 'system call' && p !== 'unknown wait';
}
