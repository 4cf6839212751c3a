// Precomputed levels of detail for long-lived goroutines: per level, buckets of a fixed width
// holding the time spent in each state. A timeline zoomed out so that a pixel spans at least a
// bucket reads these instead of every interval: a goroutine with 200 000 intervals over 17 s is
// 17 000 buckets at 1 ms, 1 000 at 16 ms.
//
// Stored as rows of buckets within [start_bucket, start_bucket + BUCKETS_PER_ROW), a run of
// buckets split where it crosses a row's end; a row whose data would pass ROW_BYTES is stored in
// pieces, each a row starting at its first entry (the entries are those of the whole row); per entry:
//   uvarint (gap × 2 + isRun), gap = buckets since the previous entry's last bucket + 1 (the
//     first entry's gap is relative to start_bucket)
//   a bucket:  a layout byte: bit i (0–3) set when STATES[i] has time in the bucket; bit 4 set
//              when the bucket is wholly covered and one state (bits 5–6: its index, the one with
//              the most time) is left out, its time being the bucket's width less the others';
//              then uvarint ns of each state with its bit set, in STATES order, but the left-out one
//              (measured on a 226 MB trace: the zeros and the largest value were a third of the
//              buckets' bytes, 10 MB)
//   a run:     uvarint count, uvarint k — `count` consecutive buckets spent wholly in STATES[k]
// Runs matter: a goroutine blocked for 17 s is one run per row instead of 17 000 buckets
// (measured on a 168 MB trace: goroutine_levels 56 → 28 MB, and level building 7.5 → 1.1 s).

import { GO_STATE } from '../decode/gotrace/go-states.ts';
import { ByteReader, ByteWriter } from './varint.ts';

/** Bucket widths of levels 1, 2, 3. */
export const LEVEL_NS = [1_000_000, 16_000_000, 256_000_000] as const;
export const BUCKETS_PER_ROW = 4096;
/**
 * A row's data stays within this many bytes. goroutine_levels is a WITHOUT ROWID table, whose
 * rows keep at most about a quarter of a page (4086 bytes of a 16 KiB page) in the b-tree and
 * spill the rest to overflow pages, the last of them mostly empty: rows of up to 56 KB left 25 of
 * the table's 58 MB unused on a 226 MB trace.
 */
export const ROW_BYTES = 4000;
/** The most bytes an entry takes: its head (a gap under 2 × BUCKETS_PER_ROW), a layout byte and four ns under 2^28 (a bucket is at most 256 ms). */
const MAX_ENTRY_BYTES = 2 + 1 + 4 * 4;
/** State codes (GO_STATE) of the four accumulated states, in stored order. */
const STATES: readonly number[] = [GO_STATE.Runnable, GO_STATE.Running, GO_STATE.Waiting, GO_STATE.Syscall];
/** Each state code (0–7) to its index in STATES, −1 for the states not accumulated. */
const STATE_INDEX = Array.from({ length: 8 }, (_, code) => STATES.indexOf(code));
/** A bucket's layout byte: one state's time is left out (bits 5–6 say which), implied by the bucket's width. */
const IMPLIED = 1 << 4;

export interface LevelRow {
  level: number;
  startBucket: number;
  /** Handed to a builder's `out` as a view of its buffer: valid during that call only. */
  data: Uint8Array;
}

class LevelBuilder {
  /** The open (partial) bucket, −1 when none. */
  private bucket = -1;
  /** Its time span [bucketStart, bucketEnd); empty when none. */
  private bucketStart = 0;
  private bucketEnd = 0;
  /** ns per stored state in the open bucket. */
  private readonly ns = [0, 0, 0, 0];
  /**
   * End of the intervals appended so far (see append). Initialised here, not only when set: a
   * field first undefined keeps a tagged representation in V8, and every double stored in it is a
   * new heap object (16 M of them on a 168 MB trace).
   */
  private t = 0;
  /** A pending run of whole buckets in one state: first bucket, count, state index. */
  private runStart = -1;
  private runCount = 0;
  private runState = 0;
  /**
   * The row's first bucket: runs are split at its BUCKETS_PER_ROW-th. A row past ROW_BYTES is
   * stored in pieces, each starting at its first entry's bucket (storedStart), with the entries
   * and run splits the whole row would hold: what the levels say does not depend on ROW_BYTES.
   */
  private rowStart = -1;
  private storedStart = -1;
  /** Bucket after the last one written in the stored row. */
  private next = 0;
  private readonly bytes = new ByteWriter();
  /** The open bucket's ns per state, rounded as written. */
  private readonly rounded = [0, 0, 0, 0];

