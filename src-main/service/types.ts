// The service API's types: what every host (Electron IPC, localhost HTTP, CLI) passes and gets
// back. The renderer imports this file for types only. Times are ns since the trace's first event.

import type { TraceSummary } from '../analyze/trace-summary.ts';
import type { ProfileTop, TopRow } from '../analyze/profile-top.ts';
import type { FlameGraph, FlameNode } from '../analyze/profile-flame-types.ts';
import type { DumpDiff, DumpGroups, GoroutineGroup, GroupDelta, StackFrame as DumpFrame } from '../analyze/dump-types.ts';
import type { TriageReport } from '../analyze/triage-types.ts';
export type * from '../analyze/triage-types.ts';

// The rule by which stacks are told by their site: shared with the renderer, which folds the same frames.
export { isInternalFrame, siteFrameIndex } from '../analyze/blocking-kinds.ts';
import { GO_STATES, type GoState } from '../decode/gotrace/go-states.ts';

export type { TraceSummary, ProfileTop, TopRow, FlameGraph, FlameNode, DumpGroups, GoroutineGroup, DumpFrame, DumpDiff, GroupDelta };

export type GoroutineStateName = GoState;
/** The goroutine states in code order (decode/gotrace/go-states.ts): a folded span's `shares` are indexed by it. */
export const GOROUTINE_STATES: readonly GoroutineStateName[] = GO_STATES;

export type ArtefactKind = 'trace' | 'profile' | 'dump';

export interface ArtefactInfo {
  /** Content hash (SHA-256, hex): the artefact's identity. */
  hash: string;
  name: string;
  path: string;
  size: number;
  kind: ArtefactKind;
  /** Trace format ("1.26"), profile type ("cpu", "heap"…) or dump form ("debug=2", "panic"…). */
  format: string;
  indexedAt: string;
  /** Time span covered (0 for kinds without a time axis). */
  durationNs: number;
  goroutines: number;
  /** Events (trace), samples (profile) or goroutines (dump) indexed. */
  items: number;
  /** Set when the file was damaged: the index covers what was decodable before the damage. */
  warning: string | null;
  /** The user's label ("" when none): tells apart files of the same name. */
  label: string;
  /** When it was last opened in the UI (ISO 8601), null when never. */
  openedAt: string | null;
  /**
   * Present when the index holds only the trace's first generations (kept from an interrupted
   * indexing): up to `indexedUntilNs` (ns since the first event), `bytesIndexed` of `size`.
   * Goroutines alive there continue; "at the end" means at that frontier.
   */
  partial?: { indexedUntilNs: number; generations: number; bytesIndexed: number };
}

/** A change to a catalogue entry: its label ("" clears it), or a note that it was opened now. */
export interface ArtefactChange {
  label?: string;
  opened?: boolean;
}

/** An artefact's summary, by kind. Profile and dump summaries are the JSON their indexers store. */
export type ArtefactSummary =
  | { kind: 'trace'; artefact: ArtefactInfo; summary: TraceSummary }
  | { kind: 'profile'; artefact: ArtefactInfo; summary: Record<string, unknown> }
  | { kind: 'dump'; artefact: ArtefactInfo; summary: Record<string, unknown> };

export interface IndexProgressEvent {
  phase: 'hashing' | 'decoding' | 'finishing' | 'done';
  bytes: number;
  totalBytes: number;
  /** Events, samples or goroutines indexed so far. */
  events: number;
  etaSeconds: number | null;
}

/** An indexing run in the background (a worker thread), one at a time in the order started. */
export interface IndexJob {
  id: string;
  /** The file being indexed (absolute path on the host's machine). */
  file: string;
  state: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  progress: IndexProgressEvent;
  /**
   * While it runs: the latest snapshot of a trace being indexed, a partial artefact (its `partial`
   * says up to where) that the views show and reload as it grows; the whole index replaces it
   * under the same hash when the job is done. Removed again if the job is cancelled or fails.
   */
  snapshot?: ArtefactInfo;
  /** When done: the artefact, and whether an existing index was reused. */
  artefact?: ArtefactInfo;
  reused?: boolean;
  /** When failed: one line naming the file, the byte offset and what was expected. */
  error?: string;
}

export interface TimelineRequest {
  artefact: string;
  t0: number;
  t1: number;
  /** Goroutine rows to return, in this order. */
  goroutines: number[];
  /** Width of the window in pixels: spans are merged to this resolution. */
  widthPx: number;
}

