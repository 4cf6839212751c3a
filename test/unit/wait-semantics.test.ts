// A wait is one wait: the meaning Go's own analyses give a trace's events. Blocking totals equal
// `go tool trace -pprof=sync|net|syscall|sched` on every Go 1.22+ fixture (expected/<trace>.<kind>.pprof,
// written by that command in generate.sh); a goroutine blocked across generation boundaries keeps
// one interval with its reason and start; leaked goroutines show in their wait for the whole of
// it; a goroutine woken by another shows its waker; and every figure a user reads (waiting at the
// end, leak groups, blocking totals, goroutine rows) comes from the same lifecycles.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readProfileFile } from '../../src-main/decode/pprof/decode.ts';
import { registerPackedTables } from '../../src-main/service/packed-tables.ts';
import { BLOCKING_KIND_NAMES, type TraceSummary } from '../../src-main/service/types.ts';
import { FIXTURES, fixtureTraces } from '../support/fixtures.ts';
import { tempService } from '../support/temp-service.ts';

const { lib, svc } = tempService('goroscope-waits-', 'library');

function index(file: string): string {
  return lib.index(file).artefact.hash;
}

async function summaryOf(hash: string): Promise<TraceSummary> {
  const s = await svc.summary(hash);
  assert.equal(s.kind, 'trace');
  return (s as { summary: TraceSummary }).summary;
}

/**
 * A stack as cmd/trace keys it (pprof.go, stackMap): its first 128 PCs, innermost first, padded
 * with zeros, so a stack of one unknown frame (PC 0) is the empty stack.
 */
function stackKey(pcs: number[]): string {
  const key = pcs.slice(0, 128);
  while (key.length > 0 && key[key.length - 1] === 0) key.pop();
  return key.join(',');
}

/** Go's profile as { stack key → [count, delay ns] }. */
function goProfile(file: string): Map<string, [number, number]> {
  const p = readProfileFile(file);
  const locations = new Map(p.locations.map((l) => [l.id, l]));
  const out = new Map<string, [number, number]>();
  for (const s of p.samples) {
    const key = stackKey(s.locationIds.map((id) => locations.get(id)!.address));
    const v = out.get(key) ?? [0, 0];
    v[0] += s.values[0];
    v[1] += s.values[1];
    out.set(key, v);
  }
  return out;
}

const modern = fixtureTraces().filter((t) => t.goVersion >= '1.22' && t.goVersion !== 'testdata');

test('every Go 1.22+ fixture has its four go tool trace -pprof profiles', () => {
  assert.ok(modern.length >= 60, `${modern.length} fixtures`);
  for (const t of modern) for (const kind of BLOCKING_KIND_NAMES) assert.ok(fs.existsSync(path.join(FIXTURES, 'expected', `${t.name}.${kind}.pprof`)), `${t.name}.${kind}`);
});

for (const trace of modern) {
  test(`blocking profiles of ${trace.name} equal go tool trace -pprof's`, async () => {
    const hash = index(trace.path);
    for (const kind of BLOCKING_KIND_NAMES) {
      const expected = goProfile(path.join(FIXTURES, 'expected', `${trace.name}.${kind}.pprof`));
      const ours = await svc.blockingProfile(hash, kind);
      const byStack = new Map<string, [number, number]>();
      for (const s of ours.sites) {
        const key = stackKey(s.stack.map((f) => f.pc));
        const v = byStack.get(key) ?? [0, 0];
        v[0] += s.count;
        v[1] += s.totalNs;
        byStack.set(key, v);
      }
      const goTotal = [...expected.values()].reduce((n, v) => n + v[1], 0);
      const goCount = [...expected.values()].reduce((n, v) => n + v[0], 0);
      assert.ok(Math.abs(ours.totalNs - goTotal) <= goTotal * 0.001, `${kind}: total ${ours.totalNs} ns, Go ${goTotal} ns`);
      assert.equal(ours.count, goCount, `${kind}: waits`);
      assert.deepEqual([...byStack.keys()].sort(), [...expected.keys()].sort(), `${kind}: the same stacks`);
      for (const [key, [count, ns]] of expected) {
        const [c, t] = byStack.get(key)!;
        assert.equal(c, count, `${kind}: waits at ${key}`);
        assert.ok(Math.abs(t - ns) <= ns * 0.001, `${kind}: ${t} ns at ${key}, Go ${ns}`);
      }
      for (const s of ours.sites) assert.ok(s.p50Ns <= s.p99Ns && s.p99Ns <= s.maxNs && s.maxNs <= s.totalNs, `${kind}: ${s.site} percentiles`);
    }
  });
}

