// The one service behind every host: artefacts from the library, views computed from their
// indexes. Arguments are validated here, with the validators of the table hosts check calls
// from a page against (validate.ts), so any caller may pass what it receives.

import Database from 'better-sqlite3';
import { decodeChunk, indexNsPerTick, type IntervalVisitor } from '../index/interval-codec.ts';
import { Library, LibraryError, traceSummary, type Artefact, type ArtefactKind } from '../index/library.ts';
import type { ArtefactChange } from './types.ts';
import { artefactChange } from './validate.ts';
import { IndexJobs } from './index-jobs.ts';
import { diffDumps, dumpGroups } from './dump-queries.ts';
import { profileFlame, profileTop, profileTopDiff } from './profile-queries.ts';
import { TopError } from '../analyze/profile-top.ts';
import { IncompatibleProfiles } from '../analyze/profile-merge.ts';
import { COUNT_LEVEL_NS, GO_STATES, METRIC_LEVEL_NS, SCOPE_KINDS } from '../index/schema.ts';
import { BUCKETS_PER_ROW, decodeLevelRow, LEVEL_NS } from '../index/levels.ts';
import { decodePoints } from '../index/point-codec.ts';
import { ByteReader } from '../index/varint.ts';
import { GOROUTINE_JOINS, GoroutineList } from './goroutine-list.ts';
import type { GoroutineOrderColumn } from '../index/goroutine-orders.ts';
import { PixelMerger } from './timeline.ts';
import { edgesInWindow, intervalAt, MAX_TIMELINE_EDGES, OVERLAPPING_CHUNKS, rangeStats } from './timeline-answers.ts';
import { lanesWindow, LanesUnavailable } from './timeline-lanes.ts';
import { timeArgument, timelineAnnotationsRequest, timelineEdgesRequest, timelineLanesRequest, timelineSearchRequest } from './timeline-validate.ts';
import { matchingGoroutines, nextMatch } from './timeline-search.ts';
import { annotationsInWindow } from './timeline-annotations.ts';
import { withPointBefore } from './timeline-series.ts';
import { traceClock } from './timeline-clock.ts';
import { blockingProfile, leakReport, unblockEdges } from './trace-answers.ts';
import { gcReport } from './gc-report.ts';
import { triageArtefacts, type TriageInput } from './triage.ts';
import type { TriageReport } from './types.ts';
import { gatherReport, reportHtml } from './report.ts';
import { goroutinesDump } from './goroutine-dump.ts';
import { artefactRefs, goroutineIds } from './report-validate.ts';
import type { GoroutineDumpText } from './types.ts';
import { dumpAt } from './trace-dump-at.ts';
import { goroutineGroups } from './goroutine-groups.ts';
import { durationHistograms } from './duration-histograms.ts';
import type { CompareSide, DumpAt, DurationHistograms, GoroutineGroupReport, TraceComparison } from './types.ts';
import { compareSides, sideFigures } from './trace-compare.ts';
import { BLOCKING_KIND_NAMES, GOROUTINE_STATES } from './types.ts';
import type {
  ArtefactInfo, ArtefactSummary, BlockingKind, PprofExport, BlockingProfile, BlockingRow, GcReport, LeakReport, DumpDiff, DumpGroups, GoroscopeApi, GoroutineCountPoint, IndexJob, FlameGraph, ProfileFlameRequest, ProfileTop, ProfileTopRequest, GoroutineDetail, GoroutineInterval, GoroutineListRequest, GoroutinePage, GoroutineRow,
  GoroutineSortKey, IndexProgressEvent, MetricPoint, QueryRequest, QueryResult, RangeRow, StackFrameInfo,
  TimelineRequest, TimelineRow, TimelineWindow,
  TimelineEdges, TimelineEdgesRequest, TimelineInterval, TimelineLanesRequest, TimelineLanesWindow, TimelineRangeStats,
  TimelineSearchRequest, TimelineSearchResult, TimelineAnnotationsRequest, TimelineAnnotations, TimelineClock,
} from './types.ts';
import { MAX_RESULT_BYTES, queryPool } from './sql-pool.ts';
import { blockingFlame, pprofExport } from '../export/pprof-export.ts';
import { withTraceIndex } from '../export/open-index.ts';
import { writePerfettoJson, WHOLE_TRACE, type PerfettoCounts } from '../export/perfetto.ts';
import { writeParquetTables, type ParquetExportResult } from '../export/parquet.ts';
import { blockingPprof } from '../export/blocking-pprof.ts';
import { loadIndexedProfile } from '../index/profile-indexer.ts';
import {
  absolutePath, artefactRef, blockingLimit, compareSide, filePath, goroutineListRequest, integer, InvalidArgument, jobId as validJobId,
  namePrefixes as validNamePrefixes, oneOf, optional, profileFlameRequest, profileTopRequest, queryRequest, text, timelineRequest, triageRefs, window,
} from './validate.ts';

