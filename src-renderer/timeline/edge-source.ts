// Unblock edges for the arrows: those of the selected goroutine in and around the window, and,
// once zoomed in enough, every edge in view. A fetch covers the window and half a window either
// side, and is reused while the view stays inside it (with the same selection).

import type { ApiClient } from '../api/client.ts';
import type { TimelineEdge } from '../../src-main/service/types.ts';
import { WindowSource, type FetchedWindow } from './window-fetch.ts';

const DEBOUNCE_MS = 60;
/** Edges asked for at most when all in view are shown. */
const ALL_LIMIT = 2000;

interface Wanted extends FetchedWindow {
  goroutine: number | null;
  all: boolean;
}

export class EdgeSource extends WindowSource<Wanted, TimelineEdge[]> {
  constructor(api: ApiClient, artefact: string, onData: () => void, onError: (message: string) => void) {
    super(api, artefact, onData, onError, DEBOUNCE_MS);
  }

  want(t0: number, t1: number, goroutine: number | null, all: boolean): void {
    const covers = (w: Wanted | null) => w !== null && w.t0 <= t0 && w.t1 >= t1 && w.goroutine === goroutine && w.all === all;
    if (goroutine === null && !all) {
      if (this.fetched !== null || this.loading !== null) {
        this.fetched = null;
        this.loading = null;
        this.version++;
      }
      this.debouncer.cancel();
      return;
    }
    if (covers(this.fetched) || covers(this.loading)) return;
    this.debouncer.schedule(() => {
      const wanted: Wanted = { ...WindowSource.widened(t0, t1), goroutine, all };
      void this.load(wanted, () => this.fetchEdges(wanted));
    });
  }

  /** The edges to draw in [t0, t1]. */
  current(t0: number, t1: number): TimelineEdge[] {
    const f = this.fetched;
    if (!f) return [];
    return f.data.filter((e) => e.time >= t0 && e.time <= t1);
  }

  private async fetchEdges(wanted: Wanted): Promise<TimelineEdge[]> {
    const req = { artefact: this.artefact, t0: wanted.t0, t1: wanted.t1, limit: ALL_LIMIT };
    // The selected goroutine's edges always; with `all`, every edge in the window besides.
    const [own, every] = await Promise.all([
      wanted.goroutine !== null ? this.api.timelineEdges({ ...req, goroutine: wanted.goroutine }) : Promise.resolve({ edges: [], truncated: false }),
      wanted.all ? this.api.timelineEdges(req) : Promise.resolve({ edges: [], truncated: false }),
    ]);
    const seen = new Set<string>();
    return [...own.edges, ...every.edges].filter((e) => {
      const key = `${e.time}:${e.goroutine}:${e.byGoroutine}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
}
