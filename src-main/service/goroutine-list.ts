// Pages of a trace's goroutine list in any sort order, read from the precomputed orders
// (goroutine_orders, see index/goroutine-orders.ts and order-pages.ts): a page of the unfiltered
// list is one or two order pages away, however deep; a filtered list walks the order a page of IDs
// at a time, remembering how many of each page match, so that paging on skips what it has counted.

import type Database from 'better-sqlite3';
import type { GoroutineOrderColumn } from '../index/goroutine-orders.ts';
import { decodeOrderPage, ORDER_PAGE_IDS } from '../index/order-pages.ts';

/** A filter as SQL over GOROUTINE_JOINS. */
export interface GoroutineFilter {
  where: string[];
  params: unknown[];
}

/** Goroutine rows (`g`) with their name (`n`) and last reason (`r`): what lists and filters read. */
export const GOROUTINE_JOINS = 'FROM goroutines g JOIN strings n ON n.id = g.name LEFT JOIN strings r ON r.id = g.last_reason';

const MAX_CACHED_PAGES = 256;
const MAX_CACHED_FILTERS = 32;

export class GoroutineList {
  private readonly pageStmt: Database.Statement;
  private readonly pages = new Map<string, number[]>();
  /** Per (order, filter): how many IDs of each order page match (−1: not counted yet). */
  private readonly matches = new Map<string, Int32Array>();

  /** `count`: the number of goroutines (rows of every order). */
  constructor(private readonly db: Database.Database, private readonly count: number) {
    this.pageStmt = db.prepare('SELECT ids FROM goroutine_orders WHERE sort = ? AND page = ?').pluck();
  }

  /** IDs of the goroutines at [offset, offset + limit) of the order, filtered when `filter` has conditions. */
  ids(column: GoroutineOrderColumn, descending: boolean, filter: GoroutineFilter, offset: number, limit: number): number[] {
    return filter.where.length === 0
      ? this.unfiltered(column, descending, offset, limit)
      : this.filtered(column, descending, filter, offset, limit);
  }

  private unfiltered(column: GoroutineOrderColumn, descending: boolean, offset: number, limit: number): number[] {
    const out: number[] = [];
    for (let p = offset; p < Math.min(offset + limit, this.count); p++) {
      const at = descending ? this.count - 1 - p : p;
      out.push(this.page(column, Math.floor(at / ORDER_PAGE_IDS))[at % ORDER_PAGE_IDS]);
    }
    return out;
  }

  private filtered(column: GoroutineOrderColumn, descending: boolean, filter: GoroutineFilter, offset: number, limit: number): number[] {
    const pageCount = Math.ceil(this.count / ORDER_PAGE_IDS);
    const key = JSON.stringify([column, filter.where, filter.params]);
    let counts = this.matches.get(key);
    if (!counts) {
      if (this.matches.size >= MAX_CACHED_FILTERS) this.matches.clear();
      this.matches.set(key, (counts = new Int32Array(pageCount).fill(-1)));
    }
    const matchStmt = this.db.prepare(`SELECT g.id ${GOROUTINE_JOINS}
      WHERE g.id IN (SELECT value FROM json_each(?)) AND ${filter.where.join(' AND ')}`).pluck();
    const out: number[] = [];
    let seen = 0; // matches before the current page
    for (let i = 0; i < pageCount && out.length < limit; i++) {
      const page = descending ? pageCount - 1 - i : i;
      const known = counts[page];
      if (known >= 0 && seen + known <= offset) {
        seen += known;
        continue;
      }
      const ids = this.page(column, page);
      const matching = new Set(matchStmt.all(JSON.stringify(ids), ...filter.params) as number[]);
      counts[page] = matching.size;
      for (let j = 0; j < ids.length; j++) {
        const id = ids[descending ? ids.length - 1 - j : j];
        if (!matching.has(id)) continue;
        if (seen >= offset && out.length < limit) out.push(id);
        seen++;
      }
    }
    return out;
  }

  private page(column: GoroutineOrderColumn, page: number): number[] {
    const key = `${column}/${page}`;
    let ids = this.pages.get(key);
    if (!ids) {
      const data = this.pageStmt.get(column, page) as Uint8Array | undefined;
      if (!data) throw new Error(`the index has no page ${page} of the goroutine order by ${column}`);
      ids = decodeOrderPage(data);
      if (this.pages.size >= MAX_CACHED_PAGES) this.pages.delete(this.pages.keys().next().value!);
      this.pages.set(key, ids);
    }
    return ids;
  }
}
