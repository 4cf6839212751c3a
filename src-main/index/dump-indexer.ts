// Goroutine dumps as an artefact kind: every goroutine (or debug=1 record) as a row, the
// groups of identical stacks with their frames, and the dump's facts (format, panic, warnings)
// in `meta`, so that the groups and diffs served from an index equal those computed from the file.
//
// Grouping happens while the dump streams by (analyze/dump-groups' DumpGrouper, as the trace
// indexer uses the trace summariser): a goroutine row refers to its group by the group's
// first-seen number; the groups' ranks (biggest first) are written once the dump has ended.

import type Database from 'better-sqlite3';
import { DumpGrouper, dominantState, type DumpGroups, type GoroutineGroup } from '../analyze/dump-groups.ts';
import type { DumpInfo, DumpItem } from '../decode/gdump/model.ts';
import { decodeDumpFile, sniffDump } from '../decode/gdump/reader.ts';
import type { ArtefactIndexer, IndexContext, IndexedContent } from './artefact-kinds.ts';
import { BatchInserter } from './batch-insert.ts';

/** Goroutines between two progress reports (each report also polls for cancellation). */
const PROGRESS_EVERY = 8192;
/** Groups listed in the catalogue summary. */
const SUMMARY_TOP_GROUPS = 10;
/** Frames per group in the catalogue summary. */
const SUMMARY_FRAMES = 3;

export const DUMP_TABLES = `
CREATE TABLE dump_goroutines (
  seq INTEGER PRIMARY KEY,        -- order in the dump, from 0
  goroutine_id INTEGER,           -- NULL for a debug=1 record
  count INTEGER NOT NULL,         -- 1 for a goroutine, the record's count for debug=1
  group_seq INTEGER NOT NULL,     -- dump_groups.seq
  state TEXT,                     -- wait reason or status; NULL for debug=1
  wait_minutes INTEGER NOT NULL,
  locked_to_thread INTEGER NOT NULL,
  leaked INTEGER NOT NULL,        -- the runtime printed "(leaked)"
  labels TEXT,                    -- JSON object of pprof labels, NULL when none
  created_by TEXT,                -- "func file:line", NULL when not printed
  parent_id INTEGER,              -- "created by … in goroutine N" (Go 1.21+)
  line_number INTEGER NOT NULL    -- header (or record) line in the file, 1-based
);
CREATE TABLE dump_groups (
  seq INTEGER PRIMARY KEY,        -- first-seen order
  rank INTEGER NOT NULL,          -- 0 = most goroutines (ties by stack key)
  stack_key TEXT NOT NULL,        -- "func file:line" per frame, innermost first, newline-separated
  goroutines INTEGER NOT NULL,
  state TEXT,                     -- the state most members share; NULL for debug=1
  states TEXT NOT NULL,           -- JSON {state: goroutines}
  max_wait_minutes INTEGER NOT NULL,
  locked_to_thread INTEGER NOT NULL,
  leaked INTEGER NOT NULL,
  proven_leak INTEGER NOT NULL,
  created_by TEXT NOT NULL,       -- JSON {"func file:line": goroutines}
  labels TEXT NOT NULL,           -- JSON {"<label set JSON>": goroutines}
  sample_ids TEXT NOT NULL        -- JSON [goroutine ids]
);
CREATE TABLE dump_frames (
  group_seq INTEGER NOT NULL,
  depth INTEGER NOT NULL,         -- 0 = innermost
  func TEXT NOT NULL,
  file TEXT NOT NULL,
  line INTEGER NOT NULL,
  PRIMARY KEY (group_seq, depth)
) WITHOUT ROWID;
`;

export const DUMP_INDEXES = `
CREATE INDEX dump_goroutines_by_group ON dump_goroutines (group_seq);
CREATE INDEX dump_goroutines_by_id ON dump_goroutines (goroutine_id);
CREATE INDEX dump_groups_by_rank ON dump_groups (rank);
CREATE INDEX dump_frames_by_func ON dump_frames (func);
`;

/** The `meta` key holding the dump's DumpInfo as JSON. */
export const DUMP_INFO_META = 'dump_info';

/** What the catalogue shows for a dump. */
export interface DumpSummary {
  readonly format: string;
  readonly goroutines: number;
  readonly groups: number;
  /** Goroutines per state (debug=1 records have none). */
  readonly states: Record<string, number>;
  readonly provenLeaks: { readonly groups: number; readonly goroutines: number };
  readonly topGroups: { readonly stack: string[]; readonly goroutines: number; readonly state: string | null; readonly provenLeak: boolean }[];
  readonly panics: string[];
  readonly fatalError: string | null;
  readonly signal: string | null;
  readonly warnings: number;
}

