// A trace's summary: event counts, goroutine lifecycles, time by state and wait reason, GC and
// stop-the-world pauses, user annotations, heap goal. The definitions are those of the fixtures'
// Go oracle (test/fixtures/oracle), so every number can be checked against Go's own reader.

import { DecodeError } from '../decode/errors.ts';
import type { GoState, TraceEvent, TraceReader } from '../decode/gotrace/model.ts';
import { IdTable } from '../decode/id-table.ts';
import { isStatusRestatement, unblockerOf } from './goroutine-transitions.ts';

export interface TraceSummary {
  /** The header's version, e.g. "1.21", "1.26". */
  format: string;
  /** Events the reader yields, Sync events included. */
  events: number;
  eventsByKind: Record<string, number>;
  /** Time of the last event minus time of the first, ns. */
  durationNs: number;
  /** Distinct goroutines that are the resource of a goroutine state transition. */
  goroutines: number;
  /** Of those, the ones whose last state is not NotExist. */
  goroutinesAliveAtEnd: number;
  /** Goroutines whose last state is Waiting, by the reason they went waiting ("" = unknown). */
  waitingAtEnd: Record<string, number>;
  /**
   * Time goroutines spent Waiting by reason, Running and in Syscall, ns. A goroutine's interval
   * runs from one of its transitions to its next; one still open at the end runs to the last
   * event; time before a goroutine's first transition is not counted. Status restatements
   * (isStatusRestatement) are not transitions.
   */
  waitNsByReason: Record<string, number>;
  runningNs: number;
  syscallNs: number;
  /** "GC concurrent mark phase" ranges begun. */
  gcCycles: number;
  /** Stop-the-world ranges: each begin paired with the next end on the same scope. */
  stwCount: number;
  stwTotalNs: number;
  stwMaxNs: number;
  tasks: number;
  regions: number;
  logs: number;
  /** Largest "/gc/heap/goal:bytes" metric value, 0 when none. */
  maxHeapGoalBytes: number;
  /** Unblock edges: a waiting goroutine made runnable by another (see unblockerOf). */
  unblocks: number;
  /** Unblock edges by the reason of the wait they ended. */
  unblocksByReason: Record<string, number>;
}

export interface SummaryResult {
  summary: TraceSummary;
  /** Set when the trace is damaged: the summary then covers what was decodable before it. */
  warning: DecodeError | null;
}

/** A goroutine being followed; records are reused once their goroutine ends (millions of goroutines live briefly). */
interface GoroutineState {
  state: GoState;
  /** Its wait reason, as an index in the summarizer's reason names. */
  reason: number;
  since: number;
}

/**
 * The summary's goroutine figures, given by withGoroutineFigures when the caller follows
 * goroutines itself (the indexer does, for its tables): the summarizer then skips that
 * bookkeeping, which is most of its cost on traces of millions of goroutines.
 */
export interface GoroutineFigures<Reason = string> {
  goroutines: number;
  aliveAtEnd: number;
  runningNs: number;
  syscallNs: number;
  /** Time Waiting by reason, intervals still open at the end included. */
  waitNsByReason: Map<Reason, number>;
  /** Goroutines Waiting at the end, by reason. */
  waitingAtEnd: Map<Reason, number>;
  unblocks: number;
  /** Unblock edges by the reason of the wait they ended. */
  unblocksByReason: Map<Reason, number>;
}

/** Accumulates a summary event by event; `summarizeTrace` drives it over a whole reader. */
export class TraceSummarizer {
  private readonly s: TraceSummary;
  /** Goroutines not (yet) dead. Go never reuses goroutine IDs, so dead ones are only counted. */
  private readonly goroutines = new IdTable<GoroutineState>();
  private readonly freeStates: GoroutineState[] = [];
  private dead = 0;
  private readonly kinds = new Map<string, number>();
  private transitions = 0;
  /** Wait reasons seen, and per reason (by index) the time waited and the unblock edges that ended such waits. */
  private readonly reasonNames: string[] = [];
  private readonly reasonIndex = new Map<string, number>();
  private lastReason = '';
  private lastReasonIndex = -1;
  private readonly waitNs: number[] = [];
  private unblocks = 0;
  private readonly unblocksByReason: number[] = [];
  /** Open stop-the-world begins per scope, oldest first. */
  private readonly stwOpen = new Map<string, number[]>();
  private first = 0;
  private last = 0;