const MAX_DETAIL_INTERVALS = 20_000;
/**
 * Of levels of detail whose buckets are `widths` ns wide (finest first), the coarsest whose
 * buckets are no wider than `maxWidth` ns, numbered from 1; 0 when even the finest is wider.
 */
function coarsestLevel(widths: readonly number[], maxWidth: number): number {
  let level = 0;
  while (level < widths.length && widths[level] <= maxWidth) level++;
  return level;
}

/** How errors name a kind an artefact is not. */
const KIND_NAMES: Record<ArtefactKind, string> = { trace: 'an execution trace', profile: 'a profile', dump: 'a goroutine dump' };
const SORT_COLUMNS: Record<GoroutineSortKey, GoroutineOrderColumn> = {
  id: 'id', name: 'name', startNs: 'start_ns', endNs: 'end_ns', runningNs: 'running_ns',
  waitingNs: 'waiting_ns', runnableNs: 'runnable_ns', syscallNs: 'syscall_ns',
};

/** What a host may show of a catalogue entry. */
export function artefactInfo(a: Artefact): ArtefactInfo {
  return {
    hash: a.hash, name: a.name, path: a.path, size: a.size, kind: a.kind, format: a.format, indexedAt: a.indexedAt,
    durationNs: a.durationNs, goroutines: a.goroutines, items: a.items, warning: a.warning, label: a.label, openedAt: a.openedAt,
    ...(a.partial ? { partial: { ...a.partial } } : {}),
  };
}

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

const GOROUTINE_COLUMNS = `g.id, n.value AS name, CASE WHEN g.created THEN g.start_ns END AS created_ns, g.creator, g.start_ns, g.end_ns, g.last_state,
  COALESCE(r.value, '') AS last_reason, g.running_ns, g.runnable_ns, g.waiting_ns, g.syscall_ns`;

/** An open artefact index with its prepared statements and caches. */
class ArtefactIndex {
  readonly db: Database.Database;
  private readonly stacks = new Map<number, StackFrameInfo[]>();
  private readonly strings = new Map<number, string>();
  private readonly stackStmt: Database.Statement;
  private readonly stringStmt: Database.Statement;
  private readonly chunkStmt: Database.Statement;
  private readonly levelStmt: Database.Statement;
  private readonly pointsStmt: Database.Statement;
  private readonly countsStmt: Database.Statement;
  /** How the interval chunks store durations. */
  private readonly nsPerTick: number;
  /** Goroutine counts per list filter: paging through a filtered list of millions counts once. */
  readonly filteredTotals = new Map<string, number>();
  /** The goroutine list's pages, once asked for. */
  list: GoroutineList | null = null;

