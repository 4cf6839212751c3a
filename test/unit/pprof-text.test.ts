// The debug=1 text profiles runtime/pprof serves (/debug/pprof/NAME?debug=1) read as profiles:
// `top` over each equals `go tool pprof -top BINARY FILE` (test/fixtures/profiles/text, written
// with Go 1.26 and 1.27 by profiles/tools/textprofiles; expected outputs by Go's pprof with the
// binary, see generate-profiles.sh). The text names every frame except those runtime/pprof
// leaves out (the runtime frames a heap or count stack starts with): those the test names from
// pprof's own -raw listing of the same file, and every other row must already be equal.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { DecodeError } from '../../src-main/decode/errors.ts';
import type { Profile } from '../../src-main/decode/pprof/model.ts';
import { decodeTextProfileBytes, readTextProfileFile, sniffTextProfile } from '../../src-main/decode/pprof/text-profile.ts';
import { profileTop, renderTop } from '../../src-main/analyze/profile-top.ts';
import { Library } from '../../src-main/index/library.ts';
import { GoroscopeService } from '../../src-main/service/service.ts';

process.env.TZ = 'UTC';

const TEXT_DIR = 'test/fixtures/profiles/text';
const BINARY = 'textprofiles';

const fixtures = fs.readdirSync(TEXT_DIR).filter((f) => f.endsWith('.txt')).sort();

function expected(name: string, what: 'top' | 'raw'): string {
  return zlib.gunzipSync(fs.readFileSync(path.join(TEXT_DIR, 'expected', `${name}.${what}.txt.gz`))).toString('utf8');
}

function blocks(name: string): { args: string; output: string }[] {
  return expected(name, 'top').split(/^#### /m).slice(1).map((b) => {
    const nl = b.indexOf('\n');
    return { args: b.slice(0, nl), output: b.slice(nl + 1) };
  });
}

/** Function names by location address, from `go tool pprof -raw BINARY FILE`. */
function rawNames(name: string): Map<number, string> {
  const out = new Map<number, string>();
  const raw = expected(name, 'raw');
  const locations = raw.slice(raw.indexOf('\nLocations\n'), raw.indexOf('\nMappings\n'));
  for (const m of locations.matchAll(/^\s+\d+: 0x([0-9a-f]+) M=\d+ (\S+)/gm)) out.set(Number.parseInt(m[1], 16), m[2]);
  return out;
}

/** Our profile with the frames the text leaves unnamed named as pprof names them with the binary. */
function withBinaryNames(p: Profile, names: Map<number, string>): { profile: Profile; renamed: string[] } {
  const renamed: string[] = [];
  const functions = p.functions.map((f) => {
    const m = /^runtime\.\(unnamed 0x([0-9a-f]+)\)$/.exec(f.name);
    if (!m) return f;
    const real = names.get(Number.parseInt(m[1], 16));
    assert.ok(real, `pprof names ${f.name}`);
    renamed.push(real);
    return { ...f, name: real, systemName: real };
  });
  return { profile: { ...p, functions }, renamed };
}

/** pprof's output without the File line (the binary's name: a text profile has no mapping). */
function comparable(output: string): string {
  return output.split('\n').filter((l) => !l.startsWith('File: ')).join('\n').replaceAll(`[${BINARY}]`, '<unknown>');
}

function optionsOf(args: string) {
  const words = args.split(/\s+/);
  const option = (prefix: string) => words.find((w) => w.startsWith(prefix))?.slice(prefix.length);
  return { sampleType: option('-sample_index=') ?? '', nodeCount: Number(option('-nodecount=') ?? 0), cum: words.includes('-cum') };
}

test('top over every debug=1 text profile equals go tool pprof -top with the binary', () => {
  const kinds = new Set<string>();
  let compared = 0;
  let exactWithoutBinary = 0;
  for (const file of fixtures) {
    const name = file.slice(0, -'.txt'.length);
    const text = readTextProfileFile(path.join(TEXT_DIR, file));
    assert.equal(text.warning, null, name);
    kinds.add(`${name.split('.')[0]}:${text.kind}`);
    const { profile, renamed } = withBinaryNames(text.profile, rawNames(name));
    // runtime/pprof hides only runtime frames (printStackRecord): nothing else may need the binary.
    for (const r of renamed) assert.match(r, /^(runtime\.|internal\/runtime\/)/, `${name}: ${r} was named by the text`);
    for (const b of blocks(name)) {
      const want = comparable(b.output);
      assert.equal(renderTop(profileTop(profile, optionsOf(b.args))), want, `${name}: go tool pprof ${b.args} BINARY`);
      if (renderTop(profileTop(text.profile, optionsOf(b.args))) === want) exactWithoutBinary++;
      compared++;
    }
  }
  assert.deepEqual([...kinds].sort(), [
    'allocs:heap', 'block:block', 'goroutine:goroutine', 'goroutineleak:goroutineleak', 'heap:heap', 'mutex:mutex', 'threadcreate:threadcreate',
  ]);
  assert.equal(fixtures.length, 14, 'Go 1.26 and 1.27, seven profiles each');
  assert.ok(compared >= 70, `compared ${compared} reports`);
  // Heap, allocs, mutex, block and threadcreate need no binary at all.
  assert.ok(exactWithoutBinary >= compared / 2, `${exactWithoutBinary} of ${compared} equal without the binary's names`);
});

