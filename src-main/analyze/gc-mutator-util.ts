// Mutator utilisation over time: the share of the Ps left to the program (not to the garbage
// collector) at each moment of a trace, as Go's `go tool trace` measures it for its /mmu page
// (internal/trace/gc.go, MutatorUtilizationV2, system-wide mode). This is the function the
// minimum mutator utilisation curve (gc-mmu.ts) is computed from.
//
// What counts as GC, with the default options of the /mmu page (STW, background workers, mark
// assist; not sweep):
// - a stop-the-world pause whose name mentions GC takes every P;
// - a P is GC's while a goroutine in a "GC mark assist" range runs on it, or a background mark
//   worker runs on it (a goroutine once labelled "GC …" but "GC (idle)": it stays one), or while a
//   "GC incremental sweep" range runs on it when sweep counts;
// - utilisation is 1 − (GC's Ps / GOMAXPROCS), or 0 during such a pause.
// Go counts a P GC's with a counter per P that ranges and transitions raise and lower at the P of
// the event (a worker's label raises it again although its start did already: such a P then stays
// GC's until GOMAXPROCS shrinks). The counters are kept exactly as Go keeps them, so that the curve is
// Go's, quirks included.
//
// Ranges found active at the start of the trace (RangeActive, first generation only) have taken a
// P since the trace began: the utilisation recorded so far is lowered by a P's share, as Go does.

import type { RangeData, TraceEvent } from '../decode/gotrace/model.ts';

/** Which GC activities take utilisation from the program (cmd/trace's /mmu options). */
export interface UtilOptions {
  readonly stw: boolean;
  readonly background: boolean;
  readonly assist: boolean;
  readonly sweep: boolean;
}

/** The options `go tool trace` opens its /mmu page with: STW, background workers, mark assist. */
export const DEFAULT_UTIL_OPTIONS: UtilOptions = { stw: true, background: true, assist: true, sweep: false };

/** A step of the utilisation function: from `time` (ns) on, the program had `util` ∈ [0, 1] of the Ps. */
export interface UtilPoints {
  /** Times of the steps, increasing. */
  readonly times: readonly number[];
  readonly utils: readonly number[];
}

const GOMAXPROCS = '/sched/gomaxprocs:threads';

function isGcStw(r: RangeData): boolean {
  return r.name.startsWith('stop-the-world') && r.name.includes('GC');
}

/**
 * Follows a trace's events and records where utilisation changes. Points are handed to `emit` in
 * time order once they can no longer change (after the first generation: before, a range found
 * active may still lower them all); the last is kept until `finish`.
 */
export class MutatorUtilTracker {
  /** Per P (index = P ID below GOMAXPROCS): how many GC activities hold it. */
  private gcByProc: number[] = [];
  /** Ps whose counter is positive. */
  private gcProcs = 0;
  private stw = 0;
  /** Goroutines in a mark assist, and background mark workers. */
  private readonly inAssist = new Set<number>();
  private readonly bgMark = new Set<number>();
  /** Whether each goroutine was executing (Running or Syscall), kept while ranges may be found active. */
  private readonly executing = new Map<number, boolean>();
  /** GOMAXPROCS changes (time, n), for lowering earlier points. */
  private readonly procs: { time: number; n: number }[] = [];
  private syncs = 0;
  private times: number[] = [];
  private utils: number[] = [];
  private lastTime: number | null = null;

  constructor(private readonly emit: (time: number, util: number) => void, private readonly options: UtilOptions = DEFAULT_UTIL_OPTIONS) {}

