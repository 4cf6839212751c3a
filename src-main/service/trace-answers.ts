// Answers over a trace's index: the blocking profiles by site, the leak suspects, who unblocked
// whom. The index holds them already aggregated (goroutine-indexer.ts); these queries name stacks,
// fold them into sites and say what they mean.

import type Database from 'better-sqlite3';
import { BLOCKING_KINDS, isInternalFrame, siteFrameIndex, siteOf } from '../analyze/blocking-kinds.ts';
import { releaserOf } from '../analyze/leak-patterns.ts';
import { indexNsPerTick } from '../index/interval-codec.ts';
import { decodePoints } from '../index/point-codec.ts';
import { GO_STATES, UNBLOCK_VALUES } from '../index/schema.ts';
import { edgeChunksFrom } from './timeline-answers.ts';
import type { BlockingKind, BlockingProfile, BlockingSite, LeakGroup, LeakReport, StackFrameInfo, UnblockEdge, UnblockerSite } from './types.ts';

/** What these queries need of an open trace index. */
export interface TraceIndexReader {
  readonly db: Database.Database;
  string(id: number): string;
  stack(id: number): StackFrameInfo[];
}

const UNBLOCKER_SITES = 5;
const MAX_EDGES = 1000;

/** A blocking profile by site (see BlockingProfile). */
export function blockingProfile(idx: TraceIndexReader, kind: BlockingKind): BlockingProfile {
  const code = BLOCKING_KINDS.indexOf(kind) + 1;
  const rows = idx.db.prepare(`SELECT reason, stack, count, total_ns, max_ns, p50_ns, p99_ns FROM blocking_sites WHERE kind = ?
    ORDER BY total_ns DESC`).all(code) as { reason: number; stack: number; count: number; total_ns: number; max_ns: number; p50_ns: number; p99_ns: number }[];
  const unblockers = idx.db.prepare('SELECT by_stack, count FROM unblock_sites WHERE stack = ?');
  let totalNs = 0;
  let count = 0;
  const sites: BlockingSite[] = rows.map((r) => {
    totalNs += r.total_ns;
    count += r.count;
    const stack = idx.stack(r.stack);
    const bySite = new Map<string, number>();
    // Only waits are released by another goroutine (sync and net); a Runnable or Syscall "site" is the stack that began it.
    if (kind === 'sync' || kind === 'net') {
      for (const u of unblockers.all(r.stack) as { by_stack: number; count: number }[]) {
        const site = siteOf(idx.stack(u.by_stack)) || '(no stack)';
        bySite.set(site, (bySite.get(site) ?? 0) + u.count);
      }
    }
    const unblockedBy: UnblockerSite[] = [...bySite].sort((a, b) => b[1] - a[1]).slice(0, UNBLOCKER_SITES).map(([site, n]) => ({ site, count: n }));
    return {
      reason: idx.string(r.reason), site: siteOf(stack), stack, siteFrame: siteFrameIndex(stack), count: r.count, totalNs: r.total_ns, maxNs: r.max_ns, p50Ns: r.p50_ns,
      p99Ns: r.p99_ns, unblockedBy,
    };
  });
  return { kind, totalNs, count, sites };
}

/** Reasons of waits nothing can end: Go ≤ 1.21's "forever", select with no cases, nil channels. */
function isForever(reason: string): boolean {
  return reason === 'forever' || reason.includes('no cases') || reason.includes('nil chan');
}

