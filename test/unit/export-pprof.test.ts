// Exports as gzipped profile.proto: the four blocking profiles of every Go 1.22+ trace fixture equal
// what `go tool trace -pprof=KIND` wrote (expected/<trace>.<kind>.pprof), sample by sample (stack
// frames and values; go tool trace writes samples in map order, so not byte for byte); every
// indexed profile fixture saved back decodes to the profile it was, and `top` over the export
// prints what `go tool pprof -top` printed over the original. Where Go 1.27 is installed, `go tool
// pprof -top` itself reads each export and prints the rows it printed for the original.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { decodeProfile, readProfileFile } from '../../src-main/decode/pprof/decode.ts';
import type { Profile } from '../../src-main/decode/pprof/model.ts';
import { profileTop, renderTop } from '../../src-main/analyze/profile-top.ts';
import { encodeProfile } from '../../src-main/export/pprof-encode.ts';
import { BLOCKING_KIND_NAMES, type PprofExport } from '../../src-main/service/types.ts';
import { invokeChecked } from '../../src-main/service/validate.ts';
import { FIXTURES, fixtureTraces } from '../support/fixtures.ts';
import { expectedTops, fixtureProfiles } from '../support/profile-fixtures.ts';
import { tempService } from '../support/temp-service.ts';

process.env.TZ = 'UTC';
const GO = '/usr/lib/go-1.27/bin/go';

const { dir, lib, svc } = tempService('goroscope-export-pprof-', 'library');

function decodeExport(e: PprofExport): Profile {
  const bytes = Buffer.from(e.base64, 'base64');
  assert.equal(bytes.length, e.bytes);
  assert.ok(bytes[0] === 0x1f && bytes[1] === 0x8b, 'gzipped');
  return decodeProfile(e.fileName, bytes);
}

/** A profile's samples as { frames (pc func file:line, innermost first) → summed values }, with the header that matters. */
function samplesOf(p: Profile): { header: string; samples: Map<string, number[]> } {
  const locations = new Map(p.locations.map((l) => [l.id, l]));
  const functions = new Map(p.functions.map((f) => [f.id, f]));
  const samples = new Map<string, number[]>();
  for (const s of p.samples) {
    const ids = [...s.locationIds];
    // cmd/trace keys stacks by their PCs padded with zeros: a stack ending in unknown frames (PC 0)
    // and the same stack without them are one sample, written with whichever it met last.
    while (ids.length > 0 && locations.get(ids[ids.length - 1])!.address === 0) ids.pop();
    const key = ids.map((id) => {
      const l = locations.get(id)!;
      return l.lines.map((line) => {
        const f = functions.get(line.functionId)!;
        return `${l.address.toString(16)} ${f.name} ${f.systemName} ${f.filename}:${line.line}`;
      }).join(' | ');
    }).join('\n');
    const v = samples.get(key) ?? s.values.map(() => 0);
    s.values.forEach((x, i) => (v[i] += x));
    samples.set(key, v);
  }
  const header = JSON.stringify([p.sampleTypes, p.periodType, p.period, p.mappings.length, p.defaultSampleType]);
  return { header, samples };
}

const modern = fixtureTraces().filter((t) => t.goVersion >= '1.22' && t.goVersion !== 'testdata');

test('the four blocking profiles of every Go 1.22+ fixture export as go tool trace -pprof writes them', async () => {
  assert.ok(modern.length >= 60, `${modern.length} fixtures`);
  let compared = 0;
  for (const trace of modern) {
    const hash = lib.index(trace.path).artefact.hash;
    for (const kind of BLOCKING_KIND_NAMES) {
      const e = await svc.exportPprof(hash, kind);
      assert.equal(e.fileName, `${trace.name}.trace.${kind}.pb.gz`);
      const ours = samplesOf(decodeExport(e));
      const go = samplesOf(readProfileFile(path.join(FIXTURES, 'expected', `${trace.name}.${kind}.pprof`)));
      const what = `${trace.name} ${kind}`;
      assert.equal(ours.header, go.header, `${what}: sample types, period`);
      assert.deepEqual([...ours.samples.keys()].sort(), [...go.samples.keys()].sort(), `${what}: the same stacks`);
      for (const [stack, [count, ns]] of go.samples) {
        const [c, t] = ours.samples.get(stack)!;
        assert.equal(c, count, `${what}: contentions at ${stack}`);
        // The index keeps times in ticks of the trace clock; Go converts each event's time to ns.
        assert.ok(Math.abs(t - ns) <= ns * 0.001, `${what}: ${t} ns, Go ${ns} ns at ${stack}`);
      }
      compared++;
    }
  }
  assert.equal(compared, modern.length * 4);
});

