// Conversion of an ordered old-format trace into the event model, the way Go 1.27's reader does
// it (internal/trace/tracev1.go): the whole trace becomes one generation; start-up goroutine
// dumps become status events; blocking events get the reason strings of the new format; a syscall
// that did not block becomes a begin/end pair 1 ns apart.

import {
  EMPTY_STACK, makeEvent, NO_STACK, NO_TASK, NONE,
  type GoState, type ProcState, type RangeAttribute, type ResourceID, type Stack, type StackFrame, type TraceEvent,
} from '../model.ts';
import { V1, V1_SPECS, type V1Event } from './events.ts';
import type { V1Trace } from './parser.ts';

/** Block and stop reasons the converter gives old-format events. */
const REASON: Partial<Record<V1, string>> = {
  [V1.GoStop]: 'forever',
  [V1.GoSched]: 'runtime.Gosched',
  [V1.GoPreempt]: 'preempted',
  [V1.GoSleep]: 'sleep',
  [V1.GoBlock]: '',
  [V1.GoBlockSend]: 'chan send',
  [V1.GoBlockRecv]: 'chan receive',
  [V1.GoBlockSelect]: 'select',
  [V1.GoBlockSync]: 'sync',
  [V1.GoBlockCond]: 'sync.(*Cond).Wait',
  [V1.GoBlockNet]: 'network',
  [V1.GoBlockGC]: 'GC mark assist wait for work',
};

/**
 * Stop-the-world kinds. Go 1.21 wrote the runtime's stwReason (0…16); older traces only 0 (mark
 * termination) and 1 (sweep termination). Go's converter maps reason 0 ("unknown") to "" and
 * spells reason 6 "all goroutine stack trace" (the runtime says "goroutines"); kept as Go has it.
 */
const STW_KINDS = [
  '', 'GC mark termination', 'GC sweep termination', 'write heap dump', 'goroutine profile',
  'goroutine profile cleanup', 'all goroutine stack trace', 'read mem stats', 'AllThreadsSyscall',
  'GOMAXPROCS', 'start trace', 'stop trace', 'CountPagesInUse (test)', 'ReadMetricsSlow (test)',
  'ReadMemStatsSlow (test)', 'PageCachePagesLeaked (test)', 'ResetDebugLog (test)',
];

function stwKind(version: number, kindID: number): string {
  if (version < 21) return kindID === 0 || kindID === 1 ? STW_KINDS[kindID + 1] : '';
  if (version === 21) return kindID < STW_KINDS.length ? STW_KINDS[kindID] : '';
  return '';
}

const NO_ATTRIBUTES: readonly RangeAttribute[] = Object.freeze([]) as readonly RangeAttribute[];
const NO_SCOPE: ResourceID = Object.freeze({ kind: 'none', id: NONE }) as ResourceID;

export class V1Converter {
  private readonly events: V1Event[];
  private idx = 0;
  private readonly extra: TraceEvent[] = [];
  private preInit = true;
  /** Goroutines created in the start-up dump whose state is not yet known. */
  private createdPreInit = new Set<number>();
  private readonly tasks = new Map<number, { name: string; parent: number }>();
  private readonly seenProcs = new Set<number>();
  private readonly procThreads = new Map<number, number>();
  private lastStwKind = '';
  /** Time of the last converted event; later events are forced strictly after it. */
  lastTs = -1;
  /** For GoSysCall: index of the next event of the same goroutine (−1 if none). */
  private readonly nextOfSameG: Int32Array;
  private readonly stackCache = new Map<number, Stack>();
  private readonly frameCache = new Map<number, StackFrame>();

  /** Share of the trace's events converted so far, from 0 to 1. */
  get progress(): number {
    return this.events.length === 0 ? 1 : this.idx / this.events.length;
  }

