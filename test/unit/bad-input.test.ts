// Bad input never crashes or hangs the decoder: not a trace, unknown versions, truncation at
// any point, corrupt bytes, empty files, directories, missing paths. Each gives a DecodeError
// naming the file, with the byte offset and what was expected; truncated traces first yield
// every event decodable before the damage, and the error names the cut. At the end, the
// reproducers of what fuzzing found (test/fuzz/), through the decoders and the CLI.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DecodeError } from '../../src-main/decode/errors.ts';
import { decodeDump } from '../../src-main/decode/gdump/reader.ts';
import type { DumpItem } from '../../src-main/decode/gdump/model.ts';
import { formatEvent } from '../../src-main/decode/gotrace/format-event.ts';
import { makeEvent, NO_STACK } from '../../src-main/decode/gotrace/model.ts';
import { openTrace, openTraceSource } from '../../src-main/decode/gotrace/reader.ts';
import { decodeProfile } from '../../src-main/decode/pprof/decode.ts';
import { bytesSource } from '../../src-main/decode/source.ts';
import { FIXTURES } from '../support/fixtures.ts';

const NEW_FORMAT = path.join(FIXTURES, 'traces', 'tickerleak-gens.go127.trace');
const OLD_FORMAT = path.join(FIXTURES, 'traces', 'annotations.go121.trace');

/** Decodes everything; returns the number of events and the error that stopped it, if any. */
function drain(name: string, bytes: Uint8Array): { events: number; error: unknown } {
  let events = 0;
  try {
    const r = openTraceSource(bytesSource(name, bytes));
    try {
      while (r.next()) events++;
    } finally {
      r.close();
    }
  } catch (e) {
    return { events, error: e };
  }
  return { events, error: null };
}

function expectDecodeError(error: unknown, name: string, code?: string): DecodeError {
  assert.ok(error instanceof DecodeError, `expected a DecodeError, got ${String(error)}`);
  assert.ok(error.message.startsWith(name), `message names the file: ${error.message}`);
  assert.ok(!error.message.includes('\n'), 'one line');
  if (code) assert.equal(error.code, code, error.message);
  return error;
}

function header(text: string): Uint8Array {
  const b = new Uint8Array(64);
  b.set(Buffer.from(text, 'latin1'));
  return b;
}

test('not a trace: text, gzip, PNG', () => {
  const cases: [string, Uint8Array][] = [
    ['notes.txt', Buffer.from('hello, this is not a trace at all\n')],
    ['profile.pb.gz', Uint8Array.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 4, 0xff, 1, 2, 3, 4, 5, 6, 7])],
    ['image.png', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52])],
  ];
  for (const [name, bytes] of cases) {
    const e = expectDecodeError(drain(name, bytes).error, name, 'wrong-type');
    assert.equal(e.offset, 0);
    assert.match(e.message, /expected header "go 1\.N trace"/);
  }
  assert.match(String(drain('profile.pb.gz', cases[1][1]).error), /gzip/);
});

test('unknown, future and pre-1.11 versions', () => {
  for (const h of ['go 1.99 trace\0\0\0', 'go 1.24 trace\0\0\0', 'go 1.5 trace\0\0\0\0', 'go 1.10 trace\0\0\0']) {
    const e = expectDecodeError(drain('x.trace', header(h)).error, 'x.trace', 'unsupported-version');
    assert.match(e.message, /expected one of 1\.11, 1\.19, 1\.21, 1\.22, 1\.23, 1\.25, 1\.26/);
  }
});

