// Paints one frame of the timeline on a canvas: rows of spans (folded spans as stacked state
// shares), GC bands across the rows, the time axis, the GC track, the goroutine-count and heap
// tracks, labels, the cursor and a box selection. Pure drawing from what is already loaded:
// no fetching here, so a frame costs only the visible spans (≤ one per pixel per row).

import { GOROUTINE_STATES, type GoroutineRow, type LaneSpan, type RangeRow, type TimelineEdge, type TimelineSpan } from '../../src-main/service/types.ts';
import { formatBytes, formatCount } from '../lib/format.ts';
import { firstEndingAfter, type GcRanges } from './gc-ranges.ts';
import { LANE_HEIGHT, MAX_LANES, ROW_HEIGHT, ROW_PAD, plotWidth, xAt, type Layout } from './layout.ts';
import type { Palette } from './palette.ts';
import { PixelLayer } from './pixel-layer.ts';
import { paintKey, SHARE_ORDER } from './states.ts';
import { timeTicks, type WallClock } from './viewport.ts';
import type { SeriesWindow } from './window-series.ts';

export interface VisibleRow {
  index: number;
  /** Top of the row, CSS px. */
  y: number;
  row: GoroutineRow | undefined;
}

export interface Frame {
  layout: Layout;
  dpr: number;
  t0: number;
  t1: number;
  palette: Palette;
  rows: VisibleRow[];
  /** Visits the spans of a goroutine to draw in the window. */
  spans: (goroutine: number, draw: (span: TimelineSpan) => void) => void;
  gc: GcRanges | null;
  series: SeriesWindow | null;
  selected: number | null;
  /** The cursor's x (CSS px) over the plot, null when elsewhere. */
  cursorX: number | null;
  /** A box selection in progress, CSS px. */
  box: { x0: number; x1: number } | null;
  /** The P and M lane tracks, when shown. */
  procs: LaneTrack | null;
  threads: LaneTrack | null;
  /** Unblock arrows to draw. */
  edges: readonly TimelineEdge[];
  /** Where a goroutine's row is: its top (CSS px), or 'above'/'below' the rows shown, or null when not known. */
  rowOf: (goroutine: number) => number | 'above' | 'below' | null;
  /** A selected time range (shown until cleared), ns. */
  range: { t0: number; t1: number } | null;
  /** Colour lane spans by goroutine or by its function. */
  colorBy: 'goroutine' | 'function';
  /** A marked range (m), drawn until cleared, ns. */
  mark?: { t0: number; t1: number } | null;
  /** The axis in wall-clock time (the trace's clock snapshot), else since the trace began. */
  wall?: WallClock | null;
}

/** A lane track's contents for a frame. */
export interface LaneTrack {
  kind: 'proc' | 'thread';
  ids: readonly number[];
  /** Visits lane i's spans in the window. */
  visit: (laneIndex: number, draw: (s: LaneSpan) => void) => void;
  name: (goroutine: number) => string;
}

/** Whether a goroutine is one of the runtime's GC workers (by its start function). */
export function isGcWorker(name: string): boolean {
  return name.startsWith('runtime.gcBgMarkWorker');
}

/** A colour for a goroutine or a function name: spread hues, the same each time. */
export function identityColor(key: number | string, dark: boolean): string {
  let h = 0;
  if (typeof key === 'number') h = Math.imul(key, 2654435761) >>> 0;
  else for (let i = 0; i < key.length; i++) h = (Math.imul(h, 31) + key.charCodeAt(i)) >>> 0;
  const hue = h % 360;
  const sat = 45 + ((h >>> 9) % 25);
  const light = dark ? 50 + ((h >>> 17) % 12) : 58 + ((h >>> 17) % 14);
  return `hsl(${hue} ${sat}% ${light}%)`;
}

const FONT = '11.5px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const MONO = '11px ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace';

