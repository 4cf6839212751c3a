// Queries over one trace's index, for the service: the timeline's goroutine rows and P/M lanes,
// goroutines one by one and by the page, ranges, metrics and goroutine counts over a window, the
// blocking table. Arguments arrive validated (service.ts); these read the index and say what it holds.

import type { GoroutineOrderColumn } from '../index/goroutine-orders.ts';
import { COUNT_LEVEL_NS, GO_STATES, METRIC_LEVEL_NS, SCOPE_KINDS } from '../index/schema.ts';
import { readWaitByReason } from '../index/wait-by-reason.ts';
import { coarsestLevel, PeakPerBucket } from './downsample.ts';
import { GOROUTINE_JOINS, GoroutineList } from './goroutine-list.ts';
import { lanesWindow } from './timeline-lanes.ts';
import { PixelMerger } from './timeline.ts';
import { unblockEdges } from './trace-answers.ts';
import type { TraceIndex } from './trace-index.ts';
import { GOROUTINE_STATES } from './types.ts';
import type {
  BlockingRow, GoroutineCountPoint, GoroutineDetail, GoroutineInterval, GoroutineListRequest, GoroutinePage, GoroutineRow, GoroutineSortKey,
  MetricPoint, RangeRow, TimelineLanesRequest, TimelineLanesWindow, TimelineRequest, TimelineRow, TimelineWindow,
} from './types.ts';
import { InvalidArgument } from './validate.ts';

/** The goroutines' rows of a timeline window, their states merged to pixels (goroutines not in the trace left out). */
export function timelineWindow(idx: TraceIndex, request: TimelineRequest): TimelineWindow {
  const { t0, t1, widthPx, goroutines: ids } = request;
  const nsPerPx = (t1 - t0) / widthPx;
  const stmt = idx.db.prepare(`SELECT g.id, n.value AS name, g.start_ns, g.interval_data FROM goroutines g
    JOIN strings n ON n.id = g.name WHERE g.id = ?`);
  const rows: TimelineRow[] = [];
  for (const id of ids) {
    const g = stmt.get(id) as { id: number; name: string; start_ns: number; interval_data: Uint8Array | null } | undefined;
    if (!g) continue;
    const merger = new PixelMerger(t0, t1, nsPerPx);
    // Zoomed out on a long-lived goroutine: its precomputed levels, not its intervals.
    if (!g.interval_data && idx.levelBuckets(g.id, t0, t1, nsPerPx, (s, e, stateNs) => merger.addFolded(s, e, stateNs))) {
      merger.flush();
      rows.push({ goroutine: g.id, name: g.name, spans: merger.spans });
      continue;
    }
    idx.intervals(g, t0, t1, (s, e, state, reason) => {
      if (s >= t1) return false;
      if (e > t0) merger.add(s, e, state, idx.string(reason));
    });
    merger.flush();
    rows.push({ goroutine: g.id, name: g.name, spans: merger.spans });
  }
  return { t0, t1, nsPerPx, rows };
}

/** The P or M lanes of a timeline window, each goroutine named (throws LanesUnavailable when the trace has no such lanes). */
export function timelineLanesWindow(idx: TraceIndex, request: TimelineLanesRequest): TimelineLanesWindow {
  const { kind, t0, t1, widthPx } = request;
  const nameStmt = idx.db.prepare('SELECT n.value FROM goroutines g JOIN strings n ON n.id = g.name WHERE g.id = ?').pluck();
  return lanesWindow(idx.db, kind, t0, t1, widthPx, (g) => (nameStmt.get(g) as string | undefined) ?? '');
}

/** The trace's start on its own clock (meta start_ns), 0 when the index does not say. */
export function traceStartNs(idx: TraceIndex): number {
  return Number(idx.db.prepare("SELECT value FROM meta WHERE key = 'start_ns'").pluck().get() ?? 0);
}