/** A span of one row, already merged to pixel resolution. */
export interface TimelineSpan {
  start: number;
  end: number;
  /** The state that held most of the span. */
  state: GoroutineStateName;
  /**
   * Share of the span's time in each state, indexed like GOROUTINE_STATES, when several intervals
   * were folded into it (sub-pixel). An array, not a record: a zoomed-out window holds tens of
   * thousands of folded spans, and arrays of numbers cost a third of the time to build.
   */
  shares: number[] | null;
  /**
   * For a single-interval span: its wait reason ("" if none). For a folded one: the wait reason of
   * at least half its waiting time ("" when the reasons are truly mixed or not known).
   */
  reason: string;
}

export interface TimelineRow {
  goroutine: number;
  name: string;
  spans: TimelineSpan[];
}

export interface TimelineWindow {
  t0: number;
  t1: number;
  nsPerPx: number;
  rows: TimelineRow[];
}

/** Which lanes a lanes request asks for: one per P (proc) or one per M (thread). */
export type TimelineLaneKind = 'proc' | 'thread';

export interface TimelineLanesRequest {
  artefact: string;
  kind: TimelineLaneKind;
  t0: number;
  t1: number;
  /** Width of the window in pixels: runs of intervals narrower than a pixel are folded. */
  widthPx: number;
}

/**
 * What a P or an M did over a span: a goroutine's time on it (Running on a P; Running or in a
 * syscall on an M) as Go's reader assigned it, or, folded below a pixel, several such intervals.
 */
export interface LaneSpan {
  start: number;
  end: number;
  /** The goroutine (for a folded span, the one that held the lane longest in it). */
  goroutine: number;
  /** Running, or Syscall (thread lanes only). */
  state: GoroutineStateName;
  /** Intervals folded into the span: 1 when it is one interval, exact. */
  count: number;
  /** Share of the span the lane was busy (1 for an exact span). */
  busy: number;
  /** The other resource: the M holding the P (proc lanes), the P held (thread lanes, Running); null if unknown. */
  other: number | null;
}

export interface TimelineLane {
  /** The P's or M's ID. */
  id: number;
  spans: LaneSpan[];
}

export interface TimelineLanesWindow {
  kind: TimelineLaneKind;
  t0: number;
  t1: number;
  nsPerPx: number;
  /** Every lane of the trace, in ID order (also those idle in the window). */
  lanes: TimelineLane[];
  /** Names (start functions) of the goroutines in the spans, by ID. */
  names: Record<number, string>;
}

/** One goroutine interval, whole (never clipped to a window or a tile), with its stack. */
export type TimelineInterval = GoroutineInterval & { goroutine: number };

/** Who woke whom: one unblock edge drawn as an arrow from the waker's row to the woken one's. */
export interface TimelineEdge {
  time: number;
  /** The goroutine made runnable. */
  goroutine: number;
  /** The goroutine that made it runnable. */
  byGoroutine: number;
  /** What the woken goroutine had waited for. */
  reason: string;
}

export interface TimelineEdgesRequest {
  artefact: string;
  t0: number;
  t1: number;
  /** Only edges into or out of this goroutine; all in the window when absent. */
  goroutine?: number;
  /** At most this many, earliest first (default and maximum 5000). */
  limit?: number;
}

export interface TimelineEdges {
  edges: TimelineEdge[];
  /** More edges matched than were returned. */
  truncated: boolean;
}

/** What happened in a time range: the statistics of a range selected on the timeline. */
export interface TimelineRangeStats {
  t0: number;
  t1: number;
  /** Goroutine time in the range by state (intervals clipped to the range), ns. */
  byState: Partial<Record<GoroutineStateName, number>>;
  /** Waiting time in the range by wait reason, largest first. */
  waitingByReason: { reason: string; ns: number }[];
  /** Goroutines with an interval in the range other than NotExist. */
  goroutines: number;
  /** Those goroutines by name (start function), most first (at most 20). */
  goroutinesByName: { name: string; count: number; runningNs: number }[];
  /** GC mark phases overlapping the range, and their time inside it. */
  gcCycles: number;
  gcNs: number;
  /** Stop-the-world pauses overlapping the range, their time inside it, the longest. */
  stwCount: number;
  stwNs: number;
  stwMaxNs: number;
  /** Where goroutines waited in the range: reason and site, by Waiting time inside it (at most 10). */
  blockingSites: { reason: string; site: string; ns: number; count: number }[];
}

/** A goroutine search on the timeline: the list's order and filter (as `goroutines`), a pattern, where to start. */
export interface TimelineSearchRequest extends Omit<GoroutineListRequest, 'limit'> {
  /** A regular expression (JavaScript syntax, case-sensitive) over the goroutine's name and the functions and files of its creation, start and last stacks. */
  pattern?: string;
  /** Instead of a pattern: this goroutine (where its row is in the list). */
  goroutine?: number;
  /** `offset`: the first row of the list to look at (the search wraps around to the top). */
}

