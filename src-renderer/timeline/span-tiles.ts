// Goroutine spans fetched in tiles and cached by resolution, so panning reuses what was loaded
// and zooming refines progressively (Perfetto's approach). A tile is TILE_PX pixels at a
// resolution of 2^level ns per pixel: the window's resolution rounded down to a power of two,
// so a tile is drawn at between 1 and 2 screen pixels per tile pixel. Tiles hold rows
// (goroutines) independently, so scrolling fetches only the rows that were never seen.
//
// Requests of a stream of moves are debounced (a wheel zoom passes many levels in a second: only
// where it stops is fetched; a lone key press is fetched at once) and at most four are in
// flight; queued requests for tiles no longer on screen are dropped before they are sent. While a tile loads, rows are drawn from the nearest level
// already cached, so the previous frame stays on screen, only coarser or finer: at most
// MAX_FINER_LEVELS finer (a level finer has twice the tiles and spans to draw: zoomed out to the
// whole trace after zooming in, twelve levels finer was 4 096 tiles per row to look up and
// 2.5 s frames on bench:timeline's trace), any number coarser.

import type { ApiClient } from '../api/client.ts';
import type { TimelineSpan } from '../../src-main/service/types.ts';
import { MoveDebouncer } from './window-fetch.ts';

export const TILE_PX = 512;
/** The service's limit of rows per request. */
const MAX_ROWS_PER_REQUEST = 2000;
/** The hosts answer tiles on a pool of query workers (service/read-pool.ts): a window's tiles go at once. */
const MAX_IN_FLIGHT = 4;
const DEBOUNCE_MS = 40;
/** Tiles kept (least recently drawn dropped first): about 40 visible rows × 400 tiles of spans. */
const MAX_TILES = 400;
/** How many levels finer than the window's a missing tile may be drawn from. */
const MAX_FINER_LEVELS = 3;
/** Levels above the window's searched for a coarser tile (a level is a power of two of ns per pixel). */
const MAX_COARSER_LEVELS = 40;

interface Tile {
  level: number;
  index: number;
  t0: number;
  t1: number;
  rows: Map<number, TimelineSpan[]>;
  /** Rows requested and not yet answered. */
  pending: Set<number>;
  lastUsed: number;
}

interface Request {
  tile: Tile;
  goroutines: number[];
}

/** One request's timing, for measuring fluidity. */
export interface TileTiming {
  level: number;
  rows: number;
  spans: number;
  ms: number;
}

export function levelFor(nsPerPx: number): number {
  return Math.max(0, Math.floor(Math.log2(Math.max(nsPerPx, 1))));
}

export function tileNs(level: number): number {
  return TILE_PX * 2 ** level;
}

/** A tile's key: indexes stay below 2^46 (ns up to 2^55 at level 0), levels below 64. */
function tileKey(level: number, index: number): number {
  return index * 64 + level;
}

export class SpanTiles {
  private readonly tiles = new Map<number, Tile>();
  private queue: Request[] = [];
  private inFlight = 0;
  private wanted = new Set<number>();
  private readonly debouncer = new MoveDebouncer(DEBOUNCE_MS);
  private useClock = 0;
  private closed = false;
  readonly timings: TileTiming[] = [];
  /** Bumped whenever a response arrives (what a frame shows may have changed). */
  version = 0;

  constructor(private readonly api: ApiClient, private readonly artefact: string,
    private readonly onData: () => void, private readonly onError: (message: string) => void) {}

  close(): void {
    this.closed = true;
    this.debouncer.cancel();
    this.queue = [];
  }

  /** Rows requested and not answered yet, over the tiles of the last `want`. */
  get pending(): number {
    let n = this.queue.length;
    for (const key of this.wanted) n += this.tiles.get(key)?.pending.size ?? 0;
    return n;
  }

  /** Asks for the rows of the window at its resolution (fetched after a short pause). */
  want(t0: number, t1: number, widthPx: number, goroutines: readonly number[]): void {
    const level = levelFor((t1 - t0) / widthPx);
    const width = tileNs(level);
    const first = Math.floor(t0 / width);
    const last = Math.floor((t1 - 1) / width);
    const wanted = new Set<number>();
    const requests: Request[] = [];
    // The middle tile first: where the user looks.
    const middle = Math.floor((t0 + t1) / 2 / width);
    const order: number[] = [];
    for (let i = first; i <= last; i++) order.push(i);
    order.sort((a, b) => Math.abs(a - middle) - Math.abs(b - middle));
    for (const index of order) {
      const tile = this.tile(level, index);
      wanted.add(tileKey(level, index));
      const missing = goroutines.filter((g) => !tile.rows.has(g) && !tile.pending.has(g) && !this.queued(tile, g));
      for (let i = 0; i < missing.length; i += MAX_ROWS_PER_REQUEST) {
        requests.push({ tile, goroutines: missing.slice(i, i + MAX_ROWS_PER_REQUEST) });
      }
    }
    this.wanted = wanted;
    // Requests for tiles that left the screen are dropped; new ones wait for the view to settle.
    this.queue = this.queue.filter((r) => wanted.has(tileKey(r.tile.level, r.tile.index)));
    if (requests.length === 0) return;
    this.queue.push(...requests);
    this.debouncer.schedule(() => this.pump());
  }

