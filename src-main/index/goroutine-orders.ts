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

import { ByteReader, ByteWriter } from './varint.ts';

/** The sortable columns of the goroutines table, as named in goroutine_orders.sort. */
export const GOROUTINE_ORDER_COLUMNS = ['id', 'name', 'start_ns', 'end_ns', 'running_ns', 'runnable_ns', 'waiting_ns', 'syscall_ns'] as const;
export type GoroutineOrderColumn = (typeof GOROUTINE_ORDER_COLUMNS)[number];

export const ORDER_PAGE_IDS = 1024;

/** One goroutine's sortable values, as its row holds them. */
export interface GoroutineSortValues {
  id: number;
  name: number;
  start: number;
  /** null: alive at the end (sorts first, as SQL's NULL does). */
  end: number | null;
  running: number;
  runnable: number;
  waiting: number;
  syscall: number;
}

/** Collects every goroutine's sortable values, then writes the orders. */
export class GoroutineOrders {
  private n = 0;
  /** Column-major values, indexed by arrival; `end` is stored +1, with 0 for null. */
  private columns: Float64Array<ArrayBuffer>[] = GOROUTINE_ORDER_COLUMNS.map(() => new Float64Array(1024));

  add(g: GoroutineSortValues): void {
    if (this.n === this.columns[0].length) this.columns = this.columns.map((c) => grow(c));
    const i = this.n++;
    const c = this.columns;
    c[0][i] = g.id;
    c[1][i] = g.name;
    c[2][i] = g.start;
    c[3][i] = g.end === null ? 0 : g.end + 1;
    c[4][i] = g.running;
    c[5][i] = g.runnable;
    c[6][i] = g.waiting;
    c[7][i] = g.syscall;
  }

  /**
   * Sorts and writes every order as (column, page, ids) rows. `nameRank` maps a name's string ID
   * to its rank among the names in SQLite's order (by UTF-8 bytes).
   */
  write(nameRank: (nameId: number) => number, push: (column: GoroutineOrderColumn, page: number, ids: Uint8Array) => void): void {
    const n = this.n;
    const ids = this.columns[0].subarray(0, n);
    const names = this.columns[1];
    for (let i = 0; i < n; i++) names[i] = nameRank(names[i]);
    // Stable sorts from ID order: ties stay in ID order.
    const byId = radixSort(ids, identity(n));
    const writer = new ByteWriter();
    GOROUTINE_ORDER_COLUMNS.forEach((column, k) => {
      const order = k === 0 ? byId : radixSort(this.columns[k].subarray(0, n), byId);
      for (let page = 0; page * ORDER_PAGE_IDS < n; page++) {
        let prev = 0;
        for (let i = page * ORDER_PAGE_IDS; i < Math.min(n, (page + 1) * ORDER_PAGE_IDS); i++) {
          const id = ids[order[i]];
          writer.uvarint(zigzag(id - prev));
          prev = id;
        }
        push(column, page, writer.view());
      }
    });
  }
}

/** The IDs of an order page. */
export function decodeOrderPage(data: Uint8Array): number[] {
  const r = new ByteReader(data);
  const out: number[] = [];
  let id = 0;
  while (!r.done) {
    const z = r.uvarint();
    id += z % 2 === 0 ? z / 2 : -(z + 1) / 2;
    out.push(id);
  }
  return out;
}

function zigzag(d: number): number {
  return d >= 0 ? 2 * d : -2 * d - 1;
}

function grow(a: Float64Array): Float64Array<ArrayBuffer> {
  const next = new Float64Array(a.length * 2);
  next.set(a);
  return next;
}

function identity(n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/**
 * `order` rearranged, stably, so that keys[order[i]] ascend: a least-significant-digit radix sort
 * on 16-bit digits. Keys are integers in [0, 2^53).
 */
export function radixSort(keys: Float64Array, order: Uint32Array): Uint32Array {
  const n = order.length;
  const lo = new Uint32Array(keys.length);
  const hi = new Uint32Array(keys.length);
  let max = 0;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    lo[i] = k >>> 0; // k mod 2^32
    hi[i] = Math.floor(k / 4294967296);
    if (k > max) max = k;
  }
  let src: Uint32Array = order;
  let dst: Uint32Array = new Uint32Array(n);
  const counts = new Uint32Array(65536);
  for (let pass = 0; pass < 4 && (pass === 0 || max >= 2 ** (16 * pass)); pass++) {
    const words = pass < 2 ? lo : hi;
    const shift = (pass % 2) * 16;
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(words[src[i]] >>> shift) & 0xffff]++;
    let sum = 0;
    for (let d = 0; d < 65536; d++) {
      const c = counts[d];
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const j = src[i];
      dst[counts[(words[j] >>> shift) & 0xffff]++] = j;
    }
    [src, dst] = [dst, src === order ? new Uint32Array(n) : src];
  }
  return src;
}
