// The goroutine dump a trace implies at any moment T: every goroutine alive at T with its state,
// wait reason, time in that state so far and last stack, grouped as a dump is (dump-groups.ts's
// shape), so that it reads like `goroscope dump` and diffs against a real dump taken then.
//
// Read from the goroutines' state intervals (docs/index-format.md): the interval holding T gives
// the state, its reason and the stack of the transition that began it. A Running interval begun
// by a plain start has no stack; the last stack recorded before it (where the goroutine last
// stopped) stands in. Goroutines that existed before the trace and were first seen after T (Go
// 1.22+ names a goroutine only when it first does something in a generation) were in their
// first seen state at T, since before the trace began.

import type Database from 'better-sqlite3';
import { siteOf } from '../analyze/blocking-kinds.ts';
import { dumpStateOf, fromSite } from '../analyze/dump-from-trace.ts';
import { DumpGrouper } from '../analyze/dump-groups.ts';
import type { DumpFrame, DumpGoroutine, DumpInfo } from '../decode/gdump/model.ts';
import { decodeChunk, indexNsPerTick } from '../index/interval-codec.ts';
import { GO_STATES } from '../index/schema.ts';
import type { TraceIndexReader } from './trace-answers.ts';
import type { DumpAt, DumpAtGoroutine, StackFrameInfo } from './types.ts';

interface GoroutineAtRow {
  id: number;
  name: number;
  created: number;
  start_ns: number;
  first_state: number;
  creation_stack: number;
  start_stack: number;
  interval_data: Uint8Array | null;
}

/** The state of one goroutine at T, as its intervals say. */
interface StateAt {
  state: number;
  reason: number;
  /** Stack of the transition that began the state (0: none), and when it was recorded. */
  stack: number;
  stackNs: number | null;
  /** When the goroutine entered the state (touching intervals of the same state, reason and stack are one); null: before the trace. */
  since: number | null;
}

/**
 * The dump at `timeNs` (ns since the trace's first event, within the trace). `name` names the
 * dump (the trace's file name and the time). System goroutines (started in the runtime, as
 * runtime.isSystemGoroutine tells them) are listed but, as in a debug=2 dump, not grouped.
 */
export function dumpAt(idx: TraceIndexReader, timeNs: number, durationNs: number, name: string): DumpAt {
  const nsPerTick = indexNsPerTick(idx.db);
  // The chunk holding T and the one before it (for the last stack of a goroutine running at T).
  const chunks = idx.db.prepare(`SELECT start_ns, data FROM goroutine_interval_chunks WHERE goroutine = ? AND start_ns <= ?
    ORDER BY start_ns DESC LIMIT 2`);
  const rows = idx.db.prepare(`SELECT id, name, created, start_ns, first_state, creation_stack, start_stack, interval_data FROM goroutines
    WHERE (start_ns <= ? OR created = 0) AND (end_ns IS NULL OR end_ns > ?) ORDER BY id`).iterate(timeNs, timeNs) as IterableIterator<GoroutineAtRow>;
  const grouper = new DumpGrouper();
  const goroutines: DumpAtGoroutine[] = [];
  let shown = 0;
  for (const g of rows) {
    const at = g.start_ns > timeNs ? firstSeen(g, nsPerTick) : stateAt(g, timeNs, nsPerTick, chunks);
    if (at === null) continue;
    const stack = idx.stack(at.stack);
    const startStack = idx.stack(g.start_stack);
    const entry = startStack.length > 0 ? startStack[startStack.length - 1].func : idx.string(g.name);
    const creation = idx.stack(g.creation_stack);
    const state = GO_STATES[at.state];
    const reason = idx.string(at.reason);
    const item: DumpAtGoroutine = {
      id: g.id, entry, state: dumpStateOf(state, reason, stack), goState: state, reason, sinceNs: at.since,
      stateNs: timeNs - (at.since ?? 0), stack, stackNs: at.stackNs, site: siteOf(stack),
      createdBy: creation.length > 0 ? `${creation[0].func} ${creation[0].file}:${creation[0].line}` : '',
      system: isSystemEntry(entry),
    };
    goroutines.push(item);
    if (item.system) continue;
    shown++;
    grouper.add(dumpGoroutine(item, creation[0]));
  }
  const info: DumpInfo = {
    name, format: 'debug=2', profileName: null, declaredTotal: null, goroutines: shown, panics: [], fatalError: null, signal: null,
    firstLine: 0, lastLine: 0, warnings: [], warningsDropped: 0, bytes: 0, lines: 0,
  };
  return { timeNs, durationNs, dump: grouper.finish(info), goroutines, systemGoroutines: goroutines.length - shown };
}

