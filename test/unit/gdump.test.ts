// Goroutine dumps decoded, grouped and diffed, checked against what Go printed (header lines,
// debug=1's total), what the Go program counted when it wrote the dump, and an independent awk
// count of the stack groups (test/fixtures/dumps/count-groups.awk).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { diffDumpGroups } from '../../src-main/analyze/dump-diff.ts';
import { markProfiledLeaks } from '../../src-main/analyze/dump-groups.ts';
import { groupDumpFile } from '../../src-main/service/file-answers.ts';
import { readLeakProfileStacks } from '../../src-main/service/file-answers.ts';
import type { DumpGoroutine, DumpItem, DumpRecord } from '../../src-main/decode/gdump/model.ts';
import { decodeDumpFile, sniffDump } from '../../src-main/decode/gdump/reader.ts';
import { awkKey, diffFixtures, DUMPS, dumpFixture, dumpFixtures, expectedDiff, expectedGroups, KIND_FUNCTIONS, programCounts } from '../support/dump-fixtures.ts';

function items(file: string): DumpItem[] {
  const all: DumpItem[] = [];
  decodeDumpFile(file, (item) => all.push(item));
  return all;
}

const goroutinesOf = (file: string) => items(file).filter((i): i is DumpGoroutine => i.kind === 'goroutine');
const minorVersion = (v: string) => Number(v.split('.')[1]);

test('goroutine counts equal the dump headers, debug=1 totals and the program\'s own count', () => {
  const fixtures = dumpFixtures();
  assert.ok(fixtures.length >= 40, `${fixtures.length} dump fixtures`);
  for (const f of fixtures) {
    const info = decodeDumpFile(f.path, () => {});
    assert.equal(info.goroutines, f.total ?? f.headers, f.file);
    assert.deepEqual(info.warnings, [], f.file);
    if (f.total !== null) assert.equal(info.declaredTotal, f.total, f.file);
    if (!f.phase) continue;
    const program = programCounts(f);
    const expected = f.phase === 'leak' ? program.leakProfileCount : program[f.phase].numGoroutine;
    assert.equal(info.goroutines, expected, `${f.file}: runtime.NumGoroutine() at dump time`);
  }
});

test('groups equal the independent awk count for every dump', () => {
  for (const f of dumpFixtures()) {
    const dump = groupDumpFile(f.path);
    const { groups, total } = expectedGroups(f.file);
    assert.equal(dump.goroutines, total, f.file);
    const ours = new Map(dump.groups.map((g) => [awkKey(g.key), g.count]));
    assert.deepEqual(ours, groups, f.file);
    for (let i = 1; i < dump.groups.length; i++) assert.ok(dump.groups[i - 1].count >= dump.groups[i].count, `${f.file}: sorted by count`);
  }
});

test('groups hold as many goroutines of each kind as the program started', () => {
  for (const f of dumpFixtures().filter((d) => d.phase === 'early' || d.phase === 'late')) {
    const dump = groupDumpFile(f.path);
    const started = programCounts(f)[f.phase as 'early' | 'late'].started;
    for (const [kind, n] of Object.entries(started)) {
      const fn = KIND_FUNCTIONS[kind];
      const inGroups = dump.groups.filter((g) => g.stack.some((s) => s.func === fn)).reduce((t, g) => t + g.count, 0);
      assert.equal(inGroups, n, `${f.file}: ${kind} (${fn})`);
    }
  }
});

test('diffs of early and late snapshots equal the awk join of the group counts', () => {
  const pairs = diffFixtures();
  assert.ok(pairs.length >= 10);
  for (const p of pairs) {
    const diff = diffDumpGroups(groupDumpFile(path.join(DUMPS, p.before)), groupDumpFile(path.join(DUMPS, p.after)));
    const ours = new Map(diff.groups.map((g) => [awkKey(g.key), [g.before, g.after, g.delta] as [number, number, number]]));
    assert.deepEqual(ours, expectedDiff(p.diff), p.diff);
    for (let i = 1; i < diff.groups.length; i++) assert.ok(diff.groups[i - 1].delta >= diff.groups[i].delta, `${p.diff}: sorted by growth`);
    const transient = diff.groups.find((g) => g.stack.some((s) => s.func === 'main.transientWorker'));
    assert.equal(transient?.change, 'vanished', p.diff);
    assert.equal(diff.groups.find((g) => g.stack.some((s) => s.func === 'main.condWaiter'))?.change, 'new', p.diff);
  }
});