/** Most intervals a goroutine's detail lists (intervalsTruncated says when it has more). */
const MAX_DETAIL_INTERVALS = 20_000;

/** The goroutine list's sort keys and the sort orders the index keeps for them (goroutine-orders.ts). */
const SORT_COLUMNS: Record<GoroutineSortKey, GoroutineOrderColumn> = {
  id: 'id', name: 'name', startNs: 'start_ns', endNs: 'end_ns', runningNs: 'running_ns',
  waitingNs: 'waiting_ns', runnableNs: 'runnable_ns', syscallNs: 'syscall_ns',
};

interface GoroutineDbRow {
  id: number; name: string; created_ns: number | null; creator: number | null; start_ns: number; end_ns: number | null;
  last_state: number; last_reason: string; running_ns: number; runnable_ns: number; waiting_ns: number; syscall_ns: number;
}

function goroutineRow(r: GoroutineDbRow): GoroutineRow {
  return {
    id: r.id, name: r.name, createdNs: r.created_ns, creator: r.creator, startNs: r.start_ns, endNs: r.end_ns,
    lastState: GO_STATES[r.last_state], lastReason: r.last_reason, runningNs: r.running_ns, runnableNs: r.runnable_ns,
    waitingNs: r.waiting_ns, syscallNs: r.syscall_ns,
  };
}

/** The columns of a GoroutineDbRow, over GOROUTINE_JOINS. */
const GOROUTINE_COLUMNS = `g.id, n.value AS name, CASE WHEN g.created THEN g.start_ns END AS created_ns, g.creator, g.start_ns, g.end_ns, g.last_state,
  COALESCE(r.value, '') AS last_reason, g.running_ns, g.runnable_ns, g.waiting_ns, g.syscall_ns`;

/** A goroutine with its stacks, wait time by reason, intervals (the first MAX_DETAIL_INTERVALS) and who unblocked whom; `gid` must be in the trace. */
export async function goroutineDetail(idx: TraceIndex, gid: number): Promise<GoroutineDetail> {
  const r = idx.db.prepare(`SELECT ${GOROUTINE_COLUMNS}, g.creation_stack, g.start_stack, g.wait_ns_by_reason, g.interval_data, g.intervals
    ${GOROUTINE_JOINS} WHERE g.id = ?`).get(gid) as (GoroutineDbRow & { creation_stack: number; start_stack: number;
    wait_ns_by_reason: Uint8Array | null; interval_data: Uint8Array | null; intervals: number }) | undefined;
  if (!r) throw new InvalidArgument(`no goroutine ${gid} in this trace`);
  const intervals: GoroutineInterval[] = [];
  idx.intervals({ id: r.id, start_ns: r.start_ns, interval_data: r.interval_data }, -Infinity, Infinity, (s, e, state, reason, stack, open, thread, proc) => {
    if (intervals.length === MAX_DETAIL_INTERVALS) return false;
    intervals.push({ start: s, end: e, state: GOROUTINE_STATES[state], reason: idx.string(reason), stack: idx.stack(stack), open,
      thread: thread >= 0 ? thread : null, proc: proc >= 0 ? proc : null });
  });
  // Stored for goroutines with chunks of intervals; the others' intervals are all at hand.
  const waitNsByReason: Record<string, number> = {};
  if (r.wait_ns_by_reason) {
    readWaitByReason(r.wait_ns_by_reason, (reason, ns) => void (waitNsByReason[idx.string(reason)] = ns));
  } else {
    for (const iv of intervals) if (iv.state === 'Waiting' && iv.end > iv.start) waitNsByReason[iv.reason] = (waitNsByReason[iv.reason] ?? 0) + iv.end - iv.start;
  }
  // How long each wait that another goroutine ended had lasted: the Waiting interval ending at the edge.
  const { woken: unblockedBy, woke: unblocked } = await unblockEdges(idx, gid, r.start_ns, r.end_ns ?? Number.MAX_SAFE_INTEGER);
  const waitEnds = new Map(intervals.filter((iv) => iv.state === 'Waiting').map((iv) => [iv.end, iv]));
  for (const e of unblockedBy) {
    const wait = waitEnds.get(e.time);
    if (wait && (wait.start > r.start_ns || r.created_ns !== null)) e.waitedNs = wait.end - wait.start;
  }
  return {
    ...goroutineRow(r), creationStack: idx.stack(r.creation_stack), startStack: idx.stack(r.start_stack), waitNsByReason,
    intervals, intervalsTruncated: r.intervals > intervals.length, unblockedBy, unblocked,
  };
}

