// The service API's types: what every host (Electron IPC, localhost HTTP, CLI) passes and gets
// back. The renderer imports this file for types only. Times are ns since the trace's first event.

import type { TraceSummary } from '../analyze/trace-summary.ts';

export type { TraceSummary };

export type GoroutineStateName = 'Undetermined' | 'NotExist' | 'Runnable' | 'Running' | 'Waiting' | 'Syscall';

export interface ArtefactInfo {
  /** Content hash (SHA-256, hex): the artefact's identity. */
  hash: string;
  name: string;
  path: string;
  size: number;
  kind: 'trace';
  /** Trace format, e.g. "1.26". */
  format: string;
  indexedAt: string;
  durationNs: number;
  goroutines: number;
  events: number;
  warning: string | null;
}

export interface IndexProgressEvent {
  phase: 'hashing' | 'decoding' | 'finishing' | 'done';
  bytes: number;
  totalBytes: number;
  events: number;
  etaSeconds: number | null;
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
  /** Share of the span's time in each state, when several were folded into it (sub-pixel). */
  shares: Partial<Record<GoroutineStateName, number>> | null;
  /** For a single-interval span: its wait reason ("" if none). */
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
  indexFile(path: string, onProgress?: (p: IndexProgressEvent) => void, shouldCancel?: () => boolean): Promise<{ artefact: ArtefactInfo; reused: boolean }>;
  summary(ref: string): Promise<{ artefact: ArtefactInfo; summary: TraceSummary }>;
  timeline(req: TimelineRequest): Promise<TimelineWindow>;
  goroutine(ref: string, id: number): Promise<GoroutineDetail>;
  goroutines(req: GoroutineListRequest): Promise<GoroutinePage>;
  ranges(ref: string, t0: number, t1: number): Promise<RangeRow[]>;
  metric(ref: string, name: string, t0: number, t1: number, maxPoints: number): Promise<MetricPoint[]>;
  query(req: QueryRequest): Promise<QueryResult>;
}