test('(leaked) markers and the goroutineleak profile prove the same leaks', () => {
  const leakedDumps = dumpFixtures().filter((f) => f.kind === 'late.leaked.debug2');
  assert.ok(leakedDumps.length >= 2, 'Go 1.26 and 1.27 leak dumps');
  for (const f of leakedDumps) {
    const expected = programCounts(f).leakProfileCount;
    const leaked = goroutinesOf(f.path).filter((g) => g.leaked);
    assert.equal(leaked.length, expected, f.file);
    const dump = groupDumpFile(f.path);
    assert.equal(dump.groups.filter((g) => g.provenLeak).reduce((t, g) => t + g.count, 0), expected, f.file);
    // The dump taken before the leak-detecting GC has no markers; the profile proves the same groups.
    assert.equal(groupDumpFile(f.path.replace('.late.leaked.debug2.', '.late.debug2.')).groups.filter((g) => g.provenLeak).length, 0);
    // Both forms of the profile: debug=1 text and profile.proto.
    for (const suffix of ['.late.leak.debug1.txt', '.late.leak.pb.gz']) {
      const plain = groupDumpFile(f.path.replace('.late.leaked.debug2.', '.late.debug2.'));
      const marked = markProfiledLeaks(plain, readLeakProfileStacks(f.path.replace('.late.leaked.debug2.txt', suffix)));
      assert.equal(marked, dump.groups.filter((g) => g.provenLeak).length, `${f.file} ${suffix}`);
      assert.equal(plain.groups.filter((g) => g.provenLeak).reduce((t, g) => t + g.count, 0), expected, `${f.file} ${suffix}`);
    }
  }
});

test('header and frame line kinds of each Go version', () => {
  for (const f of dumpFixtures().filter((d) => d.kind === 'late.debug2')) {
    const v = minorVersion(f.goVersion);
    const gs = goroutinesOf(f.path);
    const labelled = gs.filter((g) => g.labels !== null);
    if (v >= 26) {
      assert.equal(labelled.length, 2, `${f.file}: labels in headers`);
      assert.deepEqual(labelled.map((g) => g.labels).sort((a, b) => a!.shard.localeCompare(b!.shard)), [{ shard: '0', worker: 'jobs' }, { shard: '1', worker: 'jobs' }]);
    } else {
      assert.equal(labelled.length, 0, f.file);
    }
    assert.equal(gs.filter((g) => g.lockedToThread).length, 1, `${f.file}: locked to thread`);
    assert.equal(gs.find((g) => g.lockedToThread)?.state, 'chan receive');
    const deep = gs.find((g) => g.frames.some((s) => s.func === 'main.deepRecursion'))!;
    if (v >= 21) {
      assert.ok(deep.elidedFrames > 0 && deep.elidedAt === 50, `${f.file}: ...N frames elided...`);
      assert.equal(deep.frames.length, 100);
    }
    const created = gs.filter((g) => g.createdBy !== null);
    assert.equal(created.length, gs.length - 1, `${f.file}: created by, except goroutine 1`);
    assert.ok(created.every((g) => (v >= 21 ? g.createdBy!.parentId === 1 : g.createdBy!.parentId === null)), `${f.file}: in goroutine N since 1.21`);
    const running = gs.find((g) => g.state === 'running')!;
    assert.equal(running.id, 1);
    assert.ok(running.frames.some((s) => s.pcOffset > 0 && s.args !== ''));
    const inlined = gs.find((g) => g.frames.some((s) => s.func === 'main.labelledWorker'))!.frames[0];
    if (inlined.args === '...') assert.equal(inlined.pcOffset, -1, 'inlined frames print no +0x offset');
  }
  const records = items(dumpFixture('leaky.go127.late.debug1.txt').path).filter((i): i is DumpRecord => i.kind === 'record');
  assert.equal(records.filter((r) => r.labels !== null).reduce((t, r) => t + r.count, 0), 2, 'debug=1 "# labels:" lines');
  assert.ok(records.every((r) => r.pcs.length > 0 && r.frames.every((s) => s.file !== '' && s.line > 0 && s.pcOffset >= 0)));
});