export function drawFrame(ctx: CanvasRenderingContext2D, f: Frame): void {
  const { layout: l, palette: p, dpr } = f;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = p.surface;
  ctx.fillRect(0, 0, l.width, l.height);

  drawRows(ctx, f);
  drawHeader(ctx, f);
  drawGutter(ctx, f);
  drawArrows(ctx, f);

  if (f.range) {
    const x0 = Math.max(l.gutter, xAt(l, f.t0, f.t1, f.range.t0));
    const x1 = Math.min(l.width, xAt(l, f.t0, f.t1, f.range.t1));
    if (x1 > x0 - 1) {
      ctx.fillStyle = p.selection;
      ctx.fillRect(x0, l.axisTop, Math.max(1, x1 - x0), l.height);
      ctx.fillStyle = p.accent;
      ctx.fillRect(Math.round(x0), l.axisTop, 1, l.height);
      ctx.fillRect(Math.round(x1) - 1, l.axisTop, 1, l.height);
    }
  }

  if (f.mark) drawMark(ctx, f, f.mark);

  if (f.box) {
    const x0 = Math.max(l.gutter, Math.min(f.box.x0, f.box.x1));
    const x1 = Math.min(l.width, Math.max(f.box.x0, f.box.x1));
    ctx.fillStyle = p.selection;
    ctx.fillRect(x0, 0, x1 - x0, l.height);
    ctx.strokeStyle = p.accent;
    ctx.lineWidth = 1;
    ctx.strokeRect(x0 + 0.5, 0.5, x1 - x0 - 1, l.height - 1);
  }
  if (f.cursorX !== null && f.cursorX >= l.gutter) {
    ctx.strokeStyle = p.muted;
    ctx.globalAlpha = 0.6;
    ctx.beginPath();
    ctx.moveTo(Math.round(f.cursorX) + 0.5, l.axisTop + l.axisHeight);
    ctx.lineTo(Math.round(f.cursorX) + 0.5, l.height);
    ctx.stroke();
    ctx.globalAlpha = 1;
  }
}

/** A marked range: a tinted band with dashed edges across the axis and the rows. */
function drawMark(ctx: CanvasRenderingContext2D, f: Frame, m: { t0: number; t1: number }): void {
  const { layout: l, palette: p } = f;
  const x0 = Math.max(l.gutter, xAt(l, f.t0, f.t1, m.t0));
  const x1 = Math.min(l.width, xAt(l, f.t0, f.t1, m.t1));
  if (x1 < l.gutter || x0 > l.width) return;
  ctx.save();
  ctx.fillStyle = p.accent;
  ctx.globalAlpha = 0.1;
  ctx.fillRect(x0, l.axisTop, Math.max(1, x1 - x0), l.height);
  ctx.globalAlpha = 0.9;
  ctx.strokeStyle = p.accent;
  ctx.lineWidth = 1;
  ctx.setLineDash([5, 3]);
  ctx.beginPath();
  for (const [t, x] of [[m.t0, x0], [m.t1, x1]] as const) {
    if (t < f.t0 || t > f.t1) continue;
    ctx.moveTo(Math.round(x) + 0.5, l.axisTop);
    ctx.lineTo(Math.round(x) + 0.5, l.height);
  }
  ctx.stroke();
  ctx.restore();
}

/**
 * Rectangles gathered by colour and filled once per colour: a frame has up to a span per pixel
 * per row (40 000 rectangles), and changing fillStyle per rectangle was most of a frame's time.
 */
class RectBatch {
  private readonly paths = new Map<string, Path2D>();

  constructor(private readonly dpr: number) {}

  /** Adds [x0, x1) × [y, y + h) snapped to device pixels, at least one device pixel wide. */
  add(color: string, x0: number, x1: number, y: number, h: number): void {
    let path = this.paths.get(color);
    if (!path) this.paths.set(color, (path = new Path2D()));
    const a = Math.round(x0 * this.dpr);
    const b = Math.max(a + 1, Math.round(x1 * this.dpr));
    path.rect(a / this.dpr, y, (b - a) / this.dpr, h);
  }

  fill(ctx: CanvasRenderingContext2D): void {
    for (const [color, path] of this.paths) {
      ctx.fillStyle = color;
      ctx.fill(path);
    }
  }
}

/** Fills [x0, x1) × [y, y + h) snapped to device pixels, at least one device pixel wide. */
function fillSnapped(ctx: CanvasRenderingContext2D, dpr: number, x0: number, x1: number, y: number, h: number): void {
  const a = Math.round(x0 * dpr);
  const b = Math.max(a + 1, Math.round(x1 * dpr));
  ctx.fillRect(a / dpr, y, (b - a) / dpr, h);
}

