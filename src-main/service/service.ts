// The one service behind every host: artefacts from the library, views computed from their
// indexes. Arguments are validated here, with the validators of the table hosts check calls
// from a page against (validate.ts), so any caller may pass what it receives.

import Database from 'better-sqlite3';
import { TopError } from '../analyze/profile-top.ts';
import { IncompatibleProfiles } from '../analyze/profile-merge.ts';
import { Library, LibraryError, traceSummary, type Artefact, type ArtefactKind } from '../index/library.ts';
import { loadIndexedProfile } from '../index/profile-indexer.ts';
import { blockingPprof } from '../export/blocking-pprof.ts';
import { withTraceIndex } from '../export/open-index.ts';
import { writeParquetTables, type ParquetExportResult } from '../export/parquet.ts';
import { writePerfettoJson, WHOLE_TRACE, type PerfettoCounts } from '../export/perfetto.ts';
import { blockingFlame, pprofExport } from '../export/pprof-export.ts';
import { diffDumps, dumpGroups } from './dump-queries.ts';
import { durationHistograms } from './duration-histograms.ts';
import { gcReport } from './gc-report.ts';
import { goroutinesDump } from './goroutine-dump.ts';
import { goroutineGroups } from './goroutine-groups.ts';
import { IndexJobs } from './index-jobs.ts';
import { IndexVersions } from './index-versions.ts';
import { profileFlame, profileTop, profileTopDiff } from './profile-queries.ts';
import { gatherReport, reportHtml } from './report.ts';
import { artefactRefs, goroutineIds } from './report-validate.ts';
import { MAX_RESULT_BYTES, queryPool } from './sql-pool.ts';
import { edgesInWindow, intervalAt, MAX_TIMELINE_EDGES, rangeStats } from './timeline-answers.ts';
import { annotationsInWindow } from './timeline-annotations.ts';
import { artefactClock } from './timeline-clock.ts';
import { LanesUnavailable } from './timeline-lanes.ts';
import { matchingGoroutines, nextMatch } from './timeline-search.ts';
import { withPointBefore } from './timeline-series.ts';
import { timeArgument, timelineAnnotationsRequest, timelineEdgesRequest, timelineLanesRequest, timelineSearchRequest } from './timeline-validate.ts';
import { blockingProfile, leakReport } from './trace-answers.ts';
import { compareSides, sideFigures } from './trace-compare.ts';
import { dumpAt } from './trace-dump-at.ts';
import { TraceIndex } from './trace-index.ts';
import {
  blockingRows, goroutineCountsWindow, goroutineDetail, goroutinePage, metricWindow, rangesInWindow, timelineLanesWindow, timelineWindow, traceStartNs,
} from './trace-queries.ts';
import { triageArtefacts, type TriageInput } from './triage.ts';
import type {
  ArtefactChange, ArtefactInfo, ArtefactSummary, BlockingKind, BlockingProfile, BlockingRow, CompareSide, DumpAt, DumpDiff, DumpGroups,
  DurationHistograms, FlameGraph, GcReport, GoroscopeApi, GoroutineCountPoint, GoroutineDetail, GoroutineDumpText, GoroutineGroupReport,
  GoroutineListRequest, GoroutinePage, IndexJob, IndexProgressEvent, LeakReport, MetricPoint, PprofExport, ProfileFlameRequest, ProfileTop,
  ProfileTopRequest, QueryRequest, QueryResult, RangeRow, TimelineAnnotations, TimelineAnnotationsRequest, TimelineClock, TimelineEdges,
  TimelineEdgesRequest, TimelineInterval, TimelineLanesRequest, TimelineLanesWindow, TimelineRangeStats, TimelineRequest, TimelineSearchRequest,
  TimelineSearchResult, TimelineWindow, TraceComparison, TriageReport,
} from './types.ts';
import {
  absolutePath, artefactChange, artefactRef, blockingKind, blockingLimit, compareSide, filePath, gcWindowNs, goroutineListRequest, integer, InvalidArgument,
  jobId as validJobId, metricName, namePrefixes as validNamePrefixes, profileFlameRequest, profileTopRequest, queryRequest, refusingAsInvalid, seriesPoints,
  timelineRequest, triageRefs, window,
} from './validate.ts';

/** How errors name a kind an artefact is not. */
const KIND_NAMES: Record<ArtefactKind, string> = { trace: 'an execution trace', profile: 'a profile', dump: 'a goroutine dump' };

/** What a profile query throws for a request it cannot answer: an unknown sample type, a base of another type. */
const PROFILE_REQUEST_ERRORS = [TopError, IncompatibleProfiles];

/** What a host may show of a catalogue entry. */
export function artefactInfo(a: Artefact): ArtefactInfo {
  return {
    hash: a.hash, name: a.name, path: a.path, size: a.size, kind: a.kind, format: a.format, indexedAt: a.indexedAt,
    durationNs: a.durationNs, goroutines: a.goroutines, items: a.items, warning: a.warning, label: a.label, openedAt: a.openedAt,
    ...(a.partial ? { partial: { ...a.partial } } : {}),
  };
}

