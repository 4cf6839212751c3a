// Turns a trace's event stream into the index's tables: ranges are paired, metrics packed in
// chunks, annotations and samples become rows. Goroutine transitions and user regions go out as
// records to the GoroutineIndexer (goroutine-events.ts), which may run on another thread.

import { TraceSummarizer, type TraceSummary } from '../analyze/trace-summary.ts';
import type { GoStateTransition, GoState, RangeEvent, Stack, StateTransitionEvent, TraceEvent } from '../decode/gotrace/model.ts';
import type { RowSink, RowSinks } from './batch-insert.ts';
import {
  CLOCK, END, GoroutineEventWriter, NAME, NameSlot, REGION_BEGIN, REGION_END, RegionSlot, SYNC, transitionCode, TransitionSlot, VALUE_SLOT, type SlabChannel,
} from './goroutine-events.ts';
import { CHUNK_POINTS, flushPoints, PointEncoder } from './point-codec.ts';
import { storedNsPerTick } from './interval-codec.ts';
import { GO_STATE, GO_STATES, METRIC_LEVEL_NS, SCOPE_KINDS } from './schema.ts';
import { isStatusRestatement, unblockerOf } from '../analyze/goroutine-transitions.ts';
import { blockingKindCode } from '../analyze/blocking-kinds.ts';
import { MutatorUtilTracker } from '../analyze/gc-mutator-util.ts';
import { MUTATOR_UTIL_COLUMNS, MutatorUtilWriter } from './mutator-util-chunks.ts';

/** The blocking kind a transition into each state but Waiting enters (blockingKindCode; Waiting's depends on its reason). */
const KIND_ENTERED = Object.fromEntries(GO_STATES.map((s) => [s, blockingKindCode(s, '')])) as Record<GoState, number>;
const SCOPE_CODE: Record<string, number> = Object.fromEntries(SCOPE_KINDS.map((k, i) => [k, i]));

interface OpenRange {
  name: number;
  scopeKind: number;
  scopeId: number;
  start: number;
  beganBefore: boolean;
  stack: number;
}

export interface IndexResult {
  /** The summary but its goroutine figures (see withGoroutineFigures), which the GoroutineIndexer has. */
  summary: TraceSummary;
  events: number;
}

export class TraceIndexer {
  private readonly strings = new Map<string, number>();
  private readonly frames = new Map<string, number>();
  private readonly stackIds = new Map<string, number>();
  /** Stacks are shared arrays within a generation: remember the ID of each array seen. */
  private readonly stackCache = new WeakMap<Stack, number>();
  private readonly openRanges = new Map<string, OpenRange[]>();
  /** Per metric name, per level: the open bucket's index and largest value. */
  private readonly metricBuckets = new Map<number, { bucket: number; max: number }[]>();
  /** Per metric name, the chunk of points being filled. */
  private readonly metricPoints = new Map<number, PointEncoder>();
  private readonly metricValue = [0];
  /** Per metric name, its latest point, written once a later time arrives. */
  private readonly metricPending = new Map<number, { t: number; value: number }>();
  private readonly openTasks = new Map<number, { parent: number; type: number; start: number; goroutine: number }>();
  private readonly summarizer: TraceSummarizer;
  /** Mutator utilisation (for the MMU), written as it becomes final. */
  private readonly mutatorUtil: MutatorUtilTracker;
  private readonly mutatorUtilWriter: MutatorUtilWriter;
  private first: number | null = null;
  private last = 0;
  private events = 0;
  /**
   * Time of the transition being indexed (ns from the first event): passed as an argument, a time
   * past 2^30 ns is boxed by V8 at every call that is not inlined (500 MB of garbage on a 168 MB trace).
   */
  private now = 0;
  /** Goroutine names by the stack ID they may be first seen with (see nameStack), as sent in NAME records. */
  private readonly nameByStack: number[] = [];
  private lastReason = '';
  private lastReasonId = 0;
  /** The blocking kind of a wait for lastReason (blockingKindCode). */
  private lastReasonWaitKind = 0;
  private readonly ins: Record<string, RowSink>;
  /** Goroutine transitions and regions, for the GoroutineIndexer. */
  private readonly out: GoroutineEventWriter;

  /** How interval durations are stored (see interval-codec.ts), from the trace's clock at its first event. */
  private nsPerTick = 1;

