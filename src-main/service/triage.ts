// Leak triage over indexed artefacts: what each index says about blocked goroutines, by site, for
// analyze/triage.ts to weigh. A trace gives its leak report's groups (trace-answers.ts); a dump
// its waiting goroutines with their IDs, states, `(leaked)` marks and creation sites; a
// goroutineleak profile (profile.proto, or debug=1 text, which is indexed as a dump) its samples;
// a goroutine profile its samples, as one more snapshot of the dump series.

import type Database from 'better-sqlite3';
import { isInternalFrame, siteOf } from '../analyze/blocking-kinds.ts';
import { profileStacks } from '../analyze/dump-leak-profile.ts';
import type { StackFrame } from '../analyze/dump-types.ts';
import { triage, type ArtefactEvidence, type SiteObservation, type TriageReport, type TriageSource } from '../analyze/triage.ts';
import { loadIndexedProfile } from '../index/profile-indexer.ts';
import { dumpGroups } from './dump-queries.ts';
import { grewSteadily, humanDuration, isLooping, leakReport, type TraceIndexReader } from './trace-answers.ts';
import type { ArtefactInfo, TriageSuspect } from './types.ts';

/** An artefact to triage, with its open index. */
export type TriageInput =
  | { readonly artefact: ArtefactInfo; readonly kind: 'trace'; readonly idx: TraceIndexReader; readonly durationNs: number }
  | { readonly artefact: ArtefactInfo; readonly kind: 'profile' | 'dump'; readonly db: Database.Database };

/** The suspects of the artefacts (see analyze/triage.ts for how they are matched and weighed). */
export function triageArtefacts(inputs: readonly TriageInput[]): TriageReport {
  return triage(inputs.map(evidenceOf));
}

function source(a: ArtefactInfo, role: TriageSource['role'], format: string, note = ''): TriageSource {
  return { artefact: a.hash, name: a.name, role, format, goroutines: a.goroutines, seriesIndex: null, process: null, note };
}

function evidenceOf(input: TriageInput): ArtefactEvidence {
  const a = input.artefact;
  switch (input.kind) {
    case 'trace':
      return { source: source(a, 'trace', `trace format ${a.format}`), observations: traceObservations(input.idx, input.durationNs) };
    case 'dump':
      return dumpEvidence(a, input.db);
    case 'profile': {
      if (a.format === 'goroutineleak') return { source: source(a, 'leakProfile', 'goroutineleak profile'), observations: profileObservations(input.db, true) };
      if (a.format === 'goroutine') {
        return { source: source(a, 'dump', 'goroutine profile', 'a goroutine profile: counts by stack, no goroutine IDs or wait reasons'), observations: profileObservations(input.db, false) };
      }
      return { source: source(a, 'unused', `${a.format} profile`, `a ${a.format} profile says nothing of blocked goroutines`), observations: [] };
    }
  }
}

/** The trace's groups of goroutines blocked at its end, the program's own. */
function traceObservations(idx: TraceIndexReader, durationNs: number): SiteObservation[] {
  const creationOf = idx.db.prepare('SELECT creation_stack FROM goroutines WHERE id = ? AND created = 1').pluck();
  return leakReport(idx, durationNs).groups.filter((g) => !g.system).map((g) => {
    const created = g.sampleIds.length > 0 ? (creationOf.get(g.sampleIds[0]) as number | undefined) : undefined;
    return {
      stack: g.stack, reason: g.state === 'Syscall' ? 'syscall' : g.reason, goroutines: g.count, leaked: 0, ids: g.sampleIds,
      creationSite: created ? siteOf(idx.stack(created)) : '', waitMinutes: 0, stackKey: '',
      trace: {
        maxBlockedNs: g.maxBlockedNs, grew: grewSteadily(g), looping: isLooping(g), forever: g.forever, explanation: g.explanation,
        neverReleased: (g.lastReleaseNs === null || g.lastReleaseNs * 2 < durationNs) && g.maxBlockedNs * 2 >= durationNs,
      },
    };
  });
}

/** Dump states that are not waits: the goroutine was going about its work. */
const NOT_WAITING = /^(running|runnable|idle|dead|copystack|preempted|moribund)/;

interface DumpRow { id: number | null; count: number; group_seq: number; state: string | null; wait_minutes: number; leaked: number }

