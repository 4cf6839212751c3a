// The dump indexer and its queries: groups and diffs served from an index equal those computed
// from the file, and the rows add up to the dump's own header counts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { diffDumpGroups } from '../../src-main/analyze/dump-diff.ts';
import { groupDumpFile } from '../../src-main/service/file-answers.ts';
import type { IndexedContent } from '../../src-main/index/artefact-kinds.ts';
import { dumpIndexer, type DumpSummary } from '../../src-main/index/dump-indexer.ts';
import { META_TABLE } from '../../src-main/index/schema.ts';
import { diffDumps, dumpGroups } from '../../src-main/service/dump-queries.ts';
import { diffFixtures, DUMPS, dumpFixture, dumpFixtures, expectedGroups, programCounts } from '../support/dump-fixtures.ts';

/** Indexes a dump into an in-memory database the way the library does (tables, load, meta, indexes). */
function indexDump(file: string): { db: Database.Database; content: IndexedContent } {
  const db = new Database(':memory:');
  db.exec(META_TABLE);
  db.exec(dumpIndexer.tables);
  db.exec('BEGIN');
  let reports = 0;
  const content = dumpIndexer.index({ db, file, size: fs.statSync(file).size, progress: () => void reports++, idle: () => false });
  const meta = db.prepare('INSERT INTO meta VALUES (?, ?)');
  for (const [k, v] of Object.entries({ ...content.meta, kind: 'dump', format: content.format, summary: JSON.stringify(content.summary) })) meta.run(k, v);
  db.exec('COMMIT');
  db.exec(dumpIndexer.indexes);
  assert.ok(reports > 0, 'progress reported');
  return { db, content };
}

test('every fixture: the index serves the groups the file gives, rows add up to the headers', () => {
  for (const f of dumpFixtures()) {
    const { db, content } = indexDump(f.path);
    try {
      const expectedTotal = f.total ?? f.headers;
      assert.equal(content.goroutines, expectedTotal, f.file);
      assert.equal(content.warning, null, f.file);
      assert.equal(db.prepare('SELECT sum(count) FROM dump_goroutines').pluck().get(), expectedTotal, f.file);
      assert.equal(db.prepare('SELECT sum(goroutines) FROM dump_groups').pluck().get(), expectedTotal, f.file);
      // Each goroutine row's group has the goroutine's count summed.
      const mismatched = db.prepare(`SELECT count(*) FROM dump_groups g WHERE g.goroutines !=
        (SELECT sum(count) FROM dump_goroutines r WHERE r.group_seq = g.seq)`).pluck().get();
      assert.equal(mismatched, 0, f.file);
      assert.deepEqual(dumpGroups(db), groupDumpFile(f.path), f.file);
      const summary = content.summary as DumpSummary;
      assert.equal(summary.groups, expectedGroups(f.file).groups.size, f.file);
      assert.equal(summary.goroutines, expectedTotal);
    } finally {
      db.close();
    }
  }
});

test('format and summary: debug=1, debug=2, panic, proven leaks', () => {
  const cases: [string, string][] = [
    ['leaky.go127.late.debug1.txt', 'debug=1'],
    ['leaky.go127.late.debug2.txt', 'debug=2'],
    ['leaky.go127.app.log', 'debug=2'],
    ['crash.go127.panic.txt', 'panic'],
    ['crash.go127.deadlock.txt', 'fatal'],
    ['crash.go127.sigquit-crash.txt', 'signal'],
  ];
  for (const [file, format] of cases) {
    const { db, content } = indexDump(dumpFixture(file).path);
    assert.equal(content.format, format, file);
    db.close();
  }
  const leaked = dumpFixture('leaky.go127.late.leaked.debug2.txt');
  const { db, content } = indexDump(leaked.path);
  const summary = content.summary as DumpSummary;
  assert.equal(summary.provenLeaks.goroutines, programCounts(leaked).leakProfileCount);
  assert.equal(db.prepare('SELECT count(*) FROM dump_goroutines WHERE leaked = 1').pluck().get(), programCounts(leaked).leakProfileCount);
  assert.equal(summary.states['chan send'], programCounts(leaked).late.started.leakSend);
  assert.equal(summary.topGroups[0].goroutines, 18);
  db.close();
});

test('diffDumps over two indexes equals the diff of the files', () => {
  for (const p of diffFixtures()) {
    const before = indexDump(path.join(DUMPS, p.before));
    const after = indexDump(path.join(DUMPS, p.after));
    try {
      assert.deepEqual(
        diffDumps(before.db, after.db),
        diffDumpGroups(groupDumpFile(path.join(DUMPS, p.before)), groupDumpFile(path.join(DUMPS, p.after))),
        p.diff,
      );
    } finally {
      before.db.close();
      after.db.close();
    }
  }
});

test('a damaged dump is indexed with a warning naming the line', () => {
  const lines = fs.readFileSync(dumpFixture('leaky.go122.late.debug2.txt').path, 'utf8').split('\n');
  const at = lines.findIndex((l) => l.startsWith('main.sleeper('));
  lines.splice(at + 1, 0, 'not a location');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-gdump-'));
  try {
    const file = path.join(dir, 'damaged.txt');
    fs.writeFileSync(file, lines.join('\n'));
    const { db, content } = indexDump(file);
    assert.match(content.warning ?? '', new RegExp(`damaged\\.txt: line ${at + 2} `));
    assert.equal(content.goroutines, expectedGroups('leaky.go122.late.debug2.txt').total);
    db.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('sniffing: the dump indexer recognises dumps and leaves traces alone', () => {
  assert.equal(dumpIndexer.sniff(fs.readFileSync(dumpFixture('leaky.go119.early.debug1.txt').path).subarray(0, 4096)), true);
  assert.equal(dumpIndexer.sniff(fs.readFileSync('test/fixtures/traces/chanleak.go127.trace').subarray(0, 4096)), false);
});
