// The event table of the old trace format (Go 1.11–1.21, headers 1.11/1.19/1.21), as data.

export enum V1 {
  None = 0,
  Batch = 1,
  Frequency = 2,
  Stack = 3,
  Gomaxprocs = 4,
  ProcStart = 5,
  ProcStop = 6,
  GCStart = 7,
  GCDone = 8,
  STWStart = 9,
  STWDone = 10,
  GCSweepStart = 11,
  GCSweepDone = 12,
  GoCreate = 13,
  GoStart = 14,
  GoEnd = 15,
  GoStop = 16,
  GoSched = 17,
  GoPreempt = 18,
  GoSleep = 19,
  GoBlock = 20,
  GoUnblock = 21,
  GoBlockSend = 22,
  GoBlockRecv = 23,
  GoBlockSelect = 24,
  GoBlockSync = 25,
  GoBlockCond = 26,
  GoBlockNet = 27,
  GoSysCall = 28,
  GoSysExit = 29,
  GoSysBlock = 30,
  GoWaiting = 31,
  GoInSyscall = 32,
  HeapAlloc = 33,
  HeapGoal = 34,
  TimerGoroutine = 35,
  FutileWakeup = 36,
  String = 37,
  GoStartLocal = 38,
  GoUnblockLocal = 39,
  GoSysExitLocal = 40,
  GoStartLabel = 41,
  GoBlockGC = 42,
  GCMarkAssistStart = 43,
  GCMarkAssistDone = 44,
  UserTaskCreate = 45,
  UserTaskEnd = 46,
  UserRegion = 47,
  UserLog = 48,
  CPUSample = 49,
  Count = 50,
}

export interface V1EventSpec {
  readonly name: string;
  /** First trace version (as Go numbers them: 11, 19, 21, or older) that has the event. */
  readonly since: number;
  /** The last argument on the wire is a stack ID. */
  readonly stack: boolean;
  /** Argument names after the timestamp delta (excluding the stack). */
  readonly args: readonly string[];
}

function s(name: string, since: number, stack: boolean, args: string[]): V1EventSpec {
  return { name, since, stack, args };
}

export const V1_SPECS: readonly V1EventSpec[] = [
  s('None', 5, false, []),
  s('Batch', 5, false, ['p', 'ticks']),
  s('Frequency', 5, false, ['freq']),
  s('Stack', 5, false, ['id', 'siz']),
  s('Gomaxprocs', 5, true, ['procs']),
  s('ProcStart', 5, false, ['thread']),
  s('ProcStop', 5, false, []),
  s('GCStart', 5, true, ['seq']),
  s('GCDone', 5, false, []),
  s('GCSTWStart', 5, false, ['kindid']),
  s('GCSTWDone', 5, false, []),
  s('GCSweepStart', 5, true, []),
  s('GCSweepDone', 5, false, ['swept', 'reclaimed']),
  s('GoCreate', 5, true, ['g', 'stack']),
  s('GoStart', 5, false, ['g', 'seq']),
  s('GoEnd', 5, false, []),
  s('GoStop', 5, true, []),
  s('GoSched', 5, true, []),
  s('GoPreempt', 5, true, []),
  s('GoSleep', 5, true, []),
  s('GoBlock', 5, true, []),
  s('GoUnblock', 5, true, ['g', 'seq']),
  s('GoBlockSend', 5, true, []),
  s('GoBlockRecv', 5, true, []),
  s('GoBlockSelect', 5, true, []),
  s('GoBlockSync', 5, true, []),
  s('GoBlockCond', 5, true, []),
  s('GoBlockNet', 5, true, []),
  s('GoSysCall', 5, true, []),
  s('GoSysExit', 5, false, ['g', 'seq', 'ts']),
  s('GoSysBlock', 5, false, []),
  s('GoWaiting', 5, false, ['g']),
  s('GoInSyscall', 5, false, ['g']),
  s('HeapAlloc', 5, false, ['mem']),
  s('HeapGoal', 5, false, ['mem']),
  s('TimerGoroutine', 5, false, ['g']),
  s('FutileWakeup', 5, false, []),
  s('String', 7, false, []),
  s('GoStartLocal', 7, false, ['g']),
  s('GoUnblockLocal', 7, true, ['g']),
  s('GoSysExitLocal', 7, false, ['g', 'ts']),
  s('GoStartLabel', 8, false, ['g', 'seq', 'labelid']),
  s('GoBlockGC', 8, true, []),
  s('GCMarkAssistStart', 9, true, []),
  s('GCMarkAssistDone', 9, false, []),
  s('UserTaskCreate', 11, true, ['taskid', 'pid', 'typeid']),
  s('UserTaskEnd', 11, true, ['taskid']),
  s('UserRegion', 11, true, ['taskid', 'mode', 'typeid']),
  s('UserLog', 11, true, ['id', 'keyid']),
  s('CPUSample', 19, true, ['ts', 'p', 'g']),
];

/**
 * Number of uvarints an event carries on the wire: its arguments, its stack, and (for every
 * event except Batch, Frequency and TimerGoroutine) the leading timestamp delta.
 */
export function wireArgCount(typ: V1): number {
  const spec = V1_SPECS[typ];
  let n = spec.args.length + (spec.stack ? 1 : 0);
  if (typ !== V1.Batch && typ !== V1.Frequency && typ !== V1.TimerGoroutine) n++;
  return n;
}

/** Pseudo-Ps the parser re-homes events onto (Go's tracev1 constants, FakeP + 1 onwards). */
export const TIMER_P = 1000001;
export const NETPOLL_P = 1000002;
export const SYSCALL_P = 1000003;
export const GC_P = 1000004;
export const PROFILE_P = 1000005;

/** One decoded old-format event. Times are ticks until the parser converts them to ns. */
export interface V1Event {
  ts: number;
  /** Goroutine the event happened on (0 = none). */
  g: number;
  args: [number, number, number, number];
  stk: number;
  /** P of the batch, −1 for none, or a pseudo-P. */
  p: number;
  type: V1;
  /** File offset of the event, for error messages. */
  offset: number;
}
