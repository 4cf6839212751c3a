// The ordering state machine of the generation-based format (Go's internal/trace/order.go).
//
// Batches of different threads arrive in arbitrary order and their timestamps can disagree with
// causality. Events that touch another thread's resources carry sequence numbers; an event is
// applied only when the state it depends on has been reached ("advanced"), otherwise it waits
// ("not yet"). A violated invariant is fatal. Each applied wire event becomes one or more model
// events, queued in order.

import { DecodeError } from '../../errors.ts';
import {
  EMPTY_STACK, NO_RESOURCE, NO_STACK, NO_TASK, NONE,
  type EventKind, type GoState, type ProcState, type RangeAttribute, type ResourceID, type Stack, type TraceEvent,
} from '../model.ts';
import type { Generation } from './generation.ts';
import { IdTable } from '../../id-table.ts';
import { Ev, GoStatus, ProcStatus, TIMED_SPECS } from './spec.ts';

/** A wire event as read by a batch cursor. `args` excludes dt and is reused: read it, don't keep it. */
export interface WireEvent {
  typ: number;
  /** ns relative to the trace's time origin. */
  time: number;
  args: number[];
  /** File offset of the event's type byte. */
  offset: number;
}

/** Capacity of the ready queue (a power of two). */
const QUEUE_SIZE = 8;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type SlotEvent = Mutable<{ kind: EventKind; time: number; thread: number; proc: number; goroutine: number; stack: Stack; data: TraceEvent['data'] }>;
type SlotTransition<R, S> = Mutable<{ resource: R; id: number; from: S; to: S; reason: string; stack: Stack }>;

/**
 * Where one queued event is built. Events are not allocated per wire event: the queue's slots
 * are reused, so an event stays valid until its slot comes round again, after the consumer has
 * asked for the next one (see TraceReader.next). Payloads of state transitions, nearly every
 * event, are reused the same way; rarer kinds get a fresh payload.
 */
interface Slot {
  readonly ev: SlotEvent;
  readonly go: SlotTransition<'goroutine', GoState>;
  readonly proc: SlotTransition<'proc', ProcState>;
}

function newSlot(): Slot {
  return {
    ev: { kind: 'Sync', time: 0, thread: NONE, proc: NONE, goroutine: NONE, stack: NO_STACK, data: null },
    go: { resource: 'goroutine', id: NONE, from: 'Undetermined', to: 'Undetermined', reason: '', stack: NO_STACK },
    proc: { resource: 'proc', id: NONE, from: 'Undetermined', to: 'Undetermined', reason: '', stack: NO_STACK },
  };
}

/** The state each wire GoStatus stands for. */
const STATE_OF_STATUS: readonly GoState[] = ['Undetermined', 'Runnable', 'Running', 'Syscall', 'Waiting'];
const PROC_STATE: readonly ProcState[] = ['Undetermined', 'Running', 'Idle', 'Running', 'Idle'];
const NO_ATTRIBUTES: readonly RangeAttribute[] = Object.freeze([]) as readonly RangeAttribute[];

/** A range in flight on a goroutine or proc: its begin event code plus, for STW, the kind string. */
interface RangeInFlight {
  readonly begin: number;
  /** STW kind (a string, resolved when the range began, so it survives the generation). */
  readonly desc: string;
}

interface GState {
  status: GoStatus;
  seqGen: number;
  seq: number;
  /** Open user regions, innermost last; null until the first (most goroutines have none). */
  regions: { task: number; name: string }[] | null;
  /** Ranges in flight; null until the first. */
  ranges: RangeInFlight[] | null;
}

function newGState(status: GoStatus, seqGen: number): GState {
  return { status, seqGen, seq: 0, regions: null, ranges: null };
}
interface PState {
  status: ProcStatus;
  seqGen: number;
  seq: number;
  ranges: RangeInFlight[];
}
export interface MState {
  g: number;
  p: number;
}

/** Where a cursor keeps its thread's state between events, to skip a map lookup per event. */
export interface ThreadStateCache {
  mState: MState | undefined;
}

const enum GCState { Undetermined, NotRunning, Running }

const GC_MARK = 'GC concurrent mark phase';
const GC_SWEEP = 'GC incremental sweep';
const GC_ASSIST = 'GC mark assist';

/** The metric each metric wire event is (Go's (*Event).Metric). */
const METRIC_OF: Readonly<Partial<Record<number, string>>> = {
  [Ev.ProcsChange]: '/sched/gomaxprocs:threads',
  [Ev.HeapAlloc]: '/memory/classes/heap/objects:bytes',
  [Ev.HeapGoal]: '/gc/heap/goal:bytes',
};

/** The range each range wire event begins, continues or ends, and what it is on (Go's (*Event).Range). */
const RANGE_OF: Readonly<Partial<Record<number, { kind: 'RangeBegin' | 'RangeActive' | 'RangeEnd'; name: string; scope: 'none' | 'proc' | 'goroutine' }>>> = {
  [Ev.GCBegin]: { kind: 'RangeBegin', name: GC_MARK, scope: 'none' },
  [Ev.GCActive]: { kind: 'RangeActive', name: GC_MARK, scope: 'none' },
  [Ev.GCEnd]: { kind: 'RangeEnd', name: GC_MARK, scope: 'none' },
  [Ev.GCSweepBegin]: { kind: 'RangeBegin', name: GC_SWEEP, scope: 'proc' },
  [Ev.GCSweepActive]: { kind: 'RangeActive', name: GC_SWEEP, scope: 'proc' },
  [Ev.GCSweepEnd]: { kind: 'RangeEnd', name: GC_SWEEP, scope: 'proc' },
  [Ev.GCMarkAssistBegin]: { kind: 'RangeBegin', name: GC_ASSIST, scope: 'goroutine' },
  [Ev.GCMarkAssistActive]: { kind: 'RangeActive', name: GC_ASSIST, scope: 'goroutine' },
  [Ev.GCMarkAssistEnd]: { kind: 'RangeEnd', name: GC_ASSIST, scope: 'goroutine' },
};

