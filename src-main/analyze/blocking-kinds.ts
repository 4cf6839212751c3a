// The four blocking profiles `go tool trace -pprof=KIND` derives from a trace, and where a wait
// happened in the user's code. Definitions are cmd/trace's (pprof.go): computePprofBlock (sync),
// computePprofIO (net), computePprofSyscall, computePprofSched, each a makeComputePprofFunc.

import type { GoState } from '../decode/gotrace/model.ts';

export const BLOCKING_KINDS = ['sync', 'net', 'syscall', 'sched'] as const;
export type BlockingKind = (typeof BLOCKING_KINDS)[number];

/** Code of "no blocking kind"; the kinds are coded 1 + their index in BLOCKING_KINDS. */
export const NO_BLOCKING_KIND = 0;

/**
 * The blocking kind a goroutine enters with a transition to `to` for `reason`, coded as above:
 * sync is Waiting on a reason naming a channel, select or sync primitive; net is Waiting on
 * "network"; syscall is any Syscall; sched is any Runnable (scheduler latency).
 */
export function blockingKindCode(to: GoState, reason: string): number {
  switch (to) {
    case 'Waiting':
      if (reason === 'network') return 2;
      return reason.includes('chan') || reason.includes('sync') || reason.includes('select') ? 1 : NO_BLOCKING_KIND;
    case 'Syscall':
      return 3;
    case 'Runnable':
      return 4;
    default:
      return NO_BLOCKING_KIND;
  }
}

/** Frames a user does not write: the runtime, and the standard library's blocking internals. */
const INTERNAL_PREFIXES = ['runtime.', 'runtime/', 'internal/', 'sync.', 'sync/', 'time.Sleep', 'os/signal.'];

export function isInternalFrame(func: string): boolean {
  for (const p of INTERNAL_PREFIXES) if (func.startsWith(p)) return true;
  return false;
}

/** The index of the frame a blocking stack (innermost first) is told by: the first outside the internals, else the innermost. */
export function siteFrameIndex(stack: readonly { func: string }[]): number {
  const i = stack.findIndex((f) => !isInternalFrame(f.func));
  return i >= 0 ? i : 0;
}

/** A site as people read it: `main.lookup app/leak.go:39` (the file's last two path elements); "" for no stack or unknown frames. */
export function siteOf(stack: readonly { func: string; file: string; line: number }[]): string {
  if (stack.length === 0 || stack[0].func === '') return '';
  const f = stack[siteFrameIndex(stack)];
  return `${f.func} ${f.file.split('/').slice(-2).join('/')}:${f.line}`;
}
