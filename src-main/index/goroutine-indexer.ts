// Follows every goroutine of a trace from the records the TraceIndexer hands over
// (goroutine-events.ts): its intervals (packed in chunks, with the P of Running ones), the levels
// of detail of long-lived ones (levels.ts), its totals per state and wait reason, its open user
// regions, and its row once it ends; the goroutine count series, the blocking table and the
// goroutines blocked at the end. Memory is bounded by the goroutines alive at once.

import type { GoroutineFigures } from '../analyze/trace-summary.ts';
import { ROWS_PER_STATEMENT, type RowSink, type RowSinks } from './batch-insert.ts';
import { IdTable } from '../decode/id-table.ts';
import {
  CLOCK, END, NAME, NameSlot, RECORD_SLOTS, REGION_BEGIN, REGION_END, RegionSlot, SYNC, TRANSITION, transitionBlockingKind, transitionFrom, TransitionSlot,
  transitionTo, VALUE_SLOT,
} from './goroutine-events.ts';
import { CHUNK_POINTS, flushPoints, PointEncoder } from './point-codec.ts';
import { CHUNK_BYTES, CHUNK_INTERVALS, ChunkEncoder, decodeChunk } from './interval-codec.ts';
import { GoroutineLevels } from './levels.ts';
import { COUNT_LEVEL_NS, GO_STATE, GOROUTINE_COUNT_STEP_NS, UNBLOCK_VALUES } from './schema.ts';
import { ByteWriter } from './varint.ts';
import { writeWaitByReason } from './wait-by-reason.ts';
import { BlockingSites } from './blocking-sites.ts';

const { NotExist: NOT_EXIST, Runnable: RUNNABLE, Running: RUNNING, Waiting: WAITING, Syscall: SYSCALL } = GO_STATE;

/** Goroutine IDs kept per group of goroutines blocked at the end. */
const BLOCKED_SAMPLE_IDS = 20;

/** The goroutines table's columns, as finishGoroutine writes them. */
const GOROUTINE_COLUMNS = ['id', 'name', 'created', 'creator', 'creation_stack', 'start_stack', 'start_ns', 'end_ns', 'first_state',
  'last_state', 'last_reason', 'running_ns', 'runnable_ns', 'waiting_ns', 'syscall_ns', 'wait_ns_by_reason', 'intervals',
  'interval_data', 'last_stack', 'last_since_ns'] as const;
/** Each column's index in a goroutine row. */
const GOROUTINE_COLUMN = Object.fromEntries(GOROUTINE_COLUMNS.map((c, i) => [c, i])) as Record<(typeof GOROUTINE_COLUMNS)[number], number>;
const GOROUTINE_WIDTH = GOROUTINE_COLUMNS.length;

/**
 * A goroutine being followed. Records are reused once their goroutine ends: millions of
 * goroutines each live a few milliseconds, long enough for a fresh record to be promoted to the
 * old generation, and that churn cost seconds of GC on a 168 MB trace.
 */
class GoroutineRecord {
  id = 0;
  name = 0;
  /** Whether the trace saw it created (at startNs). */
  created = false;
  /**
   * When the generation in which it was first seen began, for one the trace did not see created:
   * it was in its first state at least since then (Go's summariser dates such a goroutine from the
   * last Sync: summary.go, (*Summarizer).Event, the GoUndetermined case).
   */
  seenSince = 0;
  creator: number | null = null;
  creationStack = 0;
  startStack = 0;
  startNs = 0;
  firstState = 0;
  /** The current interval. */
  state = 0;
  since = 0;
  reason = 0;
  stack = 0;
  /** M of the current interval while Running or in a Syscall (−1 otherwise). */
  thread = -1;
  /** P of the current interval while Running (−1 otherwise). */
  proc = -1;
  readonly totals: [number, number, number, number] = [0, 0, 0, 0]; // running, runnable, waiting, syscall
  /** Waiting time by reason, flat: [reason, ns, reason, ns, …] in first-seen order (few reasons each, and a Map per goroutine cost more). */
  readonly wait: number[] = [];
  intervals = 0;
  /** Chunks already written to goroutine_interval_chunks. */
  chunksWritten = 0;
  /** Empty whenever the record is free: taken or flushed when its goroutine ends. */
  readonly chunk: ChunkEncoder;
  /** Its levels of detail, once it has written a chunk (goroutines living one chunk long need none). */
  levels: GoroutineLevels | null = null;
  /** Open user regions, innermost last. */
  readonly regions: { task: number; type: number; start: number }[] = [];
  /** When it first started Running in the trace (−1: not yet): blocking profiles count time from there (BlockingSites). */
  firstRunning = -1;
  /** The wait a blocking profile is following (kind 0: none), from the transition that began it. */
  trackKind = 0;
  trackStart = 0;
  trackReason = 0;
  trackStack = 0;
  /** Waits that ended before it first ran, flat (kind, reason, stack, start, end), until it runs or ends (BlockingSites). */
  readonly pendingWaits: number[] = [];

