// The P (or M) lanes, fetched in tiles as the goroutine rows are (span-tiles.ts): a tile is
// TILE_PX pixels at 2^level ns per pixel and holds every lane, so panning reuses what was loaded
// and, while a tile loads, the nearest level cached is drawn instead.

import type { ApiClient } from '../api/client.ts';
import type { LaneSpan, TimelineLaneKind, TimelineLanesWindow } from '../../src-main/service/types.ts';
import { levelFor, TILE_PX, tileNs } from './span-tiles.ts';
import { MoveDebouncer } from './window-fetch.ts';

const DEBOUNCE_MS = 40;
const MAX_TILES = 200;

export class LaneTiles {
  private readonly tiles = new Map<string, TimelineLanesWindow | 'loading'>();
  private wanted: string[] = [];
  private readonly debouncer = new MoveDebouncer(DEBOUNCE_MS);
  private closed = false;
  /** Lane IDs, once the first tile arrived. */
  lanes: number[] | null = null;
  /** Set when the service cannot give lanes for this trace: nothing more is asked. */
  unavailable = false;
  /** Goroutine names of the spans loaded. */
  readonly names = new Map<number, string>();
  version = 0;

  constructor(private readonly api: ApiClient, private readonly artefact: string, readonly kind: TimelineLaneKind,
    private readonly onData: () => void, private readonly onError: (message: string) => void) {}

  close(): void {
    this.closed = true;
    this.debouncer.cancel();
  }

  /** Tiles of the last `want` not loaded yet. */
  get pending(): number {
    return this.wanted.filter((k) => { const t = this.tiles.get(k); return t === undefined || t === 'loading'; }).length;
  }

  want(t0: number, t1: number, widthPx: number): void {
    const level = levelFor((t1 - t0) / widthPx);
    const width = tileNs(level);
    const keys: string[] = [];
    for (let i = Math.floor(t0 / width); i * width < t1; i++) keys.push(`${level}:${i}`);
    this.wanted = this.unavailable ? [] : keys;
    if (this.unavailable) return;
    if (keys.every((k) => this.tiles.has(k))) return;
    this.debouncer.schedule(() => {
      for (const k of this.wanted) if (!this.tiles.has(k)) void this.fetch(k);
    });
  }

  private async fetch(key: string): Promise<void> {
    const [level, index] = key.split(':').map(Number);
    const width = tileNs(level);
    this.tiles.set(key, 'loading');
    try {
      const w = await this.api.timelineLanes({ artefact: this.artefact, kind: this.kind, t0: index * width, t1: (index + 1) * width, widthPx: TILE_PX });
      if (this.closed) return;
      this.tiles.set(key, w);
      this.lanes ??= w.lanes.map((l) => l.id);
      for (const [g, name] of Object.entries(w.names)) this.names.set(Number(g), name);
      this.evict();
    } catch (e) {
      this.tiles.delete(key);
      this.unavailable = true;
      this.wanted = [];
      if (!this.closed) this.onError(e instanceof Error ? e.message : String(e));
      return;
    } finally {
      this.version++;
    }
    this.onData();
  }

  private evict(): void {
    if (this.tiles.size <= MAX_TILES) return;
    for (const key of this.tiles.keys()) {
      if (this.tiles.size <= MAX_TILES) break;
      if (!this.wanted.includes(key) && this.tiles.get(key) !== 'loading') this.tiles.delete(key);
    }
  }

  /**
   * Visits the spans of lane `laneIndex` over [t0, t1), each once (a span across a tile edge is in
   * both tiles, whole: the service never clips them), from the window's level or the nearest cached.
   */
  visit(laneIndex: number, t0: number, t1: number, widthPx: number, draw: (span: LaneSpan) => void): void {
    const level = levelFor((t1 - t0) / widthPx);
    let lastEnd = -Infinity;
    for (let d = 0; d <= 12; d++) {
      for (const l of d === 0 ? [level] : [level - d, level + d]) {
        if (l < 0) continue;
        const width = tileNs(l);
        let complete = true;
        const found: TimelineLanesWindow[] = [];
        for (let i = Math.floor(t0 / width); i * width < t1; i++) {
          const w = this.tiles.get(`${l}:${i}`);
          if (!w || w === 'loading') complete = false;
          else found.push(w);
        }
        if (!complete && found.length === 0) continue;
        for (const w of found) {
          for (const s of w.lanes[laneIndex]?.spans ?? []) {
            if (s.end <= t0 || s.start >= t1 || s.start < lastEnd) continue;
            lastEnd = s.end;
            draw(s);
          }
        }
        return;
      }
    }
  }
}
