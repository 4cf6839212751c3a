// The timeline's goroutine search (`/`): a regular expression over each goroutine's name and the
// functions and files of its creation, start and last stacks, answered from the index (never by
// the renderer scanning rows), and the next match in the list's own order and filter.

import type Database from 'better-sqlite3';
import * as v8 from 'node:v8';
import { InvalidArgument } from './validate.ts';
import type { GoroutinePage, GoroutineRow } from './types.ts';

const MAX_CACHED = 16;
const cache = new WeakMap<Database.Database, Map<string, Set<number>>>();
let linearFallback = false;

/** The pattern as a RegExp; a pattern that backtracks too much falls back to V8's linear-time engine (as prune.ts). */
export function searchPattern(pattern: string): RegExp {
  if (!linearFallback) {
    v8.setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
    linearFallback = true;
  }
  try {
    return new RegExp(pattern);
  } catch (e) {
    throw new InvalidArgument(`pattern is not a regular expression: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * IDs of the goroutines whose name, or a function or file of whose creation, start or last stack,
 * the pattern matches. Strings are tested once each; frames, stacks and goroutines are then
 * selected by ID in SQL. Kept per open index for the last few patterns (Enter walks the matches).
 */
export function matchingGoroutines(db: Database.Database, pattern: string): Set<number> {
  let byPattern = cache.get(db);
  if (!byPattern) cache.set(db, (byPattern = new Map()));
  const known = byPattern.get(pattern);
  if (known) return known;
  const re = searchPattern(pattern);
  const strings: number[] = [];
  for (const [id, value] of db.prepare('SELECT id, value FROM strings').raw().iterate() as Iterable<[number, string]>) {
    if (re.test(value)) strings.push(id);
  }
  const ids = new Set<number>();
  if (strings.length > 0) {
    const s = JSON.stringify(strings);
    const frames = db.prepare(`SELECT id FROM frames WHERE func IN (SELECT value FROM json_each(?))
      OR file IN (SELECT value FROM json_each(?))`).pluck().all(s, s) as number[];
    const stacks = frames.length === 0 ? [] : db.prepare(`SELECT DISTINCT stack FROM stack_frames
      WHERE frame IN (SELECT value FROM json_each(?))`).pluck().all(JSON.stringify(frames)) as number[];
    const k = JSON.stringify(stacks);
    for (const id of db.prepare(`SELECT id FROM goroutines WHERE name IN (SELECT value FROM json_each(?))
      OR creation_stack IN (SELECT value FROM json_each(?)) OR start_stack IN (SELECT value FROM json_each(?))
      OR last_stack IN (SELECT value FROM json_each(?))`).pluck().iterate(s, k, k, k) as Iterable<number>) ids.add(id);
  }
  if (byPattern.size >= MAX_CACHED) byPattern.delete(byPattern.keys().next().value!);
  byPattern.set(pattern, ids);
  return ids;
}

const PAGE = 5000;

/**
 * The first row of the list (read a page at a time by `page`) at or after `from` whose goroutine
 * is in `matches`, else the first one before it (wrapped).
 */
export async function nextMatch(matches: ReadonlySet<number>, from: number,
  page: (offset: number, limit: number) => Promise<GoroutinePage>): Promise<{ index: number; row: GoroutineRow; wrapped: boolean } | null> {
  if (matches.size === 0) return null;
  const scan = async (start: number, end: number) => {
    for (let offset = start; offset < end; offset += PAGE) {
      const p = await page(offset, Math.min(PAGE, end - offset));
      const i = p.rows.findIndex((r) => matches.has(r.id));
      if (i >= 0) return { index: offset + i, row: p.rows[i] };
      if (p.rows.length < Math.min(PAGE, end - offset)) return null;
    }
    return null;
  };
  const after = await scan(from, Number.MAX_SAFE_INTEGER);
  if (after) return { ...after, wrapped: false };
  const before = from > 0 ? await scan(0, from) : null;
  return before ? { ...before, wrapped: true } : null;
}
