// Leak triage across artefacts: from what each artefact of one incident says (a trace's
// goroutines blocked at its end, goroutine dumps taken some time apart, the runtime's
// goroutineleak profile), one list of suspects — what leaks, where, since when, how sure we are.
//
// Goroutines are matched across artefacts by site: the first frame outside the runtime of the
// blocking stack (blocking-kinds.ts siteOf), with the creation site beside it. Goroutine IDs tie
// artefacts of one process together (a goroutine ID at the same site in two artefacts), which
// is what makes a series of dumps say which goroutines are new, gone, or stuck all along.

import { isInternalFrame, siteOf } from './blocking-kinds.ts';
import { isLeakPattern, isStuckPattern, leakPattern, releaserOf, type LeakPattern } from './leak-patterns.ts';
import type {
  ArtefactEvidence, DumpGrowth, SiteObservation, SuspectSighting, TriageConfidence, TriageEvidence, TriageReport, TriageSource, TriageSuspect,
} from './triage-types.ts';

export type * from './triage-types.ts';

/** A dump wait printed this long (minutes) makes a suspect likely on its own (dump-diff's long wait). */
export const LONG_WAIT_MINUTES = 10;
const SIGHTING_IDS = 20;

/**
 * The confidence of a suspect:
 * - `proven`: the runtime proved goroutines at the site leaked (Go 1.26+: blocked on something no
 *   running goroutine can reach) — the goroutineleak profile lists them, or a dump marks them
 *   `(leaked)`;
 * - `likely`: not proven, but blocked for good in a trace (a nil channel, a select with no
 *   cases); or, in a trace, a send, WaitGroup, lock or context wait (isStuckPattern) through half
 *   of the trace or more at a site where no wait ended in its second half; or, over two or more dumps, the count grew and goroutines stayed at the site in every
 *   dump (the same IDs, where the dumps have IDs); or a trace saw the group grow all along and
 *   its waits never end; or a dump printed a wait of LONG_WAIT_MINUTES or more;
 * - `possible`: any other goroutine of the program blocked at the end of a trace or waiting in a
 *   dump, and always a goroutine that is alive and keeps being woken (a ticker never stopped), or
 *   one sleeping, in the network poller or in a system call.
 */
export function confidenceOf(e: TriageEvidence, pattern: LeakPattern, obs: { forever: boolean; traceGrew: boolean; neverReleased: boolean; waitMinutes: number }): TriageConfidence {
  if (e.leakProfile > 0 || e.dumpLeaked > 0) return 'proven';
  if (!isLeakPattern(pattern)) return 'possible';
  if (obs.forever) return 'likely';
  if (obs.neverReleased && isStuckPattern(pattern)) return 'likely';
  const g = e.dumpGrowth;
  if (g && g.growing && (g.stuck === null ? g.counts.every((n) => n > 0) : g.stuck > 0)) return 'likely';
  if (obs.traceGrew) return 'likely';
  if (obs.waitMinutes >= LONG_WAIT_MINUTES) return 'likely';
  return 'possible';
}

const CONFIDENCE_ORDER: Record<TriageConfidence, number> = { proven: 0, likely: 1, possible: 2 };
const ROLE_ORDER: Record<TriageSource['role'], number> = { trace: 0, dump: 1, leakProfile: 2, unused: 3 };

