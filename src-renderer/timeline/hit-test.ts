// What is under the pointer on the timeline canvas, and the tooltip lines that describe it.

import type { GoroutineCountPoint, GoroutineRow, LaneSpan, MetricPoint, RangeRow, StackFrameInfo, TimelineEdge, TimelineInterval, TimelineSpan } from '../../src-main/service/types.ts';
import { formatBytes, formatCount, formatDuration } from '../lib/format.ts';
import { firstEndingAfter, pauseKind } from './gc-ranges.ts';
import { LANE_HEIGHT, MAX_LANES, ROW_HEIGHT, plotWidth, timeAt } from './layout.ts';
import { arrowGeometry, type Frame, type LaneTrack } from './draw.ts';
import { isInternalFrame } from '../lib/stacks.ts';
import { spanShares } from './states.ts';

export type Hit =
  | { kind: 'span'; row: GoroutineRow; span: TimelineSpan; time: number }
  | { kind: 'row'; row: GoroutineRow; time: number }
  | { kind: 'gc'; range: RangeRow; time: number }
  | { kind: 'counts'; point: GoroutineCountPoint; time: number }
  | { kind: 'heap'; live: MetricPoint | undefined; goal: MetricPoint | undefined; time: number }
  | { kind: 'gutter'; row: GoroutineRow }
  | { kind: 'lane'; track: LaneTrack; lane: number; span: LaneSpan; name: string; time: number }
  | { kind: 'arrow'; edge: TimelineEdge; time: number }
  | null;

/** Pixels of slack around thin spans and pauses, so a one-pixel mark can be pointed at. */
const SLACK_PX = 3;

export function hitTest(f: Frame, x: number, y: number): Hit {
  const l = f.layout;
  if (y >= l.rowsTop && x >= l.gutter) {
    for (const edge of f.edges) {
      const a = arrowGeometry(f, edge);
      if (a && Math.abs(x - a.x) <= 5 && y >= Math.min(a.y0, a.y1) - 3 && y <= Math.max(a.y0, a.y1) + 3) {
        return { kind: 'arrow', edge, time: edge.time };
      }
    }
  }
  for (const [track, top, height] of [[f.procs, l.procsTop, l.procsHeight], [f.threads, l.threadsTop, l.threadsHeight]] as const) {
    if (!track || height === 0 || y < top || y >= top + height || x < l.gutter) continue;
    const lane = Math.floor((y - top - 2) / LANE_HEIGHT);
    if (lane < 0 || lane >= Math.min(track.ids.length, MAX_LANES)) return null;
    const time = timeAt(l, f.t0, f.t1, x);
    const slack = (SLACK_PX * (f.t1 - f.t0)) / plotWidth(l);
    let best: LaneSpan | null = null;
    let bestDistance = Infinity;
    track.visit(lane, (s) => {
      const d = time < s.start ? s.start - time : time >= s.end ? time - s.end : 0;
      if (d < bestDistance && d <= slack) {
        best = s;
        bestDistance = d;
      }
    });
    const span = best as LaneSpan | null;
    return span ? { kind: 'lane', track, lane, span, name: track.name(span.goroutine), time } : null;
  }
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

/** At most this many frames in a tooltip, the program's own first. */
const TOOLTIP_FRAMES = 4;

/** A stack's top frames as a tooltip shows them: the program's frames first, then the runtime's. */
export function topFrames(stack: readonly StackFrameInfo[], n = TOOLTIP_FRAMES): string[] {
  const user = stack.filter((fr) => !isInternalFrame(fr.func));
  const internal = stack.filter((fr) => isInternalFrame(fr.func));
  return [...user, ...internal].slice(0, n).map((fr) => `${fr.func} ${fr.file.split('/').slice(-2).join('/')}:${fr.line}`);
}

/** The tooltip of a goroutine's whole interval (as the service returned it for the pointer's time). */
export function describeInterval(row: GoroutineRow, iv: TimelineInterval): TooltipContent {
  const lines: [string, string][] = [['State', iv.state + (iv.reason ? ` — ${iv.reason}` : '')],
    ['Start', formatDuration(iv.start)], ['Duration', formatDuration(iv.end - iv.start) + (iv.open ? ' (open at end)' : '')]];
  if (iv.proc !== null) lines.push(['On', `P${iv.proc}${iv.thread !== null ? ` · M${iv.thread}` : ''}`]);
  else if (iv.thread !== null) lines.push(['On', `M${iv.thread}`]);
  topFrames(iv.stack).forEach((fr, i) => lines.push([i === 0 ? 'Stack' : '', fr]));
  return { title: goroutineTitle(row), lines };
}

export function describeHit(hit: Hit): TooltipContent | null {
  if (!hit) return null;
  switch (hit.kind) {
    case 'lane': {
      const s = hit.span;
      const lane = `${hit.track.kind === 'proc' ? 'P' : 'M'}${hit.track.ids[hit.lane]}`;
      const title = `${lane} · G${s.goroutine} ${hit.name || '(no start function)'}`;
      if (s.count > 1) {
        return { title, lines: [['Start', formatDuration(s.start)], ['Span', formatDuration(s.end - s.start)],
          ['Folded', `${formatCount(s.count)} intervals, busy ${(s.busy * 100).toFixed(0)} %`], ['', `G${s.goroutine} held it longest`]] };
      }
      const lines: [string, string][] = [['State', s.state], ['Start', formatDuration(s.start)], ['Duration', formatDuration(s.end - s.start)]];
      if (s.other !== null) lines.push([hit.track.kind === 'proc' ? 'Thread' : 'Proc', `${hit.track.kind === 'proc' ? 'M' : 'P'}${s.other}`]);
      return { title, lines };
    }
    case 'arrow': {
      const e = hit.edge;
      return { title: `G${e.byGoroutine} unblocked G${e.goroutine}`, lines: [['At', formatDuration(e.time)], ['Waited for', e.reason || '(no reason)'],
        ['', 'click: select the other end']] };
    }
    case 'span': {
      const s = hit.span;
      const lines: [string, string][] = [['State', s.state + (s.reason ? ` — ${s.reason}` : '')],
        ['Start', formatDuration(s.start)], ['Duration', formatDuration(s.end - s.start)]];
      if (s.shares) {
        lines[0][1] = `${s.state} (mostly; intervals folded below a pixel)`;
        const shares = spanShares(s).sort((a, b) => b[1] - a[1]);
        for (const [state, share] of shares) {
          const why = state === 'Waiting' ? (s.reason ? ` — mostly ${s.reason}` : ' — reasons mixed') : '';
          lines.push([state, `${(share * 100).toFixed(share < 0.1 ? 1 : 0)} %${why}`]);
        }
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
