// The blocking profiles of a trace by site, as the GoroutineIndexer follows waits: per blocking
// kind (blockingKindCode's codes), wait reason and stack, how many waits, their total, longest and
// percentile durations. Written to blocking_sites at the end.

import type { RowSink } from './batch-insert.ts';

/** Histogram buckets per doubling of a duration: a percentile is read to within ±2.2%. */
const BUCKETS_PER_OCTAVE = 16;
/** Up to 2^64 ns. */
const BUCKETS = 64 * BUCKETS_PER_OCTAVE;

class Site {
  count = 0;
  total = 0;
  min = Infinity;
  max = 0;
  readonly histogram = new Uint32Array(BUCKETS);

  add(ns: number): void {
    this.count++;
    this.total += ns;
    if (ns > this.max) this.max = ns;
    if (ns < this.min) this.min = ns;
    this.histogram[Math.min(BUCKETS - 1, Math.floor(Math.log2(ns) * BUCKETS_PER_OCTAVE))]++;
  }

  /** The duration below which a fraction `q` of the waits fall: its bucket's geometric middle, within [min, max] (exact for one wait). */
  quantile(q: number): number {
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.histogram[i];
      if (seen >= rank) return Math.min(this.max, Math.max(this.min, Math.round(2 ** ((i + 0.5) / BUCKETS_PER_OCTAVE))));
    }
    return this.max;
  }
}

export class BlockingSites {
  /**
   * By the stack that began the waits (an array: stack IDs are dense, and a Map lookup per wait
   * cost a second on a 168 MB trace), then a few sites of distinct kind and reason each.
   */
  private readonly byStack: ({ kind: number; reason: number; site: Site }[] | undefined)[] = [];

  /** A wait of `ns` (> 0) of `kind`, for `reason`, begun by an event with stack `stack`. */
  add(kind: number, reason: number, stack: number, ns: number): void {
    let sites = this.byStack[stack];
    if (sites === undefined) this.byStack[stack] = sites = [];
    for (let i = 0; i < sites.length; i++) {
      const s = sites[i];
      if (s.kind === kind && s.reason === reason) {
        s.site.add(ns);
        return;
      }
    }
    const site = new Site();
    site.add(ns);
    sites.push({ kind, reason, site });
  }

  /** Writes every site as a row (kind, reason, stack, count, total_ns, max_ns, p50_ns, p99_ns). */
  write(sink: RowSink): void {
    this.byStack.forEach((sites, stack) => {
      for (const { kind, reason, site: s } of sites ?? []) {
        sink.push(kind, reason, stack, s.count, s.total, s.max, s.quantile(0.5), s.quantile(0.99));
      }
    });
  }
}