  constructor(nsPerTick: number) {
    this.chunk = new ChunkEncoder(nsPerTick);
  }

  /** (Re)starts the record for a goroutine first seen at `t` in state `state`. */
  begin(id: number, name: number, created: boolean, creator: number | null, creationStack: number, t: number, state: number,
    reason: number, stack: number): void {
    this.id = id;
    this.name = name;
    this.created = created;
    this.creator = creator;
    this.creationStack = creationStack;
    this.startStack = stack;
    this.startNs = t;
    this.firstState = state;
    this.state = state;
    this.since = t;
    this.reason = reason;
    this.stack = stack;
    this.thread = -1;
    this.proc = -1;
    this.totals[0] = this.totals[1] = this.totals[2] = this.totals[3] = 0;
    this.wait.length = 0;
    this.intervals = 0;
    this.chunksWritten = 0;
    this.levels = null;
    this.regions.length = 0;
    this.firstRunning = -1;
    this.trackKind = 0;
    this.pendingWaits.length = 0;
    this.chunk.begin(t);
  }
}

function addWait(wait: number[], reason: number, ns: number): void {
  for (let i = 0; i < wait.length; i += 2) {
    if (wait[i] === reason) {
      wait[i + 1] += ns;
      return;
    }
  }
  wait.push(reason, ns);
}

/** The summary's goroutine figures, with wait reasons as string IDs, and the intervals written. */
export interface GoroutineTotals extends GoroutineFigures<number> {
  intervals: number;
}

/** The state a blocking kind follows (blockingKindCode's codes: sync, net, syscall, sched). */
const KIND_STATE = [-1, WAITING, WAITING, SYSCALL, RUNNABLE];

