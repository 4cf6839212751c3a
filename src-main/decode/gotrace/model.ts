// The decoded event model: the events golang.org/x/exp/trace yields, for every trace format.
//
// Old-format traces (Go 1.11–1.21) are converted into this model the way Go's own reader
// (internal/trace/tracev1.go) converts them, so every figure computed from these events can be
// checked against Go's reader.
//
// Representation choices, for speed on traces of tens of millions of events:
// - every event is one plain object of the same shape (`TraceEvent`), so consumers stay monomorphic;
//   the generation-based reader reuses a few of them rather than allocating one per event (see
//   TraceReader.next);
// - IDs are JS numbers, with −1 for "none" (Go's NoGoroutine/NoProc/NoThread and the wire's 2^64−1);
// - times are nanoseconds as JS numbers relative to `TraceReader.timeOrigin` (a bigint, 0n for
//   nearly every trace: absolute monotonic nanoseconds only exceed 2^53 after ~104 days of host
//   uptime; then the origin is moved so that relative times stay exact).

/** Kind names as Go's EventKind.String() prints them. */
export type EventKind =
  | 'Sync'
  | 'Metric'
  | 'Label'
  | 'StackSample'
  | 'RangeBegin'
  | 'RangeActive'
  | 'RangeEnd'
  | 'TaskBegin'
  | 'TaskEnd'
  | 'RegionBegin'
  | 'RegionEnd'
  | 'Log'
  | 'StateTransition'
  | 'Experimental';

import type { GoState } from './go-states.ts';
export type { GoState };
/** Proc (P) states as Go's ProcState.String() prints them. */
export type ProcState = 'Undetermined' | 'NotExist' | 'Running' | 'Idle';

/** "No goroutine / proc / thread / task": Go's −1 (the wire's 2^64−1). */
export const NONE = -1;
/** Go's trace.NoTask (2^64−1), printed by Go as 18446744073709551615. Kept as −1 here. */
export const NO_TASK = -1;

/** One logical (inline-expanded) stack frame, innermost first in a `Stack`. */
export interface StackFrame {
  /** Program counter; fits a double on every 64-bit platform Go supports (user addresses < 2^53). */
  readonly pc: number;
  readonly func: string;
  readonly file: string;
  readonly line: number;
}

/** A stack, innermost (leaf) frame first. Stacks are shared: never mutate one. */
export type Stack = readonly StackFrame[];
/** No stack at all. */
export const NO_STACK: Stack = Object.freeze([]) as Stack;
/**
 * A stack reference that is present but names stack 0 (no frames): GoCreate's new-goroutine stack
 * and CPU samples can carry one. Go prints an empty "Stack=" block for it, unlike NO_STACK.
 */
export const EMPTY_STACK: Stack = Object.freeze([]) as Stack;

export type ResourceKind = 'none' | 'goroutine' | 'proc' | 'thread';
export interface ResourceID {
  readonly kind: ResourceKind;
  /** −1 when kind is 'none'. */
  readonly id: number;
}
export const NO_RESOURCE: ResourceID = Object.freeze({ kind: 'none', id: NONE }) as ResourceID;

export interface GoStateTransition {
  readonly resource: 'goroutine';
  readonly id: number;
  readonly from: GoState;
  readonly to: GoState;
  /** Human-readable reason ("chan receive", "preempted", …); "" when none. */
  readonly reason: string;
  /** Stack of the goroutine that changes state (not the emitter's): distinct from event.stack. */
  readonly stack: Stack;
}
export interface ProcStateTransition {
  readonly resource: 'proc';
  readonly id: number;
  readonly from: ProcState;
  readonly to: ProcState;
  readonly reason: string;
  readonly stack: Stack;
}
export type StateTransition = GoStateTransition | ProcStateTransition;

export interface ClockSnapshot {
  /** Trace time (ns, relative to timeOrigin like event times) at which the snapshot was taken. */
  readonly trace: number;
  /** Runtime monotonic clock, ns. */
  readonly mono: bigint;
  /** Wall clock: Unix seconds and nanoseconds. */
  readonly wallSec: bigint;
  readonly wallNsec: number;
}

export interface ExperimentalBatch {
  readonly thread: number;
  readonly data: Uint8Array;
}

