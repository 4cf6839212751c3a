// The dump a trace implies at a moment (GoroscopeApi.dumpAt, `goroscope dump TRACE --at TIME`)
// against a real debug=2 dump the traced program took at that moment (fixtures/dump-at/, written by
// generate-dump-at.sh: the dump's moment is bracketed by two trace.Log events, their times read
// by Go's own reader). A goroutine whose state did not change between the two logs is the same in
// both: the same ID, the same state (the dump's own word for it), the same stack from its site
// outward and the same creation site; and the goroutines that differ are only those that changed.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { fromSite } from '../../src-main/analyze/dump-from-trace.ts';
import { stackKey } from '../../src-main/analyze/dump-groups.ts';
import type { DumpGoroutine } from '../../src-main/decode/gdump/model.ts';
import { decodeDumpFile } from '../../src-main/decode/gdump/reader.ts';
import type { DumpAt } from '../../src-main/service/types.ts';
import { tempService } from '../support/temp-service.ts';

const FIXTURES = path.resolve('test/fixtures/dump-at');
const expected = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'traced.go127.expected.json'), 'utf8')) as
  { trace: string; dump: string; beginNs: number; endNs: number };
const TRACE = path.join(FIXTURES, expected.trace);
const DUMP = path.join(FIXTURES, expected.dump);

const { dir, lib, svc } = tempService('goroscope-dump-at-');
const hash = lib.index(TRACE).artefact.hash;

function realDump(): DumpGoroutine[] {
  const out: DumpGoroutine[] = [];
  decodeDumpFile(DUMP, (item) => {
    if (item.kind === 'goroutine') out.push(item);
  });
  return out;
}

/** Goroutines with a transition in (begin, end]: created, ended or changed state while the dump was taken. */
async function changedDuring(at: DumpAt, ids: Iterable<number>): Promise<Set<number>> {
  const changed = new Set<number>();
  for (const id of ids) {
    const g = await svc.goroutine(hash, id).catch(() => null);
    if (!g) continue;
    if (g.intervals.some((iv) => iv.start > at.timeNs && iv.start <= expected.endNs)) changed.add(id);
    if (g.endNs !== null && g.endNs > at.timeNs && g.endNs <= expected.endNs) changed.add(id);
  }
  return changed;
}

/** A dump's state as one of the trace's: its status words, else a wait. */
const coarse = (state: string) => ({ running: 'Running', runnable: 'Runnable', syscall: 'Syscall' })[state] ?? 'Waiting';
const siteKey = (frames: readonly { func: string; file: string; line: number }[]) => stackKey(fromSite(frames));

test('dump at the moment of a real debug=2 dump: the unchanged goroutines agree by ID, state, site and creator', async () => {
  const at = await svc.dumpAt(hash, expected.beginNs);
  const dumped = realDump();
  assert.ok(dumped.length >= 20, `the fixture's dump has ${dumped.length} goroutines`);
  const traced = new Map(at.goroutines.map((g) => [g.id, g]));
  const changed = await changedDuring(at, new Set([...traced.keys(), ...dumped.map((g) => g.id)]));
  let compared = 0;
  for (const d of dumped) {
    if (changed.has(d.id)) continue;
    const t = traced.get(d.id);
    assert.ok(t, `goroutine ${d.id} [${d.state}] of the dump is alive at ${at.timeNs} in the trace`);
    assert.equal(t.system, false, `goroutine ${d.id} is in the dump, so not a system goroutine`);
    assert.equal(t.goState, coarse(d.state), `goroutine ${d.id}`);
    if (t.goState === 'Waiting') {
      // The tracer's "system goroutine wait" is all a trace says of the runtime's own waits.
      if (t.reason !== 'system goroutine wait') assert.equal(t.state, d.state, `goroutine ${d.id}'s wait reason`);
      assert.equal(siteKey(t.stack), siteKey(d.frames), `goroutine ${d.id}'s stack from its site`);
    }
    if (d.createdBy) assert.equal(t.createdBy, `${d.createdBy.func} ${d.createdBy.file}:${d.createdBy.line}`, `goroutine ${d.id}'s creator`);
    compared++;
  }
  assert.ok(compared >= 18, `only ${compared} goroutines did not change while the dump was taken`);
  // And the other way: no unchanged goroutine of the program the trace has and the dump lacks.
  const inDump = new Set(dumped.map((g) => g.id));
  for (const t of at.goroutines) if (!t.system && !changed.has(t.id)) assert.ok(inDump.has(t.id), `goroutine ${t.id} (${t.entry}) is in the dump`);
  // The groups: every goroutine counted once, system goroutines apart.
  assert.equal(at.dump.goroutines, at.goroutines.filter((g) => !g.system).length);
  assert.equal(at.dump.groups.reduce((n, g) => n + g.count, 0), at.dump.goroutines);
  assert.equal(at.systemGoroutines, at.goroutines.filter((g) => g.system).length);
  const leakSend = at.dump.groups.find((g) => g.stack[0]?.func === 'main.leakSend');
  assert.deepEqual(leakSend && { count: leakSend.count, states: leakSend.states }, { count: 5, states: { 'chan send': 5 } });
});

