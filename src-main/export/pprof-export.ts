// The service's pprof exports: a trace's blocking profiles and indexed profiles as gzipped
// profile.proto, and the blocking profiles as flame graphs.

import * as path from 'node:path';
import type { Profile } from '../decode/pprof/model.ts';
import { profileFlame, type FlameGraph } from '../analyze/profile-flame.ts';
import type { BlockingKind, PprofExport } from '../service/types.ts';
import { blockingPprof, type BlockingIndexReader } from './blocking-pprof.ts';
import { encodeProfileGzip } from './pprof-encode.ts';

/** `profile` gzipped and base64-encoded, with a file name derived from the artefact's name. */
export function pprofExport(profile: Profile, artefactName: string, suffix: string): PprofExport {
  const bytes = encodeProfileGzip(profile);
  const base = path.basename(artefactName).replace(/\.(pb\.gz|pprof|prof|gz)$/, '') || 'profile';
  return { fileName: `${base}${suffix}.pb.gz`, base64: Buffer.from(bytes).toString('base64'), bytes: bytes.length, samples: profile.samples.length };
}

/** The blocking profile `kind` of an indexed trace as a flame graph of its delay (nanoseconds). */
export function blockingFlame(idx: BlockingIndexReader, kind: BlockingKind): FlameGraph {
  return profileFlame(blockingPprof(idx, kind), { sampleType: 'delay' });
}
