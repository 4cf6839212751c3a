// A trace's index as Parquet files, one per table, for querying many traces together (DuckDB,
// Spark, Trino): the goroutines, their state intervals (the goroutine_intervals SQL table's rows,
// unpacked from the index's chunks), unblock edges, blocking, GC ranges, user regions, tasks and
// logs, stacks and frames. Interned strings are written as their text, states and kinds as their
// names; the schema is docs/parquet.md (kept equal to PARQUET_TABLES by a test).

import * as fs from 'node:fs';
import * as path from 'node:path';
import type Database from 'better-sqlite3';
// The package's entry without its Node helper, whose bare `import fs from 'fs'` the app's bundles
// must not carry (they require Node built-ins as node:…); parquetFileWriter below replaces it.
import { ByteWriter, ParquetWriter, schemaFromColumnData, type ColumnSource } from 'hyparquet-writer/src/index.js';
import { BLOCKING_KINDS } from '../analyze/blocking-kinds.ts';
import { decodeChunk, indexNsPerTick } from '../index/interval-codec.ts';
import { GO_STATES, SCOPE_KINDS } from '../index/schema.ts';

/**
 * How a column is written: INT64 / BOOLEAN / STRING as they are in SQLite; `string` an interned
 * string ID written as its text (ID 0, none: null); `state`, `kind`, `scope` codes written as names.
 */
export type ParquetColumnKind = 'INT64' | 'BOOLEAN' | 'STRING' | 'string' | 'state' | 'kind' | 'scope';

export interface ParquetColumn {
  readonly name: string;
  readonly kind: ParquetColumnKind;
  /** May be null. */
  readonly nullable: boolean;
  readonly doc: string;
}

export interface ParquetTable {
  /** File name without .parquet. */
  readonly name: string;
  readonly doc: string;
  /** Selects the columns in order, in the order rows are written. */
  readonly sql: string;
  readonly columns: readonly ParquetColumn[];
}

const col = (name: string, kind: ParquetColumnKind, nullable: boolean, doc: string): ParquetColumn => ({ name, kind, nullable, doc });
const NS = 'ns since the trace\'s first event';

