// A goroutine dump as a trace saw it: the words a debug=2 dump would print for a goroutine's state,
// and the grouping that lets a dump reconstructed from a trace be compared with a real one.
//
// A trace's stacks and a dump's stacks of the same goroutine differ in their innermost frames: the
// runtime cuts a trace stack where the tracer was called (runtime.chansend1, sync.(*Mutex).Lock,
// internal/poll.(*FD).Read) while a traceback goes down to runtime.gopark and then hides the
// runtime's frames (internal/sync.runtime_SemacquireMutex stays, runtime.chansend1 goes). From the
// first frame outside the runtime and the standard library's blocking internals (the site, see
// blocking-kinds.ts) outward, the two agree: that is what a dump from a trace is grouped by.

import { isInternalFrame, siteFrameIndex } from './blocking-kinds.ts';
import { DumpGrouper } from './dump-groups.ts';
import type { DumpGroups } from './dump-types.ts';
import type { DumpFrame, DumpItem } from '../decode/gdump/model.ts';
import { decodeDump } from '../decode/gdump/reader.ts';
import type { ByteSource } from '../decode/source.ts';

/** A goroutine state as the trace index names it. */
export type TraceGoState = 'Undetermined' | 'NotExist' | 'Runnable' | 'Running' | 'Waiting' | 'Syscall';

/** Which trace wait reasons (runtime/traceruntime.go, traceBlockReasonStrings) a dump names otherwise (runtime2.go, waitReasonStrings). */
const DUMP_WAIT_NAMES: Readonly<Record<string, string>> = {
  network: 'IO wait',
  'sync.(*Cond).Wait': 'sync.Cond.Wait',
  'GC mark assist wait for work': 'GC assist wait',
  'GC background sweeper wait': 'GC sweep wait',
  'wait until GC ends': 'wait for GC cycle',
  'wait for debug call': 'debug call',
  synctest: 'synctest.Wait',
};

/** The sync primitive a goroutine waiting for "sync" is in, by the frame that called the semaphore, and the dump's word for it. */
const SYNC_WAITS: readonly [string, string][] = [
  ['sync.(*WaitGroup).Wait', 'sync.WaitGroup.Wait'],
  ['sync.(*Mutex).Lock', 'sync.Mutex.Lock'],
  ['sync.(*RWMutex).RLock', 'sync.RWMutex.RLock'],
  ['sync.(*RWMutex).Lock', 'sync.RWMutex.Lock'],
  ['sync.(*Cond).Wait', 'sync.Cond.Wait'],
];

/**
 * What a debug=2 dump prints in a goroutine's header for this state, as far as the trace can
 * tell: the status word, or for a wait the runtime's wait reason. The trace records coarser
 * reasons than the runtime keeps ("sync" for every semaphore wait, "forever" for nil channels
 * and empty selects), which the blocking stack (innermost first) tells apart.
 */
export function dumpStateOf(state: TraceGoState, reason: string, stack: readonly { func: string }[]): string {
  switch (state) {
    case 'Running': return 'running';
    case 'Runnable': return 'runnable';
    case 'Syscall': return 'syscall';
    case 'Waiting': break;
    default: return 'unknown';
  }
  if (reason === 'sync') {
    for (const f of stack) for (const [func, name] of SYNC_WAITS) if (f.func === func) return name;
    return 'semacquire';
  }
  if (reason === 'forever') {
    for (const f of stack) {
      if (f.func.startsWith('runtime.chanrecv')) return 'chan receive (nil chan)';
      if (f.func.startsWith('runtime.chansend')) return 'chan send (nil chan)';
    }
    return 'select (no cases)';
  }
  // A goroutine first seen waiting (a status at a generation's start) has no reason yet.
  if (reason === '') return 'waiting';
  return DUMP_WAIT_NAMES[reason] ?? reason;
}

/**
 * The frames of a stack (innermost first) from its site outward: what dumps and traces agree on.
 * A stack all inside the runtime and the standard library (a runtime/trace reader, a signal
 * handler) is told by its outermost frame, its goroutine's entry.
 */
export function fromSite<F extends { func: string }>(stack: readonly F[]): F[] {
  if (stack.length > 0 && stack.every((f) => isInternalFrame(f.func))) return stack.slice(stack.length - 1);
  return stack.slice(siteFrameIndex(stack));
}

/**
 * Decodes and groups a dump by the stacks from their sites outward, like a dump reconstructed
 * from a trace (see the top of this file), so that diffDumpGroups lines the two up.
 */
export function groupDumpSourceFromSite(source: ByteSource): DumpGroups {
  const grouper = new DumpGrouper();
  const info = decodeDump(source, (item: DumpItem) => grouper.add({ ...item, frames: fromSite<DumpFrame>(item.frames) }));
  return grouper.finish(info);
}
