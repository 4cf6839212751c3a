// Telling six trace.out files apart: a user label stored in the catalogue (kept through
// re-indexing, added in place to catalogues from before labels), and the recently opened
// artefacts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Library, LibraryError, MAX_LABEL_LENGTH } from '../../src-main/index/library.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-labels-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

/** The same trace copied to `count` folders, each as trace.out. */
function sixTraceOuts(count: number): string[] {
  const fixtures = ['chanleak.go127', 'gcchurn.go126', 'mutexcontention.go119', 'httpleak.go127'];
  return Array.from({ length: count }, (_, i) => {
    const folder = path.join(dir, 'incidents', `host-${i}`);
    fs.mkdirSync(folder, { recursive: true });
    const file = path.join(folder, 'trace.out');
    fs.copyFileSync(`test/fixtures/traces/${fixtures[i % fixtures.length]}.trace`, file);
    return file;
  });
}

test('labels: set, cleared, one printable line, bounded, kept through re-indexing', () => {
  const lib = new Library(path.join(dir, 'lib1'));
  try {
    const [a, b] = sixTraceOuts(2).map((f) => lib.index(f).artefact);
    assert.equal(a.label, '');
    assert.equal(lib.setLabel(a.hash, '  before the deploy\n(eu-west)  ').label, 'before the deploy (eu-west)');
    assert.equal(lib.get(a.hash)!.label, 'before the deploy (eu-west)');
    assert.equal(lib.get(b.hash)!.label, '');
    assert.throws(() => lib.setLabel(a.hash, 'x'.repeat(MAX_LABEL_LENGTH + 1)), LibraryError);
    assert.throws(() => lib.setLabel('0'.repeat(64), 'nothing'), /no artefact with hash/);
    // A forced re-index rewrites the row but keeps the label and the opening time.
    lib.markOpened(a.hash, new Date('2026-12-01T10:00:00Z'));
    const again = lib.index(a.path, { force: true });
    assert.equal(again.reused, false);
    assert.equal(again.artefact.label, 'before the deploy (eu-west)');
    assert.equal(lib.get(a.hash)!.openedAt, '2026-12-01T10:00:00.000Z');
    assert.equal(lib.setLabel(a.hash, '').label, '');
  } finally {
    lib.close();
  }
});

test('recent artefacts: newest opening first, only opened ones', () => {
  const lib = new Library(path.join(dir, 'lib2'));
  try {
    const arts = sixTraceOuts(4).map((f) => lib.index(f).artefact);
    assert.deepEqual(lib.recent(5), []);
    lib.markOpened(arts[2].hash, new Date('2026-12-01T10:00:00Z'));
    lib.markOpened(arts[0].hash, new Date('2026-12-01T11:00:00Z'));
    lib.markOpened(arts[3].hash, new Date('2026-12-01T09:00:00Z'));
    assert.deepEqual(lib.recent(5).map((a) => a.hash), [arts[0].hash, arts[2].hash, arts[3].hash]);
    assert.deepEqual(lib.recent(2).map((a) => a.hash), [arts[0].hash, arts[2].hash]);
  } finally {
    lib.close();
  }
});

test('a catalogue from before labels gains the columns in place, its artefacts kept', () => {
  const libDir = path.join(dir, 'lib3');
  const lib = new Library(libDir);
  const [file] = sixTraceOuts(1);
  const artefact = lib.index(file).artefact;
  lib.close();
  // Make it an older catalogue: the table as it was before labels and opening times.
  const db = new Database(path.join(libDir, 'library.db'));
  db.exec(`CREATE TABLE old AS SELECT items, duration_ns, goroutines, hash, path, name, size, kind, format, indexed_at, schema_version, summary, warning FROM artefacts;
    DROP TABLE artefacts; ALTER TABLE old RENAME TO artefacts;`);
  db.close();
  // Read-only readers of the old catalogue see no label.
  const reader = new Library(libDir, { readOnly: true });
  assert.equal(reader.get(artefact.hash)!.label, '');
  assert.deepEqual(reader.recent(5), []);
  reader.close();
  const migrated = new Library(libDir);
  try {
    assert.equal(migrated.get(artefact.hash)!.hash, artefact.hash, 'the artefact survived');
    assert.equal(migrated.setLabel(artefact.hash, 'host-0, before').label, 'host-0, before');
    assert.equal(migrated.index(file).reused, true);
  } finally {
    migrated.close();
  }
});

test('the service labels artefacts and notes openings; the hosts\' argument table refuses other changes', async () => {
  const { GoroscopeService } = await import('../../src-main/service/service.ts');
  const { HOST_ARGUMENTS, InvalidArgument } = await import('../../src-main/service/validate.ts');
  const lib = new Library(path.join(dir, 'lib4'));
  const svc = new GoroscopeService(lib);
  try {
    const [file] = sixTraceOuts(1);
    const { hash } = lib.index(file).artefact;
    const labelled = await svc.updateArtefact(hash, { label: 'host-0 before the deploy' });
    assert.equal(labelled.label, 'host-0 before the deploy');
    assert.equal(labelled.openedAt, null);
    const opened = await svc.updateArtefact(hash, { opened: true });
    assert.ok(opened.openedAt !== null && Date.now() - Date.parse(opened.openedAt) < 60_000);
    assert.deepEqual((await svc.listArtefacts()).map((a) => [a.label, a.openedAt]), [['host-0 before the deploy', opened.openedAt]]);
    const parse = HOST_ARGUMENTS.updateArtefact!;
    assert.deepEqual(parse([hash, { label: 'x' }]), [hash, { label: 'x', opened: undefined }]);
    for (const bad of [[hash, {}], [hash, { name: 'x' }], [hash, { label: 3 }], [hash, { label: 'x'.repeat(201) }], [hash, { opened: 'yes' }], [hash]]) {
      assert.throws(() => parse(bad), InvalidArgument, JSON.stringify(bad));
    }
    await assert.rejects(svc.updateArtefact(hash, { label: 'x'.repeat(201) }), InvalidArgument);
  } finally {
    await svc.close();
    lib.close();
  }
});
