// A trace's index opened for the service: one read-only connection with the statements every view
// prepares once, the string and stack caches, and the readers of what the index stores packed
// (interval chunks, levels of detail, metric and goroutine-count points).

import Database from 'better-sqlite3';
import { decodeChunk, indexNsPerTick, type IntervalVisitor } from '../index/interval-codec.ts';
import { BUCKETS_PER_ROW, decodeLevelRow, LEVEL_NS } from '../index/levels.ts';
import { decodePoints } from '../index/point-codec.ts';
import { coarsestLevel } from './downsample.ts';
import type { GoroutineList } from './goroutine-list.ts';
import { OVERLAPPING_CHUNKS } from './timeline-answers.ts';
import type { TraceIndexReader } from './trace-answers.ts';
import type { MetricPoint, StackFrameInfo } from './types.ts';

/** An open trace index with its prepared statements and caches. */
export class TraceIndex implements TraceIndexReader {
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
