// The shapes of grouped goroutine dumps and of their diffs (dump-groups.ts, dump-diff.ts): types
// only, so that the service's types, which the renderer checks without Node, can name them.

import type { DumpFormat, DumpInfo } from '../decode/gdump/model.ts';

/** A frame as grouping sees it. */
export interface StackFrame {
  readonly func: string;
  readonly file: string;
  readonly line: number;
}

export interface GoroutineGroup {
  /** The stack, innermost frame first, as "func file:line" joined by newlines: the group's identity. */
  readonly key: string;
  readonly stack: StackFrame[];
  /** Goroutines in the group. */
  count: number;
  /** Goroutines per state (wait reason or status); empty for debug=1 records, which carry no state. */
  readonly states: Record<string, number>;
  /** Longest wait printed for a member, in minutes (0 when none was printed). */
  maxWaitMinutes: number;
  /** Members locked to their OS thread. */
  lockedToThread: number;
  /** Members marked `(leaked)` by the runtime. */
  leaked: number;
  /** The runtime proved the group's goroutines leaked (a `(leaked)` member, or the goroutineleak profile). */
  provenLeak: boolean;
  /** Where the members were created: "func file:line" per creation site, with counts. */
  readonly createdBy: Record<string, number>;
  /** pprof label sets of the members (JSON of the label object), with counts. */
  readonly labels: Record<string, number>;
  /** Up to SAMPLE_IDS goroutine ids, in dump order (none for debug=1). */
  readonly sampleIds: number[];
}

export interface DumpGroups {
  readonly file: string;
  readonly format: DumpFormat;
  /** Goroutines in the dump (headers, or the sum of debug=1 counts). */
  readonly goroutines: number;
  /** Sorted by count (descending), then by key. */
  readonly groups: GoroutineGroup[];
  readonly info: DumpInfo;
}

export type GroupChange = 'new' | 'vanished' | 'grew' | 'shrank' | 'same';

export interface GroupDelta {
  readonly key: string;
  readonly stack: StackFrame[];
  /** The state most members share in the later snapshot (the earlier one for vanished groups); null for debug=1. */
  readonly state: string | null;
  readonly before: number;
  readonly after: number;
  readonly delta: number;
  readonly change: GroupChange;
  /** Longest wait printed in either snapshot, in minutes. */
  readonly maxWaitMinutes: number;
  /** maxWaitMinutes ≥ the diff's longWaitMinutes: blocked long enough to suspect on its own. */
  readonly longWait: boolean;
  /** The runtime proved members of this group leaked (in either snapshot). */
  readonly provenLeak: boolean;
}

export interface DumpDiff {
  readonly before: { readonly file: string; readonly goroutines: number };
  readonly after: { readonly file: string; readonly goroutines: number };
  readonly longWaitMinutes: number;
  /** Sorted by delta (largest growth first), then by count after, then by key. */
  readonly groups: GroupDelta[];
}