test('dump at: a goroutine blocked since it was created has been blocked for the time since', async () => {
  const at = await svc.dumpAt(hash, expected.beginNs);
  for (const g of at.goroutines.filter((x) => x.entry === 'main.leakSend')) {
    assert.equal(g.goState, 'Waiting');
    assert.ok(g.sinceNs !== null && g.sinceNs < at.timeNs);
    assert.equal(g.stateNs, at.timeNs - g.sinceNs!);
    const detail = await svc.goroutine(hash, g.id);
    const wait = detail.intervals.find((iv) => iv.state === 'Waiting')!;
    assert.equal(g.sinceNs, wait.start);
  }
  // At the trace's start nothing of the program but main is alive; at its end no goroutine created in it is.
  const first = await svc.dumpAt(hash, 0);
  assert.ok(first.goroutines.every((g) => !g.entry.startsWith('main.')));
  await assert.rejects(svc.dumpAt(hash, at.durationNs + 1), /timeNs must be whole ns within the trace/);
});

function goroscope(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/goroscope.mjs', ...args, '--library', dir], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('goroscope dump TRACE --at TIME --against DUMP: only the goroutines that changed while the dump was taken differ', async () => {
  const at = await svc.dumpAt(hash, expected.beginNs);
  const r = goroscope('dump', TRACE, '--at', String(expected.beginNs), '--against', DUMP, '--json');
  assert.equal(r.status, 0, r.stderr);
  const json = JSON.parse(r.stdout) as { timeNs: number; goroutines: number; groups: { count: number }[];
    against: { dumpGoroutines: number; differing: { inDump: number; inTrace: number }[] } };
  assert.equal(json.timeNs, expected.beginNs);
  assert.equal(json.goroutines, at.dump.goroutines);
  assert.equal(json.against.dumpGoroutines, realDump().length);
  const changed = await changedDuring(at, new Set([...at.goroutines.map((g) => g.id), ...realDump().map((g) => g.id)]));
  const moved = json.against.differing.reduce((n, g) => n + Math.abs(g.inDump - g.inTrace), 0);
  assert.ok(moved <= 2 * changed.size, `${moved} goroutines moved between groups, ${changed.size} changed`);
  const text = goroscope('dump', TRACE, '--at', `${expected.beginNs / 1e6}ms`);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /^5 goroutines: chan send ×5; longest \S+ \S+ in its state$/m);
  const bad = goroscope('dump', TRACE, '--at', 'soon');
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
  assert.match(bad.stderr, /--at must be a time such as/);
  const late = goroscope('dump', TRACE, '--at', '10s');
  assert.equal(late.status, 2);
  assert.match(late.stderr, /^goroscope: timeNs must be whole ns within the trace, 0 to \d+, got 10000000000$/m);
});