export const PARQUET_TABLES: readonly ParquetTable[] = [
  {
    name: 'goroutines', doc: 'one row per goroutine', sql: `SELECT id, name, created, creator, creation_stack, start_stack, start_ns, end_ns,
      first_state, last_state, last_reason, last_stack, last_since_ns, running_ns, runnable_ns, waiting_ns, syscall_ns FROM goroutines ORDER BY id`,
    columns: [
      col('id', 'INT64', false, 'goroutine ID'), col('name', 'string', true, 'start function, or first non-runtime frame of its first stack'),
      col('created', 'BOOLEAN', false, 'the trace saw it created (at start_ns)'), col('creator', 'INT64', true, 'goroutine that created it'),
      col('creation_stack', 'INT64', false, 'the creator\'s stack at the go statement (stacks.stack; 0 unknown)'),
      col('start_stack', 'INT64', false, 'its entry, or its first status stack'), col('start_ns', 'INT64', false, `first transition, ${NS}`),
      col('end_ns', 'INT64', true, 'when it ended; null if it outlived the trace'), col('first_state', 'state', false, 'state after its first transition'),
      col('last_state', 'state', false, 'state at its end or the trace\'s'), col('last_reason', 'string', true, 'reason of its last transition'),
      col('last_stack', 'INT64', false, 'stack of its last transition (where a goroutine blocked at the end is stuck)'),
      col('last_since_ns', 'INT64', true, 'when its last interval began, while alive at the end'),
      col('running_ns', 'INT64', false, 'time Running'), col('runnable_ns', 'INT64', false, 'time Runnable'),
      col('waiting_ns', 'INT64', false, 'time Waiting'), col('syscall_ns', 'INT64', false, 'time in system calls'),
    ],
  },
  {
    name: 'intervals', doc: 'one row per state interval of a goroutine (the goroutine_intervals SQL table), by goroutine then time',
    sql: 'SELECT goroutine, start_ns, end_ns, state, reason, stack, open, thread, proc FROM goroutine_intervals',
    columns: [
      col('goroutine', 'INT64', false, 'goroutine ID'), col('start_ns', 'INT64', false, NS), col('end_ns', 'INT64', false, NS),
      col('state', 'STRING', false, 'Undetermined, NotExist, Runnable, Running, Waiting or Syscall'),
      col('reason', 'string', true, 'wait reason ("chan receive", "sync.Mutex.Lock", …) or transition reason'),
      col('stack', 'INT64', false, 'stack of the transition that began it (0 none)'), col('open', 'BOOLEAN', false, 'still so at the end of the trace'),
      col('thread', 'INT64', true, 'the M, for Running and Syscall intervals'), col('proc', 'INT64', true, 'the P, for Running intervals'),
    ],
  },
  {
    name: 'unblocks', doc: 'one row per unblock edge: a waiting goroutine made runnable by another', sql: 'SELECT time_ns, goroutine, reason, stack, by_goroutine, by_stack FROM unblocks',
    columns: [
      col('time_ns', 'INT64', false, NS), col('goroutine', 'INT64', false, 'the goroutine woken'), col('reason', 'string', true, 'what it waited for'),
      col('stack', 'INT64', false, 'where it waited'), col('by_goroutine', 'INT64', false, 'the goroutine that woke it'),
      col('by_stack', 'INT64', false, 'the waker\'s stack then'),
    ],
  },
  {
    name: 'blocking', doc: 'time Waiting by wait reason and blocking stack (waits open at the end included)',
    sql: 'SELECT reason, stack, total_ns, count, max_ns, ended, last_end_ns FROM blocking ORDER BY total_ns DESC, reason, stack',
    columns: [
      col('reason', 'string', true, 'wait reason'), col('stack', 'INT64', false, 'blocking stack'), col('total_ns', 'INT64', false, 'total Waiting time'),
      col('count', 'INT64', false, 'intervals'), col('max_ns', 'INT64', false, 'the longest'), col('ended', 'INT64', false, 'waits that ended inside the trace'),
      col('last_end_ns', 'INT64', true, 'when the latest of them ended'),
    ],
  },
  {
    name: 'blocking_sites', doc: 'the four blocking profiles of go tool trace -pprof=KIND, by site',
    sql: 'SELECT kind, reason, stack, count, total_ns, max_ns, p50_ns, p99_ns FROM blocking_sites ORDER BY kind, total_ns DESC, reason, stack',
    columns: [
      col('kind', 'kind', false, 'sync, net, syscall or sched'), col('reason', 'string', true, 'wait reason'),
      col('stack', 'INT64', false, 'stack of the event that began the waits'), col('count', 'INT64', false, 'waits ended inside the trace'),
      col('total_ns', 'INT64', false, 'their total'), col('max_ns', 'INT64', false, 'the longest'),
      col('p50_ns', 'INT64', false, 'median (±2.2%)'), col('p99_ns', 'INT64', false, '99th percentile (±2.2%)'),
    ],
  },
  {
    name: 'ranges', doc: 'GC mark phases, stop-the-world pauses, sweeps and mark assists',
    sql: 'SELECT name, scope_kind, scope_id, start_ns, end_ns, began_before, open, stack, bytes_swept, bytes_reclaimed FROM ranges ORDER BY start_ns, rowid',
    columns: [
      col('name', 'string', false, '"GC concurrent mark phase", "stop-the-world (…)", "GC mark assist", "GC incremental sweep"'),
      col('scope_kind', 'scope', false, 'none (global), goroutine, proc or thread'), col('scope_id', 'INT64', false, 'the goroutine, P or M'),
      col('start_ns', 'INT64', false, NS), col('end_ns', 'INT64', false, NS), col('began_before', 'BOOLEAN', false, 'only seen as already active'),
      col('open', 'BOOLEAN', false, 'still running at the end'), col('stack', 'INT64', false, 'stack (0 none)'),
      col('bytes_swept', 'INT64', true, 'sweeps: bytes swept'), col('bytes_reclaimed', 'INT64', true, 'sweeps: bytes reclaimed'),
    ],
  },
  {
    name: 'regions', doc: 'user regions (runtime/trace.WithRegion)', sql: 'SELECT goroutine, task, type, start_ns, end_ns, depth FROM regions ORDER BY goroutine, start_ns, rowid',
    columns: [
      col('goroutine', 'INT64', false, 'goroutine ID'), col('task', 'INT64', false, 'task ID (0 none)'), col('type', 'string', true, 'region type (its name)'),
      col('start_ns', 'INT64', true, 'null: began before the trace'), col('end_ns', 'INT64', true, 'null: outlived the trace'), col('depth', 'INT64', false, '0 = outermost'),
    ],
  },
  {
    name: 'tasks', doc: 'user tasks (runtime/trace.NewTask)', sql: 'SELECT id, parent, type, start_ns, end_ns, start_goroutine, end_goroutine FROM tasks ORDER BY id, rowid',
    columns: [
      col('id', 'INT64', false, 'task ID'), col('parent', 'INT64', true, 'parent task'), col('type', 'string', true, 'task type (its name)'),
      col('start_ns', 'INT64', true, NS), col('end_ns', 'INT64', true, NS), col('start_goroutine', 'INT64', true, 'goroutine that began it'),
      col('end_goroutine', 'INT64', true, 'goroutine that ended it'),
    ],
  },
  {
    name: 'logs', doc: 'user log messages (runtime/trace.Log)', sql: 'SELECT time_ns, goroutine, task, category, message, stack FROM logs ORDER BY time_ns, rowid',
    columns: [
      col('time_ns', 'INT64', false, NS), col('goroutine', 'INT64', true, 'goroutine ID'), col('task', 'INT64', false, 'task ID (0 none)'),
      col('category', 'string', true, 'category'), col('message', 'string', true, 'message'), col('stack', 'INT64', false, 'stack'),
    ],
  },
  {
    name: 'stacks', doc: 'the frames of each stack, innermost (position 0) first', sql: 'SELECT stack, position, frame FROM stack_frames ORDER BY stack, position',
    columns: [col('stack', 'INT64', false, 'stack ID (the stack columns above)'), col('position', 'INT64', false, '0 = innermost'), col('frame', 'INT64', false, 'frames.id')],
  },
  {
    name: 'frames', doc: 'one row per distinct frame', sql: 'SELECT id, pc, func, file, line FROM frames ORDER BY id',
    columns: [
      col('id', 'INT64', false, 'frame ID'), col('pc', 'INT64', false, 'program counter'), col('func', 'string', true, 'function'),
      col('file', 'string', true, 'source file'), col('line', 'INT64', false, 'line'),
    ],
  },
];

