// The library indexes every kind of artefact, telling them apart by their bytes (not their
// names): traces, pprof profiles (gzipped or not) and goroutine dumps, each with its kind's
// summary; files of no known kind are refused with one line saying what was expected.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DecodeError } from '../../src-main/decode/errors.ts';
import { Library } from '../../src-main/index/library.ts';
import { GoroscopeService } from '../../src-main/service/service.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-kinds-'));

test('traces, profiles and dumps are indexed as their kind, whatever their file names', async () => {
  const lib = new Library(path.join(dir, 'library'));
  const svc = new GoroscopeService(lib);
  try {
    // Misleading names: the kind comes from the content.
    const named = (from: string, as: string) => {
      const to = path.join(dir, as);
      fs.copyFileSync(from, to);
      return to;
    };
    const trace = named('test/fixtures/traces/chanleak.go127.trace', 'chanleak.txt');
    const profile = named('test/fixtures/profiles/heap.go127.pprof', 'heap.trace');
    const rawProfile = path.join(dir, 'cpu.raw');
    fs.writeFileSync(rawProfile, gunzipSync(fs.readFileSync('test/fixtures/profiles/cpu.go127.pprof')));
    const dump = named('test/fixtures/dumps/leaky.go127.late.debug2.txt', 'late.pprof');
    const kinds: Record<string, string> = {};
    for (const file of [trace, profile, rawProfile, dump]) {
      const { artefact } = lib.index(file);
      kinds[path.basename(file)] = `${artefact.kind}/${artefact.format}`;
      const summary = await svc.summary(artefact.hash);
      assert.equal(summary.kind, artefact.kind);
    }
    assert.deepEqual(kinds, { 'chanleak.txt': 'trace/1.26', 'heap.trace': 'profile/heap', 'cpu.raw': 'profile/cpu', 'late.pprof': 'dump/debug=2' });
    assert.equal((await svc.listArtefacts()).length, 4);
    // A dump deep inside a log file, past the bytes the library sniffs.
    const log = path.join(dir, 'service.log');
    fs.writeFileSync(log, 'level=info msg="request handled" path=/api/items status=200 duration=1.2ms\n'.repeat(200) +
      fs.readFileSync('test/fixtures/dumps/leaky.go127.late.debug2.txt', 'utf8'));
    const fromLog = lib.index(log).artefact;
    assert.equal(fromLog.kind, 'dump');
    assert.equal(fromLog.goroutines, lib.resolve(dump).goroutines);
    const dumpArtefact = lib.resolve(dump);
    assert.ok(dumpArtefact.goroutines > 0, 'a dump counts its goroutines');
    await assert.rejects(svc.goroutines({ artefact: dumpArtefact.hash }), /is a dump, not an execution trace/);
  } finally {
    await svc.close();
  }
});

test('a file of no known kind is refused with what was expected, and leaves nothing behind', () => {
  const lib = new Library(path.join(dir, 'refusals'));
  try {
    const png = path.join(dir, 'picture.png');
    fs.writeFileSync(png, Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'));
    const empty = path.join(dir, 'empty.trace');
    fs.writeFileSync(empty, '');
    for (const [file, pattern] of [[png, /^\S*picture\.png at byte 0: unrecognised file: expected a Go execution trace, pprof profile or goroutine dump$/],
      [empty, /empty\.trace at byte 0: empty file: expected a Go execution trace, pprof profile or goroutine dump/],
      ['/dev/null', /^\/dev\/null: is not a regular file/],
      ['/proc/self/environ', /^\/proc\/self\/environ at byte 0: empty file/]] as const) {
      assert.throws(() => lib.index(file), (e: unknown) => e instanceof DecodeError && pattern.test(e.message) && !e.message.includes('\n'));
    }
    assert.deepEqual(lib.list(), []);
    assert.deepEqual(fs.readdirSync(path.join(lib.dir, 'artefacts')), []);
  } finally {
    lib.close();
  }
});

test('a refusal never quotes the file: whoever asked for it may not be allowed to read it', () => {
  // What the attack read through `goroscope serve`: startIndex('/proc/self/environ') failed with
  // "found 53 48 45 4c 4c 3d 2f 62" ("SHELL=/b"); a binary file of secrets fails the same way.
  const lib = new Library(path.join(dir, 'no-echo'));
  try {
    const secrets = path.join(dir, 'secrets.bin');
    fs.writeFileSync(secrets, 'SECRET=hunter2\0TOKEN=abc\0');
    const hex = Array.from(Buffer.from('SECRET=h'), (b) => b.toString(16).padStart(2, '0')).join(' ');
    assert.throws(() => lib.index(secrets), (e: unknown) => e instanceof DecodeError && !e.message.includes('SECRET') &&
      !e.message.includes(hex.slice(0, 11)) && /unrecognised file/.test(e.message));
  } finally {
    lib.close();
  }
});
