// A full disk while indexing: one line naming what failed (exit 2 from the CLI, not a stack), and
// nothing left behind — no temporary index, no half-listed artefact, no journal or write-ahead
// log of the catalogue — at every point where the disk can fill up: opening the library,
// writing the index, building its indexes, listing it. Simulated with a small tmpfs filled up to
// a given free space (root only, which this test machine is); elsewhere with a file-size limit
// (`ulimit -f`) on the CLI, which SQLite sees as a write error rather than a full disk.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { Library, LibraryError } from '../../src-main/index/library.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(ROOT, 'bin', 'goroscope.mjs');
const SAMPLE = path.join(ROOT, 'assets/sample/sample.trace');
const KB = 1024;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-disk-full-'));
/** A 2 MB tmpfs, when this process may mount one. */
const mount = mountSmallDisk(path.join(dir, 'tmpfs'));

function mountSmallDisk(target: string): string | null {
  fs.mkdirSync(target);
  if (process.getuid?.() !== 0) return null;
  return spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', target]).status === 0 ? target : null;
}

after(() => {
  if (mount) spawnSync('umount', ['-l', mount]);
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Every file under `libDir`, relative to it. */
function filesUnder(libDir: string): string[] {
  if (!fs.existsSync(libDir)) return [];
  return (fs.readdirSync(libDir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(libDir, f)).isFile()).sort();
}

/** Fills the tmpfs until `free` bytes are left. */
function fillUntil(free: number): void {
  const { bavail, bsize } = fs.statfsSync(mount!);
  const fill = bavail * bsize - free;
  if (fill > 0) fs.writeFileSync(path.join(mount!, 'fill'), Buffer.alloc(fill));
}

function empty(): void {
  for (const f of fs.readdirSync(mount!)) fs.rmSync(path.join(mount!, f), { recursive: true, force: true });
}

test('a full disk at any point of indexing fails with one line and leaves nothing behind', { skip: mount === null && 'needs root to mount a tmpfs' }, () => {
  const libDir = path.join(mount!, 'library');
  /** Indexes the sample with `free` bytes left on the disk, into a new library or an existing one. */
  const attempt = (free: number, existing: boolean): 'indexed' | 'full' => {
    empty();
    if (existing) new Library(libDir).close();
    fillUntil(free);
    const why = `${free / KB} kB free, ${existing ? 'existing' : 'new'} library`;
    let outcome: 'indexed' | 'full';
    try {
      const lib = new Library(libDir);
      try {
        lib.index(SAMPLE);
      } finally {
        lib.close();
      }
      outcome = 'indexed';
    } catch (e) {
      assert.ok(e instanceof LibraryError, `${why}: ${e instanceof Error ? e.stack : String(e)}`);
      assert.match(e.message, /^(cannot open the library in \S+|\S+sample\.trace: cannot index into \S+): the disk is full$/, why);
      outcome = 'full';
    }
    const files = filesUnder(libDir);
    if (outcome === 'full') {
      // The catalogue itself may be new and empty, nothing else.
      assert.deepEqual(files.filter((f) => f !== 'library.db'), [], `${why}: left behind`);
      fs.rmSync(path.join(mount!, 'fill'));
      const lib = new Library(libDir);
      assert.deepEqual(lib.list(), [], `${why}: nothing listed`);
      lib.close();
    } else {
      assert.equal(files.filter((f) => f.startsWith('artefacts')).length, 1, `${why}: ${files.join(' ')}`);
      assert.deepEqual(files.filter((f) => /-wal$|-shm$|-journal$|tmp/.test(f)), [], `${why}: left behind`);
    }
    return outcome;
  };

  const outcomes: string[] = [];
  for (const existing of [false, true]) {
    // Coarsely up to the free space that is enough, then finely below it, where the disk fills
    // up late: building the index's indexes, or writing the catalogue after the rename.
    let enough = 0;
    for (let free = 0; free <= 1024 * KB; free += 64 * KB) {
      if (attempt(free, existing) === 'indexed') {
        enough = free;
        break;
      }
    }
    assert.ok(enough > 0, 'some free space is enough');
    for (let free = Math.max(0, enough - 64 * KB); free < enough; free += 4 * KB) {
      outcomes.push(`${existing ? 'existing' : 'new'} ${free / KB} kB: ${attempt(free, existing)}`);
    }
    assert.equal(attempt(enough, existing), 'indexed');
    assert.ok(outcomes.some((o) => o.endsWith('full')), 'the disk filled up');
  }

  // The disk fills up just as the finished index is moved into place: the catalogue cannot be
  // written, and the index, already under its final name, is deleted again.
  empty();
  const rename = fs.renameSync;
  fs.renameSync = ((from: fs.PathLike, to: fs.PathLike) => {
    rename(from, to);
    if (/new\.db\.tmp-/.test(String(from))) fillUntil(0);
  }) as typeof fs.renameSync;
  syncBuiltinESMExports();
  const lib = new Library(libDir);
  try {
    assert.throws(() => lib.index(SAMPLE), (e: unknown) => e instanceof LibraryError && /cannot index into \S+: the disk is full$/.test(e.message));
  } finally {
    fs.renameSync = rename;
    syncBuiltinESMExports();
    lib.close();
  }
  assert.deepEqual(filesUnder(libDir), ['library.db'], 'the index listed in no committed catalogue is deleted');

  // The command line says it in one line, exit status 2, and leaves nothing.
  empty();
  new Library(libDir).close();
  fillUntil(64 * KB);
  const r = spawnSync(process.execPath, [CLI, 'index', SAMPLE, '--library', libDir], { encoding: 'utf8' });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /^goroscope: \S+sample\.trace: cannot index into \S+: the disk is full\n$/);
  assert.deepEqual(filesUnder(libDir), ['library.db']);
  process.stdout.write(`# disk full: ${outcomes.join('; ')}\n`);
});

test('a file-size limit while indexing (ulimit -f) fails with one line and leaves nothing behind', () => {
  for (const limitKb of [0, 16, 128]) {
    const libDir = path.join(dir, `ulimit-${limitKb}`);
    if (limitKb > 0) new Library(libDir).close();
    const r = spawnSync('bash', ['-c', `ulimit -f ${limitKb}; exec "$0" "$@"`, process.execPath, CLI, 'index', SAMPLE, '--library', libDir],
      { encoding: 'utf8' });
    assert.equal(r.status, 2, `${limitKb} kB: ${r.stderr}`);
    assert.match(r.stderr, /^goroscope: [^\n]*(the disk is full|disk I\/O error|file size limit)[^\n]*\n$/, `${limitKb} kB`);
    assert.deepEqual(filesUnder(libDir).filter((f) => f !== 'library.db'), [], `${limitKb} kB: left behind`);
  }
});
