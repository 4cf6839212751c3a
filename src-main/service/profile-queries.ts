// Queries over one profile's index, for the service: the `pprof -top` report the CLI prints,
// computed from the indexed profile (rebuilt exactly as decoded), and the header facts.

import type Database from 'better-sqlite3';
import { profileTop as topOfProfile, type ProfileTop, type TopRow } from '../analyze/profile-top.ts';
import { profileFlame as flameOfProfile, type FlameGraph } from '../analyze/profile-flame.ts';
import { loadIndexedProfile } from '../index/profile-indexer.ts';

export type { ProfileTop, TopRow };

export interface ProfileTopRequest {
  /** Sample type name or index; "" or absent: the profile's default. */
  readonly sampleType?: string;
  /** Rows to keep; 0 or absent: every node above pprof's 0.5% cutoff. */
  readonly n?: number;
  /** Sort by cumulative value. */
  readonly cum?: boolean;
}

/**
 * `pprof -top` over an indexed profile: the same rows (names, raw values and pprof's formatted
 * columns) and header lines as `goroscope top FILE`. Throws TopError for an unknown sample type.
 */
export function profileTop(db: Database.Database, request: ProfileTopRequest = {}): ProfileTop {
  return topOfProfile(loadIndexedProfile(db), { sampleType: request.sampleType ?? '', nodeCount: request.n ?? 0, cum: request.cum === true });
}

/** `pprof -top -base`: the difference of two indexed profiles of the same type (e.g. goroutine profiles minutes apart). */
export function profileTopDiff(db: Database.Database, baseDb: Database.Database, request: ProfileTopRequest = {}): ProfileTop {
  return topOfProfile(loadIndexedProfile(db), {
    sampleType: request.sampleType ?? '', nodeCount: request.n ?? 0, cum: request.cum === true, base: loadIndexedProfile(baseDb),
  });
}

export interface ProfileFlameRequest {
  readonly sampleType?: string;
  /** Leave out nodes narrower than this fraction of the root (default 1/2000). */
  readonly minFraction?: number;
}

/** The call tree of an indexed profile (minus `baseDb`'s, as `pprof -base`), for a flame graph. Throws TopError, IncompatibleProfiles. */
export function profileFlame(db: Database.Database, baseDb: Database.Database | null, request: ProfileFlameRequest = {}): FlameGraph {
  return flameOfProfile(loadIndexedProfile(db), {
    sampleType: request.sampleType ?? '',
    ...(baseDb ? { base: loadIndexedProfile(baseDb) } : {}),
    ...(request.minFraction !== undefined ? { minFraction: request.minFraction } : {}),
  });
}
