// The stacks of a goroutineleak profile (Go 1.26 experiment, default in 1.27: goroutines the
// garbage collector proved can never be woken), in either form Go writes it — debug=1 text or
// profile.proto — as stacks a dump's groups can be matched against (markProfiledLeaks). The
// debug=1 text form is a dump already; reading either from a file: service/file-answers.ts.

import { profileIndex, type Profile } from '../decode/pprof/model.ts';
import type { StackFrame } from './dump-groups.ts';

/** Each sample's stack, innermost frame first, inlined calls expanded as tracebacks print them. */
export function profileStacks(profile: Profile): StackFrame[][] {
  const { locations, functions } = profileIndex(profile);
  return profile.samples.map((sample) => {
    const stack: StackFrame[] = [];
    for (const id of sample.locationIds) {
      for (const line of locations.get(id)?.lines ?? []) {
        const fn = functions.get(line.functionId);
        stack.push({ func: fn?.name ?? '', file: fn?.filename ?? '', line: line.line });
      }
    }
    return stack;
  });
}