  /** `coarser`: the next level, fed this level's buckets and runs as they close (its width a multiple of this one's). */
  constructor(readonly level: number, private readonly width: number, private readonly out: (row: LevelRow) => void,
    private readonly coarser: LevelBuilder | null, private readonly rowBytes: number) {}

  /** Starts the intervals that `append` adds at `start`. */
  startAt(start: number): void {
    this.t = start;
  }

  /**
   * Adds the interval from the end of the previous one lasting `duration` ns. Given as a duration
   * (a small integer): times past 2^30 ns passed to a call that is not inlined are boxed, and this
   * is called for nearly every interval of long-lived goroutines (16 M on a 168 MB trace).
   */
  append(duration: number, state: number): void {
    const start = this.t;
    const end = start + duration;
    this.t = end;
    const k = STATE_INDEX[state & 7];
    // Most intervals fall inside the open bucket: added as add() would, short of one spanning
    // exactly the whole bucket, which is a run.
    if (k >= 0 && end > start && start >= this.bucketStart && end <= this.bucketEnd && (start !== this.bucketStart || end !== this.bucketEnd)) {
      this.ns[k] += duration;
      return;
    }
    this.add(start, end, state);
  }

  add(start: number, end: number, state: number): void {
    const k = STATE_INDEX[state & 7];
    if (k < 0 || end <= start) return;
    const w = this.width;
    let s = start;
    // The head: up to the end of the first bucket, or all of it when it ends inside that bucket.
    const first = Math.floor(s / w);
    if (s % w !== 0 || end < (first + 1) * w) {
      const e = Math.min(end, (first + 1) * w);
      if (first !== this.bucket) this.closeBucket(first);
      this.ns[k] += e - s;
      s = e;
      if (s === end) return;
    }
    // Whole buckets in one state: a run.
    const whole = Math.floor(end / w) - s / w;
    if (whole > 0) {
      this.closeBucket(-1);
      this.addRun(s / w, whole, k);
      s += whole * w;
    }
    // The tail, inside the last bucket.
    if (s < end) {
      this.closeBucket(Math.floor(s / w));
      this.ns[k] += end - s;
    }
  }

  /** Adds a finer level's bucket starting at `start`: ns per stored state, all inside one of this level's buckets. */
  private addBucket(start: number, ns: readonly number[]): void {
    const b = Math.floor(start / this.width);
    if (b !== this.bucket) this.closeBucket(b);
    for (let i = 0; i < 4; i++) this.ns[i] += ns[i];
  }

  private addRun(first: number, count: number, k: number): void {
    this.coarser?.add(first * this.width, (first + count) * this.width, STATES[k]);
    if (this.runCount > 0 && this.runState === k && this.runStart + this.runCount === first) {
      this.runCount += count;
      return;
    }
    this.flushRun();
    this.runStart = first;
    this.runCount = count;
    this.runState = k;
  }

  private flushRun(): void {
    let first = this.runStart;
    let count = this.runCount;
    this.runCount = 0;
    // A run never crosses a row's end: split it.
    while (count > 0) {
      this.startEntry(first);
      const inRow = Math.min(count, this.rowStart + BUCKETS_PER_ROW - first);
      this.bytes.uvarint((first - this.next) * 2 + 1);
      this.bytes.uvarint(inRow);
      this.bytes.uvarint(this.runState);
      first += inRow;
      count -= inRow;
      this.next = first;
    }
  }

  /** Writes the open bucket, if any, and opens bucket `next` (−1: none). */
  private closeBucket(next: number): void {
    if (this.bucket >= 0 && this.bucket !== next) {
      this.flushRun();
      this.startEntry(this.bucket);
      this.bytes.uvarint((this.bucket - this.next) * 2);
      this.writeBucketTimes();
      this.coarser?.addBucket(this.bucket * this.width, this.ns);
      this.next = this.bucket + 1;
      this.ns.fill(0);
    }
    if (this.bucket !== next && next >= 0) this.flushRun();
    this.bucket = next;
    this.bucketStart = next >= 0 ? next * this.width : 0;
    this.bucketEnd = next >= 0 ? (next + 1) * this.width : 0;
  }