export class GoroutineIndexer {
  private readonly goroutines = new IdTable<GoroutineRecord>();
  /** Records of ended goroutines, for reuse (see GoroutineRecord). */
  private readonly freeRecords: GoroutineRecord[] = [];
  /** Waiting time by reason, then by the stack that blocked. */
  private readonly blocking = new Map<number, Map<number, { total: number; count: number; max: number; ended: number; lastEnd: number | null }>>();
  /** Goroutines blocked at the end, by "state/reason/stack"; `byEighth`: how many began their wait in each eighth of the trace. */
  private readonly blocked = new Map<string, { state: number; reason: number; stack: number; goroutines: number; oldest: number; newest: number;
    name: number; ids: number[]; byEighth: number[] }>();
  /** The four blocking profiles of `go tool trace -pprof`, by site. */
  private readonly sites = new BlockingSites();
  private unblocks = 0;
  private readonly unblocksByReason = new Map<number, number>();
  /** The chunk of unblock edges being filled (created at the first edge, when the clock is known), and an edge's values. */
  private unblockPoints: PointEncoder | null = null;
  private readonly unblockValues = [0, 0, 0, 0, 0];
  /** Unblock edges by the wait's stack (an array: stack IDs are dense), then the waker's stack. */
  private readonly unblockSites: (Map<number, { count: number; last: number }> | undefined)[] = [];
  private readonly counts = [0, 0, 0, 0, 0, 0]; // goroutines by state code
  /** The chunk of goroutine count samples being filled (created at the first sample, when the clock is known). */
  private countPoints: PointEncoder | null = null;
  /** Per level of goroutine_count_levels: the open bucket and its peaks (running, runnable, waiting, syscall). */
  private readonly countLevels = COUNT_LEVEL_NS.map(() => ({ bucket: -1, peak: [0, 0, 0, 0] }));
  private nextCountSample = 0;
  /**
   * Goroutine rows, filled in place and handed over a statement's worth at a time: one array for
   * millions of rows, and whole statements go to SQLite without being buffered value by value.
   */
  private readonly goroutineRows: unknown[] = new Array(ROWS_PER_STATEMENT * GOROUTINE_WIDTH).fill(null);
  private goroutineRowsFilled = 0;
  /** Goroutine names by the stack ID they were first seen with (NAME records). */
  private readonly nameByStack: number[] = [];
  private readonly waitWriter = new ByteWriter();
  /**
   * Time of the record being read (ns from the first event), for the per-record methods: passed
   * as an argument, a time past 2^30 ns is boxed by V8 at every call that is not inlined (500 MB
   * of garbage on a 168 MB trace).
   */
  private now = 0;
  private nsPerTick = 1;
  /** When the current generation began (its Sync event). */
  private lastSync = 0;
  private goroutineCount = 0;
  private intervals = 0;
  /** Time Running and in Syscall, all goroutines. */
  private runningNs = 0;
  private syscallNs = 0;
  private result: GoroutineTotals | null = null;
  private readonly ins: Record<string, RowSink>;

  constructor(sinks: RowSinks) {
    this.ins = {
      goroutines: sinks('goroutines', GOROUTINE_COLUMNS),
      goroutineChunks: sinks('goroutine_interval_chunks', ['goroutine', 'start_ns', 'end_ns', 'count', 'data']),
      countChunks: sinks('goroutine_count_chunks', ['start_ns', 'end_ns', 'count', 'data']),
      countLevels: sinks('goroutine_count_levels', ['level', 'time_ns', 'running', 'runnable', 'waiting', 'syscall']),
      regions: sinks('regions', ['goroutine', 'task', 'type', 'start_ns', 'end_ns', 'depth']),
      blocking: sinks('blocking', ['reason', 'stack', 'total_ns', 'count', 'max_ns', 'ended', 'last_end_ns']),
      blockedAtEnd: sinks('blocked_at_end', ['state', 'reason', 'stack', 'goroutines', 'oldest_since_ns', 'newest_since_ns', 'since_by_eighth', 'name', 'sample_ids']),
      blockingSites: sinks('blocking_sites', ['kind', 'reason', 'stack', 'count', 'total_ns', 'max_ns', 'p50_ns', 'p99_ns']),
      unblockChunks: sinks('unblock_chunks', ['start_ns', 'end_ns', 'count', 'data']),
      unblockSites: sinks('unblock_sites', ['stack', 'by_stack', 'count', 'last_ns']),
      levels: sinks('goroutine_levels', ['goroutine', 'level', 'start_bucket', 'data']),
    };
  }

  /** The figures, once the END record was read. */
  get totals(): GoroutineTotals {
    if (!this.result) throw new Error('the goroutine records ended without END: the trace indexer did not finish');
    return this.result;
  }

