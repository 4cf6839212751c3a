// The wire event table of the generation-based trace format (Go 1.22+), as data.
//
// One row per event code. The decoder walks this table: adding an event means adding a row.
// Argument lists exclude the leading timestamp delta of timed events. Positions in `stack`
// and `strings` index into those arguments.

export enum Ev {
  None = 0,
  EventBatch = 1,
  Stacks = 2,
  Stack = 3,
  Strings = 4,
  String = 5,
  CPUSamples = 6,
  CPUSample = 7,
  Frequency = 8,
  ProcsChange = 9,
  ProcStart = 10,
  ProcStop = 11,
  ProcSteal = 12,
  ProcStatus = 13,
  GoCreate = 14,
  GoCreateSyscall = 15,
  GoStart = 16,
  GoDestroy = 17,
  GoDestroySyscall = 18,
  GoStop = 19,
  GoBlock = 20,
  GoUnblock = 21,
  GoSyscallBegin = 22,
  GoSyscallEnd = 23,
  GoSyscallEndBlocked = 24,
  GoStatus = 25,
  STWBegin = 26,
  STWEnd = 27,
  GCActive = 28,
  GCBegin = 29,
  GCEnd = 30,
  GCSweepActive = 31,
  GCSweepBegin = 32,
  GCSweepEnd = 33,
  GCMarkAssistActive = 34,
  GCMarkAssistBegin = 35,
  GCMarkAssistEnd = 36,
  HeapAlloc = 37,
  HeapGoal = 38,
  GoLabel = 39,
  UserTaskBegin = 40,
  UserTaskEnd = 41,
  UserRegionBegin = 42,
  UserRegionEnd = 43,
  UserLog = 44,
  GoSwitch = 45,
  GoSwitchDestroy = 46,
  GoCreateBlocked = 47,
  GoStatusStack = 48,
  ExperimentalBatch = 49,
  Sync = 50,
  ClockSnapshot = 51,
  EndOfGeneration = 52,
  // Experiment 1 (AllocFree), enabled by GODEBUG=traceallocfree=1.
  Span = 128,
  SpanAlloc = 129,
  SpanFree = 130,
  HeapObject = 131,
  HeapObjectAlloc = 132,
  HeapObjectFree = 133,
  GoroutineStack = 134,
  GoroutineStackAlloc = 135,
  GoroutineStackFree = 136,
}

export interface TimedEventSpec {
  readonly name: string;
  /** Argument names after dt. */
  readonly args: readonly string[];
  /** Index (into args) of the primary stack: the stack of whoever emitted the event; −1 if none. */
  readonly stack: number;
  /** Indexes (into args) of every stack-table reference, validated against the table. */
  readonly stacks: readonly number[];
  /** Indexes (into args) of string-table references, validated against the table. */
  readonly strings: readonly number[];
  /** For the end/active event of a range: the code of its begin event. */
  readonly startEv: Ev;
  /** Experiment name for experimental events, "" otherwise. */
  readonly experiment: string;
}

function spec(
  name: string,
  args: string[],
  opts: { stacks?: number[]; strings?: number[]; startEv?: Ev; experiment?: string } = {},
): TimedEventSpec {
  const stacks = opts.stacks ?? [];
  return {
    name,
    args,
    stack: stacks.length > 0 ? stacks[0] : -1,
    stacks,
    strings: opts.strings ?? [],
    startEv: opts.startEv ?? Ev.None,
    experiment: opts.experiment ?? '',
  };
}

const ALLOC_FREE = { experiment: 'AllocFree' };

