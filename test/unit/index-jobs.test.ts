// Index jobs: files indexed in a worker thread with progress events, one at a time, cancellable,
// with one-line errors for bad files — what the Electron and HTTP hosts rely on.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Library } from '../../src-main/index/library.ts';
import { GoroscopeService } from '../../src-main/service/service.ts';
import type { IndexJob } from '../../src-main/service/types.ts';
import { fixtureTraces } from '../support/fixtures.ts';

const trace = (name: string) => path.resolve(fixtureTraces().find((t) => t.name === name)!.path);

const isOver = (j: IndexJob) => j.state !== 'queued' && j.state !== 'running';

/** Resolves with the job's final state (at once if it is already over). */
async function finished(svc: GoroscopeService, id: string): Promise<IndexJob> {
  const now = (await svc.indexJobs()).find((j) => j.id === id);
  if (now && isOver(now)) return now;
  return new Promise((resolve) => {
    const off = svc.onIndexJob((j) => {
      if (j.id === id && isOver(j)) {
        off();
        resolve(j);
      }
    });
  });
}

test('an index job runs in a worker, reports progress and ends with the artefact', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-jobs-'));
  const svc = new GoroscopeService(new Library(dir));
  try {
    const seen: IndexJob[] = [];
    svc.onIndexJob((j) => seen.push(j));
    const file = trace('gcchurn.go127');
    const job = await svc.startIndex(file);
    assert.equal(job.file, file);
    const end = await finished(svc, job.id);
    assert.equal(end.state, 'done', end.error);
    assert.equal(end.reused, false);
    assert.equal(end.progress.phase, 'done');
    const listed = await svc.listArtefacts();
    assert.deepEqual(listed.map((a) => a.hash), [end.artefact!.hash]);
    const expected = JSON.parse(fs.readFileSync('test/fixtures/expected/gcchurn.go127.stats.json', 'utf8')) as { events: number };
    assert.equal(end.artefact!.items, expected.events);
    assert.deepEqual([...new Set(seen.filter((j) => j.id === job.id).map((j) => j.state))], ['queued', 'running', 'done']);
    assert.ok(seen.some((j) => j.progress.phase === 'hashing'), 'progress phases are forwarded from the worker');
    const again = await svc.startIndex(file);
    assert.equal((await finished(svc, again.id)).reused, true);
  } finally {
    await svc.close();
  }
});

test('a bad file fails its job with a one-line error naming the file; the next job still runs', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-jobs-'));
  const svc = new GoroscopeService(new Library(dir));
  try {
    const bad = path.resolve('test/fixtures/README.md');
    const failed = await svc.startIndex(bad);
    const good = await svc.startIndex(trace('chanleak.go127'));
    const f = await finished(svc, failed.id);
    assert.equal(f.state, 'failed');
    assert.match(f.error!, /README\.md.*(byte|offset) 0.*expected/);
    assert.ok(!f.error!.includes('\n'));
    assert.equal((await finished(svc, good.id)).state, 'done');
    assert.equal(fs.readdirSync(path.join(dir, 'artefacts')).filter((n) => n.includes('.tmp-')).length, 0);
  } finally {
    await svc.close();
  }
});

test('cancelling a running and a queued job leaves nothing behind', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-jobs-'));
  process.env.GOROSCOPE_TEST_SLOW_INDEXING = '400'; // read by the worker when it loads the library
  const svc = new GoroscopeService(new Library(dir));
  try {
    const running = await svc.startIndex(trace('gcchurn.go127'));
    const queued = await svc.startIndex(trace('chanleak.go127'));
    await new Promise<void>((resolve) => {
      const off = svc.onIndexJob((j) => {
        if (j.id === running.id && j.state === 'running') {
          off();
          resolve();
        }
      });
    });
    assert.equal(await svc.cancelIndex(queued.id), true);
    assert.equal((await finished(svc, queued.id)).state, 'cancelled');
    assert.equal(await svc.cancelIndex(running.id), true);
    assert.equal((await finished(svc, running.id)).state, 'cancelled');
    assert.equal(await svc.cancelIndex(running.id), false, 'a finished job cannot be cancelled again');
    assert.deepEqual(await svc.listArtefacts(), []);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'artefacts')), []);
  } finally {
    delete process.env.GOROSCOPE_TEST_SLOW_INDEXING;
    await svc.close();
  }
});