  /** Reads `records` records of `slab`. */
  consume(slab: Float64Array, records: number): void {
    for (let o = 0; o < records * RECORD_SLOTS; o += RECORD_SLOTS) {
      const code = slab[o];
      if (code >= TRANSITION) {
        this.now = slab[o + TransitionSlot.Time];
        while (this.now >= this.nextCountSample) this.sampleCounts();
        this.transition(slab, o, code - TRANSITION);
        continue;
      }
      switch (code) {
        case REGION_BEGIN: {
          const g = this.goroutines.get(slab[o + RegionSlot.Goroutine]);
          if (g) g.regions.push({ task: slab[o + RegionSlot.Task], type: slab[o + RegionSlot.Type], start: slab[o + RegionSlot.Time] });
          break;
        }
        case REGION_END: {
          const goroutine = slab[o + RegionSlot.Goroutine];
          const g = this.goroutines.get(goroutine);
          const open = g?.regions.pop();
          this.ins.regions.push(goroutine, slab[o + RegionSlot.Task], slab[o + RegionSlot.Type], open ? open.start : null, slab[o + RegionSlot.Time],
            g ? g.regions.length : 0);
          break;
        }
        case NAME:
          this.nameByStack[slab[o + NameSlot.Stack]] = slab[o + NameSlot.Name];
          break;
        case CLOCK:
          this.nsPerTick = slab[o + VALUE_SLOT];
          break;
        case SYNC:
          this.lastSync = slab[o + VALUE_SLOT];
          break;
        case END:
          this.now = slab[o + VALUE_SLOT];
          while (this.now >= this.nextCountSample) this.sampleCounts();
          this.result = this.finish();
          break;
        default:
          throw new Error(`unknown goroutine record ${code}`);
      }
    }
  }

  /** A goroutine's transition at `now` (see goroutine-events.ts for the record). */
  private transition(slab: Float64Array, o: number, flags: number): void {
    const to = transitionTo(flags);
    const from = transitionFrom(flags);
    const id = slab[o + TransitionSlot.Goroutine];
    const reason = slab[o + TransitionSlot.Reason];
    const stack = slab[o + TransitionSlot.Stack];
    const other = slab[o + TransitionSlot.Other];
    const eventStack = slab[o + TransitionSlot.EventStack];
    let g = this.goroutines.get(id);
    if (!g) {
      const created = from === NOT_EXIST;
      g = this.freeRecords.pop() ?? new GoroutineRecord(this.nsPerTick);
      g.begin(id, this.nameByStack[stack], created, created && other >= 0 ? other : null, created ? eventStack : 0, this.now, to,
        reason, stack);
      g.seenSince = created ? this.now : this.lastSync;
      this.goroutines.set(id, g);
      this.goroutineCount++;
      this.counts[to]++;
    } else {
      if (from === WAITING && other >= 0) this.unblock(g, other, eventStack);
      this.closeInterval(g, false);
      this.counts[g.state]--;
      this.counts[to]++;
      g.state = to;
      g.since = this.now;
      g.reason = reason;
      g.stack = stack;
    }
    this.followBlocking(g, to, transitionBlockingKind(flags), reason, eventStack);
    g.thread = to === RUNNING || to === SYSCALL ? slab[o + TransitionSlot.Thread] : -1;
    g.proc = to === RUNNING ? slab[o + TransitionSlot.Proc] : -1;
    if (to === NOT_EXIST) this.finishGoroutine(g, this.now);
  }

  /** `g`, waiting, was made runnable by goroutine `by` (an unblock edge) at `now`. */
  private unblock(g: GoroutineRecord, by: number, byStack: number): void {
    this.unblocks++;
    this.unblocksByReason.set(g.reason, (this.unblocksByReason.get(g.reason) ?? 0) + 1);
    const v = this.unblockValues;
    v[0] = g.id;
    v[1] = g.reason;
    v[2] = g.stack;
    v[3] = by;
    v[4] = byStack;
    this.unblockPoints ??= new PointEncoder(this.nsPerTick, UNBLOCK_VALUES);
    this.unblockPoints.add(this.now, v);
    if (this.unblockPoints.count >= CHUNK_POINTS) flushPoints(this.unblockPoints, this.ins.unblockChunks);
    let byWaker = this.unblockSites[g.stack];
    if (byWaker === undefined) this.unblockSites[g.stack] = byWaker = new Map();
    const site = byWaker.get(byStack);
    if (site) {
      site.count++;
      site.last = this.now;
    } else {
      byWaker.set(byStack, { count: 1, last: this.now });
    }
  }