  constructor(readonly path: string) {
    this.db = new Database(path, { readonly: true, fileMustExist: true });
    this.stackStmt = this.db.prepare(`SELECT f.pc, a.value AS func, b.value AS file, f.line FROM stack_frames sf
      JOIN frames f ON f.id = sf.frame JOIN strings a ON a.id = f.func JOIN strings b ON b.id = f.file
      WHERE sf.stack = ? ORDER BY sf.position`);
    this.stringStmt = this.db.prepare('SELECT value FROM strings WHERE id = ?').pluck();
    this.chunkStmt = this.db.prepare(OVERLAPPING_CHUNKS);
    this.levelStmt = this.db.prepare(`SELECT start_bucket, data FROM goroutine_levels
      WHERE goroutine = ? AND level = ? AND start_bucket BETWEEN ? AND ? ORDER BY start_bucket`);
    this.pointsStmt = this.db.prepare(`SELECT start_ns, data FROM metric_chunks
      WHERE name = ? AND start_ns <= ? AND end_ns >= ? ORDER BY start_ns`);
    this.countsStmt = this.db.prepare('SELECT start_ns, data FROM goroutine_count_chunks WHERE start_ns <= ? AND end_ns >= ? ORDER BY start_ns');
    this.nsPerTick = indexNsPerTick(this.db);
  }

  /**
   * Visits the buckets of the coarsest level no wider than `nsPerPx` overlapping [t0, t1);
   * false when the goroutine has no such level (short-lived goroutines, or a narrow window).
   */
  levelBuckets(goroutine: number, t0: number, t1: number, nsPerPx: number,
    visit: (start: number, end: number, stateNs: number[]) => void): boolean {
    const level = coarsestLevel(LEVEL_NS, nsPerPx);
    if (level === 0) return false;
    const width = LEVEL_NS[level - 1];
    // Rows hold up to BUCKETS_PER_ROW buckets from their start bucket.
    const rows = this.levelStmt.all(goroutine, level, Math.floor(t0 / width) - BUCKETS_PER_ROW, Math.floor(t1 / width)) as { start_bucket: number; data: Uint8Array }[];
    if (rows.length === 0) return false;
    // Rows are in time order, each ending before the next begins: of those starting at or before
    // t0's bucket only the last can reach the window (rows cut at ROW_BYTES are short, and the
    // BUCKETS_PER_ROW look-back fetches a dozen that end before it).
    let first = 0;
    while (first + 1 < rows.length && rows[first + 1].start_bucket <= Math.floor(t0 / width)) first++;
    for (const r of rows.slice(first)) {
      decodeLevelRow({ level, startBucket: r.start_bucket, data: r.data }, (s, e, stateNs) => {
        if (e > t0 && s < t1) visit(s, e, stateNs);
      });
    }
    return true;
  }

  string(id: number): string {
    if (id === 0) return '';
    let s = this.strings.get(id);
    if (s === undefined) {
      s = (this.stringStmt.get(id) as string | undefined) ?? '';
      this.strings.set(id, s);
    }
    return s;
  }

  stack(id: number): StackFrameInfo[] {
    if (id === 0) return [];
    let s = this.stacks.get(id);
    if (!s) {
      s = this.stackStmt.all(id) as StackFrameInfo[];
      this.stacks.set(id, s);
    }
    return s;
  }

  /** A metric's points in [t0, t1], in time order. */
  metricPoints(name: number, t0: number, t1: number): MetricPoint[] {
    const out: MetricPoint[] = [];
    this.visitPoints(this.pointsStmt.all(name, t1, t0), 1, t0, t1, (time, [value]) => void out.push({ time, value }));
    return out;
  }

  /** Visits the goroutine count samples in [t0, t1], in time order (counts: running, runnable, waiting, syscall). */
  countSamples(t0: number, t1: number, visit: (time: number, counts: readonly number[]) => void): void {
    this.visitPoints(this.countsStmt.all(t1, t0), 4, t0, t1, visit);
  }

  /** Visits the points in [t0, t1] of point chunks (see point-codec.ts) of `width` values, in time order. */
  private visitPoints(chunks: unknown[], width: number, t0: number, t1: number, visit: (time: number, values: readonly number[]) => void): void {
    for (const c of chunks as { start_ns: number; data: Uint8Array }[]) {
      decodePoints(c.data, c.start_ns, this.nsPerTick, width, (time, values) => {
        if (time >= t0 && time <= t1) visit(time, values);
      });
    }
  }

