// Reducing a time series to what a window can show: which precomputed level of detail to read,
// and one point per bucket of the window, its peak.

/**
 * Of levels of detail whose buckets are `widths` ns wide (finest first), the coarsest whose
 * buckets are no wider than `maxWidth` ns, numbered from 1; 0 when even the finest is wider.
 */
export function coarsestLevel(widths: readonly number[], maxWidth: number): number {
  let level = 0;
  while (level < widths.length && widths[level] <= maxWidth) level++;
  return level;
}

/**
 * Time-ordered points reduced to one per bucket: bucket k holds the times in
 * [t0 + k·bucketNs, t0 + (k + 1)·bucketNs). A bucket's first point stands for it until
 * `keepPeak(kept, next)` says which point (or what merged point) stands for both: peaks (heap
 * size, goroutines waiting) are what a zoomed-out series must not lose.
 */
export class PeakPerBucket<T extends { time: number }> {
  /** One point per bucket that has any, in time order. */
  readonly points: T[] = [];
  private bucket = NaN;

  constructor(private readonly t0: number, private readonly bucketNs: number, private readonly keepPeak: (kept: T, next: T) => T) {}

  add(p: T): void {
    const bucket = Math.floor((p.time - this.t0) / this.bucketNs);
    if (bucket === this.bucket) {
      this.points[this.points.length - 1] = this.keepPeak(this.points[this.points.length - 1], p);
    } else {
      this.points.push(p);
      this.bucket = bucket;
    }
  }
}
