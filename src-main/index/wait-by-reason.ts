// A goroutine's Waiting time by wait reason as the index packs it (goroutines.wait_ns_by_reason):
// uvarint pairs of the reason's string ID and its nanoseconds, reasons with no time left out.

import { ByteReader, type ByteWriter } from './varint.ts';

/** Appends `pairs` (reason string ID, ns, reason, ns, …) to `w`. */
export function writeWaitByReason(w: ByteWriter, pairs: readonly number[]): void {
  for (let i = 0; i < pairs.length; i += 2) {
    if (pairs[i + 1] === 0) continue;
    w.uvarint(pairs[i]);
    w.uvarint(pairs[i + 1]);
  }
}

/** Visits each reason's string ID and its nanoseconds, in the order written. */
export function readWaitByReason(data: Uint8Array, visit: (reason: number, ns: number) => void): void {
  const r = new ByteReader(data);
  while (!r.done) {
    const reason = r.uvarint();
    visit(reason, r.uvarint());
  }
}
