// The summary tracks above the rows — goroutines by state and heap against its goal — for the
// visible window. Each fetch covers the window and half a window either side, at two points
// per pixel; it is reused while the view stays inside it at no more than twice its resolution,
// so small pans and zooms fetch nothing. The counts query scans a 100 µs sample table (0.4 s
// over the whole 168 MB trace), hence the longer debounce than the span tiles'.

import type { ApiClient } from '../api/client.ts';
import type { GoroutineCountPoint, MetricPoint } from '../../src-main/service/types.ts';

export const HEAP_LIVE = '/memory/classes/heap/objects:bytes';
export const HEAP_GOAL = '/gc/heap/goal:bytes';
const DEBOUNCE_MS = 120;

export interface SeriesWindow {
  t0: number;
  t1: number;
  nsPerPoint: number;
  counts: GoroutineCountPoint[];
  heapLive: MetricPoint[];
  heapGoal: MetricPoint[];
}

export class WindowSeries {
  current: SeriesWindow | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private loading: { t0: number; t1: number; nsPerPoint: number } | null = null;
  private closed = false;

  constructor(private readonly api: ApiClient, private readonly artefact: string, private readonly durationNs: number,
    private readonly onData: () => void, private readonly onError: (message: string) => void) {}

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
  }

  want(t0: number, t1: number, widthPx: number): void {
    const nsPerPx = (t1 - t0) / widthPx;
    const covers = (w: { t0: number; t1: number; nsPerPoint: number } | null) =>
      w !== null && w.t0 <= t0 && w.t1 >= t1 && w.nsPerPoint <= nsPerPx * 2 && w.nsPerPoint * 4 >= nsPerPx;
    if (covers(this.current) || covers(this.loading)) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.fetch(t0, t1, widthPx);
    }, DEBOUNCE_MS);
  }

  private async fetch(t0: number, t1: number, widthPx: number): Promise<void> {
    const span = t1 - t0;
    const a = Math.max(0, t0 - span / 2);
    const b = Math.min(Math.max(this.durationNs, 1), t1 + span / 2);
    const points = Math.min(100_000, Math.max(2, Math.round(((b - a) / span) * widthPx * 2)));
    const wanted = { t0: a, t1: b, nsPerPoint: (b - a) / points };
    this.loading = wanted;
    try {
      const [counts, heapLive, heapGoal] = await Promise.all([
        this.api.goroutineCounts(this.artefact, a, b, points),
        // Each with its value as the window begins: the lane holds it instead of starting blank.
        this.api.metric(this.artefact, HEAP_LIVE, a, b, points, true),
        this.api.metric(this.artefact, HEAP_GOAL, a, b, points, true),
      ]);
      if (this.closed || this.loading !== wanted) return;
      this.current = { ...wanted, counts, heapLive, heapGoal };
      this.onData();
    } catch (e) {
      if (!this.closed) this.onError(e instanceof Error ? e.message : String(e));
    } finally {
      if (this.loading === wanted) this.loading = null;
    }
  }
}
