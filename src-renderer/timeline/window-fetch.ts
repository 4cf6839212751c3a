// What the timeline's sources share when they fetch what a window shows.
//
// MoveDebouncer: a lone move (a key, a click, the first view) fetches at once; only a stream of
// moves (a wheel passing zoom levels) waits until it pauses, so the fetches of the levels it
// passed are never sent. Waiting on every move cost each step's settle that much time.
//
// WindowSource: one answer for a window and half a window either side, reused while the view
// stays inside it (the annotations and the arrows).

import type { ApiClient } from '../api/client.ts';

export class MoveDebouncer {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastAt = -Infinity;

  constructor(private readonly ms: number) {}

  /** A run is scheduled and not started yet. */
  get waiting(): boolean {
    return this.timer !== null;
  }

  /** Runs `run` now, or once moves pause when another came less than `ms` ago (replacing its run). */
  schedule(run: () => void): void {
    const now = performance.now();
    const streaming = now - this.lastAt < this.ms;
    this.lastAt = now;
    this.cancel();
    if (!streaming) {
      run();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      run();
    }, this.ms);
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** A window fetched: [t0, t1] and what else the answer depends on. */
export interface FetchedWindow {
  t0: number;
  t1: number;
}

export abstract class WindowSource<W extends FetchedWindow, D> {
  protected fetched: (W & { data: D }) | null = null;
  protected loading: W | null = null;
  protected readonly debouncer: MoveDebouncer;
  protected closed = false;
  /** Bumped whenever an answer arrives or what is shown is dropped. */
  version = 0;

  constructor(protected readonly api: ApiClient, protected readonly artefact: string,
    private readonly onData: () => void, private readonly onError: (message: string) => void, debounceMs: number) {
    this.debouncer = new MoveDebouncer(debounceMs);
  }

  close(): void {
    this.closed = true;
    this.debouncer.cancel();
  }

  /** 1 while the answer for the last `want` is not in. */
  get pending(): number {
    return this.loading !== null || this.debouncer.waiting ? 1 : 0;
  }

  /** The window [t0, t1] widened by half its span on either side (never before 0). */
  protected static widened(t0: number, t1: number): FetchedWindow {
    const span = t1 - t0;
    return { t0: Math.max(0, t0 - span / 2), t1: t1 + span / 2 };
  }

  /** Fetches `wanted` with `request`; an answer for a window no longer wanted is dropped. */
  protected async load(wanted: W, request: () => Promise<D>): Promise<void> {
    this.loading = wanted;
    try {
      const data = await request();
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
