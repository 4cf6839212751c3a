// Goroutines with identical stacks, grouped the way panicparse does: the same function and
// file:line in every frame (arguments and +0x offsets ignored, since they differ between
// goroutines parked at the same place). A debug=1 record is already such a group, counted.
//
// A group is a proven leak when the runtime itself said so: a goroutine marked `(leaked)` by
// Go 1.26+'s leak detector, or a stack that the goroutineleak profile lists.

import type { DumpFrame, DumpInfo, DumpItem } from '../decode/gdump/model.ts';
import { decodeDump } from '../decode/gdump/reader.ts';
import type { ByteSource } from '../decode/source.ts';

export type { DumpGroups, GoroutineGroup, StackFrame } from './dump-types.ts';
import type { DumpGroups, GoroutineGroup, StackFrame } from './dump-types.ts';

const SAMPLE_IDS = 10;

/** The identity of a stack: "func file:line" per frame, innermost first. */
export function stackKey(frames: readonly StackFrame[]): string {
  let key = '';
  for (let i = 0; i < frames.length; i++) {
    const f = frames[i];
    key += (i === 0 ? '' : '\n') + f.func + ' ' + f.file + ':' + f.line;
  }
  return key;
}

/** The state that most members share (ties: alphabetical); null for debug=1 groups. */
export function dominantState(states: Readonly<Record<string, number>>): string | null {
  let best: string | null = null;
  for (const [state, n] of Object.entries(states)) {
    if (best === null || n > states[best] || (n === states[best] && state < best)) best = state;
  }
  return best;
}

/** Accumulates groups from decoded items; `finish` sorts them. */
export class DumpGrouper {
  private readonly byKey = new Map<string, GoroutineGroup>();
  /** Each group's first-seen number. */
  private readonly seqs = new Map<GoroutineGroup, number>();

  /** Adds a goroutine or record; returns its group's first-seen number (0, 1, …). */
  add(item: DumpItem): number {
    const key = stackKey(item.frames);
    let group = this.byKey.get(key);
    if (!group) {
      group = {
        key,
        stack: item.frames.map(toStackFrame),
        count: 0,
        states: {},
        maxWaitMinutes: 0,
        lockedToThread: 0,
        leaked: 0,
        provenLeak: false,
        createdBy: {},
        labels: {},
        sampleIds: [],
      };
      this.byKey.set(key, group);
      this.seqs.set(group, this.seqs.size);
    }
    const seq = this.seqs.get(group)!;
    if (item.labels) bump(group.labels, JSON.stringify(item.labels), item.kind === 'record' ? item.count : 1);
    if (item.kind === 'record') {
      group.count += item.count;
      return seq;
    }
    group.count++;
    bump(group.states, item.state, 1);
    if (item.waitMinutes > group.maxWaitMinutes) group.maxWaitMinutes = item.waitMinutes;
    if (item.lockedToThread) group.lockedToThread++;
    if (item.leaked) {
      group.leaked++;
      group.provenLeak = true;
    }
    if (item.createdBy) bump(group.createdBy, `${item.createdBy.func} ${item.createdBy.file}:${item.createdBy.line}`, 1);
    if (group.sampleIds.length < SAMPLE_IDS) group.sampleIds.push(item.id);
    return seq;
  }

  /** The first-seen number `add` returned for this group. */
  seqOf(group: GoroutineGroup): number {
    const seq = this.seqs.get(group);
    if (seq === undefined) throw new Error('seqOf: not a group of this grouper');
    return seq;
  }

  finish(info: DumpInfo): DumpGroups {
    const groups = [...this.byKey.values()].sort(compareGroups);
    return { file: info.name, format: info.format, goroutines: info.goroutines, groups, info };
  }
}

function compareGroups(a: GoroutineGroup, b: GoroutineGroup): number {
  return b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

function bump(counts: Record<string, number>, key: string, n: number): void {
  counts[key] = (counts[key] ?? 0) + n;
}

function toStackFrame(f: DumpFrame): StackFrame {
  return { func: f.func, file: f.file, line: f.line };
}

/** Decodes and groups a dump from a byte source (a file's: service/file-answers.ts groupDumpFile). */
export function groupDumpSource(source: ByteSource, onProgress?: (bytes: number, items: number) => void): DumpGroups {
  const grouper = new DumpGrouper();
  const info = decodeDump(source, (item) => grouper.add(item), onProgress);
  return grouper.finish(info);
}

/**
 * Marks as proven leaks the groups whose stack a goroutineleak profile lists (`leakStacks`:
 * its stacks: dump-leak-profile.ts, service/file-answers.ts readLeakProfileStacks). Leading runtime frames are
 * compared loosely, because debug=1 and profile.proto hide them where a traceback may show them.
 * Returns how many groups were newly marked.
 */
export function markProfiledLeaks(dump: DumpGroups, leakStacks: Iterable<readonly StackFrame[]>): number {
  const leaking = new Set<string>();
  for (const stack of leakStacks) leaking.add(stackKey(withoutLeadingRuntime(stack)));
  let marked = 0;
  for (const g of dump.groups) {
    if (!g.provenLeak && leaking.has(stackKey(withoutLeadingRuntime(g.stack)))) {
      g.provenLeak = true;
      marked++;
    }
  }
  return marked;
}

/** Drops the innermost frames of runtime internals (runtime/pprof's "hidden runtime frames" rule). */
function withoutLeadingRuntime(stack: readonly StackFrame[]): readonly StackFrame[] {
  let i = 0;
  while (i < stack.length && (stack[i].func.startsWith('runtime.') || stack[i].func.startsWith('internal/runtime/'))) i++;
  return i === stack.length ? stack : stack.slice(i);
}