function goroutineScope(id: number): ResourceID {
  return { kind: 'goroutine', id };
}
function procScope(id: number): ResourceID {
  return { kind: 'proc', id };
}

/**
 * An event naming a stack or string its generation's tables lack. In a trace cut before the end
 * of its last generation this is what the cut looks like (the tables come last), so the reader
 * may report it as the truncation it is.
 */
export class UnresolvedReference extends DecodeError {}

export class Ordering {
  private readonly gStates = new IdTable<GState>();
  private readonly pStates = new IdTable<PState>();
  private readonly mStates = new Map<number, MState>();
  private readonly activeTasks = new Map<number, { name: string; parent: number }>();
  private gcSeq = 0;
  private gcState = GCState.Undetermined;
  private initialGen = 0;

  /**
   * Events ready to be returned, oldest first: a ring buffer. One wire event yields at most three
   * events and the queue is drained before the next advance, so it never holds more than that.
   */
  private readonly slots: readonly Slot[] = Array.from({ length: QUEUE_SIZE }, newSlot);
  private queueHead = 0;
  private queueTail = 0;

  // Per-advance context, set by advance() for the handlers.
  private gen!: Generation;
  private genNum = 0;
  private ev!: WireEvent;
  private m = NONE;
  /** Context before the event. */
  private curM = NONE;
  private curP = NONE;
  private curG = NONE;
  /** Context after the event (what the thread is bound to next). */
  private newP = NONE;
  private newG = NONE;

  constructor(private readonly file: string) {}

  next(): TraceEvent | undefined {
    if (this.queueHead === this.queueTail) return undefined;
    return this.slots[this.queueHead++ & (QUEUE_SIZE - 1)].ev as TraceEvent;
  }

  /**
   * Tries to apply a wire event of thread `m` in generation `genNum`. Returns false when the
   * event must wait for another thread's events; throws DecodeError when the trace is broken.
   */
  advance(ev: WireEvent, gen: Generation, m: number, genNum: number, thread: ThreadStateCache): boolean {
    if (this.initialGen === 0) this.initialGen = genNum;
    this.gen = gen;
    this.genNum = genNum;
    this.ev = ev;
    this.m = m;
    let ms: MState | undefined;
    if (m === NONE) {
      this.curM = NONE;
      this.curP = NONE;
      this.curG = NONE;
    } else {
      // The thread's state is created on its first event, as in Go (creating it earlier would
      // change how GoStatus(Syscall) for that thread is judged), then cached on its cursor.
      ms = thread.mState;
      if (!ms) {
        ms = this.mStates.get(m);
        if (!ms) this.mStates.set(m, (ms = { g: NONE, p: NONE }));
        thread.mState = ms;
      }
      this.curM = m;
      this.curP = ms.p;
      this.curG = ms.g;
    }
    this.newP = this.curP;
    this.newG = this.curG;
    const ok = this.dispatch(ev.typ);
    if (ok && ms) {
      ms.p = this.newP;
      ms.g = this.newG;
    }
    return ok;
  }

  private dispatch(typ: number): boolean {
    switch (typ) {
      case Ev.ProcsChange:
      case Ev.GoLabel:
      case Ev.UserLog:
        return this.annotation();
      case Ev.ProcStart: return this.procStart();
      case Ev.ProcStop: return this.procStop();
      case Ev.ProcSteal: return this.procSteal();
      case Ev.ProcStatus: return this.procStatus();
      case Ev.GoCreate:
      case Ev.GoCreateBlocked:
        return this.goCreate();
      case Ev.GoCreateSyscall: return this.goCreateSyscall();
      case Ev.GoStart: return this.goStart();
      case Ev.GoDestroy:
      case Ev.GoStop:
      case Ev.GoBlock:
        return this.goStopExec();
      case Ev.GoDestroySyscall: return this.goDestroySyscall();
      case Ev.GoUnblock: return this.goUnblock();
      case Ev.GoSyscallBegin: return this.goSyscallBegin();
      case Ev.GoSyscallEnd: return this.goSyscallEnd();
      case Ev.GoSyscallEndBlocked: return this.goSyscallEndBlocked();
      case Ev.GoStatus:
      case Ev.GoStatusStack:
        return this.goStatus();
      case Ev.STWBegin:
      case Ev.GCMarkAssistBegin:
        return this.goRangeBegin();
      case Ev.STWEnd:
      case Ev.GCMarkAssistEnd:
        return this.goRangeEnd();
      case Ev.GCMarkAssistActive: return this.goRangeActive();
      case Ev.GCActive: return this.gcActive();
      case Ev.GCBegin: return this.gcBegin();
      case Ev.GCEnd: return this.gcEnd();
      case Ev.GCSweepActive: return this.gcSweepActive();
      case Ev.GCSweepBegin: return this.gcSweepBegin();
      case Ev.GCSweepEnd: return this.gcSweepEnd();
      case Ev.HeapAlloc:
      case Ev.HeapGoal:
        return this.heapMetric();
      case Ev.UserTaskBegin: return this.userTaskBegin();
      case Ev.UserTaskEnd: return this.userTaskEnd();
      case Ev.UserRegionBegin: return this.userRegionBegin();
      case Ev.UserRegionEnd: return this.userRegionEnd();
      case Ev.GoSwitch:
      case Ev.GoSwitchDestroy:
        return this.goSwitch();
      default:
        if (typ >= Ev.Span && typ <= Ev.GoroutineStackFree) return this.allocFree();
        throw this.fail(`bad event type ${typ} found while ordering`);
    }
  }

