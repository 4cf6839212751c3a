// Multi-row INSERTs: rows are buffered and written ROWS_PER_STATEMENT at a time through one
// prepared statement, which is several times faster than one statement per row. Indexers write
// through the RowSink interface, so their rows can also be forwarded to another thread (see
// row-channel.ts) and written there.

import type Database from 'better-sqlite3';

export const ROWS_PER_STATEMENT = 128;

/** Where an indexer's rows of one table go. */
export interface RowSink {
  /**
   * Appends one row; values in column order. A Uint8Array value is read during the call: the
   * caller may reuse its memory afterwards (millions of small blobs are passed as views).
   */
  push(...values: unknown[]): void;
  /**
   * Appends whole rows given as one flat array of values (a batch forwarded from another thread,
   * or a row array the caller fills again for the next row: values are read during the call).
   */
  pushRows(values: readonly unknown[]): void;
  /** Writes (or forwards) what is buffered. */
  flush(): void;
}

/** Makes the sink of a table with these columns (in the table's column order). */
export type RowSinks = (table: string, columns: readonly string[]) => RowSink;

/**
 * Values reach run() as arguments, not as one array: better-sqlite3 then reads them from the
 * call's arguments instead of with one Array::Get each, which halves the cost of binding
 * (2.1 M goroutine rows of 20 values: 2.1 → 1.1 s).
 */
export class BatchInserter implements RowSink {
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

  push(...values: unknown[]): void {
    if (values.length !== this.columns) throw new Error(`a row of ${values.length} values for ${this.columns} columns of ${this.table}`);
    this.pushRows(values);
  }

  pushRows(values: readonly unknown[]): void {
    const full = ROWS_PER_STATEMENT * this.columns;
    if (this.buffer.length === 0 && values.length === full) {
      this.full.run(...values);
      this.rows += ROWS_PER_STATEMENT;
      return;
    }
    if (values.length % this.columns !== 0) throw new Error(`${values.length} values are not whole rows of ${this.columns} columns of ${this.table}`);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      // Buffered until the statement runs: a blob is copied (see RowSink.push), into a Buffer:
      // Node carves small ones out of a shared pool. A small Uint8Array of its own lives on V8's
      // heap and is moved out of it when SQLite binds it (2.1 M goroutine rows: 0.8 s more).
      this.buffer.push(v instanceof Uint8Array ? Buffer.from(v) : v);
      if (this.buffer.length === full) {
        this.full.run(...this.buffer);
        this.buffer.length = 0;
      }
    }
    this.rows += values.length / this.columns;
  }

  flush(): void {
    if (this.buffer.length === 0) return;
    this.db.prepare(this.sql(this.buffer.length / this.columns)).run(this.buffer);
    this.buffer.length = 0;
  }
}

/** Sees one row of a tapped table, the one starting at `values[at]` (a blob in it is valid during the call only). */
export type RowTap = (values: readonly unknown[], at: number) => void;

/**
 * Sinks that pass every row on to `sinks`, showing the rows of some tables to a tap first: how the
 * thread that writes the database derives tables from the rows it writes. `tapFor` gives a
 * table's tap, or null to pass its rows straight on; `onFlush` runs after a tapped sink's flush.
 */
export function tapSinks(sinks: RowSinks, tapFor: (table: string, columns: readonly string[]) => RowTap | null,
  onFlush: () => void = () => {}): RowSinks {
  return (table, columns) => {
    const sink = sinks(table, columns);
    const tap = tapFor(table, columns);
    if (!tap) return sink;
    return {
      push(...values: unknown[]) {
        tap(values, 0);
        sink.push(...values);
      },
      pushRows(values: readonly unknown[]) {
        for (let at = 0; at < values.length; at += columns.length) tap(values, at);
        sink.pushRows(values);
      },
      flush() {
        sink.flush();
        onFlush();
      },
    };
  };
}

/** Sinks that insert into `db` directly. */
export function sqliteSinks(db: Database.Database): RowSinks {
  return (table, columns) => new BatchInserter(db, table, columns);
}
