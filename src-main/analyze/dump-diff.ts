// Two snapshots of the same program compared group by group: what grew, what is new, what
// vanished — the goroutine-delta check incident reviews do by hand with two debug=2 dumps taken
// minutes apart, and the leak gate a CI pipeline runs.

import { dominantState } from './dump-groups.ts';
import type { DumpDiff, DumpGroups, GoroutineGroup, GroupChange, GroupDelta, StackFrame } from './dump-types.ts';

export type { DumpDiff, GroupChange, GroupDelta } from './dump-types.ts';

/** Waits of this many minutes or more are flagged unless the caller says otherwise. */
export const DEFAULT_LONG_WAIT_MINUTES = 10;

export function diffDumpGroups(before: DumpGroups, after: DumpGroups, longWaitMinutes = DEFAULT_LONG_WAIT_MINUTES): DumpDiff {
  const earlier = new Map<string, GoroutineGroup>(before.groups.map((g) => [g.key, g]));
  const groups: GroupDelta[] = [];
  for (const a of after.groups) {
    const b = earlier.get(a.key);
    earlier.delete(a.key);
    groups.push(delta(b, a, longWaitMinutes));
  }
  for (const b of earlier.values()) groups.push(delta(b, undefined, longWaitMinutes));
  groups.sort((x, y) => y.delta - x.delta || y.after - x.after || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  return {
    before: { file: before.file, goroutines: before.goroutines },
    after: { file: after.file, goroutines: after.goroutines },
    longWaitMinutes,
    groups,
  };
}

function delta(b: GoroutineGroup | undefined, a: GoroutineGroup | undefined, longWaitMinutes: number): GroupDelta {
  const either = (a ?? b)!;
  const before = b?.count ?? 0;
  const after = a?.count ?? 0;
  const maxWaitMinutes = Math.max(b?.maxWaitMinutes ?? 0, a?.maxWaitMinutes ?? 0);
  const change: GroupChange = !b ? 'new' : !a ? 'vanished' : after > before ? 'grew' : after < before ? 'shrank' : 'same';
  return {
    key: either.key,
    stack: either.stack,
    state: dominantState(either.states),
    before,
    after,
    delta: after - before,
    change,
    maxWaitMinutes,
    longWait: maxWaitMinutes > 0 && maxWaitMinutes >= longWaitMinutes,
    provenLeak: (a?.provenLeak ?? false) || (b?.provenLeak ?? false),
  };
}