/** Each canvas's rows layer, kept from frame to frame (its pixels are reused). */
const rowLayers = new WeakMap<CanvasRenderingContext2D, PixelLayer>();

function drawRows(ctx: CanvasRenderingContext2D, f: Frame): void {
  const { layout: l, palette: p, dpr } = f;
  const nsPerPx = (f.t1 - f.t0) / plotWidth(l);
  ctx.save();
  ctx.beginPath();
  ctx.rect(l.gutter, l.rowsTop, l.width - l.gutter, l.height - l.rowsTop);
  ctx.clip();
  for (const r of f.rows) {
    if (r.index % 2 === 1) {
      ctx.fillStyle = p.rowAlt;
      ctx.fillRect(l.gutter, r.y, l.width - l.gutter, ROW_HEIGHT);
    }
    if (r.row && r.row.id === f.selected) {
      ctx.fillStyle = p.selection;
      ctx.fillRect(l.gutter, r.y, l.width - l.gutter, ROW_HEIGHT);
    }
  }
  // Mark phases under the spans (the goroutines keep running), pauses over them (nothing runs).
  drawBands(ctx, f, 'marks', l.rowsTop, l.height - l.rowsTop);
  const h = ROW_HEIGHT - 2 * ROW_PAD;
  let batch = rowLayers.get(ctx);
  if (!batch) rowLayers.set(ctx, (batch = new PixelLayer()));
  batch.begin(l.gutter, l.rowsTop, l.width - l.gutter, l.height - l.rowsTop, dpr);
  const hairlines = new RectBatch(dpr);
  for (const r of f.rows) {
    if (!r.row) continue;
    const y = r.y + ROW_PAD;
    let previous: TimelineSpan | null = null;
    f.spans(r.row.id, (s) => {
      const x0 = l.gutter + (s.start - f.t0) / nsPerPx;
      const x1 = l.gutter + (s.end - f.t0) / nsPerPx;
      const before = previous;
      previous = s;
      if (!s.shares) {
        const key = paintKey(s.state, s.reason);
        if (!key) return;
        batch.add(p.paint[key], x0, x1, y, h);
        // A hairline where a wide span begins, so neighbours of one colour stay apart; not where
        // a tile edge cut one interval in two (the piece after it continues the same state).
        const continues = before !== null && before.end === s.start && !before.shares && before.state === s.state && before.reason === s.reason;
        if ((x1 - x0) * dpr >= 8 && !continues) hairlines.add(p.surface, x0, x0 + 1 / dpr, y, h);
        return;
      }
      // Folded sub-pixel intervals: each state's share stacked bottom up.
      let bottom = y + h;
      for (const state of SHARE_ORDER) {
        const share = s.shares[GOROUTINE_STATES.indexOf(state)];
        if (!share) continue;
        // Waiting folded: the colour of its dominant reason's family, 'mixed' only when it truly is.
        const key = state === 'Waiting' ? (s.reason ? paintKey('Waiting', s.reason) : 'wait-folded') : paintKey(state, '');
        if (!key) continue;
        const sh = Math.max(share * h, 1 / dpr);
        batch.add(p.paint[key], x0, x1, bottom - sh, sh);
        bottom -= sh;
      }
    });
  }
  batch.drawTo(ctx);
  ctx.globalAlpha = 0.55;
  hairlines.fill(ctx);
  ctx.globalAlpha = 1;
  drawBands(ctx, f, 'pauses', l.rowsTop, l.height - l.rowsTop);
  ctx.restore();
}

/** Visits the ranges of a sorted list overlapping [t0, t1). */
function eachInWindow(ranges: readonly RangeRow[], t0: number, t1: number, visit: (r: RangeRow) => void): void {
  for (let i = Math.max(0, firstEndingAfter(ranges, t0) - 2); i < ranges.length && ranges[i].start < t1; i++) {
    if (ranges[i].end > t0) visit(ranges[i]);
  }
}

/** GC mark phases or stop-the-world pauses as translucent bands over [top, top + height). */
function drawBands(ctx: CanvasRenderingContext2D, f: Frame, which: 'marks' | 'pauses', top: number, height: number): void {
  if (!f.gc) return;
  ctx.fillStyle = which === 'marks' ? f.palette.markBand : f.palette.stwBand;
  drawRanges(ctx, f, f.gc[which], top, height, 0);
}

