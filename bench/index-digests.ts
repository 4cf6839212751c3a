// What an index file holds, table by table: the row count and a SHA-256 of each table's rows in
// the order of all their columns (SELECT * … ORDER BY 1, 2, …), and meta's rows. Two indexes hold
// the same rows exactly when their digests are equal (bench/compare-indexes.ts, and the tests of
// indexing in passes).

import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';

export interface TableDigest {
  rows: number;
  sha256: string;
}

export function indexDigests(file: string): { tables: Map<string, TableDigest>; meta: Map<string, string> } {
  const db = new Database(file, { readonly: true });
  try {
    const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
    const tables = new Map<string, TableDigest>();
    for (const name of names) {
      const columns = (db.prepare(`SELECT * FROM "${name}" LIMIT 0`).columns()).length;
      const order = Array.from({ length: columns }, (_, i) => i + 1).join(', ');
      const hash = createHash('sha256');
      let rows = 0;
      for (const row of db.prepare(`SELECT * FROM "${name}" ORDER BY ${order}`).raw().iterate() as Iterable<unknown[]>) {
        for (const v of row) {
          if (v === null) hash.update('N;');
          else if (Buffer.isBuffer(v)) hash.update(`B${v.length}:`).update(v);
          else hash.update(`${typeof v}:${String(v)};`);
        }
        hash.update('\n');
        rows++;
      }
      tables.set(name, { rows, sha256: hash.digest('hex').slice(0, 16) });
    }
    const meta = new Map(db.prepare('SELECT key, value FROM meta').raw().all() as [string, string][]);
    return { tables, meta };
  } finally {
    db.close();
  }
}