const ROWS_PER_GROUP = 100_000;

export interface ParquetExportResult {
  files: { table: string; file: string; rows: number; bytes: number }[];
}

function basicType(kind: ParquetColumnKind): 'INT64' | 'BOOLEAN' | 'STRING' {
  return kind === 'INT64' || kind === 'BOOLEAN' ? kind : 'STRING';
}

/**
 * Writes every table of PARQUET_TABLES from the trace index `db` (with the packed tables
 * registered) to `dir`/<table>.parquet. Files are written under temporary names and renamed
 * into place when all are complete; `metadata` goes into each file's key-value metadata.
 */
export function writeParquetTables(db: Database.Database, dir: string, metadata: Record<string, string>): ParquetExportResult {
  fs.mkdirSync(dir, { recursive: true });
  const strings: string[] = [];
  for (const [id, value] of db.prepare('SELECT id, value FROM strings').raw().iterate() as IterableIterator<[number, string]>) strings[id] = value;
  const convert = (kind: ParquetColumnKind, v: unknown): unknown => {
    if (v === null || v === undefined) return null;
    switch (kind) {
      case 'INT64': return BigInt(v as number | bigint);
      case 'BOOLEAN': return Number(v) !== 0;
      case 'STRING': return String(v);
      case 'string': return Number(v) === 0 ? null : strings[Number(v)] ?? null;
      case 'state': return GO_STATES[Number(v)];
      case 'kind': return BLOCKING_KINDS[Number(v) - 1];
      case 'scope': return SCOPE_KINDS[Number(v)];
    }
  };
  const kvMetadata = Object.entries(metadata).map(([key, value]) => ({ key, value }));
  const temps: [string, string][] = [];
  const result: ParquetExportResult = { files: [] };
  try {
    for (const table of PARQUET_TABLES) {
      const file = path.join(dir, `${table.name}.parquet`);
      const temp = path.join(dir, `.${table.name}.parquet.${process.pid}.part`);
      temps.push([temp, file]);
      const empty = (): ColumnSource[] => table.columns.map((c) => ({ name: c.name, data: [] as unknown[], type: basicType(c.kind), nullable: c.nullable }));
      const writer = new ParquetWriter({
        writer: parquetFileWriter(temp), schema: schemaFromColumnData({ columnData: empty() }), kvMetadata, createdBy: 'goroscope',
      });
      let batch = empty();
      let n = 0;
      let rows = 0;
      const flush = () => {
        if (n === 0) return;
        void writer.write({ columnData: batch, rowGroupSize: ROWS_PER_GROUP });
        batch = empty();
        n = 0;
      };
      const source = table.name === 'intervals' ? intervalRows(db) : db.prepare(table.sql).raw().safeIntegers(true).iterate() as IterableIterator<unknown[]>;
      for (const row of source) {
        for (let i = 0; i < row.length; i++) (batch[i].data as unknown[]).push(convert(table.columns[i].kind, row[i]));
        n++;
        rows++;
        if (n === ROWS_PER_GROUP) flush();
      }
      flush();
      void writer.finish();
      if (rows === 0) fixEmptyRowGroups(temp);
      result.files.push({ table: table.name, file, rows, bytes: fs.statSync(temp).size });
    }
    for (const [temp, file] of temps) fs.renameSync(temp, file);
    temps.length = 0;
    return result;
  } finally {
    for (const [temp] of temps) fs.rmSync(temp, { force: true });
  }
}

