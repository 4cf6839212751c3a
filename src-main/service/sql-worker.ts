// Runs one read-only SQL query against an artefact index in a process of its own, so that the
// caller can enforce a time limit by killing it (see sql-pool.ts). The process is a Node child
// process (its messages come through process.send) or an Electron utility process (through
// process.parentPort); either way it answers one QueryReply.
//
// What it sends back is bounded: rows stop at the job's row limit, or once they would take more
// than its byte limit as text; SQLite's own memory is capped, so a query that would build a
// gigabyte string fails with "out of memory" here instead.

import Database from 'better-sqlite3';
import { registerPackedTables } from './packed-tables.ts';
import type { QueryJob, QueryReply } from './sql-pool.ts';

/** SQLite's heap in this process (sorts spill to temporary files well before). */
const SQLITE_HEAP_LIMIT_BYTES = 512 * 1024 * 1024;

/** Roughly what a value takes as text in the reply (JSON, a table cell). */
function textBytes(v: unknown): number {
  if (typeof v === 'string') return Buffer.byteLength(v, 'utf8') + 3;
  if (v === null) return 5;
  return String(v).length + 1;
}

function run(job: QueryJob): QueryReply {
  try {
    const db = new Database(job.dbPath, { readonly: true, fileMustExist: true });
    db.pragma('query_only = ON');
    db.pragma(`hard_heap_limit = ${SQLITE_HEAP_LIMIT_BYTES}`);
    const source = new Database(job.dbPath, { readonly: true, fileMustExist: true });
    registerPackedTables(db, source);
    const stmt = db.prepare(job.sql);
    if (!stmt.reader) throw new Error('only queries that return rows are allowed (the SQL console is read-only)');
    const columns = stmt.columns().map((c) => c.name);
    const rows: unknown[][] = [];
    let bytes = columns.reduce((n, c) => n + textBytes(c), 0);
    let truncated = false;
    for (const row of stmt.raw(true).iterate() as IterableIterator<unknown[]>) {
      const values = row.map((v) => (typeof v === 'bigint' ? Number(v) : v instanceof Uint8Array ? `<${v.length} bytes>` : v));
      bytes += values.reduce((n: number, v) => n + textBytes(v), 0);
      if (rows.length === job.rowLimit || bytes > job.byteLimit) {
        truncated = true;
        break;
      }
      rows.push(values);
    }
    db.close();
    source.close();
    return { ok: true, columns, rows, truncated };
  } catch (e) {
    return { ok: false, error: (e instanceof Error ? e.message : String(e)).split('\n')[0] };
  }
}

/** Electron's end of a utility process's channel (`process.parentPort`). */
interface ParentPort {
  once(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const parentPort = (process as { parentPort?: ParentPort }).parentPort;
if (parentPort) {
  // The pool kills the process once it has the reply.
  parentPort.once('message', (e) => parentPort.postMessage(run(e.data as QueryJob)));
} else {
  process.once('message', (job: QueryJob) => process.send!(run(job), () => process.exit(0)));
}
