// The pprof decoder on every fixture: samples, values, labels and locations equal Go's
// `go tool pprof -raw`, a second reader (the protobufjs code generated from profile.proto) agrees,
// gzip or not is told by the bytes, and bad input is a DecodeError with a byte offset.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import protobuf from 'protobufjs/minimal.js';
import { decodeProfile, readProfileFile, sniffProfile } from '../../src-main/decode/pprof/decode.ts';
import { isDecodeError } from '../../src-main/decode/errors.ts';
import { profileIndex, type Profile } from '../../src-main/decode/pprof/model.ts';
import { pruneFrames } from '../../src-main/decode/pprof/prune.ts';
import { perftools } from '../../src-main/decode/pprof/profile-pb.js';
import { expectedRaw, fixtureProfiles } from '../support/profile-fixtures.ts';

// Plain numbers instead of Long objects (toolchain.md).
protobuf.util.Long = null as unknown as typeof protobuf.util.Long;
protobuf.configure();

/** The sample lines of `pprof -raw`: values, then location IDs (leaf first). */
function rawSamples(raw: string): { values: number[]; locations: number[] }[] {
  const section = raw.slice(raw.indexOf('Samples:\n'), raw.indexOf('\nLocations'));
  const out: { values: number[]; locations: number[] }[] = [];
  for (const line of section.split('\n').slice(2)) {
    const m = /^((?:\s+-?\d+)+):((?: \d+)*) ?$/.exec(line);
    if (!m) continue; // a label line
    out.push({ values: m[1].trim().split(/\s+/).map(Number), locations: m[2].trim() === '' ? [] : m[2].trim().split(' ').map(Number) });
  }
  return out;
}

/** The location lines of `pprof -raw`: ID, address and each line's text ("function file:line:col s=N"). */
function rawLocations(raw: string): Map<number, { address: number; lines: string[] }> {
  const section = raw.slice(raw.indexOf('\nLocations\n') + 11, raw.indexOf('\nMappings'));
  const out = new Map<number, { address: number; lines: string[] }>();
  let current: { address: number; lines: string[] } | null = null;
  for (const line of section.split('\n')) {
    const head = /^\s*(\d+): 0x([0-9a-f]+) (?:M=\d+ )?(.*)$/.exec(line);
    if (head) {
      current = { address: parseInt(head[2], 16), lines: head[3] ? [head[3]] : [] };
      out.set(Number(head[1]), current);
    } else if (current && /^\s{10,}\S/.test(line)) current.lines.push(line.trim());
  }
  return out;
}

test('every fixture decodes to what go tool pprof -raw prints (samples, values, locations, functions)', () => {
  const fixtures = fixtureProfiles();
  assert.ok(fixtures.length >= 40);
  for (const f of fixtures) {
    // pprof prints the profile after pruning it by its drop_frames/keep_frames (if any).
    const p = pruneFrames(readProfileFile(f.path));
    const raw = expectedRaw(f.name);
    assert.deepEqual(p.sampleTypes.map((t) => t.type), f.sampleTypes, f.name);
    const expected = rawSamples(raw);
    assert.equal(p.samples.length, expected.length, `${f.name}: samples`);
    p.samples.forEach((s, i) => {
      assert.deepEqual(s.values, expected[i].values, `${f.name}: sample ${i} values`);
      assert.deepEqual(s.locationIds, expected[i].locations, `${f.name}: sample ${i} locations`);
    });
    // Totals per sample type, the figures pprof's percentages are of.
    f.sampleTypes.forEach((_, t) => {
      const ours = p.samples.reduce((sum, s) => sum + s.values[t], 0);
      assert.equal(ours, expected.reduce((sum, s) => sum + s.values[t], 0), `${f.name}: total of ${f.sampleTypes[t]}`);
    });
    const locations = rawLocations(raw);
    const idx = profileIndex(p);
    assert.equal(p.locations.length, locations.size, `${f.name}: locations`);
    for (const l of p.locations) {
      const want = locations.get(l.id)!;
      assert.equal(l.address, want.address, `${f.name}: location ${l.id} address`);
      assert.equal(l.lines.length, want.lines.length, `${f.name}: location ${l.id} lines`);
      l.lines.forEach((line, i) => {
        const fn = idx.functions.get(line.functionId)!;
        assert.ok(want.lines[i].startsWith(`${fn.name} ${fn.filename}:${line.line}:`), `${f.name}: location ${l.id} line ${i}: ${want.lines[i]}`);
      });
    }
    assert.match(raw, new RegExp(`^Period: ${p.period}$`, 'm'));
    if (p.durationNanos !== 0) assert.match(raw, /^Duration: /m);
  }
});