/** Per-kind payloads. `data` of a TraceEvent is the payload matching its kind. */
export interface SyncData {
  /** 1-based count of Sync events so far. */
  readonly n: number;
  /** Present for format ≥ 1.25 generations (absent on the final Sync). */
  readonly clockSnapshot: ClockSnapshot | null;
  /** Experiment name → raw batches of that experiment in this generation. */
  readonly experimentalBatches: ReadonlyMap<string, readonly ExperimentalBatch[]>;
}
export interface MetricData {
  /** e.g. "/sched/gomaxprocs:threads", "/memory/classes/heap/objects:bytes", "/gc/heap/goal:bytes". */
  readonly name: string;
  readonly value: number;
}
export interface LabelData {
  readonly label: string;
  readonly resource: ResourceID;
}
export interface RangeAttribute {
  readonly name: string;
  readonly value: number;
}
export interface RangeData {
  /** e.g. "GC concurrent mark phase", "stop-the-world (GC mark termination)", "GC mark assist". */
  readonly name: string;
  readonly scope: ResourceID;
  /** Only on RangeEnd of "GC incremental sweep": "bytes swept", "bytes reclaimed". */
  readonly attributes: readonly RangeAttribute[];
}
export interface TaskData {
  readonly id: number;
  /** NO_TASK (−1) when none. */
  readonly parent: number;
  readonly type: string;
}
export interface RegionData {
  readonly task: number;
  readonly type: string;
}
export interface LogData {
  readonly task: number;
  readonly category: string;
  readonly message: string;
}
export interface ExperimentalData {
  readonly name: string;
  readonly experiment: string;
  /** Argument names, without dt. */
  readonly argNames: readonly string[];
  /** Raw values; arguments whose name ends in "string" are resolved to strings. */
  readonly args: readonly (number | string)[];
}

interface EventBase<K extends EventKind, D> {
  readonly kind: K;
  /** Nanoseconds relative to TraceReader.timeOrigin. Strictly increasing across the stream. */
  readonly time: number;
  /** Execution context immediately before the event: thread (M), proc (P), goroutine (G); −1 = none. */
  readonly thread: number;
  readonly proc: number;
  readonly goroutine: number;
  /** The stack of the execution context that emitted the event (Go's Event.Stack()). */
  readonly stack: Stack;
  readonly data: D;
}

export type SyncEvent = EventBase<'Sync', SyncData>;
export type MetricEvent = EventBase<'Metric', MetricData>;
export type LabelEvent = EventBase<'Label', LabelData>;
export type StackSampleEvent = EventBase<'StackSample', null>;
export type RangeEvent = EventBase<'RangeBegin' | 'RangeActive' | 'RangeEnd', RangeData>;
export type TaskEvent = EventBase<'TaskBegin' | 'TaskEnd', TaskData>;
export type RegionEvent = EventBase<'RegionBegin' | 'RegionEnd', RegionData>;
export type LogEvent = EventBase<'Log', LogData>;
export type StateTransitionEvent = EventBase<'StateTransition', StateTransition>;
export type ExperimentalEvent = EventBase<'Experimental', ExperimentalData>;

export type TraceEvent =
  | SyncEvent
  | MetricEvent
  | LabelEvent
  | StackSampleEvent
  | RangeEvent
  | TaskEvent
  | RegionEvent
  | LogEvent
  | StateTransitionEvent
  | ExperimentalEvent;

/**
 * Builds an event. All events go through here so that they share one object shape
 * (property order kind, time, thread, proc, goroutine, stack, data).
 */
export function makeEvent<E extends TraceEvent>(
  kind: E['kind'],
  time: number,
  thread: number,
  proc: number,
  goroutine: number,
  stack: Stack,
  data: E['data'],
): E {
  return { kind, time, thread, proc, goroutine, stack, data } as E;
}

/** A copy of an event that stays valid after the reader moves on (see TraceReader.next). */
export function copyEvent<E extends TraceEvent>(ev: E): E {
  const data = ev.kind === 'StateTransition' ? { ...ev.data } : ev.data;
  return makeEvent(ev.kind, ev.time, ev.thread, ev.proc, ev.goroutine, ev.stack, data as E['data']);
}

/** Trace format as written in the header: "1.11", "1.19", "1.21", "1.22", "1.23", "1.25", "1.26". */
export type TraceFormat = '1.11' | '1.19' | '1.21' | '1.22' | '1.23' | '1.25' | '1.26';
export const OLD_FORMATS: readonly TraceFormat[] = ['1.11', '1.19', '1.21'];

/** A pull-based event stream. */
export interface TraceReader {
  readonly format: TraceFormat;
  /** Add to an event's time (as BigInt) for Go's absolute trace time. */
  readonly timeOrigin: bigint;
  /**
   * The next event in Go's order, or null at the end. Throws TraceFormatError at the first
   * damage, after every event decodable before it was returned.
   *
   * The event and its payload may be reused by a later call (the generation-based reader builds
   * events in place instead of allocating tens of millions of them): read what you need before
   * calling next() again, or keep a copy (`copyEvent`). Stacks are shared and never reused.
   */
  next(): TraceEvent | null;
  /** Bytes consumed so far (for progress). */
  readonly bytesRead: number;
  /**
   * Nanoseconds per tick of the trace's clock (from its frequency: 64 on Linux since Go 1.22),
   * once the first event has been read; 0 before. Event times are whole ticks converted to ns.
   */
  readonly nsPerTick: number;
  /** Release the file. Safe to call twice. */
  close(): void;
}
