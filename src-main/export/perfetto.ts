// A trace's index (or a time window of it) as a Chrome/Perfetto JSON trace: the Trace Event Format
// (JSON Object Format, {"traceEvents": [...]}) that Perfetto UI and chrome://tracing open.
//
// Tracks (pid / tid, named by "M" metadata events):
//   pid 1 "Goroutines"     tid = goroutine ID: one complete ("X") slice per state interval,
//                          named by state and wait reason ("Waiting: chan receive"), args: state,
//                          reason, the site of the stack that began it, open (still so at the end)
//   pid 2 "Procs (P)"      tid = P: the goroutines that ran on it ("G12 main.worker")
//   pid 3 "Threads (M)"    tid = M: the goroutines it ran or that were in a system call on it
//   pid 4 "GC"             tid 1 "GC" (mark phases), tid 2 "Stop-the-world" (every pause, GC or not)
//   flows ("s" → "f", cat "unblock"): from the waker's slice (enclosing) to the woken goroutine's next slice (its Runnable one),
//                          one per unblock edge (a goroutine made runnable by another)
// Times: "ts" and "dur" in microseconds (with ns as decimals) from the trace's first event. With a
// window, intervals overlapping it are clipped to it and only unblock edges inside it are written.

import type Database from 'better-sqlite3';
import { siteOf } from '../analyze/blocking-kinds.ts';
import { AtomicFileWriter } from './file-writer.ts';
import { decodeChunk, indexNsPerTick } from '../index/interval-codec.ts';
import { decodePoints } from '../index/point-codec.ts';
import { GO_STATES, UNBLOCK_VALUES } from '../index/schema.ts';

export const PID_GOROUTINES = 1;
export const PID_PROCS = 2;
export const PID_THREADS = 3;
export const PID_GC = 4;
const TID_GC = 1;
const TID_STW = 2;
/** States drawn as slices (not NotExist or Undetermined). */
const SLICE_STATES = new Set(['Running', 'Runnable', 'Waiting', 'Syscall']);

export interface ExportWindow {
  readonly t0: number;
  readonly t1: number;
}

export interface PerfettoCounts {
  goroutineSlices: number;
  procSlices: number;
  threadSlices: number;
  gcSlices: number;
  stwSlices: number;
  flows: number;
  bytes: number;
}

/** The whole trace: every interval overlaps it. */
export const WHOLE_TRACE: ExportWindow = { t0: -Number.MAX_SAFE_INTEGER, t1: Number.MAX_SAFE_INTEGER };

/** µs with the ns kept as decimals, as the format wants. */
function us(ns: number): number {
  return ns / 1000;
}

/**
 * Writes the Perfetto/Chrome JSON of the trace index `db` (with the packed tables registered, see
 * service/packed-tables.ts) for `window` to `file` (under a temporary name until complete).
 */
