// The overview's time series, fetched through the API: goroutine counts by state (the index's
// goroutine_counts table, sampled every 100 µs, peaks per point) and the heap metrics Go's tracer emits.

import type { ApiClient } from '../api/client.ts';
import type { Series } from '../lib/charts.ts';

/** Points per chart: about one per horizontal pixel of a wide chart. */
const MAX_POINTS = 800;

/** Names of the runtime/metrics samples in traces (Go's old-format reader maps HeapAlloc and NextGC onto them). */
const HEAP_LIVE = '/memory/classes/heap/objects:bytes';
const HEAP_GOAL = '/gc/heap/goal:bytes';

export async function goroutineCountSeries(api: ApiClient, artefact: string, durationNs: number): Promise<Series[]> {
  // The service keeps each state's peak per bucket (a straight index read, no query process).
  const points = await api.goroutineCounts(artefact, 0, Math.max(durationNs, 1), MAX_POINTS);
  const column = (state: 'running' | 'runnable' | 'waiting' | 'syscall') => points.map((p) => ({ x: p.time, y: p[state] }));
  return [
    { label: 'Running', colorVar: '--state-running', points: column('running'), fill: true },
    { label: 'Runnable', colorVar: '--state-runnable', points: column('runnable'), fill: true },
    { label: 'Syscall', colorVar: '--state-syscall', points: column('syscall'), fill: true },
    { label: 'Waiting', colorVar: '--state-waiting', points: column('waiting'), fill: true },
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