  // ---- errors and context checks ------------------------------------------------------------

  private fail(detail: string): DecodeError {
    return new DecodeError(this.file, this.ev.offset, 'corrupt', this.failDetail(detail));
  }
  private failReference(detail: string): UnresolvedReference {
    return new UnresolvedReference(this.file, this.ev.offset, 'corrupt', this.failDetail(detail));
  }
  private failDetail(detail: string): string {
    return `broken trace in generation ${this.genNum}: ${detail} (${this.evName()} on thread ${this.m})`;
  }
  private evName(): string {
    return TIMED_SPECS[this.ev.typ]?.name ?? `event ${this.ev.typ}`;
  }
  /** Go's validateCtx. 'must' / 'may' / 'mustNot' for thread, proc, goroutine. */
  private requireCtx(m: Req, p: Req, g: Req): void {
    check(this, 'thread', m, this.curM);
    check(this, 'proc', p, this.curP);
    check(this, 'goroutine', g, this.curG);
  }
  private requireUserCtx(): void {
    this.requireCtx(Req.Must, Req.Must, Req.Must);
  }
  failCtx(what: string, req: Req): DecodeError {
    return this.fail(req === Req.Must ? `expected a ${what} but didn't have one` : `expected no ${what} but had one`);
  }

  /** The context goroutine of a user-context event: it must exist and be in `status`. */
  private contextGoroutine(status: GoStatus): GState {
    this.requireUserCtx();
    const s = this.gStates.get(this.curG);
    if (!s) throw this.fail(`event for goroutine (${this.curG}) that doesn't exist`);
    if (s.status !== status) throw this.fail(`event for goroutine that's not ${STATE_OF_STATUS[status]}`);
    return s;
  }

  // ---- event construction (Go's Event accessors, applied eagerly) ----------------------------

  /** Validates the event's stack and string references (Go's validateTableIDs). */
  private validateIDs(): void {
    const spec = TIMED_SPECS[this.ev.typ]!;
    const args = this.ev.args;
    const stacks = spec.stacks;
    for (let k = 0; k < stacks.length; k++) {
      const id = args[stacks[k]];
      if (id !== 0 && !this.gen.hasStack(id)) throw this.failReference(`found invalid stack ID ${id}`);
    }
    const strings = spec.strings;
    for (let k = 0; k < strings.length; k++) {
      const id = args[strings[k]];
      if (id !== 0 && !this.gen.hasString(id)) throw this.failReference(`found invalid string ID ${id}`);
    }
  }

  private primaryStack(): Stack {
    const i = TIMED_SPECS[this.ev.typ]!.stack;
    return i < 0 ? NO_STACK : this.gen.stack(this.ev.args[i]);
  }

  /** The slot the next queued event is built in. */
  private nextSlot(): Slot {
    if (this.queueTail - this.queueHead === QUEUE_SIZE) throw new Error('internal error: event queue overflow');
    return this.slots[this.queueTail & (QUEUE_SIZE - 1)];
  }

  /**
   * Queues an event at the current wire event's time (see Slot: built in place, not allocated).
   * The time is read here, not passed in: a double passed to a call that is not inlined is boxed,
   * a heap number per event (0.9 GB of garbage on a 168 MB trace).
   */
  private push<E extends TraceEvent>(kind: E['kind'], thread: number, proc: number, goroutine: number,
    stack: Stack, data: E['data']): void {
    const ev = this.nextSlot().ev;
    ev.kind = kind;
    ev.time = this.ev.time;
    ev.thread = thread;
    ev.proc = proc;
    ev.goroutine = goroutine;
    ev.stack = stack;
    ev.data = data;
    this.queueTail++;
  }