/** Timed events by code; undefined for structural events and unassigned codes. */
export const TIMED_SPECS: ReadonlyArray<TimedEventSpec | undefined> = (() => {
  const t: (TimedEventSpec | undefined)[] = new Array(256).fill(undefined);
  t[Ev.ProcsChange] = spec('ProcsChange', ['procs_value', 'stack'], { stacks: [1] });
  t[Ev.ProcStart] = spec('ProcStart', ['p', 'p_seq']);
  t[Ev.ProcStop] = spec('ProcStop', []);
  t[Ev.ProcSteal] = spec('ProcSteal', ['p', 'p_seq', 'm']);
  t[Ev.ProcStatus] = spec('ProcStatus', ['p', 'pstatus']);
  // GoCreate's primary stack is the creator's (arg 2); arg 1 is the new goroutine's entry.
  t[Ev.GoCreate] = spec('GoCreate', ['new_g', 'new_stack', 'stack'], { stacks: [2, 1] });
  t[Ev.GoCreateSyscall] = spec('GoCreateSyscall', ['new_g']);
  t[Ev.GoStart] = spec('GoStart', ['g', 'g_seq']);
  t[Ev.GoDestroy] = spec('GoDestroy', []);
  t[Ev.GoDestroySyscall] = spec('GoDestroySyscall', []);
  t[Ev.GoStop] = spec('GoStop', ['reason_string', 'stack'], { stacks: [1], strings: [0] });
  t[Ev.GoBlock] = spec('GoBlock', ['reason_string', 'stack'], { stacks: [1], strings: [0] });
  t[Ev.GoUnblock] = spec('GoUnblock', ['g', 'g_seq', 'stack'], { stacks: [2] });
  t[Ev.GoSyscallBegin] = spec('GoSyscallBegin', ['p_seq', 'stack'], { stacks: [1] });
  t[Ev.GoSyscallEnd] = spec('GoSyscallEnd', [], { startEv: Ev.GoSyscallBegin });
  t[Ev.GoSyscallEndBlocked] = spec('GoSyscallEndBlocked', [], { startEv: Ev.GoSyscallBegin });
  t[Ev.GoStatus] = spec('GoStatus', ['g', 'm', 'gstatus']);
  t[Ev.STWBegin] = spec('STWBegin', ['kind_string', 'stack'], { stacks: [1], strings: [0] });
  t[Ev.STWEnd] = spec('STWEnd', [], { startEv: Ev.STWBegin });
  t[Ev.GCActive] = spec('GCActive', ['gc_seq'], { startEv: Ev.GCBegin });
  t[Ev.GCBegin] = spec('GCBegin', ['gc_seq', 'stack'], { stacks: [1] });
  t[Ev.GCEnd] = spec('GCEnd', ['gc_seq'], { startEv: Ev.GCBegin });
  t[Ev.GCSweepActive] = spec('GCSweepActive', ['p'], { startEv: Ev.GCSweepBegin });
  t[Ev.GCSweepBegin] = spec('GCSweepBegin', ['stack'], { stacks: [0] });
  t[Ev.GCSweepEnd] = spec('GCSweepEnd', ['swept_value', 'reclaimed_value'], { startEv: Ev.GCSweepBegin });
  t[Ev.GCMarkAssistActive] = spec('GCMarkAssistActive', ['g'], { startEv: Ev.GCMarkAssistBegin });
  t[Ev.GCMarkAssistBegin] = spec('GCMarkAssistBegin', ['stack'], { stacks: [0] });
  t[Ev.GCMarkAssistEnd] = spec('GCMarkAssistEnd', [], { startEv: Ev.GCMarkAssistBegin });
  t[Ev.HeapAlloc] = spec('HeapAlloc', ['heapalloc_value']);
  t[Ev.HeapGoal] = spec('HeapGoal', ['heapgoal_value']);
  t[Ev.GoLabel] = spec('GoLabel', ['label_string'], { strings: [0] });
  t[Ev.UserTaskBegin] = spec('UserTaskBegin', ['task', 'parent_task', 'name_string', 'stack'], { stacks: [3], strings: [2] });
  t[Ev.UserTaskEnd] = spec('UserTaskEnd', ['task', 'stack'], { stacks: [1] });
  t[Ev.UserRegionBegin] = spec('UserRegionBegin', ['task', 'name_string', 'stack'], { stacks: [2], strings: [1] });
  t[Ev.UserRegionEnd] = spec('UserRegionEnd', ['task', 'name_string', 'stack'], { stacks: [2], strings: [1], startEv: Ev.UserRegionBegin });
  t[Ev.UserLog] = spec('UserLog', ['task', 'key_string', 'value_string', 'stack'], { stacks: [3], strings: [1, 2] });
  // Go 1.23: coroutine switches (iter.Pull) and goroutine status with a stack.
  t[Ev.GoSwitch] = spec('GoSwitch', ['g', 'g_seq']);
  t[Ev.GoSwitchDestroy] = spec('GoSwitchDestroy', ['g', 'g_seq']);
  t[Ev.GoCreateBlocked] = spec('GoCreateBlocked', ['new_g', 'new_stack', 'stack'], { stacks: [2, 1] });
  t[Ev.GoStatusStack] = spec('GoStatusStack', ['g', 'm', 'gstatus', 'stack'], { stacks: [3] });
  t[Ev.Span] = spec('Span', ['id', 'npages_value', 'kindclass'], ALLOC_FREE);
  t[Ev.SpanAlloc] = spec('SpanAlloc', ['id', 'npages_value', 'kindclass'], ALLOC_FREE);
  t[Ev.SpanFree] = spec('SpanFree', ['id'], ALLOC_FREE);
  t[Ev.HeapObject] = spec('HeapObject', ['id', 'type'], ALLOC_FREE);
  t[Ev.HeapObjectAlloc] = spec('HeapObjectAlloc', ['id', 'type'], ALLOC_FREE);
  t[Ev.HeapObjectFree] = spec('HeapObjectFree', ['id'], ALLOC_FREE);
  t[Ev.GoroutineStack] = spec('GoroutineStack', ['id', 'order'], ALLOC_FREE);
  t[Ev.GoroutineStackAlloc] = spec('GoroutineStackAlloc', ['id', 'order'], ALLOC_FREE);
  t[Ev.GoroutineStackFree] = spec('GoroutineStackFree', ['id'], ALLOC_FREE);
  return t;
})();

/**
 * Versions of the generation-based format, the N of the header's "go 1.N" (Go's
 * internal/trace/version): 1.24 writes Go123's, 1.27 Go126's. Go125 added the clock snapshot of
 * the sync batch, which begins each generation in place of the frequency batch; Go126 ends each
 * generation with a marker instead of the next generation's first batch.
 */
export enum Version { Go122 = 22, Go123 = 23, Go125 = 25, Go126 = 26 }

/** Experiment IDs of experimental batches. */
export const EXPERIMENTS: Readonly<Record<number, string>> = { 0: 'None', 1: 'AllocFree' };

/** Limits enforced by Go's reader. */
export const MAX_BATCH_SIZE = 64 << 10;
export const MAX_FRAMES_PER_STACK = 128;
export const MAX_STRING_SIZE = 1 << 10;

/** Wire goroutine statuses. */
export enum GoStatus { Bad = 0, Runnable = 1, Running = 2, Syscall = 3, Waiting = 4 }
/** Wire proc statuses. */
export enum ProcStatus { Bad = 0, Running = 1, Idle = 2, Syscall = 3, SyscallAbandoned = 4 }

/** Number of arguments (after dt) of each timed event code, −1 for codes that are not timed events. */
export const TIMED_ARG_COUNT: Int8Array = (() => {
  const counts = new Int8Array(256).fill(-1);
  TIMED_SPECS.forEach((spec, code) => {
    if (spec) counts[code] = spec.args.length;
  });
  return counts;
})();