  /**
   * `sinks` receives the rows of every table (SQLite directly, or another thread that writes them)
   * but the GoroutineIndexer's, whose records go to `goroutineSlabs`; `clock` gives the reader's ns
   * per tick, known once it has read an event.
   */
  constructor(sinks: RowSinks, goroutineSlabs: SlabChannel, format: string, private readonly clock: () => number) {
    // The summary's goroutine figures come from the GoroutineIndexer (see IndexResult).
    this.summarizer = new TraceSummarizer(format, false);
    this.out = new GoroutineEventWriter(goroutineSlabs);
    const table = sinks;
    this.ins = {
      strings: table('strings', ['id', 'value']),
      frames: table('frames', ['id', 'pc', 'func', 'file', 'line']),
      stackFrames: table('stack_frames', ['stack', 'position', 'frame']),
      meta: table('meta', ['key', 'value']),
      ranges: table('ranges', ['name', 'scope_kind', 'scope_id', 'start_ns', 'end_ns', 'began_before', 'open', 'stack', 'bytes_swept', 'bytes_reclaimed']),
      metricChunks: table('metric_chunks', ['name', 'start_ns', 'end_ns', 'count', 'data']),
      metricLevels: table('metric_levels', ['name', 'level', 'time_ns', 'value']),
      tasks: table('tasks', ['id', 'parent', 'type', 'start_ns', 'end_ns', 'start_goroutine', 'end_goroutine']),
      logs: table('logs', ['time_ns', 'goroutine', 'task', 'category', 'message', 'stack']),
      cpuSamples: table('cpu_samples', ['time_ns', 'goroutine', 'proc', 'thread', 'stack']),
      labels: table('labels', ['time_ns', 'goroutine', 'label']),
      mutatorUtil: table('mutator_util_chunks', MUTATOR_UTIL_COLUMNS),
    };
    this.mutatorUtilWriter = new MutatorUtilWriter(this.ins.mutatorUtil, () => this.nsPerTick);
    this.mutatorUtil = new MutatorUtilTracker((time, util) => this.mutatorUtilWriter.add(time, util));
    this.string(''); // ID 1 is the empty string; 0 means "none" everywhere.
  }

  /** Index time (ns since the first event) of the time of the first event. */
  get startTime(): number | null {
    return this.first;
  }

  /** Index time of the last event added (0 before any): a partial index's frontier. */
  get lastTime(): number {
    return this.last;
  }

  string(s: string): number {
    let id = this.strings.get(s);
    if (id === undefined) {
      id = this.strings.size + 1;
      this.strings.set(s, id);
      this.ins.strings.push(id, s);
    }
    return id;
  }

  /**
   * The stack's ID, from a cache by stack object (the decoder shares one per stack and generation).
   * The first sight of a stack is a method of its own: closures in this hot one made V8 allocate
   * their context on every call (1.5 GB of garbage on a 168 MB trace).
   */
  stack(stack: Stack): number {
    if (stack.length === 0) return 0;
    const id = this.stackCache.get(stack);
    return id !== undefined ? id : this.internStack(stack);
  }

  private internStack(stack: Stack): number {
    const frameIds = stack.map((f) => {
      const key = `${f.pc}\u0000${f.func}\u0000${f.file}\u0000${f.line}`;
      let fid = this.frames.get(key);
      if (fid === undefined) {
        fid = this.frames.size + 1;
        this.frames.set(key, fid);
        this.ins.frames.push(fid, f.pc, this.string(f.func), this.string(f.file), f.line);
      }
      return fid;
    });
    const key = frameIds.join(',');
    let id = this.stackIds.get(key);
    if (id === undefined) {
      const newId = (id = this.stackIds.size + 1);
      this.stackIds.set(key, newId);
      frameIds.forEach((fid, position) => this.ins.stackFrames.push(newId, position, fid));
    }
    this.stackCache.set(stack, id);
    return id;
  }

