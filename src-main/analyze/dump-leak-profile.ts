// The stacks of a goroutineleak profile (Go 1.26 experiment, default in 1.27: goroutines the
// garbage collector proved can never be woken), in either form Go writes it — debug=1 text or
// profile.proto — as stacks a dump's groups can be matched against (markProfiledLeaks).

import { fileSource } from '../decode/source.ts';
import { DecodeError } from '../decode/errors.ts';
import { profileIndex, type Profile } from '../decode/pprof/model.ts';
import { readProfileFile, sniffProfile } from '../decode/pprof/decode.ts';
import { groupDumpFile, type StackFrame } from './dump-groups.ts';

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

/** Reads a goroutineleak profile (profile.proto, gzipped or not, or debug=1 text) and returns its stacks. */
export function readLeakProfileStacks(path: string): StackFrame[][] {
  const source = fileSource(path);
  let head: Uint8Array;
  try {
    head = source.read(0, 4096);
  } finally {
    source.close();
  }
  if (sniffProfile(head)) return profileStacks(readProfileFile(path));
  const text = groupDumpFile(path);
  if (text.info.profileName !== 'goroutineleak') {
    throw new DecodeError(path, 0, 'wrong-type', `a ${text.info.profileName ?? text.format} dump: expected a goroutineleak profile (profile.proto or debug=1 text)`);
  }
  return text.groups.map((g) => g.stack);
}