  /** Writes the open bucket's ns per state (see the layout byte above). */
  private writeBucketTimes(): void {
    const ns = this.rounded;
    let layout = 0;
    let sum = 0;
    let largest = 0;
    for (let i = 0; i < 4; i++) {
      ns[i] = Math.round(this.ns[i]);
      if (ns[i] > 0) layout |= 1 << i;
      if (ns[i] > ns[largest]) largest = i;
      sum += ns[i];
    }
    const implied = sum === this.width ? largest : -1;
    if (implied >= 0) layout |= IMPLIED | (implied << 5);
    this.bytes.byte(layout);
    for (let i = 0; i < 4; i++) if (ns[i] > 0 && i !== implied) this.bytes.uvarint(ns[i]);
  }

  /** Starts a new row when `bucket` falls outside the current one, a new piece of it when its entry might not fit in this one. */
  private startEntry(bucket: number): void {
    const newRow = this.rowStart < 0 || bucket >= this.rowStart + BUCKETS_PER_ROW;
    if (newRow || this.bytes.length + MAX_ENTRY_BYTES > this.rowBytes) {
      this.flushRow();
      if (newRow) this.rowStart = bucket;
      this.storedStart = bucket;
      this.next = bucket;
    }
  }

  private flushRow(): void {
    if (this.bytes.length > 0) this.out({ level: this.level, startBucket: this.storedStart, data: this.bytes.view() });
  }

  finish(): void {
    this.closeBucket(-1);
    this.flushRun();
    this.flushRow();
  }
}

/**
 * Builds every level of one goroutine from its intervals, in time order: the finest from the
 * intervals, each coarser one from the closed buckets and runs of the one below (a third of the
 * work of feeding every level every interval).
 */
export class GoroutineLevels {
  private readonly builders: LevelBuilder[] = [];
  private readonly finest: LevelBuilder;

  /** For intervals from `start` on; `rowBytes`: the most data bytes of a row (ROW_BYTES in the index). */
  constructor(start: number, out: (row: LevelRow) => void, rowBytes = ROW_BYTES) {
    let coarser: LevelBuilder | null = null;
    for (let i = LEVEL_NS.length - 1; i >= 0; i--) {
      this.builders.unshift((coarser = new LevelBuilder(i + 1, LEVEL_NS[i], out, coarser, rowBytes)));
    }
    this.finest = this.builders[0];
    this.finest.startAt(start);
  }

  /** Adds the interval from the end of the previous one lasting `duration` ns (see LevelBuilder.append). */
  add(duration: number, state: number): void {
    this.finest.append(duration, state);
  }

  finish(): void {
    for (const b of this.builders) b.finish();
  }
}

/**
 * Visits the entries of a stored row in time order: a bucket, or a run of whole buckets in one
 * state, with its start, end and ns per state code (index 0–5).
 */
export function decodeLevelRow(row: LevelRow, visit: (start: number, end: number, stateNs: number[]) => void): void {
  const width = LEVEL_NS[row.level - 1];
  const r = new ByteReader(row.data);
  // One array for every entry (a zoomed-out timeline reads tens of thousands): `visit` reads it
  // and must not keep it.
  const stateNs = [0, 0, 0, 0, 0, 0];
  let next = row.startBucket;
  while (!r.done) {
    const head = r.uvarint();
    const bucket = next + Math.floor(head / 2);
    stateNs.fill(0);
    if (head % 2 === 1) {
      const count = r.uvarint();
      stateNs[STATES[r.uvarint()]] = count * width;
      visit(bucket * width, (bucket + count) * width, stateNs);
      next = bucket + count;
    } else {
      const layout = r.byte();
      const implied = layout & IMPLIED ? layout >> 5 : -1;
      let sum = 0;
      for (let i = 0; i < 4; i++) {
        const ns = layout & (1 << i) && i !== implied ? r.uvarint() : 0;
        stateNs[STATES[i]] = ns;
        sum += ns;
      }
      if (implied >= 0) stateNs[STATES[implied]] = width - sum;
      visit(bucket * width, (bucket + 1) * width, stateNs);
      next = bucket + 1;
    }
  }
}