test('text profiles are indexed as profiles (goroutine debug=1 too) and top over the index equals top over the file', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-textprof-'));
  const lib = new Library(path.join(dir, 'library'));
  const svc = new GoroscopeService(lib);
  try {
    for (const name of ['goroutine.go127', 'mutex.go126', 'heap.go127', 'block.go127']) {
      const file = path.join(TEXT_DIR, `${name}.txt`);
      const { artefact } = lib.index(path.resolve(file));
      assert.equal(artefact.kind, 'profile', name);
      assert.equal(artefact.format, name.split('.')[0], name);
      const fromIndex = await svc.profileTop({ artefact: artefact.hash });
      const fromFile = profileTop(readTextProfileFile(file).profile, { sampleType: '', nodeCount: 0, cum: false });
      assert.deepEqual(fromIndex.rows.map((r) => [r.name, r.flat, r.cum]), fromFile.rows.map((r) => [r.name, r.flat, r.cum]), name);
    }
  } finally {
    await svc.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('goroscope top reads text profiles; goroscope dump still reads goroutine debug=1 as a dump', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, ['bin/goroscope.mjs', ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, TZ: 'UTC' } });
  const top = run('top', '--sample-type=delay', path.join(TEXT_DIR, 'mutex.go127.txt'));
  assert.equal(top.status, 0, top.stderr);
  assert.equal(top.stdout, comparable(blocks('mutex.go127').find((b) => b.args === '-top -sample_index=delay')!.output));
  const stats = run('stats', path.join(TEXT_DIR, 'heap.go127.txt'));
  assert.equal(stats.status, 2);
  assert.match(stats.stderr, /heap\.go127\.txt is a pprof profile, not an execution trace: see goroscope top /);
  const dump = run('dump', '--json', path.join(TEXT_DIR, 'goroutine.go127.txt'));
  assert.equal(dump.status, 0, dump.stderr);
  const groups = JSON.parse(dump.stdout) as { goroutines: number };
  assert.equal(groups.goroutines, readTextProfileFile(path.join(TEXT_DIR, 'goroutine.go127.txt')).profile.samples.reduce((t, s) => t + s.values[0], 0));
});

test('bad text: one line naming the file, the byte offset and what was expected; a cut count profile warns', () => {
  const good = fs.readFileSync(path.join(TEXT_DIR, 'mutex.go127.txt'), 'utf8');
  const lines = good.split('\n');
  const at = Buffer.byteLength(lines.slice(0, 3).join('\n')) + 1;
  lines[3] = 'twelve 1 @ 0x1234';
  const bad = Buffer.from(lines.join('\n'));
  assert.throws(() => decodeTextProfileBytes('bad.txt', bad), (e: unknown) =>
    e instanceof DecodeError && e.offset === at && /^bad\.txt at byte \d+: line 4: .*expected a contention record "CYCLES COUNT @ 0x…"$/.test(e.message) && !e.message.includes('\n'));
  assert.throws(() => decodeTextProfileBytes('x.txt', Buffer.from('heap profile: 1: 2 [3: 4] @ heap/1024\nnonsense\n')),
    (e: unknown) => e instanceof DecodeError && e.offset === 38 && /expected a heap record/.test(e.message));
  assert.equal(sniffTextProfile(Buffer.from('goroutine 1 [running]:\n')), false);
  assert.equal(sniffTextProfile(Buffer.from(good.slice(0, 100))), true);

  const goroutine = fs.readFileSync(path.join(TEXT_DIR, 'goroutine.go127.txt'));
  const cut = goroutine.subarray(0, goroutine.indexOf('\n\n') + 2);
  const decoded = decodeTextProfileBytes('cut.txt', cut);
  assert.match(decoded.warning ?? '', /^cut\.txt at byte \d+: the records count \d+ of the \d+ the "goroutine profile: total" line announces: expected more records \(truncated file\?\)$/);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-textbad-'));
  try {
    const file = path.join(dir, 'bad.txt');
    fs.writeFileSync(file, bad);
    const r = spawnSync(process.execPath, ['bin/goroscope.mjs', 'top', file], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`bad\\.txt at byte ${at}: `));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