test('zero-length file, directory, missing path', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-bad-'));
  try {
    const empty = path.join(dir, 'empty.trace');
    fs.writeFileSync(empty, '');
    assert.throws(() => openTrace(empty), (e: unknown) => expectDecodeError(e, empty, 'empty') !== undefined);
    assert.throws(() => openTrace(dir), (e: unknown) => /is a directory/.test(expectDecodeError(e, dir, 'not-a-file').message));
    const missing = path.join(dir, 'missing.trace');
    assert.throws(() => openTrace(missing), (e: unknown) => /no such file/.test(expectDecodeError(e, missing, 'not-a-file').message));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('truncated inside the header', () => {
  const bytes = fs.readFileSync(NEW_FORMAT);
  const e = expectDecodeError(drain('cut.trace', bytes.subarray(0, 9)).error, 'cut.trace', 'truncated');
  assert.equal(e.offset, 9);
});

test('truncated new-format trace: the events before the damage, then an error with an offset', () => {
  const bytes = fs.readFileSync(NEW_FORMAT);
  const full = drain('full.trace', bytes);
  assert.equal(full.error, null);
  let sawPartial = false;
  for (const fraction of [0.02, 0.3, 0.55, 0.8, 0.97]) {
    const cut = Math.floor(bytes.length * fraction);
    const r = drain('cut.trace', bytes.subarray(0, cut));
    const e = expectDecodeError(r.error, 'cut.trace');
    assert.ok(e.offset >= 0 && e.offset <= cut, `offset ${e.offset} within the file`);
    assert.ok(r.events < full.events);
    if (r.events > 1) sawPartial = true;
  }
  assert.ok(sawPartial, 'a trace cut after its first generations still yields their events');
});

test('truncated old-format trace: an error naming what is missing', () => {
  const bytes = fs.readFileSync(OLD_FORMAT);
  for (const fraction of [0.1, 0.5, 0.99]) {
    const r = drain('old.trace', bytes.subarray(0, Math.floor(bytes.length * fraction)));
    const e = expectDecodeError(r.error, 'old.trace');
    assert.ok(e.offset >= 0);
  }
});

test('corrupt batch header byte', () => {
  const bytes = Uint8Array.from(fs.readFileSync(NEW_FORMAT));
  bytes[16] = 0x77;
  const e = expectDecodeError(drain('bad.trace', bytes).error, 'bad.trace', 'corrupt');
  assert.equal(e.offset, 16);
  assert.match(e.message, /expected a batch header/);
});

test('an over-long uvarint inside an event is corrupt, not an overrun', () => {
  const bytes = Uint8Array.from(fs.readFileSync(NEW_FORMAT));
  // Walk the batch headers (type, generation, thread, time, size) to the first event batch with
  // room for an 11-byte uvarint after its first event's type byte.
  const uvarint = (at: number): [number, number] => {
    let v = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[at++];
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return [v, at];
    }
  };
  const TABLE_BATCHES = new Set([2, 4, 6, 8, 50]); // stacks, strings, CPU samples, frequency, sync
  let pos = 16;
  let eventOffset = -1;
  while (pos < bytes.length && eventOffset < 0) {
    assert.equal(bytes[pos], 0x01, `an ordinary batch at byte ${pos}`);
    let at = pos + 1;
    for (let k = 0; k < 3; k++) at = uvarint(at)[1];
    const [size, data] = uvarint(at);
    if (!TABLE_BATCHES.has(bytes[data]) && size >= 16) eventOffset = data;
    pos = data + size;
  }
  assert.ok(eventOffset > 0, 'an event batch');
  bytes.fill(0xff, eventOffset + 1, eventOffset + 12);
  const e = expectDecodeError(drain('long.trace', bytes).error, 'long.trace', 'corrupt');
  assert.equal(e.offset, eventOffset);
  assert.match(e.message, /invalid uvarint in event \w+: expected at most 10 bytes/);
});

test('random corruption ends in events or a DecodeError, never a crash or a hang', () => {
  // A deterministic generator, so a failure can be replayed.
  let seed = 0x2545f491;
  const random = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 2 ** 32;
  };
  for (const file of [NEW_FORMAT, OLD_FORMAT]) {
    const original = fs.readFileSync(file);
    for (let round = 0; round < 60; round++) {
      const bytes = Uint8Array.from(original);
      const flips = 1 + Math.floor(random() * 4);
      for (let i = 0; i < flips; i++) bytes[16 + Math.floor(random() * (bytes.length - 16))] = Math.floor(random() * 256);
      const { error } = drain(`fuzz-${round}.trace`, bytes);
      if (error !== null) expectDecodeError(error, `fuzz-${round}.trace`);
    }
  }
});

// ---- Regressions from fuzzing (test/fuzz/): each reproducer crashed, hung or lied before ----------