export function writePerfettoJson(db: Database.Database, file: string, window: ExportWindow = WHOLE_TRACE): PerfettoCounts {
  const { t0, t1 } = window;
  const strings = new Map<number, string>();
  const stringStmt = db.prepare('SELECT value FROM strings WHERE id = ?').pluck();
  const str = (id: number | null): string => {
    if (!id) return '';
    let s = strings.get(id);
    if (s === undefined) strings.set(id, (s = (stringStmt.get(id) as string | undefined) ?? ''));
    return s;
  };
  const sites = new Map<number, string>();
  const stackStmt = db.prepare(`SELECT a.value AS func, b.value AS file, f.line FROM stack_frames sf JOIN frames f ON f.id = sf.frame
    JOIN strings a ON a.id = f.func JOIN strings b ON b.id = f.file WHERE sf.stack = ? ORDER BY sf.position`);
  const site = (stack: number): string => {
    if (!stack) return '';
    let s = sites.get(stack);
    if (s === undefined) sites.set(stack, (s = siteOf(stackStmt.all(stack) as { func: string; file: string; line: number }[])));
    return s;
  };
  const clip = (s: number, e: number): [number, number] => [Math.max(s, t0), Math.min(e, t1)];
  const counts: PerfettoCounts = { goroutineSlices: 0, procSlices: 0, threadSlices: 0, gcSlices: 0, stwSlices: 0, flows: 0, bytes: 0 };

  const out = new AtomicFileWriter(file);
  try {
    out.write('{"displayTimeUnit":"ns","otherData":{"producer":"goroscope"},"traceEvents":[\n');
    let first = true;
    const event = (e: object) => {
      out.write((first ? '' : ',\n') + JSON.stringify(e));
      first = false;
    };
    const meta = (pid: number, tid: number, name: 'process_name' | 'thread_name' | 'process_sort_index' | 'thread_sort_index', args: object) =>
      event({ ph: 'M', name, pid, tid, ts: 0, args });
    meta(PID_GOROUTINES, 0, 'process_name', { name: 'Goroutines' });
    meta(PID_PROCS, 0, 'process_name', { name: 'Procs (P)' });
    meta(PID_THREADS, 0, 'process_name', { name: 'Threads (M)' });
    meta(PID_GC, 0, 'process_name', { name: 'GC' });
    [PID_GC, PID_PROCS, PID_THREADS, PID_GOROUTINES].forEach((pid, i) => meta(pid, 0, 'process_sort_index', { sort_index: i }));
    meta(PID_GC, TID_GC, 'thread_name', { name: 'GC' });
    meta(PID_GC, TID_STW, 'thread_name', { name: 'Stop-the-world' });

    // Goroutine tracks, named after their goroutine, in ID order.
    const names = new Map<number, string>();
    for (const g of db.prepare(`SELECT id, name FROM goroutines WHERE start_ns < ? AND coalesce(end_ns, ?) > ? ORDER BY id`)
      .iterate(t1, Number.MAX_SAFE_INTEGER, t0) as IterableIterator<{ id: number; name: number }>) {
      const name = str(g.name);
      names.set(g.id, name);
      meta(PID_GOROUTINES, g.id, 'thread_name', { name: `G${g.id}${name ? ` ${name}` : ''}` });
      meta(PID_GOROUTINES, g.id, 'thread_sort_index', { sort_index: g.id });
    }
    // The intervals, decoded from the chunks that overlap the window (not through the
    // goroutine_intervals SQL table, which decodes every chunk of the trace): each goroutine's in
    // time order, inline ones (goroutines.interval_data) and chunked ones.
    const nsPerTick = indexNsPerTick(db);
    const procs = new Set<number>();
    const threads = new Set<number>();
    /** The goroutine's current run on a P, extended while it continues there (as proc_intervals merges them). */
    let run: { proc: number; start: number; end: number; goroutine: number } | null = null;
    const endRun = () => {
      if (run && run.start < t1 && run.end > t0) {
        const [s, e] = clip(run.start, run.end);
        procs.add(run.proc);
        const name = names.get(run.goroutine);
        event({ ph: 'X', cat: 'proc', name: `G${run.goroutine}${name ? ` ${name}` : ''}`, pid: PID_PROCS, tid: run.proc, ts: us(s), dur: us(e - s),
          args: { goroutine: run.goroutine } });
        counts.procSlices++;
      }
      run = null;
    };
    const visitChunk = (g: number, start: number, data: Uint8Array) => decodeChunk(data, start, nsPerTick, (start, end, code, reasonId, stack, open, thread, proc) => {
      if (run && run.goroutine === g && run.end === start && run.proc === proc) run.end = end;
      else {
        endRun();
        if (proc >= 0) run = { proc, start, end, goroutine: g };
      }
      const state = GO_STATES[code];
      if (!(start < t1 && end > t0) || !SLICE_STATES.has(state)) return;
      const [s, e] = clip(start, end);
      const reason = str(reasonId);
      const args: Record<string, unknown> = { state };
      if (reason) args.reason = reason;
      const where = site(stack);
      if (where) args.site = where;
      if (open) args.open = true;
      event({ ph: 'X', cat: 'goroutine', name: reason && state !== 'Running' ? `${state}: ${reason}` : state,
        pid: PID_GOROUTINES, tid: g, ts: us(s), dur: us(e - s), args });
      counts.goroutineSlices++;
      if (thread >= 0) {
        threads.add(thread);
        event({ ph: 'X', cat: 'thread', name: `G${g}${state === 'Syscall' ? ' (syscall)' : ''}`, pid: PID_THREADS, tid: thread,
          ts: us(s), dur: us(e - s), args: { goroutine: g, state } });
        counts.threadSlices++;
      }
    });
    for (const r of db.prepare(`SELECT id, start_ns, interval_data FROM goroutines WHERE interval_data IS NOT NULL AND start_ns < ?
      AND coalesce(end_ns, ?) >= ? ORDER BY id`).iterate(t1, Number.MAX_SAFE_INTEGER, t0) as IterableIterator<{ id: number; start_ns: number; interval_data: Uint8Array }>) {
      visitChunk(r.id, r.start_ns, r.interval_data);
    }
    for (const r of db.prepare('SELECT goroutine, start_ns, data FROM goroutine_interval_chunks WHERE start_ns < ? AND end_ns >= ? ORDER BY goroutine, start_ns')
      .iterate(t1, t0) as IterableIterator<{ goroutine: number; start_ns: number; data: Uint8Array }>) {
      visitChunk(r.goroutine, r.start_ns, r.data);
    }
    endRun();
    for (const p of [...procs].sort((a, b) => a - b)) meta(PID_PROCS, p, 'thread_name', { name: `P${p}` });
    for (const m of [...threads].sort((a, b) => a - b)) meta(PID_THREADS, m, 'thread_name', { name: `M${m}` });

    // The collector's mark phases (global ranges) and the stop-the-world pauses (scoped to the
    // goroutine that stopped the world, but stopping every one).
    for (const r of db.prepare(`SELECT s.value AS name, r.scope_kind, r.start_ns, r.end_ns, r.open FROM ranges r JOIN strings s ON s.id = r.name
      WHERE r.start_ns < ? AND r.end_ns > ? ORDER BY r.start_ns`).iterate(t1, t0) as
      IterableIterator<{ name: string; scope_kind: number; start_ns: number; end_ns: number; open: number }>) {
      const stw = r.name.startsWith('stop-the-world');
      if (!stw && !(r.scope_kind === 0 && r.name.startsWith('GC'))) continue;
      const [s, e] = clip(r.start_ns, r.end_ns);
      event({ ph: 'X', cat: stw ? 'stw' : 'gc', name: r.name, pid: PID_GC, tid: stw ? TID_STW : TID_GC, ts: us(s), dur: us(e - s),
        ...(r.open ? { args: { open: true } } : {}) });
      if (stw) counts.stwSlices++;
      else counts.gcSlices++;
    }

    // Unblock edges as flows: from the waker's slice at that instant to the woken goroutine's next slice (Runnable, from then).
    for (const c of db.prepare('SELECT start_ns, data FROM unblock_chunks WHERE start_ns < ? AND end_ns >= ? ORDER BY start_ns').iterate(t1, t0) as
      IterableIterator<{ start_ns: number; data: Uint8Array }>) {
      decodePoints(c.data, c.start_ns, nsPerTick, UNBLOCK_VALUES, (time, [goroutine, reason, , byGoroutine]) => {
        if (time < t0 || time >= t1) return;
        const id = ++counts.flows;
        const name = `unblock: ${str(reason) || 'wait'}`;
        event({ ph: 's', cat: 'unblock', name, id, pid: PID_GOROUTINES, tid: byGoroutine, ts: us(time) });
        event({ ph: 'f', cat: 'unblock', name, id, pid: PID_GOROUTINES, tid: goroutine, ts: us(time) });
      });
    }
    out.write('\n]}\n');
    out.commit();
    counts.bytes = out.bytes;
    return counts;
  } finally {
    out.abort();
  }
}