/** The suspects of a set of artefacts, given in any order (the report's sources are in the order above, dumps in time order). */
export function triage(given: readonly ArtefactEvidence[]): TriageReport {
  const dumps = orderDumps(given);
  // Sources in one order whatever order they came in: traces, the dumps in time order, leak profiles, the unused.
  const evidence = [...given].sort((a, b) => ROLE_ORDER[a.source.role] - ROLE_ORDER[b.source.role]
    || (a.source.seriesIndex ?? 0) - (b.source.seriesIndex ?? 0) || (a.source.name < b.source.name ? -1 : a.source.name > b.source.name ? 1 : 0));
  const sources = evidence.map((e) => e.source);
  assignProcesses(evidence);
  // The dumps' goroutine IDs tell new from stuck only when every dump is of the one process.
  const seriesProcess = dumps.length > 0 ? dumps[0].source.process : null;
  const seriesHasIds = dumps.length >= 2 && seriesProcess !== null && dumps.every((d) => d.source.process === seriesProcess);

  const bySite = new Map<string, { source: number; obs: SiteObservation }[]>();
  evidence.forEach((e, source) => {
    if (e.source.role === 'unused') return;
    for (const obs of e.observations) {
      const site = siteOf(obs.stack);
      // The runtime's own goroutines (GC workers, the trace reader) are not the program's leaks.
      if (site === '' || obs.stack.every((f) => isInternalFrame(f.func))) continue;
      let list = bySite.get(site);
      if (!list) bySite.set(site, (list = []));
      list.push({ source, obs });
    }
  });

  const suspects: TriageSuspect[] = [];
  for (const [site, seen] of bySite) {
    const inSource = (i: number) => seen.filter((s) => s.source === i).map((s) => s.obs);
    const count = (list: SiteObservation[], f: (o: SiteObservation) => number) => list.reduce((n, o) => n + f(o), 0);
    let leakProfile = 0, dumpLeaked = 0, traceBlockedAtEnd = 0, traceMaxBlockedNs = 0, waitMinutes = 0;
    let forever = false, traceGrew = false, looping = false, neverReleased = false;
    const traceSentences: string[] = [];
    evidence.forEach((e, i) => {
      const here = inSource(i);
      if (here.length === 0) return;
      switch (e.source.role) {
        case 'leakProfile':
          leakProfile = Math.max(leakProfile, count(here, (o) => o.goroutines));
          break;
        case 'dump':
          dumpLeaked = Math.max(dumpLeaked, count(here, (o) => o.leaked));
          for (const o of here) waitMinutes = Math.max(waitMinutes, o.waitMinutes);
          break;
        case 'trace':
          traceBlockedAtEnd = Math.max(traceBlockedAtEnd, count(here, (o) => o.goroutines));
          for (const o of here) {
            if (!o.trace) continue;
            traceMaxBlockedNs = Math.max(traceMaxBlockedNs, o.trace.maxBlockedNs);
            forever ||= o.trace.forever;
            neverReleased ||= o.trace.neverReleased && !o.trace.looping;
            traceGrew ||= o.trace.grew && !o.trace.looping;
            looping ||= o.trace.looping;
            traceSentences.push(o.trace.explanation);
          }
          break;
      }
    });
    const dumpGrowth = dumps.length >= 2 ? growthOver(dumps.map((d) => inSource(sources.indexOf(d.source))), seriesHasIds) : null;
    const lastDump = dumps.length > 0 ? count(inSource(sources.indexOf(dumps[dumps.length - 1].source)), (o) => o.goroutines) : 0;
    const goroutines = Math.max(leakProfile, dumpLeaked, traceBlockedAtEnd, lastDump);
    if (goroutines === 0) continue;

    // The most precise reason: a dump's ("sync.WaitGroup.Wait"), then a trace's ("sync").
    const best = [...seen].sort((a, b) => reasonRank(sources[a.source].role) - reasonRank(sources[b.source].role) || b.obs.goroutines - a.obs.goroutines);
    const reason = best.find((s) => s.obs.reason !== '')?.obs.reason ?? '';
    const stack = best.find((s) => sources[s.source].role !== 'leakProfile')?.obs.stack ?? best[0].obs.stack;
    const pattern = leakPattern({ reason, stack: best.flatMap((s) => s.obs.stack), looping });
    const creationSite = best.find((s) => s.obs.creationSite !== '')?.obs.creationSite ?? '';
    const ev: TriageEvidence = { leakProfile, dumpLeaked, traceBlockedAtEnd, traceMaxBlockedNs, dumpGrowth };
    const confidence = confidenceOf(ev, pattern, { forever, traceGrew, neverReleased, waitMinutes });
    const time = traceMaxBlockedNs > 0 ? traceMaxBlockedNs : waitMinutes > 0 ? waitMinutes * 60e9 : 1;
    suspects.push({
      site, creationSite, reason, pattern, goroutines, confidence, evidence: ev, stack,
      explanation: explain({ site, creationSite, pattern, goroutines, reason, stack, looping, evidence: ev, dumps: dumps.length, traceSentences }),
      sightings: sightingsOf(evidence, seen), weight: goroutines * time,
    });
  }
  suspects.sort((a, b) => CONFIDENCE_ORDER[a.confidence] - CONFIDENCE_ORDER[b.confidence] || b.weight - a.weight
    || b.goroutines - a.goroutines || (a.site < b.site ? -1 : a.site > b.site ? 1 : 0));
  return { suspects, sources };
}

function reasonRank(role: TriageSource['role']): number {
  return role === 'dump' ? 0 : role === 'trace' ? 1 : 2;
}

/**
 * The dumps, earliest first, numbered in their sources. A dump says nothing of when it was taken,
 * but a process numbers its goroutines in creation order: the dump whose highest goroutine ID is
 * lower is the earlier one. Dumps without IDs (debug=1) keep the order they were given in, after
 * those with IDs.
 */
function orderDumps(evidence: readonly ArtefactEvidence[]): ArtefactEvidence[] {
  const maxId = (e: ArtefactEvidence) => e.observations.reduce((m, o) => o.ids.reduce((a, b) => Math.max(a, b), m), -1);
  const dumps = evidence.filter((e) => e.source.role === 'dump').map((e, given) => ({ e, given, max: maxId(e) }));
  dumps.sort((a, b) => (a.max < 0 ? 1 : 0) - (b.max < 0 ? 1 : 0) || (a.max >= 0 && b.max >= 0 ? a.max - b.max : 0) || a.given - b.given);
  dumps.forEach((d, i) => (d.e.source.seriesIndex = i + 1));
  return dumps.map((d) => d.e);
}

