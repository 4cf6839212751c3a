// The annotations of the rows shown (regions, logs, CPU samples, GC work) and the tasks of the
// window, from the service's timelineAnnotations. A fetch covers the window and half a window
// either side for the rows asked, and is reused while the view stays inside it with rows among
// those (a track that appears takes a row or two off the screen: the same answer still serves).

import type { ApiClient } from '../api/client.ts';
import type { TimelineAnnotations } from '../../src-main/service/types.ts';

const DEBOUNCE_MS = 60;

interface Wanted {
  t0: number;
  t1: number;
  rows: ReadonlySet<number>;
}

export class AnnotationSource {
  private fetched: (Wanted & { data: TimelineAnnotations }) | null = null;
  private loading: Wanted | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  version = 0;

  constructor(private readonly api: ApiClient, private readonly artefact: string,
    private readonly onData: () => void, private readonly onError: (message: string) => void) {}

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** 1 while the annotations for the last `want` are not in. */
  get pending(): number {
    return this.loading !== null || this.timer !== null ? 1 : 0;
  }

  want(t0: number, t1: number, goroutines: readonly number[]): void {
    const covers = (w: Wanted | null) => w !== null && w.t0 <= t0 && w.t1 >= t1 && goroutines.every((g) => w.rows.has(g));
    if (covers(this.fetched) || covers(this.loading)) {
      if (this.timer && covers(this.fetched)) {
        clearTimeout(this.timer);
        this.timer = null;
      }
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.fetch(t0, t1, goroutines);
    }, DEBOUNCE_MS);
  }

  /** What was fetched last (it may be for a slightly different window or rows while the next loads). */
  get current(): TimelineAnnotations | null {
    return this.fetched?.data ?? null;
  }

  private async fetch(t0: number, t1: number, goroutines: readonly number[]): Promise<void> {
    const span = t1 - t0;
    const wanted: Wanted = { t0: Math.max(0, t0 - span / 2), t1: t1 + span / 2, rows: new Set(goroutines) };
    this.loading = wanted;
    try {
      const data = await this.api.timelineAnnotations({ artefact: this.artefact, t0: wanted.t0, t1: wanted.t1, goroutines: [...goroutines] });
      if (this.closed || this.loading !== wanted) return;
      this.fetched = { ...wanted, data };
      this.loading = null;
      this.version++;
      this.onData();
    } catch (e) {
      if (this.loading === wanted) this.loading = null;
      if (!this.closed) this.onError(e instanceof Error ? e.message : String(e));
    }
  }
}
