// Checks on the arguments of the hand-over methods (report, goroutinesDump), for hosts and
// callers alike (see validate.ts).

import { artefactRef, integer, InvalidArgument } from './validate.ts';

/** Artefacts a report covers at most. */
export const MAX_REPORT_ARTEFACTS = 50;
/** Goroutines one dump text holds at most. */
export const MAX_DUMP_GOROUTINES = 100_000;

/** A non-empty list of artefact references, each named `refs[i]` in errors. */
export function artefactRefs(v: unknown, name = 'refs', max = MAX_REPORT_ARTEFACTS): string[] {
  if (!Array.isArray(v) || v.length === 0 || v.length > max) throw new InvalidArgument(`${name} must be an array of 1 to ${max} artefacts`);
  return v.map((r, i) => artefactRef(r, `${name}[${i}]`));
}

/** A list of goroutine IDs (at most MAX_DUMP_GOROUTINES). */
export function goroutineIds(v: unknown, name = 'ids'): number[] {
  if (!Array.isArray(v) || v.length > MAX_DUMP_GOROUTINES) throw new InvalidArgument(`${name} must be an array of at most ${MAX_DUMP_GOROUTINES} goroutine IDs`);
  return v.map((id, i) => integer(`${name}[${i}]`, id, 0));
}