export interface TimelineSearchResult {
  /** Goroutines of the whole trace the pattern matches (whatever the list's filter). */
  matching: number;
  /** The first matching row at or after `offset` in the list's order (wrapping), null when none is in the list. */
  match: { index: number; row: GoroutineRow } | null;
  /** The match is before `offset`: the search went past the end and on from the top. */
  wrapped: boolean;
}

/** A trace's wall clock: at `traceNs` (ns since its first event) the wall clock read wallSec s + wallNsec ns since the Unix epoch (UTC). */
export interface TimelineClock {
  traceNs: number;
  wallSec: number;
  wallNsec: number;
}

/** The annotations of some goroutines' rows in a window, and the tasks in it. */
export interface TimelineAnnotationsRequest {
  artefact: string;
  t0: number;
  t1: number;
  goroutines: number[];
}

export interface TimelineAnnotations {
  /** User regions of the goroutines overlapping the window (depth 0 = outermost); start 0 / end null when they began before or outlived the trace. */
  regions: { goroutine: number; task: number; name: string; start: number; end: number | null; depth: number }[];
  /** User tasks overlapping the window, with the goroutines that began and ended them. */
  tasks: { id: number; parent: number | null; name: string; start: number; end: number | null; startGoroutine: number | null; endGoroutine: number | null }[];
  /** Log messages of the goroutines in the window. */
  logs: { time: number; goroutine: number; task: number; category: string; message: string }[];
  /** CPU profile samples of the goroutines in the window (times only). */
  cpuSamples: { time: number; goroutine: number }[];
  /** GC work paid by the goroutines: mark assists (their own ranges) and sweeps on the P while they ran on it. */
  gcWork: { goroutine: number; kind: 'assist' | 'sweep'; start: number; end: number }[];
  /** Some list was cut at its limit (zoomed far out on a busy trace). */
  truncated: boolean;
}

export interface StackFrameInfo {
  func: string;
  file: string;
  line: number;
  pc: number;
}

export interface GoroutineInterval {
  start: number;
  end: number;
  state: GoroutineStateName;
  reason: string;
  stack: StackFrameInfo[];
  /** Still open at the end of the trace. */
  open: boolean;
  /** The thread (M) it ran on, for Running and Syscall intervals; null otherwise or when unknown. */
  thread: number | null;
  /** The P it ran on, for Running intervals; null otherwise or when it had none. */
  proc: number | null;
}

export interface GoroutineRow {
  id: number;
  name: string;
  createdNs: number | null;
  creator: number | null;
  startNs: number;
  endNs: number | null;
  lastState: GoroutineStateName;
  lastReason: string;
  runningNs: number;
  runnableNs: number;
  waitingNs: number;
  syscallNs: number;
}

export interface GoroutineDetail extends GoroutineRow {
  creationStack: StackFrameInfo[];
  startStack: StackFrameInfo[];
  waitNsByReason: Record<string, number>;
  intervals: GoroutineInterval[];
  /** True when the goroutine has more intervals than were returned (at most 20 000). */
  intervalsTruncated: boolean;
  /** The unblock edges that woke it, and those by which it woke others, in time order (at most 1000 each). */
  unblockedBy: UnblockEdge[];
  unblocked: UnblockEdge[];
}

export type GoroutineSortKey = 'id' | 'name' | 'startNs' | 'endNs' | 'runningNs' | 'waitingNs' | 'runnableNs' | 'syscallNs';

export interface GoroutineListRequest {
  artefact: string;
  sort?: GoroutineSortKey;
  descending?: boolean;
  /** Only goroutines whose last state is this. */
  state?: GoroutineStateName;
  /** Only goroutines whose last wait reason is this. */
  reason?: string;
  /** Substring of the name. */
  nameContains?: string;
  /** Only goroutines alive at the end of the trace. */
  aliveAtEnd?: boolean;
  offset?: number;
  limit?: number;
}

export interface GoroutinePage {
  total: number;
  rows: GoroutineRow[];
}

export interface RangeRow {
  name: string;
  scope: 'none' | 'goroutine' | 'proc' | 'thread';
  scopeId: number;
  start: number;
  end: number;
  beganBefore: boolean;
  open: boolean;
}

export interface MetricPoint {
  time: number;
  value: number;
}

/** Goroutines by state at one time: the peak of each state over the point's span of time. */
export interface GoroutineCountPoint {
  time: number;
  running: number;
  runnable: number;
  waiting: number;
  syscall: number;
}

/** Where goroutines waited: total Waiting time for one wait reason and blocking stack. */
export interface BlockingRow {
  reason: string;
  stack: StackFrameInfo[];
  /** Time spent Waiting there, summed over every goroutine and interval. */
  totalNs: number;
  /** Waiting intervals that began there. */
  count: number;
  /** The longest of them. */
  maxNs: number;
}

