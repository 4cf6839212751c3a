// Turns a trace's event stream into the index's tables: transitions become goroutine intervals
// (packed in chunks, with the P of Running ones), ranges are paired, annotations and samples become rows, and
// per-goroutine totals are kept as it goes. Memory is bounded by the goroutines alive at once.

import { TraceSummarizer, type TraceSummary } from '../analyze/trace-summary.ts';
import type { GoStateTransition, GoState, RangeEvent, Stack, StateTransitionEvent, TraceEvent } from '../decode/gotrace/model.ts';
import type { RowSink, RowSinks } from './batch-insert.ts';
import { IdTable } from '../decode/id-table.ts';
import { CHUNK_POINTS, PointEncoder } from './point-codec.ts';
import { CHUNK_BYTES, CHUNK_INTERVALS, ChunkEncoder, storedNsPerTick } from './interval-codec.ts';
import { COUNT_LEVEL_NS, GO_STATES, GOROUTINE_COUNT_STEP_NS, METRIC_LEVEL_NS, SCOPE_KINDS } from './schema.ts';
import { ByteWriter } from './varint.ts';

const STATE_CODE: Record<GoState, number> = {
  Undetermined: 0, NotExist: 1, Runnable: 2, Running: 3, Waiting: 4, Syscall: 5,
};
/** Goroutine IDs kept per group of goroutines blocked at the end. */
const BLOCKED_SAMPLE_IDS = 20;
const SCOPE_CODE: Record<string, number> = Object.fromEntries(SCOPE_KINDS.map((k, i) => [k, i]));

/** The goroutines table's columns, as finishGoroutine writes them. */
const GOROUTINE_COLUMNS = ['id', 'name', 'created', 'creator', 'creation_stack', 'start_stack', 'start_ns', 'end_ns', 'first_state',
  'last_state', 'last_reason', 'running_ns', 'runnable_ns', 'waiting_ns', 'syscall_ns', 'wait_ns_by_reason', 'intervals',
  'interval_data', 'last_stack', 'last_since_ns'] as const;
/** Each column's index in a goroutine row. */
const GOROUTINE_COLUMN = Object.fromEntries(GOROUTINE_COLUMNS.map((c, i) => [c, i])) as Record<(typeof GOROUTINE_COLUMNS)[number], number>;

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
  /** Open user regions, innermost last. */
  readonly regions: { task: number; type: number; start: number }[] = [];

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
    this.totals.fill(0);
    this.wait.length = 0;
    this.intervals = 0;
    this.chunksWritten = 0;
    this.regions.length = 0;
    this.chunk.begin(t);
  }
}