/**
 * The rows of `SELECT goroutine, start_ns, end_ns, state, reason, stack, open, thread, proc FROM
 * goroutine_intervals` (service/packed-tables.ts), decoded from the same chunks in the same order
 * without going through the SQL table, which costs ~35 µs a row (a 30 M-interval trace: 18 min).
 */
function* intervalRows(db: Database.Database): IterableIterator<unknown[]> {
  const nsPerTick = indexNsPerTick(db);
  const sources = [
    db.prepare('SELECT id AS goroutine, start_ns, interval_data AS data FROM goroutines WHERE interval_data IS NOT NULL ORDER BY id'),
    db.prepare('SELECT goroutine, start_ns, data FROM goroutine_interval_chunks ORDER BY goroutine, start_ns'),
  ];
  const out: unknown[][] = [];
  for (const stmt of sources) {
    for (const { goroutine: g, start_ns, data } of stmt.iterate() as IterableIterator<{ goroutine: number; start_ns: number; data: Uint8Array }>) {
      decodeChunk(data, start_ns, nsPerTick, (s, e, state, reason, stack, open, thread, proc) => {
        out.push([g, s, e, GO_STATES[state], reason, stack, open ? 1 : 0, thread >= 0 ? thread : null, proc >= 0 ? proc : null]);
      });
      yield* out.splice(0);
    }
  }
}

/**
 * hyparquet-writer writes the empty row_groups list of a file with no rows with element type 0
 * where Thrift's compact protocol wants STRUCT (12): readers built on Apache Thrift's C++ code skip
 * an empty list whatever its type, but arrow-rs (parquet-wasm, DataFusion, Polars) refuses the file
 * ("Expected list element type of Struct but got Byte"). The footer of such a file holds num_rows
 * = 0 followed by that list header (bytes 16 00 19 00); the last byte is set to 0x0c in place.
 */
function fixEmptyRowGroups(file: string): void {
  const bytes = fs.readFileSync(file);
  const footerLength = bytes.readUInt32LE(bytes.length - 8);
  const start = bytes.length - 8 - footerLength;
  const at = bytes.subarray(start, bytes.length - 8).indexOf(Buffer.from([0x16, 0x00, 0x19, 0x00]));
  if (at < 0) return;
  bytes[start + at + 3] = 0x0c;
  fs.writeFileSync(file, bytes);
}

/** A hyparquet-writer Writer that appends to `file` in chunks of about 1 MB, as its own file writer does. */
function parquetFileWriter(file: string): ByteWriter {
  const writer = new ByteWriter();
  const fd = fs.openSync(file, 'w');
  const flush = () => {
    fs.writeSync(fd, new Uint8Array(writer.buffer, 0, writer.index));
    writer.index = 0;
  };
  const grow = writer.ensure.bind(writer);
  writer.ensure = (size: number) => {
    if (writer.index > 1_000_000) flush();
    grow(size);
  };
  writer.finish = () => {
    flush();
    fs.closeSync(fd);
  };
  return writer;
}