/** The four blocking profiles `go tool trace -pprof=KIND` derives from a trace. */
export type BlockingKind = 'sync' | 'net' | 'syscall' | 'sched';
export const BLOCKING_KIND_NAMES: readonly BlockingKind[] = ['sync', 'net', 'syscall', 'sched'];

/** Goroutines whose waits at a site released this one's, as an unblock edge (see UnblockEdge). */
export interface UnblockerSite {
  site: string;
  count: number;
}

/** One site of a blocking profile: waits of one reason that began at one stack. */
export interface BlockingSite {
  reason: string;
  /** The first frame outside the runtime and the standard library's blocking internals: "main.lookup app/leak.go:39". */
  site: string;
  stack: StackFrameInfo[];
  /** The index in `stack` of the site's frame: the frames before it are the runtime's and the standard library's internals. */
  siteFrame: number;
  /** Waits that ended inside the trace (cmd/trace counts no wait still open at the end). */
  count: number;
  totalNs: number;
  maxNs: number;
  /** Median and 99th percentile wait, to within ±2.2%. */
  p50Ns: number;
  p99Ns: number;
  /** The sites of the goroutines that ended these waits, most frequent first (at most 5). */
  unblockedBy: UnblockerSite[];
}

/** A blocking profile by site, largest total first: the numbers of `go tool trace -pprof=KIND`. */
export interface BlockingProfile {
  kind: BlockingKind;
  totalNs: number;
  count: number;
  sites: BlockingSite[];
}

/**
 * A profile written as `go tool pprof` reads it: gzipped profile.proto, base64-encoded so that it
 * travels in JSON (src-main/export/pprof-encode.ts).
 */
export interface PprofExport {
  /** A file name to save it under, e.g. "trace.out.sync.pb.gz". */
  fileName: string;
  base64: string;
  bytes: number;
  samples: number;
}

/** Goroutines alive and blocked at the end of the trace in one state, for one reason, at one site: a leak suspect. */
export interface LeakGroup {
  state: GoroutineStateName;
  /** The wait reason; "" when the trace does not say (blocked before it began, on Go ≤ 1.21 often). */
  reason: string;
  count: number;
  site: string;
  /** The display name (start function) of the first of them. */
  name: string;
  /** The stack most of them are blocked in, and the index of the site's frame in it (see BlockingSite). */
  stack: StackFrameInfo[];
  siteFrame: number;
  /** The longest single wait among them, up to the end of the trace (across generations). */
  maxBlockedNs: number;
  /** When the first and the last of them began waiting (ns since the trace's start). */
  oldestSinceNs: number;
  newestSinceNs: number;
  /** How many began waiting in the second half of the trace: the group grew by that much. */
  growth: number;
  /** Of them, how many began waiting in each eighth of the trace. */
  sinceByEighth: number[];
  /** Waits at this site that ended inside the trace (whatever ended them: a goroutine, a timer, the network poller), and when the last did (null: none). */
  releases: number;
  lastReleaseNs: number | null;
  /** Every frame is the runtime's: a runtime goroutine (GC workers, finalizers), not the program's. */
  system: boolean;
  /** Blocked for good: a "forever" wait, select with no cases, or a nil channel (a deadlock or a certain leak). */
  forever: boolean;
  /** Some of their IDs (at most 20). */
  sampleIds: number[];
  /** One sentence in plain words. */
  explanation: string;
}

/** The leak suspects of a trace, most suspicious first (see LeakGroup). */
export interface LeakReport {
  durationNs: number;
  groups: LeakGroup[];
}

/** Goroutines of a trace written as a goroutine dump (debug=2), as they stood at its end (goroutinesDump). */
export interface GoroutineDumpText {
  /** `goroutine N [reason, M minutes]:`, the frames and `created by`, as Go prints them; what `goroscope dump` and panicparse read. */
  text: string;
  /** Goroutines written. */
  goroutines: number;
  /** IDs asked for that are not in the text: ended before the end of the trace (a dump holds none), or not in the trace. */
  skipped: number[];
}

/** A waiting goroutine made runnable by another: who unblocked whom, when, ending which wait. */
export interface UnblockEdge {
  time: number;
  /** The goroutine woken, and the reason and blocking stack's site of the wait that ended. */
  goroutine: number;
  reason: string;
  site: string;
  /** The goroutine that woke it, and where it was then. */
  byGoroutine: number;
  bySite: string;
  byStack: StackFrameInfo[];
  /** How long the woken goroutine had waited (null when its wait began before the trace). */
  waitedNs: number | null;
}

