// The pages of goroutine_orders (see goroutine-orders.ts): a page is up to ORDER_PAGE_IDS goroutine
// IDs in order, as uvarints of the zigzag difference from the previous ID (the first from 0):
// orders by ID, start and name are nearly ID-ordered and take a byte or so each.

import { ByteReader, ByteWriter } from './varint.ts';

export const ORDER_PAGE_IDS = 1024;

/** Packs IDs in order into pages of ORDER_PAGE_IDS. */
export class OrderPages {
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
