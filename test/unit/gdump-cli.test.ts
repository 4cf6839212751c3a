// `goroscope leaks` and `goroscope dump` run as a CI job runs them, plus the decoder's answers to
// bad input: not a dump, binary data, garbage lines inside a real dump, truncation — a clear
// error or warning with a line number, partial results, exit status 2, never a crash.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { groupDumpSource } from '../../src-main/analyze/dump-groups.ts';
import { DecodeError } from '../../src-main/decode/errors.ts';
import { decodeDump } from '../../src-main/decode/gdump/reader.ts';
import { bytesSource } from '../../src-main/decode/source.ts';
import { awkKey, DUMPS, dumpFixture, expectedDiff, expectedGroups } from '../support/dump-fixtures.ts';

function goroscope(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/goroscope.mjs', ...args], { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dump = (file: string) => path.join(DUMPS, file);
const EARLY = dump('leaky.go127.early.debug2.txt');
const LATE = dump('leaky.go127.late.debug2.txt');

interface LeaksJson {
  before: { goroutines: number };
  after: { goroutines: number };
  groups: { stack: string[]; state: string | null; before: number; after: number; delta: number; maxWaitMinutes: number }[];
}

function withTempDir(body: (dir: string) => void): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-gdump-'));
  try {
    body(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('leaks: exit 1 when a group grew by more than --max-growth, 0 otherwise', () => {
  // Each leaking kind grew by 15 between the snapshots (leaky/main.go: 3, then 3 + 15).
  const failing = goroscope('leaks', EARLY, LATE);
  assert.equal(failing.status, 1, failing.stderr);
  assert.match(failing.stdout, /^goroutines: 26 -> 84 \(\+58\)$/m);
  assert.match(failing.stdout, /^FAIL: 4 groups grew by more than 10$/m);
  assert.match(failing.stdout, /main\.leakSend\.func1 \S+main\.go:\d+/);
  const passing = goroscope('leaks', EARLY, LATE, '--max-growth', '15');
  assert.equal(passing.status, 0, passing.stderr);
  assert.match(passing.stdout, /^ok: no group grew by more than 15$/m);
  assert.equal(goroscope('leaks', LATE, LATE).status, 0);
  // The goroutineleak profile taken with the late dump turns growth into proven leaks.
  const proven = goroscope('leaks', EARLY, LATE, '--leak-profile', dump('leaky.go127.late.leak.pb.gz'));
  assert.equal(proven.status, 1, proven.stderr);
  assert.equal(proven.stdout.match(/^ +\+15 +3 -> 18 .*, over the limit, proven leak$/gm)?.length, 4, proven.stdout);
  assert.match(goroscope('leaks', EARLY, LATE, '--leak-profile', EARLY).stderr, /early\.debug2\.txt at byte 0: a debug=2 dump: expected a goroutineleak profile/);
  assert.equal(goroscope('leaks', dump('leaky.go119.early.debug1.txt'), dump('leaky.go119.late.debug1.txt'), '--max-growth=14').status, 1);
});

test('leaks --json: exactly the promised fields, deltas equal the awk count, sorted by delta', () => {
  for (const [before, after] of [
    ['leaky.go127.early.debug2.txt', 'leaky.go127.late.debug2.txt'],
    ['leaky.go119.early.debug1.txt', 'leaky.go119.late.debug1.txt'],
  ]) {
    const r = goroscope('leaks', dump(before), dump(after), '--json');
    assert.equal(r.status, 1, r.stderr);
    const json = JSON.parse(r.stdout) as LeaksJson;
    assert.deepEqual(Object.keys(json), ['before', 'after', 'groups']);
    assert.deepEqual(json.before, { goroutines: expectedGroups(before).total });
    assert.deepEqual(json.after, { goroutines: expectedGroups(after).total });
    const expected = expectedDiff(`${before.replace('.txt', '')}--${after.replace('.txt', '')}.diff.tsv`);
    assert.equal(json.groups.length, expected.size);
    for (const g of json.groups) {
      assert.deepEqual(Object.keys(g), ['stack', 'state', 'before', 'after', 'delta', 'maxWaitMinutes']);
      assert.deepEqual([g.before, g.after, g.delta], expected.get(g.stack.join('|')), g.stack[0]);
      if (before.includes('debug1')) assert.equal(g.state, null);
      else assert.equal(typeof g.state, 'string');
    }
    for (let i = 1; i < json.groups.length; i++) assert.ok(json.groups[i - 1].delta >= json.groups[i].delta);
    assert.equal(json.groups.find((g) => g.stack.some((s) => s.startsWith('main.leakSend.func1 ')))?.delta, 15);
  }
  // A run that waited a minute between its snapshots: Go printed "1 minutes" for the early goroutines.
  const minutes = goroscope('leaks', dump('leaky-minutes.go127.early.debug2.txt'), dump('leaky-minutes.go127.late.debug2.txt'), '--json', '--long-wait', '1');
  const sends = (JSON.parse(minutes.stdout) as LeaksJson).groups.find((g) => g.stack.some((s) => s.startsWith('main.leakSend.func1 ')));
  assert.equal(sends?.maxWaitMinutes, 1);
  const text = goroscope('leaks', dump('leaky-minutes.go127.early.debug2.txt'), dump('leaky-minutes.go127.late.debug2.txt'), '--long-wait', '1');
  assert.match(text.stdout, /^ +\+15 +3 -> 18 +chan send, over the limit, waiting 1\+ min$/m);
});

test('dump: grouped view and --json of a dump inside a log file', () => {
  const log = dumpFixture('leaky.go127.app.log');
  const r = goroscope('dump', log.path, '--json');
  assert.equal(r.status, 0, r.stderr);
  const json = JSON.parse(r.stdout) as { format: string; goroutines: number; groups: { stack: string[]; count: number; states: Record<string, number> }[] };
  assert.equal(json.format, 'debug=2');
  const expected = expectedGroups(log.file);
  assert.equal(json.goroutines, expected.total);
  assert.deepEqual(new Map(json.groups.map((g) => [g.stack.join('|'), g.count])), expected.groups);
  const text = goroscope('dump', dump('crash.go127.panic.txt'));
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /^panic: runtime error: index out of range \[7\] with length 0 \[recovered/m);
  assert.match(text.stdout, /^3 goroutines: chan receive ×3$/m);
});

test('bad input: one line on stderr naming the file and position, exit 2', () => {
  withTempDir((dir) => {
    const notes = path.join(dir, 'notes.txt');
    fs.writeFileSync(notes, 'this is a log\nwith no goroutines in it\n');
    const binary = path.join(dir, 'core.bin');
    fs.writeFileSync(binary, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0]));
    const gz = path.join(dir, 'leak.pb.gz');
    fs.copyFileSync(dump('leaky.go127.late.leak.pb.gz'), gz);
    const empty = path.join(dir, 'empty.txt');
    fs.writeFileSync(empty, '');
    const cases: [string[], RegExp][] = [
      [['leaks', notes, LATE], /notes\.txt at byte 0: no goroutine dump in 2 lines: expected a "goroutine N \[state\]:" header/],
      [['leaks', EARLY, binary], /core\.bin at byte 4: binary data: expected a goroutine text dump/],
      [['dump', gz], /leak\.pb\.gz at byte 0: gzip-compressed data: expected a goroutine text dump/],
      [['dump', empty], /empty\.txt at byte 0: file is empty/],
      [['dump', dir], /is a directory, expected a file/],
      [['leaks', EARLY], /leaks needs BEFORE and AFTER/],
      [['leaks', EARLY, LATE, '--max-growth', 'ten'], /--max-growth needs a whole number/],
    ];
    for (const [args, message] of cases) {
      const r = goroscope(...args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, 'one line');
      assert.equal(r.stdout, '');
    }
  });
});

test('garbage lines inside a real dump: warnings with line numbers, partial result, exit 2', () => {
  const lines = fs.readFileSync(LATE, 'utf8').split('\n');
  // One garbage line between a frame and its location, one between two frames, one between goroutines.
  const frameLine = lines.findIndex((l) => l.startsWith('main.sleeper('));
  const betweenFrames = lines.findIndex((l, i) => i > frameLine + 5 && l.startsWith('sync.(*WaitGroup).Wait('));
  const blank = lines.findIndex((l, i) => i > betweenFrames && l === '');
  const garbled = [...lines];
  garbled.splice(blank + 1, 0, '### cosmic ray ###');
  garbled.splice(betweenFrames, 0, '\u0000\u0001 garbage');
  garbled.splice(frameLine + 1, 0, 'xyzzy');
  const text = garbled.join('\n');
  // Line numbers (1-based) of the inserted lines after all insertions.
  const at = (s: string) => garbled.indexOf(s) + 1;
  const warnings: string[] = [];
  const result = groupDumpSource(bytesSource('garbled.txt', Buffer.from(text)));
  for (const w of result.info.warnings) warnings.push(w.message);
  assert.equal(warnings.length, 3, warnings.join('\n'));
  assert.match(warnings[0], new RegExp(`^garbled\\.txt: line ${at('xyzzy')} \\(byte \\d+\\): goroutine \\d+: expected "\\\\tfile:line" after line ${at('xyzzy') - 1}, found "xyzzy"$`));
  assert.match(warnings[1], new RegExp(`^garbled\\.txt: line ${at('\u0000\u0001 garbage')} \\(byte \\d+\\): unexpected text inside a goroutine stack`));
  assert.match(warnings[2], new RegExp(`^garbled\\.txt: line ${at('### cosmic ray ###')} \\(byte \\d+\\): unexpected text between goroutines: "### cosmic ray ###"$`));
  // Everything else is still read: the same groups as the intact dump.
  const expected = expectedGroups('leaky.go127.late.debug2.txt');
  assert.equal(result.goroutines, expected.total);
  assert.deepEqual(new Map(result.groups.map((g) => [awkKey(g.key), g.count])), expected.groups);

  withTempDir((dir) => {
    const file = path.join(dir, 'garbled.txt');
    fs.writeFileSync(file, text);
    const r = goroscope('leaks', EARLY, file, '--json');
    assert.equal(r.status, 2);
    assert.equal(r.stderr.trimEnd().split('\n').length, 3);
    assert.match(r.stderr, new RegExp(`garbled\\.txt: line ${at('xyzzy')} `));
    assert.equal((JSON.parse(r.stdout) as LeaksJson).after.goroutines, expected.total, 'the partial comparison is still printed');
  });
});

test('truncated dumps keep every goroutine whose header was read', () => {
  const bytes = fs.readFileSync(LATE);
  for (const fraction of [0.25, 0.5, 0.9]) {
    const cut = bytes.subarray(0, Math.floor(bytes.length * fraction));
    const headers = cut.toString('utf8').split('\n').filter((l) => /^goroutine \d+ \[.*:$/.test(l)).length;
    let n = 0;
    const info = decodeDump(bytesSource('cut.txt', cut), () => n++);
    assert.equal(n, headers);
    assert.equal(info.goroutines, headers);
  }
});

test('random damage never crashes the decoder', () => {
  const bytes = fs.readFileSync(dump('leaky.go126.late.debug1.txt'));
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let round = 0; round < 300; round++) {
    const damaged = Buffer.from(bytes);
    for (let k = 0; k < 1 + Math.floor(random() * 20); k++) damaged[Math.floor(random() * damaged.length)] = Math.floor(random() * 256);
    const cut = damaged.subarray(0, 1 + Math.floor(random() * damaged.length));
    try {
      const info = decodeDump(bytesSource('damaged.txt', cut), () => {});
      assert.ok(info.goroutines >= 0);
      for (const w of info.warnings) assert.match(w.message, /^damaged\.txt: line \d+/);
    } catch (e) {
      assert.ok(e instanceof DecodeError, String(e));
      assert.ok(!e.message.includes('\n'));
    }
  }
});

test('lines split across read chunks and CRLF line ends', () => {
  // More than one 1 MiB read chunk: the same dump many times over, with Windows line ends.
  const one = fs.readFileSync(LATE, 'utf8').replace(/\n/g, '\r\n');
  const copies = Math.ceil((3 << 20) / one.length);
  const big = Buffer.from(Array(copies).fill(one).join('\r\n'));
  const result = groupDumpSource(bytesSource('big.txt', big));
  const expected = expectedGroups('leaky.go127.late.debug2.txt');
  assert.deepEqual(result.info.warnings, []);
  assert.equal(result.goroutines, copies * expected.total);
  assert.deepEqual(new Map(result.groups.map((g) => [awkKey(g.key), g.count / copies])), expected.groups);
});
