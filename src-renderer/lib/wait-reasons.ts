// Wait reasons as a trace records them (Go 1.22+'s traceBlockReason strings; the old format's
// are converted to the same words), with what each means to someone reading Go code: which
// channel operation, which primitive, or that the trace did not say.

import { siteFrameIndex } from './stacks.ts';

/** The family of a wait, for its colour: channel operations told apart, then the rest. */
export type ReasonKind = 'send' | 'receive' | 'select' | 'sync' | 'forever' | 'net' | 'sleep' | 'runtime' | 'none';

export interface ReasonInfo {
  /** The reason as recorded, or "reason not recorded". */
  text: string;
  /** What the text means when it does not say it ("Mutex, RWMutex or WaitGroup", "nil channel or select {}"). */
  gloss: string | null;
  kind: ReasonKind;
}

const KNOWN: Record<string, Omit<ReasonInfo, 'text'>> = {
  'chan send': { gloss: null, kind: 'send' },
  'chan receive': { gloss: null, kind: 'receive' },
  select: { gloss: null, kind: 'select' },
  // The trace says "sync" for every semaphore wait: sync.Mutex, RWMutex and WaitGroup alike.
  sync: { gloss: 'Mutex, RWMutex or WaitGroup', kind: 'sync' },
  'sync.(*Cond).Wait': { gloss: null, kind: 'sync' },
  // A nil channel operation or a select with no cases: nothing can ever wake it.
  forever: { gloss: 'nil channel or select {}', kind: 'forever' },
  network: { gloss: 'network poller', kind: 'net' },
  sleep: { gloss: 'time.Sleep', kind: 'sleep' },
  'system goroutine wait': { gloss: null, kind: 'runtime' },
  'GC mark assist wait for work': { gloss: null, kind: 'runtime' },
  'GC background sweeper wait': { gloss: null, kind: 'runtime' },
  'wait until GC ends': { gloss: null, kind: 'runtime' },
  preempted: { gloss: null, kind: 'runtime' },
};

/**
 * The reason, and what it waited on. `stack` (innermost first) names the primitive of a "sync"
 * wait, which the trace does not: the sync frame the program called ("sync.(*RWMutex).RLock" →
 * "RWMutex.RLock"), as Go's own goroutine dumps say it ("sync.RWMutex.RLock").
 */
export function describeReason(reason: string, stack: readonly { func: string }[] = []): ReasonInfo {
  if (reason === '') return { text: 'reason not recorded', gloss: null, kind: 'none' };
  const known = KNOWN[reason];
  if (known?.kind === 'sync') {
    const primitive = syncPrimitive(stack);
    if (primitive) return { text: reason, gloss: primitive, kind: 'sync' };
  }
  if (known) return { text: reason, ...known };
  // Runtime reasons of Go's own goroutine dumps ("chan receive (nil chan)", "select (no cases)").
  if (reason.includes('nil chan')) return { text: reason, gloss: 'nil channel', kind: 'forever' };
  if (reason.includes('no cases')) return { text: reason, gloss: 'select {}', kind: 'forever' };
  if (reason.startsWith('chan send')) return { text: reason, gloss: null, kind: 'send' };
  if (reason.startsWith('chan receive')) return { text: reason, gloss: null, kind: 'receive' };
  if (reason.startsWith('select')) return { text: reason, gloss: null, kind: 'select' };
  if (reason.startsWith('sync')) return { text: reason, gloss: null, kind: 'sync' };
  return { text: reason, gloss: null, kind: 'runtime' };
}

/** "sync.(*RWMutex).Lock" → "RWMutex.Lock": the outermost sync frame under the program's, or null. */
function syncPrimitive(stack: readonly { func: string }[]): string | null {
  const site = siteFrameIndex(stack);
  for (let i = site - 1; i >= 0; i--) {
    const m = /^sync\.\(\*(\w+)\)\.(\w+)$/.exec(stack[i].func);
    if (m) return `${m[1]}.${m[2]}`;
  }
  return null;
}
