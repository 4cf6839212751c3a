// The annotations of the rows shown (regions, logs, CPU samples, GC work) and the tasks of the
// window, from the service's timelineAnnotations. A fetch covers the window and half a window
// either side for the rows asked, and is reused while the view stays inside it with rows among
// those (a track that appears takes a row or two off the screen: the same answer still serves).

import type { ApiClient } from '../api/client.ts';
import type { TimelineAnnotations } from '../../src-main/service/types.ts';
import { WindowSource, type FetchedWindow } from './window-fetch.ts';

const DEBOUNCE_MS = 60;

interface Wanted extends FetchedWindow {
  rows: ReadonlySet<number>;
}

export class AnnotationSource extends WindowSource<Wanted, TimelineAnnotations> {
  constructor(api: ApiClient, artefact: string, onData: () => void, onError: (message: string) => void) {
    super(api, artefact, onData, onError, DEBOUNCE_MS);
  }

  want(t0: number, t1: number, goroutines: readonly number[]): void {
    const covers = (w: Wanted | null) => w !== null && w.t0 <= t0 && w.t1 >= t1 && goroutines.every((g) => w.rows.has(g));
    if (covers(this.fetched) || covers(this.loading)) {
      if (covers(this.fetched)) this.debouncer.cancel();
      return;
    }
    this.debouncer.schedule(() => {
      const wanted: Wanted = { ...WindowSource.widened(t0, t1), rows: new Set(goroutines) };
      void this.load(wanted, () => this.api.timelineAnnotations({ artefact: this.artefact, t0: wanted.t0, t1: wanted.t1, goroutines: [...goroutines] }));
    });
  }

  /** What was fetched last (it may be for a slightly different window or rows while the next loads). */
  get current(): TimelineAnnotations | null {
    return this.fetched?.data ?? null;
  }
}
