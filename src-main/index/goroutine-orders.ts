// The goroutine list's sort orders, precomputed: for each sortable column, every goroutine ID in
// ascending order of (column, ID), packed in pages of ORDER_PAGE_IDS (table goroutine_orders).
//
// Why not SQL indexes: a busy 168 MB trace has 2.1 M goroutines, and an index on (column, id)
// takes 10–17 bytes an entry (four of them took 107 MB, a fifth of the index) and 1–3 s each to
// build after the load; the list also pages by OFFSET, which walks an index entry by entry. A
// packed order takes 1–3 bytes per goroutine, sorts in tens of milliseconds (radix sort), and
// serves any page of any order by reading one or two rows.
//
// A page is the IDs in order as uvarints of the zigzag difference from the previous ID (the
// first from 0): orders by ID, start and name are nearly ID-ordered and take a byte or so each.

import type Database from 'better-sqlite3';
import { tapSinks, type RowSinks } from './batch-insert.ts';
import { ByteReader, ByteWriter } from './varint.ts';

/** The sortable columns of the goroutines table, as named in goroutine_orders.sort. */
export const GOROUTINE_ORDER_COLUMNS = ['id', 'name', 'start_ns', 'end_ns', 'running_ns', 'runnable_ns', 'waiting_ns', 'syscall_ns'] as const;
export type GoroutineOrderColumn = (typeof GOROUTINE_ORDER_COLUMNS)[number];

export const ORDER_PAGE_IDS = 1024;

/**
 * Goroutines whose orders are sorted in memory (~180 bytes each: their values, and sorting memory
 * for two threads; 530 MB at this many). Past it, SQLite sorts them (its sorter spills to disk,
 * so memory stays bounded): slower, for traces of several GB.
 */
const MAX_SORTED_IN_MEMORY = 3_000_000;

/**
 * The goroutines' sortable values as collected, in memory shared between threads: another thread
 * can sort some of the orders from them (sortSharedOrders) while this one sorts the others.
 */
export interface SharedGoroutineValues {
  readonly n: number;
  readonly blocks: readonly Float64Array[];
  /** Sorting memory readied for the other thread (SortScratch.memory), if any. */
  readonly scratch: SharedArrayBuffer | null;
}

/**
 * Sinks that pass every row on to `sinks` and collect the goroutines' sortable values on the way;
 * `write` then adds the orders of `columns` (all by default), and `shared` hands the values to
 * another thread for the others (null past the goroutines sorted in memory: `write` must then
 * be given every column). `prepare` readies memory for the sorts (call it while idle; false when
 * it had nothing to do, as always once the values are shared or written: the other thread may be
 * sorting in that memory). Used on the thread that writes the database, which has every row.
 */
export function collectGoroutineOrders(sinks: RowSinks, maxInMemory = MAX_SORTED_IN_MEMORY): {
  sinks: RowSinks;
  prepare(): boolean;
  shared(): SharedGoroutineValues | null;
  write(db: Database.Database, columns?: readonly GoroutineOrderColumn[]): void;
} {
  const orders = new GoroutineOrders(maxInMemory);
  let sorting = false;
  return {
    prepare: () => !sorting && orders.prepare(),
    shared: () => {
      sorting = true;
      return orders.overflowed ? null : { n: orders.n, blocks: orders.blocks, scratch: orders.scratches[1]?.memory ?? null };
    },
    sinks: tapSinks(sinks, (table, columns) => {
      if (table !== 'goroutines') return null;
      const positions = GOROUTINE_ORDER_COLUMNS.map((c) => columns.indexOf(c));
      if (positions.includes(-1)) throw new Error(`the goroutines rows lack a sortable column: ${columns.join(', ')}`);
      return (values, at) => orders.add(values, at, positions);
    }),
    write(db, columns = GOROUTINE_ORDER_COLUMNS) {
      sorting = true;
      if (orders.overflowed) {
        if (columns.length !== GOROUTINE_ORDER_COLUMNS.length) throw new Error('orders sorted by SQLite are written all at once');
        writeToOrdersTable(sinks, (push) => writeOrdersBySql(db, push));
        return;
      }
      let ranks = new Float64Array(0);
      if (columns.includes('name')) {
        // Names rank by SQLite's own order of their text.
        const ids = db.prepare('SELECT id FROM strings ORDER BY value').pluck().all() as number[];
        ranks = new Float64Array(ids.reduce((max, id) => Math.max(max, id), 0) + 1);
        ids.forEach((id, rank) => (ranks[id] = rank));
      }
      writeToOrdersTable(sinks, (push) => writeOrders(orders, orders.scratches[0] ?? null, columns, ranks, push));
    },
  };
}