/**
 * Ranges as rectangles; one narrower than a device pixel is drawn a pixel wide with its
 * coverage as opacity (at least `minAlpha`): zoomed out on a long trace, 2 000 pauses of
 * 100 µs would otherwise paint every pixel as if the world were always stopped.
 */
function drawRanges(ctx: CanvasRenderingContext2D, f: Frame, ranges: readonly RangeRow[], top: number, height: number, minAlpha: number): void {
  const { layout: l, dpr } = f;
  eachInWindow(ranges, f.t0, f.t1, (r) => {
    const x0 = xAt(l, f.t0, f.t1, r.start);
    const x1 = xAt(l, f.t0, f.t1, r.end);
    const coverage = (x1 - x0) * dpr;
    ctx.globalAlpha = coverage >= 1 ? 1 : Math.max(minAlpha, coverage);
    fillSnapped(ctx, dpr, x0, x1, top, height);
  });
  ctx.globalAlpha = 1;
}

function drawHeader(ctx: CanvasRenderingContext2D, f: Frame): void {
  const { layout: l, palette: p, dpr } = f;
  ctx.fillStyle = p.surface;
  ctx.fillRect(0, 0, l.width, l.rowsTop);
  const { ticks } = timeTicks(f.t0, f.t1, plotWidth(l), 90, f.wall ?? null);
  // Grid lines through every track and row.
  ctx.fillStyle = p.grid;
  for (const t of ticks) ctx.fillRect(Math.round(xAt(l, f.t0, f.t1, t.time) * dpr) / dpr, l.axisTop + l.axisHeight - 6, 1 / dpr, l.height);
  ctx.font = MONO;
  ctx.textBaseline = 'middle';
  ctx.fillStyle = p.muted;
  for (const t of ticks) {
    const x = xAt(l, f.t0, f.t1, t.time);
    ctx.fillText(t.label, x + 4, l.axisTop + l.axisHeight / 2 - 2);
  }
  ctx.fillStyle = p.border;
  ctx.fillRect(l.gutter, l.axisTop + l.axisHeight - 0.5, l.width - l.gutter, 1);

  // GC track: mark phases as bars, pauses as full-height marks on top.
  if (f.gc) {
    const mid = l.gcTop + l.gcHeight / 2;
    ctx.fillStyle = p.mark;
    drawRanges(ctx, f, f.gc.marks, mid - 4, 8, 0.5);
    // Pauses stay visible however short (a third of full colour at the least).
    ctx.fillStyle = p.stw;
    drawRanges(ctx, f, f.gc.pauses, l.gcTop + 3, l.gcHeight - 6, 0.35);
  }
  if (f.series) {
    if (l.countsHeight > 0) drawCounts(ctx, f, f.series);
    if (l.heapHeight > 0) drawHeap(ctx, f, f.series);
  }
  if (f.procs && l.procsHeight > 0) drawLanes(ctx, f, f.procs, l.procsTop);
  if (f.threads && l.threadsHeight > 0) drawLanes(ctx, f, f.threads, l.threadsTop);
  ctx.fillStyle = p.border;
  ctx.fillRect(0, l.rowsTop - 2.5, l.width, 1);
}

/** Running, syscall and runnable goroutines stacked (waiting ones would flatten them: they are in the tooltip). */
function drawCounts(ctx: CanvasRenderingContext2D, f: Frame, s: SeriesWindow): void {
  const { layout: l, palette: p } = f;
  const points = heldInWindow(s.counts, f.t0, f.t1, s.nsPerPoint);
  const max = Math.max(1, ...points.map((c) => c.running + c.syscall + c.runnable));
  const bottom = l.countsTop + l.countsHeight - 2;
  const scale = (l.countsHeight - 6) / max;
  const layers: [string, (c: (typeof points)[number]) => number][] = [
    [p.paint.Running, (c) => c.running],
    [p.paint.Syscall, (c) => c.running + c.syscall],
    [p.paint.Runnable, (c) => c.running + c.syscall + c.runnable],
  ];
  for (let k = layers.length - 1; k >= 0; k--) {
    const [color, value] = layers[k];
    ctx.fillStyle = color;
    stepArea(ctx, l, f, points.map((c) => ({ time: c.time, value: value(c) })), bottom, scale);
  }
  trackScaleLabel(ctx, f, l.countsTop, `${formatCount(max)} max`);
}