/** Runs the goroscope command with a library of its own; returns status, stdout and stderr lines. */
function goroscope(args: string[], dir: string): { status: number | null; stdout: string; lines: string[] } {
  const r = spawnSync(process.execPath, ['bin/goroscope.mjs', ...args], {
    encoding: 'utf8', timeout: 60_000, env: { ...process.env, GOROSCOPE_LIBRARY: path.join(dir, 'library') },
  });
  return { status: r.status, stdout: r.stdout, lines: r.stderr === '' ? [] : r.stderr.replace(/\n$/, '').split('\n') };
}

/** Exit 2 (or one of `statuses`) and one printable line on stderr naming the file: the CLI's answer to bad input. */
function expectOneLine(r: { status: number | null; lines: string[] }, file: string, pattern: RegExp, statuses = [2]): void {
  assert.ok(r.status !== null && statuses.includes(r.status), `exit status ${r.status}: ${r.lines.join('\n')}`);
  assert.equal(r.lines.length, 1, `one line on stderr: ${JSON.stringify(r.lines)}`);
  assert.ok(r.lines[0].startsWith(`goroscope: ${file}`) || r.lines[0].startsWith(`goroscope: warning: ${file}`), r.lines[0]);
  assert.doesNotMatch(r.lines[0], UNPRINTABLE, 'no control characters');
  assert.match(r.lines[0], pattern);
}