export interface ProfileTopRequest {
  artefact: string;
  /** Sample type name (e.g. "inuse_space", "delay"); absent: the profile's default, as pprof picks it. */
  sampleType?: string;
  /** Rows to keep (pprof's -nodecount); absent or 0: every node above pprof's 0.5% cutoff. */
  n?: number;
  /** Sort by cumulative value (pprof's -cum). */
  cum?: boolean;
  /** Another profile of the same type to subtract (pprof's -base), e.g. an earlier goroutine profile. */
  base?: string;
}

export interface ProfileFlameRequest {
  artefact: string;
  /** Sample type name (e.g. "inuse_space", "delay"); absent: the profile's default, as pprof picks it. */
  sampleType?: string;
  /** Another profile of the same type to subtract (pprof's -base). */
  base?: string;
  /** Leave out nodes narrower than this fraction of the root (default 1/2000; 0 keeps every node up to the node cap). */
  minFraction?: number;
}

export interface QueryRequest {
  artefact: string;
  sql: string;
  /** At most this many rows are returned (default 1000, at most 100 000). */
  rowLimit?: number;
  /** The query is stopped after this long (default 5000 ms, at most 60 000). */
  timeLimitMs?: number;
}

export interface QueryResult {
  columns: string[];
  rows: unknown[][];
  /** True when more rows existed than the limit. */
  truncated: boolean;
  elapsedMs: number;
}

/** The operations every host exposes. */
export interface GoroscopeApi {
  listArtefacts(): Promise<ArtefactInfo[]>;
  removeArtefact(ref: string): Promise<boolean>;
  updateArtefact(ref: string, change: ArtefactChange): Promise<ArtefactInfo>;
  /** Indexes a file in this thread (the CLI); hosts with a UI use startIndex. */
  indexFile(path: string, onProgress?: (p: IndexProgressEvent) => void, shouldCancel?: () => boolean): Promise<{ artefact: ArtefactInfo; reused: boolean }>;
  /** Queues a file for indexing in a worker thread and returns at once; follow it with onIndexJob. */
  startIndex(path: string): Promise<IndexJob>;
  /** Jobs queued, running, or finished since the host started. */
  indexJobs(): Promise<IndexJob[]>;
  /** Cancels a queued or running job; false when it had already finished. */
  cancelIndex(jobId: string): Promise<boolean>;
  summary(ref: string): Promise<ArtefactSummary>;
  timeline(req: TimelineRequest): Promise<TimelineWindow>;
  /** The P or M lanes of a window: which goroutine ran on each, at pixel resolution. */
  timelineLanes(req: TimelineLanesRequest): Promise<TimelineLanesWindow>;
  /** The whole interval of a goroutine holding `time` (null outside its life). */
  timelineInterval(ref: string, goroutine: number, time: number): Promise<TimelineInterval | null>;
  /** Unblock edges in a window, of one goroutine or all. */
  timelineEdges(req: TimelineEdgesRequest): Promise<TimelineEdges>;
  /** Statistics of a time range: time by state and reason, goroutines, GC and STW, blocking sites. */
  timelineRangeStats(ref: string, t0: number, t1: number): Promise<TimelineRangeStats>;
  /** The next goroutine of the timeline's list whose name or stacks match a regular expression. */
  timelineSearch(req: TimelineSearchRequest): Promise<TimelineSearchResult>;
  /** Regions, tasks, logs, CPU samples and GC work (assists, sweeps) of goroutines in a window. */
  timelineAnnotations(req: TimelineAnnotationsRequest): Promise<TimelineAnnotations>;
  /** The trace's first clock snapshot (Go 1.25+), null when it has none. */
  timelineClock(ref: string): Promise<TimelineClock | null>;
  goroutine(ref: string, id: number): Promise<GoroutineDetail>;
  goroutines(req: GoroutineListRequest): Promise<GoroutinePage>;
  /** Ranges overlapping (t0, t1); only those whose name starts with one of `namePrefixes`, when given. */
  ranges(ref: string, t0: number, t1: number, namePrefixes?: string[]): Promise<RangeRow[]>;
  /** A metric's points in [t0, t1] (at most maxPoints, each the peak of its span); with holdBefore, its last point before t0 in front (the value the window starts with). */
  metric(ref: string, name: string, t0: number, t1: number, maxPoints: number, holdBefore?: boolean): Promise<MetricPoint[]>;
  /** Goroutines by state over [t0, t1], at most maxPoints points (each the peak of its span). */
  goroutineCounts(ref: string, t0: number, t1: number, maxPoints: number): Promise<GoroutineCountPoint[]>;
  query(req: QueryRequest): Promise<QueryResult>;
  /** Total Waiting time by wait reason and blocking stack, largest first (at most `limit` rows, default 100). */
  blocking(ref: string, limit?: number): Promise<BlockingRow[]>;
  /** A blocking profile by site, as `go tool trace -pprof=KIND` computes it, largest total first. */
  blockingProfile(ref: string, kind: BlockingKind): Promise<BlockingProfile>;
  /** A trace's blocking profile `kind` as a flame graph (the call tree of `go tool trace -pprof=KIND`'s delay). */
  blockingFlame(ref: string, kind: BlockingKind): Promise<FlameGraph>;
  /**
   * A profile as gzipped profile.proto: a trace's blocking profile `kind` (equal to `go tool trace
   * -pprof=KIND`'s samples), or an indexed profile itself (no kind).
   */
  exportPprof(ref: string, kind?: BlockingKind): Promise<PprofExport>;
  /** Goroutines alive and blocked at the end, grouped by state, reason and site, most suspicious first. */
  leaks(ref: string): Promise<LeakReport>;
  /** Leak suspects across artefacts of one incident (traces, dumps, goroutine and goroutineleak profiles; analyze/triage.ts). */
  triage(refs: string[]): Promise<TriageReport>;
  /** GC cycles, pauses, percentiles, the MMU curve and the worst windows of `windowNs` (default: 10 ms, at most the trace). */
  gc(ref: string, windowNs?: number): Promise<GcReport>;
  /** The goroutine dump the trace implies at `timeNs`: every goroutine alive then, grouped as a dump (service/trace-dump-at.ts). */
  dumpAt(ref: string, timeNs: number): Promise<DumpAt>;
  /** Goroutines grouped by start function with their execution, scheduler wait, syscall and block time, as go tool trace's goroutines page (service/goroutine-groups.ts). */
  goroutineGroups(ref: string): Promise<GoroutineGroupReport>;
  /** Histograms of a trace's scheduler latency (each Runnable→Running wait) and of its user regions' and tasks' durations. */
  durationHistograms(ref: string): Promise<DurationHistograms>;
  /** Two traces, or two windows of traces, side by side with what changed from a to b (service/trace-compare.ts). */
  compareTraces(a: CompareSide, b: CompareSide): Promise<TraceComparison>;
  /** A profile's `go tool pprof -top` report. */
  profileTop(req: ProfileTopRequest): Promise<ProfileTop>;
  /** A profile's call tree for a flame graph (at most 20 000 nodes, the widest). */
  profileFlame(req: ProfileFlameRequest): Promise<FlameGraph>;
  /** A goroutine dump's groups of identical stacks, biggest first. */
  dumpGroups(ref: string): Promise<DumpGroups>;
  /** A self-contained offline HTML report of the artefacts (summary, leaks, GC, blocking, top, dump groups; service/report.ts). */
  report(refs: string[]): Promise<string>;
  /** Goroutines of a trace alive at its end, as a debug=2 goroutine dump (service/goroutine-dump.ts). */
  goroutinesDump(ref: string, ids: number[]): Promise<GoroutineDumpText>;
  /** How each group of identical stacks grew from one dump to a later one, largest growth first. */
  diffDumps(before: string, after: string): Promise<DumpDiff>;
}