/**
 * Points of a step series in [t0 - slack, t1 + slack], with the last one before that in front:
 * each value holds until the next point, so the lane starts at the window's left edge with the
 * value it had then instead of blank.
 */
export function heldInWindow<T extends { time: number }>(points: readonly T[], t0: number, t1: number, slack: number): T[] {
  let i = 0;
  while (i < points.length && points[i].time < t0 - slack) i++;
  let j = i;
  while (j < points.length && points[j].time <= t1 + slack) j++;
  return points.slice(Math.max(0, i - 1), j);
}

function drawHeap(ctx: CanvasRenderingContext2D, f: Frame, s: SeriesWindow): void {
  const { layout: l, palette: p } = f;
  const live = heldInWindow(s.heapLive, f.t0, f.t1, s.nsPerPoint * 2);
  const goal = heldInWindow(s.heapGoal, f.t0, f.t1, s.nsPerPoint * 2);
  if (live.length === 0 && goal.length === 0) return;
  const max = Math.max(1, ...live.map((m) => m.value), ...goal.map((m) => m.value));
  const bottom = l.heapTop + l.heapHeight - 2;
  const scale = (l.heapHeight - 6) / max;
  ctx.fillStyle = p.heapLive;
  ctx.globalAlpha = 0.55;
  stepArea(ctx, l, f, live, bottom, scale);
  ctx.globalAlpha = 1;
  ctx.strokeStyle = p.heapGoal;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  goal.forEach((m, i) => {
    const x = Math.max(l.gutter, xAt(l, f.t0, f.t1, m.time));
    const y = bottom - m.value * scale;
    if (i === 0) ctx.moveTo(x, y);
    else {
      ctx.lineTo(x, bottom - goal[i - 1].value * scale);
      ctx.lineTo(x, y);
    }
  });
  if (goal.length > 0) ctx.lineTo(l.width, bottom - goal[goal.length - 1].value * scale);
  ctx.stroke();
  trackScaleLabel(ctx, f, l.heapTop, `${formatBytes(max)} max`);
}

/** A filled step area of points (each value holds until the next point). */
function stepArea(ctx: CanvasRenderingContext2D, l: Layout, f: Frame, points: { time: number; value: number }[], bottom: number, scale: number): void {
  if (points.length === 0) return;
  ctx.save();
  ctx.beginPath();
  ctx.rect(l.gutter, 0, l.width - l.gutter, l.height);
  ctx.clip();
  ctx.beginPath();
  ctx.moveTo(xAt(l, f.t0, f.t1, points[0].time), bottom);
  for (let i = 0; i < points.length; i++) {
    const x = xAt(l, f.t0, f.t1, points[i].time);
    const next = i + 1 < points.length ? xAt(l, f.t0, f.t1, points[i + 1].time) : l.width;
    const y = bottom - points[i].value * scale;
    ctx.lineTo(x, y);
    ctx.lineTo(next, y);
  }
  ctx.lineTo(l.width, bottom);
  ctx.closePath();
  ctx.fill();
  ctx.restore();
}

function trackScaleLabel(ctx: CanvasRenderingContext2D, f: Frame, top: number, text: string): void {
  ctx.font = MONO;
  ctx.textBaseline = 'top';
  ctx.fillStyle = f.palette.muted;
  const w = ctx.measureText(text).width;
  const x = f.layout.width - w - 8;
  ctx.fillStyle = f.palette.surface;
  ctx.globalAlpha = 0.8;
  ctx.fillRect(x - 3, top + 1, w + 6, 14);
  ctx.globalAlpha = 1;
  ctx.fillStyle = f.palette.muted;
  ctx.fillText(text, x, top + 2);
}

