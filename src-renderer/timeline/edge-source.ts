// Unblock edges for the arrows: those of the selected goroutine in and around the window, and,
// once zoomed in enough, every edge in view. A fetch covers the window and half a window either
// side, and is reused while the view stays inside it (with the same selection).

import type { ApiClient } from '../api/client.ts';
import type { TimelineEdge } from '../../src-main/service/types.ts';

const DEBOUNCE_MS = 60;
/** Edges asked for at most when all in view are shown. */
const ALL_LIMIT = 2000;

interface Fetched {
  t0: number;
  t1: number;
  goroutine: number | null;
  all: boolean;
  edges: TimelineEdge[];
}

export class EdgeSource {
  private fetched: Fetched | null = null;
  private loading: Omit<Fetched, 'edges'> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  version = 0;

  constructor(private readonly api: ApiClient, private readonly artefact: string,
    private readonly onData: () => void, private readonly onError: (message: string) => void) {}

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** 1 while the edges for the last `want` are not in. */
  get pending(): number {
    return this.loading !== null || this.timer !== null ? 1 : 0;
  }

  want(t0: number, t1: number, goroutine: number | null, all: boolean): void {
    const covers = (w: Omit<Fetched, 'edges'> | null) => w !== null && w.t0 <= t0 && w.t1 >= t1 && w.goroutine === goroutine && w.all === all;
    if (goroutine === null && !all) {
      if (this.fetched !== null || this.loading !== null) {
        this.fetched = null;
        this.loading = null;
        this.version++;
      }
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      return;
    }
    if (covers(this.fetched) || covers(this.loading)) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.fetch(t0, t1, goroutine, all);
    }, DEBOUNCE_MS);
  }

  /** The edges to draw in [t0, t1]. */
  current(t0: number, t1: number): TimelineEdge[] {
    const f = this.fetched;
    if (!f) return [];
    return f.edges.filter((e) => e.time >= t0 && e.time <= t1);
  }

  private async fetch(t0: number, t1: number, goroutine: number | null, all: boolean): Promise<void> {
    const span = t1 - t0;
    const wanted = { t0: Math.max(0, t0 - span / 2), t1: t1 + span / 2, goroutine, all };
    this.loading = wanted;
    try {
      const req = { artefact: this.artefact, t0: wanted.t0, t1: wanted.t1, limit: ALL_LIMIT };
      // The selected goroutine's edges always; with `all`, every edge in the window besides.
      const [own, every] = await Promise.all([
        goroutine !== null ? this.api.timelineEdges({ ...req, goroutine }) : Promise.resolve({ edges: [], truncated: false }),
        all ? this.api.timelineEdges(req) : Promise.resolve({ edges: [], truncated: false }),
      ]);
      if (this.closed || this.loading !== wanted) return;
      const seen = new Set<string>();
      const edges = [...own.edges, ...every.edges].filter((e) => {
        const key = `${e.time}:${e.goroutine}:${e.byGoroutine}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
      this.fetched = { ...wanted, edges };
      this.loading = null;
      this.version++;
      this.onData();
    } catch (e) {
      if (this.loading === wanted) this.loading = null;
      if (!this.closed) this.onError(e instanceof Error ? e.message : String(e));
    }
  }
}