  /** Queues the current wire event as a model event, with the context before it. */
  private emit(thread = this.curM, proc = this.curP, goroutine = this.curG): void {
    this.validateIDs();
    const ev = this.ev;
    const a = ev.args;
    const stack = this.primaryStack();
    const gen = this.gen;
    const metric = METRIC_OF[ev.typ];
    if (metric !== undefined) return this.push('Metric', thread, proc, goroutine, stack, { name: metric, value: a[0] });
    const range = RANGE_OF[ev.typ];
    if (range !== undefined) {
      // An Active event names its resource (the generation began inside the range); the others are on the current one.
      const id = range.kind === 'RangeActive' ? a[0] : range.scope === 'proc' ? proc : goroutine;
      const scope = range.scope === 'none' ? NO_RESOURCE : range.scope === 'proc' ? procScope(id) : goroutineScope(id);
      const attributes = ev.typ === Ev.GCSweepEnd
        ? [{ name: 'bytes swept', value: a[0] }, { name: 'bytes reclaimed', value: a[1] }] : NO_ATTRIBUTES;
      return this.push(range.kind, thread, proc, goroutine, stack, { name: range.name, scope, attributes });
    }
    switch (ev.typ) {
      case Ev.GoLabel:
        return this.push('Label', thread, proc, goroutine, stack, { label: gen.string(a[0]), resource: goroutineScope(goroutine) });
      case Ev.UserLog:
        return this.push('Log', thread, proc, goroutine, stack, { task: a[0], category: gen.string(a[1]), message: gen.string(a[2]) });
      case Ev.UserRegionBegin:
      case Ev.UserRegionEnd:
        return this.push(ev.typ === Ev.UserRegionBegin ? 'RegionBegin' : 'RegionEnd', thread, proc, goroutine, stack,
          { task: a[0], type: gen.string(a[1]) });
      default:
        if (ev.typ >= Ev.Span) {
          const spec = TIMED_SPECS[ev.typ]!;
          const args = spec.args.map((name, i) => (name.endsWith('string') ? gen.string(a[i]) : a[i]));
          return this.push('Experimental', thread, proc, goroutine, stack,
            { name: spec.name, experiment: spec.experiment, argNames: spec.args, args });
        }
        throw this.fail('internal error: no model event for this wire event');
    }
  }

  private emitGo(id: number, from: GoState, to: GoState, reason: string, transitionStack: Stack,
    stack: Stack, thread = this.curM, proc = this.curP, goroutine = this.curG): void {
    const d = this.nextSlot().go;
    d.id = id;
    d.from = from;
    d.to = to;
    d.reason = reason;
    d.stack = transitionStack;
    this.push('StateTransition', thread, proc, goroutine, stack, d);
  }

  private emitProc(id: number, from: ProcState, to: ProcState, thread = this.curM, proc = this.curP, goroutine = this.curG): void {
    const d = this.nextSlot().proc;
    d.id = id;
    d.from = from;
    d.to = to;
    this.push('StateTransition', thread, proc, goroutine, NO_STACK, d);
  }

  // ---- procs ---------------------------------------------------------------------------------

  private procStatus(): boolean {
    const a = this.ev.args;
    const pid = a[0];
    const status = a[1] as ProcStatus;
    if (status <= ProcStatus.Bad || status > ProcStatus.SyscallAbandoned) throw this.fail(`invalid status for proc ${pid}: ${status}`);
    let oldState: ProcState = PROC_STATE[status];
    /** The status the transition reports (Go rewrites the event's argument, not its local). */
    let reported = status;
    const s = this.pStates.get(pid);
    if (s) {
      if (status === ProcStatus.SyscallAbandoned && s.status === ProcStatus.Syscall) {
        // The P's thread is still in the syscall: the P is being taken from it right now. It is
        // reported as still running (Running->Running), but not bound to this thread: the event
        // is reported on the thread that holds it (below).
        oldState = 'Running';
        reported = ProcStatus.Syscall;
      } else if (status === ProcStatus.SyscallAbandoned && s.status === ProcStatus.SyscallAbandoned) {
        oldState = 'Idle';
      } else if (s.status !== status) {
        throw this.fail(`inconsistent status for proc ${pid}: old ${s.status} vs. new ${status}`);
      }
      s.seqGen = this.genNum;
      s.seq = 0;
    } else {
      this.pStates.set(pid, { status, seqGen: this.genNum, seq: 0, ranges: [] });
      oldState = this.genNum === this.initialGen ? 'Undetermined' : 'NotExist';
    }
    const newState = PROC_STATE[reported];
    if (status === ProcStatus.Running || status === ProcStatus.Syscall) this.newP = pid;
    if (status === ProcStatus.SyscallAbandoned && oldState === 'Running') {
      // Report the event on the thread that is bound to the P.
      let found = false;
      for (const [mid, ms] of this.mStates) {
        if (ms.p === pid) {
          this.curM = mid;
          this.curP = pid;
          this.curG = ms.g;
          found = true;
        }
      }
      if (!found) throw this.fail(`failed to find sched context for proc ${pid} that's about to be stolen`);
    }
    this.emitProc(pid, oldState, newState);
    return true;
  }

  private procStart(): boolean {
    const a = this.ev.args;
    const pid = a[0];
    const seq = a[1];
    const s = this.pStates.get(pid);
    if (!s || s.status !== ProcStatus.Idle || !(s.seqGen === this.genNum && seq === s.seq + 1) || this.curP !== NONE) return false;
    this.requireCtx(Req.Must, Req.MustNot, Req.May);
    s.status = ProcStatus.Running;
    s.seq = seq;
    this.newP = pid;
    this.emitProc(pid, 'Idle', 'Running');
    return true;
  }

  private procStop(): boolean {
    const s = this.pStates.get(this.curP);
    if (!s) throw this.fail(`event for proc (${this.curP}) that doesn't exist`);
    if (s.status !== ProcStatus.Running && s.status !== ProcStatus.Syscall) throw this.fail('ProcStop event for proc that\'s not Running or Syscall');
    this.requireCtx(Req.Must, Req.Must, Req.May);
    s.status = ProcStatus.Idle;
    this.newP = NONE;
    this.emitProc(this.curP, 'Running', 'Idle');
    return true;
  }

