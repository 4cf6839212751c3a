// Which other dump a comparison starts from: one named as the other end of a before/after pair
// ("app.early.debug2.txt" for "app.late.debug2.txt"), then the one whose name shares the most with
// this one's at both ends, so the usual pair needs no choosing.

import type { ArtefactInfo } from '../../src-main/service/types.ts';

const EARLY = /early|before|old|first/i;
const LATE = /late|after|new|second/i;

function sharedEnds(a: string, b: string): number {
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
  return prefix + suffix;
}

/** The dump to compare `current` with (null when the library has no other dump). */
export function likelyPartner(current: ArtefactInfo, library: readonly ArtefactInfo[]): ArtefactInfo | null {
  let best: ArtefactInfo | null = null;
  let bestScore = -1;
  for (const a of library) {
    if (a.kind !== 'dump' || a.hash === current.hash) continue;
    const pair = (EARLY.test(a.name) && LATE.test(current.name)) || (LATE.test(a.name) && EARLY.test(current.name));
    const score = sharedEnds(a.name, current.name) + (pair ? 1000 : 0);
    if (score > bestScore) [best, bestScore] = [a, score];
  }
  return best;
}

/** Guesses which of two snapshots came first from their names (early/before/old… vs late/after/new…). */
export function earlierFirst(a: ArtefactInfo, b: ArtefactInfo): [ArtefactInfo, ArtefactInfo] {
  return LATE.test(a.name) && !LATE.test(b.name) ? [b, a] : [a, b];
}