  /** Visits a goroutine's intervals overlapping [t0, t1), in time order. */
  intervals(g: { id: number; start_ns: number; interval_data: Uint8Array | null }, t0: number, t1: number,
    visit: IntervalVisitor): void {
    if (g.interval_data) {
      decodeChunk(g.interval_data, g.start_ns, this.nsPerTick, visit);
      return;
    }
    let go = true;
    for (const c of this.chunkStmt.all({ goroutine: g.id, t0, t1 }) as { start_ns: number; data: Uint8Array }[]) {
      decodeChunk(c.data, c.start_ns, this.nsPerTick, (s, e, st, r, sk, o, th, p) => (go = visit(s, e, st, r, sk, o, th, p) !== false));
      if (!go) return;
    }
  }
}

export class GoroscopeService implements GoroscopeApi {
  private readonly open = new Map<string, ArtefactIndex>();
  /** Open indexes of profiles and dumps, which need no prepared statements of their own. */
  private readonly openPlain = new Map<string, Database.Database>();
  private readonly jobs: IndexJobs;

  /** `indexWorkerFile`: see IndexJobs (bundled apps pass their built worker). */
  constructor(readonly library: Library, indexWorkerFile?: string) {
    this.jobs = new IndexJobs(library.dir, artefactInfo, indexWorkerFile);
  }

  async close(): Promise<void> {
    await this.jobs.close();
    for (const idx of this.open.values()) idx.db.close();
    this.open.clear();
    for (const db of this.openPlain.values()) db.close();
    this.openPlain.clear();
  }

  /** The open index of a profile or dump artefact. */
  private plainIndex(ref: unknown, kind: 'profile' | 'dump'): Database.Database {
    return this.opened(ref, kind, this.openPlain, (file) => new Database(file, { readonly: true, fileMustExist: true })).index;
  }

  private artefact(ref: unknown): Artefact {
    return this.library.resolve(artefactRef(ref));
  }

  /** The open index of a trace artefact (the timeline, goroutine, range and metric views are the trace's). */
  private index(ref: unknown): { artefact: Artefact; idx: ArtefactIndex } {
    const { artefact, index } = this.opened(ref, 'trace', this.open, (file) => new ArtefactIndex(file));
    return { artefact, idx: index };
  }

  /** The artefact `ref` names, which must be of `kind`, with its index opened once and kept in `cache`. */
  private opened<T>(ref: unknown, kind: ArtefactKind, cache: Map<string, T>, open: (file: string) => T): { artefact: Artefact; index: T } {
    const artefact = this.artefact(ref);
    if (artefact.kind !== kind) throw new InvalidArgument(`${artefact.name} is a ${artefact.kind}, not ${KIND_NAMES[kind]}`);
    let index = cache.get(artefact.hash);
    if (index === undefined) {
      if (!this.library.isCurrent(artefact)) throw new InvalidArgument(`${artefact.name} must be re-indexed (index missing or from an older version)`);
      index = open(this.library.indexPath(artefact.hash));
      cache.set(artefact.hash, index);
    }
    return { artefact, index };
  }

  async listArtefacts(): Promise<ArtefactInfo[]> {
    return this.library.list().map(artefactInfo);
  }

  async removeArtefact(ref: string): Promise<boolean> {
    const a = this.artefact(ref);
    this.open.get(a.hash)?.db.close();
    this.open.delete(a.hash);
    this.openPlain.get(a.hash)?.close();
    this.openPlain.delete(a.hash);
    return this.library.remove(a.hash);
  }

  async updateArtefact(ref: string, change: ArtefactChange): Promise<ArtefactInfo> {
    const { label, opened } = artefactChange(change);
    let a = this.artefact(ref);
    try {
      if (label !== undefined) a = this.library.setLabel(a.hash, label);
      if (opened) a = this.library.markOpened(a.hash);
    } catch (e) {
      if (e instanceof LibraryError) throw new InvalidArgument(e.message);
      throw e;
    }
    return artefactInfo(a);
  }

  async indexFile(path: string, onProgress?: (p: IndexProgressEvent) => void, shouldCancel?: () => boolean) {
    const { artefact, reused } = this.library.index(filePath('path', path), { onProgress, shouldCancel });
    return { artefact: artefactInfo(artefact), reused };
  }