  /** `followGoroutines` false: the caller adds the goroutine figures (withGoroutineFigures). */
  constructor(format: string, private readonly followGoroutines = true) {
    this.s = {
      format, events: 0, eventsByKind: {}, durationNs: 0, goroutines: 0, goroutinesAliveAtEnd: 0,
      waitingAtEnd: {}, waitNsByReason: {}, runningNs: 0, syscallNs: 0, gcCycles: 0, stwCount: 0,
      stwTotalNs: 0, stwMaxNs: 0, tasks: 0, regions: 0, logs: 0, maxHeapGoalBytes: 0, unblocks: 0, unblocksByReason: {},
    };
  }

  add(ev: TraceEvent): void {
    const s = this.s;
    if (s.events === 0) this.first = ev.time;
    this.last = ev.time;
    s.events++;
    // State transitions are nearly every event: counted apart from the per-kind map.
    if (ev.kind === 'StateTransition') this.transitions++;
    else this.kinds.set(ev.kind, (this.kinds.get(ev.kind) ?? 0) + 1);
    switch (ev.kind) {
      case 'StateTransition': {
        const t = ev.data;
        if (t.resource !== 'goroutine' || !this.followGoroutines || isStatusRestatement(t.from, t.to)) break;
        let g = this.goroutines.get(t.id);
        if (unblockerOf(t.from, t.to, t.id, ev.goroutine) >= 0) {
          const reason = g ? g.reason : this.reasonOf('');
          this.unblocks++;
          this.unblocksByReason[reason]++;
        }
        if (g) {
          this.credit(g, ev.time);
        } else {
          g = this.freeStates.pop() ?? { state: t.to, reason: 0, since: 0 };
          this.goroutines.set(t.id, g);
        }
        if (t.to === 'NotExist') {
          this.goroutines.delete(t.id);
          this.freeStates.push(g);
          this.dead++;
          break;
        }
        g.state = t.to;
        g.reason = this.reasonOf(t.reason);
        g.since = ev.time;
        break;
      }
      case 'RangeBegin': {
        const name = ev.data.name;
        if (name === 'GC concurrent mark phase') s.gcCycles++;
        if (name.startsWith('stop-the-world')) {
          const key = `${ev.data.scope.kind}:${ev.data.scope.id}`;
          const open = this.stwOpen.get(key);
          if (open) open.push(ev.time);
          else this.stwOpen.set(key, [ev.time]);
        }
        break;
      }
      case 'RangeEnd': {
        if (!ev.data.name.startsWith('stop-the-world')) break;
        const open = this.stwOpen.get(`${ev.data.scope.kind}:${ev.data.scope.id}`);
        const begin = open?.shift();
        if (begin === undefined) break;
        const d = ev.time - begin;
        s.stwCount++;
        s.stwTotalNs += d;
        if (d > s.stwMaxNs) s.stwMaxNs = d;
        break;
      }
      case 'TaskBegin':
        s.tasks++;
        break;
      case 'RegionBegin':
        s.regions++;
        break;
      case 'Log':
        s.logs++;
        break;
      case 'Metric':
        if (ev.data.name === '/gc/heap/goal:bytes' && ev.data.value > s.maxHeapGoalBytes) s.maxHeapGoalBytes = ev.data.value;
        break;
    }
  }

  private credit(g: GoroutineState, until: number): void {
    const d = until - g.since;
    if (g.state === 'Running') this.s.runningNs += d;
    else if (g.state === 'Syscall') this.s.syscallNs += d;
    else if (g.state === 'Waiting') this.waitNs[g.reason] += d;
  }

