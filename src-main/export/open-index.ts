// A trace index opened for an export: read-only, with the packed tables (goroutine_intervals,
// proc_intervals, unblocks, …) registered as SQL tables, closed when the export is done.

import Database from 'better-sqlite3';
import { registerPackedTables } from '../service/packed-tables.ts';

export function withTraceIndex<T>(file: string, use: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  const source = new Database(file, { readonly: true, fileMustExist: true });
  try {
    registerPackedTables(db, source);
    return use(db);
  } finally {
    db.close();
    source.close();
  }
}
