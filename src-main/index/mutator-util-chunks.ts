// The trace's mutator utilisation function (analyze/gc-mutator-util.ts, go tool trace's default
// /mmu options), packed in chunks of consecutive steps: table mutator_util_chunks. Per step: the
// time since the previous step (the first: since the chunk's start_ns) as a duration in ticks
// (interval-codec.ts), then uvarint the index of its utilisation in the chunk's `utils` (a JSON
// array of the distinct values, which are few: k/GOMAXPROCS). About 3 bytes a step.
//
// It is written at index time because the function needs the events themselves (which P each
// assist and worker ran on, GOMAXPROCS as it changed); from it the service computes the MMU curve
// and worst windows for any window size without the trace.

import type { RowSink } from './batch-insert.ts';
import { readDuration, writeDuration } from './interval-codec.ts';
import { ByteReader, ByteWriter } from './varint.ts';

/** Steps per chunk. */
const CHUNK_STEPS = 4096;

export const MUTATOR_UTIL_COLUMNS = ['start_ns', 'end_ns', 'count', 'utils', 'data'] as const;

export class MutatorUtilWriter {
  private readonly bytes = new ByteWriter();
  private readonly palette = new Map<number, number>();
  private count = 0;
  private start = 0;
  private end = 0;

  constructor(private readonly sink: RowSink, private readonly nsPerTick: () => number) {}

  add(time: number, util: number): void {
    if (this.count === 0) this.start = this.end = time;
    writeDuration(this.bytes, time - this.end, this.nsPerTick());
    let code = this.palette.get(util);
    if (code === undefined) this.palette.set(util, (code = this.palette.size));
    this.bytes.uvarint(code);
    this.end = time;
    if (++this.count >= CHUNK_STEPS) this.flush();
  }

  flush(): void {
    if (this.count > 0) this.sink.push(this.start, this.end, this.count, JSON.stringify([...this.palette.keys()]), this.bytes.view());
    this.count = 0;
    this.palette.clear();
  }
}

/** Decodes one chunk, calling `visit` for each step in order. */
export function decodeMutatorUtil(row: { start_ns: number; utils: string; data: Uint8Array }, nsPerTick: number,
  visit: (time: number, util: number) => void): void {
  const utils = JSON.parse(row.utils) as number[];
  const r = new ByteReader(row.data);
  let t = row.start_ns;
  while (!r.done) {
    t += readDuration(r, nsPerTick);
    visit(t, utils[r.uvarint()]);
  }
}
