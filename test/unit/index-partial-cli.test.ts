// `goroscope index` interrupted: Ctrl-C (SIGINT) stops a trace at its next generation boundary,
// prints the summary of what was indexed marked partial, exits 130 and keeps nothing, unless
// --keep-partial puts the partial index into the library marked partial; ls, stats and the
// answers say so, and indexing the file again completes it. --stop-after-generations N stops
// the same way at a chosen generation (deterministic); one test sends a real SIGINT once the
// indexing says it is under way.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FIXTURES } from '../support/fixtures.ts';

const TRACE = path.join(FIXTURES, 'traces', 'gcchurn-gens.go127.trace');

function goroscope(env: NodeJS.ProcessEnv, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/goroscope.mjs', ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function library(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-partial-cli-')), 'library');
}

test('--stop-after-generations: the summary so far, marked partial, exit 130, nothing kept', () => {
  const lib = library();
  const r = goroscope({}, 'index', TRACE, '--library', lib, '--stop-after-generations', '2');
  assert.equal(r.status, 130, r.stderr);
  assert.match(r.stdout, /^stopped .*gcchurn-gens\.go127\.trace: partial \(indexed to [\d.]+ms of the trace: \d+% of 127\.0 KiB, 2 generations\), not kept/);
  assert.match(r.stdout, /\nDuration +[\d.]+ms\n/);
  assert.deepEqual(fs.readdirSync(path.join(lib, 'artefacts')), [], 'no index left behind');
  const ls = goroscope({}, 'ls', '--library', lib);
  assert.match(ls.stdout, /^no artefacts/);

  const json = goroscope({}, 'index', TRACE, '--library', lib, '--stop-after-generations', '1', '--json');
  assert.equal(json.status, 130, json.stderr);
  const line = JSON.parse(json.stdout) as { hash: string | null; partial: boolean; indexedUntilNs: number; summary: { durationNs: number } };
  assert.equal(line.hash, null);
  assert.equal(line.partial, true);
  assert.equal(line.indexedUntilNs, line.summary.durationNs);
});

test('--keep-partial: the partial index is listed partial, answers say partial, and indexing the file again completes it', () => {
  const lib = library();
  // Decoded in a worker thread, as a large trace is: the stop reaches the decoding thread.
  const r = goroscope({ GOROSCOPE_INDEX_THREAD_MIN_BYTES: '0' }, 'index', TRACE, '--library', lib, '--stop-after-generations', '3', '--keep-partial', '--json');
  assert.equal(r.status, 130, r.stderr);
  const kept = JSON.parse(r.stdout) as { hash: string; partial: boolean; indexedUntilNs: number; summary: { durationNs: number } };
  assert.equal(kept.partial, true);
  assert.equal(kept.indexedUntilNs, kept.summary.durationNs);

  const ls = goroscope({}, 'ls', '--library', lib);
  assert.match(ls.stdout, /partial \(indexed to [\d.]+ms of the trace: \d+% of 127\.0 KiB, 3 generations\)\n$/);
  const lsJson = JSON.parse(goroscope({}, 'ls', '--library', lib, '--json').stdout) as { partial?: boolean }[];
  assert.equal(lsJson[0].partial, true);

  const hash = kept.hash.slice(0, 12);
  const stats = goroscope({}, 'stats', hash, '--library', lib);
  assert.equal(stats.status, 0, stats.stderr);
  assert.match(stats.stdout, /^partial \(indexed to /);
  assert.match(stats.stderr, /is partial \(indexed to .*"at the end" is at the indexed frontier/);
  const statsJson = JSON.parse(goroscope({}, 'stats', hash, '--library', lib, '--json').stdout) as { partial: boolean; durationNs: number };
  assert.equal(statsJson.partial, true);
  assert.equal(statsJson.durationNs, kept.summary.durationNs);
  // The file itself is not answered from its partial index.
  const fromFile = JSON.parse(goroscope({}, 'stats', TRACE, '--library', lib, '--json').stdout) as { partial?: boolean; durationNs: number };
  assert.equal(fromFile.partial, undefined);
  assert.ok(fromFile.durationNs > kept.summary.durationNs);
  for (const command of ['leaks', 'blocking', 'gc']) {
    const answer = goroscope({}, command, hash, '--library', lib);
    assert.equal(answer.status, 0, answer.stderr);
    assert.match(answer.stderr, /is partial \(indexed to /, command);
    const json = JSON.parse(goroscope({}, command, hash, '--library', lib, '--json').stdout) as { partial: boolean; indexedUntilNs: number };
    assert.equal(json.partial, true, command);
    assert.equal(json.indexedUntilNs, kept.indexedUntilNs, command);
  }
  const triage = goroscope({}, 'triage', hash, '--library', lib, '--json');
  assert.match(triage.stderr, /is partial \(indexed to /);
  assert.deepEqual((JSON.parse(triage.stdout) as { partialArtefacts: string[] }).partialArtefacts, [kept.hash]);
  const query = goroscope({}, 'query', hash, "SELECT value FROM meta WHERE key = 'partial'", '--library', lib, '--json');
  assert.equal(query.status, 0, query.stderr);
  assert.deepEqual(JSON.parse(query.stdout), [{ value: '1' }]);
  assert.match(query.stderr, /is partial \(indexed to /);

  // Indexed again: complete, not "reused".
  const again = goroscope({}, 'index', TRACE, '--library', lib);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /^indexed /);
  assert.doesNotMatch(again.stdout, /partial/);
  assert.doesNotMatch(goroscope({}, 'ls', '--library', lib).stdout, /partial/);
  assert.equal(JSON.parse(goroscope({}, 'ls', '--library', lib, '--json').stdout)[0].partial, undefined);
  assert.match(goroscope({}, 'index', TRACE, '--library', lib).stdout, /^reused /);
});

test('Ctrl-C while indexing: stops at the next generation boundary with the summary so far, exit 130', async () => {
  const lib = library();
  const child = spawn(process.execPath, ['bin/goroscope.mjs', 'index', TRACE, '--library', lib], {
    // Says "indexing" at its first progress step, and each step takes a while: the signal arrives mid-trace.
    env: { ...process.env, GOROSCOPE_TEST_ANNOUNCE_PROGRESS: '1', GOROSCOPE_TEST_SLOW_INDEXING: '500' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    if (stderr.includes('indexing\n') && child.signalCode === null && !child.killed) child.kill('SIGINT');
  });
  const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  assert.equal(status, 130, stderr);
  const m = /^stopped .*: partial \(indexed to [\d.]+ms of the trace: \d+% of 127\.0 KiB, (\d+) generations?\), not kept/.exec(stdout);
  assert.ok(m, stdout);
  assert.ok(Number(m[1]) >= 1 && Number(m[1]) < 10, `stopped after ${m[1]} of 10 generations`);
  assert.deepEqual(fs.readdirSync(path.join(lib, 'artefacts')), []);
});
