// `npm run bench:timeline` on a small fixture, so the benchmark cannot rot: it indexes the trace
// into a library of its own, drives the Timeline through its whole script of steps in Chromium,
// and prints the JSON, every step having settled (a step that does not fails the run).

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { STEPS, type TimelineBenchResult } from '../../bench/timeline.ts';
import { expect, test } from './fixtures.ts';
import { goroscope, ROOT } from './serve-process.ts';

const TRACE = path.join(ROOT, 'test', 'fixtures', 'traces', 'tickerleak-gens.go127.trace');

test('bench:timeline runs its script on a fixture and prints the figures the issue names', async () => {
  test.setTimeout(240_000);
  const library = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-bench-timeline-'));
  try {
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'timeline.ts'), '--trace', TRACE, '--library', library, '--json',
      '--step-timeout-ms', '30000'], { cwd: ROOT, encoding: 'utf8', timeout: 220_000 });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0]) as TimelineBenchResult;
    expect(Object.keys(result).sort()).toEqual(['firstSettledMs', 'frameMaxMs', 'frameP50Ms', 'frameP95Ms', 'goroutines', 'intervals',
      'settleP50Ms', 'settleP95Ms', 'steps'].sort());
    // The counts are the index's own: goroutines and state intervals as `goroscope query` finds them.
    const q = goroscope(['query', TRACE, 'SELECT count(*) AS goroutines, sum(intervals) AS intervals FROM goroutines', '--json', '--library', library]);
    expect(q.status, q.stderr).toBe(0);
    const [counts] = JSON.parse(q.stdout) as { goroutines: number; intervals: number }[];
    expect(result.goroutines).toBe(counts.goroutines);
    expect(result.intervals).toBe(counts.intervals);
    // Every step of the script ran and settled; the timings are times, in order.
    expect(STEPS.length).toBeGreaterThanOrEqual(30);
    expect(result.steps).toBe(STEPS.length);
    expect(result.firstSettledMs).toBeGreaterThan(0);
    expect(result.settleP50Ms).toBeGreaterThanOrEqual(0);
    expect(result.settleP95Ms).toBeGreaterThanOrEqual(result.settleP50Ms);
    expect(result.frameP50Ms).toBeGreaterThan(0);
    expect(result.frameP95Ms).toBeGreaterThanOrEqual(result.frameP50Ms);
    expect(result.frameMaxMs).toBeGreaterThanOrEqual(result.frameP95Ms);
  } finally {
    fs.rmSync(library, { recursive: true, force: true });
  }
});
