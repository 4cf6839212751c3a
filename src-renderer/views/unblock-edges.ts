// Which unblock edge ended which wait: the service's rule (service.ts, goroutine) is that an edge
// ends the Waiting interval that ends at the edge's time.

import type { UnblockEdge } from '../../src-main/service/types.ts';

/** A lookup from a Waiting interval to the edge that ended it, null when none did (a timer, still open…). */
export function endedBy(edges: readonly UnblockEdge[]): (wait: { end: number; open: boolean }) => UnblockEdge | null {
  const byTime = new Map(edges.map((e) => [e.time, e]));
  return (wait) => (wait.open ? null : byTime.get(wait.end) ?? null);
}