const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function withDir(body: (dir: string) => void): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-fuzzed-'));
  try {
    body(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function uvarint(v: bigint): number[] {
  const out: number[] = [];
  for (; v >= 0x80n; v >>= 7n) out.push(Number(v & 0x7fn) | 0x80);
  out.push(Number(v));
  return out;
}

test('a Go 1.22+ stack record of 2^64-1 frames is corrupt at its offset, not a RangeError (stats and index: exit 2, one line)', () => {
  // One batch (generation 1, no thread) holding a stacks table whose one stack claims 2^64-1
  // frames: the uvarint reads as -1, which passed "n > 128" and made new Array(-1) throw.
  const body = [0x02, 0x03, 0x01, ...uvarint(2n ** 64n - 1n)];
  const bytes = Uint8Array.from([...Buffer.from('go 1.22 trace\0\0\0', 'latin1'), 0x01, 0x01, ...uvarint(2n ** 64n - 1n), 0x05, body.length, ...body]);
  const e = expectDecodeError(drain('stack.trace', bytes).error, 'stack.trace', 'corrupt');
  assert.equal(e.offset, 16 + 1 + 1 + 10 + 1 + 1 + 3, 'at the frame count');
  assert.match(e.message, /invalid stack size 2\^64-1: expected at most 128 frames/);
  withDir((dir) => {
    const file = path.join(dir, 'stack.trace');
    fs.writeFileSync(file, bytes);
    expectOneLine(goroscope(['stats', file], dir), file, /invalid stack size/);
    // index keeps what came before the damage (here only the reader's first Sync), with a warning.
    expectOneLine(goroscope(['index', file, '--library', path.join(dir, 'lib')], dir), file, /invalid stack size/, [0, 2]);
  });
});

test('a "created by" line with a carriage return is read (it was a TypeError), and printed escaped', () => {
  const text = 'goroutine 7 [chan receive]:\nmain.worker()\n\t/src/main.go:12 +0x1d\ncreated by main.x\ry in goroutine 1\n\t/src/main.go:30 +0x5e\n';
  const items: DumpItem[] = [];
  const info = decodeDump(bytesSource('cr.txt', Buffer.from(text)), (item) => items.push(item));
  assert.deepEqual(info.warnings, []);
  assert.equal(items.length, 1);
  const g = items[0];
  assert.ok(g.kind === 'goroutine');
  assert.deepEqual(g.createdBy, { func: 'main.x\ry', file: '/src/main.go', line: 30, parentId: 1 });
  withDir((dir) => {
    const file = path.join(dir, 'cr.txt');
    fs.writeFileSync(file, text);
    const r = goroscope(['dump', file], dir);
    assert.equal(r.status, 0, r.lines.join('\n'));
    assert.deepEqual(r.lines, []);
    assert.doesNotMatch(r.stdout.replace(/[\n\t]/g, ''), UNPRINTABLE, 'the carriage return is not written to the terminal');
    assert.match(r.stdout, /created by main\.x\\u000dy/);
  });
});

test('a pprof string_table[0] with newlines and escape sequences gives one printable line', () => {
  // Eight sample types first, so that the file is still recognised as a profile (a first string
  // that is not empty is how text is told from a profile).
  const evil = Buffer.from('\x1b[31mred\nsecond line\x07\u202e');
  const bytes = Uint8Array.from([...Array(8).fill([0x0a, 0x00]).flat(), 0x32, evil.length, ...evil]);
  let error: unknown = null;
  try {
    decodeProfile('str0.pprof', bytes);
  } catch (e) {
    error = e;
  }
  const e = expectDecodeError(error, 'str0.pprof', 'corrupt');
  assert.doesNotMatch(e.message, UNPRINTABLE);
  assert.match(e.message, /string_table\[0\] is "\\x1b\[31mred\\nsecond line\\x07\\u202e": expected the empty string/);
  withDir((dir) => {
    const file = path.join(dir, 'str0.pprof');
    fs.writeFileSync(file, bytes);
    expectOneLine(goroscope(['top', file], dir), file, /string_table\[0\] is/);
  });
});

test('a Go 1.11 trace cut at any byte: no event without the footer, every event inside it, and an error at the cut', () => {
  // Go's own test trace: its footer (frequency, then stack table) starts at byte 2364 with the
  // Frequency event (5 bytes). Cut inside the footer, 87 cut points used to give every event, no
  // stack and no error at all.
  const file = path.join(FIXTURES, 'traces', 'gotestdata.stress_start_stop_1_11_good.trace');
  const bytes = fs.readFileSync(file);
  const full = drain('full.trace', bytes);
  assert.equal(full.error, null);
  for (let cut = 17; cut < bytes.length; cut++) {
    const r = drain('cut.trace', bytes.subarray(0, cut));
    const e = expectDecodeError(r.error, 'cut.trace', 'truncated');
    assert.equal(e.offset, cut, `cut at ${cut}: ${e.message}`);
    if (cut < 2369) {
      assert.equal(r.events, 0, `cut at ${cut}: no event can be timed without the footer`);
      assert.match(e.message, /trace ends before its footer/);
    } else {
      assert.equal(r.events, full.events, `cut at ${cut}: every event`);
      assert.match(e.message, /trace ends inside its footer \(frequency and stack table, from byte 2364\).*: every event is read, but \d+ stacks? used by \d+ events? (is|are) missing/);
    }
  }
});

/** Offsets where a generation-based trace's generations start (batch headers walked). */
function generationStarts(bytes: Uint8Array): Set<number> {
  const starts = new Set<number>();
  let pos = 16;
  let lastGen = -1;
  const uv = (): number => {
    let v = 0;
    for (let mul = 1; ; mul *= 128) {
      const b = bytes[pos++];
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
    }
  };
  while (pos < bytes.length) {
    const at = pos;
    if (bytes[pos++] === 0x31) pos++;
    const gen = uv();
    uv();
    uv();
    const size = uv();
    if (gen !== lastGen) starts.add(at);
    lastGen = gen;
    pos += size;
  }
  return starts;
}

test('a Go 1.22-1.24 trace cut at any byte: the error names the cut (it named a place far before it, as corrupt)', () => {
  for (const name of ['annotations.go122.trace', 'annotations-gens.go123.trace']) {
    const bytes = fs.readFileSync(path.join(FIXTURES, 'traces', name));
    const starts = generationStarts(bytes);
    for (let cut = 17; cut < bytes.length; cut++) {
      const r = drain('cut.trace', bytes.subarray(0, cut));
      if (r.error === null) {
        // A cut exactly between two generations leaves a whole, shorter trace: nothing to tell.
        assert.ok(starts.has(cut), `${name} cut at ${cut}: no error, but not at a generation boundary`);
        continue;
      }
      const e = expectDecodeError(r.error, 'cut.trace', 'truncated');
      assert.equal(e.offset, cut, `${name} cut at ${cut}: ${e.message}`);
      assert.match(e.message, /trace ends|trace likely truncated/);
    }
  }
});

test('stats on a truncated trace prints the partial summary, the warning and exit 2, as index keeps it', () => {
  withDir((dir) => {
    for (const [name, fraction] of [['gotestdata.stress_start_stop_1_11_good.trace', 0.7], ['annotations-gens.go123.trace', 0.6], ['tickerleak-gens.go127.trace', 0.6]] as const) {
      const bytes = fs.readFileSync(path.join(FIXTURES, 'traces', name));
      const file = path.join(dir, `cut-${name}`);
      fs.writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length * fraction)));
      const stats = goroscope(['stats', file, '--json'], dir);
      expectOneLine(stats, file, /trace likely truncated/);
      const partial = JSON.parse(stats.stdout) as { events: number };
      assert.ok(partial.events > 1, `${name}: a partial summary`);
      const index = goroscope(['index', file, '--json', '--library', path.join(dir, 'lib')], dir);
      assert.equal(index.status, 0, 'indexed up to the damage');
      assert.equal(index.lines.length, 1);
      assert.equal(index.lines[0].replace(/^goroscope: warning: /, 'goroscope: ').replace(/ \(indexed what was decodable before it\)$/, ''), stats.lines[0],
        'the same warning as the library keeps, which the UI shows');
      assert.equal((JSON.parse(index.stdout) as { summary: { events: number } }).summary.events, partial.events, 'the same events as the library keeps');
    }
  });
});

