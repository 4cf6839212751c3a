// The shapes of a leak triage across artefacts (triage.ts): types only, so that the service's
// types, which the renderer checks without Node, can name them.

import type { LeakPattern } from './leak-patterns.ts';
import type { StackFrame } from './dump-types.ts';

export type { LeakPattern } from './leak-patterns.ts';

/**
 * What an artefact tells the triage: `trace` (goroutines blocked at its end), `dump` (a goroutine
 * dump, or a debug=1/proto goroutine profile: one snapshot of a series), `leakProfile` (the
 * goroutineleak profile, proto or debug=1), `unused` (a profile of another kind).
 */
export type TriageRole = 'trace' | 'dump' | 'leakProfile' | 'unused';

export type TriageConfidence = 'proven' | 'likely' | 'possible';

export interface TriageSource {
  /** The artefact's content hash. */
  readonly artefact: string;
  readonly name: string;
  readonly role: TriageRole;
  /** "debug=2", "debug=1", "profile.proto", a trace's format. */
  readonly format: string;
  /** Goroutines it describes. */
  readonly goroutines: number;
  /** Dumps: place in the series, from 1, earliest first (ordered by their highest goroutine ID, see triage.ts); null otherwise. */
  seriesIndex: number | null;
  /** Sources of one process share a number (they hold goroutines of the same IDs at the same sites); null when nothing ties it to another. */
  process: number | null;
  /** Why it is unused, or what it lacks (no goroutine IDs, no wait reasons); "" when nothing to say. */
  readonly note: string;
}

/** Goroutines at one site in one artefact, as the service reads them from its index. */
export interface SiteObservation {
  /** The blocking stack (of the largest group at the site), innermost frame first. */
  readonly stack: StackFrame[];
  /** The wait reason most of them have ("" when the artefact does not say: profiles). */
  readonly reason: string;
  readonly goroutines: number;
  /** Of them, proven leaked by the runtime (`(leaked)` marks; all of a goroutineleak profile's). */
  readonly leaked: number;
  /** Their goroutine IDs: all of a dump's, a sample of a trace's, none of a profile's. */
  readonly ids: readonly number[];
  /** Where the first of them was created (`func dir/file.go:line`), "" when unknown. */
  readonly creationSite: string;
  /** Dumps: the longest wait printed, in minutes. */
  readonly waitMinutes: number;
  /** Dumps: the identity of the stack group (dump-groups' stackKey) of the largest group at the site, "" otherwise. */
  readonly stackKey: string;
  /** Traces: the group of the trace's leak report (service/trace-answers.ts leakReport). */
  readonly trace: TraceSighting | null;
}

/** What a trace's leak report says of a group blocked at its end. */
export interface TraceSighting {
  /** The longest of their waits up to the end of the trace. */
  readonly maxBlockedNs: number;
  /** Began waiting all through the trace (in most eighths of it): the group grew. */
  readonly grew: boolean;
  /** Waits at the site kept ending until the end: alive and woken again and again (a ticker, a poll loop). */
  readonly looping: boolean;
  /** A wait nothing can end (nil channel, select with no cases). */
  readonly forever: boolean;
  /** No wait at the site ended in the second half of the trace, and they waited through half of it or more. */
  readonly neverReleased: boolean;
  /** The leak report's sentence for the group. */
  readonly explanation: string;
}

/** One artefact's evidence. */
export interface ArtefactEvidence {
  readonly source: TriageSource;
  readonly observations: SiteObservation[];
}

/** A suspect's goroutines over a series of dumps (time order). */
export interface DumpGrowth {
  /** Goroutines at the site in each dump of the series, earliest first. */
  readonly counts: number[];
  /** IDs at the site in the last dump that were not in the first; null without IDs (debug=1) or when the dumps are not of one process. */
  readonly new: number | null;
  /** IDs at the site in the first dump that are not in the last. */
  readonly vanished: number | null;
  /** IDs at the site in every dump: goroutines stuck there all along. */
  readonly stuck: number | null;
  /** The count never fell and ended higher than it began. */
  readonly growing: boolean;
}

export interface TriageEvidence {
  /** Goroutines at the site in the goroutineleak profile (the most any one profile lists). */
  readonly leakProfile: number;
  /** Goroutines at the site marked `(leaked)` (the most in any one dump). */
  readonly dumpLeaked: number;
  /** Goroutines blocked at the site at the end of the trace (the most in any one trace). */
  readonly traceBlockedAtEnd: number;
  /** The longest of their waits up to the end of the trace (ns); 0 without a trace. */
  readonly traceMaxBlockedNs: number;
  /** Over the series of dumps (two or more); null with fewer. */
  readonly dumpGrowth: DumpGrowth | null;
}

/** Where a suspect was seen: one per artefact. */
export interface SuspectSighting {
  /** Index into the report's sources. */
  readonly source: number;
  readonly goroutines: number;
  readonly leaked: number;
  readonly reason: string;
  /** Some of the goroutine IDs (at most 20). */
  readonly ids: number[];
  /** Dumps: the stack group to open (dump-groups' stackKey); "" otherwise. */
  readonly stackKey: string;
}

export interface TriageSuspect {
  /** The first frame outside the runtime of the blocking stack: `func dir/file.go:line`. */
  readonly site: string;
  /** Where its goroutines were created, "" when no artefact says. */
  readonly creationSite: string;
  /** The wait reason (a dump's, which is the most precise; else the trace's; "" from profiles alone). */
  readonly reason: string;
  readonly pattern: LeakPattern;
  /** Goroutines at the site now: the most any one kind of evidence counts. */
  readonly goroutines: number;
  readonly confidence: TriageConfidence;
  readonly evidence: TriageEvidence;
  /** In plain words: the pattern, the count, the proof, the growth, the trace's sentence. */
  readonly explanation: string;
  /** A blocking stack of the site, innermost frame first. */
  readonly stack: StackFrame[];
  readonly sightings: SuspectSighting[];
  /** goroutines × time blocked (ns; the trace's longest wait, else the dumps' printed minutes, else 1): the rank within a confidence. */
  readonly weight: number;
}

export interface TriageReport {
  /** Proven first, then likely, then possible; within each by weight. */
  readonly suspects: TriageSuspect[];
  readonly sources: TriageSource[];
}
