// Which runtime/pprof profile a decoded profile is. The sample types name most of them; mutex and
// block profiles share theirs (contentions/count, delay/nanoseconds), as do the four profiles
// `go tool trace -pprof` writes (period type trace/count), so those are told apart by where their
// stacks end: a mutex profile records the Unlock that ended the contention, a block profile the
// operation that blocked; trace profiles end in syscalls, network polls, blocking operations or
// (scheduler latency) the operation that made the goroutine runnable.

import type { Profile } from './model.ts';
import { profileIndex } from './model.ts';

export type ProfileKind =
  | 'cpu' | 'heap' | 'allocs' | 'goroutine' | 'goroutineleak' | 'threadcreate' | 'mutex' | 'block'
  | 'trace-sync' | 'trace-net' | 'trace-syscall' | 'trace-sched' | 'trace'
  | 'other';

const COUNT_PROFILES = new Set(['goroutine', 'goroutineleak', 'threadcreate']);

/** Leaf functions that release a waiter (mutex profile, scheduler latency). */
const RELEASES = /(Unlock|RUnlock|Broadcast|Signal|Done|semrelease1?|runtime\.unlock|_LostContendedRuntimeLock|closechan|runtime\.ready|goready)$/;
/** Leaf functions that block (block profile, trace sync). */
const BLOCKS = /(\.Lock|\.RLock|\.Wait|chanrecv[12]?|selectgo|semacquire1?|runtime\.block|Sleep)$/;

export function profileKind(p: Profile, fileName = ''): ProfileKind {
  const types = p.sampleTypes.map((t) => t.type);
  if (types.length === 2 && types[0] === 'samples' && types[1] === 'cpu') return 'cpu';
  if (types.join(',') === 'alloc_objects,alloc_space,inuse_objects,inuse_space') {
    return p.defaultSampleType === 'alloc_space' ? 'allocs' : 'heap';
  }
  if (types.length === 1 && COUNT_PROFILES.has(types[0])) return types[0] as ProfileKind;
  if (types.join(',') !== 'contentions,delay') return 'other';
  const leaves = leafWeights(p);
  if (p.periodType?.type === 'trace') return traceKind(leaves, fileName);
  return weightOf(leaves, RELEASES) > weightOf(leaves, (n) => !RELEASES.test(n)) ? 'mutex' : 'block';
}

/** Delay (value 1) per leaf function name; "" for samples without a stack. */
function leafWeights(p: Profile): Map<string, number> {
  const idx = profileIndex(p);
  const weights = new Map<string, number>();
  for (const s of p.samples) {
    const loc = s.locationIds.length > 0 ? idx.locations.get(s.locationIds[0]) : undefined;
    const line = loc?.lines[0];
    const name = line ? idx.functions.get(line.functionId)?.name ?? '' : '';
    weights.set(name, (weights.get(name) ?? 0) + Math.abs(s.values[1]));
  }
  return weights;
}

function weightOf(leaves: Map<string, number>, match: RegExp | ((name: string) => boolean)): number {
  let w = 0;
  for (const [name, v] of leaves) if (typeof match === 'function' ? match(name) : match.test(name)) w += v;
  return w;
}

function traceKind(leaves: Map<string, number>, fileName: string): ProfileKind {
  let total = 0;
  for (const v of leaves.values()) total += v;
  if (total === 0) {
    const hint = /(sync|net|syscall|sched)/.exec(fileName.slice(fileName.lastIndexOf('/') + 1));
    return hint ? (`trace-${hint[1]}` as ProfileKind) : 'trace';
  }
  const syscall = weightOf(leaves, (n) => n.startsWith('syscall.') || n.startsWith('internal/syscall/') || n.startsWith('golang.org/x/sys/'));
  if (syscall * 2 > total) return 'trace-syscall';
  const net = weightOf(leaves, (n) => n.startsWith('internal/poll.') || n.startsWith('net.'));
  if (net * 2 > total) return 'trace-net';
  // Scheduler latency stacks end where the goroutine was made runnable (often a channel send
  // that woke it), or nowhere at all.
  const released = weightOf(leaves, (n) => n === '' || RELEASES.test(n) || /chansend1?$/.test(n));
  const blocked = weightOf(leaves, BLOCKS);
  return released > blocked ? 'trace-sched' : 'trace-sync';
}
