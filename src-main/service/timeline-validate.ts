// Checks of the timeline's requests beyond `timeline` itself (lanes, edges), in the manner of
// validate.ts: rebuilt from their known own fields only. Function declarations only: validate.ts's
// table of host methods refers to them, and this module imports its primitives from there.

import type { TimelineEdgesRequest, TimelineLanesRequest } from './types.ts';
import { finiteNumber, integer, InvalidArgument, oneOf, optional, text, window } from './validate.ts';
import { MAX_TIMELINE_EDGES } from './timeline-answers.ts';

function field(o: Readonly<Record<string, unknown>>, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

/** A plain object (not an array, not null, not a class instance) whose own fields are read. */
function plainObject(name: string, v: unknown): Readonly<Record<string, unknown>> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new InvalidArgument(`${name} must be an object`);
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== Object.prototype && proto !== null) throw new InvalidArgument(`${name} must be a plain object`);
  return v as Record<string, unknown>;
}

/** An artefact reference: a content hash, a unique prefix or an indexed file's path. */
function artefactRef(v: unknown): string {
  const ref = text('artefact', v, 4096);
  if (ref.length === 0) throw new InvalidArgument('artefact must not be empty');
  return ref;
}

export function timelineLanesRequest(v: unknown): TimelineLanesRequest {
  const o = plainObject('timeline lanes request', v);
  const [t0, t1] = window(field(o, 't0'), field(o, 't1'));
  return {
    artefact: artefactRef(field(o, 'artefact')),
    kind: oneOf('kind', field(o, 'kind'), ['proc', 'thread'] as const),
    t0, t1,
    widthPx: integer('widthPx', field(o, 'widthPx'), 1, 100_000),
  };
}

export function timelineEdgesRequest(v: unknown): TimelineEdgesRequest {
  const o = plainObject('timeline edges request', v);
  const [t0, t1] = window(field(o, 't0'), field(o, 't1'));
  const req: TimelineEdgesRequest = { artefact: artefactRef(field(o, 'artefact')), t0, t1 };
  const goroutine = optional(field(o, 'goroutine'), (g) => integer('goroutine', g, 0));
  if (goroutine !== undefined) req.goroutine = goroutine;
  const limit = optional(field(o, 'limit'), (n) => integer('limit', n, 1, MAX_TIMELINE_EDGES));
  if (limit !== undefined) req.limit = limit;
  return req;
}

/** A time on the trace's clock, ns since its first event. */
export function timeArgument(name: string, v: unknown): number {
  return finiteNumber(name, v);
}
