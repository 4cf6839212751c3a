// `goroscope top`, run as a user runs it: `node bin/goroscope.mjs top …` in a child process.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expectedTops } from '../support/profile-fixtures.ts';

function goroscope(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/goroscope.mjs', ...args], {
    encoding: 'utf8', timeout: 60_000, env: { ...process.env, TZ: 'UTC' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const profile = (name: string) => path.join('test/fixtures/profiles', `${name}.pprof`);

test('top prints what go tool pprof -top prints (flags spelled as ours and as pprof\'s)', () => {
  const cases: [string, string, string[]][] = [
    ['cpu.go127', '-top -nodecount=5', ['-n', '5']],
    ['heap.go119', '-top -cum -nodecount=10 -sample_index=alloc_space', ['--cum', '--sample-type', 'alloc_space', '-nodecount=10']],
    ['mutex.go126', '-top -sample_index=delay', ['--sample-type=delay']],
    ['goroutine.go127', `-top -base profiles/goroutine-early.go127.pprof`, ['--base', profile('goroutine-early.go127')]],
    ['trace-syscall.httpleak.go127', '-top -sample_index=contentions', ['--sample-type', 'contentions']],
  ];
  for (const [name, goArgs, ours] of cases) {
    const want = expectedTops(name).find((e) => e.args === goArgs);
    assert.ok(want, `${name}: expected output for ${goArgs}`);
    const r = goroscope('top', profile(name), ...ours);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, want.output, `${name} ${ours.join(' ')}`);
  }
});

test('top is listed in help and has its own usage', () => {
  assert.match(goroscope('help').stdout, /^ {2}top +the top functions of a pprof profile/m);
  const r = goroscope('help', 'top');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /--sample-type T/);
  assert.match(r.stdout, /--base OTHER/);
});

test('top --json gives the raw values', () => {
  const r = goroscope('top', profile('goroutineleak.go127'), '--json', '-n', '3', '--cum');
  assert.equal(r.status, 0, r.stderr);
  const json = JSON.parse(r.stdout) as { sampleType: string; unit: string; total: number; rows: { name: string; flat: number; cum: number }[] };
  assert.equal(json.sampleType, 'goroutineleak');
  assert.equal(json.unit, 'count');
  assert.equal(json.rows.length, 3);
  assert.equal(json.rows[0].cum, json.total, 'the root of every leaked stack has all of them');
  for (const row of json.rows) assert.ok(Number.isInteger(row.flat) && Number.isInteger(row.cum));
});

test('bad input: one line on stderr naming the file and byte offset, exit 2, input untouched', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-pprof-'));
  try {
    const text = path.join(dir, 'notes.txt');
    fs.writeFileSync(text, 'not a profile\n');
    const gz = fs.readFileSync(profile('allocs.go127'));
    const cut = path.join(dir, 'cut.pprof');
    fs.writeFileSync(cut, gz.subarray(0, 500));
    const empty = path.join(dir, 'empty.pprof');
    fs.writeFileSync(empty, '');
    const before = createHash('sha256').update(fs.readFileSync(cut)).digest('hex');
    const cases: [string[], RegExp][] = [
      [['top', text], /notes\.txt at byte 0: not a pprof profile/],
      [['top', cut], /cut\.pprof at byte 500: gzip stream ends early/],
      [['top', empty], /empty\.pprof at byte 0: file is empty/],
      [['top', dir], /is a directory, expected a file/],
      [['top', path.join(dir, 'missing.pprof')], /missing\.pprof: cannot open: no such file/],
      [['top', profile('cpu.go127'), '--base', profile('heap.go127')], /incompatible period types cpu\/nanoseconds and space\/bytes/],
      [['top', profile('cpu.go127'), '--sample-type', 'inuse_space'], /sample type "inuse_space" must be one of: samples cpu/],
      [['top', profile('cpu.go127'), '-n', 'ten'], /-n needs a non-negative whole number/],
      [['top'], /top needs exactly one PROFILE/],
      [['top', profile('cpu.go127'), '--bogus'], /unknown option --bogus/],
    ];
    for (const [args, message] of cases) {
      const r = goroscope(...args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
    }
    assert.equal(createHash('sha256').update(fs.readFileSync(cut)).digest('hex'), before);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
