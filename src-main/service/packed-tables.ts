// SQL views of what the index stores packed: table-valued functions registered on a connection,
// so the SQL console can query goroutine_intervals, proc_intervals, metrics, goroutine_counts and
// unblocks as if they were tables.

import type Database from 'better-sqlite3';
import { decodeChunk, indexNsPerTick } from '../index/interval-codec.ts';
import { decodePoints } from '../index/point-codec.ts';
import { GO_STATES, UNBLOCK_VALUES } from '../index/schema.ts';

/**
 * Registers the tables on `db`. The rows are read through `source`, a second connection to the
 * same file: a connection cannot run statements while it is executing the query that asks.
 */
export function registerPackedTables(db: Database.Database, source: Database.Database): void {
  // Statements are prepared per scan: a statement runs one query at a time, and a self-join
  // scans a table again inside its own scan.
  const nsPerTick = indexNsPerTick(source);
  /** Every goroutine's packed intervals: inline ones, then chunked ones, each goroutine's in time order. */
  function* intervalChunks(): IterableIterator<{ goroutine: number; start_ns: number; data: Uint8Array }> {
    yield* source.prepare('SELECT id AS goroutine, start_ns, interval_data AS data FROM goroutines WHERE interval_data IS NOT NULL ORDER BY id')
      .iterate() as IterableIterator<{ goroutine: number; start_ns: number; data: Uint8Array }>;
    yield* source.prepare('SELECT goroutine, start_ns, data FROM goroutine_interval_chunks ORDER BY goroutine, start_ns')
      .iterate() as IterableIterator<{ goroutine: number; start_ns: number; data: Uint8Array }>;
  }
  db.table('goroutine_intervals', {
    columns: ['goroutine', 'start_ns', 'end_ns', 'state', 'reason', 'stack', 'open', 'thread', 'proc'],
    *rows() {
      const out: unknown[][] = [];
      for (const { goroutine: g, start_ns, data } of intervalChunks()) {
        decodeChunk(data, start_ns, nsPerTick, (s, e, state, reason, stack, open, thread, proc) => {
          out.push([g, s, e, GO_STATES[state], reason, stack, open ? 1 : 0, thread >= 0 ? thread : null, proc >= 0 ? proc : null]);
        });
        yield* out.splice(0);
      }
    },
  });
  // A goroutine's time on a P: its Running intervals on that P, merged where they touch (a
  // status event at a generation start splits an interval in two).
  db.table('proc_intervals', {
    columns: ['proc', 'start_ns', 'end_ns', 'goroutine', 'open', 'thread'],
    *rows() {
      const out: unknown[][] = [];
      let run: unknown[] | null = null; // [proc, start, end, goroutine, open, thread], extended while it continues
      for (const { goroutine: g, start_ns, data } of intervalChunks()) {
        decodeChunk(data, start_ns, nsPerTick, (s, e, _state, _reason, _stack, open, thread, proc) => {
          if (run && run[3] === g && run[2] === s && run[0] === proc) {
            run[2] = e;
            run[4] = open ? 1 : 0;
            return;
          }
          if (run) out.push(run);
          run = proc >= 0 ? [proc, s, e, g, open ? 1 : 0, thread >= 0 ? thread : null] : null;
        });
        yield* out.splice(0);
      }
      if (run) yield run;
    },
  });
  db.table('metrics', {
    columns: ['name', 'time_ns', 'value'],
    *rows() {
      for (const r of source.prepare('SELECT name, start_ns, data FROM metric_chunks ORDER BY name, start_ns').iterate() as
        IterableIterator<{ name: number; start_ns: number; data: Uint8Array }>) {
        const out: unknown[][] = [];
        decodePoints(r.data, r.start_ns, nsPerTick, 1, (time, [value]) => void out.push([r.name, time, value]));
        yield* out;
      }
    },
  });
  db.table('goroutine_counts', {
    columns: ['time_ns', 'running', 'runnable', 'waiting', 'syscall'],
    *rows() {
      for (const r of source.prepare('SELECT start_ns, data FROM goroutine_count_chunks ORDER BY start_ns').iterate() as
        IterableIterator<{ start_ns: number; data: Uint8Array }>) {
        const out: unknown[][] = [];
        decodePoints(r.data, r.start_ns, nsPerTick, 4, (time, counts) => void out.push([time, ...counts]));
        yield* out;
      }
    },
  });
  db.table('unblocks', {
    columns: ['time_ns', 'goroutine', 'reason', 'stack', 'by_goroutine', 'by_stack'],
    *rows() {
      for (const r of source.prepare('SELECT start_ns, data FROM unblock_chunks ORDER BY start_ns').iterate() as
        IterableIterator<{ start_ns: number; data: Uint8Array }>) {
        const out: unknown[][] = [];
        decodePoints(r.data, r.start_ns, nsPerTick, UNBLOCK_VALUES, (time, v) => void out.push([time, ...v]));
        yield* out;
      }
    },
  });
}