/**
 * As runtime.isSystemGoroutine (runtime/traceback.go) and internal/trace.IsSystemGoroutine: a
 * goroutine whose entry function is in package runtime, but for runtime.main. An unknown entry
 * (a goroutine the trace never saw a stack of) is counted as the program's.
 */
export function isSystemEntry(entry: string): boolean {
  return entry !== 'runtime.main' && entry.startsWith('runtime.');
}

/** The goroutine's state over the interval holding `t`, or null when no interval holds it. */
function stateAt(g: GoroutineAtRow, t: number, nsPerTick: number, chunks: Database.Statement): StateAt | null {
  let found: StateAt | null = null;
  let lastStack = 0;
  let lastStackNs: number | null = null;
  let run: { state: number; reason: number; stack: number; start: number; end: number } | null = null;
  const visit = (s: number, e: number, state: number, reason: number, stack: number): boolean | void => {
    if (s > t || found !== null) return false;
    if (run && run.end === s && run.state === state && run.reason === reason && (stack === run.stack || stack === 0)) run.end = e;
    else run = { state, reason, stack, start: s, end: e };
    if (t < e || (t === e && e === s)) {
      const first = run.start === g.start_ns && g.created === 0;
      const own = run.stack !== 0;
      found = { state, reason, stack: own ? run.stack : lastStack, stackNs: own ? run.start : lastStackNs, since: first ? null : run.start };
      return false;
    }
    if (stack !== 0) {
      lastStack = stack;
      lastStackNs = s;
    }
  };
  if (g.interval_data) {
    decodeChunk(g.interval_data, g.start_ns, nsPerTick, visit);
  } else {
    const rows = (chunks.all(g.id, t) as { start_ns: number; data: Uint8Array }[]).reverse();
    for (const c of rows) {
      decodeChunk(c.data, c.start_ns, nsPerTick, visit);
      if (found) break;
    }
  }
  // T at the goroutine's very end: its last interval ends there.
  if (found === null && run !== null && (run as { end: number }).end === t) {
    const r = run as { state: number; reason: number; stack: number; start: number };
    found = { state: r.state, reason: r.reason, stack: r.stack || lastStack, stackNs: r.stack ? r.start : lastStackNs, since: r.start };
  }
  return found;
}

/** A goroutine that existed before the trace and was first seen after T: in its first seen state since before the trace. */
function firstSeen(g: GoroutineAtRow, nsPerTick: number): StateAt | null {
  if (!g.interval_data) return { state: g.first_state, reason: 0, stack: g.start_stack, stackNs: g.start_ns, since: null };
  let found: StateAt | null = null;
  decodeChunk(g.interval_data, g.start_ns, nsPerTick, (s, _e, state, reason, stack) => {
    found = { state, reason, stack, stackNs: s, since: null };
    return false;
  });
  return found;
}

/** The goroutine as a dump's decoder would have read it, its stack from its site outward. */
function dumpGoroutine(g: DumpAtGoroutine, creation: StackFrameInfo | undefined): DumpGoroutine {
  return {
    kind: 'goroutine', id: g.id, state: g.state, waitMinutes: g.goState === 'Waiting' ? Math.floor(g.stateNs / 60e9) : 0,
    lockedToThread: false, leaked: false, scan: false, durable: false, bubble: null, labels: null, debug: null,
    frames: fromSite(g.stack).map((f): DumpFrame => ({ func: f.func, args: '', file: f.file, line: f.line, pcOffset: -1 })),
    elidedFrames: 0, elidedAt: -1, stackUnavailable: false,
    createdBy: creation ? { func: creation.func, file: creation.file, line: creation.line, parentId: null } : null,
    ancestors: [], lineNumber: 0,
  };
}
