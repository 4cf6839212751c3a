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

/** A trace's wall clock: at trace time `traceNs` the wall clock read wallSec s + wallNsec ns (Unix, UTC). */
export interface WallClock {
  traceNs: number;
  wallSec: number;
  wallNsec: number;
}

/** Decimals a label needs so that ticks `step` ns apart differ, in a unit of `unitNs`. */
function decimalsFor(step: number, unitNs: number): number {
  return Math.min(9, Math.max(0, Math.ceil(Math.log10(unitNs / step) - 1e-9)));
}

/**
 * A time since the trace began as people write it, in the unit of the window's magnitude (not
 * the step's): "935.5 ms", not "935500 µs"; past a minute "18 min 7 s", past an hour "1 h 2 min 3 s".
 */
export function relativeLabel(t: number, step: number, magnitude: number): string {
  if (magnitude < 60e9) {
    const [unitNs, unit] = UNITS.find(([ns]) => magnitude >= ns) ?? UNITS[UNITS.length - 1];
    return `${(t / unitNs).toFixed(decimalsFor(step, unitNs))} ${unit}`;
  }
  const decimals = decimalsFor(step, 1e9);
  const scale = 10 ** decimals;
  const totalSec = Math.round((Math.abs(t) / 1e9) * scale) / scale;
  const h = Math.floor(totalSec / 3600);
  const m = Math.floor((totalSec - h * 3600) / 60);
  const s = totalSec - h * 3600 - m * 60;
  const parts: string[] = [];
  if (h > 0) parts.push(`${h} h`);
  if (h > 0 || m > 0) parts.push(`${m} min`);
  if (s > 0 || parts.length === 0 || step < 60e9) parts.push(`${s.toFixed(decimals)} s`);
  return (t < 0 ? '−' : '') + parts.join(' ');
}

/** Wall-clock time at trace time t, as whole Unix seconds and the nanoseconds past them. */
export function wallAt(clock: WallClock, t: number): { sec: number; ns: number } {
  const ns = clock.wallNsec + Math.round(t - clock.traceNs);
  const carry = Math.floor(ns / 1e9);
  return { sec: clock.wallSec + carry, ns: ns - carry * 1e9 };
}

/** "05:03:09.925" (UTC), with the fraction of a second the step needs. */
export function wallLabel(w: { sec: number; ns: number }, step: number): string {
  const hms = new Date(w.sec * 1000).toISOString().slice(11, 19);
  const decimals = decimalsFor(step, 1e9);
  return decimals === 0 ? hms : `${hms}.${String(w.ns).padStart(9, '0').slice(0, decimals)}`;
}

/**
 * Ticks at a 1-2-5 step giving about one per `minPx` pixels. Relative: at multiples of the step
 * since the trace began, labelled as people write times. Wall clock: at multiples of the step
 * of wall-clock time (round seconds, milliseconds…), labelled hh:mm:ss.fff UTC.
 */
export function timeTicks(t0: number, t1: number, widthPx: number, minPx = 90, clock: WallClock | null = null): { ticks: Tick[]; step: number } {
  const raw = ((t1 - t0) / Math.max(widthPx, 1)) * minPx;
  const pow = 10 ** Math.floor(Math.log10(Math.max(raw, 1)));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
  const ticks: Tick[] = [];
  if (clock) {
    // The first wall-clock multiple of the step at or after t0 (steps of a second or more are whole seconds).
    const w0 = wallAt(clock, t0);
    const phase = step < 1e9 ? w0.ns % step : ((w0.sec % (step / 1e9)) * 1e9 + w0.ns) % step;
    for (let t = t0 + (phase === 0 ? 0 : step - phase); t <= t1; t += step) ticks.push({ time: t, label: wallLabel(wallAt(clock, t), step) });
    return { ticks, step };
  }
  const magnitude = Math.max(Math.abs(t0), Math.abs(t1));
  for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) ticks.push({ time: t, label: relativeLabel(t, step, magnitude) });
  return { ticks, step };
}