  private procSteal(): boolean {
    const a = this.ev.args;
    const pid = a[0];
    const seq = a[1];
    const mid = a[2];
    const s = this.pStates.get(pid);
    if (!s || (s.status !== ProcStatus.Syscall && s.status !== ProcStatus.SyscallAbandoned) ||
      !(s.seqGen === this.genNum && seq === s.seq + 1)) return false;
    this.requireCtx(Req.Must, Req.May, Req.May);
    const oldStatus = s.status;
    s.status = ProcStatus.Idle;
    s.seq = seq;
    if (oldStatus === ProcStatus.SyscallAbandoned) {
      // The P's thread already gave it up: nothing changes for any thread.
      this.emitProc(pid, 'Idle', 'Idle');
      return true;
    }
    if (mid === this.curM) {
      if (this.curP !== pid) throw this.fail(`tried to self-steal proc ${pid} (thread ${mid}), but got proc ${this.curP} instead`);
      this.newP = NONE;
      this.emitProc(pid, 'Running', 'Idle');
      return true;
    }
    const victim = this.mStates.get(mid);
    if (!victim) throw this.fail(`stole proc from non-existent thread ${mid}`);
    if (victim.p !== pid) throw this.fail(`tried to steal proc ${pid} from thread ${mid}, but got proc ${victim.p} instead`);
    victim.p = NONE;
    this.emitProc(pid, 'Running', 'Idle');
    return true;
  }

  // ---- goroutines ----------------------------------------------------------------------------

  private goStatus(): boolean {
    const a = this.ev.args;
    const gid = a[0];
    const mid = a[1];
    const status = a[2] as GoStatus;
    if (status <= GoStatus.Bad || status > GoStatus.Waiting) throw this.fail(`invalid status for goroutine ${gid}: ${status}`);
    let oldState: GoState = STATE_OF_STATUS[status];
    const s = this.gStates.get(gid);
    if (s) {
      if (s.status !== status) throw this.fail(`inconsistent status for goroutine ${gid}: old ${STATE_OF_STATUS[s.status]} vs. new ${STATE_OF_STATUS[status]}`);
      s.seqGen = this.genNum;
      s.seq = 0;
    } else if (this.genNum === this.initialGen) {
      this.gStates.set(gid, newGState(status, this.genNum));
      oldState = 'Undetermined';
    } else {
      throw this.fail(`found goroutine status for new goroutine after the first generation: id=${gid} status=${STATE_OF_STATUS[status]}`);
    }
    if (status === GoStatus.Running) {
      this.newG = gid;
    } else if (status === GoStatus.Syscall) {
      if (mid === NONE) throw this.fail(`found goroutine ${gid} in syscall without a thread`);
      if (mid === this.curM) {
        if (this.genNum !== this.initialGen && this.curG !== gid) {
          throw this.fail(`inconsistent thread for syscalling goroutine ${gid}: thread has goroutine ${this.curG}`);
        }
        this.newG = gid;
      } else {
        // The goroutine sits in a syscall on another thread: report the event on that thread.
        const ms = this.mStates.get(mid);
        if (ms) {
          if (ms.g !== gid) throw this.fail(`inconsistent thread for syscalling goroutine ${gid}: thread has goroutine ${ms.g}`);
          this.curG = ms.g;
        } else {
          this.mStates.set(mid, { g: gid, p: NONE });
        }
        this.curM = mid;
      }
    }
    this.validateIDs();
    const stack = this.primaryStack();
    this.emitGo(gid, oldState, STATE_OF_STATUS[status], '', stack, stack);
    return true;
  }

  private goCreate(): boolean {
    this.requireCtx(Req.Must, Req.Must, Req.May);
    const creator = this.gStates.get(this.curG);
    if (creator && creator.status !== GoStatus.Running) throw this.fail('goroutine creation by a goroutine that\'s not Running');
    const a = this.ev.args;
    const newG = a[0];
    if (this.gStates.has(newG)) throw this.fail(`tried to create goroutine (${newG}) that already exists`);
    const blocked = this.ev.typ === Ev.GoCreateBlocked;
    this.gStates.set(newG, newGState(blocked ? GoStatus.Waiting : GoStatus.Runnable, this.genNum));
    this.validateIDs();
    // Go reports the new goroutine's stack even when it is stack 0 (an empty but present stack).
    const newStack = a[1] === 0 ? EMPTY_STACK : this.gen.stack(a[1]);
    this.emitGo(newG, 'NotExist', blocked ? 'Waiting' : 'Runnable', '', newStack, this.primaryStack());
    return true;
  }

  private goStopExec(): boolean {
    const s = this.contextGoroutine(GoStatus.Running);
    this.validateIDs();
    const g = this.curG;
    switch (this.ev.typ) {
      case Ev.GoDestroy:
        this.gStates.delete(g);
        this.emitGo(g, 'Running', 'NotExist', '', NO_STACK, NO_STACK);
        break;
      case Ev.GoStop: {
        s.status = GoStatus.Runnable;
        const stack = this.primaryStack();
        this.emitGo(g, 'Running', 'Runnable', this.gen.string(this.ev.args[0]), stack, stack);
        break;
      }
      case Ev.GoBlock: {
        s.status = GoStatus.Waiting;
        const stack = this.primaryStack();
        this.emitGo(g, 'Running', 'Waiting', this.gen.string(this.ev.args[0]), stack, stack);
        break;
      }
    }
    this.newG = NONE;
    return true;
  }

