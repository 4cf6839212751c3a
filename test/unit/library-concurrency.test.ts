// One library, several processes: a finished index is never deleted by another process that
// opens the library at the moment it is being listed (the race the attack found: `ls`, `stats
// FILE` or `serve` starting between an indexer's rename and its catalogue insert deleted the new
// index, which then stayed listed but unreadable), and commands that only read open the library
// read-only: they sweep nothing, migrate nothing and create nothing.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { Library } from '../../src-main/index/library.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(ROOT, 'bin', 'goroscope.mjs');
const SAMPLE = path.join(ROOT, 'assets/sample/sample.trace');
const DUMP = path.join(ROOT, 'assets/sample/goroutines-early.txt');

let dir: string;
before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-concurrency-'))));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function goroscope(...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
}

/** Blocks this thread for `ms` (the interleaving below happens inside a synchronous call). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

test('another process opening the library between an indexer\'s rename and its listing never deletes the new index', async () => {
  const libDir = path.join(dir, 'race');
  const marker = path.join(dir, 'writer-opening');
  const lib = new Library(libDir);
  let readerStatus: number | null = null;
  let writer: ReturnType<typeof spawn> | null = null;
  const writerExit = { code: null as number | null, stderr: '' };
  // Interleave at the exact moment: once the finished index has its final name, a read-only
  // command runs (to its end), and a writer (what `index` or `serve` does on opening) starts and
  // is given time to reach the artefacts directory before this indexer goes on to list the index.
  const rename = fs.renameSync;
  fs.renameSync = ((from: fs.PathLike, to: fs.PathLike) => {
    rename(from, to);
    if (!/new\.db\.tmp-/.test(String(from)) || writer) return;
    readerStatus = goroscope('ls', '--library', libDir).status;
    const library = JSON.stringify(new URL('../../src-main/index/library.ts', import.meta.url).href);
    writer = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e',
      `const { Library } = await import(${library});
       (await import('node:fs')).writeFileSync(${JSON.stringify(marker)}, '');
       new Library(${JSON.stringify(libDir)}).close();`], { stdio: ['ignore', 'ignore', 'pipe'] });
    writer.stderr!.on('data', (d: Buffer) => (writerExit.stderr += d.toString()));
    writer.once('exit', (code) => (writerExit.code = code));
    for (const t0 = Date.now(); !fs.existsSync(marker) && Date.now() - t0 < 60_000;) sleepSync(10);
    sleepSync(500);
  }) as typeof fs.renameSync;
  syncBuiltinESMExports();
  let hash: string;
  try {
    hash = lib.index(SAMPLE).artefact.hash;
  } finally {
    fs.renameSync = rename;
    syncBuiltinESMExports();
    lib.close();
  }
  assert.ok(writer, 'the interleaving ran');
  await new Promise<void>((resolve) => (writerExit.code !== null ? resolve() : writer!.once('exit', () => resolve())));
  assert.equal(readerStatus, 0, 'ls ran meanwhile');
  assert.equal(writerExit.code, 0, `the other writer opened the library: ${writerExit.stderr}`);

  // The artefact is listed, its index is there, and it answers queries.
  assert.ok(fs.existsSync(path.join(libDir, 'artefacts', `${hash}.db`)), 'the new index was deleted by another process');
  const q = goroscope('query', hash, 'SELECT count(*) AS n FROM goroutines', '--csv', '--library', libDir);
  assert.equal(q.status, 0, q.stderr);
  assert.match(q.stdout, /^n\n\d+\n$/);
});

test('read-only commands (ls, stats FILE, query) never write the library: no sweep, no migration, nothing created', () => {
  const libDir = path.join(dir, 'readers');
  const lib = new Library(libDir);
  const { artefact } = lib.index(SAMPLE);
  lib.close();
  // What a writer's opening would delete: a dead process's temporary index, and an index nobody lists.
  const dead = spawnSync('true').pid!;
  const leftovers = [path.join(libDir, 'artefacts', `new.db.tmp-${dead}-abcdef`), path.join(libDir, 'artefacts', `${'f'.repeat(64)}.db`)];
  for (const f of leftovers) fs.writeFileSync(f, 'leftover');
  const catalogue = fs.readFileSync(path.join(libDir, 'library.db'));

  const ls = goroscope('ls', '--library', libDir);
  assert.equal(ls.status, 0, ls.stderr);
  assert.match(ls.stdout, new RegExp(artefact.hash.slice(0, 12)));
  const stats = goroscope('stats', SAMPLE, '--json', '--library', libDir);
  assert.equal(stats.status, 0, stats.stderr);
  assert.deepEqual(JSON.parse(stats.stdout), artefact.summary);
  const query = goroscope('query', artefact.hash, 'SELECT 1 AS one', '--csv', '--library', libDir);
  assert.equal(query.status, 0, query.stderr);
  for (const f of leftovers) assert.ok(fs.existsSync(f), `${path.basename(f)} was swept by a command that only reads`);
  assert.deepEqual(fs.readFileSync(path.join(libDir, 'library.db')), catalogue, 'the catalogue file is unchanged');

  // A catalogue from before artefact kinds is not dropped by a reader (a writer starts it afresh).
  const oldDir = path.join(dir, 'old-catalogue');
  fs.mkdirSync(path.join(oldDir, 'artefacts'), { recursive: true });
  const old = new Database(path.join(oldDir, 'library.db'));
  old.exec("CREATE TABLE artefacts (hash TEXT PRIMARY KEY, path TEXT); INSERT INTO artefacts VALUES ('abcd', '/x.trace')");
  old.close();
  const oldLs = goroscope('ls', '--library', oldDir);
  assert.equal(oldLs.status, 0, oldLs.stderr);
  assert.match(oldLs.stdout, /no artefacts/);
  const check = new Database(path.join(oldDir, 'library.db'), { readonly: true });
  assert.equal(check.prepare('SELECT count(*) FROM artefacts').pluck().get(), 1, 'the old catalogue is still there');
  check.close();

  // Where there is no library, none is created.
  const none = path.join(dir, 'no-library');
  const emptyLs = goroscope('ls', '--library', none);
  assert.equal(emptyLs.status, 0, emptyLs.stderr);
  assert.match(emptyLs.stdout, /no artefacts/);
  assert.equal(goroscope('stats', SAMPLE, '--json', '--library', none).status, 0);
  const noQuery = goroscope('query', 'abcd', 'SELECT 1', '--library', none);
  assert.equal(noQuery.status, 2);
  assert.match(noQuery.stderr, /^goroscope: no artefact library in \S+\n$/);
  assert.ok(!fs.existsSync(none), 'a reader created a library');
});

test('a library opened read-only refuses to index or remove, with one line', () => {
  const libDir = path.join(dir, 'refusing');
  new Library(libDir).close();
  const reader = Library.openReadOnly(libDir)!;
  try {
    assert.throws(() => reader.index(DUMP), /^Error: cannot index files: the library in \S+ is open read-only$/);
    assert.throws(() => reader.remove('abcd'), /cannot remove artefacts: the library in \S+ is open read-only/);
    assert.deepEqual(reader.list(), []);
  } finally {
    reader.close();
  }
  assert.equal(Library.openReadOnly(path.join(dir, 'nothing-here')), null);
});