/** A stop-the-world pause of a trace: the runtime stopped every goroutine. */
export interface GcPause {
  /** The range's name: "stop-the-world (GC sweep termination)", "stop-the-world (GC mark termination)", … */
  kind: string;
  startNs: number;
  endNs: number;
  durationNs: number;
  /** Whether the pause is the collector's (its name mentions GC). */
  gc: boolean;
  /** Index in GcReport.cycles of the cycle it belongs to; null for pauses outside a cycle. */
  cycle: number | null;
}

/** Mark assist time a goroutine paid in a cycle (the "GC mark assist" ranges of its scope). */
export interface GcAssistShare {
  goroutine: number;
  /** The goroutine's name (its start function), '' when not indexed. */
  name: string;
  ns: number;
  count: number;
}

/** One GC cycle: a concurrent mark phase and the pauses that frame it. */
export interface GcCycle {
  /** Start of the cycle: its sweep-termination pause or its mark phase, whichever began first. */
  startNs: number;
  markStartNs: number;
  /** End of the mark phase; null when still marking at the end of the trace. */
  markEndNs: number | null;
  /** End of the cycle: its mark-termination pause, else its mark phase. */
  endNs: number | null;
  /** Length of the concurrent mark phase (null while open). */
  markNs: number | null;
  /** The STW pauses before (sweep termination) and after (mark termination) the mark phase, when in the trace. */
  sweepTerminationNs: number | null;
  markTerminationNs: number | null;
  /** Total time goroutines spent in mark assists during the cycle, and the goroutines that paid most. */
  assistNs: number;
  assists: GcAssistShare[];
  /** Heap in use (/memory/classes/heap/objects:bytes) as the cycle began and just after it ended. */
  heapBeforeBytes: number | null;
  heapAfterBytes: number | null;
  /** The heap goal (/gc/heap/goal:bytes) the cycle ran against. */
  heapGoalBytes: number | null;
  /**
   * GOGC as the goal implies it: 100 × (goal / heap after the previous cycle − 1). Traces do not
   * record GOGC or GOMEMLIMIT; the goal is GOGC's unless a memory limit lowered it. Null when unknown.
   */
  impliedGogc: number | null;
  /** Why it ran, as the pause's stack says: the heap reached its goal, runtime.GC(), the 2-minute timer, unknown. */
  trigger: 'heap goal' | 'runtime.GC' | 'periodic' | 'unknown';
  /** Share of the CPU (all Ps) the collector took from start to end, as the MMU counts it; null when unknown. */
  gcCpuFraction: number | null;
}

