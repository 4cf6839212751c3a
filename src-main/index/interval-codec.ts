// Packed interval chunks: how goroutine (and proc) intervals are stored in the index.
//
// Why not one SQL row per interval: a busy 162 MB Go 1.27 trace has 30 M goroutine intervals;
// as rows they took 35 s to insert, 21 s to index and 1.35 GB on disk (8.3× the trace), measured
// with .scratch/proto-index.ts. Packed into chunks of a few hundred intervals they take ~4 bytes
// each, and a timeline window reads a handful of chunks per row.
//
// A chunk holds consecutive intervals of one resource. Intervals are contiguous: each starts
// where the previous one ended, so only durations are stored. Per interval:
//   head byte: state (bits 0–2) | has reason (bit 3) | has stack (bit 4) | open (bit 5)
//   uvarint duration (ns) [uvarint reason string ID] [uvarint stack ID]
// Reason and stack IDs refer to the index's strings and stacks tables (0 = none).

/** One interval, times in ns relative to the trace start. */
export interface Interval {
  start: number;
  end: number;
  /** A small integer state code (see index/states.ts). */
  state: number;
  reason: number;
  stack: number;
  /** Still open when the trace ended (its end is the trace's last event time). */
  open: boolean;
}

const HAS_REASON = 1 << 3;
const HAS_STACK = 1 << 4;
const OPEN = 1 << 5;

/** Appends intervals to a growable byte buffer; one encoder per chunk. */
export class ChunkEncoder {
  private buf = new Uint8Array(256);
  private len = 0;
  count = 0;
  /** Start of the first interval. */
  start = 0;
  /** End of the last interval. */
  end = 0;

  get byteLength(): number {
    return this.len;
  }

  add(start: number, end: number, state: number, reason: number, stack: number, open: boolean): void {
    if (this.count === 0) this.start = start;
    else if (start !== this.end) throw new Error(`intervals must be contiguous: ${start} after ${this.end}`);
    this.ensure(31);
    this.buf[this.len++] = (state & 7) | (reason !== 0 ? HAS_REASON : 0) | (stack !== 0 ? HAS_STACK : 0) | (open ? OPEN : 0);
    this.uvarint(end - start);
    if (reason !== 0) this.uvarint(reason);
    if (stack !== 0) this.uvarint(stack);
    this.end = end;
    this.count++;
  }

  /** The encoded chunk (a copy), and resets the encoder. */
  take(): Uint8Array {
    const out = this.buf.slice(0, this.len);
    this.len = 0;
    this.count = 0;
    return out;
  }

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  private uvarint(v: number): void {
    while (v >= 0x80) {
      this.buf[this.len++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.len++] = v;
  }
}

/**
 * Decodes a chunk, calling `visit` for each interval in order. `start` is the chunk's first start.
 * Stops early when `visit` returns false.
 */
export function decodeChunk(
  data: Uint8Array,
  start: number,
  visit: (start: number, end: number, state: number, reason: number, stack: number, open: boolean) => boolean | void,
): void {
  let pos = 0;
  let t = start;
  const n = data.length;
  while (pos < n) {
    const head = data[pos++];
    let dur = 0;
    let mul = 1;
    let b: number;
    do {
      b = data[pos++];
      dur += (b & 0x7f) * mul;
      mul *= 128;
    } while (b >= 0x80);
    let reason = 0;
    if (head & HAS_REASON) {
      mul = 1;
      do {
        b = data[pos++];
        reason += (b & 0x7f) * mul;
        mul *= 128;
      } while (b >= 0x80);
    }
    let stack = 0;
    if (head & HAS_STACK) {
      mul = 1;
      do {
        b = data[pos++];
        stack += (b & 0x7f) * mul;
        mul *= 128;
      } while (b >= 0x80);
    }
    const end = t + dur;
    if (visit(t, end, head & 7, reason, stack, (head & OPEN) !== 0) === false) return;
    t = end;
  }
}