test('panic, fatal error, SIGQUIT and log-embedded dumps', () => {
  for (const f of dumpFixtures().filter((d) => d.scenario === 'crash')) {
    const v = minorVersion(f.goVersion);
    const info = decodeDumpFile(f.path, () => {});
    const gs = goroutinesOf(f.path);
    if (f.kind.startsWith('panic')) {
      assert.equal(info.format, 'panic', f.file);
      assert.equal(info.panics.length, 2, f.file);
      assert.match(info.panics[0], /^runtime error: index out of range \[7\] with length 0 \[recovered/);
      assert.equal(gs[0].frames.find((s) => s.func === 'panic')?.file.endsWith('runtime/panic.go'), true, `${f.file}: gopanic prints as panic`);
    }
    if (f.kind === 'panic-ancestors') {
      const readers = gs.filter((g) => g.frames.some((s) => s.func === 'main.blockedReader'));
      assert.equal(readers.length, 3, f.file);
      assert.ok(readers.every((g) => g.ancestors.length === 1 && g.ancestors[0].id === 1 && g.ancestors[0].frames.some((s) => s.func === 'main.main')));
      assert.ok(readers.every((g) => g.createdBy?.func === 'main.main'), `${f.file}: created by stays the goroutine's`);
      // deepChild was started 110 calls deep: its first ancestor traceback stops at 100 frames.
      const deep = gs.find((g) => g.frames.some((s) => s.func === 'main.deepChild'))!;
      assert.equal(deep.createdBy?.func, 'main.spawnDeep');
      assert.equal(deep.ancestors.length, 2, f.file);
      // The runtime records 100 return addresses (inlined calls share one) and prints them.
      const ancestorLines = fs.readFileSync(f.path, 'utf8').split('...additional frames elided...')[0].split('[originating from goroutine').pop()!;
      assert.equal(deep.ancestors[0].frames.length, ancestorLines.split('\n').filter((l) => l.startsWith('main.spawnDeep(')).length, f.file);
      assert.ok(deep.ancestors[0].frames.length > 40 && deep.ancestors[0].frames.every((s) => s.func === 'main.spawnDeep'), f.file);
      assert.equal(deep.ancestors[0].createdBy?.func, 'main.main');
      assert.deepEqual(deep.ancestors[1].frames.map((s) => s.func), ['main.main']);
    }
    if (f.kind === 'deadlock') {
      assert.equal(info.format, 'fatal');
      assert.equal(info.fatalError, 'all goroutines are asleep - deadlock!');
    }
    if (f.kind.startsWith('sigquit')) {
      assert.equal(info.format, 'signal');
      assert.equal(info.signal, 'SIGQUIT: quit');
      if (f.kind === 'sigquit-crash') assert.ok(gs.some((g) => g.id === 0), `${f.file}: every thread's g0 at GOTRACEBACK=crash`);
      if (v >= 22) assert.ok(gs.every((g) => g.debug !== null && /^0x[0-9a-f]+$/.test(g.debug.gp)), `${f.file}: gp= m= fields`);
      assert.ok(gs.some((g) => g.frames.some((s) => s.func.startsWith('runtime.'))), 'system frames at GOTRACEBACK=system');
    }
  }
  const log = dumpFixture('leaky.go127.app.log');
  const info = decodeDumpFile(log.path, () => {});
  assert.equal(info.firstLine, 3, 'the dump starts after two log lines');
  assert.equal(info.format, 'debug=2');
  assert.ok(info.lastLine < info.lines - 1, 'log lines follow the dump');
});

test('waits of a minute or more', { skip: !fs.existsSync(path.join(DUMPS, 'leaky-minutes.go127.late.debug2.txt')) && 'run generate-dumps.sh without --no-minutes' }, () => {
  const f = dumpFixture('leaky-minutes.go127.late.debug2.txt');
  const gs = goroutinesOf(f.path);
  const fromHeaders = fs.readFileSync(f.path, 'utf8').split('\n').filter((l) => /^goroutine \d+ \[.*, 1 minutes/.test(l)).length;
  assert.ok(fromHeaders > 0);
  assert.equal(gs.filter((g) => g.waitMinutes === 1).length, fromHeaders);
  const dump = groupDumpFile(f.path);
  assert.equal(dump.groups.find((g) => g.stack.some((s) => s.func === 'main.leakSend.func1'))?.maxWaitMinutes, 1);
  const diff = diffDumpGroups(groupDumpFile(f.path.replace('.late.', '.early.')), dump, 1);
  assert.ok(diff.groups.some((g) => g.longWait && g.change === 'grew'));
});

test('synctest bubbles: "(durable)" and "synctest bubble N"', () => {
  const bubbles = dumpFixtures().filter((d) => d.scenario === 'bubble');
  assert.ok(bubbles.length >= 1);
  for (const f of bubbles) {
    const headers = fs.readFileSync(f.path, 'utf8').split('\n').filter((l) => l.startsWith('goroutine '));
    const gs = goroutinesOf(f.path);
    assert.equal(gs.filter((g) => g.durable).length, headers.filter((h) => h.includes(' (durable)')).length, f.file);
    assert.equal(gs.filter((g) => g.bubble === '1').length, headers.filter((h) => h.includes(', synctest bubble 1]')).length, f.file);
    assert.ok(gs.filter((g) => g.durable).every((g) => !g.state.endsWith(')')), `${f.file}: the marker is not part of the state`);
    assert.equal(gs.filter((g) => g.durable && g.state === 'chan receive').length, 4, f.file);
  }
});

test('sniffDump recognises every fixture and nothing else', () => {
  for (const f of dumpFixtures()) {
    const head = fs.readFileSync(f.path).subarray(0, 4096);
    assert.equal(sniffDump(head), true, f.file);
  }
  const others = [
    'test/fixtures/traces/chanleak.go127.trace',
    path.join(DUMPS, 'leaky.go127.late.leak.pb.gz'),
    path.join(DUMPS, 'leaky.go127.expected.json'),
    'README.md',
  ];
  for (const other of others) assert.equal(sniffDump(fs.readFileSync(other).subarray(0, 4096)), false, other);
});