  add(ev: TraceEvent): void {
    this.summarizer.add(ev);
    this.events++;
    if (this.first === null) {
      this.first = ev.time;
      this.nsPerTick = storedNsPerTick(this.clock());
      this.writeClock();
    }
    const t = ev.time - this.first;
    this.last = t;
    this.mutatorUtil.add(ev, t);
    switch (ev.kind) {
      case 'StateTransition':
        if (ev.data.resource === 'goroutine') {
          this.now = t;
          this.goroutineTransition(ev);
        }
        break;
      case 'RangeBegin':
      case 'RangeActive':
        this.rangeBegin(ev, t);
        break;
      case 'RangeEnd':
        this.rangeEnd(ev, t);
        break;
      case 'Metric':
        this.metric(this.string(ev.data.name), t, ev.data.value);
        break;
      case 'TaskBegin':
        this.openTasks.set(ev.data.id, { parent: ev.data.parent, type: this.string(ev.data.type), start: t, goroutine: ev.goroutine });
        break;
      case 'TaskEnd': {
        const open = this.openTasks.get(ev.data.id);
        this.openTasks.delete(ev.data.id);
        this.ins.tasks.push(ev.data.id, open ? open.parent : ev.data.parent, open ? open.type : this.string(ev.data.type),
          open ? open.start : null, t, open ? open.goroutine : null, ev.goroutine);
        break;
      }
      case 'RegionBegin':
      case 'RegionEnd': {
        const o = this.out.record(ev.kind === 'RegionBegin' ? REGION_BEGIN : REGION_END);
        const r = this.out.slab;
        r[o + RegionSlot.Time] = t;
        r[o + RegionSlot.Goroutine] = ev.goroutine;
        r[o + RegionSlot.Task] = ev.data.task;
        r[o + RegionSlot.Type] = this.string(ev.data.type);
        break;
      }
      case 'Sync': {
        const o = this.out.record(SYNC);
        this.out.slab[o + VALUE_SLOT] = t;
        break;
      }
      case 'Log':
        this.ins.logs.push(t, ev.goroutine, ev.data.task, this.string(ev.data.category), this.string(ev.data.message), this.stack(ev.stack));
        break;
      case 'StackSample':
        this.ins.cpuSamples.push(t, ev.goroutine, ev.proc, ev.thread, this.stack(ev.stack));
        break;
      case 'Label':
        this.ins.labels.push(t, ev.data.resource.id, this.string(ev.data.label));
        break;
    }
  }

  private metric(name: number, t: number, value: number): void {
    // One point per (name, time): of several at the same nanosecond, the last is kept.
    const pending = this.metricPending.get(name);
    if (!pending) {
      this.metricPending.set(name, { t, value });
    } else if (pending.t === t) {
      pending.value = value;
    } else {
      this.metricPoint(name, pending.t, pending.value);
      pending.t = t;
      pending.value = value;
    }
    let levels = this.metricBuckets.get(name);
    if (!levels) this.metricBuckets.set(name, (levels = METRIC_LEVEL_NS.map(() => ({ bucket: -1, max: 0 }))));
    for (let l = 0; l < levels.length; l++) {
      const b = Math.floor(t / METRIC_LEVEL_NS[l]);
      const cur = levels[l];
      if (b !== cur.bucket) {
        if (cur.bucket >= 0) this.ins.metricLevels.push(name, l + 1, cur.bucket * METRIC_LEVEL_NS[l], cur.max);
        cur.bucket = b;
        cur.max = value;
      } else if (value > cur.max) {
        cur.max = value;
      }
    }
  }

  /**
   * Writes meta ns_per_tick now, not with the rest of meta at the end: the writing thread needs it
   * to read the interval chunks as they come (levels.ts).
   */
  private writeClock(): void {
    this.ins.meta.push('ns_per_tick', String(this.nsPerTick));
    this.ins.meta.flush();
    const o = this.out.record(CLOCK);
    this.out.slab[o + VALUE_SLOT] = this.nsPerTick;
  }

  private metricPoint(name: number, t: number, value: number): void {
    let points = this.metricPoints.get(name);
    if (!points) this.metricPoints.set(name, (points = new PointEncoder(this.nsPerTick, 1)));
    this.metricValue[0] = value;
    points.add(t, this.metricValue);
    if (points.count >= CHUNK_POINTS) flushPoints(points, this.ins.metricChunks, name);
  }

  /**
   * Names the goroutines that may be first seen with `stack` (ID `stackId`, not named yet): its
   * start function, or the first non-runtime frame of the stack when that function is the
   * runtime's; the name goes to the GoroutineIndexer in a NAME record. Remembered per stack:
   * millions of goroutines share a few stacks.
   */
  private nameStack(stack: Stack, stackId: number): void {
    const entry = stack.length > 0 ? stack[stack.length - 1].func : '';
    const name = entry && !entry.startsWith('runtime.') ? entry : (stack.find((f) => !f.func.startsWith('runtime.'))?.func ?? entry);
    const id = (this.nameByStack[stackId] = this.string(name));
    const o = this.out.record(NAME);
    this.out.slab[o + NameSlot.Stack] = stackId;
    this.out.slab[o + NameSlot.Name] = id;
  }

  /** A transition's reason as a string ID (0 for none); the last one is remembered (reasons repeat). */
  private reason(reason: string): number {
    if (reason === '') return 0;
    if (reason !== this.lastReason) {
      this.lastReason = reason;
      this.lastReasonId = this.string(reason);
      this.lastReasonWaitKind = blockingKindCode('Waiting', reason);
    }
    return this.lastReasonId;
  }

