// A metric's value as of a time: the last point before a window, so that a lane (heap in use,
// heap goal) holds its value from the window's left edge instead of going blank until the
// metric next changes (a heap goal changes once per GC cycle; zoomed in, most windows hold none).

import type Database from 'better-sqlite3';
import { indexNsPerTick } from '../index/interval-codec.ts';
import { decodePoints } from '../index/point-codec.ts';
import type { MetricPoint } from './types.ts';

/** `points` (of metric `name` from t0 on) with the metric's last point before t0 in front, when there is one and `points` does not start at t0. */
export function withPointBefore(db: Database.Database, name: string, t0: number, points: MetricPoint[]): MetricPoint[] {
  if (points.length > 0 && points[0].time <= t0) return points;
  const nameId = db.prepare('SELECT id FROM strings WHERE value = ?').pluck().get(name) as number | undefined;
  if (nameId === undefined) return points;
  const chunk = db.prepare('SELECT start_ns, data FROM metric_chunks WHERE name = ? AND start_ns < ? ORDER BY start_ns DESC LIMIT 1')
    .get(nameId, t0) as { start_ns: number; data: Uint8Array } | undefined;
  if (!chunk) return points;
  let last: MetricPoint | null = null;
  decodePoints(chunk.data, chunk.start_ns, indexNsPerTick(db), 1, (time, [value]) => {
    if (time < t0) last = { time, value };
  });
  return last ? [last, ...points] : points;
}