/** Durations (ns) by log-spaced buckets (1-2-5 per decade, shortest's to longest's), with their percentiles. */
export interface DurationHistogram extends GcPausePercentiles {
  buckets: { fromNs: number; toNs: number; count: number }[];
}

/** durationHistograms: scheduler waits as internal/trace/summary.go counts SchedWaitTime, and the regions and tasks the trace saw begin and end. */
export interface DurationHistograms {
  durationNs: number;
  schedLatency: DurationHistogram;
  regions: DurationHistogram;
  tasks: DurationHistogram;
}

export interface GcPausePercentiles {
  count: number;
  totalNs: number;
  p50Ns: number;
  p90Ns: number;
  p99Ns: number;
  maxNs: number;
}

/** A window of the MMU: its start and the program's mean utilisation in it. */
export interface GcUtilWindow {
  startNs: number;
  endNs: number;
  util: number;
}

/** What another GOGC or GOMEMLIMIT would have changed, estimated from the trace's own numbers. */
export interface GcWhatIf {
  /** Allocation rate between cycles (bytes per second of trace time). */
  allocBytesPerSec: number;
  /** Live heap after marking, mean over cycles. */
  liveHeapBytes: number;
  /** GOGC the goals imply (median over cycles). */
  impliedGogc: number | null;
  /** Heap-goal cycles per second seen in the trace. */
  observedCyclesPerSec: number;
  scenarios: GcWhatIfScenario[];
}

export interface GcWhatIfScenario {
  /** e.g. "GOGC=200", "GOMEMLIMIT=64 MiB, GOGC=off". */
  setting: string;
  cyclesPerSec: number;
  heapPeakBytes: number;
}

/** The GC of a trace (GoroscopeApi.gc). Times are ns since the trace's first event. */
export interface GcReport {
  durationNs: number;
  gomaxprocs: number | null;
  cycles: GcCycle[];
  pauses: GcPause[];
  /** Over the GC pauses (pauses with gc true). */
  pausePercentiles: GcPausePercentiles;
  /** GC pauses by duration: buckets [fromNs, toNs) on a 1-2-5 scale. */
  pauseHistogram: { fromNs: number; toNs: number; count: number }[];
  /** Share of the CPU the collector took over the trace, as the MMU counts it; null when unknown. */
  gcCpuFraction: number | null;
  /**
   * Minimum mutator utilisation as go tool trace's /mmu page plots it (its default options: STW,
   * background workers, mark assist): [window ns, MMU] points. Null when the trace has no GOMAXPROCS.
   */
  mmu: { flags: string; xMinNs: number; xMaxNs: number; points: [number, number][] } | null;
  /** The worst windows of `windowNs` (up to 10, disjoint, worst first). */
  worst: { windowNs: number; windows: GcUtilWindow[] };
  whatIf: GcWhatIf | null;
  /** What the figures cannot say (e.g. GOGC and GOMEMLIMIT are not in traces). */
  notes: string[];
}

/** Where one goroutine's time in the trace went, as go tool trace's goroutine page splits it (internal/trace GoroutineExecStats). */
export interface GoroutineStats {
  id: number;
  /** Start function: the outermost frame of the first stack the goroutine's transitions carried ('' when none did). */
  name: string;
  /** Time present in the trace: from its creation (or the trace's start) to its end (or the trace's). */
  totalNs: number;
  /** Running. */
  execNs: number;
  /** Runnable, waiting for a P. */
  schedWaitNs: number;
  /** In system calls (Go's "Syscall execution time" and "Block time (syscall)" together). */
  syscallNs: number;
  /** Waiting, by the trace's wait reason ("chan receive", "sync", "network", "sleep"…). */
  blockNsByReason: Record<string, number>;
  /** totalNs minus the others (time before its first event, as Go counts it). */
  unknownNs: number;
  /** In GC mark assists (overlaps the others). */
  gcAssistNs: number;
  createdNs: number | null;
  endNs: number | null;
}

