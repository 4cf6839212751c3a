// Precomputed levels of detail for long-lived goroutines: per level, buckets of a fixed width
// holding the time spent in each state. A timeline zoomed out so that a pixel spans at least a
// bucket reads these instead of every interval: a goroutine with 200 000 intervals over 17 s is
// 17 000 buckets at 1 ms, 1 000 at 16 ms.
//
// Stored as rows of up to BUCKETS_PER_ROW buckets; per non-empty bucket:
//   uvarint (bucket index − previous bucket index in the row, the first relative to start_bucket)
//   uvarint runnable ns, running ns, waiting ns, syscall ns

/** Bucket widths of levels 1, 2, 3. */
export const LEVEL_NS = [1_000_000, 16_000_000, 256_000_000] as const;
const BUCKETS_PER_ROW = 4096;
/** State codes (schema GO_STATES) of the four accumulated states, in stored order. */
const STATES = [2, 3, 4, 5] as const;

export interface LevelRow {
  level: number;
  startBucket: number;
  data: Uint8Array;
}

class LevelBuilder {
  private bucket = -1;
  private readonly ns = [0, 0, 0, 0];
  private rowStart = -1;
  private prev = 0;
  private buf: number[] = [];

  constructor(readonly level: number, private readonly width: number, private readonly out: (row: LevelRow) => void) {}

  add(start: number, end: number, state: number): void {
    const k = STATES.indexOf(state as (typeof STATES)[number]);
    if (k < 0 || end <= start) return;
    let s = start;
    while (s < end) {
      const b = Math.floor(s / this.width);
      const bucketEnd = (b + 1) * this.width;
      const e = Math.min(end, bucketEnd);
      if (b !== this.bucket) this.close(b);
      this.ns[k] += e - s;
      s = e;
    }
  }

  /** Finishes the open bucket and opens bucket `next` (−1: none). */
  private close(next: number): void {
    if (this.bucket >= 0) {
      if (this.rowStart < 0 || this.bucket - this.rowStart >= BUCKETS_PER_ROW) {
        this.flush();
        this.rowStart = this.bucket;
        this.prev = this.bucket;
      }
      uvarint(this.buf, this.bucket - this.prev);
      for (const v of this.ns) uvarint(this.buf, Math.round(v));
      this.prev = this.bucket;
    }
    this.bucket = next;
    this.ns.fill(0);
  }

  flush(): void {
    if (this.buf.length > 0) this.out({ level: this.level, startBucket: this.rowStart, data: Uint8Array.from(this.buf) });
    this.buf = [];
  }

  finish(): void {
    this.close(-1);
    this.flush();
  }
}

/** Builds every level of one goroutine from its intervals, in time order. */
export class GoroutineLevels {
  private readonly builders: LevelBuilder[];

  constructor(out: (row: LevelRow) => void) {
    this.builders = LEVEL_NS.map((w, i) => new LevelBuilder(i + 1, w, out));
  }

  add(start: number, end: number, state: number): void {
    for (const b of this.builders) b.add(start, end, state);
  }

  finish(): void {
    for (const b of this.builders) b.finish();
  }
}

function uvarint(out: number[], v: number): void {
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

/** Visits the buckets of a stored row: bucket start, end, and ns per state code (index 0–5). */
export function decodeLevelRow(row: LevelRow, visit: (start: number, end: number, stateNs: number[]) => void): void {
  const width = LEVEL_NS[row.level - 1];
  const data = row.data;
  let pos = 0;
  const read = (): number => {
    let v = 0;
    let mul = 1;
    let b: number;
    do {
      b = data[pos++];
      v += (b & 0x7f) * mul;
      mul *= 128;
    } while (b >= 0x80);
    return v;
  };
  let bucket = row.startBucket;
  while (pos < data.length) {
    bucket += read();
    const stateNs = [0, 0, read(), read(), read(), read()];
    visit(bucket * width, (bucket + 1) * width, stateNs);
  }
}
