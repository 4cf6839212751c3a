// The goroutine list's sort orders, precomputed: for each sortable column, every goroutine ID in
// ascending order of (column, ID), packed in pages of ORDER_PAGE_IDS (table goroutine_orders,
// pages as order-pages.ts packs them). This module collects the values from the goroutine rows as
// they are written, and sorts (radix-sort.ts, in order-sort-memory.ts's memory) once all are in.
//
// Why not SQL indexes: a busy 168 MB trace has 2.1 M goroutines, and an index on (column, id)
// takes 10–17 bytes an entry (four of them took 107 MB, a fifth of the index) and 1–3 s each to
// build after the load; the list also pages by OFFSET, which walks an index entry by entry. A
// packed order takes 1–3 bytes per goroutine, sorts in tens of milliseconds (radix sort), and
// serves any page of any order by reading one or two rows.

import type Database from 'better-sqlite3';
import { tapSinks, type RowSinks } from './batch-insert.ts';
import { OrderPages } from './order-pages.ts';
import { SortScratch } from './order-sort-memory.ts';
import type { RadixSorter } from './radix-sort.ts';

/** The sortable columns of the goroutines table, as named in goroutine_orders.sort. */
export const GOROUTINE_ORDER_COLUMNS = ['id', 'name', 'start_ns', 'end_ns', 'running_ns', 'runnable_ns', 'waiting_ns', 'syscall_ns'] as const;
export type GoroutineOrderColumn = (typeof GOROUTINE_ORDER_COLUMNS)[number];

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