/** The orders of `columns` (not the name's) sorted from values another thread collected, written to `sinks`. */
export function sortSharedOrders(values: SharedGoroutineValues, columns: readonly GoroutineOrderColumn[], sinks: RowSinks): void {
  if (columns.includes('name')) throw new Error('names are ranked by SQLite: the thread that writes the database sorts their order');
  const scratch = values.scratch ? new SortScratch(values.scratch) : null;
  writeToOrdersTable(sinks, (push) => writeOrders(values, scratch, columns, new Float64Array(0), push));
}

/** Where order pages go: a row (column, page, ids) of goroutine_orders. */
type PushPage = (column: GoroutineOrderColumn, page: number, ids: Uint8Array) => void;

/** Runs `write` with a function that writes pages as rows of goroutine_orders through `sinks`, then flushes them. */
function writeToOrdersTable(sinks: RowSinks, write: (push: PushPage) => void): void {
  const sink = sinks('goroutine_orders', ['sort', 'page', 'ids']);
  write((column, page, ids) => sink.push(column, page, ids));
  sink.flush();
}

/**
 * Rows per block of collected values (2^16): blocks are never copied (doubling one array cost a
 * second). They are SharedArrayBuffers, so that another thread can read them. A block holds its
 * values column by column: a sort gathers one column in nearly arrival order (goroutines end
 * nearly in ID order), and reads consecutive values then instead of one cache line per goroutine.
 */
const BLOCK_BITS = 16;
const BLOCK_ROWS = 1 << BLOCK_BITS;
/** Values per goroutine: the sortable columns. */
const WIDTH = GOROUTINE_ORDER_COLUMNS.length;
/** The column stored +1, with 0 for null. */
const END = GOROUTINE_ORDER_COLUMNS.indexOf('end_ns');

/** Every order sorted by SQLite, from the goroutines table (for more goroutines than memory allows). */
function writeOrdersBySql(db: Database.Database, push: PushPage): void {
  for (const column of GOROUTINE_ORDER_COLUMNS) {
    const sql = column === 'name'
      ? 'SELECT g.id FROM goroutines g JOIN strings n ON n.id = g.name ORDER BY n.value, g.id'
      : `SELECT id FROM goroutines ORDER BY ${column}, id`; // NULL end_ns first, as in memory
    // Packed pages are kept (a few bytes a goroutine) until the query ends: the connection
    // cannot insert while it iterates.
    const packed: Uint8Array[] = [];
    const pages = new OrderPages((_page, data) => packed.push(data.slice()));
    for (const id of db.prepare(sql).pluck().iterate() as IterableIterator<number>) pages.add(id);
    pages.finish();
    packed.forEach((data, page) => push(column, page, data));
  }
}

/** Packs IDs in order into pages of ORDER_PAGE_IDS. */
class OrderPages {
  private readonly writer = new ByteWriter();
  private page = 0;
  private inPage = 0;
  private prev = 0;

  constructor(private readonly out: (page: number, data: Uint8Array) => void) {}

  add(id: number): void {
    this.writer.svarint(id - this.prev);
    this.prev = id;
    if (++this.inPage === ORDER_PAGE_IDS) this.finish();
  }

  /** Writes the page being filled, if any. */
  finish(): void {
    if (this.inPage === 0) return;
    this.out(this.page++, this.writer.view());
    this.inPage = 0;
    this.prev = 0;
  }
}

/**
 * Memory to sort the orders of up to `capacity` goroutines in, shared between threads. First
 * touches of fresh memory cost ~3 ms a MB on the VMs measured, a third of the time the sorts
 * took at the end of a 168 MB trace: the writing thread touches it while it would wait, for this
 * thread and the one sorting the other orders, as the goroutines come. Untouched memory costs
 * nothing, so it is reserved for the most goroutines sorted in memory.
 */
class SortScratch {
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

/** Goroutines whose sorting memory `prepare` touches ahead of those collected: four blocks. */
const PREPARE_AHEAD = 4 * BLOCK_ROWS;
/** Goroutines whose sorting memory one `prepare` call touches in each scratch (~3 MB in all: ~10 ms). */
const PREPARE_STEP = 1 << 15;

/** Collects every goroutine's sortable values. */
class GoroutineOrders {
  n = 0;
  /** The values in arrival order, BLOCK_ROWS goroutines a block, column by column; `end` is stored +1, with 0 for null. */
  blocks: Float64Array[] = [];
  /** More goroutines than `maxInMemory`: the values were dropped, and SQLite sorts. */
  overflowed = false;
  /** Sorting memory for this thread's orders and for another thread's (see SortScratch), once prepare() ran. */
  scratches: SortScratch[] = [];

  constructor(private readonly maxInMemory: number) {}

