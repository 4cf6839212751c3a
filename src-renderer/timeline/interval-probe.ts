// The whole goroutine interval under the pointer, asked of the service (timelineInterval): a tile
// holds spans clipped to its edges and folded below a pixel, so a hover never reports a piece.
// Answers are kept by goroutine, whole intervals, so moving along one interval asks once.

import type { ApiClient } from '../api/client.ts';
import type { TimelineInterval } from '../../src-main/service/types.ts';

const DEBOUNCE_MS = 30;
const KEPT = 200;

export class IntervalProbe {
  private readonly known = new Map<number, TimelineInterval[]>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;

  constructor(private readonly api: ApiClient, private readonly artefact: string,
    private readonly onData: () => void, private readonly onError: (message: string) => void) {}

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** The interval of `goroutine` holding `time`, when already known. */
  at(goroutine: number, time: number): TimelineInterval | null {
    return this.known.get(goroutine)?.find((iv) => iv.start <= time && time < iv.end) ?? null;
  }

  /** Asks for it (after a short pause, the last asked wins). */
  want(goroutine: number, time: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.fetch(goroutine, time);
    }, DEBOUNCE_MS);
  }

  private async fetch(goroutine: number, time: number): Promise<void> {
    try {
      const iv = await this.api.timelineInterval(this.artefact, goroutine, Math.round(time));
      if (this.closed || !iv) return;
      const list = this.known.get(goroutine) ?? [];
      list.push(iv);
      this.known.set(goroutine, list);
      if (this.known.size > KEPT) this.known.delete(this.known.keys().next().value!);
      this.onData();
    } catch (e) {
      if (!this.closed) this.onError(e instanceof Error ? e.message : String(e));
    }
  }
}