  constructor(private readonly trace: V1Trace) {
    this.events = trace.events;
    this.nextOfSameG = new Int32Array(this.events.length).fill(-1);
    const lastIndexOfG = new Map<number, number>();
    for (let i = this.events.length - 1; i >= 0; i--) {
      const g = this.events[i].g;
      const next = lastIndexOfG.get(g);
      if (next !== undefined) this.nextOfSameG[i] = next;
      lastIndexOfG.set(g, i);
    }
  }

  /** Time of the first event, if any (the opening Sync goes 1 ns before it). */
  firstTime(): number | null {
    return this.events.length > 0 ? this.events[0].ts : null;
  }

  next(): TraceEvent | null {
    for (;;) {
      let ev = this.extra.shift();
      if (!ev) {
        if (this.idx >= this.events.length) return null;
        const i = this.idx++;
        const converted = this.convert(this.events[i], i);
        if (converted === null) continue;
        ev = converted;
      }
      if (ev.time <= this.lastTs) (ev as { time: number }).time = this.lastTs + 1;
      this.lastTs = ev.time;
      return ev;
    }
  }

  private string(id: number): string {
    return this.trace.strings.get(id) ?? '';
  }

  private stack(id: number): Stack {
    if (id === 0) return NO_STACK;
    let s = this.stackCache.get(id);
    if (s) return s;
    const pcs = this.trace.stacks.get(id);
    if (!pcs) return EMPTY_STACK;
    s = Object.freeze(pcs.map((pc) => this.frame(pc)));
    this.stackCache.set(id, s);
    return s;
  }

  private frame(pc: number): StackFrame {
    let f = this.frameCache.get(pc);
    if (!f) {
      const raw = this.trace.pcs.get(pc);
      f = Object.freeze({ pc, func: raw ? this.string(raw.fn) : '', file: raw ? this.string(raw.file) : '', line: raw ? raw.line : 0 });
      this.frameCache.set(pc, f);
    }
    return f;
  }

