// What is under the pointer on the timeline canvas, and the tooltip lines that describe it.

import type { GoroutineCountPoint, GoroutineRow, MetricPoint, RangeRow, TimelineSpan } from '../../src-main/service/types.ts';
import { formatBytes, formatCount, formatDuration } from '../lib/format.ts';
import { firstEndingAfter, pauseKind } from './gc-ranges.ts';
import { ROW_HEIGHT, plotWidth, timeAt } from './layout.ts';
import type { Frame } from './draw.ts';
import { spanShares } from './states.ts';

export type Hit =
  | { kind: 'span'; row: GoroutineRow; span: TimelineSpan; time: number }
  | { kind: 'row'; row: GoroutineRow; time: number }
  | { kind: 'gc'; range: RangeRow; time: number }
  | { kind: 'counts'; point: GoroutineCountPoint; time: number }
  | { kind: 'heap'; live: MetricPoint | undefined; goal: MetricPoint | undefined; time: number }
  | { kind: 'gutter'; row: GoroutineRow }
  | null;

/** Pixels of slack around thin spans and pauses, so a one-pixel mark can be pointed at. */
const SLACK_PX = 3;

export function hitTest(f: Frame, x: number, y: number): Hit {
  const l = f.layout;
  if (y >= l.rowsTop) {
    const r = f.rows.find((row) => y >= row.y && y < row.y + ROW_HEIGHT);
    if (!r?.row) return null;
    if (x < l.gutter) return { kind: 'gutter', row: r.row };
    const time = timeAt(l, f.t0, f.t1, x);
    const slack = (SLACK_PX * (f.t1 - f.t0)) / plotWidth(l);
    let best: TimelineSpan | null = null;
    let bestDistance = Infinity;
    f.spans(r.row.id, (s) => {
      const d = time < s.start ? s.start - time : time >= s.end ? time - s.end : 0;
      if (d < bestDistance && d <= slack && s.state !== 'NotExist') {
        best = s;
        bestDistance = d;
      }
    });
    return best ? { kind: 'span', row: r.row, span: best, time } : { kind: 'row', row: r.row, time };
  }
  if (x < l.gutter) return null;
  const time = timeAt(l, f.t0, f.t1, x);
  const slack = (SLACK_PX * (f.t1 - f.t0)) / plotWidth(l);
  if (y >= l.gcTop && y < l.gcTop + l.gcHeight && f.gc) {
    const range = nearest(f.gc.pauses, time, slack) ?? nearest(f.gc.marks, time, slack);
    return range ? { kind: 'gc', range, time } : null;
  }
  if (f.series && y >= l.countsTop && y < l.countsTop + l.countsHeight) {
    const point = atOrBefore(f.series.counts, time);
    return point ? { kind: 'counts', point, time } : null;
  }
  if (f.series && y >= l.heapTop && y < l.heapTop + l.heapHeight) {
    return { kind: 'heap', live: atOrBefore(f.series.heapLive, time), goal: atOrBefore(f.series.heapGoal, time), time };
  }
  return null;
}

function nearest(ranges: readonly RangeRow[], time: number, slack: number): RangeRow | undefined {
  const i = firstEndingAfter(ranges, time - slack);
  const r = ranges[i];
  return r && r.start <= time + slack ? r : undefined;
}

function atOrBefore<T extends { time: number }>(points: readonly T[], time: number): T | undefined {
  let found: T | undefined;
  for (const p of points) {
    if (p.time > time) break;
    found = p;
  }
  return found ?? points[0];
}

export interface TooltipContent {
  title: string;
  lines: [string, string][];
}

export function describeHit(hit: Hit): TooltipContent | null {
  if (!hit) return null;
  switch (hit.kind) {
    case 'span': {
      const s = hit.span;
      const lines: [string, string][] = [['State', s.state + (s.reason ? ` — ${s.reason}` : '')],
        ['Start', formatDuration(s.start)], ['Duration', formatDuration(s.end - s.start)]];
      if (s.shares) {
        lines[0][1] = `${s.state} (mostly; intervals folded below a pixel)`;
        const shares = spanShares(s).sort((a, b) => b[1] - a[1]);
        for (const [state, share] of shares) lines.push([state, `${(share * 100).toFixed(share < 0.1 ? 1 : 0)} %`]);
      }
      return { title: goroutineTitle(hit.row), lines };
    }
    case 'row':
      return { title: goroutineTitle(hit.row), lines: [['At', formatDuration(hit.time)], ['', 'not running in the trace here']] };
    case 'gutter':
      return {
        title: goroutineTitle(hit.row),
        lines: [['Started', formatDuration(hit.row.startNs)], ['Ended', hit.row.endNs === null ? 'alive at end' : formatDuration(hit.row.endNs)],
          ['Last state', hit.row.lastState + (hit.row.lastReason ? ` — ${hit.row.lastReason}` : '')]],
      };
    case 'gc': {
      const r = hit.range;
      const kind = r.name.startsWith('stop-the-world') ? `Stop-the-world: ${pauseKind(r.name)}` : r.name;
      return { title: kind, lines: [['Start', formatDuration(r.start)], ['Duration', formatDuration(r.end - r.start)]] };
    }
    case 'counts': {
      const c = hit.point;
      return {
        title: `Goroutines at ${formatDuration(hit.time)}`,
        lines: [['Running', formatCount(c.running)], ['Runnable', formatCount(c.runnable)], ['Syscall', formatCount(c.syscall)], ['Waiting', formatCount(c.waiting)]],
      };
    }
    case 'heap':
      return {
        title: `Heap at ${formatDuration(hit.time)}`,
        lines: [['In use', hit.live ? formatBytes(hit.live.value) : '—'], ['Goal', hit.goal ? formatBytes(hit.goal.value) : '—']],
      };
  }
}

function goroutineTitle(row: GoroutineRow): string {
  return `G${row.id} ${row.name || '(no start function)'}`;
}