  /**
   * Follows `g`'s waits for the blocking profiles as cmd/trace's makeComputePprofFunc does: a wait
   * begins with a transition into its kind's state, is kept while the goroutine stays there, and
   * ends with the next transition out of it; its site is the stack of the event that began it.
   */
  private followBlocking(g: GoroutineRecord, to: number, kind: number, reason: number, eventStack: number): void {
    if (g.trackKind !== 0) {
      if (to === KIND_STATE[g.trackKind]) return;
      this.endWait(g);
    }
    if (to === RUNNING && g.firstRunning < 0) {
      g.firstRunning = this.now;
      // Waits that ended before it first ran lie outside its span in cmd/trace (pprofMatchingGoroutines).
      g.pendingWaits.length = 0;
    }
    if (kind !== 0) {
      g.trackKind = kind;
      g.trackStart = this.now;
      g.trackReason = reason;
      g.trackStack = eventStack;
    }
  }

  /**
   * Ends the wait `g` is followed in at `now`. cmd/trace counts the part of a wait inside the
   * goroutine's span, from its first Running (summary.go's StartTime) to its end; a goroutine that
   * never runs spans the whole trace: a wait that ended before any run waits in pendingWaits until
   * the goroutine runs (and it is dropped) or ends (and it counts whole).
   */
  private endWait(g: GoroutineRecord): void {
    const kind = g.trackKind;
    g.trackKind = 0;
    if (g.firstRunning < 0) {
      g.pendingWaits.push(kind, g.trackReason, g.trackStack, g.trackStart, this.now);
      return;
    }
    const d = this.now - Math.max(g.trackStart, g.firstRunning);
    if (d > 0) this.sites.add(kind, g.trackReason, g.trackStack, d);
  }

  /** Counts the waits of a goroutine that ended without ever running (see endWait). */
  private flushPendingWaits(g: GoroutineRecord): void {
    const p = g.pendingWaits;
    for (let i = 0; i < p.length; i += 5) {
      const d = p[i + 4] - p[i + 3];
      if (d > 0) this.sites.add(p[i], p[i + 1], p[i + 2], d);
    }
    p.length = 0;
  }

  private sampleCounts(): void {
    this.countSample(this.nextCountSample);
    this.nextCountSample += GOROUTINE_COUNT_STEP_NS;
  }

  /** Writes the goroutine counts at `t`, and folds them into the levels' peaks. */
  private countSample(t: number): void {
    const c = this.counts;
    const sample = [c[RUNNING], c[RUNNABLE], c[WAITING], c[SYSCALL]];
    this.countPoints ??= new PointEncoder(this.nsPerTick, 4);
    this.countPoints.add(t, sample);
    if (this.countPoints.count >= CHUNK_POINTS) flushPoints(this.countPoints, this.ins.countChunks);
    for (let l = 0; l < COUNT_LEVEL_NS.length; l++) {
      const level = this.countLevels[l];
      const bucket = Math.floor(t / COUNT_LEVEL_NS[l]);
      if (bucket !== level.bucket) {
        this.flushCountLevel(l);
        level.bucket = bucket;
        level.peak = sample.slice();
      } else {
        for (let i = 0; i < 4; i++) if (sample[i] > level.peak[i]) level.peak[i] = sample[i];
      }
    }
  }

  private flushCountLevel(l: number): void {
    const { bucket, peak } = this.countLevels[l];
    if (bucket >= 0) this.ins.countLevels.push(l + 1, bucket * COUNT_LEVEL_NS[l], peak[0], peak[1], peak[2], peak[3]);
  }

  /** Ends the goroutine's current interval at `now`. */
  private closeInterval(g: GoroutineRecord, open: boolean): void {
    const d = this.now - g.since;
    switch (g.state) {
      case RUNNING:
        g.totals[0] += d;
        this.runningNs += d;
        break;
      case RUNNABLE: g.totals[1] += d; break;
      case WAITING: {
        g.totals[2] += d;
        addWait(g.wait, g.reason, d);
        let byStack = this.blocking.get(g.reason);
        if (!byStack) this.blocking.set(g.reason, (byStack = new Map()));
        const lastEnd = open ? null : this.now;
        const b = byStack.get(g.stack);
        if (b) {
          b.total += d;
          b.count++;
          if (d > b.max) b.max = d;
          if (lastEnd !== null) {
            b.ended++;
            b.lastEnd = lastEnd;
          }
        } else {
          byStack.set(g.stack, { total: d, count: 1, max: d, ended: open ? 0 : 1, lastEnd });
        }
        break;
      }
      case SYSCALL:
        g.totals[3] += d;
        this.syscallNs += d;
        break;
    }
    // Intervals before its first chunk was written reach its levels from that chunk (flushChunk).
    if (g.levels) g.levels.add(d, g.state);
    g.chunk.add(d, g.state, g.reason, g.stack, open, g.thread, g.proc);
    g.intervals++;
    this.intervals++;
    if (g.chunk.count >= CHUNK_INTERVALS || g.chunk.byteLength >= CHUNK_BYTES) this.flushChunk(g);
  }

