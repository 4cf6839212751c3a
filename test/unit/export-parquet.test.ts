// A trace's index as Parquet files, read back by an independent reader (arrow-rs, through
// parquet-wasm and apache-arrow; the writer is hyparquet-writer) and compared row for row with
// SQLite over the index; the schema in docs/parquet.md is the one written.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { readParquet } from 'parquet-wasm';
import type Database from 'better-sqlite3';
import { withTraceIndex } from '../../src-main/export/open-index.ts';
import { PARQUET_TABLES } from '../../src-main/export/parquet.ts';
import { FIXTURES } from '../support/fixtures.ts';
import { tempService } from '../support/temp-service.ts';

const { dir, lib, svc } = tempService('goroscope-export-parquet-', 'library');

type Row = Record<string, unknown>;

/** A Parquet file as arrow-rs reads it: column names and types, rows as plain objects. */
function readBack(file: string): { fields: string[]; types: string[]; rows: Row[]; metadata: Map<string, string> } {
  const table = tableFromIPC(readParquet(new Uint8Array(fs.readFileSync(file))).intoIPCStream());
  return {
    fields: table.schema.fields.map((f) => f.name),
    types: table.schema.fields.map((f) => String(f.type)),
    rows: table.toArray().map((r: { toJSON(): Row }) => ({ ...r.toJSON() })),
    metadata: table.schema.metadata,
  };
}

const STATE = `CASE %s WHEN 0 THEN 'Undetermined' WHEN 1 THEN 'NotExist' WHEN 2 THEN 'Runnable' WHEN 3 THEN 'Running' WHEN 4 THEN 'Waiting' WHEN 5 THEN 'Syscall' END`;
const str = (col: string, alias = col) => `(SELECT value FROM strings WHERE id = ${col} AND ${col} != 0) AS ${alias}`;

/** Each table as SQL over the index, written here independently of the exporter's queries; booleans as 0/1. */
const EXPECTED: Record<string, string> = {
  goroutines: `SELECT id, ${str('name')}, created, creator, creation_stack, start_stack, start_ns, end_ns, ${STATE.replace('%s', 'first_state')} AS first_state,
    ${STATE.replace('%s', 'last_state')} AS last_state, ${str('last_reason')}, last_stack, last_since_ns, running_ns, runnable_ns, waiting_ns, syscall_ns FROM goroutines ORDER BY id`,
  intervals: `SELECT goroutine, start_ns, end_ns, state, ${str('reason')}, stack, open, thread, proc FROM goroutine_intervals`,
  unblocks: `SELECT time_ns, goroutine, ${str('reason')}, stack, by_goroutine, by_stack FROM unblocks`,
  blocking: `SELECT ${str('reason')}, stack, total_ns, count, max_ns, ended, last_end_ns FROM blocking ORDER BY total_ns DESC, blocking.reason, stack`,
  blocking_sites: `SELECT CASE kind WHEN 1 THEN 'sync' WHEN 2 THEN 'net' WHEN 3 THEN 'syscall' WHEN 4 THEN 'sched' END AS kind, ${str('reason')}, stack, count, total_ns,
    max_ns, p50_ns, p99_ns FROM blocking_sites ORDER BY blocking_sites.kind, total_ns DESC, blocking_sites.reason, stack`,
  ranges: `SELECT ${str('name')}, CASE scope_kind WHEN 0 THEN 'none' WHEN 1 THEN 'goroutine' WHEN 2 THEN 'proc' WHEN 3 THEN 'thread' END AS scope_kind, scope_id,
    start_ns, end_ns, began_before, open, stack, bytes_swept, bytes_reclaimed FROM ranges ORDER BY start_ns, rowid`,
  regions: `SELECT goroutine, task, ${str('type')}, start_ns, end_ns, depth FROM regions ORDER BY goroutine, start_ns, rowid`,
  tasks: `SELECT id, parent, ${str('type')}, start_ns, end_ns, start_goroutine, end_goroutine FROM tasks ORDER BY id, rowid`,
  logs: `SELECT time_ns, goroutine, task, ${str('category')}, ${str('message')}, stack FROM logs ORDER BY time_ns, rowid`,
  stacks: 'SELECT stack, position, frame FROM stack_frames ORDER BY stack, position',
  frames: `SELECT id, pc, ${str('func')}, ${str('file')}, line FROM frames ORDER BY id`,
};