test('a goroutine blocked across generation boundaries keeps one interval, with its reason and start', async () => {
  const hash = index(path.join(FIXTURES, 'traces/chanleak-gens.go127.trace'));
  const summary = await summaryOf(hash);
  const db = new Database(lib.indexPath(hash), { readonly: true });
  try {
    // The generation boundaries: Go re-announced every goroutine's status there.
    assert.ok(summary.eventsByKind.Sync >= 4, `${summary.eventsByKind.Sync} Sync events`);
    const leaked = db.prepare(`SELECT g.id FROM goroutines g JOIN strings r ON r.id = g.last_reason WHERE g.end_ns IS NULL AND r.value = 'chan send'`)
      .pluck().all() as number[];
    assert.equal(leaked.length, summary.waitingAtEnd['chan send']);
    assert.ok(leaked.length >= 30);
    for (const id of leaked) {
      const g = await svc.goroutine(hash, id);
      // It slept (reason "sleep") before it sent.
      const waits = g.intervals.filter((iv) => iv.state === 'Waiting' && iv.reason !== 'sleep');
      assert.equal(waits.length, 1, `goroutine ${id}: one wait`);
      const [wait] = waits;
      assert.equal(wait.reason, 'chan send');
      assert.ok(wait.open && wait.end === summary.durationNs, `goroutine ${id}: blocked to the end`);
      assert.ok(wait.stack.some((f) => f.func === 'runtime.chansend1'), `goroutine ${id}: its blocking stack`);
      // It blocked in the trace's first milliseconds and stayed blocked across every later generation.
      assert.ok(wait.start < summary.durationNs / 2, `goroutine ${id}: wait began at ${wait.start}`);
      assert.equal(g.waitNsByReason['chan send'], wait.end - wait.start);
    }
  } finally {
    db.close();
  }
});

test('leaks of the channel-leak trace: the chan send group first, whole, with its true blocked time and user site', async () => {
  const hash = index(path.join(FIXTURES, 'traces/chanleak-gens.go127.trace'));
  const summary = await summaryOf(hash);
  const { groups } = await svc.leaks(hash);
  const [first] = groups;
  assert.equal(first.reason, 'chan send');
  assert.equal(first.count, summary.waitingAtEnd['chan send']);
  assert.match(first.site, /^main\.firstResult\.func1 chanleak\/main\.go:\d+$/);
  const db = new Database(lib.indexPath(hash), { readonly: true });
  try {
    const oldest = db.prepare(`SELECT min(g.last_since_ns) FROM goroutines g JOIN strings r ON r.id = g.last_reason
      WHERE g.end_ns IS NULL AND r.value = 'chan send'`).pluck().get() as number;
    assert.equal(first.maxBlockedNs, summary.durationNs - oldest);
  } finally {
    db.close();
  }
  assert.ok(first.maxBlockedNs > summary.durationNs * 0.5, 'blocked for most of the trace, not one generation');
  // The Goroutines view filtered on the reason lists them all.
  const page = await svc.goroutines({ artefact: hash, state: 'Waiting', reason: 'chan send', aliveAtEnd: true, limit: 1000 });
  assert.equal(page.total, first.count);
  assert.ok(page.rows.every((r) => r.lastReason === 'chan send' && r.endNs === null));
  assert.match(first.explanation, /goroutines have waited in chan send at main\.firstResult\.func1 \(main\.go:\d+\)/);
  // Every goroutine waiting at the end is in exactly one group.
  const byReason: Record<string, number> = {};
  for (const g of groups) if (g.state === 'Waiting') byReason[g.reason] = (byReason[g.reason] ?? 0) + g.count;
  assert.deepEqual(byReason, summary.waitingAtEnd);
});