  /** `t`: the event's time on the caller's clock (e.g. ns since the first event). */
  add(ev: TraceEvent, t: number): void {
    this.lastTime = t;
    // Transitions are most events, and few change utilisation: only those of an assisting goroutine
    // or a mark worker starting or stopping to execute do (the record of executing aside).
    if (ev.kind === 'StateTransition') {
      const st = ev.data;
      if (st.resource !== 'goroutine' || this.gcByProc.length === 0) return;
      const was = st.from === 'Running' || st.from === 'Syscall';
      const is = st.to === 'Running' || st.to === 'Syscall';
      if (this.syncs <= 1) this.executing.set(st.id, is);
      else if (this.executing.size > 0) this.executing.clear();
      if (was === is || !(this.inAssist.has(st.id) || this.bgMark.has(st.id))) return;
      this.raise(ev.proc, is ? 1 : -1);
      this.recordNow(t);
      return;
    }
    if (ev.kind === 'Sync') {
      this.syncs = ev.data.n;
    } else if (ev.kind === 'Metric' && ev.data.name === GOMAXPROCS) {
      this.setProcs(ev.data.value, t);
    }
    const nprocs = this.gcByProc.length;
    if (nprocs === 0) return; // nothing is known before GOMAXPROCS is
    const o = this.options;
    switch (ev.kind) {
      case 'RangeActive':
      case 'RangeBegin': {
        const r = ev.data;
        if (ev.kind === 'RangeActive') {
          // After a whole generation, a range restated active is one already seen begun.
          if (this.syncs > 1) break;
          const assist = o.assist && r.name === 'GC mark assist';
          if ((assist && this.executing.get(ev.goroutine) === true) || (o.sweep && r.name === 'GC incremental sweep')) {
            this.lowerSinceStart();
          }
        }
        if (o.stw && isGcStw(r)) {
          this.stw++;
        } else if (o.sweep && r.name === 'GC incremental sweep') {
          this.raise(ev.proc, 1);
        } else if (o.assist && r.name === 'GC mark assist') {
          this.raise(ev.proc, 1);
          if (r.scope.kind === 'goroutine') this.inAssist.add(r.scope.id);
        }
        break;
      }
      case 'RangeEnd': {
        const r = ev.data;
        if (o.stw && isGcStw(r)) {
          this.stw--;
        } else if (o.sweep && r.name === 'GC incremental sweep') {
          this.raise(ev.proc, -1);
        } else if (o.assist && r.name === 'GC mark assist') {
          this.raise(ev.proc, -1);
          if (r.scope.kind === 'goroutine') this.inAssist.delete(r.scope.id);
        }
        break;
      }
      case 'Label': {
        const label = ev.data.label;
        if (o.background && label.startsWith('GC ') && label !== 'GC (idle)') {
          this.bgMark.add(ev.goroutine);
          this.raise(ev.proc, 1);
        }
        break;
      }
    }
    this.recordNow(t);
  }

  /** Records the utilisation the counters give at `t`. */
  private recordNow(t: number): void {
    const n = this.gcByProc.length;
    this.record(t, 1 - (this.stw > 0 ? n : this.gcProcs) / n);
  }

  /** Ends the function with utilisation 0 at the last event (Go's end marker) and hands over the remaining points. */
  finish(): void {
    if (this.lastTime !== null && this.gcByProc.length > 0) this.record(this.lastTime, 0);
    for (let i = 0; i < this.times.length; i++) this.emit(this.times[i], this.utils[i]);
    this.times = [];
    this.utils = [];
  }

  private setProcs(value: number, t: number): void {
    const n = Math.max(0, Math.floor(value));
    if (this.gcByProc.length > n) {
      this.gcByProc = this.gcByProc.slice(0, n);
      this.gcProcs = this.gcByProc.filter((c) => c > 0).length;
    }
    if (this.times.length === 0 && this.gcByProc.length === 0 && n > 0) {
      this.times.push(t);
      this.utils.push(1);
    }
    while (this.gcByProc.length < n) this.gcByProc.push(0);
    if (this.procs.length === 0 || this.procs[this.procs.length - 1].n !== n) this.procs.push({ time: t, n });
  }

  private raise(proc: number, by: number): void {
    // Go indexes its Ps by the event's P; an event without one (or past GOMAXPROCS) would stop it.
    if (proc < 0 || proc >= this.gcByProc.length) return;
    const before = this.gcByProc[proc];
    const after = (this.gcByProc[proc] = before + by);
    if (before <= 0 && after > 0) this.gcProcs++;
    else if (before > 0 && after <= 0) this.gcProcs--;
  }

  /** A P was GC's since the trace began: lower every point so far by a P's share at its time. */
  private lowerSinceStart(): void {
    let pi = 0;
    for (let i = 0; i < this.times.length;) {
      if (pi < this.procs.length - 1 && this.procs[pi + 1].time < this.times[i]) {
        pi++;
        continue;
      }
      this.utils[i] = Math.max(0, this.utils[i] - 1 / this.procs[pi].n);
      i++;
    }
  }

  /** Records utilisation `util` from `t`: a step when it changes; at one time, the lowest. */
  private record(t: number, util: number): void {
    const last = this.times.length - 1;
    if (last >= 0) {
      if (this.utils[last] === util) return;
      if (this.times[last] === t) {
        if (util < this.utils[last]) this.utils[last] = util;
        return;
      }
    }
    this.times.push(t);
    this.utils.push(util);
    // Past the first generation no point changes but the last: hand the others over.
    if (this.syncs > 1 && this.times.length >= 4096) {
      const keep = this.times.length - 1;
      for (let i = 0; i < keep; i++) this.emit(this.times[i], this.utils[i]);
      this.times = this.times.slice(keep);
      this.utils = this.utils.slice(keep);
    }
  }
}

/** The whole utilisation function of an event stream (for tests and one-off analyses). */
export function mutatorUtilization(events: Iterable<TraceEvent>, options: UtilOptions = DEFAULT_UTIL_OPTIONS): UtilPoints {
  const times: number[] = [];
  const utils: number[] = [];
  const tracker = new MutatorUtilTracker((t, u) => {
    times.push(t);
    utils.push(u);
  }, options);
  for (const ev of events) tracker.add(ev, ev.time);
  tracker.finish();
  return { times, utils };
}