test('every indexed profile fixture saved back decodes to the profile it was, and top prints go tool pprof -top\'s rows', async () => {
  let compared = 0;
  for (const f of fixtureProfiles()) {
    const original = readProfileFile(f.path);
    const hash = lib.index(f.path).artefact.hash;
    const e = await svc.exportPprof(hash);
    assert.equal(e.fileName, `${f.name}.pb.gz`);
    const back = decodeExport(e);
    assert.deepEqual(back, original, `${f.name}: the same profile`);
    assert.equal(e.samples, original.samples.length);
    for (const want of expectedTops(f.name)) {
      if (want.base) continue;
      const top = profileTop(back, { sampleType: want.sampleType, nodeCount: want.nodeCount, cum: want.cum });
      assert.equal(renderTop(top), want.output, `${f.name}: go tool pprof ${want.args}`);
      compared++;
    }
  }
  assert.ok(compared >= 40, `${compared} top reports`);
});

test('the export of a blocking profile prints the top go tool pprof prints for go tool trace\'s', async () => {
  const hash = lib.index(path.join(FIXTURES, 'traces/httpleak.go127.trace')).artefact.hash;
  for (const kind of BLOCKING_KIND_NAMES) {
    const back = decodeExport(await svc.exportPprof(hash, kind));
    for (const want of expectedTops(`trace-${kind}.httpleak.go127`)) {
      if (want.base) continue;
      const top = profileTop(back, { sampleType: want.sampleType, nodeCount: want.nodeCount, cum: want.cum });
      const rows = (s: string) => s.split('\n').filter((l) => !/^(File|Type|Time|Duration|Showing|Dropped|Build ID):? /.test(l) && !l.startsWith('      flat'));
      assert.deepEqual(rows(renderTop(top)).map((l) => l.trim().split(/\s+/).at(-1)), rows(want.output).map((l) => l.trim().split(/\s+/).at(-1)),
        `${kind}: the same functions in the same order (go tool pprof ${want.args})`);
    }
  }
});

