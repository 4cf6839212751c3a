// The service's answers about files outside the library (service/file-answers.ts), which the CLI's
// stats, events, top, dump and leaks print: Go's own figures for a trace read from its file, the
// same answers the library gives once the file is indexed, and damage reported as the file's.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DecodeError } from '../../src-main/decode/errors.ts';
import { LibraryError } from '../../src-main/index/library.ts';
import {
  groupDumpFile, indexedTraceSummary, NotATrace, profileFileTop, profileOrDumpFile, summarizeTraceFile, traceFileEventLines,
} from '../../src-main/service/file-answers.ts';
import { InvalidArgument } from '../../src-main/service/validate.ts';
import { expectedStats, FIXTURES } from '../support/fixtures.ts';
import { tempService } from '../support/temp-service.ts';

const trace = (name: string) => path.join(FIXTURES, 'traces', `${name}.trace`);
const PROFILES = path.join(FIXTURES, 'profiles');
const DUMPS = path.join(FIXTURES, 'dumps');

test('a trace file is summarised as Go summarises it, and as the library does once it is indexed', async () => {
  const { dir, svc } = tempService('goroscope-file-answers-');
  const file = trace('gcchurn.go127');
  const decoded = summarizeTraceFile(file);
  assert.equal(decoded.warning, null);
  assert.deepEqual(decoded.summary, expectedStats('gcchurn.go127'));
  assert.equal(indexedTraceSummary(file, dir), null, 'not indexed yet: read from the file');
  const { hash } = (await svc.indexFile(file)).artefact;
  for (const ref of [file, hash.slice(0, 8)]) {
    const indexed = indexedTraceSummary(ref, dir);
    assert.ok(indexed, ref);
    assert.equal(indexed.artefact.hash, hash);
    assert.equal(indexed.warning, null);
    assert.deepEqual(indexed.summary, decoded.summary, ref);
  }
  const profile = (await svc.indexFile('assets/sample/cpu.pprof')).artefact.hash;
  assert.throws(() => indexedTraceSummary('assets/sample/cpu.pprof', dir), (e) => e instanceof NotATrace && e.kind === 'profile');
  assert.throws(() => indexedTraceSummary(profile, dir), (e) => e instanceof NotATrace && e.kind === 'profile');
  const noLibrary = path.join(dir, 'none');
  assert.equal(indexedTraceSummary(file, noLibrary), null, 'no library: the file is read');
  assert.throws(() => indexedTraceSummary(hash, noLibrary), LibraryError);
});

test('a damaged trace: the summary and the events before the damage, then the same error', () => {
  const { dir } = tempService('goroscope-file-answers-cut-');
  const full = fs.readFileSync(trace('tickerleak-gens.go127'));
  const whole = expectedStats('tickerleak-gens.go127') as { events: number };
  const cut = path.join(dir, 'cut.trace');
  fs.writeFileSync(cut, full.subarray(0, Math.floor(full.length * 0.6)));
  const partial = summarizeTraceFile(cut);
  assert.ok(partial.summary && partial.summary.events > 0 && partial.summary.events < whole.events);
  assert.match(partial.warning ?? '', /cut\.trace at byte \d+: /);
  let lines = 0;
  assert.throws(() => {
    for (const _line of traceFileEventLines(cut, 'compact')) lines++;
  }, (e) => e instanceof DecodeError && e.message === partial.warning);
  assert.equal(lines, partial.summary.events);
  // Nothing decodable: no summary, only what is wrong.
  const header = path.join(dir, 'header.trace');
  fs.writeFileSync(header, full.subarray(0, 40));
  const nothing = summarizeTraceFile(header);
  assert.equal(nothing.summary, null);
  assert.match(nothing.warning ?? '', /header\.trace at byte 40: /);
  assert.throws(() => traceFileEventLines(path.join(dir, 'missing.trace'), 'go'), DecodeError, 'the file is opened at once');
});

test('events: one line per event Go counts, in either format', () => {
  for (const name of ['chanleak.go127', 'mutexcontention.go119']) {
    const { events } = expectedStats(name) as { events: number };
    for (const format of ['go', 'compact'] as const) {
      let n = 0;
      for (const line of traceFileEventLines(trace(name), format)) {
        assert.ok(line.length > 0);
        n++;
      }
      assert.equal(n, events, `${name} ${format}`);
    }
  }
});

test('profileFileTop is the top the service computes from the indexed profiles, -base included', async () => {
  const { svc } = tempService('goroscope-file-answers-top-');
  const heap = path.join(PROFILES, 'heap.go127.pprof');
  const goroutines = [path.join(PROFILES, 'goroutine.go127.pprof'), path.join(PROFILES, 'text', 'goroutine.go127.txt')];
  const ref = async (file: string) => (await svc.indexFile(file)).artefact.hash;
  const fromFile = profileFileTop(heap, { sampleType: 'alloc_space', nodeCount: 5, cum: true });
  assert.equal(fromFile.warning, null);
  assert.deepEqual(fromFile.top, await svc.profileTop({ artefact: await ref(heap), sampleType: 'alloc_space', n: 5, cum: true }));
  const diff = profileFileTop(goroutines[1], { sampleType: '', nodeCount: 0, cum: false, baseFile: goroutines[0] });
  assert.deepEqual(diff.top, await svc.profileTop({ artefact: await ref(goroutines[1]), base: await ref(goroutines[0]) }));
  assert.throws(() => profileFileTop(heap, { sampleType: 'nope', nodeCount: 0, cum: false }),
    (e) => e instanceof InvalidArgument && e.message.startsWith(`${heap}: `));
  assert.throws(() => profileFileTop(heap, { sampleType: '', nodeCount: 0, cum: false, baseFile: path.join(PROFILES, 'cpu.go127.pprof') }),
    (e) => e instanceof InvalidArgument && e.message.startsWith(`${heap}: `));
});

test('a file\'s kind by its first bytes, and a dump file\'s groups as the library indexes them', async () => {
  assert.equal(profileOrDumpFile(path.join(PROFILES, 'cpu.go127.pprof')), 'profile');
  assert.equal(profileOrDumpFile(path.join(PROFILES, 'text', 'heap.go127.txt')), 'profile');
  assert.equal(profileOrDumpFile(path.join(DUMPS, 'leaky.go127.late.debug2.txt')), 'dump');
  assert.equal(profileOrDumpFile(trace('chanleak.go127')), null);
  assert.equal(profileOrDumpFile('/nonexistent/x'), null);
  const { svc } = tempService('goroscope-file-answers-dump-');
  const dump = path.join(DUMPS, 'leaky.go127.late.debug2.txt');
  const { hash } = (await svc.indexFile(dump)).artefact;
  const fromFile = groupDumpFile(dump);
  const indexed = await svc.dumpGroups(hash);
  assert.deepEqual(fromFile.groups, indexed.groups);
  assert.equal(fromFile.goroutines, indexed.goroutines);
});