test('a goroutine woken by another shows that waker, its site and how long it waited', async () => {
  const hash = index(path.join(FIXTURES, 'traces/chanleak.go127.trace'));
  const summary = await summaryOf(hash);
  assert.ok(summary.unblocks > 0);
  const db = new Database(lib.indexPath(hash), { readonly: true });
  const sql = new Database(':memory:');
  let edge: { goroutine: number; by_goroutine: number; time_ns: number };
  try {
    registerPackedTables(sql, db);
    const chanReceive = db.prepare(`SELECT id FROM strings WHERE value = 'chan receive'`).pluck().get();
    // firstResult receives the first result: woken by the sender.
    edge = sql.prepare(`SELECT goroutine, by_goroutine, time_ns FROM unblocks WHERE reason = ? ORDER BY time_ns LIMIT 1`).get(chanReceive) as typeof edge;
  } finally {
    sql.close();
    db.close();
  }
  const woken = await svc.goroutine(hash, edge.goroutine);
  const e = woken.unblockedBy.find((u) => u.time === edge.time_ns)!;
  assert.equal(e.byGoroutine, edge.by_goroutine);
  assert.match(e.bySite, /^main\.firstResult\.func1 /);
  assert.match(e.site, /^main\.firstResult /);
  const wait = woken.intervals.find((iv) => iv.state === 'Waiting' && iv.end === edge.time_ns)!;
  assert.equal(e.waitedNs, wait.end - wait.start);
  const waker = await svc.goroutine(hash, edge.by_goroutine);
  assert.equal(waker.name, 'main.firstResult.func1');
  assert.ok(waker.unblocked.some((u) => u.goroutine === edge.goroutine && u.time === edge.time_ns), 'the waker lists whom it woke');
});

test('the overview, leak groups, blocking table and goroutine rows are computed from the same lifecycles', async () => {
  for (const name of ['chanleak-gens.go127', 'tickerleak-gens.go126', 'httpleak.go127', 'nilselect.go121', 'wgmissingdone.go119']) {
    const hash = index(path.join(FIXTURES, `traces/${name}.trace`));
    const summary = await summaryOf(hash);
    const { groups } = await svc.leaks(hash);
    const waiting: Record<string, number> = {};
    for (const g of groups) if (g.state === 'Waiting') waiting[g.reason] = (waiting[g.reason] ?? 0) + g.count;
    assert.deepEqual(waiting, summary.waitingAtEnd, `${name}: leak groups = waiting at the end`);
    const db = new Database(lib.indexPath(hash), { readonly: true });
    try {
      const rows = db.prepare('SELECT sum(waiting_ns) AS waiting, sum(running_ns) AS running FROM goroutines').get() as { waiting: number; running: number };
      const waited = Object.values(summary.waitNsByReason).reduce((a, b) => a + b, 0);
      assert.equal(rows.waiting, waited, `${name}: goroutine rows' waiting time = the summary's`);
      assert.equal(rows.running, summary.runningNs, `${name}: running time`);
      // Blocking sites hold only waits that ended: never more than the time waited.
      const sync = await svc.blockingProfile(hash, 'sync');
      assert.ok(sync.totalNs <= waited, `${name}: sync blocking ${sync.totalNs} ≤ waited ${waited}`);
    } finally {
      db.close();
    }
  }
});