test('go tool pprof -top reads each export as it reads the original', { skip: !fs.existsSync(GO) && `${GO} is not installed` }, async () => {
  const names = ['cpu.go127', 'heap.go127', 'goroutine.go127', 'mutex.go126', 'goroutineleak.go127', 'threadcreate.go119'];
  for (const name of names) {
    const f = fixtureProfiles().find((p) => p.name === name)!;
    const e = await svc.exportPprof(lib.index(f.path).artefact.hash);
    const file = path.join(dir, e.fileName);
    fs.writeFileSync(file, Buffer.from(e.base64, 'base64'));
    const want = expectedTops(name).find((t) => !t.base && !t.cum && t.nodeCount === 0)!;
    const args = want.args.split(' ');
    const r = spawnSync(GO, ['tool', 'pprof', ...args, file], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC', PPROF_TMPDIR: dir } });
    assert.equal(r.status, 0, r.stderr);
    // The first line names the file; the rest is the report.
    const body = (s: string) => s.split('\n').filter((l) => !l.startsWith('File: ')).join('\n');
    assert.equal(body(r.stdout), body(want.output), `${name}: go tool pprof -top on the export`);
  }
});

test('go tool pprof -top prints for each blocking export what it prints for go tool trace -pprof\'s', { skip: !fs.existsSync(GO) && `${GO} is not installed` }, async () => {
  const top = (file: string) => {
    const r = spawnSync(GO, ['tool', 'pprof', '-top', file], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC', PPROF_TMPDIR: dir } });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.split('\n').filter((l) => !l.startsWith('File: ')).join('\n');
  };
  let compared = 0;
  for (const name of ['mutexcontention.go127', 'httpleak.go126', 'gcchurn.go122', 'chanleak.go124']) {
    const hash = lib.index(path.join(FIXTURES, 'traces', `${name}.trace`)).artefact.hash;
    for (const kind of BLOCKING_KIND_NAMES) {
      const goFile = path.join(FIXTURES, 'expected', `${name}.${kind}.pprof`);
      // A stack with unknown frames (PC 0) at its end and the same stack without them are one
      // sample, which go tool trace writes with either (map order): its -top has an <unknown> row
      // or not. Profiles with such a sample are compared by samples above, not here.
      const go = readProfileFile(goFile);
      if (go.samples.some((smp) => smp.locationIds.length === 0) || go.locations.some((l) => l.address === 0)) continue;
      const e = await svc.exportPprof(hash, kind);
      const file = path.join(dir, e.fileName);
      fs.writeFileSync(file, Buffer.from(e.base64, 'base64'));
      assert.equal(top(file), top(goFile), `${name} ${kind}`);
      compared++;
    }
  }
  assert.ok(compared >= 12, `${compared} profiles compared`);
});

test('the writer: varints of every width, negative values, 64-bit addresses, empty strings', () => {
  const p: Profile = {
    sampleTypes: [{ type: 'delta', unit: 'bytes' }], periodType: null, period: 0, comments: ['', 'note'], defaultSampleType: '', docUrl: 'https://go.dev',
    dropFrames: '', keepFrames: '', timeNanos: 1_700_000_000_123_456, durationNanos: 2 ** 40,
    samples: [{ locationIds: [1], values: [-5], labels: [{ key: 'bytes', str: '', num: -1, numUnit: 'bytes' }] },
      { locationIds: [], values: [Number.MAX_SAFE_INTEGER], labels: [] }],
    mappings: [{ id: 1, memoryStart: 0xffffffffff600000n, memoryLimit: 0xffffffffff601000n, fileOffset: 0n, filename: '[vsyscall]', buildId: '',
      hasFunctions: true, hasFilenames: false, hasLineNumbers: true, hasInlineFrames: false }],
    locations: [{ id: 1, mappingId: 1, address: 0x7fff_ffff_f000, lines: [{ functionId: 1, line: 2 ** 31, column: 3 }], isFolded: true }],
    functions: [{ id: 1, name: 'main.f', systemName: 'main.f', filename: '', startLine: 7 }],
  };
  assert.deepEqual(decodeProfile('p', encodeProfile(p)), p);
  assert.deepEqual(decodeProfile('p', zlib.gzipSync(encodeProfile(p))), p);
});

test('exportPprof refuses a dump, a trace without a kind and a profile with one', async () => {
  const trace = lib.index(path.join(FIXTURES, 'traces/chanleak.go127.trace')).artefact.hash;
  const profile = lib.index('test/fixtures/profiles/heap.go127.pprof').artefact.hash;
  await assert.rejects(svc.exportPprof(trace), /kind must be one of sync, net, syscall, sched/);
  await assert.rejects(svc.exportPprof(profile, 'sync'), /a kind \(sync\) applies to traces only/);
  // As the hosts pass a page's call (JSON turns an absent kind into null).
  assert.equal(((await invokeChecked(svc, 'exportPprof', [profile, null])) as PprofExport).fileName, 'heap.go127.pb.gz');
  assert.equal(((await invokeChecked(svc, 'exportPprof', [trace, 'net'])) as PprofExport).fileName, 'chanleak.go127.trace.net.pb.gz');
  await assert.rejects(invokeChecked(svc, 'exportPprof', [trace, 'cpu']), /kind must be one of/);
  const dumps = fs.readdirSync('test/fixtures/dumps').filter((f) => f.endsWith('.txt'));
  const dump = lib.index(path.join('test/fixtures/dumps', dumps[0])).artefact.hash;
  await assert.rejects(svc.exportPprof(dump), /goroutine dump: only traces and profiles export as pprof/);
});

test('goroscope export --pprof from the command line: to a file, to standard output, and mistakes in one line with exit 2', () => {
  const library = path.join(dir, 'cli-library');
  const run = (...args: string[]) => spawnSync(process.execPath, ['bin/goroscope.mjs', 'export', ...args, '--library', library],
    { encoding: 'buffer', timeout: 120_000, cwd: process.cwd() });
  const trace = path.join(FIXTURES, 'traces/httpleak.go127.trace');
  const out = path.join(dir, 'net.pb.gz');
  const r = run(trace, '--pprof', 'net', '-o', out);
  assert.equal(r.status, 0, r.stderr.toString());
  assert.match(r.stdout.toString(), /^wrote .*net\.pb\.gz: \d+ samples/);
  const go = samplesOf(readProfileFile(path.join(FIXTURES, 'expected/httpleak.go127.net.pprof')));
  assert.deepEqual([...samplesOf(readProfileFile(out)).samples.keys()].sort(), [...go.samples.keys()].sort());
  const piped = run(trace, '--pprof', 'net', '-o', '-');
  assert.equal(piped.status, 0);
  assert.deepEqual(samplesOf(decodeProfile('stdout', piped.stdout)).samples, samplesOf(readProfileFile(out)).samples);
  const profile = run('test/fixtures/profiles/goroutine.go127.pprof', '--pprof', '-o', path.join(dir, 'g.pb.gz'));
  assert.equal(profile.status, 0, profile.stderr.toString());
  assert.deepEqual(readProfileFile(path.join(dir, 'g.pb.gz')), readProfileFile('test/fixtures/profiles/goroutine.go127.pprof'));
  for (const [args, message] of [
    [[trace, '--pprof'], /is a trace: --pprof needs a KIND \(sync, net, syscall, sched\)/],
    [[trace, '--pprof', 'net', '--perfetto'], /needs one of --pprof \[KIND\], --perfetto, --parquet DIR/],
    [[trace, '--pprof', 'net', '--from', '1s'], /--from\/--to apply to --perfetto only/],
    [['0123456789abcdef', '--perfetto'], /0123456789abcdef/],
    [['test/fixtures/profiles/heap.go127.pprof', '--perfetto', '-o', path.join(dir, 'x.json')], /is a profile, not an execution trace/],
  ] as [string[], RegExp][]) {
    const bad = run(...args);
    const stderr = bad.stderr.toString();
    assert.equal(bad.status, 2, `${args.join(' ')}: ${stderr}`);
    assert.equal(stderr.trim().split('\n').length, 1, stderr);
    assert.match(stderr, message);
  }
  assert.ok(!fs.existsSync(path.join(dir, 'x.json')));
});
