// Packed interval chunks: how goroutine and proc intervals are stored in the index.
//
// Why not one SQL row per interval: a busy 162 MB Go 1.27 trace has 30 M goroutine intervals;
// as rows they took 35 s to insert, 21 s to index and 1.35 GB on disk (8.3× the trace),
// measured with a prototype. Packed into chunks of a few hundred intervals they take ~4 bytes
// each, and a timeline window reads a handful of chunks per row.
//
// A chunk holds consecutive intervals of one resource, in time order. Per interval:
//   head byte: state (bits 0–2) | has value (bit 3) | has stack (bit 4) | open (bit 5) | has gap (bit 6)
//              | has thread (bit 7)
//   [uvarint gap from the previous interval's end] uvarint duration
//   [uvarint value] [uvarint stack ID] [uvarint thread + 1]
// Goroutine intervals are contiguous (no gaps); `value` is the reason string ID; `thread` is the
// M a Running or Syscall goroutine was on. Proc intervals have gaps (idle time); `value` is the
// goroutine that ran, `thread` the M that held the P. Stack IDs refer to the stacks table.
// Threads are only recorded for Running and Syscall intervals, and only when they change: a
// Running or Syscall interval without the thread bit is on the chunk's last recorded thread
// (M IDs are OS thread IDs, 3 bytes each: written every time they cost 100 MB on a 168 MB trace).

import { ByteReader, ByteWriter } from './varint.ts';

/** `thread` is −1 when none was recorded. */
export interface IntervalVisitor {
  (start: number, end: number, state: number, value: number, stack: number, open: boolean, thread: number): boolean | void;
}

const HAS_VALUE = 1 << 3;
const HAS_STACK = 1 << 4;
const OPEN = 1 << 5;
const HAS_GAP = 1 << 6;
const HAS_THREAD = 1 << 7;
/** The states whose intervals carry a thread (GO_STATES codes). */
const RUNNING = 3;
const SYSCALL = 5;

/** A chunk is written out once it holds this many intervals or bytes (rows stay within a page). */
export const CHUNK_INTERVALS = 256;
export const CHUNK_BYTES = 1536;

/** Appends intervals to a growable byte buffer; one encoder per resource. */
export class ChunkEncoder {
  private readonly bytes = new ByteWriter();
  count = 0;
  /** Encoded bytes so far. */
  get byteLength(): number {
    return this.bytes.length;
  }
  /** Start of the chunk's first interval. */
  start = 0;
  /** End of the chunk's last interval. */
  end = 0;
  /** The last thread recorded in the chunk (−1: none). */
  private thread = -1;

  /** `thread`: −1 for none. */
  add(start: number, end: number, state: number, value: number, stack: number, open: boolean, thread: number): void {
    const gap = this.count === 0 ? 0 : start - this.end;
    if (gap < 0) throw new Error(`intervals must be in time order: ${start} before ${this.end}`);
    if (this.count === 0) this.start = start;
    const newThread = (state === RUNNING || state === SYSCALL) && thread !== this.thread;
    const w = this.bytes;
    w.byte((state & 7) | (value !== 0 ? HAS_VALUE : 0) | (stack !== 0 ? HAS_STACK : 0) | (open ? OPEN : 0) | (gap !== 0 ? HAS_GAP : 0)
      | (newThread ? HAS_THREAD : 0));
    if (gap !== 0) w.uvarint(gap);
    w.uvarint(end - start);
    if (value !== 0) w.uvarint(value);
    if (stack !== 0) w.uvarint(stack);
    if (newThread) {
      w.uvarint(thread + 1);
      this.thread = thread;
    }
    this.end = end;
    this.count++;
  }

  /**
   * The encoded chunk, without a copy: valid until the next add() (a RowSink reads it during
   * push). The encoder starts a new chunk.
   */
  take(): Uint8Array {
    this.count = 0;
    this.thread = -1;
    return this.bytes.view();
  }
}

/**
 * Decodes a chunk whose first interval starts at `start`, calling `visit` for each interval in
 * order; stops early when `visit` returns false.
 */
export function decodeChunk(data: Uint8Array, start: number, visit: IntervalVisitor): void {
  const r = new ByteReader(data);
  let t = start;
  let lastThread = -1;
  while (!r.done) {
    const head = r.byte();
    if (head & HAS_GAP) t += r.uvarint();
    const end = t + r.uvarint();
    const value = head & HAS_VALUE ? r.uvarint() : 0;
    const stack = head & HAS_STACK ? r.uvarint() : 0;
    const state = head & 7;
    if (head & HAS_THREAD) lastThread = r.uvarint() - 1;
    const thread = state === RUNNING || state === SYSCALL ? lastThread : -1;
    if (visit(t, end, state, value, stack, (head & OPEN) !== 0, thread) === false) return;
    t = end;
  }
}