/** Numbers the processes: two artefacts holding a goroutine of the same ID at the same site are of one process. */
function assignProcesses(evidence: readonly ArtefactEvidence[]): void {
  const parent = evidence.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  const owner = new Map<string, number>();
  evidence.forEach((e, i) => {
    for (const o of e.observations) {
      const site = siteOf(o.stack);
      for (const id of o.ids) {
        const key = `${id}\u0000${site}`;
        const j = owner.get(key);
        if (j === undefined) owner.set(key, i);
        else parent[find(i)] = find(j);
      }
    }
  });
  const sizes = new Map<number, number>();
  evidence.forEach((_, i) => sizes.set(find(i), (sizes.get(find(i)) ?? 0) + 1));
  const numbers = new Map<number, number>();
  evidence.forEach((e, i) => {
    const root = find(i);
    if ((sizes.get(root) ?? 0) < 2) return;
    if (!numbers.has(root)) numbers.set(root, numbers.size + 1);
    e.source.process = numbers.get(root)!;
  });
}

/** The site's goroutines over the dumps (each dump's observations at the site, earliest dump first). */
function growthOver(perDump: SiteObservation[][], withIds: boolean): DumpGrowth {
  const counts = perDump.map((list) => list.reduce((n, o) => n + o.goroutines, 0));
  const growing = counts[counts.length - 1] > counts[0] && counts.every((n, i) => i === 0 || n >= counts[i - 1]);
  if (!withIds) return { counts, new: null, vanished: null, stuck: null, growing };
  const idSets = perDump.map((list) => new Set(list.flatMap((o) => [...o.ids])));
  const first = idSets[0];
  const last = idSets[idSets.length - 1];
  let added = 0, vanished = 0, stuck = 0;
  for (const id of last) if (!first.has(id)) added++;
  for (const id of first) {
    if (!last.has(id)) vanished++;
    if (idSets.every((s) => s.has(id))) stuck++;
  }
  return { counts, new: added, vanished, stuck, growing };
}

function sightingsOf(evidence: readonly ArtefactEvidence[], seen: { source: number; obs: SiteObservation }[]): SuspectSighting[] {
  const out: SuspectSighting[] = [];
  evidence.forEach((_, source) => {
    const here = seen.filter((s) => s.source === source).map((s) => s.obs).sort((a, b) => b.goroutines - a.goroutines);
    if (here.length === 0) return;
    out.push({
      source,
      goroutines: here.reduce((n, o) => n + o.goroutines, 0),
      leaked: here.reduce((n, o) => n + o.leaked, 0),
      reason: here[0].reason,
      ids: here.flatMap((o) => [...o.ids]).slice(0, SIGHTING_IDS),
      stackKey: here[0].stackKey,
    });
  });
  return out;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** One plain explanation: the pattern, how many and where, what would have released them, the proof, the growth, the trace's sentence. */
function explain(s: {
  site: string; creationSite: string; pattern: LeakPattern; goroutines: number; reason: string; stack: SiteObservation['stack'];
  looping: boolean; evidence: TriageEvidence; dumps: number; traceSentences: string[];
}): string {
  const e = s.evidence;
  const name = s.pattern[0].toUpperCase() + s.pattern.slice(1);
  const parts = [`${name}: ${plural(s.goroutines, 'goroutine')} at ${s.site}${s.creationSite ? ` (started at ${s.creationSite})` : ''}`];
  parts.push(s.looping
    ? 'they keep being woken, so they are alive, not stuck: a leak if nothing is meant to stop them (a ticker never stopped, a loop that never exits)'
    : releaserOf({ reason: s.reason, stack: s.stack }));
  const proofs: string[] = [];
  if (e.leakProfile > 0) proofs.push(`the goroutineleak profile lists ${e.leakProfile}`);
  if (e.dumpLeaked > 0) proofs.push(`a dump marks ${e.dumpLeaked} (leaked)`);
  if (proofs.length > 0) parts.push(`the runtime proved it: ${proofs.join(', ')} (blocked on something no running goroutine can reach)`);
  const g = e.dumpGrowth;
  if (g) {
    let growth = `over ${s.dumps} dumps: ${g.counts.join(' → ')}`;
    if (g.stuck !== null) growth += `, ${g.new} new, ${g.vanished} gone, ${g.stuck} stuck in every dump`;
    parts.push(growth);
  }
  parts.push(...s.traceSentences.map((t) => `trace: ${t.replace(/\.$/, '')}`));
  return parts.join('; ') + '.';
}
