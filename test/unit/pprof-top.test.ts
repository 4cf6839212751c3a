// `top` over every fixture profile equals what Go's pprof printed for it (test/fixtures/profiles,
// expected outputs from go tool pprof -top with -sample_index, -cum, -nodecount and -base).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readProfileFile } from '../../src-main/decode/pprof/decode.ts';
import { profileTop, renderTop, TopError } from '../../src-main/analyze/profile-top.ts';
import { subtractBase, IncompatibleProfiles } from '../../src-main/analyze/profile-merge.ts';
import { goFixed, goG2, percentage, scaledLabel } from '../../src-main/analyze/profile-units.ts';
import { expectedTops, fixtureProfiles } from '../support/profile-fixtures.ts';

// pprof prints the collection time in the local zone; the expected outputs were made with TZ=UTC.
process.env.TZ = 'UTC';

test('top equals go tool pprof -top for every fixture, sample type, -cum, -nodecount and -base', () => {
  let compared = 0;
  const kinds = new Set<string>();
  for (const f of fixtureProfiles()) {
    const profile = readProfileFile(f.path);
    for (const e of expectedTops(f.name)) {
      const base = e.base ? readProfileFile(e.base) : undefined;
      const top = profileTop(profile, { sampleType: e.sampleType, nodeCount: e.nodeCount, cum: e.cum, base });
      assert.equal(renderTop(top), e.output, `${f.name}: go tool pprof ${e.args}`);
      compared++;
      kinds.add(f.name.split('.')[0]);
    }
  }
  // Every profile kind Go writes is covered, with and without gzip-able variety of sample types.
  for (const kind of ['cpu', 'heap', 'allocs', 'goroutine', 'goroutineleak', 'mutex', 'block', 'threadcreate', 'trace-sync', 'trace-net', 'trace-syscall', 'trace-sched']) {
    assert.ok(kinds.has(kind), `fixtures include ${kind}`);
  }
  assert.ok(compared >= 200, `compared ${compared} reports`);
  // drop_frames/keep_frames (added to a Go profile: runtime/pprof never sets them) prune as pprof does.
  assert.ok(kinds.has('goroutine-dropframes'));
});

test('top rows carry raw values that add up to the printed columns', () => {
  const profile = readProfileFile('test/fixtures/profiles/cpu.go127.pprof');
  const top = profileTop(profile, { sampleType: 'cpu' });
  assert.equal(top.sampleUnit, 'nanoseconds');
  assert.equal(top.total, profile.samples.reduce((t, s) => t + Math.abs(s.values[1]), 0));
  assert.equal(top.rows.at(-1)!.sum, top.shownTotal);
  for (const r of top.rows) assert.ok(Math.abs(r.cum) >= Math.abs(r.flat), `${r.name}: cum ≥ flat`);
});

test('unknown sample types and incompatible bases are refused with pprof\'s reasons', () => {
  const cpu = readProfileFile('test/fixtures/profiles/cpu.go127.pprof');
  const heap = readProfileFile('test/fixtures/profiles/heap.go127.pprof');
  assert.throws(() => profileTop(cpu, { sampleType: 'alloc_space' }), (e: unknown) => e instanceof TopError && /must be one of: samples cpu/.test(e.message));
  assert.throws(() => profileTop(cpu, { sampleType: '7' }), (e: unknown) => e instanceof TopError && /outside the range \[0\.\.1\]/.test(e.message));
  assert.throws(() => subtractBase(cpu, heap), IncompatibleProfiles);
  // "inuse_X" also names a type called "X" (legacy pprof spelling) and numbers select by index.
  assert.equal(profileTop(heap, { sampleType: '3' }).sampleType, 'inuse_space');
});

test('numbers are rounded as Go rounds them (exact ties to even)', () => {
  assert.equal(goFixed(1.125, 2), '1.12');
  assert.equal(goFixed(1.375, 2), '1.38');
  assert.equal(goFixed(0.005, 2), '0.01'); // 0.005 is slightly above a tie as a double
  assert.equal(goFixed(-2.5, 0), '-2');
  assert.equal(goG2(0.125), '0.12');
  assert.equal(goG2(0.72), '0.72');
  assert.equal(goG2(0.5), '0.5');
  assert.equal(goG2(0.00001234), '1.2e-05');
  assert.equal(goG2(0.996), '1');
  assert.equal(percentage(0, 0), '    0%');
  assert.equal(percentage(1, 1), '  100%');
  assert.equal(scaledLabel(1179648, 'bytes', 'MB'), '1.12MB');
  assert.equal(scaledLabel(0, 'nanoseconds', 's'), '0');
  assert.equal(scaledLabel(26, 'count', 'count'), '26');
});