/** Writes the chunk of points being filled, if any, as a row: `key` columns, then start_ns, end_ns, count, data. */
function flushPoints(points: PointEncoder, sink: RowSink, ...key: unknown[]): void {
  if (points.count === 0) return;
  const { start, end, count } = points;
  sink.push(...key, start, end, count, points.take());
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

interface OpenRange {
  name: number;
  scopeKind: number;
  scopeId: number;
  start: number;
  beganBefore: boolean;
  stack: number;
}

export interface IndexResult {
  summary: TraceSummary;
  events: number;
  goroutines: number;
  intervals: number;
}

export class TraceIndexer {
  private readonly strings = new Map<string, number>();
  private readonly frames = new Map<string, number>();
  private readonly stackIds = new Map<string, number>();
  /** Stacks are shared arrays within a generation: remember the ID of each array seen. */
  private readonly stackCache = new WeakMap<Stack, number>();
  private readonly goroutines = new IdTable<GoroutineRecord>();
  /** Records of ended goroutines, for reuse (see GoroutineRecord). */
  private readonly freeRecords: GoroutineRecord[] = [];
  private readonly openRanges = new Map<string, OpenRange[]>();
  /** Per metric name, per level: the open bucket's index and largest value. */
  private readonly metricBuckets = new Map<number, { bucket: number; max: number }[]>();
  /** Waiting time by reason, then by the stack that blocked. */
  private readonly blocking = new Map<number, Map<number, { total: number; count: number; max: number }>>();
  /** Goroutines blocked at the end, by "state/reason/stack". */
  private readonly blocked = new Map<string, { state: number; reason: number; stack: number; goroutines: number; oldest: number; name: number; ids: number[] }>();
  /** Per metric name, the chunk of points being filled. */
  private readonly metricPoints = new Map<number, PointEncoder>();
  private readonly metricValue = [0];
  /** The chunk of goroutine count samples being filled (created at the first sample, when the clock is known). */
  private countPoints: PointEncoder | null = null;
  /** Per metric name, its latest point, written once a later time arrives. */
  private readonly metricPending = new Map<number, { t: number; value: number }>();
  private readonly openTasks = new Map<number, { parent: number; type: number; start: number; goroutine: number }>();
  private readonly counts = [0, 0, 0, 0, 0, 0]; // goroutines by state code
  /** Per level of goroutine_count_levels: the open bucket and its peaks (running, runnable, waiting, syscall). */
  private readonly countLevels = COUNT_LEVEL_NS.map(() => ({ bucket: -1, peak: [0, 0, 0, 0] }));
  private nextCountSample = 0;
  private readonly goroutineRow: unknown[] = new Array(GOROUTINE_COLUMNS.length).fill(null);
  /**
   * Time of the transition being indexed (ns from the first event), for the per-transition
   * methods: passed as an argument, a time past 2^30 ns is boxed by V8 at every call that is
   * not inlined (500 MB of garbage on a 168 MB trace).
   */
  private now = 0;
  private readonly summarizer: TraceSummarizer;
  private first: number | null = null;
  private last = 0;
  private events = 0;
  private intervals = 0;
  private goroutineCount = 0;
  /** Time Running and in Syscall, all goroutines. */
  private runningNs = 0;
  private syscallNs = 0;

  /** Goroutine names by the stack ID they were first seen with (see nameOf). */
  private readonly nameByStack: number[] = [];
  private lastReason = '';
  private lastReasonId = 0;
  private readonly ins: Record<string, RowSink>;
  private readonly waitWriter = new ByteWriter();

  /** How interval durations are stored (see interval-codec.ts), from the trace's clock at its first event. */
  private nsPerTick = 1;

  /**
   * `sinks` receives the rows of every table (SQLite directly, or another thread that writes them);
   * `clock` gives the reader's ns per tick, known once it has read an event.
   */
  constructor(sinks: RowSinks, format: string, private readonly clock: () => number) {
    // The summary's goroutine figures come from this indexer's own bookkeeping (see finish()).
    this.summarizer = new TraceSummarizer(format, false);
    const table = sinks;
    this.ins = {
      strings: table('strings', ['id', 'value']),
      frames: table('frames', ['id', 'pc', 'func', 'file', 'line']),
      stackFrames: table('stack_frames', ['stack', 'position', 'frame']),
      goroutines: table('goroutines', GOROUTINE_COLUMNS),
      goroutineChunks: table('goroutine_interval_chunks', ['goroutine', 'start_ns', 'end_ns', 'count', 'data']),
      meta: table('meta', ['key', 'value']),
      ranges: table('ranges', ['name', 'scope_kind', 'scope_id', 'start_ns', 'end_ns', 'began_before', 'open', 'stack', 'bytes_swept', 'bytes_reclaimed']),
      metricChunks: table('metric_chunks', ['name', 'start_ns', 'end_ns', 'count', 'data']),
      metricLevels: table('metric_levels', ['name', 'level', 'time_ns', 'value']),
      countChunks: table('goroutine_count_chunks', ['start_ns', 'end_ns', 'count', 'data']),
      countLevels: table('goroutine_count_levels', ['level', 'time_ns', 'running', 'runnable', 'waiting', 'syscall']),
      tasks: table('tasks', ['id', 'parent', 'type', 'start_ns', 'end_ns', 'start_goroutine', 'end_goroutine']),
      regions: table('regions', ['goroutine', 'task', 'type', 'start_ns', 'end_ns', 'depth']),
      logs: table('logs', ['time_ns', 'goroutine', 'task', 'category', 'message', 'stack']),
      cpuSamples: table('cpu_samples', ['time_ns', 'goroutine', 'proc', 'thread', 'stack']),
      labels: table('labels', ['time_ns', 'goroutine', 'label']),
      blocking: table('blocking', ['reason', 'stack', 'total_ns', 'count', 'max_ns']),
      blockedAtEnd: table('blocked_at_end', ['state', 'reason', 'stack', 'goroutines', 'oldest_since_ns', 'name', 'sample_ids']),
    };
    this.string(''); // ID 1 is the empty string; 0 means "none" everywhere.
  }

  /** Index time (ns since the first event) of the time of the first event. */
  get startTime(): number | null {
    return this.first;
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
    while (t >= this.nextCountSample) this.sampleCounts();
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
      case 'RegionBegin': {
        const g = this.goroutines.get(ev.goroutine);
        if (g) g.regions.push({ task: ev.data.task, type: this.string(ev.data.type), start: t });
        break;
      }
      case 'RegionEnd': {
        const g = this.goroutines.get(ev.goroutine);
        const open = g?.regions.pop();
        this.ins.regions.push(ev.goroutine, ev.data.task, this.string(ev.data.type), open ? open.start : null, t, g ? g.regions.length : 0);
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
  }

  private metricPoint(name: number, t: number, value: number): void {
    let points = this.metricPoints.get(name);
    if (!points) this.metricPoints.set(name, (points = new PointEncoder(this.nsPerTick, 1)));
    this.metricValue[0] = value;
    points.add(t, this.metricValue);
    if (points.count >= CHUNK_POINTS) flushPoints(points, this.ins.metricChunks, name);
  }

  private sampleCounts(): void {
    this.countSample(this.nextCountSample);
    this.nextCountSample += GOROUTINE_COUNT_STEP_NS;
  }

  /** Writes the goroutine counts at `t`, and folds them into the levels' peaks. */
  private countSample(t: number): void {
    const c = this.counts;
    const sample = [c[3], c[2], c[4], c[5]];
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

  /**
   * The name string ID of a goroutine first seen with `stack` (ID `stackId`): its start
   * function, or the first non-runtime frame of the stack when that function is the runtime's.
   * Remembered per stack: millions of goroutines share a few stacks.
   */
  private nameOf(stack: Stack, stackId: number): number {
    let id = this.nameByStack[stackId];
    if (id === undefined) {
      const entry = stack.length > 0 ? stack[stack.length - 1].func : '';
      const name = entry && !entry.startsWith('runtime.') ? entry : (stack.find((f) => !f.func.startsWith('runtime.'))?.func ?? entry);
      id = this.nameByStack[stackId] = this.string(name);
    }
    return id;
  }

  /** A transition's reason as a string ID (0 for none); the last one is remembered (reasons repeat). */
  private reason(reason: string): number {
    if (reason === '') return 0;
    if (reason !== this.lastReason) {
      this.lastReason = reason;
      this.lastReasonId = this.string(reason);
    }
    return this.lastReasonId;
  }

  /**
   * A goroutine's transition at `now`. `now` is read where it is used: a local copy passed to the
   * calls in branches was boxed on every call, taken or not (V8 boxed it where it was read).
   */
  private goroutineTransition(ev: StateTransitionEvent): void {
    const tr = ev.data as GoStateTransition;
    const to = STATE_CODE[tr.to];
    const stack = this.stack(tr.stack);
    let g = this.goroutines.get(tr.id);
    if (!g) {
      const creation = tr.from === 'NotExist';
      g = this.freeRecords.pop() ?? new GoroutineRecord(this.nsPerTick);
      g.begin(tr.id, this.nameOf(tr.stack, stack), creation, creation && ev.goroutine >= 0 ? ev.goroutine : null,
        creation ? this.stack(ev.stack) : 0, this.now, to, this.reason(tr.reason), stack);
      this.goroutines.set(tr.id, g);
      this.goroutineCount++;
      this.counts[to]++;
    } else {
      this.closeInterval(g, false);
      this.counts[g.state]--;
      this.counts[to]++;
      g.state = to;
      g.since = this.now;
      g.reason = this.reason(tr.reason);
      g.stack = stack;
    }
    g.thread = to === 3 || to === 5 ? ev.thread : -1;
    g.proc = to === 3 ? ev.proc : -1;
    if (to === 1 /* NotExist */) this.finishGoroutine(g, this.now);
  }

  /** Ends the goroutine's current interval at `now`. */
  private closeInterval(g: GoroutineRecord, open: boolean): void {
    const d = this.now - g.since;
    switch (g.state) {
      case 3:
        g.totals[0] += d;
        this.runningNs += d;
        break;
      case 2: g.totals[1] += d; break;
      case 4: {
        g.totals[2] += d;
        addWait(g.wait, g.reason, d);
        let byStack = this.blocking.get(g.reason);
        if (!byStack) this.blocking.set(g.reason, (byStack = new Map()));
        const b = byStack.get(g.stack);
        if (b) {
          b.total += d;
          b.count++;
          if (d > b.max) b.max = d;
        } else {
          byStack.set(g.stack, { total: d, count: 1, max: d });
        }
        break;
      }
      case 5:
        g.totals[3] += d;
        this.syscallNs += d;
        break;
    }
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
  }

  /** Writes a goroutine's row; it has died (endNs) or outlived the trace (null). */
  private finishGoroutine(g: GoroutineRecord, endNs: number | null): void {
    // Most goroutines live one chunk long: their intervals go inline in their row.
    let inline: Uint8Array | null = null;
    if (g.chunksWritten === 0) inline = g.chunk.count > 0 ? g.chunk.take() : null;
    else {
      this.flushChunk(g);
      // Its chunks go out before its row, which ends its levels of detail on the writing thread
      // (levels.ts): tables are batched separately, so a row of another table could overtake them.
      this.ins.goroutineChunks.flush();
    }
    // Waiting time by reason, as (reason, ns) uvarint pairs, for goroutines whose intervals are
    // not inline (a few long-lived ones): the others' is a decode of interval_data away, and a
    // blob per goroutine cost a second of indexing for millions of them.
    const wait = this.waitWriter;
    for (let i = 0; inline === null && i < g.wait.length; i += 2) {
      if (g.wait[i + 1] === 0) continue;
      wait.uvarint(g.wait[i]);
      wait.uvarint(g.wait[i + 1]);
    }
    // One array for every row (millions of them).
    const row = this.goroutineRow;
    const c = GOROUTINE_COLUMN;
    row[c.id] = g.id;
    row[c.name] = g.name;
    row[c.created] = g.created ? 1 : 0;
    row[c.creator] = g.creator;
    row[c.creation_stack] = g.creationStack;
    row[c.start_stack] = g.startStack;
    row[c.start_ns] = g.startNs;
    row[c.end_ns] = endNs;
    row[c.first_state] = g.firstState;
    row[c.last_state] = g.state;
    row[c.last_reason] = g.reason;
    row[c.running_ns] = g.totals[0];
    row[c.runnable_ns] = g.totals[1];
    row[c.waiting_ns] = g.totals[2];
    row[c.syscall_ns] = g.totals[3];
    row[c.wait_ns_by_reason] = wait.length > 0 ? wait.view() : null;
    row[c.intervals] = g.intervals;
    row[c.interval_data] = inline;
    row[c.last_stack] = g.stack;
    row[c.last_since_ns] = endNs === null ? g.since : null;
    this.ins.goroutines.pushRows(row);
    if (endNs === null && (g.state === 4 || g.state === 5)) this.blockedAtEnd(g);
    for (const r of g.regions) this.ins.regions.push(g.id, r.task, r.type, r.start, null, 0);
    this.goroutines.delete(g.id);
    // Its encoder is empty now (taken or flushed): the next goroutine reuses it and its buffer.
    this.freeRecords.push(g);
    if (endNs !== null) this.counts[1]--;
  }

  private blockedAtEnd(g: GoroutineRecord): void {
    const key = `${g.state}/${g.reason}/${g.stack}`;
    const b = this.blocked.get(key);
    if (!b) {
      this.blocked.set(key, { state: g.state, reason: g.reason, stack: g.stack, goroutines: 1, oldest: g.since, name: g.name, ids: [g.id] });
      return;
    }
    b.goroutines++;
    b.oldest = Math.min(b.oldest, g.since);
    if (b.ids.length < BLOCKED_SAMPLE_IDS) b.ids.push(g.id);
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

  /** Closes everything still open at the last event and flushes all rows. */
  finish(): IndexResult {
    if (this.first === null) this.writeClock(); // no event: the default
    const t = this.last;
    const aliveAtEnd = this.goroutines.size;
    const waitingAtEnd = new Map<string, number>();
    const reasons = this.stringsById();
    // In ID order (the leak suspects' sample IDs are the first few of each group), closed at the end.
    this.now = t;
    for (const [, g] of [...this.goroutines.entries()].sort((a, b) => a[0] - b[0])) {
      if (g.state === 4) waitingAtEnd.set(reasons[g.reason], (waitingAtEnd.get(reasons[g.reason]) ?? 0) + 1);
      this.closeInterval(g, true);
      this.finishGoroutine(g, null);
    }
    for (const list of this.openRanges.values()) {
      for (const r of list) this.ins.ranges.push(r.name, r.scopeKind, r.scopeId, r.start, t, r.beganBefore ? 1 : 0, 1, r.stack, null, null);
    }
    for (const [name, p] of this.metricPending) this.metricPoint(name, p.t, p.value);
    for (const [name, points] of this.metricPoints) flushPoints(points, this.ins.metricChunks, name);
    // The blocking table, and the summary's waiting time by reason: its totals summed over stacks.
    const waitNsByReason = new Map<string, number>();
    for (const [reason, byStack] of this.blocking) {
      let total = waitNsByReason.get(reasons[reason]) ?? 0;
      for (const [stack, b] of byStack) {
        this.ins.blocking.push(reason, stack, b.total, b.count, b.max);
        total += b.total;
      }
      waitNsByReason.set(reasons[reason], total);
    }
    for (const b of this.blocked.values()) {
      this.ins.blockedAtEnd.push(b.state, b.reason, b.stack, b.goroutines, b.oldest, b.name, JSON.stringify(b.ids));
    }
    for (const [name, levels] of this.metricBuckets) {
      levels.forEach((cur, l) => {
        if (cur.bucket >= 0) this.ins.metricLevels.push(name, l + 1, cur.bucket * METRIC_LEVEL_NS[l], cur.max);
      });
    }
    for (const [id, task] of this.openTasks) this.ins.tasks.push(id, task.parent, task.type, task.start, null, task.goroutine, null);
    const c = this.counts;
    // A last sample at the end of the trace, unless one fell exactly there.
    if (t > this.nextCountSample - GOROUTINE_COUNT_STEP_NS) this.countSample(t);
    if (this.countPoints) flushPoints(this.countPoints, this.ins.countChunks);
    COUNT_LEVEL_NS.forEach((_w, l) => this.flushCountLevel(l));
    for (const ins of Object.values(this.ins)) ins.flush();
    const summary = this.summarizer.finish({
      goroutines: this.goroutineCount, aliveAtEnd, runningNs: this.runningNs, syscallNs: this.syscallNs, waitNsByReason, waitingAtEnd,
    });
    return { summary, events: this.events, goroutines: this.goroutineCount, intervals: this.intervals };
  }

  /** String IDs to strings (0, "none", is the empty string too). */
  private stringsById(): string[] {
    const out = [''];
    for (const [s, id] of this.strings) out[id] = s;
    return out;
  }
}

export { GO_STATES };
