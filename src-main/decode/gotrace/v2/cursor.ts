// A cursor over one thread's event batches in a generation, and the min-heap of cursors by
// next-event time (the "frontier"). The heap operations mirror Go's exactly, because the order of
// events with equal timestamps depends on the heap's shape.

import { DecodeError } from '../../errors.ts';
import type { Batch } from './batch.ts';
import type { MState, WireEvent } from './order.ts';
import { TIMED_ARG_COUNT, TIMED_SPECS } from './spec.ts';

const EMPTY = new Uint8Array(0);

export class BatchCursor {
  readonly ev: WireEvent = { typ: 0, time: 0, args: [0, 0, 0, 0, 0], offset: 0 };
  /** Time of `ev` (a copy kept on the cursor: the heap compares it constantly). */
  time = 0;
  /** The ordering state of this cursor's thread, once it exists. */
  mState: MState | undefined = undefined;
  /** Index of the current batch; -1 before the first. */
  private idx = -1;
  /** The current batch's body and read position in it (an empty body before the first batch). */
  private data: Uint8Array = EMPTY;
  private dataOff = 0;
  /** File offset of data[0], for error messages and event offsets. */
  private bodyOffset = 0;
  /** Time of the previous event of the current batch (its base time at a batch start). */
  private lastTs = 0;

  constructor(
    readonly m: number,
    private readonly batches: readonly Batch[],
    private readonly file: string,
    /** Converts absolute trace units to relative ns (the batch base). */
    private readonly baseNs: (units: number) => number,
    /** ns per trace unit. */
    private readonly nsPerUnit: number,
  ) {}

  /** Reads the next event into `ev`. Returns false when the thread has no more events. */
  next(): boolean {
    if (this.dataOff === this.data.length && !this.nextBatch()) return false;
    const data = this.data;
    const start = this.dataOff;
    const typ = data[start];
    const nargs = TIMED_ARG_COUNT[typ];
    if (nargs < 0) {
      throw new DecodeError(this.file, this.bodyOffset + start, 'corrupt',
        `unknown or untimed event type ${typ} in the batch of thread ${this.m}: expected a timed event`);
    }
    const args = this.ev.args;
    const end = data.length;
    // dt, then the arguments: uvarints decoded inline (the hot loop of the whole decoder). Most
    // take one to three bytes (goroutine IDs past 16 383 and deltas past 16 383 ticks take
    // three: a call per such value was 3 % of the decoding of bench/out/big.trace); longer ones
    // take longUvarint. Reading past the end of the view yields undefined, which ends a varint:
    // overruns are caught once, after the event.
    let pos = start + 1;
    let dt = 0;
    for (let i = -1; i < nargs; i++) {
      const b = data[pos++];
      let v = b;
      if (b >= 0x80) {
        const b2 = data[pos];
        if (b2 < 0x80) {
          v = (b & 0x7f) + b2 * 128;
          pos++;
        } else {
          const b3 = data[pos + 1];
          if (b3 < 0x80) {
            v = (b & 0x7f) + (b2 & 0x7f) * 128 + b3 * 16384;
            pos += 2;
          } else {
            v = this.longUvarint(data, pos - 1, this.bodyOffset + start, typ);
            pos = this.longEnd;
          }
        }
      }
      if (i >= 0) args[i] = v;
      else dt = v;
    }
    if (pos > end) {
      throw new DecodeError(this.file, this.bodyOffset + start, 'corrupt',
        `event ${TIMED_SPECS[typ]!.name} runs past the end of its batch: expected ${nargs + 1} complete uvarints`);
    }
    // Go converts each delta separately, then adds (matters for non-integral ns per unit).
    this.lastTs += Math.trunc(dt * this.nsPerUnit);
    this.ev.typ = typ;
    this.ev.time = this.lastTs;
    this.time = this.lastTs;
    this.ev.offset = this.bodyOffset + start;
    this.dataOff = pos;
    return true;
  }

  /** Moves to the next non-empty batch; false when there is none. */
  private nextBatch(): boolean {
    const batches = this.batches;
    do {
      if (this.idx + 1 >= batches.length) return false;
      this.idx++;
    } while (batches[this.idx].data.length === 0);
    const batch = batches[this.idx];
    this.data = batch.data;
    this.dataOff = 0;
    this.bodyOffset = batch.dataOffset;
    this.lastTs = this.baseNs(batch.time);
    return true;
  }

  /** Where the last longUvarint ended. */
  private longEnd = 0;

  /**
   * A uvarint of three bytes or more at `pos`, or one cut short by the end of the batch; sets
   * longEnd. One longer than 10 bytes is corrupt (reported against the event at `eventOffset`).
   */
  private longUvarint(data: Uint8Array, pos: number, eventOffset: number, typ: number): number {
    let v = 0;
    let mul = 1;
    for (let n = 0; n < 10; n++) {
      const b = data[pos++];
      if (b === undefined) break;
      v += (b & 0x7f) * mul;
      if (b < 0x80) {
        this.longEnd = pos;
        return v >= 18446744073709551616 ? -1 : v; // 2^64−1: Go's −1.
      }
      mul *= 128;
    }
    if (pos < data.length) {
      throw new DecodeError(this.file, eventOffset, 'corrupt',
        `invalid uvarint in event ${TIMED_SPECS[typ]!.name}: expected at most 10 bytes`);
    }
    // Unterminated: make the caller see an overrun.
    this.longEnd = data.length + 1;
    return 0;
  }
}

/**
 * Sorts cursors by event time the way Go's slices.SortFunc does for the slice sizes seen here:
 * insertion sort (stable) up to 12 elements. Larger frontiers use a stable sort; Go's pdqsort may
 * order equal-time cursors differently there (a tie-break only, never a different time order).
 */
export function sortFrontier(heap: BatchCursor[]): void {
  if (heap.length <= 12) {
    for (let i = 1; i < heap.length; i++) {
      for (let j = i; j > 0 && heap[j].time < heap[j - 1].time; j--) {
        [heap[j], heap[j - 1]] = [heap[j - 1], heap[j]];
      }
    }
    return;
  }
  heap.sort((a, b) => a.time - b.time);
}
