// Large traces are indexed on two threads (decoding in a worker, writes in the database's
// thread): the index must be the same, row for row, as the one written on a single thread.
// The CLI is run with the size threshold at 0 so that every fixture takes the two-thread path.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Library } from '../../src-main/index/library.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-threads-'));
const FIXTURES = ['gcchurn.go127', 'httpleak.go127', 'gotestdata.stress_1_21_good', 'chanleak.go119'].map((n) => `test/fixtures/traces/${n}.trace`);

/** Every row of every table, in a canonical order. */
function dump(file: string): Record<string, unknown[]> {
  const db = new Database(file, { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all() as string[];
    return Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT * FROM ${t}`).raw().all()
      .map((r) => JSON.stringify(r, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v))).sort()]));
  } finally {
    db.close();
  }
}

test('a trace indexed on two threads gives exactly the single-thread index', () => {
  const threaded = path.join(dir, 'threaded');
  const r = spawnSync(process.execPath, ['bin/goroscope.mjs', 'index', ...FIXTURES, '--library', threaded, '--json'], {
    env: { ...process.env, GOROSCOPE_INDEX_THREAD_MIN_BYTES: '0' }, encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  const single = new Library(path.join(dir, 'single'));
  const other = new Library(threaded);
  try {
    for (const file of FIXTURES) {
      const { artefact } = single.index(file);
      const a = dump(single.indexPath(artefact.hash));
      const b = dump(other.indexPath(artefact.hash));
      assert.deepEqual(Object.keys(b), Object.keys(a));
      for (const table of Object.keys(a)) assert.deepEqual(b[table], a[table], `${file}: table ${table}`);
      assert.deepEqual(other.get(artefact.hash)!.summary, artefact.summary);
    }
  } finally {
    single.close();
    other.close();
  }
});

test('on two threads, a damaged trace keeps its decodable prefix and an unreadable one fails with the decoder’s one-line error', () => {
  const lib = path.join(dir, 'damaged');
  const full = fs.readFileSync('test/fixtures/traces/gcchurn.go127.trace');
  const cut = path.join(dir, 'cut.trace');
  fs.writeFileSync(cut, full.subarray(0, Math.floor(full.length * 0.6)));
  const header = path.join(dir, 'future.trace');
  fs.writeFileSync(header, Buffer.concat([Buffer.from('go 1.99 trace\0\0\0'), full.subarray(16)]));
  const env = { ...process.env, GOROSCOPE_INDEX_THREAD_MIN_BYTES: '0' };
  const ok = spawnSync(process.execPath, ['bin/goroscope.mjs', 'index', cut, '--library', lib, '--json'], { env, encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(JSON.parse(ok.stdout).warning, /cut\.trace at byte \d+/);
  const bad = spawnSync(process.execPath, ['bin/goroscope.mjs', 'index', header, '--library', lib], { env, encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /future\.trace at byte 5: unsupported Go trace version "go 1\.99"/);
  assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
  assert.deepEqual(fs.readdirSync(path.join(lib, 'artefacts')).filter((f) => f.includes('.tmp-')), []);
});

test('on two threads, the content hash is taken while indexing: the same content, at any path, is reused', () => {
  const lib = path.join(dir, 'hashed-meanwhile');
  const env = { ...process.env, GOROSCOPE_INDEX_THREAD_MIN_BYTES: '0' };
  const file = 'test/fixtures/traces/gcchurn.go127.trace';
  const copy = path.join(dir, 'copy-of-gcchurn.trace');
  fs.copyFileSync(file, copy);
  const index = (f: string) => {
    const r = spawnSync(process.execPath, ['bin/goroscope.mjs', 'index', f, '--library', lib, '--json'], { env, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as { hash: string; reused: boolean };
  };
  const first = index(file);
  assert.equal(first.reused, false);
  assert.equal(first.hash, createHash('sha256').update(fs.readFileSync(file)).digest('hex'));
  const db = new Database(path.join(lib, 'artefacts', `${first.hash}.db`), { readonly: true });
  assert.equal(db.prepare("SELECT value FROM meta WHERE key = 'hash'").pluck().get(), first.hash);
  db.close();
  // Found out while indexing the copy, which then stops and leaves nothing behind.
  assert.deepEqual(index(copy), { ...first, file: copy, reused: true });
  assert.deepEqual(fs.readdirSync(path.join(lib, 'artefacts')), [`${first.hash}.db`]);
});