  /** Touches some sorting memory for the goroutines so far and a few blocks more; false when it is ready. */
  prepare(): boolean {
    if (this.overflowed) return false;
    if (this.scratches.length === 0) this.scratches = [SortScratch.reserve(this.maxInMemory), SortScratch.reserve(this.maxInMemory)];
    let touched = false;
    for (const scratch of this.scratches) touched = scratch.touch(this.n + PREPARE_AHEAD, PREPARE_STEP) || touched;
    return touched;
  }

  /** Adds the goroutine whose row starts at `values[at]`; `positions`: where each sortable column is in a row. */
  add(values: readonly unknown[], at: number, positions: readonly number[]): void {
    if (this.overflowed) return;
    if (this.n === this.maxInMemory) {
      this.overflowed = true;
      this.blocks = [];
      this.scratches = [];
      return;
    }
    const row = this.n & (BLOCK_ROWS - 1);
    if (row === 0) this.blocks.push(new Float64Array(new SharedArrayBuffer(BLOCK_ROWS * WIDTH * Float64Array.BYTES_PER_ELEMENT)));
    const b = this.blocks[this.blocks.length - 1];
    for (let k = 0; k < WIDTH; k++) {
      const v = values[at + positions[k]] as number | null;
      // end_ns is null for goroutines alive at the end: sorted first, as SQL sorts NULL.
      b[(k << BLOCK_BITS) + row] = k === END ? (v === null ? 0 : v + 1) : (v as number);
    }
    this.n++;
  }
}

/**
 * Sorts the orders of `columns` and writes them as (column, page, ids) rows. `nameRanks[id]` is the
 * rank of the name with string ID `id` among the names in SQLite's order (by UTF-8 bytes).
 */
function writeOrders({ n, blocks }: { n: number; blocks: readonly Float64Array[] }, scratch: SortScratch | null,
  columns: readonly GoroutineOrderColumn[], nameRanks: Float64Array, push: PushPage): void {
  if (!scratch || scratch.capacity < n) scratch = SortScratch.reserve(n);
  const { sorter } = scratch;
  // First by ID; every other order sorts its keys gathered in ID order carrying the IDs, and radix
  // sorts are stable: ties stay in ID order.
  const ids = scratch.keys.subarray(0, n);
  for (let i = 0; i < n; i++) ids[i] = blocks[i >>> BLOCK_BITS][i & (BLOCK_ROWS - 1)];
  const sortedIds = scratch.sortedIds.subarray(0, n);
  const byId = arrivalsById(ids, sorter, sortedIds, scratch.byId.subarray(0, n));
  const keys = ids; // reused: the IDs in arrival order are not needed any more
  GOROUTINE_ORDER_COLUMNS.forEach((column, k) => {
    if (!columns.includes(column)) return;
    let order: Float64Array = sortedIds;
    if (k > 0) {
      for (let i = 0; i < n; i++) {
        const a = byId[i];
        keys[i] = blocks[a >>> BLOCK_BITS][(k << BLOCK_BITS) + (a & (BLOCK_ROWS - 1))];
      }
      if (k === 1) for (let i = 0; i < n; i++) keys[i] = nameRanks[keys[i]];
      order = sorter.sort(keys, sortedIds);
    }
    const pages = new OrderPages((page, data) => push(column, page, data));
    for (let i = 0; i < n; i++) pages.add(order[i]);
    pages.finish();
  });
}

/** IDs spanning at most this many values per goroutine are ordered by placing them directly. */
const DENSE_ID_SPAN = 4;

/**
 * The arrival indexes of unique `ids` in ID order, and the IDs in order into `sortedIds`. The
 * runtime hands IDs out densely, so they are placed directly into a table of the span of IDs
 * (a tenth of the time of radix sorting them); IDs too sparse for that are radix sorted.
 */
function arrivalsById(ids: Float64Array, sorter: RadixSorter, sortedIds: Float64Array, byId: Float64Array): Float64Array {
  const n = ids.length;
  let min = Infinity;
  let max = -Infinity;
  for (const id of ids) {
    if (id < min) min = id;
    if (id > max) max = id;
  }
  if (max - min >= DENSE_ID_SPAN * n) {
    byId.set(sorter.sort(ids, Float64Array.from({ length: n }, (_, i) => i), sortedIds));
    return byId;
  }
  if (n === 0) return byId;
  const slots = new Int32Array(max - min + 1); // arrival index + 1 of each ID, 0 where no goroutine has it
  for (let i = 0; i < n; i++) slots[ids[i] - min] = i + 1;
  let k = 0;
  for (let s = 0; s < slots.length; s++) {
    if (slots[s] === 0) continue;
    byId[k] = slots[s] - 1;
    sortedIds[k++] = min + s;
  }
  return byId;
}

/** The IDs of an order page. */
export function decodeOrderPage(data: Uint8Array): number[] {
  const r = new ByteReader(data);
  const out: number[] = [];
  let id = 0;
  while (!r.done) {
    id += r.svarint();
    out.push(id);
  }
  return out;
}

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
