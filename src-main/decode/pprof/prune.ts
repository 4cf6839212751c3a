// The meaning of a profile's drop_frames and keep_frames fields, as Go's pprof applies them when
// it reads a profile (Profile.RemoveUninteresting → Prune): every report and summary of a profile
// sees its stacks pruned.

// The renderer's typecheck reaches this file through the service types (type imports only); it
// has no Node types of its own, so this file names the ones it needs.
/// <reference types="node" />
import * as v8 from 'node:v8';
import type { Profile, Sample } from './model.ts';
import { profileIndex } from './model.ts';

/**
 * What RE2 (Go's regexp) refuses and V8's linear-time engine cannot run: backreferences,
 * lookarounds, repeat counts over 1000. pprof reports such a pattern and does not prune.
 */
const NOT_RE2 = /\\[1-9]|\\k<|\(\?<?[=!]/;
const REPEAT = /\{(\d+)(?:,(\d*))?\}/g;

function re2Refuses(pattern: string): boolean {
  if (NOT_RE2.test(pattern)) return true;
  for (const m of pattern.matchAll(REPEAT)) if (Number(m[1]) > 1000 || Number(m[2] || 0) > 1000) return true;
  return false;
}

let linearFallback = false;

/**
 * The patterns come from the file: a hostile `(a+)+$` would make V8's backtracking engine run
 * for hours where RE2 takes linear time. With this flag V8 switches a regexp that backtracks
 * too much to its linear-time engine (measured: 13 ms for `(a+)+b` against a 41-character name,
 * which the backtracking engine does not finish in minutes).
 */
function compileFromFile(pattern: string): RegExp | null {
  if (re2Refuses(pattern)) return null;
  if (!linearFallback) {
    v8.setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
    linearFallback = true;
  }
  return new RegExp(`^(${pattern})$`);
}

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
  let drop: RegExp | null;
  let keep: RegExp | null = null;
  try {
    drop = compileFromFile(p.dropFrames);
    if (p.keepFrames !== '') keep = compileFromFile(p.keepFrames);
  } catch {
    drop = null;
  }
  // pprof reports a bad expression and reports on the unpruned profile.
  if (drop === null || (p.keepFrames !== '' && keep === null)) return p;
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