test('labels, inlined lines, period and duration of the profiles Go writes', () => {
  const cpu = readProfileFile('test/fixtures/profiles/cpu.go127.pprof');
  assert.deepEqual(cpu.periodType, { type: 'cpu', unit: 'nanoseconds' });
  assert.equal(cpu.period, 10_000_000);
  assert.ok(cpu.durationNanos > 500e6);
  const workers = new Set(cpu.samples.flatMap((s) => s.labels.filter((l) => l.key === 'worker').map((l) => l.str)));
  assert.deepEqual([...workers].sort(), ['hash', 'spin']);
  const heap = readProfileFile('test/fixtures/profiles/heap.go127.pprof');
  assert.ok(heap.samples.every((s) => s.labels.some((l) => l.key === 'bytes' && l.num > 0)), 'every heap sample has its object size');
  assert.ok(heap.locations.some((l) => l.lines.length > 1), 'some heap locations have inlined lines');
  assert.equal(readProfileFile('test/fixtures/profiles/allocs.go127.pprof').defaultSampleType, 'alloc_space');
  assert.equal(readProfileFile('test/fixtures/profiles/goroutineleak.go127.pprof').sampleTypes[0].type, 'goroutineleak');
  assert.deepEqual(readProfileFile('test/fixtures/profiles/trace-sync.httpleak.go127.pprof').periodType, { type: 'trace', unit: 'count' });
  const pruned = readProfileFile('test/fixtures/profiles/goroutine-dropframes.go127.pprof');
  assert.equal(pruned.dropFrames, 'runtime\\.(chansend1|chanrecv1|gopark.*)|runtime/pprof\\..*');
  assert.equal(pruned.keepFrames, 'runtime/pprof\\.Do');
  assert.ok(cpu.mappings[0].hasFunctions);
  assert.ok(cpu.mappings.some((m) => m.memoryStart >= 2n ** 63n), 'the vsyscall mapping keeps its exact 64-bit address');
});

test('a second reader (protobufjs static code from profile.proto) agrees on every fixture', () => {
  for (const f of fixtureProfiles()) {
    const ours = readProfileFile(f.path);
    const pb = perftools.profiles.Profile.decode(zlib.gunzipSync(fs.readFileSync(f.path)));
    assert.equal(pb.sample.length, ours.samples.length, f.name);
    pb.sample.forEach((s, i) => {
      assert.deepEqual((s.value ?? []).map(Number), ours.samples[i].values, `${f.name}: sample ${i}`);
      assert.deepEqual((s.locationId ?? []).map(Number), ours.samples[i].locationIds, `${f.name}: sample ${i}`);
    });
    assert.deepEqual(pb.function.map((fn) => pb.stringTable[Number(fn.name)]), ours.functions.map((fn) => fn.name), f.name);
    assert.equal(Number(pb.timeNanos), ours.timeNanos, f.name);
  }
});

test('gzip or raw protobuf is told by the bytes; sniffProfile tells profiles from other files', () => {
  const gz = fs.readFileSync('test/fixtures/profiles/cpu.go119.pprof');
  const raw = zlib.gunzipSync(gz);
  assert.deepEqual(decodeProfile('cpu.pb', raw), decodeProfile('cpu.pb.gz', gz));
  for (const f of fixtureProfiles()) assert.ok(sniffProfile(fs.readFileSync(f.path).subarray(0, 4096)), f.name);
  assert.ok(sniffProfile(raw.subarray(0, 100)), 'raw protobuf, cut');
  assert.ok(sniffProfile(gz.subarray(0, 300)), 'gzip, cut');
  const notProfiles = [
    fs.readFileSync('test/fixtures/traces/chanleak.go127.trace').subarray(0, 4096),
    Buffer.from('goroutine 1 [running]:\nmain.main()\n'),
    zlib.gzipSync(Buffer.from('goroutine profile: total 4\n4 @ 0x1 0x2\n')),
    Buffer.from('Hello, world'),
    Buffer.from('2026-12-01 10:53:17 INFO server started on :8080, 64 workers, cache warm, listening for requests\n'),
    Buffer.from('{"json": true}'),
    Buffer.alloc(0),
  ];
  for (const bytes of notProfiles) assert.equal(sniffProfile(bytes), false, bytes.subarray(0, 20).toString('latin1'));
});

