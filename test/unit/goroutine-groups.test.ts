// Goroutines by start function (GoroscopeApi.goroutineGroups, `goroscope goroutines TRACE`)
// against go tool trace's own goroutine analysis of the same traces: its /goroutines page and
// each group's /goroutine?name= page (expected/<trace>.goroutines.json, from
// generate-goroutine-groups.sh). Equal to the nanosecond: the groups (names, counts, execution
// time), and per goroutine its total, execution, scheduler wait, syscall and block time by reason,
// unknown time, and GC mark assist time. Goroutines that existed before the trace are first counted
// from the generation start before their first event, which the index does not keep: those first
// seen after the first generation are compared by what does not depend on it (their other states).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { GoroutineStats } from '../../src-main/service/types.ts';
import { tempService } from '../support/temp-service.ts';

interface GoGroups {
  groups: { name: string; count: number; execNs: number; goroutines: { id: number; totalNs: number; stats: Record<string, number>; ranges?: Record<string, number> }[] }[];
}

const EXPECTED = path.resolve('test/fixtures/expected');
const TRACES = fs.readdirSync(EXPECTED).filter((f) => f.endsWith('.goroutines.json')).map((f) => f.slice(0, -'.goroutines.json'.length));

const { dir, lib, svc } = tempService('goroscope-groups-');

/** Ours in the names go tool trace's page gives its columns (zero entries omitted, as Go's page shows them blank). */
function asGoStats(s: GoroutineStats): Record<string, number> {
  const out: Record<string, number> = { 'Execution time': s.execNs, 'Sched wait time': s.schedWaitNs, 'Syscall time': s.syscallNs, 'Unknown time': s.unknownNs };
  for (const [reason, ns] of Object.entries(s.blockNsByReason)) out[`Block time (${reason})`] = ns;
  return Object.fromEntries(Object.entries(out).filter(([, ns]) => ns !== 0));
}

function goStats(stats: Record<string, number>): Record<string, number> {
  const out = { ...stats };
  // Go tells a syscall that lost its P apart (Block time (syscall)); the index keeps them together.
  const syscall = (out['Syscall execution time'] ?? 0) + (out['Block time (syscall)'] ?? 0);
  delete out['Syscall execution time'];
  delete out['Block time (syscall)'];
  if (syscall !== 0) out['Syscall time'] = syscall;
  return out;
}

assert.ok(TRACES.length >= 6, 'the goroutine analysis of several traces is expected');
for (const name of TRACES) {
  test(`goroutines by start function of ${name} equal go tool trace's`, async () => {
    const expected = JSON.parse(fs.readFileSync(path.join(EXPECTED, `${name}.goroutines.json`), 'utf8')) as GoGroups;
    const hash = lib.index(path.resolve('test/fixtures/traces', `${name}.trace`)).artefact.hash;
    const report = await svc.goroutineGroups(hash);
    const ours = new Map(report.groups.map((g) => [g.name, g]));
    assert.deepEqual([...ours.keys()].sort(), expected.groups.map((g) => g.name).sort(), 'the groups');
    let exact = 0;
    let later = 0;
    for (const eg of expected.groups) {
      const g = ours.get(eg.name)!;
      assert.equal(g.count, eg.count, `${eg.name}: count`);
      const byId = new Map(g.goroutines.map((s) => [s.id, s]));
      assert.deepEqual([...byId.keys()].sort((a, b) => a - b), eg.goroutines.map((x) => x.id), `${eg.name}: goroutines`);
      for (const ex of eg.goroutines) {
        const s = byId.get(ex.id)!;
        const want = goStats(ex.stats);
        const have = asGoStats(s);
        assert.equal(s.gcAssistNs, ex.ranges?.['GC mark assist'] ?? 0, `G${ex.id}: GC mark assist`);
        if (s.createdNs !== null || s.totalNs === ex.totalNs) {
          assert.equal(s.totalNs, ex.totalNs, `G${ex.id}: total`);
          assert.deepEqual(have, want, `G${ex.id} (${eg.name}): stats`);
          exact++;
        } else {
          // First seen after the first generation: Go counts its first state from that generation's start.
          const gap = ex.totalNs - s.totalNs;
          assert.ok(gap < 0, `G${ex.id}: Go counts it from a later generation start than the trace's`);
          const differing = Object.keys({ ...want, ...have }).filter((k) => want[k] !== have[k]);
          assert.ok(differing.every((k) => k === 'Unknown time' || (have[k] ?? 0) - (want[k] ?? 0) === -gap), `G${ex.id}: ${JSON.stringify({ want, have })}`);
          later++;
        }
      }
      if (g.goroutines.every((s) => s.createdNs !== null)) assert.equal(g.execNs, eg.execNs, `${eg.name}: execution time`);
    }
    assert.ok(exact >= later, `${exact} goroutines equal to the ns, ${later} first seen in a later generation`);
  });
}

test('goroscope goroutines TRACE --json is the service\'s report; --group one group; a wrong --by is one line, exit 2', async () => {
  const trace = path.resolve('test/fixtures/traces/gcchurn.go127.trace');
  const run = (...args: string[]) => spawnSync(process.execPath, ['bin/goroscope.mjs', 'goroutines', trace, '--library', dir, ...args], { encoding: 'utf8', timeout: 60_000 });
  const report = await svc.goroutineGroups(lib.index(trace).artefact.hash);
  const json = run('--json');
  assert.equal(json.status, 0, json.stderr);
  assert.deepEqual(JSON.parse(json.stdout), report);
  const one = run('--by', 'start', '--group', 'main.main.func1', '--json');
  assert.equal(one.status, 0, one.stderr);
  assert.deepEqual(JSON.parse(one.stdout), report.groups.find((g) => g.name === 'main.main.func1'));
  const text = run();
  assert.match(text.stdout, /^ +4 +\S+ \S+ +\S+ \S+ .* main\.main\.func1$/m);
  const bad = run('--by', 'creator');
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr, 'goroscope: --by must be start (the start function), got "creator"\n');
});
