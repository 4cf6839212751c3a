// Runs one read-only SQL query against an artefact index in a child process, so that the caller
// can enforce a time limit by killing it: a query busy inside SQLite cannot be interrupted from
// JS, not even by terminating a worker thread.

import Database from 'better-sqlite3';
import { registerPackedTables } from './packed-tables.ts';

interface Job {
  dbPath: string;
  sql: string;
  rowLimit: number;
}

process.once('message', (job: Job) => {
  const reply = (m: unknown) => process.send!(m, () => process.exit(0));
  try {
  const db = new Database(job.dbPath, { readonly: true, fileMustExist: true });
  db.pragma('query_only = ON');
  const source = new Database(job.dbPath, { readonly: true, fileMustExist: true });
  registerPackedTables(db, source);
  const stmt = db.prepare(job.sql);
  if (!stmt.reader) throw new Error('only queries that return rows are allowed (the SQL console is read-only)');
  const columns = stmt.columns().map((c) => c.name);
  const rows: unknown[][] = [];
  let truncated = false;
  for (const row of stmt.raw(true).iterate() as IterableIterator<unknown[]>) {
    if (rows.length === job.rowLimit) {
      truncated = true;
      break;
    }
    rows.push(row.map((v) => (typeof v === 'bigint' ? Number(v) : v instanceof Uint8Array ? `<${v.length} bytes>` : v)));
  }
  db.close();
  source.close();
  reply({ ok: true, columns, rows, truncated });
  } catch (e) {
    reply({ ok: false, error: (e as Error).message });
  }
});