  private goStart(): boolean {
    const a = this.ev.args;
    const gid = a[0];
    const seq = a[1];
    const s = this.gStates.get(gid);
    if (!s || s.status !== GoStatus.Runnable || !(s.seqGen === this.genNum && seq === s.seq + 1)) return false;
    this.requireCtx(Req.Must, Req.Must, Req.MustNot);
    s.status = GoStatus.Running;
    s.seq = seq;
    this.newG = gid;
    this.emitGo(gid, 'Runnable', 'Running', '', NO_STACK, NO_STACK);
    return true;
  }

  private goUnblock(): boolean {
    const a = this.ev.args;
    const gid = a[0];
    const seq = a[1];
    const s = this.gStates.get(gid);
    if (!s || s.status !== GoStatus.Waiting || !(s.seqGen === this.genNum && seq === s.seq + 1)) return false;
    s.status = GoStatus.Runnable;
    s.seq = seq;
    this.validateIDs();
    this.emitGo(gid, 'Waiting', 'Runnable', '', NO_STACK, this.primaryStack());
    return true;
  }

  private goSwitch(): boolean {
    const cur = this.contextGoroutine(GoStatus.Running);
    const a = this.ev.args;
    const nextG = a[0];
    const seq = a[1];
    const next = this.gStates.get(nextG);
    if (!next || next.status !== GoStatus.Waiting || !(next.seqGen === this.genNum && seq === next.seq + 1)) return false;
    // The switch itself, then the switching goroutine blocks (or dies), then the target starts:
    // three events at one timestamp (the monotonic fix-up spreads them by 1 ns).
    this.emitGo(nextG, 'Waiting', 'Runnable', '', NO_STACK, NO_STACK);
    if (this.ev.typ === Ev.GoSwitch) {
      cur.status = GoStatus.Waiting;
      this.emitGo(this.curG, 'Running', 'Waiting', '', NO_STACK, NO_STACK);
    } else {
      this.gStates.delete(this.curG);
      this.emitGo(this.curG, 'Running', 'NotExist', '', NO_STACK, NO_STACK);
    }
    next.status = GoStatus.Running;
    next.seq = seq;
    this.newG = nextG;
    this.emitGo(nextG, 'Runnable', 'Running', '', NO_STACK, NO_STACK, this.curM, this.curP, NONE);
    return true;
  }

  private goSyscallBegin(): boolean {
    const s = this.contextGoroutine(GoStatus.Running);
    s.status = GoStatus.Syscall;
    const p = this.pStates.get(this.curP);
    if (!p) throw this.fail(`uninitialized proc ${this.curP}`);
    p.status = ProcStatus.Syscall;
    const pseq = this.ev.args[0];
    if (!(p.seqGen === this.genNum && pseq === p.seq + 1)) throw this.fail(`can't make sequence: ${p.seq} (gen=${p.seqGen}) -> ${pseq} (gen=${this.genNum})`);
    p.seq = pseq;
    this.validateIDs();
    const stack = this.primaryStack();
    this.emitGo(this.curG, 'Running', 'Syscall', '', stack, stack);
    return true;
  }

  private goSyscallEnd(): boolean {
    const s = this.contextGoroutine(GoStatus.Syscall);
    s.status = GoStatus.Running;
    const p = this.pStates.get(this.curP);
    if (!p) throw this.fail(`uninitialized proc ${this.curP}`);
    if (p.status !== ProcStatus.Syscall) throw this.fail(`expected proc ${this.curP} in state Syscall`);
    p.status = ProcStatus.Running;
    this.emitGo(this.curG, 'Syscall', 'Running', '', NO_STACK, NO_STACK);
    return true;
  }

  private goSyscallEndBlocked(): boolean {
    if (this.curP !== NONE) {
      const p = this.pStates.get(this.curP);
      if (!p) throw this.fail(`uninitialized proc ${this.curP}`);
      // Wait until the P has been stolen or stopped.
      if (p.status === ProcStatus.Syscall) return false;
    }
    this.requireCtx(Req.Must, Req.May, Req.Must);
    const s = this.gStates.get(this.curG);
    if (!s) throw this.fail(`event for goroutine (${this.curG}) that doesn't exist`);
    if (s.status !== GoStatus.Syscall) throw this.fail('event for goroutine that\'s not Syscall');
    s.status = GoStatus.Runnable;
    this.newG = NONE;
    this.emitGo(this.curG, 'Syscall', 'Runnable', '', NO_STACK, NO_STACK);
    return true;
  }

  private goCreateSyscall(): boolean {
    this.requireCtx(Req.Must, Req.May, Req.MustNot);
    const newG = this.ev.args[0];
    if (this.gStates.has(newG)) throw this.fail(`tried to create goroutine (${newG}) in syscall that already exists`);
    this.gStates.set(newG, newGState(GoStatus.Syscall, this.genNum));
    this.newG = newG;
    this.emitGo(newG, 'NotExist', 'Syscall', '', NO_STACK, NO_STACK);
    return true;
  }