  async startIndex(path: string): Promise<IndexJob> {
    return this.jobs.start(absolutePath('path', path));
  }

  async indexJobs(): Promise<IndexJob[]> {
    return this.jobs.list();
  }

  async cancelIndex(jobId: string): Promise<boolean> {
    return this.jobs.cancel(validJobId(jobId));
  }

  /** Calls `listener` on every change of an index job (hosts forward these to their UI). */
  onIndexJob(listener: (job: IndexJob) => void): () => void {
    return this.jobs.subscribe(listener);
  }

  async summary(ref: string): Promise<ArtefactSummary> {
    const a = this.artefact(ref);
    const artefact = artefactInfo(a);
    switch (a.kind) {
      case 'trace': return { kind: 'trace', artefact, summary: traceSummary(a) };
      case 'profile': return { kind: 'profile', artefact, summary: a.summary as Record<string, unknown> };
      case 'dump': return { kind: 'dump', artefact, summary: a.summary as Record<string, unknown> };
    }
  }

  async timeline(request: TimelineRequest): Promise<TimelineWindow> {
    const { t0, t1, widthPx, goroutines: ids, artefact } = timelineRequest(request);
    const { idx } = this.index(artefact);
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

  async timelineLanes(request: TimelineLanesRequest): Promise<TimelineLanesWindow> {
    const { artefact, kind, t0, t1, widthPx } = timelineLanesRequest(request);
    const { idx } = this.index(artefact);
    const nameStmt = idx.db.prepare('SELECT n.value FROM goroutines g JOIN strings n ON n.id = g.name WHERE g.id = ?').pluck();
    try {
      return lanesWindow(idx.db, kind, t0, t1, widthPx, (g) => (nameStmt.get(g) as string | undefined) ?? '');
    } catch (e) {
      if (e instanceof LanesUnavailable) throw new InvalidArgument(e.message);
      throw e;
    }
  }

  async timelineInterval(ref: string, goroutine: number, time: number): Promise<TimelineInterval | null> {
    const g = integer('goroutine', goroutine, 0);
    const t = timeArgument('time', time);
    return intervalAt(this.index(ref).idx, g, t);
  }

  async timelineEdges(request: TimelineEdgesRequest): Promise<TimelineEdges> {
    const { artefact, t0, t1, goroutine, limit } = timelineEdgesRequest(request);
    return edgesInWindow(this.index(artefact).idx, t0, t1, goroutine, limit ?? MAX_TIMELINE_EDGES);
  }

  async timelineRangeStats(ref: string, t0: number, t1: number): Promise<TimelineRangeStats> {
    const [a, b] = window(t0, t1);
    return rangeStats(this.index(ref).idx, a, b);
  }

  async timelineSearch(request: TimelineSearchRequest): Promise<TimelineSearchResult> {
    const { pattern, goroutine, offset, ...list } = timelineSearchRequest(request);
    const matches = goroutine !== undefined ? new Set([goroutine]) : matchingGoroutines(this.index(list.artefact).idx.db, pattern ?? '');
    const found = await nextMatch(matches, offset ?? 0, (o, limit) => this.goroutines({ ...list, offset: o, limit }));
    return { matching: matches.size, match: found && { index: found.index, row: found.row }, wrapped: found?.wrapped ?? false };
  }

  async timelineClock(ref: string): Promise<TimelineClock | null> {
    const { artefact, idx } = this.index(ref);
    const startNs = Number(idx.db.prepare("SELECT value FROM meta WHERE key = 'start_ns'").pluck().get() ?? 0);
    return traceClock(artefact.path, artefact.format, startNs);
  }

  async timelineAnnotations(request: TimelineAnnotationsRequest): Promise<TimelineAnnotations> {
    const { artefact, t0, t1, goroutines } = timelineAnnotationsRequest(request);
    return annotationsInWindow(this.index(artefact).idx, t0, t1, goroutines);
  }

  async goroutine(ref: string, id: number): Promise<GoroutineDetail> {
    const gid = integer('id', id, 0);
    const { idx } = this.index(ref);
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
      const pairs = new ByteReader(r.wait_ns_by_reason);
      while (!pairs.done) {
        const reason = idx.string(pairs.uvarint());
        waitNsByReason[reason] = pairs.uvarint();
      }
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

  async goroutines(request: GoroutineListRequest): Promise<GoroutinePage> {
    const req = goroutineListRequest(request);
    const { idx } = this.index(req.artefact);
    const sort = oneOf('sort', req.sort ?? 'id', Object.keys(SORT_COLUMNS) as GoroutineSortKey[]);
    const limit = integer('limit', req.limit ?? 100, 1, 10_000);
    const offset = integer('offset', req.offset ?? 0, 0);
    const where: string[] = [];
    const params: unknown[] = [];
    const state = optional(req.state, (v) => oneOf('state', v, GO_STATES));
    if (state) {
      where.push('g.last_state = ?');
      params.push(GO_STATES.indexOf(state));
    }
    const reason = optional(req.reason, (v) => text('reason', v, 1000));
    if (reason !== undefined) {
      where.push("COALESCE(r.value, '') = ?");
      params.push(reason);
    }
    const name = optional(req.nameContains, (v) => text('nameContains', v, 1000));
    if (name) {
      where.push("instr(n.value, ?) > 0");
      params.push(name);
    }
    if (req.aliveAtEnd === true) where.push('g.end_ns IS NULL');
    const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    // Unfiltered, the total is the summary's (a count over millions of rows takes a while).
    const goroutines = this.artefact(req.artefact).goroutines;
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

  async ranges(ref: string, t0: number, t1: number, namePrefixes?: string[]): Promise<RangeRow[]> {
    const [a, b] = window(t0, t1);
    const prefixes = validNamePrefixes(namePrefixes);
    const { idx } = this.index(ref);
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

  async metric(ref: string, name: string, t0: number, t1: number, maxPoints: number, holdBefore?: boolean): Promise<MetricPoint[]> {
    if (holdBefore === true) return withPointBefore(this.index(ref).idx.db, name, t0, await this.metric(ref, name, t0, t1, maxPoints));
    const [a, b] = window(t0, t1);
    const max = integer('maxPoints', maxPoints, 2, 100_000);
    const { idx } = this.index(ref);
    const nameId = idx.db.prepare('SELECT id FROM strings WHERE value = ?').pluck().get(text('name', name, 1000)) as number | undefined;
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
    // Keep the largest value of each bucket: peaks (heap, goroutines) are what matters.
    const out: MetricPoint[] = [];
    const bucket = (b - a) / max;
    for (const p of points) {
      const last = out[out.length - 1];
      if (last && Math.floor((p.time - a) / bucket) === Math.floor((last.time - a) / bucket)) {
        if (p.value > last.value) out[out.length - 1] = p;
      } else {
        out.push(p);
      }
    }
    return out;
  }

  async goroutineCounts(ref: string, t0: number, t1: number, maxPoints: number): Promise<GoroutineCountPoint[]> {
    const [a, b] = window(t0, t1);
    const max = integer('maxPoints', maxPoints, 2, 100_000);
    const { idx } = this.index(ref);
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
    const out: GoroutineCountPoint[] = [];
    let last = -1;
    idx.countSamples(a, b, (time, [running, runnable, waiting, syscall]) => {
      const key = Math.floor((time - a) / bucket);
      const p = out[out.length - 1];
      if (key !== last) {
        out.push({ time, running, runnable, waiting, syscall });
        last = key;
      } else {
        p.time = time;
        p.running = Math.max(p.running, running);
        p.runnable = Math.max(p.runnable, runnable);
        p.waiting = Math.max(p.waiting, waiting);
        p.syscall = Math.max(p.syscall, syscall);
      }
    });
    return out;
  }

  async blocking(ref: string, limit?: number): Promise<BlockingRow[]> {
    const max = blockingLimit(limit) ?? 100;
    const { idx } = this.index(ref);
    const rows = idx.db.prepare(`SELECT reason, stack, total_ns, count, max_ns FROM blocking ORDER BY total_ns DESC LIMIT ?`).all(max) as
      { reason: number; stack: number; total_ns: number; count: number; max_ns: number }[];
    return rows.map((r) => ({ reason: idx.string(r.reason), stack: idx.stack(r.stack), totalNs: r.total_ns, count: r.count, maxNs: r.max_ns }));
  }

  async blockingProfile(ref: string, kind: BlockingKind): Promise<BlockingProfile> {
    const k = oneOf('kind', kind, BLOCKING_KIND_NAMES);
    return blockingProfile(this.index(ref).idx, k);
  }

  async blockingFlame(ref: string, kind: BlockingKind): Promise<FlameGraph> {
    const k = oneOf('kind', kind, BLOCKING_KIND_NAMES);
    return blockingFlame(this.index(ref).idx, k);
  }

  async exportPprof(ref: string, kind?: BlockingKind): Promise<PprofExport> {
    const artefact = this.artefact(artefactRef(ref));
    if (artefact.kind === 'trace') {
      const k = oneOf('kind', kind, BLOCKING_KIND_NAMES);
      return pprofExport(blockingPprof(this.index(ref).idx, k), artefact.name, `.${k}`);
    }
    if (artefact.kind !== 'profile') throw new InvalidArgument(`${artefact.name} is a goroutine dump: only traces and profiles export as pprof`);
    if (kind !== undefined) throw new InvalidArgument(`${artefact.name} is a profile: a kind (${kind}) applies to traces only`);
    return pprofExport(loadIndexedProfile(this.plainIndex(ref, 'profile')), artefact.name, '');
  }

  /**
   * A trace, or the window [t0, t1) of it, as a Perfetto/Chrome JSON trace written to `file`
   * (src-main/export/perfetto.ts). Writes a file on the host: for the CLI, not in HOST_ARGUMENTS.
   */
  async exportPerfetto(ref: string, file: string, t0?: number, t1?: number): Promise<PerfettoCounts> {
    const out = absolutePath('file', file);
    const w = t0 === undefined && t1 === undefined ? WHOLE_TRACE
      : (([a, b]) => ({ t0: a, t1: b }))(window(t0 ?? WHOLE_TRACE.t0, t1 ?? WHOLE_TRACE.t1));
    const { artefact } = this.index(ref);
    return withTraceIndex(this.library.indexPath(artefact.hash), (db) => writePerfettoJson(db, out, w));
  }

  /** A trace's index as Parquet files in `dir` (src-main/export/parquet.ts, docs/parquet.md). Writes files on the host: for the CLI only. */
  async exportParquet(ref: string, dir: string): Promise<ParquetExportResult> {
    const out = absolutePath('dir', dir);
    const { artefact } = this.index(ref);
    return withTraceIndex(this.library.indexPath(artefact.hash), (db) => writeParquetTables(db, out, {
      'goroscope.artefact': artefact.hash, 'goroscope.source': artefact.name, 'goroscope.format': artefact.format,
    }));
  }

  async leaks(ref: string): Promise<LeakReport> {
    const { artefact, idx } = this.index(ref);
    return leakReport(idx, traceSummary(artefact).durationNs);
  }

  async triage(refs: string[]): Promise<TriageReport> {
    const inputs = triageRefs(refs).map((ref): TriageInput => {
      const a = this.artefact(ref);
      if (a.kind === 'trace') {
        const { artefact, idx } = this.index(ref);
        return { artefact: artefactInfo(artefact), kind: 'trace', idx, durationNs: traceSummary(artefact).durationNs };
      }
      return { artefact: artefactInfo(a), kind: a.kind, db: this.plainIndex(ref, a.kind) };
    });
    // An artefact named twice (by path and by hash) is one source, not two snapshots.
    return triageArtefacts(inputs.filter((x, i) => inputs.findIndex((y) => y.artefact.hash === x.artefact.hash) === i));
  }

  async gc(ref: string, windowNs?: number): Promise<GcReport> {
    const window = windowNs === undefined ? undefined : integer('windowNs', windowNs, 1, Number.MAX_SAFE_INTEGER);
    const { artefact, idx } = this.index(ref);
    return gcReport(idx, traceSummary(artefact).durationNs, window);
  }

  async goroutineGroups(ref: string): Promise<GoroutineGroupReport> {
    const { artefact, idx } = this.index(ref);
    return goroutineGroups(idx, traceSummary(artefact).durationNs);
  }

  async durationHistograms(ref: string): Promise<DurationHistograms> {
    const { artefact, idx } = this.index(ref);
    return durationHistograms(idx, traceSummary(artefact).durationNs);
  }

  async compareTraces(a: CompareSide, b: CompareSide): Promise<TraceComparison> {
    const side = (s: CompareSide, name: string) => {
      const { ref, t0, t1 } = compareSide(s, name);
      const { artefact, idx } = this.index(ref);
      const durationNs = traceSummary(artefact).durationNs;
      if (t0 === undefined || t1 === undefined) return sideFigures(idx, artefact.name, durationNs, 0, durationNs);
      if (t1 > durationNs) throw new InvalidArgument(`${name}.t1 is past the end of ${artefact.name} (${durationNs} ns)`);
      return sideFigures(idx, `${artefact.name} @${t0}..${t1}`, durationNs, t0, t1);
    };
    return compareSides(side(a, 'a'), side(b, 'b'));
  }

  async dumpAt(ref: string, timeNs: number): Promise<DumpAt> {
    const { artefact, idx } = this.index(ref);
    const durationNs = traceSummary(artefact).durationNs;
    const t = timeArgument('timeNs', timeNs);
    if (!Number.isInteger(t) || t < 0 || t > durationNs) throw new InvalidArgument(`timeNs must be whole ns within the trace, 0 to ${durationNs}, got ${t}`);
    return dumpAt(idx, t, durationNs, `${artefact.name} at ${t} ns`);
  }

  async profileTop(req: ProfileTopRequest): Promise<ProfileTop> {
    const { artefact, base, ...request } = profileTopRequest(req);
    const db = this.plainIndex(artefact, 'profile');
    try {
      return base === undefined ? profileTop(db, request) : profileTopDiff(db, this.plainIndex(base, 'profile'), request);
    } catch (e) {
      if (e instanceof TopError || e instanceof IncompatibleProfiles) throw new InvalidArgument(e.message);
      throw e;
    }
  }

  async profileFlame(req: ProfileFlameRequest): Promise<FlameGraph> {
    const { artefact, base, ...request } = profileFlameRequest(req);
    const db = this.plainIndex(artefact, 'profile');
    try {
      return profileFlame(db, base === undefined ? null : this.plainIndex(base, 'profile'), request);
    } catch (e) {
      if (e instanceof TopError || e instanceof IncompatibleProfiles) throw new InvalidArgument(e.message);
      throw e;
    }
  }

  async dumpGroups(ref: string): Promise<DumpGroups> {
    return dumpGroups(this.plainIndex(ref, 'dump'));
  }

  async report(refs: string[]): Promise<string> {
    return reportHtml(await gatherReport(this, artefactRefs(refs)));
  }

  async goroutinesDump(ref: string, ids: number[]): Promise<GoroutineDumpText> {
    const list = goroutineIds(ids);
    const { artefact, idx } = this.index(ref);
    return goroutinesDump(idx, traceSummary(artefact).durationNs, list);
  }

  async diffDumps(before: string, after: string): Promise<DumpDiff> {
    return diffDumps(this.plainIndex(artefactRef(before, 'before'), 'dump'), this.plainIndex(artefactRef(after, 'after'), 'dump'));
  }

  async query(request: QueryRequest): Promise<QueryResult> {
    const { artefact: ref, sql, rowLimit = 1000, timeLimitMs = 5000 } = queryRequest(request);
    const { artefact } = this.index(ref);
    const started = performance.now();
    // In a process of its own, from a bounded pool, and capped in rows and bytes (sql-pool.ts).
    const { columns, rows, truncated } = await queryPool.run(
      { dbPath: this.library.indexPath(artefact.hash), sql, rowLimit, byteLimit: MAX_RESULT_BYTES }, timeLimitMs);
    return { columns, rows, truncated, elapsedMs: performance.now() - started };
  }
}