function drawGutter(ctx: CanvasRenderingContext2D, f: Frame): void {
  const { layout: l, palette: p } = f;
  ctx.fillStyle = p.background;
  ctx.fillRect(0, 0, l.gutter, l.height);
  ctx.fillStyle = p.border;
  ctx.fillRect(l.gutter - 1, 0, 1, l.height);
  ctx.font = FONT;
  ctx.textBaseline = 'middle';
  ctx.fillStyle = p.muted;
  const label = (text: string, top: number, height: number) => {
    if (height > 0) ctx.fillText(text, 10, top + height / 2);
  };
  label(f.wall ? 'Wall clock (UTC)' : 'Time', l.axisTop, l.axisHeight);
  label('GC', l.gcTop, l.gcHeight);
  label('Goroutines (active)', l.countsTop, l.countsHeight);
  label('Heap / goal', l.heapTop, l.heapHeight);
  ctx.font = MONO;
  for (const [track, top] of [[f.procs, l.procsTop], [f.threads, l.threadsTop]] as const) {
    if (!track || (top === l.procsTop ? l.procsHeight : l.threadsHeight) === 0) continue;
    const prefix = track.kind === 'proc' ? 'P' : 'M';
    track.ids.slice(0, MAX_LANES).forEach((id, i) => ctx.fillText(`${prefix}${id}`, 10, top + 2 + i * LANE_HEIGHT + LANE_HEIGHT / 2));
    if (track.ids.length > MAX_LANES) ctx.fillText(`+${track.ids.length - MAX_LANES} more`, 70, top + 2 + (MAX_LANES - 1) * LANE_HEIGHT + LANE_HEIGHT / 2);
  }
  ctx.font = FONT;

  ctx.save();
  ctx.beginPath();
  ctx.rect(0, l.rowsTop, l.gutter - 1, l.height - l.rowsTop);
  ctx.clip();
  for (const r of f.rows) {
    const selected = r.row !== undefined && r.row.id === f.selected;
    if (selected) {
      ctx.fillStyle = p.selection;
      ctx.fillRect(0, r.y, l.gutter - 1, ROW_HEIGHT);
    }
    const mid = r.y + ROW_HEIGHT / 2;
    if (!r.row) {
      ctx.fillStyle = p.muted;
      ctx.fillText('…', 10, mid);
      continue;
    }
    const id = `G${r.row.id}`;
    ctx.font = MONO;
    ctx.fillStyle = selected ? p.accent : p.muted;
    ctx.fillText(id, 10, mid);
    const idWidth = Math.max(ctx.measureText(id).width + 8, 52);
    ctx.font = FONT;
    ctx.fillStyle = p.text;
    ctx.fillText(truncate(ctx, shortName(r.row.name), l.gutter - 16 - idWidth), 10 + idWidth, mid);
  }
  ctx.restore();
}

/** "net/http.(*conn).serve" → "http.(*conn).serve": the package path adds width, not meaning. */
export function shortName(name: string): string {
  if (!name) return '(no start function)';
  const slash = name.lastIndexOf('/');
  return slash >= 0 ? name.slice(slash + 1) : name;
}

function truncate(ctx: CanvasRenderingContext2D, text: string, width: number): string {
  if (ctx.measureText(text).width <= width) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ctx.measureText(`${text.slice(0, mid)}…`).width <= width) lo = mid;
    else hi = mid - 1;
  }
  return `${text.slice(0, lo)}…`;
}

/**
 * P or M lanes: each goroutine's time on the lane in its own colour (or its function's), GC
 * workers in the GC colour, syscalls in the syscall colour, idle left empty; folded runs of
 * sub-pixel intervals drawn with their busy share as opacity. Names where a span is wide enough.
 */
