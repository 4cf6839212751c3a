// The annotations drawn on goroutine rows and the task track: user regions as bars along the top
// of their goroutine's row (one level per nesting depth, edges marked through the row), mark
// assists and sweeps the goroutine paid for as a bar along the bottom of its spans, log messages
// as small triangles and CPU profile samples as ticks on the row's bottom edge; tasks as bars in
// a track of their own, one lane per nesting depth. Drawn after the frame, from what is loaded.

import type { TimelineAnnotations } from '../../src-main/service/types.ts';
import { identityColor, type Frame } from './draw.ts';
import { LANE_HEIGHT, ROW_HEIGHT, ROW_PAD, xAt } from './layout.ts';

export interface AnnotationChoice {
  regions: boolean;
  tasks: boolean;
  logs: boolean;
  cpuSamples: boolean;
  gcWork: boolean;
}

/** Most task lanes shown (more tasks at once share the last). */
export const MAX_TASK_LANES = 10;
const REGION_BAR = 3;
export const SWEEP_COLOR = '#2f9e98';

type Region = TimelineAnnotations['regions'][number];
type Task = TimelineAnnotations['tasks'][number];

function isDark(f: Frame): boolean {
  return f.palette.surface.startsWith('#') ? parseInt(f.palette.surface.slice(1, 3), 16) < 128 : false;
}

/** Where a region is drawn (CSS px), null when its row is not shown or it is outside the window. */
export function regionGeometry(f: Frame, r: Region): { x0: number; x1: number; y: number; h: number } | null {
  const row = f.rows.find((v) => v.row?.id === r.goroutine);
  const end = r.end ?? f.t1;
  if (!row || end <= f.t0 || r.start >= f.t1) return null;
  const l = f.layout;
  return {
    x0: Math.max(l.gutter, xAt(l, f.t0, f.t1, r.start)),
    x1: Math.min(l.width, xAt(l, f.t0, f.t1, end)),
    y: row.y + 1 + Math.min(r.depth, 3) * (REGION_BAR + 1),
    h: REGION_BAR,
  };
}

export function regionColor(f: Frame, name: string): string {
  return identityColor(`region:${name}`, isDark(f));
}

export function drawRowAnnotations(ctx: CanvasRenderingContext2D, f: Frame, a: TimelineAnnotations, choice: AnnotationChoice): void {
  const { layout: l, palette: p, dpr } = f;
  ctx.save();
  ctx.beginPath();
  ctx.rect(l.gutter, l.rowsTop, l.width - l.gutter, l.height - l.rowsTop);
  ctx.clip();
  const rowTop = new Map<number, number>();
  for (const r of f.rows) if (r.row) rowTop.set(r.row.id, r.y);
  const x = (t: number) => xAt(l, f.t0, f.t1, t);
  const inView = (t: number) => t >= f.t0 && t <= f.t1;
  const snap = (v: number) => Math.round(v * dpr) / dpr;

  if (choice.gcWork) {
    for (const w of a.gcWork) {
      const y = rowTop.get(w.goroutine);
      if (y === undefined || w.end <= f.t0 || w.start >= f.t1) continue;
      ctx.fillStyle = w.kind === 'assist' ? p.mark : SWEEP_COLOR;
      const x0 = snap(x(w.start));
      ctx.fillRect(x0, y + ROW_HEIGHT - ROW_PAD - 3, Math.max(1 / dpr, snap(x(w.end)) - x0), 3);
    }
  }
  if (choice.regions) {
    for (const r of a.regions) {
      const g = regionGeometry(f, r);
      if (!g) continue;
      const top = rowTop.get(r.goroutine)!;
      ctx.fillStyle = regionColor(f, r.name);
      ctx.fillRect(snap(g.x0), g.y, Math.max(1 / dpr, snap(g.x1) - snap(g.x0)), g.h);
      // The region's edges through the row, so nested regions read as brackets.
      ctx.globalAlpha = 0.8;
      if (inView(r.start)) ctx.fillRect(snap(g.x0), g.y, 1, ROW_HEIGHT - (g.y - top) - 1);
      if (r.end !== null && inView(r.end)) ctx.fillRect(snap(g.x1) - 1, g.y, 1, ROW_HEIGHT - (g.y - top) - 1);
      ctx.globalAlpha = 1;
    }
  }
  if (choice.cpuSamples) {
    ctx.fillStyle = isDark(f) ? '#f0f3f6' : '#1f2328';
    ctx.globalAlpha = 0.75;
    for (const s of a.cpuSamples) {
      const y = rowTop.get(s.goroutine);
      if (y === undefined || !inView(s.time)) continue;
      ctx.fillRect(snap(x(s.time)), y + ROW_HEIGHT - 5, Math.max(1, 1 / dpr), 4);
    }
    ctx.globalAlpha = 1;
  }
  if (choice.logs) {
    ctx.fillStyle = p.accent;
    ctx.strokeStyle = p.surface;
    ctx.lineWidth = 1;
    for (const m of a.logs) {
      const y = rowTop.get(m.goroutine);
      if (y === undefined || !inView(m.time)) continue;
      const cx = x(m.time);
      const bottom = y + ROW_HEIGHT - 1;
      ctx.beginPath();
      ctx.moveTo(cx, bottom - 7);
      ctx.lineTo(cx + 4, bottom);
      ctx.lineTo(cx - 4, bottom);
      ctx.closePath();
      ctx.fill();
      ctx.stroke();
    }
  }
  ctx.restore();
}