test('a dump cut inside a line or inside a stack says where it was cut', () => {
  const text = fs.readFileSync(path.join(FIXTURES, 'dumps', 'leaky.go127.early.debug2.txt'), 'latin1');
  const warnings = (cut: string) => decodeDump(bytesSource('cut.txt', Buffer.from(cut, 'latin1')), () => {}).warnings.map((w) => w.message);
  const frameEnd = text.indexOf('\n', text.indexOf('\t', text.indexOf('goroutine 7 '))) + 1;
  // Cut inside the location line of goroutine 7's first frame.
  assert.match(warnings(text.slice(0, frameEnd - 5)).join('\n'), /cut\.txt: line \d+: the file ends inside this line, at byte \d+ \(no newline after it\): the dump is likely cut there/);
  // Cut after that line: goroutine 7 has no "created by".
  assert.match(warnings(text.slice(0, frameEnd)).join('\n'), /goroutine 7 \(line \d+\): its stack ends without the "created by" line the runtime prints last: the dump is likely cut after line \d+/);
  // Cut after a whole goroutine: a shorter dump, nothing to tell.
  assert.deepEqual(warnings(text.slice(0, text.indexOf('\ngoroutine 7 ') + 1)), []);
});

test('a gzipped profile cut at any byte: the error names the cut', () => {
  const bytes = fs.readFileSync(path.join(FIXTURES, 'profiles', 'heap.go127.pprof'));
  for (let cut = 2; cut < bytes.length; cut += 3) {
    let error: unknown = null;
    try {
      decodeProfile('cut.pprof', bytes.subarray(0, cut));
    } catch (e) {
      error = e;
    }
    const e = expectDecodeError(error, 'cut.pprof', 'truncated');
    assert.equal(e.offset, cut);
  }
});

test('a profile whose drop_frames backtracks exponentially is reported on in time (RE2 is linear; V8 was not)', () => {
  const field = (n: number, body: number[]) => [(n << 3) | 2, body.length, ...body];
  const num = (n: number, v: number) => [n << 3, v];
  const strings = ['', 'samples', 'count', '(a+)+b', `${'a'.repeat(40)}!`];
  const bytes = Uint8Array.from([
    ...field(1, [...num(1, 1), ...num(2, 2)]), // sample type samples/count
    ...field(2, [...num(1, 1), ...num(2, 5)]), // one sample at location 1
    ...field(4, [...num(1, 1), ...field(4, num(1, 1))]), // location 1: function 1
    ...field(5, [...num(1, 1), ...num(2, 4)]), // function 1, named aaa…a!
    ...strings.flatMap((s) => field(6, [...Buffer.from(s)])),
    ...num(7, 3), // drop_frames: (a+)+b
  ]);
  withDir((dir) => {
    const file = path.join(dir, 'redos.pprof');
    fs.writeFileSync(file, bytes);
    const started = performance.now();
    const r = goroscope(['top', file], dir);
    assert.equal(r.status, 0, `finished (status ${r.status}) in ${Math.round(performance.now() - started)} ms: ${r.lines.join('\n')}`);
    assert.match(r.stdout, /a{40}!/);
  });
});