function drawLanes(ctx: CanvasRenderingContext2D, f: Frame, track: LaneTrack, top: number): void {
  const { layout: l, palette: p, dpr } = f;
  const dark = p.surface.startsWith('#') ? parseInt(p.surface.slice(1, 3), 16) < 128 : false;
  ctx.save();
  ctx.beginPath();
  ctx.rect(l.gutter, top, l.width - l.gutter, track.ids.length * LANE_HEIGHT + 4);
  ctx.clip();
  const labels: [string, number, number, number][] = [];
  const folded = new RectBatch(dpr);
  const solid = new RectBatch(dpr);
  track.ids.slice(0, MAX_LANES).forEach((_, i) => {
    const y = top + 2 + i * LANE_HEIGHT;
    if (i % 2 === 1) {
      ctx.fillStyle = p.rowAlt;
      ctx.fillRect(l.gutter, y, l.width - l.gutter, LANE_HEIGHT);
    }
    track.visit(i, (s) => {
      const x0 = Math.max(l.gutter - 2, xAt(l, f.t0, f.t1, s.start));
      const x1 = Math.min(l.width + 2, xAt(l, f.t0, f.t1, s.end));
      const name = track.name(s.goroutine);
      const color = s.state === 'Syscall' ? p.paint.Syscall : isGcWorker(name) ? p.mark
        : identityColor(f.colorBy === 'function' ? name : s.goroutine, dark);
      (s.count > 1 && s.busy < 0.75 ? folded : solid).add(color, x0, x1, y + 1, LANE_HEIGHT - 2);
      if (x1 - x0 > 46 && s.count === 1) labels.push([`G${s.goroutine} ${shortName(name)}`, x0, x1, y + LANE_HEIGHT / 2]);
    });
  });
  ctx.globalAlpha = 0.45;
  folded.fill(ctx);
  ctx.globalAlpha = 1;
  solid.fill(ctx);
  ctx.font = '10.5px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  ctx.fillStyle = dark ? '#0d1117' : '#111';
  for (const [text, x0, x1, y] of labels) {
    const a = Math.max(x0, l.gutter) + 3;
    const w = Math.min(x1, l.width) - a - 3;
    if (w > 30) ctx.fillText(truncate(ctx, text, w), a, y);
  }
  ctx.restore();
  ctx.fillStyle = p.border;
  ctx.fillRect(l.gutter, top + track.ids.length * LANE_HEIGHT + 3, l.width - l.gutter, 1);
}

/** An unblock arrow's ends on the canvas, CSS px: from the waker's row to the woken one's. */
export function arrowGeometry(f: Frame, e: TimelineEdge): { x: number; y0: number; y1: number; offscreen: boolean } | null {
  const l = f.layout;
  if (e.time < f.t0 || e.time > f.t1) return null;
  const place = (g: number) => {
    const at = f.rowOf(g);
    if (at === null) return null;
    if (at === 'above') return { y: l.rowsTop + 2, off: true };
    if (at === 'below') return { y: l.height - 2, off: true };
    return { y: at + ROW_HEIGHT / 2, off: false };
  };
  const from = place(e.byGoroutine);
  const to = place(e.goroutine);
  if (!from || !to || (from.off && to.off)) return null;
  return { x: xAt(l, f.t0, f.t1, e.time), y0: from.y, y1: to.y, offscreen: from.off || to.off };
}

/** Unblock arrows as go tool trace draws flows: from the waker at the unblock time to the woken goroutine. */
function drawArrows(ctx: CanvasRenderingContext2D, f: Frame): void {
  if (f.edges.length === 0) return;
  const l = f.layout;
  ctx.save();
  ctx.beginPath();
  ctx.rect(l.gutter, l.rowsTop, l.width - l.gutter, l.height - l.rowsTop);
  ctx.clip();
  ctx.lineWidth = 1.5;
  for (const e of f.edges) {
    const a = arrowGeometry(f, e);
    if (!a) continue;
    const selectedEnd = e.goroutine === f.selected || e.byGoroutine === f.selected;
    ctx.strokeStyle = f.palette.accent;
    ctx.fillStyle = f.palette.accent;
    ctx.globalAlpha = selectedEnd ? 0.95 : 0.55;
    ctx.setLineDash(a.offscreen ? [4, 3] : []);
    const dir = Math.sign(a.y1 - a.y0) || 1;
    ctx.beginPath();
    ctx.moveTo(a.x, a.y0);
    ctx.bezierCurveTo(a.x + 10, a.y0 + dir * 6, a.x + 10, a.y1 - dir * 10, a.x, a.y1 - dir * 5);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.beginPath();
    ctx.moveTo(a.x, a.y1);
    ctx.lineTo(a.x - 3.5, a.y1 - dir * 7);
    ctx.lineTo(a.x + 3.5, a.y1 - dir * 7);
    ctx.closePath();
    ctx.fill();
    ctx.beginPath();
    ctx.arc(a.x, a.y0, 2.5, 0, Math.PI * 2);
    ctx.fill();
  }
  ctx.restore();
}