/** Decoding `bytes` fails with a DecodeError of this code, at this offset, with this message. */
function assertDecodeError(bytes: Uint8Array, code: string, offset: number | null, message: RegExp): void {
  assert.throws(() => decodeProfile('bad.pprof', bytes), (e: unknown) => {
    assert.ok(isDecodeError(e), `DecodeError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (offset !== null) assert.equal(e.offset, offset, e.message);
    assert.match(e.message, message);
    assert.ok(!e.message.includes('\n'), 'one line');
    return true;
  });
}

/** A varint field key followed by a varint value. */
function varintField(field: number, value: number): Buffer {
  const bytes = [field << 3];
  for (let v = value; ; v = Math.floor(v / 128)) {
    if (v < 128) {
      bytes.push(v);
      break;
    }
    bytes.push((v % 128) | 0x80);
  }
  return Buffer.from(bytes);
}

test('bad input: a clear one-line error with the byte offset, never a crash', () => {
  const gz = fs.readFileSync('test/fixtures/profiles/heap.go127.pprof');
  const raw = zlib.gunzipSync(gz);
  const strings = (readProfileFile('test/fixtures/profiles/heap.go127.pprof') as Profile).functions.length;
  assert.ok(strings > 0);

  assertDecodeError(Buffer.from('not a profile at all\n'), 'wrong-type', 0, /bad\.pprof at byte 0: not a pprof profile: expected gzip-compressed or raw profile\.proto/);
  assertDecodeError(zlib.gzipSync(Buffer.from('plain text, gzipped\n')), 'wrong-type', 0, /gzip data that is not a pprof profile/);
  assertDecodeError(Buffer.alloc(0), 'empty', 0, /file is empty/);
  assertDecodeError(gz.subarray(0, Math.floor(gz.length * 0.6)), 'truncated', Math.floor(gz.length * 0.6), /gzip stream ends early/);
  const damaged = Buffer.from(gz);
  damaged.fill(0xff, 200, 240);
  assertDecodeError(damaged, 'corrupt', null, /at byte \d+: damaged gzip data .*expected a valid gzip stream/);
  assertDecodeError(raw.subarray(0, Math.floor(raw.length * 0.5)), 'truncated', null, /at byte \d+: .*(runs past the end|ends inside)/);

  // Fields with the wrong wire type (fields may come in any order: append them to a good profile).
  assertDecodeError(Buffer.concat([raw, Buffer.from([(1 << 3) | 0, 5])]), 'corrupt', raw.length, /field Profile\.sample_type has wire type 0 \(varint\): expected length-delimited/);
  assertDecodeError(Buffer.concat([raw, Buffer.from([(2 << 3) | 5, 1, 2, 3, 4])]), 'corrupt', raw.length, /Profile\.sample has wire type 5/);

  // A string index past the end of the string table (fields may come in any order: append one).
  assertDecodeError(Buffer.concat([raw, varintField(14, 100000)]), 'corrupt', raw.length, /default_sample_type is string 100000: expected an index below \d+/);
  assertDecodeError(Buffer.concat([raw, varintField(7, 99999)]), 'corrupt', raw.length, /drop_frames is string 99999/);
  // A sample with the wrong number of values, and one pointing at a location that does not exist.
  const sample = (body: number[]) => Buffer.from([(2 << 3) | 2, body.length, ...body]);
  assertDecodeError(Buffer.concat([raw, sample([(2 << 3) | 0, 1])]), 'corrupt', raw.length, /sample has 1 values: expected 4/);
  assertDecodeError(Buffer.concat([raw, sample([(1 << 3) | 0, 99, (2 << 3) | 2, 4, 1, 1, 1, 1])]), 'corrupt', raw.length, /refers to location 99/);
  // Protobuf that starts like a profile (period = 1) but has no string table.
  assertDecodeError(Buffer.from([(12 << 3) | 0, 1]), 'corrupt', 2, /no string table: expected Profile\.string_table fields/);
  // An unknown field (16) with wire type 7, which does not exist.
  assertDecodeError(Buffer.concat([raw, Buffer.from([0x87, 0x01]) /* field 16 */]), 'corrupt', raw.length, /unsupported wire type 7/);
});

test('random damage never crashes the decoder', () => {
  const raw = zlib.gunzipSync(fs.readFileSync('test/fixtures/profiles/block.go127.pprof'));
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  let errors = 0;
  for (let trial = 0; trial < 300; trial++) {
    const bytes = Buffer.from(raw);
    for (let k = 0; k < 1 + Math.floor(random() * 4); k++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
    try {
      decodeProfile('fuzz.pprof', bytes);
    } catch (e) {
      assert.ok(isDecodeError(e), `trial ${trial}: ${String(e)}`);
      assert.ok(e.offset >= 0 && e.offset <= bytes.length, `trial ${trial}: offset ${e.offset}`);
      errors++;
    }
  }
  assert.ok(errors > 0);
});