  /** Converts one event; null when it has no counterpart (it may have queued extra events). */
  private convert(ev: V1Event, index: number): TraceEvent | null {
    const t = ev.ts;
    // Context: the thread last started on the event's P, the P, the goroutine (0 → none).
    const thread = ev.p !== -1 && ev.type !== V1.CPUSample ? (this.procThreads.get(ev.p) ?? NONE) : NONE;
    if (ev.type === V1.ProcStart) this.procThreads.set(ev.p, ev.args[0]);
    const m = ev.type === V1.ProcStart ? ev.args[0] : thread;
    if (ev.type === V1.ProcStop) this.procThreads.delete(ev.p);
    const p = ev.p;
    const g = ev.g === 0 ? NONE : ev.g;
    const stack = V1_SPECS[ev.type].stack ? this.stack(ev.stk) : NO_STACK;
    const goTransition = (id: number, from: GoState, to: GoState, reason: string, tstack: Stack, evStack: Stack, time = t) =>
      makeEvent('StateTransition', time, m, p, g, evStack, { resource: 'goroutine', id, from, to, reason, stack: tstack });
    const procTransition = (id: number, from: ProcState, to: ProcState) =>
      makeEvent('StateTransition', t, m, p, g, NO_STACK, { resource: 'proc', id, from, to, reason: '', stack: NO_STACK });
    const range = (kind: 'RangeBegin' | 'RangeEnd', name: string, scope: ResourceID, evStack: Stack, attributes = NO_ATTRIBUTES) =>
      makeEvent(kind, t, m, p, g, evStack, { name, scope, attributes });
    // Status events of the start-up dump keep the dump event's context.
    const status = (id: number, to: GoState) =>
      makeEvent('StateTransition', t, m, p, g, NO_STACK, { resource: 'goroutine', id, from: 'Undetermined', to, reason: '', stack: NO_STACK });
    // Two paths of Go's converter read the P's thread from a map without a presence check, so an
    // unknown thread reads as 0 there rather than −1.
    const mOrZero = this.procThreads.get(p) ?? 0;

    switch (ev.type) {
      case V1.Gomaxprocs:
        if (this.preInit) {
          // The end of the start-up dump: goroutines created in it with no other state are runnable.
          // (Go emits these in map order; we use ascending goroutine ID.)
          this.preInit = false;
          for (const id of [...this.createdPreInit].sort((a, b) => a - b)) {
            this.extra.push(makeEvent('StateTransition', t, NONE, NONE, NONE, NO_STACK,
              { resource: 'goroutine', id, from: 'Undetermined', to: 'Runnable', reason: '', stack: NO_STACK }));
          }
          this.createdPreInit = new Set();
          return null;
        }
        return makeEvent('Metric', t, m, p, g, stack, { name: '/sched/gomaxprocs:threads', value: ev.args[0] });
      case V1.ProcStart:
        if (this.seenProcs.has(ev.p)) return procTransition(ev.p, 'Idle', 'Running');
        this.seenProcs.add(ev.p);
        return procTransition(ev.p, 'Undetermined', 'Running');
      case V1.ProcStop:
        if (this.seenProcs.has(ev.p)) return procTransition(ev.p, 'Running', 'Idle');
        this.seenProcs.add(ev.p);
        return procTransition(ev.p, 'Undetermined', 'Idle');
      case V1.GCStart:
        return range('RangeBegin', 'GC concurrent mark phase', NO_SCOPE, stack);
      case V1.GCDone:
        return range('RangeEnd', 'GC concurrent mark phase', NO_SCOPE, NO_STACK);
      case V1.STWStart:
        this.lastStwKind = stwKind(this.trace.version, ev.args[0]);
        return range('RangeBegin', `stop-the-world (${this.lastStwKind})`, { kind: 'goroutine', id: g }, NO_STACK);
      case V1.STWDone:
        return range('RangeEnd', `stop-the-world (${this.lastStwKind})`, { kind: 'goroutine', id: g }, NO_STACK);
      case V1.GCSweepStart:
        return range('RangeBegin', 'GC incremental sweep', { kind: 'proc', id: p }, stack);
      case V1.GCSweepDone:
        return range('RangeEnd', 'GC incremental sweep', { kind: 'proc', id: p }, NO_STACK,
          [{ name: 'bytes swept', value: ev.args[0] }, { name: 'bytes reclaimed', value: ev.args[1] }]);
      case V1.GCMarkAssistStart:
        return range('RangeBegin', 'GC mark assist', { kind: 'goroutine', id: g }, stack);
      case V1.GCMarkAssistDone:
        return range('RangeEnd', 'GC mark assist', { kind: 'goroutine', id: g }, NO_STACK);
      case V1.GoCreate:
        if (this.preInit) {
          this.createdPreInit.add(ev.args[0]);
          return null;
        }
        return goTransition(ev.args[0], 'NotExist', 'Runnable', '', ev.args[1] === 0 ? EMPTY_STACK : this.stack(ev.args[1]), stack);
      case V1.GoStart:
        if (this.preInit) {
          this.createdPreInit.delete(ev.args[0]);
          return status(ev.args[0], 'Running');
        }
        return goTransition(ev.args[0], 'Runnable', 'Running', '', NO_STACK, NO_STACK);
      case V1.GoStartLabel:
        this.extra.splice(0, this.extra.length,
          makeEvent('Label', t, mOrZero, p, ev.g, NO_STACK, { label: this.string(ev.args[2]), resource: { kind: 'goroutine', id: ev.g } }));
        return makeEvent('StateTransition', t, mOrZero, p, ev.g, NO_STACK,
          { resource: 'goroutine', id: ev.args[0], from: 'Runnable', to: 'Running', reason: '', stack: NO_STACK });
      case V1.GoEnd:
        return goTransition(g, 'Running', 'NotExist', '', NO_STACK, NO_STACK);
      case V1.GoStop: case V1.GoSleep: case V1.GoBlock: case V1.GoBlockSend: case V1.GoBlockRecv:
      case V1.GoBlockSelect: case V1.GoBlockSync: case V1.GoBlockCond: case V1.GoBlockNet: case V1.GoBlockGC:
        return goTransition(g, 'Running', 'Waiting', REASON[ev.type]!, stack, stack);
      case V1.GoSched:
      case V1.GoPreempt:
        return goTransition(g, 'Running', 'Runnable', REASON[ev.type]!, stack, stack);
      case V1.GoUnblock:
        return goTransition(ev.args[0], 'Waiting', 'Runnable', '', NO_STACK, stack);
      case V1.GoSysCall: {
        const next = this.nextOfSameG[index];
        if (next >= 0 && this.events[next].type === V1.GoSysBlock) {
          return goTransition(g, 'Running', 'Syscall', '', stack, stack);
        }
        // The syscall returned without blocking: a begin and an end 1 ns later.
        this.extra.push(makeEvent('StateTransition', t + 1, mOrZero, p, ev.g, NO_STACK,
          { resource: 'goroutine', id: ev.g, from: 'Syscall', to: 'Running', reason: '', stack: NO_STACK }));
        return makeEvent('StateTransition', t, mOrZero, p, ev.g, stack,
          { resource: 'goroutine', id: ev.g, from: 'Running', to: 'Syscall', reason: '', stack });
      }
      case V1.GoSysExit:
        return goTransition(g, 'Syscall', 'Runnable', '', NO_STACK, NO_STACK);
      case V1.GoSysBlock:
        return null;
      case V1.GoWaiting:
        this.createdPreInit.delete(ev.args[0]);
        return status(ev.args[0], 'Waiting');
      case V1.GoInSyscall:
        this.createdPreInit.delete(ev.args[0]);
        return status(ev.args[0], 'Syscall');
      case V1.HeapAlloc:
        return makeEvent('Metric', t, m, p, g, NO_STACK, { name: '/memory/classes/heap/objects:bytes', value: ev.args[0] });
      case V1.HeapGoal:
        return makeEvent('Metric', t, m, p, g, NO_STACK, { name: '/gc/heap/goal:bytes', value: ev.args[0] });
      case V1.UserTaskCreate: {
        const name = this.string(ev.args[2]);
        // The stored parent is the raw value, so a root task ends with parent 0 (Go's quirk).
        this.tasks.set(ev.args[0], { name, parent: ev.args[1] });
        return makeEvent('TaskBegin', t, m, p, g, stack, { id: ev.args[0], parent: ev.args[1] === 0 ? NO_TASK : ev.args[1], type: name });
      }
      case V1.UserTaskEnd: {
        const task = this.tasks.get(ev.args[0]);
        this.tasks.delete(ev.args[0]);
        return makeEvent('TaskEnd', t, m, p, g, stack, { id: ev.args[0], parent: task ? task.parent : NO_TASK, type: task ? task.name : '' });
      }
      case V1.UserRegion:
        return makeEvent(ev.args[1] === 0 ? 'RegionBegin' : 'RegionEnd', t, m, p, g, stack, { task: ev.args[0], type: this.string(ev.args[2]) });
      case V1.UserLog:
        return makeEvent('Log', t, m, p, g, stack, {
          task: ev.args[0], category: this.string(ev.args[1]), message: this.trace.inlineStrings[ev.args[3]] ?? '',
        });
      case V1.CPUSample:
        return makeEvent('StackSample', t, NONE, p, g, ev.stk === 0 ? EMPTY_STACK : this.stack(ev.stk), null);
      default:
        throw new UnexpectedEvent(ev);
    }
  }
}

/** An old-format event the converter has no counterpart for (FutileWakeup, TimerGoroutine…). */
export class UnexpectedEvent extends Error {
  constructor(readonly event: V1Event) {
    super(`unexpected event type ${V1_SPECS[event.type]?.name ?? event.type}`);
  }
}
