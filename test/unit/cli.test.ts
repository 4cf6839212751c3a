// The goroscope command, run as a user runs it: `node bin/goroscope.mjs …` in a child process.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readGzipText } from '../support/event-text.ts';
import { expectedStats, FIXTURES } from '../support/fixtures.ts';

const ISOLATED_LIBRARY = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-cli-default-')), 'library');

function goroscope(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  // Never the user's default library: what it holds would change what stats answers.
  const r = spawnSync(process.execPath, ['bin/goroscope.mjs', ...args], {
    encoding: 'utf8', timeout: 60_000, maxBuffer: 64 << 20, env: { ...process.env, GOROSCOPE_LIBRARY: ISOLATED_LIBRARY },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const trace = (name: string) => path.join(FIXTURES, 'traces', `${name}.trace`);
const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

test('stats --json prints exactly what Go computes (old and new format)', () => {
  for (const name of ['gcchurn.go127', 'mutexcontention.go119']) {
    const r = goroscope('stats', trace(name), '--json');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    if (name.endsWith('127')) {
      // New-format traces are read deterministically: the JSON text itself is Go's.
      assert.equal(r.stdout.trimEnd(), JSON.stringify(expectedStats(name), null, 2));
    } else {
      const ours = JSON.parse(r.stdout) as Record<string, unknown>;
      assert.deepEqual(Object.keys(ours), Object.keys(expectedStats(name)));
    }
  }
});

test('stats without --json is a readable summary', () => {
  const r = goroscope('stats', trace('chanleak.go127'));
  assert.equal(r.status, 0, r.stderr);
  const s = expectedStats('chanleak.go127') as { goroutines: number; goroutinesAliveAtEnd: number };
  assert.match(r.stdout, new RegExp(`^Goroutines +${s.goroutines} \\(${s.goroutinesAliveAtEnd} alive at end\\)$`, 'm'));
  assert.match(r.stdout, /^ {2}chan send +\d+$/m);
  assert.match(r.stdout, /^Trace format +go 1\.26$/m);
});

test('events prints what go tool trace -d=parsed prints', () => {
  const r = goroscope('events', trace('chanleak.go127'));
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, readGzipText(path.join(FIXTURES, 'expected', 'chanleak.go127.events.txt.gz')));
});

test('events --format compact --limit', () => {
  const r = goroscope('events', trace('chanleak.go127'), '--format', 'compact', '--limit', '5');
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 5);
  assert.match(lines[0], /^\d+ Sync M-1 P-1 G-1 #1$/);
  assert.match(lines[1], /^\d+ StateTransition M\d+ P-1 G-1 P\d+ Undetermined->Running$/);
});

test('bad input: one line on stderr, exit 2, input untouched', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-cli-'));
  try {
    const text = path.join(dir, 'notes.txt');
    fs.writeFileSync(text, 'not a trace\n');
    const cut = path.join(dir, 'cut.trace');
    const full = fs.readFileSync(trace('tickerleak-gens.go127'));
    fs.writeFileSync(cut, full.subarray(0, Math.floor(full.length * 0.6)));
    const empty = path.join(dir, 'empty.trace');
    fs.writeFileSync(empty, '');
    const future = path.join(dir, 'future.trace');
    fs.writeFileSync(future, Buffer.concat([Buffer.from('go 1.99 trace\0\0\0'), full.subarray(16)]));
    const cases: [string[], RegExp][] = [
      [['stats', text], /notes\.txt at byte 0: not a Go execution trace: expected header "go 1\.N trace"/],
      [['stats', cut, '--json'], /cut\.trace at byte \d+: .*expected/],
      [['events', cut], /cut\.trace at byte \d+: .*expected/],
      [['stats', empty], /empty\.trace at byte 0: file is empty/],
      [['stats', future], /future\.trace at byte 5: unsupported Go trace version "go 1\.99"/],
      [['stats', dir], /is a directory, expected a file/],
      [['stats', path.join(dir, 'missing.trace')], /missing\.trace: cannot open: no such file/],
      [['stats'], /stats needs exactly one FILE/],
      [['stats', text, '--bogus'], /unknown option --bogus/],
      [['frobnicate'], /unknown command "frobnicate"/],
      [['stats', 'test/fixtures/profiles/heap.go127.pprof'], /heap\.go127\.pprof is a pprof profile, not an execution trace: see goroscope top/],
      [['stats', 'test/fixtures/dumps/leaky.go127.late.debug2.txt'], /is a goroutine dump, not an execution trace: see goroscope dump/],
      [['index', text, '--library', path.join(dir, 'lib')], /notes\.txt at byte 0: no goroutine dump in 1 line: expected a "goroutine N \[state\]:" header/],
    ];
    const before = [text, cut, future].map(sha256);
    for (const [args, message] of cases) {
      const r = goroscope(...args);
      assert.equal(r.status, 2, `${args.join(' ')}: exit status`);
      const lines = r.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, `${args.join(' ')}: one line on stderr, got ${JSON.stringify(r.stderr)}`);
      assert.match(lines[0], /^goroscope: /);
      assert.match(lines[0], message);
    }
    assert.deepEqual([text, cut, future].map(sha256), before, 'input files are never modified');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a truncated trace with --partial still prints the summary of what was decodable', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-cli-'));
  try {
    const cut = path.join(dir, 'cut.trace');
    const full = fs.readFileSync(trace('tickerleak-gens.go127'));
    fs.writeFileSync(cut, full.subarray(0, Math.floor(full.length * 0.6)));
    const r = goroscope('stats', cut, '--json', '--partial');
    assert.equal(r.status, 2);
    const partial = JSON.parse(r.stdout) as { events: number };
    const whole = expectedStats('tickerleak-gens.go127') as { events: number };
    assert.ok(partial.events > 0 && partial.events < whole.events);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('help', () => {
  const r = goroscope('help');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /stats +summary of an execution trace/);
  assert.match(goroscope('help', 'events').stdout, /--format compact/);
});