  /**
   * A goroutine's transition at `now`, as a record for the GoroutineIndexer; status restatements
   * are not transitions (isStatusRestatement) and go nowhere.
   */
  private goroutineTransition(ev: StateTransitionEvent): void {
    const tr = ev.data as GoStateTransition;
    if (isStatusRestatement(tr.from, tr.to)) return;
    const created = tr.from === 'NotExist';
    const stack = this.stack(tr.stack);
    // The name its stack gives, should the goroutine be first seen here (checked here: per transition).
    if (this.nameByStack[stack] === undefined) this.nameStack(tr.stack, stack);
    const reason = this.reason(tr.reason);
    const kind = tr.to === 'Waiting' ? (reason === 0 ? 0 : this.lastReasonWaitKind) : KIND_ENTERED[tr.to];
    // The emitter's stack: the creator's, the waker's, or the goroutine's own (mostly the same array).
    const eventStack = ev.stack === tr.stack ? stack : this.stack(ev.stack);
    const o = this.out.record(transitionCode(GO_STATE[tr.from], GO_STATE[tr.to], kind));
    const r = this.out.slab;
    r[o + TransitionSlot.Time] = this.now;
    r[o + TransitionSlot.Goroutine] = tr.id;
    r[o + TransitionSlot.Reason] = reason;
    r[o + TransitionSlot.Stack] = stack;
    r[o + TransitionSlot.Thread] = ev.thread;
    r[o + TransitionSlot.Proc] = ev.proc;
    r[o + TransitionSlot.Other] = created ? ev.goroutine : unblockerOf(tr.from, tr.to, tr.id, ev.goroutine);
    r[o + TransitionSlot.EventStack] = eventStack;
  }

  private rangeKey(name: string, kind: string, id: number): string {
    return `${name}\u0000${kind}\u0000${id}`;
  }

  private rangeBegin(ev: RangeEvent, t: number): void {
    const r = ev.data;
    const key = this.rangeKey(r.name, r.scope.kind, r.scope.id);
    const list = this.openRanges.get(key) ?? [];
    // A range restated at a generation start (RangeActive) is the one already open, if any.
    if (ev.kind === 'RangeActive' && list.length > 0) return;
    list.push({ name: this.string(r.name), scopeKind: SCOPE_CODE[r.scope.kind], scopeId: r.scope.id, start: t, beganBefore: ev.kind === 'RangeActive', stack: this.stack(ev.stack) });
    this.openRanges.set(key, list);
  }

  private rangeEnd(ev: RangeEvent, t: number): void {
    const r = ev.data;
    const list = this.openRanges.get(this.rangeKey(r.name, r.scope.kind, r.scope.id));
    const open = list?.shift();
    const swept = r.attributes.find((a) => a.name === 'bytes swept')?.value ?? null;
    const reclaimed = r.attributes.find((a) => a.name === 'bytes reclaimed')?.value ?? null;
    if (open) {
      this.ins.ranges.push(open.name, open.scopeKind, open.scopeId, open.start, t, open.beganBefore ? 1 : 0, 0, open.stack, swept, reclaimed);
    } else {
      // Began before the trace and never restated: it spans from the start.
      this.ins.ranges.push(this.string(r.name), SCOPE_CODE[r.scope.kind], r.scope.id, 0, t, 1, 0, 0, swept, reclaimed);
    }
  }

  /** Closes everything still open at the last event, flushes all rows and hands over the last goroutine records. */
  finish(): IndexResult {
    if (this.first === null) this.writeClock(); // no event: the default
    const t = this.last;
    const o = this.out.record(END);
    this.out.slab[o + VALUE_SLOT] = t;
    this.out.flush();
    for (const list of this.openRanges.values()) {
      for (const r of list) this.ins.ranges.push(r.name, r.scopeKind, r.scopeId, r.start, t, r.beganBefore ? 1 : 0, 1, r.stack, null, null);
    }
    for (const [name, p] of this.metricPending) this.metricPoint(name, p.t, p.value);
    for (const [name, points] of this.metricPoints) flushPoints(points, this.ins.metricChunks, name);
    for (const [name, levels] of this.metricBuckets) {
      levels.forEach((cur, l) => {
        if (cur.bucket >= 0) this.ins.metricLevels.push(name, l + 1, cur.bucket * METRIC_LEVEL_NS[l], cur.max);
      });
    }
    this.mutatorUtil.finish();
    this.mutatorUtilWriter.flush();
    for (const [id, task] of this.openTasks) this.ins.tasks.push(id, task.parent, task.type, task.start, null, task.goroutine, null);
    for (const ins of Object.values(this.ins)) ins.flush();
    return { summary: this.summarizer.finish(), events: this.events };
  }
}
