// A trace as a Chrome/Perfetto JSON trace: every event has the fields the Trace Event Format
// requires (ph, ts in µs, pid, tid, name; dur for complete events; id for flows; name/args for
// metadata), every flow start has its finish, every track is named, and the slices of a trace or
// a window of it are exactly the index's rows: counted by SQL over the index, and for a window
// clipped to it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { withTraceIndex } from '../../src-main/export/open-index.ts';
import { PID_GC, PID_GOROUTINES, PID_PROCS, PID_THREADS } from '../../src-main/export/perfetto.ts';
import { FIXTURES } from '../support/fixtures.ts';
import { tempService } from '../support/temp-service.ts';

interface TraceEvent {
  ph: string; name: string; cat?: string; pid: number; tid: number; ts: number; dur?: number; id?: number; bp?: string;
  args?: Record<string, unknown>;
}

const { dir, lib, svc } = tempService('goroscope-export-perfetto-', 'library');

/** The slice counts SQL over the index gives for the window [t0, t1). */
function sqlCounts(hash: string, t0: number, t1: number) {
  return withTraceIndex(lib.indexPath(hash), (db) => {
    const one = (sql: string, ...p: number[]) => (db.prepare(sql).pluck().get(...p) as number);
    return {
      goroutineSlices: one(`SELECT count(*) FROM goroutine_intervals WHERE start_ns < ? AND end_ns > ? AND state IN ('Running', 'Runnable', 'Waiting', 'Syscall')`, t1, t0),
      threadSlices: one(`SELECT count(*) FROM goroutine_intervals WHERE start_ns < ? AND end_ns > ? AND state IN ('Running', 'Runnable', 'Waiting', 'Syscall') AND thread IS NOT NULL`, t1, t0),
      procSlices: one('SELECT count(*) FROM proc_intervals WHERE start_ns < ? AND end_ns > ?', t1, t0),
      gcSlices: one(`SELECT count(*) FROM ranges r JOIN strings s ON s.id = r.name WHERE r.scope_kind = 0 AND s.value LIKE 'GC%' AND r.start_ns < ? AND r.end_ns > ?`, t1, t0),
      stwSlices: one(`SELECT count(*) FROM ranges r JOIN strings s ON s.id = r.name WHERE s.value LIKE 'stop-the-world%' AND r.start_ns < ? AND r.end_ns > ?`, t1, t0),
      flows: one('SELECT count(*) FROM unblocks WHERE time_ns >= ? AND time_ns < ?', t0, t1),
      durationNs: one('SELECT max(end_ns) FROM goroutine_intervals'),
    };
  });
}

/** Checks every event against the Trace Event Format's required fields; returns the events. */
function checkFormat(file: string): TraceEvent[] {
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { traceEvents: TraceEvent[]; displayTimeUnit: string };
  assert.ok(Array.isArray(json.traceEvents));
  assert.ok(['ms', 'ns'].includes(json.displayTimeUnit));
  const named = new Set<string>();
  const processes = new Set<number>();
  const flowStarts = new Map<number, TraceEvent>();
  const flowEnds = new Map<number, TraceEvent>();
  for (const e of json.traceEvents) {
    const where = JSON.stringify(e);
    assert.equal(typeof e.ph, 'string', where);
    assert.equal(typeof e.name, 'string', where);
    assert.ok(Number.isInteger(e.pid) && Number.isInteger(e.tid), where);
    assert.ok(typeof e.ts === 'number' && Number.isFinite(e.ts) && e.ts >= 0, where);
    switch (e.ph) {
      case 'M':
        assert.ok(['process_name', 'thread_name', 'process_sort_index', 'thread_sort_index'].includes(e.name), where);
        assert.equal(typeof e.args, 'object', where);
        if (e.name === 'thread_name') named.add(`${e.pid}/${e.tid}`);
        if (e.name === 'process_name') processes.add(e.pid);
        break;
      case 'X':
        assert.ok(typeof e.dur === 'number' && e.dur >= 0, where);
        assert.equal(typeof e.cat, 'string', where);
        break;
      case 's':
      case 'f':
        assert.ok(Number.isInteger(e.id), where);
        assert.equal(e.cat, 'unblock', where);
        (e.ph === 's' ? flowStarts : flowEnds).set(e.id!, e);
        break;
      default:
        assert.fail(`unexpected phase ${e.ph}: ${where}`);
    }
  }
  assert.deepEqual([...processes].sort(), [PID_GOROUTINES, PID_PROCS, PID_THREADS, PID_GC].sort());
  for (const e of json.traceEvents) if (e.ph !== 'M') assert.ok(named.has(`${e.pid}/${e.tid}`), `track ${e.pid}/${e.tid} of ${e.name} has a name`);
  assert.deepEqual([...flowStarts.keys()].sort(), [...flowEnds.keys()].sort(), 'every flow starts and finishes');
  for (const [id, s] of flowStarts) {
    const f = flowEnds.get(id)!;
    assert.equal(s.name, f.name);
    assert.equal(s.ts, f.ts);
  }
  // Complete events on one track nest or follow each other: viewers draw a track's slices as a stack.
  const tracks = new Map<string, TraceEvent[]>();
  for (const e of json.traceEvents) if (e.ph === 'X') tracks.set(`${e.pid}/${e.tid}`, [...(tracks.get(`${e.pid}/${e.tid}`) ?? []), e]);
  for (const [track, slices] of tracks) {
    slices.sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
    const open: TraceEvent[] = [];
    for (const e of slices) {
      while (open.length > 0 && open[open.length - 1].ts + open[open.length - 1].dur! <= e.ts + 1e-9) open.pop();
      const parent = open[open.length - 1];
      assert.ok(!parent || e.ts + e.dur! <= parent.ts + parent.dur! + 1e-9, `track ${track}: ${JSON.stringify(e)} overlaps ${JSON.stringify(parent)}`);
      open.push(e);
    }
  }
  return json.traceEvents;
}

