// A least-significant-digit radix sort of numeric keys carrying payloads, for the goroutine
// list's sort orders (goroutine-orders.ts), whose millions of keys it sorts in tens of milliseconds.

const DIGIT_BITS = 11;
const DIGITS = 1 << DIGIT_BITS;
const MASK = DIGITS - 1;

/**
 * Sorts payloads by keys ascending, stably: a least-significant-digit radix sort on 11-bit digits
 * (at most 5 passes for keys up to 2^53), keys moving with their payload so that each pass reads
 * in order; passes whose digit is the same for every key are skipped. Keys are integers in
 * [0, 2^53). One sorter serves many sorts of up to `capacity` entries: fresh typed arrays cost
 * more than the sort here (first touches of their pages), so its buffers are reused.
 */
export class RadixSorter {
  private lo: Uint32Array;
  private hi: Uint32Array;
  private pay: Float64Array;
  private lo2: Uint32Array;
  private hi2: Uint32Array;
  private pay2: Float64Array;
  private readonly counts = Array.from({ length: 5 }, () => new Uint32Array(DIGITS));

  /** Bytes of buffers per entry of capacity. */
  static readonly BYTES = 4 * 4 + 2 * 8;

  /** The buffers are in `memory` from byte `offset` on (capacity × BYTES bytes) when given. */
  constructor(private readonly capacity: number, memory: ArrayBufferLike = new ArrayBuffer(capacity * RadixSorter.BYTES), offset = 0) {
    [this.pay, this.pay2] = [0, 1].map((i) => new Float64Array(memory, offset + i * 8 * capacity, capacity));
    [this.lo, this.hi, this.lo2, this.hi2] = [0, 1, 2, 3].map((i) => new Uint32Array(memory, offset + 16 * capacity + i * 4 * capacity, capacity));
  }

  /** Its buffers' bytes, one view per buffer. */
  regions(): Uint8Array[] {
    return [this.pay, this.pay2, this.lo, this.hi, this.lo2, this.hi2].map((a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  }

  /**
   * The payloads in the order of their keys (arrays of the same length, at most the capacity), and
   * optionally the keys in that order into `sortedKeys`. The result is a view of the sorter's
   * buffer: valid until the next sort.
   */
  sort(keys: Float64Array, payload: Float64Array, sortedKeys?: Float64Array): Float64Array {
    const n = keys.length;
    if (n > this.capacity || payload.length !== n) throw new Error(`RadixSorter: ${n} keys and ${payload.length} payloads for a capacity of ${this.capacity}`);
    const counts = this.counts;
    for (const c of counts) c.fill(0);
    let { lo, hi, pay, lo2, hi2, pay2 } = this;
    pay.set(payload);
    // One pass for every digit's histogram: 0–1 in lo, 2 across lo and hi, 3–4 in hi.
    const [c0, c1, c2, c3, c4] = counts;
    for (let i = 0; i < n; i++) {
      const k = keys[i];
      const l = k >>> 0; // k mod 2^32
      const h = Math.floor(k / 4294967296);
      lo[i] = l;
      hi[i] = h;
      c0[l & MASK]++;
      c1[(l >>> 11) & MASK]++;
      c2[(l >>> 22) | ((h & 1) << 10)]++;
      c3[(h >>> 1) & MASK]++;
      c4[(h >>> 12) & MASK]++;
    }
    for (let pass = 0; pass < 5; pass++) {
      const c = counts[pass];
      if (n === 0 || c.includes(n)) continue; // one digit value for all: this pass moves nothing
      let sum = 0;
      for (let d = 0; d < DIGITS; d++) {
        const x = c[d];
        c[d] = sum;
        sum += x;
      }
      scatter(pass, n, c, lo, hi, pay, lo2, hi2, pay2);
      [lo, lo2, hi, hi2, pay, pay2] = [lo2, lo, hi2, hi, pay2, pay];
    }
    Object.assign(this, { lo, hi, pay, lo2, hi2, pay2 });
    if (sortedKeys) for (let i = 0; i < n; i++) sortedKeys[i] = hi[i] * 4294967296 + lo[i];
    return pay.subarray(0, n);
  }
}

/** One pass: entries to their digit's next slot. */
function scatter(pass: number, n: number, c: Uint32Array, lo: Uint32Array, hi: Uint32Array, pay: Float64Array,
  lo2: Uint32Array, hi2: Uint32Array, pay2: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const l = lo[i];
    const h = hi[i];
    const d = pass === 0 ? l & MASK : pass === 1 ? (l >>> 11) & MASK : pass === 2 ? (l >>> 22) | ((h & 1) << 10)
      : pass === 3 ? (h >>> 1) & MASK : (h >>> 12) & MASK;
    const j = c[d]++;
    lo2[j] = l;
    hi2[j] = h;
    pay2[j] = pay[i];
  }
}