/**
 * A page of the goroutine list, sorted and filtered as `req` says (validated: goroutineListRequest);
 * `goroutines` is the trace's count, the total of the unfiltered list.
 */
export function goroutinePage(idx: TraceIndex, req: GoroutineListRequest, goroutines: number): GoroutinePage {
  const sort = req.sort ?? 'id';
  const limit = req.limit ?? 100;
  const offset = req.offset ?? 0;
  const where: string[] = [];
  const params: unknown[] = [];
  if (req.state) {
    where.push('g.last_state = ?');
    params.push(GO_STATES.indexOf(req.state));
  }
  if (req.reason !== undefined) {
    where.push("COALESCE(r.value, '') = ?");
    params.push(req.reason);
  }
  if (req.nameContains) {
    where.push("instr(n.value, ?) > 0");
    params.push(req.nameContains);
  }
  if (req.aliveAtEnd === true) where.push('g.end_ns IS NULL');
  const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  // Unfiltered, the total is the summary's (a count over millions of rows takes a while).
  let total = where.length === 0 ? goroutines : idx.filteredTotals.get(JSON.stringify([filter, params]));
  if (total === undefined) {
    total = idx.db.prepare(`SELECT count(*) ${GOROUTINE_JOINS} ${filter}`).pluck().get(...params) as number;
    if (idx.filteredTotals.size >= 100) idx.filteredTotals.clear();
    idx.filteredTotals.set(JSON.stringify([filter, params]), total);
  }
  // Ties are broken by ID in the sort's direction.
  idx.list ??= new GoroutineList(idx.db, goroutines);
  const ids = idx.list.ids(SORT_COLUMNS[sort], req.descending === true, { where, params }, offset, limit);
  const byId = new Map((idx.db.prepare(`SELECT ${GOROUTINE_COLUMNS} ${GOROUTINE_JOINS} WHERE g.id IN (SELECT value FROM json_each(?))`)
    .all(JSON.stringify(ids)) as GoroutineDbRow[]).map((r) => [r.id, r]));
  return { total, rows: ids.map((id) => goroutineRow(byId.get(id)!)) };
}

/** Ranges overlapping (a, b), in start order; only those whose name starts with one of `prefixes`, when given. */
export function rangesInWindow(idx: TraceIndex, a: number, b: number, prefixes: string[] | undefined): RangeRow[] {
  // Range names are few: pick their string IDs first, so the scan of ranges filters on integers.
  const nameFilter = prefixes ? `AND r.name IN (SELECT id FROM strings WHERE ${prefixes.map(() => 'substr(value, 1, ?) = ?').join(' OR ') || '0'})` : '';
  // Rows as arrays and names from the string cache: a zoomed-out window holds 100 000 ranges.
  const rows = idx.db.prepare(`SELECT r.name, r.scope_kind, r.scope_id, r.start_ns, r.end_ns, r.began_before, r.open
    FROM ranges r WHERE r.start_ns < ? AND r.end_ns > ? ${nameFilter} ORDER BY r.start_ns`).raw()
    .all(b, a, ...(prefixes ?? []).flatMap((p) => [p.length, p])) as number[][];
  return rows.map(([name, scopeKind, scopeId, start, end, beganBefore, open]) => ({
    name: idx.string(name), scope: SCOPE_KINDS[scopeKind], scopeId, start, end, beganBefore: beganBefore === 1, open: open === 1,
  }));
}

