// Goroutines grouped by start function, as `go tool trace`'s goroutines page shows them
// (cmd/trace/goroutines.go over internal/trace/summary.go's GoroutineSummary): per group the
// count and execution time, and per goroutine its time present in the trace split into
// non-overlapping stats — execution, scheduler wait, syscalls, block time by reason, unknown — and
// its time in GC mark assists.
//
// Computed from the goroutines' state intervals (docs/index-format.md), which skip the same
// restated states Go's summariser skips. Go's definitions, followed here:
// - a goroutine's name is the outermost frame of the first stack its transitions carry;
// - it is present from its creation, or for one that existed before the trace from the last
//   generation start before it was first seen (its first state's time counts from there), to its
//   end or the trace's last event; a wait "forever" ends it (summary.go: "like goroutine death");
// - Total − the sum of the others is "Unknown time".
// What the index cannot say: the start of the generation a goroutine existing before the trace was
// first seen in (the trace's start is taken: exact for those seen in the first generation), and
// whether a syscall lost its P (Go's "Block time (syscall)" is counted in syscallNs here).

import { decodeChunk, indexNsPerTick } from '../index/interval-codec.ts';
import { GO_STATES } from '../index/schema.ts';
import type { TraceIndexReader } from './trace-answers.ts';
import type { GoroutineGroupReport, GoroutineGroupStats, GoroutineStats } from './types.ts';

interface GoroutineRow {
  id: number;
  created: number;
  start_ns: number;
  end_ns: number | null;
  interval_data: Uint8Array | null;
}

const RUNNING = GO_STATES.indexOf('Running');
const RUNNABLE = GO_STATES.indexOf('Runnable');
const WAITING = GO_STATES.indexOf('Waiting');
const SYSCALL = GO_STATES.indexOf('Syscall');

/** Every goroutine's stats and their groups by start function, largest execution time first (as go tool trace sorts them). */
export function goroutineGroups(idx: TraceIndexReader, durationNs: number): GoroutineGroupReport {
  const nsPerTick = indexNsPerTick(idx.db);
  const chunks = idx.db.prepare('SELECT start_ns, data FROM goroutine_interval_chunks WHERE goroutine = ? ORDER BY start_ns');
  const assists = new Map<number, number>();
  for (const r of idx.db.prepare(`SELECT scope_id, sum(end_ns - start_ns) AS ns FROM ranges WHERE scope_kind = 1
    AND name = (SELECT id FROM strings WHERE value = 'GC mark assist') GROUP BY scope_id`).all() as { scope_id: number; ns: number }[]) {
    assists.set(r.scope_id, r.ns);
  }
  const groups = new Map<string, GoroutineGroupStats>();
  for (const g of idx.db.prepare('SELECT id, created, start_ns, end_ns, interval_data FROM goroutines ORDER BY id').iterate() as IterableIterator<GoroutineRow>) {
    const s: GoroutineStats = {
      id: g.id, name: '', totalNs: 0, execNs: 0, schedWaitNs: 0, syscallNs: 0, blockNsByReason: {}, unknownNs: 0, gcAssistNs: assists.get(g.id) ?? 0,
      createdNs: g.created ? g.start_ns : null, endNs: g.end_ns,
    };
    // Present from its creation, or (existing before the trace) from the generation start before its first event.
    const from = g.created ? g.start_ns : 0;
    let end = g.end_ns ?? durationNs;
    let first = true;
    let ended = false;
    const visit = (start: number, stop: number, state: number, reasonId: number, stack: number): boolean | void => {
      if (ended) return false;
      if (s.name === '' && stack !== 0) {
        const frames = idx.stack(stack);
        if (frames.length > 0) s.name = frames[frames.length - 1].func;
      }
      const reason = idx.string(reasonId);
      // The time before a goroutine's first event counts in its first state (summary.go, "GoUndetermined").
      const t0 = first ? Math.min(from, start) : start;
      first = false;
      if (state === WAITING && reason === 'forever') {
        end = start;
        ended = true;
        return false;
      }
      const ns = stop - t0;
      if (state === RUNNING) s.execNs += ns;
      else if (state === RUNNABLE) s.schedWaitNs += ns;
      else if (state === SYSCALL) s.syscallNs += ns;
      else if (state === WAITING) s.blockNsByReason[reason] = (s.blockNsByReason[reason] ?? 0) + ns;
    };
    if (g.interval_data) decodeChunk(g.interval_data, g.start_ns, nsPerTick, visit);
    else {
      for (const c of chunks.all(g.id) as { start_ns: number; data: Uint8Array }[]) {
        decodeChunk(c.data, c.start_ns, nsPerTick, visit);
        if (ended) break;
      }
    }
    s.totalNs = end - from;
    if (ended) s.endNs = end;
    const known = s.execNs + s.schedWaitNs + s.syscallNs + Object.values(s.blockNsByReason).reduce((a, b) => a + b, 0);
    s.unknownNs = Math.max(0, s.totalNs - known);
    let group = groups.get(s.name);
    if (!group) {
      group = { name: s.name, count: 0, totalNs: 0, execNs: 0, schedWaitNs: 0, syscallNs: 0, blockNsByReason: {}, unknownNs: 0, gcAssistNs: 0, goroutines: [] };
      groups.set(s.name, group);
    }
    group.count++;
    group.totalNs += s.totalNs;
    group.execNs += s.execNs;
    group.schedWaitNs += s.schedWaitNs;
    group.syscallNs += s.syscallNs;
    group.unknownNs += s.unknownNs;
    group.gcAssistNs += s.gcAssistNs;
    for (const [reason, ns] of Object.entries(s.blockNsByReason)) group.blockNsByReason[reason] = (group.blockNsByReason[reason] ?? 0) + ns;
    group.goroutines.push(s);
  }
  const sorted = [...groups.values()].sort((a, b) => b.execNs - a.execNs || a.name.localeCompare(b.name));
  for (const g of sorted) g.goroutines.sort((a, b) => b.totalNs - a.totalNs || a.id - b.id);
  return { durationNs, groups: sorted };
}
