// Multi-row INSERTs: rows are buffered and written ROWS_PER_STATEMENT at a time through one
// prepared statement, which is several times faster than one statement per row.

import type Database from 'better-sqlite3';

const ROWS_PER_STATEMENT = 128;

export class BatchInserter {
  private readonly full: Database.Statement;
  private readonly columns: number;
  private readonly buffer: unknown[] = [];
  rows = 0;

  constructor(private readonly db: Database.Database, private readonly table: string, columns: readonly string[]) {
    this.columns = columns.length;
    this.full = db.prepare(this.sql(ROWS_PER_STATEMENT));
  }

  private sql(rows: number): string {
    const one = `(${new Array(this.columns).fill('?').join(',')})`;
    return `INSERT INTO ${this.table} VALUES ${new Array(rows).fill(one).join(',')}`;
  }

  /** Appends one row; values in column order. */
  push(...values: unknown[]): void {
    for (let i = 0; i < values.length; i++) this.buffer.push(values[i]);
    this.rows++;
    if (this.buffer.length === ROWS_PER_STATEMENT * this.columns) {
      this.full.run(this.buffer);
      this.buffer.length = 0;
    }
  }

  flush(): void {
    if (this.buffer.length === 0) return;
    this.db.prepare(this.sql(this.buffer.length / this.columns)).run(this.buffer);
    this.buffer.length = 0;
  }
}