function countsOf(events: TraceEvent[]) {
  const n = (pred: (e: TraceEvent) => boolean) => events.filter(pred).length;
  return {
    goroutineSlices: n((e) => e.ph === 'X' && e.pid === PID_GOROUTINES),
    threadSlices: n((e) => e.ph === 'X' && e.pid === PID_THREADS),
    procSlices: n((e) => e.ph === 'X' && e.pid === PID_PROCS),
    gcSlices: n((e) => e.ph === 'X' && e.cat === 'gc'),
    stwSlices: n((e) => e.ph === 'X' && e.cat === 'stw'),
    flows: n((e) => e.ph === 's'),
  };
}

for (const name of ['gcchurn.go127', 'httpleak.go127', 'chanleak-gens.go124', 'mutexcontention.go121']) {
  test(`${name}: the whole trace and a window of it, as the index has them`, async () => {
    const hash = lib.index(path.join(FIXTURES, 'traces', `${name}.trace`)).artefact.hash;
    const whole = path.join(dir, `${name}.json`);
    const c = await svc.exportPerfetto(hash, whole);
    const events = checkFormat(whole);
    const { durationNs, ...want } = sqlCounts(hash, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    assert.deepEqual(countsOf(events), want);
    assert.deepEqual({ ...c, bytes: 0 }, { ...want, bytes: 0 });
    assert.equal(c.bytes, fs.statSync(whole).size);
    assert.ok(want.goroutineSlices > 0 && want.procSlices > 0 && want.threadSlices > 0);
    if (name.startsWith('gcchurn')) assert.ok(want.gcSlices > 0 && want.stwSlices > 0 && want.flows > 0, JSON.stringify(want));

    // The second quarter of the trace: slices overlapping it, clipped to it.
    const t0 = Math.floor(durationNs / 4);
    const t1 = Math.floor(durationNs / 2);
    const part = path.join(dir, `${name}.window.json`);
    await svc.exportPerfetto(hash, part, t0, t1);
    const windowed = checkFormat(part);
    const { durationNs: _, ...wantWindow } = sqlCounts(hash, t0, t1);
    assert.deepEqual(countsOf(windowed), wantWindow);
    for (const e of windowed) {
      if (e.ph === 'M') continue;
      assert.ok(e.ts >= t0 / 1000 - 1e-9 && e.ts + (e.dur ?? 0) <= t1 / 1000 + 1e-9, `${JSON.stringify(e)} inside [${t0}, ${t1}) ns`);
    }
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.part')), [], 'no temporary file left');
  });
}

test('goroscope export --perfetto from the command line, with a window; bad windows refused in one line', () => {
  const out = path.join(dir, 'cli.json');
  const run = (...args: string[]) => spawnSync(process.execPath, ['bin/goroscope.mjs', 'export', path.join(FIXTURES, 'traces/chanleak.go127.trace'),
    '--library', path.join(dir, 'cli-library'), ...args], { encoding: 'utf8', timeout: 120_000 });
  const r = run('--perfetto', '-o', out, '--from', '1ms', '--to', '5ms');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^wrote .*cli\.json: \d+ goroutine slices, \d+ P slices/);
  const events = checkFormat(out);
  for (const e of events) if (e.ph === 'X') assert.ok(e.ts >= 1000 && e.ts + e.dur! <= 5000 + 1e-9);
  const bad = run('--perfetto', '-o', out, '--from', '5ms', '--to', '1ms');
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
  assert.match(bad.stderr, /t1 must be greater than t0/);
  const unit = run('--perfetto', '--from', 'soon');
  assert.equal(unit.status, 2);
  assert.match(unit.stderr, /--from must be a time/);
});
