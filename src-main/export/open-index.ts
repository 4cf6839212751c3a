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
    // A scan cut short by an error leaves the source connection busy: closing fails then, and
    // must not hide that error (the process ends soon after; the handles go with it).
    for (const c of [db, source]) {
      try {
        c.close();
      } catch {
        // busy: see above
      }
    }
  }
}
