// Bad input never crashes or hangs the decoder: not a trace, unknown versions, truncation at
// any point, corrupt bytes, empty files, directories, missing paths. Each gives a DecodeError
// naming the file, with the byte offset and what was expected; truncated traces first yield
// every event decodable before the damage.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DecodeError } from '../../src-main/decode/errors.ts';
import { openTrace, openTraceSource } from '../../src-main/decode/gotrace/reader.ts';
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
