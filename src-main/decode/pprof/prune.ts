// The meaning of a profile's drop_frames and keep_frames fields, as Go's pprof applies them when
// it reads a profile (Profile.RemoveUninteresting → Prune): every report and summary of a profile
// sees its stacks pruned.

import type { Profile, Sample } from './model.ts';
import { profileIndex } from './model.ts';

const RESERVED_NAMES = ['(anonymous namespace)', 'operator()'];

/** pprof's simplifyFunc: the name up to its first "(" that does not begin a reserved name. */
function simplifyFunctionName(name: string): string {
  const f = name.startsWith('.') ? name.slice(1) : name;
  for (let i = f.indexOf('('); i >= 0; i = f.indexOf('(', i + 1)) {
    const reserved = RESERVED_NAMES.find((r) => f.startsWith(r, i));
    if (!reserved) return f.slice(0, i);
    i += reserved.length - 1;
  }
  return f;
}

/**
 * Applies the profile's drop_frames/keep_frames as pprof does (Profile.Prune): frames matching
 * drop (and not keep) are removed together with everything beneath them (towards the leaf), but
 * never the frames before a sample's first kept frame from the root.
 */
export function pruneFrames(p: Profile): Profile {
  if (p.dropFrames === '') return p;
  let drop: RegExp;
  let keep: RegExp | null = null;
  try {
    drop = new RegExp(`^(${p.dropFrames})$`);
    if (p.keepFrames !== '') keep = new RegExp(`^(${p.keepFrames})$`);
  } catch {
    return p; // pprof reports the bad expression and reports on the unpruned profile
  }
  const idx = profileIndex(p);
  const matches = new Map<string, boolean>();
  const pruneFromHere = (name: string): boolean => {
    let m = matches.get(name);
    if (m === undefined) {
      const simple = simplifyFunctionName(name);
      m = drop.test(simple) && !(keep && keep.test(simple));
      matches.set(name, m);
    }
    return m;
  };
  const prune = new Set<number>();
  const pruneBeneath = new Set<number>();
  const locations = p.locations.map((l) => {
    let i = l.lines.length - 1;
    for (; i >= 0; i--) {
      const f = idx.functions.get(l.lines[i].functionId);
      if (f && f.name !== '' && pruneFromHere(f.name)) break;
    }
    if (i < 0) return l;
    pruneBeneath.add(l.id);
    if (i === l.lines.length - 1) {
      prune.add(l.id);
      return l;
    }
    return { ...l, lines: l.lines.slice(i + 1) };
  });
  const samples: Sample[] = p.samples.map((s) => {
    let foundUser = false;
    for (let i = s.locationIds.length - 1; i >= 0; i--) {
      const id = s.locationIds[i];
      if (!prune.has(id) && !pruneBeneath.has(id)) {
        foundUser = true;
        continue;
      }
      if (!foundUser) continue;
      if (prune.has(id)) return { ...s, locationIds: s.locationIds.slice(i + 1) };
      return { ...s, locationIds: s.locationIds.slice(i) };
    }
    return s;
  });
  return { ...p, locations, samples };
}
