// The esbuild bundles of the Electron host (scripts/build-main.mjs), checked with plain Node: the
// preload requires nothing but 'electron', the main bundle nothing but electron, better-sqlite3 and
// Node built-ins, and the bundled workers do the service's real work — an index job run by the
// bundled index worker gives the same artefact as indexing in-process, the bundled read worker
// answers as the service does, and the bundled SQL worker answers a query.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fork, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { Library } from '../../src-main/index/library.ts';
import { GoroscopeService } from '../../src-main/service/service.ts';
import { ReadPool } from '../../src-main/service/read-pool.ts';
import type { IndexJob } from '../../src-main/service/types.ts';

const root = path.resolve(import.meta.dirname, '../..');
// Inside the checkout, so the bundles resolve better-sqlite3 from node_modules as they do in the app.
const out = path.join(root, 'dist', `main-test-${process.pid}`);
const SAMPLE = path.join(root, 'assets/sample/sample.trace');

function requiredModules(file: string): string[] {
  return [...new Set([...fs.readFileSync(file, 'utf8').matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]))].sort();
}

before(() => {
  const r = spawnSync(process.execPath, ['scripts/build-main.mjs', '--out', out], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '', 'the build prints no warnings');
});
after(() => fs.rmSync(out, { recursive: true, force: true }));

test('the bundles: CommonJS beside each other, preload needing only electron', () => {
  assert.deepEqual(fs.readdirSync(out).filter((f) => !f.endsWith('.map')).sort(),
    ['electron-main.cjs', 'index-worker.js', 'package.json', 'preload.cjs', 'read-worker.js', 'sql-worker.js', 'trace-index-worker.js']);
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(out, 'package.json'), 'utf8')), { type: 'commonjs' });
  assert.deepEqual(requiredModules(path.join(out, 'preload.cjs')), ['electron']);
  const builtins = new Set(builtinModules.map((m) => `node:${m}`));
  for (const bundle of ['electron-main.cjs', 'index-worker.js', 'read-worker.js', 'sql-worker.js', 'trace-index-worker.js']) {
    const external = requiredModules(path.join(out, bundle)).filter((m) => !builtins.has(m));
    assert.ok(external.every((m) => m === 'electron' || m === 'better-sqlite3'), `${bundle} requires ${external.join(', ')}`);
    const check = spawnSync(process.execPath, ['--check', path.join(out, bundle)], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stderr);
  }
  assert.deepEqual(requiredModules(path.join(out, 'electron-main.cjs')).filter((m) => !builtins.has(m)), ['better-sqlite3', 'electron']);
});

test('the bundled index worker (and its trace-decoding worker) indexes the sample exactly as the library does in-process', async () => {
  const workerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-bundle-'));
  const inProcessDir = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-bundle-ref-'));
  const bundled = new GoroscopeService(new Library(workerDir), path.join(out, 'index-worker.js'));
  const reference = new GoroscopeService(new Library(inProcessDir));
  try {
    const done = new Promise<IndexJob>((resolve) => {
      bundled.onIndexJob((j) => {
        if (j.state !== 'queued' && j.state !== 'running') resolve(j);
      });
    });
    // Every trace through the bundled two-thread path (workers copy the environment when they start).
    process.env.GOROSCOPE_INDEX_THREAD_MIN_BYTES = '0';
    await bundled.startIndex(SAMPLE);
    delete process.env.GOROSCOPE_INDEX_THREAD_MIN_BYTES;
    const job = await done;
    assert.equal(job.state, 'done', job.error);
    const expected = await reference.indexFile(SAMPLE);
    assert.equal(job.artefact?.hash, expected.artefact.hash);
    const [ours, theirs] = [await bundled.summary(expected.artefact.hash), await reference.summary(expected.artefact.hash)];
    assert.deepEqual(ours.summary, theirs.summary);
    assert.equal(ours.artefact.items, theirs.artefact.items);
  } finally {
    await bundled.close();
    await reference.close();
    fs.rmSync(workerDir, { recursive: true, force: true });
    fs.rmSync(inProcessDir, { recursive: true, force: true });
  }
});

test('the bundled read worker answers the timeline and the goroutine list as the service does', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-bundle-read-'));
  const library = new Library(dir);
  const service = new GoroscopeService(library);
  const pool = new ReadPool(dir, 1, path.join(out, 'read-worker.js'));
  try {
    const { artefact } = await service.indexFile(SAMPLE);
    const window = { artefact: artefact.hash, t0: 0, t1: artefact.durationNs, goroutines: [1, 2, 3, 4], widthPx: 400 };
    assert.deepEqual(await pool.call('timeline', [window]), await service.timeline(window));
    assert.equal(await pool.callJson('goroutines', [{ artefact: artefact.hash, limit: 10 }]),
      JSON.stringify(await service.goroutines({ artefact: artefact.hash, limit: 10 })));
  } finally {
    await pool.close();
    await service.close();
    library.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the bundled SQL worker answers a read-only query over an index, in a child process and in a utility process', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-bundle-sql-'));
  const library = new Library(dir);
  try {
    const { artefact } = library.index(SAMPLE);
    const child = fork(path.join(out, 'sql-worker.js'), [], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const reply = await new Promise<unknown>((resolve, reject) => {
      child.once('message', resolve);
      child.once('error', reject);
      child.send({ dbPath: library.indexPath(artefact.hash), sql: 'SELECT count(*) AS n FROM goroutines', rowLimit: 10 });
    });
    assert.deepEqual(reply, { ok: true, columns: ['n'], rows: [[artefact.goroutines]], truncated: false });
    child.kill();
    // As the app runs it: in a utility process, whose channel is process.parentPort ({ data } events, postMessage).
    const bootstrap = `const { EventEmitter } = require('node:events');
      const port = new EventEmitter();
      port.postMessage = (m) => process.send(m);
      process.on('message', (m) => port.emit('message', { data: m }));
      process.parentPort = port;
      require(${JSON.stringify(path.join(out, 'sql-worker.js'))});`;
    const utility = spawn(process.execPath, ['-e', bootstrap], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' });
    const viaPort = await new Promise<unknown>((resolve, reject) => {
      utility.once('message', resolve);
      utility.once('error', reject);
      utility.send({ dbPath: library.indexPath(artefact.hash), sql: 'SELECT count(*) AS n FROM goroutines', rowLimit: 10, byteLimit: 1000 });
    });
    utility.kill();
    assert.deepEqual(viaPort, { ok: true, columns: ['n'], rows: [[artefact.goroutines]], truncated: false });
  } finally {
    library.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