/** The trace's leak suspects (see LeakReport), from blocked_at_end grouped by state, reason and site. */
export function leakReport(idx: TraceIndexReader, durationNs: number): LeakReport {
  const rows = idx.db.prepare(`SELECT state, reason, stack, goroutines, oldest_since_ns, newest_since_ns, since_by_eighth, name, sample_ids
    FROM blocked_at_end ORDER BY goroutines DESC, oldest_since_ns`).all() as { state: number; reason: number; stack: number; goroutines: number;
    oldest_since_ns: number; newest_since_ns: number; since_by_eighth: string; name: number; sample_ids: string }[];
  // The last time a wait at the site ended, whoever (or whatever: a timer, the network poller) ended it.
  const releasesAt = idx.db.prepare('SELECT ended, last_end_ns FROM blocking WHERE stack = ? AND reason = ?');
  const groups = new Map<string, LeakGroup & { stackCount: number }>();
  for (const r of rows) {
    const stack = idx.stack(r.stack);
    const reason = idx.string(r.reason);
    const site = siteOf(stack);
    const key = `${r.state}\u0000${reason}\u0000${site}`;
    const byEighth = JSON.parse(r.since_by_eighth) as number[];
    const ends = releasesAt.get(r.stack, r.reason) as { ended: number; last_end_ns: number | null } | undefined;
    const released = ends?.last_end_ns ?? null;
    const g = groups.get(key);
    if (!g) {
      groups.set(key, {
        state: GO_STATES[r.state], reason, count: r.goroutines, site, name: idx.string(r.name), stack, siteFrame: siteFrameIndex(stack), maxBlockedNs: durationNs - r.oldest_since_ns,
        oldestSinceNs: r.oldest_since_ns, newestSinceNs: r.newest_since_ns, growth: 0, sinceByEighth: byEighth, releases: ends?.ended ?? 0, lastReleaseNs: released,
        system: stack.every((f) => isInternalFrame(f.func)), forever: isForever(reason),
        sampleIds: JSON.parse(r.sample_ids) as number[], explanation: '', stackCount: r.goroutines,
      });
      continue;
    }
    // Rows come largest first: the group keeps the stack most of its goroutines are blocked in.
    g.count += r.goroutines;
    g.oldestSinceNs = Math.min(g.oldestSinceNs, r.oldest_since_ns);
    g.newestSinceNs = Math.max(g.newestSinceNs, r.newest_since_ns);
    g.maxBlockedNs = durationNs - g.oldestSinceNs;
    byEighth.forEach((n, i) => (g.sinceByEighth[i] += n));
    g.releases += ends?.ended ?? 0;
    if (released !== null && (g.lastReleaseNs === null || released > g.lastReleaseNs)) g.lastReleaseNs = released;
    for (const id of JSON.parse(r.sample_ids) as number[]) if (g.sampleIds.length < 20) g.sampleIds.push(id);
  }
  const out: LeakGroup[] = [];
  for (const { stackCount: _, ...g } of groups.values()) {
    g.growth = g.sinceByEighth.slice(4).reduce((a, b) => a + b, 0);
    g.explanation = explainLeak(g);
    out.push(g);
  }
  out.sort((a, b) => rank(b) - rank(a) || b.count - a.count || a.oldestSinceNs - b.oldestSinceNs);
  return { durationNs, groups: out };
}

/**
 * How suspicious a group is, as a Go engineer ranks them: the program's own goroutines before the
 * runtime's, then blocked for good, then goroutines × time blocked, doubled for a group that grew.
 */
function rank(g: LeakGroup): number {
  const weight = g.count * Math.max(g.maxBlockedNs, 1) * (grewSteadily(g) ? 2 : 1) / (isLooping(g) ? 4 : 1);
  return (g.system ? 0 : 1e30) + (g.forever ? 1e28 : 0) + Math.min(weight, 1e27);
}

/** Waits at the site keep ending, up to the last eighth of the trace: the goroutines loop (a ticker, a poll loop), they are not stuck. */
export function isLooping(g: LeakGroup): boolean {
  const end = g.oldestSinceNs + g.maxBlockedNs;
  return g.lastReleaseNs !== null && g.releases >= g.count && g.lastReleaseNs >= end * 7 / 8;
}

/** Began waiting in most eighths of the trace: the group kept growing. */
export function grewSteadily(g: LeakGroup): boolean {
  return g.count >= 3 && g.sinceByEighth.filter((n) => n > 0).length >= 4;
}

