// The events of one event batch, parsed from the wire into a flat array of int32s: what the
// wire-parsing thread (wire-parse-worker.ts) hands the decoding thread, which then orders the
// events without decoding a single uvarint (BatchCursor reads them back).
//
// Per event: a head word `typ | (offset in the batch body << 8)` (bodies are at most 64 KiB),
// then dt and the event's arguments (TIMED_ARG_COUNT[typ] of them), each as an int32. A value
// an int32 cannot hold (a heap size past 2 GiB, a large ID) is written as WIDE and its double
// goes to `wide`, in order. Go's −1 (the wire's 2^64−1) fits an int32 and is written as is.
// Every wire byte yields at most one int32, so a body of n bytes needs at most n of them.

import { TIMED_ARG_COUNT } from './spec.ts';

/** Stands for "the next double of `wide`". */
export const WIDE = -0x80000000;

/** One event batch, parsed. */
export interface ParsedBatch {
  /** File offset of the batch body (Batch.dataOffset): which batch this is. */
  readonly dataOffset: number;
  readonly ints: Int32Array;
  /** Number of int32s used in `ints`. */
  readonly length: number;
  /** The values written as WIDE, in order (empty nearly always). */
  readonly wide: readonly number[];
}

/**
 * Parses an event batch body into `ints` (at least `data.length` long), the wide values into
 * `wide`. Returns the number of int32s written, or −1 when the body is not a well-formed run of
 * timed events (an unknown or untimed event type, a uvarint of more than 10 bytes, an event cut
 * by the end of the body): the decoding thread then decodes that batch itself, which reports the
 * damage exactly where and how it always does. The uvarints are read as BatchCursor reads them:
 * the same doubles, 2^64−1 and anything that rounds to 2^64 as −1.
 */
export function parseEventBatch(data: Uint8Array, ints: Int32Array, wide: number[]): number {
  const end = data.length;
  let pos = 0;
  let n = 0;
  while (pos < end) {
    const start = pos;
    const typ = data[pos++];
    const nargs = TIMED_ARG_COUNT[typ];
    if (nargs < 0) return -1;
    ints[n++] = typ | (start << 8);
    for (let i = -1; i < nargs; i++) {
      if (pos >= end) return -1;
      let b = data[pos++];
      let v = b;
      if (b >= 0x80) {
        v = b & 0x7f;
        let mul = 128;
        for (let k = 1; ; k++) {
          if (k === 10 || pos >= end) return -1;
          b = data[pos++];
          v += (b & 0x7f) * mul;
          if (b < 0x80) break;
          mul *= 128;
        }
        if (v >= 18446744073709551616) v = -1;
      }
      if (v <= 0x7fffffff) {
        ints[n++] = v;
      } else {
        ints[n++] = WIDE;
        wide.push(v);
      }
    }
  }
  return n;
}
