// The four blocking profiles of a trace (sync, net, syscall, sched) as pprof profiles, built as
// `go tool trace -pprof=KIND` builds them (cmd/trace/pprof.go, internal/trace/traceviewer/pprof.go
// BuildProfile): one sample per distinct stack (its first 128 PCs: waits for several reasons at one
// stack are one sample), values [contentions/count, delay/nanoseconds], one location per PC with
// one line, one function per (file, function name), no mappings, period type trace/count, period 1.
// From the index's blocking_sites, which hold those per-site sums already.

import type { Location, Profile, ProfileFunction, Sample } from '../decode/pprof/model.ts';
import { BLOCKING_KINDS } from '../analyze/blocking-kinds.ts';
import type { BlockingKind, StackFrameInfo } from '../service/types.ts';

/** cmd/trace's pprofMaxStack: stacks are told apart, and written, up to this many frames. */
const MAX_STACK = 128;

/** What the builder needs of an open trace index (the service's TraceIndex is one). */
export interface BlockingIndexReader {
  readonly db: { prepare(sql: string): { all(...params: unknown[]): unknown[] } };
  stack(id: number): StackFrameInfo[];
}

/** The blocking profile `kind` of an indexed trace as the profile `go tool trace -pprof=KIND` writes. */
export function blockingPprof(idx: BlockingIndexReader, kind: BlockingKind): Profile {
  const code = BLOCKING_KINDS.indexOf(kind) + 1;
  const rows = idx.db.prepare('SELECT stack, sum(count) AS count, sum(total_ns) AS total_ns FROM blocking_sites WHERE kind = ? GROUP BY stack ORDER BY 3 DESC, 1')
    .all(code) as { stack: number; count: number; total_ns: number }[];
  // Two stacks with the same PCs are one sample, as cmd/trace's stackMap keys them: by their
  // first 128 PCs padded with zeros, so a stack ending in unknown frames (PC 0) and the same stack
  // without them are one sample. go tool trace writes it with the frames of the stack it met last
  // (map order); this writes the unknown frames, which go tool pprof shows as <unknown>, where the
  // time is, rather than leaving the time out of every node.
  const byKey = new Map<string, { frames: StackFrameInfo[]; count: number; totalNs: number }>();
  for (const r of rows) {
    const frames = idx.stack(r.stack).slice(0, MAX_STACK);
    let known = frames.length;
    while (known > 0 && frames[known - 1].pc === 0) known--;
    const key = frames.slice(0, known).map((f) => f.pc).join(',');
    const merged = byKey.get(key);
    if (!merged) byKey.set(key, { frames, count: r.count, totalNs: r.total_ns });
    else {
      merged.count += r.count;
      merged.totalNs += r.total_ns;
      if (frames.length > merged.frames.length) merged.frames = frames;
    }
  }
  const locations: Location[] = [];
  const functions: ProfileFunction[] = [];
  const locationByPc = new Map<number, number>();
  const functionByName = new Map<string, number>();
  const samples: Sample[] = [...byKey.values()].map(({ frames, count, totalNs }) => {
    const locationIds = frames.map((f) => {
      let loc = locationByPc.get(f.pc);
      if (loc === undefined) {
        const fnKey = `${f.file}\u0000${f.func}`;
        let fn = functionByName.get(fnKey);
        if (fn === undefined) {
          fn = functions.length + 1;
          functions.push({ id: fn, name: f.func, systemName: f.func, filename: f.file, startLine: 0 });
          functionByName.set(fnKey, fn);
        }
        loc = locations.length + 1;
        locations.push({ id: loc, mappingId: 0, address: f.pc, lines: [{ functionId: fn, line: f.line, column: 0 }], isFolded: false });
        locationByPc.set(f.pc, loc);
      }
      return loc;
    });
    return { locationIds, values: [count, totalNs], labels: [] };
  });
  return {
    sampleTypes: [{ type: 'contentions', unit: 'count' }, { type: 'delay', unit: 'nanoseconds' }],
    samples, mappings: [], locations, functions, dropFrames: '', keepFrames: '', timeNanos: 0, durationNanos: 0,
    periodType: { type: 'trace', unit: 'count' }, period: 1, comments: [], defaultSampleType: '', docUrl: '',
  };
}