  /**
   * Visits the spans to draw for one row over [t0, t1): from the tiles at the window's level,
   * and where one has not arrived, from the nearest level that has the row.
   */
  visit(goroutine: number, t0: number, t1: number, widthPx: number, draw: (span: TimelineSpan) => void): void {
    const level = levelFor((t1 - t0) / widthPx);
    const width = tileNs(level);
    for (let index = Math.floor(t0 / width); index * width < t1; index++) {
      const tile = this.tiles.get(tileKey(level, index));
      const spans = tile?.rows.get(goroutine);
      if (tile && spans) {
        tile.lastUsed = ++this.useClock;
        for (const s of spans) if (s.end > t0 && s.start < t1) draw(s);
        continue;
      }
      this.visitFallback(goroutine, Math.max(index * width, t0), Math.min((index + 1) * width, t1), level, draw);
    }
  }

  private visitFallback(goroutine: number, a: number, b: number, level: number, draw: (span: TimelineSpan) => void): void {
    for (let d = 1; d <= MAX_COARSER_LEVELS; d++) {
      for (const l of [level - d, level + d]) {
        if (l < 0 || l < level - MAX_FINER_LEVELS) continue;
        const width = tileNs(l);
        let found = false;
        for (let index = Math.floor(a / width); index * width < b; index++) {
          const spans = this.tiles.get(tileKey(l, index))?.rows.get(goroutine);
          if (!spans) continue;
          found = true;
          for (const s of spans) {
            if (s.end <= a || s.start >= b) continue;
            draw(s.start >= a && s.end <= b ? s : { ...s, start: Math.max(s.start, a), end: Math.min(s.end, b) });
          }
        }
        if (found) return;
      }
    }
  }

  private queued(tile: Tile, goroutine: number): boolean {
    return this.queue.some((r) => r.tile === tile && r.goroutines.includes(goroutine));
  }

  private tile(level: number, index: number): Tile {
    const key = tileKey(level, index);
    let tile = this.tiles.get(key);
    if (!tile) {
      const width = tileNs(level);
      tile = { level, index, t0: index * width, t1: (index + 1) * width, rows: new Map(), pending: new Set(), lastUsed: ++this.useClock };
      this.tiles.set(key, tile);
      this.evict();
    }
    return tile;
  }

  private evict(): void {
    if (this.tiles.size <= MAX_TILES) return;
    const idle = [...this.tiles.entries()].filter(([key, t]) => t.pending.size === 0 && !this.wanted.has(key))
      .sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    for (const [key] of idle.slice(0, this.tiles.size - MAX_TILES)) this.tiles.delete(key);
  }

  private pump(): void {
    while (!this.closed && this.inFlight < MAX_IN_FLIGHT && this.queue.length > 0) {
      const req = this.queue.shift()!;
      void this.send(req);
    }
  }

  private async send({ tile, goroutines }: Request): Promise<void> {
    this.inFlight++;
    for (const g of goroutines) tile.pending.add(g);
    const started = performance.now();
    try {
      const window = await this.api.timeline({ artefact: this.artefact, t0: tile.t0, t1: tile.t1, goroutines, widthPx: TILE_PX });
      let spans = 0;
      for (const row of window.rows) {
        tile.rows.set(row.goroutine, row.spans);
        spans += row.spans.length;
      }
      // Goroutines the index does not have: an empty row, not a request every frame.
      for (const g of goroutines) if (!tile.rows.has(g)) tile.rows.set(g, []);
      this.timings.push({ level: tile.level, rows: goroutines.length, spans, ms: performance.now() - started });
      if (this.timings.length > 500) this.timings.splice(0, 250);
    } catch (e) {
      // Empty rows, so a failing request is reported once rather than retried every frame.
      for (const g of goroutines) tile.rows.set(g, []);
      if (!this.closed) this.onError(e instanceof Error ? e.message : String(e));
    } finally {
      for (const g of goroutines) tile.pending.delete(g);
      this.inFlight--;
      this.version++;
    }
    if (this.closed) return;
    this.onData();
    this.pump();
  }
}
