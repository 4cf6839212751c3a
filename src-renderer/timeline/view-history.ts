// The timeline's view history, as a browser's: Back and Forward walk the views the user left by
// zooming, panning, selecting a goroutine or a range. A view is recorded when it is left (before
// the move that leaves it); a gesture of many small steps (wheel, drag) records one view only.

export interface View {
  t0: number;
  t1: number;
  selected: number | null;
  range: { t0: number; t1: number } | null;
}

/** Moves of one gesture closer together than this record a single view (ms). */
const GESTURE_MS = 600;
const MAX_VIEWS = 200;

function same(a: View, b: View): boolean {
  return a.t0 === b.t0 && a.t1 === b.t1 && a.selected === b.selected && a.range?.t0 === b.range?.t0 && a.range?.t1 === b.range?.t1;
}

export class ViewHistory {
  private readonly past: View[] = [];
  private future: View[] = [];
  private gesture: { kind: string; at: number } | null = null;

  /**
   * Records `current` as the view being left by a move of `kind`. A move of the same continuous
   * kind ('wheel', 'drag') following the last within GESTURE_MS continues that gesture.
   */
  leave(current: View, kind: 'step' | 'wheel' | 'drag' = 'step', now = performance.now()): void {
    if (kind !== 'step' && this.gesture?.kind === kind && now - this.gesture.at < GESTURE_MS) {
      this.gesture.at = now;
      return;
    }
    this.gesture = kind === 'step' ? null : { kind, at: now };
    const last = this.past[this.past.length - 1];
    if (last && same(last, current)) return;
    this.past.push({ ...current, range: current.range && { ...current.range } });
    if (this.past.length > MAX_VIEWS) this.past.shift();
    this.future = [];
  }

  /** The view before `current` (which becomes the next Forward), or null at the start. */
  back(current: View): View | null {
    this.gesture = null;
    let v = this.past.pop();
    while (v && same(v, current)) v = this.past.pop();
    if (!v) return null;
    this.future.push(current);
    return v;
  }

  /** The view after `current`, or null at the end. */
  forward(current: View): View | null {
    this.gesture = null;
    const v = this.future.pop();
    if (!v) return null;
    this.past.push(current);
    return v;
  }

  get canBack(): boolean {
    return this.past.length > 0;
  }

  get canForward(): boolean {
    return this.future.length > 0;
  }
}