/** "1.23 ms", "2.0 s", "18 min 7 s". */
export function humanDuration(ns: number): string {
  const a = Math.abs(ns);
  if (a < 1e3) return `${Math.round(ns)} ns`;
  if (a < 1e6) return `${(ns / 1e3).toFixed(a < 1e4 ? 2 : 1)} µs`;
  if (a < 1e9) return `${(ns / 1e6).toFixed(a < 1e7 ? 2 : 1)} ms`;
  if (a < 60e9) return `${(ns / 1e9).toFixed(a < 1e10 ? 2 : 1)} s`;
  const s = Math.round(ns / 1e9);
  return s < 3600 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** One sentence: how many, waiting on what, where, since when, how the group grew, and when its site last let one go. */
export function explainLeak(g: LeakGroup): string {
  const who = g.count === 1 ? '1 goroutine has' : `${g.count} goroutines have`;
  const what = g.state === 'Syscall' ? 'been in a system call'
    : g.forever ? `been blocked forever (${g.reason === 'forever' ? 'select {} or a nil channel' : g.reason})`
    : `waited in ${g.reason || 'an unrecorded wait (it began before the trace)'}`;
  const frame = g.stack[g.siteFrame];
  const where = frame ? ` at ${frame.func} (${frame.file.split('/').pop()}:${frame.line})` : '';
  const since = g.oldestSinceNs === g.newestSinceNs ? `since ${humanDuration(g.oldestSinceNs)}`
    : `since ${humanDuration(g.oldestSinceNs)}–${humanDuration(g.newestSinceNs)}`;
  const parts = [`${who} ${what}${where} ${since}, up to ${humanDuration(g.maxBlockedNs)}`];
  if (g.forever) parts.push(`nothing can ever wake ${g.count === 1 ? 'it' : 'them'}: a deadlock or a certain leak`);
  if (isLooping(g)) {
    parts.push(`waits here ended ${g.releases} times, the last at ${humanDuration(g.lastReleaseNs!)}: these goroutines are alive and keep ` +
      'being woken, not stuck; a leak if nothing is meant to stop them (a ticker never stopped, a loop that never exits)');
    return parts.join('; ') + '.';
  }
  if (grewSteadily(g)) parts.push('their number grew steadily over the trace');
  else if (g.count > 1 && g.growth === 0) parts.push('all of them were blocked in the first half of the trace');
  if (g.state === 'Waiting' && !g.forever && !g.system) {
    parts.push(g.lastReleaseNs === null ? `${releaserOf(g)} during the trace`
      : `${releaserOf(g)} after ${humanDuration(g.lastReleaseNs)}`);
  }
  return parts.join('; ') + '.';
}

/** Edge chunks read at a time by unblockEdges (about 2.5 KB each). */
const EDGE_CHUNK_BATCH = 256;
/** How long unblockEdges decodes before letting the host answer other calls (ms). */
const EDGE_SLICE_MS = 8;

/**
 * A goroutine's unblock edges, in time order: those that woke it and those by which it woke
 * others (at most MAX_EDGES each), read from the edge chunks of its lifetime [t0, t1].
 *
 * The chunks are by time, not by goroutine, so a long-lived goroutine's edges are a pass over
 * most of the trace's (4.9 M edges, 1–2 s on bench:timeline's trace). The pass is cut into
 * slices of EDGE_SLICE_MS between which the host's other calls run: selecting a goroutine in
 * the timeline must not hold up the tiles of its rows behind the detail panel's edges.
 */
export async function unblockEdges(idx: TraceIndexReader, goroutine: number, t0: number, t1: number): Promise<{ woken: UnblockEdge[]; woke: UnblockEdge[] }> {
  const batch = idx.db.prepare(`SELECT start_ns, data FROM unblock_chunks WHERE start_ns > ? AND start_ns <= ? AND end_ns >= ?
    ORDER BY start_ns LIMIT ${EDGE_CHUNK_BATCH}`);
  const nsPerTick = indexNsPerTick(idx.db);
  const woken: UnblockEdge[] = [];
  const woke: UnblockEdge[] = [];
  let after = edgeChunksFrom(idx.db, t0) - 1;
  let slice = performance.now();
  for (;;) {
    const chunks = batch.all(after, t1, t0) as { start_ns: number; data: Uint8Array }[];
    for (const c of chunks) {
      decodePoints(c.data, c.start_ns, nsPerTick, UNBLOCK_VALUES, (time, [g, reason, stack, by, byStack]) => {
        const list = g === goroutine ? woken : by === goroutine ? woke : null;
        if (!list || list.length >= MAX_EDGES) return;
        const byFrames = idx.stack(byStack);
        list.push({
          time, goroutine: g, reason: idx.string(reason), site: siteOf(idx.stack(stack)), byGoroutine: by, bySite: siteOf(byFrames),
          byStack: byFrames, waitedNs: null,
        });
      });
      if (performance.now() - slice > EDGE_SLICE_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        slice = performance.now();
      }
    }
    // Both lists full: the rest of its life would add nothing.
    if (chunks.length < EDGE_CHUNK_BATCH || (woken.length >= MAX_EDGES && woke.length >= MAX_EDGES)) break;
    after = chunks[chunks.length - 1].start_ns;
  }
  return { woken, woke };
}