  /** The index of a wait reason (reasons repeat: the last one is remembered). */
  private reasonOf(reason: string): number {
    if (reason === this.lastReason && this.lastReasonIndex >= 0) return this.lastReasonIndex;
    let i = this.reasonIndex.get(reason);
    if (i === undefined) {
      i = this.reasonNames.length;
      this.reasonNames.push(reason);
      this.reasonIndex.set(reason, i);
      this.waitNs.push(0);
      this.unblocksByReason.push(0);
    }
    this.lastReason = reason;
    this.lastReasonIndex = i;
    return i;
  }

  /** Per-reason counts by name. */
  private byName(values: readonly number[]): Map<string, number> {
    return new Map(values.map((v, i) => [this.reasonNames[i], v]));
  }

  /**
   * The summary of everything added so far (open intervals run to the last event). A summarizer
   * that does not follow goroutines leaves their figures to withGoroutineFigures.
   */
  finish(): TraceSummary {
    const s: TraceSummary = { ...this.s };
    s.durationNs = this.last - this.first;
    const kinds = new Map(this.kinds);
    if (this.transitions > 0) kinds.set('StateTransition', this.transitions);
    s.eventsByKind = sortedRecord(kinds);
    return this.followGoroutines ? withGoroutineFigures(s, this.goroutineFigures()) : s;
  }

  /** Its own goroutine figures, with the goroutines still alive credited up to the last event. */
  private goroutineFigures(): GoroutineFigures {
    const f: GoroutineFigures = {
      goroutines: this.goroutines.size + this.dead, aliveAtEnd: 0, runningNs: this.s.runningNs, syscallNs: this.s.syscallNs,
      waitNsByReason: this.byName(this.waitNs), waitingAtEnd: new Map(), unblocks: this.unblocks, unblocksByReason: this.byName(this.unblocksByReason),
    };
    for (const [, g] of this.goroutines.entries()) {
      const d = this.last - g.since;
      const reason = this.reasonNames[g.reason];
      if (g.state === 'Running') f.runningNs += d;
      else if (g.state === 'Syscall') f.syscallNs += d;
      else if (g.state === 'Waiting') {
        f.waitNsByReason.set(reason, (f.waitNsByReason.get(reason) ?? 0) + d);
        f.waitingAtEnd.set(reason, (f.waitingAtEnd.get(reason) ?? 0) + 1);
      }
      if (g.state !== 'NotExist') f.aliveAtEnd++;
    }
    return f;
  }
}

/** The summary with these goroutine figures. */
export function withGoroutineFigures(summary: TraceSummary, g: GoroutineFigures): TraceSummary {
  return {
    ...summary,
    goroutines: g.goroutines,
    goroutinesAliveAtEnd: g.aliveAtEnd,
    runningNs: g.runningNs,
    syscallNs: g.syscallNs,
    waitingAtEnd: sortedRecord(g.waitingAtEnd),
    waitNsByReason: sortedRecord(g.waitNsByReason),
    unblocks: g.unblocks,
    unblocksByReason: sortedRecord(g.unblocksByReason),
  };
}

/** Map → plain object with keys in Go's JSON order (sorted), zero entries omitted. */
function sortedRecord(m: Map<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of [...m.keys()].sort(compareBytes)) {
    const v = m.get(k)!;
    if (v !== 0) out[k] = v;
  }
  return out;
}

/** Go sorts map keys bytewise; for the ASCII reasons traces carry that is code-unit order. */
function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Reads a whole trace and summarises it. A damaged trace yields the summary of the events before
 * the damage plus the error as a warning. `onProgress` is called every `progressEvery` events.
 */
export function summarizeTrace(
  reader: TraceReader,
  onProgress?: (bytesRead: number, events: number) => void,
  progressEvery = 1 << 20,
): SummaryResult {
  const summarizer = new TraceSummarizer(reader.format);
  let warning: DecodeError | null = null;
  let n = 0;
  try {
    for (let ev = reader.next(); ev !== null; ev = reader.next()) {
      summarizer.add(ev);
      if (onProgress && ++n % progressEvery === 0) onProgress(reader.bytesRead, n);
    }
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    warning = e;
  } finally {
    reader.close();
  }
  return { summary: summarizer.finish(), warning };
}