  private flushChunk(g: GoroutineRecord): void {
    if (g.chunk.count === 0) return;
    const { start, end, count } = g.chunk;
    const data = g.chunk.take();
    this.ins.goroutineChunks.push(g.id, start, end, count, data);
    g.chunksWritten++;
    if (!g.levels) {
      // Its first chunk: it lives long enough for levels of detail, from now on fed its intervals as they close.
      const id = g.id;
      const levels = (g.levels = new GoroutineLevels(start, (row) => this.ins.levels.push(id, row.level, row.startBucket, row.data)));
      decodeChunk(data, start, this.nsPerTick, (s, e, state) => {
        levels.add(e - s, state);
      });
    }
  }

  /** Writes a goroutine's row; it has died (endNs) or outlived the trace (null). */
  private finishGoroutine(g: GoroutineRecord, endNs: number | null): void {
    // Most goroutines live one chunk long: their intervals go inline in their row.
    let inline: Uint8Array | null = null;
    if (g.chunksWritten === 0) inline = g.chunk.count > 0 ? g.chunk.take() : null;
    else {
      this.flushChunk(g);
      g.levels?.finish();
      g.levels = null;
    }
    // Waiting time by reason (wait-by-reason.ts), for goroutines whose intervals are
    // not inline (a few long-lived ones): the others' is a decode of interval_data away, and a
    // blob per goroutine cost a second of indexing for millions of them.
    const wait = this.waitWriter;
    if (inline === null) writeWaitByReason(wait, g.wait);
    const rows = this.goroutineRows;
    const at = this.goroutineRowsFilled++ * GOROUTINE_WIDTH;
    const c = GOROUTINE_COLUMN;
    rows[at + c.id] = g.id;
    rows[at + c.name] = g.name;
    rows[at + c.created] = g.created ? 1 : 0;
    rows[at + c.creator] = g.creator;
    rows[at + c.creation_stack] = g.creationStack;
    rows[at + c.start_stack] = g.startStack;
    rows[at + c.start_ns] = g.startNs;
    rows[at + c.end_ns] = endNs;
    rows[at + c.first_state] = g.firstState;
    rows[at + c.last_state] = g.state;
    rows[at + c.last_reason] = g.reason;
    rows[at + c.running_ns] = g.totals[0];
    rows[at + c.runnable_ns] = g.totals[1];
    rows[at + c.waiting_ns] = g.totals[2];
    rows[at + c.syscall_ns] = g.totals[3];
    // Blobs are copied: the views are reused before the rows go out. Into Buffers (see BatchInserter.pushRows).
    rows[at + c.wait_ns_by_reason] = wait.length > 0 ? Buffer.from(wait.view()) : null;
    rows[at + c.intervals] = g.intervals;
    rows[at + c.interval_data] = inline ? Buffer.from(inline) : null;
    rows[at + c.last_stack] = g.stack;
    rows[at + c.last_since_ns] = endNs === null ? g.since : null;
    if (this.goroutineRowsFilled === ROWS_PER_STATEMENT) this.flushGoroutineRows();
    if (g.firstRunning < 0) this.flushPendingWaits(g);
    if (endNs === null && (g.state === WAITING || g.state === SYSCALL)) this.blockedAtEnd(g);
    for (const r of g.regions) this.ins.regions.push(g.id, r.task, r.type, r.start, null, 0);
    this.goroutines.delete(g.id);
    // Its encoder is empty now (taken or flushed): the next goroutine reuses it and its buffer.
    this.freeRecords.push(g);
    if (endNs !== null) this.counts[NOT_EXIST]--;
  }