export class GoroscopeService implements GoroscopeApi {
  private readonly open = new Map<string, TraceIndex>();
  /** Open indexes of profiles and dumps, which need no prepared statements of their own. */
  private readonly openPlain = new Map<string, Database.Database>();
  private readonly jobs: IndexJobs;
  /** Which index each open one is: a snapshot replaced by a larger one or by the whole index is opened again. */
  private readonly indexVersions = new IndexVersions();

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
    this.indexVersions.close();
  }

  /** The open index of a profile or dump artefact. */
  private plainIndex(ref: unknown, kind: 'profile' | 'dump'): Database.Database {
    return this.opened(ref, kind, this.openPlain, (file) => new Database(file, { readonly: true, fileMustExist: true })).index;
  }

  private artefact(ref: unknown): Artefact {
    return this.library.resolve(artefactRef(ref));
  }

  /** The open index of a trace artefact (the timeline, goroutine, range and metric views are the trace's). */
  private index(ref: unknown): { artefact: Artefact; idx: TraceIndex } {
    const { artefact, index } = this.opened(ref, 'trace', this.open, (file) => new TraceIndex(file));
    return { artefact, idx: index };
  }

  /** The artefact `ref` names, which must be of `kind`, with its index opened once and kept in `cache`. */
  private opened<T>(ref: unknown, kind: ArtefactKind, cache: Map<string, T>, open: (file: string) => T): { artefact: Artefact; index: T } {
    const artefact = this.artefact(ref);
    if (artefact.kind !== kind) throw new InvalidArgument(`${artefact.name} is a ${artefact.kind}, not ${KIND_NAMES[kind]}`);
    let index = cache.get(artefact.hash);
    if (index !== undefined && this.indexVersions.isStale(artefact)) {
      this.indexVersions.retire(index instanceof TraceIndex ? index.db : index as Database.Database);
      cache.delete(artefact.hash);
      index = undefined;
    }
    if (index === undefined) {
      if (!this.library.isCurrent(artefact)) throw new InvalidArgument(`${artefact.name} must be re-indexed (index missing or from an older version)`);
      index = open(this.library.indexPath(artefact.hash));
      cache.set(artefact.hash, index);
      this.indexVersions.opened(artefact);
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
    refusingAsInvalid([LibraryError], () => {
      if (label !== undefined) a = this.library.setLabel(a.hash, label);
      if (opened) a = this.library.markOpened(a.hash);
    });
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
    const req = timelineRequest(request);
    return timelineWindow(this.index(req.artefact).idx, req);
  }

  async timelineLanes(request: TimelineLanesRequest): Promise<TimelineLanesWindow> {
    const req = timelineLanesRequest(request);
    const { idx } = this.index(req.artefact);
    return refusingAsInvalid([LanesUnavailable], () => timelineLanesWindow(idx, req));
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
    return artefactClock(artefact.hash, artefact.path, artefact.format, traceStartNs(idx));
  }

  async timelineAnnotations(request: TimelineAnnotationsRequest): Promise<TimelineAnnotations> {
    const { artefact, t0, t1, goroutines } = timelineAnnotationsRequest(request);
    return annotationsInWindow(this.index(artefact).idx, t0, t1, goroutines);
  }

  async goroutine(ref: string, id: number): Promise<GoroutineDetail> {
    const gid = integer('id', id, 0);
    return goroutineDetail(this.index(ref).idx, gid);
  }

  async goroutines(request: GoroutineListRequest): Promise<GoroutinePage> {
    const req = goroutineListRequest(request);
    const { artefact, idx } = this.index(req.artefact);
    return goroutinePage(idx, req, artefact.goroutines);
  }

  async ranges(ref: string, t0: number, t1: number, namePrefixes?: string[]): Promise<RangeRow[]> {
    const [a, b] = window(t0, t1);
    const prefixes = validNamePrefixes(namePrefixes);
    return rangesInWindow(this.index(ref).idx, a, b, prefixes);
  }

  async metric(ref: string, name: string, t0: number, t1: number, maxPoints: number, holdBefore?: boolean): Promise<MetricPoint[]> {
    if (holdBefore === true) return withPointBefore(this.index(ref).idx.db, name, t0, await this.metric(ref, name, t0, t1, maxPoints));
    const [a, b] = window(t0, t1);
    const max = seriesPoints(maxPoints);
    const { idx } = this.index(ref);
    return metricWindow(idx, metricName(name), a, b, max);
  }

  async goroutineCounts(ref: string, t0: number, t1: number, maxPoints: number): Promise<GoroutineCountPoint[]> {
    const [a, b] = window(t0, t1);
    const max = seriesPoints(maxPoints);
    return goroutineCountsWindow(this.index(ref).idx, a, b, max);
  }

  async blocking(ref: string, limit?: number): Promise<BlockingRow[]> {
    const max = blockingLimit(limit) ?? 100;
    return blockingRows(this.index(ref).idx, max);
  }

  async blockingProfile(ref: string, kind: BlockingKind): Promise<BlockingProfile> {
    const k = blockingKind(kind);
    return blockingProfile(this.index(ref).idx, k);
  }

  async blockingFlame(ref: string, kind: BlockingKind): Promise<FlameGraph> {
    const k = blockingKind(kind);
    return blockingFlame(this.index(ref).idx, k);
  }

  async exportPprof(ref: string, kind?: BlockingKind): Promise<PprofExport> {
    const artefact = this.artefact(artefactRef(ref));
    if (artefact.kind === 'trace') {
      const k = blockingKind(kind);
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
    const window = gcWindowNs(windowNs);
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
    return refusingAsInvalid(PROFILE_REQUEST_ERRORS,
      () => (base === undefined ? profileTop(db, request) : profileTopDiff(db, this.plainIndex(base, 'profile'), request)));
  }

  async profileFlame(req: ProfileFlameRequest): Promise<FlameGraph> {
    const { artefact, base, ...request } = profileFlameRequest(req);
    const db = this.plainIndex(artefact, 'profile');
    return refusingAsInvalid(PROFILE_REQUEST_ERRORS, () => profileFlame(db, base === undefined ? null : this.plainIndex(base, 'profile'), request));
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