test('names from the file reach standard output with their control characters escaped', () => {
  withDir((dir) => {
    const file = path.join(dir, 'esc.txt');
    fs.writeFileSync(file, 'goroutine 1 [running]:\nmain.\x1b[2J\x1b[31mmain()\n\t/src/main.go:5 +0x10\n');
    const r = goroscope(['dump', file], dir);
    assert.equal(r.status, 0, r.lines.join('\n'));
    assert.doesNotMatch(r.stdout.replace(/[\n\t]/g, ''), UNPRINTABLE);
    assert.match(r.stdout, /main\.\\u001b\[2J\\u001b\[31mmain/);
    const json = goroscope(['dump', file, '--json'], dir);
    assert.equal((JSON.parse(json.stdout) as { groups: { stack: string[] }[] }).groups[0].stack[0], 'main.\x1b[2J\x1b[31mmain /src/main.go:5',
      'JSON output stays valid and means the same');
  });
});

test('a clock snapshot past year 9999 prints as Go prints it (goroscope events threw a RangeError)', () => {
  const wall = (wallSec: bigint, wallNsec: number) => formatEvent(makeEvent('Sync', 0, -1, -1, -1, NO_STACK,
    { n: 1, clockSnapshot: { trace: 0, mono: 0n, wallSec, wallNsec }, experimentalBatches: new Map() }), 0n).replace(/^.* Wall=/, '');
  assert.equal(wall(1719000000n, 1_500_000_000), '2024-06-21T20:00:01.5Z', 'nanoseconds carried as time.Unix does');
  assert.equal(wall(253402300800n, 5), '10000-01-01T00:00:00.000000005Z');
  assert.equal(wall(-62135596801n, 0), '0000-12-31T23:59:59Z');
  assert.equal(wall(-62167219201n, 0), '-0001-12-31T23:59:59Z');
  // The fuzzer's mutant (a Go 1.26 trace of one generation), through the command.
  withDir((dir) => {
    const file = 'test/fuzz-corpus/trace/crash-rangeerror-format-event.ts-60-a98fe2c3d7.trace';
    const r = goroscope(['events', file], dir);
    assert.equal(r.status, 0, r.lines.join('\n'));
    assert.match(r.stdout, /Wall=119401412-03-22T07:07:37\.578007735Z/);
  });
});

test('string IDs far apart cost no time: a generation naming string 4,194,303 took 350 ms (the table was filled up to it)', () => {
  const batch = (gen: number, data: number[]) => [0x01, ...uvarint(BigInt(gen)), ...uvarint(2n ** 64n - 1n), 0x01, ...uvarint(BigInt(data.length)), ...data];
  const parts: number[] = [...Buffer.from('go 1.26 trace\0\0\0', 'latin1')];
  const GENERATIONS = 100;
  for (let gen = 1; gen <= GENERATIONS; gen++) {
    // Sync batch (frequency, clock snapshot), then a strings batch with one string of a huge ID.
    parts.push(...batch(gen, [50, 8, ...uvarint(15_625_000n), 51, 0x01, 0x01, ...uvarint(1_700_000_000n), 0x00]));
    parts.push(...batch(gen, [4, 5, ...uvarint((1n << 22n) - 1n), 1, 0x78]), 52);
  }
  const started = performance.now();
  const r = drain('ids.trace', Uint8Array.from(parts));
  const ms = performance.now() - started;
  assert.equal(r.error, null);
  assert.equal(r.events, GENERATIONS + 1, 'a Sync per generation and one at the end');
  assert.ok(ms < 5000, `${GENERATIONS} generations in ${Math.round(ms)} ms`);
});