// `satisfies`: a dump is never stopped (it does not hash while indexing), so its index() returns content, never null.
export const dumpIndexer = {
  kind: 'dump',
  sniff: sniffDump,
  hashesWhileIndexing: () => false,
  tables: DUMP_TABLES,
  indexes: DUMP_INDEXES,
  index(ctx: IndexContext): IndexedContent {
    const writer = new DumpRowWriter(ctx.db);
    const info = decodeDumpFile(ctx.file, (item) => {
      writer.add(item);
      if (writer.rows % PROGRESS_EVERY === 0) ctx.progress(0, writer.rows);
    }, (bytes, items) => ctx.progress(bytes, items));
    const dump = writer.finish(info);
    const warnings = info.warnings.length + info.warningsDropped;
    return {
      format: info.format,
      summary: dumpSummary(dump),
      items: writer.rows,
      durationNs: 0,
      goroutines: info.goroutines,
      warning: warnings === 0 ? null : `${info.warnings[0].message}${warnings > 1 ? ` (and ${warnings - 1} more warnings)` : ''}`,
      meta: { [DUMP_INFO_META]: JSON.stringify(info) },
    };
  },
} satisfies ArtefactIndexer;

/** Writes goroutine rows as they stream by, then the groups and their frames. */
class DumpRowWriter {
  private readonly grouper = new DumpGrouper();
  private readonly goroutines: BatchInserter;
  rows = 0;

  constructor(private readonly db: Database.Database) {
    this.goroutines = new BatchInserter(db, 'dump_goroutines', [
      'seq', 'goroutine_id', 'count', 'group_seq', 'state', 'wait_minutes', 'locked_to_thread', 'leaked', 'labels', 'created_by', 'parent_id', 'line_number',
    ]);
  }

  add(item: DumpItem): void {
    const groupSeq = this.grouper.add(item);
    const labels = item.labels ? JSON.stringify(item.labels) : null;
    if (item.kind === 'record') {
      this.goroutines.push(this.rows++, null, item.count, groupSeq, null, 0, 0, 0, labels, null, null, item.lineNumber);
      return;
    }
    const c = item.createdBy;
    this.goroutines.push(
      this.rows++, item.id, 1, groupSeq, item.state, item.waitMinutes, item.lockedToThread ? 1 : 0, item.leaked ? 1 : 0, labels,
      c ? `${c.func} ${c.file}:${c.line}` : null, c?.parentId ?? null, item.lineNumber,
    );
  }

  finish(info: DumpInfo): DumpGroups {
    this.goroutines.flush();
    const dump = this.grouper.finish(info);
    const groups = new BatchInserter(this.db, 'dump_groups', [
      'seq', 'rank', 'stack_key', 'goroutines', 'state', 'states', 'max_wait_minutes', 'locked_to_thread', 'leaked', 'proven_leak', 'created_by', 'labels', 'sample_ids',
    ]);
    const frames = new BatchInserter(this.db, 'dump_frames', ['group_seq', 'depth', 'func', 'file', 'line']);
    dump.groups.forEach((g, rank) => {
      const seq = this.grouper.seqOf(g);
      groups.push(
        seq, rank, g.key, g.count, dominantState(g.states), JSON.stringify(g.states), g.maxWaitMinutes, g.lockedToThread, g.leaked, g.provenLeak ? 1 : 0,
        JSON.stringify(g.createdBy), JSON.stringify(g.labels), JSON.stringify(g.sampleIds),
      );
      g.stack.forEach((f, depth) => frames.push(seq, depth, f.func, f.file, f.line));
    });
    groups.flush();
    frames.flush();
    return dump;
  }
}

export function dumpSummary(dump: DumpGroups): DumpSummary {
  const states: Record<string, number> = {};
  for (const g of dump.groups) for (const [s, n] of Object.entries(g.states)) states[s] = (states[s] ?? 0) + n;
  const proven = dump.groups.filter((g) => g.provenLeak);
  const { info } = dump;
  return {
    format: dump.format,
    goroutines: dump.goroutines,
    groups: dump.groups.length,
    states,
    provenLeaks: { groups: proven.length, goroutines: proven.reduce((t, g) => t + g.count, 0) },
    topGroups: dump.groups.slice(0, SUMMARY_TOP_GROUPS).map((g: GoroutineGroup) => ({
      stack: g.stack.slice(0, SUMMARY_FRAMES).map((f) => `${f.func} ${f.file}:${f.line}`),
      goroutines: g.count,
      state: dominantState(g.states),
      provenLeak: g.provenLeak,
    })),
    panics: info.panics,
    fatalError: info.fatalError,
    signal: info.signal,
    warnings: info.warnings.length + info.warningsDropped,
  };
}
