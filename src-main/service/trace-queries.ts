// Queries over one trace's index, for the service: the timeline's goroutine rows and P/M lanes,
// goroutines one by one and by the page, ranges, metrics and goroutine counts over a window, the
// blocking table. Arguments arrive validated (service.ts); these read the index and say what it holds.

import { lanesWindow } from './timeline-lanes.ts';
import { PixelMerger } from './timeline.ts';
import type { TraceIndex } from './trace-index.ts';
import type { TimelineLanesRequest, TimelineLanesWindow, TimelineRequest, TimelineRow, TimelineWindow } from './types.ts';

/** The goroutines' rows of a timeline window, their states merged to pixels (goroutines not in the trace left out). */
export function timelineWindow(idx: TraceIndex, request: TimelineRequest): TimelineWindow {
  const { t0, t1, widthPx, goroutines: ids } = request;
  const nsPerPx = (t1 - t0) / widthPx;
  const stmt = idx.db.prepare(`SELECT g.id, n.value AS name, g.start_ns, g.interval_data FROM goroutines g
    JOIN strings n ON n.id = g.name WHERE g.id = ?`);
  const rows: TimelineRow[] = [];
  for (const id of ids) {
    const g = stmt.get(id) as { id: number; name: string; start_ns: number; interval_data: Uint8Array | null } | undefined;
    if (!g) continue;
    const merger = new PixelMerger(t0, t1, nsPerPx);
    // Zoomed out on a long-lived goroutine: its precomputed levels, not its intervals.
    if (!g.interval_data && idx.levelBuckets(g.id, t0, t1, nsPerPx, (s, e, stateNs) => merger.addFolded(s, e, stateNs))) {
      merger.flush();
      rows.push({ goroutine: g.id, name: g.name, spans: merger.spans });
      continue;
    }
    idx.intervals(g, t0, t1, (s, e, state, reason) => {
      if (s >= t1) return false;
      if (e > t0) merger.add(s, e, state, idx.string(reason));
    });
    merger.flush();
    rows.push({ goroutine: g.id, name: g.name, spans: merger.spans });
  }
  return { t0, t1, nsPerPx, rows };
}

/** The P or M lanes of a timeline window, each goroutine named (throws LanesUnavailable when the trace has no such lanes). */
export function timelineLanesWindow(idx: TraceIndex, request: TimelineLanesRequest): TimelineLanesWindow {
  const { kind, t0, t1, widthPx } = request;
  const nameStmt = idx.db.prepare('SELECT n.value FROM goroutines g JOIN strings n ON n.id = g.name WHERE g.id = ?').pluck();
  return lanesWindow(idx.db, kind, t0, t1, widthPx, (g) => (nameStmt.get(g) as string | undefined) ?? '');
}