/** The metric `name`'s points in [a, b], at most `max`, each the peak of its span; none for a metric the trace lacks. */
export function metricWindow(idx: TraceIndex, name: string, a: number, b: number, max: number): MetricPoint[] {
  const nameId = idx.db.prepare('SELECT id FROM strings WHERE value = ?').pluck().get(name) as number | undefined;
  if (nameId === undefined) return [];
  // The coarsest precomputed level whose buckets are no wider than a point (so between max and
  // 16 × max rows, reduced below); raw points for windows narrower than that.
  const perPoint = (b - a) / max;
  const level = coarsestLevel(METRIC_LEVEL_NS, perPoint);
  const points = level === 0
    ? idx.metricPoints(nameId, a, b)
    : idx.db.prepare('SELECT time_ns AS time, value FROM metric_levels WHERE name = ? AND level = ? AND time_ns >= ? AND time_ns <= ? ORDER BY time_ns')
      .all(nameId, level, a - METRIC_LEVEL_NS[level - 1], b) as MetricPoint[];
  if (points.length <= max) return points;
  // Each bucket's point of largest value (the earliest of equal ones).
  const peaks = new PeakPerBucket<MetricPoint>(a, (b - a) / max, (kept, p) => (p.value > kept.value ? p : kept));
  for (const p of points) peaks.add(p);
  return peaks.points;
}

/** Goroutines by state over [a, b], at most `max` points, each state's peak in its span. */
export function goroutineCountsWindow(idx: TraceIndex, a: number, b: number, max: number): GoroutineCountPoint[] {
  // One point per bucket of the window, each state's peak in it; read from the coarsest level
  // whose buckets are no wider than a point (raw samples, every 100 µs, for narrow windows).
  const bucket = Math.max((b - a) / max, 1);
  const level = coarsestLevel(COUNT_LEVEL_NS, bucket);
  if (level > 0) {
    return idx.db.prepare(`SELECT max(time_ns) AS time, max(running) AS running, max(runnable) AS runnable, max(waiting) AS waiting,
      max(syscall) AS syscall FROM goroutine_count_levels WHERE level = ? AND time_ns >= ? AND time_ns <= ?
      GROUP BY CAST((max(time_ns, ?) - ?) / ? AS INTEGER) ORDER BY 1`)
      .all(level, a - COUNT_LEVEL_NS[level - 1], b, a, a, bucket) as GoroutineCountPoint[];
  }
  // As the levels' query: each state's largest count, at the bucket's last sample.
  const peaks = new PeakPerBucket<GoroutineCountPoint>(a, bucket, (kept, p) => {
    kept.time = p.time;
    kept.running = Math.max(kept.running, p.running);
    kept.runnable = Math.max(kept.runnable, p.runnable);
    kept.waiting = Math.max(kept.waiting, p.waiting);
    kept.syscall = Math.max(kept.syscall, p.syscall);
    return kept;
  });
  idx.countSamples(a, b, (time, [running, runnable, waiting, syscall]) => peaks.add({ time, running, runnable, waiting, syscall }));
  return peaks.points;
}

/** Total Waiting time by wait reason and blocking stack, largest first, at most `max` rows. */
export function blockingRows(idx: TraceIndex, max: number): BlockingRow[] {
  const rows = idx.db.prepare(`SELECT reason, stack, total_ns, count, max_ns FROM blocking ORDER BY total_ns DESC LIMIT ?`).all(max) as
    { reason: number; stack: number; total_ns: number; count: number; max_ns: number }[];
  return rows.map((r) => ({ reason: idx.string(r.reason), stack: idx.stack(r.stack), totalNs: r.total_ns, count: r.count, maxNs: r.max_ns }));
}