/** Goroutines with the same start function, their stats summed. */
export interface GoroutineGroupStats extends Omit<GoroutineStats, 'id' | 'createdNs' | 'endNs'> {
  count: number;
  /** Longest total first. */
  goroutines: GoroutineStats[];
}

export interface GoroutineGroupReport {
  durationNs: number;
  /** Largest execution time first, as go tool trace's /goroutines page. */
  groups: GoroutineGroupStats[];
}

/** One side of a comparison: a trace, or the window [t0, t1] of one (ns since its first event). */
export interface CompareSide {
  ref: string;
  t0?: number;
  t1?: number;
}

export type CompareChange = 'new' | 'gone' | 'grew' | 'shrank' | 'same';

/** What one side of a comparison shows, over its window. */
export interface TraceSideFigures {
  /** The trace's name, with the window when the side is one. */
  name: string;
  t0: number;
  t1: number;
  durationNs: number;
  /** The side is a whole trace (the MMU is only known for those). */
  whole: boolean;
  /** Goroutines present in the window, and by the site of the go statement that created them. */
  goroutines: number;
  goroutinesBySite: { site: string; count: number }[];
  /** As the timeline's range statistics: goroutine time by state, Waiting by reason, top blocking sites. */
  byState: TimelineRangeStats['byState'];
  waitingByReason: TimelineRangeStats['waitingByReason'];
  blockingSites: TimelineRangeStats['blockingSites'];
  /** Runnable intervals that began in the window and ended: how long goroutines waited for a P. */
  schedLatency: GcPausePercentiles;
  /** GC stop-the-world pauses inside the window. */
  gcPauses: GcPausePercentiles;
  /** Minimum mutator utilisation at 100 µs, 1 ms, 10 ms, 100 ms windows (go tool trace's /mmu curve); null for a window of a trace. */
  mmu: { windowNs: number; mmu: number | null }[] | null;
}

export interface TraceComparison {
  a: TraceSideFigures;
  b: TraceSideFigures;
  /** Goroutines by creation site in a and in b, the largest change first. */
  sites: { site: string; a: number; b: number; change: CompareChange }[];
  /** Waiting time by reason. */
  reasons: { reason: string; aNs: number; bNs: number; change: CompareChange }[];
  /** Blocking sites (reason and site) of either side's top, by Waiting time. */
  blockingSites: { reason: string; site: string; aNs: number; bNs: number; change: CompareChange }[];
}

/** A goroutine alive at a moment of a trace, as dumpAt reconstructs it. */
export interface DumpAtGoroutine {
  id: number;
  /** Its entry function (outermost frame of its first stack), '' when the trace never saw one. */
  entry: string;
  /** What a debug=2 dump would print for its state: "running", "runnable", "syscall" or the wait reason ("chan send", "sync.Mutex.Lock", "IO wait"…). */
  state: string;
  goState: GoroutineStateName;
  /** The trace's reason for the state ("sync", "network"…), '' when none. */
  reason: string;
  /** When it entered the state; null when it was already in it as the trace began. */
  sinceNs: number | null;
  /** Time in the state so far: the moment minus sinceNs (minus the trace's start when since before it, a lower bound). */
  stateNs: number;
  /** Its last stack, innermost first: the stack of the transition into the state, or for a goroutine running without one, the last recorded before. */
  stack: StackFrameInfo[];
  /** When that stack was recorded (null: unknown). */
  stackNs: number | null;
  /** The stack's first frame outside the runtime and the standard library's internals ("func dir/file.go:line"). */
  site: string;
  /** "func file:line" of the go statement that created it ('' when the trace did not see it). */
  createdBy: string;
  /** A runtime goroutine (entry in package runtime, as runtime.isSystemGoroutine): a debug=2 dump leaves these out. */
  system: boolean;
}

/** The goroutine dump a trace implies at one moment. */
export interface DumpAt {
  timeNs: number;
  durationNs: number;
  /**
   * The program's goroutines grouped as `goroscope dump` groups a debug=2 dump, except that a
   * group's stack runs from its site outward (where traces and dumps agree; see
   * analyze/dump-from-trace.ts), so it diffs against a real dump regrouped the same way.
   */
  dump: DumpGroups;
  /** Every goroutine alive at the moment, system ones included, by ID. */
  goroutines: DumpAtGoroutine[];
  /** System goroutines left out of `dump`. */
  systemGoroutines: number;
}