  private flushGoroutineRows(): void {
    const n = this.goroutineRowsFilled * GOROUTINE_WIDTH;
    this.ins.goroutines.pushRows(n === this.goroutineRows.length ? this.goroutineRows : this.goroutineRows.slice(0, n));
    this.goroutineRowsFilled = 0;
  }

  private blockedAtEnd(g: GoroutineRecord): void {
    const key = `${g.state}/${g.reason}/${g.stack}`;
    const b = this.blocked.get(key);
    // A wait it was first seen in began before it was seen, at least when that generation began.
    const since = g.since === g.startNs && !g.created ? g.seenSince : g.since;
    // Called at the end of the trace (now): when its wait began, in eighths of the trace.
    const eighth = Math.min(7, Math.floor((since / Math.max(this.now, 1)) * 8));
    if (!b) {
      const byEighth = [0, 0, 0, 0, 0, 0, 0, 0];
      byEighth[eighth] = 1;
      this.blocked.set(key, { state: g.state, reason: g.reason, stack: g.stack, goroutines: 1, oldest: since, newest: since, name: g.name,
        ids: [g.id], byEighth });
      return;
    }
    b.goroutines++;
    b.oldest = Math.min(b.oldest, since);
    b.newest = Math.max(b.newest, since);
    b.byEighth[eighth]++;
    if (b.ids.length < BLOCKED_SAMPLE_IDS) b.ids.push(g.id);
  }

  /** Closes the goroutines still alive at `now`, the trace's last event, and flushes every row. */
  private finish(): GoroutineTotals {
    const t = this.now;
    const aliveAtEnd = this.goroutines.size;
    const waitingAtEnd = new Map<number, number>();
    // In ID order (the leak suspects' sample IDs are the first few of each group), closed at the end.
    for (const [, g] of [...this.goroutines.entries()].sort((a, b) => a[0] - b[0])) {
      if (g.state === WAITING) waitingAtEnd.set(g.reason, (waitingAtEnd.get(g.reason) ?? 0) + 1);
      this.closeInterval(g, true);
      this.finishGoroutine(g, null);
    }
    // The blocking table, and the summary's waiting time by reason: its totals summed over stacks.
    const waitNsByReason = new Map<number, number>();
    for (const [reason, byStack] of this.blocking) {
      let total = waitNsByReason.get(reason) ?? 0;
      for (const [stack, b] of byStack) {
        this.ins.blocking.push(reason, stack, b.total, b.count, b.max, b.ended, b.lastEnd);
        total += b.total;
      }
      waitNsByReason.set(reason, total);
    }
    for (const b of this.blocked.values()) {
      this.ins.blockedAtEnd.push(b.state, b.reason, b.stack, b.goroutines, b.oldest, b.newest, JSON.stringify(b.byEighth), b.name,
        JSON.stringify(b.ids));
    }
    this.sites.write(this.ins.blockingSites);
    this.unblockSites.forEach((byWaker, stack) => {
      for (const [byStack, u] of byWaker ?? []) this.ins.unblockSites.push(stack, byStack, u.count, u.last);
    });
    // A last count sample at the end of the trace, unless one fell exactly there.
    if (t > this.nextCountSample - GOROUTINE_COUNT_STEP_NS) this.countSample(t);
    if (this.countPoints) flushPoints(this.countPoints, this.ins.countChunks);
    if (this.unblockPoints) flushPoints(this.unblockPoints, this.ins.unblockChunks);
    COUNT_LEVEL_NS.forEach((_w, l) => this.flushCountLevel(l));
    this.flushGoroutineRows();
    for (const ins of Object.values(this.ins)) ins.flush();
    return {
      goroutines: this.goroutineCount, aliveAtEnd, runningNs: this.runningNs, syscallNs: this.syscallNs, waitNsByReason, waitingAtEnd,
      intervals: this.intervals, unblocks: this.unblocks, unblocksByReason: this.unblocksByReason,
    };
  }
}
