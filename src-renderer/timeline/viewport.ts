// The visible time window of the timeline and the moves on it (zoom around a point, pan,
// reset), kept inside the trace. Times are ns since the trace's first event.

/** The narrowest window: a few hundred ns across the screen is below any event's resolution. */
const MIN_SPAN_NS = 200;

export interface TimeWindow {
  t0: number;
  t1: number;
}

export class Viewport {
  t0: number;
  t1: number;

  constructor(readonly durationNs: number) {
    this.t0 = 0;
    this.t1 = Math.max(durationNs, MIN_SPAN_NS);
  }

  get span(): number {
    return this.t1 - this.t0;
  }

  /** Sets the window, clamped to the trace and to the narrowest span. */
  set(t0: number, t1: number): void {
    const end = Math.max(this.durationNs, MIN_SPAN_NS);
    let span = Math.min(Math.max(t1 - t0, MIN_SPAN_NS), end);
    let a = t0;
    if (t1 - t0 < MIN_SPAN_NS) a = (t0 + t1) / 2 - MIN_SPAN_NS / 2;
    a = Math.min(Math.max(a, 0), end - span);
    span = Math.min(span, end - a);
    this.t0 = a;
    this.t1 = a + span;
  }

  /** Zooms by `factor` (< 1 zooms in) keeping the time at `fraction` of the width in place. */
  zoom(factor: number, fraction = 0.5): void {
    const at = this.t0 + this.span * fraction;
    const span = this.span * factor;
    this.set(at - span * fraction, at - span * fraction + span);
  }

  /** Pans by `fraction` of the width (positive: later). */
  pan(fraction: number): void {
    const d = this.span * fraction;
    this.set(this.t0 + d, this.t1 + d);
  }

  reset(): void {
    this.set(0, this.durationNs);
  }

  equals(w: TimeWindow): boolean {
    return w.t0 === this.t0 && w.t1 === this.t1;
  }
}

export interface Tick {
  time: number;
  label: string;
}

const UNITS: [number, string][] = [[1e9, 's'], [1e6, 'ms'], [1e3, 'µs'], [1, 'ns']];

/**
 * Ticks at a 1-2-5 step giving about one per `minPx` pixels, labelled in the unit of the step
 * with as many decimals as the step needs (so neighbouring labels always differ).
 */
export function timeTicks(t0: number, t1: number, widthPx: number, minPx = 90): { ticks: Tick[]; step: number } {
  const raw = ((t1 - t0) / Math.max(widthPx, 1)) * minPx;
  const pow = 10 ** Math.floor(Math.log10(Math.max(raw, 1)));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
  const [unitNs, unit] = UNITS.find(([ns]) => step >= ns) ?? UNITS[UNITS.length - 1];
  const decimals = Math.max(0, Math.ceil(-Math.log10(step / unitNs) - 1e-9));
  const ticks: Tick[] = [];
  for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) {
    ticks.push({ time: t, label: `${(t / unitNs).toFixed(decimals)} ${unit}` });
  }
  return { ticks, step };
}
