// Where the goroutine list's orders are sorted (goroutine-orders.ts): memory shared between the
// two threads of a trace's indexing, touched ahead of the sorts while the writing thread waits.

import { RadixSorter } from './radix-sort.ts';

/**
 * Memory to sort the orders of up to `capacity` goroutines in, shared between threads. First
 * touches of fresh memory cost ~3 ms a MB on the VMs measured, a third of the time the sorts
 * took at the end of a 168 MB trace: the writing thread touches it while it would wait, for this
 * thread and the one sorting the other orders, as the goroutines come. Untouched memory costs
 * nothing, so it is reserved for the most goroutines sorted in memory.
 */
export class SortScratch {
  /** Bytes per goroutine: keys, sorted IDs and arrivals by ID (Float64), and the RadixSorter's. */
  private static get BYTES(): number {
    return 3 * 8 + RadixSorter.BYTES;
  }
  readonly capacity: number;
  readonly keys: Float64Array;
  readonly sortedIds: Float64Array;
  readonly byId: Float64Array;
  readonly sorter: RadixSorter;
  /** The arrays above, one after the other, each of `capacity` elements. */
  private readonly regions: Uint8Array[];
  /** Goroutines whose memory is touched in every region. */
  private touched = 0;

  constructor(readonly memory: SharedArrayBuffer) {
    const capacity = (this.capacity = memory.byteLength / SortScratch.BYTES);
    const f64 = (i: number) => new Float64Array(memory, i * 8 * capacity, capacity);
    [this.keys, this.sortedIds, this.byId] = [f64(0), f64(1), f64(2)];
    this.sorter = new RadixSorter(capacity, memory, 3 * 8 * capacity);
    this.regions = [new Uint8Array(memory, 0, 3 * 8 * capacity), ...this.sorter.regions()];
  }

  static reserve(capacity: number): SortScratch {
    return new SortScratch(new SharedArrayBuffer(capacity * SortScratch.BYTES));
  }

  /** Touches the memory of up to `step` more goroutines, up to `count`; false when that much was touched already. */
  touch(count: number, step: number): boolean {
    const to = Math.min(count, this.touched + step, this.capacity);
    if (to <= this.touched) return false;
    for (const r of this.regions) {
      const per = r.byteLength / this.capacity;
      for (let b = this.touched * per; b < to * per; b += 4096) r[b] = 0;
    }
    this.touched = to;
    return true;
  }
}
