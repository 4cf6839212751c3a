// Minimum mutator utilisation (MMU): for a window size w, the lowest share of the CPU the program
// had in any w-long window of the trace, from the utilisation step function of gc-mutator-util.ts.
// The curve and the worst windows are what `go tool trace`'s /mmu page plots and lists
// (internal/trace/gc.go: MMUCurve.MMU, Examples; internal/trace/traceviewer/mmu.go: the plot's
// window sizes).
//
// The mean over a window is piecewise linear in the window's start, with breaks where either edge
// meets a step; so its minimum is at a start where the left edge or the right edge sits on a step
// (or at either end of the range of starts). Those starts are visited in order with two integrators
// (prefix sums of the steps), which makes one window size O(steps); Go prunes with per-band bounds
// to the same exact minimum.

/** The utilisation step function: from times[i] on, the program had utils[i] of the CPU; the last step ends it. */
export interface UtilSteps {
  readonly times: ArrayLike<number>;
  readonly utils: ArrayLike<number>;
}

/** A window of the given size starting at `timeNs`, with the program's mean utilisation in it. */
export interface UtilWindow {
  readonly timeNs: number;
  readonly util: number;
}

/** Prefix integrals of a step function, to take the integral up to any time. */
export class MmuCurve {
  private readonly times: Float64Array;
  private readonly utils: Float64Array;
  /** sums[i]: the integral of utilisation from times[0] to times[i] (in ns of full utilisation). */
  private readonly sums: Float64Array;

  constructor(steps: UtilSteps) {
    const n = steps.times.length;
    this.times = Float64Array.from(steps.times);
    this.utils = Float64Array.from(steps.utils);
    this.sums = new Float64Array(n);
    for (let i = 1; i < n; i++) this.sums[i] = this.sums[i - 1] + this.utils[i - 1] * (this.times[i] - this.times[i - 1]);
  }

  /** Time the function covers, ns (0 without steps). */
  get durationNs(): number {
    const n = this.times.length;
    return n > 1 ? this.times[n - 1] - this.times[0] : 0;
  }

  get startNs(): number {
    return this.times.length > 0 ? this.times[0] : 0;
  }

  /** The MMU for windows of `windowNs` (a window longer than the trace is the whole trace, as in Go). */
  mmu(windowNs: number): number {
    let min = 1;
    this.scan(windowNs, (_t, mu) => {
      if (mu < min) min = mu;
    });
    return this.times.length === 0 || windowNs <= 0 ? 0 : min;
  }

  /**
   * Up to `n` windows of `windowNs` with the lowest mean utilisation, disjoint, worst first: the
   * worst window, then the worst not overlapping it, and so on.
   */
  worstWindows(windowNs: number, n: number): UtilWindow[] {
    const starts: number[] = [];
    const means: number[] = [];
    const w = this.window(windowNs);
    this.scan(windowNs, (t, mu) => {
      starts.push(t);
      means.push(mu);
    });
    const order = Array.from(means.keys()).sort((a, b) => means[a] - means[b] || starts[a] - starts[b]);
    const out: UtilWindow[] = [];
    for (const i of order) {
      if (out.length >= n) break;
      const t = starts[i];
      if (out.some((o) => t < o.timeNs + w && o.timeNs < t + w)) continue;
      out.push({ timeNs: t, util: means[i] });
    }
    return out;
  }

  /**
   * The MMU curve as go tool trace plots it: 100 window sizes spaced evenly in log scale over six
   * orders of magnitude from the first of 1 s, 1 ms, 1 µs, 1 ns whose MMU is below 0.0001
   * (or 1 ns), but no longer than the trace.
   */
  plot(samples = 100): { xMinNs: number; xMaxNs: number; points: [number, number][] } {
    let xMin = 1e9;
    while (xMin > 1) {
      if (this.mmu(xMin) < 0.0001) break;
      xMin = Math.floor(xMin / 1000);
    }
    const xMax = Math.min(xMin * 1e6, this.durationNs);
    const logMin = Math.log(xMin);
    const logMax = Math.log(xMax);
    const points: [number, number][] = [];
    for (let i = 0; i < samples; i++) {
      const w = Math.trunc(Math.exp((i / (samples - 1)) * (logMax - logMin) + logMin));
      points.push([w, this.mmu(w)]);
    }
    return { xMinNs: xMin, xMaxNs: xMax, points };
  }

  /** The mean utilisation between two times within the function. */
  mean(fromNs: number, toNs: number): number {
    if (toNs <= fromNs) return 1;
    const a = new Integrator(this.times, this.utils, this.sums);
    const from = a.at(fromNs);
    return (a.at(toNs) - from) / (toNs - fromNs);
  }

  private window(windowNs: number): number {
    return Math.min(windowNs, this.durationNs);
  }

  /**
   * Calls `visit` with the mean utilisation of every window of `windowNs` that starts or ends on a
   * step, and of the first and last windows, in order of start.
   */
  private scan(windowNs: number, visit: (startNs: number, mean: number) => void): void {
    const n = this.times.length;
    if (n === 0 || windowNs <= 0) return;
    const w = this.window(windowNs);
    if (w <= 0) return;
    const times = this.times;
    const first = times[0];
    const lastStart = times[n - 1] - w;
    const left = new Integrator(times, this.utils, this.sums);
    const right = new Integrator(times, this.utils, this.sums);
    // Next step a left edge could sit on (i) and next step a right edge could (j: start times[j] − w).
    let i = 0;
    let j = 0;
    let t = first;
    for (;;) {
      visit(t, (right.at(t + w) - left.at(t)) / w);
      if (t >= lastStart) break;
      while (i < n && times[i] <= t) i++;
      while (j < n && times[j] - w <= t) j++;
      const next = Math.min(i < n ? times[i] : Infinity, j < n ? times[j] - w : Infinity);
      t = Math.min(next, lastStart);
    }
    // Go's quirk for 1 ns windows: Go (MMUCurve's bands) then also measures the window starting at
    // the trace's end, past the last step, whose utilisation is the last step's (0, the end marker
    // of gc-mutator-util.ts): go tool trace's MMU of 1 ns is 0.
    if (w === 1 && lastStart > first) visit(times[n - 1], this.utils[n - 1]);
  }
}

/** Integral of a step function from its start to increasing times. */
class Integrator {
  private pos = 0;

  constructor(private readonly times: Float64Array, private readonly utils: Float64Array, private readonly sums: Float64Array) {}

  /** The integral up to `t` (calls must not go back in time). */
  at(t: number): number {
    const times = this.times;
    let pos = this.pos;
    while (pos + 1 < times.length && times[pos + 1] <= t) pos++;
    this.pos = pos;
    return t === times[pos] ? this.sums[pos] : this.sums[pos] + this.utils[pos] * (t - times[pos]);
  }
}