/**
 * Each task's lane in the task track: tasks in order of their start, each in the first lane free
 * by then below its parent's (so children sit under their parent and concurrent tasks side by
 * side); past MAX_TASK_LANES they share the last lane.
 */
export function taskLanes(tasks: readonly Task[]): Map<number, number> {
  const sorted = [...tasks].sort((a, b) => a.start - b.start || a.id - b.id);
  const laneEnd: number[] = [];
  const lanes = new Map<number, number>();
  for (const t of sorted) {
    const parentLane = t.parent !== null ? lanes.get(t.parent) : undefined;
    let lane = parentLane === undefined ? 0 : parentLane + 1;
    while (lane < MAX_TASK_LANES - 1 && (laneEnd[lane] ?? -Infinity) > t.start) lane++;
    lane = Math.min(lane, MAX_TASK_LANES - 1);
    lanes.set(t.id, lane);
    laneEnd[lane] = Math.max(laneEnd[lane] ?? -Infinity, t.end ?? Infinity);
  }
  return lanes;
}

/** Where a task is drawn in the task track (CSS px), null outside the window. */
export function taskGeometry(f: Frame, t: Task, lane: number, top: number): { x0: number; x1: number; y: number; h: number } | null {
  const l = f.layout;
  const end = t.end ?? f.t1;
  if (end <= f.t0 || t.start >= f.t1) return null;
  return { x0: Math.max(l.gutter, xAt(l, f.t0, f.t1, t.start)), x1: Math.min(l.width, xAt(l, f.t0, f.t1, end)), y: top + 2 + lane * LANE_HEIGHT + 1, h: LANE_HEIGHT - 2 };
}

export function drawTasks(ctx: CanvasRenderingContext2D, f: Frame, tasks: readonly Task[], lanes: Map<number, number>, top: number, height: number): void {
  const { layout: l, palette: p, dpr } = f;
  ctx.font = '11.5px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  ctx.textBaseline = 'middle';
  ctx.fillStyle = p.muted;
  ctx.fillText('Tasks', 10, top + 2 + LANE_HEIGHT / 2);
  ctx.save();
  ctx.beginPath();
  ctx.rect(l.gutter, top, l.width - l.gutter, height);
  ctx.clip();
  ctx.font = '10.5px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  for (const t of tasks) {
    const g = taskGeometry(f, t, lanes.get(t.id) ?? 0, top);
    if (!g) continue;
    const x0 = Math.round(g.x0 * dpr) / dpr;
    const w = Math.max(1 / dpr, Math.round(g.x1 * dpr) / dpr - x0);
    ctx.fillStyle = identityColor(`task:${t.name}`, isDark(f));
    ctx.globalAlpha = 0.85;
    ctx.fillRect(x0, g.y, w, g.h);
    ctx.globalAlpha = 1;
    if (w > 40) {
      ctx.fillStyle = isDark(f) ? '#0d1117' : '#111';
      const label = `${t.name || 'task'} #${t.id}`;
      const room = w - 6;
      if (ctx.measureText(label).width <= room) ctx.fillText(label, Math.max(x0, l.gutter) + 3, g.y + g.h / 2);
    }
  }
  ctx.restore();
  ctx.fillStyle = p.border;
  ctx.fillRect(l.gutter, top + height - 1, l.width - l.gutter, 1);
}

/** One GC cycle's share of the CPU (all Ps), from its start to its end. */
export interface GcCpuStep {
  start: number;
  end: number;
  value: number;
}

/**
 * The collector's CPU share as a step line: each cycle's share from its start to its end, zero
 * between cycles (the collector is idle then), drawn as a line across the whole lane, never blank.
 */
export function drawGcCpu(ctx: CanvasRenderingContext2D, f: Frame, steps: readonly GcCpuStep[], top: number, height: number): void {
  const { layout: l, palette: p } = f;
  ctx.font = '11.5px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  ctx.textBaseline = 'middle';
  ctx.fillStyle = p.muted;
  ctx.fillText('GC CPU share', 10, top + height / 2);
  ctx.save();
  ctx.beginPath();
  ctx.rect(l.gutter, top, l.width - l.gutter, height);
  ctx.clip();
  const bottom = top + height - 2;
  const scale = height - 6;
  const x = (t: number) => xAt(l, f.t0, f.t1, t);
  ctx.fillStyle = p.mark;
  ctx.globalAlpha = 0.55;
  for (const s of steps) {
    if (s.end <= f.t0 || s.start >= f.t1) continue;
    const x0 = Math.max(l.gutter, x(s.start));
    ctx.fillRect(x0, bottom - s.value * scale, Math.max(1, Math.min(l.width, x(s.end)) - x0), s.value * scale);
  }
  ctx.globalAlpha = 1;
  ctx.strokeStyle = p.mark;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  ctx.moveTo(l.gutter, bottom);
  for (const s of steps) {
    if (s.end <= f.t0 || s.start >= f.t1) continue;
    const x0 = Math.max(l.gutter, x(s.start));
    const x1 = Math.min(l.width, x(s.end));
    ctx.lineTo(x0, bottom);
    ctx.lineTo(x0, bottom - s.value * scale);
    ctx.lineTo(x1, bottom - s.value * scale);
    ctx.lineTo(x1, bottom);
  }
  ctx.lineTo(l.width, bottom);
  ctx.stroke();
  const label = '100 % = all Ps';
  const w = ctx.measureText(label).width;
  ctx.fillStyle = p.muted;
  ctx.fillText(label, l.width - w - 8, top + 8);
  ctx.restore();
}
