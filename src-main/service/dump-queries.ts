// Queries over a goroutine dump's index (index/dump-indexer.ts): its groups of identical stacks,
// and the diff of two indexed dumps — the same values the file-based path (analyze/dump-groups,
// analyze/dump-diff) computes, so the UI, the CLI and CI agree.

import type Database from 'better-sqlite3';
import { diffDumpGroups, DEFAULT_LONG_WAIT_MINUTES, type DumpDiff } from '../analyze/dump-diff.ts';
import type { DumpGroups, GoroutineGroup, StackFrame } from '../analyze/dump-groups.ts';
import type { DumpInfo } from '../decode/gdump/model.ts';
import { DUMP_INFO_META } from '../index/dump-indexer.ts';

export type { DumpDiff, GroupDelta } from '../analyze/dump-diff.ts';
export type { DumpGroups, GoroutineGroup, StackFrame } from '../analyze/dump-groups.ts';

interface GroupRow {
  seq: number;
  stack_key: string;
  goroutines: number;
  states: string;
  max_wait_minutes: number;
  locked_to_thread: number;
  leaked: number;
  proven_leak: number;
  created_by: string;
  labels: string;
  sample_ids: string;
}

interface FrameRow {
  group_seq: number;
  func: string;
  file: string;
  line: number;
}

/** The dump's groups, biggest first, from its index. Throws when `db` is not a dump's index. */
export function dumpGroups(db: Database.Database): DumpGroups {
  const infoJson = db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(DUMP_INFO_META) as string | undefined;
  if (infoJson === undefined) throw new Error('not the index of a goroutine dump (no dump_info in meta)');
  const info = JSON.parse(infoJson) as DumpInfo;
  const stacks = new Map<number, StackFrame[]>();
  for (const f of db.prepare('SELECT group_seq, func, file, line FROM dump_frames ORDER BY group_seq, depth').iterate() as IterableIterator<FrameRow>) {
    let stack = stacks.get(f.group_seq);
    if (!stack) stacks.set(f.group_seq, (stack = []));
    stack.push({ func: f.func, file: f.file, line: f.line });
  }
  const rows = db.prepare('SELECT * FROM dump_groups ORDER BY rank').all() as GroupRow[];
  const groups = rows.map((r): GoroutineGroup => ({
    key: r.stack_key,
    stack: stacks.get(r.seq) ?? [],
    count: r.goroutines,
    states: JSON.parse(r.states) as Record<string, number>,
    maxWaitMinutes: r.max_wait_minutes,
    lockedToThread: r.locked_to_thread,
    leaked: r.leaked,
    provenLeak: r.proven_leak === 1,
    createdBy: JSON.parse(r.created_by) as Record<string, number>,
    labels: JSON.parse(r.labels) as Record<string, number>,
    sampleIds: JSON.parse(r.sample_ids) as number[],
  }));
  return { file: info.name, format: info.format, goroutines: info.goroutines, groups, info };
}

/** The diff of two indexed dumps of the same program: per group before, after, delta; sorted by growth. */
export function diffDumps(dbBefore: Database.Database, dbAfter: Database.Database, longWaitMinutes = DEFAULT_LONG_WAIT_MINUTES): DumpDiff {
  return diffDumpGroups(dumpGroups(dbBefore), dumpGroups(dbAfter), longWaitMinutes);
}