const BOOLEANS = new Set(['created', 'open', 'began_before']);

function expectedRows(db: Database.Database, table: string): Row[] {
  return (db.prepare(EXPECTED[table]).safeIntegers(true).all() as Row[]).map((r) => {
    const out: Row = {};
    for (const [k, v] of Object.entries(r)) out[k] = BOOLEANS.has(k) ? v !== null && Number(v) !== 0 : typeof v === 'number' ? BigInt(v) : v;
    return out;
  });
}

for (const name of ['annotations.go127', 'gcchurn.go126', 'httpleak.go122', 'chanleak.go119']) {
  test(`${name}: every table read back by arrow-rs equals SQLite row for row`, async () => {
    const hash = lib.index(path.join(FIXTURES, 'traces', `${name}.trace`)).artefact.hash;
    const out = path.join(dir, name);
    const result = await svc.exportParquet(hash, out);
    assert.deepEqual(result.files.map((f) => f.table), PARQUET_TABLES.map((t) => t.name));
    assert.deepEqual(fs.readdirSync(out).sort(), PARQUET_TABLES.map((t) => `${t.name}.parquet`).sort(), 'one file per table, no temporary file left');
    await withTraceIndex(lib.indexPath(hash), (db) => {
      for (const table of PARQUET_TABLES) {
        const back = readBack(path.join(out, `${table.name}.parquet`));
        assert.deepEqual(back.fields, table.columns.map((c) => c.name), `${table.name}: columns`);
        assert.deepEqual(back.types, table.columns.map((c) => (c.kind === 'INT64' ? 'Int64' : c.kind === 'BOOLEAN' ? 'Bool' : 'Utf8')), `${table.name}: types`);
        assert.equal(back.metadata.get('goroscope.artefact'), hash);
        const want = expectedRows(db, table.name);
        assert.equal(back.rows.length, want.length, `${table.name}: rows`);
        assert.equal(result.files.find((f) => f.table === table.name)!.rows, want.length);
        for (let i = 0; i < want.length; i++) assert.deepEqual(back.rows[i], want[i], `${name} ${table.name} row ${i}`);
        for (const c of table.columns) {
          if (!c.nullable) assert.ok(back.rows.every((r) => r[c.name] !== null), `${table.name}.${c.name} is never null`);
        }
      }
      const count = (t: string) => Number(db.prepare(`SELECT count(*) FROM ${t}`).pluck().get());
      assert.ok(count('goroutine_intervals') > 0 && count('stack_frames') > 0);
      if (name.startsWith('annotations')) assert.ok(count('regions') > 0 && count('tasks') > 0 && count('logs') > 0);
    });
  });
}

test('docs/parquet.md documents every table and column as written', () => {
  const doc = fs.readFileSync('docs/parquet.md', 'utf8');
  for (const t of PARQUET_TABLES) {
    assert.match(doc, new RegExp(`^### \`${t.name}\\.parquet\``, 'm'), `${t.name} has a section`);
    const section = doc.slice(doc.indexOf(`### \`${t.name}.parquet\``)).split(/^### /m)[1];
    for (const c of t.columns) assert.match(section, new RegExp(`^\\| \`${c.name}\` \\|`, 'm'), `${t.name}.${c.name} is documented`);
  }
});

test('goroscope export --parquet DIR from the command line', () => {
  const out = path.join(dir, 'cli-parquet');
  const r = spawnSync(process.execPath, ['bin/goroscope.mjs', 'export', path.join(FIXTURES, 'traces/chanleak.go127.trace'), '--library', path.join(dir, 'cli-library'),
    '--parquet', out], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^wrote 11 Parquet files to /);
  assert.match(r.stdout, /intervals\.parquet +\d+ rows/);
  assert.equal(readBack(path.join(out, 'goroutines.parquet')).rows.length > 0, true);
});