  private goDestroySyscall(): boolean {
    this.requireCtx(Req.Must, Req.May, Req.Must);
    const s = this.gStates.get(this.curG);
    if (!s) throw this.fail(`event for goroutine (${this.curG}) that doesn't exist`);
    if (s.status !== GoStatus.Syscall) throw this.fail('event for goroutine that\'s not Syscall');
    this.gStates.delete(this.curG);
    this.newG = NONE;
    if (this.curP !== NONE) {
      const p = this.pStates.get(this.curP);
      if (!p) throw this.fail(`found invalid proc ${this.curP}`);
      if (p.status !== ProcStatus.Syscall) throw this.fail(`proc ${this.curP} in unexpected state`);
      p.status = ProcStatus.SyscallAbandoned;
      this.newP = NONE;
      // A synthesized self-steal of the P, reported before the goroutine's end.
      this.emitProc(this.curP, 'Running', 'Idle');
    }
    this.emitGo(this.curG, 'Syscall', 'NotExist', '', NO_STACK, NO_STACK);
    return true;
  }

  // ---- user annotations ----------------------------------------------------------------------

  private userTaskBegin(): boolean {
    const a = this.ev.args;
    const id = a[0];
    if (this.activeTasks.has(id)) throw this.fail(`task ID conflict: ${id}`);
    // Parent 0 is the background task, which Go reports as "no parent".
    const parent = a[1] === 0 ? NO_TASK : a[1];
    if (!this.gen.hasString(a[2])) throw this.failReference(`invalid string ID ${a[2]}`);
    const name = this.gen.string(a[2]);
    this.activeTasks.set(id, { name, parent });
    this.requireUserCtx();
    this.validateIDs();
    this.push('TaskBegin', this.curM, this.curP, this.curG, this.primaryStack(), { id, parent, type: name });
    return true;
  }

  private userTaskEnd(): boolean {
    const id = this.ev.args[0];
    const task = this.activeTasks.get(id);
    this.activeTasks.delete(id);
    this.requireUserCtx();
    this.validateIDs();
    this.push('TaskEnd', this.curM, this.curP, this.curG, this.primaryStack(),
      { id, parent: task ? task.parent : NO_TASK, type: task ? task.name : '' });
    return true;
  }

  /** The region a RegionBegin/End names, and the state of the goroutine it belongs to. */
  private regionOfEvent(): { s: GState; task: number; name: string } {
    this.requireUserCtx();
    const task = this.ev.args[0];
    const nameID = this.ev.args[1];
    if (!this.gen.hasString(nameID)) throw this.failReference(`invalid string ID ${nameID}`);
    const s = this.gStates.get(this.curG);
    if (!s) throw this.fail(`region event without known state for current goroutine ${this.curG}`);
    return { s, task, name: this.gen.string(nameID) };
  }

  private userRegionBegin(): boolean {
    const { s, task, name } = this.regionOfEvent();
    (s.regions ??= []).push({ task, name });
    this.emit();
    return true;
  }

  private userRegionEnd(): boolean {
    const { s, task, name } = this.regionOfEvent();
    // An empty stack is fine: the region began before tracing started.
    if (s.regions && s.regions.length > 0) {
      const top = s.regions[s.regions.length - 1];
      if (top.task !== task || top.name !== name) {
        throw this.fail(`misuse of region in goroutine ${this.curG}: region end {${task} ${name}} when the inner-most active region start event is {${top.task} ${top.name}}`);
      }
      s.regions.pop();
    }
    this.emit();
    return true;
  }

  private annotation(): boolean {
    this.requireUserCtx();
    this.emit();
    return true;
  }

  private heapMetric(): boolean {
    this.requireCtx(Req.Must, Req.Must, Req.May);
    this.emit();
    return true;
  }

  private allocFree(): boolean {
    this.requireCtx(Req.Must, Req.May, Req.May);
    this.emit();
    return true;
  }

  // ---- GC ------------------------------------------------------------------------------------

  private gcActive(): boolean {
    const seq = this.ev.args[0];
    if (this.genNum === this.initialGen) {
      if (this.gcState !== GCState.Undetermined) throw this.fail('GCActive in the first generation isn\'t first GC event');
      this.gcSeq = seq;
      this.gcState = GCState.Running;
      this.emit();
      return true;
    }
    if (seq !== this.gcSeq + 1) return false;
    if (this.gcState !== GCState.Running) throw this.fail('encountered GCActive while GC was not in progress');
    this.gcSeq = seq;
    this.requireUserCtx();
    this.emit();
    return true;
  }

  private gcBegin(): boolean {
    const seq = this.ev.args[0];
    if (this.gcState === GCState.Undetermined) {
      this.gcSeq = seq;
      this.gcState = GCState.Running;
      this.emit();
      return true;
    }
    if (seq !== this.gcSeq + 1) return false;
    if (this.gcState === GCState.Running) throw this.fail('encountered GCBegin while GC was already in progress');
    this.gcSeq = seq;
    this.gcState = GCState.Running;
    this.requireUserCtx();
    this.emit();
    return true;
  }

  private gcEnd(): boolean {
    const seq = this.ev.args[0];
    if (seq !== this.gcSeq + 1) return false;
    if (this.gcState === GCState.NotRunning) throw this.fail('encountered GCEnd when GC was not in progress');
    if (this.gcState === GCState.Undetermined) throw this.fail('encountered GCEnd when GC was in an undetermined state');
    this.gcSeq = seq;
    this.gcState = GCState.NotRunning;
    this.requireUserCtx();
    this.emit();
    return true;
  }