/** A dump's waiting goroutines by site; a debug=1 goroutineleak profile's records, all proven. */
function dumpEvidence(a: ArtefactInfo, db: Database.Database): ArtefactEvidence {
  const { info, groups } = dumpGroups(db);
  const leakProfile = info.profileName === 'goroutineleak';
  const stackOfKey = new Map(groups.map((g) => [g.key, g.stack]));
  // Goroutine rows name their group by its first-seen number.
  const keys = new Map((db.prepare('SELECT seq, stack_key FROM dump_groups').all() as { seq: number; stack_key: string }[]).map((r) => [r.seq, r.stack_key]));
  const stacks = new Map([...keys].map(([seq, key]) => [seq, stackOfKey.get(key) ?? []]));
  const sites = new Map([...stacks].map(([seq, stack]) => [seq, siteOf(stack)]));
  const rows = db.prepare('SELECT goroutine_id AS id, count, group_seq, state, wait_minutes, leaked FROM dump_goroutines ORDER BY seq').all() as DumpRow[];
  // Each group's first printed creation site (read apart: the column is long, and one per group is enough).
  const creators = new Map(db.prepare(`SELECT group_seq, created_by FROM dump_goroutines WHERE seq IN
    (SELECT min(seq) FROM dump_goroutines WHERE created_by IS NOT NULL GROUP BY group_seq)`).raw().all() as [number, string][]);
  const bySite = new Map<string, DumpRow[]>();
  for (const r of rows) {
    if (r.state !== null && NOT_WAITING.test(r.state)) continue;
    const site = sites.get(r.group_seq) ?? '';
    let list = bySite.get(site);
    if (!list) bySite.set(site, (list = []));
    list.push(r);
  }
  const observations: SiteObservation[] = [];
  for (const list of bySite.values()) {
    const groupSizes = new Map<number, number>();
    const states = new Map<string, number>();
    for (const r of list) {
      groupSizes.set(r.group_seq, (groupSizes.get(r.group_seq) ?? 0) + r.count);
      if (r.state !== null) states.set(r.state, (states.get(r.state) ?? 0) + r.count);
    }
    const largest = [...groupSizes].sort((x, y) => y[1] - x[1] || x[0] - y[0])[0][0];
    const creator = [...groupSizes.keys()].map((seq) => creators.get(seq)).find((c) => c !== undefined) ?? null;
    const goroutines = list.reduce((n, r) => n + r.count, 0);
    observations.push({
      stack: stacks.get(largest) ?? [],
      reason: [...states].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))[0]?.[0] ?? '',
      goroutines,
      leaked: leakProfile ? goroutines : list.reduce((n, r) => n + r.leaked, 0),
      ids: list.flatMap((r) => (r.id === null ? [] : [r.id])),
      creationSite: creator ? creationSite(creator) : '',
      waitMinutes: list.reduce((m, r) => Math.max(m, r.wait_minutes), 0),
      stackKey: keys.get(largest) ?? '',
      trace: null,
    });
  }
  if (leakProfile) return { source: source(a, 'leakProfile', 'goroutineleak debug=1'), observations };
  const note = info.format === 'debug=1' ? `a debug=1 ${info.profileName ?? 'goroutine'} profile: counts by stack, no goroutine IDs or wait reasons` : '';
  return { source: source(a, 'dump', info.format, note), observations };
}

/** "func /path/to/file.go:123" (a dump's created-by) as a site: "func to/file.go:123". */
function creationSite(createdBy: string): string {
  const m = /^(.*) (.*):(\d+)$/.exec(createdBy);
  return m ? siteOf([{ func: m[1], file: m[2], line: Number(m[3]) }]) : createdBy;
}

/** A profile's samples by site (the first value: goroutines), the runtime's own goroutines left out. */
function profileObservations(db: Database.Database, leaked: boolean): SiteObservation[] {
  const profile = loadIndexedProfile(db);
  const stacks = profileStacks(profile);
  const bySite = new Map<string, { stack: StackFrame[]; goroutines: number; largest: number }>();
  profile.samples.forEach((s, i) => {
    const stack = stacks[i];
    if (stack.every((f) => isInternalFrame(f.func))) return;
    const n = s.values[0] ?? 0;
    const site = siteOf(stack);
    const seen = bySite.get(site);
    if (!seen) bySite.set(site, { stack, goroutines: n, largest: n });
    else {
      seen.goroutines += n;
      if (n > seen.largest) Object.assign(seen, { stack, largest: n });
    }
  });
  return [...bySite.values()].map((s) => ({
    stack: s.stack, reason: '', goroutines: s.goroutines, leaked: leaked ? s.goroutines : 0, ids: [], creationSite: '', waitMinutes: 0, stackKey: '', trace: null,
  }));
}

/** A suspect's evidence in a few words, each counted with its source: "leak profile 9, (leaked) 9, trace 9 blocked at end (max 2.10 s), dumps 2 → 5 → 9 (2 stuck)". */
export function evidenceSummary(s: TriageSuspect): string {
  const e = s.evidence;
  const parts: string[] = [];
  if (e.leakProfile > 0) parts.push(`leak profile ${e.leakProfile}`);
  if (e.dumpLeaked > 0) parts.push(`(leaked) ${e.dumpLeaked}`);
  if (e.traceBlockedAtEnd > 0) parts.push(`trace ${e.traceBlockedAtEnd} blocked at end (max ${humanDuration(e.traceMaxBlockedNs)})`);
  if (e.dumpGrowth) parts.push(`dumps ${e.dumpGrowth.counts.join(' → ')}${e.dumpGrowth.stuck !== null ? ` (${e.dumpGrowth.stuck} stuck)` : ''}`);
  return parts.join(', ');
}
