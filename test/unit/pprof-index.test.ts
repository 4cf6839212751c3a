// The profile indexer and the service's profile queries: every fixture indexed into SQLite gives
// back the same `pprof -top` reports as the decoded file (and as Go's pprof), a summary whose
// totals equal the decoded samples', and tables SQL users can query.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import { readProfileFile } from '../../src-main/decode/pprof/decode.ts';
import { profileTop as topOfFile, renderTop, TopError } from '../../src-main/analyze/profile-top.ts';
import { loadIndexedProfile, profileIndexer, type ProfileSummary } from '../../src-main/index/profile-indexer.ts';
import type { IndexedContent } from '../../src-main/index/artefact-kinds.ts';
import { profileTop, profileTopDiff } from '../../src-main/service/profile-queries.ts';
import { expectedTops, fixtureProfiles } from '../support/profile-fixtures.ts';

process.env.TZ = 'UTC';

/** Indexes a profile file into a fresh in-memory database, as the library does. */
function indexProfile(file: string): { db: Database.Database; content: IndexedContent; progress: number[][] } {
  const db = new Database(':memory:');
  db.exec(profileIndexer.tables);
  const progress: number[][] = [];
  const content = db.transaction(() => profileIndexer.index({
    db, file, size: fs.statSync(file).size, progress: (bytes, items) => progress.push([bytes, items]), idle: () => false,
  }))();
  db.exec(profileIndexer.indexes);
  return { db, content, progress };
}

test('profileTop over the index equals the direct decode path and Go\'s pprof for every fixture', () => {
  const indexed = new Map<string, Database.Database>();
  const open = (file: string) => {
    let db = indexed.get(file);
    if (!db) indexed.set(file, (db = indexProfile(file).db));
    return db;
  };
  let compared = 0;
  for (const f of fixtureProfiles()) {
    const db = open(f.path);
    const decoded = readProfileFile(f.path);
    assert.deepEqual(loadIndexedProfile(db), decoded, `${f.name}: the index gives back the decoded profile`);
    for (const e of expectedTops(f.name)) {
      const request = { sampleType: e.sampleType, n: e.nodeCount, cum: e.cum };
      const direct = topOfFile(decoded, { sampleType: e.sampleType, nodeCount: e.nodeCount, cum: e.cum, base: e.base ? readProfileFile(e.base) : undefined });
      const fromIndex = e.base ? profileTopDiff(db, open(e.base), request) : profileTop(db, request);
      assert.deepEqual(fromIndex, direct, `${f.name}: ${e.args}`);
      assert.equal(renderTop(fromIndex), e.output, `${f.name}: ${e.args}`);
      compared++;
    }
  }
  for (const db of indexed.values()) db.close();
  assert.ok(compared >= 200);
});

test('the indexer: format is the profile kind, summary totals equal the samples, top functions lead pprof -top', () => {
  let leadersChecked = 0;
  for (const f of fixtureProfiles()) {
    const { db, content, progress } = indexProfile(f.path);
    const p = readProfileFile(f.path);
    const kind = f.name.split('.')[0].replace(/-(early|dropframes)$/, '');
    assert.equal(content.format, kind, f.name);
    assert.equal(content.items, p.samples.length);
    assert.equal(content.warning, null);
    assert.ok(progress.length >= 1);
    const summary = content.summary as ProfileSummary;
    summary.sampleTypes.forEach((t, i) => {
      assert.equal(t.total, p.samples.reduce((sum, s) => sum + Math.abs(s.values[i]), 0), `${f.name}: ${t.type}`);
    });
    assert.equal(content.goroutines, kind.startsWith('goroutine') ? summary.sampleTypes[0].total : 0);
    assert.equal(content.durationNs, p.durationNanos);
    // pprof's first -top row (largest flat value of the default type) is the summary's first function.
    const go = expectedTops(f.name).find((e) => e.args === '-top -nodecount=5')!;
    const first = /^\s*(\S+)\s+\S+\s+\S+\s+\S+\s+\S+\s+(.+?)(?: \((?:partial-)?inline\))?$/m.exec(go.output.split(/^ +flat +flat%.*$/m)[1] ?? '');
    if (first && first[1] !== '0') {
      assert.equal(summary.topFunctions[0]?.name, first[2], f.name);
      leadersChecked++;
    }
    assert.ok(summary.topFunctions.length <= 10);
    // The tables answer SQL directly.
    const rows = db.prepare('SELECT count(*) AS n, sum(depth) AS frames FROM samples').get() as { n: number; frames: number | null };
    assert.equal(rows.n, p.samples.length);
    assert.equal(rows.frames ?? 0, p.samples.reduce((t, s) => t + s.locationIds.length, 0));
    db.close();
  }
  assert.ok(leadersChecked >= 30, `checked ${leadersChecked} leaders`);
});

test('labels and functions are queryable by SQL; unknown sample types are refused', () => {
  const { db } = indexProfile('test/fixtures/profiles/cpu.go127.pprof');
  const workers = db.prepare("SELECT DISTINCT str FROM sample_labels WHERE key = 'worker' ORDER BY str").pluck().all();
  assert.deepEqual(workers, ['hash', 'spin']);
  const hashCpu = db.prepare(`
    SELECT sum(s.value1) FROM samples s
    JOIN location_lines ll ON ll.location_id = CAST(substr(s.stack, 1, instr(s.stack || ' ', ' ') - 1) AS INTEGER) AND ll.position = 0
    JOIN functions f ON f.id = ll.function_id WHERE f.name = 'main.hashBlock'`).pluck().get() as number;
  const top = profileTop(db, { sampleType: 'cpu' });
  assert.equal(hashCpu, top.rows.find((r) => r.name === 'main.hashBlock')!.flat);
  assert.throws(() => profileTop(db, { sampleType: 'inuse_space' }), TopError);
  db.close();
});