  private gcSweepBegin(): boolean {
    this.requireCtx(Req.Must, Req.Must, Req.May);
    const p = this.pStates.get(this.curP);
    if (!p) throw this.fail(`sweep on unknown proc ${this.curP}`);
    beginRange(this, p.ranges, { begin: rangeBegin(this.ev.typ), desc: '' });
    this.emit();
    return true;
  }

  private gcSweepActive(): boolean {
    const pid = this.ev.args[0];
    const p = this.pStates.get(pid);
    if (!p) throw this.fail(`encountered GCSweepActive for unknown proc ${pid}`);
    activeRange(this, p.ranges, { begin: rangeBegin(this.ev.typ), desc: '' }, this.genNum === this.initialGen);
    this.emit();
    return true;
  }

  private gcSweepEnd(): boolean {
    this.requireCtx(Req.Must, Req.Must, Req.May);
    const p = this.pStates.get(this.curP);
    if (!p) throw this.fail(`sweep on unknown proc ${this.curP}`);
    endRange(this, p.ranges, rangeBegin(this.ev.typ));
    this.emit();
    return true;
  }

  private goRangeBegin(): boolean {
    this.requireUserCtx();
    const s = this.gStates.get(this.curG);
    if (!s) throw this.fail(`range begin without known state for current goroutine ${this.curG}`);
    const isSTW = this.ev.typ === Ev.STWBegin;
    this.validateIDs();
    const desc = isSTW ? this.gen.string(this.ev.args[0]) : '';
    beginRange(this, (s.ranges ??= []), { begin: rangeBegin(this.ev.typ), desc });
    const name = isSTW ? `stop-the-world (${desc})` : GC_ASSIST;
    this.push('RangeBegin', this.curM, this.curP, this.curG, this.primaryStack(),
      { name, scope: goroutineScope(this.curG), attributes: NO_ATTRIBUTES });
    return true;
  }

  private goRangeActive(): boolean {
    const gid = this.ev.args[0];
    const s = this.gStates.get(gid);
    if (!s) throw this.fail(`uninitialized goroutine ${gid}`);
    activeRange(this, (s.ranges ??= []), { begin: rangeBegin(this.ev.typ), desc: '' }, this.genNum === this.initialGen);
    this.emit();
    return true;
  }

  private goRangeEnd(): boolean {
    this.requireUserCtx();
    const s = this.gStates.get(this.curG);
    if (!s) throw this.fail(`range end without known state for current goroutine ${this.curG}`);
    const isSTW = this.ev.typ === Ev.STWEnd;
    const desc = endRange(this, (s.ranges ??= []), rangeBegin(this.ev.typ));
    // STWEnd carries no kind: it inherits its begin's.
    const name = isSTW ? `stop-the-world (${desc})` : GC_ASSIST;
    this.push('RangeEnd', this.curM, this.curP, this.curG, NO_STACK,
      { name, scope: goroutineScope(this.curG), attributes: NO_ATTRIBUTES });
    return true;
  }

  /** Used by range helpers to report errors against the current event. */
  rangeError(detail: string): DecodeError {
    return this.fail(detail);
  }
}

export const enum Req { MustNot, May, Must }

function check(o: Ordering, what: string, req: Req, value: number): void {
  if (req === Req.Must && value === NONE) throw o.failCtx(what, req);
  if (req === Req.MustNot && value !== NONE) throw o.failCtx(what, req);
}

/**
 * The range an event begins, continues or ends, named by its begin event: the spec's startEv, or
 * the event itself when it is a begin (Go's makeRangeType reads Specs()[typ].StartEv the same way).
 */
function rangeBegin(typ: number): number {
  const start = TIMED_SPECS[typ]!.startEv;
  return start !== Ev.None ? start : typ;
}

function hasRange(ranges: RangeInFlight[], r: RangeInFlight): boolean {
  return ranges.some((x) => x.begin === r.begin && x.desc === r.desc);
}

function beginRange(o: Ordering, ranges: RangeInFlight[], r: RangeInFlight): void {
  if (hasRange(ranges, r)) throw o.rangeError(`discovered event already in-flight when starting event ${TIMED_SPECS[r.begin]!.name}`);
  ranges.push(r);
}

function activeRange(o: Ordering, ranges: RangeInFlight[], r: RangeInFlight, initialGen: boolean): void {
  if (initialGen) {
    if (hasRange(ranges, r)) throw o.rangeError(`found named active range already in first gen: ${TIMED_SPECS[r.begin]!.name}`);
    ranges.push(r);
  } else if (!hasRange(ranges, r)) {
    throw o.rangeError(`resource is missing active range: ${TIMED_SPECS[r.begin]!.name}`);
  }
}

/** Ends the first in-flight range begun by `begin` and returns its description. */
function endRange(o: Ordering, ranges: RangeInFlight[], begin: number): string {
  const idx = ranges.findIndex((x) => x.begin === begin);
  if (idx < 0) throw o.rangeError(`tried to end event ${TIMED_SPECS[begin]!.name}, but not in-flight`);
  const desc = ranges[idx].desc;
  // Go swaps the found entry with the last one before truncating; keep the same order.
  ranges[idx] = ranges[ranges.length - 1];
  ranges.pop();
  return desc;
}
