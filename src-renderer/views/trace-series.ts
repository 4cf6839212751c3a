// The overview's time series, fetched through the API: goroutine counts by state (the index's
// goroutine_counts table, sampled every 100 µs) and the heap metrics Go's tracer emits.

import type { ApiClient } from '../api/client.ts';
import type { Series } from '../lib/charts.ts';

/** Points per chart: about one per horizontal pixel of a wide chart. */
const MAX_POINTS = 800;

/** Names of the runtime/metrics samples in traces (Go's old-format reader maps HeapAlloc and NextGC onto them). */
const HEAP_LIVE = '/memory/classes/heap/objects:bytes';
const HEAP_GOAL = '/gc/heap/goal:bytes';

export async function goroutineCountSeries(api: ApiClient, artefact: string, durationNs: number): Promise<Series[]> {
  const bucket = Math.max(1, Math.ceil(durationNs / MAX_POINTS));
  // One row per bucket: its last sample (SQLite takes bare columns from the max(time_ns) row),
  // so the stacked states add up to the real total at that instant.
  const result = await api.query({
    artefact,
    sql: `SELECT max(time_ns) AS t, running, runnable, waiting, syscall FROM goroutine_counts GROUP BY time_ns / ${bucket} ORDER BY t`,
    rowLimit: MAX_POINTS * 2,
  });
  const column = (i: number) => result.rows.map((r) => ({ x: Number(r[0]), y: Number(r[i]) }));
  return [
    { label: 'Running', colorVar: '--state-running', points: column(1), fill: true },
    { label: 'Runnable', colorVar: '--state-runnable', points: column(2), fill: true },
    { label: 'Syscall', colorVar: '--state-syscall', points: column(4), fill: true },
    { label: 'Waiting', colorVar: '--state-waiting', points: column(3), fill: true },
  ];
}

export async function heapSeries(api: ApiClient, artefact: string, durationNs: number): Promise<Series[]> {
  const end = Math.max(durationNs, 1);
  const [live, goal] = await Promise.all([HEAP_LIVE, HEAP_GOAL].map((name) => api.metric(artefact, name, 0, end, MAX_POINTS)));
  // A metric holds its value until the next sample: carry the last one to the end of the trace.
  const toEnd = (points: { time: number; value: number }[]) => {
    const xy = points.map((p) => ({ x: p.time, y: p.value }));
    const last = xy[xy.length - 1];
    if (last && last.x < durationNs) xy.push({ x: durationNs, y: last.y });
    return xy;
  };
  return [
    { label: 'Heap in use', colorVar: '--heap-live', points: toEnd(live), fill: true },
    { label: 'Heap goal', colorVar: '--heap-goal', points: toEnd(goal) },
  ];
}
